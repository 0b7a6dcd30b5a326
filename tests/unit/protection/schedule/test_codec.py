"""The schedule format in volume metadata: round trip, Cinder's limits,
tampering, versions."""

import datetime
import json
import re
from unittest import mock

from django.test import SimpleTestCase

from volsnap_dashboard.protection.parameters import InvalidParameters
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import model
from tests.unit.protection.schedule import factories

UTC = datetime.timezone.utc
SID = '0a1b2c3d'
# Cinder's rule for metadata keys.
CINDER_KEY = re.compile(r'^[a-zA-Z0-9-_:. /]{1,255}$')


def with_state():
    state = model.ScheduleState()
    for day in (1, 2):
        slot = datetime.datetime(2026, 3, day, 1, tzinfo=UTC)
        state = state.after_run(slot, slot + datetime.timedelta(minutes=2),
                                'ok', snapshot_id='snap-%d' % day)
    slot = datetime.datetime(2026, 3, 3, 1, tzinfo=UTC)
    return state.after_run(slot, slot, 'failed', 'Cinder: out of space',
                           missed=1)


def metadata_of(schedule, state=None, **others):
    metadata = dict(others)
    metadata.update(codec.encode_definition(schedule))
    if state is not None:
        metadata.update(codec.encode_state(schedule.id, state))
    metadata[codec.MARKER_KEY] = codec.MARKER_VALUE
    return metadata


def decoded(metadata, **volume_attrs):
    return codec.decode(factories.volume(metadata, **volume_attrs))


def definition_text(metadata, sid=SID):
    return ''.join(metadata['volsnap:%s:def:%d' % (sid, n)]
                   for n in range(64)
                   if 'volsnap:%s:def:%d' % (sid, n) in metadata)


def with_document(document, sid=SID):
    """Metadata holding ``document`` (any JSON) as a definition."""
    schedule = factories.schedule(id=sid)
    metadata = metadata_of(schedule)
    for key in codec.keys_of(metadata, sid):
        del metadata[key]
    text = json.dumps(document, separators=(',', ':'))
    for n in range(0, len(text), 255):
        metadata[codec.chunk_key(sid, 'def', n // 255)] = text[n:n + 255]
    return metadata


def document_of(schedule):
    return json.loads(definition_text(metadata_of(schedule), schedule.id))


class RoundTripTests(SimpleTestCase):

    def test_definition_and_state_come_back_equal(self):
        schedule = factories.schedule()
        state = with_state()
        [back] = decoded(metadata_of(schedule, state))
        self.assertEqual(factories.replaced(schedule, state=state), back)

    def test_who_paused_comes_back_while_paused(self):
        pause = model.Pause(user_id='u-1',
                            at=datetime.datetime(2026, 12, 7, 8, tzinfo=UTC),
                            by_admin=True)
        paused = factories.schedule(paused=True, paused_by=pause)
        [back] = decoded(metadata_of(paused))
        self.assertEqual(pause, back.paused_by)
        # Resumed, it says nothing of the old pause.
        resumed = factories.replaced(paused, paused=False)
        self.assertNotIn('paused_by', document_of(resumed))

    def test_without_state_the_state_is_empty(self):
        [back] = decoded(metadata_of(factories.schedule()))
        self.assertEqual(model.ScheduleState(), back.state)

    def test_the_documented_shape(self):
        document = document_of(factories.schedule())
        self.assertEqual(
            {'v', 'when', 'options', 'name', 'keep', 'paused', 'trust',
             'owner', 'project', 'label', 'created', 'volume'},
            set(document))
        self.assertEqual({'cron': '0 2 * * *', 'tz': 'Europe/Berlin',
                          'preset': {'kind': 'daily', 'hour': 2,
                                     'minute': 0}}, document['when'])
        self.assertEqual({'count': 7, 'days': None}, document['keep'])
        self.assertEqual('2026-03-01T12:00:00Z', document['created'])

    def test_compact_sorted_json(self):
        text = definition_text(metadata_of(factories.schedule()))
        self.assertTrue(text.startswith('{"created":"2026-03-01T12:00:00Z",'))
        self.assertNotIn(', ', text.replace('"description":""', ''))

    def test_several_schedules_on_one_volume_sorted_by_id(self):
        hourly = factories.schedule(id='ffff0000', label='hourly', when=(
            model.When('0 * * * *', 'UTC', {'kind': 'hourly', 'minute': 0})))
        daily = factories.schedule()
        metadata = metadata_of(hourly)
        metadata.update(metadata_of(daily))
        self.assertEqual([daily, hourly], decoded(metadata))

    def test_run_now_is_read(self):
        metadata = metadata_of(factories.schedule())
        metadata[codec.run_now_key(SID)] = '2026-03-05T10:00:00Z'
        [back] = decoded(metadata)
        self.assertEqual(datetime.datetime(2026, 3, 5, 10, tzinfo=UTC),
                         back.run_requested)

    def test_other_keys_are_not_schedules(self):
        self.assertEqual([], decoded({'owner': 'db team',
                                      codec.MARKER_KEY: '1'}))
        self.assertEqual([], codec.decode(factories.volume(metadata=None)))


class LimitTests(SimpleTestCase):

    def test_every_key_and_value_within_255_with_large_options(self):
        schedule = factories.schedule(
            options={'snapshot_name': 'n' * 255, 'description': 'é€😀' * 85,
                     'force': True},
            label='l' * 64, name_template='{volume_name}' + 'x' * 242)
        state = with_state().after_run(
            datetime.datetime(2026, 3, 4, 1, tzinfo=UTC),
            datetime.datetime(2026, 3, 4, 1, tzinfo=UTC), 'failed',
            'r' * 5000)
        metadata = metadata_of(schedule, state)
        self.assertGreater(len(metadata), 10)
        for key, value in metadata.items():
            self.assertRegex(key, CINDER_KEY)
            self.assertLessEqual(len(value), 255, key)
            self.assertTrue(value.isascii(), key)
        [back] = decoded(metadata)
        self.assertEqual(schedule.options, back.options)
        self.assertEqual(1000, len(back.state.reason))

    def test_keys_are_chunks_numbered_from_zero(self):
        schedule = factories.schedule(options={'description': 'd' * 600})
        keys = sorted(codec.encode_definition(schedule), key=lambda key: int(
            key.rsplit(':', 1)[1]))
        self.assertGreater(len(keys), 3)
        self.assertEqual(['volsnap:0a1b2c3d:def:%d' % n
                          for n in range(len(keys))], keys)

    def test_a_schedule_too_large_for_a_volume_is_refused(self):
        schedule = factories.schedule(options={'description': 'd' * 20000})
        with self.assertRaises(InvalidParameters):
            codec.encode_definition(schedule)

    def test_keys_of_one_schedule(self):
        metadata = metadata_of(factories.schedule(), with_state(),
                               other='x')
        metadata[codec.run_now_key(SID)] = '2026-03-05T10:00:00Z'
        metadata.update(metadata_of(factories.schedule(id='0a1b2c3e')))
        keys = codec.keys_of(metadata, SID)
        self.assertTrue(keys)
        self.assertTrue(all(k.startswith('volsnap:0a1b2c3d:') for k in keys))
        self.assertIn('volsnap:0a1b2c3d:run_now', keys)
        self.assertIn('volsnap:0a1b2c3d:state:0', keys)


class TamperTests(SimpleTestCase):
    """Whatever the tenant writes, decoding gives Invalid with a reason,
    never an exception, and other schedules still decode."""

    def invalid(self, metadata, **volume_attrs):
        results = decoded(metadata, **volume_attrs)
        invalid = [r for r in results if isinstance(r, model.Invalid)]
        self.assertEqual(1, len(invalid), results)
        self.assertEqual(factories.VOLUME_ID, invalid[0].volume_id)
        self.assertTrue(invalid[0].reason)
        return invalid[0]

    def test_a_schedule_copied_from_another_volume_does_not_run(self):
        # Restoring a backup to a new volume copies its volume's metadata.
        copied = metadata_of(factories.schedule(volume_id='vol-original'))
        reason = self.invalid(copied).reason
        self.assertIn('made for another volume (vol-original)', reason)

    def test_a_definition_saved_before_it_named_its_volume_still_runs(self):
        document = document_of(factories.schedule())
        del document['volume']
        [schedule] = decoded(with_document(document))
        self.assertIsInstance(schedule, model.Schedule)

    def test_a_plugin_name_of_another_shape_is_invalid(self):
        for bad in (5, '', '../etc', 'A' * 70, ['cinder-backup']):
            with self.subTest(plugin=bad):
                document = document_of(factories.schedule())
                document['plugin'] = bad
                self.invalid(with_document(document))

    def test_the_plugin_named_round_trips(self):
        [back] = decoded(metadata_of(factories.schedule(
            plugin='cinder-backup')))
        self.assertEqual('cinder-backup', back.plugin)

    def test_missing_chunk(self):
        metadata = metadata_of(factories.schedule(
            options={'description': 'd' * 600}))
        del metadata['volsnap:0a1b2c3d:def:1']
        self.assertIn('chunk 1 is missing',
                      self.invalid(metadata).reason)

    def test_changed_chunk_breaks_the_json(self):
        metadata = metadata_of(factories.schedule())
        metadata['volsnap:0a1b2c3d:def:0'] = metadata[
            'volsnap:0a1b2c3d:def:0'][:-3]
        self.assertIn('not valid JSON', self.invalid(metadata).reason)

    def test_text_after_the_json_inside_a_chunk(self):
        metadata = metadata_of(factories.schedule())
        last = max(codec.keys_of(metadata, SID))
        metadata[last] += ' '
        self.assertIn('unexpected text', self.invalid(metadata).reason)

    def test_stale_chunks_after_a_complete_document_are_read_past(self):
        # A shorter document was written, deleting the longer one's last
        # chunks failed: the new document still reads.
        longer = metadata_of(factories.schedule(
            options={'description': 'd' * 600}))
        shorter = factories.schedule()
        longer.update(metadata_of(shorter))
        self.assertEqual([shorter], decoded(longer))

    def test_odd_chunk_numbers(self):
        for key in ('volsnap:0a1b2c3d:def:x', 'volsnap:0a1b2c3d:def:01',
                    'volsnap:0a1b2c3d:def'):
            with self.subTest(key=key):
                metadata = metadata_of(factories.schedule())
                metadata[key] = '{}'
                self.assertIn('unexpected key part',
                              self.invalid(metadata).reason)

    def test_too_many_chunks(self):
        metadata = metadata_of(factories.schedule())
        for n in range(1, 70):
            metadata[codec.chunk_key(SID, 'def', n)] = ' '
        self.assertIn('too many chunks', self.invalid(metadata).reason)

    def test_not_an_object(self):
        self.assertIn('not a JSON object',
                      self.invalid(with_document([1, 2])).reason)

    def test_wrong_types(self):
        changes = {
            ('when',): 'daily', ('when', 'cron'): 2, ('keep', 'count'): '7',
            ('keep', 'days'): True, ('paused',): 'no', ('options',): [],
            ('created',): '1 March', ('trust',): '', ('project',): None,
            ('name',): None, ('label',): 5, ('when', 'preset'): 'daily'}
        for path, value in changes.items():
            with self.subTest(path=path):
                document = document_of(factories.schedule())
                target = document
                for name in path[:-1]:
                    target = target[name]
                target[path[-1]] = value
                self.assertIn(path[-1], self.invalid(
                    with_document(document)).reason)

    def test_who_paused_in_any_other_shape(self):
        good = {'user': 'u-1', 'at': '2026-12-07T08:00:00Z', 'admin': False}
        for bad in ('u-1', [], dict(good, user=''),
                    dict(good, user='u' * 65), dict(good, admin='yes'),
                    dict(good, at='yesterday'), dict(good, extra=1),
                    {'user': 'u-1', 'at': '2026-12-07T08:00:00Z'}):
            with self.subTest(bad=bad):
                document = document_of(factories.schedule(paused=True))
                document['paused_by'] = bad
                self.invalid(with_document(document))

    def test_values_failing_the_rules(self):
        document = document_of(factories.schedule())
        document['when']['tz'] = '+01:00'
        document['when']['preset'] = None
        self.assertIn('tz: ', self.invalid(with_document(document)).reason)

    def test_too_frequent_for_the_operator(self):
        schedule = factories.schedule(when=model.When('*/5 * * * *', 'UTC'))
        metadata = metadata_of(schedule)
        self.assertEqual([schedule], decoded(metadata))
        [invalid] = codec.decode(factories.volume(metadata),
                                 min_interval=datetime.timedelta(hours=1))
        self.assertIn('cron: Runs at most every 5 min', invalid.reason)

    def test_another_projects_schedule(self):
        invalid = self.invalid(metadata_of(factories.schedule()),
                               project='another-project')
        self.assertIn("not the volume's project", invalid.reason)

    def test_tampered_state(self):
        for state_text in ('{"v":1}', '{"v":1,"failures":-1,"missed":0,'
                           '"history":[]}', 'nope',
                           '{"v":1,"failures":0,"missed":0,'
                           '"history":[3]}'):
            with self.subTest(state=state_text):
                metadata = metadata_of(factories.schedule())
                metadata['volsnap:0a1b2c3d:state:0'] = state_text
                self.assertIn('state', self.invalid(metadata).reason)

    def test_bad_run_now(self):
        metadata = metadata_of(factories.schedule())
        metadata[codec.run_now_key(SID)] = 'now please'
        self.assertIn('run_now', self.invalid(metadata).reason)

    def test_bad_schedule_id_and_leftovers_without_definition(self):
        metadata = metadata_of(factories.schedule())
        metadata['volsnap:ZZ:def:0'] = metadata['volsnap:0a1b2c3d:def:0']
        self.assertEqual('ZZ', self.invalid(metadata).id)
        metadata = metadata_of(factories.schedule())
        metadata.update(codec.encode_state('0a1b2c3e', with_state()))
        self.assertIn('no definition', self.invalid(metadata).reason)

    def test_others_still_decode(self):
        metadata = metadata_of(factories.schedule())
        metadata['volsnap:0a1b2c3e:def:0'] = '{'
        results = decoded(metadata)
        self.assertIsInstance(results[0], model.Schedule)
        self.assertIsInstance(results[1], model.Invalid)


class VersionTests(SimpleTestCase):

    def test_unknown_fields_are_ignored(self):
        schedule = factories.schedule()
        document = document_of(schedule)
        document['colour'] = 'blue'
        document['when']['jitter'] = 30
        self.assertEqual([schedule], decoded(with_document(document)))

    def test_unknown_kinds_of_keys_are_ignored(self):
        schedule = factories.schedule()
        metadata = metadata_of(schedule)
        metadata['volsnap:0a1b2c3d:notes:0'] = 'later versions'
        metadata['volsnap:0a1b2c3d'] = 'x'
        self.assertEqual([schedule], decoded(metadata))

    def test_a_newer_version_is_invalid_here(self):
        document = document_of(factories.schedule())
        document['v'] = 2
        self.assertIn('newer version', decoded(
            with_document(document))[0].reason)

    def test_no_version_is_invalid(self):
        for version in (None, '1', 0, True):
            with self.subTest(version=version):
                document = document_of(factories.schedule())
                document['v'] = version
                self.assertIn('version', decoded(
                    with_document(document))[0].reason)

    def test_an_old_version_is_read_through_upgrade(self):
        """As if version 2 had renamed ``keep`` to ``retention``: a version
        2 reader reads a version 1 document through its step."""
        schedule = factories.schedule()
        old_document = document_of(schedule)

        def v1_to_v2(document):
            document['retention'] = document.pop('keep')
            document['v'] = 2
            return document

        steps = {1: v1_to_v2}
        with mock.patch.object(codec, 'VERSION', 2):
            upgraded = codec.upgrade(old_document, steps)
            self.assertEqual(2, upgraded['v'])
            self.assertEqual({'count': 7, 'days': None},
                             upgraded['retention'])
            self.assertNotIn('keep', upgraded)
            with mock.patch.dict(codec.DEFINITION_UPGRADES, steps):
                reads_upgraded = mock.patch.object(
                    codec, '_schedule_of', wraps=codec._schedule_of)
                with reads_upgraded as schedule_of:
                    decoded(with_document(old_document))
                self.assertEqual(upgraded, schedule_of.call_args.args[2])

    def test_the_current_version_needs_no_step(self):
        document = document_of(factories.schedule())
        self.assertEqual(document, codec.upgrade(dict(document)))
