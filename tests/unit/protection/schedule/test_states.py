"""The one rule for a schedule's state: each state, the precedence
where several apply, the grace before a run is overdue and when a run
asked for is pending."""

import datetime

from django.test import SimpleTestCase

from volsnap_dashboard.protection.schedule import model
from volsnap_dashboard.protection.schedule import states
from volsnap_dashboard.protection.schedule import timing
from tests.unit.protection.schedule import factories

UTC = datetime.timezone.utc
NOW = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
# The daily 02:00 Berlin run of the factories' schedule.
TODAYS_SLOT = datetime.datetime(2026, 3, 10, 1, 0, tzinfo=UTC)
MINUTE = datetime.timedelta(minutes=1)


def ran(outcome, slot=TODAYS_SLOT, **changes):
    state = model.ScheduleState().after_run(slot, slot, outcome, 'why')
    return factories.schedule(state=state, **changes)


class StateTests(SimpleTestCase):

    def test_each_state(self):
        cases = {
            states.ACTIVE: ran(model.OUTCOME_OK),
            states.PAUSED: ran(model.OUTCOME_OK, paused=True),
            states.RUN_REQUESTED: ran(model.OUTCOME_OK,
                                      run_requested=NOW - MINUTE),
            states.FAILING: ran(model.OUTCOME_FAILED),
            states.AUTHORIZATION_LOST: ran(model.OUTCOME_AUTHORIZATION_LOST),
            states.INVALID: ran(model.OUTCOME_INVALID),
            # Last ran three days ago: two daily runs did not happen.
            states.OVERDUE: ran(model.OUTCOME_OK,
                                slot=TODAYS_SLOT - datetime.timedelta(3)),
        }
        self.assertEqual(set(states.PRECEDENCE), set(cases))
        for expected, schedule in cases.items():
            with self.subTest(expected):
                self.assertEqual(expected, states.state_of(schedule, NOW))
        self.assertEqual(states.INVALID, states.state_of(
            model.Invalid('0a1b2c3d', factories.VOLUME_ID, 'bad'), NOW))

    def test_the_first_state_that_applies_wins(self):
        missed = TODAYS_SLOT - datetime.timedelta(3)
        cases = (
            (states.INVALID, ran(model.OUTCOME_INVALID, paused=True,
                                 run_requested=NOW)),
            (states.AUTHORIZATION_LOST, ran(
                model.OUTCOME_AUTHORIZATION_LOST, paused=True)),
            (states.PAUSED, ran(model.OUTCOME_FAILED, slot=missed,
                                paused=True, run_requested=NOW)),
            (states.FAILING, ran(model.OUTCOME_SKIPPED, slot=missed,
                                 run_requested=NOW)),
            (states.OVERDUE, ran(model.OUTCOME_OK, slot=missed,
                                 run_requested=NOW)),
        )
        for expected, schedule in cases:
            with self.subTest(expected):
                self.assertEqual(expected, states.state_of(schedule, NOW))

    def test_a_run_due_minutes_ago_is_not_yet_overdue(self):
        schedule = ran(model.OUTCOME_OK,
                       slot=datetime.datetime(2026, 3, 9, 1, tzinfo=UTC))
        just_after = datetime.datetime(2026, 3, 10, 1, 5, tzinfo=UTC)
        self.assertEqual(states.ACTIVE, states.state_of(schedule, just_after))
        self.assertEqual(states.OVERDUE, states.state_of(
            schedule, just_after + datetime.timedelta(hours=1)))

    def test_a_run_asked_for_is_overdue_after_the_grace(self):
        asked = NOW - states.OVERDUE_AFTER
        schedule = ran(model.OUTCOME_OK, run_requested=asked + MINUTE)
        self.assertEqual(states.RUN_REQUESTED, states.state_of(schedule, NOW))
        schedule = ran(model.OUTCOME_OK, run_requested=asked)
        self.assertEqual(states.OVERDUE, states.state_of(schedule, NOW))
        self.assertEqual(states.RUN_REQUESTED, states.state_of(
            schedule, NOW, overdue_after=datetime.timedelta(hours=1)))


class PendingRequestTests(SimpleTestCase):

    def test_pending_until_a_run_at_or_after_it_is_recorded(self):
        asked = datetime.datetime(2026, 3, 10, 11, 0, 0, 500000, tzinfo=UTC)
        self.assertEqual(asked, states.pending_request(
            ran(model.OUTCOME_OK, run_requested=asked)))
        # The scheduler records the run at the request's second.
        self.assertIsNone(states.pending_request(ran(
            model.OUTCOME_OK, slot=asked.replace(microsecond=0),
            run_requested=asked)))
        self.assertIsNone(states.pending_request(ran(model.OUTCOME_OK)))

    def test_a_schedule_never_run_has_its_request_pending(self):
        schedule = factories.schedule(run_requested=NOW)
        self.assertEqual(NOW, states.pending_request(schedule))


class KnownNextRunTests(SimpleTestCase):
    """The scheduler's sweep passes the first run after the last, which
    it computed already: the same state, without the cron walk."""

    @staticmethod
    def next_run(schedule):
        anchor = schedule.state.last_slot or schedule.created
        [run] = timing.next_runs(schedule.when.cron, schedule.when.tz,
                                 anchor, 1)
        return run.timestamp()

    def test_the_same_state_as_without_it(self):
        yesterday = datetime.datetime(2026, 3, 9, 1, tzinfo=UTC)
        schedules = (
            ran(model.OUTCOME_OK), ran(model.OUTCOME_OK, slot=yesterday),
            ran(model.OUTCOME_OK, slot=TODAYS_SLOT - datetime.timedelta(3)),
            ran(model.OUTCOME_OK, run_requested=NOW - MINUTE),
            ran(model.OUTCOME_FAILED), ran(model.OUTCOME_OK, paused=True),
            factories.schedule())
        instants = (TODAYS_SLOT + 5 * MINUTE, TODAYS_SLOT + 29 * MINUTE,
                    TODAYS_SLOT + 31 * MINUTE, NOW)
        for schedule in schedules:
            for now in instants:
                with self.subTest(schedule=schedule.state, now=now):
                    self.assertEqual(
                        states.state_of(schedule, now),
                        states.state_of(schedule, now,
                                        next_run=self.next_run(schedule)))

    def test_a_next_run_ahead_spares_the_cron_walk(self):
        missed = ran(model.OUTCOME_OK,
                     slot=TODAYS_SLOT - datetime.timedelta(3))
        ahead = (NOW + datetime.timedelta(days=1)).timestamp()
        self.assertEqual(states.OVERDUE, states.state_of(missed, NOW))
        # Taken as said: the sweep computed it from the same record.
        self.assertEqual(states.ACTIVE,
                         states.state_of(missed, NOW, next_run=ahead))
