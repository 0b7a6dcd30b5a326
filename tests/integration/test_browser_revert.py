"""Revert Volume to This Snapshot in the browser: not on an older
snapshot; on the newest, greyed while the volume is busy, saying why (on
hover, and reached with the keyboard); once it is available, the
confirmation names the volume and what is lost, refuses
a wrong name, and reverts with the right one (Playwright and Debian's
chromium on the dev cloud). Saves the confirmation as readme-revert.png
(doc/images/revert.png)."""

import os

from playwright.sync_api import expect
import pytest

from tests.integration.test_browser import SCREENSHOTS
from tests.integration.test_browser import browser  # noqa: F401
from tests.integration.test_browser import choose_from_row_menu
from tests.integration.test_browser import logged_in_page
from tests.integration.test_browser import open_row_menu
from tests.integration.test_browser import server  # noqa: F401
from tools.devkit import cinder as devcloud

pytestmark = pytest.mark.browser

REVERT = 'Revert Volume to This Snapshot'
REASON = ('The volume is "Backing Up": Block Storage reverts only an '
          'available volume (detached, not busy).')


def snapshot_of(cinder, volume, name):
    snapshot = cinder.volume_snapshots.create(volume.id, name=name)
    return devcloud.until_status(cinder.volume_snapshots, snapshot.id,
                                'available')


def test_revert_asks_for_the_volume_name_then_reverts(browser,  # noqa: F811
                                                      server):  # noqa: F811
    demo = devcloud.cinder_as('demo')
    with devcloud.temporary_volume(demo, 'browser-revert') as volume:
        older = snapshot_of(demo, volume, 'browser-revert-older')
        snapshot = None
        try:
            snapshot = snapshot_of(demo, volume, 'browser-revert-snap')
            page = logged_in_page(browser, server, 'demo')

            # The older snapshot: no revert entry in its menu.
            row = page.locator('tr[data-object-id="%s"]' % older.id)
            open_row_menu(row, row.locator('a', has_text='Edit Snapshot'))
            expect(row.locator('.dropdown-menu', has_text=REVERT)
                   ).to_have_count(0)
            page.keyboard.press('Escape')

            # The newest, its volume busy (as a backup would make it):
            # greyed, the reason on hover, focusable.
            admin = devcloud.cinder_as('admin')
            admin.volumes.reset_state(volume.id, 'backing-up')
            page.reload()
            row = page.locator('tr[data-object-id="%s"]' % snapshot.id)
            toggle = row.locator('.dropdown-toggle')
            greyed = row.locator('li.disabled a', has_text=REVERT)
            open_row_menu(row, greyed)
            expect(greyed).to_have_attribute('title', REASON)
            expect(greyed).to_have_attribute('aria-disabled', 'true')
            greyed.hover()
            expect(page.locator('.tooltip')).to_have_text(REASON)
            page.screenshot(path=os.path.join(SCREENSHOTS,
                                              'revert-greyed.png'))
            page.mouse.move(0, 0)
            expect(page.locator('.tooltip')).to_have_count(0)
            toggle.focus()
            for _ in range(10):
                page.keyboard.press('Tab')
                if greyed.evaluate('link => link === document.activeElement'):
                    break
            expect(greyed).to_be_focused()
            expect(page.locator('.tooltip')).to_have_text(REASON)
            expect(greyed).to_be_disabled()  # nothing to follow
            assert greyed.get_attribute('href') is None
            page.keyboard.press('Escape')

            admin.volumes.reset_state(volume.id, 'available')
            page.reload()
            row = page.locator('tr[data-object-id="%s"]' % snapshot.id)
            choose_from_row_menu(row, row.locator('a', has_text=REVERT))
            modal = page.locator('#revert_snapshot_modal')
            expect(modal).to_be_visible()
            expect(modal).to_contain_text('Volume "browser-revert" goes back')
            expect(modal).to_contain_text('Everything written to '
                                          '"browser-revert" since then is '
                                          'lost')

            # The README's picture: the confirmation, the name typed.
            modal.locator('#id_confirm_name').fill('browser-revert')
            page.screenshot(path=os.path.join(SCREENSHOTS,
                                              'readme-revert.png'))

            modal.locator('#id_confirm_name').fill('browser-rever')
            modal.locator('input[type=submit]').click()
            expect(page.locator('#revert_snapshot_modal')).to_contain_text(
                "Type the volume's name exactly")
            assert demo.volumes.get(volume.id).status == 'available'

            confirm = page.locator('#revert_snapshot_modal #id_confirm_name')
            confirm.fill('browser-revert')
            page.locator('#revert_snapshot_modal input[type=submit]').click()
            expect(page.locator('.alert-success')).to_contain_text(
                'Reverting volume "browser-revert" to snapshot '
                '"browser-revert-snap"')
            devcloud.until_status(demo.volumes, volume.id, 'available')
            # The row ends available, offering the revert again.
            row = page.locator('tr[data-object-id="%s"]' % snapshot.id)
            expect(row.locator('td', has_text='Available')).to_have_count(1)
        finally:
            for item in (snapshot, older):
                if item is not None:
                    devcloud.delete_and_wait(demo.volume_snapshots, item.id)
