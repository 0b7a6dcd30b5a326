"""``openstack volume protection schedule create`` over a fake Cinder,
with Keystone's trust calls (the API layer) mocked: built and checked as
the panel builds schedules, saved with a trust of the user's, which goes
again when the save fails."""

from unittest import mock

from django.test import SimpleTestCase
from osc_lib import exceptions

from tests.unit.osc import cli_app
from tests.unit.scheduler import fakes
from volsnap_dashboard.api import errors
from volsnap_dashboard.osc import schedule_create
from volsnap_dashboard.protection.schedule import store

SCHEDULER_ID = 'a' * 32


class CreateScheduleTests(SimpleTestCase):

    def setUp(self):
        super().setUp()
        self.cinder = fakes.FakeCinder()
        self.volumes = [self.cinder.add_volume(name=name)
                        for name in ('db', 'web')]
        self.app = cli_app.app_of(self.cinder, fakes.DEMO, 'b' * 32)
        self.trusts = cli_app.mocked_trusts(self)

    def run_command(self, *argv):
        command = schedule_create.CreateSchedule(self.app, None)
        return command.take_action(command.get_parser('openstack')
                                   .parse_args(list(argv)))

    def saved(self, volume):
        return store.schedules_of(self.cinder.volume(volume.id))

    def test_one_schedule_each_with_its_own_trust(self):
        columns, rows = self.run_command(
            self.volumes[0].id, self.volumes[1].id, '--preset', 'weekly',
            '--weekday', 'mon', '--weekday', 'fri', '--at', '02:00',
            '--timezone', 'Europe/Berlin', '--keep', '4', '--label', 'weekly',
            '--plugin', 'cinder-backup', '--option', 'full_every=3',
            '--scheduler-user-id', SCHEDULER_ID)
        for volume, trust_id in zip(self.volumes, ('t-1', 't-2'),
                                    strict=True):
            [schedule] = self.saved(volume)
            self.assertEqual(
                ('0 2 * * 1,5', 'Europe/Berlin', 4, 'weekly',
                 'cinder-backup', trust_id, 3),
                (schedule.when.cron, schedule.when.tz,
                 schedule.retention.count, schedule.label, schedule.plugin,
                 schedule.trust_id, schedule.options['full_every']))
        call = self.trusts['create_trust'].call_args
        self.assertEqual(('b' * 32, SCHEDULER_ID, fakes.DEMO), call.args[1:])
        self.assertEqual(5, len(rows[0][columns.index(
            'Next Runs (UTC)')].split(', ')))

    def test_dry_run_saves_nothing_and_makes_no_trust(self):
        _columns, [row] = self.run_command(
            self.volumes[0].id, '--preset', 'daily', '--at', '02:30',
            '--keep', '7', '--dry-run')
        self.assertEqual(('(not saved)', '30 2 * * *'), (row[0], row[3]))
        self.trusts['create_trust'].assert_not_called()
        self.assertEqual([], self.saved(self.volumes[0]))

    def test_a_failed_save_deletes_the_trust_again(self):
        with mock.patch.object(store, 'save',
                               side_effect=errors.ServiceUnavailable()):
            with self.assertRaises(exceptions.CommandError) as caught:
                self.run_command(self.volumes[0].id, '--preset', 'daily',
                                 '--at', '02:00', '--keep', '7',
                                 '--scheduler-user-id', SCHEDULER_ID)
        self.assertIn('was not saved', str(caught.exception))
        self.trusts['delete_trust'].assert_called_once_with(mock.ANY, 't-1')

    def test_what_cannot_run_is_refused_before_any_trust(self):
        for argv, said in (
                (('--preset', 'weekly', '--at', '02:00'), '--weekday'),
                (('--cron', '*/5 * * * *'), 'shortest interval'),
                (('--preset', 'daily', '--at', '2'), 'HH:MM'),
                (('--preset', 'daily', '--at', '02:00', '--timezone',
                  'Mars/Olympus'), 'time zone')):
            with self.subTest(argv), self.assertRaises(
                    exceptions.CommandError) as caught:
                self.run_command(self.volumes[0].id, '--keep', '7',
                                 '--scheduler-user-id', SCHEDULER_ID, *argv)
            self.assertIn(said, str(caught.exception))
        self.trusts['create_trust'].assert_not_called()

    def test_an_application_credential_is_told_why_not(self):
        self.app.client_manager.auth_plugin_name = 'v3applicationcredential'
        with self.assertRaises(exceptions.CommandError) as caught:
            self.run_command(self.volumes[0].id, '--preset', 'daily',
                             '--at', '02:00', '--keep', '7')
        self.assertIn('no application credential', str(caught.exception))
        self.trusts['create_trust'].assert_not_called()

    def test_dry_run_says_what_retention_deletes_at_the_first_run(self):
        # Two snapshots by hand, one by another schedule: none is the new
        # schedule's, so its first run deletes none (as the panel says).
        for made in ('2026-11-01T02:00:00', '2026-11-02T02:00:00'):
            self.cinder.add_snapshot(self.volumes[0].id, made)
        self.cinder.add_snapshot(self.volumes[0].id, '2026-11-03T02:00:00',
                                 volsnap_schedule='0ther5ch')
        self.cinder.calls.clear()
        columns, rows = self.run_command(
            self.volumes[0].id, self.volumes[1].id, '--preset', 'daily',
            '--at', '02:30', '--keep', '1', '--dry-run')
        said = [row[columns.index('Retention At First Run')] for row in rows]
        self.assertEqual([
            "deletes 0 of its 0 snapshots, then holds 1; the volume's 3 "
            "other snapshots are not its to delete",
            'deletes 0 of its 0 snapshots, then holds 1'], said)
        # One listing for every volume; nothing written.
        self.assertEqual(1, self.cinder.calls.count('volume_snapshots.list'))
        self.assertNotIn('volumes.set_metadata', self.cinder.calls)
        self.trusts['create_trust'].assert_not_called()
