"""The protections tab (the provider's other plugins: backups), its
actions and the restore form of a backup, with the API layer mocked."""

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.urls import reverse
from openstack_dashboard.test import helpers

from tests.unit import fixtures
from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import errors
from volsnap_dashboard.protection import base

INDEX_URL = reverse('horizon:project:volume_protection:index')
TAB_URL = INDEX_URL + '?tab=volume_protection__protections'
FULL_ID = '11111111-1111-1111-1111-111111111111'
INCREMENTAL_ID = '22222222-2222-2222-2222-222222222222'
VOL_ID = '33333333-3333-3333-3333-333333333333'
RESTORE_URL = reverse('horizon:project:volume_protection:restore',
                      args=(INCREMENTAL_ID,)) + '?plugin=cinder-backup'


def backups():
    full = base.Protection(
        FULL_ID, 'available', '2026-11-01T02:00:00.000000', {}, 2, VOL_ID,
        name='<b>full</b>', has_dependents=True)
    incremental = base.Protection(
        INCREMENTAL_ID, 'available', '2026-11-02T02:00:00.000000',
        {'volsnap_schedule': 'ab12cd34'}, 2, VOL_ID, name='weekly',
        depends_on=FULL_ID)
    return [full, incremental]


def page(*, has_more=False, has_prev=False):
    """backups() as one page of Cinder's, newest first."""
    return backups()[::-1], has_more, has_prev


class TabTests(helpers.TestCase):

    @helpers.create_mocks({cinder: ['protection_page', 'volume_names']})
    def test_one_listing_of_a_page_and_one_of_names(self):
        self.mock_protection_page.return_value = page()
        self.mock_volume_names.return_value = {VOL_ID: 'db'}
        res = self.client.get(TAB_URL)
        self.assertEqual(200, res.status_code)
        [(args, kwargs)] = self.mock_protection_page.call_args_list
        self.assertEqual(('cinder-backup', None, 'desc'),
                         (args[1].name, kwargs['marker'],
                          kwargs['sort_dir']))
        self.mock_volume_names.assert_called_once()
        table = res.context['table']
        self.assertEqual([INCREMENTAL_ID, FULL_ID],
                         [row.id for row in table.data])
        html = res.content.decode()
        self.assertIn('>Backups<', html)
        # Escaped, never marked safe.
        self.assertIn('&lt;b&gt;full&lt;/b&gt;', html)
        self.assertNotIn('<b>full</b>', html)
        # The incremental one names the full one it builds on.
        self.assertEqual('<b>full</b>', table.columns['needs'].get_data(
            table.data[0]))
        self.assertEqual(2, html.count('&lt;b&gt;full&lt;/b&gt;'))
        self.assertIn('?plugin=cinder-backup', html)

    @helpers.create_mocks({cinder: ['protection_page', 'volume_names']})
    def test_pages_go_on_from_the_ends_of_the_page_in_the_tab(self):
        self.mock_protection_page.return_value = page(has_more=True,
                                                      has_prev=True)
        self.mock_volume_names.return_value = {VOL_ID: 'db'}
        html = self.client.get(
            TAB_URL + '&protection_marker=%s' % VOL_ID).content.decode()
        self.assertIn('tab=volume_protection__protections&amp;'
                      'protection_marker=%s' % FULL_ID, html)
        self.assertIn('tab=volume_protection__protections&amp;'
                      'prev_protection_marker=%s' % INCREMENTAL_ID, html)
        self.client.get(TAB_URL + '&prev_protection_marker=%s' % FULL_ID)
        self.assertEqual(
            [(VOL_ID, 'desc'), (FULL_ID, 'asc')],
            [(call.kwargs['marker'], call.kwargs['sort_dir'])
             for call in self.mock_protection_page.call_args_list])

    @helpers.create_mocks({cinder: ['protection_page', 'volume_names']})
    def test_an_incremental_backup_whose_base_is_on_another_page(self):
        incremental = backups()[1]
        incremental.depends_on, incremental.incremental = None, True
        self.mock_protection_page.return_value = ([incremental], True, False)
        self.mock_volume_names.return_value = {VOL_ID: 'db'}
        table = self.client.get(TAB_URL).context['table']
        self.assertEqual('an earlier one', table.columns['needs'].get_data(
            table.data[0]))

    @helpers.create_mocks({cinder: ['protection_page', 'volume_names']})
    def test_an_unknown_kind_shows_the_first_other_plugin(self):
        self.mock_protection_page.return_value = page()
        self.mock_volume_names.return_value = {VOL_ID: 'db'}
        res = self.client.get(TAB_URL + '&kind=cinder-snapshot')
        self.assertEqual(200, res.status_code)
        [call] = self.mock_protection_page.call_args_list
        self.assertEqual('cinder-backup', call.args[1].name)

    @helpers.create_mocks({cinder: ['protection_page', 'volume_names']})
    def test_a_backup_others_build_on_offers_no_delete(self):
        self.mock_protection_page.return_value = page()
        self.mock_volume_names.return_value = {VOL_ID: 'db'}
        table = self.client.get(TAB_URL).context['table']
        actions = {row.id: [action.name for action in
                            table.get_row_actions(row)]
                   for row in table.data}
        self.assertEqual(['restore', 'verify', 'delete'],
                         actions[INCREMENTAL_ID])
        self.assertEqual(['restore', 'verify'], actions[FULL_ID])

    @helpers.create_mocks({cinder: ['protection_page', 'volume_names',
                                    'snapshot_delete']})
    def test_delete_goes_through_the_rows_plugin(self):
        self.mock_protection_page.return_value = page()
        self.mock_volume_names.return_value = {VOL_ID: 'db'}
        self.mock_snapshot_delete.return_value = True
        res = self.client.post(TAB_URL, {
            'action': 'protections__delete__%s' % INCREMENTAL_ID})
        self.assertEqual(302, res.status_code)
        [(args, _kwargs)] = self.mock_snapshot_delete.call_args_list
        self.assertEqual(('cinder-backup', INCREMENTAL_ID),
                         (args[1].name, args[2]))

    @helpers.create_mocks({cinder: ['protection_page', 'volume_names',
                                    'snapshot_delete']})
    def test_a_refused_delete_says_why(self):
        self.mock_protection_page.return_value = page()
        self.mock_volume_names.return_value = {VOL_ID: 'db'}
        self.mock_snapshot_delete.side_effect = errors.Conflict(
            'incremental backups depend on it')
        res = self.client.post(TAB_URL, {
            'action': 'protections__delete__%s' % INCREMENTAL_ID})
        self.assertEqual(302, res.status_code)
        said = ' '.join(str(m) for m in get_messages(res.wsgi_request))
        self.assertIn('Unable to delete backup "weekly"', said)

    @helpers.create_mocks({cinder: ['protection_page', 'volume_names']})
    def test_cinder_down_is_said_not_a_500(self):
        self.mock_protection_page.side_effect = errors.ServiceUnavailable()
        res = self.client.get(TAB_URL)
        self.assertEqual(200, res.status_code)


class RestoreBackupTests(helpers.TestCase):

    def setUp(self):
        super().setUp()
        cache.clear()

    @helpers.create_mocks({cinder: ['protection_get', 'absolute_limits',
                                    'volume_create_from_snapshot',
                                    'volume_type_names']})
    def test_restores_through_the_backup_plugin_to_a_type(self):
        self.mock_protection_get.return_value = backups()[1]
        self.mock_absolute_limits.return_value = fixtures.LIMITS
        self.mock_volume_type_names.return_value = ['fast', 'files']
        self.mock_volume_create_from_snapshot.return_value = \
            fixtures.volume('44444444-4444-4444-4444-444444444444', 'back')
        form = self.client.get(RESTORE_URL).context['form']
        self.assertContains(self.client.get(RESTORE_URL),
                            'Create a new volume from backup "weekly"')
        res = self.client.post(RESTORE_URL, {
            'submission': form.fields['submission'].initial, 'size': 2,
            'restore__restore_name': 'back', 'volume_type': 'files'})
        self.assertRedirectsNoFollow(res, INDEX_URL)
        [(args, kwargs)] = \
            self.mock_volume_create_from_snapshot.call_args_list
        self.assertEqual(('cinder-backup', INCREMENTAL_ID, 2, 'files'),
                         (args[1].name, args[2].id, kwargs['size'],
                          kwargs['volume_type']))

    @helpers.create_mocks({cinder: ['protection_get', 'absolute_limits',
                                    'volume_type_names']})
    def test_a_backup_deleted_meanwhile_is_said(self):
        self.mock_protection_get.side_effect = errors.NotFound()
        self.mock_absolute_limits.return_value = fixtures.LIMITS
        res = self.client.get(RESTORE_URL)
        self.assertRedirectsNoFollow(res, INDEX_URL)
        said = ' '.join(str(m) for m in get_messages(res.wsgi_request))
        self.assertIn('Backup %s was not found' % INCREMENTAL_ID, said)


class VerifyBackupTests(helpers.TestCase):

    @helpers.create_mocks({cinder: ['protection_page', 'volume_names',
                                    'protection_get',
                                    'protection_set_metadata']})
    def test_verify_marks_the_backup_through_its_plugin(self):
        from unittest import mock

        from volsnap_dashboard.api import keystone
        from volsnap_dashboard.protection import verification

        self.mock_protection_page.return_value = page()
        self.mock_volume_names.return_value = {VOL_ID: 'db'}
        backup = backups()[1]
        backup.project_id = self.request.user.project_id
        self.mock_protection_get.return_value = backup
        with mock.patch.object(keystone, 'scheduling_configured',
                               return_value=True), \
                mock.patch.object(keystone, 'trust_create',
                                  return_value='trust-1'), \
                mock.patch.object(keystone, 'write_with_trust',
                                  side_effect=lambda request, trust, write,
                                  written: write()):
            res = self.client.post(TAB_URL, {
                'action': 'protections__verify__%s' % INCREMENTAL_ID})
        self.assertEqual(302, res.status_code)
        [call] = self.mock_protection_set_metadata.call_args_list
        self.assertEqual('cinder-backup', call.args[1].name)
        self.assertEqual(INCREMENTAL_ID, call.args[2].id)
        self.assertEqual(verification.REQUESTED,
                         call.args[3][verification.VERIFY_KEY])
        self.assertEqual('trust-1', call.args[3][verification.TRUST_KEY])
