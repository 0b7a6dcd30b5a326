"""Schedules read from a volume's metadata for the pages, which never
fail on them.

Any member of the volume's project writes that metadata: whatever the
codec or a page's computation makes of it (its state, next runs, times
in the user's zone, texts), a surprise turns that one schedule into an
:class:`~model.Invalid` with a reason, never an error for the page.
This module is the one place that guard lives; pages read schedules
through :func:`schedules_of` or :func:`schedule_of` and compute from
them through :func:`checked`.

A volume shows at most :data:`MAX_PER_VOLUME` schedules, so that a page
costs the same whatever number of keys one tenant writes on a volume.
"""

import dataclasses
import datetime
import logging
import re
import types

from django.utils.translation import gettext_lazy as _

from volsnap_dashboard.api import cinder_facts
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import model

LOG = logging.getLogger(__name__)

#: The most schedules of one volume a page reads (the panel creates a
#: handful; more is someone's junk).
MAX_PER_VOLUME = 20

# Times a page shows in any zone: a day off datetime's ends.
_FIRST_YEAR = datetime.MINYEAR + 1
_LAST_YEAR = datetime.MAXYEAR - 1
# How deep a page looks into a document's values.
_MAX_DEPTH = 8
# "project <id>" in a recorded reason: the scheduler names projects so.
_PROJECT_NAMED = re.compile(r'\bproject ([0-9A-Za-z_-]+)')
# Control characters (tab and line ends aside), which no page shows.
_CONTROL = re.compile('[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]')


# What the codec writes of one schedule at most: two documents of
# MAX_CHUNKS chunks each, numbered in decimal, and a run request. More is
# refused before decoding: its cost must not grow with what one writes.
_MAX_KEYS = 2 * codec.MAX_CHUNKS + 1
_MAX_DIGITS = len(str(codec.MAX_CHUNKS))


class NotShown(ValueError):
    """A schedule holds what a page cannot show; the message says why."""


def _by_schedule(volume):
    """``{schedule id: {key: value}}`` of the volume's schedule keys."""
    metadata = getattr(volume, 'metadata', None) or {}
    found = {}
    for key, value in metadata.items():
        if isinstance(key, str) and key.startswith(codec.PREFIX):
            sid = key[len(codec.PREFIX):].partition(':')[0]
            found.setdefault(sid, {})[key] = value
    return found


def _ranked(groups):
    """Schedule ids with a definition first, as the codec ranks them: keys
    that are no schedule (a run request alone, say) must not push a
    schedule the scheduler runs off the page."""
    def has_definition(schedule_id):
        own = '%s%s:%s:' % (codec.PREFIX, schedule_id, codec.DEFINITION)
        return bool(model.SCHEDULE_ID.fullmatch(schedule_id)) and any(
            key.startswith(own) for key in groups[schedule_id])
    return sorted(groups, key=lambda sid: (not has_definition(sid), sid))


def schedule_ids(volume):
    """Every schedule id on the volume, sorted (no decoding)."""
    return sorted(_by_schedule(volume))


def hidden_count(volume):
    """How many of the volume's schedules :func:`schedules_of` leaves
    out."""
    return max(len(_by_schedule(volume)) - MAX_PER_VOLUME, 0)


def _unexpected(schedule_id, volume_id, error):
    if isinstance(error, NotShown):
        # The tenant's writing, found on every page view: not worth more.
        LOG.debug("Schedule %s on volume %s cannot be shown: %s",
                  schedule_id, volume_id, error)
        reason = str(error)
    else:
        # What the codec or a computation did not expect.
        LOG.warning("Schedule %s on volume %s cannot be shown: %s",
                    schedule_id, volume_id, type(error).__name__)
        reason = _("its metadata holds what cannot be read (%s).") % (
            type(error).__name__)
    return model.Invalid(id=schedule_id, volume_id=volume_id,
                         reason=reason)


def _values(value, depth=0):
    """The strings and datetimes in ``value`` (dataclasses, dicts and
    lists walked ``_MAX_DEPTH`` deep)."""
    if depth > _MAX_DEPTH:
        raise NotShown(_("it is nested too deeply."))
    if isinstance(value, (str, datetime.datetime)):
        yield value
    elif dataclasses.is_dataclass(value):
        for field in dataclasses.fields(value):
            yield from _values(getattr(value, field.name), depth + 1)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _values(key, depth + 1)
            yield from _values(item, depth + 1)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _values(item, depth + 1)


def check_shown(schedule):
    """NotShown unless every text of ``schedule`` is Unicode a page can
    send and every time can be shown in any zone."""
    for value in _values(schedule):
        if isinstance(value, datetime.datetime):
            if not _FIRST_YEAR <= value.year <= _LAST_YEAR:
                raise NotShown(_("it holds a time out of range (year "
                                 "%d).") % value.year)
        else:
            try:
                value.encode('utf-8')
            except UnicodeError:
                raise NotShown(_("it holds text that is not valid "
                                 "Unicode.")) from None
            if _CONTROL.search(value):
                raise NotShown(_("it holds control characters."))
    return schedule


def _check_size(keys):
    """NotShown if ``keys`` are more than the codec writes of one
    schedule, or number a chunk beyond any it writes."""
    if len(keys) > _MAX_KEYS:
        raise NotShown(_("it has more metadata keys than a schedule "
                         "has."))
    for key in keys:
        number = key.rpartition(':')[2]
        if number.isdigit() and len(number) > _MAX_DIGITS:
            raise NotShown(_("it numbers a chunk out of range."))


def without_other_projects(text, project_id):
    """``text`` with any project other than ``project_id`` it names by
    id said as "another project" (a member's page names no other
    project)."""
    def said(match):
        if match.group(1) == project_id:
            return match.group(0)
        return str(_("another project"))
    return _PROJECT_NAMED.sub(said, text or '')


def _for_member(schedule, project_id):
    """``schedule`` as a member of ``project_id`` sees it: its reasons
    name no other project."""
    if isinstance(schedule, model.Invalid):
        return dataclasses.replace(schedule, reason=without_other_projects(
            schedule.reason, project_id))
    state = schedule.state
    history = [dict(entry, reason=without_other_projects(
        entry.get('reason'), project_id)) for entry in state.history]
    return dataclasses.replace(schedule, state=dataclasses.replace(
        state, reason=without_other_projects(state.reason, project_id),
        history=history))


def _decoded(volume, schedule_id, keys, min_interval, project_id):
    """The schedules the codec reads from one schedule's ``keys`` alone
    (a surprise in another schedule of the volume leaves this one be)."""
    alone = types.SimpleNamespace(id=volume.id, metadata=dict(keys))
    # A member's listing does not show the volume's project: it is theirs.
    setattr(alone, cinder_facts.VOLUME_PROJECT_ATTR,
            cinder_facts.volume_project(volume) or project_id)
    try:
        _check_size(keys)
        found = [check_shown(schedule)
                 for schedule in codec.decode(alone, min_interval)]
    except Exception as error:  # noqa: BLE001 - the one guard, see above
        found = [_unexpected(schedule_id, volume.id, error)]
    if project_id:
        found = [_for_member(schedule, project_id) for schedule in found]
    return found


def schedules_of(volume, min_interval=None, project_id=None):
    """The volume's first :data:`MAX_PER_VOLUME` schedules (those with a
    definition first, as the scheduler reads them, then by id), each a
    Schedule or an Invalid with the reason; never raises. ``project_id``:
    the volume's project where the listing does not show it (a member's:
    their current project), so a schedule of another is invalid."""
    groups = _by_schedule(volume)
    found = []
    for schedule_id in _ranked(groups)[:MAX_PER_VOLUME]:
        found.extend(_decoded(volume, schedule_id, groups[schedule_id],
                              min_interval, project_id))
    return found


def schedule_of(volume, schedule_id, min_interval=None, project_id=None):
    """The volume's schedule ``schedule_id`` (a Schedule or an Invalid),
    or None if it has none of that id; never raises (``project_id`` as
    for schedules_of)."""
    keys = _by_schedule(volume).get(schedule_id)
    if not keys:
        return None
    for found in _decoded(volume, schedule_id, keys, min_interval,
                          project_id):
        if found.id == schedule_id:
            return found
    return None


def checked(schedules, compute):
    """``schedules`` with each one ``compute(schedule)`` fails on
    replaced by an Invalid with the reason (``compute`` is what the page
    is about to work out from it: its state, next runs, words)."""
    found = []
    for schedule in schedules:
        if isinstance(schedule, model.Schedule):
            try:
                compute(schedule)
            except Exception as error:  # noqa: BLE001 - the one guard
                schedule = _unexpected(schedule.id, schedule.volume_id,
                                       error)
        found.append(schedule)
    return found
