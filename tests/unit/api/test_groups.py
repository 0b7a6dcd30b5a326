"""The group wrappers: ids checked before a Cinder path, empty listings
where Cinder has no groups (before 3.14), the plugin doing the work."""

from unittest import mock

from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import errors
from tests.unit.api.test_calls import ClientTestCase
from tests.unit.api.test_calls import FakeClient

GROUP_SNAPSHOT_ID = '9b1f2a3c-4d5e-4f60-8a7b-0c1d2e3f4a5b'


class GroupWrapperTests(ClientTestCase):

    def test_no_listing_before_3_14(self):
        client = FakeClient('3.13')
        self.use_client(client)
        self.assertEqual([], cinder.group_snapshot_list(self.request))
        self.assertEqual([], cinder.group_list(self.request))
        client.group_snapshots.list.assert_not_called()
        client.groups.list.assert_not_called()

    def test_one_listing_from_3_14(self):
        client = FakeClient('3.14')
        client.group_snapshots.list.return_value = ['gs']
        self.use_client(client)
        self.assertEqual(['gs'], cinder.group_snapshot_list(self.request))
        client.group_snapshots.list.assert_called_once_with(search_opts=None)

    def test_a_path_that_names_no_group_snapshot_never_reaches_cinder(self):
        client = FakeClient()
        self.use_client(client)
        plugin = mock.Mock()
        for bad in ('detail', '../groups/x', ''):
            with self.assertRaises(errors.NotFound):
                cinder.group_snapshot_get(self.request, bad)
            with self.assertRaises(errors.NotFound):
                cinder.group_snapshot_delete(self.request, plugin, bad)
            with self.assertRaises(errors.NotFound):
                cinder.group_protect(self.request, plugin, bad, {})
        client.group_snapshots.get.assert_not_called()
        plugin.delete_group.assert_not_called()
        plugin.protect_group.assert_not_called()

    def test_the_plugin_acts_with_the_requests_client(self):
        client = FakeClient()
        self.use_client(client)
        plugin = mock.Mock()
        cinder.group_snapshot_delete(self.request, plugin, GROUP_SNAPSHOT_ID)
        plugin.delete_group.assert_called_once_with(client,
                                                    GROUP_SNAPSHOT_ID)
        cinder.group_restore(self.request, plugin, 'gs', {'x': 1})
        plugin.restore_group.assert_called_once_with(client, 'gs', {'x': 1})
