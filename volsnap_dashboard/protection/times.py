"""Times as Cinder and the plugin's metadata write them."""

import datetime


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
            moment = datetime.datetime.fromisoformat(
                str(value).replace('Z', '+00:00'))
        except ValueError:
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    try:
        return moment.astimezone(datetime.timezone.utc)
    except (OverflowError, ValueError):
        # Year 1 ahead of UTC, or 9999 behind it.
        return None
