"""``openstack volume protection verify`` over the provider's real
plugins, with python-cinderclient mocked and Keystone's trust calls (the
API layer) mocked: the panel's checks, a trust of the user's own that
expires after a day, the request written onto the protection, the trust
deleted again unless the request was written."""

import datetime
from unittest import mock

from cinderclient import api_versions
from cinderclient import exceptions as cinder_exc
from cinderclient.v3 import volume_backups
from cinderclient.v3 import volume_snapshots
from django.test import SimpleTestCase
from osc_lib import exceptions

from tests.unit.osc import cli_app
from volsnap_dashboard.api import cinder_facts
from volsnap_dashboard.osc import protections
from volsnap_dashboard.osc import verify
from volsnap_dashboard.protection import registry
from volsnap_dashboard.protection import times
from volsnap_dashboard.protection import verification

PROJECT = 'p' * 32
USER = 'u' * 32
SCHEDULER = 's' * 32


def snapshot(snapshot_id, status='available', project=PROJECT, **metadata):
    return volume_snapshots.Snapshot(None, {
        'id': snapshot_id, 'name': 's-' + snapshot_id, 'size': 1,
        'volume_id': 'vol-1', 'status': status,
        'created_at': '2026-11-02T02:00:00.000000', 'metadata': metadata,
        cinder_facts.SNAPSHOT_PROJECT_ATTR: project}, loaded=True)


def backup(backup_id):
    return volume_backups.VolumeBackup(None, {
        'id': backup_id, 'name': 'b-' + backup_id, 'size': 1,
        'volume_id': 'vol-1', 'status': 'available', 'is_incremental': False,
        'has_dependent_backups': False,
        'created_at': '2026-11-02T02:00:00.000000', 'metadata': {}},
        loaded=True)


def pending(minutes_ago=5):
    asked = times.now() - datetime.timedelta(minutes=minutes_ago)
    return {verification.VERIFY_KEY: verification.REQUESTED,
            verification.REQUESTED_AT_KEY: times.format_utc(asked),
            verification.TRUST_KEY: 'older-trust'}


class VerifyTests(SimpleTestCase):

    def setUp(self):
        super().setUp()
        self.cinder = mock.Mock()
        self.cinder.api_version = api_versions.APIVersion('3.71')
        self.snapshots = {}
        self.cinder.volume_snapshots.get.side_effect = self._snapshot
        self.cinder.backups.get.side_effect = cinder_exc.NotFound(404)
        self.app = cli_app.app_of(self.cinder, PROJECT, USER)
        self.trusts = cli_app.mocked_trusts(self)

    def _snapshot(self, snapshot_id):
        if snapshot_id not in self.snapshots:
            raise cinder_exc.NotFound(404)
        return self.snapshots[snapshot_id]

    def run_command(self, *argv):
        command = verify.VerifyProtection(self.app, None)
        return command.take_action(command.get_parser('openstack')
                                   .parse_args(list(argv)))

    def written(self):
        return {call.args[0].id: call.args[1] for call in
                self.cinder.volume_snapshots.set_metadata.call_args_list}

    def test_writes_the_request_with_a_trust_of_the_users_own(self):
        self.snapshots['snap-1'] = snapshot('snap-1')
        before = times.now().replace(microsecond=0)
        self.run_command('snap-1', '--scheduler-user-id', SCHEDULER)
        create = self.trusts['create_trust'].call_args
        self.assertEqual((USER, SCHEDULER, PROJECT), create.args[1:])
        self.assertIs(self.app.client_manager.volume_protection.session,
                      create.args[0])
        expires = create.kwargs['expires_at']
        self.assertLessEqual(before + verification.TRUST_LIFETIME, expires)
        self.assertLess(expires, before + verification.TRUST_LIFETIME +
                        datetime.timedelta(minutes=1))
        marks = self.written()['snap-1']
        self.assertEqual((verification.REQUESTED, 't-1'), (
            marks[verification.VERIFY_KEY], marks[verification.TRUST_KEY]))
        self.trusts['delete_trust'].assert_not_called()

    def test_a_backup_through_its_plugin(self):
        self.cinder.backups.get.side_effect = None
        self.cinder.backups.get.return_value = backup('bak-1')
        self.run_command('bak-1', '--plugin', 'cinder-backup',
                         '--scheduler-user-id', SCHEDULER)
        self.cinder.volume_snapshots.get.assert_not_called()
        # Cinder replaces a backup's metadata whole: the plugin merges.
        self.cinder.backups.update.assert_called_once()
        self.assertEqual('t-1', self.cinder.backups.update.call_args
                         .kwargs['metadata'][verification.TRUST_KEY])

    def test_goes_on_past_what_cannot_be_verified_now(self):
        self.snapshots.update({
            'busy': snapshot('busy', **pending()),
            'making': snapshot('making', status='creating'),
            'theirs': snapshot('theirs', project='other-project'),
            'stalled': snapshot('stalled', **pending(minutes_ago=60 * 25)),
            'fine': snapshot('fine')})
        with self.assertLogs(protections.LOG, 'ERROR') as logged:
            with self.assertRaises(exceptions.CommandError) as caught:
                self.run_command('busy', 'making', 'theirs', 'missing',
                                 'stalled', 'fine',
                                 '--scheduler-user-id', SCHEDULER)
        self.assertEqual('4 of 6 protections failed to verify.',
                         str(caught.exception))
        said = '\n'.join(logged.output)
        for reason in ('already under way', 'this one is creating',
                       'your current project', 'No protection with ID '
                       'missing'):
            self.assertIn(reason, said)
        # A trust only for those asked for: a stalled one may be again.
        self.assertEqual({'stalled', 'fine'}, set(self.written()))
        self.assertEqual(2, self.trusts['create_trust'].call_count)

    def test_a_refused_write_deletes_the_trust_again(self):
        self.snapshots['snap-1'] = snapshot('snap-1')
        self.cinder.volume_snapshots.set_metadata.side_effect = \
            cinder_exc.Forbidden(403)
        with self.assertLogs(protections.LOG, 'ERROR'):
            with self.assertRaises(exceptions.CommandError):
                self.run_command('snap-1', '--scheduler-user-id', SCHEDULER)
        self.trusts['delete_trust'].assert_called_once_with(mock.ANY, 't-1')

    def test_a_lost_answer_keeps_the_trust_only_if_written(self):
        self.snapshots['snap-1'] = snapshot('snap-1')

        def lands(found, marks):
            self.snapshots['snap-1'] = snapshot('snap-1', **marks)
            raise cinder_exc.ClientException(504)

        self.cinder.volume_snapshots.set_metadata.side_effect = lands
        self.run_command('snap-1', '--scheduler-user-id', SCHEDULER)
        self.trusts['delete_trust'].assert_not_called()

        self.snapshots['snap-2'] = snapshot('snap-2')
        self.cinder.volume_snapshots.set_metadata.side_effect = \
            cinder_exc.ClientException(504)
        with self.assertLogs(protections.LOG, 'ERROR'):
            with self.assertRaises(exceptions.CommandError):
                self.run_command('snap-2', '--scheduler-user-id', SCHEDULER)
        self.trusts['delete_trust'].assert_called_once_with(mock.ANY, 't-2')

    def test_an_application_credential_is_told_why_not(self):
        self.app.client_manager.auth_plugin_name = 'v3applicationcredential'
        with self.assertRaises(exceptions.CommandError) as caught:
            self.run_command('snap-1', '--scheduler-user-id', SCHEDULER)
        self.assertIn('no application credential', str(caught.exception))
        self.cinder.volume_snapshots.get.assert_not_called()
        self.trusts['create_trust'].assert_not_called()

    def test_the_scheduler_must_be_named(self):
        with mock.patch.dict('os.environ', {'VOLSNAP_SCHEDULER_USER_ID': ''}):
            with self.assertRaises(exceptions.CommandError) as caught:
                self.run_command('snap-1')
        self.assertIn('VOLSNAP_SCHEDULER_USER_ID', str(caught.exception))


class ShowVerificationTests(SimpleTestCase):

    def show(self, found):
        cinder = mock.Mock()
        cinder.api_version = api_versions.APIVersion('3.71')
        cinder.volume_snapshots.get.return_value = found
        app = mock.Mock()
        app.client_manager.volume_protection.cinder = cinder
        app.client_manager.volume_protection.plugins = \
            registry.volume_plugins()
        command = protections.ShowProtection(app, None)
        columns, values = command.take_action(command.get_parser(
            'openstack').parse_args([found.id]))
        return dict(zip(columns, values, strict=True))

    def test_how_the_last_verification_ended(self):
        shown = self.show(snapshot('snap-1', **{
            verification.VERIFIED_AT_KEY: '2026-11-03T02:10:00Z',
            verification.OUTCOME_KEY: verification.FAILED,
            verification.REASON_KEY: 'timed out'}))
        self.assertEqual(('', 'failed', '2026-11-03T02:10:00Z', 'timed out'), (
            shown['Verification Pending'], shown['Last Verification'],
            shown['Verified At'], shown['Verification Reason']))

    def test_a_pending_one_and_a_stalled_one(self):
        self.assertEqual('requested', self.show(snapshot(
            'snap-1', **pending()))['Verification Pending'])
        self.assertEqual('stalled', self.show(snapshot(
            'snap-1', **pending(minutes_ago=60 * 25)))['Verification Pending'])
