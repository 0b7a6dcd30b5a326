"""A schedule's timing and retention in words, for the panels: "daily at
02:00 Europe/Berlin", "keep the last 7 snapshots".

A cron typed by hand that says what a preset says reads as that preset;
any other cron is shown as typed, with its zone.
"""

import re

from django.utils import dates
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from volsnap_dashboard.protection.parameters import InvalidParameters
from volsnap_dashboard.protection.schedule import timing

# Crons of the presets' shapes, as timing.cron_for_preset writes them.
_PRESET_SHAPES = (
    ('hourly', re.compile(r'^(?P<minute>\d+) \* \* \* \*$')),
    ('daily', re.compile(r'^(?P<minute>\d+) (?P<hour>\d+) \* \* \*$')),
    ('weekly', re.compile(r'^(?P<minute>\d+) (?P<hour>\d+) \* \* '
                          r'(?P<days>\d(,\d)*)$')),
    ('monthly', re.compile(r'^(?P<minute>\d+) (?P<hour>\d+) (?P<day>\d+) '
                           r'\* \*$')),
)


def preset_of(cron):
    """The preset (``{'kind': 'daily', 'hour': 2, 'minute': 0}``) that
    says what ``cron`` says, or None."""
    for kind, shape in _PRESET_SHAPES:
        match = shape.match(cron or '')
        if match is None:
            continue
        fields = {name: int(value) for name, value
                  in match.groupdict().items() if name != 'days'}
        if kind == 'weekly':
            # Cron counts Sunday as 0 (and 7); the presets Monday as 0.
            fields['days'] = sorted({(int(day) - 1) % 7 for day
                                     in match.group('days').split(',')})
        try:
            if timing.cron_for_preset(kind, **fields) == cron:
                return dict(fields, kind=kind)
        except InvalidParameters:
            pass
    return None


def _clock(fields):
    return '%02d:%02d' % (fields['hour'], fields['minute'])


def _preset_words(preset):
    kind = preset['kind']
    if kind == 'hourly':
        return _("hourly at minute %d") % preset['minute']
    if kind == 'daily':
        return _("daily at %s") % _clock(preset)
    if kind == 'weekly':
        days = ', '.join(str(dates.WEEKDAYS[day])
                         for day in sorted(preset['days']))
        return _("weekly on %(days)s at %(time)s") % {
            'days': days, 'time': _clock(preset)}
    return _("monthly on day %(day)d at %(time)s") % {
        'day': preset['day'], 'time': _clock(preset)}


def describe(when):
    """``when`` (a model.When) in words, with its zone: "daily at 02:00
    Europe/Berlin", or "cron 0 */6 * * * UTC" for other crons."""
    preset = preset_of(when.cron)
    if preset is None:
        return _("cron %(cron)s %(tz)s") % {'cron': when.cron,
                                             'tz': when.tz}
    return _("%(when)s %(tz)s") % {'when': _preset_words(preset),
                                   'tz': when.tz}


def describe_retention(retention):
    """A model.Retention in words: "keep the last 7 snapshots", "keep
    snapshots of the last 30 days", or both."""
    parts = []
    if retention.count:
        parts.append(ngettext("the last snapshot",
                              "the last %(count)d snapshots",
                              retention.count) % {'count': retention.count})
    if retention.days:
        parts.append(ngettext("those of the last day",
                              "those of the last %(count)d days",
                              retention.days) % {'count': retention.days})
    if not parts:
        return _("keep everything")
    if len(parts) == 1:
        return _("keep %s") % parts[0]
    return _("keep %(count)s and %(days)s") % {'count': parts[0],
                                               'days': parts[1]}
