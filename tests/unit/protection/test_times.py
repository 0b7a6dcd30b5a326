"""Times as the plugin writes and reads them: the one "now", the one way
it writes a time, and the readings its callers rely on (Cinder's zoneless
times, tenants' tags, the schedule's own strict fields)."""

import datetime
import zoneinfo

from django.test import SimpleTestCase

from volsnap_dashboard.protection import times

UTC = datetime.timezone.utc
BERLIN = zoneinfo.ZoneInfo('Europe/Berlin')


class NowAndFormatTests(SimpleTestCase):

    def test_now_is_aware_utc(self):
        moment = times.now()
        self.assertIs(UTC, moment.tzinfo)

    def test_format_is_utc_to_the_second(self):
        moment = datetime.datetime(2026, 3, 29, 3, 0, 59, 999999,
                                   tzinfo=BERLIN)
        self.assertEqual('2026-03-29T01:00:59Z', times.format_utc(moment))

    def test_a_naive_time_is_refused(self):
        with self.assertRaises(ValueError):
            times.format_utc(datetime.datetime(2026, 1, 1))


class ParseIsoTests(SimpleTestCase):
    """Lenient: Cinder's times and tags tenants may write."""

    def test_cinders_zoneless_time_is_utc(self):
        self.assertEqual(datetime.datetime(2026, 3, 20, 12, 0, 0, 5,
                                           tzinfo=UTC),
                         times.parse_iso('2026-03-20T12:00:00.000005'))

    def test_zones_are_turned_to_utc(self):
        for text in ('2026-03-20T13:00:00+01:00', '2026-03-20T12:00:00Z'):
            with self.subTest(text=text):
                moment = times.parse_iso(text)
                self.assertEqual(datetime.datetime(2026, 3, 20, 12,
                                                   tzinfo=UTC), moment)
                self.assertIs(UTC, moment.tzinfo)

    def test_datetimes_aware_or_naive(self):
        self.assertEqual(
            datetime.datetime(2026, 3, 20, 11, tzinfo=UTC),
            times.parse_iso(datetime.datetime(2026, 3, 20, 12,
                                              tzinfo=BERLIN)))
        self.assertEqual(datetime.datetime(2026, 3, 20, 12, tzinfo=UTC),
                         times.parse_iso(datetime.datetime(2026, 3, 20, 12)))

    def test_missing_or_unreadable_is_none(self):
        for value in (None, '', 'yesterday', '2026-02-30T00:00:00',
                      '0001-01-01T00:30:00+01:00',
                      '9999-12-31T23:30:00-01:00'):
            with self.subTest(value=value):
                self.assertIsNone(times.parse_iso(value))


class ParseUtcTests(SimpleTestCase):
    """Strict: only what format_utc writes, within the years allowed."""

    def test_round_trip(self):
        moment = datetime.datetime(2026, 3, 29, 3, 0, tzinfo=BERLIN)
        text = times.format_utc(moment)
        self.assertEqual('2026-03-29T01:00:00Z', text)
        self.assertEqual(moment, times.parse_utc(text))
        self.assertIs(UTC, times.parse_utc(text).tzinfo)

    def test_other_texts_are_refused(self):
        for text in ('2026-03-29T01:00:00+01:00', '2026-03-29', '', None,
                     '2026-13-29T01:00:00Z', 20260329,
                     '2026-03-29T01:00:00.5Z', '2026-03-29 01:00:00Z',
                     '1969-12-31T23:59:59Z', '9001-01-01T00:00:00Z'):
            with self.subTest(text=text), self.assertRaises(ValueError):
                times.parse_utc(text)



class UtcLabelTests(SimpleTestCase):
    """The hover text every panel shows beside a time in the user's zone."""

    def test_a_zoned_time_reads_in_utc_to_the_minute(self):
        moment = datetime.datetime(2026, 3, 29, 3, 0, 41, tzinfo=BERLIN)
        self.assertEqual('2026-03-29 01:00 UTC', times.utc_label(moment))

    def test_a_time_without_zone_is_refused(self):
        with self.assertRaises(ValueError):
            times.utc_label(datetime.datetime(2026, 3, 29, 3, 0))
