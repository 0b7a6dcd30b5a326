"""Schedules of one volume that run at the same instants: a second one
makes two snapshots each time and uses twice the quota, so the panels
ask before adding one (the same cron written otherwise, or the same
times in another zone's name, count too)."""

from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import model
from volsnap_dashboard.protection.schedule import timing

# Runs compared: enough to tell a daily schedule from a weekday one.
SAMPLED_RUNS = 8


def _instants(when, now):
    try:
        return [run.timestamp() for run in timing.next_runs(
            when.cron, when.tz, now, SAMPLED_RUNS)]
    except Exception:  # noqa: BLE001 - a tenant's text: no match
        return None


def same_times(when, other, now):
    """Whether ``when`` and ``other`` (model.When) run at the same next
    instants after ``now``."""
    ours = _instants(when, now)
    return bool(ours) and ours == _instants(other, now)


def duplicated_by(volume, when, now, ignore_id=None, plugin=None):
    """The schedules on ``volume`` (other than ``ignore_id``) that run
    the same plugin (its name as schedules record it: None for the
    default) at the same times as ``when``: a snapshot schedule and a
    backup schedule at the same hour are no duplicates."""
    return [schedule for schedule in codec.decode(volume)
            if isinstance(schedule, model.Schedule)
            and schedule.id != ignore_id and schedule.plugin == plugin
            and same_times(when, schedule.when, now)]
