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

from cinderclient import api_versions
from cinderclient import client as cinder_client

from volsnap_dashboard.api import errors
from volsnap_dashboard.api import microversions

LOG = logging.getLogger(__name__)

# Newer deployments name the service block-storage, older ones volumev3.
SERVICE_TYPES = ('block-storage', 'volumev3')

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


def _client(session, endpoint, version):
    return cinder_client.Client(version, session=session,
                                endpoint_override=endpoint,
                                http_log_debug=False)


def negotiated_version(session, endpoint):
    """The microversion for ``endpoint`` (the server asked once)."""
    return microversions.negotiated(
        endpoint, lambda: api_versions.get_highest_version(
            _client(session, endpoint, api_versions.APIVersion('3.0'))))


def forget_negotiated_versions():
    """Negotiate again at the next client (after Cinder refused the
    version: a rolled-back deployment)."""
    microversions.forget()


def cinder_for(session, region=None, interface='public'):
    """A python-cinderclient acting with ``session``."""
    endpoint = endpoint_of(session, region, interface)
    return _client(session, endpoint,
                   negotiated_version(session, endpoint))
