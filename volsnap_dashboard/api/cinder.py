"""Cinder calls made with the logged-in user's token.

Everything the dashboard asks of Cinder goes through this module. The
client is built from the request: the user's token in a keystoneauth1
session, the Block Storage endpoint from the user's catalog and region, the
operator's TLS and endpoint-type settings, and a microversion negotiated
once per endpoint (the lower of the server's maximum and the client's).
"""

from http import cookiejar as http_cookiejar
import logging
import re
import threading

from cinderclient import api_versions
from cinderclient import client as cinder_client
from django.conf import settings
from horizon import exceptions as horizon_exceptions
from horizon.utils import functions as horizon_utils
from horizon.utils.memoized import memoized
from keystoneauth1 import session as ks_session
from keystoneauth1 import token_endpoint
import requests
from openstack_dashboard.api import base

from volsnap_dashboard.api import errors
from volsnap_dashboard.api import microversions
from volsnap_dashboard.protection import cinder_snapshot

LOG = logging.getLogger(__name__)

# Newer deployments name the service block-storage, older ones volumev3.
SERVICE_TYPES = ('block-storage', 'volumev3')

_negotiated = {}
_negotiated_lock = threading.Lock()

_http = None
_http_lock = threading.Lock()


def _setting(name, default):
    return getattr(settings, name, default)


def endpoint_for(request):
    """The Block Storage endpoint of the user's catalog and region."""
    endpoint_type = _setting('OPENSTACK_ENDPOINT_TYPE', 'publicURL')
    for service_type in SERVICE_TYPES:
        try:
            return base.url_for(request, service_type,
                                endpoint_type=endpoint_type)
        except horizon_exceptions.ServiceCatalogException:
            continue
    raise errors.NoEndpoint()


def _verify():
    if _setting('OPENSTACK_SSL_NO_VERIFY', False):
        return False
    return _setting('OPENSTACK_SSL_CACERT', None) or True


def _shared_http():
    """One connection pool for every request this process serves.

    A pool per page load left its keep-alive connections open until the
    garbage collector came by; under load they piled up on Cinder. The
    pool holds no credentials: each request brings its own token.
    """
    global _http
    with _http_lock:
        if _http is None:
            http = requests.Session()
            # Shared by every user: never keep a cookie a service might set.
            http.cookies.set_policy(
                http_cookiejar.DefaultCookiePolicy(allowed_domains=[]))
            adapter = ks_session.TCPKeepAliveAdapter(
                pool_connections=4,
                pool_maxsize=_setting('VOLSNAP_HTTP_POOL_SIZE', 20))
            for scheme in ('http://', 'https://'):
                http.mount(scheme, adapter)
            _http = http
        return _http


def user_session(request, endpoint):
    """A keystoneauth1 session that authenticates as the logged-in user."""
    auth = token_endpoint.Token(endpoint, request.user.token.id)
    return ks_session.Session(
        auth=auth, session=_shared_http(), verify=_verify(),
        timeout=_setting('VOLSNAP_CINDER_TIMEOUT', 30),
        user_agent='volsnap-dashboard')


def _version_root(endpoint):
    match = re.match(r'(.+?)/v[1-3](/|$)', endpoint)
    return match.group(1) if match else endpoint.rstrip('/')


def negotiate_version(client, endpoint):
    """The microversion to use with ``endpoint``, asking the server once."""
    root = _version_root(endpoint)
    with _negotiated_lock:
        version = _negotiated.get(root)
    if version is not None:
        return version
    with errors.translated():
        server_max = api_versions.get_highest_version(client)
    version = min(server_max, microversions.CLIENT_MAX)
    with _negotiated_lock:
        _negotiated[root] = version
    LOG.debug("Negotiated Block Storage microversion %s for %s",
              version.get_string(), root)
    return version


def forget_negotiated_versions():
    """Drop the cached microversions (used when an endpoint is upgraded)."""
    with _negotiated_lock:
        _negotiated.clear()


def _client(session, endpoint, version):
    return cinder_client.Client(
        version, session=session, endpoint_override=endpoint,
        http_log_debug=False)


@memoized
def cinderclient(request):
    """A python-cinderclient for this request, at the negotiated version."""
    endpoint = endpoint_for(request)
    session = user_session(request, endpoint)
    discovery_client = _client(session, endpoint,
                               api_versions.APIVersion('3.0'))
    version = negotiate_version(discovery_client, endpoint)
    return _client(session, endpoint, version)


def api_version(request):
    return cinderclient(request).api_version


def like_filters_supported(request):
    """True when Cinder can match part of a name ("name~")."""
    return api_version(request) >= microversions.LIKE_FILTERS


def snapshot_force_supported(request):
    """True when ``force`` still means something to snapshot create."""
    return microversions.force_supported(cinderclient(request))


def volume_list(request, search_opts=None, limit=None, marker=None,
                sort=None):
    with errors.translated():
        return cinderclient(request).volumes.list(
            search_opts=search_opts, limit=limit, marker=marker, sort=sort)


def volume_names(request, search_opts=None):
    """Volume id -> name for the project, from one summary listing."""
    with errors.translated():
        volumes = cinderclient(request).volumes.list(
            detailed=False, search_opts=search_opts)
    return {volume.id: volume.name for volume in volumes}


def volumes_restored_from(request, snapshot_id):
    """The volumes the protection plugin restored from a snapshot."""
    return volume_list(request, search_opts={'metadata': {
        cinder_snapshot.RESTORED_FROM_KEY: snapshot_id}})


def volume_get(request, volume_id):
    with errors.translated():
        return cinderclient(request).volumes.get(volume_id)


def volume_delete(request, volume_id):
    with errors.translated():
        return cinderclient(request).volumes.delete(volume_id)


def snapshot_list(request, search_opts=None, limit=None, marker=None,
                  sort=None):
    with errors.translated():
        return cinderclient(request).volume_snapshots.list(
            search_opts=search_opts, limit=limit, marker=marker, sort=sort)


def snapshot_list_paged(request, search_opts=None, marker=None,
                        sort_dir='desc', page_size=None):
    """One page of snapshots, newest first, with Cinder markers.

    Returns ``(snapshots, has_more, has_prev)``; asks for one row more than
    a page to know whether another page follows.
    """
    page_size = page_size or horizon_utils.get_page_size(request)
    snapshots = list(snapshot_list(
        request, search_opts=search_opts, limit=page_size + 1,
        marker=marker, sort='created_at:%s' % sort_dir))
    has_more = has_prev = False
    if len(snapshots) > page_size:
        snapshots.pop()
        has_more = True
        has_prev = marker is not None
    elif marker is not None:
        # Back on the first page ("prev", ascending), or on the last one.
        has_more = sort_dir == 'asc'
        has_prev = sort_dir != 'asc'
    if sort_dir == 'asc':
        snapshots.reverse()
    return snapshots, has_more, has_prev


def snapshot_get(request, snapshot_id):
    with errors.translated():
        return cinderclient(request).volume_snapshots.get(snapshot_id)


def snapshot_update(request, snapshot_id, name, description):
    with errors.translated():
        return cinderclient(request).volume_snapshots.update(
            snapshot_id, name=name, description=description)


def snapshot_force_delete(request, snapshot_id):
    """Delete a snapshot whatever its status (an admin action)."""
    with errors.translated():
        return cinderclient(request).volume_snapshots.delete(snapshot_id,
                                                             force=True)


def snapshot_reset_status(request, snapshot_id, status):
    """Set a stuck snapshot's status (an admin action)."""
    with errors.translated():
        return cinderclient(request).volume_snapshots.reset_state(
            snapshot_id, status)


def snapshot_set_metadata(request, snapshot_id, metadata):
    with errors.translated():
        return cinderclient(request).volume_snapshots.set_metadata(
            snapshot_id, metadata)


def snapshot_delete_metadata(request, snapshot_id, keys):
    with errors.translated():
        return cinderclient(request).volume_snapshots.delete_metadata(
            snapshot_id, keys)


def volume_create_from_snapshot(request, plugin, snapshot, params,
                                size=None):
    """Restore ``snapshot`` through the protection plugin."""
    return plugin.restore(cinderclient(request), snapshot, params,
                          size=size)


def snapshot_protect(request, plugin, volume, params):
    """Protect ``volume`` through the protection plugin."""
    return plugin.protect(cinderclient(request), volume, params)


def snapshot_delete(request, plugin, snapshot_id):
    """Delete through the protection plugin; False if already gone."""
    return plugin.delete(cinderclient(request), snapshot_id)


def error_reasons(request, resource_ids):
    """Cinder's user message for each resource that has one (one call).

    A reason is a courtesy: if Cinder cannot give one, there is none.
    """
    if not resource_ids:
        return {}
    try:
        client = cinderclient(request)
        if client.api_version < microversions.MESSAGES:
            return {}
        with errors.translated():
            messages = client.messages.list(sort='created_at:desc')
    except errors.VolsnapAPIError:
        return {}
    wanted = set(resource_ids)
    reasons = {}
    for message in messages:
        resource = getattr(message, 'resource_uuid', None)
        if resource in wanted and resource not in reasons:
            reasons[resource] = message.user_message
    return reasons


def absolute_limits(request):
    """The project's Block Storage limits and usage, as a dict."""
    with errors.translated():
        limits = cinderclient(request).limits.get().absolute
    return {limit.name: limit.value for limit in limits}
