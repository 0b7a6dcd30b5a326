"""The panel in German, as a German user meets it: the language chosen
in Horizon's own settings, then Protect Volumes, Restore to New Volume
and Create Schedule walked through in a real browser, every text the
test looks for taken from the package's German catalog."""

import re

from django.utils import translation
from playwright.sync_api import expect
import pytest

from tests.integration.test_browser import browser  # noqa: F401
from tests.integration.test_browser import logged_in_page
from tests.integration.test_browser import row
from tests.integration.test_browser import server  # noqa: F401
from tools.devkit import cinder as devcloud
from tools.devkit import horizon_client
from volsnap_dashboard.dashboards.schedules import api as schedules_api

pytestmark = pytest.mark.browser

CREATE = '/project/volume_protection/schedules/create/'


def german(text):
    with translation.override('de'):
        return str(translation.gettext(text))


def german_plural(singular, plural, count):
    with translation.override('de'):
        return str(translation.ngettext(singular, plural, count))


def visible_text(html):
    return re.sub(r'<[^>]+>', '', html)


@pytest.fixture
def german_volume():
    with devcloud.temporary_volume(devcloud.cinder_as('demo'),
                                  'browser-de') as volume:
        yield volume
        request = horizon_client.request_for(horizon_client.login('demo'))
        for schedule in schedules_api.list_for_volume(request, volume.id):
            schedules_api.delete(request, volume.id, schedule.id,
                                 keep_protections=False)


def test_protect_restore_and_schedule_in_german(browser, server,  # noqa: F811
                                                german_volume):
    assert german('Protect Volumes') != 'Protect Volumes'
    demo = devcloud.cinder_as('demo')
    page = logged_in_page(browser, server, 'demo')
    page.goto(server.url + '/settings/')
    page.locator('#id_language').select_option('de')
    page.locator('form input[type=submit], form button[type=submit]'
                 ).last.click()
    page.goto(server.url + '/project/volume_protection/')

    tabs = page.locator('.nav-tabs [data-toggle=tab]')
    expect(tabs.first).to_have_text(german('Snapshots'))
    protect = page.locator('#protected_snapshots__action_protect')
    expect(protect).to_contain_text(german('Protect Volumes'))

    protect.click()
    modal = page.locator('.modal-dialog')
    expect(modal).to_contain_text(german('Snapshot Name'))
    modal.get_by_label(re.compile('browser-de')).check()
    modal.locator('#id_option_snapshot_name').fill('browser-de-snapshot')
    modal.locator('input[type=submit], button[type=submit]').last.click()
    snapshot_row = row(page, 'browser-de-snapshot')
    expect(snapshot_row).to_have_count(1)
    [snapshot] = [s for s in demo.volume_snapshots.list()
                  if s.name == 'browser-de-snapshot']
    devcloud.until_status(demo.volume_snapshots, snapshot.id, 'available')
    page.reload()
    snapshot_row = row(page, 'browser-de-snapshot')
    expect(snapshot_row).to_contain_text(german('Available'))

    snapshot_row.locator('a', has_text=german('Restore to New Volume')
                         ).click()
    modal = page.locator('.modal-dialog')
    modal.locator('#id_restore__restore_name').fill('browser-de-restored')
    modal.locator('input[type=submit], button[type=submit]').last.click()
    said = german('Restoring {kind} "{snapshot}" to new volume '
                  '<a href="{url}">{volume}</a>.')
    expect(page.locator('.messages, .alert-success').first).to_contain_text(
        visible_text(said.format(kind=german('snapshot'),
                                 snapshot='browser-de-snapshot', url='',
                                 volume='browser-de-restored')),
        timeout=30000)
    [restored] = [v for v in demo.volumes.list()
                  if v.name == 'browser-de-restored']
    devcloud.until_status(demo.volumes, restored.id, 'available')
    devcloud.delete_and_wait(demo.volumes, restored.id)
    devcloud.delete_and_wait(demo.volume_snapshots, snapshot.id)

    page.goto(server.url + CREATE + '?volume_id=' + german_volume.id)
    form = page.locator('form.volsnap-schedule-workflow')
    form.locator('.nav-pills a', has_text=german('When')).click()
    form.locator('#id_hour').fill('3')
    form.locator('#id_minute').fill('0')
    form.locator('#id_tz').select_option('Europe/Berlin')
    form.locator('.nav-pills a', has_text=german('Retention')).click()
    form.locator('#id_retention_count').fill('3')
    form.locator('input[type=submit]').click()
    expect(page.locator('.alert-success').first).to_contain_text(
        german_plural('Created a schedule for volume %(volumes)s.',
                      'Created schedules for volumes %(volumes)s.', 1)
        % {'volumes': 'browser-de'}, timeout=30000)
