"""Verify a snapshot, on the dashboard's side: the row action, the request
it writes (with its trust), the states shown on the Snapshots, Volumes and
Schedules tabs, and the temporary volumes (API wrappers mocked)."""

import datetime
from unittest import mock

from django.test import SimpleTestCase
from django.urls import reverse
from openstack_dashboard.test import helpers

from tests.unit import fixtures
from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import errors
from volsnap_dashboard.api import keystone
from volsnap_dashboard.dashboards.snapshots.verify import marks as verify_marks
from volsnap_dashboard.dashboards.volumes import picker as volume_picker
from volsnap_dashboard.protection import times
from volsnap_dashboard.protection import verification

INDEX_URL = reverse('horizon:project:volume_protection:index')
VOLUMES_URL = INDEX_URL + '?tab=volume_protection__volumes'
UTC = datetime.timezone.utc
VERIFY = 'protected_snapshots__verify'


def ago(**delta):
    return times.format_utc(datetime.datetime.now(UTC) -
                            datetime.timedelta(**delta))


def verified(outcome='ok', reason='', **delta):
    return {verification.VERIFIED_AT_KEY: ago(**(delta or {'hours': 3})),
            verification.OUTCOME_KEY: outcome,
            verification.REASON_KEY: reason}


def pending(value=verification.REQUESTED, **since):
    return {verification.VERIFY_KEY: value,
            verification.REQUESTED_AT_KEY: ago(**(since or {'minutes': 1})),
            verification.TRUST_KEY: 'trust-0'}


def stalled(value=verification.VERIFYING):
    """Pending for longer than its trust lasts: nothing will end it."""
    return pending(value, days=1, minutes=5)


def temporary_volume(volume_id='vol-tmp'):
    volume = fixtures.volume(volume_id, 'volsnap-verify-snap-1')
    volume.metadata = verification.volume_metadata(
        'snap-1', datetime.datetime.now(UTC))
    return volume


class SnapshotsTabTestCase(helpers.TestCase):

    @helpers.create_mocks({cinder: ['snapshot_list_paged', 'volume_names',
                                    'error_reasons']})
    def _page(self, snapshots):
        self.mock_snapshot_list_paged.return_value = (snapshots, False,
                                                      False)
        self.mock_volume_names.return_value = {}
        self.mock_error_reasons.return_value = {}
        res = self.client.get(INDEX_URL)
        self.assertEqual(200, res.status_code)
        return res


class OfferTests(SnapshotsTabTestCase):

    def _offered(self, snapshot):
        table = self._page([snapshot]).context['table']
        return 'verify' in [action.name for action in
                            table.get_row_actions(snapshot)]

    def test_on_an_available_snapshot(self):
        self.assertTrue(self._offered(fixtures.snapshot()))
        # A snapshot verified before may be verified again.
        self.assertTrue(self._offered(fixtures.snapshot(
            metadata=verified('failed', 'no space'))))

    def test_not_on_a_snapshot_being_made_or_failed(self):
        self.assertFalse(self._offered(fixtures.snapshot(status='creating')))
        self.assertFalse(self._offered(fixtures.snapshot(status='error')))

    def test_not_while_a_verification_is_pending(self):
        self.assertFalse(self._offered(fixtures.snapshot(
            metadata=pending())))
        self.assertFalse(self._offered(fixtures.snapshot(
            metadata=pending(verification.VERIFYING))))

    def test_again_once_a_pending_one_has_stalled(self):
        self.assertTrue(self._offered(fixtures.snapshot(metadata=stalled())))
        self.assertTrue(self._offered(fixtures.snapshot(
            metadata=stalled(verification.REQUESTED))))
        # Pending since a time nobody can tell (tenant-written).
        no_time = pending()
        no_time[verification.REQUESTED_AT_KEY] = 'yesterday'
        self.assertTrue(self._offered(fixtures.snapshot(metadata=no_time)))
        # Not yet: still within its trust's lifetime.
        self.assertFalse(self._offered(fixtures.snapshot(
            metadata=pending(hours=23))))

    def test_not_where_policy_refuses_writing_the_metadata(self):
        refused = ('volume', 'volume:update_snapshot_metadata')
        with self.settings(POLICY_CHECK_FUNCTION=lambda rules, *args: all(
                rule != refused for rule in rules)):
            self.assertFalse(self._offered(fixtures.snapshot()))
        with self.settings(POLICY_CHECK_FUNCTION=lambda *args: True):
            self.assertTrue(self._offered(fixtures.snapshot()))


    def test_greyed_with_the_reason_where_the_scheduler_is_not_set_up(self):
        button = 'value="%s__snap-1"' % VERIFY
        with self.settings(VOLSNAP_SCHEDULER_USER_ID=None):
            res = self._page([fixtures.snapshot()])
        self.assertNotContains(res, button)
        self.assertInHTML(
            '<li class="disabled"><a id="protected_snapshots__row_snap-1'
            '__action_verify" class="btn data-table-action '
            'volsnap-unavailable-action text-muted" role="link" '
            'aria-disabled="true" tabindex="0" title="Verification runs in '
            'the protection scheduler, which this dashboard is not set up '
            'to use: ask your cloud&#x27;s operator." data-toggle="tooltip" '
            'data-placement="top">Verify Snapshot<span class="sr-only">: '
            'Verification runs in the protection scheduler, which this '
            'dashboard is not set up to use: ask your cloud&#x27;s '
            'operator.</span></a></li>', res.content.decode())
        with self.settings(VOLSNAP_SCHEDULER_USER_ID='scheduler-id'):
            res = self._page([fixtures.snapshot()])
        self.assertContains(res, button)
        self.assertNotContains(res, 'volsnap-unavailable-action')


class StatesShownTests(SnapshotsTabTestCase):

    def _row(self, res, snapshot_id='snap-1'):
        content = res.content.decode()
        start = content.index('data-object-id="%s"' % snapshot_id)
        start = content.rindex('<tr', 0, start)
        return content[start:content.index('</tr>', start)]

    def test_requested_and_verifying_rows_refresh_themselves(self):
        res = self._page([
            fixtures.snapshot('snap-1', metadata=pending()),
            fixtures.snapshot('snap-2', metadata=pending(
                verification.VERIFYING))])
        first, second = self._row(res, 'snap-1'), self._row(res, 'snap-2')
        self.assertIn('Verification requested', first)
        self.assertIn('Verifying', second)
        for row in (first, second):
            self.assertIn('ajax-update warning', row)

    def test_verified_and_failed_rows_settle(self):
        res = self._page([
            fixtures.snapshot('snap-1', metadata=verified(hours=3)),
            fixtures.snapshot('snap-2', metadata=verified(
                'failed', '<b>no valid backend</b>', minutes=5))])
        first, second = self._row(res, 'snap-1'), self._row(res, 'snap-2')
        self.assertIn('Verified 3\xa0hours ago', first)
        self.assertIn('Verification failed 5\xa0minutes ago', second)
        # Cinder's reason on hover, escaped.
        self.assertIn('&lt;b&gt;no valid backend&lt;/b&gt;', second)
        self.assertNotIn('<b>no valid backend', second)
        for row in (first, second):
            self.assertNotIn('warning', row)
            self.assertIn('status_up', row)

    def test_a_verification_that_just_ended(self):
        snapshot = fixtures.snapshot(metadata=verified(seconds=5))
        self.assertIn('Verified just now',
                      str(verify_marks.verification_mark(snapshot)))
        snapshot = fixtures.snapshot(metadata=verified('failed', 'x',
                                                       seconds=5))
        self.assertIn('Verification failed just now',
                      str(verify_marks.verification_mark(snapshot)))

    def test_a_stalled_verification_says_so_and_settles(self):
        res = self._page([fixtures.snapshot('snap-1', metadata=stalled())])
        row = self._row(res)
        self.assertIn('Verification stalled', row)
        self.assertIn('Verify the snapshot again', row)
        # Settled: no longer refreshed as a pending one is.
        self.assertNotIn('warning', row)
        self.assertIn('status_up', row)

    def test_a_snapshot_never_verified_says_nothing(self):
        snapshot = fixtures.snapshot()
        self.assertIsNone(verify_marks.verification_mark(snapshot))
        self.assertFalse(verify_marks.pending(snapshot))

    def test_a_new_request_outweighs_the_last_outcome(self):
        snapshot = fixtures.snapshot(metadata=dict(
            verified('failed', 'timed out'), **pending()))
        self.assertEqual('Verification requested',
                         str(verify_marks.verification_mark(snapshot)))


class RequestTests(SnapshotsTabTestCase):
    """POST Verify from the table: the trust, then the metadata."""

    @helpers.create_mocks({cinder: ['snapshot_list_paged', 'volume_names',
                                    'error_reasons', 'snapshot_get',
                                    'snapshot_set_metadata'],
                           keystone: ['trust_create', 'trust_delete']})
    def _verify(self, snapshot, trust=None, write=None, current=None):
        self.mock_snapshot_list_paged.return_value = ([snapshot], False,
                                                      False)
        self.mock_volume_names.return_value = {}
        self.mock_error_reasons.return_value = {}
        # What Cinder says at the POST (``current``: changed since).
        self.mock_snapshot_get.return_value = current or snapshot
        self.mock_trust_create.side_effect = trust or ['trust-1']
        self.mock_snapshot_set_metadata.side_effect = write
        res = self.client.post(INDEX_URL, {'action': VERIFY + '__snap-1'},
                               follow=True)
        self.assertEqual(200, res.status_code)
        return [str(message) for message in res.context['messages']]

    def test_writes_the_request_with_a_new_trust(self):
        before = datetime.datetime.now(UTC).replace(microsecond=0)
        shown = self._verify(fixtures.snapshot())
        self.assertEqual(
            ['Requested verification of Snapshot: nightly'], shown)
        self.mock_trust_create.assert_called_once()
        expires = self.mock_trust_create.call_args.kwargs['expires_at']
        self.assertLessEqual(before + datetime.timedelta(days=1), expires)
        self.assertLess(expires, before + datetime.timedelta(days=1,
                                                             minutes=1))
        self.mock_snapshot_set_metadata.assert_called_once()
        args = self.mock_snapshot_set_metadata.call_args.args
        self.assertEqual('snap-1', args[1])
        written = args[2]
        self.assertEqual('requested', written[verification.VERIFY_KEY])
        self.assertEqual('trust-1', written[verification.TRUST_KEY])
        requested = times.parse_iso(
            written[verification.REQUESTED_AT_KEY])
        self.assertLessEqual(before, requested)
        self.mock_trust_delete.assert_not_called()

    def test_a_trust_keystone_refuses_writes_nothing(self):
        shown = self._verify(fixtures.snapshot(), trust=errors.TrustRefused(
            detail='Trustee has no delegated roles.'))
        self.assertEqual(1, len(shown))
        self.assertIn('Unable to verify snapshot "nightly"', shown[0])
        self.assertIn('Trustee has no delegated roles.', shown[0])
        self.mock_snapshot_set_metadata.assert_not_called()

    def test_keystone_down_writes_nothing(self):
        shown = self._verify(fixtures.snapshot(),
                             trust=errors.IdentityUnavailable())
        self.assertIn('Unable to verify snapshot "nightly"', shown[0])
        self.assertIn(str(errors.IdentityUnavailable()), shown[0])
        self.mock_snapshot_set_metadata.assert_not_called()

    def test_a_refused_write_deletes_the_trust(self):
        shown = self._verify(fixtures.snapshot(), write=errors.Forbidden(
            'Policy does not allow it.'))
        self.assertIn('Unable to verify snapshot "nightly"', shown[0])
        self.mock_trust_delete.assert_called_once_with(
            helpers.IsHttpRequest(), 'trust-1')

    def test_a_snapshot_already_pending_is_not_asked_again(self):
        # Another user asked since the page was drawn: Cinder's copy says
        # so, and no second trust is made.
        shown = self._verify(fixtures.snapshot(),
                             current=fixtures.snapshot(metadata=pending()))
        self.assertIn('already under way', shown[0])
        self.mock_trust_create.assert_not_called()
        self.mock_snapshot_set_metadata.assert_not_called()


    def test_a_stalled_verification_may_be_asked_for_again(self):
        shown = self._verify(fixtures.snapshot(metadata=stalled()),
                             current=fixtures.snapshot(metadata=stalled()))
        self.mock_trust_create.assert_called_once()
        self.mock_snapshot_set_metadata.assert_called_once()
        self.assertNotIn('already under way', ' '.join(shown))


class VolumesTabTests(fixtures.SnapshotsOnlyMixin, helpers.TestCase):

    @helpers.create_mocks({cinder: ['volume_list', 'protection_list']})
    def _get(self, volumes, snapshots):
        self.mock_volume_list.return_value = volumes
        self.mock_protection_list.return_value = snapshots
        res = self.client.get(VOLUMES_URL)
        self.assertEqual(200, res.status_code)
        # One listing each, whatever the number of rows.
        self.mock_volume_list.assert_called_once()
        self.mock_protection_list.assert_called_once()
        return res

    def test_last_verified_is_the_newest_verified_snapshot(self):
        older = fixtures.snapshot('snap-1', 'older', metadata=verified(
            hours=1))
        newer = fixtures.snapshot('snap-2', 'newer', metadata=verified(
            'failed', 'timed out', hours=2))
        newer._info['created_at'] = newer.created_at = \
            '2026-11-25T13:00:00.000000'
        never = fixtures.snapshot('snap-3', 'newest')
        never.created_at = '2026-11-25T14:00:00.000000'
        res = self._get([fixtures.volume('vol-1', 'db')],
                        [older, newer, never])
        volume = res.context['table'].data[0]
        self.assertEqual('failed', volume.protection.last_verified.outcome)
        self.assertContains(res, 'Verification failed 2\xa0hours ago')
        self.assertContains(res, 'timed out')

    def test_a_pending_verification_keeps_the_row_refreshing(self):
        res = self._get([fixtures.volume('vol-1', 'db')],
                        [fixtures.snapshot(metadata=pending())])
        self.assertTrue(res.context['table'].data[0].protection.busy)
        self.assertContains(res, 'ajax-update warning')

    def test_a_temporary_volume_is_marked_and_offers_nothing(self):
        res = self._get([fixtures.volume('vol-1', 'db'), temporary_volume()],
                        [])
        table = res.context['table']
        by_id = {volume.id: volume for volume in table.data}
        self.assertEqual('temporary', by_id['vol-tmp'].protection.state)
        self.assertContains(res, 'Temporary (verification)')
        self.assertEqual([], table.get_row_actions(by_id['vol-tmp']))
        self.assertEqual(['protect_now', 'add_schedule'],
                         [action.name for action in
                          table.get_row_actions(by_id['vol-1'])])


class PickerTests(SimpleTestCase):

    def test_a_temporary_volume_is_shown_but_never_picked(self):
        shown = volume_picker.entries([fixtures.volume('vol-1', 'db'),
                                       temporary_volume()])
        self.assertEqual([True, False],
                         [entry.selectable for entry in shown])
        self.assertIn('temporary (verification)', str(shown[1].label))
        self.assertNotIn('temporary', str(shown[0].label))


class ScheduleWordsTests(SimpleTestCase):

    def test_every_n_runs_or_never(self):
        self.assertEqual('Never verifies its snapshots',
                         str(verify_marks.every_runs(None)))
        self.assertEqual('Verifies the new snapshot after every run',
                         str(verify_marks.every_runs(1)))
        self.assertEqual('Verifies the new snapshot every 7 runs',
                         str(verify_marks.every_runs(7)))


class ScheduleOptionTests(helpers.TestCase):
    """verify_every: saved with the schedule, refused out of range, shown
    on the Schedules tab and the schedule's page."""

    DAILY = {'preset': {'kind': 'daily', 'hour': 2, 'minute': 0},
             'tz': 'UTC'}

    @helpers.create_mocks({cinder: ['volume_get'],
                           keystone: ['trust_create', 'trust_delete',
                                      'scheduler_user_id']})
    def _create(self, verify_every):
        from volsnap_dashboard.dashboards.schedules import api as schedules_api
        self.mock_volume_get.return_value = fixtures.volume()
        self.mock_trust_create.return_value = 'trust-1'
        request = self.factory.get('/')
        request.user = self.user
        with mock.patch.object(schedules_api, '_save') as save:
            schedule = schedules_api.create(
                request, 'vol-1', self.DAILY, {'description': ''},
                '{volume_name}',
                {'count': 7}, verify_every=verify_every)
        save.assert_called_once()
        return schedule

    def test_saved_with_the_schedule(self):
        self.assertEqual(5, self._create(5).verify_every)
        self.assertIsNone(self._create(None).verify_every)

    def test_out_of_range_is_refused_before_any_trust(self):
        from volsnap_dashboard.protection.parameters import (
            InvalidParameters)
        with self.assertRaises(InvalidParameters) as raised:
            self._create(0)
        self.assertIn('verify_every', raised.exception.errors)
        self.mock_trust_create.assert_not_called()

    def test_shown_on_the_tab_and_the_detail_page(self):
        from tests.unit.dashboards.schedules import test_tables as tab_tests
        from volsnap_dashboard.dashboards.schedules import (
            tables as schedule_tables)
        every_3 = tab_tests.healthy(verify_every=3)
        request = self.factory.get('/')
        request.user = self.user
        request.session = {}
        html = schedule_tables.SchedulesTable(request, data=[
            tab_tests.row_of(every_3)]).render()
        self.assertIn('Verifies the new snapshot every 3 runs', html)
        html = schedule_tables.SchedulesTable(request, data=[
            tab_tests.row_of(tab_tests.healthy())]).render()
        self.assertIn('Never verifies its snapshots', html)

        from volsnap_dashboard.dashboards.schedules import api as schedules_api
        from volsnap_dashboard.protection.schedule import codec
        volume = tab_tests.volume_with(every_3)
        [decoded] = codec.decode(volume)
        with mock.patch.object(schedules_api, 'find',
                               return_value=(volume, decoded)), \
                mock.patch.object(schedules_api, 'protections_of',
                                  return_value=[]), \
                mock.patch.object(keystone, 'trust_get'):
            res = self.client.get(tab_tests.detail_url())
        self.assertContains(res, '<dd id="volsnap-schedule-verification">'
                                 'Verifies the new snapshot every 3 runs'
                                 '</dd>', html=False)


class DetailPageTests(helpers.TestCase):

    @helpers.create_mocks({cinder: ['snapshot_get', 'volume_get',
                                    'volumes_restored_from']})
    def test_says_the_verification_and_marks_the_temporary_volume(self):
        self.mock_snapshot_get.return_value = fixtures.snapshot(
            metadata=pending(verification.VERIFYING))
        self.mock_volume_get.return_value = fixtures.volume()
        self.mock_volumes_restored_from.return_value = [
            temporary_volume(), fixtures.volume('vol-2', 'restored')]
        res = self.client.get(reverse(
            'horizon:project:volume_protection:detail', args=('snap-1',)))
        self.assertEqual(200, res.status_code)
        html = res.content.decode()
        self.assertRegex(html, r'<dd id="volsnap-verification">Verifying'
                               r'</dd>')
        self.assertRegex(html, r'volsnap-verify-snap-1</a>\s*\(2 GiB, '
                               r'available, temporary \(verification\)\)')
        self.assertRegex(html, r'restored</a>\s*\(2 GiB, available\)')


class LostAnswerTests(helpers.TestCase):
    """Cinder's answer to the metadata write lost: the snapshot says
    whether the request was written; the trust stays only if it was."""

    @helpers.create_mocks({cinder: ['snapshot_get', 'snapshot_set_metadata'],
                           keystone: ['trust_create', 'trust_delete']})
    def _request(self, after):
        from volsnap_dashboard.dashboards.snapshots.verify import (
            api as verifications_api)
        self.mock_snapshot_get.side_effect = [fixtures.snapshot(), after]
        self.mock_trust_create.return_value = 'trust-1'
        self.mock_snapshot_set_metadata.side_effect = errors.OutcomeUnknown()
        request = self.factory.get('/')
        request.user = self.user
        return verifications_api.request(request, 'snap-1')

    def test_written_keeps_the_trust(self):
        self.assertEqual('snap-1', self._request(fixtures.snapshot(
            metadata=dict(pending(), **{
                verification.TRUST_KEY: 'trust-1'}))).id)
        self.mock_trust_delete.assert_not_called()

    def test_not_written_deletes_the_trust_and_says_so(self):
        with self.assertRaises(errors.OutcomeUnknown):
            self._request(fixtures.snapshot())
        self.mock_trust_delete.assert_called_once_with(mock.ANY, 'trust-1')
