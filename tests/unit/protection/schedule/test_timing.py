"""When schedules run: presets, cron, zones, daylight saving, missed runs."""

import datetime
import zoneinfo

from django.test import SimpleTestCase

from volsnap_dashboard.protection.parameters import InvalidParameters
from volsnap_dashboard.protection.schedule import timing
from volsnap_dashboard.protection import times

UTC = datetime.timezone.utc
HOUR = datetime.timedelta(hours=1)
MINUTE = datetime.timedelta(minutes=1)


def local(tz, *fields, fold=0):
    return datetime.datetime(*fields, tzinfo=zoneinfo.ZoneInfo(tz),
                             fold=fold)


def utc(*fields):
    return datetime.datetime(*fields, tzinfo=UTC)


def errors_of(call, *args, **kwargs):
    try:
        call(*args, **kwargs)
    except InvalidParameters as error:
        return {field: [str(m) for m in messages]
                for field, messages in error.errors.items()}
    raise AssertionError('no InvalidParameters raised')


class PresetTests(SimpleTestCase):

    def test_each_preset_gives_its_cron(self):
        self.assertEqual('15 * * * *',
                         timing.cron_for_preset('hourly', minute=15))
        self.assertEqual('30 2 * * *',
                         timing.cron_for_preset('daily', hour=2, minute=30))
        self.assertEqual('0 23 1 * *', timing.cron_for_preset(
            'monthly', day=1, hour=23, minute=0))

    def test_weekly_days_count_from_monday_and_cron_from_sunday(self):
        # Monday, Friday and Sunday of the panel are cron's 1, 5 and 0.
        self.assertEqual('0 3 * * 0,1,5', timing.cron_for_preset(
            'weekly', days=[6, 0, 4, 0], hour=3, minute=0))

    def test_weekly_preset_runs_on_the_chosen_days(self):
        cron = timing.cron_for_preset('weekly', days=[0, 6], hour=3,
                                      minute=0)
        runs = timing.next_runs(cron, 'UTC', utc(2026, 3, 2), 4)
        self.assertEqual(['Mon', 'Sun', 'Mon', 'Sun'],
                         [run.strftime('%a') for run in runs])

    def test_out_of_range_fields_are_named(self):
        errors = errors_of(timing.cron_for_preset, 'daily', hour=24,
                           minute=-1)
        self.assertEqual({'hour', 'minute'}, set(errors))
        self.assertIn('from 0 to 23', errors['hour'][0])

    def test_wrong_types_and_empty_days_are_refused(self):
        errors = errors_of(timing.cron_for_preset, 'weekly', days=[],
                           hour=True, minute='5')
        self.assertEqual({'days', 'hour', 'minute'}, set(errors))
        self.assertEqual(['Choose at least one day.'], errors['days'])

    def test_unknown_kind_and_unknown_field(self):
        self.assertIn('kind', errors_of(timing.cron_for_preset, 'yearly'))
        errors = errors_of(timing.cron_for_preset, 'hourly', minute=0,
                           hour=3)
        self.assertEqual(['Unknown parameter.'], errors['hour'])

    def test_monthly_day_31_skips_shorter_months(self):
        cron = timing.cron_for_preset('monthly', day=31, hour=0, minute=0)
        runs = timing.next_runs(cron, 'UTC', utc(2026, 1, 1), 3)
        self.assertEqual([1, 3, 5], [run.month for run in runs])


class CronTests(SimpleTestCase):

    def test_valid_cron_passes(self):
        timing.validate_when('0 */6 * * 1-5', 'Europe/Berlin', HOUR)

    def test_bad_crons_are_refused_with_a_message(self):
        for cron in ('61 * * * *', '0 2 * * 8', 'every day', '@daily',
                     '0 2 * * * *', '0 0 31 4 *', '', None, 'x ' * 60):
            with self.subTest(cron=cron):
                errors = errors_of(timing.validate_when, cron, 'UTC', HOUR)
                self.assertEqual(['cron'], list(errors))
                self.assertTrue(errors['cron'][0])

    def test_cronsims_reason_is_shown(self):
        errors = errors_of(timing.validate_when, '61 * * * *', 'UTC', HOUR)
        self.assertEqual(['Not a valid cron expression: Bad minute.'],
                         errors['cron'])

    def test_more_frequent_than_the_minimum_is_refused(self):
        errors = errors_of(timing.validate_when, '*/30 * * * *', 'UTC',
                           HOUR)
        self.assertEqual(['Runs at most every 30 min: the shortest '
                          'interval allowed is 1 h.'], errors['cron'])

    def test_the_minimum_is_the_callers_setting(self):
        timing.validate_when('*/30 * * * *', 'UTC',
                             datetime.timedelta(minutes=30))
        timing.validate_when('* * * * *', 'UTC', None)
        self.assertIn('cron', errors_of(
            timing.validate_when, '0 2 * * *', 'UTC',
            datetime.timedelta(days=2)))

    def test_hourly_is_exactly_the_default_minimum(self):
        timing.validate_when('0 * * * *', 'UTC', HOUR)

    def test_runs_close_across_midnight_are_too_frequent(self):
        # 23:00 and 00:00 the next day are an hour apart.
        self.assertEqual(HOUR, timing.shortest_interval('0 0,23 * * *'))
        self.assertIn('cron', errors_of(
            timing.validate_when, '0 0,23 * * *', 'UTC', 2 * HOUR))

    def test_days_apart_do_not_make_runs_close(self):
        # Monday 23:00 and Monday 00:00 are a day apart at the least.
        self.assertEqual(datetime.timedelta(hours=23),
                         timing.shortest_interval('0 0,23 * * 1'))
        self.assertEqual(datetime.timedelta(days=7),
                         timing.shortest_interval('0 2 * * 1'))


class ZoneTests(SimpleTestCase):

    def test_iana_names_and_utc_are_valid(self):
        for tz in ('UTC', 'Europe/Berlin', 'America/New_York',
                   'Asia/Kolkata', 'Etc/UTC'):
            with self.subTest(tz=tz):
                timing.validate_when('0 2 * * *', tz, HOUR)

    def test_fixed_offsets_are_refused(self):
        for tz in ('+01:00', 'UTC+1', 'UTC+01:00', 'GMT-5', 'Etc/GMT+1',
                   '-0500', 'EST'):
            with self.subTest(tz=tz):
                errors = errors_of(timing.validate_when, '0 2 * * *', tz,
                                   HOUR)
                self.assertIn('not a fixed offset', errors['tz'][0])

    def test_zones_of_no_place_are_refused(self):
        # Factory is the zone of a machine whose zone was never set;
        # localtime is each scheduler host's own.
        for tz in ('Factory', 'localtime', 'posixrules'):
            with self.subTest(tz=tz):
                self.assertIn('time zone of a place', errors_of(
                    timing.validate_when, '0 2 * * *', tz, HOUR)['tz'][0])

    def test_region_zones_are_utc_and_the_regions_places(self):
        for tz in ('UTC', 'Europe/Berlin', 'America/Argentina/Salta',
                   'Pacific/Auckland'):
            self.assertTrue(timing.region_zone(tz), tz)
        # Older names stay valid on schedules, but are not offered.
        timing.validate_when('0 2 * * *', 'US/Eastern', HOUR)
        for tz in ('US/Eastern', 'GB', 'Etc/UTC', 'Factory', 'Europe/Atlantis',
                   'Etc/GMT+1', None):
            self.assertFalse(timing.region_zone(tz), tz)

    def test_unknown_names_are_refused(self):
        for tz in ('Europe/Atlantis', 'europe/berlin', '../../etc/passwd',
                   '', None, 42):
            with self.subTest(tz=tz):
                self.assertIn('tz', errors_of(
                    timing.validate_when, '0 2 * * *', tz, HOUR))

    def test_both_fields_are_reported_together(self):
        errors = errors_of(timing.validate_when, 'nope', 'UTC+1', HOUR)
        self.assertEqual({'cron', 'tz'}, set(errors))

    def test_runs_are_in_the_schedules_zone(self):
        [run] = timing.next_runs('0 2 * * *', 'Asia/Kolkata',
                                 utc(2026, 6, 1), 1)
        # Midnight UTC is 05:30 there: that day's 02:00 is past.
        self.assertEqual('2026-06-02T02:00:00+05:30', run.isoformat())


def daily_runs_on(cron, tz, day):
    """Slots ``due_slot`` gives when asked every minute of one local
    day, recording each as done, as the scheduler would."""
    zone = zoneinfo.ZoneInfo(tz)
    start = datetime.datetime(*day, tzinfo=zone).astimezone(UTC)
    end = (datetime.datetime(*day, tzinfo=zone)
           + datetime.timedelta(days=1)).astimezone(UTC)
    last_slot, slots = None, []
    now = start
    while now < end:
        slot, missed = timing.due_slot(cron, tz, last_slot, start - MINUTE,
                                       now)
        if slot is not None:
            assert missed == 0, (slot, missed)
            slots.append(times.format_utc(slot))
            last_slot = slot
        now += MINUTE
    return slots


class DaylightSavingTests(SimpleTestCase):
    """Europe/Berlin: 29 Mar 2026 02:00 -> 03:00, 25 Oct 03:00 -> 02:00.
    America/New_York: 8 Mar 2026 02:00 -> 03:00, 1 Nov 02:00 -> 01:00."""

    def test_berlin_daily_0200_once_on_spring_forward(self):
        # 02:00 does not exist: it runs at 03:00 CEST (01:00 UTC).
        self.assertEqual(['2026-03-29T01:00:00Z'], daily_runs_on(
            '0 2 * * *', 'Europe/Berlin', (2026, 3, 29)))

    def test_berlin_daily_0200_once_on_fall_back(self):
        # 02:00 happens twice (CEST, then CET): it runs at the first.
        self.assertEqual(['2026-10-25T00:00:00Z'], daily_runs_on(
            '0 2 * * *', 'Europe/Berlin', (2026, 10, 25)))

    def test_berlin_0230_in_the_repeated_hour_once(self):
        self.assertEqual(['2026-10-25T00:30:00Z'], daily_runs_on(
            '30 2 * * *', 'Europe/Berlin', (2026, 10, 25)))

    def test_new_york_daily_0200_once_on_spring_forward(self):
        self.assertEqual(['2026-03-08T07:00:00Z'], daily_runs_on(
            '0 2 * * *', 'America/New_York', (2026, 3, 8)))

    def test_new_york_daily_0200_once_on_fall_back(self):
        self.assertEqual(['2026-11-01T07:00:00Z'], daily_runs_on(
            '0 2 * * *', 'America/New_York', (2026, 11, 1)))

    def test_new_york_0130_in_the_repeated_hour_once(self):
        # 01:30 happens twice in New York (EDT, then EST).
        self.assertEqual(['2026-11-01T05:30:00Z'], daily_runs_on(
            '30 1 * * *', 'America/New_York', (2026, 11, 1)))

    def test_hourly_follows_real_hours(self):
        # 23 hours on the spring-forward day, 25 on the fall-back day.
        self.assertEqual(23, len(daily_runs_on(
            '0 * * * *', 'Europe/Berlin', (2026, 3, 29))))
        slots = daily_runs_on('0 * * * *', 'Europe/Berlin', (2026, 10, 25))
        self.assertEqual(25, len(slots))
        self.assertEqual(len(slots), len(set(slots)))

    def test_next_runs_over_both_changes(self):
        spring = timing.next_runs('0 2 * * *', 'Europe/Berlin',
                                  utc(2026, 3, 27, 12), 3)
        self.assertEqual(['2026-03-28T01:00:00Z', '2026-03-29T01:00:00Z',
                          '2026-03-30T00:00:00Z'],
                         [times.format_utc(run) for run in spring])
        autumn = timing.next_runs('0 2 * * *', 'America/New_York',
                                  utc(2026, 10, 31, 12), 3)
        self.assertEqual(['2026-11-01T07:00:00Z', '2026-11-02T07:00:00Z',
                          '2026-11-03T07:00:00Z'],
                         [times.format_utc(run) for run in autumn])

    def test_next_runs_from_inside_the_repeated_hour(self):
        # At 02:30 CET, the second 02:30, the day's 02:45 CEST is past.
        after = local('Europe/Berlin', 2026, 10, 25, 2, 30, fold=1)
        [run] = timing.next_runs('45 2 * * *', 'Europe/Berlin', after, 1)
        self.assertEqual('2026-10-26T01:45:00Z', times.format_utc(run))


class ClockChangeIntervalTests(SimpleTestCase):
    """A cron's runs can come closer in real time than on the wall clock
    on the day the clocks go forward."""

    def test_a_shortened_interval_is_refused_and_the_change_named(self):
        # Berlin's spring-forward day: 02:30 does not exist, so it runs
        # at 03:00 CEST, then again at 03:30.
        for cron in ('30 2,3 * * *', '30 1,2 * * *'):
            with self.subTest(cron):
                [error] = errors_of(timing.validate_when, cron,
                                    'Europe/Berlin', HOUR)['cron']
                self.assertRegex(
                    error, r'^Runs 30 min apart when the clocks change in '
                           r'Europe/Berlin \(\d{4}-03-\d\d\): the shortest '
                           r'interval allowed is 1 h\.$')

    def test_the_same_cron_passes_where_clocks_do_not_change(self):
        for tz in ('UTC', 'Asia/Tokyo'):
            with self.subTest(tz):
                timing.validate_when('30 2,3 * * *', tz, HOUR)

    def test_runs_that_stay_apart_across_the_changes_pass(self):
        for cron, tz in (('0 * * * *', 'Europe/Berlin'),
                         ('0 2 * * *', 'Europe/Berlin'),
                         ('30 1,3 * * *', 'America/New_York'),
                         ('0 */2 * * *', 'Australia/Lord_Howe')):
            with self.subTest(cron=cron, tz=tz):
                timing.validate_when(cron, tz, HOUR)

    def test_a_minimum_the_change_stays_above_is_not_walked(self):
        # Without a minimum, nothing to check.
        timing.validate_when('30 2,3 * * *', 'Europe/Berlin', None)
        timing.validate_when('30 2,3 * * *', 'Europe/Berlin', 20 * MINUTE)

    def test_clock_changes_are_found_to_the_minute(self):
        changes = list(timing._clock_changes('Europe/Berlin', 2026))
        self.assertEqual([utc(2026, 3, 29, 1), utc(2026, 10, 25, 1),
                          utc(2027, 3, 28, 1), utc(2027, 10, 31, 1)],
                         changes)
        self.assertEqual([], list(timing._clock_changes('UTC', 2026)))


class DueSlotTests(SimpleTestCase):

    def test_nothing_due_before_the_first_run(self):
        self.assertEqual((None, 0), timing.due_slot(
            '0 2 * * *', 'UTC', None, utc(2026, 3, 1, 12),
            utc(2026, 3, 2, 1, 59)))

    def test_first_run_after_creation(self):
        self.assertEqual((utc(2026, 3, 2, 2), 0), timing.due_slot(
            '0 2 * * *', 'UTC', None, utc(2026, 3, 1, 12),
            utc(2026, 3, 2, 2, 0)))

    def test_a_done_slot_is_not_due_again(self):
        self.assertEqual((None, 0), timing.due_slot(
            '0 2 * * *', 'UTC', utc(2026, 3, 2, 2), utc(2026, 3, 1),
            utc(2026, 3, 2, 23, 59)))

    def test_after_downtime_one_run_and_the_missed_count(self):
        # Last run on the 2nd; down until the 6th at 10:00: the 3rd, 4th
        # and 5th were missed, the 6th's 02:00 runs once.
        slot, missed = timing.due_slot(
            '0 2 * * *', 'UTC', utc(2026, 3, 2, 2), utc(2026, 3, 1),
            utc(2026, 3, 6, 10))
        self.assertEqual((utc(2026, 3, 6, 2), 3), (slot, missed))
        self.assertEqual((None, 0), timing.due_slot(
            '0 2 * * *', 'UTC', slot, utc(2026, 3, 1),
            utc(2026, 3, 6, 10, 1)))

    def test_a_very_long_downtime_stops_counting(self):
        slot, missed = timing.due_slot(
            '0 * * * *', 'UTC', None, utc(1970, 1, 1), utc(2026, 3, 6, 10,
                                                           30))
        self.assertEqual(utc(2026, 3, 6, 10), slot)
        self.assertEqual(timing.MAX_COUNTED_RUNS, missed)

    def test_creation_in_the_future_is_not_due(self):
        self.assertEqual((None, 0), timing.due_slot(
            '0 * * * *', 'UTC', None, utc(2027, 1, 1), utc(2026, 1, 1)))

    def test_naive_datetimes_are_refused(self):
        with self.assertRaises(ValueError):
            timing.due_slot('0 * * * *', 'UTC', None,
                            datetime.datetime(2026, 1, 1), utc(2026, 1, 2))
