"""``openstack volume protection schedule ...`` over a fake Cinder that
keeps volume metadata: the project's schedules from one listing, an
unreadable one shown as invalid, pause, resume and run now written as
the panels write them."""

import datetime
from unittest import mock

from django.test import SimpleTestCase
from osc_lib import exceptions

from tests.unit.protection.schedule import factories
from tests.unit.scheduler import fakes
from volsnap_dashboard.osc import schedules
from volsnap_dashboard.protection import registry
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import store


class ScheduleCommandTests(SimpleTestCase):

    def setUp(self):
        super().setUp()
        self.cinder = fakes.FakeCinder()
        created = datetime.datetime.now(datetime.timezone.utc) - \
            datetime.timedelta(minutes=5)
        self.schedule = factories.schedule(
            project_id=fakes.DEMO, created=created.replace(microsecond=0))
        volume = self.cinder.add_volume(name='db')
        self.schedule.volume_id = volume.id
        store.save(self.cinder, volume, self.schedule)
        self.volume_id = volume.id
        # A member wrote junk under a schedule's keys.
        self.junk = self.cinder.add_volume(name='web', **{
            codec.MARKER_KEY: codec.MARKER_VALUE,
            'volsnap:ffff0000:d:0': '{"not": "a schedule"'})
        self.cinder.calls.clear()
        self.app = mock.Mock()
        holder = self.app.client_manager.volume_protection
        holder.cinder = self.cinder
        holder.project_id = fakes.DEMO
        holder.user_id = 'u-1'
        holder.plugins = registry.volume_plugins()

    def run_command(self, command_class, *argv):
        command = command_class(self.app, None)
        return command.take_action(
            command.get_parser('openstack').parse_args(list(argv)))

    def test_list_is_one_listing_and_junk_is_an_invalid_row(self):
        columns, rows = self.run_command(schedules.ListSchedule)
        self.assertEqual(['volumes.list'], self.cinder.calls)
        shown = {row[0]: dict(zip(columns, row, strict=True))
                 for row in rows}
        mine = shown[self.schedule.id]
        self.assertEqual(('db', 'snapshot', 'active', 'daily'),
                         (mine['Volume'], mine['Kind'], mine['State'],
                          mine['Label']))
        self.assertTrue(mine['Next Run'].endswith('Z'))
        self.assertTrue(shown['ffff0000']['State'].startswith('invalid: '))

    def test_pause_resume_and_run_now(self):
        self.run_command(schedules.PauseSchedule, self.volume_id,
                         self.schedule.id)
        [paused] = store.schedules_of(self.cinder.volume(self.volume_id))
        self.assertEqual((True, 'u-1'), (paused.paused,
                                         paused.paused_by.user_id))
        with self.assertRaises(exceptions.CommandError) as caught:
            self.run_command(schedules.RunSchedule, self.volume_id,
                             self.schedule.id)
        self.assertEqual('1 of 1 schedules failed to run.',
                         str(caught.exception))
        self.run_command(schedules.ResumeSchedule, self.volume_id,
                         self.schedule.id)
        self.run_command(schedules.RunSchedule, self.volume_id,
                         self.schedule.id)
        [schedule] = store.schedules_of(self.cinder.volume(self.volume_id))
        self.assertFalse(schedule.paused)
        self.assertIsNotNone(schedule.run_requested)
        columns, values = self.run_command(
            schedules.ShowSchedule, self.volume_id, self.schedule.id)
        shown = dict(zip(columns, values, strict=True))
        self.assertEqual('run_requested', shown['State'])

    def test_another_projects_volume_is_refused(self):
        theirs = self.cinder.add_volume(project=fakes.ALT, name='theirs')
        with self.assertRaises(exceptions.CommandError) as caught:
            self.run_command(schedules.ListSchedule, '--volume', theirs.id)
        self.assertIn('your current project', str(caught.exception))

    def test_an_unknown_schedule_is_named(self):
        with self.assertRaises(exceptions.CommandError) as caught:
            self.run_command(schedules.ShowSchedule, self.volume_id,
                             'abcdef12')
        self.assertIn('has no schedule abcdef12', str(caught.exception))
