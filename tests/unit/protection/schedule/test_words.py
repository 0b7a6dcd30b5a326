"""Schedules in words: each preset, crons that say what a preset says,
other crons, and retention."""

import datetime

from django.test import SimpleTestCase

from volsnap_dashboard.protection.schedule import model
from volsnap_dashboard.protection.schedule import timing
from volsnap_dashboard.protection.schedule import words


def described(kind, tz='Europe/Berlin', **fields):
    cron = timing.cron_for_preset(kind, **fields)
    return str(words.describe(model.When(cron, tz, dict(fields, kind=kind))))


class DescribeTests(SimpleTestCase):

    def test_hourly(self):
        self.assertEqual('hourly at minute 15 UTC',
                         described('hourly', 'UTC', minute=15))

    def test_daily(self):
        self.assertEqual('daily at 02:00 Europe/Berlin',
                         described('daily', hour=2, minute=0))

    def test_weekly_lists_the_days_from_monday(self):
        self.assertEqual(
            'weekly on Monday, Thursday, Sunday at 23:05 America/New_York',
            described('weekly', 'America/New_York', days=[6, 3, 0],
                      hour=23, minute=5))

    def test_monthly(self):
        self.assertEqual('monthly on day 28 at 04:30 Europe/Berlin',
                         described('monthly', day=28, hour=4, minute=30))

    def test_monthly_late_in_the_month_says_which_months_it_skips(self):
        self.assertEqual(
            'monthly on day 31 at 04:30 Europe/Berlin (skips February, '
            'April, June, September and November)',
            described('monthly', day=31, hour=4, minute=30))
        self.assertEqual('monthly on day 30 at 02:00 UTC (skips February)',
                         described('monthly', 'UTC', day=30, hour=2,
                                   minute=0))
        self.assertEqual('monthly on day 29 at 02:00 UTC (skips February '
                         'except in leap years)',
                         described('monthly', 'UTC', day=29, hour=2,
                                   minute=0))

    def test_the_last_day_of_the_month_runs_every_month(self):
        self.assertEqual('on the last day of each month at 23:30 UTC',
                         described('month_end', 'UTC', hour=23, minute=30))
        when = model.When(timing.cron_for_preset('month_end', hour=23,
                                                 minute=30), 'UTC')
        runs = timing.next_runs(when.cron, when.tz, datetime.datetime(
            2027, 1, 1, tzinfo=datetime.timezone.utc), 4)
        self.assertEqual(['2027-01-31', '2027-02-28', '2027-03-31',
                          '2027-04-30'],
                         [run.strftime('%Y-%m-%d') for run in runs])

    def test_raw_cron_is_shown_as_typed(self):
        when = model.When('0 */6 * * 1-5', 'Asia/Tokyo', None)
        self.assertEqual('cron 0 */6 * * 1-5 Asia/Tokyo',
                         str(words.describe(when)))

    def test_raw_cron_that_says_a_preset_reads_as_it(self):
        self.assertEqual('daily at 02:00 UTC', str(words.describe(
            model.When('0 2 * * *', 'UTC', None))))
        self.assertEqual('weekly on Monday, Sunday at 06:00 UTC',
                         str(words.describe(model.When('0 6 * * 0,1',
                                                       'UTC', None))))

    def test_cron_beyond_a_presets_ranges_is_not_a_preset(self):
        self.assertIsNone(words.preset_of('0 25 * * *'))
        self.assertIsNone(words.preset_of('00 2 * * *'))
        self.assertEqual('cron 0 2 * * 7 UTC', str(words.describe(
            model.When('0 2 * * 7', 'UTC', None))))


class RetentionTests(SimpleTestCase):

    def test_count(self):
        self.assertEqual('keep the last 7 snapshots', str(
            words.describe_retention(model.Retention(count=7))))
        self.assertEqual('keep the last snapshot', str(
            words.describe_retention(model.Retention(count=1))))

    def test_days(self):
        self.assertEqual('keep those of the last 30 days', str(
            words.describe_retention(model.Retention(days=30))))

    def test_both(self):
        self.assertEqual(
            'keep the last 7 snapshots and those of the last day',
            str(words.describe_retention(model.Retention(count=7,
                                                         days=1))))
