"""Verify a snapshot in the browser: the row action asks for it, the row
says "Verification requested", and as volsnap-scheduler sweeps (start,
then record) the row follows by itself, without a reload, to "Verified"
(Playwright and Debian's chromium on the dev cloud)."""

import os
import re

from playwright.sync_api import expect
import pytest

from tests.integration import test_scheduler
from tests.integration import test_verify_http as verify_http
from tests.integration.test_browser import SCREENSHOTS
from tests.integration.test_browser import browser  # noqa: F401
from tests.integration.test_browser import choose_from_row_menu
from tests.integration.test_browser import logged_in_page
from tests.integration.test_browser import server  # noqa: F401
from tools.devkit import cinder as devcloud

pytestmark = pytest.mark.browser

scheduler_env = test_scheduler.scheduler_env
# doc/images/verify.png in the README is a copy of this one.
SCREENSHOT = os.path.join(SCREENSHOTS, 'readme-verify.png')


now_iso = verify_http.now_iso
temporary_volumes_of = verify_http.temporary_volumes_of


def test_verify_then_the_row_follows_to_verified(browser,  # noqa: F811
                                                 server,  # noqa: F811
                                                 scheduler_env):
    demo = devcloud.cinder_as('demo')
    with devcloud.temporary_volume(demo, 'browser-verify') as volume:
        snapshot = demo.volume_snapshots.create(volume.id,
                                                name='browser-verify-snap')
        try:
            devcloud.until_status(demo.volume_snapshots, snapshot.id,
                                 'available')
            page = logged_in_page(browser, server, 'demo')
            row = page.locator('tr[data-object-id="%s"]' % snapshot.id)
            choose_from_row_menu(
                row, row.locator('button', has_text='Verify Snapshot'))
            expect(page.locator('.alert-success')).to_contain_text(
                'Requested verification of Snapshot: browser-verify-snap')
            row = page.locator('tr[data-object-id="%s"]' % snapshot.id)
            expect(row).to_contain_text('Verification requested')
            expect(row).to_have_class(re.compile(r'\bwarning\b'))

            # The page stays open: its row update polls the result.
            test_scheduler.run_once(scheduler_env, now_iso())
            expect(row).to_contain_text('Verifying', timeout=60000)
            [temporary] = temporary_volumes_of(snapshot.id)
            devcloud.until_status(demo.volumes, temporary.id, 'available')
            test_scheduler.run_once(scheduler_env, now_iso())
            expect(row).to_contain_text('Verified', timeout=60000)
            expect(row).not_to_have_class(re.compile(r'\bwarning\b'))
            expect(row.locator('.volsnap-verified')).to_have_attribute(
                'title', re.compile(r'^\d{4}-\d\d-\d\d \d\d:\d\d UTC$'))
            page.screenshot(path=SCREENSHOT)
            devcloud.until_gone(demo.volumes, temporary.id)
        finally:
            admin = devcloud.cinder_as('admin')
            for left in temporary_volumes_of(snapshot.id):
                admin.volumes.force_delete(left)
                devcloud.until_gone(admin.volumes, left.id)
            devcloud.delete_and_wait(demo.volume_snapshots, snapshot.id)
