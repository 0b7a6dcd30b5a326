"""Revert Volume to This Snapshot over HTTP against the dev cloud (whose
fake driver reverts): offered on the newest snapshot only, the volume's
name typed exactly, Cinder's refusal of an older snapshot in the panel's
words, and the volume available again after the revert."""

from tests.integration import cloud
from tests.integration import horizon_session
from tests.integration import waiting

INDEX = '/project/volume_protection/'


def revert_url(snapshot):
    return INDEX + snapshot.id + '/revert/'


def snapshot_of(cinder, volume, name):
    snapshot = cinder.volume_snapshots.create(volume.id, name=name)
    return waiting.until_status(cinder.volume_snapshots, snapshot.id,
                                'available')


def test_revert_to_the_newest_snapshot_through_the_panel(demo_volume):
    demo = cloud.cinder_as('demo')
    older = snapshot_of(demo, demo_volume, 'itest-revert-older')
    newest = None
    try:
        newest = snapshot_of(demo, demo_volume, 'itest-revert-newest')
        client = horizon_session.login('demo')

        index = client.get(INDEX).content.decode()
        assert revert_url(newest) in index
        assert revert_url(older) not in index

        form = client.get(revert_url(newest))
        assert form.status_code == 200
        page = form.content.decode()
        assert 'itest-volume' in page
        assert 'Everything written to' in page

        wrong = horizon_session.post(client, revert_url(newest), {
            'confirm_name': 'itest-volum'})
        assert wrong.status_code == 200
        assert b'Type the volume&#x27;s name exactly' in wrong.content
        assert demo.volumes.get(demo_volume.id).status == 'available'

        # Cinder refuses all but the newest; the panel says so.
        refused = horizon_session.post(client, revert_url(older), {
            'confirm_name': 'itest-volume'}, follow=True)
        assert refused.status_code == 200
        assert b'Unable to revert volume' in refused.content
        assert demo.volumes.get(demo_volume.id).status == 'available'

        done = horizon_session.post(client, revert_url(newest), {
            'confirm_name': 'itest-volume'}, follow=True)
        assert done.status_code == 200
        assert b'Reverting volume' in done.content
        volume = waiting.until_status(demo.volumes, demo_volume.id,
                                      'available')
        assert volume.status == 'available'
        waiting.until_status(demo.volume_snapshots, newest.id, 'available')
    finally:
        for snapshot in (newest, older):
            if snapshot is not None:
                waiting.delete_and_wait(demo.volume_snapshots, snapshot.id)
