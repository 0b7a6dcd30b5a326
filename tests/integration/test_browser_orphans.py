"""The Orphans tab in the browser (Playwright and Debian's chromium on the
dev cloud): the admin sees every project's orphans with the project's
name; the tenant's Delete asks first (cancelled: nothing happens), Keep
moves a snapshot to the kept list, Adopt gives a snapshot of a deleted
schedule to another schedule of its volume. Saves the tab as
readme-orphans.png (doc/images/orphans.png)."""

import datetime
import os

from playwright.sync_api import expect
import pytest

from tests.integration import cloud
from tests.integration.test_browser import browser  # noqa: F401
from tests.integration.test_browser import logged_in_page
from tests.integration.test_browser import SCREENSHOTS
from tests.integration.test_browser import server  # noqa: F401
from tests.integration import waiting
from tests.unit.protection.schedule import factories
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection import verification

pytestmark = pytest.mark.browser

TAB = '/project/volume_protection/?tab=volume_protection__orphans'
ADMIN_TAB = '/admin/volume_protection/?tab=volume_protection__orphans'
GONE_SCHEDULE = '0a1b2c3d'


def orphan_snapshot(cinder, volume, name):
    """A snapshot made by a schedule since deleted from the volume."""
    snapshot = cinder.volume_snapshots.create(volume.id, name=name, metadata={
        codec.SNAPSHOT_SCHEDULE_KEY: GONE_SCHEDULE,
        codec.SNAPSHOT_VOLUME_KEY: volume.id})
    return waiting.until_status(cinder.volume_snapshots, snapshot.id,
                                'available')


def row(page, table, resource_type, resource):
    return page.locator('#%s tr[data-object-id="%s-%s"]'
                        % (table, resource_type, resource.id))


def confirmation(page):
    return page.locator('.modal-dialog', has_text='Confirm')


def test_orphans_delete_keep_adopt(browser, server):  # noqa: F811
    demo = cloud.cinder_as('demo')
    project_id = demo.client.session.get_project_id()
    with waiting.temporary_volume(demo, 'browser-orphans') as volume, \
            waiting.temporary_volume(demo, 'browser-orphan-verify') as left:
        weekly = factories.schedule(id='feedbeef', label='browser-weekly',
                                    volume_id=volume.id,
                                    project_id=project_id)
        demo.volumes.set_metadata(volume.id, dict(
            codec.encode_definition(weekly),
            **{codec.MARKER_KEY: codec.MARKER_VALUE}))
        started = datetime.datetime.now(
            datetime.timezone.utc) - datetime.timedelta(hours=2)
        demo.volumes.set_metadata(left.id, verification.volume_metadata(
            'ffffffff-0000-4000-8000-000000000000', started))
        adopted = orphan_snapshot(demo, volume, 'browser-orphan-adopted')
        kept = orphan_snapshot(demo, volume, 'browser-orphan-kept')

        # The admin sees them all, with the project's name.
        admin = logged_in_page(browser, server, 'admin')
        admin.goto(server.url + ADMIN_TAB)
        for resource_type, resource in (('snapshot', adopted),
                                        ('snapshot', kept),
                                        ('volume', left)):
            expect(row(admin, 'admin_orphans', resource_type, resource)
                   ).to_contain_text('demo')
        expect(row(admin, 'admin_orphans', 'volume', left)).to_contain_text(
            'Verification volume left behind')
        admin.context.close()

        page = logged_in_page(browser, server, 'demo')
        page.goto(server.url + TAB)
        expect(page.locator('.nav-tabs li.active')).to_have_text('Orphans')
        expect(row(page, 'orphans', 'snapshot', adopted)).to_contain_text(
            'Snapshot of a deleted schedule')
        expect(row(page, 'orphans', 'volume', left)).to_be_visible()
        page.screenshot(path=os.path.join(SCREENSHOTS,
                                          'readme-orphans.png'))

        # Delete asks first: cancelled, the volume stays; confirmed, gone.
        def click_delete():
            left_row = row(page, 'orphans', 'volume', left)
            left_row.locator('.dropdown-toggle').click()
            left_row.locator('button[value="orphans__delete__volume-%s"]'
                             % left.id).click()
        click_delete()
        dialog = confirmation(page)
        expect(dialog).to_be_visible()
        expect(dialog).to_contain_text('browser-orphan-verify')
        dialog.locator('.cancel').click()
        expect(dialog).to_be_hidden()
        page.reload()
        expect(row(page, 'orphans', 'volume', left)).to_have_count(1)
        assert demo.volumes.get(left.id).status == 'available'
        click_delete()
        confirmation(page).locator('.btn-danger').click()
        waiting.until_gone(demo.volumes, left.id)

        # Keep: off the list, on the kept one.
        page.goto(server.url + TAB)
        kept_row = row(page, 'orphans', 'snapshot', kept)
        kept_row.locator('.dropdown-toggle').click()
        kept_row.locator('button', has_text='Keep').click()
        expect(page.locator('.alert-success, .alert')).to_contain_text(
            'browser-orphan-kept')
        expect(row(page, 'orphans', 'snapshot', kept)).to_have_count(0)
        page.click('#orphans__action_show_kept')
        expect(row(page, 'orphans', 'snapshot', kept)).to_be_visible()
        assert demo.volume_snapshots.get(kept.id).metadata.get(
            'volsnap_kept') == '1'

        # Adopt: choose the volume's other schedule.
        page.goto(server.url + TAB)
        row(page, 'orphans', 'snapshot', adopted).locator(
            'a', has_text='Adopt into a Schedule').click()
        modal = page.locator('#adopt_orphan_modal')
        expect(modal).to_be_visible()
        expect(modal.locator('#id_schedule')).to_contain_text(
            'browser-weekly')
        modal.locator('#id_schedule').select_option('feedbeef')
        modal.locator('button[type=submit], input[type=submit]').click()
        expect(page.locator('.alert')).to_contain_text('browser-weekly')
        expect(row(page, 'orphans', 'snapshot', adopted)).to_have_count(0)
        metadata = demo.volume_snapshots.get(adopted.id).metadata
        assert metadata[codec.SNAPSHOT_SCHEDULE_KEY] == 'feedbeef'
