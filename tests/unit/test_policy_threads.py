"""Horizon creates a table's actions once per table class and every
request shares them: in a threaded server two requests evaluate the same
action at once, and each must get its own user's policy answer."""

import threading
from unittest import mock

from openstack_dashboard.test import helpers

from tests.unit.dashboards.schedules import test_tables as tab_tests
from volsnap_dashboard.dashboards.schedules import tables as schedule_tables

# Only a guard, so that a broken interleaving fails instead of hanging.
GUARD_SECONDS = 30


class SharedActionTests(helpers.TestCase):

    def setUp(self):
        super().setUp()
        self.row = tab_tests.row_of(tab_tests.healthy())
        self.member = self.factory.post('/')
        self.member.user = self.user
        self.reader = self.factory.get('/')
        self.reader.user = self.user

    def member_may_change(self, rules, request, target=None):
        return request is self.member

    def while_member_is_inside(self, action_class, datum, reader_sees):
        """What ``reader_sees()`` returns on this thread while another
        thread's member request is inside ``action_class``'s own
        ``allowed()`` (its policy answered, the action shared by both),
        and whether the member was allowed."""
        table = schedule_tables.SchedulesTable(self.member, data=[self.row])
        shared = table.base_actions[action_class.name]
        inside = threading.Event()
        reader_done = threading.Event()
        allowed = action_class.allowed
        outcome = {}

        def held_allowed(action, request, datum=None):
            if request is self.member:
                inside.set()
                reader_done.wait(GUARD_SECONDS)
            return allowed(action, request, datum)

        def member_evaluates():
            try:
                # As BatchAction.handle and get_table_actions do: on the
                # action shared by every request.
                outcome['member'] = table._filter_action(
                    shared, self.member, datum)
            except Exception as exc:  # reported on the test's thread
                outcome['error'] = exc

        with self.settings(POLICY_CHECK_FUNCTION=self.member_may_change), \
                mock.patch.object(action_class, 'allowed', held_allowed):
            member = threading.Thread(target=member_evaluates)
            member.start()
            try:
                self.assertTrue(inside.wait(GUARD_SECONDS))
                seen = reader_sees()
            finally:
                reader_done.set()
                member.join()
        self.assertNotIn('error', outcome)
        return seen, outcome['member']

    def test_reader_gets_no_pause_while_a_member_pauses(self):
        def reader_sees():
            table = schedule_tables.SchedulesTable(self.reader,
                                                   data=[self.row])
            return [action.name for action in table.get_row_actions(
                self.row)]

        seen, member_allowed = self.while_member_is_inside(
            schedule_tables.PauseSchedule, self.row, reader_sees)
        self.assertEqual([], seen)
        self.assertTrue(member_allowed)

    def test_reader_gets_no_create_while_a_member_is_offered_it(self):
        def reader_sees():
            table = schedule_tables.SchedulesTable(self.reader,
                                                   data=[self.row])
            return [action.name for action in table.get_table_actions()]

        seen, member_allowed = self.while_member_is_inside(
            schedule_tables.CreateSchedule, None, reader_sees)
        self.assertNotIn(schedule_tables.CreateSchedule.name, seen)
        self.assertTrue(member_allowed)
