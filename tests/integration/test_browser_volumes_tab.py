"""The Volumes tab in a real browser (Playwright, Debian's chromium) on
the dev cloud: a new volume shows as unprotected, the state filter shows
and hides it, Add Schedule opens the workflow with it picked, and after
`volsnap-scheduler --once` made the schedule's run the volume shows as
protected with its newest snapshot and next run; Protect Now opens the
Protect form with the volume ticked."""

import datetime
import os
import re

from django.utils import formats
from django.utils import translation
from playwright.sync_api import expect
import pytest

from tests.integration import test_browser
from tests.integration import test_scheduler
from tests.integration import test_schedules_api
from tools.devkit import cinder as devcloud
from tools.devkit import horizon_client
from tools.devkit.cinder import project_id
from volsnap_dashboard.dashboards.schedules import api as schedules_api
from volsnap_dashboard.protection.schedule import timing

pytestmark = pytest.mark.browser

server = test_browser.server
browser = test_browser.browser
scheduler_env = test_scheduler.scheduler_env
TAB = '/project/volume_protection/?tab=volume_protection__volumes'
# doc/images/volumes-tab.png in the README is a copy of this one.
SCREENSHOT = os.path.join(test_browser.SCREENSHOTS,
                          'readme-volumes-tab.png')
VOLUME_NAME = 'browser-unprotected'
# The table's columns, after the box that ticks the row and the
# volume's name and size.
STATE, NEWEST, AGE, NEXT_RUN = 3, 4, 5, 6


@pytest.fixture
def unprotected_volume():
    """A new volume of demo's; afterwards its schedules are deleted (and
    with them their trusts), then its snapshots and the volume."""
    demo = devcloud.cinder_as('demo')
    with devcloud.temporary_volume(demo, VOLUME_NAME) as volume:
        try:
            yield volume
        finally:
            request = horizon_client.request_for(
                horizon_client.login('demo'))
            for found in schedules_api.list_for_volume(request, volume.id):
                schedules_api.delete(request, volume.id, found.id)
                assert not test_schedules_api.trust_works(
                    found.trust_id, project_id(demo))


def volume_row(page, volume):
    return page.locator('#volume_protection tr[data-object-id="%s"]'
                        % volume.id)


def cell(row, column):
    return row.locator('td').nth(column)


def state_filter(page, state):
    """Chooses ``state`` (the page reloads, in that state)."""
    page.locator('#volume_protection .volsnap-state-filter a[data-state='
                 '"%s"]' % state).click()
    expect(page.locator('#volume_protection .volsnap-state-filter '
                        'a.active')).to_have_attribute('data-state', state)


def utc_text(moment):
    return moment.astimezone(datetime.timezone.utc).strftime(
        '%Y-%m-%dT%H:%M:%SZ')


def test_a_volume_from_unprotected_to_protected_by_a_schedule(
        browser, server, unprotected_volume, scheduler_env):
    demo = devcloud.cinder_as('demo')
    page = test_browser.logged_in_page(browser, server, 'demo')
    page.goto(server.url + TAB)
    row = volume_row(page, unprotected_volume)
    expect(cell(row, STATE)).to_have_text('Unprotected')
    expect(cell(row, NEWEST)).to_have_text('None')
    expect(cell(row, NEXT_RUN)).to_have_text('-')

    # The state filter shows only the rows of the state chosen.
    state_filter(page, 'protected')
    expect(row).to_be_hidden()
    state_filter(page, 'unprotected')
    expect(row).to_be_visible()
    state_filter(page, 'all')
    expect(row).to_be_visible()

    # Add Schedule: the workflow opens with this volume picked.
    test_browser.choose_from_row_menu(
        row, row.locator('a[id$="__action_add_schedule"]'))
    form = page.locator('#modal_wrapper form.volsnap-schedule-workflow')
    picked = form.locator('.volsnap-picker-selected input:checked')
    expect(picked).to_have_count(1)
    expect(form.locator('.volsnap-picker-selected label')).to_contain_text(
        VOLUME_NAME)
    form.locator('.nav-pills a', has_text='When').click()
    expect(form.locator('#id_kind')).to_have_value('daily')
    form.locator('#id_hour').fill('3')
    form.locator('#id_minute').fill('30')
    form.locator('#id_tz').select_option('UTC')
    form.locator('.nav-pills a', has_text='Retention').click()
    form.locator('#id_retention_count').fill('2')
    form.locator('input[type=submit]').click()
    expect(page.locator('.alert-success').first).to_contain_text(
        'Created a schedule for volume ' + VOLUME_NAME, timeout=30000)

    request = horizon_client.request_for(horizon_client.login('demo'))
    [schedule] = schedules_api.list_for_volume(request,
                                               unprotected_volume.id)
    assert (schedule.when.cron, schedule.when.tz) == ('30 3 * * *', 'UTC')
    [slot] = timing.next_runs(schedule.when.cron, schedule.when.tz,
                              schedule.created, 1)

    # Saved, not yet run: nothing to restore yet, and the page says so.
    page.goto(server.url + TAB)
    row = volume_row(page, unprotected_volume)
    expect(cell(row, STATE)).to_have_text('Scheduled, no restore point yet')
    expect(cell(row, NEWEST)).to_have_text('None')
    with translation.override('en'):
        day = formats.date_format(slot, 'DATE_FORMAT')
    expect(cell(row, NEXT_RUN)).to_have_text(day + ' 03:30 UTC')

    # The scheduler makes the run, a minute after its slot.
    test_scheduler.run_once(
        scheduler_env, utc_text(slot + datetime.timedelta(minutes=1)))
    [snapshot] = test_scheduler.snapshots_of(demo, unprotected_volume.id)
    devcloud.until_status(demo.volume_snapshots, snapshot.id, 'available')

    page.reload()
    row = volume_row(page, unprotected_volume)
    expect(cell(row, STATE)).to_have_text('Protected')
    expect(cell(row, NEWEST)).to_have_text(snapshot.name)
    expect(cell(row, NEWEST).locator('a')).to_have_attribute(
        'href', re.compile(re.escape(snapshot.id)))
    # With backups offered too, the age says which kind it is.
    expect(cell(row, AGE)).to_have_text(re.compile(
        r'^\s*snapshot taken \d+\sminutes? ago\s*$'))
    expect(cell(row, NEXT_RUN)).to_have_text(re.compile(
        r'^\s*[A-Z][a-z]+\.? \d{1,2}, \d{4} 03:30 UTC\s*$'))
    state_filter(page, 'protected')
    expect(row).to_be_visible()
    state_filter(page, 'unprotected')
    expect(row).to_be_hidden()
    state_filter(page, 'all')
    page.screenshot(path=SCREENSHOT)

    # Its one snapshot deleted by someone else: the schedule still runs,
    # but the volume has no restore point and is not called protected.
    demo.volume_snapshots.delete(snapshot)
    devcloud.until_gone(demo.volume_snapshots, snapshot.id)
    page.reload()
    row = volume_row(page, unprotected_volume)
    expect(cell(row, STATE)).to_have_text(
        'Not protected: no available restore point')
    expect(cell(row, NEWEST)).to_have_text('None')

    # Protect Now: the Protect form with this volume ticked.
    row.locator('a[id$="__action_protect_now"]').click()
    modal = page.locator('#modal_wrapper .modal-dialog')
    ticked = modal.locator('.volsnap-picker-selected input:checked')
    expect(ticked).to_have_count(1)
    expect(modal.locator('.volsnap-picker-selected label')).to_contain_text(
        VOLUME_NAME)
    expect(modal).to_contain_text('Snapshot Name')
