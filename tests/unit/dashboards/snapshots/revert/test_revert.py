"""Revert Volume to This Snapshot: where the Snapshots tab offers it, and
its confirmation form (API wrapper mocked)."""

import re
from unittest import mock

from cinderclient import api_versions
from django.test import SimpleTestCase
from django.urls import reverse
from openstack_dashboard.test import helpers

from tests.unit import fixtures
from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import errors
from volsnap_dashboard.api import keystone
from volsnap_dashboard.dashboards.common import plugin_choice
from volsnap_dashboard.dashboards.snapshots.revert import marks as revert_marks
from volsnap_dashboard.protection import cinder_snapshot

INDEX_URL = reverse('horizon:project:volume_protection:index')


def revert_url(snapshot_id='snap-1'):
    return reverse('horizon:project:volume_protection:revert',
                   args=(snapshot_id,))


def names_with_statuses(statuses, sizes=None):
    names = cinder.VolumeNames((volume_id, 'name of ' + volume_id)
                               for volume_id in statuses)
    names.statuses = dict(statuses)
    names.sizes = dict(sizes or {})
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


    def test_an_unknown_api_version_is_a_reason_not_an_error(self):
        row = fixtures.snapshot('s1', volume_id='a')
        revert_marks.mark([row], True, {'a': 'available'})
        self.assertIn('not known',
                      str(revert_marks.unavailable_reason(row, None)))


class RowStateTests(SimpleTestCase):

    def test_reverting_is_shown_on_the_snapshot_cinder_marks_restoring(self):
        # While reverting, Cinder keeps a backup snapshot newer than the
        # one reverted to: the row reverted to is "restoring".
        target = fixtures.snapshot(status='restoring')
        target.volume_status = 'reverting'
        target.newest_of_volume = False
        self.assertTrue(revert_marks.is_reverting(target))
        self.assertEqual('volume reverting',
                         str(revert_marks.volume_note(target)))
        other = fixtures.snapshot('snap-0')  # the backup snapshot
        other.volume_status = 'reverting'
        other.newest_of_volume = True
        self.assertFalse(revert_marks.is_reverting(other))
        self.assertIsNone(revert_marks.volume_note(other))

    def test_nothing_said_of_a_volume_whose_state_is_not_asked(self):
        self.assertIsNone(revert_marks.volume_note(fixtures.snapshot()))
        self.assertFalse(revert_marks.is_reverting(fixtures.snapshot(
            status='restoring')))


def row_tags(page):
    """Snapshot id -> the opening tag of its row."""
    return {match.group(1): match.group(0) for match in re.finditer(
        r'<tr[^>]*data-object-id="([^"]+)"[^>]*>', page)}


def revert_offer(table, snapshot):
    """None (no entry), 'offered', or the reason the entry is greyed."""
    for action in table.get_row_actions(snapshot):
        if action.name == 'revert':
            return str(action.unavailable_reason or 'offered')
    return None


class OfferTests(helpers.TestCase):

    @helpers.create_mocks({cinder: ['snapshot_list_paged', 'volume_names',
                                    'error_reasons', 'known_api_version']})
    def _revert_offers(self, snapshots, statuses, version='3.40',
                       url=INDEX_URL, reasons=None, sizes=None):
        self.mock_snapshot_list_paged.return_value = (snapshots, False,
                                                      False)
        self.mock_volume_names.return_value = names_with_statuses(statuses,
                                                                  sizes)
        self.mock_error_reasons.return_value = reasons or {}
        self.mock_known_api_version.return_value = \
            api_versions.APIVersion(version)
        self.response = self.client.get(url)
        table = self.response.context['table']
        self.mock_volume_names.assert_called_once()
        self.names_call = self.mock_volume_names.call_args
        self.error_reasons_calls = self.mock_error_reasons.call_args_list
        return {snapshot.id: revert_offer(table, snapshot)
                for snapshot in snapshots}

    def _offered(self, *args, **kwargs):
        return [snapshot_id for snapshot_id, offer
                in self._revert_offers(*args, **kwargs).items()
                if offer == 'offered']

    def test_only_on_the_newest_snapshot_of_an_available_volume(self):
        snapshots = [fixtures.snapshot('snap-3', volume_id='vol-1'),
                     fixtures.snapshot('snap-2', volume_id='vol-2'),
                     fixtures.snapshot('snap-1', volume_id='vol-1'),
                     fixtures.snapshot('snap-0', volume_id='vol-3')]
        offered = self._offered(snapshots, {
            'vol-1': 'available', 'vol-2': 'in-use', 'vol-3': 'available'})
        self.assertEqual(['snap-3', 'snap-0'], offered)
        # The statuses come with the names: the same one listing.
        self.assertEqual({'with_status': True}, self.names_call.kwargs)

    def test_not_on_a_snapshot_with_a_newer_one(self):
        snapshots = [fixtures.snapshot('snap-3', volume_id='vol-1'),
                     fixtures.snapshot('snap-2', volume_id='vol-2'),
                     fixtures.snapshot('snap-1', volume_id='vol-1'),
                     fixtures.snapshot('snap-0', volume_id='vol-2')]
        offers = self._revert_offers(snapshots, {
            'vol-1': 'available', 'vol-2': 'in-use'})
        # Older snapshots: no entry, the volume's state aside.
        self.assertIsNone(offers['snap-1'])
        self.assertIsNone(offers['snap-0'])
        self.assertNotContains(self.response, 'A newer snapshot')
        for older in ('snap-1', 'snap-0'):
            self.assertNotContains(
                self.response,
                'protected_snapshots__row_%s__action_revert' % older)
        self.assertIn('The volume is "In-use"', offers['snap-2'])

    def test_the_others_say_why_on_hover(self):
        snapshots = [fixtures.snapshot('snap-3', volume_id='vol-1'),
                     fixtures.snapshot('snap-2', volume_id='vol-2'),
                     fixtures.snapshot('snap-0', volume_id='vol-4')]
        offers = self._revert_offers(snapshots, {
            'vol-1': 'available', 'vol-2': 'in-use'})
        self.assertIn('The volume is "In-use"', offers['snap-2'])
        self.assertIn("The volume's state is unknown", offers['snap-0'])
        page = self.response.content.decode()
        # Each row its own reason (rows' actions are rendered once per set
        # of actions and reasons), as a greyed, focusable entry with no
        # link to follow.
        self.assertInHTML(
            '<li class="disabled"><a id="protected_snapshots__row_snap-2'
            '__action_revert" class="btn data-table-action '
            'volsnap-unavailable-action text-muted" role="link" '
            'aria-disabled="true" tabindex="0" title="The volume is '
            '&quot;In-use&quot;: Block Storage reverts only an available '
            'volume (detached, not busy)." data-toggle="tooltip" '
            'data-placement="top">Revert Volume to This Snapshot<span '
            'class="sr-only">: The volume is &quot;In-use&quot;: Block '
            'Storage reverts only an available volume (detached, not '
            'busy).</span></a></li>', page)
        self.assertIn('title="The volume&#x27;s state is unknown', page)
        self.assertIn(revert_url('snap-3'), page)
        for greyed in ('snap-2', 'snap-0'):
            self.assertNotIn(revert_url(greyed), page)

    def test_greyed_where_the_volume_was_resized_since(self):
        snapshots = [fixtures.snapshot('snap-2', volume_id='vol-1'),
                     fixtures.snapshot('snap-1', volume_id='vol-2')]
        offers = self._revert_offers(
            snapshots, {'vol-1': 'available', 'vol-2': 'available'},
            sizes={'vol-1': 5, 'vol-2': 2})
        self.assertEqual(
            'The volume was resized since this snapshot (5 GiB now, 2 GiB '
            'then): Block Storage reverts a volume only to a snapshot of its '
            'current size.', offers['snap-2'])
        self.assertEqual('offered', offers['snap-1'])

    def test_a_long_volume_name_wraps_in_its_cell(self):
        # As Horizon's own tables do: a name with no spaces does not push
        # the table's buttons off the page.
        self._revert_offers([fixtures.snapshot()], {'vol-1': 'available'})
        self.assertRegex(self.response.content.decode(),
                         r'<td class="[^"]*\bword-break\b[^"]*">'
                         r'<a href="/project/volumes/vol-1/"')

    def test_a_volume_state_from_cinder_is_escaped(self):
        offers = self._revert_offers([fixtures.snapshot()],
                                     {'vol-1': '<b>odd</b>'})
        self.assertIn('"<b>odd</b>"', offers['snap-1'])
        page = self.response.content.decode()
        self.assertIn('&quot;&lt;b&gt;odd&lt;/b&gt;&quot;', page)
        self.assertNotIn('<b>odd</b>', page)

    def test_later_pages_cannot_tell_the_newest(self):
        offers = self._revert_offers(
            [fixtures.snapshot()], {'vol-1': 'available'},
            url=INDEX_URL + '?snapshot_marker=snap-9')
        self.assertIn('filter the list by its volume', offers['snap-1'])

    def test_not_on_a_snapshot_that_is_not_available(self):
        self.assertEqual({'snap-1': None}, self._revert_offers(
            [fixtures.snapshot(status='creating')], {'vol-1': 'available'}))

    def test_below_cinder_3_40_it_says_so(self):
        offers = self._revert_offers(
            [fixtures.snapshot()], {'vol-1': 'available'}, version='3.39')
        self.assertEqual(
            'This Block Storage service cannot revert a volume in place: '
            'that needs API version 3.40, it offers 3.39.', offers['snap-1'])
        self.assertNotContains(self.response, revert_url())

    def test_nothing_shows_where_policy_refuses_it(self):
        with self.settings(POLICY_CHECK_FUNCTION=lambda rules, *args: all(
                rule != ('volume', 'volume:revert_to_snapshot')
                for rule in rules)):
            self.assertEqual({'snap-1': None}, self._revert_offers(
                [fixtures.snapshot()], {'vol-1': 'available'}))
        self.assertNotContains(self.response, 'Revert Volume')
        # No revert, no need of the statuses: the summary listing.
        self.assertEqual({}, self.names_call.kwargs)

    def test_nothing_shows_for_a_plugin_without_revert(self):
        plugin = cinder_snapshot.CinderSnapshotProtectionPlugin()
        plugin.supports_revert = False
        with mock.patch.object(plugin_choice, 'volume_plugin',
                               return_value=plugin):
            self.assertEqual({'snap-1': None}, self._revert_offers(
                [fixtures.snapshot()], {'vol-1': 'available'}))
        self.assertNotContains(self.response, 'Revert Volume')
        self.assertEqual({}, self.names_call.kwargs)

    def test_a_reverting_volume_shows_and_its_row_refreshes(self):
        snapshots = [fixtures.snapshot('snap-2', status='restoring'),
                     fixtures.snapshot('snap-1', volume_id='vol-2')]
        self._revert_offers(snapshots, {'vol-1': 'reverting',
                                        'vol-2': 'available'})
        rows = row_tags(self.response.content.decode())
        self.assertIn('warning', rows['snap-2'])  # refreshed
        self.assertIn('ajax-update', rows['snap-2'])
        self.assertIn('status_up', rows['snap-1'])
        self.assertContains(self.response, 'Restoring (volume reverting)')
        self.assertNotContains(self.response, 'Available (volume')
        self.assertEqual([], self.error_reasons_calls)

    def test_a_volume_in_error_shows_cinders_reason(self):
        self._revert_offers([fixtures.snapshot()], {'vol-1': 'error'},
                            reasons={'vol-1': 'Driver failed: <oops>'})
        self.assertContains(
            self.response,
            'Available (volume in error: Driver failed: &lt;oops&gt;)')
        self.assertEqual(['vol-1'], self.error_reasons_calls[0].args[1])


class RowRefreshTests(helpers.TestCase):
    """A row refreshed on its own knows the volume's state and whether the
    snapshot is the newest (one listing of the volume's newest)."""

    url = INDEX_URL + ('?action=row_update&table=protected_snapshots'
                       '&obj_id=snap-1')

    @helpers.create_mocks({cinder: ['snapshot_get', 'volume_get',
                                    'snapshot_list', 'error_reasons',
                                    'known_api_version']})
    def _refresh(self, snapshot, volume, newest='snap-1', reasons=None):
        self.mock_snapshot_get.return_value = snapshot
        self.mock_volume_get.return_value = volume
        self.mock_snapshot_list.return_value = [fixtures.snapshot(newest)]
        self.mock_error_reasons.return_value = reasons or {}
        self.mock_known_api_version.return_value = \
            api_versions.APIVersion('3.40')
        res = self.client.get(self.url,
                              HTTP_X_REQUESTED_WITH='XMLHttpRequest')
        self.assertEqual(200, res.status_code)
        self.newest_calls = self.mock_snapshot_list.call_args_list
        return res.content.decode()

    def test_offered_on_the_newest_after_a_refresh(self):
        row = self._refresh(fixtures.snapshot(), fixtures.volume())
        self.assertIn(revert_url(), row)
        self.assertEqual(1, len(self.newest_calls))
        self.assertEqual({'search_opts': {'volume_id': 'vol-1'},
                          'limit': 1, 'sort': 'created_at:desc'},
                         self.newest_calls[0].kwargs)

    def test_gone_after_a_refresh_when_a_newer_one_exists(self):
        row = self._refresh(fixtures.snapshot(), fixtures.volume(),
                            newest='snap-2')
        self.assertNotIn('__action_revert', row)
        self.assertIn('__action_restore', row)  # the menu is there

    def test_gone_after_a_refresh_when_a_newer_one_exists_and_in_use(self):
        row = self._refresh(fixtures.snapshot(),
                            fixtures.volume(status='in-use'),
                            newest='snap-2')
        self.assertNotIn('__action_revert', row)
        self.assertEqual(1, len(self.newest_calls))

    def test_greyed_after_a_refresh_of_the_newest_while_in_use(self):
        row = self._refresh(fixtures.snapshot(),
                            fixtures.volume(status='in-use'))
        self.assertNotIn(revert_url(), row)
        self.assertIn('title="The volume is &quot;In-use&quot;', row)

    def test_greyed_after_a_refresh_where_the_volume_was_resized(self):
        row = self._refresh(fixtures.snapshot(), fixtures.volume(size=3))
        self.assertNotIn(revert_url(), row)
        self.assertIn('title="The volume was resized since this snapshot '
                      '(3 GiB now, 2 GiB then)', row)

    def test_follows_the_volume_while_it_reverts(self):
        row = self._refresh(fixtures.snapshot(status='restoring'),
                            fixtures.volume(status='reverting'))
        self.assertIn('Restoring (volume reverting)', row)
        self.assertIn('warning', row)  # refreshed again
        self.assertIn('ajax-update', row)
        self.assertEqual([], self.newest_calls)  # nothing to offer then

    def test_back_to_available_it_stops_refreshing(self):
        row = self._refresh(fixtures.snapshot(), fixtures.volume())
        self.assertIn('status_up', row)
        self.assertNotIn('reverting', row)

    def test_a_failed_revert_shows_cinders_reason(self):
        row = self._refresh(fixtures.snapshot(),
                            fixtures.volume(status='error'),
                            reasons={'vol-1': 'Revert failed'})
        self.assertIn('Available (volume in error: Revert failed)', row)
        self.assertIn('title="The volume is &quot;Error&quot;', row)
        self.assertIn('status_up', row)


class DetailPageTests(helpers.TestCase):
    """The snapshot's page offers the revert as its refreshed row does
    (its volume, fetched for the page, and one listing of its newest)."""

    @helpers.create_mocks({cinder: ['snapshot_get', 'volume_get',
                                    'volumes_restored_from', 'snapshot_list',
                                    'error_reasons', 'known_api_version']})
    def _detail(self, volume, newest='snap-1'):
        self.mock_snapshot_get.return_value = fixtures.snapshot()
        self.mock_volume_get.return_value = volume
        self.mock_volumes_restored_from.return_value = []
        self.mock_snapshot_list.return_value = [fixtures.snapshot(newest)]
        self.mock_error_reasons.return_value = {}
        self.mock_known_api_version.return_value = \
            api_versions.APIVersion('3.40')
        res = self.client.get(reverse(
            'horizon:project:volume_protection:detail', args=('snap-1',)))
        self.assertEqual(200, res.status_code)
        return res.content.decode()

    def test_offered_on_the_newest_snapshot_of_an_available_volume(self):
        self.assertIn(revert_url(), self._detail(fixtures.volume()))

    def test_not_shown_where_a_newer_snapshot_exists(self):
        page = self._detail(fixtures.volume(), newest='snap-2')
        self.assertNotIn('__action_revert', page)

    def test_greyed_with_the_volumes_state(self):
        page = self._detail(fixtures.volume(status='in-use'))
        self.assertNotIn(revert_url(), page)
        self.assertIn('title="The volume is &quot;In-use&quot;', page)
        self.assertNotIn("state is unknown", page)


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
        self.assertContains(res, 'Nov. 25, 2026 12:00:00 UTC')
        self.assertContains(res, 'Everything written to '
                                 '"&lt;b&gt;db&lt;/b&gt;" since then is lost')
        self.assertNotContains(res, '<b>db</b>')

    @helpers.create_mocks({cinder: ['snapshot_get', 'volume_get']})
    def test_the_time_is_in_the_users_time_zone(self):
        self.mock_cloud()
        self.client.cookies['django_timezone'] = 'Europe/Berlin'
        res = self.client.get(revert_url())
        self.assertContains(res, 'Nov. 25, 2026 13:00:00 CET')

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
        self.assertMessageCount(success=1)
        shown = [str(message) for message in
                 res.wsgi_request._messages]
        self.assertEqual(
            ['Reverting volume "db" to snapshot "nightly" of Nov. 25, 2026 '
             '12:00:00 UTC: what was written to it since is discarded. The '
             'snapshot\'s row shows the volume "reverting" until it is '
             'available again (or in error, with the reason).'], shown)

    def _refused(self, newest='snap-1', volume=None):
        self.mock_snapshot_get.return_value = fixtures.snapshot()
        self.mock_volume_get.return_value = volume or fixtures.volume()
        self.mock_snapshot_list.return_value = [fixtures.snapshot(newest)]
        self.mock_volume_revert_to_snapshot.side_effect = errors.BadRequest(
            detail='Specified snapshot snap-1 is None or not the latest one')
        res = self.client.post(revert_url(), {'confirm_name': 'db'},
                               follow=True)
        self.assertEqual(200, res.status_code)
        [shown] = [str(message) for message in res.context['messages']]
        self.assertIn('Unable to revert volume "db": ', shown)
        return shown

    @helpers.create_mocks({cinder: ['snapshot_get', 'volume_get',
                                    'snapshot_list',
                                    'volume_revert_to_snapshot']})
    def test_cinders_refusal_is_a_message_not_a_500(self):
        # Nothing the page can tell: Cinder's own words.
        self.assertIn('not the latest one', self._refused())

    @helpers.create_mocks({cinder: ['snapshot_get', 'volume_get',
                                    'snapshot_list',
                                    'volume_revert_to_snapshot']})
    def test_a_newer_snapshot_since_the_form_opened_in_words(self):
        self.assertIn('A newer snapshot of this volume exists',
                      self._refused(newest='snap-2'))

    @helpers.create_mocks({cinder: ['snapshot_get', 'volume_get',
                                    'snapshot_list',
                                    'volume_revert_to_snapshot']})
    def test_a_resized_volume_in_words(self):
        shown = self._refused(volume=fixtures.volume(size=3))
        self.assertIn('The volume was resized since this snapshot (3 GiB '
                      'now, 2 GiB then)', shown)
        self.mock_snapshot_list.assert_not_called()

    def test_refused_by_policy_on_the_server(self):
        with self.settings(POLICY_CHECK_FUNCTION=lambda *args: False):
            res = self.client.post(revert_url(), {'confirm_name': 'db'})
        self.assertNotEqual(200, res.status_code)


class AdminRowRefreshTests(helpers.BaseAdminViewTests):
    """The admin table offers no revert: its refreshed rows ask nothing
    more for it."""

    @helpers.create_mocks({cinder: ['snapshot_get', 'volume_get',
                                    'snapshot_list', 'known_api_version'],
                           keystone: ['project_names']})
    def test_no_newest_snapshot_call(self):
        self.mock_snapshot_get.return_value = fixtures.snapshot()
        self.mock_volume_get.return_value = fixtures.volume()
        self.mock_known_api_version.return_value = \
            api_versions.APIVersion('3.40')
        self.mock_project_names.return_value = {}
        res = self.client.get(
            reverse('horizon:admin:volume_protection:index') +
            '?action=row_update&table=admin_snapshots&obj_id=snap-1',
            HTTP_X_REQUESTED_WITH='XMLHttpRequest')
        self.assertEqual(200, res.status_code)
        self.mock_snapshot_list.assert_not_called()
        self.assertNotContains(res, 'Revert Volume')
