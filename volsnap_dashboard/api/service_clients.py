"""Cinder clients from a keystoneauth session, without Horizon.

The scheduler acts with sessions it makes itself (the service user's own,
or a tenant's trust-scoped one); this module turns one into a
python-cinderclient at a microversion negotiated once per Cinder, as
:mod:`volsnap_dashboard.api.cinder` does for the panels.

Calls made with the client are the caller's to translate, with
:func:`volsnap_dashboard.api.errors.translated` (the protection plugins
already do).
"""

import logging
import re
import threading

from cinderclient import api_versions
from cinderclient import client as cinder_client

from volsnap_dashboard.api import errors
from volsnap_dashboard.api import microversions

LOG = logging.getLogger(__name__)

# Newer deployments name the service block-storage, older ones volumev3.
SERVICE_TYPES = ('block-storage', 'volumev3')

# Cinder's root URL -> the negotiated microversion. Keyed by the root, not
# the endpoint: every project's endpoint names the same server.
_negotiated = {}
_negotiated_lock = threading.Lock()


def endpoint_of(session, region=None, interface='public'):
    """The Block Storage endpoint of the session's catalog."""
    for service_type in SERVICE_TYPES:
        try:
            with errors.translated():
                try:
                    endpoint = session.get_endpoint(
                        service_type=service_type, interface=interface,
                        region_name=region)
                except ValueError:
                    # keystoneauth's alias matching, when a catalog holds
                    # both names but neither for this interface or region.
                    endpoint = None
        except errors.NoEndpoint:
            continue
        if endpoint:
            return endpoint
    raise errors.NoEndpoint()


def version_root(endpoint):
    match = re.match(r'(.+?)/v[1-3](/|$)', endpoint)
    return match.group(1) if match else endpoint.rstrip('/')


def _client(session, endpoint, version):
    return cinder_client.Client(version, session=session,
                                endpoint_override=endpoint,
                                http_log_debug=False)


def negotiated_version(session, endpoint):
    """The lower of the server's maximum and the client's, asking the
    server once per root URL."""
    root = version_root(endpoint)
    with _negotiated_lock:
        version = _negotiated.get(root)
    if version is not None:
        return version
    discovery = _client(session, endpoint, api_versions.APIVersion('3.0'))
    with errors.translated():
        server_max = api_versions.get_highest_version(discovery)
    version = min(server_max, microversions.CLIENT_MAX)
    with _negotiated_lock:
        _negotiated[root] = version
    LOG.info("Negotiated Block Storage microversion %s for %s",
             version.get_string(), root)
    return version


def forget_negotiated_versions():
    """Negotiate again at the next client (after Cinder refused the
    version: a rolled-back deployment)."""
    with _negotiated_lock:
        _negotiated.clear()


def cinder_for(session, region=None, interface='public'):
    """A python-cinderclient acting with ``session``."""
    endpoint = endpoint_of(session, region, interface)
    return _client(session, endpoint,
                   negotiated_version(session, endpoint))
