"""The ``openstack volume protection`` commands over the provider's real
plugins, with python-cinderclient mocked."""

from unittest import mock

from cinderclient import api_versions
from cinderclient import exceptions as cinder_exc
from cinderclient.v3 import volume_backups
from cinderclient.v3 import volume_snapshots
from cinderclient.v3 import volumes
from django.test import SimpleTestCase
from osc_lib import exceptions

from volsnap_dashboard.osc import protections
from volsnap_dashboard.protection import registry

VOLUME = volumes.Volume(None, {'id': 'vol-1', 'name': 'db', 'size': 2,
                               'status': 'available'}, loaded=True)


def backup(backup_id, created, status='available'):
    return volume_backups.VolumeBackup(None, {
        'id': backup_id, 'name': 'b-' + backup_id, 'size': 2,
        'volume_id': 'vol-1', 'status': status, 'is_incremental': False,
        'has_dependent_backups': False, 'created_at': created,
        'data_timestamp': created, 'metadata': {}}, loaded=True)


def snapshot(snapshot_id, created):
    return volume_snapshots.Snapshot(None, {
        'id': snapshot_id, 'name': 's-' + snapshot_id, 'size': 2,
        'volume_id': 'vol-1', 'status': 'available',
        'created_at': created, 'metadata': {}}, loaded=True)


class CommandTests(SimpleTestCase):

    def setUp(self):
        super().setUp()
        self.cinder = mock.Mock()
        self.cinder.api_version = api_versions.APIVersion('3.71')
        self.cinder.volumes.get.return_value = VOLUME
        self.cinder.backups.list.return_value = []
        self.app = mock.Mock()
        self.app.client_manager.volume_protection.cinder = self.cinder
        self.app.client_manager.volume_protection.plugins = \
            registry.volume_plugins()

    def run_command(self, command_class, *argv):
        command = command_class(self.app, None)
        return command.take_action(
            command.get_parser('openstack').parse_args(list(argv)))

    def test_create_protects_through_the_plugin_named(self):
        self.cinder.backups.create.return_value = backup('bak-1', None,
                                                         'creating')
        columns, values = self.run_command(
            protections.CreateProtection, 'vol-1', '--plugin',
            'cinder-backup', '--name', 'weekly', '--option', 'force=yes')
        shown = dict(zip(columns, values, strict=True))
        self.assertEqual(('bak-1', 'backup', False),
                         (shown['id'], shown['kind'], shown['incremental']))
        self.cinder.backups.create.assert_called_once_with(
            'vol-1', name='weekly', description='', incremental=False,
            force=True)

    def test_an_unknown_plugin_names_the_ones_there_are(self):
        with self.assertRaises(exceptions.CommandError) as caught:
            self.run_command(protections.CreateProtection, 'vol-1',
                             '--plugin', 'tape')
        self.assertIn('cinder-snapshot, cinder-backup', str(caught.exception))

    def test_list_is_one_listing_per_plugin_newest_first(self):
        self.cinder.volume_snapshots.list.return_value = [
            snapshot('snap-1', '2026-11-02T02:00:00.000000')]
        self.cinder.backups.list.return_value = [
            backup('bak-1', '2026-11-03T02:00:00.000000'),
            backup('bak-0', '2026-11-01T02:00:00.000000')]
        columns, rows = self.run_command(protections.ListProtection)
        self.assertEqual(['bak-1', 'snap-1', 'bak-0'],
                         [row[0] for row in rows])
        self.assertEqual(['backup', 'snapshot', 'backup'],
                         [row[columns.index('Kind')] for row in rows])
        self.cinder.volume_snapshots.list.assert_called_once()
        self.cinder.backups.list.assert_called_once()

    def test_delete_goes_on_and_counts_what_failed(self):
        self.cinder.volume_snapshots.get.side_effect = cinder_exc.NotFound(
            404)
        self.cinder.backups.get.side_effect = lambda backup_id: (
            backup(backup_id, '2026-11-01T02:00:00.000000'))
        self.cinder.backups.delete.side_effect = [
            None, cinder_exc.BadRequest(400, 'Incremental backups exist')]
        with self.assertRaises(exceptions.CommandError) as caught:
            self.run_command(protections.DeleteProtection, 'bak-1', 'bak-2')
        self.assertEqual('1 of 2 protections failed to delete.',
                         str(caught.exception))
        self.assertEqual(2, self.cinder.backups.delete.call_count)

    def test_a_snapshot_restores_to_its_volumes_type_only(self):
        self.cinder.volume_snapshots.get.return_value = snapshot(
            'snap-1', '2026-11-02T02:00:00.000000')
        with self.assertRaises(exceptions.CommandError) as caught:
            self.run_command(protections.RestoreProtection, 'snap-1',
                             '--type', 'fast')
        self.assertIn('--type is not offered', str(caught.exception))
        self.cinder.volumes.create.assert_not_called()
