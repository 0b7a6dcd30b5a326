"""Cinder calls made with the logged-in user's token.

Everything the dashboard asks of Cinder goes through this module. The
client is built from the request: the user's token in a keystoneauth1
session, the Block Storage endpoint from the user's catalog and region, the
operator's TLS and endpoint-type settings, and a microversion negotiated
once per endpoint (the lower of the server's maximum and the client's).
"""

import functools
from http import cookiejar as http_cookiejar
import logging
import threading
import uuid

from cinderclient import api_versions
from cinderclient import client as cinder_client
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from horizon import exceptions as horizon_exceptions
from horizon.utils import functions as horizon_utils
from keystoneauth1 import session as ks_session
from keystoneauth1 import token_endpoint
import requests
from openstack_dashboard.api import base

from volsnap_dashboard.api import errors
from volsnap_dashboard.api import microversions

LOG = logging.getLogger(__name__)

# Newer deployments name the service block-storage, older ones volumev3.
SERVICE_TYPES = ('block-storage', 'volumev3')

# (endpoint root, resource) -> the filters Cinder accepts from non-admins.
_resource_filters = {}
_resource_filters_lock = threading.Lock()

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


def negotiate_version(client, endpoint):
    """The microversion to use with ``endpoint``, asking the server once."""
    return microversions.negotiated(
        endpoint, lambda: api_versions.get_highest_version(client))


def forget_negotiated_versions(root=None):
    """Drop the cached microversions: of one endpoint root, or all (and
    what was learnt of their filters)."""
    microversions.forget(root)
    if root is None:
        with _resource_filters_lock:
            _resource_filters.clear()


def _client(session, endpoint, version):
    return cinder_client.Client(
        version, session=session, endpoint_override=endpoint,
        http_log_debug=False)


_CLIENT_ATTR = '_volsnap_cinderclient'


def cinderclient(request):
    """A python-cinderclient for this request, at the negotiated version
    (built once per request)."""
    client = getattr(request, _CLIENT_ATTR, None)
    if client is None:
        endpoint = endpoint_for(request)
        session = user_session(request, endpoint)
        discovery_client = _client(session, endpoint,
                                   api_versions.APIVersion('3.0'))
        version = negotiate_version(discovery_client, endpoint)
        client = _client(session, endpoint, version)
        setattr(request, _CLIENT_ATTR, client)
    return client


def _renegotiate(request):
    """Forget the endpoint's microversion and this request's client."""
    root = microversions.version_root(endpoint_for(request))
    LOG.warning("Block Storage at %s refused microversion; negotiating "
                "again", root)
    forget_negotiated_versions(root)
    request.__dict__.pop(_CLIENT_ATTR, None)


def cinder_call(func):
    """Run ``func(request, ...)`` with Cinder's errors translated.

    A 406 means the negotiated microversion is no longer offered (a
    rolled-back deployment, mixed versions behind a balancer): negotiate
    again and retry once, instead of failing until Horizon restarts. Cinder
    refuses a 406 request before doing anything, so a retry is safe.
    """
    @functools.wraps(func)
    def call(request, *args, **kwargs):
        try:
            with errors.translated():
                return func(request, *args, **kwargs)
        except errors.VersionNotAcceptable:
            _renegotiate(request)
        with errors.translated():
            return func(request, *args, **kwargs)
    return call


def checked_id(resource_id):
    """``resource_id`` if it is a UUID (as every Cinder id is), else
    NotFound: a made-up id never reaches a Cinder URL path, where
    "detail" or "../x" would name another resource."""
    try:
        return str(uuid.UUID(str(resource_id)))
    except ValueError:
        raise errors.NotFound(_("There is no resource with the ID "
                                "\"%s\".") % resource_id) from None


def api_version(request):
    return cinderclient(request).api_version


def known_api_version(request):
    """The version of this request's client if one was built (a listing
    already asked Cinder), else None: never a call of its own."""
    client = getattr(request, _CLIENT_ATTR, None)
    return client.api_version if client is not None else None


def snapshot_force_supported(request):
    """True when ``force`` still means something to snapshot create."""
    return microversions.force_supported(cinderclient(request))


@cinder_call
def force_matters(request, plugin):
    """Whether the plugin's ``force`` option still changes anything."""
    return plugin.force_matters(cinderclient(request))


@cinder_call
def resource_filters(request, resource):
    """The filters Cinder accepts on ``resource`` listings from users who
    are not admins, or None where Cinder cannot tell (before 3.33).

    Cinder's operator configures them (resource_filters.json), so the
    microversion alone does not say; asked once per endpoint.
    """
    client = cinderclient(request)
    if client.api_version < microversions.RESOURCE_FILTERS:
        return None
    key = (microversions.version_root(endpoint_for(request)), resource)
    with _resource_filters_lock:
        if key in _resource_filters:
            return _resource_filters[key]
    found = client.resource_filters.list(resource=resource)
    filters = frozenset()
    for entry in found:
        if getattr(entry, 'resource', None) == resource:
            filters = frozenset(getattr(entry, 'filters', None) or ())
    with _resource_filters_lock:
        _resource_filters[key] = filters
    return filters


def name_filter(request, resource, admin=False):
    """The search option for names on ``resource`` listings: ``name~``
    (part of a name) where Cinder accepts it, else ``name`` (the whole
    name). Cinder accepts every filter from admins."""
    if api_version(request) < microversions.LIKE_FILTERS:
        return 'name'
    if admin:
        return 'name~'
    allowed = resource_filters(request, resource)
    return 'name~' if allowed is None or 'name~' in allowed else 'name'


@cinder_call
def volume_list(request, search_opts=None, limit=None, marker=None,
                sort=None):
    return cinderclient(request).volumes.list(
        search_opts=search_opts, limit=limit, marker=marker, sort=sort)


@cinder_call
def volume_page(request, search_opts=None, limit=None, sort=None,
                marker=None):
    """The first ``limit`` volumes matching ``search_opts`` (after the
    ``marker`` volume), and how many match in all where Cinder counts
    them (3.45), else None: one listing, whatever the number of
    volumes."""
    client = cinderclient(request)
    search_opts = dict(search_opts or {})
    if client.api_version >= microversions.LIST_COUNT:
        search_opts['with_count'] = True
    found = client.volumes.list(search_opts=search_opts, limit=limit,
                                sort=sort, marker=marker)
    if isinstance(found, tuple):
        volumes, total = found
        return list(volumes), total
    return list(found), None


class VolumeNames(dict):
    """Volume id -> name; ``statuses`` and ``sizes``: volume id -> status
    and size in GiB, where the listing was asked for them (else empty)."""

    statuses = {}
    sizes = {}


@cinder_call
def volume_names(request, search_opts=None, with_status=False):
    """Volume id -> name for the project, from one summary listing (a
    detailed one ``with_status``, for the statuses as well)."""
    volumes = cinderclient(request).volumes.list(
        detailed=with_status, search_opts=search_opts)
    names = VolumeNames((volume.id, volume.name) for volume in volumes)
    if with_status:
        names.statuses = {volume.id: volume.status for volume in volumes}
        names.sizes = {volume.id: volume.size for volume in volumes}
    return names


# Admins may filter on any volume attribute.
ADMIN_VOLUME_FILTERS = frozenset(('snapshot_id', 'created_at'))


@cinder_call
def volumes_restored_from(request, plugin, snapshot_id, all_projects=False,
                          created_at=None):
    """The volumes made from a snapshot (created at ``created_at`` or
    later), in every project for an admin's ``all_projects`` (one listing,
    with the filters Cinder accepts from the caller)."""
    usable = ADMIN_VOLUME_FILTERS if all_projects else \
        resource_filters(request, 'volume') or ()
    return plugin.restored_volumes(cinderclient(request),
                                   checked_id(snapshot_id),
                                   all_projects=all_projects,
                                   created_at=created_at,
                                   usable_filters=usable)


@cinder_call
def volume_get(request, volume_id):
    return cinderclient(request).volumes.get(checked_id(volume_id))


@cinder_call
def volume_delete(request, volume_id):
    return cinderclient(request).volumes.delete(checked_id(volume_id))


@cinder_call
def volume_set_metadata(request, volume_id, metadata):
    """Add or change ``metadata``'s keys of the volume, keeping its other
    keys (one call, the keys in the body)."""
    return cinderclient(request).volumes.set_metadata(
        checked_id(volume_id), metadata)


@cinder_call
def volume_delete_metadata(request, volume_id, keys):
    """Delete the volume's metadata ``keys`` (each must be present)."""
    return cinderclient(request).volumes.delete_metadata(
        checked_id(volume_id), list(keys))


@cinder_call
def snapshot_delete_metadata(request, snapshot_id, keys):
    """Delete the snapshot's metadata ``keys`` (each must be present)."""
    return cinderclient(request).volume_snapshots.delete_metadata(
        checked_id(snapshot_id), list(keys))


@cinder_call
def snapshot_list(request, search_opts=None, limit=None, marker=None,
                  sort=None):
    return cinderclient(request).volume_snapshots.list(
        search_opts=search_opts, limit=limit, marker=marker, sort=sort)


def paged(found, page_size, marker, sort_dir):
    """``(items, has_more, has_prev)`` of a marker listing ``found`` that
    asked for ``page_size + 1`` items, in the page's order (a "prev"
    listing, ``sort_dir`` 'asc', is the page read backwards)."""
    found = list(found)
    has_more = has_prev = False
    if len(found) > page_size:
        found.pop()
        has_more = True
        has_prev = marker is not None
    elif marker is not None:
        # Back on the first page ("prev", ascending), or on the last one.
        has_more = sort_dir == 'asc'
        has_prev = sort_dir != 'asc'
    if sort_dir == 'asc':
        found.reverse()
    return found, has_more, has_prev


def snapshot_list_paged(request, search_opts=None, marker=None,
                        sort_dir='desc', page_size=None):
    """One page of snapshots, newest first, with Cinder markers.

    Returns ``(snapshots, has_more, has_prev)``; asks for one row more than
    a page to know whether another page follows.
    """
    page_size = page_size or horizon_utils.get_page_size(request)
    return paged(snapshot_list(
        request, search_opts=search_opts, limit=page_size + 1,
        marker=marker, sort='created_at:%s' % sort_dir),
        page_size, marker, sort_dir)


#: Volumes by name, their ids breaking ties (a marker needs one order),
#: and that order read backwards (from a "prev" marker).
VOLUMES_BY_NAME = 'name:asc,id:asc'
_VOLUMES_BY_NAME_BACKWARDS = 'name:desc,id:desc'


def volume_list_paged(request, search_opts=None, marker=None,
                      sort_dir='desc', page_size=None):
    """One page of volumes sorted by name, with Cinder markers (volume
    ids): ``(volumes, has_more, has_prev)``, from one listing.

    ``sort_dir`` is Horizon's paging direction ('asc' reads back from a
    "prev" marker), not the names' order, which is always A to Z.
    """
    page_size = page_size or horizon_utils.get_page_size(request)
    return paged(volume_list(
        request, search_opts=search_opts, limit=page_size + 1,
        marker=marker, sort=(_VOLUMES_BY_NAME_BACKWARDS if sort_dir == 'asc'
                             else VOLUMES_BY_NAME)),
        page_size, marker, sort_dir)


@cinder_call
def snapshot_get(request, snapshot_id):
    return cinderclient(request).volume_snapshots.get(
        checked_id(snapshot_id))


@cinder_call
def snapshot_update(request, snapshot_id, name, description):
    return cinderclient(request).volume_snapshots.update(
        checked_id(snapshot_id), name=name, description=description)


@cinder_call
def snapshot_force_delete(request, snapshot_id):
    """Delete a snapshot whatever its status (an admin action)."""
    return cinderclient(request).volume_snapshots.delete(
        checked_id(snapshot_id), force=True)


@cinder_call
def snapshot_reset_status(request, snapshot_id, status):
    """Set a stuck snapshot's status (an admin action)."""
    return cinderclient(request).volume_snapshots.reset_state(
        checked_id(snapshot_id), status)


@cinder_call
def snapshot_replace_metadata(request, snapshot_id, metadata):
    """Make ``metadata`` the snapshot's whole metadata, in one call whose
    keys travel in the body, never in a URL path."""
    return cinderclient(request).volume_snapshots.update_all_metadata(
        checked_id(snapshot_id), metadata)


@cinder_call
def snapshot_set_metadata(request, snapshot_id, metadata):
    """Add or change ``metadata``'s keys of the snapshot, keeping its
    other keys (one call, the keys in the body)."""
    return cinderclient(request).volume_snapshots.set_metadata(
        checked_id(snapshot_id), metadata)


@cinder_call
def volume_create_from_snapshot(request, plugin, snapshot, params,
                                size=None, submission=None,
                                volume_type=None):
    """Restore ``snapshot`` through the protection plugin."""
    return plugin.restore(cinderclient(request), snapshot, params,
                          size=size, submission=submission,
                          volume_type=volume_type)


@cinder_call
def snapshot_protect(request, plugin, volume, params, submission=None):
    """Protect ``volume`` through the protection plugin."""
    return plugin.protect(cinderclient(request), volume, params,
                          submission=submission)


@cinder_call
def volume_revert_to_snapshot(request, plugin, volume_id, snapshot_id):
    """Revert the volume in place to its snapshot through the plugin."""
    return plugin.revert(cinderclient(request), checked_id(snapshot_id),
                         checked_id(volume_id))


# Generic volume groups (3.14+): where Cinder has none, the listings are
# empty and the actions say so (the plugin refuses them).

@cinder_call
def group_list(request, search_opts=None):
    """The project's volume groups, with their volume types (one listing;
    empty before 3.14); an admin's ``{'all_tenants': True}``: every
    project's."""
    client = cinderclient(request)
    if not microversions.groups_supported(client):
        return []
    return client.groups.list(search_opts=search_opts)


@cinder_call
def group_snapshot_list(request, search_opts=None):
    """The project's group snapshots (one listing; empty before 3.14);
    an admin's ``{'all_tenants': True}`` lists every project's (3.29+)."""
    client = cinderclient(request)
    if not microversions.groups_supported(client):
        return []
    return client.group_snapshots.list(search_opts=search_opts)


@cinder_call
def group_snapshot_get(request, group_snapshot_id):
    client = cinderclient(request)
    if not microversions.groups_supported(client):
        raise errors.NotFound(_("This Block Storage service has no group "
                                "snapshots."))
    return client.group_snapshots.get(checked_id(group_snapshot_id))


@cinder_call
def group_protect(request, plugin, group_id, params):
    """One group snapshot of the group through the protection plugin."""
    return plugin.protect_group(cinderclient(request), checked_id(group_id),
                                params)


@cinder_call
def group_restore(request, plugin, group_snapshot, params):
    """A new group from the group snapshot through the plugin."""
    return plugin.restore_group(cinderclient(request), group_snapshot,
                                params)


@cinder_call
def group_snapshot_delete(request, plugin, group_snapshot_id):
    """Delete a group snapshot with its members through the plugin; False
    if already gone."""
    return plugin.delete_group(cinderclient(request),
                               checked_id(group_snapshot_id))


@cinder_call
def find_submitted(request, plugin, submission):
    """What ``plugin`` created for a form submission (snapshots and
    volumes), to learn the outcome of a create whose answer was lost."""
    return plugin.find_submitted(cinderclient(request), submission)


@cinder_call
def protection_list(request, plugin, volume_id=None, all_projects=False):
    """The protections (protection.base.Protection) of the user's project
    (``all_projects``: of every project, for administrators), through the
    protection plugin: one listing (``volume_id``: of one volume)."""
    if all_projects:
        return plugin.list_protections(cinderclient(request),
                                       volume_id=volume_id,
                                       all_projects=True)
    return plugin.list_protections(cinderclient(request),
                                   volume_id=volume_id)


def protection_page(request, plugin, marker=None, sort_dir='desc',
                    page_size=None, all_projects=False):
    """One page of ``plugin``'s protections, newest first, with markers
    as snapshot_list_paged: ``(protections, has_more, has_prev)``."""
    page_size = page_size or horizon_utils.get_page_size(request)
    return paged(_protection_page(request, plugin, page_size + 1, marker,
                                  sort_dir, all_projects),
                 page_size, marker, sort_dir)


@cinder_call
def _protection_page(request, plugin, limit, marker, sort_dir, all_projects):
    return plugin.list_protections_page(
        cinderclient(request), limit, marker=marker, sort_dir=sort_dir,
        all_projects=all_projects)


@cinder_call
def protection_set_metadata(request, plugin, protection, metadata):
    """Add or change tags on a protection, through its plugin."""
    return plugin.set_protection_metadata(cinderclient(request), protection,
                                          metadata)


@cinder_call
def protection_delete_metadata(request, plugin, protection, keys):
    """Remove tags from a protection, through its plugin."""
    return plugin.delete_protection_metadata(cinderclient(request),
                                             protection, list(keys))


@cinder_call
def protection_force_delete(request, plugin, protection_id):
    """Delete whatever its status, through the plugin (administrators)."""
    return plugin.force_delete(cinderclient(request),
                               checked_id(protection_id))


@cinder_call
def protection_reset_status(request, plugin, protection_id, status):
    """Record another status, through the plugin (administrators)."""
    return plugin.reset_status(cinderclient(request),
                               checked_id(protection_id), status)


@cinder_call
def volume_type_names(request):
    """The names of the volume types the project may use (one call)."""
    return sorted(volume_type.name for volume_type in
                  cinderclient(request).volume_types.list())


@cinder_call
def protection_get(request, plugin, protection_id):
    """The protection (protection.base.Protection) as it is now, through
    the protection plugin; errors.NotFound if gone."""
    return plugin.get_protection(cinderclient(request),
                                 checked_id(protection_id))


@cinder_call
def protection_quota(request, plugin):
    """The project's quota for the plugin's protections, with the names
    retention reads (empty: the plugin cannot tell), through the plugin."""
    return plugin.quota(cinderclient(request))


@cinder_call
def snapshot_delete(request, plugin, snapshot_id):
    """Delete through the protection plugin; False if already gone."""
    return plugin.delete(cinderclient(request), checked_id(snapshot_id))


def error_reasons(request, resource_ids):
    """Cinder's user message for each resource that has one (one call).

    A reason is a courtesy: if Cinder cannot give one, there is none.
    """
    if not resource_ids:
        return {}
    try:
        messages = _messages(request)
    except errors.VolsnapAPIError:
        return {}
    wanted = set(resource_ids)
    reasons = {}
    for message in messages:
        resource = getattr(message, 'resource_uuid', None)
        if resource in wanted and resource not in reasons:
            reasons[resource] = message.user_message
    return reasons


@cinder_call
def _messages(request):
    client = cinderclient(request)
    if client.api_version < microversions.MESSAGES:
        return []
    return client.messages.list(sort='created_at:desc')


@cinder_call
def absolute_limits(request):
    """The project's Block Storage limits and usage, as a dict."""
    limits = cinderclient(request).limits.get().absolute
    return {limit.name: limit.value for limit in limits}


# Volume ids per listing: the ids travel in the query string, and about
# 170 of them fill the 8 KiB request line that Cinder's own server (and
# common proxies) accept.
IDS_PER_LISTING = 100


@cinder_call
def volume_names_by_id(request, volume_ids):
    """Volume id -> name for ``volume_ids``, in every project (admins
    only: Cinder refuses an ``id`` filter from others). One summary listing
    per IDS_PER_LISTING ids, instead of every volume of the cloud."""
    wanted = sorted(set(volume_ids))
    names = {}
    for start in range(0, len(wanted), IDS_PER_LISTING):
        chunk = wanted[start:start + IDS_PER_LISTING]
        volumes = cinderclient(request).volumes.list(
            detailed=False, search_opts={'all_tenants': True, 'id': chunk})
        names.update((volume.id, volume.name) for volume in volumes)
    return names


@cinder_call
def volume_ids_named(request, name):
    """The ids of the volumes called exactly ``name``, in every project
    (an admin's call, one listing)."""
    volumes = cinderclient(request).volumes.list(
        detailed=False, search_opts={'all_tenants': True, 'name': name})
    return [volume.id for volume in volumes]
