"""How well a volume is protected, from its schedules and protections.

A pure function of what one volume listing and one listing of each
protection plugin's protections give (the schedules are decoded from the
volume's metadata), so the panel's Volumes tab and ``openstack volume
protection state`` compute every volume without another call, and the
rules are tested on their own. The words for each state are the
caller's.
"""

import dataclasses
import datetime

from volsnap_dashboard.protection.schedule import model
from volsnap_dashboard.protection.schedule import retention
from volsnap_dashboard.protection.schedule import states as schedule_states
from volsnap_dashboard.protection.schedule import timing
from volsnap_dashboard.protection import verification

UNPROTECTED = 'unprotected'
MANUAL_ONLY = 'manual_only'
#: A volume whose schedule is active and which has an available
#: protection to restore.
PROTECTED = 'protected'
#: An active schedule that has not run yet: no restore point so far.
SCHEDULED_NO_SNAPSHOT = 'scheduled_no_snapshot'
#: An active schedule that ran, but no protection is available (deleted,
#: or none finished): not protected, whatever the schedule says.
NO_RESTORE_POINT = 'no_restore_point'
#: Otherwise a volume is in its schedule's state (``schedule_states``).
#: The scheduler's temporary verification volume: not the user's to
#: protect, and deleted automatically.
TEMPORARY = 'temporary'

#: Most urgent first: a volume with several schedules shows the most
#: urgent of their states (one active schedule that works outweighs a
#: paused one, a failing one outweighs both).
URGENCY = (schedule_states.INVALID, schedule_states.AUTHORIZATION_LOST,
           schedule_states.FAILING, schedule_states.OVERDUE,
           schedule_states.RUN_REQUESTED, PROTECTED, schedule_states.PAUSED)

# Protections still changing: the row is refreshed until they settle.
_CHANGING = ('creating', 'deleting')


@dataclasses.dataclass(frozen=True)
class Protection:
    """A volume's protection: ``state`` (one of the constants above),
    ``reason`` (why it fails or is invalid, as recorded), ``failures``
    (runs failed in a row), its newest available protection (its newest
    restore point) and that protection's age, the next scheduled run
    (aware, in the schedule's zone), whether something is still changing
    (``busy``, a verification pending included) and the
    VerificationState of its newest verified protection
    (``last_verified``)."""
    state: str
    reason: str = ''
    failures: int = 0
    newest_protection: object = None
    newest_age: datetime.timedelta | None = None
    #: ``(plugin name, age)`` of the newest available protection of each
    #: plugin that has one, in the order the protections were listed.
    newest_ages: tuple = ()
    next_run: datetime.datetime | None = None
    schedules: tuple = ()
    busy: bool = False
    last_verified: object = None
    #: The state and reason are the scheduler's record (which the
    #: project's members can write too), not the page's finding.
    recorded: bool = False


def _newest_available(protections):
    dated = [(retention.created_at(protection), protection)
             for protection in protections
             if getattr(protection, 'status', None) == 'available']
    dated = [(moment, protection) for moment, protection in dated
             if moment]
    if not dated:
        return None, None
    return max(dated, key=lambda pair: pair[0])


def _newest_ages(protections, now):
    by_plugin = {}
    for protection in protections:
        by_plugin.setdefault(getattr(protection, 'plugin', None),
                             []).append(protection)
    ages = []
    for plugin, listed in by_plugin.items():
        created, _newest = _newest_available(listed)
        if created:
            ages.append((plugin, now - created))
    return tuple(ages)


def schedule_state(schedule, now,
                   overdue_after=schedule_states.OVERDUE_AFTER):
    """``(state, reason, failures)`` of one schedule (or Invalid): the
    rule's state, ``PROTECTED`` for an active schedule; the reason and
    failures where the scheduler recorded them."""
    state = schedule_states.state_of(schedule, now, overdue_after)
    if state == schedule_states.ACTIVE:
        return PROTECTED, '', 0
    if isinstance(schedule, model.Invalid):
        return state, schedule.reason, 0
    if schedule_states.recorded(schedule, state):
        return state, schedule.state.reason, schedule.state.failures
    return state, '', 0


def _has_run(schedule):
    return isinstance(schedule, model.Schedule) and \
        schedule.state.last_run is not None


def _next_run(schedules, now):
    runs = []
    for schedule in schedules:
        if isinstance(schedule, model.Schedule) and not schedule.paused:
            runs.extend(timing.next_runs(schedule.when.cron,
                                         schedule.when.tz, now, 1))
    return min(runs, key=lambda run: run.timestamp(), default=None)


def protection_of(schedules, protections, now,
                  overdue_after=schedule_states.OVERDUE_AFTER):
    """The Protection of a volume with ``schedules`` (each a Schedule or
    an Invalid, as decoded from its metadata) and ``protections`` (its
    protections, protection.base.Protection records, any status), at
    ``now`` (aware).

    Without a schedule, a volume with an available protection is
    protected by hand only; one whose protections all failed is
    unprotected. A healthy schedule makes a volume protected only once
    an available protection exists.
    """
    created, newest = _newest_available(protections)
    busy = (any(getattr(protection, 'status', None) in _CHANGING
                or verification.state_of(protection).blocks_a_request(now)
                for protection in protections)
            or any(isinstance(schedule, model.Schedule)
                   and schedule_states.pending_request(schedule) is not None
                   for schedule in schedules))
    common = {'newest_protection': newest,
              'newest_age': now - created if created else None,
              'newest_ages': _newest_ages(protections, now),
              'schedules': tuple(schedules), 'busy': busy,
              'last_verified': verification.last_verified(protections)}
    if not schedules:
        return Protection(state=MANUAL_ONLY if newest else UNPROTECTED,
                          **common)
    states = [(schedule_state(schedule, now, overdue_after), schedule)
              for schedule in schedules]
    (state, reason, failures), schedule = min(
        states, key=lambda entry: URGENCY.index(entry[0][0]))
    if state == PROTECTED and newest is None:
        state = (NO_RESTORE_POINT if any(_has_run(schedule)
                                         for schedule in schedules)
                 else SCHEDULED_NO_SNAPSHOT)
    recorded = schedule_states.recorded(schedule, state)
    return Protection(state=state, reason=reason, failures=failures,
                      next_run=_next_run(schedules, now), recorded=recorded,
                      **common)
