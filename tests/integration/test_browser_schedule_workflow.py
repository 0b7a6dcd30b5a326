"""The Create Schedule workflow in a real browser (Playwright, Debian's
chromium) on the dev cloud: a daily schedule whose next runs follow the
time zone chosen, and the forecast's warning when the snapshot quota is
too small; the previews come from the server as the fields change. And
the Volumes tab's warning once the project's schedules will not fit."""

import os

from playwright.sync_api import expect
import pytest

from tests.integration.test_browser import SCREENSHOTS
from tests.integration.test_browser import browser  # noqa: F401
from tests.integration.test_browser import logged_in_page
from tests.integration.test_browser import server  # noqa: F401
from tools.devkit import cinder as devcloud
from tools.devkit import horizon_client
from tools.devkit.cinder import project_id
from volsnap_dashboard.dashboards.schedules import api as schedules_api

pytestmark = pytest.mark.browser

CREATE = '/project/volume_protection/schedules/create/'
VOLUMES_TAB = '/project/volume_protection/?tab=volume_protection__volumes'


@pytest.fixture
def schedule_volume():
    with devcloud.temporary_volume(devcloud.cinder_as('demo'),
                                  'browser-scheduled') as volume:
        yield volume
        request = horizon_client.request_for(horizon_client.login('demo'))
        for found in schedules_api.list_for_volume(request, volume.id):
            schedules_api.delete(request, volume.id, found.id)


@pytest.fixture
def small_snapshot_quota():
    """demo's snapshot quota set to what it uses plus 3, restored after."""
    demo = devcloud.cinder_as('demo')
    admin = devcloud.cinder_as('admin')
    project = project_id(demo)
    before = admin.quotas.get(project).snapshots
    admin.quotas.update(project, snapshots=devcloud.snapshots_in_use(demo) + 3)
    try:
        yield
    finally:
        admin.quotas.update(project, snapshots=before)


def open_step(form, name):
    form.locator('.nav-pills a', has_text=name).click()


def test_daily_schedule_runs_follow_the_zone_and_quota_is_forecast(
        browser, server, schedule_volume, small_snapshot_quota):  # noqa: F811
    page = logged_in_page(browser, server, 'demo')
    page.goto(server.url + CREATE + '?volume_id=' + schedule_volume.id)
    form = page.locator('form.volsnap-schedule-workflow')
    expect(form.locator('.volsnap-picker-selected input:checked')
           ).to_have_count(1)

    open_step(form, 'When')
    expect(form.locator('#id_kind')).to_have_value('daily')
    # The daily preset's fields, and only those, are shown.
    expect(form.locator('#id_hour')).to_be_visible()
    expect(form.locator('#id_cron')).to_be_hidden()
    form.locator('#id_hour').fill('2')
    form.locator('#id_minute').fill('0')
    form.locator('#id_tz').select_option('Europe/Berlin')

    open_step(form, 'Retention')
    form.locator('#id_retention_count').fill('2')

    open_step(form, 'Review')
    runs = form.locator('.volsnap-next-runs')
    expect(runs.locator('thead')).to_contain_text('Europe/Berlin')
    expect(runs.locator('tbody tr')).to_have_count(5)
    expect(runs.locator('tbody tr').first).to_contain_text('02:00 CE')
    berlin_utc = runs.locator('tbody tr td').nth(1).inner_text()
    expect(form.locator('.volsnap-forecast')).to_contain_text(
        'hold 2 snapshots of each volume')
    expect(form.locator('.volsnap-forecast-warning')).to_have_count(0)

    open_step(form, 'When')
    form.locator('#id_tz').select_option('Asia/Tokyo')
    open_step(form, 'Review')
    expect(runs.locator('thead')).to_contain_text('Asia/Tokyo')
    expect(runs.locator('tbody tr').first).to_contain_text('02:00 JST')
    tokyo_utc = runs.locator('tbody tr td').nth(1).inner_text()
    assert tokyo_utc.endswith('17:00 UTC')
    assert tokyo_utc != berlin_utc

    # More snapshots kept than the quota left: the forecast warns.
    open_step(form, 'Retention')
    form.locator('#id_retention_count').fill('5')
    open_step(form, 'Review')
    expect(form.locator('.volsnap-forecast-warning')).to_contain_text(
        'This will not fit your quota')
    # The README's picture (doc/images/schedule-workflow.png) is this one.
    page.screenshot(path=os.path.join(SCREENSHOTS,
                                      'readme-schedule-workflow.png'))

    # Saving from the step at hand, not Review, is refused all the same:
    # the form asks before saving what will not fit, and nothing is saved.
    open_step(form, 'Retention')
    form.locator('input[type=submit]').click()
    form = page.locator('form.volsnap-schedule-workflow')
    expect(form).to_contain_text('Not saved: with the project\'s other '
                                 'schedules at full retention',
                                 timeout=30000)
    # (Horizon's themed box: its label is what shows.)
    expect(form.locator('label[for="id_allow_over_quota"]')).to_be_visible()
    expect(form.locator('#id_allow_over_quota')).not_to_be_checked()
    request = horizon_client.request_for(horizon_client.login('demo'))
    assert not schedules_api.list_for_volume(request, schedule_volume.id)

    # Keeping fewer fits: saved, without asking.
    open_step(form, 'Retention')
    form.locator('#id_retention_count').fill('2')
    form.locator('input[type=submit]').click()
    expect(page.locator('.alert-success').first).to_contain_text(
        'Created a schedule for volume browser-scheduled', timeout=30000)
    request = horizon_client.request_for(horizon_client.login('demo'))
    [saved] = schedules_api.list_for_volume(request, schedule_volume.id)
    assert (saved.when.cron, saved.when.tz) == ('0 2 * * *', 'Asia/Tokyo')
    assert saved.retention.count == 2


def test_the_volumes_tab_warns_when_the_schedules_will_not_fit(
        browser, server, schedule_volume, small_snapshot_quota):  # noqa: F811
    page = logged_in_page(browser, server, 'demo')
    page.goto(server.url + VOLUMES_TAB)
    expect(page.locator('#volume_protection tbody tr').first).to_be_visible()
    warning = page.locator('.volsnap-quota-warning')
    expect(warning).to_have_count(0)

    # A schedule keeping 5 where the quota has room for 3 more.
    request = horizon_client.request_for(horizon_client.login('demo'))
    schedules_api.create(
        request, schedule_volume.id,
        {'preset': {'kind': 'daily', 'hour': 2, 'minute': 0}, 'tz': 'UTC'},
        {'description': '', 'force': False}, 'browser-{time}',
        {'count': 5})
    page.reload()
    expect(warning).to_contain_text(
        "The project's schedules will not fit its quota once their "
        "retention is full")
