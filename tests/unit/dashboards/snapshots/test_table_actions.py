"""The project table's actions: what each offers, and what it says."""

from unittest import mock

from django.urls import reverse
from horizon.tables import DataTable
from openstack_dashboard.test import helpers

from tests.unit import fixtures
from tests.unit import helpers as unit_helpers
from volsnap_dashboard.api import cinder
from volsnap_dashboard.dashboards.admin.volume_protection import (
    tables as admin_tables)
from volsnap_dashboard.dashboards.common import plugin_choice
from volsnap_dashboard.dashboards.snapshots import tables

INDEX_URL = reverse('horizon:project:volume_protection:index')
# The index page's calls when a Delete is posted on it.
DELETE_CALLS = {cinder: ['snapshot_list_paged', 'volume_names',
                         'snapshot_delete']}


def post_delete(test, snapshot_id='snap-1', **kwargs):
    """Post Delete of ``snapshot_id`` on the index page, listed alone
    (``test``: with DELETE_CALLS mocked)."""
    test.mock_snapshot_list_paged.return_value = (
        [fixtures.snapshot(snapshot_id)], False, False)
    test.mock_volume_names.return_value = {}
    return test.client.post(INDEX_URL, {
        'action': 'protected_snapshots__delete',
        'object_ids': [snapshot_id]}, **kwargs)


class DeleteOfferTests(helpers.TestCase):

    @helpers.create_mocks({cinder: ['snapshot_list_paged', 'volume_names',
                                    'error_reasons']})
    def _row_actions(self, status):
        snapshot = fixtures.snapshot(status=status)
        self.mock_snapshot_list_paged.return_value = ([snapshot], False,
                                                      False)
        self.mock_volume_names.return_value = {}
        self.mock_error_reasons.return_value = {}
        table = self.client.get(INDEX_URL).context['table']
        return [action.name for action in table.get_row_actions(snapshot)]

    def test_delete_only_where_cinder_deletes(self):
        # Cinder refuses a plain delete of a snapshot in error_deleting:
        # only an admin's force delete removes it.
        self.assertIn('delete', self._row_actions('available'))
        self.assertIn('delete', self._row_actions('error'))
        self.assertNotIn('delete', self._row_actions('error_deleting'))
        self.assertNotIn('delete', self._row_actions('creating'))


class NoProviderTests(helpers.TestCase):

    @helpers.create_mocks(DELETE_CALLS)
    def test_delete_says_no_provider_is_enabled(self):
        with mock.patch.object(plugin_choice, 'volume_plugin',
                               return_value=None):
            res = post_delete(self, follow=True)
        self.mock_snapshot_delete.assert_not_called()
        self.assertEqual(200, res.status_code)
        shown = [str(message) for message in res.context['messages']]
        self.assertEqual([str(plugin_choice.NO_PROVIDER)], shown)


class OwnActionsTests(unit_helpers.TestCase):
    """Horizon shares each action between all tables of a class; a row
    update served meanwhile (a table with no data) must not hide the
    page's batch buttons."""

    def test_another_table_does_not_change_this_tables_buttons(self):
        page = tables.ProtectedSnapshotsTable(self.user_request(),
                                              data=fixtures.snapshots(2))
        tables.ProtectedSnapshotsTable(self.user_request())
        self.assertIn('delete',
                      [action.name for action in page.get_table_actions()])
        self.assertIs(page, page.base_actions['delete'].table)
        self.assertIs(page._meta._filter_action,
                      page.base_actions['filter'])


class RenderingShortcutTests(unit_helpers.TestCase):
    """Row actions rendered once per set of actions, and links built from
    one resolved URL, give exactly what Horizon's own rendering gives."""

    def _snapshots(self):
        statuses = ('available', 'error', 'error_deleting', 'creating')
        return [fixtures.snapshot('%08d-1111-2222-3333-444444444444' % i,
                                  volume_id='%08d-aaaa-bbbb-cccc-dddddddddddd'
                                  % (i % 3), status=statuses[i % 4])
                for i in range(12)] + [fixtures.snapshot('not-a-uuid')]

    def test_row_actions_match_horizons_rendering(self):
        for table_class in (tables.ProtectedSnapshotsTable,
                            admin_tables.AdminSnapshotsTable):
            snapshots = self._snapshots()
            table = table_class(self.user_request(), data=snapshots)
            for snapshot in snapshots:
                horizons = str(DataTable.render_row_actions(table, snapshot))
                self.assertEqual(horizons,
                                 str(table.render_row_actions(snapshot)))
                if horizons.strip():
                    self.assertIn(snapshot.id, horizons)

    def test_links_match_reverse(self):
        for snapshot in self._snapshots():
            self.assertEqual(
                reverse('horizon:project:volume_protection:detail',
                        args=(snapshot.id,)),
                tables.detail_link(snapshot))
            self.assertEqual(
                reverse('horizon:admin:volumes:detail',
                        args=(snapshot.volume_id,)),
                admin_tables.admin_volume_link(
                    mock.Mock(source_volume_name='v',
                              volume_id=snapshot.volume_id)))
