"""What a schedule's retention deletes at its first run, in the command
line's words: its own protections only, as the panel's review step and
the scheduler count them."""

import datetime

from django.test import SimpleTestCase

from tests.unit.protection.schedule import factories
from volsnap_dashboard.osc import retention_preview
from volsnap_dashboard.protection.schedule import model

UTC = datetime.timezone.utc
FIRST_RUN = datetime.datetime(2026, 11, 26, 1, 0, tzinfo=UTC)


def made(snapshot_id, days_before, schedule_id='0a1b2c3d'):
    return factories.snapshot(
        snapshot_id, FIRST_RUN - datetime.timedelta(days=days_before),
        schedule_id=schedule_id)


class AtFirstRunTests(SimpleTestCase):

    def test_its_own_beyond_the_count_and_never_anothers(self):
        schedule = factories.schedule(retention=model.Retention(count=2))
        of_volume = [made('s%d' % day, day) for day in (1, 2, 3)] + [
            made('hand', 9, schedule_id=None),
            made('other', 9, schedule_id='0ther5ch')]
        self.assertEqual(
            "deletes 2 of its 3 snapshots (s3, s2), then holds 2; the "
            "volume's 2 other snapshots are not its to delete",
            retention_preview.at_first_run(schedule, of_volume, FIRST_RUN,
                                           'snapshots'))

    def test_a_new_schedule_deletes_none(self):
        schedule = factories.schedule(id='ffff0000')
        self.assertEqual(
            "deletes 0 of its 0 backups, then holds 1; the volume's 1 other "
            "backups are not its to delete",
            retention_preview.at_first_run(schedule, [made('s1', 1)],
                                           FIRST_RUN, 'backups'))
