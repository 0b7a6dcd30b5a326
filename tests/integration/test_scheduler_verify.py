"""Snapshot verification by volsnap-scheduler as a process against the dev
cloud: a request with demo's trust is started in demo's project, the next
sweep records the outcome and deletes the temporary volume and the trust;
a scheduler killed mid-verification leaves nothing once the next sweep has
run; a deleted trust and a volume in error are recorded as failed; a
schedule with verify_every verifies its new snapshot."""

import datetime
import queue
import re
import signal
import subprocess
import sys
import threading
import time

from keystoneauth1 import exceptions as ks_exc
from keystoneclient.v3 import client as ks_client
import pytest

from tests.integration import scheduler_identity
from tests.integration import test_scheduler
from tools.devkit import cinder as devkit_cinder
from volsnap_dashboard.api import trusts
from volsnap_dashboard.protection import times
from volsnap_dashboard.protection import verification
from volsnap_dashboard.protection.schedule import model
from volsnap_dashboard.protection.schedule import store

VERIFY_TIMEOUT = 3
STARTED = re.compile(r'verification of snapshot (\S+): started, temporary '
                     r'volume (\S+)')


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc)


@pytest.fixture
def scheduler_env(tmp_path):
    return test_scheduler.scheduler_environment(
        tmp_path, VOLSNAP_SCHEDULER_VERIFY_TIMEOUT=str(VERIFY_TIMEOUT))


def run_once(env, *extra):
    process = subprocess.run(
        [sys.executable, '-m', 'volsnap_dashboard.scheduler.cli', '--once',
         *extra], env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, timeout=180)
    assert process.returncode == 0, process.stdout
    return process.stdout


demo = test_scheduler.demo


@pytest.fixture
def admin():
    return devkit_cinder.cinder_as('admin')


def new_trust(session):
    return trusts.create_trust(
        session, session.get_user_id(), scheduler_identity.user_id(),
        session.get_project_id(), role_names=('member',))


def trust_exists(session, trust_id):
    try:
        ks_client.Client(session=session).trusts.get(trust_id)
    except ks_exc.NotFound:
        return False
    return True


@pytest.fixture
def snapshot(demo, demo_volume, admin):
    """An available snapshot of demo's; its temporary volumes, if a test
    failed half way, are deleted afterwards."""
    _, cinder = demo
    made = cinder.volume_snapshots.create(demo_volume.id,
                                          name='itest-verified')
    yield devkit_cinder.until_status(cinder.volume_snapshots, made.id,
                                     'available')
    for volume in temporary_volumes_of(admin, made.id):
        admin.volumes.force_delete(volume)
        devkit_cinder.until_gone(admin.volumes, volume.id)


def request(demo, snapshot, trust_id):
    _, cinder = demo
    cinder.volume_snapshots.set_metadata(
        snapshot, verification.request_metadata(trust_id, utc_now()))


def temporary_volumes_of(admin, snapshot_id):
    return admin.volumes.list(search_opts={
        'all_tenants': 1,
        'metadata': {verification.VERIFICATION_KEY:
                     verification.VERIFICATION_VALUE,
                     verification.VERIFICATION_OF_KEY: snapshot_id}})


def snapshot_metadata(demo, snapshot_id):
    _, cinder = demo
    return cinder.volume_snapshots.get(snapshot_id).metadata


def assert_nothing_left(admin, snapshot_id):
    left = [v for v in admin.volumes.list(search_opts={
        'all_tenants': 1, 'metadata': {verification.VERIFICATION_KEY:
                                       verification.VERIFICATION_VALUE}})
        if v.status != 'deleting']
    assert [v.id for v in left
            if verification.snapshot_of(v) == snapshot_id] == []
    for volume in temporary_volumes_of(admin, snapshot_id):
        devkit_cinder.until_gone(admin.volumes, volume.id)


def test_a_request_is_verified_and_its_volume_and_trust_deleted(
        demo, snapshot, admin, scheduler_env):
    session, cinder = demo
    trust_id = new_trust(session)
    request(demo, snapshot, trust_id)

    output = run_once(scheduler_env)
    [(snapshot_id, volume_id)] = STARTED.findall(output)
    assert snapshot_id == snapshot.id
    # The tenant's volume, in the tenant's project, named and tagged.
    volume = cinder.volumes.get(volume_id)
    assert volume.name == 'volsnap-verify-' + snapshot.id[:8]
    assert 'deleted automatically' in volume.description
    assert volume.snapshot_id == snapshot.id
    assert verification.is_verification_volume(volume)
    assert getattr(admin.volumes.get(volume_id),
                   'os-vol-tenant-attr:tenant_id') == \
        session.get_project_id()
    assert snapshot_metadata(demo, snapshot.id)['volsnap_verify'] == \
        'verifying'
    devkit_cinder.until_status(cinder.volumes, volume_id, 'available')

    output = run_once(scheduler_env)
    assert 'verification of snapshot %s: ok' % snapshot.id in output
    state = verification.state_of(cinder.volume_snapshots.get(snapshot.id))
    assert (state.pending, state.outcome, state.reason) == (None, 'ok', '')
    assert times.parse_iso(state.verified_at) > \
        utc_now() - datetime.timedelta(minutes=5)
    assert not {'volsnap_verify_trust', 'volsnap_verify_volume'} & set(
        snapshot_metadata(demo, snapshot.id))
    devkit_cinder.until_gone(cinder.volumes, volume_id)
    assert_nothing_left(admin, snapshot.id)
    assert not trust_exists(session, trust_id)
    # Logged step by step, never a token.
    assert session.get_token() not in output


class Lines:
    """The process's output, read on a thread so that waiting for a line
    has a deadline."""

    def __init__(self, process):
        self.lines = queue.Queue()
        self.seen = []
        threading.Thread(target=self._read, args=(process.stdout,),
                         daemon=True).start()

    def _read(self, stream):
        for line in stream:
            self.lines.put(line)

    def wait_for(self, pattern, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=1)
            except queue.Empty:
                continue
            self.seen.append(line)
            match = pattern.search(line)
            if match:
                return match
        pytest.fail('no line matching %s in:\n%s'
                    % (pattern.pattern, ''.join(self.seen)))


def test_a_scheduler_killed_mid_verification_leaves_nothing_behind(
        demo, snapshot, admin, scheduler_env):
    session, cinder = demo
    trust_id = new_trust(session)
    request(demo, snapshot, trust_id)
    scheduler_env['VOLSNAP_SCHEDULER_SWEEP_INTERVAL'] = '3600'
    process = subprocess.Popen(
        [sys.executable, '-m', 'volsnap_dashboard.scheduler.cli'],
        env=scheduler_env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)
    try:
        match = Lines(process).wait_for(STARTED)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    volume_id = match.group(2)
    assert snapshot_metadata(demo, snapshot.id)['volsnap_verify'] == \
        'verifying'
    # The fake driver creates a volume in well under a second; a backend
    # that never finishes is what it stands for here.
    devkit_cinder.until_status(cinder.volumes, volume_id, 'available')
    admin.volumes.reset_state(volume_id, 'creating')
    time.sleep(VERIFY_TIMEOUT + 1)

    output = run_once(scheduler_env)
    assert 'timed out' in output
    state = verification.state_of(cinder.volume_snapshots.get(snapshot.id))
    assert (state.pending, state.outcome) == (None, 'failed')
    assert state.reason.startswith('timed out')
    assert 'creating' in state.reason
    devkit_cinder.until_gone(cinder.volumes, volume_id)
    assert_nothing_left(admin, snapshot.id)
    assert not trust_exists(session, trust_id)


def test_a_volume_in_error_is_failed_and_deleted(demo, snapshot, admin,
                                                 scheduler_env):
    session, cinder = demo
    request(demo, snapshot, new_trust(session))
    [(_, volume_id)] = STARTED.findall(run_once(scheduler_env))
    devkit_cinder.until_status(cinder.volumes, volume_id, 'available')
    admin.volumes.reset_state(volume_id, 'error')
    run_once(scheduler_env)
    state = verification.state_of(cinder.volume_snapshots.get(snapshot.id))
    assert (state.pending, state.outcome) == (None, 'failed')
    assert state.reason
    devkit_cinder.until_gone(cinder.volumes, volume_id)
    assert_nothing_left(admin, snapshot.id)


def test_a_deleted_trust_fails_the_request_and_creates_nothing(
        demo, snapshot, admin, scheduler_env):
    session, _ = demo
    trust_id = new_trust(session)
    trusts.delete_trust(session, trust_id)
    request(demo, snapshot, trust_id)
    output = run_once(scheduler_env)
    assert not STARTED.findall(output)
    state = verification.state_of(
        demo[1].volume_snapshots.get(snapshot.id))
    assert (state.pending, state.outcome) == (None, 'failed')
    assert 'authorization given with the request is gone' in state.reason
    assert temporary_volumes_of(admin, snapshot.id) == []


def test_a_schedule_verifying_every_run_verifies_its_new_snapshot(
        demo, demo_volume, admin, scheduler_env):
    session, cinder = demo
    trust_id = new_trust(session)
    try:
        schedule = model.Schedule(
            id='c0ffee02', volume_id=demo_volume.id,
            project_id=session.get_project_id(),
            when=model.When(cron='0 2 * * *', tz='Europe/Berlin'),
            options={'snapshot_name': '', 'description': 'itest-verify',
                     'force': False},
            name_template='itest-{volume_name}-{time:%Y%m%d-%H%M}',
            retention=model.Retention(count=2), paused=False,
            trust_id=trust_id, owner_id=session.get_user_id(),
            label='daily', verify_every=1,
            created=datetime.datetime(2026, 3, 28, 12,
                                      tzinfo=datetime.timezone.utc))
        store.save(cinder, cinder.volumes.get(demo_volume.id), schedule)
        output = run_once(scheduler_env, '--now', '2026-03-29T01:30:00Z')
        [(snapshot_id, volume_id)] = STARTED.findall(output)
        [saved] = store.schedules_of(cinder.volumes.get(demo_volume.id))
        assert saved.state.snapshot_id == snapshot_id
        assert saved.state.ok_since_verification == 0
        verified = 'verification of snapshot %s: ok' % snapshot_id
        if verified not in output:
            # The same sweep finishes it where the temporary volume was
            # already available at its end (a fast driver); else the next.
            devkit_cinder.until_status(cinder.volumes, volume_id,
                                       'available')
            output = run_once(scheduler_env, '--now',
                              '2026-03-29T01:31:00Z')
            assert verified in output
        devkit_cinder.until_gone(cinder.volumes, volume_id)
        assert_nothing_left(admin, snapshot_id)
        # The schedule's own trust stays: it is not a request's.
        assert trust_exists(session, trust_id)
    finally:
        trusts.delete_trust(session, trust_id)
