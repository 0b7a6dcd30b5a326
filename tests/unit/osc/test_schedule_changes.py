"""``schedule set`` and ``schedule delete`` over a fake Cinder that keeps
volume metadata, Keystone's trust calls mocked; ``keep`` / ``unkeep``
through the snapshot plugin with python-cinderclient mocked."""

import datetime
import os
import types
from unittest import mock

from cinderclient import api_versions
from cinderclient.v3 import volume_snapshots
from django.test import SimpleTestCase
from osc_lib import exceptions

from tests.unit.protection.schedule import factories
from tests.unit.scheduler import fakes
from volsnap_dashboard.api import trusts
from volsnap_dashboard.osc import schedule_changes
from volsnap_dashboard.protection import registry
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import store

OWNER = 'e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5'
SCHEDULER = 'c' * 32


def app_with(cinder, user_id=OWNER):
    app = mock.Mock()
    holder = app.client_manager.volume_protection
    holder.cinder = cinder
    holder.project_id = fakes.DEMO
    holder.user_id = user_id
    holder.plugins = registry.volume_plugins()
    return app


def run_command(app, command_class, *argv):
    command = command_class(app, None)
    return command.take_action(command.get_parser('openstack')
                               .parse_args(list(argv)))


class ScheduleChangeTests(SimpleTestCase):

    def setUp(self):
        super().setUp()
        self.cinder = fakes.FakeCinder()
        volume = self.cinder.add_volume(name='db')
        self.schedule = factories.schedule(
            volume_id=volume.id, project_id=fakes.DEMO, owner_id=OWNER,
            created=datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC))
        store.save(self.cinder, volume, self.schedule)
        self.volume_id = volume.id
        self.app = app_with(self.cinder)

    def saved(self):
        return store.schedules_of(self.cinder.volume(self.volume_id))

    def test_set_changes_what_is_given_and_keeps_owner_and_trust(self):
        run_command(self.app, schedule_changes.SetSchedule, self.volume_id,
                    self.schedule.id, '--preset', 'daily', '--at', '04:30',
                    '--keep', '3', '--label', 'nightly', '--option',
                    'description=changed')
        [schedule] = self.saved()
        self.assertEqual(
            ('30 4 * * *', 'Europe/Berlin', 3, 'nightly', 'changed',
             self.schedule.trust_id, OWNER),
            (schedule.when.cron, schedule.when.tz, schedule.retention.count,
             schedule.label, schedule.options['description'],
             schedule.trust_id, schedule.owner_id))

    def test_set_refuses_what_could_not_run_and_writes_nothing(self):
        with self.assertRaises(exceptions.CommandError) as caught:
            run_command(self.app, schedule_changes.SetSchedule,
                        self.volume_id, self.schedule.id, '--cron',
                        '*/5 * * * *')
        self.assertIn('shortest interval', str(caught.exception))
        self.assertEqual([self.schedule.when.cron],
                         [s.when.cron for s in self.saved()])

    def test_delete_drops_a_proved_trust_only(self):
        for trustee, dropped in ((SCHEDULER, True), ('d' * 32, False)):
            with self.subTest(trustee=trustee):
                store.save(self.cinder, self.cinder.volume(self.volume_id),
                           self.schedule)
                trust = types.SimpleNamespace(
                    trustor_user_id=OWNER, trustee_user_id=trustee,
                    project_id=fakes.DEMO)
                with mock.patch.object(trusts, 'get_trust',
                                       return_value=trust), \
                        mock.patch.object(trusts, 'delete_trust') as delete, \
                        mock.patch.dict(os.environ, {
                            'VOLSNAP_SCHEDULER_USER_ID': SCHEDULER}):
                    run_command(self.app, schedule_changes.DeleteSchedule,
                                self.volume_id, self.schedule.id)
                self.assertEqual([], self.saved())
                self.assertEqual(dropped, delete.called)


class KeepTests(SimpleTestCase):

    def test_keep_and_unkeep_through_the_plugin(self):
        cinder = mock.Mock()
        cinder.api_version = api_versions.APIVersion('3.71')
        cinder.volume_snapshots.get.return_value = volume_snapshots.Snapshot(
            None, {'id': 'snap-1', 'status': 'available', 'volume_id': 'v',
                   'size': 1, 'created_at': '2026-11-01T02:00:00',
                   'metadata': {}}, loaded=True)
        app = app_with(cinder)
        run_command(app, schedule_changes.KeepProtection, 'snap-1')
        [call] = cinder.volume_snapshots.set_metadata.call_args_list
        self.assertEqual(('snap-1', {codec.KEPT_KEY: codec.KEPT_VALUE}),
                         (getattr(call.args[0], 'id', call.args[0]),
                          call.args[1]))
        cinder.volume_snapshots.get.return_value.metadata = {
            codec.KEPT_KEY: codec.KEPT_VALUE}
        run_command(app, schedule_changes.UnkeepProtection, 'snap-1')
        [call] = cinder.volume_snapshots.delete_metadata.call_args_list
        self.assertEqual(('snap-1', [codec.KEPT_KEY]),
                         (getattr(call.args[0], 'id', call.args[0]),
                          call.args[1]))
