"""Which rows of the Snapshots tab may offer "Revert Volume to This
Snapshot", why the others do not, and what a row says of its volume while
it reverts; decided from the page itself and its volume listing (no call
of its own).

Cinder reverts a volume only to its newest snapshot. The listing is newest
first, so on the first page of an unfiltered listing (or one filtered by
volume only) the first row of each volume is that volume's newest snapshot:
the others have no revert entry at all. On later pages, or under other
filters, a newer snapshot may sit elsewhere: those rows show the entry
greyed and say that they cannot tell (Cinder would refuse a wrong one
anyway, and the form says so). A row refreshed on its own asks Cinder (see
revert_rows).
"""

from django.utils.translation import gettext_lazy as _
from openstack_dashboard.dashboards.project.volumes import (
    tables as volume_tables)

from volsnap_dashboard.api import microversions

NEWER_EXISTS = _("A newer snapshot of this volume exists: Block Storage "
                 "reverts a volume to its newest snapshot only.")

# Horizon's words for volume statuses, as its Volumes panel shows them.
VOLUME_STATUS_WORDS = dict(getattr(volume_tables.VolumesTableBase,
                                   'STATUS_DISPLAY_CHOICES', ()))

# Filters that hide no snapshot of a volume the page shows.
KEEPS_NEWEST = frozenset(('volume_id',))


def newest_known(marker, filters):
    """True when the page's first row of each volume is its newest."""
    return marker is None and set(filters) <= KEEPS_NEWEST


def mark(snapshots, known, volume_statuses, volume_sizes=None):
    """Set ``newest_known``, ``newest_of_volume``, ``volume_status`` and
    ``volume_size`` (None where the listing did not say) on each snapshot,
    listed newest first."""
    seen = set()
    for snapshot in snapshots:
        snapshot.newest_known = known
        snapshot.newest_of_volume = known and snapshot.volume_id not in seen
        seen.add(snapshot.volume_id)
        snapshot.volume_status = volume_statuses.get(snapshot.volume_id)
        snapshot.volume_size = (volume_sizes or {}).get(snapshot.volume_id)


def newer_exists(snapshot):
    """The volume is known to have a newer snapshot: no revert to this
    one, whatever the volume's state (the entry is not shown)."""
    return (getattr(snapshot, 'newest_known', False) and
            not getattr(snapshot, 'newest_of_volume', False))


def unavailable_reason(snapshot, version):
    """Why the revert cannot be offered on ``snapshot`` (an available
    snapshot not known to have a newer one, the plugin able to revert,
    policy allowing it), or None when it can: the Block Storage version
    (``version``, negotiated), the volume's state, its size since the
    snapshot, or the page not telling whether the snapshot is the volume's
    newest."""
    if version is None:
        # Not negotiated yet: nothing on the page spoke to Cinder.
        return _("The Block Storage service's API version is not known "
                 "yet: reload the page.")
    if version < microversions.REVERT:
        return _("This Block Storage service cannot revert a volume in "
                 "place: that needs API version %(needed)s, it offers "
                 "%(offered)s.") % {
                     'needed': microversions.REVERT.get_string(),
                     'offered': version.get_string()}
    volume_status = getattr(snapshot, 'volume_status', None)
    if volume_status is None:
        return _("The volume's state is unknown (it may have been "
                 "deleted): Block Storage reverts only an available "
                 "volume.")
    if volume_status != 'available':
        return _('The volume is "%s": Block Storage reverts only an '
                 'available volume (detached, not busy).') % \
            VOLUME_STATUS_WORDS.get(volume_status, volume_status)
    volume_size = getattr(snapshot, 'volume_size', None)
    if volume_size is not None and volume_size != snapshot.size:
        return _("The volume was resized since this snapshot (%(now)s GiB "
                 "now, %(then)s GiB then): Block Storage reverts a volume "
                 "only to a snapshot of its current size.") % {
                     'now': volume_size, 'then': snapshot.size}
    if getattr(snapshot, 'newest_of_volume', False):
        return None
    return _("Block Storage reverts a volume to its newest snapshot only, "
             "and this page cannot tell whether this is the newest: filter "
             "the list by its volume to see.")


def is_reverting(snapshot):
    """The row's volume is reverting to this snapshot: Cinder marks the
    snapshot "restoring" (a status the row refreshes on) until the volume
    is available again, or in error (meanwhile it keeps a newer backup
    snapshot of the volume, so "newest" would point at that one)."""
    return (getattr(snapshot, 'volume_status', None) == 'reverting' and
            snapshot.status == 'restoring')


def volume_note(snapshot):
    """What the Status cell adds about the volume: that it is reverting,
    or in error (with Cinder's reason where it gave one); else None."""
    if is_reverting(snapshot):
        return _("volume reverting")
    if getattr(snapshot, 'volume_status', None) != 'error':
        return None
    reason = getattr(snapshot, 'volume_error_reason', None)
    if reason:
        return _("volume in error: %s") % reason
    return _("volume in error")
