"""Destructive table actions ask first, and the admin's Reset Status form
can be used from the keyboard: Playwright and Debian's chromium against a
live Horizon on the dev cloud."""

import os

from playwright.sync_api import expect
import pytest

from tests.integration.test_browser import SCREENSHOTS
from tests.integration.test_browser import browser  # noqa: F401
from tests.integration.test_browser import choose_from_row_menu
from tests.integration.test_browser import logged_in_page
from tests.integration.test_browser import server  # noqa: F401
from tools.devkit import cinder as devcloud

pytestmark = pytest.mark.browser


@pytest.fixture
def confirm_volume():
    """A volume of demo's; its snapshots are made deletable (as admin)
    before the clean-up deletes them, whatever a test left them in."""
    demo = devcloud.cinder_as('demo')
    with devcloud.temporary_volume(demo, 'browser-confirm') as volume:
        yield volume
        admin = devcloud.cinder_as('admin')
        for snapshot in demo.volume_snapshots.list(
                search_opts={'volume_id': volume.id}):
            if snapshot.status not in ('available', 'error'):
                admin.volume_snapshots.reset_state(snapshot.id, 'available')


def snapshots_of(volume, *names, status='available'):
    demo = devcloud.cinder_as('demo')
    made = [demo.volume_snapshots.create(volume.id, name=name)
            for name in names]
    for snapshot in made:
        devcloud.until_status(demo.volume_snapshots, snapshot.id, 'available')
    if status != 'available':
        admin = devcloud.cinder_as('admin')
        for snapshot in made:
            admin.volume_snapshots.reset_state(snapshot.id, status)
    return made


def status_of(snapshot):
    return devcloud.cinder_as('demo').volume_snapshots.get(snapshot.id).status


def confirmation(page):
    return page.locator('.modal-dialog', has_text='Confirm')


def cancel_then_confirm(page, click, snapshot, status='available'):
    """``click`` opens the confirmation: cancelled, nothing happens;
    confirmed, the snapshot goes."""
    click()
    dialog = confirmation(page)
    expect(dialog).to_be_visible()
    dialog.locator('.cancel').click()
    expect(dialog).to_be_hidden()
    page.reload()
    expect(page.locator('tr[data-object-id="%s"]' % snapshot.id)
           ).to_have_count(1)
    assert status_of(snapshot) == status

    click()
    dialog = confirmation(page)
    expect(dialog).to_be_visible()
    dialog.locator('.btn-danger').click()
    devcloud.until_gone(devcloud.cinder_as('demo').volume_snapshots,
                       snapshot.id)


def row_action(page, table, action, snapshot):
    """Click a row action that sits in the row's drop-down menu."""
    def click():
        row = page.locator('#%s tr[data-object-id="%s"]' % (table,
                                                             snapshot.id))
        choose_from_row_menu(row, row.locator(
            'button[value="%s__%s__%s"]' % (table, action, snapshot.id)))
    return click


def table_action(page, table, action, snapshot):
    """Select one row, then click the table's button."""
    def click():
        page.locator('#%s tr[data-object-id="%s"] .themable-checkbox label'
                     % (table, snapshot.id)).click()
        page.click('#%s__action_%s' % (table, action))
    return click


def test_project_delete_asks_first(browser, server,  # noqa: F811
                                   confirm_volume):
    by_row, by_button = snapshots_of(confirm_volume, 'browser-row-delete',
                                     'browser-table-delete')
    page = logged_in_page(browser, server, 'demo')
    table = 'protected_snapshots'
    cancel_then_confirm(page, row_action(page, table, 'delete', by_row),
                        by_row)
    page.reload()
    cancel_then_confirm(page, table_action(page, table, 'delete', by_button),
                        by_button)


def test_admin_delete_and_force_delete_ask_first(browser, server,  # noqa
                                                 confirm_volume):
    deletable = snapshots_of(confirm_volume, 'browser-admin-delete-row',
                             'browser-admin-delete-table')
    stuck = snapshots_of(confirm_volume, 'browser-admin-force-row',
                         'browser-admin-force-table',
                         status='error_deleting')
    page = logged_in_page(browser, server, 'admin')
    page.goto(server.url + '/admin/volume_protection/')
    table = 'admin_snapshots'
    for action, (by_row, by_button), status in (
            ('delete', deletable, 'available'),
            ('force_delete', stuck, 'error_deleting')):
        cancel_then_confirm(page, row_action(page, table, action, by_row),
                            by_row, status)
        page.reload()
        cancel_then_confirm(
            page, table_action(page, table, action, by_button), by_button,
            status)
        page.reload()


def test_admin_resets_a_status_from_the_keyboard(browser, server,  # noqa
                                                 confirm_volume):
    [snapshot] = snapshots_of(confirm_volume, 'browser-reset',
                              status='error')
    page = logged_in_page(browser, server, 'admin')
    page.goto(server.url + '/admin/volume_protection/')
    page.locator('tr[data-object-id="%s"] a' % snapshot.id,
                 has_text='Reset Status').click()
    modal = page.locator('#reset_snapshot_status_modal')
    expect(modal).to_be_visible()
    modal.locator('#id_status').select_option('available')
    modal.locator('#id_status').focus()
    page.keyboard.press('Tab')
    confirm = modal.locator('#id_confirm')
    expect(confirm).to_be_visible()
    expect(confirm).to_be_focused()

    modal.locator('input[type=submit]').click()
    modal = page.locator('#reset_snapshot_status_modal')
    expect(modal).to_contain_text('Tick the box to confirm')
    assert status_of(snapshot) == 'error'
    page.screenshot(path=os.path.join(SCREENSHOTS, 'reset-unticked.png'))

    confirm = modal.locator('#id_confirm')
    confirm.focus()
    page.keyboard.press('Space')
    expect(confirm).to_be_checked()
    modal.locator('input[type=submit]').click()
    expect(page.locator('.alert-success')).to_contain_text(
        'The status of snapshot "browser-reset" is now Available')
    assert status_of(snapshot) == 'available'
