"""The dev cloud's Cinder backup service, proved on bytes: a volume of the
file-backed "files" type is written with a known pattern, backed up in
full then incrementally (POSIX backup driver), restored to a new volume
whose bytes equal the source's; Cinder refuses to delete a backup that
an incremental one depends on. What the backup plugin will stand on."""

import hashlib
import os

from cinderclient import exceptions as cinder_exc
import pytest

from tools.devkit import cinder as devcloud
from tools.devkit import identities

FILES_TYPE = 'files'
BACKUP_TIMEOUT = 180
MIB = 1024 ** 2


def volume_file(volume_id):
    return os.path.join(identities.devcloud_dir(), 'data', 'cinder',
                        'volumes', 'volume-%s' % volume_id)


def digest(path):
    sha = hashlib.sha256()
    with open(path, 'rb') as handle:
        for block in iter(lambda: handle.read(MIB), b''):
            sha.update(block)
    return sha.hexdigest()


@pytest.fixture
def demo():
    return devcloud.cinder_as('demo')


@pytest.fixture
def made(demo):
    """What the test makes, deleted afterwards (backups newest first, an
    incremental one before the backup it depends on)."""
    found = {'backups': [], 'volumes': []}
    yield found
    for backup_id in reversed(found['backups']):
        devcloud.delete_and_wait(demo.backups, backup_id,
                                 timeout=BACKUP_TIMEOUT)
    for volume_id in found['volumes']:
        devcloud.delete_and_wait(demo.volumes, volume_id)


def new_volume(demo, made, name):
    volume = demo.volumes.create(1, name=name, volume_type=FILES_TYPE)
    made['volumes'].append(volume.id)
    return devcloud.until_status(demo.volumes, volume.id, 'available')


def backup(demo, made, volume, **options):
    created = demo.backups.create(volume.id, **options)
    made['backups'].append(created.id)
    return devcloud.until_status(demo.backups, created.id, 'available',
                                 timeout=BACKUP_TIMEOUT)


def test_a_backup_restores_the_same_bytes(demo, made):
    source = new_volume(demo, made, 'itest-backup-source')
    path = volume_file(source.id)
    pattern = os.urandom(64 * 1024)
    with open(path, 'r+b') as handle:
        handle.seek(3 * MIB)
        handle.write(pattern * 16)
    full = backup(demo, made, source, name='itest-full')
    assert not full.is_incremental

    # Changed after the full backup: the incremental one holds it.
    with open(path, 'r+b') as handle:
        handle.seek(700 * MIB)
        handle.write(pattern)
    incremental = backup(demo, made, source, name='itest-incremental',
                         incremental=True)
    assert incremental.is_incremental
    assert demo.backups.get(full.id).has_dependent_backups
    with pytest.raises(cinder_exc.BadRequest):
        demo.backups.delete(full.id)

    target = new_volume(demo, made, 'itest-backup-restored')
    assert digest(volume_file(target.id)) != digest(path)
    demo.restores.restore(incremental.id, target.id)
    devcloud.until_status(demo.volumes, target.id, 'available',
                          timeout=BACKUP_TIMEOUT)
    assert digest(volume_file(target.id)) == digest(path)
