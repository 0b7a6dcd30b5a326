"""Admin > Volume > Volume Protection, with the API layer mocked."""

from unittest import mock

from django.urls import reverse
from openstack_dashboard.test import helpers

from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import errors
from volsnap_dashboard.api import keystone
from volsnap_dashboard.dashboards.admin.volume_protection import views
from tests.unit import fixtures

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

    @helpers.create_mocks({cinder: ['snapshot_list_paged', 'volume_names',
                                    'error_reasons'],
                           keystone: ['project_names']})
    def test_all_projects_with_names_and_summary(self):
        snapshots = [snapshot_of('p-demo', 'a'), snapshot_of('p-demo', 'b'),
                     snapshot_of('p-alt', 'c', status='error', size=5)]
        self.mock_snapshot_list_paged.return_value = (snapshots, False,
                                                      False)
        self.mock_volume_names.return_value = {}
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
        self.mock_volume_names.assert_called_once_with(
            mock.ANY, {'all_tenants': True})
        self.mock_project_names.assert_called_once()
        summary = res.context['summary']
        self.assertEqual([('available', {'count': 2, 'gigabytes': 4}),
                          ('error', {'count': 1, 'gigabytes': 5})],
                         summary['by_status'])
        self.assertEqual([('demo', 2), ('alt', 1)], summary['top_projects'])

    @helpers.create_mocks({cinder: ['snapshot_list_paged', 'volume_names'],
                           keystone: ['project_names']})
    def test_filter_by_project_name(self):
        self.mock_snapshot_list_paged.return_value = ([], False, False)
        self.mock_volume_names.return_value = {}
        self.mock_project_names.return_value = {'p-alt': 'alt'}
        self.client.post(INDEX_URL, {
            'admin_snapshots__filter__q_field': 'project',
            'admin_snapshots__filter__q': 'alt'})
        self.client.get(INDEX_URL)
        self.assertIn({'all_tenants': True, 'project_id': 'p-alt'},
                      [c.kwargs['search_opts'] for c in
                       self.mock_snapshot_list_paged.call_args_list])

    @helpers.create_mocks({cinder: ['snapshot_list_paged', 'volume_names'],
                           keystone: ['project_names']})
    def test_keystone_down_still_lists_with_ids(self):
        self.mock_snapshot_list_paged.return_value = (
            [snapshot_of('p-demo', 'a')], False, False)
        self.mock_volume_names.return_value = {}
        self.mock_project_names.side_effect = errors.ServiceUnavailable()
        res = self.client.get(INDEX_URL)
        self.assertEqual(200, res.status_code)
        self.assertContains(res, 'p-demo')

    @helpers.create_mocks({cinder: ['snapshot_list_paged', 'volume_names',
                                    'snapshot_force_delete', 'error_reasons'],
                           keystone: ['project_names']})
    def test_force_delete_only_for_stuck_snapshots(self):
        self.mock_error_reasons.return_value = {}
        stuck = snapshot_of('p', 'stuck', status='error_deleting')
        fine = snapshot_of('p', 'fine')
        self.mock_snapshot_list_paged.return_value = ([stuck, fine], False,
                                                      False)
        self.mock_volume_names.return_value = {}
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


class SummaryTests(helpers.TestCase):

    def test_empty(self):
        self.assertEqual({'by_status': [], 'top_projects': [], 'total': 0,
                          'gigabytes': 0}, views.summarize([]))


class NonAdminTests(helpers.TestCase):

    def test_member_is_refused_the_admin_panel(self):
        res = self.client.get(INDEX_URL)
        self.assertNotEqual(200, res.status_code)
        res = self.client.post(reset_url(), {'status': 'available',
                                             'confirm': 'on'})
        self.assertNotEqual(200, res.status_code)
