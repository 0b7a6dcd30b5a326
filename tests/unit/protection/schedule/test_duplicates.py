"""Schedules of one volume that run at the same instants, of the same
plugin: the panels ask before adding one."""

import datetime

from django.test import SimpleTestCase

from tests.unit.protection.schedule import factories
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import duplicates
from volsnap_dashboard.protection.schedule import model

NOW = datetime.datetime(2026, 12, 7, 12, tzinfo=datetime.timezone.utc)


def volume_with(*schedules):
    metadata = {codec.MARKER_KEY: codec.MARKER_VALUE}
    for schedule in schedules:
        metadata.update(codec.encode_definition(schedule))
    return factories.volume(metadata)


class DuplicateTests(SimpleTestCase):

    def test_the_same_times_written_otherwise_are_a_duplicate(self):
        volume = volume_with(factories.schedule(
            when=model.When('0 2 * * *', 'Europe/Berlin')))
        same = model.When('0 1 * * *', 'Europe/Berlin')
        self.assertEqual([], duplicates.duplicated_by(volume, same, NOW))
        same = model.When('00 02 * * 0-6', 'Europe/Berlin')
        self.assertEqual(1, len(duplicates.duplicated_by(volume, same, NOW)))

    def test_another_plugins_schedule_is_no_duplicate(self):
        when = model.When('0 2 * * *', 'UTC')
        volume = volume_with(factories.schedule(when=when))
        self.assertEqual([], duplicates.duplicated_by(
            volume, when, NOW, plugin='cinder-backup'))
        backups = volume_with(factories.schedule(when=when,
                                                 plugin='cinder-backup'))
        self.assertEqual(1, len(duplicates.duplicated_by(
            backups, when, NOW, plugin='cinder-backup')))
