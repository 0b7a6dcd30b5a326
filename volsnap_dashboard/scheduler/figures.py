"""What a sweep's report says to the metrics (metrics.py): the lag and
the schedules by state."""

import collections

from volsnap_dashboard.protection.schedule import model
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


def _state(schedule, now):
    """states.state_of, with the first run after the last that the sweep
    computed already (remembered per time of day): no cron walk for a
    schedule whose next run is ahead. Invalid if it cannot be told."""
    try:
        next_run = (sweep_module.first_run_after_last(schedule)
                    if isinstance(schedule, model.Schedule) else None)
        return states.state_of(schedule, now, next_run=next_run)
    except Exception:  # noqa: BLE001 - tenant-written; the sweep said why
        return states.INVALID


def schedules_by_state(report, now):
    """{state: count} of the schedules the sweep listed and owns."""
    counted = collections.Counter(
        _state(decision.schedule, now) for decision in report.decisions
        if decision.kind != sweep_module.NOT_MINE)
    return {state: counted.get(state, 0) for state in states.PRECEDENCE}
