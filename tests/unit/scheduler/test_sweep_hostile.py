"""Hostile metadata on one volume: the sweep goes on, every schedule of
that volume is invalid, another project's due run still runs in the same
sweep, and the sweep's writes and log lines for the hostile volume are
bounded and made once per change."""

import logging

import pytest

from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import model
from volsnap_dashboard.protection.schedule import store
from volsnap_dashboard.protection.schedule import timing
from volsnap_dashboard.scheduler import run
from volsnap_dashboard.scheduler import sweep

from tests import hostile_metadata
from tests.unit.scheduler import fakes
from tests.unit.scheduler.fakes import at
from tests.unit.scheduler.test_sweep_and_run import scheduled_snapshots
from tests.unit.scheduler.test_sweep_and_run import sweeper

NOW = '2026-03-29T01:30:00Z'
HEALTHY = 'ef56ab78'
CASES = hostile_metadata.cases(fakes.DEMO)


def healthy_volume(cinder):
    """Another project's volume whose daily 02:00 Berlin run is due."""
    volume = cinder.add_volume(project=fakes.ALT, name='web')
    fakes.schedule_on(cinder, volume, sid=HEALTHY, trust='trust-alt',
                      project=fakes.ALT, created='2026-03-28T12:00:00Z')
    return volume


def hostile_volume(cinder, metadata):
    return cinder.add_volume(name='db', **metadata)


def count_writes(cinder):
    """``{volume id: metadata writes}`` as they happen."""
    writes = {}
    real_set = cinder.volumes.set_metadata

    def counted(volume, metadata):
        writes[volume.id] = writes.get(volume.id, 0) + 1
        return real_set(volume, metadata)

    cinder.volumes.set_metadata = counted
    return writes


def decisions_on(report, volume):
    return [d for d in report.decisions if d.volume.id == volume.id]


@pytest.mark.parametrize('name, metadata', CASES,
                         ids=[name for name, _metadata in CASES])
@pytest.mark.parametrize('dry_run', [False, True])
def test_a_hostile_volume_is_invalid_and_others_run(cinder, name, metadata,
                                                    dry_run):
    hostile = hostile_volume(cinder, metadata)
    healthy_volume(cinder)
    report = sweeper(cinder, NOW, dry_run=dry_run).sweep(at(NOW))
    hostile_decisions = decisions_on(report, hostile)
    assert hostile_decisions
    assert {d.kind for d in hostile_decisions} == {sweep.INVALID}
    assert all(d.reason for d in hostile_decisions)
    healthy = [d for d in report.decisions if d.schedule.id == HEALTHY]
    assert [d.kind for d in healthy] == [sweep.DUE]
    if not dry_run:
        assert report.outcomes[HEALTHY] == run.OK
    # A restarted process sweeps the volume as the first left it.
    sweeper(cinder, NOW, dry_run=dry_run).sweep(at(NOW))


def test_junk_keys_and_invalid_schedules_cost_bounded_writes(cinder):
    metadata = dict(hostile_metadata.MARKER)
    metadata.update({'volsnap:junk%d:state:0' % n: 'x'
                     for n in range(2000)})
    metadata.update({'volsnap:%08x:run_now' % n: 'soon'
                     for n in range(1000)})
    real = {'%08x' % n for n in range(0x100, 0x100 + 40)}
    for sid in real:
        metadata.update(hostile_metadata.chunked(
            'def', hostile_metadata.definition(fakes.DEMO, tz='Bad/Zone'),
            sid=sid))
    hostile = hostile_volume(cinder, metadata)
    healthy = healthy_volume(cinder)
    writes = count_writes(cinder)

    one = sweeper(cinder, NOW)
    report = one.sweep(at(NOW))
    assert report.outcomes[HEALTHY] == run.OK
    assert writes[healthy.id] >= 1
    # Only real schedules are recorded, at most the volume's limit.
    assert 0 < writes.get(hostile.id, 0) <= codec.MAX_SCHEDULES
    after = cinder.volume(hostile.id).metadata
    added = set(after) - set(metadata)
    assert {key.split(':')[1] for key in added} <= real
    assert len({key.split(':')[1] for key in added}) <= codec.MAX_SCHEDULES
    assert all(':state:' in key for key in added)
    keys_after = len(after)

    writes.clear()
    one.sweep(at(NOW))
    assert hostile.id not in writes
    # Nor after a restart: what is recorded has not changed.
    sweeper(cinder, NOW).sweep(at(NOW))
    assert hostile.id not in writes
    assert len(cinder.volume(hostile.id).metadata) == keys_after


def test_an_invalid_schedule_is_logged_once(cinder, caplog):
    hostile_volume(cinder, dict(
        hostile_metadata.MARKER, **hostile_metadata.chunked(
            'def', hostile_metadata.definition(fakes.DEMO, tz='Bad/Zone')),
        **{'volsnap:junk%d:def:0' % n: '{}' for n in range(50)}))
    one = sweeper(cinder, NOW)
    with caplog.at_level(logging.INFO):
        for _ in range(3):
            one.sweep(at(NOW))
    lines = [r.getMessage() for r in caplog.records
             if r.levelno >= logging.WARNING]
    assert len([line for line in lines
                if hostile_metadata.SID in line]) == 1
    assert len([line for line in lines if 'junk' in line]) == 1


def test_a_schedule_whose_runs_cannot_be_computed_is_invalid(
        cinder, monkeypatch):
    hostile = cinder.add_volume(name='db')
    fakes.schedule_on(cinder, hostile, tz='America/New_York',
                      created='2026-03-20T12:00:00Z')
    healthy_volume(cinder)
    real_due_slot = timing.due_slot

    def overflowing(cron, tz, *args):
        if tz == 'America/New_York':
            raise OverflowError('date value out of range')
        return real_due_slot(cron, tz, *args)

    monkeypatch.setattr(timing, 'due_slot', overflowing)
    report = sweeper(cinder, NOW).sweep(at(NOW))
    [decision] = decisions_on(report, hostile)
    assert decision.kind == sweep.INVALID
    assert 'OverflowError' in decision.reason
    assert report.outcomes[HEALTHY] == run.OK
    [schedule] = store.schedules_of(cinder.volume(hostile.id))
    assert schedule.state.outcome == model.OUTCOME_INVALID


def test_a_volume_whose_decoding_fails_does_not_stop_the_sweep(
        cinder, monkeypatch):
    hostile = cinder.add_volume(name='db')
    fakes.schedule_on(cinder, hostile, created='2026-03-28T12:00:00Z')
    healthy_volume(cinder)
    real_decode = store.schedules_of

    def failing(volume, *args):
        if volume.id == hostile.id:
            raise RecursionError('maximum recursion depth exceeded')
        return real_decode(volume, *args)

    monkeypatch.setattr(store, 'schedules_of', failing)
    report = sweeper(cinder, NOW).sweep(at(NOW))
    assert {d.kind for d in decisions_on(report, hostile)} == {
        sweep.INVALID}
    assert report.outcomes[HEALTHY] == run.OK


def test_a_run_failing_unexpectedly_is_invalid_and_others_run(
        cinder, monkeypatch):
    hostile = cinder.add_volume(name='db')
    fakes.schedule_on(cinder, hostile, sid='aaaa0001',
                      created='2026-03-28T12:00:00Z')
    healthy_volume(cinder)
    real_run = run.Runner.run

    def failing(self, due):
        if due.schedule.id == 'aaaa0001':
            raise KeyError('snapshot_id')
        return real_run(self, due)

    monkeypatch.setattr(run.Runner, 'run', failing)
    one = sweeper(cinder, NOW)
    report = one.sweep(at(NOW))
    assert report.outcomes == {'aaaa0001': run.INVALID, HEALTHY: run.OK}
    [schedule] = store.schedules_of(cinder.volume(hostile.id))
    assert schedule.state.outcome == model.OUTCOME_INVALID
    assert 'KeyError' in schedule.state.reason
    # Not tried again at every sweep: at its next slot.
    tried = []
    monkeypatch.setattr(run.Runner, 'run', lambda self, due: (
        tried.append(due.slot) if due.schedule.id == 'aaaa0001' else None,
        failing(self, due))[1])
    one.sweep(at('2026-03-29T01:31:00Z'))
    assert tried == []
    one.sweep(at('2026-03-30T00:30:00Z'))
    assert tried == [at('2026-03-30T00:00:00Z')]


def test_recording_an_invalid_failing_unexpectedly_does_not_stop(
        cinder, monkeypatch):
    hostile_volume(cinder, dict(
        hostile_metadata.MARKER, **hostile_metadata.chunked(
            'def', hostile_metadata.definition(fakes.DEMO, tz='Bad/Zone'))))
    healthy_volume(cinder)

    def failing(*args, **kwargs):
        raise UnicodeEncodeError('utf-8', '\ud800', 0, 1, 'surrogate')

    monkeypatch.setattr(run.Runner, 'report_invalid', failing)
    report = sweeper(cinder, NOW).sweep(at(NOW))
    assert report.outcomes[HEALTHY] == run.OK


def test_a_due_schedule_with_a_non_ascii_history_records_its_run(cinder):
    volume = cinder.add_volume(name='db')
    schedule = fakes.schedule_on(cinder, volume,
                                 created='2026-03-20T12:00:00Z')
    state = model.ScheduleState()
    for day in range(18, 28):
        slot = at('2026-03-%02dT01:00:00Z' % day)
        state = state.after_run(slot, slot, 'failed', '\u00e9\u4e2d' * 120)
    document = codec.state_document(state)
    document['reason'] = '\u00fc' * 1000
    cinder.volumes_by_id[volume.id].metadata.update(
        hostile_metadata.chunked('state', document, schedule.id,
                                 ensure_ascii=False))
    report = sweeper(cinder, NOW).sweep(at(NOW))
    assert report.outcomes == {schedule.id: run.OK}
    [found] = store.schedules_of(cinder.volume(volume.id))
    assert found.state.outcome == 'ok'
    assert len(scheduled_snapshots(cinder)) == 1


def test_verifications_failing_unexpectedly_end_the_sweep_quietly(cinder):
    healthy_volume(cinder)

    class BrokenVerifier:
        def sweep(self, trusts):
            raise ValueError('a tag no verification can read')

    one = sweeper(cinder, NOW)
    one.verifier = BrokenVerifier()
    report = one.sweep(at(NOW))
    assert report.outcomes == {HEALTHY: run.OK}
    assert report.verifications is None
