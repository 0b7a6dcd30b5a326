"""The few Cinder calls the scheduler makes itself with a tenant's
trust-scoped client, on volumes only: the scheduled volume and the
verification's temporary volumes (whatever touches a protection goes
through the protection plugin, schedules through the schedule store; the
service user's own calls are in admin_calls.py), each translated into the
API layer's errors."""

import logging

from volsnap_dashboard.api import errors
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.scheduler import admin_calls

LOG = logging.getLogger(__name__)


def volume(client, volume_id):
    with errors.translated():
        return client.volumes.get(volume_id)


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
