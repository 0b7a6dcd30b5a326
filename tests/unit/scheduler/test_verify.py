"""The scheduler's verifications against an in-memory Cinder: a request
started with its trust, the outcome recorded at a later sweep and the
temporary volume deleted whatever happened (available, error, timed out,
interrupted, left behind), a lost trust, schedules verifying every N runs,
and a constant number of listings per sweep."""

import copy
import datetime
import logging
import types
from unittest import mock

import pytest

from volsnap_dashboard.api import cinder_facts
from volsnap_dashboard.api import errors
from volsnap_dashboard.protection import cinder_snapshot
from volsnap_dashboard.protection.schedule import store
from volsnap_dashboard.protection import verification
from volsnap_dashboard.scheduler import admin_calls
from volsnap_dashboard.scheduler import clients as clients_module
from volsnap_dashboard.scheduler import config
from volsnap_dashboard.scheduler import run
from volsnap_dashboard.scheduler import service
from volsnap_dashboard.scheduler import sweep
from volsnap_dashboard.scheduler import verify

from tests.unit.scheduler import fakes
from tests.unit.scheduler.fakes import at
from tests.unit.scheduler import recording

UTC = datetime.timezone.utc
START = at('2026-11-26T07:00:00Z')
TIMEOUT = 600
SERVICE_PASSWORD = 'service-pw'  # noqa: S105 (a test value)


class VerifyCinder(fakes.FakeCinder):
    """FakeCinder with what verifications use: volumes made from
    snapshots (created in ``new_volume_status``), volume deletion (forced
    or not), snapshot metadata, Cinder's user messages."""

    def __init__(self):
        super().__init__()
        self.new_volume_status = 'creating'
        self.refuse_volumes = None
        self.user_messages = {}
        self.created_volumes = []
        self.volumes.create = self._create_volume
        self.volumes.get = self._get_existing_volume
        self.volumes.delete = self._delete_volume
        self.volumes.force_delete = self._force_delete_volume
        self.volume_snapshots.set_metadata = self._set_snapshot_metadata
        self.volume_snapshots.delete_metadata = \
            self._delete_snapshot_metadata
        self.messages = types.SimpleNamespace(list=self._messages)

    def add_requested(self, trust='trust-demo', project=fakes.DEMO,
                      status='available'):
        volume = self.add_volume(project=project)
        return self.add_snapshot(
            volume.id, '2026-11-25T00:00:00.000000', status=status,
            **verification.request_metadata(trust, START))

    def add_snapshot(self, volume_id, created_at, status='available',
                     **metadata):
        # As the service user sees them: with their project.
        snapshot_id = super().add_snapshot(volume_id, created_at, status,
                                           **metadata)
        setattr(self.snapshots_by_id[snapshot_id],
                cinder_facts.SNAPSHOT_PROJECT_ATTR,
                cinder_facts.volume_project(self.volumes_by_id[volume_id]))
        return snapshot_id

    def temporary_volumes(self):
        return [v for v in self.volumes_by_id.values()
                if verification.is_verification_volume(v)]

    def snapshot_metadata(self, snapshot_id):
        return dict(self.snapshots_by_id[snapshot_id].metadata)

    def _create_volume(self, size, snapshot_id=None, name=None,
                       description=None, metadata=None, **kwargs):
        self.calls.append('volumes.create')
        if self.refuse_volumes is not None:
            raise self.refuse_volumes
        project = getattr(self.snapshots_by_id[snapshot_id],
                          cinder_facts.SNAPSHOT_PROJECT_ATTR)
        volume = self.add_volume(project=project, name=name, size=size,
                                 **(metadata or {}))
        stored = self.volumes_by_id[volume.id]
        stored.status = self.new_volume_status
        stored.description = description
        stored.snapshot_id = snapshot_id
        self.created_volumes.append(volume.id)
        return copy.deepcopy(stored)

    def _get_existing_volume(self, volume_id):
        if volume_id not in self.volumes_by_id:
            raise errors.NotFound()
        return self._get_volume(volume_id)

    def _delete_volume(self, volume):
        self.calls.append('volumes.delete')
        stored = self.volumes_by_id.get(volume.id)
        if stored is None:
            raise errors.NotFound()
        assert stored.status in ('available', 'error'), stored.status
        del self.volumes_by_id[volume.id]

    def _force_delete_volume(self, volume):
        self.calls.append('volumes.force_delete')
        if self.volumes_by_id.pop(volume.id, None) is None:
            raise errors.NotFound()

    def _set_snapshot_metadata(self, snapshot, metadata):
        self.calls.append('volume_snapshots.set_metadata')
        if snapshot.id not in self.snapshots_by_id:
            raise errors.NotFound()
        self.snapshots_by_id[snapshot.id].metadata.update(metadata)

    def _delete_snapshot_metadata(self, snapshot, keys):
        self.calls.append('volume_snapshots.delete_metadata')
        stored = self.snapshots_by_id[snapshot.id].metadata
        for key in keys:
            if key not in stored:
                raise errors.NotFound()
            del stored[key]

    def _messages(self, search_opts=None):
        text = self.user_messages.get(search_opts['resource_uuid'])
        return [types.SimpleNamespace(user_message=text)] if text else []


class Clock:
    def __init__(self, now=START):
        self.now = now

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += datetime.timedelta(seconds=seconds)


@pytest.fixture
def cinder():
    return VerifyCinder()


@pytest.fixture
def clock():
    return Clock()


def verifier(cinder, clock, trusts=None, **kwargs):
    return verify.Verifier(
        admin_calls.AdminCinder(cinder), trusts or fakes.Trusts(cinder),
        cinder_snapshot.CinderSnapshotProtectionPlugin(), clock=clock,
        timeout=TIMEOUT, coordinator=fakes.FakeCoordinator(), **kwargs)


def started(cinder, clock):
    """A requested verification, started by one sweep."""
    snapshot_id = cinder.add_requested()
    verifier(cinder, clock).sweep()
    [volume] = cinder.temporary_volumes()
    return snapshot_id, volume


def test_a_request_is_started_with_its_trust_and_a_tagged_volume(
        cinder, clock, caplog):
    snapshot_id = cinder.add_requested()
    trusts = fakes.Trusts(cinder)
    caplog.set_level(logging.INFO)
    report = verifier(cinder, clock, trusts).sweep()
    assert trusts.asked == ['trust-demo']
    assert report.started == [snapshot_id]
    [volume] = cinder.temporary_volumes()
    assert volume.name == 'volsnap-verify-' + snapshot_id[:8]
    assert 'deleted automatically' in volume.description
    assert volume.snapshot_id == snapshot_id
    assert volume.metadata['volsnap_verification_of'] == snapshot_id
    assert volume.metadata['volsnap_verification_started'] == \
        '2026-11-26T07:00:00Z'
    metadata = cinder.snapshot_metadata(snapshot_id)
    assert metadata['volsnap_verify'] == 'verifying'
    assert metadata['volsnap_verify_volume'] == volume.id
    assert 'verification of snapshot %s: started, temporary volume %s' % (
        snapshot_id, volume.id) in caplog.text


def test_an_available_volume_is_ok_and_deleted(cinder, clock,
                                               caplog):
    snapshot_id, volume = started(cinder, clock)
    caplog.set_level(logging.INFO)
    cinder.volumes_by_id[volume.id].status = 'available'
    clock.advance(30)
    report = verifier(cinder, clock).sweep()
    assert report.outcomes == {snapshot_id: 'ok'}
    assert cinder.temporary_volumes() == []
    assert cinder.snapshot_metadata(snapshot_id) == {
        'volsnap_verified_at': '2026-11-26T07:00:30Z',
        'volsnap_verify_outcome': 'ok', 'volsnap_verify_reason': ''}
    # The request's trust is deleted once used, if it is the project's.
    for step in ('verification of snapshot %s: ok' % snapshot_id,
                 'deleted temporary volume %s' % volume.id):
        assert step in caplog.text


def test_a_volume_in_error_fails_with_cinders_reason(cinder, clock):
    snapshot_id, volume = started(cinder, clock)
    cinder.volumes_by_id[volume.id].status = 'error'
    cinder.user_messages[volume.id] = 'No valid backend was found.'
    verifier(cinder, clock).sweep()
    metadata = cinder.snapshot_metadata(snapshot_id)
    assert metadata['volsnap_verify_outcome'] == 'failed'
    assert metadata['volsnap_verify_reason'] == (
        'Cinder put the temporary volume in error: '
        'No valid backend was found.')
    assert 'volsnap_verify' not in metadata
    assert cinder.temporary_volumes() == []


def test_a_volume_still_creating_waits_then_times_out_and_is_deleted(
        cinder, clock):
    snapshot_id, volume = started(cinder, clock)
    clock.advance(TIMEOUT - 1)
    report = verifier(cinder, clock).sweep()
    assert report.outcomes == {}
    assert cinder.snapshot_metadata(snapshot_id)['volsnap_verify'] == \
        'verifying'
    assert len(cinder.temporary_volumes()) == 1
    clock.advance(2)
    cinder.calls.clear()
    verifier(cinder, clock).sweep()
    metadata = cinder.snapshot_metadata(snapshot_id)
    assert metadata['volsnap_verify_outcome'] == 'failed'
    assert metadata['volsnap_verify_reason'].startswith('timed out')
    assert 'still creating' in metadata['volsnap_verify_reason']
    # Cinder deletes a volume stuck in creating only when forced: never
    # here, the tenant's Orphans tab shows it.
    assert 'volumes.force_delete' not in cinder.calls
    assert 'volumes.delete' not in cinder.calls
    assert len(cinder.temporary_volumes()) == 1


def test_a_verifying_snapshot_whose_volume_is_gone_was_interrupted(
        cinder, clock):
    snapshot_id, volume = started(cinder, clock)
    del cinder.volumes_by_id[volume.id]
    verifier(cinder, clock).sweep()
    metadata = cinder.snapshot_metadata(snapshot_id)
    assert metadata['volsnap_verify_outcome'] == 'failed'
    assert metadata['volsnap_verify_reason'].startswith('interrupted')
    assert not {'volsnap_verify', 'volsnap_verify_volume',
                'volsnap_verify_trust'} & set(metadata)


def test_a_start_killed_before_the_volume_id_was_recorded_is_finished(
        cinder, clock):
    snapshot_id, volume = started(cinder, clock)
    del cinder.snapshots_by_id[snapshot_id].metadata['volsnap_verify_volume']
    cinder.volumes_by_id[volume.id].status = 'available'
    verifier(cinder, clock).sweep()
    assert cinder.snapshot_metadata(snapshot_id)[
        'volsnap_verify_outcome'] == 'ok'
    assert cinder.temporary_volumes() == []


def test_a_deleted_snapshots_volume_is_deleted_once_older_than_the_timeout(
        cinder, clock):
    snapshot_id, volume = started(cinder, clock)
    del cinder.snapshots_by_id[snapshot_id]
    verifier(cinder, clock).sweep()
    # Younger: it may be another scheduler's start, not yet listed.
    assert len(cinder.temporary_volumes()) == 1
    clock.advance(TIMEOUT + 1)
    cinder.volumes_by_id[volume.id].status = 'available'
    report = verifier(cinder, clock).sweep()
    # With the trust it was made with (the request's, not yet deleted).
    assert report.deleted == [volume.id]
    assert cinder.temporary_volumes() == []


def test_metadata_naming_another_projects_volume_deletes_nothing(
        cinder, clock):
    victim = cinder.add_volume(project=fakes.ALT, name='alt-data')
    snapshot_id, volume = started(cinder, clock)
    del cinder.volumes_by_id[volume.id]
    # The tenant points its verifying snapshot at another project's volume.
    cinder.snapshots_by_id[snapshot_id].metadata[
        'volsnap_verify_volume'] = victim.id
    verifier(cinder, clock).sweep()
    assert victim.id in cinder.volumes_by_id
    assert cinder.snapshot_metadata(snapshot_id)[
        'volsnap_verify_reason'].startswith('interrupted')


def test_a_volume_tagged_by_hand_is_not_deleted(cinder, clock):
    own = cinder.add_volume(name='my-data', **verification.volume_metadata(
        'snap-x', START - datetime.timedelta(days=1)))
    report = verifier(cinder, clock).sweep()
    assert report.deleted == []
    assert own.id in cinder.volumes_by_id


def test_another_projects_volume_claiming_the_snapshot_is_not_its(
        cinder, clock):
    snapshot_id, volume = started(cinder, clock)
    cinder.add_volume(project=fakes.ALT, name=verification.volume_name(
        snapshot_id), **verification.volume_metadata(snapshot_id, START))
    del cinder.snapshots_by_id[snapshot_id].metadata['volsnap_verify_volume']
    cinder.volumes_by_id[volume.id].status = 'available'
    report = verifier(cinder, clock).sweep()
    assert report.outcomes == {snapshot_id: 'ok'}
    assert report.deleted == [volume.id]


def test_a_cinder_failure_on_one_verification_spares_the_others(
        cinder, clock):
    first, volume = started(cinder, clock)
    del cinder.volumes_by_id[volume.id]
    second = cinder.add_requested()
    real_get = cinder.volume_snapshots.get

    def unavailable(snapshot_id):
        if snapshot_id == first:
            raise errors.ServiceUnavailable()
        return real_get(snapshot_id)

    cinder.volume_snapshots.get = unavailable
    report = verifier(cinder, clock).sweep()
    assert report.started == [second]
    assert cinder.snapshot_metadata(first)['volsnap_verify'] == 'verifying'


def test_a_request_whose_trust_is_gone_stays_as_the_tenant_left_it(
        cinder, clock, caplog):
    snapshot_id = cinder.add_requested(trust='trust-gone')
    before = cinder.snapshot_metadata(snapshot_id)
    caplog.set_level(logging.INFO)
    worker = verifier(cinder, clock)
    worker.sweep()
    cinder.calls.clear()
    worker.sweep()
    # Left for the tenant: no more than the requests' listing.
    assert listings(cinder.calls) == ['volume_snapshots.list']
    # Nothing can write for the tenant without its trust: nothing is
    # written at all (the service user's rights are not for this).
    assert cinder.snapshot_metadata(snapshot_id) == before
    assert 'volume_snapshots.set_metadata' not in cinder.calls
    assert cinder.temporary_volumes() == []
    # Logged once, with Keystone's reason.
    assert caplog.text.count('Could not find trust') == 1
    assert 'verification of snapshot %s: its authorization (trust ' \
        'trust-gone) is gone; left for the tenant' % snapshot_id \
        in caplog.text


def test_keystone_down_leaves_the_request_for_the_next_sweep(
        cinder, clock):
    snapshot_id = cinder.add_requested(trust='trust-x')
    trusts = fakes.Trusts(cinder, **{'trust-x': errors.IdentityUnavailable()})
    verifier(cinder, clock, trusts).sweep()
    assert cinder.snapshot_metadata(snapshot_id)['volsnap_verify'] == \
        'requested'
    assert cinder.temporary_volumes() == []


def test_a_trust_of_another_project_creates_and_writes_nothing(
        cinder, clock, caplog):
    snapshot_id = cinder.add_requested(trust='trust-alt')
    before = cinder.snapshot_metadata(snapshot_id)
    verifier(cinder, clock).sweep()
    assert cinder.snapshot_metadata(snapshot_id) == before
    assert cinder.temporary_volumes() == []
    # Another project's trust, named by hand: not the tenant's to delete.
    assert 'acts in project %s, not in %s; left for the tenant' % (
        fakes.ALT, fakes.DEMO) in caplog.text


def test_a_request_without_a_trust_is_left_as_it_is(cinder, clock,
                                                     caplog):
    snapshot_id = cinder.add_requested()
    del cinder.snapshots_by_id[snapshot_id].metadata['volsnap_verify_trust']
    before = cinder.snapshot_metadata(snapshot_id)
    verifier(cinder, clock).sweep()
    assert cinder.snapshot_metadata(snapshot_id) == before
    assert 'no authorization (trust) recorded; left for the tenant' in \
        caplog.text


def test_a_volume_cinder_refuses_fails_with_its_message(cinder, clock):
    snapshot_id = cinder.add_requested()
    cinder.refuse_volumes = errors.OverQuota(detail='Gigabytes quota')
    verifier(cinder, clock).sweep()
    metadata = cinder.snapshot_metadata(snapshot_id)
    assert metadata['volsnap_verify_outcome'] == 'failed'
    assert 'Gigabytes quota' in metadata['volsnap_verify_reason']
    assert 'volsnap_verify' not in metadata


def test_a_snapshot_still_being_created_waits(cinder, clock):
    snapshot_id = cinder.add_requested(status='creating')
    verifier(cinder, clock).sweep()
    assert cinder.snapshot_metadata(snapshot_id)['volsnap_verify'] == \
        'requested'


def test_a_snapshot_in_error_fails(cinder, clock):
    snapshot_id = cinder.add_requested(status='error')
    verifier(cinder, clock).sweep()
    assert cinder.snapshot_metadata(snapshot_id)[
        'volsnap_verify_reason'] == 'the snapshot is error, not available'


def test_dry_run_only_counts(cinder, clock):
    cinder.add_requested()
    report = verifier(cinder, clock, dry_run=True).sweep()
    assert report.requested == 1
    assert cinder.temporary_volumes() == []


def test_a_verification_held_by_another_process_is_left_to_it(
        cinder, clock):
    snapshot_id = cinder.add_requested()
    worker = verifier(cinder, clock)
    worker.coordinator.taken_elsewhere.add((snapshot_id, 'verify'))
    worker.sweep()
    assert cinder.temporary_volumes() == []


def test_a_stop_request_stops_before_the_next_verification(
        cinder, clock):
    cinder.add_requested()
    verifier(cinder, clock, stop_requested=lambda: True).sweep()
    assert cinder.temporary_volumes() == []


def sweeper_of(cinder, clock, worker):
    """A sweeper whose runs and sweeps verify with ``worker``."""
    admin = admin_calls.AdminCinder(cinder)
    runner = run.Runner(fakes.FakeCoordinator(), admin,
                        worker.tenant_client,
                        cinder_snapshot.CinderSnapshotProtectionPlugin(),
                        clock=clock, wait_interval=0, wait_timeout=5,
                        verifier=worker)
    return sweep.Sweeper(admin, runner, datetime.timedelta(hours=1),
                         verifier=worker)


def test_a_sweep_names_the_trusts_of_what_it_listed(cinder, clock):
    fakes.schedule_on(cinder, cinder.add_volume(), sid='aaaa0001',
                      trust='trust-daily')
    fakes.schedule_on(cinder, cinder.add_volume(project=fakes.ALT),
                      sid='bbbb0002', trust='trust-alt', project=fakes.ALT)
    cinder.add_requested(trust='trust-request')
    started(cinder, clock)  # a verification in flight, of trust-demo
    cinder.add_volume(name=verification.volume_name('snap-gone'),
                      **verification.volume_metadata(
                          'snap-gone', clock(), 'trust-left'))
    worker = verifier(cinder, clock)
    report = sweeper_of(cinder, clock, worker).sweep(clock())
    assert report.trusts() == {'trust-daily', 'trust-alt', 'trust-request',
                               'trust-demo', 'trust-left'}


def test_a_quiet_sweep_names_its_schedules_and_requests_trusts(cinder,
                                                               clock):
    fakes.schedule_on(cinder, cinder.add_volume(), trust='trust-daily')
    ticks = Monotonic()
    worker = verifier(cinder, clock, monotonic=ticks)
    sweeper = sweeper_of(cinder, clock, worker)
    sweeper.sweep(clock())
    ticks.now += 1
    assert sweeper.sweep(clock()).trusts() == {'trust-daily'}


# Listings per sweep

def listings(calls):
    return [call for call in calls if call.endswith('.list')]


@pytest.mark.parametrize('count', [1, 50])
def test_a_sweep_lists_four_times_however_much_there_is(count):
    cinder = VerifyCinder()
    for _ in range(count):
        volume = cinder.add_volume()
        fakes.schedule_on(cinder, volume)
        cinder.add_requested()
    clock = Clock()
    worker = verifier(cinder, clock)
    sweeper = sweeper_of(cinder, clock, worker)
    cinder.calls.clear()
    # Nothing due at this instant: the requests are started.
    sweeper.sweep(at('2026-03-01T00:30:00Z'))
    assert listings(cinder.calls) == ['volumes.list',
                                      'volume_snapshots.list',
                                      'volume_snapshots.list',
                                      'volumes.list']
    assert len(cinder.temporary_volumes()) == count
    for volume in cinder.temporary_volumes():
        volume.status = 'available'
    cinder.calls.clear()
    report = sweeper.sweep(at('2026-03-01T00:31:00Z'))
    assert len(listings(cinder.calls)) == 4
    assert set(report.verifications.outcomes.values()) == {'ok'}
    assert len(report.verifications.outcomes) == count
    assert cinder.temporary_volumes() == []
    # Looked at once more after the last finished, then quiet: the
    # schedules' listing and the requests' only.
    sweeper.sweep(at('2026-03-01T00:32:00Z'))
    cinder.calls.clear()
    sweeper.sweep(at('2026-03-01T00:33:00Z'))
    assert listings(cinder.calls) == ['volumes.list',
                                      'volume_snapshots.list']


class Monotonic:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_a_quiet_verifier_lists_the_requests_only_until_half_the_timeout(
        cinder, clock):
    ticks = Monotonic()
    worker = verifier(cinder, clock, monotonic=ticks)
    worker.sweep()  # a process's first sweep looks at everything
    assert len(listings(cinder.calls)) == 3
    cinder.calls.clear()
    ticks.now += TIMEOUT / 2 - 1
    worker.sweep()
    assert listings(cinder.calls) == ['volume_snapshots.list']
    # Another process's leftovers are found in time: a temporary volume
    # counts as left behind only once older than the timeout.
    cinder.calls.clear()
    ticks.now += 1
    worker.sweep()
    assert len(listings(cinder.calls)) == 3


def test_a_verification_a_run_started_is_looked_at_by_the_next_sweep(
        cinder, clock):
    ticks = Monotonic()
    worker = verifier(cinder, clock, monotonic=ticks)
    worker.sweep()
    snapshot_id = cinder.add_requested()
    worker.start(cinder, cinder.volume_snapshots.get(snapshot_id))
    cinder.calls.clear()
    report = worker.sweep()
    assert len(listings(cinder.calls)) == 3
    assert report.verifying == 1


# Schedules verifying every N runs

def test_a_schedule_verifies_its_new_snapshot_after_every_nth_ok_run(
        cinder, clock):
    volume = cinder.add_volume(name='db')
    schedule = fakes.schedule_on(cinder, volume)
    schedule.verify_every = 2
    store.save(cinder, cinder.volume(volume.id), schedule)
    worker = verifier(cinder, clock)
    sweeper = sweeper_of(cinder, clock, worker)

    def snapshot_of_run():
        state = store.schedules_of(cinder.volume(volume.id))[0].state
        return state.snapshot_id, state.ok_since_verification

    sweeper.sweep(at('2026-03-29T01:30:00Z'))
    first, count = snapshot_of_run()
    assert count == 1
    assert cinder.temporary_volumes() == []
    sweeper.sweep(at('2026-03-30T01:30:00Z'))
    second, count = snapshot_of_run()
    assert count == 0
    [temporary] = cinder.temporary_volumes()
    assert temporary.metadata['volsnap_verification_of'] == second
    assert cinder.snapshot_metadata(second)['volsnap_verify'] == 'verifying'
    # Started with the run's own client: no trust of its own to delete,
    # the schedule's recorded to finish it with.
    assert 'volsnap_verify_trust' not in cinder.snapshot_metadata(second)
    assert cinder.snapshot_metadata(second)['volsnap_verify_run_trust'] == \
        'trust-demo'
    assert temporary.metadata['volsnap_verification_trust'] == 'trust-demo'
    cinder.volumes_by_id[temporary.id].status = 'available'
    sweeper.sweep(at('2026-03-31T01:30:00Z'))
    assert cinder.snapshot_metadata(second)['volsnap_verify_outcome'] == 'ok'
    assert 'volsnap_verify_outcome' not in cinder.snapshot_metadata(first)
    assert snapshot_of_run()[1] == 1
    assert cinder.temporary_volumes() == []


# Settings and wiring

def test_verify_timeout_setting(tmp_path):
    password_file = tmp_path / 'password'
    password_file.write_text('pw\n')
    environ = {'VOLSNAP_SCHEDULER_KEYSTONE_URL': 'http://k/v3',
               'VOLSNAP_SCHEDULER_USERNAME': 'svc',
               'VOLSNAP_SCHEDULER_PASSWORD_FILE': str(password_file)}
    assert config.load(environ=environ).verify_timeout is None
    environ['VOLSNAP_SCHEDULER_VERIFY_TIMEOUT'] = '3'
    assert config.load(environ=environ).verify_timeout == 3.0
    environ['VOLSNAP_SCHEDULER_VERIFY_TIMEOUT'] = '0'
    with pytest.raises(config.ConfigError, match='verify_timeout'):
        config.load(environ=environ)


@pytest.fixture
def made_clients():
    settings = config.Config(keystone_url='http://k/v3', username='svc',
                             password=SERVICE_PASSWORD, interface='internal')
    sessions = mock.Mock()
    sessions.project_of.return_value = fakes.DEMO
    return clients_module.Clients(settings, trust_sessions=sessions)


def test_verifications_wait_the_plugins_restore_timeout_by_default():
    settings = config.Config(keystone_url='http://k/v3', username='svc',
                             password=SERVICE_PASSWORD)
    plugin = cinder_snapshot.CinderSnapshotProtectionPlugin()
    assert plugin.restore_timeout == 600.0
    plugin.restore_timeout = 90.0
    sweeper = service.build_sweeper(settings, mock.Mock(),
                                    fakes.FakeCoordinator(), plugin=plugin,
                                    stopper=lambda: False)
    assert sweeper.verifier.timeout == 90.0


def test_the_service_wires_the_verifier_into_the_sweep_and_the_runs():
    settings = config.Config(keystone_url='http://k/v3', username='svc',
                             password=SERVICE_PASSWORD, verify_timeout=42.0)
    clients = mock.Mock()
    plugin = cinder_snapshot.CinderSnapshotProtectionPlugin()
    sweeper = service.build_sweeper(settings, clients,
                                    fakes.FakeCoordinator(), plugin=plugin,
                                    stopper=lambda: False)
    assert sweeper.verifier is sweeper.runner.verifier
    assert sweeper.verifier.timeout == 42.0
    assert sweeper.verifier.tenant_clients == clients.tenant_client


# Only the tenant's rights act in a project

def dressed_up(cinder, status, trust=None, snapshot='snap-mine'):
    """A tenant's own volume in ``status``, named and tagged as a
    temporary volume older than the timeout."""
    volume = cinder.add_volume(
        name=verification.volume_name(snapshot),
        **verification.volume_metadata(
            snapshot, START - datetime.timedelta(seconds=TIMEOUT + 60),
            trust))
    cinder.volumes_by_id[volume.id].status = status
    return volume.id


@pytest.mark.parametrize('status', ['awaiting-transfer', 'reserved',
                                    'in-use', 'maintenance'])
@pytest.mark.parametrize('trust', [None, 'trust-demo'])
def test_a_tenants_volume_dressed_as_a_temporary_one_is_not_deleted(
        cinder, clock, caplog, status, trust):
    volume_id = dressed_up(cinder, status, trust)
    ticks = Monotonic()
    worker = verifier(cinder, clock, monotonic=ticks)
    worker.sweep()
    cinder.calls.clear()
    worker.sweep()
    # Left for the tenant: it keeps nothing in flight.
    assert listings(cinder.calls) == ['volume_snapshots.list']
    clock.advance(TIMEOUT)
    ticks.now += TIMEOUT
    worker.sweep()
    assert volume_id in cinder.volumes_by_id
    assert 'volumes.force_delete' not in cinder.calls
    assert 'volumes.delete' not in cinder.calls
    # Said once, not at every sweep.
    assert caplog.text.count('temporary volume %s' % volume_id) == 1


def test_a_verifying_snapshot_naming_a_stuck_volume_does_not_delete_it(
        cinder, clock):
    snapshot_id, volume = started(cinder, clock)
    del cinder.volumes_by_id[volume.id]
    stuck = dressed_up(cinder, 'awaiting-transfer', 'trust-demo',
                       snapshot=snapshot_id)
    cinder.snapshots_by_id[snapshot_id].metadata[
        'volsnap_verify_volume'] = stuck
    clock.advance(TIMEOUT + 1)
    verifier(cinder, clock).sweep()
    metadata = cinder.snapshot_metadata(snapshot_id)
    assert metadata['volsnap_verify_outcome'] == 'failed'
    assert 'still awaiting-transfer' in metadata['volsnap_verify_reason']
    assert stuck in cinder.volumes_by_id
    assert 'volumes.force_delete' not in cinder.calls


def admin_and_tenant(cinder):
    """The admin client recording its calls apart from the tenant's."""
    admin_cinder = recording.Recording(cinder)
    return admin_cinder, admin_calls.AdminCinder(admin_cinder)


def test_a_verification_whose_trust_went_away_stays_as_it_is(
        cinder, clock, caplog):
    snapshot_id, volume = started(cinder, clock)
    cinder.volumes_by_id[volume.id].status = 'available'
    before = cinder.snapshot_metadata(snapshot_id)
    admin_cinder, admin = admin_and_tenant(cinder)
    trusts = fakes.Trusts(cinder, **{'trust-demo': errors.AuthorizationLost(
        detail='Could not find trust')})
    ticks = Monotonic()
    worker = verify.Verifier(
        admin, trusts, cinder_snapshot.CinderSnapshotProtectionPlugin(),
        clock=clock, timeout=TIMEOUT, coordinator=fakes.FakeCoordinator(),
        monotonic=ticks)
    cinder.calls.clear()
    worker.sweep()
    worker.sweep()
    assert cinder.snapshot_metadata(snapshot_id) == before
    assert volume.id in cinder.volumes_by_id
    # Left for the tenant, it keeps nothing in flight: the next sweep
    # lists the requests only.
    assert recording.names(admin_cinder.calls) == [
        'volume_snapshots.list', 'volume_snapshots.list', 'volumes.list',
        'volume_snapshots.list']
    assert [call for call in cinder.calls if not call.endswith('.list')] \
        == []
    # Keystone asked once (again only after the timeout), logged once.
    ticks.now += TIMEOUT / 2
    worker.sweep()
    assert trusts.asked == ['trust-demo']
    ticks.now += TIMEOUT / 2
    worker.sweep()
    assert trusts.asked == ['trust-demo'] * 2
    assert caplog.text.count('Could not find trust') == 1


def test_a_verification_a_run_started_finishes_with_the_runs_trust(
        cinder, clock):
    volume = cinder.add_volume(name='db')
    schedule = fakes.schedule_on(cinder, volume, trust='trust-run')
    schedule.verify_every = 1
    store.save(cinder, cinder.volume(volume.id), schedule)
    trusts = fakes.Trusts(cinder, **{'trust-run': fakes.DEMO})
    worker = verifier(cinder, clock, trusts)
    sweeper_of(cinder, clock, worker).sweep(at('2026-03-29T01:30:00Z'))
    [temporary] = cinder.temporary_volumes()
    # When it started: the panel tells one no scheduler will end.
    started = cinder.snapshot_metadata(
        temporary.metadata['volsnap_verification_of'])
    assert started['volsnap_verify_requested_at'] == \
        temporary.metadata['volsnap_verification_started']
    cinder.volumes_by_id[temporary.id].status = 'available'
    trusts.asked.clear()
    report = worker.sweep()
    assert trusts.asked == ['trust-run']
    assert list(report.outcomes.values()) == ['ok']
    snapshot_id = temporary.metadata['volsnap_verification_of']
    assert 'volsnap_verify_run_trust' not in cinder.snapshot_metadata(
        snapshot_id)
    assert cinder.temporary_volumes() == []
    # A schedule's trust is never deleted here.


def test_a_left_behind_volume_whose_trust_is_gone_is_left(
        cinder, clock, caplog):
    volume_id = dressed_up(cinder, 'available', 'trust-gone',
                           snapshot='snap-gone')
    report = verifier(cinder, clock).sweep()
    assert report.deleted == []
    assert volume_id in cinder.volumes_by_id
    assert 'trust-gone) is gone; left for the tenant' in caplog.text


def test_a_left_behind_volume_of_another_projects_trust_is_left(
        cinder, clock):
    volume_id = dressed_up(cinder, 'available', 'trust-alt',
                           snapshot='snap-gone')
    verifier(cinder, clock).sweep()
    assert volume_id in cinder.volumes_by_id


def test_what_is_remembered_of_trusts_no_longer_listed_goes(cinder, clock):
    # A tenant writing a new made-up trust on a request at every sweep
    # must not grow the scheduler.
    trusts = fakes.Trusts(cinder)
    worker = verifier(cinder, clock, trusts, monotonic=Monotonic())
    for n in range(5):
        snapshot_id = cinder.add_requested(trust='made-up-%d' % n)
        worker.sweep()
        assert set(worker._unusable) == {'made-up-%d' % n}
        assert {key[1] for key in worker._told} == {'made-up-%d' % n}
        del cinder.snapshots_by_id[snapshot_id]
