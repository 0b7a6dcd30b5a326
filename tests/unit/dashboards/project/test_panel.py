"""Project > Volumes > Volume Protection, with the API layer mocked."""

from unittest import mock

from django.test.utils import override_settings
from django.urls import reverse
from openstack_dashboard.test import helpers

from tests.unit import fixtures
from tests.unit.dashboards.snapshots import (
    test_table_actions as table_actions)
from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import errors

INDEX_URL = reverse('horizon:project:volume_protection:index')
PROTECT_URL = reverse('horizon:project:volume_protection:protect')


def restore_url(snapshot_id='snap-1'):
    return reverse('horizon:project:volume_protection:restore',
                   args=(snapshot_id,))


class IndexTests(helpers.TestCase):

    @helpers.create_mocks({cinder: ['snapshot_list_paged', 'volume_names',
                                    'error_reasons']})
    def _get_index(self, snapshots, names=None, reasons=None,
                   url=INDEX_URL):
        self.mock_snapshot_list_paged.return_value = (snapshots, False,
                                                      False)
        self.mock_volume_names.return_value = names or {}
        self.mock_error_reasons.return_value = reasons or {}
        return self.client.get(url)

    def test_lists_snapshots_with_their_volume_names(self):
        res = self._get_index([fixtures.snapshot()], {'vol-1': 'db-volume'})
        self.assertEqual(200, res.status_code)
        self.assertTemplateUsed(res, 'volume_protection/index.html')
        self.assertContains(res, 'nightly')
        self.assertContains(res, 'db-volume')
        self.assertContains(res, '2 GiB')

    def test_calls_are_constant_whatever_the_number_of_rows(self):
        res = self._get_index(fixtures.snapshots(200))
        self.assertEqual(200, res.status_code)
        self.mock_snapshot_list_paged.assert_called_once()
        self.mock_volume_names.assert_called_once()
        self.mock_error_reasons.assert_not_called()

    def test_failed_snapshot_shows_cinders_reason_with_one_call(self):
        res = self._get_index([fixtures.snapshot(status='error'),
                               fixtures.snapshot('snap-2')],
                              reasons={'snap-1': 'out of space'})
        self.assertContains(res, 'Error: out of space')
        self.mock_error_reasons.assert_called_once_with(mock.ANY, ['snap-1'])

    def test_html_in_names_is_escaped(self):
        evil = '<script>alert("x")</script>'
        res = self._get_index([fixtures.snapshot(name=evil,
                                                 description=evil)],
                              {'vol-1': evil})
        self.assertNotContains(res, evil)
        self.assertContains(res, '&lt;script&gt;alert(')

    @helpers.create_mocks({cinder: ['snapshot_list_paged', 'volume_names']})
    def test_cinder_down_gives_a_message_not_a_500(self):
        self.mock_snapshot_list_paged.side_effect = \
            errors.ServiceUnavailable()
        self.mock_volume_names.return_value = {}
        res = self.client.get(INDEX_URL)
        self.assertEqual(200, res.status_code)
        self.assertMessageCount(res, error=1)

    @helpers.create_mocks({cinder: ['snapshot_list_paged', 'volume_names',
                                    'name_filter']})
    def test_filters_by_volume_name_and_part_of_a_name(self):
        self.mock_name_filter.return_value = 'name~'
        self.mock_snapshot_list_paged.return_value = ([], False, False)
        self.mock_volume_names.return_value = {'vol-1': 'db', 'vol-2': 'web'}
        self.client.post(INDEX_URL, {
            'protected_snapshots__filter__q_field':
                'volume',
            'protected_snapshots__filter__q': 'web'})
        self.client.get(INDEX_URL)
        self.client.post(INDEX_URL, {
            'protected_snapshots__filter__q_field':
                'name',
            'protected_snapshots__filter__q': 'nig'})
        self.client.get(INDEX_URL)
        searches = [c.kwargs['search_opts']
                    for c in self.mock_snapshot_list_paged.call_args_list]
        self.assertIn({'volume_id': 'vol-2'}, searches)
        self.assertIn({'name~': 'nig'}, searches)

    @helpers.create_mocks({cinder: ['snapshot_list_paged', 'volume_names']})
    def _filter_by_volume(self, text):
        snapshots = [fixtures.snapshot('snap-1', name='db-nightly',
                                       volume_id='vol-1'),
                     fixtures.snapshot('snap-2', name='web-a-nightly',
                                       volume_id='vol-2'),
                     fixtures.snapshot('snap-3', name='web-b-nightly',
                                       volume_id='vol-3')]

        def cinder_lists(request, search_opts, **kwargs):
            wanted = search_opts.get('volume_id')
            return ([s for s in snapshots
                     if wanted in (None, s.volume_id)], False, False)

        self.mock_snapshot_list_paged.side_effect = cinder_lists
        self.mock_volume_names.return_value = {
            'vol-1': 'db', 'vol-2': 'web', 'vol-3': 'web'}
        self.client.post(INDEX_URL, {
            'protected_snapshots__filter__q_field': 'volume',
            'protected_snapshots__filter__q': text})
        res = self.client.get(INDEX_URL)
        # One snapshot listing and one volume listing, as without a filter.
        self.mock_snapshot_list_paged.assert_called_once()
        self.mock_volume_names.assert_called_once()
        return res

    def test_filter_by_a_volume_name_two_volumes_share(self):
        res = self._filter_by_volume('web')
        self.assertContains(res, 'web-a-nightly')
        self.assertContains(res, 'web-b-nightly')
        self.assertNotContains(res, 'db-nightly')

    @helpers.create_mocks({cinder: ['snapshot_list_paged', 'volume_names']})
    def test_pages_on_from_the_listed_page_where_rows_are_left_out(self):
        # The page's last row is db's, left out: the next page starts
        # after it, not again from web's (an empty page would start over).
        self.mock_snapshot_list_paged.return_value = (
            [fixtures.snapshot('snap-3', volume_id='vol-2'),
             fixtures.snapshot('snap-2', volume_id='vol-3'),
             fixtures.snapshot('snap-1', volume_id='vol-1')], True, True)
        self.mock_volume_names.return_value = {
            'vol-1': 'db', 'vol-2': 'web', 'vol-3': 'web'}
        self.client.post(INDEX_URL, {
            'protected_snapshots__filter__q_field': 'volume',
            'protected_snapshots__filter__q': 'web'})
        res = self.client.get(INDEX_URL + '?snapshot_marker=snap-9')
        self.assertContains(res, '?snapshot_marker=snap-1')
        self.assertContains(res, 'prev_snapshot_marker=snap-3')

    def test_filter_by_a_volume_name_no_volume_has(self):
        res = self._filter_by_volume('mail')
        self.assertNotContains(res, 'nightly')
        self.assertContains(res, 'No items to display')

    @helpers.create_mocks({cinder: ['snapshot_list_paged', 'volume_names',
                                    'name_filter']})
    def test_exact_name_filter_where_cinder_refuses_part_of_a_name(self):
        self.mock_name_filter.return_value = 'name'
        self.mock_snapshot_list_paged.return_value = ([], False, False)
        self.mock_volume_names.return_value = {}
        self.client.post(INDEX_URL, {
            'protected_snapshots__filter__q_field': 'name',
            'protected_snapshots__filter__q': 'nightly'})
        res = self.client.get(INDEX_URL)
        self.assertIn({'name': 'nightly'},
                      [c.kwargs['search_opts'] for c in
                       self.mock_snapshot_list_paged.call_args_list])
        self.assertContains(res, 'matches snapshot names exactly')
        self.mock_name_filter.assert_called_with(mock.ANY, 'snapshot',
                                                 admin=False)

    @helpers.create_mocks({cinder: ['snapshot_list_paged', 'volume_names']})
    def test_marker_paging(self):
        self.mock_snapshot_list_paged.return_value = (
            fixtures.snapshots(3), True, True)
        self.mock_volume_names.return_value = {}
        res = self.client.get(INDEX_URL + '?snapshot_marker=snap-0009')
        self.mock_snapshot_list_paged.assert_called_once_with(
            mock.ANY, search_opts={}, marker='snap-0009', sort_dir='desc')
        self.assertContains(res, 'snapshot_marker=snap-0002')
        self.assertContains(res, 'prev_snapshot_marker=snap-0000')


class RowUpdateTests(helpers.TestCase):
    url = INDEX_URL + ('?action=row_update&table=protected_snapshots'
                       '&obj_id=snap-1')

    def _row_update(self):
        return self.client.get(self.url,
                               HTTP_X_REQUESTED_WITH='XMLHttpRequest')

    @helpers.create_mocks({cinder: ['snapshot_get', 'volume_get']})
    def test_row_update_renders_the_row(self):
        self.mock_snapshot_get.return_value = fixtures.snapshot(
            name='<b>x</b>')
        self.mock_volume_get.return_value = fixtures.volume()
        res = self._row_update()
        self.assertEqual(200, res.status_code)
        self.assertContains(res, '&lt;b&gt;x&lt;/b&gt;')

    @helpers.create_mocks({cinder: ['snapshot_get']})
    def test_cinder_down_answers_unavailable_not_continue(self):
        self.mock_snapshot_get.side_effect = errors.ServiceUnavailable()
        self.assertEqual(503, self._row_update().status_code)

    @helpers.create_mocks({cinder: ['snapshot_get']})
    def test_deleted_snapshot_answers_not_found(self):
        self.mock_snapshot_get.side_effect = errors.NotFound()
        self.assertEqual(404, self._row_update().status_code)


class DeleteTests(helpers.TestCase):

    @helpers.create_mocks({cinder: ['snapshot_list_paged', 'volume_names',
                                    'snapshot_delete']})
    def test_each_snapshot_gets_its_own_outcome(self):
        snapshots = [fixtures.snapshot('snap-1', 'one'),
                     fixtures.snapshot('snap-2', 'two'),
                     fixtures.snapshot('snap-3', 'three')]
        self.mock_snapshot_list_paged.return_value = (snapshots, False,
                                                      False)
        self.mock_volume_names.return_value = {}

        def delete(request, plugin, snapshot_id):
            if snapshot_id == 'snap-2':
                raise errors.BadRequest(detail='Snapshot has dependents')
            return snapshot_id != 'snap-3'  # snap-3 was already gone
        self.mock_snapshot_delete.side_effect = delete
        res = self.client.post(INDEX_URL, {
            'action': 'protected_snapshots__delete',
            'object_ids': ['snap-1', 'snap-2', 'snap-3']})
        self.assertRedirectsNoFollow(res, INDEX_URL)
        self.assertEqual(3, self.mock_snapshot_delete.call_count)

    @helpers.create_mocks({cinder: ['snapshot_list_paged', 'volume_names',
                                    'snapshot_delete']})
    def test_row_deleted_by_someone_else_is_not_an_error(self):
        self.mock_snapshot_list_paged.return_value = ([], False, False)
        self.mock_volume_names.return_value = {}
        self.mock_snapshot_delete.return_value = False
        res = self.client.post(INDEX_URL, {
            'action': 'protected_snapshots__delete',
            'object_ids': ['snap-gone']})
        self.assertRedirectsNoFollow(res, INDEX_URL)
        self.mock_snapshot_delete.assert_called_once()


@override_settings(POLICY_CHECK_FUNCTION='openstack_auth.policy.check')
class ReaderPolicyTests(helpers.TestCase):
    """A reader sees the list but no buttons, and POSTs are refused."""

    def setUp(self):
        super().setUp()
        self.setActiveUser(id=self.user.id, token=self.token,
                           username=self.user.name,
                           tenant_id=self.tenant.id,
                           service_catalog=self.service_catalog,
                           authorized_tenants=self.tenants.list(),
                           roles=[{'id': '3', 'name': 'reader'}])

    @helpers.create_mocks({cinder: ['snapshot_list_paged', 'volume_names']})
    def test_no_action_buttons(self):
        self.mock_snapshot_list_paged.return_value = (
            [fixtures.snapshot()], False, False)
        self.mock_volume_names.return_value = {}
        res = self.client.get(INDEX_URL)
        self.assertEqual(200, res.status_code)
        self.assertContains(res, 'nightly')
        table = res.context['table']
        self.assertEqual([], [a.name for a in table.get_table_actions()
                              if a.name != 'filter'])
        self.assertEqual([], table.get_row_actions(fixtures.snapshot()))

    @helpers.create_mocks({cinder: ['snapshot_protect', 'volume_list']})
    def test_protect_post_is_refused(self):
        res = self.client.post(PROTECT_URL, {'volumes': ['vol-1']})
        self.assertIn(res.status_code, (302, 403))
        self.mock_snapshot_protect.assert_not_called()
        self.mock_volume_list.assert_not_called()

    @helpers.create_mocks(table_actions.DELETE_CALLS)
    def test_delete_post_is_refused(self):
        table_actions.post_delete(self)
        self.mock_snapshot_delete.assert_not_called()


POLICY_CALLS = []


def counting_policy_check(*args, **kwargs):
    from openstack_auth import policy as auth_policy

    POLICY_CALLS.append(args[0])
    return auth_policy.check(*args, **kwargs)


@override_settings(POLICY_CHECK_FUNCTION='tests.unit.dashboards.'
                   'project.test_panel.counting_policy_check')
class PolicyCostTests(helpers.TestCase):

    @helpers.create_mocks({cinder: ['snapshot_list_paged', 'volume_names']})
    def _count_policy_checks(self, rows):
        self.mock_snapshot_list_paged.return_value = (
            fixtures.snapshots(rows), False, False)
        self.mock_volume_names.return_value = {}
        POLICY_CALLS.clear()
        res = self.client.get(INDEX_URL)
        self.assertEqual(rows, len(res.context['table'].data))
        return len(POLICY_CALLS)

    def test_policy_asked_once_per_rule_not_per_row(self):
        self.assertEqual(self._count_policy_checks(3),
                         self._count_policy_checks(60))
