"""Times as the reader's language writes a date, on the 24-hour clock,
with the zone's abbreviation."""

import datetime
import zoneinfo

from django.utils import translation

from volsnap_dashboard.dashboards.common import local_times

BERLIN = zoneinfo.ZoneInfo('Europe/Berlin')
MOMENT = datetime.datetime(2026, 12, 7, 8, 5, 9, tzinfo=datetime.timezone.utc)


def test_the_date_in_the_readers_language():
    with translation.override('en'):
        assert local_times.in_zone(MOMENT, BERLIN) == 'Dec. 7, 2026 09:05 CET'
    with translation.override('de'):
        assert local_times.in_zone(MOMENT, BERLIN) == (
            '7. Dezember 2026 09:05 CET')


def test_weekday_and_seconds():
    local = MOMENT.astimezone(BERLIN)
    with translation.override('de'):
        assert local_times.shown(local, weekday=True) == (
            'Mo, 7. Dezember 2026 09:05 CET')
        assert local_times.shown(local, seconds=True) == (
            '7. Dezember 2026 09:05:09 CET')
