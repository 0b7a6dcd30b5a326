"""The orphans' classification, from one snapshot and one volume listing."""

import datetime
import types
from unittest import mock

from django.test import SimpleTestCase

from tests.unit.protection.schedule import factories
from volsnap_dashboard.dashboards.orphans import finder as orphans
from volsnap_dashboard.protection import base
from volsnap_dashboard.protection import cinder_snapshot
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection import verification

UTC = datetime.timezone.utc
NOW = datetime.datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
SNAP_A = '11111111-1111-1111-1111-111111111111'
SNAP_B = '22222222-2222-2222-2222-222222222222'
VOL_GONE = '99999999-9999-9999-9999-999999999999'


def scheduled_volume(*schedules, volume_id=factories.VOLUME_ID,
                     metadata=None):
    meta = dict(metadata or {})
    for schedule in schedules:
        meta.update(codec.encode_definition(schedule))
    return factories.volume(meta, id=volume_id,
                            created_at='2026-11-01T00:00:00.000000')


def snapshot(snapshot_id, volume_id=factories.VOLUME_ID, metadata=None,
             created=NOW - datetime.timedelta(days=3)):
    snap = factories.snapshot(snapshot_id, created, volume_id=volume_id)
    snap.metadata = dict(metadata or {})
    snap.name = 'snap-' + snapshot_id[:4]
    return snap


def volume(volume_id, metadata, created=NOW - datetime.timedelta(hours=3),
           name=None):
    return types.SimpleNamespace(
        id=volume_id, name=name or 'v-' + volume_id[:4], size=1,
        metadata=dict(metadata),
        created_at=created.replace(tzinfo=None).isoformat())


def temporary(volume_id, tags):
    """A temporary volume, named as the scheduler names them."""
    return volume(volume_id, tags, name=verification.volume_name(
        tags[verification.VERIFICATION_OF_KEY]))


def backup(backup_id, volume_id=factories.VOLUME_ID, metadata=None,
           project_id=None):
    return base.Protection(
        backup_id, 'available', '2026-11-20T02:00:00.000000',
        dict(metadata or {}), 1, volume_id, name='bak', project_id=project_id)


def kinds(found):
    return [(orphan.kind, orphan.resource_id) for orphan in found]


class ClassifyTests(SimpleTestCase):

    def test_snapshot_of_a_deleted_volume(self):
        found = orphans.classify([snapshot(SNAP_A, volume_id=VOL_GONE)],
                                 [scheduled_volume()], NOW)
        self.assertEqual([(orphans.NO_VOLUME, SNAP_A)], kinds(found))
        self.assertEqual(orphans.SNAPSHOT, found[0].resource_type)
        self.assertEqual(datetime.timedelta(days=3), found[0].age(NOW))
        self.assertEqual('snapshot-' + SNAP_A, found[0].id)

    def test_snapshot_of_a_volume_now_in_another_project(self):
        # As an administrator's listing shows it after a transfer that
        # left the snapshots behind.
        snap = snapshot(SNAP_A)
        setattr(snap, 'os-extended-snapshot-attributes:project_id',
                'the-old-project')
        found = orphans.classify([snap], [scheduled_volume()], NOW)
        self.assertEqual([(orphans.NO_VOLUME, SNAP_A)], kinds(found))
        self.assertTrue(found[0].volume_elsewhere)
        setattr(snap, 'os-extended-snapshot-attributes:project_id',
                factories.PROJECT_ID)
        self.assertEqual([], orphans.classify([snap], [scheduled_volume()],
                                              NOW))

    def test_snapshot_of_a_live_volume_without_schedule_is_no_orphan(self):
        self.assertEqual([], orphans.classify([snapshot(SNAP_A)],
                                              [scheduled_volume()], NOW))

    def test_snapshot_of_a_schedule_still_there_is_no_orphan(self):
        schedule = factories.schedule()
        snap = snapshot(SNAP_A, metadata={
            codec.SNAPSHOT_SCHEDULE_KEY: schedule.id})
        self.assertEqual([], orphans.classify(
            [snap], [scheduled_volume(schedule)], NOW))

    def test_snapshot_of_a_deleted_schedule_adoptable_by_the_others(self):
        other = factories.schedule(id='feedbeef', label='weekly')
        snap = snapshot(SNAP_A, metadata={
            codec.SNAPSHOT_SCHEDULE_KEY: '0a1b2c3d'})
        found = orphans.classify([snap], [scheduled_volume(other)], NOW)
        self.assertEqual([(orphans.NO_SCHEDULE, SNAP_A)], kinds(found))
        self.assertEqual('0a1b2c3d', found[0].schedule_id)
        self.assertEqual(['feedbeef'],
                         [s.id for s in found[0].adoptable_by])

    def test_each_volume_decoded_once_whatever_its_tagged_snapshots(self):
        other = factories.schedule(id='feedbeef', label='weekly')
        snaps = [snapshot('%08d-1111-1111-1111-111111111111' % n, metadata={
            codec.SNAPSHOT_SCHEDULE_KEY: '0a1b2c3d'}) for n in range(40)]
        with mock.patch.object(codec, 'decode',
                               wraps=codec.decode) as decode:
            found = orphans.classify(snaps, [scheduled_volume(other)], NOW)
        self.assertEqual(40, len(found))
        self.assertEqual(1, decode.call_count)

    def test_an_unreadable_schedule_still_holds_its_snapshots(self):
        meta = {codec.chunk_key('0a1b2c3d', codec.DEFINITION, 0): '{bad'}
        snap = snapshot(SNAP_A, metadata={
            codec.SNAPSHOT_SCHEDULE_KEY: '0a1b2c3d'})
        self.assertEqual([], orphans.classify(
            [snap], [scheduled_volume(metadata=meta)], NOW))

    def test_invalid_schedules_cannot_adopt(self):
        meta = {codec.chunk_key('feedbeef', codec.DEFINITION, 0): '{bad'}
        snap = snapshot(SNAP_A, metadata={
            codec.SNAPSHOT_SCHEDULE_KEY: '0a1b2c3d'})
        found = orphans.classify([snap], [scheduled_volume(metadata=meta)],
                                 NOW)
        self.assertEqual((), found[0].adoptable_by)

    def test_verification_volume_left_behind_when_too_old(self):
        started = NOW - datetime.timedelta(hours=2)
        tags = verification.volume_metadata(SNAP_A, started)
        tags[cinder_snapshot.RESTORED_FROM_KEY] = SNAP_A
        found = orphans.classify([snapshot(SNAP_A)],
                                 [scheduled_volume(), temporary('aaaa', tags)],
                                 NOW)
        # Not also listed as restored: it is the verification's.
        self.assertEqual([(orphans.VERIFICATION_LEFT, 'aaaa')],
                         kinds(found))
        self.assertEqual(started, found[0].created)

    def test_verification_in_progress_is_no_orphan(self):
        tags = verification.volume_metadata(
            SNAP_A, NOW - datetime.timedelta(minutes=10))
        self.assertEqual([], orphans.classify(
            [snapshot(SNAP_A)], [scheduled_volume(), temporary('aaaa', tags)],
            NOW))

    def test_the_timeout_is_the_callers(self):
        tags = verification.volume_metadata(
            SNAP_A, NOW - datetime.timedelta(minutes=10))
        found = orphans.classify(
            [snapshot(SNAP_A)], [scheduled_volume(), temporary('aaaa', tags)],
            NOW, verification_timeout=datetime.timedelta(minutes=5))
        self.assertEqual([(orphans.VERIFICATION_LEFT, 'aaaa')],
                         kinds(found))

    def test_verification_volume_whose_snapshot_is_gone(self):
        tags = verification.volume_metadata(SNAP_B, NOW)
        found = orphans.classify([], [temporary('aaaa', tags)], NOW)
        self.assertEqual([(orphans.VERIFICATION_LEFT, 'aaaa')],
                         kinds(found))

    def test_a_volume_only_tagged_as_temporary_is_not_one(self):
        # Tags are any member's writing: named otherwise, it is a volume
        # of theirs, not one the scheduler left behind.
        tags = verification.volume_metadata(SNAP_B, NOW)
        self.assertEqual([], orphans.classify([], [volume('aaaa', tags)],
                                              NOW))

    def test_restored_volume_whose_snapshot_is_gone(self):
        restored = volume('bbbb',
                          {cinder_snapshot.RESTORED_FROM_KEY: SNAP_B})
        still = volume('cccc', {cinder_snapshot.RESTORED_FROM_KEY: SNAP_A})
        found = orphans.classify([snapshot(SNAP_A)],
                                 [scheduled_volume(), restored, still], NOW)
        self.assertEqual([(orphans.RESTORED_NO_SNAPSHOT, 'bbbb')],
                         kinds(found))

    def test_restored_from_a_backup_that_exists_is_no_orphan(self):
        restored = volume('bbbb',
                          {cinder_snapshot.RESTORED_FROM_KEY: 'bak-1'})
        verifying = temporary('cccc', verification.volume_metadata(
            'bak-1', NOW))
        self.assertEqual([], orphans.classify(
            [], [restored, verifying], NOW,
            other_protections=[(None, backup('bak-1'))]))
        self.assertEqual(
            [(orphans.RESTORED_NO_SNAPSHOT, 'bbbb'),
             (orphans.VERIFICATION_LEFT, 'cccc')],
            sorted(kinds(orphans.classify([], [restored, verifying], NOW))))

    def test_a_backup_of_a_deleted_schedule_is_one_of_its_plugin(self):
        gone = factories.schedule()
        here = factories.schedule(id='feedbeef')
        plugin = object()
        listed = [
            backup('bak-gone', metadata={codec.SNAPSHOT_SCHEDULE_KEY:
                                         gone.id}),
            backup('bak-here', metadata={codec.SNAPSHOT_SCHEDULE_KEY:
                                         here.id}),
            backup('bak-hand'),
            # Its volume is gone: a backup outlives it, no orphan.
            backup('bak-novol', volume_id=VOL_GONE,
                   metadata={codec.SNAPSHOT_SCHEDULE_KEY: gone.id})]
        found = orphans.classify(
            [], [scheduled_volume(here)], NOW,
            other_protections=[(plugin, item) for item in listed])
        self.assertEqual([(orphans.PROTECTION_NO_SCHEDULE, 'bak-gone')],
                         kinds(found))
        self.assertIs(plugin, found[0].plugin)
        self.assertEqual(gone.id, found[0].schedule_id)
        self.assertEqual('protection-bak-gone', found[0].id)
        self.assertEqual(('protection', 'bak-gone'),
                         orphans.split_row_id(found[0].id))

    def test_kept_ones_only_when_asked(self):
        kept = snapshot(SNAP_A, volume_id=VOL_GONE,
                        metadata={orphans.KEPT_KEY: orphans.KEPT_VALUE})
        other = snapshot(SNAP_B, volume_id=VOL_GONE)
        self.assertEqual([SNAP_B], [o.resource_id for o in orphans.classify(
            [kept, other], [], NOW)])
        shown = orphans.classify([kept, other], [], NOW, kept=True)
        self.assertEqual([SNAP_A], [o.resource_id for o in shown])
        self.assertTrue(shown[0].kept)

    def test_oldest_first(self):
        old = snapshot(SNAP_B, volume_id=VOL_GONE,
                       created=NOW - datetime.timedelta(days=9))
        new = snapshot(SNAP_A, volume_id=VOL_GONE)
        self.assertEqual([SNAP_B, SNAP_A], [
            o.resource_id for o in orphans.classify([new, old], [], NOW)])


class RowIdTests(SimpleTestCase):

    def test_round_trip(self):
        self.assertEqual(
            ('volume', SNAP_A),
            orphans.split_row_id(orphans.row_id(orphans.VOLUME, SNAP_A)))

    def test_anything_else_is_refused(self):
        for text in ('backup-' + SNAP_A, 'snapshot-', SNAP_A):
            with self.assertRaises(ValueError):
                orphans.split_row_id(text)


class AdoptersTests(SimpleTestCase):

    def test_valid_schedules_of_its_own_volume_and_project_only(self):
        own = factories.schedule()
        other = factories.schedule(id='feedbeef')
        volume = scheduled_volume(own, other)
        snap = snapshot(SNAP_A, metadata={
            codec.SNAPSHOT_SCHEDULE_KEY: own.id})
        setattr(snap, 'os-extended-snapshot-attributes:project_id',
                factories.PROJECT_ID)
        self.assertEqual(['feedbeef'],
                         [s.id for s in orphans.adopters(snap, volume)])
        setattr(snap, 'os-extended-snapshot-attributes:project_id',
                'another-project')
        self.assertEqual((), orphans.adopters(snap, volume))

    def test_not_another_volumes_schedules(self):
        snap = snapshot(SNAP_A, volume_id=VOL_GONE)
        self.assertEqual((), orphans.adopters(
            snap, scheduled_volume(factories.schedule())))
        self.assertEqual((), orphans.adopters(snap, None))

    def test_adoption_rewrites_schedule_and_volume_marks(self):
        schedule = factories.schedule(id='feedbeef')
        self.assertEqual({codec.SNAPSHOT_SCHEDULE_KEY: 'feedbeef',
                          codec.SNAPSHOT_VOLUME_KEY: factories.VOLUME_ID},
                         orphans.adoption_metadata(schedule))


class KindForTests(SimpleTestCase):

    def test_key_or_words_in_any_case(self):
        self.assertEqual(orphans.NO_SCHEDULE,
                         orphans.kind_for(orphans.NO_SCHEDULE))
        self.assertEqual(orphans.NO_SCHEDULE,
                         orphans.kind_for(' snapshot of a DELETED schedule '))
        self.assertEqual(orphans.VERIFICATION_LEFT, orphans.kind_for(
            'Verification volume left behind'))

    def test_anything_else_is_none(self):
        self.assertIsNone(orphans.kind_for('schedule'))
        self.assertIsNone(orphans.kind_for(''))
        self.assertIsNone(orphans.kind_for(None))


def rows(count, kind=orphans.NO_VOLUME):
    return [types.SimpleNamespace(id='snapshot-%03d' % number, kind=kind)
            for number in range(count)]


class CountTests(SimpleTestCase):

    def test_every_kind_counted_even_when_none(self):
        counts = orphans.count_by_kind(
            rows(3) + rows(2, orphans.RESTORED_NO_SNAPSHOT))
        self.assertEqual({orphans.NO_VOLUME: 3, orphans.NO_SCHEDULE: 0,
                          orphans.VERIFICATION_LEFT: 0,
                          orphans.RESTORED_NO_SNAPSHOT: 2,
                          orphans.PROTECTION_NO_SCHEDULE: 0}, counts)


class PageTests(SimpleTestCase):

    def ids(self, page):
        return [row.id[-3:] for row in page.rows]

    def test_first_page(self):
        page = orphans.page_of(rows(45), 20)
        self.assertEqual(['%03d' % n for n in range(20)], self.ids(page))
        self.assertEqual((0, True, False),
                         (page.start, page.has_more, page.has_prev))

    def test_after_the_marker(self):
        page = orphans.page_of(rows(45), 20, 'snapshot-019')
        self.assertEqual('020', self.ids(page)[0])
        self.assertEqual((20, True, True),
                         (page.start, page.has_more, page.has_prev))
        last = orphans.page_of(rows(45), 20, 'snapshot-039')
        self.assertEqual(['%03d' % n for n in range(40, 45)], self.ids(last))
        self.assertEqual((False, True), (last.has_more, last.has_prev))

    def test_backwards_before_the_marker(self):
        page = orphans.page_of(rows(45), 20, 'snapshot-040', backwards=True)
        self.assertEqual(['%03d' % n for n in range(20, 40)], self.ids(page))
        self.assertEqual((True, True), (page.has_more, page.has_prev))
        first = orphans.page_of(rows(45), 20, 'snapshot-020',
                                backwards=True)
        self.assertEqual((0, True, False),
                         (first.start, first.has_more, first.has_prev))

    def test_a_marker_gone_meanwhile_shows_the_first_page(self):
        page = orphans.page_of(rows(45), 20, 'snapshot-999')
        self.assertEqual('000', self.ids(page)[0])
        self.assertFalse(page.has_prev)

    def test_exactly_one_page(self):
        page = orphans.page_of(rows(20), 20)
        self.assertEqual((20, False, False),
                         (len(page.rows), page.has_more, page.has_prev))
