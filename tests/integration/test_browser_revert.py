"""Revert Volume to This Snapshot in the browser: the confirmation names
the volume and what is lost, refuses a wrong name, and reverts with the
right one (Playwright and Debian's chromium on the dev cloud)."""

from playwright.sync_api import expect
import pytest

from tests.integration import cloud
from tests.integration.test_browser import browser  # noqa: F401
from tests.integration.test_browser import logged_in_page
from tests.integration.test_browser import server  # noqa: F401
from tests.integration import waiting

pytestmark = pytest.mark.browser


def test_revert_asks_for_the_volume_name_then_reverts(browser,  # noqa: F811
                                                      server):  # noqa: F811
    demo = cloud.cinder_as('demo')
    with waiting.temporary_volume(demo, 'browser-revert') as volume:
        snapshot = demo.volume_snapshots.create(volume.id,
                                                name='browser-revert-snap')
        try:
            waiting.until_status(demo.volume_snapshots, snapshot.id,
                                 'available')
            page = logged_in_page(browser, server, 'demo')
            row = page.locator('tr[data-object-id="%s"]' % snapshot.id)
            row.locator('.dropdown-toggle').click()
            row.locator('a', has_text='Revert Volume to This Snapshot'
                        ).click()
            modal = page.locator('#revert_snapshot_modal')
            expect(modal).to_be_visible()
            expect(modal).to_contain_text('Volume "browser-revert" goes back')
            expect(modal).to_contain_text('Everything written to '
                                          '"browser-revert" since then is '
                                          'lost')

            modal.locator('#id_confirm_name').fill('browser-rever')
            modal.locator('input[type=submit]').click()
            expect(page.locator('#revert_snapshot_modal')).to_contain_text(
                "Type the volume's name exactly")
            assert demo.volumes.get(volume.id).status == 'available'

            page.locator('#revert_snapshot_modal #id_confirm_name').fill(
                'browser-revert')
            page.locator('#revert_snapshot_modal input[type=submit]').click()
            expect(page.locator('.alert-success')).to_contain_text(
                'Reverting volume "browser-revert"')
            waiting.until_status(demo.volumes, volume.id, 'available')
        finally:
            waiting.delete_and_wait(demo.volume_snapshots, snapshot.id)
