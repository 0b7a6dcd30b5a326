"""The Orphans tab over HTTP against the dev cloud: snapshots whose volume
left the project, a snapshot of a deleted schedule adopted into another,
restored and verification volumes whose snapshot is gone; Delete, Keep
and Adopt through the panel, and the admin's view of every project.

Cinder deletes no volume that still has snapshots (not even forced): a
volume leaves its snapshots behind when it is transferred to another
project without them (microversion 3.55), which is what happens here.
"""

import datetime
import re
import socket
from unittest import mock

from tests.unit.protection.schedule import factories
from tools.devkit import cinder as devcloud
from tools.devkit import horizon_client
from volsnap_dashboard.api import cinder
from volsnap_dashboard.protection import cinder_snapshot
from volsnap_dashboard.protection import verification
from volsnap_dashboard.protection.schedule import codec

INDEX = '/project/volume_protection/'
TAB = INDEX + '?tab=volume_protection__orphans'
KEPT = TAB + '&kept=1'
ADMIN_TAB = '/admin/volume_protection/?tab=volume_protection__orphans'


def page(client, url=TAB):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def rows(html):
    """The names of the table's rows (not of the messages above it)."""
    return re.findall(r'<tr [^>]*data-display="([^"]*)"', html)


def row_action(client, action, *row_ids, url=TAB, table='orphans'):
    response = horizon_client.post(client, url, {
        'action': '%s__%s' % (table, action), 'object_ids': list(row_ids)})
    assert response.status_code == 302, response.status_code
    return response


def new_snapshot(cinder, volume, name, metadata=None):
    snapshot = cinder.volume_snapshots.create(volume.id, name=name,
                                              metadata=metadata)
    return devcloud.until_status(cinder.volume_snapshots, snapshot.id,
                                'available')


def new_volume(cinder, name, **kwargs):
    volume = cinder.volumes.create(1, name=name, **kwargs)
    return devcloud.until_status(cinder.volumes, volume.id, 'available')


def test_snapshots_of_a_volume_gone_from_the_project():
    demo = devcloud.cinder_as('demo')
    alt = devcloud.cinder_as('alt')
    volume = new_volume(demo, 'itest-orphan-source')
    snapshots = []
    owner = demo
    try:
        snapshots = [new_snapshot(demo, volume, 'itest-orphan-kept'),
                     new_snapshot(demo, volume, 'itest-orphan-deleted')]
        kept, deleted = snapshots
        client = horizon_client.login('demo')
        assert 'itest-orphan-kept' not in rows(page(client))

        transfer = demo.transfers.create(volume.id, name='itest-orphan',
                                         no_snapshots=True)
        alt.transfers.accept(transfer.id, transfer.auth_key)
        owner = alt

        listed = page(client)
        assert 'itest-orphan-kept' in rows(listed)
        assert 'itest-orphan-deleted' in rows(listed)
        assert 'Snapshot of a volume gone from its project' in listed

        # The admin sees them with their project's name.
        admin = horizon_client.login('admin')
        everyone = page(admin, ADMIN_TAB)
        assert 'itest-orphan-deleted' in rows(everyone)
        assert 'now in another project' in everyone
        assert '>demo<' in everyone.replace('\n', '').replace(' ', '')

        # Keep: no longer an orphan, listed among the kept ones.
        row_action(client, 'keep', 'snapshot-' + kept.id)
        assert demo.volume_snapshots.get(kept.id).metadata.get(
            'volsnap_kept') == '1'
        assert 'itest-orphan-kept' not in rows(page(client))
        assert 'itest-orphan-kept' in rows(page(client, KEPT))

        # Stop keeping: an orphan again.
        row_action(client, 'stop_keeping', 'snapshot-' + kept.id, url=KEPT)
        assert 'volsnap_kept' not in demo.volume_snapshots.get(
            kept.id).metadata
        assert 'itest-orphan-kept' in rows(page(client))

        # Delete: Cinder looks for the snapshot's volume in the project,
        # which it no longer is in; the panel says only an administrator
        # can, and the admin's Delete does it.
        refused = row_action(client, 'delete', 'snapshot-' + deleted.id)
        assert demo.volume_snapshots.get(deleted.id).status == 'available'
        shown = page(client)
        assert 'only an administrator can delete' in shown, refused
        row_action(admin, 'delete', 'snapshot-' + deleted.id,
                   url=ADMIN_TAB, table='admin_orphans')
        devcloud.until_gone(demo.volume_snapshots, deleted.id)
        assert 'itest-orphan-deleted' not in rows(page(client))
    finally:
        # Only an administrator can delete them (see above), and then the
        # volume, which Cinder keeps while they exist.
        admin_cinder = devcloud.cinder_as('admin')
        for snapshot in snapshots:
            devcloud.delete_and_wait(admin_cinder.volume_snapshots,
                                    snapshot.id)
        devcloud.delete_and_wait(owner.volumes, volume.id)


def test_a_snapshot_of_a_deleted_schedule_is_adopted(demo_volume):
    demo = devcloud.cinder_as('demo')
    project_id = demo.client.session.get_project_id()
    weekly = factories.schedule(id='feedbeef', label='itest-weekly',
                                volume_id=demo_volume.id,
                                project_id=project_id)
    demo.volumes.set_metadata(demo_volume.id, dict(
        codec.encode_definition(weekly),
        **{codec.MARKER_KEY: codec.MARKER_VALUE}))
    snapshot = new_snapshot(demo, demo_volume, 'itest-orphan-adopted', {
        codec.SNAPSHOT_SCHEDULE_KEY: '0a1b2c3d',
        codec.SNAPSHOT_VOLUME_KEY: demo_volume.id})
    adopt_url = INDEX + snapshot.id + '/adopt/'
    try:
        client = horizon_client.login('demo')
        listed = page(client)
        assert 'itest-orphan-adopted' in rows(listed)
        assert 'Schedule 0a1b2c3d' in listed
        assert adopt_url in listed

        form = page(client, adopt_url)
        assert 'itest-weekly' in form
        done = horizon_client.post(client, adopt_url,
                                    {'schedule': 'feedbeef'})
        assert done.status_code == 302
        metadata = demo.volume_snapshots.get(snapshot.id).metadata
        assert metadata[codec.SNAPSHOT_SCHEDULE_KEY] == 'feedbeef'
        assert 'itest-orphan-adopted' not in rows(page(client))
    finally:
        devcloud.delete_and_wait(demo.volume_snapshots, snapshot.id)


def test_volumes_whose_snapshot_is_gone(demo_volume):
    demo = devcloud.cinder_as('demo')
    snapshot = new_snapshot(demo, demo_volume, 'itest-orphan-source-snap')
    two_hours_ago = datetime.datetime.now(
        datetime.timezone.utc) - datetime.timedelta(hours=2)
    made = []
    try:
        made.append(new_volume(
            demo, 'itest-orphan-restored', snapshot_id=snapshot.id,
            metadata={cinder_snapshot.RESTORED_FROM_KEY: snapshot.id}))
        # A verification the scheduler never finished: its volume is
        # older than the timeout (its snapshot still exists).
        made.append(new_volume(
            demo, 'volsnap-verify-itest-orphan',
            metadata=verification.volume_metadata(snapshot.id,
                                                  two_hours_ago)))
        client = horizon_client.login('demo')
        listed = page(client)
        assert 'volsnap-verify-itest-orphan' in rows(listed)
        assert 'Verification volume left behind' in listed
        # Its snapshot exists.
        assert 'itest-orphan-restored' not in rows(listed)

        # On the fake driver a snapshot goes even while a volume made from
        # it exists (real drivers may refuse).
        devcloud.delete_and_wait(demo.volume_snapshots, snapshot.id)
        snapshot = None
        listed = page(client)
        assert 'itest-orphan-restored' in rows(listed)
        assert 'Restored from a deleted snapshot' in listed

        row_action(client, 'delete', *['volume-' + v.id for v in made])
        for volume in made:
            devcloud.until_gone(demo.volumes, volume.id)
        listed = page(client)
        assert 'itest-orphan-restored' not in rows(listed)
        assert 'volsnap-verify-itest-orphan' not in rows(listed)
    finally:
        for volume in made:
            devcloud.delete_and_wait(demo.volumes, volume.id)
        if snapshot is not None:
            devcloud.delete_and_wait(demo.volume_snapshots, snapshot.id)


def test_a_reader_sees_the_orphans_and_no_actions():
    demo = devcloud.cinder_as('demo')
    alt = devcloud.cinder_as('alt')
    volume = new_volume(demo, 'itest-orphan-reader')
    snapshot = None
    owner = demo
    try:
        snapshot = new_snapshot(demo, volume, 'itest-orphan-reader-snap')
        transfer = demo.transfers.create(volume.id, name='itest-orphan',
                                         no_snapshots=True)
        alt.transfers.accept(transfer.id, transfer.auth_key)
        owner = alt
        reader = horizon_client.login('reader')
        listed = page(reader)
        assert 'itest-orphan-reader-snap' in rows(listed)
        assert 'orphans__delete' not in listed
        assert 'orphans__keep' not in listed
        horizon_client.post(reader, TAB, {
            'action': 'orphans__delete',
            'object_ids': ['snapshot-' + snapshot.id]})
        assert demo.volume_snapshots.get(snapshot.id).status == 'available'
    finally:
        if snapshot is not None:
            devcloud.delete_and_wait(devcloud.cinder_as('admin').volume_snapshots,
                                    snapshot.id)
        devcloud.delete_and_wait(owner.volumes, volume.id)


def test_cinder_down_the_tabs_say_unavailable():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        closed = 'http://127.0.0.1:%d/v3/any' % sock.getsockname()[1]
    for user, url in (('demo', TAB), ('admin', ADMIN_TAB)):
        client = horizon_client.login(user)
        with mock.patch.object(cinder, 'endpoint_for', return_value=closed):
            response = client.get(url)
        assert response.status_code == 200
        assert 'Orphans are unavailable: The Block Storage service is ' \
               'unavailable' in response.content.decode()
