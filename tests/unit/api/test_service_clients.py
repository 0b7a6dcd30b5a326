"""Cinder clients from the scheduler's sessions: the catalog's endpoint,
a microversion negotiated once per Cinder (not per project)."""

from cinderclient import api_versions
import pytest

from volsnap_dashboard.api import errors
from volsnap_dashboard.api import microversions
from volsnap_dashboard.api import service_clients
from volsnap_dashboard.api import trusts
from tests.unit.api import fake_keystone


@pytest.fixture
def keystone():
    service_clients.forget_negotiated_versions()
    yield fake_keystone.FakeKeystone()
    service_clients.forget_negotiated_versions()


def tenant_session(keystone, project_id):
    trust = fake_keystone.Trust(project_id)
    keystone.trusts[trust.id] = trust
    return trusts.TrustSessions(
        fake_keystone.AUTH_URL, fake_keystone.SERVICE_USER,
        fake_keystone.SERVICE_PASSWORD, clock=keystone.clock,
        http=keystone.http()).session_for(trust.id)


def version_requests(keystone):
    return [r for r in keystone.requests
            if r.url.rstrip('/') == fake_keystone.CINDER_ROOT]


def test_client_for_the_tenants_endpoint(keystone):
    client = service_clients.cinder_for(tenant_session(keystone, 'demo'))
    assert client.client.endpoint_override == \
        fake_keystone.CINDER_ROOT + '/v3/demo'
    assert client.api_version == min(api_versions.APIVersion('3.71'),
                                     microversions.CLIENT_MAX)


def test_negotiated_once_for_every_project(keystone):
    service_clients.cinder_for(tenant_session(keystone, 'demo'))
    client = service_clients.cinder_for(tenant_session(keystone, 'alt'))
    assert client.client.endpoint_override.endswith('/v3/alt')
    assert len(version_requests(keystone)) == 1


def test_older_server_sets_the_version(keystone):
    keystone.cinder_max = '3.40'
    client = service_clients.cinder_for(tenant_session(keystone, 'demo'))
    assert client.api_version == api_versions.APIVersion('3.40')


def test_interface_is_honoured(keystone):
    client = service_clients.cinder_for(tenant_session(keystone, 'demo'),
                                        region='RegionOne',
                                        interface='internal')
    assert client.client.endpoint_override.endswith('/v3/demo')
    with pytest.raises(errors.NoEndpoint):
        service_clients.cinder_for(tenant_session(keystone, 'demo'),
                                   interface='admin')


def test_older_catalog_name(keystone):
    keystone.catalog_types = ('volumev3',)
    client = service_clients.cinder_for(tenant_session(keystone, 'demo'))
    assert client.client.endpoint_override.endswith('/v3/demo')


def test_no_block_storage_in_catalog(keystone):
    keystone.catalog_types = ()
    with pytest.raises(errors.NoEndpoint):
        service_clients.cinder_for(tenant_session(keystone, 'demo'))


def test_cinder_unreachable_is_translated(keystone):
    session = tenant_session(keystone, 'demo')
    keystone.unreachable = True
    with pytest.raises(errors.ServiceUnavailable):
        service_clients.cinder_for(session)
