"""Revert Volume to This Snapshot over HTTP against the dev cloud (whose
fake driver reverts): offered on the newest snapshot only (not shown on
the others), the volume's name typed exactly, the volume through
"reverting" back to "available" with its row following it, and Cinder's
refusals in the panel's words."""

import re
import threading

from tools.devkit import cinder as devcloud
from tools.devkit import horizon_client

INDEX = '/project/volume_protection/'


def revert_url(snapshot):
    return INDEX + snapshot.id + '/revert/'


def revert_entry(snapshot):
    return 'protected_snapshots__row_%s__action_revert' % snapshot.id


def row_url(snapshot):
    return INDEX + ('?action=row_update&table=protected_snapshots&obj_id='
                    + snapshot.id)


def refreshed_row(client, snapshot):
    """The row as the page's own refresh gets it (Horizon's AJAX update)."""
    response = client.get(row_url(snapshot),
                          HTTP_X_REQUESTED_WITH='XMLHttpRequest')
    assert response.status_code == 200
    return response.content.decode()


def snapshot_of(cinder, volume, name):
    snapshot = cinder.volume_snapshots.create(volume.id, name=name)
    return devcloud.until_status(cinder.volume_snapshots, snapshot.id,
                                'available')


class VolumeWatch(threading.Thread):
    """Records every status Cinder gives the volume, as fast as Cinder
    answers, until told to stop."""

    def __init__(self, cinder, volume_id):
        super().__init__(daemon=True)
        self.cinder, self.volume_id = cinder, volume_id
        self.seen = []
        self.done = threading.Event()

    def run(self):
        while not self.done.is_set():
            status = self.cinder.volumes.get(self.volume_id).status
            if not self.seen or self.seen[-1] != status:
                self.seen.append(status)

    def stop(self):
        self.done.set()
        self.join(timeout=30)
        return self.seen


def test_revert_to_the_newest_snapshot_through_the_panel(demo_volume):
    demo = devcloud.cinder_as('demo')
    older = snapshot_of(demo, demo_volume, 'itest-revert-older')
    newest = None
    try:
        newest = snapshot_of(demo, demo_volume, 'itest-revert-newest')
        client = horizon_client.login('demo')

        index = client.get(INDEX).content.decode()
        assert revert_url(newest) in index
        assert revert_entry(newest) in index
        assert revert_entry(older) not in index  # not even greyed
        # The snapshots' own pages say the same.
        assert revert_url(newest) in client.get(
            INDEX + newest.id + '/').content.decode()
        assert revert_entry(older) not in client.get(
            INDEX + older.id + '/').content.decode()

        form = client.get(revert_url(newest))
        assert form.status_code == 200
        page = form.content.decode()
        assert 'itest-volume' in page
        assert 'Everything written to' in page

        wrong = horizon_client.post(client, revert_url(newest), {
            'confirm_name': 'itest-volum'})
        assert wrong.status_code == 200
        assert b'Type the volume&#x27;s name exactly' in wrong.content
        assert demo.volumes.get(demo_volume.id).status == 'available'

        # Cinder refuses all but the newest; the panel says so.
        refused = horizon_client.post(client, revert_url(older), {
            'confirm_name': 'itest-volume'}, follow=True)
        assert refused.status_code == 200
        assert b'Unable to revert volume' in refused.content
        assert demo.volumes.get(demo_volume.id).status == 'available'

        watch = VolumeWatch(demo, demo_volume.id)
        watch.start()
        try:
            done = horizon_client.post(client, revert_url(newest), {
                'confirm_name': 'itest-volume'})
            assert done.status_code == 302
            devcloud.until_status(demo.volumes, demo_volume.id, 'available')
            devcloud.until_status(demo.volume_snapshots, newest.id,
                                 'available')
        finally:
            seen = watch.stop()
        # Cinder marks the volume "reverting" before it answers the
        # request, and the fake driver takes about 0.1 s to revert, a few
        # of the watch's reads.
        assert seen[-2:] == ['reverting', 'available'], seen
        assert set(seen) <= {'available', 'reverting'}, seen

        index = client.get(INDEX).content.decode()
        assert 'Reverting volume &quot;itest-volume&quot;' in index
        # Back to available: the row no longer refreshes itself, and its
        # own refresh offers the revert again on the newest only.
        row = refreshed_row(client, newest)
        row_tag = re.search(r'<tr[^>]*>', row).group(0)
        assert 'status_up' in row_tag and 'warning' not in row_tag
        assert 'reverting' not in row
        assert revert_url(newest) in row
        row = refreshed_row(client, older)
        assert revert_entry(older) not in row
        assert 'Restore to New Volume' in row
    finally:
        for snapshot in (newest, older):
            if snapshot is not None:
                devcloud.delete_and_wait(demo.volume_snapshots, snapshot.id)


def test_a_newer_snapshot_made_after_the_form_opened_is_refused(
        demo_volume):
    demo = devcloud.cinder_as('demo')
    snapshot = snapshot_of(demo, demo_volume, 'itest-revert-was-newest')
    newer = None
    try:
        client = horizon_client.login('demo')
        form = client.get(revert_url(snapshot))
        assert form.status_code == 200

        newer = snapshot_of(demo, demo_volume, 'itest-revert-newer')
        refused = horizon_client.post(client, revert_url(snapshot), {
            'confirm_name': 'itest-volume'}, follow=True)
        assert refused.status_code == 200
        page = refused.content.decode()
        assert 'Unable to revert volume &quot;itest-volume&quot;' in page
        # Cinder's refusal in the panel's words.
        assert 'A newer snapshot of this volume exists' in page
        assert demo.volumes.get(demo_volume.id).status == 'available'
        row = refreshed_row(client, snapshot)
        assert revert_entry(snapshot) not in row
        assert 'Restore to New Volume' in row
    finally:
        for item in (newer, snapshot):
            if item is not None:
                devcloud.delete_and_wait(demo.volume_snapshots, item.id)


def test_a_volume_resized_since_its_snapshot_is_not_offered(demo_volume):
    demo = devcloud.cinder_as('demo')
    snapshot = snapshot_of(demo, demo_volume, 'itest-revert-resized')
    try:
        demo.volumes.extend(demo_volume.id, demo_volume.size + 1)
        devcloud.until_status(demo.volumes, demo_volume.id, 'available')
        assert demo.volumes.get(demo_volume.id).size == demo_volume.size + 1
        client = horizon_client.login('demo')
        index = client.get(INDEX).content.decode()
        assert revert_entry(snapshot) in index  # greyed, saying why
        assert revert_url(snapshot) not in index
        assert ('The volume was resized since this snapshot (2 GiB now, '
                '1 GiB then)') in index
        assert 'resized since this snapshot' in refreshed_row(client,
                                                              snapshot)
        # Cinder refuses it too, and the form says why in its words.
        refused = horizon_client.post(client, revert_url(snapshot), {
            'confirm_name': 'itest-volume'}, follow=True)
        assert refused.status_code == 200
        page = refused.content.decode()
        assert ('Unable to revert volume &quot;itest-volume&quot;: The '
                'volume was resized since this snapshot (2 GiB now, 1 GiB '
                'then)') in page
        assert demo.volumes.get(demo_volume.id).status == 'available'
    finally:
        devcloud.delete_and_wait(demo.volume_snapshots, snapshot.id)


def test_a_volume_in_error_shows_on_its_rows_and_is_not_offered(
        demo_volume):
    # The fake driver never fails a revert: an admin puts the volume in
    # error as a failed revert would leave it.
    demo = devcloud.cinder_as('demo')
    snapshot = snapshot_of(demo, demo_volume, 'itest-revert-error')
    try:
        devcloud.cinder_as('admin').volumes.reset_state(demo_volume.id,
                                                     'error')
        client = horizon_client.login('demo')
        for page in (client.get(INDEX).content.decode(),
                     refreshed_row(client, snapshot)):
            assert 'Available (volume in error' in page
            assert 'title="The volume is &quot;Error&quot;' in page
            assert revert_url(snapshot) not in page
    finally:
        devcloud.delete_and_wait(demo.volume_snapshots, snapshot.id)
