"""Revert Volume to This Snapshot: where the Snapshots tab offers it, and
its confirmation form (API wrapper mocked)."""

from unittest import mock

from cinderclient import api_versions
from django.test import SimpleTestCase
from django.urls import reverse
from openstack_dashboard.test import helpers

from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import errors
from volsnap_dashboard.dashboards.project.volume_protection import (
    plugin_choice)
from volsnap_dashboard.dashboards.project.volume_protection import (
    revert_marks)
from volsnap_dashboard.protection import cinder_snapshot
from tests.unit import fixtures

INDEX_URL = reverse('horizon:project:volume_protection:index')


def revert_url(snapshot_id='snap-1'):
    return reverse('horizon:project:volume_protection:revert',
                   args=(snapshot_id,))


def names_with_statuses(statuses):
    names = cinder.VolumeNames((volume_id, 'name of ' + volume_id)
                               for volume_id in statuses)
    names.statuses = dict(statuses)
    return names


class MarksTests(SimpleTestCase):

    def test_first_row_of_each_volume_on_a_first_unfiltered_page(self):
        rows = [fixtures.snapshot('s3', volume_id='a'),
                fixtures.snapshot('s2', volume_id='b'),
                fixtures.snapshot('s1', volume_id='a')]
        revert_marks.mark(rows, True, {'a': 'available'})
        self.assertEqual([True, True, False],
                         [row.newest_of_volume for row in rows])
        self.assertEqual(['available', None, 'available'],
                         [row.volume_status for row in rows])

    def test_unknown_on_later_pages_and_under_hiding_filters(self):
        self.assertTrue(revert_marks.newest_known(None, {}))
        self.assertTrue(revert_marks.newest_known(None, {'volume_id': 'a'}))
        self.assertFalse(revert_marks.newest_known('snap-9', {}))
        self.assertFalse(revert_marks.newest_known(None, {'name~': 'x'}))
        self.assertFalse(revert_marks.newest_known(None,
                                                   {'status': 'available'}))


class OfferTests(helpers.TestCase):

    @helpers.create_mocks({cinder: ['snapshot_list_paged', 'volume_names',
                                    'error_reasons', 'known_api_version']})
    def _revert_offered(self, snapshots, statuses, version='3.40',
                        has_prev=False):
        self.mock_snapshot_list_paged.return_value = (snapshots, False,
                                                      has_prev)
        self.mock_volume_names.return_value = names_with_statuses(statuses)
        self.mock_error_reasons.return_value = {}
        self.mock_known_api_version.return_value = \
            api_versions.APIVersion(version)
        table = self.client.get(INDEX_URL).context['table']
        self.mock_volume_names.assert_called_once()
        self.names_call = self.mock_volume_names.call_args
        return [snapshot.id for snapshot in snapshots
                if 'revert' in [action.name for action in
                                table.get_row_actions(snapshot)]]

    def test_only_on_the_newest_snapshot_of_an_available_volume(self):
        snapshots = [fixtures.snapshot('snap-3', volume_id='vol-1'),
                     fixtures.snapshot('snap-2', volume_id='vol-2'),
                     fixtures.snapshot('snap-1', volume_id='vol-1'),
                     fixtures.snapshot('snap-0', volume_id='vol-3')]
        offered = self._revert_offered(snapshots, {
            'vol-1': 'available', 'vol-2': 'in-use', 'vol-3': 'available'})
        self.assertEqual(['snap-3', 'snap-0'], offered)
        # The statuses come with the names: the same one listing.
        self.assertEqual({'with_status': True}, self.names_call.kwargs)

    def test_not_on_a_snapshot_that_is_not_available(self):
        self.assertEqual([], self._revert_offered(
            [fixtures.snapshot(status='creating')], {'vol-1': 'available'}))

    def test_not_below_cinder_3_40(self):
        self.assertEqual([], self._revert_offered(
            [fixtures.snapshot()], {'vol-1': 'available'}, version='3.39'))

    def test_not_where_policy_refuses_it(self):
        with self.settings(POLICY_CHECK_FUNCTION=lambda rules, *args: all(
                rule != ('volume', 'volume:revert_to_snapshot')
                for rule in rules)):
            self.assertEqual([], self._revert_offered(
                [fixtures.snapshot()], {'vol-1': 'available'}))
        # No revert, no need of the statuses: the summary listing.
        self.assertEqual({}, self.names_call.kwargs)

    def test_not_for_a_plugin_without_revert(self):
        plugin = cinder_snapshot.CinderSnapshotProtectionPlugin()
        plugin.supports_revert = False
        with mock.patch.object(plugin_choice, 'volume_plugin',
                               return_value=plugin):
            self.assertEqual([], self._revert_offered(
                [fixtures.snapshot()], {'vol-1': 'available'}))
        self.assertEqual({}, self.names_call.kwargs)


class FormTests(helpers.TestCase):

    def mock_cloud(self, volume_name='db'):
        self.mock_snapshot_get.return_value = fixtures.snapshot()
        self.mock_volume_get.return_value = fixtures.volume(
            name=volume_name)

    @helpers.create_mocks({cinder: ['snapshot_get', 'volume_get']})
    def test_names_the_volume_the_time_and_the_loss(self):
        self.mock_cloud('<b>db</b>')
        res = self.client.get(revert_url())
        self.assertEqual(200, res.status_code)
        self.assertContains(res, 'Volume "&lt;b&gt;db&lt;/b&gt;" goes back')
        self.assertContains(res, '2026-11-25 12:00:00 UTC')
        self.assertContains(res, 'Everything written to '
                                 '"&lt;b&gt;db&lt;/b&gt;" since then is lost')
        self.assertNotContains(res, '<b>db</b>')

    @helpers.create_mocks({cinder: ['snapshot_get', 'volume_get',
                                    'volume_revert_to_snapshot']})
    def test_a_wrong_name_is_refused(self):
        self.mock_cloud()
        res = self.client.post(revert_url(), {'confirm_name': 'DB'})
        self.assertEqual(200, res.status_code)
        self.assertContains(res, 'Type the volume&#x27;s name exactly')
        self.mock_volume_revert_to_snapshot.assert_not_called()

    @helpers.create_mocks({cinder: ['snapshot_get', 'volume_get',
                                    'volume_revert_to_snapshot']})
    def test_the_right_name_reverts(self):
        self.mock_cloud()
        res = self.client.post(revert_url(), {'confirm_name': 'db'})
        self.assertRedirectsNoFollow(res, INDEX_URL)
        self.mock_volume_revert_to_snapshot.assert_called_once_with(
            mock.ANY, mock.ANY, 'vol-1', 'snap-1')
        self.assertTrue(self.mock_volume_revert_to_snapshot.call_args
                        .args[1].supports_revert)

    @helpers.create_mocks({cinder: ['snapshot_get', 'volume_get',
                                    'volume_revert_to_snapshot']})
    def test_cinders_refusal_is_a_message_not_a_500(self):
        self.mock_cloud()
        self.mock_volume_revert_to_snapshot.side_effect = errors.BadRequest(
            detail='Volume status must be available')
        res = self.client.post(revert_url(), {'confirm_name': 'db'},
                               follow=True)
        self.assertEqual(200, res.status_code)
        shown = [str(message) for message in res.context['messages']]
        self.assertTrue(any('Unable to revert volume "db"' in message and
                            'status must be available' in message
                            for message in shown), shown)

    def test_refused_by_policy_on_the_server(self):
        with self.settings(POLICY_CHECK_FUNCTION=lambda *args: False):
            res = self.client.post(revert_url(), {'confirm_name': 'db'})
        self.assertNotEqual(200, res.status_code)
