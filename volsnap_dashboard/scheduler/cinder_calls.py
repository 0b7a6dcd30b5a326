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
