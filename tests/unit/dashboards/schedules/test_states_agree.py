"""A schedule's state, built once per situation from a volume's
metadata: the Schedules tab's row and the Volumes tab show what the
rule says."""

import datetime

from django.test import SimpleTestCase

from tests.unit.protection.schedule import factories
from volsnap_dashboard.dashboards.schedules import rows as schedule_rows
from volsnap_dashboard.dashboards.schedules import tables as schedule_tables
from volsnap_dashboard.dashboards.volumes import state as protection_state
from volsnap_dashboard.dashboards.volumes import tab as volumes_tab
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import model
from volsnap_dashboard.protection.schedule import states
from volsnap_dashboard.protection import times

UTC = datetime.timezone.utc
NOW = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
# The daily 02:00 Berlin run of the factories' schedule.
TODAYS_SLOT = datetime.datetime(2026, 3, 10, 1, 0, tzinfo=UTC)
MINUTE_AGO = NOW - datetime.timedelta(minutes=1)
TWO_HOURS_AGO = NOW - datetime.timedelta(hours=2)
THREE_DAYS_AGO = TODAYS_SLOT - datetime.timedelta(days=3)


def ran(outcome, slot=TODAYS_SLOT, **changes):
    state = model.ScheduleState().after_run(slot, slot, outcome, 'why')
    return factories.schedule(state=state, **changes)


def volume_with(schedule, run_requested=None):
    metadata = {codec.MARKER_KEY: codec.MARKER_VALUE}
    metadata.update(codec.encode_definition(schedule))
    metadata.update(codec.encode_state(schedule.id, schedule.state))
    if run_requested is not None:
        metadata[codec.run_now_key(schedule.id)] = times.format_utc(
            run_requested)
    return factories.volume(metadata)


def restore_point(volume):
    """An available snapshot of ``volume``: a schedule that works
    protects it."""
    return factories.snapshot('restore-point',
                              NOW - datetime.timedelta(days=1),
                              volume_id=volume.id)


#: (situation, volume, the rule's state and the Schedules tab's, the
#: Volumes tab's: "protected" for an active schedule, else the same).
SITUATIONS = (
    ('active', volume_with(ran(model.OUTCOME_OK)), 'active', 'protected'),
    ('paused after a failure',
     volume_with(ran(model.OUTCOME_FAILED, paused=True)), 'paused',
     'paused'),
    ('paused with a run asked for',
     volume_with(ran(model.OUTCOME_OK, paused=True), MINUTE_AGO), 'paused',
     'paused'),
    ('recorded invalid', volume_with(ran(model.OUTCOME_INVALID)), 'invalid',
     'invalid'),
    ('recorded invalid, paused',
     volume_with(ran(model.OUTCOME_INVALID, paused=True)), 'invalid',
     'invalid'),
    ('unreadable', factories.volume({
        codec.MARKER_KEY: codec.MARKER_VALUE,
        codec.chunk_key('0a1b2c3d', codec.DEFINITION, 0): '{not json'}),
     'invalid', 'invalid'),
    ('authorization lost',
     volume_with(ran(model.OUTCOME_AUTHORIZATION_LOST)),
     'authorization_lost', 'authorization_lost'),
    ('authorization lost, paused',
     volume_with(ran(model.OUTCOME_AUTHORIZATION_LOST, paused=True)),
     'authorization_lost', 'authorization_lost'),
    ('failing', volume_with(ran(model.OUTCOME_FAILED)), 'failing',
     'failing'),
    ('skipped (quota)', volume_with(ran(model.OUTCOME_SKIPPED)), 'failing',
     'failing'),
    ('failing with a run asked for',
     volume_with(ran(model.OUTCOME_FAILED), MINUTE_AGO), 'failing',
     'failing'),
    ('run asked for', volume_with(ran(model.OUTCOME_OK), MINUTE_AGO),
     'run_requested', 'run_requested'),
    ('run asked for two hours ago',
     volume_with(ran(model.OUTCOME_OK), TWO_HOURS_AGO), 'overdue',
     'overdue'),
    ('run asked for, already made',
     volume_with(ran(model.OUTCOME_OK, slot=TWO_HOURS_AGO), TWO_HOURS_AGO),
     'active', 'protected'),
    ('runs missed', volume_with(ran(model.OUTCOME_OK, slot=THREE_DAYS_AGO)),
     'overdue', 'overdue'),
    ('runs missed, a run just asked for',
     volume_with(ran(model.OUTCOME_OK, slot=THREE_DAYS_AGO), MINUTE_AGO),
     'overdue', 'overdue'),
)


class StatesAgreeTests(SimpleTestCase):

    def test_both_tabs_show_each_state_as_the_rule_says(self):
        for situation, volume, row_state, volume_state in SITUATIONS:
            with self.subTest(situation):
                [schedule] = codec.decode(volume)
                self.assertEqual(row_state, states.state_of(schedule, NOW))
                [row] = schedule_rows.rows([volume], [], at=NOW)
                shown = volumes_tab.with_protection(
                    volume, [restore_point(volume)], at=NOW)
                self.assertEqual(row_state, row.state)
                self.assertEqual(volume_state, shown.protection.state)

    def test_every_state_is_built(self):
        self.assertEqual(set(states.PRECEDENCE),
                         {row_state for _s, _v, row_state, _p in SITUATIONS})
        self.assertEqual(
            set(states.PRECEDENCE) - {states.ACTIVE}
            | {protection_state.PROTECTED},
            {volume_state for _s, _v, _r, volume_state in SITUATIONS})

    def test_every_state_has_words_and_a_status_on_both_tabs(self):
        self.assertEqual(list(states.PRECEDENCE),
                         [state for state, _text in states.DISPLAY])
        self.assertEqual(set(states.PRECEDENCE), {
            state for state, _text in schedule_tables.STATE_DISPLAY})
        self.assertEqual(set(states.PRECEDENCE), {
            state for state, _status in schedule_tables.STATE_CHOICES})
        for _situation, volume, _row_state, volume_state in SITUATIONS:
            with self.subTest(volume_state):
                shown = volumes_tab.with_protection(
                    volume, [restore_point(volume)], at=NOW)
                self.assertTrue(protection_state.describe(shown.protection))
                self.assertIn(volume_state, dict(volumes_tab.STATE_STATUS))
