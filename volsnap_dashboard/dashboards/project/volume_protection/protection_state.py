"""How well a volume is protected, from its schedules and snapshots.

A pure function of what one volume listing and one snapshot listing
give (the schedules are decoded from the volume's metadata), so the
Volumes tab computes every row without another call, and the rules are
tested on their own.
"""

import dataclasses
import datetime

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from volsnap_dashboard.dashboards.project.volume_protection import (
    verify_marks)
from volsnap_dashboard.protection.schedule import model
from volsnap_dashboard.protection.schedule import retention
from volsnap_dashboard.protection.schedule import timing

UNPROTECTED = 'unprotected'
MANUAL_ONLY = 'manual_only'
PROTECTED = 'protected'
OVERDUE = 'overdue'
FAILING = 'failing'
PAUSED = 'paused'
AUTHORIZATION_LOST = 'authorization_lost'
INVALID = 'invalid'
#: The scheduler's temporary verification volume: not the user's to
#: protect, and deleted automatically.
TEMPORARY = 'temporary'

#: Most urgent first: a volume with several schedules shows the most
#: urgent of their states (one active schedule that works outweighs a
#: paused one, a failing one outweighs both).
URGENCY = (INVALID, AUTHORIZATION_LOST, FAILING, OVERDUE, PROTECTED, PAUSED)

#: Literal strings, so that makemessages finds them.
STATE_DISPLAY = (
    (UNPROTECTED, pgettext_lazy('Protection state of a volume',
                                'Unprotected')),
    (MANUAL_ONLY, pgettext_lazy('Protection state of a volume',
                                'Manual only')),
    (PROTECTED, pgettext_lazy('Protection state of a volume', 'Protected')),
    (OVERDUE, pgettext_lazy('Protection state of a volume', 'Overdue')),
    (FAILING, pgettext_lazy('Protection state of a volume', 'Failing')),
    (PAUSED, pgettext_lazy('Protection state of a volume', 'Paused')),
    (AUTHORIZATION_LOST, pgettext_lazy('Protection state of a volume',
                                       'Authorization lost')),
    (INVALID, pgettext_lazy('Protection state of a volume', 'Invalid')),
    (TEMPORARY, pgettext_lazy('Protection state of a volume',
                              'Temporary (verification)')),
)

#: A run this late (the scheduler sweeps every minute, and a run waits
#: for its snapshot) means the scheduler did not make it.
OVERDUE_AFTER = datetime.timedelta(minutes=30)

# Snapshots still changing: the row is refreshed until they settle.
_CHANGING = ('creating', 'deleting')


@dataclasses.dataclass(frozen=True)
class Protection:
    """A volume's protection: ``state`` (one of the constants above),
    ``reason`` (why it fails or is invalid, as recorded), ``failures``
    (runs failed in a row), its newest available snapshot and that
    snapshot's age, the next scheduled run (aware, in the schedule's
    zone), whether something is still changing (``busy``, a
    verification pending included) and the VerificationState of its
    newest verified snapshot (``last_verified``)."""
    state: str
    reason: str = ''
    failures: int = 0
    newest_snapshot: object = None
    newest_age: datetime.timedelta | None = None
    next_run: datetime.datetime | None = None
    schedules: tuple = ()
    busy: bool = False
    last_verified: object = None
    #: The state and reason are the scheduler's record (which the
    #: project's members can write too), not the page's finding.
    recorded: bool = False


def _newest_available(snapshots):
    dated = [(retention.created_at(snapshot), snapshot)
             for snapshot in snapshots
             if getattr(snapshot, 'status', None) == 'available']
    dated = [(moment, snapshot) for moment, snapshot in dated if moment]
    if not dated:
        return None, None
    return max(dated, key=lambda pair: pair[0])


def _overdue(schedule, now, overdue_after):
    """Whether a run that was due ``overdue_after`` ago or earlier has
    not happened (nor one the user asked for with "run now")."""
    late = now - overdue_after
    requested = schedule.run_requested
    if requested is not None and requested <= late:
        return True
    slot, _missed = timing.due_slot(schedule.when.cron, schedule.when.tz,
                                    schedule.state.last_slot,
                                    schedule.created, late)
    return slot is not None


def schedule_state(schedule, now, overdue_after=OVERDUE_AFTER):
    """``(state, reason, failures)`` of one schedule (or Invalid)."""
    if isinstance(schedule, model.Invalid):
        return INVALID, schedule.reason, 0
    state = schedule.state
    if state.outcome == model.OUTCOME_INVALID:
        return INVALID, state.reason, state.failures
    if state.outcome == model.OUTCOME_AUTHORIZATION_LOST:
        return AUTHORIZATION_LOST, state.reason, state.failures
    if schedule.paused:
        return PAUSED, '', 0
    # A skipped run (a full quota) made no snapshot either: the tenant
    # has something to fix.
    if state.outcome in (model.OUTCOME_FAILED, model.OUTCOME_SKIPPED):
        return FAILING, state.reason, state.failures
    if _overdue(schedule, now, overdue_after):
        return OVERDUE, '', 0
    return PROTECTED, '', 0


def _next_run(schedules, now):
    runs = []
    for schedule in schedules:
        if isinstance(schedule, model.Schedule) and not schedule.paused:
            runs.extend(timing.next_runs(schedule.when.cron,
                                         schedule.when.tz, now, 1))
    return min(runs, key=lambda run: run.timestamp(), default=None)


def protection_of(schedules, snapshots, now, overdue_after=OVERDUE_AFTER):
    """The Protection of a volume with ``schedules`` (each a Schedule or
    an Invalid, as decoded from its metadata) and ``snapshots`` (its
    snapshots, any status), at ``now`` (aware).

    Without a schedule, a volume with an available snapshot is protected
    by hand only; one whose snapshots all failed is unprotected.
    """
    created, newest = _newest_available(snapshots)
    busy = (any(getattr(snapshot, 'status', None) in _CHANGING
                or verify_marks.pending(snapshot)
                for snapshot in snapshots)
            or any(getattr(schedule, 'run_requested', None) is not None
                   for schedule in schedules))
    common = {'newest_snapshot': newest,
              'newest_age': now - created if created else None,
              'schedules': tuple(schedules), 'busy': busy,
              'last_verified': verify_marks.last_verified(snapshots)}
    if not schedules:
        return Protection(state=MANUAL_ONLY if newest else UNPROTECTED,
                          **common)
    states = [(schedule_state(schedule, now, overdue_after), schedule)
              for schedule in schedules]
    (state, reason, failures), schedule = min(
        states, key=lambda entry: URGENCY.index(entry[0][0]))
    recorded = isinstance(schedule, model.Schedule) and state in (
        INVALID, AUTHORIZATION_LOST, FAILING)
    return Protection(state=state, reason=reason, failures=failures,
                      next_run=_next_run(schedules, now), recorded=recorded,
                      **common)


def describe(protection):
    """The state in words, with the reason and failures in a row where
    they explain it."""
    display = dict(STATE_DISPLAY)[protection.state]
    if protection.state == FAILING and protection.failures > 1:
        display = _("%(state)s (%(count)d runs in a row)") % {
            'state': display, 'count': protection.failures}
    if protection.recorded and protection.reason:
        return _("%(state)s, as the scheduler recorded: %(reason)s") % {
            'state': display, 'reason': protection.reason}
    if protection.recorded:
        return _("%s, as the scheduler recorded") % display
    if protection.reason:
        return _("%(state)s: %(reason)s") % {'state': display,
                                             'reason': protection.reason}
    return display
