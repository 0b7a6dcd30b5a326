"""The panels' times: in the user's Horizon time zone, with UTC on
hover, the date as Django writes one in the reader's language ("Dec. 7,
2026 09:05 CET", "7. Dezember 2026 09:05 CET")."""

import datetime
import zoneinfo

from django.utils import formats
from django.utils.html import format_html
from horizon.utils import functions as horizon_utils

from volsnap_dashboard.protection import times



def user_zone(request):
    """The user's Horizon time zone (their setting, else the site's)."""
    try:
        return zoneinfo.ZoneInfo(horizon_utils.get_timezone(request))
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        return datetime.timezone.utc


def shown(local, weekday=False, seconds=False):
    """``local`` (an aware datetime): the date as the reader's language
    writes one, the time on the 24-hour clock schedules are set in, then
    the zone's abbreviation; ``weekday`` first (schedules run on days of
    the week); ``seconds`` for times that may be seconds apart."""
    text = '%s %s %s' % (formats.date_format(local, 'DATE_FORMAT'),
                         local.strftime('%H:%M:%S' if seconds else '%H:%M'),
                         local.tzname())
    if weekday:
        return '%s, %s' % (formats.date_format(local, 'D'), text)
    return text


def in_zone(moment, zone):
    return shown(moment.astimezone(zone))


def time_html(moment, zone, extra=''):
    """A time in ``zone`` with UTC in its title; ``extra`` follows it."""
    if moment is None:
        return extra or '-'
    return format_html('<span title="{}">{}</span>{}', times.utc_label(moment),
                       in_zone(moment, zone), extra)


def cinder_time_html(text, zone):
    """A time Cinder gave (ISO 8601, UTC without an offset) as time_html
    shows it; the text as given where it is not one."""
    try:
        moment = datetime.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return text or '-'
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return time_html(moment, zone)
