"""The preset table: each preset's cron read back as that preset, crons
it does not write back the same, and a preset added to the table alone
reaching timing and words (the form: tests/unit/dashboards)."""

import datetime
from unittest import mock

from django.test import SimpleTestCase
from django.utils.translation import gettext_lazy as _

from volsnap_dashboard.protection.parameters import InvalidParameters
from volsnap_dashboard.protection.schedule import model
from volsnap_dashboard.protection.schedule import presets
from volsnap_dashboard.protection.schedule import timing
from volsnap_dashboard.protection.schedule import words

UTC = datetime.timezone.utc

LAST_FRIDAY = presets.Preset(
    _("Last Friday of the month"), ('hour', 'minute'),
    '{minute} {hour} * * 5L',
    _("on the last Friday of the month at %(time)s"))


def with_last_friday():
    return mock.patch.dict(presets.PRESETS, {'last_friday': LAST_FRIDAY})


class TableTests(SimpleTestCase):

    def test_each_preset_reads_back_from_its_cron(self):
        examples = [{'kind': 'hourly', 'minute': 59},
                    {'kind': 'daily', 'hour': 0, 'minute': 5},
                    {'kind': 'weekly', 'days': [0, 5, 6], 'hour': 23,
                     'minute': 0},
                    {'kind': 'monthly', 'day': 31, 'hour': 4, 'minute': 30},
                    {'kind': 'month_end', 'hour': 2, 'minute': 0}]
        for preset in examples:
            fields = dict(preset)
            cron = timing.cron_for_preset(fields.pop('kind'), **fields)
            with self.subTest(cron=cron):
                self.assertEqual(preset, words.preset_of(cron))

    def test_a_cron_the_preset_writes_otherwise_is_not_that_preset(self):
        # int() reads all of these; none is what the preset writes.
        for cron in ('+5 * * * *', '5_0 * * * *', '\u0665 * * * *',
                     ' 5 * * * *', '0  2 * * *', '0 2 * * 1,1',
                     '0 2 * * 01', '0 2 * * 1,', '0 2 1 * * *', '', None):
            with self.subTest(cron=cron):
                self.assertIsNone(words.preset_of(cron))

    def test_the_choices_and_their_fields_in_the_panels_order(self):
        self.assertEqual(['hourly', 'daily', 'weekly', 'monthly',
                          'month_end'], list(presets.PRESETS))
        self.assertEqual(('daily', 'weekly', 'monthly', 'month_end'),
                         presets.kinds_using('hour'))
        self.assertEqual(('weekly',), presets.kinds_using('days'))


class AddedPresetTests(SimpleTestCase):
    """A preset added to the table alone is written, validated, run and
    described like the others."""

    def test_timing_writes_and_runs_its_cron(self):
        with with_last_friday():
            cron = timing.cron_for_preset('last_friday', hour=2, minute=0)
            timing.validate_when(cron, 'UTC', datetime.timedelta(hours=1))
            runs = timing.next_runs(cron, 'UTC', datetime.datetime(
                2026, 1, 1, tzinfo=UTC), 2)
        self.assertEqual('0 2 * * 5L', cron)
        self.assertEqual([datetime.datetime(2026, 1, 30, 2, tzinfo=UTC),
                          datetime.datetime(2026, 2, 27, 2, tzinfo=UTC)],
                         runs)

    def test_timing_checks_its_fields(self):
        with with_last_friday():
            with self.assertRaises(InvalidParameters) as raised:
                timing.cron_for_preset('last_friday', hour=24, minute=0)
        self.assertEqual({'hour'}, set(raised.exception.errors))

    def test_words_read_and_describe_it(self):
        when = model.When('30 22 * * 5L', 'Europe/Berlin', None)
        with with_last_friday():
            self.assertEqual({'kind': 'last_friday', 'hour': 22,
                              'minute': 30}, words.preset_of(when.cron))
            self.assertEqual(
                'on the last Friday of the month at 22:30 Europe/Berlin',
                str(words.describe(when)))
        self.assertEqual('cron 30 22 * * 5L Europe/Berlin',
                         str(words.describe(when)))
