"""The Cinder volume backup protection plugin: protection that survives
the loss of the volume's storage backend.

Protect is ``BackupManager.create`` (full the first time, incremental
after, a full one again once a chain is ``full_every`` long), delete is
``BackupManager.delete``, restore makes a **new** volume from the backup.
From microversion 3.47 Cinder makes that volume in one call that also
sets its type, zone, size and tags (``VolumeManager.create`` with
``backup_id``): a backend lost is exactly when the volume must go to
another type. Older clouds get ``BackupManager.restore``, which can set
none of these but the name.

Backup metadata (the schedule's tags) needs 3.43; Cinder lets tenants
filter backups only by name, status and volume, so tags are matched here.
"""

import logging

from cinderclient import api_versions
from django.utils.translation import gettext_lazy as _

from volsnap_dashboard.api import cinder_facts
from volsnap_dashboard.api import errors
from volsnap_dashboard.protection import backup_chains
from volsnap_dashboard.protection import base
from volsnap_dashboard.protection import cinder_common
from volsnap_dashboard.protection import parameters
from volsnap_dashboard.protection import times
from volsnap_dashboard.protection import waiting
from volsnap_dashboard.protection.schedule import retention

LOG = logging.getLogger(__name__)

BACKUP_METADATA = api_versions.APIVersion('3.43')
CREATE_FROM_BACKUP = api_versions.APIVersion('3.47')
BACKUP_PROJECT_ATTR = 'os-backup-project-attr:project_id'
# Cinder's own record of a restored volume's backup. Finishing a restore,
# Cinder replaces the volume's metadata with the backed-up volume's (our
# tags go) and adds this.
SOURCE_BACKUP_KEY = 'src_backup_id'
AVAILABLE = 'available'

# Cinder's absolute limits for backups, under the names retention reads.
QUOTA_NAMES = {
    'maxTotalBackups': retention.MAX_SNAPSHOTS,
    'totalBackupsUsed': retention.USED_SNAPSHOTS,
    'maxTotalBackupGigabytes': retention.MAX_GIGABYTES,
    'totalBackupGigabytesUsed': retention.USED_GIGABYTES,
}


def default_backup_name(volume):
    return cinder_facts.fit(volume.name or volume.id, '-backup')


def default_restore_name(backup):
    return cinder_common.restore_name(backup, 'backup')


def default_restore_description(backup):
    return cinder_common.restore_description(
        backup, _('Restored from backup "%s".'))


class CinderBackupProtectionPlugin(cinder_common.CinderPluginMixin,
                                   base.FileSchemasMixin,
                                   base.ProtectionPlugin):
    name = 'cinder-backup'
    resource_types = ('OS::Cinder::Volume',)
    schema_module = __file__
    options_schema_file = 'backup_options_schema.json'
    restore_schema_file = 'backup_restore_schema.json'
    saved_info_schema_file = 'backup_saved_info_schema.json'
    name_option = 'backup_name'
    text_options = ('backup_name', 'description')
    verbose_name = _("backup")
    verbose_name_plural = _("backups")
    age_words = _("backed up %s ago")
    protect_description = _(
        "Back up the selected volumes now: each gets its own backup, "
        "copied to the backup store, apart from the volume's storage, so "
        "that it outlives the loss of that storage. A volume's first "
        "backup copies all of it, later ones only what changed. Backups "
        "take longer than snapshots: minutes for a large volume. A volume "
        "attached to an instance is backed up as it is (crash-consistent) "
        "with Force.")
    # Where Horizon offers backups (its Backups panel): a cloud that runs
    # Cinder's backup service.
    panel_setting = ('OPENSTACK_CINDER_FEATURES', 'enable_backup')
    # A backup outlives its volume's backend: restore it to any type.
    restore_chooses_type = True
    policy_rules = {
        'list': (('volume', 'backup:get_all'),),
        'protect': (('volume', 'backup:create'),),
        'restore': (('volume', 'backup:restore'),
                    ('volume', 'volume:create')),
        'delete': (('volume', 'backup:delete'),),
        'update': (('volume', 'backup:update'),),
        'force_delete': (('volume', 'volume_extension:backup_admin_actions:'
                                    'force_delete'),),
        'reset_status': (('volume', 'volume_extension:backup_admin_actions:'
                                    'reset_status'),),
    }
    # What Cinder lets an administrator reset a backup to.
    resettable_statuses = ('available', 'error')
    # Backups copy the whole volume (the first time) to another store:
    # minutes where a snapshot takes seconds.
    protect_timeout = 3600.0
    restore_timeout = 3600.0

    # Protect

    def protect(self, client, volume, params, submission=None,
                metadata=None):
        values = self.validate_options(params)
        snapshot = (self._newest_snapshot(client, volume)
                    if values['from_snapshot'] else None)
        # Cinder backs up a snapshot of an attached volume without force.
        if volume.status == 'in-use' and not values['force'] and \
                snapshot is None:
            raise errors.Conflict(_(
                'Volume "%s" is attached to an instance: back it up with '
                '"Force", or detach it first.') % (volume.name or volume.id))
        tags = cinder_common.tags(submission, **(metadata or {}))
        if tags and client.api_version < BACKUP_METADATA:
            raise errors.Conflict(_(
                "This Block Storage service cannot tag backups (it needs "
                "API version %s).") % BACKUP_METADATA.get_string())
        incremental = values['incremental'] and self._builds_on_chain(
            client, volume.id, values['full_every'])
        kwargs = {'name': values['backup_name'] or
                  default_backup_name(volume),
                  'description': values['description'],
                  'incremental': incremental, 'force': values['force']}
        if tags:
            kwargs['metadata'] = tags
        if snapshot is not None:
            kwargs['snapshot_id'] = snapshot.id
        with errors.translated():
            backup = client.backups.create(volume.id, **kwargs)
        LOG.info("Protecting volume %s with %s backup %s%s", volume.id,
                 'incremental' if incremental else 'full', backup.id,
                 ' of snapshot %s' % snapshot.id if snapshot else '')
        return {'backup_id': backup.id, 'volume_id': volume.id,
                'size': getattr(backup, 'size', None) or volume.size or 0,
                'incremental': incremental,
                'created': getattr(backup, 'created_at', None),
                'snapshot_id': snapshot.id if snapshot else None}

    @staticmethod
    def _newest_snapshot(client, volume):
        """The volume's newest available snapshot (one listing), or
        Conflict if it has none."""
        with errors.translated():
            snapshots = list(client.volume_snapshots.list(search_opts={
                'volume_id': volume.id, 'status': 'available'}))
        snapshots = [snapshot for snapshot in snapshots
                     if snapshot.status == 'available']
        if not snapshots:
            raise errors.Conflict(_(
                'Volume "%s" has no available snapshot to back up: take '
                'one first, or back up the volume itself.') % (
                    volume.name or volume.id))
        return max(snapshots, key=lambda snapshot: (
            times.parse_iso(getattr(snapshot, 'created_at', None)) or
            times.EARLIEST, snapshot.id))

    def _builds_on_chain(self, client, volume_id, full_every):
        """Whether the next backup of the volume may be incremental: it
        has an available backup, whose chain is shorter than
        ``full_every``."""
        backups = self._list(client, {'volume_id': volume_id})
        base_backup = backup_chains.newest_base(backups)
        return base_backup is not None and backup_chains.chain_length(
            backups, base_backup) < full_every

    def protection_id(self, saved):
        return saved['backup_id']

    # Restore

    def restore(self, client, protection, params, size=None,
                availability_zone=None, volume_type=None, submission=None,
                metadata=None):
        values = self.validate_restore(params)
        backup = self._backup(client, protection)
        if size is None:
            size = backup.size
        elif size < backup.size:
            raise parameters.InvalidParameters({'size': [_(
                "The new volume must be at least as large as the backup's "
                "volume (%s GiB).") % backup.size]})
        name = values.get('restore_name') or default_restore_name(backup)
        description = str(values.get('restore_description') or
                          default_restore_description(backup))
        tags = cinder_common.tags(submission, **(metadata or {}), **{
            cinder_common.RESTORED_FROM_KEY: backup.id})
        if client.api_version >= CREATE_FROM_BACKUP:
            # Cinder would choose its default type: where the backed-up
            # volume still is, its own type is where it was readable.
            volume_type = volume_type or self._source_type(client, backup)
            kwargs = {'backup_id': backup.id, 'name': name,
                      'description': description, 'metadata': tags}
            if availability_zone:
                kwargs['availability_zone'] = availability_zone
            if volume_type:
                kwargs['volume_type'] = volume_type
            with errors.translated():
                volume = client.volumes.create(size, **kwargs)
        else:
            volume = self._restore_by_action(
                client, backup, size, name, tags,
                availability_zone or volume_type)
        LOG.info("Restoring backup %s to volume %s", backup.id, volume.id)
        return volume

    @staticmethod
    def _source_type(client, backup):
        """The backed-up volume's type, or None if it is gone."""
        try:
            with errors.translated():
                volume = client.volumes.get(backup.volume_id)
        except errors.VolsnapAPIError:
            return None
        return getattr(volume, 'volume_type', None) or None

    @staticmethod
    def _restore_by_action(client, backup, size, name, tags, placed):
        if placed or size != backup.size:
            raise errors.Conflict(_(
                "This Block Storage service restores a backup only to a "
                "volume of its own size, type and zone (choosing them "
                "needs API version %s).") % CREATE_FROM_BACKUP.get_string())
        with errors.translated():
            restored = client.restores.restore(backup.id, name=name)
            client.volumes.set_metadata(restored.volume_id, tags)
            return client.volumes.get(restored.volume_id)

    def restore_defaults(self, backup):
        return {'restore_name': default_restore_name(backup)}

    def restored_from(self, volume):
        tags = getattr(volume, 'metadata', None) or {}
        return tags.get(SOURCE_BACKUP_KEY) or super().restored_from(volume)

    def restored_volumes(self, client, backup_id, all_projects=False,
                         created_at=None, usable_filters=()):
        """The volumes restored from the backup: tagged by this plugin
        while the restore runs, by Cinder once it is done; one listing."""
        search_opts = {'all_tenants': True} if all_projects else {}
        with errors.translated():
            volumes = client.volumes.list(search_opts=search_opts)
        return [volume for volume in volumes
                if self.restored_from(volume) == backup_id]

    def find_submitted(self, client, submission):
        wanted = {cinder_common.SUBMISSION_KEY: submission}
        with errors.translated():
            volumes = list(client.volumes.list(
                search_opts={'metadata': wanted}))
        return [backup for backup in self._list(client, {})
                if _tagged(backup, wanted)] + volumes

    # Delete

    def delete(self, client, protection):
        """Delete the backup; return False if it was already gone. Cinder
        refuses while incremental backups depend on it: that is said."""
        backup_id = _backup_id(protection)
        try:
            with errors.translated():
                client.backups.delete(backup_id)
        except errors.NotFound:
            return False
        except errors.VolsnapAPIError as exc:
            if self._has_dependents(client, backup_id):
                raise errors.Conflict(_(
                    "Backup %s cannot be deleted while incremental backups "
                    "depend on it: delete them first.") % backup_id) from exc
            raise
        return True

    def force_delete(self, client, protection):
        backup_id = _backup_id(protection)
        try:
            with errors.translated():
                client.backups.delete(backup_id, force=True)
        except errors.NotFound:
            return False
        return True

    def reset_status(self, client, protection, status):
        if status not in self.resettable_statuses:
            raise parameters.InvalidParameters({'status': [_(
                "A backup's status can be reset only to %s.")
                % ', '.join(self.resettable_statuses)]})
        with errors.translated():
            client.backups.reset_state(_backup_id(protection), status)

    @staticmethod
    def _has_dependents(client, backup_id):
        try:
            with errors.translated():
                backup = client.backups.get(backup_id)
        except errors.VolsnapAPIError:
            return False
        return bool(getattr(backup, 'has_dependent_backups', False))

    # The volume's protections, as the scheduler reads them

    def list_protections(self, client, volume_id=None, metadata=None,
                         all_projects=False):
        search_opts = {}
        if all_projects:
            search_opts['all_tenants'] = 1
        if volume_id is not None:
            search_opts['volume_id'] = volume_id
        backups = self._list(client, search_opts)
        # Chains are read from every backup listed, tagged or not: a
        # schedule's incremental backup may build on one made by hand.
        parent_of = backup_chains.parents(backups)
        return [as_protection(backup, parent_of.get(backup.id))
                for backup in backups if _tagged(backup, metadata)]

    def list_protections_page(self, client, limit, marker=None,
                              sort_dir='desc', all_projects=False):
        search_opts = {'all_tenants': 1} if all_projects else {}
        with errors.translated():
            backups = list(client.backups.list(
                search_opts=search_opts, limit=limit, marker=marker,
                sort='created_at:%s' % sort_dir))
        # A page holds every backup made in its span of time, so the
        # parents of its incremental backups are found among them, except
        # for a volume's oldest on the page (``incremental`` says so).
        parent_of = backup_chains.parents(backups)
        return [as_protection(backup, parent_of.get(backup.id))
                for backup in backups]

    def get_protection(self, client, protection_id):
        with errors.translated():
            backup = client.backups.get(protection_id)
        parent = None
        if getattr(backup, 'is_incremental', False):
            parent = backup_chains.parents(self._list(
                client, {'volume_id': backup.volume_id})).get(backup.id)
        return as_protection(backup, parent)

    def set_protection_metadata(self, client, protection, metadata):
        # Cinder replaces a backup's metadata as a whole.
        backup = self._backup(client, protection)
        merged = dict(getattr(backup, 'metadata', None) or {}, **metadata)
        with errors.translated():
            client.backups.update(backup.id, metadata=merged)

    def delete_protection_metadata(self, client, protection, keys):
        present = getattr(protection, 'metadata', None) or {}
        if not any(key in present for key in keys):
            return
        backup = self._backup(client, _backup_id(protection))
        kept = {key: value for key, value in
                (getattr(backup, 'metadata', None) or {}).items()
                if key not in keys}
        with errors.translated():
            client.backups.update(backup.id, metadata=kept)

    def quota(self, client):
        with errors.translated():
            limits = client.limits.get()
        return {QUOTA_NAMES[limit.name]: limit.value
                for limit in limits.absolute if limit.name in QUOTA_NAMES}

    # Waiting (for the scheduler and scripts, never for a web request)

    def wait_for_protection(self, client, protection_id, interval=2.0,
                            timeout=None, keep_failed=False):
        backup = waiting.wait(
            cinder_common.getter(client.backups), protection_id,
            _("Backup"), interval=interval,
            timeout=timeout or self.protect_timeout)
        if backup.status != 'error':
            return self.get_protection(client, protection_id)
        reason = (getattr(backup, 'fail_reason', None) or
                  cinder_common.failure_reason(client, protection_id))
        cleaned_up = not keep_failed and self.delete(client, protection_id)
        raise cinder_common.ProtectionFailed(
            _("Backup %s of volume %s failed.")
            % (protection_id, backup.volume_id), protection_id,
            reason=reason, cleaned_up=cleaned_up)

    def wait_for_deletion(self, client, protection_id, interval=2.0,
                          timeout=None):
        backup = cinder_common.wait_gone(
            client.backups, protection_id, _("Backup"), interval=interval,
            timeout=timeout or self.protect_timeout)
        if backup.status == 'error_deleting':
            raise cinder_common.ProtectionFailed(
                _("Backup %s could not be deleted.") % protection_id,
                protection_id,
                reason=getattr(backup, 'fail_reason', None) or
                cinder_common.failure_reason(client, protection_id))

    # Helpers

    @staticmethod
    def _list(client, search_opts):
        with errors.translated():
            return list(client.backups.list(search_opts=search_opts))

    @staticmethod
    def _backup(client, protection):
        if hasattr(protection, 'size') and hasattr(protection, 'name') \
                and not isinstance(protection, base.Protection):
            return protection
        with errors.translated():
            return client.backups.get(_backup_id(protection))


def _backup_id(protection):
    if isinstance(protection, str):
        return protection
    if isinstance(protection, dict):
        return protection['backup_id']
    return protection.id


def _tagged(backup, metadata):
    tags = getattr(backup, 'metadata', None) or {}
    return all(tags.get(key) == value
               for key, value in (metadata or {}).items())


def as_protection(backup, parent_id=None):
    """A Cinder backup as the plugin-neutral record the scheduler reads."""
    return base.Protection(
        id=backup.id, status=backup.status,
        created_at=getattr(backup, 'created_at', None),
        metadata=dict(getattr(backup, 'metadata', None) or {}),
        size=getattr(backup, 'size', None) or 0,
        volume_id=getattr(backup, 'volume_id', None),
        name=getattr(backup, 'name', None) or '',
        project_id=getattr(backup, BACKUP_PROJECT_ATTR, None),
        user_id=getattr(backup, 'user_id', None),
        depends_on=parent_id,
        incremental=bool(getattr(backup, 'is_incremental', False)),
        has_dependents=bool(getattr(backup, 'has_dependent_backups', False)))
