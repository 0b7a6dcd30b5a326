"""Which snapshots a schedule deletes, and prune-then-create."""

import datetime

from django.test import SimpleTestCase

from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import model
from volsnap_dashboard.protection.schedule import retention
from tests.unit.protection.schedule import factories

UTC = datetime.timezone.utc
NOW = datetime.datetime(2026, 3, 20, 12, 0, tzinfo=UTC)


def daily(count, status='available', first_day=1, size=10):
    """One snapshot a day at 02:00 from March ``first_day``, ids s01..."""
    return [factories.snapshot(
        's%02d' % day, datetime.datetime(2026, 3, day, 2, tzinfo=UTC),
        status=status, size=size)
        for day in range(first_day, first_day + count)]


def ids(snapshots):
    return [s.id for s in snapshots]


def keep(count=None, days=None):
    return model.Retention(count=count, days=days)


class ToDeleteTests(SimpleTestCase):

    def test_count_keeps_the_newest_and_deletes_oldest_first(self):
        snapshots = daily(10)
        # Given newest first, as Cinder lists them.
        deleted = retention.to_delete(snapshots[::-1], keep(count=7), NOW)
        self.assertEqual(['s01', 's02', 's03'], ids(deleted))

    def test_nothing_to_delete_within_the_count(self):
        self.assertEqual([], retention.to_delete(daily(5), keep(count=7),
                                                 NOW))

    def test_age_keeps_those_younger_than_the_days(self):
        # Now is the 20th at 12:00: 7 days back is the 13th at 12:00.
        deleted = retention.to_delete(daily(19), keep(days=7), NOW)
        self.assertEqual(['s%02d' % d for d in range(1, 14)], ids(deleted))

    def test_both_rules_keep_what_either_keeps(self):
        deleted = retention.to_delete(daily(19), keep(count=10, days=3),
                                      NOW)
        self.assertEqual(['s%02d' % d for d in range(1, 10)], ids(deleted))
        deleted = retention.to_delete(daily(19), keep(count=2, days=5),
                                      NOW)
        self.assertEqual(['s%02d' % d for d in range(1, 16)], ids(deleted))

    def test_a_snapshot_kept_by_its_tenant_is_neither_deleted_nor_counted(
            self):
        snapshots = daily(10)
        for kept in (snapshots[0], snapshots[8]):
            kept.metadata[codec.KEPT_KEY] = codec.KEPT_VALUE
        deleted = retention.to_delete(snapshots, keep(count=3), NOW)
        # s09 (kept) does not count among the newest 3: s07, s08 and s10
        # are kept by the rule, s01 by its tenant.
        self.assertEqual(['s02', 's03', 's04', 's05', 's06'], ids(deleted))
        by_age = retention.to_delete(snapshots, keep(days=1), NOW)
        self.assertNotIn('s01', ids(by_age))

    def test_a_kept_snapshot_is_not_the_one_that_must_stay(self):
        # All a schedule has left is one kept and one other: the other is
        # its last restore point and stays.
        snapshots = daily(2)
        snapshots[1].metadata[codec.KEPT_KEY] = codec.KEPT_VALUE
        self.assertEqual([], retention.to_delete(snapshots, keep(days=1),
                                                 NOW))

    def test_failed_snapshots_are_deleted_and_never_count_as_kept(self):
        snapshots = daily(3) + daily(2, status='error', first_day=4)
        deleted = retention.to_delete(snapshots, keep(count=3), NOW)
        # The count keeps s01-s03; the newer failures go.
        self.assertEqual(['s04', 's05'], ids(deleted))

    def test_snapshots_being_created_are_neither_kept_nor_deleted(self):
        snapshots = daily(4) + daily(1, status='creating', first_day=5)
        deleted = retention.to_delete(snapshots, keep(count=2), NOW)
        self.assertEqual(['s01', 's02'], ids(deleted))

    def test_other_transitions_are_left_alone(self):
        snapshots = [factories.snapshot(
            'busy-%s' % status, datetime.datetime(2026, 1, 1, tzinfo=UTC),
            status=status)
            for status in ('deleting', 'restoring', 'backing-up',
                           'error_deleting', 'unmanaging')]
        deleted = retention.to_delete(snapshots + daily(2), keep(count=1),
                                      NOW)
        self.assertEqual(['s01'], ids(deleted))

    def test_safety_floor_never_the_last_available(self):
        # Every snapshot is older than the one day kept.
        deleted = retention.to_delete(daily(5), keep(days=1), NOW)
        self.assertEqual(['s01', 's02', 's03', 's04'], ids(deleted))

    def test_safety_floor_with_only_failures_after_it(self):
        snapshots = daily(1) + daily(3, status='error', first_day=2)
        deleted = retention.to_delete(snapshots, keep(days=1), NOW)
        self.assertEqual(['s02', 's03', 's04'], ids(deleted))

    def test_only_failures_are_all_deleted(self):
        deleted = retention.to_delete(daily(2, status='error'),
                                      keep(count=5), NOW)
        self.assertEqual(['s01', 's02'], ids(deleted))

    def test_unreadable_creation_time_is_kept_as_newest(self):
        odd = factories.snapshot('odd', NOW)
        odd.created_at = 'yesterday'
        deleted = retention.to_delete(daily(3) + [odd], keep(count=1), NOW)
        self.assertEqual(['s01', 's02', 's03'], ids(deleted))

    def test_creation_times_with_a_zone_are_read(self):
        snapshot = factories.snapshot('z', NOW)
        snapshot.created_at = '2026-03-01T03:00:00+01:00'
        self.assertEqual(datetime.datetime(2026, 3, 1, 2, tzinfo=UTC),
                         retention.created_at(snapshot))


def limits(max_snapshots=-1, used_snapshots=0, max_gb=-1, used_gb=0):
    return {'maxTotalSnapshots': max_snapshots,
            'totalSnapshotsUsed': used_snapshots,
            'maxTotalVolumeGigabytes': max_gb,
            'totalGigabytesUsed': used_gb}


class RoomTests(SimpleTestCase):

    def test_fits_without_pruning(self):
        room = retention.room_after_pruning(
            daily(7), keep(count=7), NOW, limits(10, 7, 1000, 80),
            needed_gb=10)
        self.assertEqual((True, []), (room.fits, room.to_delete))

    def test_unlimited_quotas_fit(self):
        room = retention.room_after_pruning(daily(7), keep(count=7), NOW,
                                            limits(), needed_gb=10)
        self.assertTrue(room.fits)

    def test_snapshot_quota_full_prunes_what_retention_would(self):
        # Keep 7 and 7 exist: once the 8th exists the oldest goes, so it
        # goes first.
        room = retention.room_after_pruning(
            daily(7), keep(count=7), NOW, limits(7, 7), needed_gb=10)
        self.assertEqual((True, ['s01']), (room.fits, ids(room.to_delete)))

    def test_snapshot_quota_full_of_other_snapshots_skips(self):
        room = retention.room_after_pruning(
            daily(3), keep(count=7), NOW, limits(10, 10), needed_gb=10)
        self.assertFalse(room.fits)
        self.assertEqual([], room.to_delete)
        self.assertIn('snapshot quota (10) is full', room.reason)

    def test_gigabyte_quota_prunes_what_retention_would(self):
        # 5 GB free, 10 needed: keep 6 of 7 plus the new one frees two.
        room = retention.room_after_pruning(
            daily(7, size=10), keep(count=6), NOW, limits(max_gb=100,
                                                          used_gb=95),
            needed_gb=10)
        self.assertEqual((True, ['s01', 's02']),
                         (room.fits, ids(room.to_delete)))

    def test_gigabyte_quota_not_freed_enough_skips_with_reason(self):
        room = retention.room_after_pruning(
            daily(7, size=1), keep(count=6), NOW, limits(max_gb=100,
                                                         used_gb=95),
            needed_gb=10)
        self.assertFalse(room.fits)
        self.assertEqual("The project's gigabyte quota (100 GB) leaves 7 GB,"
                         " and 10 GB are needed.", room.reason)

    def test_failed_snapshots_free_room(self):
        snapshots = daily(2) + daily(1, status='error', first_day=3)
        room = retention.room_after_pruning(
            snapshots, keep(count=5), NOW, limits(3, 3), needed_gb=10)
        self.assertEqual((True, ['s03']), (room.fits, ids(room.to_delete)))

    def test_pruning_first_keeps_the_last_available(self):
        # Keep 1: the new snapshot would replace the only one, but it does
        # not exist yet, so the only one stays and the run is skipped.
        room = retention.room_after_pruning(
            daily(1), keep(count=1), NOW, limits(1, 1), needed_gb=10)
        self.assertFalse(room.fits)
        self.assertEqual([], room.to_delete)

    def test_pruning_first_by_age_keeps_the_newest_existing(self):
        room = retention.room_after_pruning(
            daily(3), keep(days=1), NOW, limits(3, 3), needed_gb=10)
        self.assertEqual((True, ['s01', 's02']),
                         (room.fits, ids(room.to_delete)))


class AfterNextTests(SimpleTestCase):

    def test_the_next_snapshot_counts_as_kept_and_is_not_listed(self):
        deleted = retention.to_delete_after_next(daily(3), keep(count=2),
                                                 NOW)
        self.assertEqual(['s01', 's02'], ids(deleted))

    def test_its_time_is_the_next_runs_for_a_rule_of_days(self):
        # Kept for 2 days from the run on the 5th: the 3rd and 4th.
        deleted = retention.to_delete_after_next(
            daily(4), keep(days=2), datetime.datetime(2026, 3, 5, 2,
                                                      tzinfo=UTC))
        self.assertEqual(['s01', 's02'], ids(deleted))

    def test_the_next_snapshot_is_the_newest_at_a_past_instant(self):
        # A night rehearsed before the snapshots were made (--now): the
        # next one still replaces the oldest, not itself.
        deleted = retention.to_delete_after_next(
            daily(3), keep(count=2), datetime.datetime(2026, 2, 1,
                                                       tzinfo=UTC))
        self.assertEqual(['s01', 's02'], ids(deleted))
