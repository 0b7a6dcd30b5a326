"""Real browser tests: Playwright driving Debian's chromium against a live
Horizon with the plugin, on the real dev cloud."""

import os
import re

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect
from playwright.sync_api import sync_playwright
import pytest

from tools.devkit import cinder as devcloud
from tools.devkit import dev_server
from tools.devkit import identities
from volsnap_dashboard.devenv import source_tree

pytestmark = pytest.mark.browser

ARTIFACTS = os.path.join(source_tree.REPO_ROOT, 'test-artifacts')
SCREENSHOTS = os.path.join(ARTIFACTS, 'screenshots')
CHROMIUM = os.environ.get('VOLSNAP_CHROMIUM', '/usr/bin/chromium')
CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic',
                 '--no-first-run', '--disable-background-networking',
                 '--disable-component-update', '--disable-sync']


@pytest.fixture(scope='module')
def server():
    os.makedirs(SCREENSHOTS, exist_ok=True)
    server = dev_server.DevServer(os.path.join(ARTIFACTS,
                                                    'devserver.log'))
    yield server
    server.stop()


@pytest.fixture(scope='module')
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM,
                                              headless=True,
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def logged_in_page(browser, server, username):
    context = browser.new_context(viewport={'width': 1400, 'height': 900})
    page = context.new_page()
    page.set_default_timeout(30000)
    page.goto(server.url + '/auth/login/')
    page.fill('#id_username', username)
    page.fill('#id_password', identities.password(username))
    page.click('button[type=submit]')
    page.wait_for_url(re.compile(r'/project/volume_protection/'))
    return page


@pytest.fixture
def browser_volume():
    with devcloud.temporary_volume(devcloud.cinder_as('demo'),
                                  'browser-volume') as volume:
        yield volume


def row(page, text):
    return page.locator('#protected_snapshots tbody tr', has_text=text)


def choose_from_row_menu(row, item):
    """Open ``row``'s action menu and click ``item`` (a locator in it),
    opening the menu again when it closed first: a row in a transitional
    status is refreshed every few seconds and comes back with its menu
    closed, and a table with a filter by category (the Schedules, Volumes
    and Orphans tabs) clicks its first category when the page's scripts
    start, which closes a menu opened before them."""
    for _ in range(3):
        open_row_menu(row, item)
        try:
            item.click(timeout=5000)
            return
        except PlaywrightTimeoutError:
            continue  # the menu closed between showing and the click
    pytest.fail('%s in the row menu could not be clicked' % item)


def open_row_menu(row, item):
    """Open ``row``'s action menu until ``item`` shows in it."""
    for _ in range(5):
        row.locator('.dropdown-toggle').click()
        try:
            expect(item).to_be_visible(timeout=2000)
            return
        except AssertionError:
            continue
    pytest.fail('the row menu never showed %s' % item)


def test_demo_protects_restores_and_deletes(browser, server, browser_volume):
    demo = devcloud.cinder_as('demo')
    page = logged_in_page(browser, server, 'demo')

    page.click('#protected_snapshots__action_protect')
    modal = page.locator('.modal-dialog')
    expect(modal).to_contain_text('Snapshot Name')
    modal.get_by_label(re.compile('browser-volume')).check()
    modal.locator('#id_option_snapshot_name').fill('browser-snapshot')
    modal.locator('#id_option_description').fill('taken in the browser')
    page.screenshot(path=os.path.join(SCREENSHOTS, 'protect-form.png'))
    modal.locator('input[type=submit], button[type=submit]').last.click()

    snapshot_row = row(page, 'browser-snapshot')
    expect(snapshot_row).to_have_count(1)
    [snapshot] = [s for s in demo.volume_snapshots.list()
                  if s.name == 'browser-snapshot']
    devcloud.until_status(demo.volume_snapshots, snapshot.id, 'available')

    # The fake driver is quick: hold the snapshot in "creating" (as admin)
    # to watch the row settle live, without a reload.
    admin = devcloud.cinder_as('admin')
    admin.volume_snapshots.reset_state(snapshot.id, 'creating')
    page.reload()
    expect(row(page, 'browser-snapshot')).to_contain_text('Creating')
    page.evaluate('window.volsnapNotReloaded = true')
    with page.expect_request(re.compile(r'action=row_update')):
        admin.volume_snapshots.reset_state(snapshot.id, 'available')
    expect(row(page, 'browser-snapshot')).to_contain_text('Available',
                                                          timeout=30000)
    assert page.evaluate('window.volsnapNotReloaded') is True
    # The README's first picture (doc/images/snapshot-list.png) is this
    # one: the panel with its tabs, the Snapshots tab open.
    tabs = page.locator('.nav-tabs [data-toggle=tab]')
    expect(tabs).to_have_text(['Snapshots', 'Backups', 'Volumes',
                               'Schedules', 'Orphans'])
    expect(page.locator('.nav-tabs li.active')).to_have_text('Snapshots')
    page.screenshot(path=os.path.join(SCREENSHOTS,
                                      'readme-snapshot-list.png'))

    snapshot_row.locator('a', has_text='Restore to New Volume').click()
    modal = page.locator('.modal-dialog')
    modal.locator('#id_restore__restore_name').fill('browser-restored')
    page.screenshot(path=os.path.join(SCREENSHOTS, 'restore-form.png'))
    modal.locator('input[type=submit], button[type=submit]').last.click()
    expect(page.locator('.messages, .alert-success').first).to_contain_text(
        'browser-restored', timeout=30000)
    restored = [v for v in demo.volumes.list()
                if v.name == 'browser-restored']
    assert len(restored) == 1
    devcloud.until_status(demo.volumes, restored[0].id, 'available')
    devcloud.delete_and_wait(demo.volumes, restored[0].id)

    snapshot_row = row(page, 'browser-snapshot')
    snapshot_row.locator('.themable-checkbox label').click()
    page.click('#protected_snapshots__action_delete')
    page.locator('.modal-dialog .btn-danger').click()
    expect(row(page, 'browser-snapshot')).to_have_count(0, timeout=60000)
    assert not [s for s in demo.volume_snapshots.list()
                if s.name == 'browser-snapshot' and s.status != 'deleting']


def test_reader_sees_no_action_buttons(browser, server, browser_volume):
    demo = devcloud.cinder_as('demo')
    snapshot = demo.volume_snapshots.create(browser_volume.id,
                                            name='reader-visible')
    devcloud.until_status(demo.volume_snapshots, snapshot.id, 'available')
    page = logged_in_page(browser, server, 'reader')
    expect(row(page, 'reader-visible')).to_have_count(1)
    assert page.locator('#protected_snapshots__action_protect').count() == 0
    assert page.locator('#protected_snapshots__action_delete').count() == 0
    assert row(page, 'reader-visible').locator(
        '.actions_column a, .actions_column button').count() == 0


def test_alt_sees_none_of_demos_snapshots(browser, server, browser_volume):
    demo = devcloud.cinder_as('demo')
    snapshot = demo.volume_snapshots.create(browser_volume.id,
                                            name='demo-private')
    devcloud.until_status(demo.volume_snapshots, snapshot.id, 'available')
    page = logged_in_page(browser, server, 'alt')
    expect(page.locator('#protected_snapshots')).to_be_visible()
    expect(row(page, 'demo-private')).to_have_count(0)


def test_admin_sees_both_projects_and_demo_has_no_admin_panel(
        browser, server, browser_volume):
    alt = devcloud.cinder_as('alt')
    alt_volume = alt.volumes.create(1, name='browser-alt-volume')
    devcloud.until_status(alt.volumes, alt_volume.id, 'available')
    alt_snapshot = alt.volume_snapshots.create(alt_volume.id,
                                               name='browser-alt-snap')
    demo = devcloud.cinder_as('demo')
    demo_snapshot = demo.volume_snapshots.create(browser_volume.id,
                                                 name='browser-demo-snap')
    try:
        devcloud.until_status(alt.volume_snapshots, alt_snapshot.id,
                             'available')
        devcloud.until_status(demo.volume_snapshots, demo_snapshot.id,
                             'available')
        page = logged_in_page(browser, server, 'admin')
        page.goto(server.url + '/admin/volume_protection/')
        admin_rows = page.locator('#admin_snapshots tbody tr')
        expect(admin_rows.filter(has_text='browser-alt-snap')).to_contain_text(
            'alt')
        expect(admin_rows.filter(has_text='browser-demo-snap')
               ).to_contain_text('demo')
        expect(page.locator('#volsnap-summary')).to_be_visible()
        page.screenshot(path=os.path.join(SCREENSHOTS, 'admin-list.png'))

        page = logged_in_page(browser, server, 'demo')
        expect(page.locator('#sidebar')).to_be_visible()
        assert page.locator(
            '#sidebar a[href="/admin/volume_protection/"]').count() == 0
        response = page.goto(server.url + '/admin/volume_protection/')
        assert response.status == 403
    finally:
        devcloud.delete_and_wait(alt.volume_snapshots, alt_snapshot.id)
        devcloud.delete_and_wait(alt.volumes, alt_volume.id)
