"""Coordination between scheduler processes, through tooz.

Every run holds a lock named after its volume and schedule, so two
processes that find the same schedule due at the same instant run it once:
the second one finds the lock taken and leaves the run to the first (whose
idempotency check and state write make a later attempt a no-op). The slot
is not in the name: a run asked for from the panel and a cron slot of the
same schedule must not run side by side either. A lock can be lost while
held (a Redis key that expired while the process stalled): the holder
checks it (:meth:`HeldLock.check`) before each step that cannot be
undone. Processes may also split the schedules between them with a
partitioned group; ring ownership is only eventually consistent while
members join or leave, so the lock still guards each run.

Backends: ``file://<folder>`` (one machine, the default), ``redis://``,
``etcd3+http://`` or ``zookeeper://`` for several machines.
"""

import contextlib
import logging
import os
import socket
import uuid

import tooz
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


def lock_name(*parts):
    """One name per thing locked: (volume id, schedule id) for a run,
    (snapshot id, 'verify') for a verification."""
    return ':'.join((LOCK_PREFIX,) + parts).encode('utf-8')


class LockLost(Exception):
    """The lock of a run was taken from this process while it held it."""


class HeldLock:
    """A lock this process acquired: true, and :meth:`check` raises
    LockLost once the backend says another process may hold it."""

    def __init__(self, lock, name):
        self._lock = lock
        self.name = name

    def __bool__(self):
        return True

    def check(self):
        try:
            still = self._lock.is_still_owner()
        except tooz_coordination.ToozError as exc:
            if isinstance(exc, tooz.NotImplemented):
                # The backend cannot tell (nor lose a lock it cannot
                # expire): the lock is held until released.
                return
            raise LockLost('lock %s: %s' % (self.name, exc)) from exc
        if not still:
            raise LockLost('lock %s is no longer held by this process'
                           % self.name)


# Points per member on the hash ring. With tooz's default (32) two
# members often split a rush 55/45 and at times 66/34, and the busier
# one sets when the last snapshot is made; 1,024 keeps it near 51/49.
# Every member must use the same number.
RING_POINTS = 1024


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
                    self._coordinator.join_partitioned_group(
                        GROUP, partitions=RING_POINTS)
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
    def run_lock(self, *parts):
        """Yield a HeldLock while holding the lock named after ``parts``
        (see lock_name), False if another process holds it. A new lock
        object per attempt: a tooz file lock that failed once can
        misreport its owner afterwards."""
        name = lock_name(*parts)
        lock = self._coordinator.get_lock(name)
        try:
            acquired = lock.acquire(blocking=False)
        except tooz_coordination.ToozError as exc:
            raise CoordinationError('lock %s: %s' % (name.decode(), exc)) \
                from exc
        try:
            yield HeldLock(lock, name.decode()) if acquired else False
        finally:
            if acquired:
                try:
                    lock.release()
                except tooz_coordination.ToozError as exc:
                    LOG.warning("Releasing lock %s: %s", name.decode(), exc)


def _safe_url(url):
    """The URL without a password (redis://:secret@host)."""
    scheme, sep, rest = url.partition('://')
    if '@' in rest.split('/')[0]:
        rest = '***@' + rest.split('@', 1)[1]
    return scheme + sep + rest
