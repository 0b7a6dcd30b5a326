"""Asking the scheduler to verify a protection, as the panels' Verify and
``openstack volume protection verify`` both ask.

The checks come first (the user's own project, available, no
verification under way); then a Keystone trust of the user's own,
expiring by itself after verification.TRUST_LIFETIME, is written with
the request onto the protection's metadata, where the scheduler finds
it. The trust is deleted again unless the request was written, so no
trust outlives a request that was not.

No Horizon, no request: each caller says how it reads and writes the
protection and creates and deletes trusts (the panel with the logged-in
user's clients, the command line with the user's own session).
"""

import logging

from django.utils.translation import gettext_lazy as _

from volsnap_dashboard.api import cinder_facts
from volsnap_dashboard.api import errors
from volsnap_dashboard.api import trusts
from volsnap_dashboard.protection import times
from volsnap_dashboard.protection import verification

LOG = logging.getLogger(__name__)


def checked(protection, project_id, now):
    """``protection`` (a Cinder snapshot or a plugin's Protection) if a
    member of ``project_id`` may ask for its verification at ``now``;
    errors.Forbidden or errors.Conflict saying why not."""
    owner = getattr(protection, 'project_id', None) or \
        cinder_facts.snapshot_project(protection)
    if owner and owner != project_id:
        # The trust could only act in the user's current project.
        raise errors.Forbidden(_("Only snapshots of your current project "
                                 "can be verified."))
    if protection.status != 'available':
        raise errors.Conflict(_("Only available snapshots can be verified "
                                "(this one is %s).") % protection.status)
    if verification.state_of(protection).blocks_a_request(now):
        raise errors.Conflict(_("A verification of this snapshot is "
                                "already under way."))
    return protection


def _written(reread, trust_id):
    """Whether the protection holds the request with ``trust_id`` (the
    write's answer was lost)."""
    try:
        found = reread()
    except errors.VolsnapAPIError:
        return False
    metadata = getattr(found, 'metadata', None) or {}
    return metadata.get(verification.TRUST_KEY) == trust_id


def request(protection, reread, write, create_trust, delete_trust,
            project_id):
    """Ask the scheduler to verify ``protection`` (as just read) for a
    member of ``project_id``; returns it. ``reread()`` reads it again,
    ``write(protection, metadata)`` adds tags to it,
    ``create_trust(expires_at)`` makes the user's trust (its id) and
    ``delete_trust(trust_id)`` deletes one.

    The API layer's errors if it cannot be verified now, or Keystone or
    Cinder refuse; nothing is left behind on failure."""
    checked(protection, project_id, times.now())
    now = times.now().replace(microsecond=0)
    trust_id = create_trust(now + verification.TRUST_LIFETIME)
    marks = verification.request_metadata(trust_id, now)
    trusts.write_with_trust(trust_id, lambda: write(protection, marks),
                            lambda: _written(reread, trust_id),
                            delete_trust)
    LOG.info("Verification of %s requested", protection.id)
    return protection
