"""What a sweep's report says to the metrics (metrics.py): the lag and
the schedules by state."""

import collections

from volsnap_dashboard.protection.schedule import states
from volsnap_dashboard.scheduler import run as run_module
from volsnap_dashboard.scheduler import sweep as sweep_module

# A slot with one of these is not run yet (another process holds it).
_NOT_RUN = (None, run_module.LOCKED)


def lag_seconds(report, now):
    """How long before ``now`` the oldest slot the sweep found due and
    did not run (a dry run, a stopped sweep, a slot not tried again
    after an unexpected failure, one locked elsewhere) was; 0 when there
    is none."""
    slots = [decision.due.slot for decision in report.decisions
             if decision.kind == sweep_module.DUE and decision.due is not None
             and report.outcomes.get(decision.schedule.id) in _NOT_RUN]
    if not slots:
        return 0.0
    return max(0.0, (now - min(slots)).total_seconds())


def schedules_by_state(report, now):
    """{state: count} of the schedules the sweep listed and owns."""
    counted = collections.Counter(
        states.state_of(decision.schedule, now)
        for decision in report.decisions
        if decision.kind != sweep_module.NOT_MINE)
    return {state: counted.get(state, 0) for state in states.PRECEDENCE}
