"""The one rule for the state a schedule is in: what the Schedules tabs
show per schedule and what the Volumes tab makes of a volume's
schedules.

Its inputs are what the volume's metadata holds, decoded (a Schedule, or
an Invalid), and a time: the scheduler's record of the last run, the
definition's pause and a pending "run now".

When several apply, the first of these is the state (``PRECEDENCE``), the
one whose remedy a user must know first:

1. invalid: the schedule cannot be read, or the scheduler found it cannot
   run; nothing else about it means anything until it is fixed.
2. authorization lost: no run happens until a member takes it over;
   resuming a paused one would not help, so it shows through a pause.
3. paused: a member stopped its runs on purpose; a failure recorded
   before and the runs since not made are no news.
4. failing: its last run made no snapshot (it failed, or was skipped on
   a full quota); a run asked for since does not make it succeed.
5. overdue: a run due (or asked for) more than ``OVERDUE_AFTER`` ago has
   not been recorded: the scheduler is not making runs, so a run just
   asked for will not be made either.
6. run requested: a run asked for is waiting for the scheduler's next
   sweep.
7. active: none of the above.

A run asked for is pending until the scheduler records a run at or after
the time it was asked for, as the scheduler decides it (a request it
could not clear is not pending for ever).
"""

import datetime

from django.utils.translation import pgettext_lazy

from volsnap_dashboard.protection.schedule import model
from volsnap_dashboard.protection.schedule import timing

INVALID = 'invalid'
AUTHORIZATION_LOST = 'authorization_lost'
PAUSED = 'paused'
FAILING = 'failing'
OVERDUE = 'overdue'
RUN_REQUESTED = 'run_requested'
ACTIVE = 'active'

#: Every state, the one that wins first (see the module's docstring).
PRECEDENCE = (INVALID, AUTHORIZATION_LOST, PAUSED, FAILING, OVERDUE,
              RUN_REQUESTED, ACTIVE)

#: The states in words, in ``PRECEDENCE``'s order (literal strings, so
#: that makemessages finds them).
DISPLAY = (
    (INVALID, pgettext_lazy('State of a schedule', 'Invalid')),
    (AUTHORIZATION_LOST, pgettext_lazy('State of a schedule',
                                       'Authorization lost')),
    (PAUSED, pgettext_lazy('State of a schedule', 'Paused')),
    (FAILING, pgettext_lazy('State of a schedule', 'Failing')),
    (OVERDUE, pgettext_lazy('State of a schedule', 'Overdue')),
    (RUN_REQUESTED, pgettext_lazy('State of a schedule', 'Run requested')),
    (ACTIVE, pgettext_lazy('State of a schedule', 'Active')),
)

#: States an admin looks at first, in this order.
NEEDS_ATTENTION = (FAILING, AUTHORIZATION_LOST, INVALID, OVERDUE)

#: States the scheduler recorded (from a run), not ones the page found:
#: their reason is the scheduler's record, which the project's members
#: can write too.
RECORDED = (INVALID, AUTHORIZATION_LOST, FAILING)

#: A run this late is overdue: the scheduler sweeps every minute, and a
#: run waits for its snapshot.
OVERDUE_AFTER = datetime.timedelta(minutes=30)

# A skipped run (a full quota) made no snapshot either: the tenant has
# something to fix.
_FAILED = (model.OUTCOME_FAILED, model.OUTCOME_SKIPPED)


def pending_request(schedule):
    """When a run was asked for with "run now", unless a run at or after
    that time (to the second, as the scheduler records it) is recorded;
    else None."""
    requested = schedule.run_requested
    last = schedule.state.last_slot
    if requested is not None and last is not None and \
            requested.replace(microsecond=0) <= last:
        return None
    return requested


def _overdue(schedule, requested, late, next_run=None):
    if requested is not None and requested <= late:
        return True
    if next_run is not None and next_run > late.timestamp():
        # No run between the last and ``late``: no cron walk needed.
        return False
    slot, _missed = timing.due_slot(
        schedule.when.cron, schedule.when.tz, schedule.state.last_slot,
        schedule.created, late)
    return slot is not None


def state_of(schedule, now, overdue_after=OVERDUE_AFTER, next_run=None):
    """The state (one of ``PRECEDENCE``) of ``schedule`` (a Schedule or
    an Invalid) at ``now`` (aware). ``next_run``: the POSIX time of its
    first run after its last (or its creation), when the caller knows it
    (the scheduler's sweep does, for thousands of schedules a minute)."""
    if isinstance(schedule, model.Invalid):
        return INVALID
    outcome = schedule.state.outcome
    if outcome == model.OUTCOME_INVALID:
        return INVALID
    if outcome == model.OUTCOME_AUTHORIZATION_LOST:
        return AUTHORIZATION_LOST
    if schedule.paused:
        return PAUSED
    if outcome in _FAILED:
        return FAILING
    requested = pending_request(schedule)
    if _overdue(schedule, requested, now - overdue_after, next_run):
        return OVERDUE
    return ACTIVE if requested is None else RUN_REQUESTED


def recorded(schedule, state):
    """Whether ``state`` of ``schedule`` is the scheduler's record."""
    return isinstance(schedule, model.Schedule) and state in RECORDED
