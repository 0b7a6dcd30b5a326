"""The snapshot lists' status filter, row actions, empty descriptions,
messages that name snapshots, and the detail pages (API layer mocked)."""

import re
from unittest import mock

from django.contrib.messages import get_messages
from django.urls import reverse
from openstack_dashboard.test import helpers

from tests.unit import fixtures
from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import errors
from volsnap_dashboard.api import keystone
from volsnap_dashboard.dashboards.common import statuses
from volsnap_dashboard.dashboards.snapshots import tables

INDEX_URL = reverse('horizon:project:volume_protection:index')
ADMIN_INDEX_URL = reverse('horizon:admin:volume_protection:index')
FILTER = 'protected_snapshots__filter__q'


def detail_url(snapshot_id='snap-1', admin=False):
    return reverse('horizon:%s:volume_protection:detail'
                   % ('admin' if admin else 'project'), args=(snapshot_id,))


def volume_from(volume_id, name, snapshot_id='snap-1', project='1'):
    volume = fixtures.volume(volume_id, name)
    volume.snapshot_id = snapshot_id
    setattr(volume, 'os-vol-tenant-attr:tenant_id', project)
    return volume


class ListTestCase(helpers.TestCase):

    def setUp(self):
        super().setUp()
        for name in ('snapshot_list_paged', 'volume_names',
                     'error_reasons', 'name_filter'):
            patcher = mock.patch.object(cinder, name)
            setattr(self, name, patcher.start())
            self.addCleanup(patcher.stop)
        self.snapshot_list_paged.return_value = ([], False, False)
        self.volume_names.return_value = {}
        self.error_reasons.return_value = {}

    def searches(self):
        return [c.kwargs['search_opts']
                for c in self.snapshot_list_paged.call_args_list]

    def filter_by(self, field, text):
        self.client.post(INDEX_URL, {FILTER + '_field': field,
                                     FILTER: text})
        return self.client.get(INDEX_URL)


class StatusFilterTests(ListTestCase):

    def test_statuses_are_offered_as_a_list_of_display_labels(self):
        page = self.client.get(INDEX_URL).content.decode()
        select = re.search(r'<select[^>]*volsnap-filter-status[^>]*>(.*?)'
                           r'</select>', page, re.S)
        self.assertIsNotNone(select, 'no status list')
        options = re.findall(r'<option value="([^"]+)"[^>]*>\s*(.*?)\s*<',
                             select.group(1))
        self.assertIn(('error_deleting', 'Error Deleting'), options)
        self.assertIn(('available', 'Available'), options)
        # Another field is chosen: the list is off, the text box on.
        self.assertIn('disabled', select.group(0))

    def test_the_chosen_status_is_what_cinder_is_asked_for(self):
        page = self.filter_by('status', 'error_deleting')
        self.assertIn({'status': 'error_deleting'}, self.searches())
        html = page.content.decode()
        self.assertRegex(html, r'<option value="error_deleting"\s+'
                               r'selected="selected">')
        select = re.search(r'<select[^>]*volsnap-filter-status[^>]*>',
                           html).group(0)
        self.assertNotIn('disabled', select)

    def test_a_status_typed_as_shown_is_understood(self):
        self.filter_by('status', 'error deleting')
        self.assertIn({'status': 'error_deleting'}, self.searches())
        self.filter_by('status', 'Backing Up')
        self.assertIn({'status': 'backing-up'}, self.searches())

    def test_an_unknown_status_says_so(self):
        page = self.filter_by('status', 'broken')
        self.assertContains(page, 'No snapshot status is called')
        self.assertIn({'status': 'broken'}, self.searches())


class AdminStatusFilterTests(helpers.BaseAdminViewTests):

    @helpers.create_mocks({cinder: ['snapshot_list_paged',
                                    'volume_names_by_id'],
                           keystone: ['project_names']})
    def test_the_admin_list_offers_the_same_list(self):
        self.mock_snapshot_list_paged.return_value = ([], False, False)
        self.mock_project_names.return_value = {}
        self.client.post(ADMIN_INDEX_URL, {
            'admin_snapshots__filter__q_field': 'status',
            'admin_snapshots__filter__q': 'Error Deleting'})
        page = self.client.get(ADMIN_INDEX_URL)
        self.assertContains(page, 'volsnap-filter-status')
        self.assertIn({'all_tenants': True, 'status': 'error_deleting'},
                      [c.kwargs['search_opts'] for c in
                       self.mock_snapshot_list_paged.call_args_list])


class RowTests(ListTestCase):

    def row_actions(self, status):
        snapshot = fixtures.snapshot(status=status)
        self.snapshot_list_paged.return_value = ([snapshot], False, False)
        table = self.client.get(INDEX_URL).context['table']
        return [action.name for action in table.get_row_actions(snapshot)]

    def test_a_snapshot_being_created_offers_what_cinder_accepts(self):
        # On the dev cloud Cinder renames a creating snapshot and changes
        # its metadata, and refuses to delete or restore it.
        offered = self.row_actions('creating')
        self.assertIn('edit', offered)
        self.assertIn('update_metadata', offered)
        self.assertNotIn('delete', offered)
        self.assertNotIn('restore', offered)

    def test_nothing_to_edit_while_deleting(self):
        self.assertEqual([], self.row_actions('deleting'))

    def test_an_empty_description_shows_a_dash(self):
        self.snapshot_list_paged.return_value = (
            [fixtures.snapshot('snap-1', description=''),
             fixtures.snapshot('snap-2', description=None)], False, False)
        table = self.client.get(INDEX_URL).context['table']
        self.assertEqual(['-', '-'], [str(row.cells['description'].value)
                                      for row in table.get_rows()])

    @mock.patch.object(cinder, 'snapshot_delete')
    def test_delete_messages_name_the_snapshot(self, snapshot_delete):
        self.snapshot_list_paged.return_value = (
            [fixtures.snapshot('snap-1', 'nightly')], False, False)
        snapshot_delete.side_effect = errors.BadRequest()
        res = self.client.post(INDEX_URL, {
            'action': 'protected_snapshots__delete',
            'object_ids': ['snap-1']})
        shown = ' '.join(str(m) for m in get_messages(res.wsgi_request))
        self.assertIn('Unable to delete snapshot "nightly"', shown)

    @mock.patch.object(cinder, 'snapshot_delete')
    def test_a_row_gone_meanwhile_is_named_by_its_id(self, snapshot_delete):
        snapshot_delete.return_value = False
        res = self.client.post(INDEX_URL, {
            'action': 'protected_snapshots__delete',
            'object_ids': ['snap-gone']})
        shown = [str(m) for m in get_messages(res.wsgi_request)]
        # That alone: nothing was deleted by this request.
        self.assertEqual(['Snapshot "snap-gone" no longer exists: it was '
                          'already deleted.'], shown)

    @mock.patch.object(cinder, 'snapshot_delete')
    def test_one_row_gone_and_one_deleted_each_said_once(self,
                                                         snapshot_delete):
        self.snapshot_list_paged.return_value = (
            [fixtures.snapshot('snap-1', 'nightly')], False, False)
        snapshot_delete.side_effect = lambda request, plugin, snapshot_id: \
            snapshot_id == 'snap-1'
        res = self.client.post(INDEX_URL, {
            'action': 'protected_snapshots__delete',
            'object_ids': ['snap-1', 'snap-gone']})
        shown = [str(m) for m in get_messages(res.wsgi_request)]
        self.assertEqual(['Snapshot "snap-gone" no longer exists: it was '
                          'already deleted.',
                          'Scheduled deletion of Snapshot: nightly'], shown)


class DetailTests(helpers.TestCase):

    @helpers.create_mocks({cinder: ['snapshot_get', 'volume_get',
                                    'volumes_restored_from',
                                    'error_reasons']})
    def test_volumes_made_by_any_means_in_one_listing(self):
        self.mock_snapshot_get.return_value = fixtures.snapshot(
            description=None, status='error_deleting')
        self.mock_error_reasons.return_value = {}  # Cinder gave none
        self.mock_volume_get.return_value = fixtures.volume()
        self.mock_volumes_restored_from.return_value = [
            volume_from('v-horizon', 'made-by-horizon')]
        res = self.client.get(detail_url())
        self.assertEqual(200, res.status_code)
        self.mock_volumes_restored_from.assert_called_once_with(
            helpers.IsHttpRequest(), mock.ANY, 'snap-1', all_projects=False,
            created_at='2026-11-25T12:00:00.000000')
        self.assertContains(res, 'made-by-horizon')
        html = res.content.decode()
        self.assertRegex(html, r'<dt>Description</dt>\s*<dd>-</dd>')
        self.assertRegex(html, r'<dt>Status</dt>\s*<dd>Error Deleting</dd>')
        self.assertNotContains(res, '<dt>Project</dt>')

    @helpers.create_mocks({cinder: ['snapshot_get']})
    def test_a_snapshot_not_found_is_not_said_to_be_deleted(self):
        self.mock_snapshot_get.side_effect = errors.NotFound()
        res = self.client.get(detail_url())
        self.assertRedirectsNoFollow(res, INDEX_URL)
        [shown] = [str(m) for m in get_messages(res.wsgi_request)]
        self.assertIn('not in your project', shown)
        self.assertNotIn('someone else', shown)


class AdminDetailTests(helpers.BaseAdminViewTests):

    @helpers.create_mocks({cinder: ['snapshot_get', 'volume_get',
                                    'volumes_restored_from'],
                           keystone: ['project_names']})
    def test_the_project_and_every_projects_volumes(self):
        snapshot = fixtures.snapshot()
        setattr(snapshot, 'os-extended-snapshot-attributes:project_id',
                'p-demo')
        self.mock_snapshot_get.return_value = snapshot
        self.mock_volume_get.return_value = fixtures.volume()
        self.mock_volumes_restored_from.return_value = [
            volume_from('v-1', 'copy-in-alt', project='p-alt'),
            volume_from('v-2', 'copy-in-demo', project='p-demo')]
        self.mock_project_names.return_value = {'p-demo': 'demo',
                                                'p-alt': 'alt'}
        res = self.client.get(detail_url(admin=True))
        self.assertEqual(200, res.status_code)
        self.mock_volumes_restored_from.assert_called_once_with(
            helpers.IsHttpRequest(), mock.ANY, 'snap-1', all_projects=True,
            created_at='2026-11-25T12:00:00.000000')
        html = res.content.decode()
        self.assertRegex(html, r'<dt>Project</dt>\s*<dd[^>]*>demo</dd>')
        self.assertIn('project alt', html)
        self.assertIn('project demo', html)

    @helpers.create_mocks({cinder: ['snapshot_get']})
    def test_not_found_for_an_admin_means_it_does_not_exist(self):
        self.mock_snapshot_get.side_effect = errors.NotFound()
        res = self.client.get(detail_url(admin=True))
        self.assertRedirectsNoFollow(res, ADMIN_INDEX_URL)
        [shown] = [str(m) for m in get_messages(res.wsgi_request)]
        self.assertIn('does not exist', shown)
        self.assertNotIn('your project', shown)


class StatusWordsTests(helpers.TestCase):

    def test_every_polled_status_has_a_label(self):
        shown = dict(statuses.SNAPSHOT_STATUS_DISPLAY)
        for status, _done in statuses.SNAPSHOT_STATUS_CHOICES:
            self.assertIn(status, shown)


class KeepTests(ListTestCase):
    """Keep and Stop Keeping, on the snapshots a schedule made."""

    def setUp(self):
        super().setUp()
        made = {'volsnap_schedule': '0a1b2c3d'}
        self.snapshot_list_paged.return_value = ([
            fixtures.snapshot('snap-1', 'nightly-1', metadata=dict(made)),
            fixtures.snapshot('snap-2', 'golden-before-upgrade', metadata=dict(
                made, volsnap_kept='1')),
            fixtures.snapshot('snap-3', 'by-hand')], False, False)
        patcher = mock.patch.object(cinder, 'volume_list', return_value=[])
        patcher.start()
        self.addCleanup(patcher.stop)

    def test_each_row_offers_what_applies_and_says_what_is_kept(self):
        page = self.client.get(INDEX_URL).content.decode()
        for action, row, offered in (('keep', 'snap-1', True),
                                     ('keep', 'snap-2', False),
                                     ('keep', 'snap-3', False),
                                     ('stop_keeping', 'snap-1', False),
                                     ('stop_keeping', 'snap-2', True)):
            with self.subTest(action=action, row=row):
                self.assertEqual(offered, 'protected_snapshots__%s__%s' % (
                    action, row) in page)
        self.assertEqual(1, page.count('(kept: its retention leaves it)'))

    @mock.patch.object(cinder, 'snapshot_set_metadata')
    def test_keep_marks_the_snapshot(self, set_metadata):
        res = self.client.post(INDEX_URL, {
            'action': 'protected_snapshots__keep__snap-1'})
        self.assertEqual(302, res.status_code)
        set_metadata.assert_called_once_with(
            helpers.IsHttpRequest(), 'snap-1', {'volsnap_kept': '1'})
        self.assertEqual(["Kept, out of retention's reach: nightly-1"],
                         [str(m) for m in get_messages(res.wsgi_request)])

    @mock.patch.object(cinder, 'snapshot_delete_metadata')
    def test_stop_keeping_gives_it_back_to_retention(self, delete_metadata):
        res = self.client.post(INDEX_URL, {
            'action': 'protected_snapshots__stop_keeping__snap-2'})
        self.assertEqual(302, res.status_code)
        delete_metadata.assert_called_once_with(
            helpers.IsHttpRequest(), 'snap-2', ['volsnap_kept'])


class CreatedColumnTests(helpers.TestCase):
    """The Snapshots tab's Created reads as every other time of the
    panels: the user's zone, UTC on hover."""

    def column(self, zone=None):
        request = self.factory.get('/')
        request.user = self.user
        request.session = {}
        if zone:
            request.COOKIES['django_timezone'] = zone
        table = tables.ProtectedSnapshotsTable(request, data=[])
        return table.columns['created']

    def test_in_the_users_zone_with_utc_on_hover(self):
        snapshot = fixtures.snapshot()  # made 2026-11-25 12:00 UTC
        self.assertEqual(
            '<span title="2026-11-25 12:00 UTC">Nov. 25, 2026 21:00 JST'
            '</span>',
            self.column('Asia/Tokyo').get_data(snapshot))
        self.assertEqual(
            '<span title="2026-11-25 12:00 UTC">Nov. 25, 2026 12:00 UTC'
            '</span>',
            self.column().get_data(snapshot))

    def test_a_time_cinder_did_not_give_is_shown_as_given(self):
        snapshot = fixtures.snapshot()
        snapshot.created_at = '<soon>'
        self.assertEqual('<soon>', self.column().get_data(snapshot))
