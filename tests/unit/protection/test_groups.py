"""Group protection in the plugin interface: optional (a plugin without it
does not declare it), and the Cinder plugin's group snapshot, group made
from it and deletion, with Cinder's refusals translated."""

from unittest import mock

from cinderclient import api_versions
from cinderclient import exceptions as cinder_exc
from cinderclient.v3 import group_snapshots
from cinderclient.v3 import groups
from django.test import SimpleTestCase

from volsnap_dashboard.api import errors
from volsnap_dashboard.protection import base
from volsnap_dashboard.protection import cinder_snapshot
from volsnap_dashboard.protection import parameters

OPTIONS = {'snapshot_name': '', 'description': '', 'force': False}


def client(version='3.71'):
    fake = mock.Mock()
    fake.api_version = api_versions.APIVersion(version)
    return fake


def group(name='app'):
    return groups.Group(None, {'id': 'group-1', 'name': name}, loaded=True)


def group_snapshot(name='app-nightly'):
    return group_snapshots.GroupSnapshot(None, {
        'id': 'gs-1', 'name': name, 'group_id': 'group-1',
        'status': 'available'}, loaded=True)


class ProtectGroupTests(SimpleTestCase):
    plugin = cinder_snapshot.CinderSnapshotProtectionPlugin()

    def test_one_group_snapshot_named_as_asked(self):
        cinder = client()
        cinder.group_snapshots.create.return_value = group_snapshot()
        info = self.plugin.protect_group(
            cinder, 'group-1', dict(OPTIONS, snapshot_name='nightly',
                                    description='before upgrade'))
        cinder.group_snapshots.create.assert_called_once_with(
            'group-1', name='nightly', description='before upgrade')
        cinder.volume_snapshots.create.assert_not_called()
        self.assertEqual({'group_snapshot_id': 'gs-1',
                          'group_id': 'group-1'}, info)

    def test_named_after_the_group_when_no_name_is_given(self):
        cinder = client()
        self.plugin.protect_group(cinder, group('app'), OPTIONS)
        self.assertEqual('app-group-snapshot', cinder.group_snapshots.create
                         .call_args.kwargs['name'])
        self.assertIsNone(cinder.group_snapshots.create.call_args
                          .kwargs['description'])

    def test_refused_below_3_14_without_a_call(self):
        cinder = client('3.13')
        with self.assertRaises(errors.Conflict) as caught:
            self.plugin.protect_group(cinder, 'group-1', OPTIONS)
        self.assertIn('3.14', str(caught.exception))
        cinder.group_snapshots.create.assert_not_called()

    def test_options_checked_before_any_call(self):
        cinder = client()
        with self.assertRaises(parameters.InvalidParameters):
            self.plugin.protect_group(
                cinder, 'group-1', dict(OPTIONS, snapshot_name='x' * 256))
        cinder.group_snapshots.create.assert_not_called()

    def test_cinders_refusal_is_translated_with_its_reason(self):
        cinder = client()
        cinder.group_snapshots.create.side_effect = cinder_exc.BadRequest(
            400, 'Invalid Group: Group status must be available')
        with self.assertRaises(errors.BadRequest) as caught:
            self.plugin.protect_group(cinder, 'group-1', OPTIONS)
        self.assertIn('Group status must be available', str(caught.exception))


class RestoreGroupTests(SimpleTestCase):
    plugin = cinder_snapshot.CinderSnapshotProtectionPlugin()

    def test_a_new_group_from_the_group_snapshot(self):
        cinder = client()
        cinder.groups.create_from_src.return_value = {'id': 'group-2',
                                                      'name': 'copy'}
        made = self.plugin.restore_group(
            cinder, group_snapshot(), {'restore_name': 'copy',
                                       'restore_description': 'why'})
        cinder.groups.create_from_src.assert_called_once_with(
            'gs-1', None, name='copy', description='why')
        self.assertEqual('group-2', made['id'])

    def test_default_name_and_description_say_where_it_came_from(self):
        cinder = client()
        cinder.group_snapshots.get.return_value = group_snapshot('nightly')
        self.plugin.restore_group(cinder, 'gs-1', {})
        cinder.group_snapshots.get.assert_called_once_with('gs-1')
        kwargs = cinder.groups.create_from_src.call_args.kwargs
        self.assertEqual('nightly-restore', kwargs['name'])
        self.assertEqual('Restored from group snapshot "nightly".',
                         kwargs['description'])

    def test_refused_below_3_14(self):
        cinder = client('3.13')
        with self.assertRaises(errors.Conflict):
            self.plugin.restore_group(cinder, group_snapshot(), {})
        cinder.groups.create_from_src.assert_not_called()


class DeleteGroupTests(SimpleTestCase):
    plugin = cinder_snapshot.CinderSnapshotProtectionPlugin()

    def test_deletes_the_group_snapshot(self):
        cinder = client()
        self.assertTrue(self.plugin.delete_group(
            cinder, {'group_snapshot_id': 'gs-1'}))
        cinder.group_snapshots.delete.assert_called_once_with('gs-1')

    def test_already_gone_counts_as_done(self):
        cinder = client()
        cinder.group_snapshots.delete.side_effect = cinder_exc.NotFound(404)
        self.assertFalse(self.plugin.delete_group(cinder, 'gs-1'))


class WithoutGroups(cinder_snapshot.CinderSnapshotProtectionPlugin):
    supports_groups = base.ProtectionPlugin.supports_groups
    protect_group = base.ProtectionPlugin.protect_group
    restore_group = base.ProtectionPlugin.restore_group
    delete_group = base.ProtectionPlugin.delete_group


class OptionalTests(SimpleTestCase):

    def test_the_cinder_plugin_declares_it(self):
        self.assertTrue(
            cinder_snapshot.CinderSnapshotProtectionPlugin.supports_groups)

    def test_a_plugin_without_groups_does_not_declare_them(self):
        plugin = WithoutGroups()
        self.assertFalse(plugin.supports_groups)
        for operation in (plugin.protect_group, plugin.restore_group):
            with self.assertRaises(NotImplementedError):
                operation(client(), 'x', {})
        with self.assertRaises(NotImplementedError):
            plugin.delete_group(client(), 'x')
