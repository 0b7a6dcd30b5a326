"""The Cinder volume snapshot protection plugin (the spec's plugin).

Protect is ``SnapshotManager.create``, restore is ``VolumeManager.create``
from the snapshot, delete is ``SnapshotManager.delete``. Every operation
uses the Cinder client it is given, so it acts with the caller's token.
"""

import logging

from cinderclient import api_versions
from django.utils.translation import gettext_lazy as _

from volsnap_dashboard.api import cinder_facts
from volsnap_dashboard.api import errors
from volsnap_dashboard.api import microversions
from volsnap_dashboard.protection import base
from volsnap_dashboard.protection import cinder_common
from volsnap_dashboard.protection import cinder_groups
from volsnap_dashboard.protection import parameters
from volsnap_dashboard.protection import waiting

LOG = logging.getLogger(__name__)

RESTORED_FROM_KEY = cinder_common.RESTORED_FROM_KEY
SUBMISSION_KEY = cinder_common.SUBMISSION_KEY
ProtectionFailed = cinder_common.ProtectionFailed
# Volume listings filtered on a time ("created_at=gte:..."), from here.
TIME_FILTERS = api_versions.APIVersion('3.60')


STRANDED_SNAPSHOT = _("Block Storage cannot find this snapshot's volume in "
                      "the project (the volume was moved to another "
                      "project), so only an administrator can delete the "
                      "snapshot.")


def default_snapshot_name(volume):
    return cinder_facts.fit(volume.name or volume.id, '-snapshot')


def default_restore_name(snapshot):
    return cinder_common.restore_name(snapshot, 'snapshot')


def default_restore_description(snapshot):
    return cinder_common.restore_description(
        snapshot, _('Restored from snapshot "%s".'))


class CinderSnapshotProtectionPlugin(cinder_common.CinderPluginMixin,
                                     cinder_groups.CinderGroupsMixin,
                                     base.FileSchemasMixin,
                                     base.ProtectionPlugin):
    name = 'cinder-snapshot'
    resource_types = ('OS::Cinder::Volume',)
    schema_module = __file__
    name_option = 'snapshot_name'
    text_options = ('snapshot_name', 'description')
    verbose_name = _("snapshot")
    verbose_name_plural = _("snapshots")
    age_words = _("snapshot taken %s ago")
    protect_description = _(
        "Snapshot the selected volumes now: each gets its own snapshot, "
        "with the name and description given here. A snapshot lives on "
        "its volume's storage. A volume attached to an instance is best "
        "snapshotted while the instance is quiet: a snapshot of a busy "
        "volume is only crash-consistent.")

    policy_rules = {
        'list': (('volume', 'volume:get_all_snapshots'),),
        'protect': (('volume', 'volume:create_snapshot'),),
        'restore': (('volume', 'volume:create'),),
        'delete': (('volume', 'volume:delete_snapshot'),),
        'update': (('volume', 'volume:update_snapshot_metadata'),),
    }

    def force_matters(self, client):
        # From API 3.66 Cinder snapshots volumes in use without it.
        return microversions.force_supported(client)

    # Protect

    def protect(self, client, volume, params, submission=None,
                metadata=None):
        values = self.validate_options(params)
        can_force = microversions.force_supported(client)
        if volume.status == 'in-use' and can_force and not values['force']:
            raise errors.Conflict(_(
                'Volume "%s" is attached to an instance: snapshot it with '
                '"Force", or detach it first.') % (volume.name or volume.id))
        kwargs = {'name': values['snapshot_name'] or
                  default_snapshot_name(volume),
                  'description': values['description']}
        tags = cinder_common.tags(submission, **(metadata or {}))
        if tags:
            kwargs['metadata'] = tags
        if values['force'] and can_force:
            kwargs['force'] = True
        with errors.translated():
            snapshot = client.volume_snapshots.create(volume.id, **kwargs)
        LOG.info("Protecting volume %s with snapshot %s", volume.id,
                 snapshot.id)
        return self.saved_info(snapshot)

    @staticmethod
    def saved_info(snapshot):
        return {'snapshot_id': snapshot.id,
                'volume_id': snapshot.volume_id,
                'size': snapshot.size,
                'created': getattr(snapshot, 'created_at', None)}

    def protection_id(self, saved):
        return saved['snapshot_id']

    # Restore

    def restore(self, client, protection, params, size=None,
                availability_zone=None, volume_type=None, submission=None,
                metadata=None):
        """Create a volume from the snapshot; ``metadata``: more tags on
        it (the scheduler's verification volumes)."""
        values = self.validate_restore(params)
        snapshot = self._snapshot(client, protection)
        if size is None:
            size = snapshot.size
        elif size < snapshot.size:
            raise parameters.InvalidParameters({'size': [_(
                "The new volume must be at least as large as the snapshot "
                "(%s GiB).") % snapshot.size]})
        name = values.get('restore_name') or default_restore_name(snapshot)
        description = (values.get('restore_description') or
                       default_restore_description(snapshot))
        kwargs = {'snapshot_id': snapshot.id, 'name': name,
                  'description': str(description),
                  'metadata': cinder_common.tags(
                      submission, **(metadata or {}),
                      **{RESTORED_FROM_KEY: snapshot.id})}
        if availability_zone:
            kwargs['availability_zone'] = availability_zone
        if volume_type:
            kwargs['volume_type'] = volume_type
        with errors.translated():
            volume = client.volumes.create(size, **kwargs)
        LOG.info("Restoring snapshot %s to volume %s", snapshot.id, volume.id)
        return volume

    def restored_from(self, volume):
        return getattr(volume, 'snapshot_id', None) or \
            super().restored_from(volume)

    def restore_defaults(self, snapshot):
        return {'restore_name': default_restore_name(snapshot)}

    # Revert in place

    supports_revert = True

    def revert(self, client, protection, volume):
        """Revert ``volume`` to the snapshot (Cinder requires the volume's
        newest, and the volume available); the volume goes through
        ``reverting`` back to ``available``, or to ``error``."""
        if not microversions.revert_supported(client):
            raise errors.Conflict(_(
                "This Block Storage service cannot revert a volume in place "
                "(it needs API version %s).") % microversions.REVERT
                .get_string())
        snapshot_id = self._snapshot_id(protection)
        with errors.translated():
            client.volumes.revert_to_snapshot(volume, snapshot_id)
        LOG.info("Reverting volume %s to snapshot %s",
                 getattr(volume, 'id', volume), snapshot_id)

    # Lookups (one filtered listing each)

    def find_submitted(self, client, submission):
        wanted = {'metadata': {SUBMISSION_KEY: submission}}
        with errors.translated():
            return (list(client.volume_snapshots.list(search_opts=wanted)) +
                    list(client.volumes.list(search_opts=wanted)))

    def restored_volumes(self, client, snapshot_id, all_projects=False,
                         created_at=None, usable_filters=()):
        """The volumes made from the snapshot, by this plugin or by any
        other means (Horizon's Create Volume): one listing.

        Cinder lets admins filter volumes by ``snapshot_id``; others only
        by what the operator allows (``usable_filters``), usually not that.
        They list the volumes created since the snapshot was (``created_at``,
        from 3.60), or else every volume, and keep the snapshot's here.
        """
        search_opts = {}
        if 'snapshot_id' in usable_filters:
            search_opts['snapshot_id'] = snapshot_id
        elif (created_at and 'created_at' in usable_filters and
              client.api_version >= TIME_FILTERS):
            search_opts['created_at'] = 'gte:%s' % created_at
        if all_projects:
            search_opts['all_tenants'] = True
        with errors.translated():
            volumes = client.volumes.list(search_opts=search_opts)
        return [volume for volume in volumes
                if made_from(volume, snapshot_id)]

    # Delete

    def delete(self, client, protection):
        """Delete the snapshot; return False if it was already gone."""
        snapshot_id = self._snapshot_id(protection)
        try:
            with errors.translated():
                client.volume_snapshots.delete(snapshot_id)
        except errors.NotFound:
            # Cinder also answers 404 when the snapshot's volume left the
            # project (a transfer without its snapshots): the snapshot is
            # still there, and saying "already deleted" would hide it.
            if self._still_exists(client, snapshot_id):
                raise errors.Conflict(STRANDED_SNAPSHOT) from None
            return False
        return True

    @staticmethod
    def _still_exists(client, snapshot_id):
        try:
            with errors.translated():
                client.volume_snapshots.get(snapshot_id)
        except errors.VolsnapAPIError:
            return False
        return True

    # The volume's protections, as the scheduler reads them

    def list_protections(self, client, volume_id=None, metadata=None,
                         all_projects=False):
        search_opts = {}
        if all_projects:
            search_opts['all_tenants'] = 1
        if volume_id is not None:
            search_opts['volume_id'] = volume_id
        if metadata:
            search_opts['metadata'] = dict(metadata)
        with errors.translated():
            snapshots = client.volume_snapshots.list(search_opts=search_opts)
        return [as_protection(snapshot) for snapshot in snapshots]

    def get_protection(self, client, protection_id):
        with errors.translated():
            return as_protection(client.volume_snapshots.get(protection_id))

    def set_protection_metadata(self, client, protection, metadata):
        with errors.translated():
            client.volume_snapshots.set_metadata(protection, metadata)

    def delete_protection_metadata(self, client, protection, keys):
        present = [key for key in keys
                   if key in (getattr(protection, 'metadata', None) or {})]
        if not present:
            return
        with errors.translated():
            client.volume_snapshots.delete_metadata(protection, present)

    def quota(self, client):
        # Snapshots count against their own number and the project's
        # gigabytes: Cinder's absolute limits carry both, as retention
        # reads them.
        with errors.translated():
            limits = client.limits.get()
        return {limit.name: limit.value for limit in limits.absolute}

    # Waiting (for the scheduler and scripts, never for a web request)

    def wait_for_protection(self, client, protection_id, interval=2.0,
                            timeout=300.0, keep_failed=False):
        return as_protection(self.wait_for_snapshot(
            client, protection_id, interval=interval, timeout=timeout,
            keep_failed=keep_failed))

    def wait_for_snapshot(self, client, snapshot_id, interval=2.0,
                          timeout=300.0, keep_failed=False):
        """The available snapshot, or ProtectionFailed (the failed snapshot
        deleted unless ``keep_failed``), or waiting.WaitTimeout."""
        snapshot = waiting.wait(cinder_common.getter(client.volume_snapshots),
                                snapshot_id, _("Snapshot"),
                                interval=interval, timeout=timeout)
        if snapshot.status != 'error':
            return snapshot
        cleaned_up = not keep_failed and self.delete(client, snapshot_id)
        raise ProtectionFailed(
            _("Snapshot %s of volume %s failed.")
            % (snapshot_id, snapshot.volume_id), snapshot_id,
            reason=cinder_common.failure_reason(client, snapshot_id),
            cleaned_up=cleaned_up)

    def wait_for_deletion(self, client, snapshot_id, interval=2.0,
                          timeout=300.0):
        """Return once the snapshot is gone; ProtectionFailed if Cinder
        could not delete it."""
        snapshot = cinder_common.wait_gone(
            client.volume_snapshots, snapshot_id, _("Snapshot"),
            interval=interval, timeout=timeout)
        if snapshot.status == 'error_deleting':
            raise ProtectionFailed(
                _("Snapshot %s could not be deleted.") % snapshot_id,
                snapshot_id,
                reason=cinder_common.failure_reason(client, snapshot_id))

    # Helpers

    @staticmethod
    def _snapshot_id(protection):
        if isinstance(protection, str):
            return protection
        if isinstance(protection, dict):
            return protection['snapshot_id']
        return protection.id

    def _snapshot(self, client, protection):
        if hasattr(protection, 'size') and hasattr(protection, 'id'):
            return protection
        with errors.translated():
            return client.volume_snapshots.get(
                self._snapshot_id(protection))


def as_protection(snapshot):
    """A Cinder snapshot as the plugin-neutral record the scheduler
    reads."""
    return base.Protection(
        id=snapshot.id, status=snapshot.status,
        created_at=getattr(snapshot, 'created_at', None),
        metadata=dict(getattr(snapshot, 'metadata', None) or {}),
        size=getattr(snapshot, 'size', None) or 0,
        volume_id=getattr(snapshot, 'volume_id', None),
        name=getattr(snapshot, 'name', None) or '',
        project_id=cinder_facts.snapshot_project(snapshot),
        user_id=getattr(snapshot, 'user_id', None))


def made_from(volume, snapshot_id):
    tags = getattr(volume, 'metadata', None) or {}
    return (getattr(volume, 'snapshot_id', None) == snapshot_id or
            tags.get(RESTORED_FROM_KEY) == snapshot_id)
