"""Metadata a tenant wrote to break the reader: every case decodes to an
Invalid with a reason, quickly, and nothing but InvalidParameters leaves
the rules the panels' forms call."""

import datetime
import json

from django.test import SimpleTestCase

from volsnap_dashboard.protection import times
from volsnap_dashboard.protection.parameters import InvalidParameters
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import model
from volsnap_dashboard.protection.schedule import naming
from volsnap_dashboard.protection.schedule import timing
from tests import hostile_metadata
from tests.unit.protection.schedule import factories

UTC = datetime.timezone.utc
SID = '0a1b2c3d'
HOUR = datetime.timedelta(hours=1)
FIFTH_MONDAY_OF_FEBRUARY = '0 0 * 2 1#5'


def metadata_of(schedule, state=None, **others):
    metadata = dict(others, **codec.encode_definition(schedule))
    if state is not None:
        metadata.update(codec.encode_state(schedule.id, state))
    metadata[codec.MARKER_KEY] = codec.MARKER_VALUE
    return metadata


def decoded(metadata, min_interval=HOUR):
    return codec.decode(factories.volume(metadata), min_interval)


def replaced_document(metadata, kind, change, sid=SID):
    """``metadata`` with the ``kind`` document of ``sid`` changed by
    ``change(document)``, chunked as the codec chunks."""
    keys = sorted((key for key in metadata
                   if key.startswith('volsnap:%s:%s:' % (sid, kind))),
                  key=lambda key: int(key.rsplit(':', 1)[1]))
    document = json.loads(''.join(metadata.pop(key) for key in keys))
    change(document)
    metadata.update(hostile_metadata.chunked(kind, document, sid))
    return metadata


class CronTests(SimpleTestCase):

    def test_a_cron_running_every_28_years_is_invalid_for_the_form(self):
        schedule = factories.schedule(when=model.When(
            cron=FIFTH_MONDAY_OF_FEBRUARY, tz='America/New_York'))
        for min_interval in (HOUR, None):
            with self.assertRaises(InvalidParameters) as caught:
                model.validate(schedule, min_interval)
            self.assertIn('cron', caught.exception.errors)

    def test_a_cron_running_every_28_years_decodes_as_invalid(self):
        schedule = factories.schedule(when=model.When(
            cron=FIFTH_MONDAY_OF_FEBRUARY, tz='UTC'))
        [found] = decoded(metadata_of(schedule))
        self.assertIsInstance(found, model.Invalid)
        self.assertIn('cron', found.reason)

    def test_the_cron_library_raising_anything_is_a_cron_error(self):
        # A leap day, but also a Monday the 29th: cron's day fields are
        # either-or, so this runs often and is valid.
        self.assertIsNone(timing.cron_error('0 0 29 2 1'))
        self.assertIsNotNone(timing.cron_error(FIFTH_MONDAY_OF_FEBRUARY))


class DateTests(SimpleTestCase):

    def assert_invalid(self, metadata, field):
        [found] = decoded(metadata)
        self.assertIsInstance(found, model.Invalid)
        self.assertIn(field, found.reason)

    def test_created_outside_the_years_the_scheduler_computes(self):
        for text in ('0001-01-01T00:00:00Z', '9999-12-31T23:59:59Z',
                     '1969-12-31T23:59:59Z', '9001-01-01T00:00:00Z'):
            metadata = replaced_document(
                metadata_of(factories.schedule(id=SID, when=model.When(
                    '0 2 * * *', 'America/New_York'))), 'def',
                lambda document, text=text: document.update(created=text))
            self.assert_invalid(metadata, 'created')

    def test_last_slot_outside_those_years(self):
        for text in ('0001-01-01T00:00:00Z', '9999-12-31T23:59:59Z'):
            metadata = metadata_of(factories.schedule(id=SID),
                                   model.ScheduleState())
            replaced_document(metadata, 'state',
                              lambda document, text=text: document.update(
                                  last_slot=text))
            self.assert_invalid(metadata, 'last_slot')

    def test_run_now_outside_those_years(self):
        for text in ('0001-01-01T00:00:00Z', '9999-12-31T23:59:59Z'):
            metadata = metadata_of(factories.schedule(id=SID), **{
                codec.run_now_key(SID): text})
            self.assert_invalid(metadata, 'run_now')

    def test_the_bounds_are_years_the_zones_can_shift(self):
        for year in (times.MIN_YEAR, times.MAX_YEAR):
            text = '%04d-06-01T00:00:00Z' % year
            moment = times.parse_utc(text)
            for tz in ('America/New_York', 'Pacific/Kiritimati'):
                timing.next_runs('0 2 * * *', tz, moment, 2)
                timing.due_slot('0 2 * * *', tz, None, moment,
                                moment + datetime.timedelta(days=3))

    def test_a_snapshot_name_at_the_end_of_time_is_invalid_parameters(self):
        schedule = factories.schedule(when=model.When('0 2 * * *',
                                                      'Asia/Tokyo'))
        end = datetime.datetime(9999, 12, 31, 23, 0, tzinfo=UTC)
        with self.assertRaises(InvalidParameters):
            naming.snapshot_name(naming.DEFAULT_TEMPLATE,
                                 factories.volume(), schedule, end)

    def test_times_of_cinder_out_of_range_are_unknown(self):
        self.assertIsNone(times.parse_iso('0001-01-01T00:00:00+05:00'))
        self.assertIsNone(times.parse_iso('9999-12-31T23:00:00-05:00'))
        self.assertEqual(times.parse_iso('2026-03-01T00:00:00'),
                         datetime.datetime(2026, 3, 1, tzinfo=UTC))


class NestingAndSizeTests(SimpleTestCase):

    def test_brackets_3000_deep_are_refused_before_the_parser(self):
        metadata = dict(hostile_metadata.MARKER, **hostile_metadata.chunked(
            'def', '[' * 3000 + ']' * 3000, SID))
        [found] = decoded(metadata)
        self.assertIsInstance(found, model.Invalid)
        self.assertIn('nested', found.reason)

    def test_deep_state_is_refused_too(self):
        metadata = metadata_of(factories.schedule(id=SID))
        metadata.update(hostile_metadata.chunked(
            'state', '{"a":' * 1000 + '1' + '}' * 1000, SID))
        [found] = decoded(metadata)
        self.assertIn('nested', found.reason)

    def test_brackets_inside_strings_are_text(self):
        schedule = factories.schedule(id=SID, label='[[[[[[[[[[[[{{{{{{{{',
                                      options={'description': '[' * 100})
        [found] = decoded(metadata_of(schedule))
        self.assertIsInstance(found, model.Schedule)

    def test_a_huge_chunk_number_is_refused_without_counting_to_it(self):
        metadata = dict(hostile_metadata.MARKER, **{
            'volsnap:%s:def:%s' % (SID, '9' * 30): '{}',
            'volsnap:%s:def:0' % SID: '{}'})
        [found] = decoded(metadata)
        self.assertIn('unexpected key part', found.reason)

    def test_digits_python_reads_but_int_refuses(self):
        for part in ('\u00b2', '\u0661', '+1', ' 1'):
            metadata = dict(hostile_metadata.MARKER, **{
                'volsnap:%s:def:%s' % (SID, part): '{}'})
            [found] = decoded(metadata)
            self.assertIsInstance(found, model.Invalid)

    def test_a_long_reason_is_cut(self):
        metadata = metadata_of(factories.schedule(id=SID))
        metadata['volsnap:%s:def:%s' % (SID, 'x' * 5000)] = '{}'
        [found] = decoded(metadata)
        self.assertLessEqual(len(found.reason), codec.MAX_REASON_LENGTH)


class TextTests(SimpleTestCase):

    def test_labels_and_names_of_unprintable_characters_are_invalid(self):
        for changes in ({'label': '\ud800'}, {'label': 'a\x00b'},
                        {'name_template': '{volume_name}\udfff'},
                        {'name_template': 'a\nb{time}'}):
            with self.assertRaises(InvalidParameters):
                model.validate(factories.schedule(**changes))

    def test_other_alphabets_are_fine(self):
        model.validate(factories.schedule(label='\u00e9t\u00e9 \u4e2d',
                                          name_template='\u00e9{time}'))


class StateEncodingTests(SimpleTestCase):

    def non_ascii_state(self):
        state = model.ScheduleState()
        for day in range(1, 12):
            slot = datetime.datetime(2026, 3, day, 1, tzinfo=UTC)
            state = state.after_run(slot, slot, 'failed',
                                    '\u00e9\u4e2d\U0001f600' * 400)
        return state

    def test_a_non_ascii_state_always_fits_its_chunks(self):
        state = self.non_ascii_state()
        chunks = codec.encode_state(SID, state)
        self.assertLessEqual(len(chunks), codec.MAX_CHUNKS)
        metadata = metadata_of(factories.schedule(id=SID), **chunks)
        [found] = decoded(metadata)
        self.assertIsInstance(found, model.Schedule)
        self.assertEqual(found.state.outcome, 'failed')
        self.assertTrue(found.state.history)
        self.assertEqual(found.state.history[-1]['slot'],
                         datetime.datetime(2026, 3, 11, 1, tzinfo=UTC))

    def test_a_state_written_with_raw_characters_can_be_written_again(self):
        document = codec.state_document(self.non_ascii_state())
        metadata = metadata_of(factories.schedule(id=SID))
        metadata.update(hostile_metadata.chunked('state', document, SID,
                                                 ensure_ascii=False))
        [found] = decoded(metadata)
        later = found.state.after_run(
            datetime.datetime(2026, 4, 1, tzinfo=UTC),
            datetime.datetime(2026, 4, 1, tzinfo=UTC), 'failed',
            '\u00fc' * 3000)
        self.assertLessEqual(len(codec.encode_state(SID, later)),
                             codec.MAX_CHUNKS)

    def test_an_invalid_definition_keeps_its_readable_state(self):
        state = model.ScheduleState().after_run(
            None, datetime.datetime(2026, 3, 1, tzinfo=UTC), 'invalid',
            'why')
        metadata = metadata_of(factories.schedule(id=SID), state)
        replaced_document(metadata, 'def', lambda document: document[
            'when'].update(tz='Mars/Olympus_Mons'))
        [found] = decoded(metadata)
        self.assertIsInstance(found, model.Invalid)
        self.assertEqual(found.state, state)
        self.assertTrue(found.record_state)


class BoundTests(SimpleTestCase):

    def test_junk_ids_and_ids_without_definition_are_not_recorded(self):
        metadata = metadata_of(factories.schedule(id=SID))
        metadata.update({'volsnap:JUNK:def:0': '{}',
                         'volsnap:ffffffff:state:0': '{}'})
        found = {item.id: item for item in decoded(metadata)}
        self.assertIsInstance(found[SID], model.Schedule)
        self.assertFalse(found['JUNK'].record_state)
        self.assertFalse(found['ffffffff'].record_state)

    def test_schedules_past_the_limit_are_invalid_without_decoding(self):
        metadata = {}
        for n in range(codec.MAX_SCHEDULES + 5):
            metadata.update(metadata_of(factories.schedule(id='%08x' % n)))
        metadata.update({'volsnap:%08x:run_now' % n: 'junk'
                         for n in range(1000, 3000)})
        found = decoded(metadata)
        schedules = [s for s in found if isinstance(s, model.Schedule)]
        self.assertEqual(len(schedules), codec.MAX_SCHEDULES)
        extra = [s for s in found if isinstance(s, model.Invalid)]
        self.assertTrue(all(not s.record_state for s in extra))
        self.assertIn('too many schedules', extra[0].reason)

    def test_schedules_with_definitions_come_before_junk(self):
        metadata = metadata_of(factories.schedule(id='ffffffff'))
        metadata.update({'volsnap:%08x:state:0' % n: '{}'
                         for n in range(100)})
        found = {item.id: item for item in decoded(metadata)}
        self.assertIsInstance(found['ffffffff'], model.Schedule)

    def test_one_schedule_decodes_alone(self):
        metadata = metadata_of(factories.schedule(id=SID))
        metadata.update(metadata_of(factories.schedule(id='ffffffff')))
        metadata['volsnap:ffffffff:def:0'] = '[' * 3000
        volume = factories.volume(metadata)
        found = codec.decode_schedule(volume, SID, HOUR)
        self.assertIsInstance(found, model.Schedule)
        self.assertEqual(found.id, SID)
        self.assertIsInstance(codec.decode_schedule(volume, 'ffffffff'),
                              model.Invalid)
        self.assertIsNone(codec.decode_schedule(volume, '12345678'))

    def test_anything_unexpected_is_invalid_with_a_reason(self):
        metadata = metadata_of(factories.schedule(id=SID))
        original = codec._schedule_of

        def broken(*args):
            raise RuntimeError('surprise')

        codec._schedule_of = broken
        try:
            [found] = decoded(metadata)
        finally:
            codec._schedule_of = original
        self.assertIsInstance(found, model.Invalid)
        self.assertIn('could not be read', found.reason)


class CorpusTests(SimpleTestCase):

    def test_every_case_decodes_to_invalids_only(self):
        for name, metadata in hostile_metadata.cases(factories.PROJECT_ID):
            with self.subTest(name):
                for min_interval in (HOUR, None):
                    found = decoded(metadata, min_interval)
                    self.assertTrue(found)
                    for item in found:
                        self.assertIsInstance(item, model.Invalid)
                        self.assertTrue(item.reason)
                    # One by one, as a run re-reads its schedule.
                    for item in found[:3]:
                        self.assertIsInstance(codec.decode_schedule(
                            factories.volume(metadata), item.id,
                            min_interval), model.Invalid)


class DeletedInHistoryTests(SimpleTestCase):
    """What a run deleted, in its history entry: bounded when written,
    and anything but what the codec writes makes the state unreadable."""

    def state(self, count):
        slot = datetime.datetime(2026, 3, 1, 1, tzinfo=UTC)
        return model.ScheduleState().after_run(
            slot, slot, 'ok', snapshot_id='new', deleted=[
                {'id': 'snap-%d' % n, 'name': 'n' * 300, 'why': 'retention'}
                for n in range(count)])

    def test_written_bounded_and_read_back(self):
        metadata = metadata_of(factories.schedule(id=SID), self.state(8))
        [found] = decoded(metadata)
        [entry] = found.state.history
        self.assertEqual(['snap-%d' % n for n in range(5)],
                         [item['id'] for item in entry['deleted']])
        self.assertEqual({codec.MAX_DELETED_NAME},
                         {len(item['name']) for item in entry['deleted']})
        self.assertEqual(3, entry['deleted_more'])

    def test_a_malformed_list_makes_the_state_unreadable(self):
        for bad in ('snap-1', [1], [{'name': 'no id'}], [{'id': 5}],
                    [{'id': 'x', 'why': ['a']}]):
            with self.subTest(bad=bad):
                metadata = metadata_of(factories.schedule(id=SID),
                                       self.state(1))
                replaced_document(
                    metadata, 'state', lambda document, bad=bad: (
                        document['history'][0].__setitem__('deleted', bad)))
                [found] = decoded(metadata)
                self.assertIsInstance(found, model.Invalid)
