"""The schedule format in volume metadata (version 1).

On the volume::

    volsnap_scheduled = "1"             while the volume has a schedule
    volsnap:<sid>:def:<n>               the definition, as chunks of JSON
    volsnap:<sid>:state:<n>             the state of its runs, likewise
    volsnap:<sid>:run_now = <ISO UTC>   a run asked for from the panel

Cinder limits each key and value to 255 characters, so a document is
compact JSON (sorted keys, ASCII only: an escaped character never counts
as more than one) cut into chunks of 255. The tenant can write this
metadata by hand: whatever does not decode into a valid schedule comes
back as :class:`~model.Invalid` with the reason, and does nothing.

A document names its version (``v``). A newer reader reads older
documents through :func:`upgrade`, one step per version; a document of a
newer version than this reader is invalid here. Unknown fields are
ignored, so a later version may add optional ones.
"""

import json
import logging
import re

from django.utils.translation import gettext_lazy as _

from volsnap_dashboard.api import cinder_facts
from volsnap_dashboard.protection.parameters import InvalidParameters
from volsnap_dashboard.protection.schedule import model
from volsnap_dashboard.protection import times

LOG = logging.getLogger(__name__)

PREFIX = 'volsnap:'
MARKER_KEY = 'volsnap_scheduled'
MARKER_VALUE = '1'
VERSION = 1
SNAPSHOT_SCHEDULE_KEY = 'volsnap_schedule'
#: A snapshot (or volume) its tenant chose to keep: retention neither
#: counts nor deletes it, and the orphans list shows it only on demand.
KEPT_KEY = 'volsnap_kept'
KEPT_VALUE = '1'
SNAPSHOT_SLOT_KEY = 'volsnap_slot'
SNAPSHOT_VOLUME_KEY = 'volsnap_volume'

DEFINITION = 'def'
STATE = 'state'
RUN_NOW = 'run_now'

#: A bound on one document (about 16 KB), so hand-written metadata
#: cannot make a sweep parse megabytes.
MAX_CHUNKS = 64
MAX_REASON_LENGTH = 1000
#: How deep a document may nest (a definition's preset days are at depth
#: 3, a state's history entries at 2): checked before the JSON parser,
#: which recurses and fails on a few thousand brackets.
MAX_DEPTH = 8
#: The schedules decoded on one volume (those with a definition first);
#: the others are invalid without being read, so the cost of one
#: volume's metadata is bounded however many keys its tenant writes.
MAX_SCHEDULES = 20

#: ``{version: step}``: each step turns a document of that version into
#: one of the next. Version 1 is the first, so there is none yet.
DEFINITION_UPGRADES = {}
STATE_UPGRADES = {}

_KEY = re.compile(r'volsnap:([^:]*):([a-z_]+)(?::(.*))?', re.DOTALL)
# ASCII digits only (str.isdigit also takes other scripts' digits and
# superscripts, which int() then refuses or reads), a few of them.
_CHUNK_NUMBER = re.compile(r'0|[1-9][0-9]{0,2}')


class Unreadable(ValueError):
    """One schedule's metadata does not decode; the message says why."""


# Encoding

def schedule_id_of(snapshot):
    """The id of the schedule that made ``snapshot`` (its tag), or
    None."""
    metadata = getattr(snapshot, 'metadata', None) or {}
    return metadata.get(SNAPSHOT_SCHEDULE_KEY) or None


def scheduled_volumes_filter(**more):
    """Search options of a volume listing that finds the volumes carrying
    a schedule (Cinder's exact-match metadata filter), with ``more``
    (``all_tenants``, ``id``) added."""
    return dict(more, metadata={MARKER_KEY: MARKER_VALUE})


def _text(document):
    return json.dumps(document, sort_keys=True, separators=(',', ':'),
                      ensure_ascii=True)


def _fits(text):
    return len(text) <= MAX_CHUNKS * cinder_facts.TEXT_LIMIT


def cut(text, limit):
    """``text`` cut to what takes at most ``limit`` characters once
    written (an escaped character takes up to twelve)."""
    if len(text) * 12 <= limit:
        return text
    size = 0
    for position, char in enumerate(text):
        size += len(json.dumps(char)) - 2
        if size > limit:
            return text[:position]
    return text


def _chunks(schedule_id, kind, document):
    text = _text(document)
    pieces = [text[i:i + cinder_facts.TEXT_LIMIT]
              for i in range(0, len(text), cinder_facts.TEXT_LIMIT)]
    if len(pieces) > MAX_CHUNKS:
        raise InvalidParameters({'__all__': [
            _("The schedule is too large to be kept on the volume.")]})
    return {chunk_key(schedule_id, kind, n): piece
            for n, piece in enumerate(pieces)}


def chunk_key(schedule_id, kind, number):
    return '%s%s:%s:%d' % (PREFIX, schedule_id, kind, number)


def run_now_key(schedule_id):
    return '%s%s:%s' % (PREFIX, schedule_id, RUN_NOW)


def definition_document(schedule):
    """The JSON-ready document of a schedule's definition."""
    when = schedule.when
    document = {
        'v': VERSION,
        'when': {'cron': when.cron, 'tz': when.tz, 'preset': when.preset},
        'options': schedule.options,
        'name': schedule.name_template,
        'keep': {'count': schedule.retention.count,
                 'days': schedule.retention.days},
        'paused': schedule.paused,
        'trust': schedule.trust_id,
        'owner': schedule.owner_id,
        'project': schedule.project_id,
        'label': schedule.label,
        'created': times.format_utc(schedule.created),
    }
    if schedule.volume_id:
        # Optional: schedules saved before it was recorded lack it.
        document['volume'] = schedule.volume_id
    if schedule.plugin is not None:
        # Optional: without it, the provider's first plugin.
        document['plugin'] = schedule.plugin
    if schedule.verify_every is not None:
        # Optional: documents without it read as "never verify".
        document['verify_every'] = schedule.verify_every
    if schedule.paused and schedule.paused_by is not None:
        # Optional: schedules paused before it was recorded lack it.
        document['paused_by'] = {
            'user': schedule.paused_by.user_id,
            'at': times.format_utc(schedule.paused_by.at),
            'admin': schedule.paused_by.by_admin}
    return document


def _time_or_none(moment):
    return None if moment is None else times.format_utc(moment)


def _short(value, limit=cinder_facts.TEXT_LIMIT):
    return cut(value, limit) if isinstance(value, str) else value


# A deleted snapshot's name as a history entry keeps it.
MAX_DELETED_NAME = 64


def _history_entry(entry):
    slot = entry.get('slot')
    if not isinstance(slot, str):
        slot = _time_or_none(slot)
    written = {'slot': _short(slot), 'outcome': _short(entry.get('outcome')),
               'reason': cut(entry.get('reason') or '',
                             cinder_facts.TEXT_LIMIT),
               'snapshot': _short(entry.get('snapshot'))}
    deleted = entry.get('deleted')
    if deleted:
        # Optional: entries written before deletions were recorded lack it.
        written['deleted'] = [
            {'id': _short(item.get('id')),
             'name': cut(item.get('name') or '', MAX_DELETED_NAME),
             'why': _short(item.get('why'))}
            for item in deleted[:model.MAX_DELETED_NAMED]]
        written['deleted_more'] = entry.get('deleted_more') or 0
    return written


def state_document(state):
    """The JSON-ready document of a schedule's state."""
    return {
        'v': VERSION,
        'last_slot': _time_or_none(state.last_slot),
        'last_run': _time_or_none(state.last_run),
        'outcome': _short(state.outcome),
        'reason': cut(state.reason or '', MAX_REASON_LENGTH),
        'failures': state.failures,
        'missed': state.missed,
        'snapshot': _short(state.snapshot_id),
        'history': [_history_entry(entry) for entry in
                    state.history[-model.MAX_HISTORY:]],
        'ok_since_verification': state.ok_since_verification,
    }


def encode_definition(schedule):
    """``{volsnap:<sid>:def:<n>: chunk}`` of a schedule's definition;
    InvalidParameters if it is larger than a volume should carry."""
    return _chunks(schedule.id, DEFINITION, definition_document(schedule))


def encode_state(schedule_id, state):
    """``{volsnap:<sid>:state:<n>: chunk}`` of a schedule's state. It
    always fits: its texts are cut to their written length, and the
    oldest history goes first if that is not enough (recording a state
    must not fail while recording an error)."""
    document = state_document(state)
    while document['history'] and not _fits(_text(document)):
        document['history'] = document['history'][1:]
    return _chunks(schedule_id, STATE, document)


def keys_of(metadata, schedule_id):
    """Every metadata key of one schedule (to delete or replace it)."""
    own = '%s%s:' % (PREFIX, schedule_id)
    return sorted(key for key in (metadata or {}) if key.startswith(own))


# Decoding

def _group(metadata):
    """``{sid: {(kind, part): value}}`` of the keys under PREFIX."""
    found = {}
    for key, value in metadata.items():
        if not isinstance(key, str) or not key.startswith(PREFIX):
            continue
        match = _KEY.fullmatch(key)
        if match is None:
            # ``volsnap:<sid>`` alone, or a kind this reader does not
            # know: a later version's, ignored.
            continue
        sid, kind, part = match.groups()
        found.setdefault(sid, {})[(kind, part)] = value
    return found


def _joined(keys, kind):
    """The text of one document from its chunks 0, 1, ... A chunk past
    the end of the JSON is a leftover of a longer earlier document whose
    removal failed; a gap or an extra non-chunk is tampering."""
    numbers = {}
    for (key_kind, part), value in keys.items():
        if key_kind != kind:
            continue
        if part is None or not _CHUNK_NUMBER.fullmatch(part):
            raise Unreadable(_("unexpected key part %r.") % (
                part if part is None else cut(part, 40)))
        if int(part) >= MAX_CHUNKS:
            raise Unreadable(_("too many chunks."))
        numbers[int(part)] = value
    if not numbers:
        return None
    missing = [n for n in range(max(numbers) + 1) if n not in numbers]
    if missing:
        raise Unreadable(_("chunk %d is missing.") % missing[0])
    return [numbers[n] for n in range(len(numbers))]


def _too_deep(text):
    """Whether JSON ``text`` nests beyond MAX_DEPTH (brackets inside
    strings are text)."""
    if text.count('[') + text.count('{') <= MAX_DEPTH:
        return False
    depth, in_string, escaped = 0, False, False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == '\\':
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in '[{':
            depth += 1
            if depth > MAX_DEPTH:
                return True
        elif char in ']}':
            depth -= 1
    return False


def _parsed(chunks):
    """The JSON object of a document's chunks (see :func:`_joined`)."""
    if not all(isinstance(chunk, str) for chunk in chunks):
        raise Unreadable(_("a chunk is not text."))
    text = ''.join(chunks)
    if not _fits(text):
        raise Unreadable(_("too large."))
    if _too_deep(text):
        raise Unreadable(_("nested too deeply."))
    try:
        document, end = json.JSONDecoder().raw_decode(text)
    except ValueError as error:
        # Python's words on the JSON, short: the reason names the rest.
        raise Unreadable(_("not valid JSON (%s).") % cut(str(error), 80)
                         ) from None
    # The document must end where a chunk ends; what follows is stale.
    boundaries = {0}
    for chunk in chunks:
        boundaries.add(max(boundaries) + len(chunk))
    if end not in boundaries:
        raise Unreadable(_("unexpected text after the JSON."))
    if not isinstance(document, dict):
        raise Unreadable(_("not a JSON object."))
    return document


def upgrade(document, steps=None):
    """``document`` in the current version, through each version's step
    (``steps`` defaults to the definition's); Unreadable for a newer or
    unknown version."""
    steps = DEFINITION_UPGRADES if steps is None else steps
    version = document.get('v')
    if not isinstance(version, int) or isinstance(version, bool) or (
            version < 1):
        raise Unreadable(_("no valid version."))
    if version > VERSION:
        raise Unreadable(_("written by a newer version (%d).") % version)
    while version < VERSION:
        document = steps[version](dict(document))
        version = document['v']
    return document


def _field(document, name, types, required=True):
    """``document[name]`` if of ``types`` (None allowed unless
    ``required``); a bool never passes for an int."""
    value = document.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, types) or (
            isinstance(value, bool) and bool not in types):
        raise Unreadable(_("field %s has the wrong type.") % name)
    return value


def _time_field(document, name, required=True):
    text = _field(document, name, (str,), required)
    if text is None:
        return None
    try:
        return times.parse_utc(text)
    except ValueError:
        raise Unreadable(_("field %(name)s is not an ISO UTC time of the "
                           "years %(first)d to %(last)d.") % {
            'name': name, 'first': times.MIN_YEAR,
            'last': times.MAX_YEAR}) from None


def _non_empty(document, name):
    value = _field(document, name, (str,))
    if not value:
        raise Unreadable(_("field %s is empty.") % name)
    return value


def _schedule_of(sid, volume_id, document):
    when = _field(document, 'when', (dict,))
    keep = _field(document, 'keep', (dict,))
    return model.Schedule(
        id=sid, volume_id=volume_id,
        project_id=_non_empty(document, 'project'),
        when=model.When(cron=_field(when, 'cron', (str,)),
                        tz=_field(when, 'tz', (str,)),
                        preset=_field(when, 'preset', (dict,), False)),
        options=_field(document, 'options', (dict,)),
        name_template=_field(document, 'name', (str,)),
        retention=model.Retention(
            count=_field(keep, 'count', (int,), False),
            days=_field(keep, 'days', (int,), False)),
        paused=_field(document, 'paused', (bool,)),
        trust_id=_non_empty(document, 'trust'),
        owner_id=_non_empty(document, 'owner'),
        label=_field(document, 'label', (str,)),
        created=_time_field(document, 'created'),
        verify_every=_field(document, 'verify_every', (int,), False),
        paused_by=_pause_of(document),
        plugin=_field(document, 'plugin', (str,), False))


def _pause_of(document):
    """Who paused the schedule (a model.Pause), or None where it does not
    say; Unreadable for anything but the shape it is written in."""
    pause = _field(document, 'paused_by', (dict,), False)
    if pause is None:
        return None
    user_id = _non_empty(pause, 'user')
    if len(user_id) > model.MAX_USER_ID_LENGTH or set(pause) - {
            'user', 'at', 'admin'}:
        raise Unreadable(_("field paused_by is not who paused it."))
    return model.Pause(user_id=user_id, at=_time_field(pause, 'at'),
                       by_admin=_field(pause, 'admin', (bool,)))


def _history_of(document):
    history = []
    for entry in _field(document, 'history', (list,))[-model.MAX_HISTORY:]:
        if not isinstance(entry, dict):
            raise Unreadable(_("a history entry is not an object."))
        read = {
            'slot': _time_field(entry, 'slot', False),
            'outcome': _field(entry, 'outcome', (str,), False),
            'reason': _field(entry, 'reason', (str,), False) or '',
            'snapshot': _field(entry, 'snapshot', (str,), False)}
        deleted = _field(entry, 'deleted', (list,), False)
        if deleted:
            read['deleted'] = [_deleted_of(item) for item
                               in deleted[:model.MAX_DELETED_NAMED]]
            read['deleted_more'] = _field(entry, 'deleted_more', (int,),
                                          False) or 0
            if read['deleted_more'] < 0:
                raise Unreadable(_("a count is negative."))
        history.append(read)
    return history


def _deleted_of(item):
    if not isinstance(item, dict):
        raise Unreadable(_("a deleted snapshot is not an object."))
    return {'id': _field(item, 'id', (str,)),
            'name': _field(item, 'name', (str,), False) or '',
            'why': _field(item, 'why', (str,), False) or ''}


def _state_of(document):
    counts = {name: _field(document, name, (int,))
              for name in ('failures', 'missed')}
    # Absent from states written before verification existed.
    counts['ok_since_verification'] = _field(
        document, 'ok_since_verification', (int,), False) or 0
    if any(count < 0 for count in counts.values()):
        raise Unreadable(_("a count is negative."))
    return model.ScheduleState(
        last_slot=_time_field(document, 'last_slot', False),
        last_run=_time_field(document, 'last_run', False),
        outcome=_field(document, 'outcome', (str,), False),
        reason=_field(document, 'reason', (str,), False) or '',
        snapshot_id=_field(document, 'snapshot', (str,), False),
        history=_history_of(document), **counts)


def _document(keys, kind, steps):
    """The current-version document of one kind, or None if absent;
    Unreadable names the kind."""
    try:
        chunks = _joined(keys, kind)
        return None if chunks is None else upgrade(_parsed(chunks), steps)
    except Unreadable as error:
        raise Unreadable('%s: %s' % (kind, error)) from None


def _invalid(sid, volume, reason, state=None, record_state=True):
    return model.Invalid(id=sid, volume_id=volume.id,
                         reason=cut(str(reason), MAX_REASON_LENGTH),
                         state=state, record_state=record_state)


def _is_schedule(sid, keys):
    """Whether the keys of ``sid`` are a schedule's, readable or not: a
    valid id with a definition (others are leftovers or junk)."""
    return bool(model.SCHEDULE_ID.fullmatch(sid)) and any(
        kind == DEFINITION for kind, _part in keys)


def _state_or_reason(keys):
    """``(ScheduleState or None, None)``, or ``(None, why unreadable)``."""
    try:
        document = _document(keys, STATE, STATE_UPGRADES)
        return (None if document is None else _state_of(document)), None
    except Unreadable as error:
        return None, '%s: %s' % (STATE, error)


def _schedule_checked(sid, keys, volume, min_interval):
    """The Schedule of the definition; Unreadable unless it can run."""
    definition = _document(keys, DEFINITION, DEFINITION_UPGRADES)
    try:
        schedule = _schedule_of(sid, volume.id, definition)
    except Unreadable as error:
        raise Unreadable('%s: %s' % (DEFINITION, error)) from None
    owner_project = cinder_facts.volume_project(volume)
    if owner_project and owner_project != schedule.project_id:
        raise Unreadable(_("its project is not the volume's project."))
    made_for = definition.get('volume')
    if made_for is not None and made_for != volume.id:
        # A backup restored to a new volume brings its volume's metadata:
        # the copy must not run, nor share the original's trust.
        raise Unreadable(_(
            "it was made for another volume (%s) and copied to this one, "
            "as restoring a backup copies its volume's metadata: schedule "
            "this volume anew.") % cut(str(made_for), 40))
    try:
        model.validate(schedule, min_interval)
    except InvalidParameters as error:
        raise Unreadable(str(error)) from None
    return schedule


def _decode_one(sid, keys, volume, min_interval):
    if not model.SCHEDULE_ID.fullmatch(sid):
        return _invalid(sid, volume, _(
            "the schedule id is not 8 lowercase hex characters."),
            record_state=False)
    if not _is_schedule(sid, keys):
        return _invalid(sid, volume, _("no definition."),
                        record_state=False)
    # Read even when the definition is not: an invalid schedule's state
    # tells whether that is recorded already.
    state, state_problem = _state_or_reason(keys)
    try:
        schedule = _schedule_checked(sid, keys, volume, min_interval)
        if state_problem:
            raise Unreadable(state_problem)
        run_now = keys.get((RUN_NOW, None))
        if run_now is not None:
            schedule.run_requested = _time_field({RUN_NOW: run_now},
                                                 RUN_NOW)
    except Unreadable as error:
        return _invalid(sid, volume, error, state)
    if state is not None:
        schedule.state = state
    return schedule


def _decoded(sid, keys, volume, min_interval):
    """_decode_one, and an Invalid for whatever else goes wrong: one
    schedule's metadata never stops the reading of others."""
    try:
        return _decode_one(sid, keys, volume, min_interval)
    except Exception as error:  # noqa: BLE001 - tenant-written metadata
        LOG.warning("schedule %s on volume %s: metadata not read",
                    cut(sid, 40), volume.id, exc_info=True)
        return _invalid(sid, volume, _(
            "the metadata could not be read (%s).") % type(error).__name__,
            record_state=_is_schedule(sid, keys))


def _metadata(volume):
    metadata = getattr(volume, 'metadata', None) or {}
    return metadata if isinstance(metadata, dict) else {}


def decode(volume, min_interval=None):
    """The schedules on ``volume`` (sorted by id), each a Schedule or an
    Invalid with the reason. With ``min_interval`` (the operator's
    setting), a schedule that runs more often is invalid too. Past
    MAX_SCHEDULES, the rest are invalid unread (schedules with a
    definition are read first)."""
    grouped = _group(_metadata(volume))
    ranked = sorted(grouped, key=lambda sid: (
        not _is_schedule(sid, grouped[sid]), sid))
    found = [_decoded(sid, grouped[sid], volume, min_interval)
             for sid in ranked[:MAX_SCHEDULES]]
    found += [_invalid(sid, volume, _(
        "too many schedules on this volume (more than %d).")
        % MAX_SCHEDULES, record_state=False)
        for sid in ranked[MAX_SCHEDULES:]]
    return sorted(found, key=lambda schedule: schedule.id)


def decode_schedule(volume, schedule_id, min_interval=None):
    """The one schedule ``schedule_id`` on ``volume`` (a Schedule or an
    Invalid), reading only its own keys; None if it has none."""
    own = '%s%s:' % (PREFIX, schedule_id)
    keys = _group({key: value for key, value in _metadata(volume).items()
                   if isinstance(key, str) and key.startswith(own)}).get(
        schedule_id)
    if keys is None:
        return None
    return _decoded(schedule_id, keys, volume, min_interval)
