"""The Schedules tab, its actions, the detail page and the delete and
take-over forms, with the API layer mocked."""

import dataclasses
import datetime
from unittest import mock

from django.test import SimpleTestCase
from django.urls import reverse
from openstack_auth import utils as auth_utils
from openstack_dashboard.test import helpers

from tests.unit import fixtures
from tests.unit.protection.schedule import factories
from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import errors
from volsnap_dashboard.api import keystone
from volsnap_dashboard.dashboards.schedules import api as schedules_api
from volsnap_dashboard.dashboards.schedules import rows as schedule_rows
from volsnap_dashboard.dashboards.schedules import tables as schedule_tables
from volsnap_dashboard.dashboards.schedules import views as schedule_views
from volsnap_dashboard.protection import registry
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import model
from volsnap_dashboard.protection.schedule import states as schedule_states

UTC = datetime.timezone.utc
NOW = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
USER_ID = '1'  # Horizon's test user
SID = factories.schedule().id
VOLUME_ID = factories.VOLUME_ID
ROW_ID = schedule_rows.row_id(VOLUME_ID, SID)


def ran(schedule, outcome, slot=NOW - datetime.timedelta(hours=10),
        reason=''):
    state = model.ScheduleState().after_run(slot, slot, outcome, reason,
                                            'snap-1')
    return dataclasses.replace(schedule, state=state)


def healthy(**changes):
    changes.setdefault('owner_id', USER_ID)
    return ran(factories.schedule(**changes), model.OUTCOME_OK)


def volume_with(*schedules, name='db-data'):
    metadata = {codec.MARKER_KEY: '1'}
    for schedule in schedules:
        metadata.update(codec.encode_definition(schedule))
        metadata.update(codec.encode_state(schedule.id, schedule.state))
        if schedule.run_requested:
            metadata[codec.run_now_key(schedule.id)] = '2026-03-10T11:59:00Z'
    volume = factories.volume(metadata, name=name)
    del volume.__dict__['os-vol-tenant-attr:tenant_id']  # not an admin
    return volume


def row_of(schedule, snapshots=(), at=NOW):
    volume = volume_with(schedule)
    [decoded] = codec.decode(volume)
    return schedule_rows.ScheduleRow(volume, decoded, snapshots, at)


class PausedByTests(helpers.TestCase):
    """The Schedules tab says who paused a schedule, and when; Pause and
    Resume record it."""

    def test_the_state_says_who_paused_it(self):
        request = self.factory.get('/')
        request.user = self.user
        request.session = {}
        at = datetime.datetime(2026, 12, 7, 8, 5, tzinfo=UTC)
        cases = ((USER_ID, False, 'Paused by you on Dec. 7, 2026 08:05 UTC'),
                 ('u-admin', True,
                  'Paused by an administrator on Dec. 7, 2026 08:05 UTC'),
                 ('u-<b>', False, 'Paused by another member of the project '
                                  '(user u-&lt;b&gt;) on Dec. 7, 2026 08:05'))
        for user_id, by_admin, said in cases:
            with self.subTest(user_id=user_id):
                row = row_of(healthy(paused=True, paused_by=model.Pause(
                    user_id=user_id, at=at, by_admin=by_admin)))
                table = schedule_tables.SchedulesTable(request, data=[row])
                self.assertIn(said, table.render())

    @helpers.create_mocks({cinder: ['volume_get'],
                           schedules_api: ['_save']})
    def test_pause_records_the_user_and_resume_forgets_it(self):
        request = self.factory.post('/')
        request.user = self.user
        self.mock_volume_get.return_value = volume_with(healthy(
            project_id=self.user.project_id))
        with mock.patch.object(schedules_api.times, 'now',
                               return_value=NOW):
            paused = schedules_api.pause(request, VOLUME_ID, SID)
        self.assertEqual(model.Pause(user_id=USER_ID, at=NOW),
                         paused.paused_by)
        self.mock_volume_get.return_value = volume_with(paused)
        resumed = schedules_api.resume(request, VOLUME_ID, SID)
        self.assertEqual((False, None), (resumed.paused, resumed.paused_by))


HIDDEN_BOX = (r'class="[^"]*(hidden[^"]*multi_select_column|'
              r'multi_select_column[^"]*hidden)')
# Horizon's column of the class, which each table's copy shares lists with.
SHARED_BOX_COLUMN = schedule_tables.SchedulesTable._columns['multi_select']


class RowBoxesTests(helpers.TestCase):
    """A row refreshed by polling keeps its ticking box (Horizon's row
    update hid it, and with it the column of every page drawn after)."""

    url = (reverse('horizon:project:volume_protection:index') +
           '?action=row_update&table=schedules&obj_id=' + ROW_ID)

    @helpers.create_mocks({schedules_api: ['find', 'protections_of']})
    def update(self, policy=None):
        volume = volume_with(healthy())
        [decoded] = codec.decode(volume)
        self.mock_find.return_value = (volume, decoded)
        self.mock_protections_of.return_value = []
        with self.settings(**({'POLICY_CHECK_FUNCTION': policy}
                              if policy else {})):
            return self.client.get(self.url,
                                   HTTP_X_REQUESTED_WITH='XMLHttpRequest')

    def test_a_member_keeps_the_box(self):
        res = self.update()
        self.assertContains(res, 'name="object_ids"')
        self.assertNotRegex(res.content.decode(), HIDDEN_BOX)
        self.assertNotIn('hidden', SHARED_BOX_COLUMN.classes)

    def test_a_reader_gets_none(self):
        def reader(rules, request, target=None):
            return all(rule.startswith('volume:get') for _s, rule in rules)
        res = self.update(policy=reader)
        self.assertRegex(res.content.decode(), HIDDEN_BOX)
        self.assertNotIn('hidden', SHARED_BOX_COLUMN.classes)


class RowIdTests(SimpleTestCase):

    def test_row_ids_round_trip_and_refuse_others(self):
        self.assertEqual((VOLUME_ID, SID),
                         schedule_rows.split_row_id(ROW_ID))
        for bad in ('', VOLUME_ID, '_0a1b2c3d', VOLUME_ID + '_XYZ',
                    VOLUME_ID + '__0a1b2c3d__x'):
            with self.subTest(bad), self.assertRaises(ValueError):
                schedule_rows.split_row_id(bad)


class RowsTests(SimpleTestCase):

    def test_a_schedule_is_called_by_its_label_else_by_when_it_runs(self):
        labelled = healthy(id='1b2c3d4e', label='weekly')
        unlabelled = healthy(label='')
        unreadable = model.Invalid('2c3d4e5f', VOLUME_ID, 'bad JSON')
        self.assertEqual(
            ['weekly', 'daily at 02:00 Europe/Berlin', '2c3d4e5f'],
            [schedule_rows.schedule_label(schedule) for schedule
             in (labelled, unlabelled, unreadable)])

    def test_snapshots_counted_to_the_schedule_that_made_them(self):
        daily = healthy()
        weekly = healthy(id='1b2c3d4e', label='weekly')
        volume = volume_with(daily, weekly)
        snapshots = [
            factories.snapshot('s1', NOW),
            factories.snapshot('s2', NOW),
            factories.snapshot('s3', NOW, schedule_id='1b2c3d4e'),
            factories.snapshot('manual', NOW, schedule_id=None),
            factories.snapshot('other-volume', NOW, volume_id='v-2')]
        rows = schedule_rows.rows([volume], snapshots, at=NOW)
        self.assertEqual([('daily', 2), ('weekly', 1)],
                         [(row.label, len(row.protections)) for row in rows])

    def test_unreadable_schedule_is_a_row_with_its_reason(self):
        volume = factories.volume({'volsnap:0a1b2c3d:def:0': '{bad'})
        [row] = schedule_rows.rows([volume], [], at=NOW)
        self.assertEqual(schedule_states.INVALID, row.state)
        self.assertIn('not valid JSON', row.reason)
        self.assertIsNone(row.next_run)

    def test_sorted_by_volume_name(self):
        volumes = [volume_with(healthy(), name='zeta'),
                   volume_with(healthy(), name='Alpha')]
        volumes[1].id = 'other-volume'
        self.assertEqual(['Alpha', 'zeta'], [
            row.volume_name
            for row in schedule_rows.rows(volumes, [], at=NOW)])


class TableTests(helpers.TestCase):

    def render(self, rows):
        request = self.factory.get('/')
        request.user = self.user
        request.session = {'django_timezone': 'America/New_York'}
        table = schedule_tables.SchedulesTable(request, data=rows)
        return table, table.render()

    def test_row_in_words_and_times_in_the_users_zone_with_utc_on_hover(self):
        schedule = ran(healthy(), model.OUTCOME_FAILED,
                       reason='quota <exceeded>')
        row = row_of(schedule, [factories.snapshot('s1', NOW)])
        table, html = self.render([row])
        self.assertIn('daily at 02:00 Europe/Berlin', html)
        self.assertIn('keep the last 7 snapshots', html)
        # Next run: 2026-03-11 02:00 in Berlin is 01:00 UTC, 21:00 the
        # day before in New York.
        self.assertIn('<span title="2026-03-11 01:00 UTC">'
                      'March 10, 2026 21:00 EDT</span>', html)
        # The reason once, in the state; the last run says how it went.
        self.assertEqual(1, html.count('quota &lt;exceeded&gt;'))
        self.assertIn('Failing, as the scheduler recorded: quota '
                      '&lt;exceeded&gt;', html)
        self.assertRegex(html, r'</span> \(Failed\)')
        self.assertNotIn('<exceeded>', html)
        self.assertIn(reverse(
            'horizon:project:volume_protection:schedule_detail',
            args=(VOLUME_ID, SID)), html)

    def test_names_are_escaped(self):
        evil = '<script>alert(1)</script>'
        volume = volume_with(healthy(label='x'), name=evil)
        _table, html = self.render(schedule_rows.rows([volume], [], at=NOW))
        self.assertNotIn(evil, html)
        self.assertIn('&lt;script&gt;alert(1)', html)

    def test_run_requested_polls(self):
        row = row_of(factories.replaced(healthy(), run_requested=NOW))
        _table, html = self.render([row])
        self.assertIn('ajax-update', html)
        self.assertIn('obj_id=%s' % ROW_ID, html)
        self.assertIn("at the scheduler&#x27;s next sweep", html)

    def test_a_failing_schedule_with_a_run_asked_for_polls(self):
        row = row_of(factories.replaced(
            ran(healthy(), model.OUTCOME_FAILED), run_requested=NOW))
        self.assertEqual(schedule_states.FAILING, row.state)
        table, _html = self.render([row])
        [shown] = table.get_rows()
        self.assertIsNone(shown.status)
        # Horizon's script polls the rows so marked.
        self.assertIn('warning', shown.classes)

    def test_a_settled_row_does_not_poll(self):
        table, _html = self.render([row_of(ran(healthy(),
                                                 model.OUTCOME_FAILED))])
        [shown] = table.get_rows()
        self.assertIs(False, shown.status)
        self.assertNotIn('warning', shown.classes)


class ActionsAllowedTests(helpers.TestCase):

    def allowed(self, action_class, row):
        table = schedule_tables.SchedulesTable(self.request, data=[row])
        action = action_class(table=table)
        return action.allowed(self.request, row)

    def setUp(self):
        super().setUp()
        self.request = self.factory.get('/')
        self.request.user = self.user

    def test_pause_resume_and_run_now_follow_the_schedule(self):
        active = row_of(healthy())
        paused = row_of(healthy(paused=True))
        requested = row_of(factories.replaced(healthy(), run_requested=NOW))
        invalid = schedule_rows.ScheduleRow(
            factories.volume(), model.Invalid(SID, VOLUME_ID, 'bad'), [],
            NOW)
        expected = {
            schedule_tables.PauseSchedule: (True, False, True, False),
            schedule_tables.ResumeSchedule: (False, True, False, False),
            schedule_tables.RunScheduleNow: (True, False, False, False),
            schedule_tables.DeleteSchedule: (True, True, True, True),
            schedule_tables.EditSchedule: (True, True, True, False),
            schedule_tables.CreateSchedule: (True, True, True, True),
        }
        for action, answers in expected.items():
            with self.subTest(action.name):
                self.assertEqual(answers, tuple(
                    self.allowed(action, row)
                    for row in (active, paused, requested, invalid)))

    def test_take_over_for_lost_authorization_or_another_owner(self):
        mine = row_of(healthy())
        lost = row_of(ran(healthy(), model.OUTCOME_AUTHORIZATION_LOST))
        theirs = row_of(ran(factories.schedule(), model.OUTCOME_OK))
        for row, first, from_menu in ((mine, False, False),
                                      (lost, True, False),
                                      (theirs, False, True)):
            with self.subTest(row.state, owner=row.owner_id):
                self.assertEqual(first, self.allowed(
                    schedule_tables.TakeOverSchedule, row))
                self.assertEqual(from_menu, self.allowed(
                    schedule_tables.TakeOverFromOwner, row))

    def first_action(self, row):
        """The action Horizon shows as the row's button."""
        return next(action for action
                    in schedule_tables.SchedulesTable._meta.row_actions
                    if self.allowed(action, row))

    def test_where_authorization_is_lost_take_over_comes_first(self):
        lost = row_of(ran(healthy(), model.OUTCOME_AUTHORIZATION_LOST))
        self.assertIs(schedule_tables.TakeOverSchedule,
                      self.first_action(lost))
        self.assertIs(schedule_tables.EditSchedule,
                      self.first_action(row_of(healthy())))
        theirs = row_of(ran(factories.schedule(), model.OUTCOME_OK))
        self.assertIs(schedule_tables.EditSchedule, self.first_action(theirs))


class TabDataTests(fixtures.SnapshotsOnlyMixin, helpers.TestCase):

    def tab(self):
        request = self.factory.get('/')
        request.user = auth_utils.get_user(request)
        request._messages = mock.MagicMock()
        request.session = {}
        group = mock.Mock(kwargs={})
        return schedule_views.SchedulesTab(group, request)

    @helpers.create_mocks({cinder: ['volume_list', 'protection_list']})
    def test_one_volume_and_one_snapshot_listing_for_any_number(self):
        volumes = []
        for number in range(30):
            volume = volume_with(healthy(), name='v%02d' % number)
            volume.id = 'vol-%02d' % number
            volumes.append(volume)
        self.mock_volume_list.side_effect = fixtures.cinder_volume_pages(
            volumes)
        self.mock_protection_list.return_value = []
        rows = self.tab().get_schedules_data()
        self.assertEqual(20, len(rows))  # Horizon's page size
        self.mock_volume_list.assert_called_once_with(
            helpers.IsHttpRequest(),
            search_opts={'metadata': {'volsnap_scheduled': '1'}},
            limit=21, marker=None, sort='name:asc,id:asc')
        self.mock_protection_list.assert_called_once_with(
            helpers.IsHttpRequest(), registry.volume_plugin(), None)

    @helpers.create_mocks({cinder: ['volume_list', 'protection_list']})
    def test_cinder_down_says_unavailable_in_the_tab(self):
        self.mock_volume_list.side_effect = errors.ServiceUnavailable()
        tab = self.tab()
        self.assertEqual([], tab.get_schedules_data())
        table = tab._tables['schedules']
        self.assertIn('Schedules are unavailable',
                      str(table._meta.no_data_message))
        self.mock_protection_list.assert_not_called()


SCHEDULES_URL = (reverse('horizon:project:volume_protection:index') +
                 '?tab=volume_protection__schedules')


def scheduled(count, label='nightly', prefix='v', **changes):
    """``count`` volumes of the viewer's project (``prefix`` and a number
    as name, ``vol-`` before it as id), each with one healthy schedule of
    ``label``."""
    volumes = []
    for number in range(count):
        volume_id = 'vol-%s%02d' % (prefix, number)
        volume = volume_with(healthy(
            label=label, volume_id=volume_id, project_id=fixtures.PROJECT_ID,
            **changes), name='%s%02d' % (prefix, number))
        volume.id = volume_id
        volumes.append(volume)
    return volumes


class TabSearchTests(helpers.TestCase):
    """The Schedules tab searched by volume name (in Cinder) or by label
    (among the scheduled volumes), paged, the state chosen kept."""

    @helpers.create_mocks({cinder: ['volume_list', 'protection_list']})
    def _get(self, volumes, url=SCHEDULES_URL):
        self.mock_volume_list.side_effect = fixtures.cinder_volume_pages(
            volumes)
        self.mock_protection_list.return_value = []
        res = self.client.get(url)
        self.assertEqual(200, res.status_code)
        self.listing = self.mock_volume_list.call_args
        self.assertEqual(1, self.mock_volume_list.call_count)
        return res

    def search(self, field, text):
        self.client.post(SCHEDULES_URL, {
            'schedules__filter__q_field': field,
            'schedules__filter__q': text, 'action': 'schedules__filter'})

    def labels(self, res):
        return [(row.volume_name, row.label)
                for row in res.context['table'].data]

    @helpers.create_mocks({cinder: ['name_filter']})
    def test_volume_name_searched_by_cinder_with_the_metadata_filter(self):
        self.mock_name_filter.return_value = 'name~'
        self.search(schedule_tables.VOLUME_FIELD, 'v0')
        self._get(scheduled(3))
        self.assertEqual({'name~': 'v0', 'metadata': {
            codec.MARKER_KEY: codec.MARKER_VALUE}},
            self.listing.kwargs['search_opts'])
        self.assertEqual(21, self.listing.kwargs['limit'])

    def test_label_searched_among_every_scheduled_volume_and_paged(self):
        volumes = scheduled(30) + scheduled(30, 'weekly', prefix='w')
        self.search(schedule_tables.LABEL_FIELD, 'WEEK')
        first = self._get(volumes)
        # Cinder cannot read labels: one listing of them all, by name.
        self.assertIsNone(self.listing.kwargs.get('limit'))
        self.assertEqual('name:asc,id:asc', self.listing.kwargs['sort'])
        self.assertEqual([('w%02d' % n, 'weekly') for n in range(20)],
                         self.labels(first))
        table = first.context['table']
        self.assertTrue(table.has_more_data())
        query = table.get_pagination_string()
        self.assertIn('schedule_marker=vol-w19', query)
        second = self._get(volumes, SCHEDULES_URL.partition('?')[0] + '?' +
                           query)
        self.assertEqual([('w%02d' % n, 'weekly') for n in range(20, 30)],
                         self.labels(second))
        self.assertFalse(second.context['table'].has_more_data())
        back = self._get(volumes, SCHEDULES_URL.partition('?')[0] + '?' +
                         second.context['table'].get_prev_pagination_string())
        self.assertEqual(self.labels(first), self.labels(back))

    def test_state_chosen_keeps_the_pages_rows_in_it(self):
        volumes = scheduled(3)
        volumes[1:2] = scheduled(2, prefix='v', paused=True)[1:]
        res = self._get(volumes, SCHEDULES_URL + '&state=paused')
        self.assertEqual([('v01', 'nightly')], self.labels(res))
        self.assertContains(res, 'data-state="paused" '
                                 'aria-current="true">Paused (1)')
        self.assertContains(res, 'data-state="all">All (3)')


def detail_url(name='schedule_detail'):
    return reverse('horizon:project:volume_protection:' + name,
                   args=(VOLUME_ID, SID))


class DetailAndFormTests(helpers.TestCase):

    def found(self, schedule, snapshots=()):
        volume = volume_with(schedule)
        [decoded] = codec.decode(volume)
        self.mock_find.return_value = (volume, decoded)
        self.mock_protections_of.return_value = list(snapshots)

    @helpers.create_mocks({schedules_api: ['find', 'protections_of'],
                           keystone: ['trust_get']})
    def test_detail_shows_history_next_runs_owner_and_snapshots(self):
        schedule = ran(healthy(), model.OUTCOME_FAILED, reason='<no room>')
        snapshot = factories.snapshot('snap-held', NOW)
        snapshot.name = 'db-data-daily'
        self.found(schedule, [snapshot])
        self.mock_trust_get.return_value = keystone.Trust(
            id=schedule.trust_id, trustor_user_id=USER_ID,
            trustee_user_id='scheduler', project_id=schedule.project_id)
        res = self.client.get(detail_url())
        # The viewer's own trust, checked with their token: one call.
        self.mock_trust_get.assert_called_once_with(
            helpers.IsHttpRequest(), schedule.trust_id)
        self.assertContains(res, 'Keystone still holds your authorization')
        self.assertContains(res, 'Failing, as the scheduler recorded: '
                                 '&lt;no room&gt;')
        self.assertEqual(200, res.status_code)
        self.assertTemplateUsed(res, 'volume_protection/schedules/detail.html')
        self.assertContains(res, '&lt;no room&gt;')
        self.assertNotContains(res, '<no room>')
        self.assertContains(res, 'db-data-daily')
        self.assertEqual(5, len(res.context['next_runs']))
        self.assertEqual(1, len(res.context['history']))
        self.assertTrue(res.context['owner_is_user'])
        self.assertContains(res, 'UTC')

    @helpers.create_mocks({schedules_api: ['find', 'protections_of'],
                           keystone: ['trust_get']})
    def test_the_history_names_what_each_run_deleted(self):
        slot = NOW - datetime.timedelta(hours=10)
        state = model.ScheduleState().after_run(
            slot, slot, model.OUTCOME_OK, snapshot_id='snap-new', deleted=[
                {'id': 'snap-%d' % n, 'name': '<b>golden-%d</b>' % n,
                 'why': 'retention'} for n in range(7)])
        self.found(dataclasses.replace(healthy(), state=state))
        self.mock_trust_get.side_effect = errors.NotFound()
        res = self.client.get(detail_url())
        self.assertContains(res, '&lt;b&gt;golden-0&lt;/b&gt; (snap-0, '
                                 'retention); ')
        self.assertContains(res, 'golden-4&lt;/b&gt; (snap-4, retention); '
                                 'and 2 more')
        self.assertNotContains(res, '<b>golden')

    @helpers.create_mocks({schedules_api: ['find', 'protections_of'],
                           keystone: ['trust_get']})
    def test_detail_says_when_keystone_no_longer_holds_the_trust(self):
        schedule = ran(healthy(), model.OUTCOME_OK)
        self.found(schedule)
        for answer in (errors.NotFound(), keystone.Trust(
                id=schedule.trust_id, trustor_user_id=USER_ID,
                trustee_user_id='scheduler', project_id='p-other')):
            with self.subTest(answer=answer):
                if isinstance(answer, Exception):
                    self.mock_trust_get.side_effect = answer
                else:
                    self.mock_trust_get.side_effect = None
                    self.mock_trust_get.return_value = answer
                res = self.client.get(detail_url())
                self.assertContains(res, 'Keystone no longer holds your '
                                         'authorization')

    @helpers.create_mocks({schedules_api: ['find', 'protections_of'],
                           keystone: ['trust_get', 'user_name']})
    def test_the_owner_is_named_where_keystone_tells_it(self):
        self.found(ran(factories.schedule(owner_id='u-alice'),
                       model.OUTCOME_OK))
        self.mock_user_name.return_value = '<alice>'
        res = self.client.get(detail_url())
        self.mock_user_name.assert_called_once_with(
            helpers.IsHttpRequest(), 'u-alice')
        self.assertContains(res, '&lt;alice&gt;, another member of the '
                                 'project (user u-alice)')
        self.assertNotContains(res, '<alice>')

    @helpers.create_mocks({schedules_api: ['find', 'protections_of'],
                           keystone: ['trust_get', 'user_name']})
    def test_another_members_trust_is_not_read(self):
        self.found(ran(factories.schedule(owner_id='someone-else'),
                       model.OUTCOME_AUTHORIZATION_LOST))
        self.mock_user_name.return_value = None
        res = self.client.get(detail_url())
        self.assertContains(res, "another member of the project (user "
                                 "someone-else; Keystone does not tell you "
                                 "members' names)")
        self.assertContains(res, 'Authorization lost, as the scheduler '
                                 'recorded')
        self.mock_trust_get.assert_not_called()

    @helpers.create_mocks({schedules_api: ['find', 'protections_of']})
    def test_detail_of_a_missing_schedule_redirects_with_a_message(self):
        self.mock_find.side_effect = errors.NotFound()
        res = self.client.get(detail_url())
        self.assertEqual(302, res.status_code)

    @helpers.create_mocks({schedules_api: ['find', 'protections_of',
                                           'delete']})
    def test_delete_keeps_snapshots_by_default(self):
        self.found(healthy(), [factories.snapshot('s1', NOW)])
        res = self.client.get(detail_url('delete_schedule'))
        self.assertContains(res, 'Keep the snapshot it holds')
        self.assertRegex(res.content.decode(),
                         r'<input[^>]*value="keep"[^>]*checked')
        self.assertNotRegex(res.content.decode(),
                            r'<input[^>]*value="delete"[^>]*checked')
        self.mock_delete.return_value = schedules_api.Outcome()
        res = self.client.post(detail_url('delete_schedule'),
                               {'snapshots': 'keep'})
        self.assertNoFormErrors(res)
        self.mock_delete.assert_called_once_with(
            helpers.IsHttpRequest(), VOLUME_ID, SID, keep_protections=True)

    @helpers.create_mocks({schedules_api: ['find', 'protections_of',
                                           'delete']})
    def test_delete_with_its_snapshots(self):
        self.found(healthy(), [factories.snapshot('s1', NOW)])
        self.mock_delete.return_value = schedules_api.Outcome(
            protections_deleted=1)
        res = self.client.post(detail_url('delete_schedule'),
                               {'snapshots': 'delete'})
        self.assertNoFormErrors(res)
        self.mock_delete.assert_called_once_with(
            helpers.IsHttpRequest(), VOLUME_ID, SID, keep_protections=False)

    @helpers.create_mocks({schedules_api: ['find', 'protections_of',
                                           'delete']})
    def test_delete_failure_is_a_message_not_a_500(self):
        self.found(healthy())
        self.mock_delete.side_effect = errors.ServiceUnavailable()
        res = self.client.post(detail_url('delete_schedule'),
                               {'snapshots': 'keep'})
        self.assertEqual(200, res.status_code)
        self.assertMessageCount(res, error=1)

    @helpers.create_mocks({schedules_api: ['find', 'protections_of',
                                           'take_over']})
    def test_take_over(self):
        self.found(ran(factories.schedule(), model.OUTCOME_OK))
        self.mock_take_over.return_value = schedules_api.Outcome()
        res = self.client.post(detail_url('take_over_schedule'), {})
        self.assertNoFormErrors(res)
        self.mock_take_over.assert_called_once_with(
            helpers.IsHttpRequest(), VOLUME_ID, SID)

    @helpers.create_mocks({schedules_api: ['find', 'protections_of',
                                           'take_over']})
    def test_take_over_refused_by_keystone_says_why(self):
        self.found(ran(factories.schedule(), model.OUTCOME_OK))
        self.mock_take_over.side_effect = errors.TrustRefused(
            detail='no role')
        res = self.client.post(detail_url('take_over_schedule'), {})
        self.assertEqual(200, res.status_code)
        self.assertMessageCount(res, error=1)


NOT_LISTED = ('it is not among the schedules listed (deleted or changed '
              'since the page was drawn): nothing was done.')


class GoneScheduleActionTests(helpers.TestCase):
    """Pause, Resume or Run Now on a schedule the tab does not list (
    deleted since the page was drawn, or an id made up): a message saying
    so, nothing done, back on the Schedules tab."""

    url = (reverse('horizon:project:volume_protection:index') +
           '?tab=volume_protection__schedules')

    @helpers.create_mocks({cinder: ['volume_list', 'protection_list'],
                           schedules_api: ['pause', 'run_now']})
    def test_a_schedule_deleted_meanwhile_is_said_gone(self):
        other = volume_with(healthy(), name='other')
        other.id = 'vol-other'
        for listed in ([], [other]):  # the table empty, or not
            self.mock_volume_list.return_value = listed
            self.mock_protection_list.return_value = []
            for action, said in (
                    ('pause', 'Unable to pause schedule'),
                    ('run_now', 'Unable to ask for a run of schedule')):
                res = self.client.post(self.url, {
                    'action': 'schedules__%s__%s' % (action, ROW_ID)})
                self.assertRedirectsNoFollow(res, self.url)
                # Messages wait for the next page shown: this one's last.
                shown = [str(m) for m in res.wsgi_request._messages]
                self.assertEqual('%s %s: %s' % (said, SID, NOT_LISTED),
                                 shown[-1])
                self.assertFalse([m for m in shown if 'not allowed' in m])
        self.mock_pause.assert_not_called()
        self.mock_run_now.assert_not_called()

    @helpers.create_mocks({cinder: ['volume_list', 'protection_list',
                                    'volume_get'],
                           schedules_api: ['_save', '_request_run']})
    def test_a_schedule_the_tab_does_not_list_is_not_touched(self):
        # The user's own volume, with a schedule written by hand and no
        # mark: the tab's listing (Cinder's filter on the mark) leaves it.
        unlisted = volume_with(healthy(project_id='1'), name='unlisted')
        del unlisted.metadata[codec.MARKER_KEY]
        self.mock_volume_list.return_value = []
        self.mock_protection_list.return_value = []
        self.mock_volume_get.return_value = unlisted
        for action in ('pause', 'resume', 'run_now'):
            res = self.client.post(self.url, {
                'action': 'schedules__%s__%s' % (action, ROW_ID)})
            self.assertRedirectsNoFollow(res, self.url)
            shown = [str(m) for m in res.wsgi_request._messages]
            self.assertTrue(shown[-1].endswith(NOT_LISTED), shown)
        self.mock__save.assert_not_called()
        self.mock__request_run.assert_not_called()


class BulkActionTests(helpers.TestCase):
    """Run Now, Pause and Resume on many ticked schedules: each row
    reports its own outcome, and one failure does not stop the rest."""

    url = GoneScheduleActionTests.url

    def volumes(self, count, owner_id=USER_ID):
        found = []
        for number in range(count):
            volume = volume_with(healthy(volume_id='vol-%d' % number,
                                         project_id='1', owner_id=owner_id),
                                 name='db-%d' % number)
            volume.id = 'vol-%d' % number
            found.append(volume)
        return found

    @helpers.create_mocks({cinder: ['volume_list', 'protection_list'],
                           schedules_api: ['pause']})
    def test_pause_many_one_failing(self):
        volumes = self.volumes(3)
        self.mock_volume_list.return_value = volumes
        self.mock_protection_list.return_value = []

        def pause(request, volume_id, schedule_id):
            if volume_id == 'vol-1':
                raise errors.Conflict('Volume is busy.')
        self.mock_pause.side_effect = pause
        res = self.client.post(self.url, {
            'action': 'schedules__pause',
            'object_ids': [schedule_rows.row_id(volume.id, SID)
                           for volume in volumes]})
        self.assertRedirectsNoFollow(res, self.url)
        self.assertEqual(['vol-0', 'vol-1', 'vol-2'], [
            c.args[1] for c in self.mock_pause.call_args_list])
        shown = [str(m) for m in res.wsgi_request._messages]
        self.assertIn('Unable to pause schedule %s: Volume is busy.' % SID,
                      ' '.join(shown))
        self.assertTrue(any(text.startswith('Paused Schedules: ')
                            and 'db-0' in text and 'db-2' in text
                            and 'db-1' not in text for text in shown),
                        shown)

    @helpers.create_mocks({cinder: ['volume_list', 'protection_list'],
                           schedules_api: ['take_over']})
    def test_take_over_many_one_failing_and_a_trust_left(self):
        # Another member's (who left): only those, or lost ones, are
        # taken over.
        volumes = self.volumes(3, owner_id='u-left')
        self.mock_volume_list.return_value = volumes
        self.mock_protection_list.return_value = []

        def take_over(request, volume_id, schedule_id):
            if volume_id == 'vol-1':
                raise errors.Forbidden('No trust for you.')
            return schedules_api.Outcome(trust_left=volume_id == 'vol-2')
        self.mock_take_over.side_effect = take_over
        res = self.client.post(self.url, {
            'action': 'schedules__take_over_many',
            'object_ids': [schedule_rows.row_id(volume.id, SID)
                           for volume in volumes]})
        self.assertRedirectsNoFollow(res, self.url)
        self.assertEqual(['vol-0', 'vol-1', 'vol-2'], [
            c.args[1] for c in self.mock_take_over.call_args_list])
        shown = [str(m) for m in res.wsgi_request._messages]
        self.assertIn('Unable to take over schedule %s' % SID, ' '.join(shown))
        self.assertTrue(any(text.startswith('Took over: ')
                            and 'db-0' in text and 'db-2' in text
                            and 'db-1' not in text for text in shown),
                        shown)
        self.assertEqual(1, sum('for 1 of these schedules remains' in text
                                for text in shown), shown)

    @helpers.create_mocks({cinder: ['volume_list', 'protection_list'],
                           schedules_api: ['take_over']})
    def test_take_over_skips_the_users_own_working_schedules(self):
        volumes = self.volumes(2)
        self.mock_volume_list.return_value = volumes
        self.mock_protection_list.return_value = []
        res = self.client.post(self.url, {
            'action': 'schedules__take_over_many',
            'object_ids': [schedule_rows.row_id(volume.id, SID)
                           for volume in volumes]})
        self.assertRedirectsNoFollow(res, self.url)
        self.mock_take_over.assert_not_called()
        shown = ' '.join(str(m) for m in res.wsgi_request._messages)
        self.assertIn('You are not allowed to take over', shown)

    @helpers.create_mocks({cinder: ['volume_list', 'protection_list'],
                           schedules_api: ['delete']})
    def test_delete_many_keeps_their_snapshots(self):
        volumes = self.volumes(3)
        self.mock_volume_list.return_value = volumes
        self.mock_protection_list.return_value = []

        def delete(request, volume_id, schedule_id, keep_protections):
            if volume_id == 'vol-0':
                raise errors.NotFound('Volume vol-0 could not be found.')
            return schedules_api.Outcome()
        self.mock_delete.side_effect = delete
        res = self.client.post(self.url, {
            'action': 'schedules__delete_many',
            'object_ids': [schedule_rows.row_id(volume.id, SID)
                           for volume in volumes]})
        self.assertRedirectsNoFollow(res, self.url)
        self.assertEqual(
            [('vol-%d' % n, SID, True) for n in range(3)],
            [(c.args[1], c.args[2], c.kwargs['keep_protections'])
             for c in self.mock_delete.call_args_list])
        shown = [str(m) for m in res.wsgi_request._messages]
        self.assertIn('Unable to delete schedule %s: Volume vol-0 could '
                      'not be found.' % SID, shown)
        self.assertTrue(any(
            text.startswith('Deleted schedules, their snapshots kept: ')
            and 'db-1' in text and 'db-0' not in text for text in shown),
            shown)
        self.assertFalse([text for text in shown if 'remain' in text])

    @helpers.create_mocks({cinder: ['volume_list', 'protection_list']})
    def test_the_tab_offers_the_bulk_actions(self):
        self.mock_volume_list.return_value = self.volumes(2)
        self.mock_protection_list.return_value = []
        page = self.client.get(self.url).content.decode()
        for action in ('run_now', 'pause', 'resume', 'take_over_many',
                       'delete_many'):
            self.assertIn('id="schedules__action_%s"' % action, page)
        # The bulk delete asks first (Horizon's confirmation of a danger
        # action), and says what becomes of the snapshots.
        self.assertRegex(page, r'id="schedules__action_delete_many"[^>]*'
                         r'btn-danger|btn-danger[^>]*'
                         r'id="schedules__action_delete_many"')
        self.assertIn('Their snapshots are kept', page)
        self.assertEqual(2, page.count('name="object_ids"'))


class OtherProjectTests(helpers.TestCase):
    """A reason recorded on a schedule names no project but the
    viewer's: every member of the project, readers too, sees it."""

    @helpers.create_mocks({cinder: ['volume_list', 'protection_list',
                                    'volume_get'],
                           schedules_api: ['protections_of'],
                           keystone: ['trust_get']})
    def test_another_projects_id_is_said_another_project(self):
        reason = ("the schedule's trust acts in project p-secret, not in "
                  "the volume's project 1")
        schedule = ran(healthy(project_id='1'),
                       model.OUTCOME_AUTHORIZATION_LOST, reason=reason)
        self.mock_volume_list.return_value = [volume_with(schedule)]
        self.mock_volume_get.return_value = volume_with(schedule)
        self.mock_protection_list.return_value = []
        self.mock_protections_of.return_value = []
        for url in (reverse('horizon:project:volume_protection:index')
                    + '?tab=volume_protection__schedules',
                    reverse('horizon:project:volume_protection:index')
                    + '?tab=volume_protection__volumes',
                    detail_url()):
            with self.subTest(url):
                res = self.client.get(url)
                self.assertEqual(200, res.status_code)
                self.assertNotContains(res, 'p-secret')
                self.assertContains(res, 'acts in another project, not in '
                                         'the volume&#x27;s project 1')
