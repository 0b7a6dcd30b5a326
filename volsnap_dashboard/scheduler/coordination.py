"""Coordination between scheduler processes, through tooz.

Every run holds a lock named after its schedule and slot, so two processes
that find the same schedule due at the same instant run it once: the second
one finds the lock taken and leaves the run to the first (whose idempotency
check and state write make a later attempt a no-op). Processes may also
split the schedules between them with a partitioned group; ring ownership
is only eventually consistent while members join or leave, so the lock
still guards each run.

Backends: ``file://<folder>`` (one machine, the default), ``redis://``,
``etcd3+http://`` or ``zookeeper://`` for several machines.
"""

import contextlib
import logging
import os
import socket
import uuid

from tooz import coordination as tooz_coordination

LOG = logging.getLogger(__name__)

GROUP = b'volsnap-scheduler'
LOCK_PREFIX = 'volsnap-run'


class CoordinationError(Exception):
    """The backend could not be reached or refused an operation."""


def default_member_id():
    """Unique per process: host name, pid and a random part."""
    return '%s-%d-%s' % (socket.gethostname(), os.getpid(),
                         uuid.uuid4().hex[:8])


def lock_name(schedule_id, slot):
    """One name per (schedule, slot); the slot is its ISO text."""
    return ('%s:%s:%s' % (LOCK_PREFIX, schedule_id, slot)).encode('utf-8')


class _ScheduleKey:
    """What the partitioner hashes: the schedule id alone, so a schedule
    keeps its owner whichever slot is due."""

    def __init__(self, schedule_id):
        self.schedule_id = schedule_id

    def __tooz_hash__(self):
        return self.schedule_id.encode('utf-8')


class Coordinator:
    """A started tooz coordinator with the scheduler's locks and group."""

    def __init__(self, url, member_id=None, partitioned=False,
                 get_coordinator=tooz_coordination.get_coordinator):
        self.url = url
        self.member_id = member_id or default_member_id()
        self.partitioned = partitioned
        self._get_coordinator = get_coordinator
        self._coordinator = None
        self._partitioner = None

    def start(self):
        if self.url.startswith('file://'):
            os.makedirs(self.url[len('file://'):], exist_ok=True)
        try:
            self._coordinator = self._get_coordinator(
                self.url, self.member_id.encode('utf-8'))
            self._coordinator.start(start_heart=True)
            if self.partitioned:
                self._partitioner = \
                    self._coordinator.join_partitioned_group(GROUP)
        except tooz_coordination.ToozError as exc:
            raise CoordinationError(
                'coordination backend %s: %s'
                % (_safe_url(self.url), exc)) from exc
        LOG.info("Coordination through %s as member %s%s",
                 _safe_url(self.url), self.member_id,
                 ' (partitioned group)' if self.partitioned else '')
        return self

    def stop(self):
        if self._coordinator is None:
            return
        try:
            if self._partitioner is not None:
                self._coordinator.leave_partitioned_group(self._partitioner)
            self._coordinator.stop()
        except tooz_coordination.ToozError as exc:
            LOG.warning("Leaving the coordination backend: %s", exc)
        self._coordinator = None
        self._partitioner = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def refresh(self):
        """Apply membership changes (once per sweep)."""
        if self._partitioner is None:
            return
        try:
            self._coordinator.run_watchers()
        except tooz_coordination.ToozError as exc:
            LOG.warning("Reading the group's members: %s", exc)

    def owns(self, schedule_id):
        """Whether this process evaluates ``schedule_id``: always, unless
        the schedules are partitioned."""
        if self._partitioner is None:
            return True
        return self._partitioner.belongs_to_self(_ScheduleKey(schedule_id))

    @contextlib.contextmanager
    def run_lock(self, schedule_id, slot):
        """Yield True while holding the run's lock, False if another
        process holds it. A new lock object per attempt: a tooz file lock
        that failed once can misreport its owner afterwards."""
        lock = self._coordinator.get_lock(lock_name(schedule_id, slot))
        try:
            acquired = lock.acquire(blocking=False)
        except tooz_coordination.ToozError as exc:
            raise CoordinationError('lock %s: %s'
                                    % (lock_name(schedule_id, slot), exc)) \
                from exc
        try:
            yield acquired
        finally:
            if acquired:
                try:
                    lock.release()
                except tooz_coordination.ToozError as exc:
                    LOG.warning("Releasing lock of schedule %s: %s",
                                schedule_id, exc)


def _safe_url(url):
    """The URL without a password (redis://:secret@host)."""
    scheme, sep, rest = url.partition('://')
    if '@' in rest.split('/')[0]:
        rest = '***@' + rest.split('@', 1)[1]
    return scheme + sep + rest
