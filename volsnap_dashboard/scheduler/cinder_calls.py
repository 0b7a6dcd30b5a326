"""The few Cinder calls the scheduler makes itself with a tenant's
trust-scoped client (everything else goes through the protection plugin
and the schedule store; the service user's own calls are in
admin_calls.py), each translated into the API layer's errors."""

import logging

from volsnap_dashboard.api import errors
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.scheduler import admin_calls

LOG = logging.getLogger(__name__)


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
    try:
        with errors.translated():
            client.volumes.delete_metadata(volume, [key])
    except admin_calls.NotAllowed:
        # An outcome recorded with the service user's rights: the request
        # stays until the schedule's next run clears it.
        LOG.info("schedule %s: its run request is left on volume %s",
                 schedule_id, volume.id)


# Verification (see volsnap_dashboard.protection.verification)

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


# States in which Cinder deletes a volume for its project (no force).
DELETABLE = ('available', 'error', 'error_restoring', 'error_extending',
             'error_managing')


def delete_volume(client, volume):
    """Delete ``volume`` as the tenant would (never forced: a volume in
    another state is the tenant's to deal with); False if it was already
    gone."""
    try:
        with errors.translated():
            client.volumes.delete(volume)
    except errors.NotFound:
        return False
    return True
