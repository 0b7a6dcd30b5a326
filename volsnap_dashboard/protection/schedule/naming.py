"""Names of the snapshots a schedule creates, from its name template.

A template such as ``{volume_name}-{schedule}-{time:%Y%m%d-%H%M}`` is
rendered with a fixed set of placeholders only: ``str.format`` would also
follow attributes and indexes (``{volume_name.__class__}``), which a
tenant-written template must not reach.
"""

import datetime
import re
import string
import unicodedata

from django.utils.translation import gettext_lazy as _

from volsnap_dashboard.api import cinder_facts
from volsnap_dashboard.protection.parameters import InvalidParameters
from volsnap_dashboard.protection.schedule import timing
from volsnap_dashboard.protection.schedule import words

PLACEHOLDERS = ('volume_name', 'volume_id', 'schedule', 'time')
#: ``{time}`` without a format.
DEFAULT_TIME_FORMAT = '%Y%m%d-%H%M'
DEFAULT_TEMPLATE = '{volume_name}-{schedule}-{time:%Y%m%d-%H%M}'

_SAMPLE_TIME = datetime.datetime(2026, 3, 29, 1, 0)
# The directives strftime gives the same meaning on every platform (with
# glibc's "-", no padding); any other (a lone "%", "%Q") would be copied
# into names as typed, or not.
_TIME_DIRECTIVE = re.compile(r'%-?(.?)')
_KNOWN_DIRECTIVES = set('aAwdbBmyYHIpMSfzZjUWcxXGuV%')


def _parts(template):
    """``(literal, field, format)`` triples of a template; ValueError for
    anything beyond the placeholders (attributes, indexes, conversions,
    formats on other fields, unbalanced braces)."""
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError:
        raise ValueError(_("A brace is not matched: write {{ or }} for a "
                           "brace in the name.")) from None
    parts = []
    for literal, field, spec, conversion in parsed:
        if field is not None:
            if field not in PLACEHOLDERS:
                raise ValueError(_("Unknown placeholder {%(field)s}: use "
                                   "%(known)s.") % {
                    'field': field,
                    'known': ', '.join('{%s}' % p for p in PLACEHOLDERS)})
            if conversion or (spec and field != 'time'):
                raise ValueError(_("Only {time} takes a format, as in "
                                   "{time:%Y%m%d-%H%M}."))
        parts.append((literal, field, spec))
    return parts


def unprintable(text):
    """Whether ``text`` holds a control character or a lone surrogate
    (which no page or Cinder request can carry)."""
    return any(unicodedata.category(char) in ('Cc', 'Cs') for char in text)


def template_error(template):
    """Why ``template`` is not a usable name template, or None."""
    if not isinstance(template, str) or not template.strip():
        return _("Enter a name template.")
    if len(template) > cinder_facts.TEXT_LIMIT:
        return _("Must be at most %d characters long.") % (
            cinder_facts.TEXT_LIMIT)
    if unprintable(template):
        return _("Must not contain control characters.")
    try:
        parts = _parts(template)
        for _literal, field, spec in parts:
            if field == 'time':
                _check_time_format(spec or DEFAULT_TIME_FORMAT)
                _SAMPLE_TIME.strftime(spec or DEFAULT_TIME_FORMAT)
    except ValueError as error:
        return str(error) if str(error) else _("Not a valid template.")
    return None


def _check_time_format(spec):
    for directive in _TIME_DIRECTIVE.findall(spec.replace('%%', '')):
        if directive not in _KNOWN_DIRECTIVES:
            raise ValueError(_('"%%%(directive)s" is not a time format: use '
                               'codes such as %%Y, %%m, %%d, %%H and %%M, '
                               'and %%%% for a "%%".') % {
                'directive': directive})


def validate_template(template):
    """Raise InvalidParameters (field ``name_template``) for a template
    that would not render."""
    error = template_error(template)
    if error:
        raise InvalidParameters({'name_template': [error]})


def snapshot_name(template, volume, schedule, slot):
    """The name of the snapshot ``schedule`` makes of ``volume`` for the
    run due at ``slot`` (aware): times in the schedule's own zone, the
    schedule by its label (when it runs, unlabelled), cut to Cinder's
    255 characters."""
    validate_template(template)
    values = {
        'volume_name': getattr(volume, 'name', None) or volume.id,
        'volume_id': volume.id,
        'schedule': schedule.label or words.name_part(schedule.when),
    }
    try:
        local_slot = slot.astimezone(timing.zone(schedule.when.tz))
    except (OverflowError, ValueError):
        raise InvalidParameters({'name_template': [_(
            "The run's time cannot be shown in the schedule's time "
            "zone.")]}) from None
    pieces = []
    for literal, field, spec in _parts(template):
        pieces.append(literal)
        if field == 'time':
            pieces.append(local_slot.strftime(spec or DEFAULT_TIME_FORMAT))
        elif field is not None:
            pieces.append(str(values[field]))
    return ''.join(pieces)[:cinder_facts.TEXT_LIMIT]
