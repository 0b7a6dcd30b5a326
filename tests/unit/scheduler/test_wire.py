"""Cinder's and Keystone's errors counted at the HTTP transport all the
scheduler's sessions share (wire.py), by service and kind."""

import collections

import pytest
import requests

from volsnap_dashboard.api import errors
from volsnap_dashboard.api import service_clients
from volsnap_dashboard.api import trusts
from volsnap_dashboard.scheduler import clients as clients_module
from volsnap_dashboard.scheduler import config
from volsnap_dashboard.scheduler import wire

from tests.unit.api import fake_keystone


@pytest.fixture
def keystone():
    return fake_keystone.FakeKeystone()


@pytest.fixture
def counted(keystone):
    """(the counts, a TrustSessions on a counting transport)."""
    counts = collections.Counter()
    http = wire.count_errors(keystone.http(), fake_keystone.AUTH_URL,
                             lambda service, kind: counts.update(
                                 [(service, kind)]))
    sessions = trusts.TrustSessions(
        fake_keystone.AUTH_URL, fake_keystone.SERVICE_USER,
        fake_keystone.SERVICE_PASSWORD, clock=keystone.clock, http=http)
    return counts, sessions


def test_a_refused_trust_is_a_keystone_error(keystone, counted):
    counts, sessions = counted
    with pytest.raises(errors.AuthorizationLost):
        sessions.session_for('0' * 32)
    assert counts == {('keystone', '404'): 1}


def test_a_cinder_401_is_a_cinder_error_and_its_retry_is_not(keystone,
                                                              counted):
    counts, sessions = counted
    trust = fake_keystone.Trust('demo-project')
    keystone.trusts[trust.id] = trust
    cinder = service_clients.cinder_for(sessions.session_for(trust.id))
    keystone.revoked.add(keystone.issued[-1])
    assert cinder.volumes.list() == []
    assert counts == {('cinder', '401'): 1}


def test_an_unreachable_keystone_is_a_connection_error(keystone, counted):
    counts, sessions = counted
    keystone.unreachable = True
    with pytest.raises(errors.IdentityUnavailable):
        sessions.session_for('0' * 32)
    assert counts[('keystone', 'connection')] >= 1
    assert set(counts) == {('keystone', 'connection')}


def test_the_identity_root_covers_every_keystone_path():
    assert wire.identity_root('http://10.0.0.1/identity/v3/') == \
        'http://10.0.0.1/identity'
    assert wire.identity_root('https://keystone:5000/v3') == \
        'https://keystone:5000'
    assert wire.identity_root('https://keystone:5000') == \
        'https://keystone:5000'


def test_counting_twice_wraps_once(keystone):
    counts = collections.Counter()
    http = keystone.http()

    def count(service, kind):
        counts.update([(service, kind)])
    wire.count_errors(http, fake_keystone.AUTH_URL, count)
    wire.count_errors(http, fake_keystone.AUTH_URL, count)
    http.get(fake_keystone.CINDER_ROOT + '/nothing', timeout=5)
    assert counts == {('cinder', '404'): 1}


def test_the_clients_service_and_trust_sessions_share_one_transport():
    settings = config.Config(keystone_url='http://k/v3', username='svc',
                             password='pw')  # noqa: S106
    http = requests.Session()
    made = clients_module.Clients(settings, http=http)
    assert made.http is http
    assert made.service_session().session is http
    assert made.trust_sessions._http is http


def test_each_answer_is_timed_by_service(keystone):
    heard = []
    http = wire.time_answers(keystone.http(), fake_keystone.AUTH_URL,
                             lambda service, seconds: heard.append(
                                 (service, seconds)))
    # Errors still counted alongside, on the same transport.
    counts = collections.Counter()
    wire.count_errors(http, fake_keystone.AUTH_URL,
                      lambda service, kind: counts.update([service]))
    sessions = trusts.TrustSessions(
        fake_keystone.AUTH_URL, fake_keystone.SERVICE_USER,
        fake_keystone.SERVICE_PASSWORD, clock=keystone.clock, http=http)
    with pytest.raises(errors.AuthorizationLost):
        sessions.session_for('0' * 32)
    assert heard and {service for service, _ in heard} == {'keystone'}
    assert all(seconds >= 0 for _, seconds in heard)
    assert counts['keystone'] >= 1
