"""The service's loop outlives a sweep that fails unexpectedly: the next
sweep comes, instead of the process ending (and, under systemd's
Restart=on-failure, failing again at every start)."""

import types
from unittest import mock

from cinderclient import api_versions
from cinderclient import exceptions as cinder_exc
import pytest

from volsnap_dashboard.api import errors
from volsnap_dashboard.api import microversions
from volsnap_dashboard.api import service_clients
from volsnap_dashboard.scheduler import admin_calls
from volsnap_dashboard.scheduler import clients as clients_module
from volsnap_dashboard.scheduler import config
from volsnap_dashboard.scheduler import coordination
from volsnap_dashboard.scheduler import pool
from volsnap_dashboard.scheduler import service
from volsnap_dashboard.scheduler import sweep

from tests.unit.api import fake_keystone


class LoopSweeper:
    """A sweeper's part the loop uses besides ``sweep``: its pool of runs,
    stopped when the service stops."""
    runs = pool.RunPool(1)


class FakeCoordinator:
    def __init__(self, *args, **kwargs):
        self.refreshed = 0

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return False

    def refresh(self):
        self.refreshed += 1


def serve(monkeypatch, build_sweeper, clients, stopper, **kwargs):
    """``service.serve`` with a coordinator that needs no backend and the
    sweeper ``build_sweeper`` makes (``kwargs``: serve's); the service's
    exit status."""
    monkeypatch.setattr(coordination, 'Coordinator', FakeCoordinator)
    monkeypatch.setattr(service, 'build_sweeper', build_sweeper)
    settings = types.SimpleNamespace(
        coordination_url='file:///nowhere', member_id='',
        partitioned=False, sweep_interval=0)
    return service.serve(settings, clients, None, stopper, **kwargs)


def test_an_unexpected_error_in_a_sweep_does_not_end_the_service(
        monkeypatch, caplog):
    stopper = service.Stopper()
    sweeps = []

    class Sweeper(LoopSweeper):
        def sweep(self, now, wait=True):
            sweeps.append(now)
            if len(sweeps) == 1:
                raise RecursionError('maximum recursion depth exceeded')
            stopper.request()
            return sweep.Report()

    clients = types.SimpleNamespace(trust_sessions=mock.Mock())
    assert serve(monkeypatch, lambda *args, **kwargs: Sweeper(), clients,
                 stopper) == 0
    assert len(sweeps) == 2
    assert 'RecursionError' in caplog.text


class RolledBackCinder:
    """Cinder as the scheduler's clients see it: the version a client is
    built at is the one negotiated (microversions, as service_clients
    does); a request above the server's maximum is refused with a 406."""

    ENDPOINT = 'http://cinder:8776/v3/service'

    def __init__(self, server_max):
        self.server_max = api_versions.APIVersion(server_max)
        self.built = []

    def cinder_for(self, session, region=None, interface='public'):
        version = microversions.negotiated(self.ENDPOINT,
                                           lambda: self.server_max)
        self.built.append(version.get_string())

        def listing(search_opts=None):
            if version > self.server_max:
                raise cinder_exc.NotAcceptable(
                    406, 'Version %s is not supported by the API.'
                    % version.get_string())
            return []
        return types.SimpleNamespace(
            api_version=version,
            volumes=types.SimpleNamespace(list=listing))


@pytest.fixture
def negotiated():
    service_clients.forget_negotiated_versions()
    yield
    service_clients.forget_negotiated_versions()


def test_a_refused_microversion_is_negotiated_again_at_the_next_sweep(
        monkeypatch, negotiated):
    cinder = RolledBackCinder('3.71')
    settings = config.Config(keystone_url='http://k/v3', username='svc',
                             password=fake_keystone.SERVICE_PASSWORD)
    sessions = mock.Mock()
    made = clients_module.Clients(settings, trust_sessions=sessions,
                                  cinder_for=cinder.cinder_for)
    made._service_session = object()
    stopper = service.Stopper()
    listed, tenants = [], []

    class Sweeper(LoopSweeper):
        # Holds the service user's client from the start, as the real
        # one does.
        def __init__(self, admin):
            self.admin = admin

        def sweep(self, now, wait=True):
            if len(listed) == 3:
                stopper.request()
            listed.append(None)
            volumes = admin_calls.scheduled_volumes(self.admin)
            tenants.append(made.tenant_client('trust-1').client)
            listed[-1] = volumes
            return sweep.Report()

    def build_sweeper(config, clients, *args, **kwargs):
        return Sweeper(clients.admin())

    made.admin()
    cinder.server_max = api_versions.APIVersion('3.60')  # rolled back
    assert serve(monkeypatch, build_sweeper, made, stopper) == 0
    # The first sweep was refused; the next ones list, at 3.60, and the
    # tenants' clients are built at it too.
    assert listed[0] is None
    assert listed[1:] == [[], [], []]
    assert cinder.built == ['3.71', '3.60', '3.60', '3.60', '3.60']
    assert {client.api_version.get_string() for client in tenants} == \
        {'3.60'}


def test_each_sweep_keeps_only_the_sessions_of_the_trusts_it_listed(
        monkeypatch):
    stopper = service.Stopper()
    named = [{'trust-a', 'trust-b'}, {'trust-b'}]
    sessions = mock.Mock()

    swept = []

    class Sweeper(LoopSweeper):
        def sweep(self, now, wait=True):
            report = sweep.Report()
            report.trusts = mock.Mock(return_value=named[len(swept)])
            swept.append(now)
            if len(swept) == len(named):
                stopper.request()
            return report

    clients = types.SimpleNamespace(trust_sessions=sessions)
    assert serve(monkeypatch, lambda *args, **kwargs: Sweeper(), clients,
                 stopper) == 0
    assert sessions.prune.call_args_list == [mock.call(trusts)
                                             for trusts in named]


def test_a_failed_renegotiation_does_not_end_the_service(monkeypatch,
                                                         caplog):
    stopper = service.Stopper()
    sweeps = []

    class Sweeper(LoopSweeper):
        def sweep(self, now, wait=True):
            sweeps.append(now)
            if len(sweeps) == 3:
                stopper.request()
            raise errors.VersionNotAcceptable()

    class Clients:
        trust_sessions = mock.Mock()
        failures = [errors.ServiceUnavailable(), RuntimeError('a bug')]

        def renegotiate(self):
            if self.failures:
                raise self.failures.pop(0)

    assert serve(monkeypatch, lambda *args, **kwargs: Sweeper(), Clients(),
                 stopper) == 0
    assert len(sweeps) == 3
    assert 'RuntimeError' in caplog.text
