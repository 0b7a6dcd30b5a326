import pytest
import requests

from tests.integration import cloud


@pytest.fixture(scope='session', autouse=True)
def dev_cloud():
    """The dev cloud must be up: tools/test starts it (never skipped)."""
    try:
        requests.get(cloud.KEYSTONE_URL, timeout=5).raise_for_status()
    except requests.RequestException as exc:
        pytest.fail('The dev cloud is not running (tools/devcloud up): %s'
                    % exc)
    return cloud


@pytest.fixture
def demo_volume():
    """A 1 GiB volume of demo's, deleted afterwards."""
    from tests.integration import waiting

    cinder = cloud.cinder_as('demo')
    volume = cinder.volumes.create(1, name='itest-volume')
    waiting.until_status(cinder.volumes, volume.id, 'available')
    yield volume
    waiting.delete_and_wait(cinder.volumes, volume.id)
