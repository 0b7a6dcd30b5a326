"""Cinder microversions: the ones the dashboard and the plugins care
about, and the version negotiated with each Cinder (asked once per server,
for the panels and the scheduler alike)."""

import logging
import re
import threading

from cinderclient import api_versions

from volsnap_dashboard.api import errors

LOG = logging.getLogger(__name__)

CLIENT_MAX = api_versions.APIVersion(api_versions.MAX_VERSION)
# GET /resource_filters: the filters the operator lets users apply.
RESOURCE_FILTERS = api_versions.APIVersion('3.33')
# Filters that match part of a value ("name~").
LIKE_FILTERS = api_versions.APIVersion('3.34')
# Listings that also say how many resources match ("with_count").
LIST_COUNT = api_versions.APIVersion('3.45')
# Cinder's user messages: the reason behind an "error" status.
MESSAGES = api_versions.APIVersion('3.3')
# Revert a volume in place to its newest snapshot.
REVERT = api_versions.APIVersion('3.40')
# Generic volume groups with group snapshots, and groups made from them.
GROUP_SNAPSHOTS = api_versions.APIVersion('3.14')
# From here Cinder snapshots in-use volumes without "force", and
# cinderclient refuses force=False.
FORCE_OBSOLETE = api_versions.APIVersion('3.66')


def force_supported(client):
    """True while ``force`` still means something to snapshot create."""
    return client.api_version < FORCE_OBSOLETE


def revert_supported(client):
    """True when the negotiated version has the volume revert action."""
    return client.api_version >= REVERT


def groups_supported(client):
    """True when the negotiated version has group snapshots."""
    return client.api_version >= GROUP_SNAPSHOTS


# Cinder's root URL -> the negotiated microversion. Keyed by the root, not
# the endpoint: every project's endpoint names the same server.
_negotiated = {}
_negotiated_lock = threading.Lock()
# A deployment has one Cinder, or a few per region; endpoints that are
# the catalog's writing (and misconfigured ones) must not grow the
# process for months: past this many, the oldest is asked again.
MAX_ROOTS = 64


def version_root(endpoint):
    match = re.match(r'(.+?)/v[1-3](/|$)', endpoint)
    return match.group(1) if match else endpoint.rstrip('/')


def negotiated(endpoint, server_max):
    """The lower of the server's maximum and the client's for
    ``endpoint``; ``server_max()`` asks the server, once per root URL."""
    root = version_root(endpoint)
    with _negotiated_lock:
        version = _negotiated.get(root)
    if version is not None:
        return version
    with errors.translated():
        version = min(server_max(), CLIENT_MAX)
    with _negotiated_lock:
        _negotiated[root] = version
        while len(_negotiated) > MAX_ROOTS:
            del _negotiated[next(iter(_negotiated))]
    LOG.info("Negotiated Block Storage microversion %s for %s",
             version.get_string(), root)
    return version


def forget(root=None):
    """Negotiate again next time: with one root URL, or with all."""
    with _negotiated_lock:
        if root is None:
            _negotiated.clear()
        else:
            _negotiated.pop(root, None)
