"""The panels' times: in the user's Horizon time zone, to the minute,
with UTC on hover, in one format on every page ("2026-12-07 09:05
CET")."""

import datetime
import zoneinfo

from django.utils.html import format_html
from horizon.utils import functions as horizon_utils

from volsnap_dashboard.protection import times

TIME_FORMAT = '%Y-%m-%d %H:%M %Z'


def user_zone(request):
    """The user's Horizon time zone (their setting, else the site's)."""
    try:
        return zoneinfo.ZoneInfo(horizon_utils.get_timezone(request))
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        return datetime.timezone.utc


def in_zone(moment, zone):
    return moment.astimezone(zone).strftime(TIME_FORMAT)


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
