"""Schedules written to and read from a volume with a (mocked) Cinder
client: only our keys, stale chunks removed, the marker kept right."""

import datetime
from unittest import mock

from cinderclient import exceptions as cinder_exc
from django.test import SimpleTestCase

from volsnap_dashboard.api import errors
from volsnap_dashboard.protection import cinder_snapshot
from volsnap_dashboard.protection.parameters import InvalidParameters
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import model
from volsnap_dashboard.protection.schedule import store
from tests.unit.protection.schedule import factories

UTC = datetime.timezone.utc
SID = '0a1b2c3d'


class CinderVolumes:
    """Volume metadata as Cinder keeps it, with cinderclient's calls (its
    delete from microversion 3.15 deletes nothing when a key is gone)."""

    def __init__(self, metadata):
        self.metadata = dict(metadata)

    def get(self, volume_id):
        return factories.volume(self.metadata, id=volume_id)

    def set_metadata(self, volume, metadata):
        self.metadata.update(metadata)

    def delete_metadata(self, volume, keys):
        if set(keys) <= set(self.metadata):
            for key in keys:
                del self.metadata[key]

    def update_all_metadata(self, volume, metadata):
        raise AssertionError('replaces keys written by others')


def mock_client(metadata):
    """A client whose calls are recorded and act on CinderVolumes."""
    client = mock.Mock()
    client.volumes = mock.Mock(wraps=CinderVolumes(metadata))
    return client


def cinder_metadata(client):
    return client.volumes._mock_wraps.metadata


def written_keys(client):
    keys = set()
    for call in client.volumes.set_metadata.call_args_list:
        keys.update(call.args[1])
    return keys


def deleted_keys(client):
    keys = []
    for call in client.volumes.delete_metadata.call_args_list:
        keys.extend(call.args[1])
    return keys


class SaveTests(SimpleTestCase):

    def setUp(self):
        self.volume = factories.volume({'owner': 'db team',
                                        'backup': 'weekly'})
        self.client = mock_client(self.volume.metadata)

    def test_save_writes_only_our_keys_and_the_marker(self):
        schedule = factories.schedule()
        store.save(self.client, self.volume, schedule)
        [call] = self.client.volumes.set_metadata.call_args_list
        self.assertIs(self.volume, call.args[0])
        written = call.args[1]
        self.assertEqual('1', written.pop(codec.MARKER_KEY))
        self.assertEqual(codec.encode_definition(schedule), written)
        self.client.volumes.delete_metadata.assert_not_called()
        self.client.volumes.update_all_metadata.assert_not_called()
        # The volume object reads back what was written, beside the rest.
        self.assertEqual([schedule], store.schedules_of(self.volume))
        self.assertEqual(self.volume.metadata, cinder_metadata(self.client))

    def test_saving_a_shorter_definition_deletes_stale_chunks_only(self):
        longer = factories.schedule(options={'description': 'd' * 600})
        written = len(codec.encode_definition(longer))
        store.save(self.client, self.volume, longer)
        store.save_state(self.client, self.volume, SID,
                         model.ScheduleState(failures=1))
        cinder_metadata(self.client)[codec.run_now_key(SID)] = (
            '2026-03-05T10:00:00Z')
        self.client.reset_mock()
        shorter = factories.schedule()
        store.save(self.client, self.volume, shorter)
        kept = len(codec.encode_definition(shorter))
        self.assertEqual(
            [codec.chunk_key(SID, 'def', n) for n in range(kept, written)],
            deleted_keys(self.client))
        [back] = store.schedules_of(factories.volume(
            cinder_metadata(self.client)))
        self.assertEqual(1, back.state.failures)
        self.assertIsNotNone(back.run_requested)
        self.assertEqual(cinder_metadata(self.client), self.volume.metadata)

    def test_a_stale_chunk_already_gone_does_not_stop_the_others(self):
        longer = factories.schedule(options={'description': 'd' * 600})
        store.save(self.client, self.volume, longer)
        del cinder_metadata(self.client)[codec.chunk_key(SID, 'def', 3)]
        shorter = factories.schedule()
        store.save(self.client, self.volume, shorter)
        self.assertEqual(set(codec.encode_definition(shorter)), {
            key for key in cinder_metadata(self.client)
            if key.startswith('volsnap:')})

    def test_save_state_replaces_only_the_state(self):
        store.save(self.client, self.volume, factories.schedule())
        long_state = model.ScheduleState(reason='r' * 900)
        store.save_state(self.client, self.volume, SID, long_state)
        self.client.reset_mock()
        store.save_state(self.client, self.volume, SID,
                         model.ScheduleState())
        written = written_keys(self.client)
        self.assertEqual({'volsnap:0a1b2c3d:state:0'}, written)
        long_chunks = len(codec.encode_state(SID, long_state))
        self.assertGreater(long_chunks, 1)
        self.assertEqual(['volsnap:0a1b2c3d:state:%d' % n
                          for n in range(1, long_chunks)],
                         deleted_keys(self.client))
        [back] = store.schedules_of(factories.volume(
            cinder_metadata(self.client)))
        self.assertEqual(model.ScheduleState(), back.state)

    def test_cinder_errors_come_back_translated(self):
        self.client.volumes.set_metadata.side_effect = cinder_exc.Forbidden(
            403)
        with self.assertRaises(errors.Forbidden):
            store.save(self.client, self.volume, factories.schedule())
        self.assertEqual({'owner', 'backup'}, set(self.volume.metadata))
        self.client.volumes.get.side_effect = cinder_exc.NotFound(404)
        with self.assertRaises(errors.NotFound):
            store.remove(self.client, self.volume, SID)

    def test_a_schedule_too_large_writes_nothing(self):
        with self.assertRaises(InvalidParameters):
            store.save(self.client, self.volume, factories.schedule(
                options={'description': 'd' * 20000}))
        self.client.volumes.set_metadata.assert_not_called()


class RemoveTests(SimpleTestCase):

    def setUp(self):
        self.volume = factories.volume({'owner': 'db team'})
        self.client = mock_client(self.volume.metadata)
        store.save(self.client, self.volume, factories.schedule())
        store.save_state(self.client, self.volume, SID,
                         model.ScheduleState(failures=2))
        store_run_now = {codec.run_now_key(SID): '2026-03-05T10:00:00Z'}
        self.volume.metadata.update(store_run_now)
        cinder_metadata(self.client).update(store_run_now)
        self.client.reset_mock()

    def test_the_last_schedule_takes_the_marker_with_it(self):
        store.remove(self.client, self.volume, SID)
        deleted = deleted_keys(self.client)
        self.assertIn(codec.MARKER_KEY, deleted)
        self.assertIn('volsnap:0a1b2c3d:run_now', deleted)
        self.assertEqual({'owner': 'db team'}, self.volume.metadata)
        self.assertEqual({'owner': 'db team'}, cinder_metadata(self.client))
        self.client.volumes.set_metadata.assert_not_called()

    def test_keys_gone_meanwhile_do_not_stop_the_removal(self):
        # The scheduler cleared the run request after this volume was read.
        del cinder_metadata(self.client)[codec.run_now_key(SID)]
        store.remove(self.client, self.volume, SID)
        self.assertEqual({'owner': 'db team'}, cinder_metadata(self.client))

    def test_a_schedule_saved_meanwhile_keeps_the_marker(self):
        cinder_metadata(self.client).update(codec.encode_definition(
            factories.schedule(id='0a1b2c3e')))
        store.remove(self.client, self.volume, SID)
        self.assertIn(codec.MARKER_KEY, cinder_metadata(self.client))
        self.assertEqual(['0a1b2c3e'], [
            s.id for s in store.schedules_of(self.volume)])

    def test_the_marker_stays_while_another_schedule_remains(self):
        other = factories.schedule(id='0a1b2c3e')
        store.save(self.client, self.volume, other)
        store.remove(self.client, self.volume, SID)
        deleted = deleted_keys(self.client)
        self.assertNotIn(codec.MARKER_KEY, deleted)
        self.assertTrue(all(k.startswith('volsnap:0a1b2c3d:')
                            for k in deleted))
        self.assertEqual([other], store.schedules_of(self.volume))

    def test_an_invalid_schedule_remaining_keeps_the_marker(self):
        cinder_metadata(self.client)['volsnap:0a1b2c3e:def:0'] = '{'
        store.remove(self.client, self.volume, SID)
        self.assertNotIn(codec.MARKER_KEY, deleted_keys(self.client))

    def test_removing_an_absent_schedule_deletes_nothing(self):
        store.remove(self.client, self.volume, '0a1b2c3e')
        self.client.volumes.delete_metadata.assert_not_called()

    def test_an_invalid_schedule_can_be_removed(self):
        self.client = mock_client({'volsnap:ZZ:def:0': 'x',
                                   codec.MARKER_KEY: '1'})
        store.remove(self.client, self.volume, 'ZZ')
        self.assertEqual(['volsnap:ZZ:def:0', codec.MARKER_KEY],
                         deleted_keys(self.client))


class ProtectionsOfTests(SimpleTestCase):
    """A schedule's protections, listed through the plugin (here Cinder
    snapshots, on a mocked client)."""

    plugin = cinder_snapshot.CinderSnapshotProtectionPlugin()

    def test_one_listing_filtered_by_schedule_and_volume(self):
        client = mock.Mock()
        schedule = factories.schedule()
        client.volume_snapshots.list.return_value = [factories.snapshot(
            's1', datetime.datetime(2026, 3, 2, tzinfo=UTC))]
        self.assertEqual(['s1'], [protection.id for protection in
                                  store.protections_of(self.plugin, client,
                                                       schedule)])
        client.volume_snapshots.list.assert_called_once_with(search_opts={
            'volume_id': factories.VOLUME_ID,
            'metadata': {'volsnap_schedule': SID}})

    def test_an_administrator_lists_another_projects(self):
        client = mock.Mock()
        client.volume_snapshots.list.return_value = []
        store.protections_of(self.plugin, client, factories.schedule(),
                             all_projects=True)
        self.assertEqual(1, client.volume_snapshots.list.call_args.kwargs[
            'search_opts']['all_tenants'])

    def test_others_are_dropped_if_cinder_ignored_a_filter(self):
        client = mock.Mock()
        moment = datetime.datetime(2026, 3, 2, tzinfo=UTC)
        client.volume_snapshots.list.return_value = [
            factories.snapshot('ours', moment),
            factories.snapshot('manual', moment, schedule_id=None),
            factories.snapshot('other-schedule', moment,
                               schedule_id='99999999'),
            factories.snapshot('other-volume', moment, volume_id='v2')]
        self.assertEqual(['ours'], [protection.id for protection in
                                    store.protections_of(
                                        self.plugin, client,
                                        factories.schedule())])
