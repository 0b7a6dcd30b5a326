"""Keystone down after the login: every Volume Protection tab still
answers 200, the admin's say the project names are unavailable, and
Create Schedule says the trust could not be made (never a 500)."""

import socket
from unittest import mock

from openstack_auth import backend
from openstack_dashboard.api import keystone as horizon_keystone
import pytest

from tests.integration import test_schedule_workflow
from tools.devkit import horizon_client
from volsnap_dashboard.api import keystone
from volsnap_dashboard.protection.schedule import codec

PROJECT_INDEX = '/project/volume_protection/'
ADMIN_INDEX = '/admin/volume_protection/'


def closed_port_url():
    """A Keystone URL nothing listens on: a port the system gave and
    that was closed again."""
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
    return 'http://127.0.0.1:%d/identity/v3' % port


class UnreachableKeystone:
    """Horizon's keystone module as the plugin's api/keystone module sees
    it, with every call it makes sent to a closed port.

    Only the plugin's calls: Horizon's own menu asks Keystone too (the
    Identity panels' checks) and would fail on its own account.
    """

    def __init__(self, url):
        self.url = url
        self.calls = 0

    def __getattr__(self, name):
        real = getattr(horizon_keystone, name)
        if not callable(real):
            return real

        def unreachable(request, *args, **kwargs):
            self.calls += 1
            with mock.patch.object(horizon_keystone, '_get_endpoint_url',
                                   return_value=self.url):
                _forget_clients(request)
                try:
                    return real(request, *args, **kwargs)
                finally:
                    _forget_clients(request)
        return unreachable


def _forget_clients(request):
    # Horizon keeps a request's Keystone clients on it: a client made for
    # the closed port must not serve Horizon's own calls, nor the reverse.
    for attr in ('_keystoneclient_admin', backend.KEYSTONE_CLIENT_ATTR):
        request.__dict__.pop(attr, None)


@pytest.fixture
def keystone_down():
    return mock.patch.object(keystone, 'horizon_keystone',
                             UnreachableKeystone(closed_port_url()))


def messages_of(response):
    return [str(m) for m in response.context['messages']] \
        if response.context else []


@pytest.mark.parametrize('tab', ['snapshots', 'schedules'])
def test_admin_tabs_say_project_names_are_unavailable(dev_cloud,
                                                      keystone_down, tab):
    client = horizon_client.login('admin')
    with keystone_down as unreachable:
        response = client.get(ADMIN_INDEX + '?tab=volume_protection__' + tab)
    assert unreachable.calls
    assert response.status_code == 200
    assert any('Project names are unavailable: The Identity service is '
               'unavailable' in m for m in messages_of(response)), \
        messages_of(response)


@pytest.mark.parametrize('tab', ['snapshots', 'volumes', 'schedules'])
def test_project_tabs_answer_without_keystone(dev_cloud, keystone_down,
                                              tab):
    client = horizon_client.login('demo')
    with keystone_down:
        response = client.get(PROJECT_INDEX + '?tab=volume_protection__'
                              + tab)
    assert response.status_code == 200
    assert not any('unavailable' in m for m in messages_of(response))


def test_create_schedule_says_so_and_saves_nothing(demo_volume,
                                                   keystone_down):
    # The trust is made with the user's token, through Horizon's client:
    # Keystone down, the form says so and the volume keeps no schedule.
    client = horizon_client.login('demo')
    data = test_schedule_workflow.daily_form(client, demo_volume)
    with keystone_down as unreachable:
        response = horizon_client.post(client, test_schedule_workflow.CREATE,
                                        data)
    assert unreachable.calls
    assert response.status_code == 200
    assert 'The schedule was not saved: The Identity service is ' \
        'unavailable' in response.content.decode()
    assert codec.MARKER_KEY not in test_schedule_workflow.volume_metadata(
        demo_volume.id)
