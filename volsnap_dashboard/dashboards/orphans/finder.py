"""Which snapshots and volumes the product left without a purpose.

Computed from one snapshot listing and one volume listing (the same
project's, or every project's for an administrator), never a call per
row. Four kinds:

- a snapshot whose source volume no longer exists (Cinder deletes no
  volume that has snapshots, but a volume can leave the project: a
  transfer without its snapshots, or an administrator's doing);
- a snapshot made by a schedule that is gone from its volume's metadata
  (the volume still exists: the snapshot can be adopted by another of the
  volume's schedules, whose retention then manages it);
- a temporary verification volume left behind: older than the
  verification timeout, or whose snapshot is gone (the scheduler deletes
  them; one left over means a sweep was interrupted);
- a volume restored from a snapshot that is gone (for information: the
  volume is the user's, the panel only says where it came from);
- a protection of another plugin (a backup) made by a schedule gone from
  its volume's metadata: no retention deletes it any more. A backup whose
  volume is gone is no orphan: outliving its volume is what it is for.

What carries ``volsnap_kept=1`` in its metadata was looked at and kept:
it is listed only when asked for.
"""

import dataclasses
import datetime

from django.utils import functional
from django.utils.translation import pgettext
from django.utils.translation import pgettext_lazy

from volsnap_dashboard.dashboards.schedules import guard as schedule_guard
from volsnap_dashboard.api import cinder_facts
from volsnap_dashboard.dashboards.protections import rows as protection_rows
from volsnap_dashboard.protection import base
from volsnap_dashboard.protection import cinder_snapshot
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import model
from volsnap_dashboard.protection.schedule import retention
from volsnap_dashboard.protection import times
from volsnap_dashboard.protection import verification

KEPT_KEY = codec.KEPT_KEY
KEPT_VALUE = codec.KEPT_VALUE

SNAPSHOT = 'snapshot'
VOLUME = 'volume'
#: Another plugin's protection (a backup), the row's ``plugin`` says whose.
PROTECTION = 'protection'

NO_VOLUME = 'no_volume'
NO_SCHEDULE = 'no_schedule'
VERIFICATION_LEFT = 'verification_left'
RESTORED_NO_SNAPSHOT = 'restored_no_snapshot'
PROTECTION_NO_SCHEDULE = 'protection_no_schedule'


def _other_kinds_words():
    names = [str(plugin.verbose_name).capitalize()
             for plugin in protection_rows.other_plugins()]
    return pgettext('Kind of orphan', '%s of a deleted schedule') % (
        pgettext('Kinds of protection', ' or ').join(names) or
        pgettext('Kind of orphan', 'Protection'))

KIND_DISPLAY = (
    (NO_VOLUME, pgettext_lazy('Kind of orphan',
                              'Snapshot of a volume gone from its '
                              'project')),
    (NO_SCHEDULE, pgettext_lazy('Kind of orphan',
                                'Snapshot of a deleted schedule')),
    (VERIFICATION_LEFT, pgettext_lazy('Kind of orphan',
                                      'Verification volume left behind')),
    (RESTORED_NO_SNAPSHOT, pgettext_lazy('Kind of orphan',
                                         'Restored from a deleted '
                                         'snapshot')),
    # "Backup of a deleted schedule": named after the other plugins.
    (PROTECTION_NO_SCHEDULE, functional.lazy(_other_kinds_words, str)()),
)


def kind_display():
    """The kinds the panels can find: those of other plugins' protections
    only where the panels offer other plugins."""
    if protection_rows.other_plugins():
        return KIND_DISPLAY
    return tuple((kind, words) for kind, words in KIND_DISPLAY
                 if kind != PROTECTION_NO_SCHEDULE)

#: How long a verification may take before its volume counts as left
#: behind (the scheduler's sweep deletes it once the restore times out).
DEFAULT_VERIFICATION_TIMEOUT = datetime.timedelta(hours=1)

ROW_ID_SEPARATOR = '-'


@dataclasses.dataclass
class Orphan:
    """One row: a Cinder snapshot or volume (``resource``) and why it is
    an orphan."""

    kind: str
    resource_type: str
    resource: object
    created: datetime.datetime | None
    kept: bool = False
    #: For a snapshot of a deleted schedule: the schedule's id.
    schedule_id: str | None = None
    #: For a snapshot: its volume's valid schedules it can be adopted by.
    adoptable_by: tuple = ()
    #: For a snapshot: its volume exists, in another project.
    volume_elsewhere: bool = False
    #: For another plugin's protection: that plugin.
    plugin: object = None

    @property
    def id(self):
        return row_id(self.resource_type, self.resource.id)

    @property
    def resource_id(self):
        return self.resource.id

    @property
    def name(self):
        return getattr(self.resource, 'name', None) or self.resource.id

    @property
    def size(self):
        return getattr(self.resource, 'size', None)

    @property
    def status(self):
        return getattr(self.resource, 'status', None)

    @property
    def volume_id(self):
        return getattr(self.resource, 'volume_id', None)

    @property
    def project_id(self):
        return project_of(self.resource)

    def age(self, now):
        return None if self.created is None else now - self.created


def row_id(resource_type, resource_id):
    return '%s%s%s' % (resource_type, ROW_ID_SEPARATOR, resource_id)


def split_row_id(text):
    """``(resource_type, resource_id)`` of a row id; ValueError if it
    names neither a snapshot nor a volume."""
    resource_type, _sep, resource_id = str(text).partition(ROW_ID_SEPARATOR)
    if resource_type not in (SNAPSHOT, VOLUME, PROTECTION) or \
            not resource_id:
        raise ValueError(text)
    return resource_type, resource_id


def project_of(resource):
    if isinstance(resource, base.Protection):
        return resource.project_id
    return (cinder_facts.snapshot_project(resource)
            or cinder_facts.volume_project(resource))


def _metadata(resource):
    return getattr(resource, 'metadata', None) or {}


is_kept = retention.is_kept


def _valid_schedules(volume):
    return tuple(schedule for schedule in schedule_guard.schedules_of(volume)
                 if isinstance(schedule, model.Schedule))


class _VolumeSchedules:
    """Each volume's schedule ids and valid schedules, read once per
    volume however many of its snapshots are tagged."""

    def __init__(self):
        self._ids = {}
        self._valid = {}

    def ids(self, volume):
        if volume.id not in self._ids:
            self._ids[volume.id] = set(schedule_guard.schedule_ids(volume))
        return self._ids[volume.id]

    def valid(self, volume):
        if volume.id not in self._valid:
            self._valid[volume.id] = _valid_schedules(volume)
        return self._valid[volume.id]


def _elsewhere(snapshot, volume):
    """The volume is in another project than its snapshot (what an
    administrator's listing shows after such a transfer)."""
    theirs, its = project_of(snapshot), cinder_facts.volume_project(volume)
    return bool(theirs and its and theirs != its)


def _snapshot_orphan(snapshot, volumes, schedules):
    """The Orphan ``snapshot`` is, or None (``schedules``: a
    _VolumeSchedules)."""
    volume = volumes.get(getattr(snapshot, 'volume_id', None))
    created = retention.created_at(snapshot)
    if volume is None:
        return Orphan(NO_VOLUME, SNAPSHOT, snapshot, created)
    if _elsewhere(snapshot, volume):
        return Orphan(NO_VOLUME, SNAPSHOT, snapshot, created,
                      volume_elsewhere=True)
    schedule_id = _metadata(snapshot).get(codec.SNAPSHOT_SCHEDULE_KEY)
    if not schedule_id:
        return None
    # Any schedule of that id, valid or not: an unreadable one is still
    # there to be mended, and it keeps its snapshots meanwhile.
    if schedule_id in schedules.ids(volume):
        return None
    return Orphan(NO_SCHEDULE, SNAPSHOT, snapshot, created,
                  schedule_id=schedule_id,
                  adoptable_by=adopters(snapshot, volume,
                                        schedules.valid(volume)))


def _protection_orphan(protection, plugin, volumes, schedules):
    """The Orphan another plugin's ``protection`` is, or None: only one
    made by a schedule gone from its volume, which still exists."""
    volume = volumes.get(protection.volume_id)
    schedule_id = protection.metadata.get(codec.SNAPSHOT_SCHEDULE_KEY)
    if volume is None or not schedule_id or _elsewhere(protection, volume):
        return None
    if schedule_id in schedules.ids(volume):
        return None
    return Orphan(PROTECTION_NO_SCHEDULE, PROTECTION, protection,
                  retention.created_at(protection), schedule_id=schedule_id,
                  plugin=plugin)


def _volume_orphan(volume, snapshot_ids, now, verification_timeout):
    created = retention.created_at(volume)
    if verification.is_verification_volume(volume):
        started = verification.started_at(volume) or created
        gone = verification.snapshot_of(volume) not in snapshot_ids
        too_old = started is not None and \
            now - started > verification_timeout
        if gone or too_old:
            return Orphan(VERIFICATION_LEFT, VOLUME, volume, started)
        return None
    source = _metadata(volume).get(cinder_snapshot.RESTORED_FROM_KEY)
    if source and source not in snapshot_ids:
        return Orphan(RESTORED_NO_SNAPSHOT, VOLUME, volume, created)
    return None


def classify(snapshots, volumes, now,
             verification_timeout=DEFAULT_VERIFICATION_TIMEOUT,
             kept=False, other_protections=()):
    """The orphans among ``snapshots`` and ``volumes`` (all of a project,
    or all of the cloud) and ``other_protections`` (``(plugin,
    protection)`` pairs of other plugins: backups, which volumes may be
    restored from or verify as well), oldest first; with ``kept`` only
    those marked kept, else only the others."""
    volumes = list(volumes)
    snapshots = list(snapshots)
    other_protections = list(other_protections)
    by_id = {volume.id: volume for volume in volumes}
    snapshot_ids = {snapshot.id for snapshot in snapshots} | {
        protection.id for _plugin, protection in other_protections}
    found = []
    schedules = _VolumeSchedules()
    for snapshot in snapshots:
        orphan = _snapshot_orphan(snapshot, by_id, schedules)
        if orphan is not None:
            found.append(orphan)
    for plugin, protection in other_protections:
        orphan = _protection_orphan(protection, plugin, by_id, schedules)
        if orphan is not None:
            found.append(orphan)
    for volume in volumes:
        orphan = _volume_orphan(volume, snapshot_ids, now,
                                verification_timeout)
        if orphan is not None:
            found.append(orphan)
    for orphan in found:
        orphan.kept = is_kept(orphan.resource)
    return sorted((orphan for orphan in found if orphan.kept == kept),
                  key=lambda o: (o.created or times.LATEST, o.id))


def adoption_metadata(schedule):
    """The snapshot metadata that makes ``schedule`` own a snapshot of its
    volume (what the scheduler writes on the snapshots it makes)."""
    return {codec.SNAPSHOT_SCHEDULE_KEY: schedule.id,
            codec.SNAPSHOT_VOLUME_KEY: schedule.volume_id}


def adopters(snapshot, volume, valid=None):
    """The schedules of ``volume`` that may adopt ``snapshot``: valid, of
    the snapshot's own volume and project, other than its own
    (``valid``: the volume's valid schedules, when read already)."""
    if volume is None or getattr(snapshot, 'volume_id', None) != volume.id:
        return ()
    own = _metadata(snapshot).get(codec.SNAPSHOT_SCHEDULE_KEY)
    project = project_of(snapshot)
    if valid is None:
        valid = _valid_schedules(volume)
    return tuple(schedule for schedule in valid
                 if schedule.id != own and
                 (not project or schedule.project_id == project))


def adoptable_by(snapshot, volume):
    """The schedules that may adopt ``snapshot`` when it is a snapshot of
    a deleted schedule of ``volume`` (as the Orphans tab lists it), else
    none: a snapshot made by hand or by a schedule still there is no
    one's to hand to a schedule's retention."""
    if volume is None:
        return ()
    orphan = _snapshot_orphan(snapshot, {volume.id: volume},
                              _VolumeSchedules())
    if orphan is None or orphan.kind != NO_SCHEDULE:
        return ()
    return orphan.adoptable_by


def kind_for(text):
    """The kind named by ``text``: its key, or its words as the table
    shows them (any case); None if no kind is called so."""
    wanted = str(text or '').strip().lower()
    for kind, display in KIND_DISPLAY:
        if wanted in (kind, str(display).lower()):
            return kind
    return None


def count_by_kind(rows):
    """{kind: number of ``rows`` of that kind}, every kind present."""
    counts = {kind: 0 for kind, _display in kind_display()}
    for row in rows:
        counts[row.kind] = counts.get(row.kind, 0) + 1
    return counts


@dataclasses.dataclass
class Page:
    rows: list
    #: Position of the page's first row among all rows (0 for the first).
    start: int
    has_more: bool
    has_prev: bool


def page_of(rows, size, marker=None, backwards=False):
    """The ``size`` rows after the row whose id is ``marker`` (the last of
    the page before), or before it when going ``backwards`` (``marker``
    is then the first of the page after); the first page if ``marker``
    is none or no longer among ``rows``."""
    ids = [row.id for row in rows]
    position = ids.index(marker) if marker in ids else None
    if position is None:
        start = 0
    elif backwards:
        start = max(position - size, 0)
    else:
        start = position + 1
    end = start + size
    return Page(rows[start:end], start, has_more=end < len(rows),
                has_prev=start > 0)
