"""Admin > Volume Protection and issue 13's marks: each snapshot's
verification and group snapshot on the Snapshots tab (every project's),
the admin group snapshot page and its Delete Group Snapshot (API wrapper
mocked)."""

import datetime
import re
from unittest import mock

from django.urls import reverse
from openstack_dashboard.test import helpers

from tests.unit.dashboards.groups import test_groups
from tests.unit import fixtures
from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import errors
from volsnap_dashboard.api import keystone
from volsnap_dashboard.protection import times
from volsnap_dashboard.protection import verification

INDEX_URL = reverse('horizon:admin:volume_protection:index')
GS_ID = test_groups.GS_ID
ALL_PROJECTS = {'all_tenants': True}
TAB_CALLS = {cinder: ['snapshot_list_paged', 'volume_names_by_id',
                      'error_reasons', 'group_snapshot_list'],
             keystone: ['project_names']}
PAGE_CALLS = {cinder: ['group_snapshot_get', 'snapshot_list',
                       'volume_names_by_id', 'group_list'],
              keystone: ['project_names']}
DELETE_CALLS = {cinder: ['group_snapshot_get', 'snapshot_list',
                         'group_snapshot_delete']}


def url(name, group_snapshot_id=GS_ID):
    return reverse('horizon:admin:volume_protection:' + name,
                   args=(group_snapshot_id,))


def in_project(snapshot, project_id):
    setattr(snapshot, 'os-extended-snapshot-attributes:project_id',
            project_id)
    return snapshot


def member(snapshot_id, volume_id, project_id='p-demo', **kwargs):
    return in_project(test_groups.member(snapshot_id, volume_id, **kwargs),
                      project_id)


def verified(snapshot_id, outcome, reason=''):
    return in_project(fixtures.snapshot(snapshot_id, volume_id='vol-3',
                                        metadata={
        verification.VERIFIED_AT_KEY: '2026-11-25T13:00:00Z',
        verification.OUTCOME_KEY: outcome,
        verification.REASON_KEY: reason}), 'p-alt')


def refusing_delete(rules, *args):
    """A policy allowing everything but Delete Group Snapshot."""
    return all(rule[1] != 'group:delete_group_snapshot' for rule in rules)


def row_html(response, object_id):
    return re.search(r'<tr[^>]*data-object-id="%s".*?</tr>' % object_id,
                     response.content.decode(), re.S).group(0)


class AdminSnapshotsTabTests(helpers.BaseAdminViewTests):

    def tab(self, snapshots):
        self.mock_snapshot_list_paged.return_value = (snapshots, False,
                                                      False)
        self.mock_volume_names_by_id.return_value = {'vol-1': 'db',
                                                     'vol-2': 'logs'}
        self.mock_error_reasons.return_value = {}
        self.mock_project_names.return_value = {'p-demo': 'demo',
                                                'p-alt': 'alt'}
        self.mock_group_snapshot_list.return_value = [
            test_groups.group_snapshot(name='<b>app</b>')]
        self.response = self.client.get(INDEX_URL)
        table = self.response.context['table']
        self.actions = {snapshot.id: [a.name for a in
                                      table.get_row_actions(snapshot)]
                        for snapshot in table.data}
        return {row.datum.id: row.cells for row in table.get_rows()}

    @helpers.create_mocks(TAB_CALLS)
    def test_members_of_any_project_link_the_admin_page_one_listing(self):
        cells = self.tab([member('snap-2', 'vol-1'),
                          member('snap-1', 'vol-2'),
                          in_project(fixtures.snapshot('snap-0'), 'p-alt')])
        self.mock_group_snapshot_list.assert_called_once_with(
            helpers.IsHttpRequest(), ALL_PROJECTS)
        self.assertEqual(2, self.response.content.decode().count(
            'href="%s"' % url('group_snapshot')))
        self.assertNotContains(self.response, reverse(
            'horizon:project:volume_protection:group_snapshot',
            args=(GS_ID,)))
        self.assertEqual(['<b>app</b>', '<b>app</b>', None],
                         [cells[i]['group_snapshot'].data
                          for i in ('snap-2', 'snap-1', 'snap-0')])
        # Escaped, as every name.
        self.assertContains(self.response, '&lt;b&gt;app&lt;/b&gt;')
        self.assertNotContains(self.response, '<b>app</b>')

    @helpers.create_mocks(TAB_CALLS)
    def test_no_group_snapshot_listing_without_a_member(self):
        self.tab([in_project(fixtures.snapshot('snap-0'), 'p-alt')])
        self.mock_group_snapshot_list.assert_not_called()

    @helpers.create_mocks(TAB_CALLS)
    def test_members_offer_no_delete_nor_force_delete(self):
        self.tab([member('snap-2', 'vol-1'),
                  member('snap-1', 'vol-2', status='error_deleting'),
                  in_project(fixtures.snapshot('snap-0'), 'p-alt'),
                  in_project(fixtures.snapshot(
                      'snap-9', status='error_deleting'), 'p-alt')])
        for snapshot_id in ('snap-2', 'snap-1'):
            self.assertNotIn('delete', self.actions[snapshot_id])
            self.assertNotIn('force_delete', self.actions[snapshot_id])
            self.assertNotIn('admin_snapshots__delete__' + snapshot_id,
                             row_html(self.response, snapshot_id))
        self.assertIn('delete', self.actions['snap-0'])
        self.assertIn('force_delete', self.actions['snap-9'])

    @helpers.create_mocks(TAB_CALLS)
    def test_verification_read_from_the_listed_metadata(self):
        cells = self.tab([verified('snap-ok', verification.OK),
                          verified('snap-bad', verification.FAILED,
                                   '<i>no space</i>'),
                          in_project(fixtures.snapshot(
                              'snap-new', metadata={
                                  verification.VERIFY_KEY:
                                      verification.VERIFYING,
                                  verification.REQUESTED_AT_KEY:
                                      times.format_utc(
                                          datetime.datetime.now(
                                              datetime.timezone.utc))}),
                              'p-alt'),
                          in_project(fixtures.snapshot('snap-0'), 'p-alt')])
        self.assertIn('Verified ', str(cells['snap-ok']['verification']
                                       .data))
        self.assertIn('Verification failed ',
                      str(cells['snap-bad']['verification'].data))
        self.assertEqual('Verifying',
                         str(cells['snap-new']['verification'].data))
        self.assertIsNone(cells['snap-0']['verification'].data)
        self.assertContains(self.response, '&lt;i&gt;no space&lt;/i&gt;')
        self.assertNotContains(self.response, '<i>no space</i>')
        # No Verify of the admin's own: it asks with the tenant's trust.
        self.assertNotIn('verify', self.actions['snap-0'])
        # Nothing asked beyond the page's listings.
        self.mock_group_snapshot_list.assert_not_called()

    @helpers.create_mocks({cinder: ['snapshot_get', 'volume_get',
                                    'group_snapshot_list'],
                           keystone: ['project_names']})
    def test_a_refreshed_member_row_keeps_its_group_snapshot(self):
        self.mock_snapshot_get.return_value = member('snap-2', 'vol-1')
        self.mock_volume_get.return_value = fixtures.volume()
        self.mock_project_names.return_value = {'p-demo': 'demo'}
        self.mock_group_snapshot_list.return_value = [
            test_groups.group_snapshot()]
        res = self.client.get(
            INDEX_URL + '?action=row_update&table=admin_snapshots'
            '&obj_id=snap-2', HTTP_X_REQUESTED_WITH='XMLHttpRequest')
        self.assertEqual(200, res.status_code)
        self.assertContains(res, url('group_snapshot'))
        self.assertContains(res, 'app-nightly')
        self.mock_group_snapshot_list.assert_called_once_with(
            helpers.IsHttpRequest(), ALL_PROJECTS)


class AdminGroupSnapshotPageTests(helpers.BaseAdminViewTests):

    def mock_cloud(self):
        self.mock_group_snapshot_get.return_value = \
            test_groups.group_snapshot()
        self.mock_snapshot_list.return_value = [
            member('snap-2', 'vol-1', size=2),
            member('snap-1', 'vol-2', project_id='p-gone', size=1),
            in_project(fixtures.snapshot('snap-0', volume_id='vol-4'),
                       'p-demo')]
        self.mock_volume_names_by_id.return_value = {'vol-1': '<i>db</i>',
                                                     'vol-2': 'logs'}
        self.mock_group_list.return_value = [test_groups.groups.Group(
            None, {'id': 'group-1', 'name': 'app'}, loaded=True)]
        self.mock_project_names.return_value = {'p-demo': 'demo'}

    @helpers.create_mocks(PAGE_CALLS)
    def test_members_of_every_project_with_their_project(self):
        self.mock_cloud()
        res = self.client.get(url('group_snapshot'))
        self.assertEqual(200, res.status_code)
        self.mock_snapshot_list.assert_called_once_with(
            helpers.IsHttpRequest(),
            search_opts={'all_tenants': True, 'group_snapshot_id': GS_ID})
        self.mock_volume_names_by_id.assert_called_once_with(
            helpers.IsHttpRequest(), ['vol-1', 'vol-2'])
        # The listing's other rows are not members.
        self.assertEqual([('snap-2', 'demo'), ('snap-1', 'p-gone')],
                         [(m.id, m.project_name)
                          for m in res.context['members']])
        self.assertContains(res, '<th>Project</th>')
        self.assertContains(res, '<td>demo</td>')
        self.assertContains(res, '<td>p-gone</td>')
        self.assertContains(res, '<td>&lt;i&gt;db&lt;/i&gt;</td>')
        # The volume group of another project named, from one listing.
        self.assertContains(res, 'app (group-1)')
        self.mock_group_list.assert_called_once_with(
            helpers.IsHttpRequest(), ALL_PROJECTS)
        for snapshot_id in ('snap-2', 'snap-1'):
            self.assertContains(res, reverse(
                'horizon:admin:volume_protection:detail',
                args=(snapshot_id,)))
        self.assertContains(res, url('delete_group_snapshot'))
        self.assertContains(res, 'href="%s"' % INDEX_URL)
        # Restore Group would make the new group in the admin's project.
        self.assertNotContains(res, 'volsnap-restore-group')
        self.assertNotContains(res, 'Restore Group makes')
        for name in ('detail', 'group_snapshot'):
            self.assertNotContains(res, reverse(
                'horizon:project:volume_protection:' + name,
                args=('snap-2' if name == 'detail' else GS_ID,)))

    @helpers.create_mocks(PAGE_CALLS)
    def test_keystone_down_shows_the_projects_ids(self):
        self.mock_cloud()
        self.mock_project_names.side_effect = errors.ServiceUnavailable()
        res = self.client.get(url('group_snapshot'))
        self.assertEqual(['p-demo', 'p-gone'],
                         [m.project_name for m in res.context['members']])

    @helpers.create_mocks(PAGE_CALLS)
    def test_no_delete_where_policy_refuses_it(self):
        self.mock_cloud()
        with self.settings(POLICY_CHECK_FUNCTION=refusing_delete):
            res = self.client.get(url('group_snapshot'))
        self.assertEqual(200, res.status_code)
        self.assertNotContains(res, url('delete_group_snapshot'))

    @helpers.create_mocks({cinder: ['group_snapshot_get']})
    def test_not_found_back_to_the_admin_page(self):
        self.mock_group_snapshot_get.side_effect = errors.NotFound()
        for name in ('group_snapshot', 'delete_group_snapshot'):
            res = self.client.get(url(name))
            self.assertRedirectsNoFollow(res, INDEX_URL)
            said = ' '.join(test_groups.shown_messages(res))
            self.assertIn('Group snapshot %s was not found: it does not '
                          'exist (it may have been deleted).' % GS_ID, said)

    @helpers.create_mocks(PAGE_CALLS)
    def test_members_unavailable_is_a_message_not_a_500(self):
        self.mock_cloud()
        self.mock_snapshot_list.side_effect = errors.ServiceUnavailable()
        res = self.client.get(url('group_snapshot'))
        self.assertRedirectsNoFollow(res, INDEX_URL)


class AdminDeleteGroupSnapshotTests(helpers.BaseAdminViewTests):

    def mock_cloud(self):
        self.mock_group_snapshot_get.return_value = \
            test_groups.group_snapshot()
        self.mock_snapshot_list.return_value = [
            member('snap-2', 'vol-1'), member('snap-1', 'vol-2')]
        self.mock_group_snapshot_delete.return_value = True

    @helpers.create_mocks(DELETE_CALLS)
    def test_confirmed_deletion_goes_back_to_the_admin_page(self):
        self.mock_cloud()
        form = self.client.get(url('delete_group_snapshot'))
        self.assertContains(form, 'its 2 member snapshots')
        self.assertContains(form, url('delete_group_snapshot'))
        self.assertContains(form, url('group_snapshot'))  # Cancel
        self.mock_group_snapshot_delete.assert_not_called()
        done = self.client.post(url('delete_group_snapshot'), {})
        self.assertEqual(
            (INDEX_URL, ['Deleting group snapshot "app-nightly" and its '
                         'member snapshots.']),
            (done['Location'], test_groups.shown_messages(done)))
        self.mock_group_snapshot_delete.assert_called_once_with(
            helpers.IsHttpRequest(), mock.ANY, GS_ID)

    @helpers.create_mocks(DELETE_CALLS)
    def test_cinders_refusal_is_a_message(self):
        self.mock_cloud()
        self.mock_group_snapshot_delete.side_effect = errors.BadRequest(
            detail='Group snapshot status must be available or error')
        res = self.client.post(url('delete_group_snapshot'), {})
        self.assertNotEqual(500, res.status_code)
        self.assertTrue(any('Unable to delete group snapshot' in m
                            for m in test_groups.shown_messages(res)))

    def test_refused_by_policy_on_the_server(self):
        with self.settings(POLICY_CHECK_FUNCTION=refusing_delete):
            res = self.client.post(url('delete_group_snapshot'), {})
        self.assertNotIn(res.status_code, (200, 302))


class NonAdminGroupSnapshotTests(helpers.TestCase):

    def test_a_member_is_refused_the_admin_pages(self):
        for name in ('group_snapshot', 'delete_group_snapshot'):
            res = self.client.get(url(name))
            self.assertNotEqual(200, res.status_code, name)
        res = self.client.post(url('delete_group_snapshot'), {})
        self.assertNotIn(res.status_code, (200, 302))
