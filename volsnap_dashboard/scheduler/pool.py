"""The runs in flight: a bounded number at once, fair between projects,
slowed down by Cinder's back-pressure.

At 02:00 every nightly schedule is due in the same minute. A run spends
most of its time waiting for Cinder (the snapshot to become available),
so runs go in parallel: up to ``size`` at once, each in a worker thread,
each still under its own lock with its own idempotency check (run.py).
Queued runs are taken one project at a time, in turn: a project with
5,000 volumes due does not delay another project's one.

Back-pressure is Cinder's to give (errors.BACK_PRESSURE: a 429, a rate
limit's 413, a lost answer): the run that met it is queued again (a run
is safe to repeat: it finds what an earlier attempt made), starts pause
for the Retry-After Cinder asked for (or an exponential back-off), and
the number in flight is halved, growing back by one per ``limit``
successful runs (AIMD, as TCP does). An answer slower than SLOW_ANSWER
halves the number too, without a pause. A run that cannot start before its
window ends is handed to ``give_up`` to be recorded, never dropped.
"""

import collections
import dataclasses
import logging
import threading
import time

from volsnap_dashboard.api import errors

LOG = logging.getLogger(__name__)

FIRST_BACK_OFF = 1.0
MAX_BACK_OFF = 60.0
# A Cinder answer slower than this is Cinder struggling: fewer in flight
# (cut once per this many seconds, however many slow answers come).
SLOW_ANSWER = 10.0


@dataclasses.dataclass
class Task:
    key: object
    project: str
    run: object
    #: ``late()`` true once the run must not start any more.
    late: object = lambda: False
    #: ``give_up(error)`` records why it did not run.
    give_up: object = lambda error: None
    attempts: int = 0


class FairQueue:
    """Tasks waiting to start, taken one project at a time in turn. Not
    thread-safe alone: the pool holds its lock around every call."""

    def __init__(self):
        self._by_project = collections.OrderedDict()

    def __len__(self):
        return sum(len(tasks) for tasks in self._by_project.values())

    def put(self, task):
        self._by_project.setdefault(task.project, collections.deque()) \
            .append(task)

    def take(self):
        """The next project's oldest task (that project then goes to the
        back of the turn), or None."""
        if not self._by_project:
            return None
        project, tasks = next(iter(self._by_project.items()))
        task = tasks.popleft()
        del self._by_project[project]
        if tasks:
            self._by_project[project] = tasks
        return task

    def clear(self):
        dropped = len(self)
        self._by_project.clear()
        return dropped


class Throttle:
    """How many runs may be in flight now, and from when starts resume
    after Cinder asked to slow down. Not thread-safe alone: the pool
    holds its lock around every call."""

    def __init__(self, ceiling, clock=time.monotonic):
        self.ceiling = ceiling
        self.limit = float(ceiling)
        self.resume_at = 0.0
        self.back_off = FIRST_BACK_OFF
        self.clock = clock
        self.cut_at = float('-inf')

    def allows(self, in_flight):
        return in_flight < max(1, int(self.limit)) and \
            self.clock() >= self.resume_at

    def wait_time(self):
        return max(0.0, self.resume_at - self.clock())

    def slowed(self, retry_after=None):
        """Cinder pushed back: halve the limit (once per pause: the
        runs in flight meet the same pushback together) and pause."""
        now = self.clock()
        if now >= self.resume_at:
            self.limit = max(1.0, self.limit / 2)
            delay = retry_after or self.back_off
            self.back_off = min(MAX_BACK_OFF, self.back_off * 2)
            self.resume_at = now + min(float(delay), MAX_BACK_OFF)
        return self.resume_at - now

    def crowded(self):
        """Cinder answers slowly: halve the limit, without a pause, at
        most once per SLOW_ANSWER seconds."""
        now = self.clock()
        if now - self.cut_at >= SLOW_ANSWER:
            self.limit = max(1.0, self.limit / 2)
            self.cut_at = now

    def succeeded(self):
        self.back_off = FIRST_BACK_OFF
        self.limit = min(float(self.ceiling), self.limit + 1 / self.limit)


class RunPool:
    """Worker threads running submitted tasks. ``submit`` refuses a key
    already queued or in flight (a sweep lists a run again while it is
    still going)."""

    def __init__(self, size, stop_requested=lambda: False,
                 clock=time.monotonic, poll=0.5):
        self.size = size
        # Asked between runs: once true, nothing more starts.
        self.stop_requested = stop_requested
        self._queue = FairQueue()
        self._throttle = Throttle(size, clock=clock)
        self._keys = set()
        self._in_flight = 0
        self._stopping = False
        self._workers = []
        # Workers started and not yet ending (the lock held).
        self._alive = 0
        self._poll = poll
        self._changed = threading.Condition()

    # What a sweep does

    def submit(self, task):
        """Queue ``task``; False if its key is queued or in flight."""
        with self._changed:
            if task.key in self._keys or self._stopping:
                return False
            self._keys.add(task.key)
            self._queue.put(task)
            self._start_workers()
            self._changed.notify_all()
        return True

    def busy(self):
        """(queued, in flight) now."""
        with self._changed:
            return len(self._queue), self._in_flight

    def limit(self):
        with self._changed:
            return max(1, int(self._throttle.limit))

    def heard(self, service, seconds):
        """How long an answer of ``service`` took (wire.time_answers)."""
        if service == 'cinder' and seconds >= SLOW_ANSWER:
            with self._changed:
                self._throttle.crowded()
                LOG.warning("Cinder answered in %.0f s: at most %d run(s) "
                            "in flight for now", seconds,
                            max(1, int(self._throttle.limit)))

    def drain(self):
        """Wait until every queued task ran (or, once a stop is asked
        for, only those in flight)."""
        with self._changed:
            while self._queue or self._in_flight:
                if self.stop_requested() and not self._stopping:
                    self._drop_queued()
                if self._queue and not self._stopping:
                    self._start_workers()
                self._changed.wait(self._poll)

    def stop(self):
        """Start nothing more, let the runs in flight finish, end the
        workers. The runs left queued are due again at the next start."""
        with self._changed:
            self._drop_queued()
            self._changed.notify_all()
        for worker in list(self._workers):
            worker.join()
        with self._changed:
            self._workers = []
            self._stopping = False

    def _drop_queued(self):
        self._stopping = True
        dropped = self._queue.clear()
        self._keys = set()
        if dropped:
            LOG.info("stopping: %d run(s) not started wait for the next "
                     "start", dropped)

    # The workers

    def _start_workers(self):
        """Workers up to ``size`` (the lock held): a worker ends once the
        queue is empty, so an idle pool holds no thread."""
        self._workers = [worker for worker in self._workers
                         if worker.is_alive()]
        while self._alive < self.size:
            worker = threading.Thread(
                target=self._work, daemon=True,
                name='volsnap-run-%d' % self._alive)
            self._alive += 1
            self._workers.append(worker)
            worker.start()

    def _next(self):
        """The next task allowed to start; None once stopping or when
        the queue is empty (the worker then ends)."""
        with self._changed:
            while True:
                if self.stop_requested() and not self._stopping:
                    self._drop_queued()
                    self._changed.notify_all()
                if self._stopping or not self._queue:
                    self._alive -= 1
                    return None
                if self._throttle.allows(self._in_flight):
                    task = self._queue.take()
                    self._in_flight += 1
                    return task
                self._changed.wait(min(self._poll,
                                       self._throttle.wait_time())
                                   or self._poll)

    def _work(self):
        try:
            while True:
                task = self._next()
                if task is None:
                    return
                self._run_one(task)
        except BaseException:
            # Not expected: the worker is replaced by the next submit or
            # drain, and the queue never waits for a worker gone.
            with self._changed:
                self._alive -= 1
                self._changed.notify_all()
            LOG.exception("a run worker ended unexpectedly")
            raise

    def _run_one(self, task):
        requeued = False
        try:
            task.attempts += 1
            task.run()
        except errors.BACK_PRESSURE as error:
            requeued = self._pushed_back(task, error)
        except Exception:  # noqa: BLE001 - one run, not all
            LOG.exception("run %s: not handled", task.key)
        else:
            with self._changed:
                self._throttle.succeeded()
        finally:
            with self._changed:
                self._in_flight -= 1
                if not requeued:
                    self._keys.discard(task.key)
                self._changed.notify_all()

    def _pushed_back(self, task, error):
        """Queue ``task`` again after Cinder's pushback, unless it is
        too late to start it; True if queued again."""
        with self._changed:
            pause = self._throttle.slowed(getattr(error, 'retry_after',
                                                  None))
            limit = max(1, int(self._throttle.limit))
            if self._stopping:
                # Due again at the next start: nothing to record.
                return False
            if not task.late():
                self._queue.put(task)
                LOG.warning("run %s: Cinder pushed back (%s); tried again "
                            "after %.0f s, %d run(s) in flight at most",
                            task.key, type(error).__name__, pause, limit)
                return True
        try:
            task.give_up(error)
        except Exception:  # noqa: BLE001 - one run, not all
            LOG.exception("run %s: its skip could not be recorded",
                          task.key)
        return False
