"""What the project's active schedules still add to its quota usage as
retention fills up to what each keeps: a new schedule's forecast counts
it, or 34 schedules growing towards "keep 7" would look as if they fit
until two nights later every run is skipped.

A pure function of one listing of the project's scheduled volumes and one
of its protections, so the Review step and Save cost two more Cinder
calls however many schedules the project has.
"""

import collections
import dataclasses

from volsnap_dashboard.dashboards.schedules import preview
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import model
from volsnap_dashboard.protection.schedule import retention as retention_rules


@dataclasses.dataclass(frozen=True)
class Growth:
    """The project's active schedules (``schedules``) and the snapshots
    and GiB they will hold beyond what they hold now."""
    schedules: int = 0
    snapshots: int = 0
    gigabytes: int = 0


def _held(protections):
    """(schedule id, volume id) -> [count, GiB] of available protections
    a schedule made."""
    held = collections.defaultdict(lambda: [0, 0])
    for protection in protections:
        # A kept protection stays whatever the schedule does: it is in
        # today's usage and never replaced.
        if getattr(protection, 'status', None) != retention_rules.AVAILABLE \
                or retention_rules.is_kept(protection):
            continue
        schedule_id = codec.schedule_id_of(protection)
        if not schedule_id:
            continue
        entry = held[(schedule_id, getattr(protection, 'volume_id', None))]
        entry[0] += 1
        entry[1] += getattr(protection, 'size', 0) or 0
    return held


def growth(volumes, protections, now, leave_out=(), runs=None):
    """The Growth of the active schedules on ``volumes`` (the project's
    scheduled volumes), given ``protections`` (the project's, of one
    plugin), at ``now``; ``leave_out``: ``(volume id, schedule id)``
    pairs of the schedules being edited, which the forecast counts on its
    own; ``runs(schedule)``: whether a schedule runs that plugin (None:
    every schedule does)."""
    leave_out = set(leave_out)
    held = _held(protections)
    schedules = snapshots = gigabytes = 0
    for volume in volumes:
        for schedule in codec.decode(volume):
            if not isinstance(schedule, model.Schedule) or schedule.paused \
                    or (volume.id, schedule.id) in leave_out or (
                        runs is not None and not runs(schedule)):
                continue
            try:
                kept = preview.kept_per_volume(schedule.when,
                                               schedule.retention, now)
            except Exception:  # noqa: BLE001 - a tenant's text: not counted
                continue
            count, size = held[(schedule.id, volume.id)]
            schedules += 1
            snapshots += max(0, kept - count)
            gigabytes += max(0, kept * (volume.size or 0) - size)
    return Growth(schedules, snapshots, gigabytes)
