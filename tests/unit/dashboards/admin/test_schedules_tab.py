"""Admin > Volume > Volume Protection: the Schedules tab, its Pause and
Delete, with the API layer mocked."""

from unittest import mock

from django.urls import reverse
from openstack_auth import utils as auth_utils
from openstack_dashboard.test import helpers

from tests.unit.dashboards.schedules import test_tables as project_tests
from tests.unit.protection.schedule import factories
from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import errors
from volsnap_dashboard.api import keystone
from volsnap_dashboard.dashboards.admin.volume_protection import (
    schedule_tables)
from volsnap_dashboard.dashboards.admin.volume_protection import (
    schedule_views)
from volsnap_dashboard.dashboards.schedules import api as schedules_api
from volsnap_dashboard.dashboards.schedules import guard as schedule_guard
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import model
from volsnap_dashboard.protection import times

VOLUME_ID = factories.VOLUME_ID
SID = factories.schedule().id


def admin_volume(schedule, volume_id, name):
    """A volume as an admin lists it: with its project."""
    schedule.volume_id = volume_id
    volume = project_tests.volume_with(schedule, name=name)
    volume.id = volume_id
    setattr(volume, 'os-vol-tenant-attr:tenant_id', factories.PROJECT_ID)
    return volume


class AdminTabTests(helpers.BaseAdminViewTests):

    def tab(self):
        request = self.factory.get('/')
        request.user = auth_utils.get_user(request)
        request._messages = mock.MagicMock()
        request.session = {}
        tab = schedule_views.AdminSchedulesTab(mock.Mock(kwargs={}),
                                               request)
        return tab

    @helpers.create_mocks({cinder: ['volume_list', 'protection_list'],
                           keystone: ['project_names', 'user_names']})
    def test_every_project_in_one_listing_attention_first(self):
        ok = project_tests.healthy()
        lost = project_tests.ran(factories.schedule(),
                                 model.OUTCOME_AUTHORIZATION_LOST)
        failing = project_tests.ran(factories.schedule(),
                                    model.OUTCOME_FAILED)
        self.mock_volume_list.return_value = [
            admin_volume(ok, 'v-1', 'a'), admin_volume(lost, 'v-2', 'b'),
            admin_volume(failing, 'v-3', 'c')]
        self.mock_project_names.return_value = {factories.PROJECT_ID:
                                                'demo'}
        self.mock_user_names.return_value = {}
        with mock.patch.object(times, 'now',
                               return_value=project_tests.NOW):
            rows = self.tab().get_admin_schedules_data()
        self.assertEqual(['failing', 'authorization_lost', 'active'],
                         [row.state for row in rows])
        self.assertEqual({'demo'}, {row.project_name for row in rows})
        self.mock_volume_list.assert_called_once_with(
            helpers.IsHttpRequest(), search_opts={
                'all_tenants': True,
                'metadata': {codec.MARKER_KEY: codec.MARKER_VALUE}},
            limit=21, marker=None, sort='name:asc,id:asc')
        self.mock_protection_list.assert_not_called()

    def test_table_has_projects_state_buttons_and_only_pause_delete(self):
        row = project_tests.row_of(project_tests.healthy())
        row.project_name = '<b>demo</b>'
        request = self.factory.get('/')
        request.user = self.user
        request.session = {}
        table = schedule_tables.AdminSchedulesTable(request, data=[row])
        html = table.render()
        self.assertIn('&lt;b&gt;demo&lt;/b&gt;', html)
        self.assertEqual(['pause', 'delete_schedule'],
                         [action.name for action
                          in table.get_row_actions(row)])
        buttons = [html.index('data-state="%s"' % state) for state
                   in ('all', 'failing', 'authorization_lost', 'active')]
        self.assertEqual(sorted(buttons), buttons)
        self.assertIn(reverse('horizon:admin:volume_protection:'
                              'delete_schedule', args=(VOLUME_ID, SID)),
                      html)

    @helpers.create_mocks({schedules_api: ['admin_find',
                                           'admin_protections_of',
                                           'admin_delete']})
    def test_delete_in_another_project_lists_its_projects_snapshots(self):
        volume = admin_volume(project_tests.healthy(), VOLUME_ID, 'db')
        [decoded] = codec.decode(volume)
        self.mock_admin_find.return_value = (volume, decoded)
        self.mock_admin_protections_of.return_value = []
        self.mock_admin_delete.return_value = schedules_api.Outcome()
        url = reverse('horizon:admin:volume_protection:delete_schedule',
                      args=(VOLUME_ID, SID))
        res = self.client.post(url, {'snapshots': 'keep'})
        self.assertNoFormErrors(res)
        self.mock_admin_delete.assert_called_once_with(
            helpers.IsHttpRequest(), VOLUME_ID, SID, keep_protections=True)
        self.mock_admin_protections_of.assert_called_once_with(
            helpers.IsHttpRequest(), volume, decoded)

    @helpers.create_mocks({schedules_api: ['admin_pause']})
    def test_pause_action_calls_the_admin_pause(self):
        request = self.factory.post('/')
        request.user = self.user
        request.session = {}
        table = schedule_tables.AdminSchedulesTable(
            request, data=[project_tests.row_of(project_tests.healthy())])
        action = table.base_actions['pause']
        action.action(request, project_tests.ROW_ID)
        self.mock_admin_pause.assert_called_once_with(request, VOLUME_ID,
                                                      SID)


class AdminResumeTests(helpers.BaseAdminViewTests):
    """An administrator resumes what an administrator paused, nothing
    else; the row says who paused it."""

    def table(self, *schedules):
        request = self.factory.post('/')
        request.user = self.user
        request.session = {}
        return request, schedule_tables.AdminSchedulesTable(
            request, data=[project_tests.row_of(schedule)
                           for schedule in schedules])

    def paused(self, by_admin):
        return project_tests.healthy(paused=True, paused_by=model.Pause(
            user_id='u-pauser', at=project_tests.NOW, by_admin=by_admin))

    def test_resume_is_offered_only_for_an_administrators_pause(self):
        for by_admin, offered in ((True, ['resume', 'delete_schedule']),
                                  (False, ['delete_schedule'])):
            with self.subTest(by_admin=by_admin):
                _request, table = self.table(self.paused(by_admin))
                [row] = table.data
                self.assertEqual(offered, [action.name for action
                                           in table.get_row_actions(row)])
                html = table.render()
                self.assertIn(
                    'Paused by an administrator on' if by_admin else
                    'Paused by another member of the project (user '
                    'u-pauser) on', html)

    @helpers.create_mocks({schedules_api: ['admin_resume']})
    def test_resume_action_calls_the_admin_resume(self):
        request, table = self.table(self.paused(True))
        table.base_actions['resume'].action(request, project_tests.ROW_ID)
        self.mock_admin_resume.assert_called_once_with(request, VOLUME_ID,
                                                       SID)

    @helpers.create_mocks({cinder: ['volume_get'],
                           schedules_api: ['_save']})
    def test_the_api_refuses_to_resume_a_projects_pause(self):
        request, _table = self.table()
        for by_admin in (False, True):
            volume = admin_volume(self.paused(by_admin), VOLUME_ID, 'db')
            self.mock_volume_get.return_value = volume
            if not by_admin:
                with self.assertRaises(errors.Conflict):
                    schedules_api.admin_resume(request, VOLUME_ID, SID)
                self.mock__save.assert_not_called()
                continue
            resumed = schedules_api.admin_resume(request, VOLUME_ID, SID)
            self.assertEqual((False, None),
                             (resumed.paused, resumed.paused_by))
            self.mock__save.assert_called_once()


class KeystoneDownTests(helpers.BaseAdminViewTests):

    @helpers.create_mocks({cinder: ['volume_list', 'snapshot_list_paged',
                                    'volume_names_by_id'],
                           keystone: ['project_names', 'user_names']})
    def test_schedules_tab_says_project_names_are_unavailable(self):
        self.mock_volume_list.return_value = [
            admin_volume(project_tests.healthy(), 'v-1', 'a')]
        self.mock_snapshot_list_paged.return_value = ([], False, False)
        self.mock_volume_names_by_id.return_value = {}
        self.mock_project_names.side_effect = errors.IdentityUnavailable()
        self.mock_user_names.side_effect = errors.IdentityUnavailable()
        url = reverse('horizon:admin:volume_protection:index')
        res = self.client.get(url + '?tab=volume_protection__schedules')
        self.assertEqual(200, res.status_code)
        self.assertContains(res, 'Project names are unavailable: The '
                                 'Identity service is unavailable')
        # The row is still there, with its project's id.
        self.assertContains(res, factories.PROJECT_ID)
        self.mock_volume_list.assert_called_once()


class PagedTabTests(helpers.BaseAdminViewTests):
    """The tab lists a page of scheduled volumes, whatever their number,
    and a volume's junk keys cost what one schedule costs."""

    url = (reverse('horizon:admin:volume_protection:index') +
           '?tab=volume_protection__schedules')

    def volumes(self, count):
        return [admin_volume(project_tests.healthy(), 'v-%04d' % n,
                             'vol %d' % n) for n in range(count)]

    @helpers.create_mocks({cinder: ['volume_list'],
                           keystone: ['project_names', 'user_names']})
    def test_one_page_of_volumes_with_markers(self):
        self.mock_project_names.return_value = {}
        self.mock_user_names.return_value = {}
        size = 20  # Horizon's page size in the tests
        self.mock_volume_list.return_value = self.volumes(size + 1)
        res = self.client.get(self.url)
        self.assertEqual(200, res.status_code)
        table = res.context['table']
        self.assertEqual(size, len(table.data))
        self.assertTrue(table.has_more_data())
        self.assertFalse(table.has_prev_data())
        self.mock_volume_list.assert_called_once_with(
            helpers.IsHttpRequest(), search_opts={
                'all_tenants': True,
                'metadata': {codec.MARKER_KEY: codec.MARKER_VALUE}},
            limit=size + 1, marker=None, sort='name:asc,id:asc')
        self.assertContains(res, 'schedule_marker=v-0019')
        self.assertContains(res, 'tab=volume_protection__schedules')

        self.mock_volume_list.reset_mock()
        self.mock_volume_list.return_value = self.volumes(size + 1)[20:]
        res = self.client.get(self.url + '&schedule_marker=v-0019')
        table = res.context['table']
        self.assertEqual(1, len(table.data))
        self.assertFalse(table.has_more_data())
        self.assertTrue(table.has_prev_data())
        self.assertEqual('v-0019',
                         self.mock_volume_list.call_args.kwargs['marker'])
        self.assertContains(res, 'prev_schedule_marker=v-0020')

        self.mock_volume_list.reset_mock()
        self.mock_volume_list.return_value = list(reversed(
            self.volumes(size + 1)[:20]))
        res = self.client.get(self.url + '&prev_schedule_marker=v-0020')
        table = res.context['table']
        self.assertEqual(size, len(table.data))
        self.assertEqual('name:desc,id:desc',
                         self.mock_volume_list.call_args.kwargs['sort'])
        self.assertTrue(table.has_more_data())
        self.assertEqual(['v-%04d' % n for n in range(20)],
                         sorted(row.volume_id for row in table.data))

    @helpers.create_mocks({cinder: ['volume_list'],
                           keystone: ['project_names', 'user_names']})
    def test_owners_named_from_one_user_listing(self):
        self.mock_project_names.return_value = {}
        self.mock_user_names.return_value = {'u-alice': '<b>alice</b>'}
        volumes = []
        for n, owner in enumerate(('u-alice', 'u-alice', 'u-gone',
                                   self.user.id)):
            volumes.append(admin_volume(
                factories.replaced(project_tests.healthy(), owner_id=owner),
                'v-%d' % n, 'vol %d' % n))
        self.mock_volume_list.return_value = volumes
        res = self.client.get(self.url)
        table = res.context['table']
        self.assertEqual(
            ['<b>alice</b>', '<b>alice</b>', 'u-gone', 'you'],
            [str(table.columns['owner'].get_data(row))
             for row in sorted(table.data, key=lambda row: row.volume_id)])
        self.assertContains(res, '&lt;b&gt;alice&lt;/b&gt;')
        self.mock_user_names.assert_called_once_with(
            helpers.IsHttpRequest())

    @helpers.create_mocks({cinder: ['volume_list'],
                           keystone: ['project_names', 'user_names']})
    def test_thousands_of_junk_keys_cost_a_bounded_page(self):
        self.mock_project_names.return_value = {}
        self.mock_user_names.return_value = {}
        junk = admin_volume(project_tests.healthy(), 'v-junk', 'junk')
        junk.metadata.update({'volsnap:%08x:def:0' % n: '{"v":1}'
                              for n in range(3000)})
        self.mock_volume_list.return_value = [junk]
        with mock.patch.object(codec, 'decode',
                               wraps=codec.decode) as decode:
            res = self.client.get(self.url)
        self.assertEqual(200, res.status_code)
        rows = res.context['table'].data
        limit = schedule_guard.MAX_PER_VOLUME
        self.assertEqual(limit + 1, len(rows))
        self.assertLessEqual(decode.call_count, limit)
        hidden = 3001 - limit
        self.assertContains(res, '%d more schedules on this volume are not '
                                 'shown' % hidden)


class ProjectFilterTests(helpers.BaseAdminViewTests):
    """An administrator narrows the tab to one project, by its name
    (Keystone's listing, the one that names the rows) or its id."""

    url = (reverse('horizon:admin:volume_protection:index') +
           '?tab=volume_protection__schedules')

    def search(self, text):
        self.client.post(self.url, {
            'admin_schedules__filter__q_field': 'project',
            'admin_schedules__filter__q': text,
            'action': 'admin_schedules__filter'})

    @helpers.create_mocks({cinder: ['volume_list'],
                           keystone: ['project_names', 'user_names']})
    def _listed_for(self, text):
        self.mock_project_names.return_value = {
            factories.PROJECT_ID: 'demo', 'p-other': 'alt', 'p-twin': 'alt'}
        self.mock_user_names.return_value = {}
        self.mock_volume_list.return_value = [
            admin_volume(project_tests.healthy(), 'v-1', 'db')]
        self.search(text)
        res = self.client.get(self.url)
        self.assertEqual(200, res.status_code)
        # One Keystone listing names the project searched and the rows.
        self.mock_project_names.assert_called_once_with(
            helpers.IsHttpRequest())
        self.assertEqual(['demo'], [row.project_name
                                    for row in res.context['table'].data])
        return self.mock_volume_list.call_args.kwargs['search_opts']

    def test_by_name(self):
        self.assertEqual({'all_tenants': True,
                          'project_id': factories.PROJECT_ID,
                          'metadata': {codec.MARKER_KEY: codec.MARKER_VALUE}},
                         self._listed_for('demo'))

    def test_by_id_or_a_name_two_projects_share(self):
        self.assertEqual('p-other', self._listed_for('p-other')['project_id'])
        self.assertEqual('alt', self._listed_for('alt')['project_id'])
