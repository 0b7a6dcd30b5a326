"""What the project's active schedules still add to its quota usage,
from its scheduled volumes and its protections alone."""

import datetime

from django.test import SimpleTestCase

from tests.unit.protection.schedule import factories
from volsnap_dashboard.dashboards.schedules import growth
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import model

UTC = datetime.timezone.utc
NOW = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def volume_with(volume_id, size, *schedules):
    metadata = {codec.MARKER_KEY: codec.MARKER_VALUE}
    for schedule in schedules:
        metadata.update(codec.encode_definition(schedule))
    return factories.volume(metadata, id=volume_id, size=size)


def made(volume_id, schedule_id, count, status='available', size=10):
    return [factories.snapshot('%s-%s-%d' % (volume_id, schedule_id, n),
                               NOW - datetime.timedelta(days=n + 1),
                               status=status, size=size,
                               schedule_id=schedule_id, volume_id=volume_id)
            for n in range(count)]


class GrowthTests(SimpleTestCase):

    def test_each_active_schedule_adds_what_it_does_not_hold_yet(self):
        volumes = [
            volume_with('v1', 10, factories.schedule(id='aaaa0001',
                                                     volume_id='v1')),
            volume_with('v2', 5, factories.schedule(id='aaaa0002',
                                                    volume_id='v2'))]
        # v1 holds 3 of its 7; v2 holds none yet.
        found = growth.growth(volumes, made('v1', 'aaaa0001', 3), NOW)
        self.assertEqual(growth.Growth(schedules=2, snapshots=4 + 7,
                                       gigabytes=40 + 35), found)

    def test_full_schedules_add_nothing_more(self):
        volumes = [volume_with('v1', 10, factories.schedule(
            id='aaaa0001', volume_id='v1'))]
        self.assertEqual(growth.Growth(1, 0, 0), growth.growth(
            volumes, made('v1', 'aaaa0001', 9), NOW))

    def test_only_available_protections_of_that_schedule_count(self):
        volumes = [volume_with('v1', 10, factories.schedule(
            id='aaaa0001', volume_id='v1'))]
        protections = (made('v1', 'aaaa0001', 3, status='error')
                       + made('v1', 'bbbb0002', 3)
                       + made('v2', 'aaaa0001', 3))
        self.assertEqual(growth.Growth(1, 7, 70),
                         growth.growth(volumes, protections, NOW))

    def test_paused_invalid_and_left_out_schedules_add_nothing(self):
        paused = factories.schedule(id='aaaa0001', volume_id='v1',
                                    paused=True)
        edited = factories.schedule(id='aaaa0002', volume_id='v1')
        broken = volume_with('v2', 10)
        broken.metadata[codec.chunk_key('cccc0003', codec.DEFINITION,
                                        0)] = '{not json'
        volumes = [volume_with('v1', 10, paused, edited), broken]
        self.assertEqual(growth.Growth(), growth.growth(
            volumes, [], NOW, leave_out=[('v1', 'aaaa0002')]))

    def test_retention_by_age_counts_the_runs_it_keeps(self):
        hourly = factories.schedule(
            id='aaaa0001', volume_id='v1',
            when=model.When(cron='0 * * * *', tz='UTC'),
            retention=model.Retention(count=None, days=2))
        self.assertEqual(growth.Growth(1, 48, 48), growth.growth(
            [volume_with('v1', 1, hourly)], [], NOW))

    def test_only_the_schedules_of_the_plugin_asked_for(self):
        volumes = [volume_with(
            'v1', 10, factories.schedule(id='aaaa0001', volume_id='v1'),
            factories.schedule(id='aaaa0002', volume_id='v1',
                               plugin='cinder-backup'))]
        snapshots = growth.growth(volumes, [], NOW,
                                  runs=lambda s: s.plugin is None)
        backups = growth.growth(volumes, [], NOW,
                                runs=lambda s: s.plugin == 'cinder-backup')
        self.assertEqual((1, 7), (snapshots.schedules, snapshots.snapshots))
        self.assertEqual((1, 7), (backups.schedules, backups.snapshots))
        self.assertEqual(2, growth.growth(volumes, [], NOW).schedules)
