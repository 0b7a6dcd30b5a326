"""Consistent multi-volume protection in the panel: the protect form's
group offer, the Snapshots tab's group snapshot column, the group snapshot
page, Restore Group and Delete Group Snapshot (API wrapper mocked)."""

from unittest import mock

from cinderclient import api_versions
from cinderclient.v3 import group_snapshots
from cinderclient.v3 import groups
from django.core.cache import cache
from django.urls import reverse
from openstack_dashboard.test import helpers

from tests.unit import fixtures
from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import errors
from volsnap_dashboard.dashboards.common import plugin_choice
from volsnap_dashboard.dashboards.volumes import picker as volume_picker
from volsnap_dashboard.protection import cinder_snapshot

INDEX_URL = reverse('horizon:project:volume_protection:index')
PROTECT_URL = reverse('horizon:project:volume_protection:protect')
MEMBERS_URL = reverse('horizon:project:volume_protection:group_members')
GS_ID = '6f1c0e4a-1b2c-4d3e-8f40-5a6b7c8d9e0f'
PROTECT_CALLS = ['volume_page', 'volume_list', 'volume_get', 'name_filter',
                 'protection_quota', 'force_matters',
                 'snapshot_protect', 'group_protect', 'known_api_version',
                 'group_list']
NOT_CONSISTENT = 'not crash-consistent'


def url(name, group_snapshot_id=GS_ID):
    return reverse('horizon:project:volume_protection:' + name,
                   args=(group_snapshot_id,))


def in_group(volume, group_id):
    volume.group_id = group_id
    return volume


def project_volumes():
    return [in_group(fixtures.volume('vol-1', 'db', size=2), 'group-1'),
            in_group(fixtures.volume('vol-2', 'logs', size=1), 'group-1'),
            in_group(fixtures.volume('vol-3', 'web', size=1), 'group-2'),
            fixtures.volume('vol-4', 'alone', size=1)]


def member(snapshot_id, volume_id, group_snapshot_id=GS_ID, **kwargs):
    snapshot = fixtures.snapshot(snapshot_id, name='app-nightly',
                                 volume_id=volume_id, **kwargs)
    snapshot.group_snapshot_id = group_snapshot_id
    return snapshot


def group_snapshot(status='available', name='app-nightly'):
    return group_snapshots.GroupSnapshot(None, {
        'id': GS_ID, 'name': name, 'group_id': 'group-1',
        'status': status, 'description': 'before upgrade',
        'created_at': '2026-11-25T12:00:00.000000'}, loaded=True)


def shown_messages(response):
    return [str(message) for message in response.wsgi_request._messages]


class ProtectFormTests(helpers.TestCase):

    def setUp(self):
        super().setUp()
        cache.clear()

    def mock_cloud(self, volumes=None, version='3.71'):
        volumes = project_volumes() if volumes is None else volumes
        self.mock_volume_page.return_value = (volumes, len(volumes))
        self.mock_volume_list.return_value = volumes
        self.mock_name_filter.return_value = 'name~'
        self.mock_protection_quota.return_value = fixtures.LIMITS
        self.mock_force_matters.return_value = False
        self.mock_known_api_version.return_value = \
            api_versions.APIVersion(version)
        self.mock_group_protect.return_value = {
            'group_snapshot_id': GS_ID, 'group_id': 'group-1'}
        self.mock_group_list.return_value = [
            groups.Group(None, {'id': 'group-1', 'name': 'app<db>'},
                         loaded=True),
            groups.Group(None, {'id': 'group-2', 'name': ''}, loaded=True)]

    def post(self, volumes, as_group=True):
        form = self.client.get(PROTECT_URL).context['form']
        data = {'submission': form.fields['submission'].initial,
                'volumes': volumes, 'option_snapshot_name': 'nightly',
                'option_description': 'before upgrade'}
        if as_group:
            data['consistent_group'] = 'on'
        return self.client.post(PROTECT_URL, data)

    @helpers.create_mocks({cinder: PROTECT_CALLS})
    def test_offered_where_volumes_are_in_groups_with_no_call_of_its_own(
            self):
        self.mock_cloud()
        res = self.client.get(PROTECT_URL)
        form = res.context['form']
        self.assertEqual('consistent_group', list(form.fields)[2])
        self.assertContains(res, 'As a consistent group snapshot')
        self.assertContains(res, NOT_CONSISTENT)
        self.mock_volume_page.assert_called_once()
        self.mock_volume_list.assert_not_called()
        # The picker names the groups (escaped), or by their id's start
        # where a group has no name: one listing for the page.
        self.mock_group_list.assert_called_once()
        self.assertContains(res, 'db (2 GiB, available), in volume group '
                                 'app&lt;db&gt;')
        self.assertContains(res, 'web (1 GiB, available), in volume group '
                                 'group-2')
        self.assertNotContains(res, 'app<db>')
        # The live bars learn a group's size from the server when asked.
        self.assertContains(res, 'data-members-url="%s"' % MEMBERS_URL)
        self.assertContains(res, 'value="vol-1"\n         '
                                 'id="id_volumes_vol-1" data-size="2" '
                                 'data-group="group-1"')

    @helpers.create_mocks({cinder: ['volume_list']})
    def test_a_groups_members_counted_for_the_live_bars(self):
        self.mock_volume_list.return_value = project_volumes()[:2]
        res = self.client.get(MEMBERS_URL, {'group': 'group-1'})
        self.assertEqual({'count': 2, 'gigabytes': 3}, res.json())
        self.mock_volume_list.assert_called_once_with(
            helpers.IsHttpRequest(), search_opts={'group_id': 'group-1'})
        # A volume Cinder's filter let through from another group is not
        # counted; no group asked, or Cinder down, is said so.
        self.mock_volume_list.return_value = project_volumes()
        self.assertEqual({'count': 2, 'gigabytes': 3}, self.client.get(
            MEMBERS_URL, {'group': 'group-1'}).json())
        self.assertEqual(400, self.client.get(MEMBERS_URL).status_code)
        self.mock_volume_list.side_effect = errors.ServiceUnavailable()
        self.assertEqual(503, self.client.get(
            MEMBERS_URL, {'group': 'group-1'}).status_code)

    @helpers.create_mocks({cinder: PROTECT_CALLS})
    def test_groups_named_after_a_post_with_one_listing(self):
        self.mock_cloud()
        res = self.post(['vol-1', 'vol-3'])  # a GET, then the POST
        self.assertContains(res, 'in volume group app&lt;db&gt;')
        self.assertEqual(2, self.mock_group_list.call_count)

    @helpers.create_mocks({cinder: PROTECT_CALLS})
    def test_no_group_listing_where_no_volume_is_in_a_group(self):
        self.mock_cloud([fixtures.volume('vol-4', 'alone')])
        self.client.get(PROTECT_URL)
        self.mock_group_list.assert_not_called()

    @helpers.create_mocks({cinder: PROTECT_CALLS})
    def test_groups_by_their_ids_where_cinder_cannot_list_them(self):
        self.mock_cloud()
        self.mock_group_list.side_effect = errors.ServiceUnavailable()
        res = self.client.get(PROTECT_URL)
        self.assertEqual(200, res.status_code)
        self.assertContains(res, 'db (2 GiB, available), in volume group '
                                 'group-1')

    @helpers.create_mocks({cinder: PROTECT_CALLS})
    def test_not_offered_without_a_volume_in_a_group(self):
        self.mock_cloud([fixtures.volume('vol-4', 'alone')])
        res = self.client.get(PROTECT_URL)
        self.assertNotIn('consistent_group', res.context['form'].fields)
        # Still said: several volumes are snapshotted one by one.
        self.assertContains(res, NOT_CONSISTENT)

    @helpers.create_mocks({cinder: PROTECT_CALLS})
    def test_not_offered_below_cinder_3_14(self):
        self.mock_cloud(version='3.13')
        res = self.client.get(PROTECT_URL)
        self.assertNotIn('consistent_group', res.context['form'].fields)

    @helpers.create_mocks({cinder: PROTECT_CALLS})
    def test_not_offered_where_policy_refuses_group_snapshots(self):
        self.mock_cloud()
        with self.settings(POLICY_CHECK_FUNCTION=lambda rules, *args: all(
                rule != ('volume', 'group:create_group_snapshot')
                for rule in rules)):
            res = self.client.get(PROTECT_URL)
        self.assertNotIn('consistent_group', res.context['form'].fields)

    @helpers.create_mocks({cinder: PROTECT_CALLS})
    def test_not_offered_by_a_plugin_without_groups(self):
        self.mock_cloud()
        plugin = cinder_snapshot.CinderSnapshotProtectionPlugin()
        plugin.supports_groups = False
        with mock.patch.object(plugin_choice, 'volume_plugin',
                               return_value=plugin):
            res = self.client.get(PROTECT_URL)
        self.assertNotIn('consistent_group', res.context['form'].fields)

    @helpers.create_mocks({cinder: PROTECT_CALLS})
    def test_one_group_snapshot_of_the_volumes_group(self):
        self.mock_cloud()
        res = self.post(['vol-1'])
        self.assertRedirectsNoFollow(res, INDEX_URL)
        self.mock_group_protect.assert_called_once_with(
            helpers.IsHttpRequest(), mock.ANY, 'group-1',
            {'snapshot_name': 'nightly', 'description': 'before upgrade',
             'force': False})
        self.mock_snapshot_protect.assert_not_called()
        # Every volume of the group is named: the group snapshot takes all.
        self.assertEqual(['Protecting volumes db, logs with one consistent '
                          'group snapshot of their volume group.'],
                         shown_messages(res))

    @helpers.create_mocks({cinder: PROTECT_CALLS})
    def test_in_use_volumes_need_no_force_for_a_group_snapshot(self):
        volumes = project_volumes()
        volumes[0].status = 'in-use'
        self.mock_cloud(volumes)
        self.mock_force_matters.return_value = True
        refused = self.post(['vol-1'], as_group=False)
        self.assertContains(refused, 'check Force to protect it anyway')
        res = self.post(['vol-1'])
        self.assertRedirectsNoFollow(res, INDEX_URL)
        self.mock_group_protect.assert_called_once()

    @helpers.create_mocks({cinder: PROTECT_CALLS})
    def test_a_volume_outside_any_group_is_refused(self):
        self.mock_cloud()
        res = self.post(['vol-1', 'vol-4'])
        self.assertEqual(200, res.status_code)
        self.assertContains(res, 'alone is in no volume group')
        self.mock_group_protect.assert_not_called()
        self.mock_snapshot_protect.assert_not_called()

    @helpers.create_mocks({cinder: PROTECT_CALLS})
    def test_volumes_of_two_groups_are_refused(self):
        self.mock_cloud()
        res = self.post(['vol-1', 'vol-3'])
        self.assertContains(res, 'in 2 different volume groups')
        self.mock_group_protect.assert_not_called()

    def post_with_limits(self, as_group=True, **limits):
        """db (2 GiB, in group-1 with logs, 1 GiB) posted, with the
        ``limits`` of the project."""
        self.mock_cloud()
        self.mock_protection_quota.return_value = dict(fixtures.LIMITS,
                                                      **limits)
        return self.post(['vol-1'], as_group=as_group)

    @helpers.create_mocks({cinder: PROTECT_CALLS})
    def test_the_group_counts_against_the_snapshot_quota(self):
        res = self.post_with_limits(maxTotalSnapshots=3,
                                    totalSnapshotsUsed=2)
        self.assertContains(res, 'the group snapshot takes 2, one per '
                                 'volume of the group')
        self.mock_group_protect.assert_not_called()

    @helpers.create_mocks({cinder: PROTECT_CALLS})
    def test_the_quota_bars_count_every_member_of_the_group(self):
        # The quota is full: the form is shown again, its bars counting
        # db (2 GiB) and logs (1 GiB), though only db is ticked.
        full = {'maxTotalSnapshots': 2, 'totalSnapshotsUsed': 2}
        res = self.post_with_limits(**full)
        self.assertEqual({'snapshots': 2, 'gigabytes': 3},
                         res.context['pending'])
        self.assertContains(res, 'data-pending="2"')
        self.assertContains(res, 'data-pending="3"')
        one_by_one = self.post_with_limits(as_group=False, **full)
        self.assertEqual({'snapshots': 1, 'gigabytes': 2},
                         one_by_one.context['pending'])

    @helpers.create_mocks({cinder: PROTECT_CALLS})
    def test_the_group_counts_against_the_storage_quota(self):
        # db alone (2 GiB) fits; with logs (1 GiB) the group does not.
        res = self.post_with_limits(maxTotalVolumeGigabytes=12,
                                    totalGigabytesUsed=10)
        self.assertContains(res, 'Your storage quota would be exceeded: 10 '
                                 'of 12 GiB are used, and the group snapshot '
                                 'takes 3 GiB, the size of every volume of '
                                 'the group.')
        self.mock_group_protect.assert_not_called()

    @helpers.create_mocks({cinder: PROTECT_CALLS})
    def test_cinders_refusal_is_a_message_not_a_500(self):
        self.mock_cloud()
        self.mock_group_protect.side_effect = errors.BadRequest(
            detail='Group status must be available')
        res = self.post(['vol-1'])
        self.assertEqual(200, res.status_code)
        [shown] = shown_messages(res)
        self.assertIn('Unable to protect the volume group of db, logs: ',
                      shown)
        self.assertIn('Group status must be available', shown)

    @helpers.create_mocks({cinder: PROTECT_CALLS})
    def test_several_volumes_one_by_one_are_said_not_consistent(self):
        self.mock_cloud()
        self.mock_snapshot_protect.return_value = {}
        res = self.post(['vol-1', 'vol-4'], as_group=False)
        self.assertRedirectsNoFollow(res, INDEX_URL)
        self.assertEqual(2, self.mock_snapshot_protect.call_count)
        self.mock_group_protect.assert_not_called()
        self.assertTrue(any(NOT_CONSISTENT in m
                            for m in shown_messages(res)))

    @helpers.create_mocks({cinder: PROTECT_CALLS})
    def test_one_volume_alone_says_nothing_of_consistency(self):
        self.mock_cloud()
        self.mock_snapshot_protect.return_value = {}
        res = self.post(['vol-4'], as_group=False)
        self.assertFalse(any(NOT_CONSISTENT in m
                             for m in shown_messages(res)))


class SnapshotsTabTests(helpers.TestCase):

    @helpers.create_mocks({cinder: ['snapshot_list_paged', 'volume_names',
                                    'error_reasons', 'known_api_version',
                                    'group_snapshot_list']})
    def tab(self, snapshots, name='app-nightly'):
        """The page, and each row's group snapshot cell and actions."""
        self.mock_snapshot_list_paged.return_value = (snapshots, False,
                                                      False)
        self.mock_volume_names.return_value = cinder.VolumeNames(
            {'vol-1': 'db', 'vol-2': 'logs', 'vol-4': 'alone'})
        self.mock_error_reasons.return_value = {}
        self.mock_known_api_version.return_value = \
            api_versions.APIVersion('3.71')
        self.mock_group_snapshot_list.return_value = [
            group_snapshot(name=name)]
        self.response = self.client.get(INDEX_URL)
        self.listings = self.mock_group_snapshot_list.call_count
        table = self.response.context['table']
        self.cells = {row.datum.id: row.cells['group_snapshot'].data
                      for row in table.get_rows()}
        self.actions = {snapshot.id: [a.name for a in
                                      table.get_row_actions(snapshot)]
                        for snapshot in table.data}

    def test_members_shown_as_one_group_snapshot_with_one_listing(self):
        self.tab([member('snap-2', 'vol-1'), member('snap-1', 'vol-2'),
                  fixtures.snapshot('snap-0', volume_id='vol-4')])
        self.assertEqual(1, self.listings)
        page = self.response.content.decode()
        self.assertEqual(2, page.count('href="%s"' % url('group_snapshot')))
        self.assertEqual({'snap-2': 'app-nightly', 'snap-1': 'app-nightly',
                          'snap-0': None}, self.cells)

    def test_one_listing_however_many_group_snapshots(self):
        other = 'a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d'
        self.tab([member('snap-%d' % n, 'vol-1',
                         group_snapshot_id=(GS_ID, other)[n % 2])
                  for n in range(10)])
        self.assertEqual(1, self.listings)
        # One not in the listing (made since): shown by its id.
        self.assertEqual({'app-nightly', other}, set(self.cells.values()))

    def test_members_are_not_deleted_one_by_one(self):
        self.tab([member('snap-2', 'vol-1'),
                  fixtures.snapshot('snap-0', volume_id='vol-4')])
        self.assertNotIn('delete', self.actions['snap-2'])
        self.assertIn('restore', self.actions['snap-2'])
        self.assertIn('delete', self.actions['snap-0'])
        # Restore Group on members only, by the member's own URL.
        self.assertIn('restore_group', self.actions['snap-2'])
        self.assertNotIn('restore_group', self.actions['snap-0'])
        self.assertContains(self.response, reverse(
            'horizon:project:volume_protection:restore_snapshot_group',
            args=('snap-2',)))

    def test_no_listing_without_a_member_on_the_page(self):
        self.tab([fixtures.snapshot('snap-0', volume_id='vol-4')])
        self.assertEqual(0, self.listings)
        self.assertNotContains(self.response, url('group_snapshot'))

    def test_a_name_escaped(self):
        self.tab([member('snap-2', 'vol-1')], name='<b>app</b>')
        self.assertContains(self.response, '&lt;b&gt;app&lt;/b&gt;')
        self.assertNotContains(self.response, '<b>app</b>')


class GroupSnapshotPageTests(helpers.TestCase):

    def mock_cloud(self, status='available'):
        self.mock_group_snapshot_get.return_value = group_snapshot(status)
        self.mock_resource_filters.return_value = frozenset(('name~',))
        self.mock_snapshot_list.return_value = [
            member('snap-2', 'vol-1', size=2),
            member('snap-1', 'vol-2', size=1),
            fixtures.snapshot('snap-0', volume_id='vol-4')]
        self.mock_group_list.return_value = [
            groups.Group(None, {'id': 'group-1', 'name': '<i>app</i>'},
                         loaded=True)]

    @helpers.create_mocks({cinder: ['group_snapshot_get', 'resource_filters',
                                    'snapshot_list', 'volume_names',
                                    'group_list']})
    def test_lists_its_members_and_offers_restore_and_delete(self):
        self.mock_cloud()
        self.mock_volume_names.return_value = cinder.VolumeNames(
            {'vol-1': 'db', 'vol-2': 'logs'})
        res = self.client.get(url('group_snapshot'))
        self.assertEqual(200, res.status_code)
        members = [m.id for m in res.context['members']]
        self.assertEqual(['snap-2', 'snap-1'], members)
        for snapshot_id in members:
            self.assertContains(res, reverse(
                'horizon:project:volume_protection:detail',
                args=(snapshot_id,)))
        self.assertContains(res, '<td>db</td>')
        # The group by its name, escaped (one group listing).
        self.assertContains(res, '&lt;i&gt;app&lt;/i&gt; (group-1)')
        self.mock_group_list.assert_called_once()
        self.assertContains(res, url('restore_group'))
        self.assertContains(res, 'Restore Group makes')
        self.assertContains(res, url('delete_group_snapshot'))
        # Cinder does not let users filter by group snapshot here.
        self.mock_snapshot_list.assert_called_once_with(
            helpers.IsHttpRequest(), search_opts=None)

    @helpers.create_mocks({cinder: ['group_snapshot_get', 'resource_filters',
                                    'snapshot_list', 'volume_names',
                                    'group_list']})
    def test_filtered_by_cinder_where_it_lets_the_user(self):
        self.mock_cloud()
        self.mock_resource_filters.return_value = frozenset(
            ('group_snapshot_id',))
        self.mock_volume_names.return_value = cinder.VolumeNames()
        self.client.get(url('group_snapshot'))
        self.mock_snapshot_list.assert_called_once_with(
            helpers.IsHttpRequest(), search_opts={'group_snapshot_id': GS_ID})

    @helpers.create_mocks({cinder: ['group_snapshot_get', 'resource_filters',
                                    'snapshot_list', 'volume_names',
                                    'group_list']})
    def test_no_restore_while_creating_and_none_where_policy_refuses(self):
        self.mock_cloud('creating')
        self.mock_volume_names.return_value = cinder.VolumeNames()
        res = self.client.get(url('group_snapshot'))
        self.assertNotContains(res, url('restore_group'))
        self.assertNotContains(res, url('delete_group_snapshot'))
        self.mock_cloud()
        with self.settings(POLICY_CHECK_FUNCTION=lambda rules, *args: all(
                rule[1] not in ('group:create', 'group:delete_group_snapshot')
                for rule in rules)):
            res = self.client.get(url('group_snapshot'))
        self.assertEqual(200, res.status_code)
        self.assertNotContains(res, url('restore_group'))
        self.assertNotContains(res, url('delete_group_snapshot'))

    @helpers.create_mocks({cinder: ['group_snapshot_get']})
    def test_not_found_in_the_panels_words(self):
        self.mock_group_snapshot_get.side_effect = errors.NotFound()
        res = self.client.get(url('group_snapshot'))
        self.assertRedirectsNoFollow(res, INDEX_URL)
        self.assertTrue(any('Group snapshot %s was not found' % GS_ID in m
                            for m in shown_messages(res)))


class RestoreGroupTests(helpers.TestCase):

    def mock_cloud(self, status='available', limits=None):
        self.mock_group_snapshot_get.return_value = group_snapshot(status)
        self.mock_resource_filters.return_value = None
        self.mock_snapshot_list.return_value = [
            member('snap-2', 'vol-1', size=2),
            member('snap-1', 'vol-2', size=1)]
        self.mock_absolute_limits.return_value = limits or {
            'maxTotalVolumes': 10, 'totalVolumesUsed': 2,
            'maxTotalVolumeGigabytes': 1000, 'totalGigabytesUsed': 10}
        self.mock_group_restore.return_value = {'id': 'group-2',
                                                'name': 'copy'}
        self.mock_volume_names.return_value = {'vol-1': 'app-db'}

    CALLS = ['group_snapshot_get', 'resource_filters', 'snapshot_list',
             'absolute_limits', 'group_restore', 'volume_names']

    @helpers.create_mocks({cinder: CALLS})
    def test_the_form_names_the_members_and_their_size(self):
        self.mock_cloud()
        res = self.client.get(url('restore_group'))
        self.assertEqual(200, res.status_code)
        self.assertContains(
            res, '"app-nightly": 2 new volumes, one from each member')
        self.assertContains(res, 'take 3 GiB in all')
        # Members share their group snapshot's name: each is told by its
        # volume (its id where the listing has no name for it).
        self.assertContains(res, '(of volume app-db, 2 GiB)')
        self.assertContains(res, '(of volume vol-2, 1 GiB)')

    @helpers.create_mocks({cinder: CALLS})
    def test_members_volumes_unknown_are_named_by_id(self):
        self.mock_cloud()
        self.mock_volume_names.side_effect = errors.ServiceUnavailable()
        res = self.client.get(url('restore_group'))
        self.assertContains(res, '(of volume vol-1, 2 GiB)')

    @helpers.create_mocks({cinder: CALLS})
    def test_restores_to_a_new_group(self):
        self.mock_cloud()
        res = self.client.post(url('restore_group'), {
            'name': 'copy', 'description': ''})
        self.assertRedirectsNoFollow(res, INDEX_URL)
        self.mock_group_restore.assert_called_once_with(
            helpers.IsHttpRequest(), mock.ANY, self.mock_group_snapshot_get
            .return_value, {'restore_name': 'copy',
                            'restore_description': None})
        self.assertEqual(['Restoring group snapshot "app-nightly" to new '
                          'volume group <a href="/project/volume_groups/'
                          'group-2">copy</a>: one new volume per member '
                          'snapshot, listed on the group\'s page.'],
                         shown_messages(res))

    @helpers.create_mocks({cinder: CALLS})
    def test_the_volume_quota_counts_every_member(self):
        self.mock_cloud(limits={'maxTotalVolumes': 3, 'totalVolumesUsed': 2})
        res = self.client.post(url('restore_group'), {'name': 'copy'})
        self.assertEqual(200, res.status_code)
        self.assertContains(res, 'the restore makes 2 more')
        self.mock_group_restore.assert_not_called()

    @helpers.create_mocks({cinder: CALLS})
    def test_cinders_refusal_is_a_message_not_a_500(self):
        self.mock_cloud()
        self.mock_group_restore.side_effect = errors.BadRequest(
            detail='Invalid GroupSnapshot')
        res = self.client.post(url('restore_group'), {'name': 'copy'})
        self.assertEqual(200, res.status_code)
        self.assertTrue(any('Unable to restore group snapshot' in m and
                            'Invalid GroupSnapshot' in m
                            for m in shown_messages(res)))

    @helpers.create_mocks({cinder: CALLS})
    def test_only_an_available_group_snapshot(self):
        self.mock_cloud('creating')
        res = self.client.get(url('restore_group'))
        self.assertRedirectsNoFollow(res, INDEX_URL)
        self.mock_group_restore.assert_not_called()

    @helpers.create_mocks({cinder: CALLS + ['snapshot_get']})
    def test_from_a_members_row_the_form_restores_its_group_snapshot(self):
        self.mock_cloud()
        self.mock_snapshot_get.return_value = member('snap-2', 'vol-1')
        res = self.client.get(reverse(
            'horizon:project:volume_protection:restore_snapshot_group',
            args=('snap-2',)))
        self.assertEqual(200, res.status_code)
        self.assertContains(res, 'action="%s"' % url('restore_group'))
        self.mock_group_snapshot_get.assert_called_once_with(
            helpers.IsHttpRequest(), GS_ID)

    @helpers.create_mocks({cinder: CALLS + ['snapshot_get']})
    def test_a_snapshot_of_its_own_has_no_group_to_restore(self):
        self.mock_snapshot_get.return_value = fixtures.snapshot()
        res = self.client.get(reverse(
            'horizon:project:volume_protection:restore_snapshot_group',
            args=('snap-1',)))
        self.assertRedirectsNoFollow(res, INDEX_URL)
        self.assertEqual(['Snapshot "nightly" is not part of a group '
                          'snapshot.'], shown_messages(res))
        self.mock_group_snapshot_get.assert_not_called()

    def test_refused_by_policy_on_the_server(self):
        with self.settings(POLICY_CHECK_FUNCTION=lambda *args: False):
            res = self.client.post(url('restore_group'), {'name': 'copy'})
        self.assertNotEqual(200, res.status_code)
        self.assertNotEqual(302, res.status_code)


class DeleteGroupSnapshotTests(helpers.TestCase):
    CALLS = ['group_snapshot_get', 'resource_filters', 'snapshot_list',
             'group_snapshot_delete']

    def mock_cloud(self):
        self.mock_group_snapshot_get.return_value = group_snapshot()
        self.mock_resource_filters.return_value = None
        self.mock_snapshot_list.return_value = [
            member('snap-2', 'vol-1'), member('snap-1', 'vol-2')]
        self.mock_group_snapshot_delete.return_value = True

    @helpers.create_mocks({cinder: CALLS})
    def test_the_confirmation_names_the_members(self):
        self.mock_cloud()
        res = self.client.get(url('delete_group_snapshot'))
        self.assertContains(res, 'its 2 member snapshots')
        self.assertContains(res, 'app-nightly')
        self.mock_group_snapshot_delete.assert_not_called()

    @helpers.create_mocks({cinder: CALLS})
    def test_deletes_on_confirmation(self):
        self.mock_cloud()
        res = self.client.post(url('delete_group_snapshot'), {})
        self.assertRedirectsNoFollow(res, INDEX_URL)
        self.mock_group_snapshot_delete.assert_called_once_with(
            helpers.IsHttpRequest(), mock.ANY, GS_ID)
        self.assertEqual(['Deleting group snapshot "app-nightly" and its '
                          'member snapshots.'], shown_messages(res))

    @helpers.create_mocks({cinder: CALLS})
    def test_already_gone_is_said_so(self):
        self.mock_cloud()
        self.mock_group_snapshot_delete.return_value = False
        res = self.client.post(url('delete_group_snapshot'), {})
        self.assertEqual(['Group snapshot "app-nightly" no longer exists: it '
                          'was already deleted.'], shown_messages(res))

    def test_refused_by_policy_on_the_server(self):
        with self.settings(POLICY_CHECK_FUNCTION=lambda *args: False):
            res = self.client.post(url('delete_group_snapshot'), {})
        self.assertNotIn(res.status_code, (200, 302))


class PickerLabelTests(helpers.TestCase):

    def test_a_volume_in_a_group_says_which(self):
        grouped = in_group(fixtures.volume('vol-1', 'db'),
                           'e9cad6ab-e1c2-4ec0-ab54-a8452f0f91f7')
        self.assertEqual('db (2 GiB, available), in volume group e9cad6ab',
                         str(volume_picker.volume_label(grouped)))
        self.assertEqual('web (2 GiB, available)', str(
            volume_picker.volume_label(fixtures.volume('vol-2', 'web'))))
        self.assertEqual('db (2 GiB, available), in volume group app', str(
            volume_picker.volume_label(grouped, {
                'e9cad6ab-e1c2-4ec0-ab54-a8452f0f91f7': 'app'})))
