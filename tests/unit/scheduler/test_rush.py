"""The 02:00 rush against an in-memory Cinder: every due run in the
pool, each once; Cinder's pushback slows the runs down without failing
them or making a second snapshot; a run pushed back past its window is
recorded as skipped; ``--now`` is the instant of every decision."""

import datetime

from volsnap_dashboard.api import errors
from volsnap_dashboard.protection import cinder_snapshot
from volsnap_dashboard.scheduler import admin_calls
from volsnap_dashboard.scheduler import pool
from volsnap_dashboard.scheduler import run
from volsnap_dashboard.scheduler import service
from volsnap_dashboard.scheduler import sweep

from tests.unit.scheduler import fakes
from tests.unit.scheduler import test_pool
from tests.unit.scheduler import test_sweep_and_run as sequential
from tests.unit.scheduler.fakes import at

NOW = '2026-03-29T01:30:00Z'
CREATED = '2026-03-28T12:00:00Z'


def rush_sweeper(cinder, trusts, clock=None, size=4,
                 start_window=sweep.DEFAULT_START_WINDOW):
    plugin = cinder_snapshot.CinderSnapshotProtectionPlugin()
    admin = admin_calls.AdminCinder(cinder)
    runner = run.Runner(fakes.FakeCoordinator(), admin, trusts, plugin,
                        clock=clock or (lambda: at(NOW)),
                        min_interval=datetime.timedelta(hours=1),
                        wait_interval=0, wait_timeout=5)
    return sweep.Sweeper(
        admin, runner, datetime.timedelta(hours=1),
        runs=pool.RunPool(size, clock=test_pool.ticking_clock(), poll=0.01),
        start_window=start_window)


def due_schedules(cinder, count, projects=(fakes.DEMO, fakes.ALT)):
    """``count`` volumes, each with a schedule due at NOW and its own
    trust, spread over ``projects``; the Trusts that honour them."""
    trusts = {}
    volumes = []
    for number in range(count):
        project = projects[number % len(projects)]
        volume = cinder.add_volume(project=project, name='v%d' % number)
        trust = 'trust-%d' % number
        fakes.schedule_on(cinder, volume, sid='%08x' % number, trust=trust,
                          project=project, created=CREATED)
        trusts[trust] = project
        volumes.append(volume)
    return volumes, fakes.Trusts(cinder, **trusts)


def test_a_rush_runs_every_due_schedule_once(cinder):
    volumes, trusts = due_schedules(cinder, 12)
    report = rush_sweeper(cinder, trusts).sweep(at(NOW))
    assert sorted(report.outcomes.values()) == [run.OK] * 12
    snapshots = sequential.scheduled_snapshots(cinder)
    assert sorted(s.volume_id for s in snapshots) == sorted(
        v.id for v in volumes)
    for number, volume in enumerate(volumes):
        state = sequential.state_of(cinder, volume.id, '%08x' % number)
        assert (state.outcome, state.last_slot) == ('ok', at(
            '2026-03-29T01:00:00Z'))


def pushing_back(cinder, error, times=1, made_anyway=False):
    """Cinder's create answers ``error`` the first ``times`` calls (after
    making the snapshot if ``made_anyway``: the answer was lost)."""
    create = cinder.volume_snapshots.create
    calls = []

    def create_pushed_back(*args, **kwargs):
        calls.append(1)
        if len(calls) <= times:
            if made_anyway:
                create(*args, **kwargs)
            raise error
        return create(*args, **kwargs)
    cinder.volume_snapshots.create = create_pushed_back
    return calls


def test_pushback_on_create_slows_the_run_down_and_it_still_runs(cinder):
    _, trusts = due_schedules(cinder, 1)
    calls = pushing_back(cinder, errors.Throttled(retry_after=2))
    sweeper = rush_sweeper(cinder, trusts)
    report = sweeper.sweep(at(NOW))
    assert report.outcomes == {'00000000': run.OK}
    assert len(calls) == 2
    assert len(sequential.scheduled_snapshots(cinder)) == 1
    assert sweeper.runs.limit() == 2


def test_a_lost_answer_to_create_makes_no_second_snapshot(cinder):
    [volume], trusts = due_schedules(cinder, 1)
    calls = pushing_back(cinder, errors.OutcomeUnknown(), made_anyway=True)
    report = rush_sweeper(cinder, trusts).sweep(at(NOW))
    assert report.outcomes == {'00000000': run.OK}
    # The second attempt found the first one's snapshot of the slot.
    assert len(calls) == 1
    [snapshot] = sequential.scheduled_snapshots(cinder)
    state = sequential.state_of(cinder, volume.id, '00000000')
    assert state.snapshot_id == snapshot.id


def test_pushback_on_a_poll_only_spaces_the_polls(cinder):
    _, trusts = due_schedules(cinder, 1)
    get = cinder.volume_snapshots.get
    polls = []

    def get_pushed_back(snapshot_id):
        polls.append(snapshot_id)
        if len(polls) == 1:
            raise errors.Throttled()
        return get(snapshot_id)
    cinder.volume_snapshots.get = get_pushed_back
    report = rush_sweeper(cinder, trusts).sweep(at(NOW))
    assert report.outcomes == {'00000000': run.OK}
    assert len(sequential.scheduled_snapshots(cinder)) == 1


def test_pushback_past_the_window_is_recorded_as_skipped(cinder):
    [volume], trusts = due_schedules(cinder, 1)
    pushing_back(cinder, errors.Throttled(), times=1000)
    report = rush_sweeper(cinder, trusts,
                          start_window=datetime.timedelta(0)).sweep(at(NOW))
    assert report.outcomes == {'00000000': run.SKIPPED}
    assert sequential.scheduled_snapshots(cinder) == []
    state = sequential.state_of(cinder, volume.id, '00000000')
    assert state.outcome == 'skipped'
    assert 'asked to slow down' in state.reason
    assert state.last_slot == at('2026-03-29T01:00:00Z')


def test_other_failures_are_recorded_as_before(cinder):
    [volume], trusts = due_schedules(cinder, 1)
    pushing_back(cinder, errors.Conflict(), times=1000)
    report = rush_sweeper(cinder, trusts).sweep(at(NOW))
    assert report.outcomes == {'00000000': run.FAILED}
    assert sequential.state_of(cinder, volume.id,
                               '00000000').outcome == 'failed'


def test_now_is_the_instant_of_age_retention(cinder, volume):
    """Rehearsed three days later, the snapshots older than the
    schedule's two days are deleted, as they would be then."""
    fakes.schedule_on(cinder, volume, keep=None, days=2, created=CREATED)
    old = sequential.old_snapshots(cinder, volume, (26, 27, 28))
    later = at('2026-04-01T01:30:00Z')
    sweeper = sequential.sweeper(cinder, NOW)
    sweeper.runner.clock = service.rehearsal_clock(later)
    report = sweeper.sweep(later)
    assert report.outcomes == {'ab12cd34': run.OK}
    assert not set(old) & set(cinder.snapshots_by_id)
    state = sequential.state_of(cinder, volume.id)
    # The last run is recorded at the rehearsed instant, not the wall
    # clock's.
    assert later <= state.last_run < later + datetime.timedelta(minutes=1)


def test_the_rehearsal_clock_starts_at_the_instant_and_runs_on():
    ticks = iter([10.0, 10.0, 12.5])
    clock = service.rehearsal_clock(at(NOW), monotonic=lambda: next(ticks))
    assert clock() == at(NOW)
    assert clock() == at(NOW) + datetime.timedelta(seconds=2.5)
