"""A schedule's timing and retention in words, for the panels: "daily at
02:00 Europe/Berlin", "keep the last 7 snapshots".

A cron typed by hand that says what a preset says reads as that preset;
any other cron is shown as typed, with its zone.
"""

import calendar

from django.utils import dates
from django.utils import text as text_utils
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from volsnap_dashboard.protection.parameters import InvalidParameters
from volsnap_dashboard.protection.schedule import presets
from volsnap_dashboard.protection.schedule import timing


def preset_of(cron):
    """The preset (``{'kind': 'daily', 'hour': 2, 'minute': 0}``) that
    says what ``cron`` says, or None."""
    for kind, fields in presets.readings(cron):
        try:
            if timing.cron_for_preset(kind, **fields) == cron:
                return dict(fields, kind=kind)
        except InvalidParameters:
            pass
    return None


def _preset_words(preset):
    values = dict(preset)
    if 'hour' in preset:
        values['time'] = '%02d:%02d' % (preset['hour'], preset['minute'])
    if 'days' in preset:
        values['days'] = ', '.join(str(dates.WEEKDAYS[day])
                                   for day in sorted(preset['days']))
    return presets.PRESETS[preset['kind']].words % values


def skipped_months(day):
    """The months a monthly run on ``day`` skips, in words, or ''."""
    if day == 29:
        return _("skips February except in leap years")
    months = [str(dates.MONTHS[month]) for month in range(1, 13)
              if calendar.monthrange(2024, month)[1] < day]
    if not months:
        return ''
    return _("skips %s") % text_utils.get_text_list(months, _('and'))


def _with_skips(words, preset):
    skips = skipped_months(preset['day']) if 'day' in preset else ''
    if not skips:
        return words
    return _("%(when)s (%(skips)s)") % {'when': words, 'skips': skips}


def describe(when):
    """``when`` (a model.When) in words, with its zone: "daily at 02:00
    Europe/Berlin", or "cron 0 */6 * * * UTC" for other crons."""
    preset = preset_of(when.cron)
    if preset is None:
        return _("cron %(cron)s %(tz)s") % {'cron': when.cron,
                                             'tz': when.tz}
    return _with_skips(_("%(when)s %(tz)s") % {
        'when': _preset_words(preset), 'tz': when.tz}, preset)


def name_part(when):
    """``when`` as part of a snapshot name, the same whoever's language
    names it: "daily-at-0200-europe-berlin", "cron-0-6-utc"."""
    preset = preset_of(when.cron)
    with translation.override('en'):
        words = ('cron %s' % when.cron if preset is None
                 else str(_preset_words(preset)))
    # "02:00" reads "0200", a zone's "/" a word break.
    spoken = '%s %s' % (words.replace(':', ''), when.tz.replace('/', ' '))
    return text_utils.slugify(spoken)


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
