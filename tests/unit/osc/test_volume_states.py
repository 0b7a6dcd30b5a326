"""``openstack volume protection state list`` and ``state show`` over a
fake Cinder (volumes with their schedules' metadata, snapshots, and
backups): the Volumes tab's states, from one listing of the volumes and
one of each plugin's protections, however many volumes."""

import datetime
import types
from unittest import mock

from django.test import SimpleTestCase
from osc_lib import exceptions

from tests.unit.protection.schedule import factories
from tests.unit.scheduler import fakes
from volsnap_dashboard.osc import volume_states
from volsnap_dashboard.protection import registry
from volsnap_dashboard.protection import times
from volsnap_dashboard.protection import verification
from volsnap_dashboard.protection.schedule import model
from volsnap_dashboard.protection.schedule import store

NOW = times.now().replace(microsecond=0)


def cinder_time(moment):
    return moment.astimezone(datetime.timezone.utc).replace(
        tzinfo=None).isoformat(timespec='microseconds')


def hours_ago(hours):
    return NOW - datetime.timedelta(hours=hours)


class VolumeStateTests(SimpleTestCase):

    def setUp(self):
        super().setUp()
        self.cinder = fakes.FakeCinder()
        self.backups = []
        self.cinder.backups = types.SimpleNamespace(list=self._list_backups)
        # Scheduled nightly (since just now: none of its runs is due
        # yet), with snapshots of its volume.
        self.scheduled = self.cinder.add_volume(name='db')
        schedule = factories.schedule(
            project_id=fakes.DEMO, volume_id=self.scheduled.id,
            created=NOW - datetime.timedelta(minutes=5))
        store.save(self.cinder, self.scheduled, schedule)
        self.schedule_id = schedule.id
        self.cinder.add_snapshot(
            self.scheduled.id, cinder_time(hours_ago(30)),
            volsnap_schedule=schedule.id)
        self.tonight = self.cinder.add_snapshot(
            self.scheduled.id, cinder_time(hours_ago(6)),
            volsnap_schedule=schedule.id, **{
                verification.VERIFIED_AT_KEY: times.format_utc(
                    hours_ago(5)),
                verification.OUTCOME_KEY: verification.OK})
        # Backed up by hand only.
        self.by_hand = self.cinder.add_volume(name='web')
        self.backups.append(types.SimpleNamespace(
            id='bak-1', name='b-web', size=1, volume_id=self.by_hand.id,
            status='available', is_incremental=False,
            has_dependent_backups=False, metadata={},
            created_at=cinder_time(hours_ago(2)),
            data_timestamp=cinder_time(hours_ago(2))))
        self.bare = self.cinder.add_volume(name='logs')
        self.cinder.calls.clear()
        self.app = mock.Mock()
        holder = self.app.client_manager.volume_protection
        holder.cinder = self.cinder
        holder.project_id = fakes.DEMO
        holder.plugins = registry.volume_plugins()

    def _list_backups(self, search_opts=None):
        self.cinder.calls.append('backups.list')
        wanted = (search_opts or {}).get('volume_id')
        return [backup for backup in self.backups
                if wanted in (None, backup.volume_id)]

    def run_command(self, command_class, *argv):
        command = command_class(self.app, None)
        return command.take_action(
            command.get_parser('openstack').parse_args(list(argv)))

    def listed(self, *argv):
        columns, rows = self.run_command(volume_states.ListVolumeState,
                                         *argv)
        return {row[1]: dict(zip(columns, row, strict=True))
                for row in rows}

    def test_every_volume_from_one_listing_of_each(self):
        shown = self.listed()
        self.assertEqual(sorted(['volumes.list', 'volume_snapshots.list',
                                 'backups.list']),
                         sorted(self.cinder.calls))
        db, web, logs = shown['db'], shown['web'], shown['logs']
        self.assertEqual(('protected', 1, times.format_utc(hours_ago(6))),
                         (db['State'], db['Schedules'],
                          db['Last Protected']))
        self.assertTrue(db['Next Run (UTC)'].endswith('Z'))
        self.assertEqual('ok at %s' % times.format_utc(hours_ago(5)),
                         db['Last Verified'])
        self.assertEqual(('manual_only', 'b-web', 0),
                         (web['State'], web['Newest Restore Point'],
                          web['Schedules']))
        self.assertEqual(('unprotected', '', ''),
                         (logs['State'], logs['Newest Restore Point'],
                          logs['Next Run (UTC)']))

    def test_the_cost_stays_the_same_with_more_volumes(self):
        for number in range(20):
            self.cinder.add_volume(name='more-%d' % number)
        self.assertEqual(23, len(self.listed()))
        self.assertEqual(3, len(self.cinder.calls))

    def test_only_the_volumes_named_from_the_same_listing(self):
        shown = self.listed('web', self.bare.id)
        self.assertEqual({'web', 'logs'}, set(shown))
        self.assertEqual(3, len(self.cinder.calls))
        with self.assertRaises(exceptions.CommandError) as caught:
            self.listed('nowhere')
        self.assertIn('"nowhere"', str(caught.exception))

    def test_a_failing_schedule_outweighs_its_restore_point(self):
        store.save_state(self.cinder, self.cinder.volume(self.scheduled.id),
                         self.schedule_id, model.ScheduleState(
                             last_slot=hours_ago(1), last_run=hours_ago(1),
                             outcome='failed', reason='over quota',
                             failures=3))
        db = self.listed('db')['db']
        self.assertEqual(('failing', 'over quota'), (db['State'],
                                                     db['Reason']))

    def test_a_temporary_verification_volume_says_so(self):
        self.cinder.add_volume(name=verification.volume_name('snap-9'), **{
            verification.VERIFICATION_OF_KEY: 'snap-9',
            verification.VERIFICATION_KEY: verification.VERIFICATION_VALUE})
        self.assertEqual('temporary', self.listed()['volsnap-verify-snap-9'][
            'State'])

    def test_show_says_each_kinds_newest(self):
        self.backups.append(types.SimpleNamespace(
            id='bak-2', name='b-db', size=1, volume_id=self.scheduled.id,
            status='available', is_incremental=False,
            has_dependent_backups=False, metadata={},
            created_at=cinder_time(hours_ago(12)),
            data_timestamp=cinder_time(hours_ago(12))))
        columns, values = self.run_command(volume_states.ShowVolumeState,
                                           self.scheduled.id)
        shown = dict(zip(columns, values, strict=True))
        self.assertEqual(
            {'snapshot %s' % times.format_utc(hours_ago(6)),
             'backup %s' % times.format_utc(hours_ago(12))},
            set(shown['Newest By Kind'].split(', ')))
        self.assertEqual((self.schedule_id, 'protected', self.tonight),
                         (shown['Schedule IDs'], shown['State'],
                          shown['Newest Restore Point']))
