"""The schedule workflow's previews: next runs, retention dry run and
quota forecast, computed by the engine's rules."""

import datetime
import zoneinfo

from django.test import SimpleTestCase

from tests.unit import fixtures
from volsnap_dashboard.dashboards.schedules import preview as preview
from volsnap_dashboard.protection.schedule import model

UTC = datetime.timezone.utc
NOW = datetime.datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
DAILY_BERLIN = model.When(cron='0 2 * * *', tz='Europe/Berlin',
                          preset={'kind': 'daily', 'hour': 2, 'minute': 0})
HOURLY = model.When(cron='0 * * * *', tz='UTC')
LIMITS = {'maxTotalSnapshots': 10, 'totalSnapshotsUsed': 2,
          'maxTotalVolumeGigabytes': 100, 'totalGigabytesUsed': 10}


def snapshot(snapshot_id, created, status='available', size=2):
    found = fixtures.snapshot(snapshot_id, snapshot_id, status=status,
                              size=size)
    found.created_at = created.strftime('%Y-%m-%dT%H:%M:%S.000000')
    return found


class NextRunsTests(SimpleTestCase):

    def test_five_runs_in_the_zone_and_in_utc(self):
        runs = preview.next_runs(DAILY_BERLIN, NOW)
        self.assertEqual(5, len(runs))
        self.assertEqual(datetime.datetime(2026, 11, 27, 2, 0),
                         runs[0].local.replace(tzinfo=None))
        self.assertEqual(datetime.datetime(2026, 11, 27, 1, 0, tzinfo=UTC),
                         runs[0].utc)
        self.assertEqual('Fri, Nov. 27, 2026 02:00 CET', runs[0].local_text)
        self.assertEqual('Fri, Nov. 27, 2026 01:00 UTC', runs[0].utc_text)

    def test_another_zone_moves_the_utc_times(self):
        berlin = preview.next_runs(DAILY_BERLIN, NOW)[0].utc
        tokyo = preview.next_runs(model.When(
            cron='0 2 * * *', tz='Asia/Tokyo'), NOW)[0].utc
        # 02:00 on the 27th in Tokyo is still the 26th in UTC.
        self.assertEqual(datetime.datetime(2026, 11, 26, 17, 0, tzinfo=UTC),
                         tokyo)
        self.assertNotEqual(berlin, tokyo)

    def test_summer_time_shows_in_the_local_text(self):
        june = datetime.datetime(2026, 5, 31, 12, tzinfo=UTC)
        run = preview.next_runs(DAILY_BERLIN, june)[0]
        self.assertEqual('Mon, June 1, 2026 02:00 CEST', run.local_text)
        self.assertEqual(0, run.utc.hour)


class KeptTests(SimpleTestCase):

    def test_count_only(self):
        self.assertEqual(7, preview.kept_per_volume(
            DAILY_BERLIN, model.Retention(count=7), NOW))

    def test_days_count_the_runs_in_the_window(self):
        self.assertEqual(30, preview.kept_per_volume(
            DAILY_BERLIN, model.Retention(days=30), NOW))
        self.assertEqual(48, preview.kept_per_volume(
            HOURLY, model.Retention(days=2), NOW))

    def test_either_rule_keeps(self):
        self.assertEqual(24, preview.kept_per_volume(
            HOURLY, model.Retention(count=3, days=1), NOW))
        self.assertEqual(10, preview.kept_per_volume(
            DAILY_BERLIN, model.Retention(count=10, days=2), NOW))

    def test_the_newest_is_always_kept(self):
        monthly = model.When(cron='0 2 1 * *', tz='UTC')
        self.assertEqual(1, preview.kept_per_volume(
            monthly, model.Retention(days=1), NOW))

    def test_long_windows_of_frequent_runs_are_scaled_not_walked(self):
        every_minute = model.When(cron='* * * * *', tz='UTC')
        self.assertEqual(365 * 24 * 60, preview.runs_within(
            every_minute, NOW, 365))


class DryRunTests(SimpleTestCase):

    def test_count_deletes_the_oldest_beyond_it_after_the_next_run(self):
        taken = [snapshot('s%d' % day, NOW - datetime.timedelta(days=day))
                 for day in range(1, 6)]
        doomed = preview.dry_run(taken, model.Retention(count=3),
                                 NOW + datetime.timedelta(hours=1))
        # The next run's snapshot is one of the 3 kept.
        self.assertEqual(['s5', 's4', 's3'], [s.id for s in doomed])

    def test_days_delete_what_is_too_old_at_the_next_run(self):
        taken = [snapshot('s%d' % day, NOW - datetime.timedelta(days=day))
                 for day in (1, 3, 10)]
        doomed = preview.dry_run(taken, model.Retention(days=5),
                                 NOW + datetime.timedelta(days=2, hours=1))
        self.assertEqual(['s10', 's3'], [s.id for s in doomed])

    def test_failed_snapshots_go_and_those_in_transition_stay(self):
        taken = [snapshot('bad', NOW, status='error'),
                 snapshot('busy', NOW, status='creating')]
        doomed = preview.dry_run(taken, model.Retention(count=5), NOW)
        self.assertEqual(['bad'], [s.id for s in doomed])

    def test_nothing_held_nothing_deleted(self):
        self.assertEqual([], preview.dry_run([], model.Retention(count=1),
                                             NOW))


class ForecastTests(SimpleTestCase):

    def test_kept_times_every_volume_against_quota_and_usage(self):
        volumes = [fixtures.volume('a', size=2), fixtures.volume('b', size=5)]
        found = preview.forecast(volumes, 4, LIMITS)
        self.assertEqual((2, 10, 10), (found.snapshots.used,
                                       found.snapshots.after,
                                       found.snapshots.limit))
        self.assertEqual((10, 38, 100), (found.gigabytes.used,
                                         found.gigabytes.after,
                                         found.gigabytes.limit))
        self.assertEqual((8, 28), (found.total_snapshots,
                                   found.total_gigabytes))
        self.assertTrue(found.fits)

    def test_one_more_snapshot_than_the_quota_does_not_fit(self):
        volumes = [fixtures.volume('a', size=1)]
        found = preview.forecast(volumes, 9, LIMITS)
        self.assertFalse(found.snapshots.fits)
        self.assertTrue(found.gigabytes.fits)
        self.assertFalse(found.fits)

    def test_gigabytes_alone_can_refuse(self):
        found = preview.forecast([fixtures.volume('a', size=50)], 2, LIMITS)
        self.assertTrue(found.snapshots.fits)
        self.assertFalse(found.gigabytes.fits)

    def test_unlimited_quotas_always_fit(self):
        limits = dict(LIMITS, maxTotalSnapshots=-1,
                      maxTotalVolumeGigabytes=-1)
        found = preview.forecast([fixtures.volume('a', size=500)], 1000,
                                 limits)
        self.assertIsNone(found.snapshots.limit)
        self.assertTrue(found.fits)

    def test_an_edit_replaces_what_the_schedule_holds(self):
        held = [snapshot('h%d' % i, NOW, size=2) for i in range(2)]
        held.append(snapshot('gone', NOW, status='error', size=2))
        found = preview.forecast([fixtures.volume('a', size=2)], 3, LIMITS,
                                 held=held)
        # 2 held are in the usage already: 2 - 2 + 3 snapshots.
        self.assertEqual(3, found.snapshots.after)
        self.assertEqual(10 - 4 + 6, found.gigabytes.after)
        self.assertEqual((3, 6), (found.total_snapshots,
                                  found.total_gigabytes))


class BuildTests(SimpleTestCase):

    def test_everything_valid(self):
        shown = preview.build([fixtures.volume()], DAILY_BERLIN,
                              model.Retention(count=3), LIMITS, now=NOW)
        self.assertEqual(5, len(shown.runs))
        self.assertEqual([], shown.dry_run)
        self.assertFalse(shown.editing)
        self.assertEqual(3, shown.forecast.kept)
        self.assertEqual([], shown.missing)

    def test_parts_wait_for_their_steps(self):
        shown = preview.build([], DAILY_BERLIN, None, LIMITS, now=NOW)
        self.assertEqual(5, len(shown.runs))
        self.assertIsNone(shown.dry_run)
        self.assertIsNone(shown.forecast)
        self.assertEqual(['Retention', 'Volumes'],
                         [str(m) for m in shown.missing])

    def test_unknown_quota_leaves_the_forecast_out(self):
        shown = preview.build([fixtures.volume()], DAILY_BERLIN,
                              model.Retention(count=3), None, now=NOW)
        self.assertIsNone(shown.forecast)
        self.assertEqual([], shown.dry_run)

    def test_zone_shown_is_the_schedules(self):
        shown = preview.build([fixtures.volume()], DAILY_BERLIN,
                              model.Retention(count=3), LIMITS, now=NOW)
        self.assertEqual('Europe/Berlin', shown.zone)
        self.assertEqual(zoneinfo.ZoneInfo('Europe/Berlin'),
                         shown.runs[0].local.tzinfo)
