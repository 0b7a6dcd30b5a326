"""Backups in a real browser (Playwright, Debian's chromium) on the dev
cloud: Protect Volumes switched to Backups backs a volume of the
file-backed type up, the Backups tab shows it settle live, Restore to
New Volume makes a volume of the chosen type with the same bytes, and
Delete asks first; Create Schedule switched to Backups saves a weekly
backup schedule with the backup plugin's own options."""

import re

from playwright.sync_api import expect
import pytest

from tests.integration import backup_volumes as files
from tests.integration.test_browser import browser  # noqa: F401
from tests.integration.test_browser import choose_from_row_menu
from tests.integration.test_browser import logged_in_page
from tests.integration.test_browser import server  # noqa: F401
from tools.devkit import cinder as devcloud
from tools.devkit import horizon_client
from volsnap_dashboard.dashboards.schedules import api as schedules_api

pytestmark = pytest.mark.browser

BACKUPS_TAB = '/project/volume_protection/?tab=volume_protection__protections'
CREATE = '/project/volume_protection/schedules/create/'
VOLUMES_TAB = '/project/volume_protection/?tab=volume_protection__volumes'


def backup_row(page, text):
    return page.locator('#protections tbody tr', has_text=text)


def test_back_up_restore_and_delete_in_the_browser(
        browser, server, backed_up_volume):  # noqa: F811
    shared = backed_up_volume
    cinder, volume, made = shared.cinder, shared.volume, shared.made
    expected = files.write(volume, 7)
    page = logged_in_page(browser, server, 'demo')

    # Protect Volumes opens on snapshots; "Backups" switches the form.
    page.click('#protected_snapshots__action_protect')
    modal = page.locator('.modal-dialog').last
    expect(modal).to_contain_text('Snapshot Name')
    modal.locator('.volsnap-protect-with a', has_text='Backups').click()
    modal = page.locator('.modal-dialog', has_text='Backup Name').last
    expect(modal.locator('#id_option_full_every')).to_have_value('7')
    expect(modal).to_contain_text('Backups: Limits')
    modal.get_by_label(re.compile('itest-backup-shared')).check()
    modal.locator('#id_option_backup_name').fill('browser-backup')
    modal.locator('input[type=submit], button[type=submit]').last.click()
    expect(page.locator('.alert-success').first).to_contain_text(
        'its backup is being created', timeout=30000)

    # The Backups tab: the row settles live, without a reload.
    page.goto(server.url + BACKUPS_TAB)
    row = backup_row(page, 'browser-backup')
    expect(row).to_have_count(1)
    expect(row).to_contain_text('Backup')
    expect(row).to_contain_text('Available', timeout=120000)
    [backup] = [b for b in cinder.backups.list(
        search_opts={'volume_id': volume.id}) if b.name == 'browser-backup']

    # The Volumes tab says how long ago each kind protected the volume.
    page.goto(server.url + VOLUMES_TAB)
    volume_row = page.locator('#volume_protection tbody tr',
                              has_text='itest-backup-shared')
    expect(volume_row).to_contain_text(
        re.compile(r'backed up \d+\sminutes? ago'))
    expect(page.locator('#volume_protection thead')).to_contain_text(
        'Last Protected')
    page.goto(server.url + BACKUPS_TAB)
    row = backup_row(page, 'browser-backup')

    row.locator('a', has_text='Restore to New Volume').click()
    modal = page.locator('.modal-dialog')
    expect(modal).to_contain_text('Create a new volume from backup')
    modal.locator('#id_restore__restore_name').fill('browser-backup-copy')
    modal.locator('#id_volume_type').select_option(files.FILES_TYPE)
    modal.locator('input[type=submit], button[type=submit]').last.click()
    expect(page.locator('.alert-success').first).to_contain_text(
        'browser-backup-copy', timeout=30000)
    [restored] = [v for v in cinder.volumes.list()
                  if v.name == 'browser-backup-copy']
    made.append(restored.id)
    devcloud.until_status(cinder.volumes, restored.id, 'available',
                          timeout=files.BACKUP_TIMEOUT)
    assert files.content_digest(restored.id) == expected

    # Delete asks first, then the row goes.
    page.goto(server.url + BACKUPS_TAB)
    row = backup_row(page, 'browser-backup')
    choose_from_row_menu(row, row.locator('a, button',
                                          has_text='Delete Backup'))
    confirm = page.locator('.modal-dialog .btn-danger')
    expect(confirm).to_be_visible()
    confirm.click()
    devcloud.until_gone(cinder.backups, backup.id,
                        timeout=files.BACKUP_TIMEOUT)
    page.goto(server.url + BACKUPS_TAB)
    expect(backup_row(page, 'browser-backup')).to_have_count(0)


@pytest.fixture
def scheduled_source(backed_up_volume):
    volume = backed_up_volume.volume
    yield volume
    request = horizon_client.request_for(horizon_client.login('demo'))
    for found in schedules_api.list_for_volume(request, volume.id):
        schedules_api.delete(request, volume.id, found.id)


def test_a_weekly_backup_schedule_in_the_browser(
        browser, server, scheduled_source):  # noqa: F811
    volume = scheduled_source
    page = logged_in_page(browser, server, 'demo')
    page.goto(server.url + CREATE + '?volume_id=' + volume.id)
    form = page.locator('form.volsnap-schedule-workflow')
    form.locator('.volsnap-protect-with a', has_text='Backups').click()
    form = page.locator('form.volsnap-schedule-workflow',
                        has_text='Every run makes one backup')
    expect(form.locator('.volsnap-picker-selected input:checked')
           ).to_have_count(1)

    form.locator('.nav-pills a', has_text='When').click()
    form.locator('#id_kind').select_option('weekly')
    form.locator('label', has_text='Sunday').click()
    form.locator('#id_hour').fill('3')
    form.locator('#id_minute').fill('0')
    form.locator('#id_tz').select_option('UTC')
    form.locator('.nav-pills a', has_text='Protection options').click()
    expect(form.locator('#id_option_incremental')).to_be_checked()
    form.locator('#id_option_full_every').fill('4')
    form.locator('.nav-pills a', has_text='Retention').click()
    form.locator('#id_retention_count').fill('8')
    form.locator('input[type=submit]').click()
    expect(page.locator('.alert-success').first).to_contain_text(
        'Created a schedule for volume itest-backup-shared', timeout=30000)

    request = horizon_client.request_for(horizon_client.login('demo'))
    [saved] = schedules_api.list_for_volume(request, volume.id)
    assert saved.plugin == 'cinder-backup'
    assert saved.when.preset == {'kind': 'weekly', 'days': [6], 'hour': 3,
                                 'minute': 0}
    assert saved.when.tz == 'UTC'
    assert saved.options == {'description': '', 'incremental': True,
                             'full_every': 4, 'force': False,
                             'from_snapshot': False}
    assert saved.retention.count == 8
    # The Schedules tab says what it holds: backups.
    row = page.locator('#schedules tbody tr', has_text='itest-backup-shared')
    expect(row).to_contain_text('0 backups')
