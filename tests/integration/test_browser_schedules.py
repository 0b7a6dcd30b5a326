"""The Schedules tab in a real browser (Playwright, Debian's chromium):
pause and resume from the row's menu; Delete asks whether to keep the
snapshots, and keeps them unless told otherwise. And on the Snapshots
tab, Keep, Stop Keeping and Edit Snapshot's Keep on a snapshot a
schedule made."""

import os

from playwright.sync_api import expect
import pytest

from tests.integration import test_browser
from tools.devkit import cinder as devcloud
from tools.devkit import horizon_client
from volsnap_dashboard.dashboards.schedules import api as schedules_api
from volsnap_dashboard.dashboards.schedules import rows as schedule_rows
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import store

pytestmark = pytest.mark.browser

server = test_browser.server
browser = test_browser.browser
TAB = '/project/volume_protection/?tab=volume_protection__schedules'
# doc/images/schedules-tab.png in the README is a copy of this one.
SCREENSHOT = os.path.join(test_browser.SCREENSHOTS, 'schedules-tab.png')


@pytest.fixture
def browser_schedule():
    demo = devcloud.cinder_as('demo')
    with devcloud.temporary_volume(demo, 'browser-scheduled') as volume:
        request = horizon_client.request_for(horizon_client.login('demo'))
        schedule = schedules_api.create(
            request, volume.id,
            {'preset': {'kind': 'daily', 'hour': 2, 'minute': 0},
             'tz': 'Europe/Berlin'},
            {'description': 'browser', 'force': False},
            'browser-{volume_name}-{time:%Y%m%d-%H%M}', {'count': 7},
            label='nightly')
        try:
            yield schedule
        finally:
            if store.schedules_of(demo.volumes.get(volume.id)):
                schedules_api.delete(request, volume.id, schedule.id)


def schedule_row(page, schedule):
    return page.locator('#schedules tr[data-object-id="%s"]' %
                        schedule_rows.row_id(schedule.volume_id,
                                             schedule.id))


def row_action(page, schedule, action):
    """Click a row's one-click action (no confirmation: it is undone by
    its counterpart)."""
    row = schedule_row(page, schedule)
    test_browser.choose_from_row_menu(row, row.locator(
        'button[value="schedules__%s__%s"]' % (
            action, schedule_rows.row_id(schedule.volume_id,
                                         schedule.id))))


def test_pause_resume_and_delete_keeping_snapshots(browser, server,
                                                   browser_schedule):
    page = test_browser.logged_in_page(browser, server, 'demo')
    page.goto(server.url + TAB)
    row = schedule_row(page, browser_schedule)
    expect(row).to_contain_text('daily at 02:00 Europe/Berlin')
    expect(row).to_contain_text('Active')
    page.screenshot(path=SCREENSHOT)

    row_action(page, browser_schedule, 'pause')
    expect(schedule_row(page, browser_schedule)).to_contain_text('Paused')
    row_action(page, browser_schedule, 'resume')
    expect(schedule_row(page, browser_schedule)).to_contain_text('Active')

    row = schedule_row(page, browser_schedule)
    test_browser.choose_from_row_menu(
        row, row.locator('a[id$="__action_delete_schedule"]'))
    modal = page.locator('.modal-dialog', has_text='Its snapshots')
    expect(modal).to_be_visible()
    expect(modal.locator('input[value="keep"]')).to_be_checked()
    expect(modal.locator('input[value="delete"]')).not_to_be_checked()
    modal.locator('input[type=submit], button[type=submit]').last.click()
    expect(page.locator('.alert-success')).to_contain_text(
        'its snapshots were kept')
    expect(schedule_row(page, browser_schedule)).to_have_count(0)


@pytest.fixture
def scheduled_snapshot(browser_schedule):
    """A snapshot the schedule made (tagged as the scheduler tags it),
    deleted afterwards: kept, its schedule's deletion leaves it."""
    demo = devcloud.cinder_as('demo')
    snapshot = demo.volume_snapshots.create(
        browser_schedule.volume_id, name='browser-golden',
        metadata={codec.SNAPSHOT_SCHEDULE_KEY: browser_schedule.id})
    try:
        devcloud.until_status(demo.volume_snapshots, snapshot.id,
                             'available')
        yield snapshot
    finally:
        devcloud.delete_and_wait(demo.volume_snapshots, snapshot.id)


def kept(snapshot):
    metadata = devcloud.cinder_as('demo').volume_snapshots.get(
        snapshot.id).metadata
    return metadata.get(codec.KEPT_KEY) == codec.KEPT_VALUE


def test_keep_a_scheduled_snapshot_and_give_it_back(browser, server,
                                                   scheduled_snapshot):
    page = test_browser.logged_in_page(browser, server, 'demo')
    snapshot_row = test_browser.row(page, 'browser-golden')
    expect(snapshot_row).to_contain_text('nightly: daily at 02:00')
    expect(snapshot_row).not_to_contain_text('kept')

    # Keep, from the row's menu: marked, and out of retention's reach.
    test_browser.choose_from_row_menu(snapshot_row, snapshot_row.locator(
        'button[value="protected_snapshots__keep__%s"]'
        % scheduled_snapshot.id))
    expect(page.locator('.alert-success').first).to_contain_text(
        "Kept, out of retention's reach")
    expect(test_browser.row(page, 'browser-golden')).to_contain_text(
        '(kept: its retention leaves it)')
    assert kept(scheduled_snapshot)

    # Stop Keeping gives it back to the schedule's retention.
    snapshot_row = test_browser.row(page, 'browser-golden')
    test_browser.choose_from_row_menu(snapshot_row, snapshot_row.locator(
        'button[value="protected_snapshots__stop_keeping__%s"]'
        % scheduled_snapshot.id))
    expect(page.locator('.alert-success').first).to_contain_text(
        'Given back to retention')
    expect(test_browser.row(page, 'browser-golden')).not_to_contain_text(
        'kept')
    assert not kept(scheduled_snapshot)

    # Renamed to keep it, as people do: Edit Snapshot says what
    # retention will do, and keeps it when asked.
    snapshot_row = test_browser.row(page, 'browser-golden')
    test_browser.choose_from_row_menu(snapshot_row, snapshot_row.locator(
        'a[id$="__action_edit"]'))
    modal = page.locator('.modal-dialog', has_text='Keep it, out of')
    # (The field's help, on its question mark.)
    expect(modal.locator('[title*="the schedule\'s retention deletes it"]')
           ).to_have_count(1)
    modal.locator('input[name="name"]').fill('browser-golden-KEEP')
    modal.locator('label[for="id_keep"]').click()
    modal.locator('input[type=submit], button[type=submit]').last.click()
    expect(page.locator('.alert-success').first).to_contain_text(
        'Updated snapshot "browser-golden-KEEP" and kept it')
    expect(test_browser.row(page, 'browser-golden-KEEP')).to_contain_text(
        '(kept: its retention leaves it)')
    assert kept(scheduled_snapshot)
