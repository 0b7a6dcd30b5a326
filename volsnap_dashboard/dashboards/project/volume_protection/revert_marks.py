"""Which rows of the Snapshots tab may offer "Revert Volume to This
Snapshot", decided from the page itself and its volume listing (no call
of its own).

Cinder reverts a volume only to its newest snapshot. The listing is newest
first, so on the first page of an unfiltered listing (or one filtered by
volume only) the first row of each volume is that volume's newest snapshot.
On later pages, or under other filters, a newer snapshot may sit elsewhere:
those rows are not marked and the action stays hidden (Cinder would refuse
a wrong one anyway, and the form says so).
"""

# Filters that hide no snapshot of a volume the page shows.
KEEPS_NEWEST = frozenset(('volume_id',))


def newest_known(marker, filters):
    """True when the page's first row of each volume is its newest."""
    return marker is None and set(filters) <= KEEPS_NEWEST


def mark(snapshots, known, volume_statuses):
    """Set ``newest_of_volume`` and ``volume_status`` (None where the
    listing did not say) on each snapshot, listed newest first."""
    seen = set()
    for snapshot in snapshots:
        snapshot.newest_of_volume = known and snapshot.volume_id not in seen
        seen.add(snapshot.volume_id)
        snapshot.volume_status = volume_statuses.get(snapshot.volume_id)
