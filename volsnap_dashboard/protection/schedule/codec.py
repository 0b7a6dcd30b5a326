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
import re

from django.utils.translation import gettext_lazy as _

from volsnap_dashboard.protection.parameters import InvalidParameters
from volsnap_dashboard.protection.schedule import model
from volsnap_dashboard.protection.schedule import timing

PREFIX = 'volsnap:'
MARKER_KEY = 'volsnap_scheduled'
MARKER_VALUE = '1'
VERSION = 1
SNAPSHOT_SCHEDULE_KEY = 'volsnap_schedule'
SNAPSHOT_SLOT_KEY = 'volsnap_slot'
SNAPSHOT_VOLUME_KEY = 'volsnap_volume'

DEFINITION = 'def'
STATE = 'state'
RUN_NOW = 'run_now'

#: Cinder's limit on a metadata key or value.
MAX_LENGTH = 255
#: A bound on one document (about 16 KB), so hand-written metadata
#: cannot make a sweep parse megabytes.
MAX_CHUNKS = 64
MAX_REASON_LENGTH = 1000

#: ``{version: step}``: each step turns a document of that version into
#: one of the next. Version 1 is the first, so there is none yet.
DEFINITION_UPGRADES = {}
STATE_UPGRADES = {}

_KEY = re.compile(r'^volsnap:([^:]*):([a-z_]+)(?::(.*))?$')


class Unreadable(ValueError):
    """One schedule's metadata does not decode; the message says why."""


# Encoding

def _chunks(schedule_id, kind, document):
    text = json.dumps(document, sort_keys=True, separators=(',', ':'),
                      ensure_ascii=True)
    pieces = [text[i:i + MAX_LENGTH]
              for i in range(0, len(text), MAX_LENGTH)]
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
        'created': timing.format_utc(schedule.created),
    }
    if schedule.verify_every is not None:
        # Optional: documents without it read as "never verify".
        document['verify_every'] = schedule.verify_every
    return document


def _time_or_none(moment):
    return None if moment is None else timing.format_utc(moment)


def _history_entry(entry):
    slot = entry.get('slot')
    if not isinstance(slot, str):
        slot = _time_or_none(slot)
    return {'slot': slot, 'outcome': entry.get('outcome'),
            'reason': (entry.get('reason') or '')[:MAX_LENGTH],
            'snapshot': entry.get('snapshot')}


def state_document(state):
    """The JSON-ready document of a schedule's state."""
    return {
        'v': VERSION,
        'last_slot': _time_or_none(state.last_slot),
        'last_run': _time_or_none(state.last_run),
        'outcome': state.outcome,
        'reason': (state.reason or '')[:MAX_REASON_LENGTH],
        'failures': state.failures,
        'missed': state.missed,
        'snapshot': state.snapshot_id,
        'history': [_history_entry(entry) for entry in
                    state.history[-model.MAX_HISTORY:]],
        'ok_since_verification': state.ok_since_verification,
    }


def encode_definition(schedule):
    """``{volsnap:<sid>:def:<n>: chunk}`` of a schedule's definition;
    InvalidParameters if it is larger than a volume should carry."""
    return _chunks(schedule.id, DEFINITION, definition_document(schedule))


def encode_state(schedule_id, state):
    """``{volsnap:<sid>:state:<n>: chunk}`` of a schedule's state."""
    return _chunks(schedule_id, STATE, state_document(state))


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
        match = _KEY.match(key)
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
        if part is None or not part.isdigit() or (
                len(part) > 1 and part.startswith('0')):
            raise Unreadable(_("unexpected key part %r.") % part)
        numbers[int(part)] = value
    if not numbers:
        return None
    if len(numbers) > MAX_CHUNKS:
        raise Unreadable(_("too many chunks."))
    missing = [n for n in range(max(numbers) + 1) if n not in numbers]
    if missing:
        raise Unreadable(_("chunk %d is missing.") % missing[0])
    return [numbers[n] for n in range(len(numbers))]


def _parsed(chunks):
    """The JSON object of a document's chunks (see :func:`_joined`)."""
    if not all(isinstance(chunk, str) for chunk in chunks):
        raise Unreadable(_("a chunk is not text."))
    text = ''.join(chunks)
    try:
        document, end = json.JSONDecoder().raw_decode(text)
    except ValueError as error:
        raise Unreadable(_("not valid JSON (%s).") % error) from None
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
        return timing.parse_utc(text)
    except ValueError:
        raise Unreadable(_("field %s is not an ISO UTC time.") % name) \
            from None


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
        verify_every=_field(document, 'verify_every', (int,), False))


def _history_of(document):
    history = []
    for entry in _field(document, 'history', (list,))[-model.MAX_HISTORY:]:
        if not isinstance(entry, dict):
            raise Unreadable(_("a history entry is not an object."))
        history.append({
            'slot': _time_field(entry, 'slot', False),
            'outcome': _field(entry, 'outcome', (str,), False),
            'reason': _field(entry, 'reason', (str,), False) or '',
            'snapshot': _field(entry, 'snapshot', (str,), False)})
    return history


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


def volume_project(volume):
    """The project that owns ``volume``, when Cinder shows it (to admins
    such as the scheduler's service user)."""
    return getattr(volume, 'os-vol-tenant-attr:tenant_id', None)


def _document(keys, kind, steps):
    """The current-version document of one kind, or None if absent;
    Unreadable names the kind."""
    try:
        chunks = _joined(keys, kind)
        return None if chunks is None else upgrade(_parsed(chunks), steps)
    except Unreadable as error:
        raise Unreadable('%s: %s' % (kind, error)) from None


def _decode_one(sid, keys, volume, min_interval):
    if not model.SCHEDULE_ID.match(sid):
        raise Unreadable(_("the schedule id is not 8 lowercase hex "
                            "characters."))
    definition = _document(keys, DEFINITION, DEFINITION_UPGRADES)
    if definition is None:
        raise Unreadable(_("no definition."))
    try:
        schedule = _schedule_of(sid, volume.id, definition)
    except Unreadable as error:
        raise Unreadable('%s: %s' % (DEFINITION, error)) from None
    owner_project = volume_project(volume)
    if owner_project and owner_project != schedule.project_id:
        raise Unreadable(_("its project is not the volume's project."))
    try:
        model.validate(schedule, min_interval)
    except InvalidParameters as error:
        raise Unreadable(str(error)) from None
    state = _document(keys, STATE, STATE_UPGRADES)
    if state is not None:
        try:
            schedule.state = _state_of(state)
        except Unreadable as error:
            raise Unreadable('%s: %s' % (STATE, error)) from None
    run_now = keys.get((RUN_NOW, None))
    if run_now is not None:
        schedule.run_requested = _time_field({RUN_NOW: run_now}, RUN_NOW)
    return schedule


def decode(volume, min_interval=None):
    """The schedules on ``volume`` (sorted by id), each a Schedule or an
    Invalid with the reason. With ``min_interval`` (the operator's
    setting), a schedule that runs more often is invalid too."""
    metadata = getattr(volume, 'metadata', None) or {}
    found = []
    for sid, keys in sorted(_group(metadata).items()):
        try:
            found.append(_decode_one(sid, keys, volume, min_interval))
        except Unreadable as error:
            found.append(model.Invalid(id=sid, volume_id=volume.id,
                                       reason=str(error)))
    return found
