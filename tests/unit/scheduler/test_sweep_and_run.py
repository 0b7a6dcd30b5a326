"""Sweep decisions and runs against an in-memory Cinder: due and not due,
run now, invalid schedules, lost authorization, another project's trust,
idempotency, prune then create, skip with the reason, missed runs."""

import datetime
import signal


from volsnap_dashboard.protection import cinder_snapshot
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import store
from volsnap_dashboard.protection.schedule import timing
from volsnap_dashboard.scheduler import admin_calls
from volsnap_dashboard.scheduler import run
from volsnap_dashboard.scheduler import service
from volsnap_dashboard.scheduler import sweep

from tests.unit.scheduler import fakes
from tests.unit.scheduler.fakes import at

# 02:00 Europe/Berlin on 29 March 2026 (spring forward) is 01:00 UTC.
SLOT = '2026-03-29T01:00:00Z'


def sweeper(cinder, now, trusts=None, coordinator=None, dry_run=False,
            stop_requested=lambda: False):
    trusts = trusts or fakes.Trusts(cinder)
    plugin = cinder_snapshot.CinderSnapshotProtectionPlugin()
    admin = admin_calls.AdminCinder(cinder)
    runner = run.Runner(coordinator or fakes.FakeCoordinator(), admin,
                        trusts, plugin,
                        clock=lambda: at(now),
                        min_interval=datetime.timedelta(hours=1),
                        wait_interval=0, wait_timeout=5)
    return sweep.Sweeper(admin, runner, datetime.timedelta(hours=1),
                         dry_run=dry_run, stop_requested=stop_requested)


def state_of(cinder, volume_id, sid='ab12cd34'):
    [schedule] = [s for s in store.schedules_of(cinder.volume(volume_id))
                  if s.id == sid]
    return schedule.state


def scheduled_snapshots(cinder):
    return [s for s in cinder.snapshots_by_id.values()
            if codec.SNAPSHOT_SCHEDULE_KEY in s.metadata]


def test_nothing_due_is_one_listing_and_no_keystone(cinder, volume):
    fakes.schedule_on(cinder, volume)
    cinder.calls.clear()
    trusts = fakes.Trusts(cinder)
    report = sweeper(cinder, '2026-03-01T00:30:00Z', trusts).sweep(
        at('2026-03-01T00:30:00Z'))
    assert report.count(sweep.NOT_DUE) == 1
    assert cinder.calls == ['volumes.list']
    assert trusts.asked == []


def test_a_due_schedule_creates_one_tagged_snapshot(cinder, volume):
    fakes.schedule_on(cinder, volume, created='2026-03-28T12:00:00Z')
    report = sweeper(cinder, '2026-03-29T01:30:00Z').sweep(
        at('2026-03-29T01:30:00Z'))
    assert report.outcomes == {'ab12cd34': run.OK}
    [snapshot] = scheduled_snapshots(cinder)
    assert snapshot.metadata == {'volsnap_schedule': 'ab12cd34',
                                 'volsnap_slot': SLOT,
                                 'volsnap_volume': volume.id}
    assert snapshot.name == 'db-daily-20260329-0300'
    state = state_of(cinder, volume.id)
    assert (state.outcome, state.last_slot, state.snapshot_id,
            state.missed) == ('ok', at(SLOT), snapshot.id, 0)


def test_a_second_sweep_at_the_same_instant_does_nothing(cinder, volume):
    fakes.schedule_on(cinder, volume, created='2026-03-28T12:00:00Z')
    for _ in range(2):
        sweeper(cinder, '2026-03-29T01:30:00Z').sweep(
            at('2026-03-29T01:30:00Z'))
    assert len(scheduled_snapshots(cinder)) == 1


def test_a_slot_recorded_by_another_process_is_not_run_again(cinder,
                                                             volume):
    fakes.schedule_on(cinder, volume, created='2026-03-28T12:00:00Z')
    first = sweeper(cinder, '2026-03-29T01:30:00Z')
    # Both processes listed before either ran.
    report = first.evaluate(at('2026-03-29T01:30:00Z'))
    sweeper(cinder, '2026-03-29T01:30:00Z').sweep(at('2026-03-29T01:30:00Z'))
    [decision] = report.decisions
    assert first.runner.run(decision.due) == run.DONE_ELSEWHERE
    assert len(scheduled_snapshots(cinder)) == 1


def test_a_snapshot_of_the_slot_found_is_recorded_not_repeated(cinder,
                                                              volume):
    fakes.schedule_on(cinder, volume, created='2026-03-28T12:00:00Z')
    earlier = cinder.add_snapshot(
        volume.id, '2026-03-29T01:00:05', volsnap_schedule='ab12cd34',
        volsnap_slot=SLOT, volsnap_volume=volume.id)
    sweeper(cinder, '2026-03-29T01:30:00Z').sweep(at('2026-03-29T01:30:00Z'))
    assert [s.id for s in scheduled_snapshots(cinder)] == [earlier]
    assert state_of(cinder, volume.id).snapshot_id == earlier


def test_a_run_locked_elsewhere_is_left_to_that_process(cinder, volume):
    fakes.schedule_on(cinder, volume, created='2026-03-28T12:00:00Z')
    coordinator = fakes.FakeCoordinator()
    coordinator.taken_elsewhere.add((volume.id, 'ab12cd34'))
    report = sweeper(cinder, '2026-03-29T01:30:00Z',
                     coordinator=coordinator).sweep(
        at('2026-03-29T01:30:00Z'))
    assert report.outcomes == {'ab12cd34': run.LOCKED}
    assert scheduled_snapshots(cinder) == []


def test_missed_runs_run_once_and_are_counted(cinder, volume):
    fakes.schedule_on(cinder, volume, created='2026-03-20T12:00:00Z')
    sweeper(cinder, '2026-03-29T01:30:00Z').sweep(at('2026-03-29T01:30:00Z'))
    assert len(scheduled_snapshots(cinder)) == 1
    state = state_of(cinder, volume.id)
    assert state.last_slot == at(SLOT)
    assert state.missed == 8  # 21 to 28 March


def test_paused_schedules_do_nothing(cinder, volume):
    fakes.schedule_on(cinder, volume, paused=True,
                      created='2026-03-20T12:00:00Z')
    report = sweeper(cinder, '2026-03-29T01:30:00Z').sweep(
        at('2026-03-29T01:30:00Z'))
    assert report.count(sweep.PAUSED) == 1
    assert scheduled_snapshots(cinder) == []


def test_run_now_runs_at_once_and_is_cleared(cinder, volume):
    fakes.schedule_on(cinder, volume, created='2026-03-29T01:10:00Z')
    store.request_run(cinder, volume, 'ab12cd34', at('2026-03-29T01:20:00Z'))
    report = sweeper(cinder, '2026-03-29T01:30:00Z').sweep(
        at('2026-03-29T01:30:00Z'))
    assert report.outcomes == {'ab12cd34': run.OK}
    [snapshot] = scheduled_snapshots(cinder)
    assert snapshot.metadata['volsnap_slot'] == '2026-03-29T01:20:00Z'
    assert codec.run_now_key('ab12cd34') not in \
        cinder.volume(volume.id).metadata


def test_tampered_metadata_is_reported_invalid_and_does_nothing(cinder,
                                                               volume):
    fakes.schedule_on(cinder, volume, created='2026-03-20T12:00:00Z')
    key = codec.chunk_key('ab12cd34', codec.DEFINITION, 0)
    cinder.volumes_by_id[volume.id].metadata[key] = '{"v":1,"when":'
    trusts = fakes.Trusts(cinder)
    report = sweeper(cinder, '2026-03-29T01:30:00Z', trusts).sweep(
        at('2026-03-29T01:30:00Z'))
    assert report.outcomes == {'ab12cd34': run.INVALID}
    assert scheduled_snapshots(cinder) == [] and trusts.asked == []
    state_keys = [k for k in cinder.volume(volume.id).metadata
                  if k.startswith('volsnap:ab12cd34:state:')]
    assert state_keys, 'the invalid state is recorded for the owner to see'
    assert '"invalid"' in cinder.volume(volume.id).metadata[state_keys[0]]


def test_a_schedule_more_frequent_than_the_minimum_is_invalid(cinder,
                                                             volume):
    fakes.schedule_on(cinder, volume, cron='*/5 * * * *',
                      created='2026-03-20T12:00:00Z')
    report = sweeper(cinder, '2026-03-29T01:30:00Z').sweep(
        at('2026-03-29T01:30:00Z'))
    assert report.count(sweep.INVALID) == 1
    assert scheduled_snapshots(cinder) == []


def test_a_lost_trust_is_recorded_and_nothing_is_touched(cinder, volume):
    fakes.schedule_on(cinder, volume, trust='trust-gone',
                      created='2026-03-28T12:00:00Z')
    manual = cinder.add_snapshot(volume.id, '2026-03-01T00:00:00')
    report = sweeper(cinder, '2026-03-29T01:30:00Z').sweep(
        at('2026-03-29T01:30:00Z'))
    assert report.outcomes == {'ab12cd34': run.AUTHORIZATION_LOST}
    assert list(cinder.snapshots_by_id) == [manual]
    state = state_of(cinder, volume.id)
    assert state.outcome == 'authorization_lost'
    assert 'Could not find trust' in state.reason


def test_a_trust_of_another_project_is_invalid_and_touches_nothing(
        cinder, volume):
    fakes.schedule_on(cinder, volume, trust='trust-alt',
                      created='2026-03-28T12:00:00Z')
    report = sweeper(cinder, '2026-03-29T01:30:00Z').sweep(
        at('2026-03-29T01:30:00Z'))
    assert report.outcomes == {'ab12cd34': run.INVALID}
    assert scheduled_snapshots(cinder) == []
    # Every member of the volume's project reads the reason.
    reason = state_of(cinder, volume.id).reason
    assert 'another project' in reason
    assert 'alt-project' not in reason


def old_snapshots(cinder, volume, days):
    return [cinder.add_snapshot(
        volume.id, '2026-03-%02dT01:00:00' % day,
        volsnap_schedule='ab12cd34', volsnap_slot='2026-03-%02dT01:00:00Z'
        % day, volsnap_volume=volume.id) for day in days]


def test_retention_keeps_the_newest_and_spares_manual_snapshots(cinder,
                                                               volume):
    fakes.schedule_on(cinder, volume, keep=2, created='2026-03-28T12:00:00Z')
    oldest, middle = old_snapshots(cinder, volume, (26, 27))
    manual = cinder.add_snapshot(volume.id, '2026-03-01T00:00:00')
    sweeper(cinder, '2026-03-29T01:30:00Z').sweep(at('2026-03-29T01:30:00Z'))
    assert oldest not in cinder.snapshots_by_id
    assert middle in cinder.snapshots_by_id and manual in \
        cinder.snapshots_by_id
    assert len(scheduled_snapshots(cinder)) == 2
    # The run's history says what it deleted, by id, name and why.
    [entry] = state_of(cinder, volume.id).history
    assert entry['deleted'] == [{'id': oldest, 'name': '', 'why':
                                 'retention'}]
    assert entry['deleted_more'] == 0


def test_a_kept_snapshot_outlives_retention_and_is_not_counted(cinder,
                                                               volume):
    fakes.schedule_on(cinder, volume, keep=1, created='2026-03-28T12:00:00Z')
    golden, older = old_snapshots(cinder, volume, (20, 27))
    cinder.snapshots_by_id[golden].metadata['volsnap_kept'] = '1'
    cinder.snapshots_by_id[golden].name = 'golden-before-upgrade-KEEP'
    sweeper(cinder, '2026-03-29T01:30:00Z').sweep(at('2026-03-29T01:30:00Z'))
    assert golden in cinder.snapshots_by_id
    assert older not in cinder.snapshots_by_id
    # Keep 1: the new snapshot, beside the kept one.
    assert len(scheduled_snapshots(cinder)) == 2
    [entry] = state_of(cinder, volume.id).history
    assert [item['id'] for item in entry['deleted']] == [older]


def test_full_quota_prunes_first_then_creates(cinder, volume):
    fakes.schedule_on(cinder, volume, keep=2, created='2026-03-28T12:00:00Z')
    oldest, middle = old_snapshots(cinder, volume, (26, 27))
    cinder.limits_by_name['maxTotalSnapshots'] = 2
    # The pruned snapshot holds its quota until Cinder has deleted it.
    cinder.slow_deletes = True
    report = sweeper(cinder, '2026-03-29T01:30:00Z').sweep(
        at('2026-03-29T01:30:00Z'))
    assert report.outcomes == {'ab12cd34': run.OK}
    assert oldest not in cinder.snapshots_by_id
    assert middle in cinder.snapshots_by_id
    assert len(cinder.snapshots_by_id) == 2
    [entry] = state_of(cinder, volume.id).history
    assert [(item['id'], item['why']) for item in entry['deleted']] == [
        (oldest, 'pruned for room')]


def test_full_quota_that_pruning_cannot_free_is_skipped_with_reason(
        cinder, volume):
    fakes.schedule_on(cinder, volume, keep=5, created='2026-03-28T12:00:00Z')
    kept = old_snapshots(cinder, volume, (26, 27))
    cinder.limits_by_name['maxTotalSnapshots'] = 2
    report = sweeper(cinder, '2026-03-29T01:30:00Z').sweep(
        at('2026-03-29T01:30:00Z'))
    assert report.outcomes == {'ab12cd34': run.SKIPPED}
    assert sorted(cinder.snapshots_by_id) == sorted(kept)
    state = state_of(cinder, volume.id)
    assert state.outcome == 'skipped' and 'quota' in state.reason


def test_a_failed_snapshot_is_deleted_and_reported(cinder, volume):
    fakes.schedule_on(cinder, volume, created='2026-03-28T12:00:00Z')
    cinder.fail_snapshots = True
    report = sweeper(cinder, '2026-03-29T01:30:00Z').sweep(
        at('2026-03-29T01:30:00Z'))
    assert report.outcomes == {'ab12cd34': run.FAILED}
    assert scheduled_snapshots(cinder) == []
    state = state_of(cinder, volume.id)
    assert (state.outcome, state.failures) == ('failed', 1)


def test_dry_run_decides_but_does_nothing(cinder, volume):
    fakes.schedule_on(cinder, volume, created='2026-03-28T12:00:00Z')
    before = dict(cinder.volume(volume.id).metadata)
    report = sweeper(cinder, '2026-03-29T01:30:00Z', dry_run=True).sweep(
        at('2026-03-29T01:30:00Z'))
    assert report.count(sweep.DUE) == 1 and report.outcomes == {}
    assert scheduled_snapshots(cinder) == []
    assert cinder.volume(volume.id).metadata == before


def test_sigterm_finishes_the_current_run_and_stops_before_the_next(cinder):
    first = cinder.add_volume(name='first')
    second = cinder.add_volume(name='second')
    fakes.schedule_on(cinder, first, sid='aaaa0001',
                      created='2026-03-28T12:00:00Z')
    fakes.schedule_on(cinder, second, sid='bbbb0002', trust='trust-demo-2',
                      created='2026-03-28T12:00:00Z')
    stopper = service.Stopper()
    trusts = fakes.Trusts(cinder, **{'trust-demo-2': fakes.DEMO})

    def trust_then_signal(trust_id):
        # SIGTERM arrives in the middle of the first run.
        stopper.request(signal.SIGTERM)
        return trusts(trust_id)

    report = sweeper(cinder, '2026-03-29T01:30:00Z', trust_then_signal,
                     stop_requested=stopper).sweep(
        at('2026-03-29T01:30:00Z'))
    assert report.stopped
    assert report.outcomes == {'aaaa0001': run.OK}
    assert state_of(cinder, first.id, 'aaaa0001').outcome == 'ok'
    assert len(scheduled_snapshots(cinder)) == 1


def test_a_later_sweep_decodes_and_walks_only_changed_volumes(
        cinder, volume, monkeypatch):
    other = cinder.add_volume(name='web')
    fakes.schedule_on(cinder, volume, created='2026-03-28T12:00:00Z')
    fakes.schedule_on(cinder, other, sid='ef56ab78', trust='trust-demo-2',
                      created='2026-03-28T12:00:00Z')
    decoded, walked = [], []
    real_decode, real_walk = store.schedules_of, timing.next_runs
    monkeypatch.setattr(store, 'schedules_of', lambda v, *args: (
        decoded.append(v.id) or real_decode(v, *args)))
    monkeypatch.setattr(timing, 'next_runs', lambda cron, *args: (
        walked.append(cron) or real_walk(cron, *args)))
    sweep._first_run_after.cache_clear()
    one = sweeper(cinder, '2026-03-28T13:10:00Z')
    assert one.sweep(at('2026-03-28T13:00:00Z')).count(sweep.NOT_DUE) == 2
    assert sorted(decoded) == sorted([volume.id, other.id])
    # Same cron, zone and creation: one walk serves both.
    assert walked == ['0 2 * * *']
    decoded.clear()
    walked.clear()
    store.request_run(cinder, other, 'ef56ab78', at('2026-03-28T13:05:00Z'))
    report = one.evaluate(at('2026-03-28T13:10:00Z'))
    assert decoded == [other.id] and walked == []
    assert [(d.kind, d.schedule.id) for d in report.decisions] == [
        (sweep.NOT_DUE, 'ab12cd34'), (sweep.DUE, 'ef56ab78')]


def test_an_unchanged_schedule_is_due_when_its_next_run_comes(cinder,
                                                              volume):
    fakes.schedule_on(cinder, volume, created='2026-03-28T12:00:00Z')
    one = sweeper(cinder, '2026-03-29T01:30:00Z')
    assert one.sweep(at('2026-03-29T00:30:00Z')).count(sweep.NOT_DUE) == 1
    assert one.sweep(at('2026-03-29T01:30:00Z')).outcomes == {
        'ab12cd34': run.OK}
    # The recorded run changed the metadata: decoded again, not due.
    assert one.sweep(at('2026-03-29T01:31:00Z')).count(sweep.NOT_DUE) == 1
    assert len(scheduled_snapshots(cinder)) == 1


def test_a_volume_moved_to_another_project_is_decoded_again(cinder,
                                                            volume):
    fakes.schedule_on(cinder, volume, created='2026-03-28T12:00:00Z')
    one = sweeper(cinder, '2026-03-28T13:00:00Z')
    assert one.sweep(at('2026-03-28T13:00:00Z')).count(sweep.NOT_DUE) == 1
    setattr(cinder.volumes_by_id[volume.id], 'os-vol-tenant-attr:tenant_id',
            fakes.ALT)
    report = one.sweep(at('2026-03-28T13:01:00Z'))
    assert report.count(sweep.INVALID) == 1
    assert scheduled_snapshots(cinder) == []
