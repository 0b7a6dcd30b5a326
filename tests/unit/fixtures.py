"""Real cinderclient resources, as Cinder would return them."""

from unittest import mock

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


def cinder_volume_pages(volumes):
    """A stand-in for cinder.volume_list that pages ``volumes`` as Cinder
    does: sorted by the ``sort`` asked for (name then id, either way),
    after the ``marker`` volume, at most ``limit`` of them."""

    def volume_list(request, search_opts=None, limit=None, marker=None,
                    sort=None):
        descending = bool(sort) and sort.startswith('name:desc')
        ordered = sorted(volumes, key=lambda found: (found.name or '',
                                                     found.id),
                         reverse=descending)
        ids = [found.id for found in ordered]
        start = ids.index(marker) + 1 if marker else 0
        return ordered[start:start + limit if limit else None]
    return volume_list


class SnapshotsOnlyMixin:
    """A provider of one plugin (Cinder snapshots): for the tests of one
    plugin's listings, which count one listing of protections a page
    (the provider's second plugin, backups, has tests of its own)."""

    def setUp(self):
        super().setUp()
        from volsnap_dashboard.protection import registry
        patcher = mock.patch(
            'volsnap_dashboard.dashboards.common.plugin_choice.'
            'volume_plugins',
            side_effect=lambda: registry.PluginSet(
                [registry.volume_plugin()]))
        patcher.start()
        self.addCleanup(patcher.stop)
