"""Which of a schedule's snapshots to delete, and whether deleting them
first makes room for the next one under the project's quota.

Only ``available`` snapshots count as kept. A snapshot in ``error`` is
never kept and is deleted; one in transition (``creating``, ``deleting``,
``restoring``...) is neither kept nor deleted, as Cinder deletes only
``available`` and ``error`` snapshots. Whatever the rules say, the last
``available`` snapshot is never deleted: a schedule must not leave its
volume with nothing to restore from. A snapshot its tenant chose to keep
(``volsnap_kept=1``) is left out altogether: never deleted, and not
counted among the snapshots a rule keeps.

Ages and order come from Cinder's ``created_at``, not from the
snapshot's metadata, which its tenant can change.

Some protections need others to be restored (an incremental backup needs
the chain it was made on: ``depends_on``). What a kept, in-transition or
tenant-kept protection needs is kept too; the floor is the newest
*restorable* one with its whole chain; one the cloud says others need
(``has_dependents``) is deleted only after them, in the same pass, and
kept when they are not all listed for deletion.
"""

import dataclasses
import datetime

from django.utils.translation import gettext_lazy as _

from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection import times

AVAILABLE = 'available'
ERROR = 'error'

# Cinder's absolute limits (-1: unlimited).
MAX_SNAPSHOTS = 'maxTotalSnapshots'
USED_SNAPSHOTS = 'totalSnapshotsUsed'
MAX_GIGABYTES = 'maxTotalVolumeGigabytes'
USED_GIGABYTES = 'totalGigabytesUsed'


def is_kept(resource):
    """Whether its tenant chose to keep ``resource`` (Keep)."""
    metadata = getattr(resource, 'metadata', None) or {}
    return metadata.get(codec.KEPT_KEY) == codec.KEPT_VALUE


def created_at(resource):
    """Cinder's creation time of ``resource`` (a snapshot or volume) as
    an aware UTC datetime, or None if unreadable."""
    return times.parse_iso(getattr(resource, 'created_at', None))


def _oldest_first(snapshots):
    """By creation, unreadable times last: they are treated as newest,
    so a rule never deletes a snapshot whose age it cannot tell."""
    return sorted(snapshots,
                  key=lambda s: (created_at(s) or times.LATEST, s.id))


def _needs(protection):
    return getattr(protection, 'depends_on', None)


def _restorable(protection, by_id):
    """Available, and so is every listed protection it needs."""
    seen = set()
    while protection is not None and protection.id not in seen:
        if protection.status != AVAILABLE:
            return False
        seen.add(protection.id)
        protection = by_id.get(_needs(protection))
    return True


def newest_available(snapshots):
    """The newest restorable of ``snapshots`` (by Cinder's creation
    time: available, and so is what it needs), or None: the one retention
    never deletes."""
    by_id = {s.id: s for s in snapshots}
    restorable = [s for s in snapshots if _restorable(s, by_id)]
    return _oldest_first(restorable)[-1] if restorable else None


def _with_what_they_need(ids, by_id):
    """``ids`` and every listed protection they need, transitively."""
    needed = set(ids)
    todo = list(ids)
    while todo:
        parent = _needs(by_id.get(todo.pop()))
        if parent in by_id and parent not in needed:
            needed.add(parent)
            todo.append(parent)
    return needed


def _dependents_first(doomed):
    """``doomed`` (oldest first) reordered so that a protection comes
    after those of them that need it: the cloud deletes nothing that
    another still needs."""
    ordered, placed = [], set()

    def place(protection):
        placed.add(protection.id)
        for other in doomed:
            if other.id not in placed and _needs(other) == protection.id:
                place(other)
        ordered.append(protection)
    for protection in doomed:
        if protection.id not in placed:
            place(protection)
    return ordered


def _kept_by_rules(available, retention, now):
    """The ids of the available snapshots (oldest first) a rule keeps:
    the newest ``count``, and those younger than ``days``."""
    kept = set()
    if retention.count:
        kept.update(s.id for s in available[-retention.count:])
    if retention.days:
        oldest_kept = now - datetime.timedelta(days=retention.days)
        kept.update(s.id for s in available
                    if (created_at(s) or now) >= oldest_kept)
    return kept


def to_delete(snapshots, retention, now):
    """The snapshots (of one schedule only: the caller filters by its
    id) that ``retention`` (model.Retention) no longer keeps at ``now``
    (aware), oldest first."""
    ordered = _oldest_first(s for s in snapshots if not is_kept(s))
    available = [s for s in ordered if s.status == AVAILABLE]
    kept = _kept_by_rules(available, retention, now)
    # The floor: the newest available one, and the newest restorable
    # (they differ while a chain member is busy or failed).
    if available:
        kept.add(available[-1].id)
    floor = newest_available(ordered)
    if floor is not None:
        kept.add(floor.id)
    # What the tenant keeps and what is in transition may need others.
    kept.update(s.id for s in snapshots
                if is_kept(s) or s.status not in (AVAILABLE, ERROR))
    by_id = {s.id: s for s in snapshots}
    while True:
        kept = _with_what_they_need(kept, by_id)
        doomed = [s for s in ordered if s.id not in kept and
                  s.status in (AVAILABLE, ERROR)]
        doomed_needs = {_needs(s) for s in doomed}
        # Needed by protections outside this list (or kept): the cloud
        # would refuse to delete it.
        refused = {s.id for s in doomed if getattr(s, 'has_dependents',
                                                   False)
                   and s.id not in doomed_needs}
        if not refused:
            return _dependents_first(doomed)
        kept |= refused


@dataclasses.dataclass
class Room:
    """Whether the next snapshot fits the quota: ``fits``; when it does
    only once ``to_delete`` are deleted, they are listed (delete them
    before creating); when it does not, ``reason`` says why."""
    fits: bool
    to_delete: list
    reason: str = ''


class _Upcoming:
    """The snapshot about to be made, as retention sees it."""
    id = ''
    status = AVAILABLE
    size = 0

    def __init__(self, at):
        self.created_at = at


def to_delete_after_next(snapshots, retention, at):
    """The snapshots of ``snapshots`` (one schedule's) that ``retention``
    deletes once the next snapshot, made at ``at``, exists: it counts
    among those kept and is never itself listed."""
    # The next snapshot is the newest, whatever ``at`` says: a night
    # rehearsed at a past instant (``--now``) meets snapshots Cinder made
    # after it.
    made = [created_at(s) for s in snapshots if created_at(s)]
    upcoming = _Upcoming(max([at] + made))
    return [s for s in to_delete(list(snapshots) + [upcoming], retention,
                                 at) if s is not upcoming]


def to_delete_after_next_of_each(protections, retention, at):
    """What ``retention`` deletes once each schedule's next run, at
    ``at``, has made its protection, of ``protections`` (those of one or
    more schedules): grouped by volume and schedule tag, each schedule
    counts its own, never another's."""
    by_schedule = {}
    for protection in protections:
        by_schedule.setdefault((getattr(protection, 'volume_id', None),
                                codec.schedule_id_of(protection)),
                               []).append(protection)
    return [doomed for own in by_schedule.values()
            for doomed in to_delete_after_next(own, retention, at)]


def _free(limits, maximum, used):
    """How much of a limit is left; None when unlimited or unknown."""
    limit = limits.get(maximum)
    if not isinstance(limit, int) or limit < 0:
        return None
    return limit - (limits.get(used) or 0)


#: What retention calls the protections, unless the plugin says.
SNAPSHOT_WORDS = (_("snapshot"), _("snapshots"))


def _shortfall(limits, needed_snapshots, needed_gb, freed,
               kind=SNAPSHOT_WORDS[0], kinds=SNAPSHOT_WORDS[1]):
    """The reason the next snapshot would not fit after deleting
    ``freed`` snapshots, or None if it fits (``kind``, ``kinds``: what
    the plugin calls its protections)."""
    free_snapshots = _free(limits, MAX_SNAPSHOTS, USED_SNAPSHOTS)
    if free_snapshots is not None and (
            free_snapshots + len(freed) < needed_snapshots):
        return _("The project's %(kind)s quota (%(max)s) is full, and "
                 "retention does not free enough of this schedule's "
                 "%(kinds)s.") % {
            'max': limits.get(MAX_SNAPSHOTS), 'kind': kind, 'kinds': kinds}
    free_gb = _free(limits, MAX_GIGABYTES, USED_GIGABYTES)
    freed_gb = sum(getattr(s, 'size', 0) or 0 for s in freed)
    if free_gb is not None and free_gb + freed_gb < needed_gb:
        return _("The project's gigabyte quota (%(max)s GB) leaves "
                 "%(free)s GB, and %(needed)s GB are needed.") % {
            'max': limits.get(MAX_GIGABYTES), 'free': free_gb + freed_gb,
            'needed': needed_gb}
    return None


def room_after_pruning(snapshots, retention, now, limits,
                       needed_snapshots=1, needed_gb=0, words=None):
    """Whether a new snapshot of ``needed_gb`` fits ``limits`` (Cinder's
    absolute limits, as a dict) now, or after deleting first what
    retention would delete once it exists ("prune, then create").

    Pruning first never deletes the last available snapshot either: the
    new one does not exist yet, and its creation may still fail.
    ``words``: ``(kind, kinds)``, what the plugin calls its protections.
    """
    words = words or SNAPSHOT_WORDS
    if _shortfall(limits, needed_snapshots, needed_gb, [], *words) is None:
        return Room(fits=True, to_delete=[])
    prunable = to_delete_after_next(snapshots, retention, now)
    existing = [s for s in snapshots
                if s.status == AVAILABLE and not is_kept(s)]
    pruned_ids = {s.id for s in prunable}
    if existing and all(s.id in pruned_ids for s in existing):
        newest = _oldest_first(existing)[-1]
        prunable = [s for s in prunable if s.id != newest.id]
    reason = _shortfall(limits, needed_snapshots, needed_gb, prunable,
                        *words)
    if reason:
        return Room(fits=False, to_delete=[], reason=str(reason))
    return Room(fits=True, to_delete=prunable)
