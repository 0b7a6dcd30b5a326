"""The dev cloud's second volume backend ("files", volume type "files"):
Cinder's fake driver with each volume and snapshot kept as a sparse file
under the Cinder state path, attached through os-brick's ``local``
connector (a path). cinder-backup then reads and writes real bytes, and
tests compare a restored volume's bytes with its source's. The default
backend ("fake") stays as it was: nothing of it is a file."""

import os
import subprocess

from oslo_config import cfg

from cinder.tests import fake_driver

CONF = cfg.CONF
GIB = 1024 ** 3


def _root():
    path = os.path.join(CONF.state_path, 'volumes')
    os.makedirs(path, exist_ok=True)
    return path


def volume_path(volume_id):
    return os.path.join(_root(), 'volume-%s' % volume_id)


def snapshot_path(snapshot_id):
    return os.path.join(_root(), 'snapshot-%s' % snapshot_id)


def _sized(path, size_gib):
    with open(path, 'ab') as handle:
        handle.truncate(size_gib * GIB)


def _copy(source, target, size_gib):
    # Sparse: a 1 GiB volume of zeros stays a few blocks on disk.
    subprocess.run(['cp', '--sparse=always', source, target], check=True)
    _sized(target, size_gib)


def _remove(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


class FileBackedVolumeDriver(fake_driver.FakeLoggingVolumeDriver):

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The fake driver reports itself as backend "fake" whatever its
        # section says: volume types then could not tell the two apart.
        self.backend_name = (
            self.configuration.safe_get('volume_backend_name') or 'files')

    def create_volume(self, volume):
        update = super().create_volume(volume)
        _sized(volume_path(volume.id), volume.size)
        return update

    def delete_volume(self, volume):
        _remove(volume_path(volume.id))

    def create_snapshot(self, snapshot):
        _copy(volume_path(snapshot.volume_id), snapshot_path(snapshot.id),
              snapshot.volume_size)

    def delete_snapshot(self, snapshot):
        _remove(snapshot_path(snapshot.id))

    def create_cloned_volume(self, volume, src_vref):
        _copy(volume_path(src_vref.id), volume_path(volume.id), volume.size)

    def create_volume_from_snapshot(self, volume, snapshot):
        _copy(snapshot_path(snapshot.id), volume_path(volume.id),
              volume.size)

    def extend_volume(self, volume, new_size):
        _sized(volume_path(volume.id), new_size)

    def validate_connector(self, connector):
        """A path needs no initiator."""

    def initialize_connection(self, volume, connector):
        return {'driver_volume_type': 'local',
                'data': {'device_path': volume_path(volume['id'])}}

    def initialize_connection_snapshot(self, snapshot, connector):
        return {'driver_volume_type': 'local',
                'data': {'device_path': snapshot_path(snapshot.id)}}
