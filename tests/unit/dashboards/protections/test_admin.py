"""Every project's backups for administrators: one listing per plugin
across projects, Force Delete and Reset Status through the row's
plugin, with the API layer mocked."""

from django.contrib.messages import get_messages
from django.urls import reverse
from openstack_dashboard.test import helpers

from tests.unit.dashboards.protections import test_tab
from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import keystone

INDEX_URL = reverse('horizon:admin:volume_protection:index')
TAB_URL = INDEX_URL + '?tab=volume_protection__admin_protections'
RESET_URL = reverse('horizon:admin:volume_protection:reset_protection_status',
                    args=(test_tab.INCREMENTAL_ID,)) + '?plugin=cinder-backup'


def listed():
    found = test_tab.backups()[::-1]
    for backup in found:
        backup.project_id = 'p-demo'
    return found


class AdminProtectionsTests(helpers.BaseAdminViewTests):

    @helpers.create_mocks({cinder: ['protection_page', 'volume_names_by_id'],
                           keystone: ['project_names']})
    def test_every_project_with_its_name(self):
        self.mock_protection_page.return_value = (listed(), False, False)
        self.mock_volume_names_by_id.return_value = {test_tab.VOL_ID: 'db'}
        self.mock_project_names.return_value = {'p-demo': 'demo'}
        res = self.client.get(TAB_URL)
        self.assertEqual(200, res.status_code)
        [call] = self.mock_protection_page.call_args_list
        self.assertEqual(('cinder-backup', True),
                         (call.args[1].name, call.kwargs['all_projects']))
        table = res.context['table']
        self.assertEqual(['demo', 'demo'], [
            table.columns['project'].get_data(row) for row in table.data])
        self.assertIn('Force Delete', res.content.decode())

    @helpers.create_mocks({cinder: ['protection_page', 'volume_names_by_id',
                                    'protection_force_delete'],
                           keystone: ['project_names']})
    def test_force_delete_through_the_rows_plugin(self):
        self.mock_protection_page.return_value = (listed(), False, False)
        self.mock_volume_names_by_id.return_value = {}
        self.mock_project_names.return_value = {}
        self.mock_protection_force_delete.return_value = True
        res = self.client.post(TAB_URL, {
            'action': 'admin_protections__force_delete__%s'
                      % test_tab.FULL_ID})
        self.assertEqual(302, res.status_code)
        [call] = self.mock_protection_force_delete.call_args_list
        self.assertEqual(('cinder-backup', test_tab.FULL_ID),
                         (call.args[1].name, call.args[2]))

    @helpers.create_mocks({cinder: ['protection_get',
                                    'protection_reset_status']})
    def test_reset_status_offers_the_plugins_statuses(self):
        backup = test_tab.backups()[1]
        backup.status = 'creating'
        self.mock_protection_get.return_value = backup
        page = self.client.get(RESET_URL)
        self.assertContains(page, 'Backup "weekly" is creating')
        form = page.context['form']
        self.assertEqual(['available', 'error'], [
            value for value, _label in form.fields['status'].choices])
        res = self.client.post(RESET_URL, {'status': 'error',
                                           'confirm': 'on'})
        self.assertRedirectsNoFollow(
            res, INDEX_URL + '?tab=volume_protection__admin_protections')
        [call] = self.mock_protection_reset_status.call_args_list
        self.assertEqual(('cinder-backup', test_tab.INCREMENTAL_ID, 'error'),
                         (call.args[1].name, call.args[2], call.args[3]))
        said = ' '.join(str(m) for m in get_messages(res.wsgi_request))
        self.assertIn('backup "weekly" is now error', said)

    @helpers.create_mocks({cinder: ['protection_get']})
    def test_the_confirmation_is_required(self):
        self.mock_protection_get.return_value = test_tab.backups()[1]
        res = self.client.post(RESET_URL, {'status': 'error'})
        self.assertEqual(200, res.status_code)
        self.assertContains(res, 'Tick the box to confirm')


class MemberRefusedTests(helpers.TestCase):

    def test_a_member_cannot_reset_a_status(self):
        res = self.client.get(RESET_URL)
        self.assertNotEqual(200, res.status_code)
