"""Each volume's protection state, computed from its schedules and
snapshots alone."""

import datetime

from django.test import SimpleTestCase

from tests.unit.protection.schedule import factories
from volsnap_dashboard.dashboards.volumes import state as states
from volsnap_dashboard.protection.schedule import model
from volsnap_dashboard.protection.schedule import retention
from volsnap_dashboard.protection.schedule import states as schedule_states

UTC = datetime.timezone.utc
# A Wednesday 10:00 UTC; the daily 02:00 Berlin run was at 01:00 UTC.
NOW = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
TODAYS_SLOT = datetime.datetime(2026, 11, 25, 1, 0, tzinfo=UTC)


def ran(outcome, slot=TODAYS_SLOT, reason='', failures=0, **changes):
    state = model.ScheduleState(last_slot=slot, last_run=slot,
                                outcome=outcome, reason=reason,
                                failures=failures)
    return factories.schedule(state=state, **changes)


def snapshot(snapshot_id, hours_ago, status='available'):
    return factories.snapshot(snapshot_id,
                              NOW - datetime.timedelta(hours=hours_ago),
                              status=status, schedule_id=None)


# The snapshot today's run made: a restore point.
TODAYS = (snapshot('today', 9),)


def protection(schedules=(), snapshots=(), now=NOW):
    return states.protection_of(list(schedules), list(snapshots), now)


class StateTests(SimpleTestCase):

    def test_no_schedule_and_no_snapshot_is_unprotected(self):
        found = protection()
        self.assertEqual(states.UNPROTECTED, found.state)
        self.assertIsNone(found.newest_protection)
        self.assertIsNone(found.newest_age)
        self.assertIsNone(found.next_run)

    def test_only_failed_snapshots_leave_a_volume_unprotected(self):
        found = protection(snapshots=[snapshot('s1', 2, status='error')])
        self.assertEqual(states.UNPROTECTED, found.state)

    def test_snapshots_without_schedule_are_manual_only(self):
        found = protection(snapshots=[snapshot('old', 50),
                                      snapshot('new', 3),
                                      snapshot('failed', 1, 'error')])
        self.assertEqual(states.MANUAL_ONLY, found.state)
        self.assertEqual('new', found.newest_protection.id)
        self.assertEqual(datetime.timedelta(hours=3), found.newest_age)

    def test_active_schedule_whose_last_run_succeeded_is_protected(self):
        found = protection([ran(model.OUTCOME_OK)], TODAYS)
        self.assertEqual(states.PROTECTED, found.state)
        self.assertEqual('', found.reason)
        self.assertEqual('Protected', str(states.describe(found)))

    def test_new_schedule_with_nothing_due_yet_has_no_snapshot_yet(self):
        created = NOW - datetime.timedelta(hours=1)
        found = protection([factories.schedule(created=created)])
        self.assertEqual(states.SCHEDULED_NO_SNAPSHOT, found.state)
        self.assertEqual('Scheduled, no restore point yet',
                         str(states.describe(found)))
        # The first run's time, for the row to show.
        self.assertEqual(datetime.datetime(2026, 11, 26, 1, 0, tzinfo=UTC),
                         found.next_run)

    def test_new_schedule_of_a_volume_snapshotted_by_hand_is_protected(self):
        created = NOW - datetime.timedelta(hours=1)
        found = protection([factories.schedule(created=created)],
                           [snapshot('by-hand', 30)])
        self.assertEqual(states.PROTECTED, found.state)

    def test_a_schedule_whose_snapshots_are_all_gone_protects_nothing(self):
        for left in ((), (snapshot('failed', 9, 'error'),),
                     (snapshot('going', 9, 'deleting'),)):
            with self.subTest(left=[item.status for item in left]):
                found = protection([ran(model.OUTCOME_OK)], left)
                self.assertEqual(states.NO_RESTORE_POINT, found.state)
                self.assertEqual('Not protected: no available restore point',
                                 str(states.describe(found)))

    def test_next_run_is_the_schedules_next_in_its_zone(self):
        found = protection([ran(model.OUTCOME_OK)])
        self.assertEqual(datetime.datetime(2026, 11, 26, 1, 0, tzinfo=UTC),
                         found.next_run)
        self.assertEqual('Europe/Berlin', str(found.next_run.tzinfo))

    def test_next_run_is_the_earliest_of_the_active_schedules(self):
        hourly = ran(model.OUTCOME_OK, id='11111111',
                     when=model.When('30 * * * *', 'UTC'),
                     slot=NOW - datetime.timedelta(minutes=30))
        paused = ran(model.OUTCOME_OK, id='22222222', paused=True,
                     when=model.When('45 * * * *', 'UTC'))
        found = protection([factories.schedule(), hourly, paused])
        self.assertEqual(datetime.datetime(2026, 11, 25, 10, 30,
                                           tzinfo=UTC), found.next_run)

    def test_a_missed_run_makes_it_overdue(self):
        yesterday = TODAYS_SLOT - datetime.timedelta(days=1)
        found = protection([ran(model.OUTCOME_OK, slot=yesterday)])
        self.assertEqual(schedule_states.OVERDUE, found.state)

    def test_a_run_due_moments_ago_is_not_overdue_yet(self):
        yesterday = TODAYS_SLOT - datetime.timedelta(days=1)
        soon_after = TODAYS_SLOT + datetime.timedelta(minutes=5)
        found = protection([ran(model.OUTCOME_OK, slot=yesterday)],
                           TODAYS, now=soon_after)
        self.assertEqual(states.PROTECTED, found.state)

    def test_a_run_now_never_made_is_overdue(self):
        asked = ran(model.OUTCOME_OK,
                    run_requested=NOW - datetime.timedelta(hours=2))
        found = protection([asked])
        self.assertEqual(schedule_states.OVERDUE, found.state)
        self.assertTrue(found.busy)

    def test_a_failed_run_is_failing_with_cinders_reason(self):
        found = protection([ran(model.OUTCOME_FAILED, failures=3,
                                reason='No valid backend was found.')])
        self.assertEqual(schedule_states.FAILING, found.state)
        self.assertEqual('No valid backend was found.', found.reason)
        self.assertEqual(3, found.failures)
        self.assertEqual('Failing (3 runs in a row), as the scheduler '
                         'recorded: No valid backend was found.',
                         str(states.describe(found)))

    def test_a_skipped_run_is_failing_with_the_reason(self):
        found = protection([ran(model.OUTCOME_SKIPPED,
                                reason='Snapshot quota is full.')])
        self.assertEqual(schedule_states.FAILING, found.state)
        self.assertEqual('Failing, as the scheduler recorded: Snapshot '
                         'quota is full.', str(states.describe(found)))

    def test_paused(self):
        yesterday = TODAYS_SLOT - datetime.timedelta(days=5)
        found = protection([ran(model.OUTCOME_OK, slot=yesterday,
                                paused=True)])
        self.assertEqual(schedule_states.PAUSED, found.state)
        self.assertIsNone(found.next_run)

    def test_authorization_lost(self):
        found = protection([ran(model.OUTCOME_AUTHORIZATION_LOST,
                                reason='The trust was deleted.')])
        self.assertEqual(schedule_states.AUTHORIZATION_LOST, found.state)
        self.assertEqual('The trust was deleted.', found.reason)

    def test_unreadable_schedule_is_invalid_with_why(self):
        broken = model.Invalid(id='0a1b2c3d', volume_id='v',
                               reason='bad JSON')
        found = protection([broken])
        self.assertEqual(schedule_states.INVALID, found.state)
        self.assertEqual('bad JSON', found.reason)

    def test_schedule_the_scheduler_found_invalid_is_invalid(self):
        found = protection([ran(model.OUTCOME_INVALID,
                                reason='Another project\'s trust.')])
        self.assertEqual(schedule_states.INVALID, found.state)


class SeveralSchedulesTests(SimpleTestCase):

    def test_a_working_schedule_outweighs_a_paused_one(self):
        found = protection([ran(model.OUTCOME_OK),
                            ran(model.OUTCOME_OK, id='22222222',
                                paused=True)], TODAYS)
        self.assertEqual(states.PROTECTED, found.state)

    def test_the_most_urgent_state_wins(self):
        found = protection([ran(model.OUTCOME_OK),
                            ran(model.OUTCOME_FAILED, id='22222222',
                                reason='boom', failures=1)])
        self.assertEqual(schedule_states.FAILING, found.state)
        self.assertEqual('boom', found.reason)


class BusyTests(SimpleTestCase):

    def test_settled_snapshots_are_not_busy(self):
        self.assertFalse(protection(snapshots=[snapshot('s', 1)]).busy)

    def test_a_snapshot_being_made_keeps_the_row_refreshing(self):
        found = protection(snapshots=[snapshot('s', 0, 'creating')])
        self.assertTrue(found.busy)

    def test_a_failing_schedule_with_a_run_asked_for_keeps_refreshing(self):
        found = protection([ran(model.OUTCOME_FAILED, run_requested=NOW)])
        self.assertEqual(schedule_states.FAILING, found.state)
        self.assertTrue(found.busy)

    def test_a_run_asked_for_that_the_scheduler_made_is_settled(self):
        asked = NOW - datetime.timedelta(hours=2)
        found = protection([ran(model.OUTCOME_OK, slot=asked,
                                run_requested=asked)], TODAYS)
        self.assertEqual(states.PROTECTED, found.state)
        self.assertFalse(found.busy)


class CreatedAtTests(SimpleTestCase):

    def test_cinders_naive_time_is_utc(self):
        self.assertEqual(datetime.datetime(2026, 11, 25, 12, 0, tzinfo=UTC),
                         retention.created_at(factories.snapshot(
                             's', datetime.datetime(2026, 11, 25, 12, 0,
                                                    tzinfo=UTC))))

    def test_an_unreadable_time_is_none_and_skipped(self):
        bad = snapshot('bad', 1)
        bad.created_at = 'yesterday'
        found = protection(snapshots=[bad, snapshot('good', 5)])
        self.assertIsNone(retention.created_at(bad))
        self.assertEqual('good', found.newest_protection.id)
