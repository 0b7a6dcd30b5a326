"""Admin > Volume > Volume Protection, with the API layer mocked."""

import re
from unittest import mock

from django.contrib.messages import get_messages
from django.test.utils import override_settings
from django.urls import reverse
from openstack_dashboard.test import helpers

from tests.unit import fixtures
from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import errors
from volsnap_dashboard.api import keystone
from volsnap_dashboard.dashboards.admin.volume_protection import tables
from volsnap_dashboard.dashboards.admin.volume_protection import tabs
from volsnap_dashboard.dashboards.snapshots import tables as project_tables

INDEX_URL = reverse('horizon:admin:volume_protection:index')


def reset_url(snapshot_id='snap-1'):
    return reverse('horizon:admin:volume_protection:reset_status',
                   args=(snapshot_id,))


def snapshot_of(project_id, snapshot_id, status='available', size=2):
    snapshot = fixtures.snapshot(snapshot_id, 'snap-' + snapshot_id,
                                 status=status, size=size)
    setattr(snapshot, 'os-extended-snapshot-attributes:project_id',
            project_id)
    return snapshot


class AdminIndexTests(helpers.BaseAdminViewTests):

    @helpers.create_mocks({cinder: ['snapshot_list_paged',
                                    'volume_names_by_id', 'error_reasons'],
                           keystone: ['project_names']})
    def test_all_projects_with_names_and_summary(self):
        snapshots = [snapshot_of('p-demo', 'a'), snapshot_of('p-demo', 'b'),
                     snapshot_of('p-alt', 'c', status='error', size=5)]
        self.mock_snapshot_list_paged.return_value = (snapshots, False,
                                                      False)
        self.mock_volume_names_by_id.return_value = {'vol-1': 'db'}
        self.mock_error_reasons.return_value = {}
        self.mock_project_names.return_value = {'p-demo': 'demo',
                                                'p-alt': 'alt'}
        res = self.client.get(INDEX_URL)
        self.assertEqual(200, res.status_code)
        self.assertEqual(['demo', 'demo', 'alt'],
                         [s.project_name for s in res.context['table'].data])
        self.assertContains(res, 'snap-c')
        self.mock_snapshot_list_paged.assert_called_once_with(
            mock.ANY, search_opts={'all_tenants': True}, marker=None,
            sort_dir='desc')
        # Names of the page's volumes only, not of every volume of the cloud.
        self.mock_volume_names_by_id.assert_called_once_with(
            mock.ANY, ['vol-1', 'vol-1', 'vol-1'])
        self.assertEqual(['db'] * 3, [s.source_volume_name
                                      for s in res.context['table'].data])
        self.mock_project_names.assert_called_once()
        summary = res.context['summary']
        self.assertEqual([('Available', {'count': 2, 'gigabytes': 4}),
                          ('Error', {'count': 1, 'gigabytes': 5})],
                         [(str(label), entry)
                          for label, entry in summary['by_status']])
        self.assertEqual([('demo', 2), ('alt', 1)], summary['top_projects'])
        # One page holds them all: the summary says it covers them all.
        self.assertFalse(summary['page_only'])
        self.assertContains(res, 'covers every snapshot listed')

    @helpers.create_mocks({cinder: ['snapshot_list_paged'],
                           keystone: ['project_names']})
    def test_filter_by_project_name(self):
        self.mock_snapshot_list_paged.return_value = ([], False, False)
        self.mock_project_names.return_value = {'p-alt': 'alt'}
        self.client.post(INDEX_URL, {
            'admin_snapshots__filter__q_field': 'project',
            'admin_snapshots__filter__q': 'alt'})
        self.client.get(INDEX_URL)
        self.assertIn({'all_tenants': True, 'project_id': 'p-alt'},
                      [c.kwargs['search_opts'] for c in
                       self.mock_snapshot_list_paged.call_args_list])

    @helpers.create_mocks({cinder: ['snapshot_list_paged',
                                    'volume_names_by_id'],
                           keystone: ['project_names']})
    def test_keystone_down_still_lists_with_ids(self):
        self.mock_snapshot_list_paged.return_value = (
            [snapshot_of('p-demo', 'a')], False, False)
        self.mock_volume_names_by_id.return_value = {}
        self.mock_project_names.side_effect = errors.ServiceUnavailable()
        res = self.client.get(INDEX_URL)
        self.assertEqual(200, res.status_code)
        self.assertContains(res, 'p-demo')
        self.assertContains(res, 'Project names are unavailable')

    @helpers.create_mocks({cinder: ['snapshot_list_paged',
                                    'volume_names_by_id',
                                    'snapshot_force_delete', 'error_reasons'],
                           keystone: ['project_names']})
    def test_force_delete_only_for_stuck_snapshots(self):
        self.mock_error_reasons.return_value = {}
        stuck = snapshot_of('p', 'stuck', status='error_deleting')
        fine = snapshot_of('p', 'fine')
        self.mock_snapshot_list_paged.return_value = ([stuck, fine], False,
                                                      False)
        self.mock_volume_names_by_id.return_value = {}
        self.mock_project_names.return_value = {}
        res = self.client.get(INDEX_URL)
        table = res.context['table']
        self.assertIn('force_delete',
                      [a.name for a in table.get_row_actions(stuck)])
        self.assertNotIn('force_delete',
                         [a.name for a in table.get_row_actions(fine)])
        self.client.post(INDEX_URL, {'action': 'admin_snapshots__force_delete',
                                     'object_ids': ['stuck', 'fine']})
        self.mock_snapshot_force_delete.assert_called_once_with(mock.ANY,
                                                                'stuck')

    @helpers.create_mocks({cinder: ['snapshot_get', 'snapshot_reset_status']})
    def test_reset_status_needs_confirmation(self):
        self.mock_snapshot_get.return_value = snapshot_of(
            'p', 'snap-1', status='error_deleting')
        res = self.client.post(reset_url(), {'status': 'available'})
        self.assertFormErrors(res, 1)
        self.mock_snapshot_reset_status.assert_not_called()
        res = self.client.post(reset_url(), {'status': 'available',
                                             'confirm': 'on'})
        self.assertNoFormErrors(res)
        self.mock_snapshot_reset_status.assert_called_once_with(
            mock.ANY, 'snap-1', 'available')


def buttons(content, value_pattern):
    """The class attributes of the buttons whose value matches."""
    html = content.decode()
    found = []
    for button in re.findall(r'<button[^>]*>', html):
        value = re.search(r'value="([^"]*)"', button)
        if value and re.fullmatch(value_pattern, value.group(1)):
            found.append(re.search(r'class="([^"]*)"', button).group(1))
    return found


class AdminPageTests(helpers.BaseAdminViewTests):
    """The admin list page, with its Cinder and Keystone calls mocked."""

    def setUp(self):
        super().setUp()
        for name in ('snapshot_list_paged', 'volume_names_by_id',
                     'error_reasons', 'volume_ids_named'):
            patcher = mock.patch.object(cinder, name)
            setattr(self, name, patcher.start())
            self.addCleanup(patcher.stop)
        patcher = mock.patch.object(keystone, 'project_names',
                                    return_value={'p-demo': 'demo'})
        self.project_names = patcher.start()
        self.addCleanup(patcher.stop)
        self.volume_names_by_id.return_value = {}
        self.error_reasons.return_value = {}

    def _index(self, snapshots, **extra):
        self.snapshot_list_paged.return_value = (snapshots, False, False)
        return self.client.get(INDEX_URL, **extra)

    def test_every_destructive_button_asks_for_confirmation(self):
        # Horizon asks before it submits only a button drawn btn-danger.
        res = self._index([snapshot_of('p-demo', 'stuck',
                                       status='error_deleting'),
                           snapshot_of('p-demo', 'fine')])
        for action in ('delete', 'force_delete'):
            table_button = buttons(res.content,
                                   'admin_snapshots__%s' % action)
            row_buttons = buttons(res.content,
                                  'admin_snapshots__%s__.+' % action)
            self.assertEqual(1, len(table_button), action)
            self.assertEqual(1, len(row_buttons), action)
            for classes in table_button + row_buttons:
                self.assertIn('btn-danger', classes.split(), action)

    def test_no_batch_buttons_over_an_empty_table(self):
        res = self._index([])
        self.assertEqual([], buttons(res.content, 'admin_snapshots__.*'))

    def test_filter_by_volume_name_asks_cinder_for_that_name_only(self):
        self.volume_ids_named.return_value = ['vol-web']
        self.snapshot_list_paged.return_value = ([], False, False)
        self.client.post(INDEX_URL, {
            'admin_snapshots__filter__q_field': 'volume',
            'admin_snapshots__filter__q': 'web'})
        self.client.get(INDEX_URL)
        self.volume_ids_named.assert_called_with(mock.ANY, 'web')
        self.assertIn({'all_tenants': True, 'volume_id': 'vol-web'},
                      [c.kwargs['search_opts'] for c in
                       self.snapshot_list_paged.call_args_list])

    def test_unknown_volume_name_is_taken_as_an_id(self):
        self.volume_ids_named.return_value = []
        self.snapshot_list_paged.return_value = ([], False, False)
        self.client.post(INDEX_URL, {
            'admin_snapshots__filter__q_field': 'volume',
            'admin_snapshots__filter__q': 'vol-9'})
        self.client.get(INDEX_URL)
        self.assertIn({'all_tenants': True, 'volume_id': 'vol-9'},
                      [c.kwargs['search_opts'] for c in
                       self.snapshot_list_paged.call_args_list])

    def test_same_calls_whatever_the_number_of_rows(self):
        def calls(rows):
            for api_call in (self.snapshot_list_paged,
                             self.volume_names_by_id, self.project_names):
                api_call.reset_mock()
            snapshots = fixtures.snapshots(rows)
            res = self._index(snapshots)
            self.assertEqual(rows, len(res.context['table'].data))
            return (self.snapshot_list_paged.call_count,
                    self.volume_names_by_id.call_count,
                    self.project_names.call_count)
        self.assertEqual((1, 1, 1), calls(3))
        self.assertEqual((1, 1, 1), calls(200))


class SummaryScopeTests(AdminPageTests):

    def test_display_labels_not_cinders_statuses(self):
        res = self._index([snapshot_of('p-demo', 'a',
                                       status='error_deleting')])
        summary = res.content.decode().split('id="volsnap-summary"')[1]
        summary = summary.split('</table>')[0]
        self.assertIn('<td>Error Deleting</td>', summary)
        self.assertNotIn('error_deleting', summary)

    def test_says_when_it_covers_only_the_page_shown(self):
        self.snapshot_list_paged.return_value = (
            [snapshot_of('p-demo', 'a')], True, False)
        res = self.client.get(INDEX_URL)
        self.assertTrue(res.context['summary']['page_only'])
        self.assertContains(res, 'covers only the page shown')
        self.assertContains(res, 'on this page, by status')


class AdminMessagesTests(helpers.BaseAdminViewTests):
    """Messages name snapshots by name, falling back to the id."""

    @helpers.create_mocks({cinder: ['snapshot_list_paged',
                                    'volume_names_by_id',
                                    'snapshot_force_delete', 'error_reasons'],
                           keystone: ['project_names']})
    def test_force_delete_failure_names_the_snapshot(self):
        self.mock_error_reasons.return_value = {}
        self.mock_volume_names_by_id.return_value = {}
        self.mock_project_names.return_value = {}
        self.mock_snapshot_list_paged.return_value = (
            [snapshot_of('p', 'stuck', status='error_deleting')], False,
            False)
        self.mock_snapshot_force_delete.side_effect = errors.BadRequest()
        res = self.client.post(INDEX_URL, {
            'action': 'admin_snapshots__force_delete',
            'object_ids': ['stuck']}, follow=True)
        shown = ' '.join(str(m) for m in res.context['messages'])
        self.assertIn('"snap-stuck"', shown)

    @helpers.create_mocks({cinder: ['snapshot_get', 'snapshot_reset_status']})
    def test_reset_status_names_the_snapshot_and_the_status_label(self):
        self.mock_snapshot_get.return_value = snapshot_of(
            'p', 'snap-1', status='error_deleting')
        res = self.client.post(reset_url(), {'status': 'error_deleting',
                                             'confirm': 'on'})
        shown = [str(m) for m in get_messages(res.wsgi_request)]
        self.assertIn('The status of snapshot "snap-snap-1" is now Error '
                      'Deleting.', shown)

    @helpers.create_mocks({cinder: ['snapshot_list_paged',
                                    'volume_names_by_id', 'error_reasons'],
                           keystone: ['project_names']})
    def test_force_delete_offered_for_a_snapshot_stuck_creating(self):
        # Cinder refuses a plain delete in creating; an admin's force
        # delete works there (checked on the dev cloud).
        self.mock_error_reasons.return_value = {}
        self.mock_volume_names_by_id.return_value = {}
        self.mock_project_names.return_value = {}
        creating = snapshot_of('p', 'new', status='creating')
        self.mock_snapshot_list_paged.return_value = ([creating], False,
                                                      False)
        table = self.client.get(INDEX_URL).context['table']
        offered = [a.name for a in table.get_row_actions(creating)]
        self.assertIn('force_delete', offered)
        self.assertNotIn('delete', offered)


class AdminRowUpdateTests(helpers.BaseAdminViewTests):

    @helpers.create_mocks({cinder: ['snapshot_get', 'volume_get'],
                           keystone: ['project_names']})
    def test_refreshed_row_keeps_its_project_name(self):
        self.mock_snapshot_get.return_value = snapshot_of('p-alt', 'a')
        self.mock_volume_get.return_value = fixtures.volume()
        self.mock_project_names.return_value = {'p-alt': 'alt-project'}
        res = self.client.get(
            INDEX_URL + '?action=row_update&table=admin_snapshots&obj_id=a',
            HTTP_X_REQUESTED_WITH='XMLHttpRequest')
        self.assertEqual(200, res.status_code)
        self.assertContains(res, 'alt-project')
        self.assertNotContains(res, 'p-alt')

    @helpers.create_mocks({cinder: ['snapshot_get', 'volume_get'],
                           keystone: ['project_names']})
    def test_keystone_down_row_shows_the_project_id(self):
        self.mock_snapshot_get.return_value = snapshot_of('p-alt', 'a')
        self.mock_volume_get.return_value = fixtures.volume()
        self.mock_project_names.side_effect = errors.ServiceUnavailable()
        res = self.client.get(
            INDEX_URL + '?action=row_update&table=admin_snapshots&obj_id=a',
            HTTP_X_REQUESTED_WITH='XMLHttpRequest')
        self.assertEqual(200, res.status_code)
        self.assertContains(res, 'p-alt')


class ResetStatusFormTests(helpers.BaseAdminViewTests):

    @helpers.create_mocks({cinder: ['snapshot_get', 'snapshot_reset_status']})
    def test_confirmation_is_a_visible_box_with_a_message(self):
        self.mock_snapshot_get.return_value = snapshot_of(
            'p', 'snap-1', status='error_deleting')
        page = self.client.get(reset_url()).content.decode()
        box = re.search(r'<input[^>]*name="confirm"[^>]*>', page).group(0)
        self.assertNotIn('required', box)
        before_box = page[:page.index(box)]
        # Horizon's themable checkbox hides the real box from the keyboard.
        self.assertNotIn('themable-checkbox',
                         before_box[before_box.rindex('<div'):])
        res = self.client.post(reset_url(), {'status': 'available'})
        self.assertContains(res, 'Tick the box to confirm')
        self.mock_snapshot_reset_status.assert_not_called()


class TableStructureTests(helpers.TestCase):

    def test_admin_table_inherits_the_project_tables_options(self):
        admin, project = (tables.AdminSnapshotsTable._meta,
                          project_tables.ProtectedSnapshotsTable._meta)
        for option in ('verbose_name', 'status_columns', 'pagination_param',
                       'prev_pagination_param'):
            self.assertEqual(getattr(project, option),
                             getattr(admin, option), option)
        self.assertEqual('admin_snapshots', admin.name)
        self.assertIn(project_tables.DeleteSnapshots, admin.row_actions)


POLICY_CALLS = []


def counting_policy_check(*args, **kwargs):
    from openstack_auth import policy as auth_policy

    POLICY_CALLS.append(args[0])
    return auth_policy.check(*args, **kwargs)


@override_settings(POLICY_CHECK_FUNCTION='tests.unit.dashboards.'
                   'admin.test_panel.counting_policy_check')
class AdminPolicyTests(AdminPageTests):
    """The same page with the real policy engine behind it."""

    def test_policy_asked_once_per_rule_not_per_row(self):
        def checks(rows):
            POLICY_CALLS.clear()
            statuses = ('available', 'error', 'error_deleting')
            res = self._index([snapshot_of('p-demo', 's%d' % i,
                                           status=statuses[i % 3])
                               for i in range(rows)])
            self.assertEqual(rows, len(res.context['table'].data))
            return len(POLICY_CALLS)
        self.assertEqual(checks(3), checks(90))


class SummaryTests(helpers.TestCase):

    def test_empty(self):
        self.assertEqual({'by_status': [], 'top_projects': [], 'total': 0,
                          'gigabytes': 0}, tabs.summarize([]))

    def test_unknown_status_gets_a_readable_label(self):
        snapshot = snapshot_of('p', 'a', status='some_new-state')
        [(label, _entry)] = tabs.summarize([snapshot])['by_status']
        self.assertEqual('Some New State', str(label))


class NonAdminTests(helpers.TestCase):

    def test_member_is_refused_the_admin_panel(self):
        res = self.client.get(INDEX_URL)
        self.assertNotEqual(200, res.status_code)
        res = self.client.post(reset_url(), {'status': 'available',
                                             'confirm': 'on'})
        self.assertNotEqual(200, res.status_code)
