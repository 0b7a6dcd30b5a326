"""Ask for a snapshot's verification, with the logged-in user's request.

The verification itself runs in the scheduler: it restores the snapshot
to a temporary volume and records the outcome on the snapshot (see
:mod:`~volsnap_dashboard.protection.verification`). The dashboard only
writes the request into the snapshot's metadata, with a Keystone trust
created with the user's token (as schedules do) so that the scheduler
can act in the user's project: the checks and steps the command line
shares (:mod:`~volsnap_dashboard.protection.verification_request`), here
with the request's clients.
"""

from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import keystone
from volsnap_dashboard.protection import verification_request


def _read(request, snapshot_id, plugin):
    if plugin is None:
        return cinder.snapshot_get(request, snapshot_id)
    return cinder.protection_get(request, plugin, snapshot_id)


def _write(request, plugin, snapshot, marks):
    if plugin is None:
        return cinder.snapshot_set_metadata(request, snapshot.id, marks)
    return cinder.protection_set_metadata(request, plugin, snapshot, marks)


def request(request, snapshot_id, plugin=None):
    """Ask the scheduler to verify the snapshot (with ``plugin``: that
    plugin's protection); returns it as read before the request.

    Errors of the API layer if it cannot be verified now, or Keystone or
    Cinder refuse; nothing is left behind on failure.
    """
    return verification_request.request(
        _read(request, snapshot_id, plugin),
        reread=lambda: _read(request, snapshot_id, plugin),
        write=lambda snapshot, marks: _write(request, plugin, snapshot,
                                             marks),
        create_trust=lambda expires_at: keystone.trust_create(
            request, expires_at=expires_at),
        delete_trust=lambda trust_id: keystone.trust_delete(request,
                                                            trust_id),
        project_id=request.user.project_id)
