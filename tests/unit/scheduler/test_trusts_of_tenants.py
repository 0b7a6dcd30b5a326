"""The scheduler's trusts: a tenant's client names the trust's trustor
(from the trust-scoped token, as Keystone gives it), and only a one-shot
verification trust of the snapshot's project is deleted by the service
user. Keystone is faked on the wire (fake_keystone), as Keystone answers
(checked on the dev cloud: the token's ``OS-TRUST:trust`` names the
trustor, the trustee may read the trust)."""

import datetime
import json

from keystoneauth1 import session as ks_session
from keystoneauth1 import token_endpoint
import pytest

from volsnap_dashboard.api import trusts
from volsnap_dashboard.scheduler import clients as clients_module
from volsnap_dashboard.scheduler import config

from tests.unit.api import fake_keystone

NOW = datetime.datetime(2026, 11, 26, 7, 0, tzinfo=datetime.timezone.utc)


class TrustKeystone(fake_keystone.FakeKeystone):
    """FakeKeystone whose trust-scoped tokens name the trust as Keystone's
    do, and whose trusts the trustee may read."""

    def _token(self, request, body):
        response = super()._token(request, body)
        scope = body['auth'].get('scope') or {}
        if response.status_code == 201 and 'OS-TRUST:trust' in scope:
            trust = self.trusts[scope['OS-TRUST:trust']['id']]
            token = json.loads(response.content)
            token['token']['OS-TRUST:trust'] = {
                'id': trust.id, 'impersonation': True,
                'trustor_user': {'id': trust.trustor_id},
                'trustee_user': {'id': 'scheduler-id'}}
            token['token']['user']['id'] = trust.trustor_id
            response._content = json.dumps(token).encode()
        return response

    def _trusts(self, request, body):
        if request.method != 'GET':
            return super()._trusts(request, body)
        trust = self.trusts.get(request.url.rsplit('/', 1)[1])
        if trust is None:
            return self._error(request, 404, 'Could not find trust.')
        return self._respond(request, 200, {'trust': dict(
            trust.body, id=trust.id, project_id=trust.project_id,
            trustor_user_id=trust.trustor_id, roles=[], links={})})


@pytest.fixture
def keystone():
    return TrustKeystone()


def made_trust(keystone, project='demo-project', trustor='demo-id',
               expires_at=None):
    session = ks_session.Session(
        auth=token_endpoint.Token(fake_keystone.AUTH_URL, 'user-token'),
        session=keystone.http())
    return trusts.create_trust(session, trustor, 'scheduler-id', project,
                               expires_at=expires_at)


@pytest.fixture
def made_clients(keystone):
    settings = config.Config(keystone_url=fake_keystone.AUTH_URL,
                             username=fake_keystone.SERVICE_USER,
                             password=fake_keystone.SERVICE_PASSWORD)
    sessions = trusts.TrustSessions(
        fake_keystone.AUTH_URL, fake_keystone.SERVICE_USER,
        fake_keystone.SERVICE_PASSWORD, 'Default', clock=keystone.clock,
        http=keystone.http())
    made = clients_module.Clients(settings, trust_sessions=sessions,
                                  cinder_for=lambda *args: 'cinder')
    # The service user's own session (its token, not a trust's).
    made._service_session = ks_session.Session(
        auth=token_endpoint.Token(fake_keystone.AUTH_URL, 'service-token'),
        session=keystone.http())
    return made


def test_a_trust_sessions_trustor_is_the_trusts(keystone, made_clients):
    trust_id = made_trust(keystone, trustor='owner-id')
    assert made_clients.trust_sessions.trustor_of(trust_id) == 'owner-id'


def test_a_tenants_client_carries_its_project_and_trustor(keystone,
                                                          made_clients):
    trust_id = made_trust(keystone, trustor='owner-id')
    tenant = made_clients.tenant_client(trust_id)
    assert (tenant.client, tenant.project_id, tenant.trustor_id) == (
        'cinder', 'demo-project', 'owner-id')
