"""Volumes of the dev cloud's file-backed type ("files"), whose bytes are
real: written with a known pattern, backed up, restored and compared.
What the backup tests share."""

import hashlib
import os

from tests.integration import test_scheduler
from tools.devkit import cinder as devcloud
from tools.devkit import identities

FILES_TYPE = 'files'
BACKUP_TIMEOUT = 180
MIB = 1024 ** 2

demo = test_scheduler.demo


def volume_file(volume_id):
    return os.path.join(identities.devcloud_dir(), 'data', 'cinder',
                        'volumes', 'volume-%s' % volume_id)


def content_digest(volume_id, size_gib=1):
    """The SHA-256 of the volume's ``size_gib`` of content. Cinder restores
    a backup to a new volume by opening its device for writing and
    skipping zero chunks: on the dev cloud's files that truncates, and
    what follows reads as zeros, as it would on a block device."""
    path = volume_file(volume_id)
    with open(path, 'r+b') as handle:
        handle.truncate(max(os.path.getsize(path), size_gib * 1024 * MIB))
    sha = hashlib.sha256()
    with open(path, 'rb') as handle:
        for block in iter(lambda: handle.read(MIB), b''):
            sha.update(block)
    return sha.hexdigest()


def write(volume, offset_mib):
    """A fresh random pattern at ``offset_mib`` of the volume's file; the
    digest of the volume's content then."""
    with open(volume_file(volume.id), 'r+b') as handle:
        handle.seek(offset_mib * MIB)
        handle.write(os.urandom(256 * 1024))
    return content_digest(volume.id)


class FilesVolume:
    """A 1 GiB volume of the file-backed type, and what a test made of it
    (``made``: volumes to delete with it)."""

    def __init__(self, cinder, name):
        self.cinder = cinder
        created = cinder.volumes.create(1, name=name, volume_type=FILES_TYPE)
        self.volume = devcloud.until_status(cinder.volumes, created.id,
                                            'available')
        self.made = []

    def delete(self):
        """The volume with its backups (newest first: an incremental one
        before what it builds on) and the volumes restored from them."""
        for backup in sorted(
                self.cinder.backups.list(
                    search_opts={'volume_id': self.volume.id}),
                key=lambda b: b.created_at, reverse=True):
            devcloud.delete_and_wait(self.cinder.backups, backup.id,
                                     timeout=BACKUP_TIMEOUT)
        for volume_id in self.made + [self.volume.id]:
            devcloud.delete_and_wait(self.cinder.volumes, volume_id)
