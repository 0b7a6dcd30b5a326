"""One good snapshot per slot: what counts as an earlier attempt, the
trust's trustor, one lock per schedule whatever the slot, a lock lost
mid-run, a concurrent state writer, and retention's floor against a
concurrent delete."""


from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import model
from volsnap_dashboard.protection.schedule import store
from volsnap_dashboard.scheduler import run

from tests.unit.scheduler import fakes
from tests.unit.scheduler.fakes import at
from tests.unit.scheduler.test_sweep_and_run import SLOT
from tests.unit.scheduler.test_sweep_and_run import scheduled_snapshots
from tests.unit.scheduler.test_sweep_and_run import state_of
from tests.unit.scheduler.test_sweep_and_run import sweeper

NOW = '2026-03-29T01:30:00Z'


def due_run(cinder, volume, **kwargs):
    fakes.schedule_on(cinder, volume, created='2026-03-28T12:00:00Z',
                      **kwargs)
    return sweeper(cinder, NOW)


def tagged(cinder, volume, status='available', user_id='demo-user',
           created='2026-03-29T01:00:05', slot=SLOT):
    return cinder.add_snapshot(volume.id, created, status=status,
                               user_id=user_id, volsnap_schedule='ab12cd34',
                               volsnap_slot=slot, volsnap_volume=volume.id)


# What counts as the slot's snapshot

def test_a_failed_snapshot_of_the_slot_is_replaced_not_recorded(cinder,
                                                                volume):
    failed = tagged(cinder, volume, status='error')
    report = due_run(cinder, volume).sweep(at(NOW))
    assert report.outcomes == {'ab12cd34': run.OK}
    [made] = scheduled_snapshots(cinder)
    assert made.id != failed and made.status == 'available'
    assert state_of(cinder, volume.id).snapshot_id == made.id


def test_a_snapshot_of_the_slot_made_by_another_member_does_not_count(
        cinder, volume):
    forged = tagged(cinder, volume, user_id='mallory')
    due_run(cinder, volume, keep=7).sweep(at(NOW))
    state = state_of(cinder, volume.id)
    assert state.outcome == run.OK
    assert state.snapshot_id != forged
    assert cinder.snapshots_by_id[state.snapshot_id].user_id == 'demo-user'


def test_a_snapshot_of_the_slot_still_being_made_is_waited_for(cinder,
                                                              volume):
    creating = tagged(cinder, volume, status='creating')
    due_run(cinder, volume).sweep(at(NOW))
    assert [s.id for s in scheduled_snapshots(cinder)] == [creating]
    assert state_of(cinder, volume.id).snapshot_id == creating


# Whose trust

def test_a_trust_given_by_another_member_than_the_owner_does_nothing(
        cinder, volume):
    trusts = fakes.Trusts(cinder)
    # A member wrote a colleague's trust into a schedule they own.
    trusts.trustors['trust-demo'] = 'colleague'
    fakes.schedule_on(cinder, volume, created='2026-03-28T12:00:00Z')
    report = sweeper(cinder, NOW, trusts=trusts).sweep(at(NOW))
    assert report.outcomes == {'ab12cd34': run.INVALID}
    assert scheduled_snapshots(cinder) == []
    reason = state_of(cinder, volume.id).reason
    assert 'another user than its recorded owner' in reason
    assert 'colleague' not in reason


# One run of a schedule at a time

def test_a_run_now_and_a_cron_slot_take_the_same_lock(cinder, volume):
    coordinator = fakes.FakeCoordinator()
    fakes.schedule_on(cinder, volume, created='2026-03-28T12:00:00Z')
    store.request_run(cinder, volume, 'ab12cd34', at('2026-03-29T01:20:00Z'))
    cron_run = sweeper(cinder, NOW, coordinator=coordinator)
    [decision] = cron_run.evaluate(at(NOW)).decisions
    assert not decision.due.run_now or decision.due.slot == at(SLOT)
    run_now = run.Due(decision.volume, decision.schedule,
                      at('2026-03-29T01:20:00Z'), run_now=True)
    other = sweeper(cinder, NOW, coordinator=coordinator).runner
    answers = []
    create = cinder.volume_snapshots.create

    def create_while_the_other_process_tries(*args, **kwargs):
        answers.append(other.run(run_now))
        return create(*args, **kwargs)

    cinder.volume_snapshots.create = create_while_the_other_process_tries
    assert cron_run.runner.run(decision.due) == run.OK
    assert answers == [run.LOCKED]
    assert len(scheduled_snapshots(cinder)) == 1


def test_a_lock_lost_before_the_create_creates_nothing(cinder, volume):
    coordinator = fakes.FakeCoordinator()
    coordinator.lost_after = 0
    fakes.schedule_on(cinder, volume, created='2026-03-28T12:00:00Z')
    report = sweeper(cinder, NOW, coordinator=coordinator).sweep(at(NOW))
    assert report.outcomes == {'ab12cd34': run.LOCKED}
    assert scheduled_snapshots(cinder) == []
    assert state_of(cinder, volume.id).last_slot is None


def test_a_lock_lost_after_the_create_deletes_nothing(cinder, volume):
    old = [tagged(cinder, volume, created='2026-03-%02dT01:00:00' % day,
                  slot='2026-03-%02dT01:00:00Z' % day) for day in (26, 27)]
    coordinator = fakes.FakeCoordinator()
    coordinator.lost_after = 1
    fakes.schedule_on(cinder, volume, keep=1, created='2026-03-28T12:00:00Z')
    report = sweeper(cinder, NOW, coordinator=coordinator).sweep(at(NOW))
    assert report.outcomes == {'ab12cd34': run.LOCKED}
    remaining = {s.id for s in scheduled_snapshots(cinder)}
    assert set(old) < remaining and len(remaining) == 3


# State written over a concurrent writer

def _record_meanwhile(cinder, volume, slot):
    """Make the next snapshot create also record ``slot`` as done, as a
    process whose lock expired would."""
    create = cinder.volume_snapshots.create

    def create_and_record(*args, **kwargs):
        [schedule] = store.schedules_of(cinder.volume(volume.id))
        state = schedule.state.after_run(at(slot), at(NOW), run.OK,
                                         snapshot_id='snap-elsewhere')
        store.save_state(cinder, cinder.volume(volume.id), 'ab12cd34',
                         state)
        return create(*args, **kwargs)

    cinder.volume_snapshots.create = create_and_record


def test_a_state_recorded_meanwhile_for_the_same_slot_is_not_overwritten(
        cinder, volume):
    runner = due_run(cinder, volume)
    _record_meanwhile(cinder, volume, SLOT)
    runner.sweep(at(NOW))
    state = state_of(cinder, volume.id)
    assert state.snapshot_id == 'snap-elsewhere'
    assert [entry['snapshot'] for entry in state.history] == \
        ['snap-elsewhere']


def test_a_state_recorded_meanwhile_for_an_earlier_slot_is_kept(cinder,
                                                               volume):
    runner = due_run(cinder, volume)
    _record_meanwhile(cinder, volume, '2026-03-28T23:00:00Z')
    runner.sweep(at(NOW))
    state = state_of(cinder, volume.id)
    assert state.last_slot == at(SLOT)
    assert [entry['slot'] for entry in state.history] == \
        [at('2026-03-28T23:00:00Z'), at(SLOT)]


# Retention's floor

def test_retention_stops_when_the_newest_snapshot_is_deleted_meanwhile(
        cinder, volume):
    old = [tagged(cinder, volume, created='2026-03-%02dT01:00:00' % day,
                  slot='2026-03-%02dT01:00:00Z' % day) for day in (26, 27)]
    runner = due_run(cinder, volume, keep=1)
    delete = cinder.volume_snapshots.delete

    def delete_and_the_user_deletes_the_newest(snapshot_id):
        delete(snapshot_id)
        newest = max(scheduled_snapshots(cinder),
                     key=lambda s: s.created_at)
        cinder.snapshots_by_id.pop(newest.id)

    cinder.volume_snapshots.delete = delete_and_the_user_deletes_the_newest
    runner.sweep(at(NOW))
    # The first old one went before the user's delete; the second is
    # kept: it is the volume's last restore point.
    assert [s.id for s in scheduled_snapshots(cinder)] == [old[1]]


def test_an_invalid_reason_never_names_another_project(cinder, volume):
    volume = cinder.add_volume(name='db', project=fakes.DEMO)
    fakes.schedule_on(cinder, volume, trust='trust-alt',
                      created='2026-03-28T12:00:00Z')
    sweeper(cinder, NOW).sweep(at(NOW))
    [schedule] = [s for s in store.schedules_of(cinder.volume(volume.id))
                  if isinstance(s, model.Schedule)]
    assert fakes.ALT not in schedule.state.reason
    assert codec.MARKER_KEY in cinder.volume(volume.id).metadata


def test_a_run_request_recorded_as_lost_is_not_due_at_every_sweep(cinder,
                                                                  volume):
    trusts = fakes.Trusts(cinder)
    trusts.projects['trust-demo'] = run.errors.AuthorizationLost()
    fakes.schedule_on(cinder, volume, created='2026-03-28T12:00:00Z')
    store.request_run(cinder, volume, 'ab12cd34', at('2026-03-28T13:00:00Z'))
    first = sweeper(cinder, '2026-03-28T13:01:00Z', trusts=trusts)
    report = first.sweep(at('2026-03-28T13:01:00Z'))
    assert report.outcomes == {'ab12cd34': run.AUTHORIZATION_LOST}
    # The service user records the lost trust but leaves the request.
    assert codec.run_now_key('ab12cd34') in cinder.volume(volume.id).metadata
    cinder.calls.clear()
    report = first.sweep(at('2026-03-28T13:02:00Z'))
    assert report.count('due') == 0
    assert cinder.calls == ['volumes.list']


def test_schedules_sharing_a_trust_in_a_project_run_neither(cinder, volume):
    # A member copied the owner's trust (and name) into a schedule of
    # their own on another volume: the scheduler would act for the owner
    # on a schedule the owner never made.
    fakes.schedule_on(cinder, volume, created='2026-03-28T12:00:00Z')
    copy = cinder.add_volume(name='copy')
    fakes.schedule_on(cinder, copy, sid='ef56ab78',
                      created='2026-03-28T12:00:00Z')
    # Another project's volume naming the same trust id counts there only.
    alt = cinder.add_volume(project=fakes.ALT, name='alt')
    fakes.schedule_on(cinder, alt, sid='0a0b0c0d', trust='trust-demo',
                      project=fakes.ALT, created='2026-03-28T12:00:00Z')
    report = sweeper(cinder, NOW).sweep(at(NOW))
    assert report.outcomes['ab12cd34'] == run.INVALID
    assert report.outcomes['ef56ab78'] == run.INVALID
    assert scheduled_snapshots(cinder) == []
    assert 'also named by another schedule' in state_of(
        cinder, copy.id, 'ef56ab78').reason
    # alt's schedule is judged on its own: its trust acts in demo.
    assert 'also named' not in state_of(cinder, alt.id, '0a0b0c0d').reason
