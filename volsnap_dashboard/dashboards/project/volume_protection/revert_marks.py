"""Which rows of the Snapshots tab may offer "Revert Volume to This
Snapshot", decided from the page itself and one volume listing.

Cinder reverts a volume only to its newest snapshot. The listing is newest
first, so on the first page of an unfiltered listing (or one filtered by
volume only) the first row of each volume is that volume's newest snapshot.
On later pages, or under other filters, a newer snapshot may sit elsewhere:
those rows are not marked and the action stays hidden (Cinder would refuse
anyway, and the form says so).
"""

from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import errors

# Filters that hide no snapshot of a volume the page shows.
KEEPS_NEWEST = frozenset(('volume_id',))


def newest_known(marker, filters):
    """True when the page's first row of each volume is its newest."""
    return marker is None and set(filters) <= KEEPS_NEWEST


def mark_newest(snapshots, known):
    """Set ``newest_of_volume`` on each snapshot (listed newest first)."""
    seen = set()
    for snapshot in snapshots:
        first = snapshot.volume_id not in seen
        seen.add(snapshot.volume_id)
        snapshot.newest_of_volume = known and first


def mark_volume_status(request, snapshots, search_opts):
    """Set ``volume_status`` on the newest rows: one volume listing, only
    when some row is a volume's newest; None where Cinder cannot say."""
    candidates = [s for s in snapshots if s.newest_of_volume]
    statuses = {}
    if candidates:
        try:
            statuses = cinder.volume_statuses(request, dict(search_opts))
        except errors.VolsnapAPIError:
            statuses = {}
    for snapshot in snapshots:
        snapshot.volume_status = statuses.get(snapshot.volume_id)
