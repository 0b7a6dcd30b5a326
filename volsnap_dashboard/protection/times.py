"""Times as Cinder and the plugin write them: the one "now", the one way
the plugin writes a time (ISO 8601 UTC to the second, ``Z``-suffixed)
and the one reading of ISO 8601 text, with the two policies callers
need: lenient for Cinder's times and tags, strict for the plugin's own.

api/ cannot import this module; its one clock is api/trusts.py's
default, which the scheduler replaces with :func:`now`.
"""

import datetime
import functools
import re

UTC = datetime.timezone.utc

#: The years a stored time may name: the cron walks (50 years at most in
#: cronsim), the zones' offsets and a century of retention stay within
#: what datetime can hold (years 1 to 9999) from any of them.
MIN_YEAR = 1970
MAX_YEAR = 9000
#: Later than any time Cinder or the plugin writes: sorts unknown times
#: last.
LATEST = datetime.datetime.max.replace(tzinfo=UTC)
#: Earlier than any time Cinder or the plugin writes.
EARLIEST = datetime.datetime.min.replace(tzinfo=UTC)

_UTC_FORMAT = '%Y-%m-%dT%H:%M:%SZ'
_UTC_TEXT = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$')


def now():
    """The current time, aware, in UTC."""
    return datetime.datetime.now(UTC)


def format_utc(moment):
    """An aware datetime as the plugin writes it in metadata, locks and
    logs: ISO 8601 UTC to the second, ``Z``-suffixed."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError('moment must be an aware datetime')
    return moment.astimezone(UTC).strftime(_UTC_FORMAT)


def utc_label(moment):
    """An aware datetime as a person reads it in UTC, to the minute
    ("2026-12-06 02:00 UTC"): the hover text beside a time the panels
    show in the user's zone."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError('moment must be an aware datetime')
    return moment.astimezone(UTC).strftime('%Y-%m-%d %H:%M UTC')


def read_iso(text):
    """ISO 8601 ``text`` as it says it: naive when it names no zone, a
    ``Z`` read as UTC; ValueError if it is not ISO 8601."""
    return datetime.datetime.fromisoformat(str(text).replace('Z', '+00:00'))


def parse_iso(value):
    """``value`` (a datetime, or ISO 8601 text; Cinder writes UTC without
    a zone) as an aware UTC datetime; None if missing, unreadable or not
    a time UTC can hold (metadata tags are written by tenants too)."""
    if isinstance(value, datetime.datetime):
        moment = value
    elif not value:
        return None
    else:
        try:
            moment = read_iso(value)
        except ValueError:
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):
        # Year 1 ahead of UTC, or 9999 behind it.
        return None


def parse_utc(text):
    """The aware UTC datetime of :func:`format_utc` text; ValueError if
    the text is anything else (metadata is written by tenants too) or
    names a year outside MIN_YEAR..MAX_YEAR."""
    if not isinstance(text, str):
        raise ValueError('not an ISO UTC time: %r' % (text,))
    return _parsed_utc(text)


@functools.lru_cache(maxsize=8192)
def _parsed_utc(text):
    """parse_utc of a string, remembered: a sweep reads the same run
    times on every schedule of the same time of day."""
    if not _UTC_TEXT.match(text):
        raise ValueError('not an ISO UTC time: %r' % (text,))
    if not MIN_YEAR <= int(text[:4]) <= MAX_YEAR:
        raise ValueError('not within the years %d to %d: %r'
                         % (MIN_YEAR, MAX_YEAR, text))
    return read_iso(text)
