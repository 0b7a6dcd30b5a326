"""The Cinder snapshot plugin against the real dev cloud, as demo."""

import pytest

from tools.devkit import cinder as devcloud
from tools.devkit import horizon_client
from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import errors
from volsnap_dashboard.protection import registry


@pytest.fixture(scope='module')
def plugin():
    return registry.Registry([registry.PACKAGE_PROVIDERS]).plugin_for(
        registry.VOLUME)


@pytest.fixture
def demo_client():
    request = horizon_client.request_for(horizon_client.login('demo'))
    return cinder.cinderclient(request)


def test_protect_restore_delete_leaves_nothing_behind(plugin, demo_client,
                                                      demo_volume):
    admin_view = devcloud.cinder_as('demo')
    saved = plugin.protect(demo_client, demo_volume,
                           {'snapshot_name': 'itest-protect',
                            'description': 'integration'})
    snapshot = plugin.wait_for_snapshot(demo_client, saved['snapshot_id'],
                                        interval=0.5, timeout=60)
    assert snapshot.status == 'available'
    assert snapshot.volume_id == demo_volume.id
    assert saved['size'] == demo_volume.size

    restored = plugin.restore(demo_client, snapshot, {}, size=2)
    try:
        restored = plugin.wait_for_restore(demo_client, restored.id,
                                           interval=0.5, timeout=60)
        in_cinder = admin_view.volumes.get(restored.id)
        assert in_cinder.size == 2
        assert in_cinder.name == 'itest-protect-restore'
        assert in_cinder.snapshot_id == snapshot.id
        found = cinder.volumes_restored_from(
            horizon_client.request_for(horizon_client.login('demo')),
            plugin, snapshot.id)
        assert [v.id for v in found] == [restored.id]
    finally:
        devcloud.delete_and_wait(admin_view.volumes, restored.id)

    assert plugin.delete(demo_client, snapshot.id) is True
    plugin.wait_for_deletion(demo_client, snapshot.id, interval=0.5,
                             timeout=60)
    assert plugin.delete(demo_client, snapshot.id) is False
    leftovers = [s for s in admin_view.volume_snapshots.list()
                 if s.volume_id == demo_volume.id]
    assert leftovers == []


def test_alt_cannot_restore_or_delete_demos_snapshot(plugin, demo_client,
                                                     demo_volume):
    saved = plugin.protect(demo_client, demo_volume,
                           {'snapshot_name': 'itest-private',
                            'description': ''})
    try:
        plugin.wait_for_snapshot(demo_client, saved['snapshot_id'],
                                 interval=0.5, timeout=60)
        alt_request = horizon_client.request_for(
            horizon_client.login('alt'))
        alt_client = cinder.cinderclient(alt_request)
        with pytest.raises(errors.NotFound) as caught:
            plugin.restore(alt_client, saved['snapshot_id'], {})
        assert 'not in your project' in str(caught.value)
        # Cinder answers 404: to alt the snapshot does not exist.
        assert plugin.delete(alt_client, saved['snapshot_id']) is False
        still_there = demo_client.volume_snapshots.get(saved['snapshot_id'])
        assert still_there.status == 'available'
    finally:
        plugin.delete(demo_client, saved['snapshot_id'])
        plugin.wait_for_deletion(demo_client, saved['snapshot_id'],
                                 interval=0.5, timeout=60)


def test_reader_is_refused_by_cinder(plugin, demo_volume):
    request = horizon_client.request_for(horizon_client.login('reader'))
    reader_client = cinder.cinderclient(request)
    with pytest.raises(errors.Forbidden):
        plugin.protect(reader_client, demo_volume,
                       {'snapshot_name': 'nope', 'description': ''})


def test_in_use_volume_before_3_66_needs_force(plugin, in_use_volume):
    from volsnap_dashboard.api import microversions

    old_client = devcloud.cinder_as('demo')  # microversion 3.60
    assert microversions.force_supported(old_client)
    with pytest.raises(errors.Conflict) as caught:
        plugin.protect(old_client, in_use_volume,
                       {'snapshot_name': 'itest-unforced',
                        'description': ''})
    assert 'attached' in str(caught.value)
    assert not [s for s in old_client.volume_snapshots.list()
                if s.volume_id == in_use_volume.id]

    saved = plugin.protect(old_client, in_use_volume,
                           {'snapshot_name': 'itest-forced',
                            'description': '', 'force': True})
    snapshot = plugin.wait_for_snapshot(old_client, saved['snapshot_id'],
                                        interval=0.5, timeout=60)
    assert snapshot.status == 'available'


def test_in_use_volume_from_3_66_needs_no_force(plugin, demo_client,
                                                in_use_volume):
    assert demo_client.api_version.get_string() == '3.71'
    saved = plugin.protect(demo_client, in_use_volume,
                           {'snapshot_name': 'itest-in-use',
                            'description': ''})
    snapshot = plugin.wait_for_snapshot(demo_client, saved['snapshot_id'],
                                        interval=0.5, timeout=60)
    assert snapshot.status == 'available'
