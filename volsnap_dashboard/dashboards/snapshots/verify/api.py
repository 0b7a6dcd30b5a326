"""Ask for a snapshot's verification, with the logged-in user's request.

The verification itself runs in the scheduler: it restores the snapshot
to a temporary volume and records the outcome on the snapshot (see
:mod:`~volsnap_dashboard.protection.verification`). The dashboard only
writes the request into the snapshot's metadata, with a Keystone trust
created with the user's token (as schedules do) so that the scheduler
can act in the user's project. The trust expires by itself after a day;
whatever fails after it was created deletes it again, so no trust is
left behind by a request that was not written.
"""

import logging

from django.utils.translation import gettext_lazy as _

from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import cinder_facts
from volsnap_dashboard.api import errors
from volsnap_dashboard.api import keystone
from volsnap_dashboard.protection import times
from volsnap_dashboard.protection import verification

LOG = logging.getLogger(__name__)



def _checked(request, snapshot):
    """``snapshot`` if it can be verified for this user now."""
    owner = getattr(snapshot, 'project_id', None) or \
        cinder_facts.snapshot_project(snapshot)
    if owner and owner != request.user.project_id:
        # The trust could only act in the user's current project.
        raise errors.Forbidden(_("Only snapshots of your current project "
                                 "can be verified."))
    if snapshot.status != 'available':
        raise errors.Conflict(_("Only available snapshots can be verified "
                                "(this one is %s).") % snapshot.status)
    if verification.state_of(snapshot).blocks_a_request(times.now()):
        raise errors.Conflict(_("A verification of this snapshot is "
                                "already under way."))
    return snapshot


def _read(request, snapshot_id, plugin):
    if plugin is None:
        return cinder.snapshot_get(request, snapshot_id)
    return cinder.protection_get(request, plugin, snapshot_id)


def _written(request, snapshot_id, trust_id, plugin=None):
    """Whether the snapshot holds the request with ``trust_id`` (its
    answer lost)."""
    try:
        snapshot = _read(request, snapshot_id, plugin)
    except errors.VolsnapAPIError:
        return False
    metadata = getattr(snapshot, 'metadata', None) or {}
    return metadata.get(verification.TRUST_KEY) == trust_id


def request(request, snapshot_id, plugin=None):
    """Ask the scheduler to verify the snapshot (with ``plugin``: that
    plugin's protection); returns it as read before the request.

    Errors of the API layer if it cannot be verified now, or Keystone or
    Cinder refuse; nothing is left behind on failure.
    """
    snapshot = _checked(request, _read(request, snapshot_id, plugin))
    now = times.now().replace(microsecond=0)
    trust_id = keystone.trust_create(
        request, expires_at=now + verification.TRUST_LIFETIME)
    marks = verification.request_metadata(trust_id, now)
    keystone.write_with_trust(
        request, trust_id,
        (lambda: cinder.snapshot_set_metadata(request, snapshot.id, marks))
        if plugin is None else
        (lambda: cinder.protection_set_metadata(request, plugin, snapshot,
                                                marks)),
        lambda: _written(request, snapshot.id, trust_id, plugin))
    LOG.info("Verification of snapshot %s requested", snapshot.id)
    return snapshot
