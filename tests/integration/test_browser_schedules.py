"""The Schedules tab in a real browser (Playwright, Debian's chromium):
pause and resume from the row's menu; Delete asks whether to keep the
snapshots, and keeps them unless told otherwise."""

import os

from playwright.sync_api import expect
import pytest

from tests.integration import test_browser
from tools.devkit import cinder as devcloud
from tools.devkit import horizon_client
from volsnap_dashboard.dashboards.schedules import api as schedules_api
from volsnap_dashboard.dashboards.schedules import rows as schedule_rows
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
