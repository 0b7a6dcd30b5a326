"""What the revert offer and the Status cell need to know of a snapshot's
volume, where the page cannot tell it from its own listings: for a row
refreshed on its own (one call: the volume's newest snapshot, only where
the snapshot is available and Cinder can revert), and Cinder's reason for
volumes in error (one call for the page, only if there are)."""

from openstack_dashboard import policy as dashboard_policy

from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import errors
from volsnap_dashboard.api import microversions
from volsnap_dashboard.dashboards.common import plugin_choice
from volsnap_dashboard import policy


def revert_possible(request):
    """The plugin reverts and policy allows it: only then are the volumes'
    states worth asking for."""
    plugin = plugin_choice.volume_plugin()
    return (plugin is not None and plugin.supports_revert and
            dashboard_policy.check(policy.REVERT, request))


def newest_snapshot_id(request, volume_id):
    """The id of the volume's newest snapshot (Cinder's own order for a
    revert: created_at), or None if Cinder cannot say."""
    try:
        newest = cinder.snapshot_list(request,
                                      search_opts={'volume_id': volume_id},
                                      limit=1, sort='created_at:desc')
    except errors.VolsnapAPIError:
        return None
    return newest[0].id if newest else None


def refresh(request, snapshot, volume):
    """Set on a row refreshed on its own what the page's listings set on
    every row: the volume's state (``volume`` None when it is gone) and
    whether the snapshot is the volume's newest."""
    if not revert_possible(request):
        return
    snapshot.volume_status = volume.status if volume is not None else None
    snapshot.volume_size = volume.size if volume is not None else None
    snapshot.newest_known = False
    snapshot.newest_of_volume = False
    version = cinder.known_api_version(request)
    if (volume is not None and snapshot.status == 'available' and
            version is not None and
            version >= microversions.REVERT):
        newest = newest_snapshot_id(request, snapshot.volume_id)
        snapshot.newest_known = newest is not None
        snapshot.newest_of_volume = newest == snapshot.id
    add_volume_error_reasons(request, [snapshot])


def add_volume_error_reasons(request, snapshots):
    """Cinder's reason for each row whose volume is in error."""
    failed = {snapshot.volume_id for snapshot in snapshots
              if getattr(snapshot, 'volume_status', None) == 'error'}
    if not failed:
        return
    reasons = cinder.error_reasons(request, sorted(failed))
    for snapshot in snapshots:
        snapshot.volume_error_reason = reasons.get(snapshot.volume_id)
