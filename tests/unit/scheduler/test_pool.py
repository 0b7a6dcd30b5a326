"""The runs in flight: bounded, fair between projects, slowed down by
Cinder's pushback, stopped without losing a run."""

import itertools
import threading

import pytest

from volsnap_dashboard.api import errors
from volsnap_dashboard.scheduler import pool

# Only a guard against a hang: no test depends on it to pass.
GUARD = 10


def task(key, project='p', run=lambda: None, **kwargs):
    return pool.Task(key=key, project=project, run=run, **kwargs)


def test_the_queue_takes_one_project_at_a_time_in_turn():
    queue = pool.FairQueue()
    for number in range(4):
        queue.put(task(('big', number), project='big'))
    queue.put(task(('small', 0), project='small'))
    queue.put(task(('other', 0), project='other'))
    taken = [queue.take().key for _ in range(6)]
    assert taken == [('big', 0), ('small', 0), ('other', 0), ('big', 1),
                     ('big', 2), ('big', 3)]
    assert queue.take() is None


def test_pushback_halves_the_limit_once_and_pauses_for_retry_after():
    now = [100.0]
    throttle = pool.Throttle(8, clock=lambda: now[0])
    assert throttle.slowed(retry_after=30) == 30
    # The other runs in flight meet the same pushback: one cut.
    throttle.slowed(retry_after=30)
    assert throttle.limit == 4
    assert not throttle.allows(0)
    now[0] += 30
    assert throttle.allows(3) and not throttle.allows(4)


def test_without_retry_after_the_pause_doubles_and_success_resets_it():
    now = [0.0]
    throttle = pool.Throttle(8, clock=lambda: now[0])
    pauses = []
    for _ in range(3):
        pauses.append(throttle.slowed())
        now[0] += pauses[-1]
    assert pauses == [1.0, 2.0, 4.0]
    assert throttle.limit == 1
    throttle.succeeded()
    assert throttle.slowed() == 1.0


def test_success_grows_the_limit_back_by_one_per_limit_runs():
    throttle = pool.Throttle(4, clock=lambda: 0.0)
    throttle.limit = 2.0
    throttle.succeeded()
    assert int(throttle.limit) == 2
    throttle.succeeded()
    throttle.succeeded()
    assert int(throttle.limit) == 3
    for _ in range(20):
        throttle.succeeded()
    assert throttle.limit == 4


class Gate:
    """Runs that wait until released, counting how many run at once."""

    def __init__(self):
        self.release = threading.Event()
        self.lock = threading.Condition()
        self.running = 0
        self.most = 0
        self.order = []

    def run(self, key):
        def body():
            with self.lock:
                self.running += 1
                self.most = max(self.most, self.running)
                self.order.append(key)
                self.lock.notify_all()
            assert self.release.wait(GUARD)
            with self.lock:
                self.running -= 1
        return body

    def wait_running(self, count):
        with self.lock:
            assert self.lock.wait_for(lambda: self.running == count, GUARD)


def test_at_most_size_runs_are_in_flight_and_all_run():
    gate = Gate()
    runs = pool.RunPool(3)
    for number in range(7):
        assert runs.submit(task(number, run=gate.run(number)))
    gate.wait_running(3)
    assert runs.busy() == (4, 3)
    gate.release.set()
    runs.drain()
    assert gate.most == 3
    assert sorted(gate.order) == list(range(7))
    runs.stop()


def test_a_run_queued_or_in_flight_is_not_queued_twice():
    gate = Gate()
    runs = pool.RunPool(1)
    assert runs.submit(task('a', run=gate.run('a')))
    gate.wait_running(1)
    assert not runs.submit(task('a', run=gate.run('a')))
    gate.release.set()
    runs.drain()
    # Ended: the next sweep may queue it again.
    assert runs.submit(task('a'))
    runs.drain()
    runs.stop()
    assert gate.order == ['a']


def test_another_projects_run_starts_before_a_big_projects_rest():
    gate = Gate()
    runs = pool.RunPool(1)
    for number in range(5):
        runs.submit(task(('big', number), project='big',
                         run=gate.run(('big', number))))
        if number == 0:
            gate.wait_running(1)
    runs.submit(task(('small', 0), project='small',
                     run=gate.run(('small', 0))))
    gate.release.set()
    runs.drain()
    runs.stop()
    # The first big run had started before the rest came: the small
    # project waits for one more of the big one's, not for all four.
    assert gate.order[:3] == [('big', 0), ('big', 1), ('small', 0)]


def ticking_clock(step=1000.0):
    """A monotonic clock that moves on at each reading: pauses end at
    once, so no test waits for a back-off."""
    ticks = itertools.count()
    return lambda: next(ticks) * step


def test_a_pushed_back_run_is_tried_again_and_the_limit_cut():
    attempts = []

    def pushed_back_once():
        attempts.append(1)
        if len(attempts) == 1:
            raise errors.Throttled(retry_after=5)

    runs = pool.RunPool(4, clock=ticking_clock(), poll=0.01)
    given_up = []
    runs.submit(task('a', run=pushed_back_once,
                     give_up=given_up.append))
    runs.drain()
    runs.stop()
    assert len(attempts) == 2
    assert given_up == []
    assert runs.limit() == 2


@pytest.mark.parametrize('error', [errors.Throttled(),
                                   errors.OutcomeUnknown()])
def test_a_run_pushed_back_past_its_window_is_given_up_not_dropped(error):
    def always_pushed_back():
        raise error

    given_up = []
    runs = pool.RunPool(2, clock=ticking_clock(), poll=0.01)
    runs.submit(task('a', run=always_pushed_back, late=lambda: True,
                     give_up=given_up.append))
    runs.drain()
    runs.stop()
    assert given_up == [error]


def test_a_failure_other_than_pushback_is_not_tried_again():
    attempts = []

    def broken():
        attempts.append(1)
        raise errors.Conflict()

    runs = pool.RunPool(1)
    runs.submit(task('a', run=broken))
    runs.drain()
    runs.stop()
    assert attempts == [1]


def test_a_stop_lets_the_runs_in_flight_finish_and_starts_no_more():
    gate = Gate()
    stop = threading.Event()
    runs = pool.RunPool(2, stop_requested=stop.is_set)
    for number in range(5):
        runs.submit(task(number, run=gate.run(number)))
    gate.wait_running(2)
    stop.set()
    gate.release.set()
    runs.drain()
    runs.stop()
    assert sorted(gate.order) == [0, 1]
    assert gate.running == 0
    assert runs.busy() == (0, 0)


def test_an_idle_pool_holds_no_thread():
    runs = pool.RunPool(3)
    for number in range(5):
        runs.submit(task(number))
    runs.drain()
    workers = [thread for thread in threading.enumerate()
               if thread.name.startswith('volsnap-run-')]
    for worker in workers:
        worker.join(GUARD)
    assert not [worker for worker in workers if worker.is_alive()]


class WorkerKiller(BaseException):
    """What no run raises: it ends the worker that ran it."""


@pytest.mark.filterwarnings(
    'ignore::pytest.PytestUnhandledThreadExceptionWarning')
def test_a_worker_ended_unexpectedly_leaves_no_run_waiting():
    ran = []

    def kills_its_worker():
        raise WorkerKiller()

    runs = pool.RunPool(1)
    gate = Gate()
    runs.submit(task('first', run=gate.run('first')))
    gate.wait_running(1)
    runs.submit(task('killer', run=kills_its_worker))
    runs.submit(task('after', run=lambda: ran.append('after')))
    gate.release.set()
    runs.drain()
    runs.stop()
    assert ran == ['after']


def test_slow_cinder_answers_halve_the_limit_once_in_a_while():
    now = [0.0]
    runs = pool.RunPool(8, clock=lambda: now[0])
    runs.heard('cinder', pool.SLOW_ANSWER)
    runs.heard('cinder', pool.SLOW_ANSWER * 3)
    assert runs.limit() == 4
    # Keystone's, or quick ones, do not count.
    now[0] += pool.SLOW_ANSWER
    runs.heard('keystone', 60.0)
    runs.heard('cinder', 0.2)
    assert runs.limit() == 4
    runs.heard('cinder', pool.SLOW_ANSWER)
    assert runs.limit() == 2
