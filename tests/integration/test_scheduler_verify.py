"""Snapshot verification by volsnap-scheduler as a process against the dev
cloud: a request with demo's trust is started in demo's project, the next
sweep records the outcome and deletes the temporary volume and the trust;
a scheduler killed mid-verification records it as timed out and leaves a
volume Cinder would not delete for demo to demo; a request whose trust is
gone stays as demo left it; a volume in error is recorded as failed; a
schedule with verify_every verifies its new snapshot. With a proxy
counting Cinder's requests per token, the service user's token is seen
only on the calls admin_calls.py allows, and demo's own volume in transfer,
dressed as a temporary one, is left alone."""

import contextlib
import datetime
from http import client as http_client
from http import server
import json
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from urllib import parse

from cinderclient import client as cinder_client
from keystoneauth1 import exceptions as ks_exc
from keystoneclient.v3 import client as ks_client
import pytest

from tests.integration import cinder_proxy
from tests.integration import scheduler_identity
from tests.integration import test_scheduler
from tools.devkit import cinder as devkit_cinder
from tools.devkit import identities
from volsnap_dashboard.api import service_clients
from volsnap_dashboard.api import trusts
from volsnap_dashboard.protection import cinder_snapshot
from volsnap_dashboard.protection import times
from volsnap_dashboard.protection import verification
from volsnap_dashboard.protection.schedule import model
from volsnap_dashboard.protection.schedule import store
from volsnap_dashboard.scheduler import clients as clients_module
from volsnap_dashboard.scheduler import config as config_module
from volsnap_dashboard.scheduler import service

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


def new_trust(session, one_shot=True):
    """A trust of demo's for the scheduler: a request's (expiring as the
    panel's do), or a schedule's (``one_shot=False``)."""
    return trusts.create_trust(
        session, session.get_user_id(), scheduler_identity.user_id(),
        session.get_project_id(), role_names=('member',),
        expires_at=utc_now() + verification.TRUST_LIFETIME
        if one_shot else None)


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


def test_a_request_is_verified_and_its_volume_deleted(
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
    # Only its trustor (or an admin) may delete a trust: the scheduler
    # leaves the request's to expire within the day.
    assert trust_exists(session, trust_id)
    trusts.delete_trust(session, trust_id)
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
    # Cinder deletes a creating volume only when forced: never by the
    # scheduler. It is demo's, on the Orphans tab (the fixture cleans up).
    assert 'temporary volume %s is creating: left for the tenant' \
        % volume_id in output
    assert cinder.volumes.get(volume_id).status == 'creating'
    # Only its trustor (or an admin) may delete a trust: the scheduler
    # leaves the request's to expire within the day.
    assert trust_exists(session, trust_id)
    trusts.delete_trust(session, trust_id)


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


def test_a_request_whose_trust_is_gone_stays_and_creates_nothing(
        demo, snapshot, admin, scheduler_env):
    session, _ = demo
    trust_id = new_trust(session)
    trusts.delete_trust(session, trust_id)
    request(demo, snapshot, trust_id)
    before = snapshot_metadata(demo, snapshot.id)
    output = run_once(scheduler_env)
    assert not STARTED.findall(output)
    # Nobody may write for demo without demo's trust: nothing is written.
    assert snapshot_metadata(demo, snapshot.id) == before
    assert 'verification of snapshot %s: its authorization (trust %s) is ' \
        'gone; left for the tenant' % (snapshot.id, trust_id) in output
    assert temporary_volumes_of(admin, snapshot.id) == []


def test_a_schedule_verifying_every_run_verifies_its_new_snapshot(
        demo, demo_volume, admin, scheduler_env):
    session, cinder = demo
    trust_id = new_trust(session, one_shot=False)
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


# The service user's token, counted at a proxy

class _RecordingHandler(cinder_proxy._Handler):
    """Forwards to Cinder, recording (method, path, token, body)."""

    def _forward(self):
        length = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(length) if length else None
        with self.proxy.lock:
            self.proxy.seen.append((self.command, self.path,
                                    self.headers.get('X-Auth-Token'),
                                    json.loads(body) if body else None))
        upstream = http_client.HTTPConnection(
            '127.0.0.1', int(identities.cinder_port()), timeout=60)
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() not in ('host', 'connection')}
        upstream.request(self.command, self.path, body=body, headers=headers)
        response = upstream.getresponse()
        data = response.read()
        upstream.close()
        return response, data


class RecordingProxy(cinder_proxy.CinderProxy):
    def __init__(self):
        self.seen = []
        self.rules = []
        self.lock = threading.Lock()
        handler = type('Handler', (_RecordingHandler,), {'proxy': self})
        self.httpd = server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever,
                         daemon=True).start()
        self.url = 'http://127.0.0.1:%d' % self.httpd.server_address[1]

    def cinder_for(self, session, region=None, interface='public'):
        """service_clients.cinder_for, through the proxy."""
        real = service_clients.endpoint_of(session, region, interface)
        endpoint = self.url + parse.urlsplit(real).path
        return cinder_client.Client(
            service_clients.negotiated_version(session, endpoint),
            session=session, endpoint_override=endpoint)


STATE_KEY = re.compile(r'^volsnap:[0-9a-f]{8}:state:\d+$')
LISTED = {'volsnap_scheduled', 'volsnap_verify', 'volsnap_verification'}


def admin_call_allowed(method, path, body):
    """Whether admin_calls.py makes this call: a listing across projects
    by one of the scheduler's tags, reading a volume, writing or removing
    a schedule's state keys."""
    url = parse.urlsplit(path)
    parts = url.path.rstrip('/').split('/')
    query = parse.parse_qs(url.query)
    if len(parts) <= 2:
        # Cinder's version document (the microversion's negotiation).
        return method == 'GET'
    if method == 'GET' and parts[-2:] in (['volumes', 'detail'],
                                          ['snapshots', 'detail']):
        tags = json.loads(query['metadata'][0].replace("'", '"'))
        return query.get('all_tenants') == ['1'] and set(tags) <= LISTED
    if method == 'GET' and parts[-2] == 'volumes':
        return True
    if method == 'POST' and parts[-1] == 'metadata' and \
            parts[-3] == 'volumes':
        return all(STATE_KEY.match(key) for key in body['metadata'])
    if method == 'DELETE' and parts[-2] == 'metadata' and \
            parts[-4] == 'volumes':
        return bool(STATE_KEY.match(parse.unquote(parts[-1])))
    return False


@pytest.fixture
def dressed_up(demo, admin):
    """demo's own volume offered for transfer (``awaiting-transfer``),
    named and tagged as a temporary verification volume of long ago."""
    _, cinder = demo
    old = utc_now() - datetime.timedelta(days=1)
    volume = cinder.volumes.create(
        1, name=verification.volume_name('0123abcd'),
        metadata=verification.volume_metadata('0123abcd', old))
    devkit_cinder.until_status(cinder.volumes, volume.id, 'available')
    transfer = cinder.transfers.create(volume.id, name='itest-transfer')
    yield cinder.volumes.get(volume.id)
    with contextlib.suppress(Exception):
        cinder.transfers.delete(transfer.id)
    devkit_cinder.until_status(cinder.volumes, volume.id, 'available')
    devkit_cinder.delete_and_wait(cinder.volumes, volume.id)


def test_the_service_users_token_makes_only_the_allowed_calls(
        demo, demo_volume, snapshot, dressed_up, admin, tmp_path):
    session, cinder = demo
    assert dressed_up.status == 'awaiting-transfer'
    request(demo, snapshot, new_trust(session))
    # A schedule whose trust is gone: its state is the admin's to record.
    gone = new_trust(session, one_shot=False)
    trusts.delete_trust(session, gone)
    schedule = model.Schedule(
        id='c0ffee03', volume_id=demo_volume.id,
        project_id=session.get_project_id(),
        when=model.When(cron='0 2 * * *', tz='Europe/Berlin'),
        options={'snapshot_name': '', 'description': 'itest-admin',
                 'force': False},
        name_template='itest-{volume_name}-{time:%Y%m%d-%H%M}',
        retention=model.Retention(count=2), paused=False, trust_id=gone,
        owner_id=session.get_user_id(), label='daily',
        created=datetime.datetime(2026, 3, 28, 12,
                                  tzinfo=datetime.timezone.utc))
    store.save(cinder, cinder.volumes.get(demo_volume.id), schedule)
    env = test_scheduler.scheduler_environment(
        tmp_path, VOLSNAP_SCHEDULER_VERIFY_TIMEOUT=str(VERIFY_TIMEOUT))
    settings = config_module.load(environ=env)
    proxy = RecordingProxy()
    try:
        made = clients_module.Clients(settings, cinder_for=proxy.cinder_for)
        plugin = cinder_snapshot.CinderSnapshotProtectionPlugin()

        def sweep(now):
            service.serve(settings, made, plugin, service.Stopper(),
                          once_at=now)

        sweep(test_scheduler.at('2026-03-29T01:30:00Z'))
        [volume] = temporary_volumes_of(admin, snapshot.id)
        devkit_cinder.until_status(cinder.volumes, volume.id, 'available')
        sweep(test_scheduler.at('2026-03-29T01:31:00Z'))
    finally:
        proxy.stop()
    admin_token = made.service_session().get_token()
    by_admin = [(m, p, b) for m, p, t, b in proxy.seen if t == admin_token]
    by_tenant = [(m, p) for m, p, t, _ in proxy.seen if t != admin_token]
    assert [call for call in by_admin if not admin_call_allowed(*call)] == []
    # Each allowed kind was seen, and the tenant's token did the rest.
    assert {m for m, _, _ in by_admin} == {'GET', 'POST'}
    assert any(m == 'POST' and '/snapshots/%s/metadata' % snapshot.id in p
               for m, p in by_tenant)
    assert ('DELETE', '/v3/%s/volumes/%s' % (session.get_project_id(),
                                            volume.id)) in by_tenant
    [saved] = store.schedules_of(cinder.volumes.get(demo_volume.id))
    assert saved.state.outcome == 'authorization_lost'
    assert verification.state_of(cinder.volume_snapshots.get(
        snapshot.id)).outcome == 'ok'
    # demo's volume in transfer is left as it was: nothing forced.
    assert cinder.volumes.get(dressed_up.id).status == 'awaiting-transfer'
    assert not any('os-force_delete' in json.dumps(b or {})
                   for _, _, _, b in proxy.seen)
