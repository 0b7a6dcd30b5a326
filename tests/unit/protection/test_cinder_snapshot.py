"""The Cinder snapshot plugin, against a mocked cinderclient."""

from unittest import mock

from cinderclient import api_versions
from cinderclient import exceptions as cinder_exc
from cinderclient.v3 import messages
from cinderclient.v3 import volume_snapshots
from cinderclient.v3 import volumes
from django.test import SimpleTestCase

from volsnap_dashboard.api import errors
from volsnap_dashboard.protection import cinder_snapshot
from volsnap_dashboard.protection import parameters
from volsnap_dashboard.protection import waiting

OPTIONS = {'snapshot_name': 'nightly', 'description': 'db'}


def volume(status='available', name='db'):
    return volumes.Volume(None, {'id': 'vol-1', 'name': name, 'size': 2,
                                 'status': status}, loaded=True)


def snapshot(status='available', name='nightly'):
    return volume_snapshots.Snapshot(
        None, {'id': 'snap-1234567890', 'name': name, 'size': 2,
               'volume_id': 'vol-1', 'status': status,
               'created_at': '2026-11-25T12:00:00.000000'}, loaded=True)


def restored(volume_id, snapshot_id, metadata=None):
    return volumes.Volume(None, {'id': volume_id, 'name': volume_id,
                                 'snapshot_id': snapshot_id,
                                 'metadata': metadata or {}}, loaded=True)


def client(version='3.71'):
    fake = mock.Mock()
    fake.api_version = api_versions.APIVersion(version)
    fake.volume_snapshots.create.return_value = snapshot('creating')
    fake.messages.list.return_value = []
    return fake


class ProtectTests(SimpleTestCase):
    plugin = cinder_snapshot.CinderSnapshotProtectionPlugin()

    def test_creates_the_snapshot_and_saves_its_info(self):
        cinder = client()
        saved = self.plugin.protect(cinder, volume(), OPTIONS)
        cinder.volume_snapshots.create.assert_called_once_with(
            'vol-1', name='nightly', description='db')
        self.assertEqual({'snapshot_id': 'snap-1234567890',
                          'volume_id': 'vol-1', 'size': 2,
                          'created': '2026-11-25T12:00:00.000000'}, saved)
        parameters.validate(self.plugin.get_saved_info_schema(), saved)

    def test_force_is_sent_only_when_true_and_below_3_66(self):
        cinder = client('3.65')
        self.plugin.protect(cinder, volume('in-use'), dict(OPTIONS,
                                                           force=True))
        cinder.volume_snapshots.create.assert_called_once_with(
            'vol-1', name='nightly', description='db', force=True)

    def test_force_is_never_sent_from_3_66(self):
        cinder = client('3.66')
        self.plugin.protect(cinder, volume('in-use'), dict(OPTIONS,
                                                           force=True))
        cinder.volume_snapshots.create.assert_called_once_with(
            'vol-1', name='nightly', description='db')

    def test_in_use_volume_without_force_is_refused_before_3_66(self):
        cinder = client('3.65')
        with self.assertRaises(errors.Conflict) as caught:
            self.plugin.protect(cinder, volume('in-use'), OPTIONS)
        self.assertIn('attached', str(caught.exception))
        cinder.volume_snapshots.create.assert_not_called()

    def test_in_use_volume_needs_no_force_from_3_66(self):
        cinder = client('3.66')
        self.plugin.protect(cinder, volume('in-use'), OPTIONS)
        cinder.volume_snapshots.create.assert_called_once()

    def test_empty_name_falls_back_to_the_volume_name(self):
        cinder = client()
        self.plugin.protect(cinder, volume(), dict(OPTIONS, snapshot_name=''))
        self.assertEqual('db-snapshot', cinder.volume_snapshots.create
                         .call_args.kwargs['name'])

    def test_names_longer_than_cinder_allows_are_refused(self):
        cinder = client()
        with self.assertRaises(parameters.InvalidParameters) as caught:
            self.plugin.protect(cinder, volume(),
                                dict(OPTIONS, snapshot_name='x' * 256))
        self.assertEqual(['snapshot_name'], list(caught.exception.errors))
        cinder.volume_snapshots.create.assert_not_called()
        with self.assertRaises(parameters.InvalidParameters):
            self.plugin.restore(cinder, snapshot(),
                                {'restore_description': 'y' * 256})
        cinder.volumes.create.assert_not_called()

    def test_default_name_of_a_long_volume_name_fits_cinder(self):
        cinder = client()
        self.plugin.protect(cinder, volume(name='v' * 250),
                            dict(OPTIONS, snapshot_name=''))
        name = cinder.volume_snapshots.create.call_args.kwargs['name']
        self.assertEqual(255, len(name))
        self.assertTrue(name.endswith('v-snapshot'))

    def test_create_is_tagged_with_the_submission(self):
        cinder = client()
        self.plugin.protect(cinder, volume(), OPTIONS, submission='tok')
        self.assertEqual({'volsnap_submission': 'tok'},
                         cinder.volume_snapshots.create.call_args
                         .kwargs['metadata'])

    def test_given_metadata_is_recorded_beside_the_submission(self):
        cinder = client()
        self.plugin.protect(cinder, volume(), OPTIONS, submission='tok',
                            metadata={'volsnap_schedule': 'ab12cd34',
                                      'volsnap_slot': '2026-03-29T01:00:00Z'})
        self.assertEqual({'volsnap_submission': 'tok',
                          'volsnap_schedule': 'ab12cd34',
                          'volsnap_slot': '2026-03-29T01:00:00Z'},
                         cinder.volume_snapshots.create.call_args
                         .kwargs['metadata'])

    def test_find_submitted_looks_in_snapshots_and_volumes(self):
        cinder = client()
        cinder.volume_snapshots.list.return_value = ['s']
        cinder.volumes.list.return_value = ['v']
        self.assertEqual(['s', 'v'],
                         self.plugin.find_submitted(cinder, 'tok'))
        wanted = {'metadata': {'volsnap_submission': 'tok'}}
        cinder.volume_snapshots.list.assert_called_once_with(
            search_opts=wanted)
        cinder.volumes.list.assert_called_once_with(search_opts=wanted)

    def test_invalid_options_never_reach_cinder(self):
        cinder = client()
        with self.assertRaises(parameters.InvalidParameters):
            self.plugin.protect(cinder, volume(), {'snapshot_name': 'x'})
        cinder.volume_snapshots.create.assert_not_called()

    def test_over_quota_is_translated(self):
        cinder = client()
        cinder.volume_snapshots.create.side_effect = cinder_exc.OverLimit(
            413, 'SnapshotLimitExceeded')
        with self.assertRaises(errors.OverQuota):
            self.plugin.protect(cinder, volume(), OPTIONS)


class RestoreTests(SimpleTestCase):
    plugin = cinder_snapshot.CinderSnapshotProtectionPlugin()

    def test_restore_name_falls_back_to_snapshot_name(self):
        cinder = client()
        self.plugin.restore(cinder, snapshot(), {'restore_name': None})
        cinder.volumes.create.assert_called_once_with(
            2, snapshot_id='snap-1234567890', name='nightly-restore',
            description='Restored from snapshot "nightly".',
            metadata={'volsnap_restored_from': 'snap-1234567890'})

    def test_unnamed_snapshot_gets_a_readable_fallback(self):
        cinder = client()
        self.plugin.restore(cinder, snapshot(name=''), {})
        self.assertEqual('snapshot-snap-123-restore',
                         cinder.volumes.create.call_args.kwargs['name'])

    def test_defaults_of_a_long_snapshot_name_fit_cinder(self):
        cinder = client()
        self.plugin.restore(cinder, snapshot(name='s' * 250), {},
                            submission='tok')
        kwargs = cinder.volumes.create.call_args.kwargs
        self.assertEqual(255, len(kwargs['name']))
        self.assertTrue(kwargs['name'].endswith('-restore'))
        self.assertLessEqual(len(kwargs['description']), 255)
        self.assertTrue(kwargs['description'].endswith('...".'))
        self.assertEqual('tok', kwargs['metadata']['volsnap_submission'])

    def test_restored_volumes_of_every_project_for_admins(self):
        cinder = client()
        cinder.volumes.list.return_value = [
            restored('v-1', snapshot_id='snap-1'),
            restored('v-2', snapshot_id='snap-2')]
        found = self.plugin.restored_volumes(
            cinder, 'snap-1', all_projects=True,
            usable_filters={'snapshot_id', 'created_at'})
        cinder.volumes.list.assert_called_once_with(search_opts={
            'snapshot_id': 'snap-1', 'all_tenants': True})
        self.assertEqual(['v-1'], [v.id for v in found])

    def test_tenants_list_volumes_made_since_and_keep_the_snapshots(self):
        # Horizon's Create Volume leaves no tag: snapshot_id tells.
        cinder = client('3.60')
        cinder.volumes.list.return_value = [
            restored('by-horizon', snapshot_id='snap-1'),
            restored('by-plugin', snapshot_id='snap-1',
                     metadata={'volsnap_restored_from': 'snap-1'}),
            restored('other', snapshot_id='snap-2'),
            restored('blank', snapshot_id=None)]
        found = self.plugin.restored_volumes(
            cinder, 'snap-1', created_at='2026-11-25T12:00:00.000000',
            usable_filters={'name', 'created_at'})
        cinder.volumes.list.assert_called_once_with(search_opts={
            'created_at': 'gte:2026-11-25T12:00:00.000000'})
        self.assertEqual(['by-horizon', 'by-plugin'],
                         [v.id for v in found])

    def test_without_time_filters_one_listing_of_every_volume(self):
        cinder = client('3.59')
        cinder.volumes.list.return_value = [
            restored('by-horizon', snapshot_id='snap-1')]
        found = self.plugin.restored_volumes(
            cinder, 'snap-1', created_at='2026-11-25T12:00:00.000000',
            usable_filters={'created_at'})
        cinder.volumes.list.assert_called_once_with(search_opts={})
        self.assertEqual(['by-horizon'], [v.id for v in found])

    def test_given_name_description_size_zone_and_type(self):
        cinder = client()
        self.plugin.restore(cinder, snapshot(),
                            {'restore_name': 'copy',
                             'restore_description': 'for tests'},
                            size=5, availability_zone='nova',
                            volume_type='fast')
        cinder.volumes.create.assert_called_once_with(
            5, snapshot_id='snap-1234567890', name='copy',
            description='for tests', availability_zone='nova',
            volume_type='fast',
            metadata={'volsnap_restored_from': 'snap-1234567890'})

    def test_smaller_size_is_an_error(self):
        cinder = client()
        with self.assertRaises(parameters.InvalidParameters) as caught:
            self.plugin.restore(cinder, snapshot(), {}, size=1)
        self.assertIn('size', caught.exception.errors)
        cinder.volumes.create.assert_not_called()

    def test_restore_by_id_reads_the_snapshot(self):
        cinder = client()
        cinder.volume_snapshots.get.return_value = snapshot()
        self.plugin.restore(cinder, 'snap-1234567890', {})
        cinder.volume_snapshots.get.assert_called_once_with(
            'snap-1234567890')


class DeleteTests(SimpleTestCase):
    plugin = cinder_snapshot.CinderSnapshotProtectionPlugin()

    def test_delete(self):
        cinder = client()
        self.assertTrue(self.plugin.delete(cinder, snapshot()))
        cinder.volume_snapshots.delete.assert_called_once_with(
            'snap-1234567890')

    def test_already_gone_counts_as_done(self):
        cinder = client()
        cinder.volume_snapshots.delete.side_effect = cinder_exc.NotFound(404)
        cinder.volume_snapshots.get.side_effect = cinder_exc.NotFound(404)
        self.assertFalse(self.plugin.delete(cinder, 'snap-1'))

    def test_a_snapshot_whose_volume_left_the_project_is_not_gone(self):
        # Cinder answers 404 for the volume while the snapshot stays.
        cinder = client()
        cinder.volume_snapshots.delete.side_effect = cinder_exc.NotFound(
            404, 'Volume could not be found.')
        cinder.volume_snapshots.get.return_value = snapshot()
        with self.assertRaises(errors.Conflict) as caught:
            self.plugin.delete(cinder, 'snap-1')
        self.assertIn('only an administrator', str(caught.exception))

    def test_refusal_is_reported(self):
        cinder = client()
        cinder.volume_snapshots.delete.side_effect = cinder_exc.BadRequest(
            400, 'Invalid snapshot: Snapshot status must be available')
        with self.assertRaises(errors.BadRequest) as caught:
            self.plugin.delete(cinder, 'snap-1')
        self.assertIn('status must be available', str(caught.exception))


class WaitTests(SimpleTestCase):
    plugin = cinder_snapshot.CinderSnapshotProtectionPlugin()

    def _reason(self, cinder, text):
        cinder.messages.list.return_value = [messages.Message(
            None, {'id': 'm', 'user_message': text}, loaded=True)]

    def test_waits_until_available(self):
        cinder = client()
        cinder.volume_snapshots.get.side_effect = [
            snapshot('creating'), snapshot('creating'), snapshot()]
        result = self.plugin.wait_for_snapshot(cinder, 'snap-1',
                                               interval=0)
        self.assertEqual('available', result.status)
        self.assertEqual(3, cinder.volume_snapshots.get.call_count)

    def test_failed_snapshot_is_reported_and_removed(self):
        cinder = client()
        cinder.volume_snapshots.get.return_value = snapshot('error')
        self._reason(cinder, 'create snapshot: backend out of space.')
        with self.assertRaises(cinder_snapshot.ProtectionFailed) as caught:
            self.plugin.wait_for_snapshot(cinder, 'snap-1', interval=0)
        self.assertIn('backend out of space', str(caught.exception))
        self.assertTrue(caught.exception.cleaned_up)
        cinder.volume_snapshots.delete.assert_called_once_with('snap-1')

    def test_failed_snapshot_kept_when_asked(self):
        cinder = client()
        cinder.volume_snapshots.get.return_value = snapshot('error')
        with self.assertRaises(cinder_snapshot.ProtectionFailed) as caught:
            self.plugin.wait_for_snapshot(cinder, 'snap-1', interval=0,
                                          keep_failed=True)
        self.assertFalse(caught.exception.cleaned_up)
        cinder.volume_snapshots.delete.assert_not_called()

    def test_failed_restore_removes_the_volume(self):
        cinder = client()
        cinder.volumes.get.return_value = volume('error')
        with self.assertRaises(cinder_snapshot.ProtectionFailed):
            self.plugin.wait_for_restore(cinder, 'vol-9', interval=0)
        cinder.volumes.delete.assert_called_once_with('vol-9')

    def test_timeout_names_the_resource(self):
        cinder = client()
        cinder.volume_snapshots.get.return_value = snapshot('creating')
        ticks = iter([0, 1, 2, 3, 400])
        with self.assertRaises(waiting.WaitTimeout) as caught:
            waiting.wait(cinder.volume_snapshots.get, 'snap-1', 'Snapshot',
                         interval=0, timeout=300, clock=lambda: next(ticks),
                         sleep=lambda seconds: None)
        self.assertEqual('snap-1', caught.exception.resource_id)
        self.assertIn('snap-1 is still creating after 300',
                      str(caught.exception))

    def test_cinder_unreachable_while_waiting(self):
        cinder = client()
        from keystoneauth1 import exceptions as ks_exc
        cinder.volume_snapshots.get.side_effect = ks_exc.ConnectFailure()
        with self.assertRaises(errors.ServiceUnavailable):
            self.plugin.wait_for_snapshot(cinder, 'snap-1', interval=0)

    def test_deletion_wait_ends_when_gone(self):
        cinder = client()
        cinder.volume_snapshots.get.side_effect = [
            snapshot('deleting'), cinder_exc.NotFound(404)]
        self.plugin.wait_for_deletion(cinder, 'snap-1', interval=0)

    def test_deletion_failure_is_reported(self):
        cinder = client()
        cinder.volume_snapshots.get.return_value = snapshot('error_deleting')
        with self.assertRaises(cinder_snapshot.ProtectionFailed):
            self.plugin.wait_for_deletion(cinder, 'snap-1', interval=0)
