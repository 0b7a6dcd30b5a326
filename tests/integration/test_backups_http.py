"""Backups through the panel on the dev cloud, as a browser would post
them: Protect with Backups, the Backups tab, Restore to New Volume of
the file-backed type (the same bytes), Verify (two sweeps of the
scheduler restore it to a temporary volume and record it verified), and
Delete."""

from keystoneclient.v3 import client as ks_client

from tests.integration import backup_volumes as files
from tests.integration import test_scheduler
from tests.integration import test_verify_http as verify_http
from tools.devkit import cinder as devcloud
from tools.devkit import horizon_client
from volsnap_dashboard.protection import registry
from volsnap_dashboard.protection import times
from volsnap_dashboard.protection import verification
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.scheduler import clients as clients_module
from volsnap_dashboard.scheduler import config as config_module
from volsnap_dashboard.scheduler import service

INDEX = '/project/volume_protection/'
PROTECT = INDEX + 'protect/?plugin=cinder-backup'
TAB = INDEX + '?tab=volume_protection__protections'
ORPHANS = INDEX + '?tab=volume_protection__orphans'


def submission_token(client, url):
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    return page.context['form'].fields['submission'].initial


def sweep(settings):
    """One sweep of the scheduler with the provider's plugins."""
    service.serve(settings, clients_module.Clients(settings),
                  registry.volume_plugins(), service.Stopper(),
                  once_at=times.now())


def test_back_up_restore_verify_delete_through_the_panel(backed_up_volume,
                                                         tmp_path):
    shared = backed_up_volume
    cinder, volume = shared.cinder, shared.volume
    plugin = registry.load_plugin('cinder-backup')
    expected = files.write(volume, 42)
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
    backup = devcloud.until_status(cinder.backups, backup.id, 'available',
                                   timeout=files.BACKUP_TIMEOUT)
    assert backup.is_incremental
    assert b'itest-panel-backup' in client.get(TAB).content

    restore_url = INDEX + backup.id + '/restore/?plugin=cinder-backup'
    response = horizon_client.post(client, restore_url, {
        'submission': submission_token(client, restore_url), 'size': 1,
        'restore__restore_name': 'itest-panel-backup-copy',
        'volume_type': files.FILES_TYPE})
    assert response.status_code == 302
    [restored] = [v for v in cinder.volumes.list()
                  if v.name == 'itest-panel-backup-copy']
    shared.made.append(restored.id)
    devcloud.until_status(cinder.volumes, restored.id, 'available',
                          timeout=files.BACKUP_TIMEOUT)
    assert files.content_digest(restored.id) == expected

    settings = config_module.load(
        environ=test_scheduler.scheduler_environment(tmp_path))
    trust_id = None
    try:
        done = horizon_client.post(client, TAB, {
            'action': 'protections__verify__%s' % backup.id}, follow=True)
        assert b'Requested verification of Backup: itest-panel-backup' in \
            done.content
        metadata = plugin.get_protection(cinder, backup.id).metadata
        assert metadata[verification.VERIFY_KEY] == verification.REQUESTED
        trust_id = metadata[verification.TRUST_KEY]
        sweep(settings)
        [temporary] = verify_http.temporary_volumes_of(backup.id)
        devcloud.until_status(cinder.volumes, temporary.id, 'available',
                              timeout=files.BACKUP_TIMEOUT)
        sweep(settings)
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

    response = horizon_client.post(client, TAB, {
        'action': 'protections__delete', 'object_ids': [backup.id]})
    assert response.status_code == 302
    devcloud.until_gone(cinder.backups, backup.id)


def test_the_backups_tab_pages_with_cinders_markers(backed_up_volume):
    """Two backups more, a page of one: Cinder's own markers and order,
    newest first, the next page and back."""
    shared = backed_up_volume
    cinder, volume = shared.cinder, shared.volume
    plugin = registry.load_plugin('cinder-backup')
    made = []
    for name in ('itest-page-older', 'itest-page-newer'):
        saved = plugin.protect(cinder, volume, {
            'backup_name': name, 'description': ''})
        made.append(plugin.wait_for_protection(
            cinder, saved['backup_id'], interval=0.5,
            timeout=files.BACKUP_TIMEOUT).id)
    client = horizon_client.login('demo')
    client.cookies['API_RESULT_PAGE_SIZE'] = '1'

    def shown(url):
        table = client.get(url).context['table']
        return [row.id for row in table.data], table

    first, table = shown(TAB)
    assert first == [made[1]]
    assert table.has_more_data() and not table.has_prev_data()
    second, table = shown(TAB + '&' + table.get_pagination_string())
    assert second == [made[0]]
    assert table.has_prev_data()
    back, _table = shown(TAB + '&' + table.get_prev_pagination_string())
    assert back == first


def test_a_backup_of_a_deleted_schedule_is_an_orphan_deleted_there(
        backed_up_volume):
    shared = backed_up_volume
    cinder, volume = shared.cinder, shared.volume
    plugin = registry.load_plugin('cinder-backup')
    saved = plugin.protect(
        cinder, volume, {'backup_name': 'itest-orphan-backup',
                         'description': ''},
        metadata={codec.SNAPSHOT_SCHEDULE_KEY: 'deadbeef'})
    backup_id = plugin.wait_for_protection(
        cinder, saved['backup_id'], interval=0.5,
        timeout=files.BACKUP_TIMEOUT).id
    client = horizon_client.login('demo')
    page = client.get(ORPHANS)
    rows = {row.resource_id: row for row in page.context['table'].data}
    assert rows[backup_id].kind == 'protection_no_schedule'
    assert b'Backup of a deleted schedule' in page.content
    # The volume's own backups by hand are no orphans.
    assert not any(row.resource_id != backup_id and
                   row.resource_type == 'protection'
                   for row in rows.values())
    response = horizon_client.post(client, ORPHANS, {
        'action': 'orphans__delete__protection-%s' % backup_id})
    assert response.status_code == 302
    devcloud.until_gone(cinder.backups, backup_id,
                        timeout=files.BACKUP_TIMEOUT)
