"""The Orphans tab in the browser (Playwright and Debian's chromium on the
dev cloud): the admin sees every project's orphans with the project's
name; the tenant's Delete asks first (cancelled: nothing happens), Keep
moves a snapshot to the kept list, Adopt gives a snapshot of a deleted
schedule to another schedule of its volume. Saves the tab as
readme-orphans.png (doc/images/orphans.png)."""

import datetime
import os
import re

from playwright.sync_api import expect
import pytest

from tests.integration.test_browser import SCREENSHOTS
from tests.integration.test_browser import browser  # noqa: F401
from tests.integration.test_browser import choose_from_row_menu
from tests.integration.test_browser import logged_in_page
from tests.integration.test_browser import server  # noqa: F401
from tests.unit.protection.schedule import factories
from tools.devkit import cinder as devcloud
from volsnap_dashboard.dashboards.orphans import finder as orphans
from volsnap_dashboard.protection import cinder_snapshot
from volsnap_dashboard.protection import verification
from volsnap_dashboard.protection.schedule import codec

pytestmark = pytest.mark.browser

TAB = '/project/volume_protection/?tab=volume_protection__orphans'
ADMIN_TAB = '/admin/volume_protection/?tab=volume_protection__orphans'
GONE_SCHEDULE = '0a1b2c3d'


def orphan_snapshot(cinder, volume, name):
    """A snapshot made by a schedule since deleted from the volume."""
    snapshot = cinder.volume_snapshots.create(volume.id, name=name, metadata={
        codec.SNAPSHOT_SCHEDULE_KEY: GONE_SCHEDULE,
        codec.SNAPSHOT_VOLUME_KEY: volume.id})
    return devcloud.until_status(cinder.volume_snapshots, snapshot.id,
                                'available')


def row(page, table, resource_type, resource):
    return page.locator('#%s tr[data-object-id="%s-%s"]'
                        % (table, resource_type, resource.id))


def confirmation(page):
    return page.locator('.modal-dialog', has_text='Confirm')


def test_orphans_delete_keep_adopt(browser, server):  # noqa: F811
    demo = devcloud.cinder_as('demo')
    project_id = demo.client.session.get_project_id()
    # Named as the scheduler names its temporary volumes (tags alone are
    # any member's writing).
    with devcloud.temporary_volume(demo, 'browser-orphans') as volume, \
            devcloud.temporary_volume(
                demo, 'volsnap-verify-browser-orphan') as left:
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
            choose_from_row_menu(left_row, left_row.locator(
                'button[value="orphans__delete__volume-%s"]' % left.id))
        click_delete()
        dialog = confirmation(page)
        expect(dialog).to_be_visible()
        expect(dialog).to_contain_text('volsnap-verify-browser-orphan')
        dialog.locator('.cancel').click()
        expect(dialog).to_be_hidden()
        page.reload()
        expect(row(page, 'orphans', 'volume', left)).to_have_count(1)
        assert demo.volumes.get(left.id).status == 'available'
        click_delete()
        confirmation(page).locator('.btn-danger').click()
        devcloud.until_gone(demo.volumes, left.id)

        # Keep: off the list, on the kept one.
        page.goto(server.url + TAB)
        kept_row = row(page, 'orphans', 'snapshot', kept)
        choose_from_row_menu(kept_row,
                             kept_row.locator('button', has_text='Keep'))
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


KINDS = dict(orphans.KIND_DISPLAY)


def filter_rows(page, table):
    """The rows shown: {row id: row text}."""
    return dict(page.locator('#%s tbody tr[data-object-id]' % table
                             ).evaluate_all(
        'rows => rows.map(row => [row.dataset.objectId, row.innerText])'))


def choose_kind(page, table, kind, pick_field=False):
    search = page.locator('#%s .volsnap-status-filter' % table)
    kinds = search.locator('select.volsnap-filter-status')
    if pick_field:  # the admin's filter starts on the project's text box
        expect(kinds).to_be_hidden()
        search.locator('.themable-select .dropdown-toggle').click()
        search.locator('.themable-select a[data-select-value="kind"]').click()
    expect(kinds).to_be_visible()
    expect(search.locator('input.volsnap-filter-text')).to_be_hidden()
    kinds.select_option(label=str(KINDS[kind]))
    search.locator('button[type=submit]').click()
    expect(page.locator('#%s select.volsnap-filter-status' % table)
           ).to_have_value(kind)


def assert_only(page, table, kind, present, absent=()):
    """Every row shown is of ``kind``; ``present`` rows are among them,
    ``absent`` ones not."""
    for row_id in present:
        expect(page.locator('#%s tr[data-object-id="%s"]'
                            % (table, row_id))).to_be_visible()
    shown = filter_rows(page, table)
    assert all(str(KINDS[kind]) in text for text in shown.values()), shown
    assert not set(absent) & set(shown), shown


def test_every_filter_of_the_orphans_tabs(browser, server):  # noqa: F811
    demo = devcloud.cinder_as('demo')
    alt = devcloud.cinder_as('alt')
    admin_cinder = devcloud.cinder_as('admin')
    two_hours_ago = datetime.datetime.now(
        datetime.timezone.utc) - datetime.timedelta(hours=2)
    gone_snapshot = {cinder_snapshot.RESTORED_FROM_KEY:
                     'eeeeeeee-0000-4000-8000-000000000000'}
    moved = devcloud.until_status(demo.volumes, demo.volumes.create(
        1, name='browser-filter-moved').id, 'available')
    moved_owner, moved_snapshot, alt_restored = demo, None, None
    try:
        moved_snapshot = devcloud.until_status(
            demo.volume_snapshots, demo.volume_snapshots.create(
                moved.id, name='browser-filter-novolume').id, 'available')
        transfer = demo.transfers.create(moved.id, name='browser-filter',
                                         no_snapshots=True)
        alt.transfers.accept(transfer.id, transfer.auth_key)
        moved_owner = alt
        alt_restored = devcloud.until_status(alt.volumes, alt.volumes.create(
            1, name='browser-filter-alt-restored',
            metadata=gone_snapshot).id, 'available')
        with devcloud.temporary_volume(demo, 'browser-filter') as volume, \
                devcloud.temporary_volume(
                    demo, 'volsnap-verify-browser-filter') as left, \
                devcloud.temporary_volume(demo, 'browser-filter-restored') \
                as restored:
            demo.volumes.set_metadata(left.id, verification.volume_metadata(
                'ffffffff-0000-4000-8000-000000000000', two_hours_ago))
            demo.volumes.set_metadata(restored.id, gone_snapshot)
            no_schedule = orphan_snapshot(demo, volume,
                                          'browser-filter-noschedule')
            kept = orphan_snapshot(demo, volume, 'browser-filter-kept')
            demo.volume_snapshots.set_metadata(kept.id,
                                               {'volsnap_kept': '1'})
            ids = {orphans.NO_VOLUME: 'snapshot-' + moved_snapshot.id,
                   orphans.NO_SCHEDULE: 'snapshot-' + no_schedule.id,
                   orphans.VERIFICATION_LEFT: 'volume-' + left.id,
                   orphans.RESTORED_NO_SNAPSHOT: 'volume-' + restored.id}
            kept_id = 'snapshot-' + kept.id
            alt_id = 'volume-' + alt_restored.id

            page = logged_in_page(browser, server, 'demo')
            page.goto(server.url + TAB)
            for kind, row_id in ids.items():
                choose_kind(page, 'orphans', kind)
                assert_only(page, 'orphans', kind, [row_id],
                            set(ids.values()) - {row_id} | {kept_id})
                expect(page.locator('.volsnap-orphan-counts')).to_contain_text(
                    '%s: ' % KINDS[kind])
            # All kinds again: each of them listed.
            kinds = page.locator('#orphans select.volsnap-filter-status')
            kinds.select_option(label='All kinds')
            page.locator('#orphans .volsnap-status-filter '
                         'button[type=submit]').click()
            expect(kinds).to_have_value('')
            for row_id in ids.values():
                expect(page.locator('#orphans tr[data-object-id="%s"]'
                                    % row_id)).to_be_visible()
            # Combined with Show Kept: the kept snapshot of that kind only.
            choose_kind(page, 'orphans', orphans.NO_SCHEDULE)
            page.click('#orphans__action_show_kept')
            expect(page).to_have_url(re.compile('kept=1'))
            assert_only(page, 'orphans', orphans.NO_SCHEDULE, [kept_id],
                        set(ids.values()))
            choose_kind(page, 'orphans', orphans.RESTORED_NO_SNAPSHOT)
            expect(page).to_have_url(re.compile('kept=1'))
            assert kept_id not in filter_rows(page, 'orphans')
            page.click('#orphans__action_show_orphans')
            assert_only(page, 'orphans', orphans.RESTORED_NO_SNAPSHOT,
                        [ids[orphans.RESTORED_NO_SNAPSHOT]])
            page.context.close()

            # The admin: by project (its name), then by kind.
            admin = logged_in_page(browser, server, 'admin')
            admin.goto(server.url + ADMIN_TAB)
            search = admin.locator('#admin_orphans .volsnap-status-filter')
            search.locator('input.volsnap-filter-text').fill('alt')
            search.locator('button[type=submit]').click()
            expect(admin.locator('#admin_orphans tr[data-object-id="%s"]'
                                 % alt_id)).to_be_visible()
            shown = filter_rows(admin, 'admin_orphans')
            assert not set(ids.values()) & set(shown), shown
            assert all(text.strip().startswith('alt')
                       for text in shown.values()), shown
            choose_kind(admin, 'admin_orphans', orphans.RESTORED_NO_SNAPSHOT,
                        pick_field=True)
            assert_only(admin, 'admin_orphans', orphans.RESTORED_NO_SNAPSHOT,
                        [alt_id, ids[orphans.RESTORED_NO_SNAPSHOT]],
                        [ids[orphans.NO_VOLUME]])
            admin.context.close()
    finally:
        if alt_restored is not None:
            devcloud.delete_and_wait(alt.volumes, alt_restored.id)
        if moved_snapshot is not None:
            # Only an administrator can delete it once its volume moved.
            devcloud.delete_and_wait(admin_cinder.volume_snapshots,
                                    moved_snapshot.id)
        devcloud.delete_and_wait(moved_owner.volumes, moved.id)
