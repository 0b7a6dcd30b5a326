"""The scheduler's command line: the time ``--now`` names."""

import argparse
import datetime

from django.test import SimpleTestCase

from volsnap_dashboard.scheduler import cli

UTC = datetime.timezone.utc


class CommandLineTimeTests(SimpleTestCase):
    """``volsnap-scheduler --now``: a zone must be given."""

    def test_a_time_with_a_zone_is_utc(self):
        self.assertEqual(datetime.datetime(2026, 3, 29, 1, tzinfo=UTC),
                         cli.parse_instant('2026-03-29T03:00:00+02:00'))
        self.assertEqual(datetime.datetime(2026, 3, 29, 1, tzinfo=UTC),
                         cli.parse_instant('2026-03-29T01:00:00Z'))

    def test_no_zone_or_no_time_is_refused(self):
        for text in ('2026-03-29T01:00:00', 'tomorrow'):
            with self.subTest(text=text), self.assertRaises(
                    argparse.ArgumentTypeError):
                cli.parse_instant(text)
