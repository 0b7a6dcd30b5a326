"""Backups through the panel on the dev cloud, as a browser would post
them: Protect with Backups, the Backups tab, Restore to a New Volume of
the file-backed type (the same bytes), and Delete."""

from keystoneclient.v3 import client as ks_client

from tests.integration import test_backup_plugin as backup_plugin
from tests.integration import test_devcloud_backups as files
from tests.integration import test_scheduler
from tests.integration import test_verify_http as verify_http
from tools.devkit import cinder as devcloud
from tools.devkit import horizon_client
from volsnap_dashboard.protection import registry
from volsnap_dashboard.protection import verification

demo = backup_plugin.demo
source = backup_plugin.source
INDEX = '/project/volume_protection/'
PROTECT = INDEX + 'protect/?plugin=cinder-backup'
TAB = INDEX + '?tab=volume_protection__protections'


def submission_token(client, url):
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    return page.context['form'].fields['submission'].initial


def test_back_up_restore_delete_through_the_panel(demo, source):
    _, cinder = demo
    volume, made = source
    expected = backup_plugin.write(volume, 42)
    client = horizon_client.login('demo')
    form = client.get(PROTECT)
    assert b'Backups: Limits' in form.content
    response = horizon_client.post(client, PROTECT, {
        'submission': form.context['form'].fields['submission'].initial,
        'volumes': [volume.id], 'option_backup_name': 'itest-panel-backup',
        'option_description': 'through the panel',
        'option_incremental': 'on', 'option_full_every': '7'})
    assert response.status_code == 302
    [backup] = [b for b in cinder.backups.list(
        search_opts={'volume_id': volume.id})
        if b.name == 'itest-panel-backup']
    devcloud.until_status(cinder.backups, backup.id, 'available',
                          timeout=files.BACKUP_TIMEOUT)
    assert b'itest-panel-backup' in client.get(TAB).content

    restore_url = INDEX + backup.id + '/restore/?plugin=cinder-backup'
    response = horizon_client.post(client, restore_url, {
        'submission': submission_token(client, restore_url), 'size': 1,
        'restore__restore_name': 'itest-panel-backup-copy',
        'volume_type': files.FILES_TYPE})
    assert response.status_code == 302
    [restored] = [v for v in cinder.volumes.list()
                  if v.name == 'itest-panel-backup-copy']
    made.append(restored.id)
    devcloud.until_status(cinder.volumes, restored.id, 'available',
                          timeout=files.BACKUP_TIMEOUT)
    assert backup_plugin.content_digest(restored.id) == expected

    response = horizon_client.post(client, TAB, {
        'action': 'protections__delete', 'object_ids': [backup.id]})
    assert response.status_code == 302
    devcloud.until_gone(cinder.backups, backup.id)


def test_verify_a_backup_from_the_panel(demo, source, tmp_path):
    """Verify on the Backups tab: the request and its trust on the
    backup, then two sweeps of volsnap-scheduler (start: a temporary
    volume restored from the backup; then record) say it is verified,
    and no temporary volume is left."""
    _, cinder = demo
    volume, _made = source
    plugin = registry.load_plugin('cinder-backup')
    backup_plugin.write(volume, 3)
    saved = plugin.protect(cinder, volume, {'backup_name': 'itest-verify',
                                            'description': ''})
    backup = plugin.wait_for_protection(cinder, saved['backup_id'],
                                        interval=0.5)
    env = test_scheduler.scheduler_environment(tmp_path)
    client = horizon_client.login('demo')
    trust_id = None
    try:
        done = horizon_client.post(client, TAB, {
            'action': 'protections__verify__%s' % backup.id}, follow=True)
        assert done.status_code == 200
        assert b'Requested verification of Backup: itest-verify' in \
            done.content
        metadata = plugin.get_protection(cinder, backup.id).metadata
        assert metadata[verification.VERIFY_KEY] == verification.REQUESTED
        trust_id = metadata[verification.TRUST_KEY]

        test_scheduler.run_once(env, verify_http.now_iso())
        [temporary] = verify_http.temporary_volumes_of(backup.id)
        devcloud.until_status(cinder.volumes, temporary.id, 'available',
                              timeout=files.BACKUP_TIMEOUT)
        test_scheduler.run_once(env, verify_http.now_iso())
        metadata = plugin.get_protection(cinder, backup.id).metadata
        assert metadata[verification.OUTCOME_KEY] == verification.OK
        assert b'Verified' in client.get(TAB).content
        devcloud.until_gone(cinder.volumes, temporary.id)
    finally:
        admin = devcloud.cinder_as('admin')
        for left in verify_http.temporary_volumes_of(backup.id):
            admin.volumes.force_delete(left)
            devcloud.until_gone(admin.volumes, left.id)
        if trust_id and verify_http.trust_exists(trust_id):
            ks_client.Client(session=devcloud.keystone_session(
                'demo')).trusts.delete(trust_id)
