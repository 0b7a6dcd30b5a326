"""The protect, restore and Reset Status forms opened and completed with
the keyboard alone (Tab, Shift+Tab, Space, Enter and typing; no click):
Playwright and Debian's chromium against a live Horizon on the dev
cloud."""

import re

from playwright.sync_api import expect
import pytest

from tests.integration.test_browser import browser  # noqa: F401
from tests.integration.test_browser import logged_in_page
from tests.integration.test_browser import server  # noqa: F401
from tools.devkit import cinder as devcloud

pytestmark = pytest.mark.browser

# More presses than any of these pages has stops before its target:
# a target never reached fails instead of looping.
MOST_PRESSES = 80
DESCRIBE_FOCUS = """() => {
    const element = document.activeElement;
    const text = (element.innerText || element.value || '').trim();
    return element.tagName.toLowerCase() + (element.id ? '#' + element.id
        : '') + (text ? ' "' + text.slice(0, 30) + '"' : '');
}"""


def press_until_focused(page, target, key='Tab'):
    """Press ``key`` until ``target`` (a locator) has the focus."""
    target.wait_for(state='attached')
    visited = []
    for _ in range(MOST_PRESSES):
        page.keyboard.press(key)
        if target.evaluate('element => element === document.activeElement'):
            return
        visited.append(page.evaluate(DESCRIBE_FOCUS))
    pytest.fail('%s never reached %s; focus went through: %s'
                % (key, target, ', '.join(visited)))


def replace_text(page, text):
    """Type ``text`` into the focused field, over what it holds."""
    page.keyboard.press('ControlOrMeta+a')
    page.keyboard.type(text)


def modal(page, modal_id):
    """The modal form, once it holds the focus: Horizon puts the focus in
    the form's first field as it opens."""
    dialog = page.locator('#%s' % modal_id)
    expect(dialog).to_be_visible()
    expect(dialog.locator(':focus')).to_have_count(1)
    return dialog


def snapshots_named(volume, name):
    return [snapshot for snapshot in
            devcloud.cinder_as('demo').volume_snapshots.list(
                search_opts={'volume_id': volume.id})
            if snapshot.name == name]


@pytest.fixture
def keyboard_volume():
    """A volume of demo's; the snapshots and volumes a test made from it
    are deleted afterwards."""
    demo = devcloud.cinder_as('demo')
    with devcloud.temporary_volume(demo, 'browser-keyboard') as volume:
        try:
            yield volume
        finally:
            snapshots = demo.volume_snapshots.list(
                search_opts={'volume_id': volume.id})
            for restored in demo.volumes.list():
                if restored.snapshot_id in {s.id for s in snapshots}:
                    devcloud.until_status(demo.volumes, restored.id,
                                         'available')
                    devcloud.delete_and_wait(demo.volumes, restored.id)
            for snapshot in snapshots:
                devcloud.until_status(demo.volume_snapshots, snapshot.id,
                                     'available')
                devcloud.delete_and_wait(demo.volume_snapshots, snapshot.id)


def test_protect_form_by_keyboard(browser, server,  # noqa: F811
                                  keyboard_volume):
    page = logged_in_page(browser, server, 'demo')
    press_until_focused(page, page.locator(
        '#protected_snapshots__action_protect'))
    page.keyboard.press('Enter')
    form = modal(page, 'protect_volumes_modal')

    # The volumes come before the first text field: back with Shift+Tab.
    volume_box = form.get_by_label(re.compile(keyboard_volume.name))
    press_until_focused(page, volume_box, key='Shift+Tab')
    page.keyboard.press('Space')
    expect(volume_box).to_be_checked()
    press_until_focused(page, form.locator('#id_option_snapshot_name'))
    replace_text(page, 'browser-keyboard-snap')
    press_until_focused(page, form.locator('input[type=submit], '
                                           'button[type=submit]').last)
    page.keyboard.press('Enter')

    expect(page.locator('#protected_snapshots tbody tr',
                        has_text='browser-keyboard-snap')).to_have_count(1)
    assert len(snapshots_named(keyboard_volume, 'browser-keyboard-snap')) == 1


def test_restore_form_by_keyboard(browser, server,  # noqa: F811
                                  keyboard_volume):
    demo = devcloud.cinder_as('demo')
    snapshot = demo.volume_snapshots.create(keyboard_volume.id,
                                            name='browser-keyboard-source')
    devcloud.until_status(demo.volume_snapshots, snapshot.id, 'available')
    page = logged_in_page(browser, server, 'demo')
    row = page.locator('#protected_snapshots tr[data-object-id="%s"]'
                       % snapshot.id)
    press_until_focused(page, row.locator('a', has_text='Restore to New '
                                                       'Volume'))
    page.keyboard.press('Enter')
    form = modal(page, 'restore_snapshot_modal')

    press_until_focused(page, form.locator('#id_restore__restore_name'))
    replace_text(page, 'browser-keyboard-restored')
    press_until_focused(page, form.locator('input[type=submit], '
                                           'button[type=submit]').last)
    page.keyboard.press('Enter')

    expect(page.locator('.alert-success')).to_contain_text(
        'browser-keyboard-restored')
    restored = [volume for volume in demo.volumes.list()
                if volume.name == 'browser-keyboard-restored']
    assert [volume.snapshot_id for volume in restored] == [snapshot.id]


def test_reset_status_by_keyboard(browser, server,  # noqa: F811
                                  keyboard_volume):
    demo = devcloud.cinder_as('demo')
    snapshot = demo.volume_snapshots.create(keyboard_volume.id,
                                            name='browser-keyboard-reset')
    devcloud.until_status(demo.volume_snapshots, snapshot.id, 'available')
    devcloud.cinder_as('admin').volume_snapshots.reset_state(snapshot.id,
                                                          'error')
    page = logged_in_page(browser, server, 'admin')
    page.goto(server.url + '/admin/volume_protection/')
    row = page.locator('#admin_snapshots tr[data-object-id="%s"]'
                       % snapshot.id)
    # Reset Status sits in the row's drop-down menu: Enter opens the menu,
    # and Tab goes on into it.
    press_until_focused(page, row.locator('.dropdown-toggle'))
    page.keyboard.press('Enter')
    press_until_focused(page, row.locator('a', has_text='Reset Status'))
    page.keyboard.press('Enter')
    form = modal(page, 'reset_snapshot_status_modal')

    status = form.locator('#id_status')
    press_until_focused(page, status)
    # A closed select takes its option from the letters typed.
    page.keyboard.type('Available')
    expect(status).to_have_value('available')
    confirm = form.locator('#id_confirm')
    press_until_focused(page, confirm)
    page.keyboard.press('Space')
    expect(confirm).to_be_checked()
    press_until_focused(page, form.locator('input[type=submit], '
                                           'button[type=submit]').last)
    page.keyboard.press('Enter')

    expect(page.locator('.alert-success')).to_contain_text(
        'available', ignore_case=True)
    devcloud.until_status(demo.volume_snapshots, snapshot.id, 'available')
