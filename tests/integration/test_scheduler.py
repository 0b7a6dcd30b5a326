"""volsnap-scheduler as a process against the dev cloud: a schedule saved
with demo's trust, `--once --now` at chosen instants, Cinder's real
answers. Two processes at one instant (file:// and Redis) make one
snapshot; a deleted trust and another project's trust touch nothing; a
full snapshot quota prunes the schedule's oldest first, or skips; a
process killed mid-rush leaves one snapshot per slot once the next sweep
ran; ``--now`` alone rehearses retention by age."""

import contextlib
import datetime
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid

from prometheus_client import parser as prometheus_parser
import pytest
import redis

from tests.integration import scheduler_identity
from tools.devkit import cinder as devkit_cinder
from tools.devkit import identities
from volsnap_dashboard.api import trusts
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import model
from volsnap_dashboard.protection.schedule import store
from volsnap_dashboard.protection import times
from volsnap_dashboard.scheduler import coordination

SID = 'c0ffee01'
# Daily 02:00 Europe/Berlin: on 29 March 2026 (spring forward) it runs at
# 03:00 CEST, 01:00 UTC; on 30 March at 02:00 CEST, 00:00 UTC.
FIRST = '2026-03-29T01:30:00Z'
SECOND = '2026-03-30T01:30:00Z'
THIRD = '2026-03-31T01:30:00Z'


def at(text):
    return datetime.datetime.fromisoformat(text.replace('Z', '+00:00'))


def scheduler_environment(tmp_path, **settings):
    """The environment of a volsnap-scheduler run as the dev cloud's
    scheduler user, with ``settings`` (VOLSNAP_SCHEDULER_* names) added."""
    password_file = tmp_path / 'password'
    password_file.write_text(identities.password(identities.SCHEDULER_USER))
    password_file.chmod(0o600)
    env = dict(os.environ)
    env.pop('DJANGO_SETTINGS_MODULE', None)
    env.update({
        'VOLSNAP_SCHEDULER_KEYSTONE_URL': identities.keystone_url(),
        'VOLSNAP_SCHEDULER_USERNAME': identities.SCHEDULER_USER,
        'VOLSNAP_SCHEDULER_PASSWORD_FILE': str(password_file),
        'VOLSNAP_SCHEDULER_PROJECT_NAME':
            identities.PROJECT_OF[identities.SCHEDULER_USER],
        'VOLSNAP_SCHEDULER_STATE_DIR': str(tmp_path / 'state'),
        'VOLSNAP_SCHEDULER_WAIT_INTERVAL': '0.5',
        'VOLSNAP_SCHEDULER_WAIT_TIMEOUT': '60',
    })
    env.update(settings)
    return env


@pytest.fixture
def scheduler_env(tmp_path):
    return scheduler_environment(tmp_path)


def scheduler(env, now, *extra):
    return subprocess.Popen(
        [sys.executable, '-m', 'volsnap_dashboard.scheduler.cli', '--once',
         '--now', now, *extra], env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)


def run_once(env, now, *extra):
    process = scheduler(env, now, *extra)
    output, _ = process.communicate(timeout=180)
    assert process.returncode == 0, output
    return output


@pytest.fixture
def demo():
    session = devkit_cinder.keystone_session('demo')
    return session, devkit_cinder.cinder_as('demo')


@pytest.fixture
def trust(demo):
    session, _ = demo
    trust_id = trusts.create_trust(
        session, session.get_user_id(), scheduler_identity.user_id(),
        session.get_project_id(), role_names=('member',))
    yield trust_id
    trusts.delete_trust(session, trust_id)


def save_schedule(demo, volume, trust_id, keep=1, project=None,
                  created='2026-03-28T12:00:00Z'):
    session, cinder = demo
    schedule = model.Schedule(
        id=SID, volume_id=volume.id,
        project_id=project or session.get_project_id(),
        when=model.When(cron='0 2 * * *', tz='Europe/Berlin', preset=None),
        options={'snapshot_name': '', 'description': 'itest-scheduled',
                 'force': False},
        name_template='itest-{volume_name}-{schedule}-{time:%Y%m%d-%H%M}',
        retention=model.Retention(count=keep, days=None), paused=False,
        trust_id=trust_id, owner_id=session.get_user_id(), label='daily',
        created=at(created))
    store.save(cinder, cinder.volumes.get(volume.id), schedule)
    return schedule


def snapshots_of(cinder, volume_id):
    return [s for s in cinder.volume_snapshots.list(
        search_opts={'volume_id': volume_id}) if s.volume_id == volume_id]


def state_of(cinder, volume_id):
    [schedule] = [s for s in store.schedules_of(cinder.volumes.get(
        volume_id)) if s.id == SID]
    return schedule.state


@pytest.fixture
def cleanup_snapshots(demo):
    _, cinder = demo
    made = []
    yield made
    for volume_id in made:
        for snapshot in snapshots_of(cinder, volume_id):
            devkit_cinder.delete_and_wait(cinder.volume_snapshots,
                                          snapshot.id)


def test_runs_create_demo_snapshots_and_apply_retention(
        demo, demo_volume, trust, scheduler_env, cleanup_snapshots):
    session, cinder = demo
    cleanup_snapshots.append(demo_volume.id)
    manual = cinder.volume_snapshots.create(demo_volume.id, name='manual')
    devkit_cinder.until_status(cinder.volume_snapshots, manual.id,
                               'available')
    alt = devkit_cinder.cinder_as('alt')
    alt_before = sorted(s.id for s in alt.volume_snapshots.list())
    save_schedule(demo, demo_volume, trust, keep=1)

    output = run_once(scheduler_env, FIRST)
    assert 'due at 2026-03-29T01:00:00Z' in output
    [first] = [s for s in snapshots_of(cinder, demo_volume.id)
               if s.metadata.get(codec.SNAPSHOT_SCHEDULE_KEY) == SID]
    assert first.metadata[codec.SNAPSHOT_SLOT_KEY] == '2026-03-29T01:00:00Z'
    assert first.name == 'itest-itest-volume-daily-20260329-0300'
    # demo sees it: it belongs to demo's project.
    assert cinder.volume_snapshots.get(first.id).id == first.id
    assert state_of(cinder, demo_volume.id).outcome == 'ok'

    # The same instant again: nothing new.
    run_once(scheduler_env, FIRST)
    # The next day: a new snapshot, and retention (keep 1) deletes the old.
    output = run_once(scheduler_env, SECOND)
    assert 'deleted snapshot %s (retention)' % first.id in output
    devkit_cinder.until_gone(cinder.volume_snapshots, first.id)
    left = snapshots_of(cinder, demo_volume.id)
    assert sorted(s.metadata.get(codec.SNAPSHOT_SLOT_KEY, 'manual')
                  for s in left) == ['2026-03-30T00:00:00Z', 'manual']
    assert sorted(s.id for s in alt.volume_snapshots.list()) == alt_before


def test_dry_run_decides_and_creates_nothing(demo, demo_volume, trust,
                                             scheduler_env):
    _, cinder = demo
    save_schedule(demo, demo_volume, trust)
    output = run_once(scheduler_env, FIRST, '--dry-run')
    assert 'dry run: not run' in output
    assert snapshots_of(cinder, demo_volume.id) == []


def test_a_deleted_trust_is_authorization_lost(demo, demo_volume,
                                               scheduler_env):
    session, cinder = demo
    trust_id = trusts.create_trust(
        session, session.get_user_id(), scheduler_identity.user_id(),
        session.get_project_id(), role_names=('member',))
    trusts.delete_trust(session, trust_id)
    save_schedule(demo, demo_volume, trust_id)
    output = run_once(scheduler_env, FIRST)
    assert 'authorization_lost' in output
    assert snapshots_of(cinder, demo_volume.id) == []
    assert state_of(cinder, demo_volume.id).outcome == 'authorization_lost'


def test_a_trust_of_another_project_is_invalid(demo, demo_volume,
                                              scheduler_env):
    alt_session = devkit_cinder.keystone_session('alt')
    alt_trust = trusts.create_trust(
        alt_session, alt_session.get_user_id(),
        scheduler_identity.user_id(), alt_session.get_project_id(),
        role_names=('member',))
    try:
        _, cinder = demo
        save_schedule(demo, demo_volume, alt_trust)
        output = run_once(scheduler_env, FIRST)
        assert 'invalid' in output
        assert snapshots_of(cinder, demo_volume.id) == []
        state = state_of(cinder, demo_volume.id)
        assert state.outcome == 'invalid'
        # Every member of demo reads the reason: not alt's project id.
        assert 'another project' in state.reason
        assert alt_session.get_project_id() not in state.reason
    finally:
        trusts.delete_trust(alt_session, alt_trust)


def free_port():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def redis_server(tmp_path):
    binary = shutil.which('redis-server') or '/usr/bin/redis-server'
    assert os.path.exists(binary), 'tools/setup installs redis-server'
    port = free_port()
    process = subprocess.Popen(
        [binary, '--port', str(port), '--bind', '127.0.0.1', '--save', '',
         '--appendonly', 'no', '--dir', str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            with contextlib.suppress(OSError), socket.create_connection(
                    ('127.0.0.1', port), timeout=0.2):
                break
            process.poll()
            assert process.returncode is None, 'redis-server exited'
            time.sleep(0.1)
        yield 'redis://127.0.0.1:%d' % port
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.mark.parametrize('backend', ['file', 'redis'])
def test_two_schedulers_at_one_instant_make_one_snapshot(
        backend, demo, demo_volume, trust, scheduler_env, tmp_path,
        cleanup_snapshots):
    _, cinder = demo
    cleanup_snapshots.append(demo_volume.id)
    save_schedule(demo, demo_volume, trust)
    with contextlib.ExitStack() as stack:
        if backend == 'redis':
            scheduler_env['VOLSNAP_SCHEDULER_BACKEND_URL'] = \
                stack.enter_context(redis_server(tmp_path))
        processes = [scheduler(scheduler_env, FIRST) for _ in range(2)]
        outputs = [p.communicate(timeout=180)[0] for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    made = [s for s in snapshots_of(cinder, demo_volume.id)
            if s.metadata.get(codec.SNAPSHOT_SCHEDULE_KEY) == SID]
    assert len(made) == 1, outputs


def test_a_run_now_and_a_cron_slot_at_once_run_one_after_the_other(
        demo, demo_volume, trust, scheduler_env, tmp_path,
        cleanup_snapshots):
    """One process finds the run asked for from the panel due, another
    (a later instant) the cron slot as well: they share the schedule's
    lock, so each slot has at most one snapshot and the record keeps
    every run, the latest slot last."""
    _, cinder = demo
    cleanup_snapshots.append(demo_volume.id)
    save_schedule(demo, demo_volume, trust, keep=5)
    store.request_run(cinder, cinder.volumes.get(demo_volume.id), SID,
                      at('2026-03-29T00:20:00Z'))
    with redis_server(tmp_path) as url:
        scheduler_env['VOLSNAP_SCHEDULER_BACKEND_URL'] = url
        processes = [scheduler(scheduler_env, now)
                     for now in ('2026-03-29T00:30:00Z', FIRST)]
        outputs = [p.communicate(timeout=180)[0] for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    made = [s for s in snapshots_of(cinder, demo_volume.id)
            if s.metadata.get(codec.SNAPSHOT_SCHEDULE_KEY) == SID]
    slots = [s.metadata[codec.SNAPSHOT_SLOT_KEY] for s in made]
    assert made and len(slots) == len(set(slots)), outputs
    assert all(s.status == 'available' for s in made)
    state = state_of(cinder, demo_volume.id)
    recorded = [entry['snapshot'] for entry in state.history
                if entry['outcome'] == 'ok']
    assert sorted(recorded) == sorted(s.id for s in made), outputs
    assert state.last_slot == max(entry['slot'] for entry in state.history)


def test_a_redis_lock_taken_away_is_noticed_before_the_next_step(tmp_path):
    """A run's lock that expired (the process stalled past its timeout)
    and went to another process: the holder's check says so, on a real
    Redis, before it creates or deletes anything more."""
    with redis_server(tmp_path) as url:
        with coordination.Coordinator(url, 'stalled') as stalled, \
                coordination.Coordinator(url, 'other') as other:
            with stalled.run_lock('vol-1', SID) as held:
                held.check()
                client = redis.Redis.from_url(url)
                [key] = [k for k in client.keys('*')
                         if b'volsnap-run:vol-1:' + SID.encode() in k]
                client.delete(key)
                with other.run_lock('vol-1', SID) as taken:
                    assert taken
                    with pytest.raises(coordination.LockLost):
                        held.check()


def test_a_failed_snapshot_tagged_with_the_slot_is_replaced(
        demo, demo_volume, trust, scheduler_env, cleanup_snapshots):
    """A snapshot of the slot in error (a crash between create and record,
    or a member's doing) is no restore point: it is deleted and the run
    makes a good one, recorded."""
    _, cinder = demo
    cleanup_snapshots.append(demo_volume.id)
    save_schedule(demo, demo_volume, trust)
    failed = cinder.volume_snapshots.create(
        demo_volume.id, name='itest-failed-attempt', metadata={
            codec.SNAPSHOT_SCHEDULE_KEY: SID,
            codec.SNAPSHOT_SLOT_KEY: '2026-03-29T01:00:00Z',
            codec.SNAPSHOT_VOLUME_KEY: demo_volume.id})
    devkit_cinder.until_status(cinder.volume_snapshots, failed.id,
                               'available')
    devkit_cinder.cinder_as('admin').volume_snapshots.reset_state(
        failed.id, 'error')
    output = run_once(scheduler_env, FIRST)
    state = state_of(cinder, demo_volume.id)
    assert state.outcome == 'ok', output
    assert state.snapshot_id != failed.id
    made = snapshots_of(cinder, demo_volume.id)
    assert [(s.id, s.status) for s in made] == \
        [(state.snapshot_id, 'available')], output


def test_full_quota_that_retention_cannot_free_is_skipped(
        demo, demo_volume, trust, scheduler_env, cleanup_snapshots):
    session, cinder = demo
    cleanup_snapshots.append(demo_volume.id)
    save_schedule(demo, demo_volume, trust, keep=1)
    project = session.get_project_id()
    admin = devkit_cinder.cinder_as('admin')
    original = admin.quotas.get(project).snapshots
    used = len(cinder.volume_snapshots.list())
    admin.quotas.update(project, snapshots=used)
    try:
        output = run_once(scheduler_env, FIRST)
    finally:
        admin.quotas.update(project, snapshots=original)
    assert 'skipped' in output
    state = state_of(cinder, demo_volume.id)
    assert state.outcome == 'skipped' and 'quota' in state.reason
    assert snapshots_of(cinder, demo_volume.id) == []


def test_full_quota_prunes_the_schedules_oldest_then_creates(
        demo, demo_volume, trust, scheduler_env, cleanup_snapshots):
    session, cinder = demo
    cleanup_snapshots.append(demo_volume.id)
    save_schedule(demo, demo_volume, trust, keep=2)
    run_once(scheduler_env, FIRST)
    run_once(scheduler_env, SECOND)
    made = {s.metadata.get(codec.SNAPSHOT_SLOT_KEY): s.id
            for s in snapshots_of(cinder, demo_volume.id)}
    oldest = made['2026-03-29T01:00:00Z']
    newer = made['2026-03-30T00:00:00Z']
    project = session.get_project_id()
    admin = devkit_cinder.cinder_as('admin')
    original = admin.quotas.get(project).snapshots
    admin.quotas.update(project, snapshots=devkit_cinder.snapshots_in_use(
        cinder))
    try:
        # Keep 2 with two held: the third fits only once the oldest goes.
        output = run_once(scheduler_env, THIRD)
    finally:
        admin.quotas.update(project, snapshots=original)
    assert 'deleted snapshot %s (pruned for room)' % oldest in output, output
    assert 'created snapshot' in output, output
    assert output.index('pruned for room') < output.index(
        'created snapshot')
    assert state_of(cinder, demo_volume.id).outcome == 'ok'
    left = {s.metadata.get(codec.SNAPSHOT_SLOT_KEY): s.id
            for s in snapshots_of(cinder, demo_volume.id)}
    assert sorted(left) == ['2026-03-30T00:00:00Z', '2026-03-31T00:00:00Z']
    assert left['2026-03-30T00:00:00Z'] == newer


def scraped(port):
    """{(name, labels as sorted tuple): value} of the metrics served on
    ``port``, and the health check's (status, body)."""
    base = 'http://127.0.0.1:%d' % port
    with urllib.request.urlopen(base + '/metrics',  # noqa: S310
                                timeout=5) as answer:
        text = answer.read().decode()
    samples = {(sample.name, tuple(sorted(sample.labels.items()))):
               sample.value
               for family in prometheus_parser.text_string_to_metric_families(
                   text) for sample in family.samples}
    try:
        with urllib.request.urlopen(base + '/healthcheck',  # noqa: S310
                                    timeout=5) as answer:
            health = answer.status, answer.read().decode()
    except urllib.error.HTTPError as answer:
        health = answer.code, answer.read().decode()
    return samples, health


def test_the_service_serves_metrics_and_health_after_a_sweep(
        demo, demo_volume, trust, tmp_path, cleanup_snapshots):
    """The service (no --once) with metrics on: once its first sweep and
    the run it started ended, the run of a due schedule, the sweep and the
    schedules are counted, the health check passes, and the run's log
    lines carry its fields."""
    session, cinder = demo
    cleanup_snapshots.append(demo_volume.id)
    # Created months ago: its last 02:00 is due at once, on the wall clock.
    save_schedule(demo, demo_volume, trust)
    port = free_port()
    env = scheduler_environment(
        tmp_path, VOLSNAP_SCHEDULER_METRICS_PORT=str(port),
        VOLSNAP_SCHEDULER_SWEEP_INTERVAL='30')
    log = tmp_path / 'scheduler.log'
    with open(log, 'w') as output:
        process = subprocess.Popen(
            [sys.executable, '-m', 'volsnap_dashboard.scheduler.cli'],
            env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        completed = ('volsnap_scheduler_sweeps_total',
                     (('result', 'completed'),))
        # The sweep starts the run; the run ends (and is counted) after.
        ran = ('volsnap_scheduler_runs_total', (('outcome', 'ok'),))
        deadline = time.monotonic() + 150
        samples = {}
        while samples.get(completed, 0) < 1 or samples.get(ran, 0) < 1:
            assert time.monotonic() < deadline, log.read_text()
            assert process.poll() is None, log.read_text()
            time.sleep(0.5)
            with contextlib.suppress(OSError):
                samples, health = scraped(port)
    finally:
        process.terminate()
        process.wait(timeout=60)
    output = log.read_text()
    assert process.returncode == 0, output
    assert samples[('volsnap_scheduler_runs_total',
                    (('outcome', 'ok'),))] >= 1, output
    assert samples[('volsnap_scheduler_sweep_duration_seconds_count',
                    ())] >= 1
    by_state = {labels[0][1]: value for (name, labels), value
                in samples.items() if name == 'volsnap_scheduler_schedules'}
    assert by_state['active'] + by_state['overdue'] >= 1, by_state
    assert health == (200, 'OK')
    assert state_of(cinder, demo_volume.id).outcome == 'ok'
    assert 'schedule=%s volume=%s project=%s slot=' % (
        SID, demo_volume.id, session.get_project_id()) in output


# The 02:00 rush: a process killed while its runs are in flight, and
# --now alone rehearsing retention by age.

RUSH = 5
RUSH_SLOT = '2026-03-29T01:00:00Z'


def save_rush_schedule(demo, volume, trust_id, sid, retention):
    session, cinder = demo
    schedule = model.Schedule(
        id=sid, volume_id=volume.id, project_id=session.get_project_id(),
        when=model.When(cron='0 2 * * *', tz='Europe/Berlin', preset=None),
        options={'snapshot_name': '', 'description': 'itest-rush',
                 'force': False},
        name_template='itest-rush-{schedule}-{time:%Y%m%d-%H%M}',
        retention=retention, paused=False, trust_id=trust_id,
        owner_id=session.get_user_id(), label='nightly',
        created=at('2026-03-28T12:00:00Z'))
    store.save(cinder, cinder.volumes.get(volume.id), schedule)


def scheduled_of(cinder, volume_id, sid):
    return [s for s in snapshots_of(cinder, volume_id)
            if s.metadata.get(codec.SNAPSHOT_SCHEDULE_KEY) == sid]


def state_of_schedule(cinder, volume_id, sid):
    [schedule] = [s for s in store.schedules_of(cinder.volumes.get(
        volume_id)) if s.id == sid]
    return schedule.state


@pytest.fixture
def rush(demo):
    """RUSH volumes of demo's, each with a nightly schedule of its own
    (and its own trust) due at 02:00: [(volume, schedule id)]."""
    session, cinder = demo
    made, trust_ids = [], []
    try:
        for number in range(RUSH):
            volume = cinder.volumes.create(1, name='itest-rush-%d' % number)
            made.append(volume)
        for volume in made:
            devkit_cinder.until_status(cinder.volumes, volume.id,
                                       'available')
            trust_ids.append(trusts.create_trust(
                session, session.get_user_id(),
                scheduler_identity.user_id(), session.get_project_id(),
                role_names=('member',)))
            save_rush_schedule(demo, volume, trust_ids[-1],
                               uuid.uuid4().hex[:8],
                               model.Retention(count=3, days=None))
        yield [(volume, store.schedules_of(cinder.volumes.get(
            volume.id))[0].id) for volume in made]
    finally:
        for volume in made:
            for snapshot in snapshots_of(cinder, volume.id):
                devkit_cinder.delete_and_wait(cinder.volume_snapshots,
                                              snapshot.id)
            devkit_cinder.delete_and_wait(cinder.volumes, volume.id)
        for trust_id in trust_ids:
            trusts.delete_trust(session, trust_id)


def test_a_scheduler_killed_mid_rush_leaves_one_snapshot_per_slot(
        demo, rush, tmp_path):
    _, cinder = demo
    # Runs wait long for their snapshots: killed, most have made one and
    # recorded nothing.
    env = scheduler_environment(
        tmp_path, VOLSNAP_SCHEDULER_MAX_IN_FLIGHT='2',
        VOLSNAP_SCHEDULER_WAIT_INTERVAL='30')
    process = scheduler(env, FIRST)
    deadline = time.monotonic() + 120
    try:
        while sum(len(scheduled_of(cinder, volume.id, sid))
                  for volume, sid in rush) < 2:
            assert process.poll() is None, process.communicate()[0]
            assert time.monotonic() < deadline
            time.sleep(0.2)
    finally:
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=30)
    before = {(volume.id, sid): [s.id for s in scheduled_of(cinder, volume.id,
                                                         sid)]
              for volume, sid in rush}

    env['VOLSNAP_SCHEDULER_WAIT_INTERVAL'] = '0.5'
    run_once(env, FIRST)
    for volume, sid in rush:
        [snapshot] = scheduled_of(cinder, volume.id, sid)
        assert snapshot.metadata[codec.SNAPSHOT_SLOT_KEY] == RUSH_SLOT
        # A snapshot the killed process made is the one kept, not a
        # second one.
        assert before[(volume.id, sid)] in ([], [snapshot.id])
        state = state_of_schedule(cinder, volume.id, sid)
        assert (state.outcome, state.snapshot_id) == ('ok', snapshot.id)
        assert state.last_slot == at(RUSH_SLOT)


def test_now_alone_rehearses_retention_by_age(demo, demo_volume, trust,
                                              scheduler_env,
                                              cleanup_snapshots):
    """Snapshots are made now; rehearsed three days later, a schedule
    keeping two days deletes the first run's snapshot, and records the
    run at the rehearsed instant."""
    _, cinder = demo
    cleanup_snapshots.append(demo_volume.id)
    sid = 'a9e0da75'
    save_rush_schedule(demo, demo_volume, trust, sid,
                       model.Retention(count=None, days=2))
    today = times.now().replace(microsecond=0)
    run_once(scheduler_env, times.format_utc(today))
    [first] = scheduled_of(cinder, demo_volume.id, sid)

    later = today + datetime.timedelta(days=3)
    output = run_once(scheduler_env,
                                      times.format_utc(later))
    assert 'deleted snapshot %s (retention)' % first.id in output
    devkit_cinder.until_gone(cinder.volume_snapshots, first.id)
    [second] = scheduled_of(cinder, demo_volume.id, sid)
    assert second.id != first.id
    state = state_of_schedule(cinder, demo_volume.id, sid)
    assert later <= state.last_run < later + datetime.timedelta(minutes=5)
