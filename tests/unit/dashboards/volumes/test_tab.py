"""The Volumes tab of Project > Volumes > Volume Protection, with the API
layer mocked."""

import datetime
from unittest import mock

from django.urls import reverse
from openstack_dashboard.test import helpers

from tests.unit import fixtures
from tests.unit.protection.schedule import factories
from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import errors
from volsnap_dashboard.protection import base
from volsnap_dashboard.protection import registry
from volsnap_dashboard.protection import verification
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import model

INDEX_URL = reverse('horizon:project:volume_protection:index')
VOLUMES_URL = INDEX_URL + '?tab=volume_protection__volumes'
UTC = datetime.timezone.utc


def scheduled_volume(volume_id='vol-2', name='web', **schedule_changes):
    """A volume carrying a daily schedule whose last run succeeded an
    hour ago."""
    now = datetime.datetime.now(UTC).replace(microsecond=0)
    last = now - datetime.timedelta(minutes=5)
    schedule = factories.schedule(
        volume_id=volume_id, project_id=fixtures.PROJECT_ID,
        when=model.When('%d %d * * *' % (last.minute, last.hour), 'UTC'),
        created=now - datetime.timedelta(days=2),
        state=model.ScheduleState(last_slot=last.replace(second=0),
                                  last_run=last, outcome='ok'),
        **schedule_changes)
    volume = fixtures.volume(volume_id, name)
    volume.metadata = dict(codec.encode_definition(schedule),
                           **codec.encode_state(schedule.id, schedule.state))
    volume.metadata[codec.MARKER_KEY] = codec.MARKER_VALUE
    return volume


class VolumesTabTests(fixtures.SnapshotsOnlyMixin, helpers.TestCase):

    @helpers.create_mocks({cinder: ['volume_list', 'protection_list']})
    def _get(self, volumes, snapshots, url=VOLUMES_URL):
        self.mock_volume_list.return_value = volumes
        self.mock_protection_list.return_value = snapshots
        return self.client.get(url)

    def test_each_volume_with_its_state_and_newest_snapshot(self):
        res = self._get(
            [fixtures.volume('vol-1', 'db'), scheduled_volume(),
             fixtures.volume('vol-3', 'bare')],
            [fixtures.snapshot('snap-1', 'nightly', 'vol-1'),
             fixtures.snapshot('snap-2', 'web-nightly', 'vol-2')])
        self.assertEqual(200, res.status_code)
        rows = {volume.name: volume.protection.state
                for volume in res.context['table'].data}
        self.assertEqual({'db': 'manual_only', 'web': 'protected',
                          'bare': 'unprotected'}, rows)
        self.assertContains(res, 'nightly')
        self.assertContains(res, 'Manual only')
        # Snapshots only: the columns say snapshot.
        self.assertContains(res, 'Newest Available Snapshot')
        self.assertContains(res, 'Snapshot Age')
        self.assertContains(res, 'data-state="unprotected">Unprotected (1)')
        self.assertNotContains(res, 'ajax-update warning')  # all settled
        # One listing each, whatever the number of rows.
        self.mock_volume_list.assert_called_once_with(
            mock.ANY, search_opts={}, limit=21, marker=None,
            sort='name:asc,id:asc')
        self.mock_protection_list.assert_called_once_with(
            mock.ANY, registry.volume_plugin(), None)
        # The quota warning is asked for once the tab is shown.
        self.assertContains(res, 'data-url="%s"' % reverse(
            'horizon:project:volume_protection:quota_forecast'))

    def test_the_page_itself_lists_no_volumes(self):
        with mock.patch.object(cinder, 'snapshot_list_paged',
                               return_value=([], False, False)), \
                mock.patch.object(cinder, 'volume_names', return_value={}):
            res = self._get([], [], url=INDEX_URL)
        self.assertEqual(200, res.status_code)
        self.mock_volume_list.assert_not_called()
        self.assertContains(res, 'volume_protection__volumes')

    def test_failing_schedule_shows_cinders_reason(self):
        volume = scheduled_volume()
        schedule = codec.decode(volume)[0]
        schedule.state = model.ScheduleState(
            last_slot=schedule.state.last_slot, outcome='failed',
            reason='Quota <exceeded>', failures=2)
        volume.metadata.update(codec.encode_state(schedule.id,
                                                  schedule.state))
        res = self._get([volume], [])
        # The scheduler's record, said to be one (members can write it).
        self.assertContains(res, 'Failing (2 runs in a row), as the '
                                 'scheduler recorded: Quota &lt;exceeded&gt;')
        self.assertNotContains(res, 'Quota <exceeded>')

    def test_names_are_escaped(self):
        evil = '<img src=x onerror=alert(1)>'
        res = self._get([fixtures.volume('vol-1', evil)],
                        [fixtures.snapshot('snap-1', evil, 'vol-1')])
        self.assertNotContains(res, evil)
        self.assertContains(res, '&lt;img src=x onerror=alert(1)&gt;')

    def test_protect_now_ticks_the_volume(self):
        res = self._get([fixtures.volume('vol-1', 'db')], [])
        self.assertContains(
            res, reverse('horizon:project:volume_protection:protect')
            + '?volume_id=vol-1')

    def test_add_schedule_links_the_workflow_with_the_volume(self):
        res = self._get([fixtures.volume('vol-1', 'db')], [])
        self.assertContains(
            res, reverse('horizon:project:volume_protection:create_schedule')
            + '?volume_id=vol-1')

    @helpers.create_mocks({cinder: ['volume_list', 'protection_list']})
    def _post(self, action, ticked):
        self.mock_volume_list.return_value = [
            fixtures.volume('vol-%d' % n, 'db-%d' % n) for n in range(3)]
        self.mock_protection_list.return_value = []
        return self.client.post(VOLUMES_URL, {
            'action': 'volume_protection__%s' % action,
            'object_ids': ticked})

    def test_ticked_volumes_open_the_forms_with_them_picked(self):
        for action, url in (
                ('schedule_ticked',
                 'horizon:project:volume_protection:create_schedule'),
                ('protect_ticked', 'horizon:project:volume_protection:'
                                   'protect')):
            res = self._post(action, ['vol-2', 'vol-0'])
            self.assertRedirectsNoFollow(
                res, reverse(url) + '?volume_id=vol-2&volume_id=vol-0')

    def test_more_ticked_than_a_request_line_carries_are_said_left(self):
        ticked = ['vol-%d' % n for n in range(200)]
        res = self._post('schedule_ticked', ticked)
        carried = res['Location'].split('?', 1)[1].split('&')
        self.assertEqual(['volume_id=vol-%d' % n for n in range(150)],
                         carried)
        self.assertIn('150 of the 200 ticked rows are carried to the '
                      'form: do the others in a second go.',
                      [str(m) for m in res.wsgi_request._messages])

    def test_each_users_volume_has_a_box_the_temporary_one_none(self):
        temporary = fixtures.volume('vol-t',
                                    verification.volume_name('snap-1'))
        temporary.metadata = {
            verification.VERIFICATION_KEY: verification.VERIFICATION_VALUE,
            verification.VERIFICATION_OF_KEY: 'snap-1'}
        res = self._get([fixtures.volume('vol-1', 'db'), temporary], [])
        page = res.content.decode()
        self.assertIn('value="vol-1"', page)
        self.assertNotIn('value="vol-t"', page)
        self.assertNotIn('multi_select_column hidden', page)
        for action in ('protect_ticked', 'schedule_ticked'):
            self.assertIn('id="volume_protection__action_%s"' % action, page)

    @helpers.create_mocks({cinder: ['volume_list', 'protection_list']})
    def test_cinder_down_says_unavailable_not_a_500(self):
        self.mock_volume_list.side_effect = errors.ServiceUnavailable(
            'Cinder is down')
        res = self.client.get(VOLUMES_URL)
        self.assertEqual(200, res.status_code)
        self.assertIn('unavailable', ' '.join(
            str(message) for message in res.context['messages']))


class ReaderTests(helpers.TestCase):

    @helpers.create_mocks({cinder: ['volume_list', 'protection_list']})
    def test_a_reader_sees_the_volumes_and_no_actions(self):
        self.mock_volume_list.return_value = [fixtures.volume('vol-1', 'db')]
        self.mock_protection_list.return_value = []

        def reader(rules, request, target=None):
            return all(rule.startswith('volume:get') for _s, rule in rules)
        with self.settings(POLICY_CHECK_FUNCTION=reader):
            res = self.client.get(VOLUMES_URL)
        self.assertContains(res, 'Unprotected')
        self.assertNotContains(res, 'Protect Now')


class RowUpdateTests(fixtures.SnapshotsOnlyMixin, helpers.TestCase):
    url = INDEX_URL + ('?action=row_update&table=volume_protection'
                       '&obj_id=vol-1')

    def _update(self):
        return self.client.get(self.url,
                               HTTP_X_REQUESTED_WITH='XMLHttpRequest')

    @helpers.create_mocks({cinder: ['volume_get', 'protection_list',
                                    'snapshot_list_paged', 'volume_names',
                                    'volume_list']})
    def test_a_row_refreshes_from_its_volume_and_snapshots(self):
        self.mock_volume_get.return_value = fixtures.volume('vol-1', 'db')
        self.mock_protection_list.return_value = [
            fixtures.snapshot('snap-1', 'fresh', 'vol-1', status='creating')]
        res = self._update()
        self.assertEqual(200, res.status_code)
        self.assertContains(res, 'Unprotected')
        # Still polling (Horizon polls "warning" rows): its snapshot is
        # being made.
        self.assertContains(res, 'class="ajax-update warning"')
        self.mock_protection_list.assert_called_once_with(
            mock.ANY, registry.volume_plugin(), 'vol-1')


def many_volumes(count):
    """``count`` unprotected volumes, listed out of name order."""
    return [fixtures.volume('vol-%03d' % number, 'v%03d' % number)
            for number in reversed(range(count))]


class PagingTests(fixtures.SnapshotsOnlyMixin, helpers.TestCase):
    """A page of volumes by name, whatever the project holds: one volume
    listing and one listing of protections a page."""

    @helpers.create_mocks({cinder: ['volume_list', 'protection_list']})
    def _get(self, volumes, url=VOLUMES_URL, protections=()):
        self.mock_volume_list.side_effect = fixtures.cinder_volume_pages(
            volumes)
        self.mock_protection_list.return_value = list(protections)
        res = self.client.get(url)
        self.assertEqual(200, res.status_code)
        self.calls = (self.mock_volume_list.call_count,
                      self.mock_protection_list.call_count)
        return res

    def names(self, res):
        return [volume.name for volume in res.context['table'].data]

    def follow(self, res, prev=False):
        table = res.context['table']
        query = (table.get_prev_pagination_string() if prev
                 else table.get_pagination_string())
        self.assertIn('tab=volume_protection__volumes', query)
        return INDEX_URL + '?' + query

    def test_pages_forward_and_back_sorted_by_name(self):
        volumes = many_volumes(45)
        first = self._get(volumes)
        self.assertEqual(['v%03d' % n for n in range(20)], self.names(first))
        table = first.context['table']
        self.assertTrue(table.has_more_data())
        self.assertFalse(table.has_prev_data())
        self.assertContains(first, 'volume_marker=vol-019')

        second = self._get(volumes, self.follow(first))
        self.assertEqual(['v%03d' % n for n in range(20, 40)],
                         self.names(second))
        self.assertTrue(second.context['table'].has_prev_data())
        self.assertEqual(('vol-019', 'name:asc,id:asc'), (
            self.mock_volume_list.call_args.kwargs['marker'],
            self.mock_volume_list.call_args.kwargs['sort']))

        back = self._get(volumes, self.follow(second, prev=True))
        self.assertEqual(self.names(first), self.names(back))
        self.assertEqual('name:desc,id:desc',
                         self.mock_volume_list.call_args.kwargs['sort'])
        self.assertTrue(back.context['table'].has_more_data())
        self.assertFalse(back.context['table'].has_prev_data())

        last = self._get(volumes, self.follow(second))
        self.assertEqual(['v%03d' % n for n in range(40, 45)],
                         self.names(last))
        self.assertFalse(last.context['table'].has_more_data())

    def test_cinder_calls_do_not_grow_with_the_project(self):
        self._get(many_volumes(3))
        few = self.calls
        self._get(many_volumes(300))
        self.assertEqual((1, 1), few)
        self.assertEqual(few, self.calls)

    def test_the_chosen_state_stays_across_pages_and_reloads(self):
        volumes = many_volumes(30)
        volumes[19] = scheduled_volume('vol-010', 'v010')
        url = VOLUMES_URL + '&state=unprotected'
        restore_point = [fixtures.snapshot('snap-10', 'v010-nightly',
                                           'vol-010')]
        res = self._get(volumes, url, restore_point)
        # The page's rows in that state, the buttons counting the page's.
        self.assertEqual(19, len(res.context['table'].data))
        self.assertNotIn('v010', self.names(res))
        self.assertContains(res, 'data-state="unprotected" '
                                 'aria-current="true">Unprotected (19)')
        self.assertContains(res, 'data-state="protected">Protected (1)')
        # Paging goes on from the page Cinder listed, in the same state.
        nxt = self.follow(res)
        self.assertIn('state=unprotected', nxt)
        self.assertIn('volume_marker=vol-019', nxt)
        second = self._get(volumes, nxt)
        self.assertEqual(['v%03d' % n for n in range(20, 30)],
                         self.names(second))
        self.assertIn('state=unprotected', self.follow(second, prev=True))
        # Another state's button, on the first page.
        protected = self._get(volumes, url.replace('=unprotected',
                                                   '=protected'),
                              restore_point)
        self.assertEqual(['v010'], self.names(protected))
        # A page without a row in the state still links to the others.
        empty = self._get(volumes, nxt.replace('=unprotected',
                                               '=protected'))
        self.assertEqual([], self.names(empty))
        self.assertContains(empty, 'None on this page:')
        self.assertContains(empty, '?%s">&laquo;&nbsp;Prev</a>' % (
            empty.context['table'].get_prev_pagination_string()
            .replace('&', '&amp;')))
        # A state nobody offers is no state: every row.
        self.assertEqual(20, len(self._get(
            volumes, VOLUMES_URL + '&state=bogus').context['table'].data))

    @helpers.create_mocks({cinder: ['name_filter']})
    def test_searched_by_part_of_a_name_in_cinder_state_kept(self):
        self.mock_name_filter.return_value = 'name~'
        form = {'volume_protection__filter__q_field': 'name',
                'volume_protection__filter__q': 'v01',
                'action': 'volume_protection__filter'}
        res = self.client.post(VOLUMES_URL + '&state=unprotected', form)
        # Back to the first page, in the state chosen.
        self.assertRedirectsNoFollow(
            res, VOLUMES_URL + '&state=unprotected')
        self._get(many_volumes(30), VOLUMES_URL)
        self.assertEqual({'name~': 'v01'}, self.mock_volume_list.call_args
                         .kwargs['search_opts'])
        self.mock_name_filter.assert_called_with(
            helpers.IsHttpRequest(), 'volume', admin=False)

    @helpers.create_mocks({cinder: ['name_filter']})
    def test_a_cloud_that_matches_whole_names_says_so(self):
        self.mock_name_filter.return_value = 'name'
        self.client.post(VOLUMES_URL, {
            'volume_protection__filter__q_field': 'name',
            'volume_protection__filter__q': 'v010',
            'action': 'volume_protection__filter'})
        res = self._get(many_volumes(30))
        self.assertEqual({'name': 'v010'}, self.mock_volume_list.call_args
                         .kwargs['search_opts'])
        self.assertIn('This cloud matches volume names exactly: type the '
                      'whole name.', [str(message) for message
                                      in res.context['messages']])

    @helpers.create_mocks({cinder: ['name_filter']})
    def test_a_name_longer_than_cinder_holds_is_cut_to_its_limit(self):
        self.mock_name_filter.return_value = 'name~'
        self.client.post(VOLUMES_URL, {
            'volume_protection__filter__q_field': 'name',
            'volume_protection__filter__q': 'x' * 300,
            'action': 'volume_protection__filter'})
        self._get(many_volumes(3))
        self.assertEqual({'name~': 'x' * 255}, self.mock_volume_list
                         .call_args.kwargs['search_opts'])


class TwoPluginsTests(helpers.TestCase):
    """The default provider's two plugins: one listing of protections
    each, and a volume whose backup schedule made a backup is
    protected."""

    @helpers.create_mocks({cinder: ['volume_list', 'protection_list']})
    def test_a_backed_up_volume_is_protected(self):
        volume = scheduled_volume(plugin='cinder-backup')
        schedule_id = next(iter(codec.decode(volume))).id
        backup = fixtures.snapshot('bak-1', 'weekly', 'vol-2')
        backup.metadata = {codec.SNAPSHOT_SCHEDULE_KEY: schedule_id}

        def listed(request, plugin, volume_id=None):
            return [backup] if plugin.name == 'cinder-backup' else []
        self.mock_volume_list.return_value = [volume]
        self.mock_protection_list.side_effect = listed
        res = self.client.get(VOLUMES_URL)
        [row] = res.context['table'].data
        self.assertEqual('protected', row.protection.state)
        self.assertEqual(['cinder-snapshot', 'cinder-backup'], [
            call.args[1].name
            for call in self.mock_protection_list.call_args_list])

    @helpers.create_mocks({cinder: ['volume_list', 'protection_list']})
    def test_each_kinds_newest_restore_point_has_its_age(self):
        now = datetime.datetime.now(UTC)

        def made(kind, hours_ago, status='available'):
            return base.Protection(
                '%s-%d' % (kind, hours_ago), status,
                (now - datetime.timedelta(hours=hours_ago)).isoformat(),
                {}, 2, 'vol-1')

        listed = {'cinder-snapshot': [made('snap', 3), made('snap', 30)],
                  'cinder-backup': [made('bak', 1, 'creating'),
                                    made('bak', 50)]}
        self.mock_volume_list.return_value = [fixtures.volume('vol-1', 'db')]
        self.mock_protection_list.side_effect = (
            lambda request, plugin, volume_id=None: listed[plugin.name])
        res = self.client.get(VOLUMES_URL)
        table = res.context['table']
        [row] = table.data
        self.assertEqual('snap-3', row.protection.newest_protection.id)
        # Only available ones count: the backup in the making is not one.
        self.assertEqual('snapshot taken 3\xa0hours ago<br>backed up '
                         '2\xa0days, 2\xa0hours ago',
                         str(table.columns['age'].get_data(row)))
        self.assertContains(res, 'Newest Restore Point')
        self.assertContains(res, 'Last Protected')
        self.assertNotContains(res, 'Snapshot Age')
