"""Trusts: created and deleted with the user's session; trust-scoped
sessions of the scheduler's user cached per trust, refused trusts reported
as AuthorizationLost. Keystone is faked on the wire (fake_keystone), so
keystoneauth and keystoneclient run for real."""

import datetime
import json

from cinderclient import exceptions as cinder_exc
from keystoneauth1 import session as ks_session
from keystoneauth1 import token_endpoint
import pytest

from volsnap_dashboard.api import errors
from volsnap_dashboard.api import service_clients
from volsnap_dashboard.api import trusts
from tests.unit.api import fake_keystone

HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def keystone():
    return fake_keystone.FakeKeystone()


def user_session(keystone):
    return ks_session.Session(
        auth=token_endpoint.Token(fake_keystone.AUTH_URL, 'user-token'),
        session=keystone.http())


def trust_sessions(keystone, password=None):
    return trusts.TrustSessions(
        fake_keystone.AUTH_URL, fake_keystone.SERVICE_USER,
        password or fake_keystone.SERVICE_PASSWORD, 'Default',
        clock=keystone.clock, http=keystone.http())


# -- create and delete --------------------------------------------------------

def test_create_trust_sends_trustor_trustee_project_roles(keystone):
    trust_id = trusts.create_trust(user_session(keystone), 'demo-id',
                                   'scheduler-id', 'demo-project')
    sent = keystone.trusts[trust_id].body
    assert sent['trustor_user_id'] == 'demo-id'
    assert sent['trustee_user_id'] == 'scheduler-id'
    assert sent['project_id'] == 'demo-project'
    assert sent['roles'] == [{'name': 'member'}]
    assert sent['impersonation'] is True
    # Made with the user's own token, nobody else's.
    post = keystone.requests[-1]
    assert post.headers['X-Auth-Token'] == 'user-token'


def test_create_trust_refused_carries_keystones_reason(keystone):
    with pytest.raises(errors.TrustRefused) as caught:
        trusts.create_trust(user_session(keystone), 'demo-id',
                            'scheduler-id', 'demo-project', role_names=())
    assert 'At least one role should be specified' in str(caught.value)
    assert 'user-token' not in str(caught.value)


def test_create_trust_with_keystone_unreachable(keystone):
    keystone.unreachable = True
    with pytest.raises(errors.IdentityUnavailable):
        trusts.create_trust(user_session(keystone), 'demo-id',
                            'scheduler-id', 'demo-project')


def test_delete_trust_and_already_gone(keystone):
    session = user_session(keystone)
    trust_id = trusts.create_trust(session, 'demo-id', 'scheduler-id',
                                   'demo-project')
    assert trusts.delete_trust(session, trust_id) is True
    assert trust_id not in keystone.trusts
    assert trusts.delete_trust(session, trust_id) is False


# -- trust-scoped sessions ----------------------------------------------------

def test_session_is_scoped_by_the_trust_only(keystone):
    trust = fake_keystone.Trust('demo-project')
    keystone.trusts[trust.id] = trust
    sessions = trust_sessions(keystone)
    session = sessions.session_for(trust.id)
    assert session.get_project_id() == 'demo-project'
    assert sessions.project_of(trust.id) == 'demo-project'
    body = json.loads(keystone.token_requests()[-1].body)['auth']
    assert body['scope'] == {'OS-TRUST:trust': {'id': trust.id}}
    assert body['identity']['password']['user']['name'] == \
        fake_keystone.SERVICE_USER


def test_cached_until_shortly_before_expiry(keystone):
    trust = fake_keystone.Trust('demo-project')
    keystone.trusts[trust.id] = trust
    clock = keystone.clock
    sessions = trust_sessions(keystone)
    first = sessions.session_for(trust.id)
    assert len(keystone.token_requests()) == 1

    # Sweeps within the token's life ask Keystone for nothing.
    clock.now += HOUR - trusts.REFRESH_MARGIN - datetime.timedelta(
        seconds=30)
    assert sessions.session_for(trust.id) is first
    assert sessions.project_of(trust.id) == 'demo-project'
    assert len(keystone.token_requests()) == 1

    # Within the margin before expiry: a new token.
    clock.now += datetime.timedelta(seconds=60)
    assert sessions.session_for(trust.id) is not first
    assert len(keystone.token_requests()) == 2


def test_one_token_per_trust(keystone):
    demo = fake_keystone.Trust('demo-project')
    alt = fake_keystone.Trust('alt-project')
    keystone.trusts.update({demo.id: demo, alt.id: alt})
    sessions = trust_sessions(keystone)
    assert sessions.project_of(demo.id) == 'demo-project'
    assert sessions.project_of(alt.id) == 'alt-project'
    assert sessions.project_of(demo.id) == 'demo-project'
    assert len(keystone.token_requests()) == 2
    assert len(sessions) == 2


@pytest.mark.parametrize('refusal', [
    (401, 'The request you have made requires authentication.'),
    (403, 'Trustee has no delegated roles.'),
])
def test_refused_trust_is_authorization_lost_and_forgotten(keystone,
                                                           refusal):
    trust = fake_keystone.Trust('demo-project')
    keystone.trusts[trust.id] = trust
    clock = keystone.clock
    sessions = trust_sessions(keystone)
    sessions.session_for(trust.id)

    trust.refusal = refusal
    clock.now += HOUR
    with pytest.raises(errors.AuthorizationLost) as caught:
        sessions.session_for(trust.id)
    assert refusal[1] in str(caught.value)
    assert len(sessions) == 0
    # Not remembered as lost either: the next sweep asks again.
    trust.refusal = None
    assert sessions.project_of(trust.id) == 'demo-project'


def test_deleted_trust_is_authorization_lost(keystone):
    with pytest.raises(errors.AuthorizationLost):
        trust_sessions(keystone).session_for('0' * 32)


def test_token_refused_mid_run_becomes_authorization_lost(keystone):
    """Cinder's 401 makes keystoneauth fetch a token again, in the middle
    of a run: the refusal surfaces as AuthorizationLost there too."""
    trust = fake_keystone.Trust('demo-project')
    keystone.trusts[trust.id] = trust
    sessions = trust_sessions(keystone)
    session = sessions.session_for(trust.id)
    del keystone.trusts[trust.id]
    session.invalidate()
    with pytest.raises(errors.AuthorizationLost):
        session.get_token()
    assert len(sessions) == 0


def cinder_listings(keystone):
    return [r for r in keystone.requests
            if r.url.startswith(fake_keystone.CINDER_ROOT + '/v3/demo')]


def listing_cinder(keystone):
    """(the trust, its TrustSessions, a Cinder client through the trust
    that listed once)."""
    trust = fake_keystone.Trust('demo-project')
    keystone.trusts[trust.id] = trust
    sessions = trust_sessions(keystone)
    cinder = service_clients.cinder_for(sessions.session_for(trust.id))
    assert cinder.volumes.list() == []
    return trust, sessions, cinder


def test_cinder_refusing_a_cached_token_gets_a_new_one_once(keystone):
    """A trust-scoped token Cinder answers 401 to (revoked, or Keystone's
    keys rotated) is dropped and the call made again, once, with a new
    token of the same trust."""
    _trust, _sessions, cinder = listing_cinder(keystone)
    first = keystone.issued[-1]
    keystone.revoked.add(first)
    assert cinder.volumes.list() == []
    refused, retried = cinder_listings(keystone)[-2:]
    assert refused.headers['X-Auth-Token'] == first
    assert retried.headers['X-Auth-Token'] == keystone.issued[-1] != first
    # The new token serves the next calls: no token per call.
    tokens = len(keystone.token_requests())
    assert cinder.volumes.list() == []
    assert len(keystone.token_requests()) == tokens


def test_cinder_refusing_the_new_token_too_is_not_retried_again(keystone):
    _trust, _sessions, cinder = listing_cinder(keystone)
    before = len(cinder_listings(keystone))
    keystone.cinder_refuses_all = True
    with pytest.raises(cinder_exc.Unauthorized):
        cinder.volumes.list()
    assert len(cinder_listings(keystone)) == before + 2


def test_a_401_once_the_trust_is_deleted_is_authorization_lost(keystone):
    trust, sessions, cinder = listing_cinder(keystone)
    keystone.revoked.add(keystone.issued[-1])
    del keystone.trusts[trust.id]
    with pytest.raises(errors.AuthorizationLost):
        cinder.volumes.list()
    assert len(sessions) == 0


def test_wrong_service_password_is_not_authorization_lost(keystone):
    trust = fake_keystone.Trust('demo-project')
    keystone.trusts[trust.id] = trust
    sessions = trust_sessions(keystone, password='wrong')  # noqa: S106
    with pytest.raises(errors.ServiceUserRefused) as caught:
        sessions.session_for(trust.id)
    assert not isinstance(caught.value, errors.AuthorizationLost)
    assert 'wrong' not in str(caught.value)


def test_many_lost_trusts_check_the_service_login_once(keystone):
    def logins():
        return [r for r in keystone.token_requests()
                if 'OS-TRUST' not in r.body]
    trust = fake_keystone.Trust('demo-project')
    # Its trustor disabled: Keystone refuses with a 401, as it refuses a
    # wrong service password.
    trust.refusal = (401, 'The request you have made requires '
                          'authentication.')
    keystone.trusts[trust.id] = trust
    sessions = trust_sessions(keystone)
    for _ in range(5):
        with pytest.raises(errors.AuthorizationLost):
            sessions.session_for(trust.id)
    assert len(logins()) == 1
    # Checked again once it stood for its minute.
    keystone.clock.now += trusts.SERVICE_CHECK_VALID
    with pytest.raises(errors.AuthorizationLost):
        sessions.session_for(trust.id)
    assert len(logins()) == 2


def test_keystone_unreachable_is_not_authorization_lost(keystone):
    trust = fake_keystone.Trust('demo-project')
    keystone.trusts[trust.id] = trust
    keystone.unreachable = True
    with pytest.raises(errors.IdentityUnavailable) as caught:
        trust_sessions(keystone).session_for(trust.id)
    assert not isinstance(caught.value, errors.AuthorizationLost)


def test_prune_drops_expired_sessions_only(keystone):
    old = fake_keystone.Trust('demo-project')
    keystone.trusts[old.id] = old
    clock = keystone.clock
    sessions = trust_sessions(keystone)
    sessions.session_for(old.id)
    clock.now += HOUR - datetime.timedelta(minutes=10)
    fresh = fake_keystone.Trust('alt-project')
    keystone.trusts[fresh.id] = fresh
    sessions.session_for(fresh.id)
    clock.now += datetime.timedelta(minutes=15)
    sessions.prune({old.id, fresh.id})
    assert len(sessions) == 1
    requests_before = len(keystone.token_requests())
    assert sessions.project_of(fresh.id) == 'alt-project'
    assert len(keystone.token_requests()) == requests_before


def test_prune_drops_the_sessions_of_trusts_no_longer_named(keystone):
    named = fake_keystone.Trust('demo-project')
    gone = fake_keystone.Trust('alt-project')
    keystone.trusts.update({named.id: named, gone.id: gone})
    sessions = trust_sessions(keystone)
    sessions.session_for(named.id)
    sessions.session_for(gone.id)
    sessions.prune({named.id, 'trust-never-used'})
    assert len(sessions) == 1
    requests_before = len(keystone.token_requests())
    assert sessions.project_of(named.id) == 'demo-project'
    assert len(keystone.token_requests()) == requests_before
    sessions.prune(set())
    assert len(sessions) == 0


def test_service_session_is_scoped_to_the_service_project(keystone):
    session = trusts.service_session(
        fake_keystone.AUTH_URL, fake_keystone.SERVICE_USER,
        fake_keystone.SERVICE_PASSWORD, http=keystone.http())
    assert session.get_project_id() == 'service-project'
    scope = json.loads(keystone.token_requests()[-1].body)['auth']['scope']
    assert scope['project'] == {'name': 'service',
                                'domain': {'name': 'Default'}}
