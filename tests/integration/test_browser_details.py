"""The detail pages, row menus, admin summary, metadata form and protect
form in a real browser: what Cinder allows, Horizon's conventions, and
the panels' own wording. Playwright and Debian's chromium against a live
Horizon on the dev cloud."""

import contextlib

from playwright.sync_api import expect
import pytest
import requests

from tests.integration.test_browser import browser  # noqa: F401
from tests.integration.test_browser import choose_from_row_menu
from tests.integration.test_browser import logged_in_page
from tests.integration.test_browser import open_row_menu
from tests.integration.test_browser import server  # noqa: F401
from tests.integration.test_browser_forms import open_protect_form
from tools.devkit import cinder as devcloud
from tools.devkit import identities

pytestmark = pytest.mark.browser

INDEX = '/project/volume_protection/'
ADMIN_INDEX = '/admin/volume_protection/'


@contextlib.contextmanager
def snapshot_of(cinder, volume, name, **fields):
    """An available snapshot of ``volume``; deleted afterwards, after
    being set back to available as admin if a test moved its status."""
    snapshot = cinder.volume_snapshots.create(volume.id, name=name, **fields)
    try:
        yield devcloud.until_status(cinder.volume_snapshots, snapshot.id,
                                   'available')
    finally:
        if cinder.volume_snapshots.get(snapshot.id).status != 'available':
            devcloud.cinder_as('admin').volume_snapshots.reset_state(
                snapshot.id, 'available')
        devcloud.delete_and_wait(cinder.volume_snapshots, snapshot.id)


@pytest.fixture
def demo_volume():
    with devcloud.temporary_volume(devcloud.cinder_as('demo'),
                                  'browser-details') as volume:
        yield volume


def snapshot_row(page, snapshot, table='protected_snapshots'):
    return page.locator('#%s tr[data-object-id="%s"]' % (table, snapshot.id))


def test_detail_lists_a_volume_made_outside_the_plugin(
        browser, server, demo_volume):  # noqa: F811
    demo = devcloud.cinder_as('demo')
    with snapshot_of(demo, demo_volume, 'browser-detail') as snapshot:
        # As Horizon's own Create Volume does: no tag of the plugin's.
        made = demo.volumes.create(1, name='browser-made-by-horizon',
                                   snapshot_id=snapshot.id)
        try:
            devcloud.until_status(demo.volumes, made.id, 'available')
            page = logged_in_page(browser, server, 'demo')
            page.goto(server.url + INDEX + snapshot.id + '/')
            made_from = page.locator('#volsnap-restored-volumes li')
            expect(made_from).to_have_count(1)
            expect(made_from).to_contain_text('browser-made-by-horizon')
            expect(made_from.locator('a')).to_have_attribute(
                'href', '/project/volumes/%s/' % made.id)
            description = page.locator('dl.dl-horizontal dt',
                                       has_text='Description')
            expect(description.locator('xpath=following-sibling::dd[1]')
                   ).to_have_text('-')
            page.context.close()
        finally:
            devcloud.delete_and_wait(demo.volumes, made.id)


def test_a_snapshot_being_created_offers_what_cinder_allows(
        browser, server, demo_volume):  # noqa: F811
    demo = devcloud.cinder_as('demo')
    with snapshot_of(demo, demo_volume, 'browser-creating') as snapshot:
        devcloud.cinder_as('admin').volume_snapshots.reset_state(snapshot.id,
                                                              'creating')
        page = logged_in_page(browser, server, 'demo')
        row = snapshot_row(page, snapshot)
        expect(row).to_contain_text('Creating')
        actions = row.locator('.actions_column')
        expect(actions.get_by_text('Edit Snapshot')).to_be_visible()
        open_row_menu(row, actions.get_by_text('Update Metadata'))
        expect(actions).not_to_contain_text('Delete')
        expect(actions).not_to_contain_text('Restore')
        # What the menu offers, Cinder does: rename it while creating.
        row.locator('.actions_column').get_by_text('Edit Snapshot').click()
        modal = page.locator('.modal-dialog')
        modal.locator('#id_name').fill('browser-creating-renamed')
        modal.locator('input[type=submit], button[type=submit]').last.click()
        expect(page.locator('.alert-success').first).to_contain_text(
            'browser-creating-renamed', timeout=30000)
        assert demo.volume_snapshots.get(snapshot.id).name == \
            'browser-creating-renamed'
        page.context.close()


def test_admin_summary_shows_labels_and_its_scope(
        browser, server, demo_volume):  # noqa: F811
    demo = devcloud.cinder_as('demo')
    with snapshot_of(demo, demo_volume, 'browser-stuck') as snapshot, \
            snapshot_of(demo, demo_volume, 'browser-second'):
        devcloud.cinder_as('admin').volume_snapshots.reset_state(
            snapshot.id, 'error_deleting')
        page = logged_in_page(browser, server, 'admin')
        page.goto(server.url + ADMIN_INDEX)
        expect(snapshot_row(page, snapshot, 'admin_snapshots')
               ).to_contain_text('Error Deleting')
        summary = page.locator('#volsnap-summary')
        expect(summary.locator('td', has_text='Error Deleting')
               ).to_have_count(1)
        expect(summary).not_to_contain_text('error_deleting')
        # Visible: Horizon's scripts hide every p.help-block on load.
        expect(page.locator('#volsnap-summary-scope')).to_be_visible()
        expect(page.locator('#volsnap-summary-scope')).to_contain_text(
            'This summary covers')

        # One snapshot a page (the user's setting) of two or more: the
        # summary covers only that page.
        page.context.add_cookies([{'name': 'API_RESULT_PAGE_SIZE',
                                   'value': '1', 'url': server.url}])
        page.goto(server.url + ADMIN_INDEX)
        expect(page.locator('#admin_snapshots tbody tr[data-object-id]')
               ).to_have_count(1)
        expect(page.locator('#volsnap-summary-scope')).to_be_visible()
        expect(page.locator('#volsnap-summary-scope')).to_have_text(
            'This summary covers only the page shown, not every snapshot: '
            'other pages follow or precede it.')
        expect(summary.locator('h2').first).to_contain_text('on this page')
        page.context.close()


def test_metadata_form_names_the_lines_of_a_duplicate_key(
        browser, server, demo_volume):  # noqa: F811
    demo = devcloud.cinder_as('demo')
    with snapshot_of(demo, demo_volume, 'browser-twice',
                     metadata={'tier': 'gold'}) as snapshot:
        page = logged_in_page(browser, server, 'demo')
        row = snapshot_row(page, snapshot)
        choose_from_row_menu(row,
                             row.locator('a', has_text='Update Metadata'))
        modal = page.locator('.modal-dialog')
        modal.locator('#id_metadata').fill('tier=gold\nowner=ops\n'
                                           'tier=silver')
        modal.locator('input[type=submit], button[type=submit]').last.click()
        expect(page.locator('.modal-dialog')).to_contain_text(
            'is given on lines 1, 3')
        assert demo.volume_snapshots.get(snapshot.id).metadata == {
            'tier': 'gold'}
        page.context.close()


def test_another_projects_snapshot_is_not_found(browser, server):  # noqa: F811,E501
    alt = devcloud.cinder_as('alt')
    with devcloud.temporary_volume(alt, 'browser-alt-only') as volume, \
            snapshot_of(alt, volume, 'browser-alt-snapshot') as snapshot:
        page = logged_in_page(browser, server, 'demo')
        page.goto(server.url + INDEX + snapshot.id + '/')
        message = page.locator('.alert-danger, .alert-error').first
        expect(message).to_contain_text(
            'Snapshot %s was not found: it does not exist (it may have '
            'been deleted), or it is not in your project.' % snapshot.id)
        expect(message).not_to_contain_text('someone else')
        expect(page.locator('body')).not_to_contain_text(
            'browser-alt-snapshot')
        page.context.close()


def test_protect_form_hides_force_on_this_cloud(
        browser, server, demo_volume):  # noqa: F811
    versions = requests.get('http://127.0.0.1:%s/' % identities.cinder_port(),
                            timeout=10).json()['versions']
    newest = max(tuple(int(part) for part in v['version'].split('.'))
                 for v in versions if v['version'])
    assert newest >= (3, 66), 'the dev cloud is expected to be 3.66+'
    page = logged_in_page(browser, server, 'demo')
    form = open_protect_form(page)
    expect(form.locator('#id_option_snapshot_name')).to_be_visible()
    expect(form.locator('#id_option_force')).to_have_count(0)
    expect(form.get_by_label('Force')).to_have_count(0)
    page.context.close()
