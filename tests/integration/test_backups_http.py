"""Backups through the panel on the dev cloud, as a browser would post
them: Protect with Backups, the Backups tab, Restore to a New Volume of
the file-backed type (the same bytes), and Delete."""

from tests.integration import test_backup_plugin as backup_plugin
from tests.integration import test_devcloud_backups as files
from tools.devkit import cinder as devcloud
from tools.devkit import horizon_client

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
