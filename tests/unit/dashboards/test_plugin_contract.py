"""The panels with a second protection plugin (volume clones,
tests/clone_plugin.py) as the one that protects volumes: the Protect and
Restore forms are its schemas' forms and call it, Delete calls it, a
schedule's options are its options and a schedule's protections are its
clones, with the API layer (or the Cinder client) mocked."""

from unittest import mock

from django.core.cache import cache
from openstack_dashboard.test import helpers

from tests import clone_plugin
from tests.unit import fixtures
from tests.unit.dashboards.snapshots import test_forms
from tests.unit.dashboards.snapshots import (
    test_table_actions as table_actions)
from tests.unit.dashboards.schedules import test_tables as schedule_tests
from tests.unit.dashboards.schedules import test_trusts as trust_tests
from tests.unit.dashboards.volumes import test_tab as volume_tests
from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import keystone
from volsnap_dashboard.dashboards.schedules import api as schedules_api
from volsnap_dashboard.dashboards.schedules import workflows
from volsnap_dashboard.protection import registry
from volsnap_dashboard.protection.schedule import codec


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


def clone(clone_id, name, schedule_id=schedule_tests.SID):
    volume = fixtures.volume(clone_id, name)
    volume.metadata = {clone_plugin.CLONE_KEY: '1',
                       clone_plugin.CLONE_OF_KEY: schedule_tests.VOLUME_ID,
                       codec.SNAPSHOT_SCHEDULE_KEY: schedule_id}
    volume.created_at = '2026-03-10T02:00:00.000000'
    return volume


CLONES = [clone('0c0c0c0c-0000-4000-8000-000000000001', 'db-clone-1'),
          clone('0c0c0c0c-0000-4000-8000-000000000002', 'db-clone-2')]


class ScheduleProtectionsTests(ClonesTestCase):
    """A schedule's page lists its clones and deleting the schedule with
    what it holds deletes them, through the plugin, on a mocked client."""

    def setUp(self):
        super().setUp()
        schedule = schedule_tests.healthy()
        self.client_of_cinder = mock.Mock()
        self.client_of_cinder.volumes.list.return_value = CLONES
        self.client_of_cinder.volumes.get.side_effect = \
            {volume.id: volume for volume in CLONES}.get
        for target, name, value in (
                (cinder, 'cinderclient', self.client_of_cinder),
                (cinder, 'volume_get', schedule_tests.volume_with(schedule)),
                (keystone, 'trust_get', trust_tests.trust(
                    trustor_user_id=schedule_tests.USER_ID,
                    project_id=schedule.project_id)),
                (keystone, 'trust_delete', None),
                (keystone, 'scheduler_user_id', trust_tests.SCHEDULER),
                (schedules_api, '_remove', None)):
            patcher = mock.patch.object(target, name, return_value=value)
            patcher.start()
            self.addCleanup(patcher.stop)

    def test_a_schedules_page_lists_its_clones(self):
        res = self.client.get(schedule_tests.detail_url())
        self.assertContains(res, 'db-clone-1')
        self.assertContains(res, 'db-clone-2')
        [call] = self.client_of_cinder.volumes.list.call_args_list
        self.assertEqual(
            {clone_plugin.CLONE_KEY: '1',
             clone_plugin.CLONE_OF_KEY: schedule_tests.VOLUME_ID,
             codec.SNAPSHOT_SCHEDULE_KEY: schedule_tests.SID},
            call.kwargs['search_opts']['metadata'])
        self.assertFalse(self.client_of_cinder.volume_snapshots.mock_calls)

    def test_deleting_a_schedule_with_its_clones_deletes_them(self):
        url = schedule_tests.detail_url('delete_schedule')
        self.assertContains(self.client.get(url),
                            'Delete the 2 snapshots it holds')
        res = self.client.post(url, {'snapshots': 'delete'})
        self.assertNoFormErrors(res)
        self.assertEqual(
            [volume.id for volume in CLONES],
            [call.args[0].id for call in
             self.client_of_cinder.volumes.delete.call_args_list])
        self.assertIn('Deleted the schedule and 2 snapshots.',
                      [str(m) for m in res.wsgi_request._messages])
        self.assertFalse(self.client_of_cinder.volume_snapshots.mock_calls)


class ProtectionListingTests(ClonesTestCase):
    """The Volumes and Schedules tabs read the clone plugin's listing:
    one for the page, none of Cinder's snapshots."""

    def setUp(self):
        super().setUp()
        volume = volume_tests.scheduled_volume(schedule_tests.VOLUME_ID)
        self.client_of_cinder = mock.Mock()
        self.client_of_cinder.volumes.list.return_value = CLONES
        for target, name, value in (
                (cinder, 'cinderclient', self.client_of_cinder),
                (cinder, 'volume_list', [volume])):
            patcher = mock.patch.object(target, name, return_value=value)
            patcher.start()
            self.addCleanup(patcher.stop)

    def listed_once(self):
        [call] = self.client_of_cinder.volumes.list.call_args_list
        self.assertEqual({clone_plugin.CLONE_KEY: '1'},
                         call.kwargs['search_opts']['metadata'])
        self.assertFalse(self.client_of_cinder.volume_snapshots.mock_calls)

    def test_the_volumes_tab_shows_the_newest_clone(self):
        res = self.client.get(test_forms.INDEX_URL +
                              '?tab=volume_protection__volumes')
        [row] = res.context['table'].data
        self.assertEqual('protected', row.protection.state)
        self.assertIn(row.protection.newest_protection.name,
                      [volume.name for volume in CLONES])
        self.listed_once()

    def test_the_schedules_tab_counts_the_clones_a_schedule_holds(self):
        res = self.client.get(test_forms.INDEX_URL +
                              '?tab=volume_protection__schedules')
        [row] = res.context['table'].data
        self.assertEqual(len(CLONES), len(row.protections))
        self.listed_once()


class ScheduleQuotaTests(ClonesTestCase):

    def test_the_forecast_counts_against_the_clone_plugins_quota(self):
        # A clone is a volume: Create Schedule's bars and forecast read
        # the volumes quota the plugin names, not the snapshots one.
        absolute = []
        for name, value in {'maxTotalVolumes': 10, 'totalVolumesUsed': 3,
                            'totalSnapshotsUsed': 7,
                            'maxTotalVolumeGigabytes': 1000,
                            'totalGigabytesUsed': 50}.items():
            absolute.append(mock.Mock(value=value))
            absolute[-1].name = name
        client = mock.Mock()
        client.limits.get.return_value = mock.Mock(absolute=absolute)
        plugin = registry.get_registry().plugin_for(registry.VOLUME)
        with mock.patch.object(cinder, 'cinderclient', return_value=client):
            limits = workflows.ScheduleResources(self.request, plugin).limits
        self.assertEqual({'maxTotalSnapshots': 10, 'totalSnapshotsUsed': 3,
                          'maxTotalVolumeGigabytes': 1000,
                          'totalGigabytesUsed': 50}, limits)
