"""The presets a schedule offers ("daily at 02:00"): one table that
timing (the cron), words (the description) and the panels' form (the
choices and their fields) all read.

A preset's cron is a template whose placeholders are its fields, so the
same template writes a preset's cron and reads a cron typed by hand back
as that preset: adding a preset is one entry here.
"""

import dataclasses

from django.utils.translation import gettext_lazy as _

#: The fields a preset may ask for and their ranges. ``days`` are 0-6
#: for Monday-Sunday (Python's numbering, not cron's).
FIELD_RANGES = {'minute': (0, 59), 'hour': (0, 23), 'day': (1, 31),
                'days': (0, 6)}


@dataclasses.dataclass(frozen=True)
class Preset:
    #: What the choice says.
    label: str
    #: Its fields, in the order the panels show and store them.
    fields: tuple
    #: Its cron, with a ``{field}`` in place of each field's value.
    cron: str
    #: The preset in words, from the values ``words`` gives: ``minute``,
    #: ``day``, ``time`` (HH:MM) and ``days`` (weekday names).
    words: str


#: The presets by key, in the order the panels offer them.
PRESETS = {
    'hourly': Preset(_("Hourly"), ('minute',), '{minute} * * * *',
                     _("hourly at minute %(minute)d")),
    'daily': Preset(_("Daily"), ('hour', 'minute'), '{minute} {hour} * * *',
                    _("daily at %(time)s")),
    'weekly': Preset(_("Weekly"), ('days', 'hour', 'minute'),
                     '{minute} {hour} * * {days}',
                     _("weekly on %(days)s at %(time)s")),
    'monthly': Preset(_("Monthly"), ('day', 'hour', 'minute'),
                      '{minute} {hour} {day} * *',
                      _("monthly on day %(day)d at %(time)s")),
    # Day 31 would skip five months; cron's L is each month's last day.
    'month_end': Preset(_("Last day of the month"), ('hour', 'minute'),
                        '{minute} {hour} L * *',
                        _("on the last day of each month at %(time)s")),
}


def kinds_using(field):
    """The keys of the presets that ask for ``field``."""
    return tuple(kind for kind, preset in PRESETS.items()
                 if field in preset.fields)


def _cron_days(days):
    # Cron counts Sunday as 0; the presets count Monday as 0.
    return ','.join(str(day) for day in sorted({(d + 1) % 7 for d in days}))


def cron_text(kind, fields):
    """The cron of preset ``kind`` for ``fields`` (already valid)."""
    values = {name: _cron_days(value) if name == 'days' else '%d' % value
              for name, value in fields.items()}
    return PRESETS[kind].cron.format(**values)


def _read_value(name, text):
    if name == 'days':
        # Cron counts Sunday as 0 (and 7); the presets Monday as 0.
        return sorted({(int(day) - 1) % 7 for day in text.split(',')})
    return int(text)


def _read(template, cron):
    """The fields ``cron`` gives the template's placeholders, or None
    where a fixed part differs or a value is not a number."""
    parts, wanted = cron.split(' '), template.split(' ')
    if len(parts) != len(wanted):
        return None
    fields = {}
    for part, want in zip(parts, wanted, strict=True):
        if want.startswith('{'):
            try:
                fields[want.strip('{}')] = _read_value(want.strip('{}'),
                                                       part)
            except ValueError:
                return None
        elif part != want:
            return None
    return fields


def readings(cron):
    """``(kind, fields)`` for each preset whose template ``cron`` fits;
    the caller keeps the one that writes ``cron`` back the same (a
    reading need not be a valid preset: ``0 25 * * *``, ``00 2 * * *``)."""
    for kind, preset in PRESETS.items():
        fields = _read(preset.cron, cron or '')
        if fields is not None:
            yield kind, fields
