"""The snapshot lists in a real browser: the status filter is a choice of
the statuses as the table shows them (both panels), and emptying a
snapshot's metadata asks first. Playwright and Debian's chromium against
a live Horizon on the dev cloud."""

import re

from playwright.sync_api import expect
import pytest

from tests.integration.test_browser import browser  # noqa: F401
from tests.integration.test_browser import choose_from_row_menu
from tests.integration.test_browser import logged_in_page
from tests.integration.test_browser import server  # noqa: F401
from tools.devkit import cinder as devcloud

pytestmark = pytest.mark.browser


@pytest.fixture
def two_snapshots():
    """Two snapshots of demo's: one available, one in error."""
    demo = devcloud.cinder_as('demo')
    admin = devcloud.cinder_as('admin')
    with devcloud.temporary_volume(demo, 'browser-lists') as volume:
        made = [demo.volume_snapshots.create(volume.id, name=name,
                                             metadata={'tier': 'gold'})
                for name in ('browser-fine', 'browser-failed')]
        try:
            for snapshot in made:
                devcloud.until_status(demo.volume_snapshots, snapshot.id,
                                     'available')
            admin.volume_snapshots.reset_state(made[1].id, 'error')
            yield made
        finally:
            for snapshot in made:
                devcloud.delete_and_wait(demo.volume_snapshots, snapshot.id)


def filter_by_status(page, table, label):
    """Choose "Status =" in the table's filter, then a status by its
    label from the list that replaces the text box."""
    search = page.locator('#%s .volsnap-status-filter' % table)
    text_box = search.locator('input.volsnap-filter-text')
    statuses = search.locator('select.volsnap-filter-status')
    expect(text_box).to_be_visible()
    expect(statuses).to_be_hidden()
    search.locator('.themable-select .dropdown-toggle').click()
    search.locator('.themable-select a[data-select-value="status"]').click()
    expect(statuses).to_be_visible()
    expect(text_box).to_be_hidden()
    statuses.select_option(label=label)
    search.locator('button[type=submit]').click()


def row_names(page, table):
    page.wait_for_load_state()
    return [name.strip() for name in page.locator(
        '#%s tbody tr[data-object-id] td:nth-child(%d)'
        % (table, 2 if table == 'protected_snapshots' else 3)
    ).all_inner_texts()]


@pytest.mark.parametrize('username,url,table', [
    ('demo', '/project/volume_protection/', 'protected_snapshots'),
    ('admin', '/admin/volume_protection/', 'admin_snapshots')])
def test_status_filter_is_a_choice_of_displayed_statuses(
        browser, server,  # noqa: F811
        two_snapshots, username, url, table):
    page = logged_in_page(browser, server, username)
    page.goto(server.url + url)
    filter_by_status(page, table, 'Error')
    expect(page.locator('#%s tbody' % table)).to_contain_text(
        'browser-failed')
    names = row_names(page, table)
    assert 'browser-failed' in names and 'browser-fine' not in names, names
    # The list stays on the chosen status after the page reloads.
    chosen = page.locator('#%s select.volsnap-filter-status' % table)
    expect(chosen).to_be_visible()
    expect(chosen).to_have_value('error')

    filter_by_status_again = page.locator(
        '#%s select.volsnap-filter-status' % table)
    filter_by_status_again.select_option(label='Available')
    page.locator('#%s .volsnap-status-filter button[type=submit]'
                 % table).click()
    expect(page.locator('#%s tbody' % table)).to_contain_text(
        'browser-fine')
    names = row_names(page, table)
    assert 'browser-fine' in names and 'browser-failed' not in names, names
    page.context.close()


def test_emptying_metadata_asks_before_removing_every_key(
        browser, server, two_snapshots):  # noqa: F811
    demo = devcloud.cinder_as('demo')
    snapshot = two_snapshots[0]
    page = logged_in_page(browser, server, 'demo')
    row = page.locator('#protected_snapshots tr[data-object-id="%s"]'
                       % snapshot.id)
    choose_from_row_menu(row, row.locator('a', has_text='Update Metadata'))
    modal = page.locator('.modal-dialog')
    text = modal.locator('#id_metadata')
    expect(text).to_have_value('tier=gold')
    confirm = modal.locator('input[name="remove_all"][type="checkbox"]')
    expect(confirm).to_have_count(0)

    text.fill('')
    modal.locator('input[type=submit], button[type=submit]').last.click()
    modal = page.locator('.modal-dialog')
    expect(modal).to_contain_text('saving removes every key')
    confirm = modal.locator('input[name="remove_all"][type="checkbox"]')
    expect(confirm).to_be_visible()
    assert demo.volume_snapshots.get(snapshot.id).metadata == {
        'tier': 'gold'}

    modal.get_by_label(re.compile('remove every key')).check()
    modal.locator('input[type=submit], button[type=submit]').last.click()
    expect(page.locator('.alert-success, .messages').first).to_contain_text(
        'Updated', timeout=30000)
    assert demo.volume_snapshots.get(snapshot.id).metadata == {}
    page.context.close()
