"""What a snapshot row shows beyond Cinder's own fields, set in one place
for every path that draws or refreshes a row (the Snapshots tabs, a row
refreshed on its own, the detail pages): its volume's name, the schedule
that made it, its group snapshot, Cinder's reason for a failure and,
where the table offers a revert, its volume's state and whether it is the
volume's newest snapshot. The verification is read from the snapshot's
own metadata by its column (see verify.marks).

A page costs the same number of calls whatever its length: what is known
of the rows' volumes comes from the page's own listings (PageVolumes) or
from the one volume a single row reads (RowVolume).
"""

from volsnap_dashboard.api import cinder
from volsnap_dashboard.dashboards.groups import marks as group_marks
from volsnap_dashboard.dashboards.schedules import marks as schedule_marks
from volsnap_dashboard.dashboards.snapshots.revert import marks as revert_marks
from volsnap_dashboard.dashboards.snapshots.revert import rows as revert_rows

FAILED_STATUSES = ('error', 'error_deleting')


class PageVolumes:
    """The rows' volumes as a page's listings know them: ``names`` (id ->
    name, with ``statuses`` and ``sizes`` where the listing was
    detailed), ``scheduled(snapshots)`` listing the scheduled volumes
    among them (None if Cinder cannot), and whether the page's first row
    of each volume is its newest (see revert_marks.newest_known)."""

    def __init__(self, names, scheduled, newest_known):
        self.names = names
        self.scheduled = scheduled
        self.newest_known = newest_known

    def mark_revert(self, request, snapshots):
        revert_marks.mark(snapshots, self.newest_known,
                          getattr(self.names, 'statuses', {}),
                          getattr(self.names, 'sizes', {}))
        revert_rows.add_volume_error_reasons(request, snapshots)


class RowVolume:
    """The one volume a row refreshed on its own (or a detail page) read:
    None when it is gone or could not be read."""

    def __init__(self, volume):
        self.volume = volume
        self.names = {volume.id: volume.name} if volume is not None else {}

    def scheduled(self, snapshots):
        return [self.volume] if self.volume is not None else None

    def mark_revert(self, request, snapshots):
        for snapshot in snapshots:
            revert_rows.refresh(request, snapshot, self.volume)


def decorate(request, snapshots, volumes, revert=False,
             group_search_opts=None):
    """Set on ``snapshots`` (one page, newest first) everything their
    rows show, from ``volumes`` (a PageVolumes or a RowVolume): at most
    one listing each of scheduled volumes, group snapshots, newest
    snapshot (a single row's) and error reasons, and only where a row
    needs it. ``revert``: the table offers the revert;
    ``group_search_opts``: the group snapshot listing's (an admin's
    ``all_tenants``). Returns ``snapshots``."""
    for snapshot in snapshots:
        snapshot.source_volume_name = volumes.names.get(snapshot.volume_id)
    scheduled = schedule_marks.made_by_schedule(snapshots)
    if scheduled:
        schedule_marks.mark(scheduled, volumes.scheduled(scheduled))
    group_marks.mark(request, snapshots, group_search_opts)
    if revert:
        volumes.mark_revert(request, snapshots)
    failed = [s.id for s in snapshots if s.status in FAILED_STATUSES]
    if failed:
        reasons = cinder.error_reasons(request, failed)
        for snapshot in snapshots:
            snapshot.error_reason = reasons.get(snapshot.id)
    return snapshots
