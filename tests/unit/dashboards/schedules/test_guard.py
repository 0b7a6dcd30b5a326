"""The pages' guard on schedules read from a volume's metadata."""

from django.test import SimpleTestCase

from tests.unit.protection.schedule import factories
from volsnap_dashboard.dashboards.schedules import guard as schedule_guard
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import model


def volume(*schedules, extra=None):
    metadata = {codec.MARKER_KEY: codec.MARKER_VALUE}
    for schedule in schedules:
        metadata.update(codec.encode_definition(schedule))
    metadata.update(extra or {})
    return factories.volume(metadata)


BOMB = {codec.chunk_key('00000000', codec.DEFINITION, n): '[' * 240
        for n in range(25)}


class GuardTests(SimpleTestCase):

    def test_one_bad_schedule_leaves_the_others_readable(self):
        good = factories.schedule(id='0a1b2c3d')
        found = schedule_guard.schedules_of(volume(good, extra=BOMB))
        self.assertEqual(['00000000', '0a1b2c3d'], [s.id for s in found])
        self.assertIsInstance(found[0], model.Invalid)
        self.assertIn('nested too deeply', str(found[0].reason))
        self.assertEqual(good, found[1])

    def test_at_most_so_many_schedules_and_any_one_by_id(self):
        junk = {codec.chunk_key('%08x' % n, codec.DEFINITION, 0): '{}'
                for n in range(100)}
        last = factories.schedule(id='ffffffff')
        many = volume(last, extra=junk)
        self.assertEqual(schedule_guard.MAX_PER_VOLUME,
                         len(schedule_guard.schedules_of(many)))
        self.assertEqual(101 - schedule_guard.MAX_PER_VOLUME,
                         schedule_guard.hidden_count(many))
        self.assertEqual(last, schedule_guard.schedule_of(many, 'ffffffff'))
        self.assertIsNone(schedule_guard.schedule_of(many, 'fffffffe'))

    def test_keys_that_are_no_schedule_never_hide_one(self):
        # A run request alone is no schedule: twenty of them, ranked
        # before it by id, must not push a running schedule off the page.
        junk = {codec.run_now_key('%08x' % n): '2026-01-01T00:00:00Z'
                for n in range(schedule_guard.MAX_PER_VOLUME)}
        running = factories.schedule(id='ffffffff')
        found = schedule_guard.schedules_of(volume(running, extra=junk))
        self.assertIn(running, found)
        self.assertEqual(schedule_guard.MAX_PER_VOLUME, len(found))

    def test_a_computation_that_fails_makes_the_schedule_invalid(self):
        good = factories.schedule()

        def fails(schedule):
            raise OverflowError('date value out of range')

        [found] = schedule_guard.checked([good], fails)
        self.assertIsInstance(found, model.Invalid)
        self.assertIn('OverflowError', str(found.reason))
        self.assertEqual([good], schedule_guard.checked([good], repr))

    def test_a_member_sees_no_other_projects_id(self):
        self.assertEqual(
            "acts in another project, not in the volume's project p-1",
            schedule_guard.without_other_projects(
                "acts in project p-2, not in the volume's project p-1",
                'p-1'))
