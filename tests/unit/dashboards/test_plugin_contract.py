"""The panels with a second protection plugin (volume clones,
tests/clone_plugin.py) as the one that protects volumes: the Protect and
Restore forms are its schemas' forms and call it, Delete calls it, and a
schedule's options are its options, with the API layer mocked."""

from unittest import mock

from django.core.cache import cache
from openstack_dashboard.test import helpers

from tests import clone_plugin
from tests.unit import fixtures
from tests.unit.dashboards.snapshots import test_forms
from tests.unit.dashboards.snapshots import (
    test_table_actions as table_actions)
from volsnap_dashboard.api import cinder
from volsnap_dashboard.dashboards.schedules import api as schedules_api
from volsnap_dashboard.dashboards.schedules import workflows
from volsnap_dashboard.protection import registry


class ClonesTestCase(helpers.TestCase):

    def setUp(self):
        super().setUp()
        cache.clear()
        clones = clone_plugin.registry_of_clones(self.addCleanup)
        patcher = mock.patch.object(registry, 'get_registry',
                                    return_value=clones)
        patcher.start()
        self.addCleanup(patcher.stop)


class ProtectTests(test_forms.PickerTestCase, ClonesTestCase):

    @helpers.create_mocks({cinder: test_forms.PICKER_CALLS})
    def test_the_form_is_the_clone_plugins(self):
        self.mock_cloud()
        form = self.client.get(test_forms.PROTECT_URL).context['form']
        self.assertEqual(['option_clone_name', 'option_description'],
                         [name for name in form.fields
                          if name.startswith('option_')])
        self.assertEqual('Clone Name', form.fields['option_clone_name'].label)
        self.assertIn('With several volumes',
                      str(form.fields['option_clone_name'].help_text))

    @helpers.create_mocks({cinder: test_forms.PICKER_CALLS})
    def test_several_volumes_get_their_name_in_the_clones_name(self):
        self.mock_cloud(everything=[fixtures.volume('vol-1', 'db'),
                                    fixtures.volume('vol-2', 'web')])
        form = self.client.get(test_forms.PROTECT_URL).context['form']
        res = self.client.post(test_forms.PROTECT_URL, {
            'submission': form.fields['submission'].initial,
            'volumes': ['vol-1', 'vol-2'], 'option_clone_name': 'nightly',
            'option_description': 'before upgrade'})
        self.assertNoFormErrors(res)
        self.assertEqual(
            [('vol-1', {'clone_name': 'nightly-db',
                        'description': 'before upgrade'}),
             ('vol-2', {'clone_name': 'nightly-web',
                        'description': 'before upgrade'})],
            self.protected())
        self.assertIsInstance(self.mock_snapshot_protect.call_args.args[1],
                              clone_plugin.VolumeClonePlugin)


class RestoreTests(ClonesTestCase):

    @helpers.create_mocks({cinder: ['snapshot_get', 'absolute_limits',
                                    'volume_create_from_snapshot']})
    def test_the_form_is_the_clone_plugins(self):
        self.mock_snapshot_get.return_value = fixtures.snapshot(size=2)
        self.mock_absolute_limits.return_value = fixtures.LIMITS
        self.mock_volume_create_from_snapshot.return_value = \
            fixtures.volume('vol-new')
        form = self.client.get(test_forms.restore_url()).context['form']
        self.assertEqual('New Volume Name',
                         form.fields['restore__restore_name'].label)
        self.assertEqual('New Volume Description',
                         form.fields['restore__restore_description'].label)
        res = self.client.post(test_forms.restore_url(), {
            'submission': form.fields['submission'].initial, 'size': 3,
            'restore__restore_name': 'copy'})
        self.assertRedirectsNoFollow(res, test_forms.INDEX_URL)
        args = self.mock_volume_create_from_snapshot.call_args
        self.assertIsInstance(args.args[1], clone_plugin.VolumeClonePlugin)
        self.assertEqual({'restore_name': 'copy'}, args.args[3])


class DeleteTests(ClonesTestCase):

    @helpers.create_mocks(table_actions.DELETE_CALLS)
    def test_delete_goes_through_the_clone_plugin(self):
        self.mock_snapshot_delete.return_value = True
        table_actions.post_delete(self)
        [call] = self.mock_snapshot_delete.call_args_list
        self.assertIsInstance(call.args[1], clone_plugin.VolumeClonePlugin)
        self.assertEqual('snap-1', call.args[2])


class ScheduleOptionsTests(ClonesTestCase):

    def test_a_schedules_options_are_the_clone_plugins_but_the_name(self):
        plugin = registry.get_registry().plugin_for(registry.VOLUME)
        schema = workflows.schedule_options_schema(plugin, True)
        self.assertEqual(['description'], list(schema['properties']))
        self.assertEqual({'description': 'nightly'},
                         schedules_api.options_of({'description': 'nightly'}))
