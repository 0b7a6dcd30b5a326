import pytest
import requests

from tests.integration import cloud
from tests.integration import waiting


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
    with waiting.temporary_volume(cloud.cinder_as('demo'),
                                  'itest-volume') as volume:
        yield volume


@pytest.fixture
def in_use_volume():
    """A volume of demo's attached (to a made-up instance) and in-use."""
    import uuid

    cinder = cloud.cinder_as('demo')
    with waiting.temporary_volume(cinder, 'itest-in-use') as volume:
        connector = {'initiator': 'iqn.2004-10.org.volsnap:itest',
                     'ip': '127.0.0.1', 'host': 'itest-compute',
                     'platform': 'x86_64', 'os_type': 'linux',
                     'multipath': False}
        attachment = cinder.attachments.create(volume.id, connector,
                                               str(uuid.uuid4()), mode='rw')
        attachment_id = attachment['id'] if isinstance(attachment, dict) \
            else attachment.id
        cinder.attachments.complete(attachment_id)
        try:
            yield waiting.until_status(cinder.volumes, volume.id, 'in-use')
        finally:
            # Detaching tells Nova, which the dev cloud lacks: reset it as
            # admin, so that the volume can be deleted.
            cloud.cinder_as('admin').volumes.reset_state(
                volume.id, 'available', attach_status='detached')
