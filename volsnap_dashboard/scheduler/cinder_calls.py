"""The few Cinder calls the scheduler makes itself (everything else goes
through the protection plugin and the schedule store), each translated
into the API layer's errors."""

from volsnap_dashboard.api import errors
from volsnap_dashboard.protection.schedule import codec

def scheduled_volumes(service_client):
    """Every volume of every project that carries a schedule: one listing
    (cinderclient follows Cinder's next links when a page is full)."""
    search_opts = {'all_tenants': 1,
                   'metadata': {codec.MARKER_KEY: codec.MARKER_VALUE}}
    with errors.translated():
        return list(service_client.volumes.list(search_opts=search_opts))


def volume(client, volume_id):
    with errors.translated():
        return client.volumes.get(volume_id)


def absolute_limits(client):
    """Cinder's absolute limits of the client's project, as a dict."""
    with errors.translated():
        limits = client.limits.get()
    return {limit.name: limit.value for limit in limits.absolute}


def clear_run_request(client, volume, schedule_id):
    key = codec.run_now_key(schedule_id)
    if key not in (getattr(volume, 'metadata', None) or {}):
        return
    with errors.translated():
        client.volumes.delete_metadata(volume, [key])


# Verification (see volsnap_dashboard.protection.verification)

def snapshots_tagged(service_client, key, value):
    """Every project's snapshots whose metadata ``key`` is ``value``: one
    listing (Cinder's exact-match filter)."""
    search_opts = {'all_tenants': 1, 'metadata': {key: value}}
    with errors.translated():
        return list(service_client.volume_snapshots.list(
            search_opts=search_opts))


def volumes_tagged(service_client, key, value):
    """Every project's volumes whose metadata ``key`` is ``value``: one
    listing."""
    search_opts = {'all_tenants': 1, 'metadata': {key: value}}
    with errors.translated():
        return list(service_client.volumes.list(search_opts=search_opts))


def snapshot(client, snapshot_id):
    with errors.translated():
        return client.volume_snapshots.get(snapshot_id)


def set_snapshot_metadata(client, snapshot, metadata):
    with errors.translated():
        client.volume_snapshots.set_metadata(snapshot, metadata)


def delete_snapshot_metadata(client, snapshot, keys):
    present = [key for key in keys
               if key in (getattr(snapshot, 'metadata', None) or {})]
    if not present:
        return
    with errors.translated():
        client.volume_snapshots.delete_metadata(snapshot, present)


# States in which Cinder deletes a volume without force.
DELETABLE = ('available', 'error', 'error_restoring', 'error_extending',
             'error_managing')


def delete_volume(client, volume):
    """Delete ``volume`` (forcing it where it is stuck in another state,
    which needs an admin); False if it was already gone."""
    try:
        with errors.translated():
            if volume.status in DELETABLE:
                client.volumes.delete(volume)
            else:
                client.volumes.force_delete(volume)
    except errors.NotFound:
        return False
    return True
