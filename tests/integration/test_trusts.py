"""Trusts on the real dev cloud: a user gives one to the scheduler through
Horizon's request; the scheduler's user acts with it in the user's project,
and loses it when the trust, the user or the role goes."""

import contextlib
import datetime
import uuid

from keystoneauth1 import session as ks_session
from keystoneauth1.identity import v3
import pytest

from tests.integration import scheduler_identity
from tools.devkit import cinder as devcloud
from tools.devkit import horizon_client
from tools.devkit import identities
from volsnap_dashboard.api import errors
from volsnap_dashboard.api import keystone
from volsnap_dashboard.api import service_clients
from volsnap_dashboard.api import trusts


class LaterClock:
    """Now plus what the test adds: lets a cached token reach its
    refresh time without waiting for it."""

    def __init__(self):
        self.ahead = datetime.timedelta()

    def __call__(self):
        return datetime.datetime.now(datetime.timezone.utc) + self.ahead


@pytest.fixture(scope='module')
def demo_request():
    return horizon_client.request_for(horizon_client.login('demo'))


@contextlib.contextmanager
def demo_trust(request):
    trust_id = keystone.trust_create(request,
                                     scheduler_identity.user_id())
    try:
        yield trust_id
    finally:
        keystone.trust_delete(request, trust_id)


def test_setting_names_the_dev_clouds_scheduler_user():
    from django.conf import settings

    assert settings.VOLSNAP_SCHEDULER_USER_ID == scheduler_identity.user_id()
    session = scheduler_identity.service_session()
    assert session.get_user_id() == scheduler_identity.user_id()


def test_scheduler_acts_in_demos_project_as_demo(demo_request, demo_volume):
    demo_project = demo_request.user.project_id
    with demo_trust(demo_request) as trust_id:
        sessions = scheduler_identity.trust_sessions()
        assert sessions.project_of(trust_id) == demo_project
        client = service_clients.cinder_for(
            sessions.session_for(trust_id), region=identities.REGION)
        snapshot = client.volume_snapshots.create(
            demo_volume.id, name='itest-by-trust')
        demo = devcloud.cinder_as('demo')
        made = devcloud.until_status(demo.volume_snapshots, snapshot.id,
                                    'available')
        assert getattr(made, 'os-extended-snapshot-attributes:project_id') \
            == demo_project
        # Impersonation: Cinder records demo, not the scheduler, as its
        # creator.
        assert made.user_id == demo_request.user.id
        devcloud.delete_and_wait(demo.volume_snapshots, snapshot.id)


def test_a_trusts_token_names_its_trustor(demo_request):
    with demo_trust(demo_request) as trust_id:
        sessions = scheduler_identity.trust_sessions()
        assert sessions.trustor_of(trust_id) == demo_request.user.id


def test_deleted_trust_is_authorization_lost(demo_request):
    clock = LaterClock()
    sessions = scheduler_identity.trust_sessions(clock=clock)
    with demo_trust(demo_request) as trust_id:
        sessions.session_for(trust_id)
        assert keystone.trust_delete(demo_request, trust_id) is True
        # Already gone: fine.
        assert keystone.trust_delete(demo_request, trust_id) is False
        # The cached token lives on until its refresh time; then:
        clock.ahead = datetime.timedelta(days=1)
        with pytest.raises(errors.AuthorizationLost):
            sessions.session_for(trust_id)
        with pytest.raises(errors.AuthorizationLost):
            scheduler_identity.trust_sessions().project_of(trust_id)


@contextlib.contextmanager
def temporary_member():
    """A user of demo's project with the member role, deleted afterwards:
    its role and its account can be taken away without touching demo."""
    admin = devcloud.keystone_session('admin')
    url = identities.keystone_url()
    [project] = admin.get(url + '/projects',
                          params={'name': 'demo'}).json()['projects']
    [member] = admin.get(url + '/roles',
                         params={'name': 'member'}).json()['roles']
    password = uuid.uuid4().hex
    user = admin.post(url + '/users', json={'user': {
        'name': 'itest-trustor-%s' % uuid.uuid4().hex[:8],
        'password': password, 'domain_id': 'default',
        'default_project_id': project['id']}}).json()['user']
    grant = '%s/projects/%s/users/%s/roles/%s' % (url, project['id'],
                                                  user['id'], member['id'])
    try:
        admin.put(grant)
        session = ks_session.Session(auth=v3.Password(
            auth_url=url, username=user['name'], password=password,
            user_domain_id='default', project_id=project['id']))
        yield admin, user, grant, session
    finally:
        admin.delete(url + '/users/' + user['id'])


def test_lost_role_is_authorization_lost():
    with temporary_member() as (admin, user, grant, session):
        trust_id = trusts.create_trust(
            session, user['id'], scheduler_identity.user_id(),
            session.get_project_id())
        scheduler_identity.trust_sessions().session_for(trust_id)
        admin.delete(grant)
        # Keystone answers 403 (its reason, "Trustee has no delegated
        # roles.", only with insecure_debug).
        with pytest.raises(errors.AuthorizationLost) as caught:
            scheduler_identity.trust_sessions().session_for(trust_id)
        assert 'not authorized' in str(caught.value)


def test_disabled_trustor_is_authorization_lost():
    with temporary_member() as (admin, user, _grant, session):
        trust_id = trusts.create_trust(
            session, user['id'], scheduler_identity.user_id(),
            session.get_project_id())
        scheduler_identity.trust_sessions().session_for(trust_id)
        admin.patch(identities.keystone_url() + '/users/' + user['id'],
                    json={'user': {'enabled': False}})
        with pytest.raises(errors.AuthorizationLost):
            scheduler_identity.trust_sessions().session_for(trust_id)


def test_role_the_user_lacks_is_refused_with_keystones_reason(
        demo_request):
    with pytest.raises(errors.TrustRefused) as caught:
        keystone.trust_create(demo_request, scheduler_identity.user_id(),
                              role_names=('admin',))
    assert caught.value.detail


def test_trust_scoped_token_cannot_create_trusts(demo_request):
    """Redelegation is off: the scheduler can never pass a tenant's
    authority on."""
    with demo_trust(demo_request) as trust_id:
        session = scheduler_identity.trust_sessions().session_for(trust_id)
        with pytest.raises(errors.TrustRefused):
            trusts.create_trust(session, demo_request.user.id,
                                scheduler_identity.user_id(),
                                demo_request.user.project_id)


def test_service_user_lists_every_project_by_metadata():
    """The one admin action the service user takes."""
    marker = {'itest-marker': uuid.uuid4().hex}
    alt = devcloud.cinder_as('alt')
    with devcloud.temporary_volume(alt, 'itest-listed') as volume:
        alt.volumes.set_metadata(volume, marker)
        client = service_clients.cinder_for(
            scheduler_identity.service_session(), region=identities.REGION)
        found = client.volumes.list(search_opts={'all_tenants': 1,
                                                 'metadata': marker})
        assert [v.id for v in found] == [volume.id]


def test_a_revoked_trust_token_is_replaced_and_the_call_made_again(
        demo_request, demo_volume):
    """Keystone revokes a trust's cached token (an operator, a password
    change): Cinder answers 401 and the scheduler's call goes through
    with a new token of the same trust, once."""
    with demo_trust(demo_request) as trust_id:
        sessions = scheduler_identity.trust_sessions()
        session = sessions.session_for(trust_id)
        revoked = session.get_token()
        admin = devcloud.keystone_session('admin')
        admin.delete(identities.keystone_url() + '/auth/tokens',
                     headers={'X-Subject-Token': revoked})
        client = service_clients.cinder_for(session,
                                            region=identities.REGION)
        listed = client.volumes.list()
        assert demo_volume.id in {volume.id for volume in listed}
        assert session.get_token() != revoked
        assert sessions.project_of(trust_id) == \
            demo_request.user.project_id
