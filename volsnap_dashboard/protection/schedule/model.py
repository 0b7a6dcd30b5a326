"""What a schedule is: its definition, the state its runs leave, and the
rules a definition must follow.

The same rules check a schedule the panels are about to save and one the
scheduler reads back from a volume's metadata, which its tenant can
write by hand.
"""

import dataclasses
import datetime
import re
import uuid

from django.utils.translation import gettext_lazy as _

from volsnap_dashboard.protection.parameters import InvalidParameters
from volsnap_dashboard.protection.schedule import naming
from volsnap_dashboard.protection.schedule import timing

SCHEDULE_ID = re.compile(r'^[0-9a-f]{8}$')
#: A protection plugin's name, as entry points name them.
PLUGIN_NAME = re.compile(r'^[a-z0-9][a-z0-9_.-]{0,63}$')
MAX_LABEL_LENGTH = 64
#: How many past runs a schedule remembers.
MAX_HISTORY = 10
#: Snapshots a run's history entry names among those it deleted (the
#: rest are counted): a volume's metadata is small.
MAX_DELETED_NAMED = 5
#: The most runs between two verifications a schedule may ask for.
MAX_VERIFY_EVERY = 100
#: A century: retention by age works on dates, which end at year 9999.
MAX_RETENTION_DAYS = 36500

OUTCOME_OK = 'ok'
OUTCOME_FAILED = 'failed'
OUTCOME_SKIPPED = 'skipped'
OUTCOME_INVALID = 'invalid'
OUTCOME_AUTHORIZATION_LOST = 'authorization_lost'
OUTCOMES = (OUTCOME_OK, OUTCOME_FAILED, OUTCOME_SKIPPED, OUTCOME_INVALID,
            OUTCOME_AUTHORIZATION_LOST)
# Outcomes that count as a failure in a row; a skip (quota) neither
# counts nor resets.
_FAILURES = (OUTCOME_FAILED, OUTCOME_INVALID, OUTCOME_AUTHORIZATION_LOST)


@dataclasses.dataclass
class When:
    """A 5-field cron in an IANA zone; ``preset`` keeps the panel's
    choice (``{'kind': 'daily', 'hour': 2, 'minute': 0}``) so it can be
    shown again, or None for a cron typed by hand."""
    cron: str
    tz: str
    preset: dict | None = None


@dataclasses.dataclass
class Retention:
    """Keep the last ``count`` and those younger than ``days`` days: a
    snapshot either rule keeps is kept; None turns a rule off."""
    count: int | None = None
    days: int | None = None


@dataclasses.dataclass
class ScheduleState:
    """What the scheduler recorded of the schedule's runs. ``history``
    holds the latest runs first-to-last, as dicts with ``slot``
    (datetime), ``outcome``, ``reason`` and ``snapshot`` (id or None)."""
    last_slot: datetime.datetime | None = None
    last_run: datetime.datetime | None = None
    outcome: str | None = None
    reason: str = ''
    failures: int = 0
    missed: int = 0
    snapshot_id: str | None = None
    history: list = dataclasses.field(default_factory=list)
    #: Ok runs since the scheduler last started a verification.
    ok_since_verification: int = 0

    def after_run(self, slot, run_at, outcome, reason='', snapshot_id=None,
                  missed=0, verification_started=False, deleted=()):
        """The state once the run due at ``slot`` ended with ``outcome``:
        consecutive failures counted, the history capped, ok runs counted
        until a verification starts. ``deleted``: the snapshots the run
        deleted, each ``{'id', 'name', 'why'}``, kept in its history
        entry (the first MAX_DELETED_NAMED named, the others counted)."""
        if outcome not in OUTCOMES:
            raise ValueError('unknown outcome %r' % (outcome,))
        if outcome in _FAILURES:
            failures = self.failures + 1
        elif outcome == OUTCOME_OK:
            failures = 0
        else:
            failures = self.failures
        ok_runs = self.ok_since_verification
        if verification_started:
            ok_runs = 0
        elif outcome == OUTCOME_OK:
            ok_runs += 1
        entry = {'slot': slot, 'outcome': outcome, 'reason': reason,
                 'snapshot': snapshot_id}
        if deleted:
            entry['deleted'] = list(deleted)[:MAX_DELETED_NAMED]
            entry['deleted_more'] = max(0, len(deleted) - MAX_DELETED_NAMED)
        return ScheduleState(
            last_slot=slot, last_run=run_at, outcome=outcome,
            reason=reason, failures=failures, missed=missed,
            snapshot_id=snapshot_id,
            history=(list(self.history) + [entry])[-MAX_HISTORY:],
            ok_since_verification=ok_runs)


@dataclasses.dataclass(frozen=True)
class Pause:
    """Who paused a schedule, and when: a member of its project, or an
    administrator (who may then resume it too)."""
    user_id: str
    at: datetime.datetime
    by_admin: bool = False


#: A user id as Keystone makes them is 32 or 64 characters.
MAX_USER_ID_LENGTH = 64


@dataclasses.dataclass
class Schedule:
    id: str
    volume_id: str
    project_id: str
    when: When
    options: dict
    name_template: str
    retention: Retention
    paused: bool
    trust_id: str
    owner_id: str
    label: str
    created: datetime.datetime
    state: ScheduleState = dataclasses.field(default_factory=ScheduleState)
    #: When the panel's "run now" asked for a run (the scheduler makes it
    #: at its next sweep), or None.
    run_requested: datetime.datetime | None = None
    #: Verify the newest snapshot every this many ok runs; None: never.
    verify_every: int | None = None
    #: Who paused it (a Pause, while ``paused``), or None.
    paused_by: Pause | None = None
    #: The protection plugin it runs (its entry-point name); None: the
    #: provider's first, as schedules saved before it was recorded.
    plugin: str | None = None

    def verification_due(self):
        """Whether the ok run about to be recorded is the one after which
        the new snapshot is verified."""
        return bool(self.verify_every) and (
            self.state.ok_since_verification + 1 >= self.verify_every)


@dataclasses.dataclass
class Invalid:
    """A schedule found on a volume that cannot be read or run: it does
    nothing, and ``reason`` says why."""
    id: str
    volume_id: str
    reason: str
    #: The state recorded on the volume, when it could be read.
    state: ScheduleState | None = None
    #: False for keys that are no schedule to record anything on (a bad
    #: id, no definition, past the volume's limit of schedules): the
    #: scheduler only logs them, as writing would add keys per junk key.
    record_state: bool = True


def new_schedule_id():
    """Eight hex characters: short metadata keys, unique on one volume."""
    return uuid.uuid4().hex[:8]


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def retention_errors(retention):
    """Per-field errors of a retention (``retention_count``,
    ``retention_days``, ``retention`` for the pair)."""
    errors = {}
    for field, value in (('retention_count', retention.count),
                         ('retention_days', retention.days)):
        if value is not None and (not _is_int(value) or value < 1):
            errors[field] = [_("Must be a whole number of at least 1.")]
    days = retention.days
    if _is_int(days) and days > MAX_RETENTION_DAYS:
        errors['retention_days'] = [_(
            "Must be a whole number from 1 to %d.") % MAX_RETENTION_DAYS]
    if retention.count is None and retention.days is None:
        errors['retention'] = [_("Keep a number of snapshots, snapshots "
                                 "of a number of days, or both.")]
    return errors


def verify_every_errors(verify_every):
    """Errors of the ``verify_every`` field (None, or 1..100)."""
    if verify_every is None:
        return {}
    if not _is_int(verify_every) or not \
            1 <= verify_every <= MAX_VERIFY_EVERY:
        return {'verify_every': [_(
            "Must be a whole number from 1 to %d.") % MAX_VERIFY_EVERY]}
    return {}


def _when_errors(when, min_interval):
    try:
        timing.validate_when(when.cron, when.tz, min_interval)
    except InvalidParameters as error:
        return dict(error.errors)
    if when.preset is None:
        return {}
    preset = dict(when.preset) if isinstance(when.preset, dict) else {}
    try:
        expected = timing.cron_for_preset(preset.pop('kind', None),
                                          **preset)
    except (InvalidParameters, TypeError):
        return {'preset': [_("Not a valid preset.")]}
    if expected != when.cron:
        return {'preset': [_("The preset does not match the cron "
                             "expression.")]}
    return {}


def _other_errors(schedule):
    errors = {}
    if not isinstance(schedule.id, str) or not SCHEDULE_ID.fullmatch(
            schedule.id):
        errors['id'] = [_("Must be 8 lowercase hexadecimal characters.")]
    if not isinstance(schedule.label, str):
        errors['label'] = [_("Must be text.")]
    elif naming.unprintable(schedule.label):
        errors['label'] = [_("Must not contain control characters.")]
    elif len(schedule.label) > MAX_LABEL_LENGTH:
        errors['label'] = [_("Must be at most %d characters long.") %
                           MAX_LABEL_LENGTH]
    if not isinstance(schedule.options, dict):
        errors['options'] = [_("Must be an object.")]
    if schedule.plugin is not None and not (
            isinstance(schedule.plugin, str) and
            PLUGIN_NAME.fullmatch(schedule.plugin)):
        errors['plugin'] = [_("Not the name of a protection plugin.")]
    if not isinstance(schedule.paused, bool):
        errors['paused'] = [_("Must be true or false.")]
    template_error = naming.template_error(schedule.name_template)
    if template_error:
        errors['name_template'] = [template_error]
    return errors


def validate(schedule, min_interval=None):
    """Raise InvalidParameters, per field, unless ``schedule``'s
    definition can run: a valid cron and zone (runs at least
    ``min_interval`` apart when given), a preset matching its cron, a
    retention rule, a usable name template and label.

    The plugin's options are checked by the plugin's own schema, by the
    caller that knows the plugin; the trust by Keystone when used.
    """
    errors = _when_errors(schedule.when, min_interval)
    errors.update(retention_errors(schedule.retention))
    errors.update(verify_every_errors(schedule.verify_every))
    errors.update(_other_errors(schedule))
    if errors:
        raise InvalidParameters(errors)
