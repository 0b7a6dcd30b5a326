"""Group operations of the Cinder snapshot plugin: a generic volume group
protected by one group snapshot (every volume of the group at the same
instant), restored to a new group, deleted with its member snapshots.

Cinder 3.14+; Cinder runs its generic implementation (one snapshot per
volume, taken while the group is frozen to new writes by the API) for
drivers without group support of their own.
"""

import logging

from django.utils.translation import gettext_lazy as _

from volsnap_dashboard.api import cinder_facts
from volsnap_dashboard.api import errors
from volsnap_dashboard.api import microversions

LOG = logging.getLogger(__name__)


def default_group_snapshot_name(group):
    return cinder_facts.fit(
        getattr(group, 'name', None) or _resource_id(group),
        '-group-snapshot')


def default_group_restore_name(group_snapshot):
    name = getattr(group_snapshot, 'name', None) or \
        'group-snapshot-%s' % group_snapshot.id[:8]
    return cinder_facts.fit(name, '-restore')


def default_group_restore_description(group_snapshot):
    name = getattr(group_snapshot, 'name', None) or group_snapshot.id
    return cinder_facts.fit(_('Restored from group snapshot "%s".')
                            % cinder_facts.fit(name)[:200])


def _resource_id(resource):
    if isinstance(resource, str):
        return resource
    if isinstance(resource, dict):
        return resource.get('group_snapshot_id') or resource['id']
    return resource.id


class CinderGroupsMixin:
    """``supports_groups`` for a plugin with ``validate_options`` and
    ``validate_restore`` (the Cinder snapshot plugin)."""

    supports_groups = True

    @staticmethod
    def _require_groups(client):
        if not microversions.groups_supported(client):
            raise errors.Conflict(_(
                "This Block Storage service has no group snapshots (it "
                "needs API version %s).")
                % microversions.GROUP_SNAPSHOTS.get_string())

    def protect_group(self, client, group, params):
        """One group snapshot of ``group`` (an id or a group); its member
        snapshots take its name, as Cinder names them."""
        values = self.validate_options(params)
        self._require_groups(client)
        group_id = _resource_id(group)
        name = values.get('snapshot_name') or \
            default_group_snapshot_name(group)
        with errors.translated():
            group_snapshot = client.group_snapshots.create(
                group_id, name=name,
                description=values.get('description') or None)
        LOG.info("Protecting volume group %s with group snapshot %s",
                 group_id, group_snapshot.id)
        return {'group_snapshot_id': group_snapshot.id,
                'group_id': group_id}

    def restore_group(self, client, group_snapshot, params):
        """A new group made from ``group_snapshot`` (a group snapshot
        object, or its id): one new volume per member snapshot. Returns
        Cinder's answer (``id`` and ``name`` of the new group)."""
        values = self.validate_restore(params)
        self._require_groups(client)
        if isinstance(group_snapshot, (str, dict)):
            with errors.translated():
                group_snapshot = client.group_snapshots.get(
                    _resource_id(group_snapshot))
        name = values.get('restore_name') or \
            default_group_restore_name(group_snapshot)
        description = values.get('restore_description') or \
            default_group_restore_description(group_snapshot)
        with errors.translated():
            group = client.groups.create_from_src(
                group_snapshot.id, None, name=name,
                description=str(description))
        LOG.info("Restoring group snapshot %s to group %s",
                 group_snapshot.id, group.get('id'))
        return group

    def delete_group(self, client, group_protection):
        """Delete the group snapshot and its members; False if it was
        already gone."""
        self._require_groups(client)
        try:
            with errors.translated():
                client.group_snapshots.delete(
                    _resource_id(group_protection))
        except errors.NotFound:
            return False
        return True
