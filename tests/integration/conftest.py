import pytest
import requests

from tools.devkit import cinder as devcloud
from tools.devkit import identities

TEST_PREFIXES = ('itest-', 'browser-', 'load-')


def leftovers():
    """Volumes and snapshots the tests made that are still in Cinder."""
    found = []
    for user in ('demo', 'alt'):
        cinder = devcloud.cinder_as(user)
        for kind, manager in (('volume', cinder.volumes),
                              ('snapshot', cinder.volume_snapshots)):
            found += ['%s %s of %s (%s)' % (kind, item.name, user,
                                            item.status)
                      for item in manager.list()
                      if (item.name or '').startswith(TEST_PREFIXES) and
                      item.status != 'deleting']
    return found


@pytest.fixture(scope='session', autouse=True)
def dev_cloud():
    """The dev cloud must be up: tools/test starts it (never skipped).

    After the session, nothing the tests made may be left in Cinder.
    """
    try:
        requests.get(identities.keystone_url(), timeout=5).raise_for_status()
    except requests.RequestException as exc:
        pytest.fail('The dev cloud is not running (tools/devcloud up): %s'
                    % exc)
    before = set(leftovers())
    yield
    left = [item for item in leftovers() if item not in before]
    assert not left, 'the tests left resources behind: %s' % left


@pytest.fixture
def demo_volume():
    """A 1 GiB volume of demo's, deleted afterwards."""
    with devcloud.temporary_volume(devcloud.cinder_as('demo'),
                                  'itest-volume') as volume:
        yield volume


@pytest.fixture
def in_use_volume():
    """A volume of demo's attached (to a made-up instance) and in-use."""
    import uuid

    cinder = devcloud.cinder_as('demo')
    with devcloud.temporary_volume(cinder, 'itest-in-use') as volume:
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
            yield devcloud.until_status(cinder.volumes, volume.id, 'in-use')
        finally:
            # Detaching tells Nova, which the dev cloud lacks: reset it as
            # admin, so that the volume can be deleted.
            devcloud.cinder_as('admin').volumes.reset_state(
                volume.id, 'available', attach_status='detached')


@pytest.fixture(scope='module')
def backed_up_volume():
    """A 1 GiB volume of demo's of the file-backed type with a full backup
    already: the module's tests that back it up again through the panel
    make incremental backups, seconds instead of a full copy each.
    Deleted after the module (the other tests count demo's volumes) with
    its backups and what was restored from them (tests add those to
    ``made``)."""
    from tests.integration import backup_volumes

    cinder = devcloud.cinder_as('demo')
    shared = backup_volumes.FilesVolume(cinder, 'itest-backup-shared')
    # Metadata of its own, as a scheduled volume has: Cinder gives it to
    # every volume restored from its backups, in place of theirs.
    cinder.volumes.set_metadata(shared.volume, {'itest': 'backed up'})
    try:
        base = cinder.backups.create(shared.volume.id,
                                     name='itest-backup-shared-full')
        devcloud.until_status(cinder.backups, base.id, 'available',
                              timeout=backup_volumes.BACKUP_TIMEOUT)
        yield shared
    finally:
        shared.delete()
