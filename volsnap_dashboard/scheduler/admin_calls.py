"""Every Cinder call the scheduler makes with its service user's token.

The service user holds ``admin`` (a cross-project listing needs it), which
would let it do anything in any project. So its client is kept inside
:class:`AdminCinder`, built once in clients.py, and only the functions
below use it:

- :func:`scheduled_volumes`: the volumes of every project carrying a
  schedule (one listing a sweep);
- :func:`protections_tagged`, :func:`volumes_tagged`: the verification
  requests, the verifications in flight (listed by the protection plugin,
  handed a client that can only list), the temporary volumes (listings);
- :func:`state_record`: a client that reads a volume and writes one
  schedule's state keys (``volsnap:<sid>:state:<n>``) on a volume carrying
  that schedule, and refuses anything else: the state of a schedule whose
  trust cannot be used (invalid, authorization lost), which nobody else
  can record.

What these return carries no manager: the admin client cannot be reached
through a listed volume's own methods. No Keystone call is made with the
service user's token beyond getting it (Keystone lets only a trust's
trustor, or an admin, delete a trust: the scheduler deletes none).

Everything else, in any project, is done with that project's trust-scoped
token (scheduler.clients.Clients.tenant_client), where Cinder refuses what
the tenant may not do. tests/unit/scheduler/test_admin_calls.py fails if
other code reaches the client.
"""

import re
import types

from django.utils.translation import gettext_lazy as _

from volsnap_dashboard.api import errors
from volsnap_dashboard.protection.schedule import codec


class NotAllowed(errors.VolsnapAPIError):
    """A write the service user's admin client does not make."""

    default_message = _("The scheduler records only a schedule's state "
                        "with its service user's rights.")


class AdminCinder:
    """The service user's Cinder client, reachable only from this
    module's functions."""

    __slots__ = ('_admin_cinder',)

    def __init__(self, client):
        self._admin_cinder = client

    def __repr__(self):
        return '<AdminCinder>'

    def renew(self, other):
        """Act from now on with ``other``'s client: one built at a
        microversion negotiated again, Cinder having refused this one's
        (a rolled-back deployment). Whoever holds this one keeps it."""
        self._admin_cinder = _admin_cinder_of(other)


def _admin_cinder_of(admin):
    if not isinstance(admin, AdminCinder):
        # A raw client here would be one that escaped this module.
        raise TypeError('an AdminCinder is needed, not %r' % type(admin))
    return admin._admin_cinder


def _detached(resources):
    """``resources`` without the admin client's manager: a listed volume's
    own methods (``volume.delete()``...) would act with the admin token;
    whoever holds one must go through a tenant's client instead."""
    resources = list(resources)
    for resource in resources:
        if hasattr(resource, 'manager'):
            resource.manager = None
    return resources


def scheduled_volumes(admin):
    """Every volume of every project that carries a schedule: one listing
    (cinderclient follows Cinder's next links when a page is full)."""
    search_opts = codec.scheduled_volumes_filter(all_tenants=1)
    client = _admin_cinder_of(admin)
    with errors.translated():
        return _detached(client.volumes.list(search_opts=search_opts))


class _ListingOnly:
    """The admin client as a protection plugin gets it: each manager's
    ``list``, and nothing else."""

    __slots__ = ('_client',)

    def __init__(self, client):
        self._client = client

    @property
    def api_version(self):
        return self._client.api_version

    def __getattr__(self, name):
        return types.SimpleNamespace(list=getattr(self._client, name).list)


def protections_tagged(admin, plugin, key, value):
    """Every project's protections (protection.base.Protection, which
    carry no client) whose metadata ``key`` is ``value``, listed by
    ``plugin``: one listing."""
    return plugin.list_protections(
        _ListingOnly(_admin_cinder_of(admin)), metadata={key: value},
        all_projects=True)


def volumes_tagged(admin, key, value):
    """Every project's volumes whose metadata ``key`` is ``value``: one
    listing."""
    search_opts = {'all_tenants': 1, 'metadata': {key: value}}
    client = _admin_cinder_of(admin)
    with errors.translated():
        return _detached(client.volumes.list(search_opts=search_opts))


def state_record(admin, schedule_id):
    """A client for protection.schedule.store.save_state that writes only
    ``schedule_id``'s state keys, on a volume carrying that schedule, and
    raises NotAllowed for any other call (a run request stays: clearing it
    is the tenant's token's job, at the schedule's next run)."""
    client = _admin_cinder_of(admin)
    state_key = re.compile(r'^%s:state:(\d+)$' % re.escape(
        codec.PREFIX + schedule_id))

    def checked(volume, keys):
        own = codec.chunk_key(schedule_id, codec.DEFINITION, 0)
        if own not in (getattr(volume, 'metadata', None) or {}):
            raise NotAllowed(detail='volume %s has no schedule %s'
                             % (volume.id, schedule_id))
        for key in keys:
            match = state_key.match(key)
            if match is None or int(match.group(1)) >= codec.MAX_CHUNKS:
                raise NotAllowed(detail='key %r' % key)

    def set_metadata(volume, metadata):
        checked(volume, metadata)
        return client.volumes.set_metadata(volume, metadata)

    def delete_metadata(volume, keys):
        checked(volume, keys)
        return client.volumes.delete_metadata(volume, keys)

    def get(volume_id):
        [volume] = _detached([client.volumes.get(volume_id)])
        return volume

    return types.SimpleNamespace(volumes=types.SimpleNamespace(
        get=get, set_metadata=set_metadata, delete_metadata=delete_metadata))
