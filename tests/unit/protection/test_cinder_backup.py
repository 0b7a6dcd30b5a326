"""The Cinder backup plugin, against a mocked cinderclient."""

from unittest import mock

from cinderclient import api_versions
from cinderclient import exceptions as cinder_exc
from cinderclient.v3 import limits as cinder_limits
from cinderclient.v3 import volume_backups
from cinderclient.v3 import volume_backups_restore
from cinderclient.v3 import volume_snapshots
from cinderclient.v3 import volumes
from django.test import SimpleTestCase

from volsnap_dashboard.api import errors
from volsnap_dashboard.protection import base
from volsnap_dashboard.protection import cinder_backup
from volsnap_dashboard.protection import cinder_common
from volsnap_dashboard.protection import parameters
from volsnap_dashboard.protection.schedule import retention

OPTIONS = {'backup_name': 'weekly', 'description': 'db'}


def volume(status='available', name='db'):
    return volumes.Volume(None, {'id': 'vol-1', 'name': name, 'size': 2,
                                 'status': status}, loaded=True)


def backup(backup_id='bak-1', status='available', incremental=False,
           data='2026-11-01T02:00:00.000000', metadata=None,
           volume_id='vol-1', dependents=False, name='weekly'):
    return volume_backups.VolumeBackup(None, {
        'id': backup_id, 'name': name, 'size': 2, 'volume_id': volume_id,
        'status': status, 'is_incremental': incremental,
        'has_dependent_backups': dependents, 'data_timestamp': data,
        'created_at': data, 'metadata': metadata or {},
        'fail_reason': None}, loaded=True)


def client(version='3.71', listed=()):
    fake = mock.Mock()
    fake.api_version = api_versions.APIVersion(version)
    fake.backups.create.return_value = backup('bak-new', 'creating')
    fake.backups.list.return_value = list(listed)
    fake.messages.list.return_value = []
    return fake


def chain(*spec):
    """Backups of vol-1 a day apart: 'F' full, 'I' incremental."""
    return [backup('bak-%d' % day, incremental=kind == 'I',
                   data='2026-11-%02dT02:00:00.000000' % day)
            for day, kind in enumerate(spec, start=1)]


class ProtectTests(SimpleTestCase):
    plugin = cinder_backup.CinderBackupProtectionPlugin()

    def test_a_volume_without_backups_gets_a_full_one(self):
        cinder = client()
        saved = self.plugin.protect(cinder, volume(), OPTIONS,
                                    metadata={'volsnap_schedule': 'a1'})
        cinder.backups.list.assert_called_once_with(
            search_opts={'volume_id': 'vol-1'})
        cinder.backups.create.assert_called_once_with(
            'vol-1', name='weekly', description='db', incremental=False,
            force=False, metadata={'volsnap_schedule': 'a1'})
        self.assertEqual({'backup_id': 'bak-new', 'volume_id': 'vol-1',
                          'size': 2, 'incremental': False,
                          'created': '2026-11-01T02:00:00.000000',
                          'snapshot_id': None}, saved)
        parameters.validate(self.plugin.get_saved_info_schema(), saved)

    def test_the_newest_snapshot_backed_up_an_attached_volume_unforced(self):
        cinder = client()
        cinder.volume_snapshots.list.return_value = [
            volume_snapshots.Snapshot(None, {
                'id': snapshot_id, 'status': 'available',
                'created_at': created}, loaded=True)
            for snapshot_id, created in (
                ('snap-old', '2026-11-01T02:00:00.000000'),
                ('snap-new', '2026-11-03T02:00:00.000000'),
                ('snap-mid', '2026-11-02T02:00:00.000000'))]
        saved = self.plugin.protect(cinder, volume('in-use'),
                                    dict(OPTIONS, from_snapshot=True))
        cinder.volume_snapshots.list.assert_called_once_with(search_opts={
            'volume_id': 'vol-1', 'status': 'available'})
        kwargs = cinder.backups.create.call_args.kwargs
        self.assertEqual(('snap-new', False),
                         (kwargs['snapshot_id'], kwargs['force']))
        self.assertEqual('snap-new', saved['snapshot_id'])
        parameters.validate(self.plugin.get_saved_info_schema(), saved)

    def test_no_snapshot_to_back_up_is_said_and_nothing_made(self):
        cinder = client()
        cinder.volume_snapshots.list.return_value = []
        with self.assertRaises(errors.Conflict) as caught:
            self.plugin.protect(cinder, volume(),
                                dict(OPTIONS, from_snapshot=True))
        self.assertIn('has no available snapshot', str(caught.exception))
        cinder.backups.create.assert_not_called()

    def test_without_the_option_the_volume_itself(self):
        cinder = client()
        self.plugin.protect(cinder, volume(), OPTIONS)
        cinder.volume_snapshots.list.assert_not_called()
        self.assertNotIn('snapshot_id', cinder.backups.create.call_args.kwargs)

    def test_with_an_available_backup_it_is_incremental(self):
        cinder = client(listed=chain('F', 'I'))
        saved = self.plugin.protect(cinder, volume(), OPTIONS)
        self.assertTrue(saved['incremental'])
        self.assertTrue(cinder.backups.create.call_args.kwargs[
            'incremental'])

    def test_a_full_chain_starts_a_new_one(self):
        cinder = client(listed=chain('F', 'I', 'I'))
        saved = self.plugin.protect(cinder, volume(),
                                    dict(OPTIONS, full_every=3))
        self.assertFalse(saved['incremental'])
        cinder = client(listed=chain('F', 'I'))
        saved = self.plugin.protect(cinder, volume(),
                                    dict(OPTIONS, full_every=3))
        self.assertTrue(saved['incremental'])

    def test_backups_in_error_are_no_base(self):
        cinder = client(listed=[backup(status='error')])
        saved = self.plugin.protect(cinder, volume(), OPTIONS)
        self.assertFalse(saved['incremental'])

    def test_incremental_off_is_always_full(self):
        cinder = client(listed=chain('F'))
        saved = self.plugin.protect(cinder, volume(),
                                    dict(OPTIONS, incremental=False))
        self.assertFalse(saved['incremental'])

    def test_an_attached_volume_needs_force(self):
        cinder = client()
        with self.assertRaises(errors.Conflict):
            self.plugin.protect(cinder, volume('in-use'), OPTIONS)
        cinder.backups.create.assert_not_called()
        self.plugin.protect(cinder, volume('in-use'),
                            dict(OPTIONS, force=True))
        self.assertTrue(cinder.backups.create.call_args.kwargs['force'])

    def test_the_name_defaults_to_the_volumes(self):
        cinder = client()
        self.plugin.protect(cinder, volume(), dict(OPTIONS, backup_name=''))
        self.assertEqual('db-backup',
                         cinder.backups.create.call_args.kwargs['name'])

    def test_tags_need_backup_metadata(self):
        cinder = client('3.42')
        with self.assertRaises(errors.Conflict):
            self.plugin.protect(cinder, volume(), OPTIONS,
                                submission='form-1')
        cinder.backups.create.assert_not_called()

    def test_over_quota_is_reported(self):
        cinder = client()
        cinder.backups.create.side_effect = cinder_exc.OverLimit(
            413, 'BackupLimitExceeded')
        with self.assertRaises(errors.OverQuota):
            self.plugin.protect(cinder, volume(), OPTIONS)

    def test_bad_options_are_refused_before_any_call(self):
        cinder = client()
        for bad in ({'full_every': 0}, {'full_every': 'x'},
                    {'backup_name': 'n' * 256}):
            with self.subTest(bad=bad):
                with self.assertRaises(parameters.InvalidParameters):
                    self.plugin.protect(cinder, volume(),
                                        dict(OPTIONS, **bad))
        cinder.backups.create.assert_not_called()


class RestoreTests(SimpleTestCase):
    plugin = cinder_backup.CinderBackupProtectionPlugin()

    def test_a_new_volume_of_the_chosen_type_tagged_with_its_backup(self):
        cinder = client()
        cinder.backups.get.return_value = backup()
        self.plugin.restore(cinder, 'bak-1', {}, volume_type='files',
                            submission='form-2')
        cinder.volumes.create.assert_called_once_with(
            2, backup_id='bak-1', name='weekly-restore',
            description='Restored from backup "weekly".',
            metadata={cinder_common.RESTORED_FROM_KEY: 'bak-1',
                      cinder_common.SUBMISSION_KEY: 'form-2'},
            volume_type='files')

    def test_smaller_than_the_backup_is_refused(self):
        cinder = client()
        cinder.backups.get.return_value = backup()
        with self.assertRaises(parameters.InvalidParameters):
            self.plugin.restore(cinder, 'bak-1', {}, size=1)
        cinder.volumes.create.assert_not_called()

    def test_before_3_47_the_restore_action_makes_the_volume(self):
        cinder = client('3.46')
        cinder.backups.get.return_value = backup()
        cinder.restores.restore.return_value = \
            volume_backups_restore.VolumeBackupsRestore(
                None, {'backup_id': 'bak-1', 'volume_id': 'vol-9'},
                loaded=True)
        self.plugin.restore(cinder, 'bak-1', {'restore_name': 'back'})
        cinder.restores.restore.assert_called_once_with('bak-1',
                                                        name='back')
        cinder.volumes.set_metadata.assert_called_once_with(
            'vol-9', {cinder_common.RESTORED_FROM_KEY: 'bak-1'})
        with self.assertRaises(errors.Conflict):
            self.plugin.restore(cinder, 'bak-1', {}, volume_type='files')

    def test_restored_volumes_are_found_by_their_tag(self):
        cinder = client()
        tagged = volumes.Volume(None, {'id': 'vol-9', 'metadata': {
            cinder_common.RESTORED_FROM_KEY: 'bak-1'}}, loaded=True)
        other = volumes.Volume(None, {'id': 'vol-8', 'metadata': {
            cinder_common.RESTORED_FROM_KEY: 'bak-2'}}, loaded=True)
        cinder.volumes.list.return_value = [tagged, other]
        self.assertEqual([tagged],
                         self.plugin.restored_volumes(cinder, 'bak-1'))


class DeleteTests(SimpleTestCase):
    plugin = cinder_backup.CinderBackupProtectionPlugin()

    def test_deletes_and_says_when_already_gone(self):
        cinder = client()
        self.assertTrue(self.plugin.delete(cinder, 'bak-1'))
        cinder.backups.delete.assert_called_once_with('bak-1')
        cinder.backups.delete.side_effect = cinder_exc.NotFound(404)
        self.assertFalse(self.plugin.delete(cinder, 'bak-1'))

    def test_a_backup_others_need_is_refused_with_the_reason(self):
        cinder = client()
        cinder.backups.delete.side_effect = cinder_exc.BadRequest(
            400, 'Incremental backups exist for this backup.')
        cinder.backups.get.return_value = backup(dependents=True)
        with self.assertRaises(errors.Conflict) as caught:
            self.plugin.delete(cinder, 'bak-1')
        self.assertIn('delete them first', str(caught.exception))


class ListTests(SimpleTestCase):
    plugin = cinder_backup.CinderBackupProtectionPlugin()

    def test_tags_are_matched_here_and_chains_read_from_all(self):
        listed = chain('F', 'I', 'I')
        listed[0].metadata = {}
        for item in listed[1:]:
            item.metadata = {'volsnap_schedule': 'a1'}
        cinder = client(listed=listed)
        found = self.plugin.list_protections(
            cinder, 'vol-1', {'volsnap_schedule': 'a1'})
        cinder.backups.list.assert_called_once_with(
            search_opts={'volume_id': 'vol-1'})
        self.assertEqual([('bak-2', 'bak-1'), ('bak-3', 'bak-2')],
                         [(p.id, p.depends_on) for p in found])

    def test_a_page_is_one_listing_with_the_parents_it_holds(self):
        listed = chain('F', 'I', 'I')[::-1][:2]  # newest first, one short
        cinder = client(listed=listed)
        found = self.plugin.list_protections_page(
            cinder, 2, marker='bak-9', sort_dir='desc', all_projects=True)
        cinder.backups.list.assert_called_once_with(
            search_opts={'all_tenants': 1}, limit=2, marker='bak-9',
            sort='created_at:desc')
        # bak-2's base is on the next page: incremental, base not named.
        self.assertEqual([('bak-3', 'bak-2', True), ('bak-2', None, True)],
                         [(p.id, p.depends_on, p.incremental)
                          for p in found])

    def test_parents_skip_backups_in_error(self):
        listed = chain('F', 'I', 'I')
        listed[1].status = 'error'
        found = self.plugin.list_protections(client(listed=listed),
                                             'vol-1')
        self.assertEqual({'bak-1': None, 'bak-2': 'bak-1',
                          'bak-3': 'bak-1'},
                         {p.id: p.depends_on for p in found})

    def test_quota_uses_the_backup_limits(self):
        cinder = client()
        cinder.limits.get.return_value = cinder_limits.Limits(None, {
            'absolute': {'maxTotalBackups': 10, 'totalBackupsUsed': 3,
                         'maxTotalBackupGigabytes': 100,
                         'totalBackupGigabytesUsed': 6,
                         'maxTotalSnapshots': 1}}, loaded=True)
        self.assertEqual({retention.MAX_SNAPSHOTS: 10,
                          retention.USED_SNAPSHOTS: 3,
                          retention.MAX_GIGABYTES: 100,
                          retention.USED_GIGABYTES: 6},
                         self.plugin.quota(cinder))

    def test_metadata_is_merged_and_removed_whole(self):
        cinder = client()
        cinder.backups.get.return_value = backup(metadata={'a': '1'})
        self.plugin.set_protection_metadata(cinder, 'bak-1', {'b': '2'})
        cinder.backups.update.assert_called_with('bak-1', metadata={
            'a': '1', 'b': '2'})
        cinder.backups.get.return_value = backup(metadata={'a': '1',
                                                           'b': '2'})
        self.plugin.delete_protection_metadata(
            cinder, base.Protection('bak-1', 'available', None,
                                    {'a': '1', 'b': '2'}, 2, 'vol-1'), ['b'])
        cinder.backups.update.assert_called_with('bak-1',
                                                 metadata={'a': '1'})


class WaitTests(SimpleTestCase):
    plugin = cinder_backup.CinderBackupProtectionPlugin()

    def test_a_failed_backup_is_reported_with_its_reason_and_removed(self):
        cinder = client()
        failed = backup(status='error')
        failed.fail_reason = 'disk full'
        cinder.backups.get.return_value = failed
        with self.assertRaises(cinder_common.ProtectionFailed) as caught:
            self.plugin.wait_for_protection(cinder, 'bak-1', interval=0)
        self.assertEqual('disk full', caught.exception.reason)
        self.assertTrue(caught.exception.cleaned_up)
        cinder.backups.delete.assert_called_once_with('bak-1')

    def test_kept_when_asked(self):
        cinder = client()
        cinder.backups.get.return_value = backup(status='error')
        with self.assertRaises(cinder_common.ProtectionFailed) as caught:
            self.plugin.wait_for_protection(cinder, 'bak-1', interval=0,
                                            keep_failed=True)
        self.assertFalse(caught.exception.cleaned_up)
        cinder.backups.delete.assert_not_called()


class AdminTests(SimpleTestCase):
    plugin = cinder_backup.CinderBackupProtectionPlugin()

    def test_force_delete_and_reset_status(self):
        cinder = client()
        self.assertTrue(self.plugin.force_delete(cinder, 'bak-1'))
        cinder.backups.delete.assert_called_once_with('bak-1', force=True)
        self.plugin.reset_status(cinder, 'bak-1', 'error')
        cinder.backups.reset_state.assert_called_once_with('bak-1', 'error')

    def test_only_the_statuses_cinder_takes(self):
        cinder = client()
        with self.assertRaises(parameters.InvalidParameters):
            self.plugin.reset_status(cinder, 'bak-1', 'creating')
        cinder.backups.reset_state.assert_not_called()


class RestoreTypeTests(SimpleTestCase):
    plugin = cinder_backup.CinderBackupProtectionPlugin()

    def test_without_a_type_the_backed_up_volumes_own(self):
        cinder = client()
        cinder.backups.get.return_value = backup()
        cinder.volumes.get.return_value = volumes.Volume(None, {
            'id': 'vol-1', 'volume_type': 'files'}, loaded=True)
        self.plugin.restore(cinder, 'bak-1', {})
        self.assertEqual('files',
                         cinder.volumes.create.call_args.kwargs['volume_type'])

    def test_the_volume_gone_cinder_chooses(self):
        cinder = client()
        cinder.backups.get.return_value = backup()
        cinder.volumes.get.side_effect = cinder_exc.NotFound(404)
        self.plugin.restore(cinder, 'bak-1', {})
        self.assertNotIn('volume_type', cinder.volumes.create.call_args.kwargs)
