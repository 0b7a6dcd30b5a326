"""Horizon logs in against the dev cloud and lists volumes as the user."""

import pytest

from tools.devkit import horizon_client
from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import errors


def test_login_lands_on_a_page_that_answers(dev_cloud):
    client = horizon_client.login('demo')
    assert client.landing.request['PATH_INFO'] == '/project/volume_protection/'
    assert b'Volume Protection' in client.landing.content


def test_demo_lists_its_volumes_through_the_api_layer(demo_volume):
    request = horizon_client.request_for(horizon_client.login('demo'))
    volumes = cinder.volume_list(request)
    assert demo_volume.id in {volume.id for volume in volumes}
    assert cinder.api_version(request).get_string() == '3.71'


def test_alt_does_not_see_demos_volumes(demo_volume):
    request = horizon_client.request_for(horizon_client.login('alt'))
    volumes = cinder.volume_list(request)
    assert demo_volume.id not in {volume.id for volume in volumes}
    with pytest.raises(errors.NotFound):
        cinder.volume_get(request, demo_volume.id)
