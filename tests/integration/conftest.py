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


@pytest.fixture
def in_use_volume():
    """A volume of demo's attached (to a made-up instance) and in-use."""
    import uuid

    from tests.integration import waiting

    cinder = cloud.cinder_as('demo')
    volume = cinder.volumes.create(1, name='itest-in-use')
    waiting.until_status(cinder.volumes, volume.id, 'available')
    connector = {'initiator': 'iqn.2004-10.org.volsnap:itest',
                 'ip': '127.0.0.1', 'host': 'itest-compute',
                 'platform': 'x86_64', 'os_type': 'linux',
                 'multipath': False}
    attachment = cinder.attachments.create(volume.id, connector,
                                           str(uuid.uuid4()), mode='rw')
    attachment_id = attachment['id'] if isinstance(attachment, dict) \
        else attachment.id
    cinder.attachments.complete(attachment_id)
    volume = waiting.until_status(cinder.volumes, volume.id, 'in-use')
    yield volume
    # Detaching tells Nova, which the dev cloud lacks: reset it as admin.
    cloud.cinder_as('admin').volumes.reset_state(
        volume.id, 'available', attach_status='detached')
    waiting.until_status(cinder.volumes, volume.id, 'available')
    for snapshot in cinder.volume_snapshots.list():
        if snapshot.volume_id == volume.id:
            waiting.delete_and_wait(cinder.volume_snapshots, snapshot.id)
    waiting.delete_and_wait(cinder.volumes, volume.id)
