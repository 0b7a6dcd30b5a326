"""Real cinderclient resources, as Cinder would return them."""

from cinderclient.v3 import volume_snapshots
from cinderclient.v3 import volumes

PROJECT_ID = '1'  # Horizon's test user's project


def volume(volume_id='vol-1', name='db', size=2, status='available',
           attachments=()):
    return volumes.Volume(None, {
        'id': volume_id, 'name': name, 'size': size, 'status': status,
        'attachments': list(attachments)}, loaded=True)


def snapshot(snapshot_id='snap-1', name='nightly', volume_id='vol-1',
             size=2, status='available', description='',
             metadata=None):
    return volume_snapshots.Snapshot(None, {
        'id': snapshot_id, 'name': name, 'volume_id': volume_id,
        'size': size, 'status': status, 'description': description,
        'created_at': '2026-11-25T12:00:00.000000',
        'metadata': metadata or {},
        'os-extended-snapshot-attributes:project_id': PROJECT_ID},
        loaded=True)


def snapshots(count):
    return [snapshot('snap-%04d' % i, 'snap %d' % i, 'vol-%d' % (i % 7))
            for i in range(count)]


LIMITS = {'maxTotalSnapshots': 10, 'totalSnapshotsUsed': 2,
          'maxTotalVolumeGigabytes': 1000, 'totalGigabytesUsed': 10}
