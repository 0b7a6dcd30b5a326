"""A verification of demo's seen by the admin, over HTTP against the dev
cloud: demo asks for it from the panel, volsnap-scheduler starts it (the
admin's row says "Verifying", and the snapshot's admin page marks the
temporary volume in demo's project as such), then records it (the
admin's row says "Verified"); the admin has no Verify of its own."""

import re

from tests.integration import test_admin_panel
from tests.integration import test_scheduler
from tests.integration import test_verify_http as verify_http
from tools.devkit import cinder as devcloud
from tools.devkit import horizon_client

scheduler_env = test_scheduler.scheduler_env

ADMIN_INDEX = test_admin_panel.ADMIN_INDEX


def admin_row(client, snapshot_id):
    return verify_http.row_of(client.get(ADMIN_INDEX).content, snapshot_id)


def available_snapshot(cinder, volume, name):
    made = cinder.volume_snapshots.create(volume.id, name=name)
    return devcloud.until_status(cinder.volume_snapshots, made.id,
                                'available')


def test_admin_sees_a_projects_verification(demo_volume, scheduler_env):
    demo = devcloud.cinder_as('demo')
    snapshot = available_snapshot(demo, demo_volume, 'itest-admin-verify')
    try:
        demo_client = horizon_client.login('demo')
        asked = horizon_client.post(
            demo_client, verify_http.INDEX,
            {'action': verify_http.VERIFY + snapshot.id}, follow=True)
        assert asked.status_code == 200
        admin = horizon_client.login('admin')
        row = admin_row(admin, snapshot.id)
        assert 'Verification requested' in row
        assert 'admin_snapshots__verify__' not in row

        test_scheduler.run_once(scheduler_env, verify_http.now_iso())
        row = admin_row(admin, snapshot.id)
        assert 'Verifying' in row
        # Refreshed on its own until the outcome is there.
        assert 'ajax-update warning' in row
        assert 'Verifying' in verify_http.refreshed_row(admin, row)
        [temporary] = verify_http.temporary_volumes_of(snapshot.id)
        detail = admin.get(ADMIN_INDEX + snapshot.id + '/')
        assert detail.status_code == 200
        [listed] = [v for v in detail.context['restored_volumes']
                    if v.id == temporary.id]
        assert listed.temporary_verification
        assert listed.project_name == 'demo'
        assert 'temporary (verification)' in detail.content.decode()
        devcloud.until_status(demo.volumes, temporary.id, 'available')

        test_scheduler.run_once(scheduler_env, verify_http.now_iso())
        row = admin_row(admin, snapshot.id)
        assert re.search(r'Verified (just now|1\xa0minute ago)', row), row
        assert 'warning' not in row
        detail = admin.get(ADMIN_INDEX + snapshot.id + '/')
        assert re.search(r'id="volsnap-verification">\s*<span[^>]*>'
                         r'Verified', detail.content.decode())
    finally:
        admin_cinder = devcloud.cinder_as('admin')
        for volume in verify_http.temporary_volumes_of(snapshot.id):
            admin_cinder.volumes.force_delete(volume)
            devcloud.until_gone(admin_cinder.volumes, volume.id)
        devcloud.delete_and_wait(demo.volume_snapshots, snapshot.id)
