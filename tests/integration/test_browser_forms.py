"""The protect and restore forms as people meet them: Playwright driving
Debian's chromium against a live Horizon on the dev cloud, on a busy
project (a few hundred volumes) and on a project with none; and the
Volumes tab on the busy project, paged, searched and in a kept state;
and the bulk actions there: ticked volumes protected at once, schedules
added to ticked volumes, then found by label, paused, resumed, run,
edited, taken over by another member and deleted together."""

from concurrent import futures
import os
import re
import time

from playwright.sync_api import expect
import pytest

from tests.integration.test_browser import SCREENSHOTS
from tests.integration.test_browser import browser  # noqa: F401
from tests.integration.test_browser import logged_in_page
from tests.integration.test_browser import row
from tests.integration.test_browser import server  # noqa: F401
from tools.devkit import cinder as devcloud
from tools.devkit import horizon_client
from tools.devkit.cinder import project_id
from volsnap_dashboard.api import keystone
from volsnap_dashboard.dashboards.schedules import api as schedules_api

pytestmark = pytest.mark.browser

BUSY_VOLUMES = 300
PREFIX = 'browser-pick-'
THREADS = 8


def pick_name(number):
    return '%s%03d' % (PREFIX, number)


def _in_parallel(function, items):
    with futures.ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(function, items))


def _until_all(what, check, timeout=90):
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            pytest.fail('timed out waiting for %s' % what)
        time.sleep(0.5)


def _ours(cinder, status=None):
    search_opts = {'status': status} if status else None
    return [volume for volume in cinder.volumes.list(
        detailed=False, search_opts=search_opts)
        if (volume.name or '').startswith(PREFIX)]


@pytest.fixture(scope='module')
def busy_demo():
    """demo with a few hundred more volumes (its volume quota raised as
    admin); all deleted and the quota restored afterwards."""
    demo = devcloud.cinder_as('demo')
    admin = devcloud.cinder_as('admin')
    project = project_id(demo)
    before = admin.quotas.get(project).volumes
    admin.quotas.update(project, volumes=before + BUSY_VOLUMES + 10)
    try:
        _in_parallel(lambda number: demo.volumes.create(
            1, name=pick_name(number)), range(BUSY_VOLUMES))
        _until_all('the volumes to be created',
                   lambda: not _ours(demo, 'creating'))
        assert len(_ours(demo, 'available')) == BUSY_VOLUMES
        yield demo
    finally:
        volumes = _ours(demo)
        _in_parallel(lambda volume: demo.volumes.delete(volume.id), volumes)
        _until_all('the volumes to be deleted', lambda: not _ours(demo))
        admin.quotas.update(project, volumes=before)


def open_protect_form(page):
    page.click('#protected_snapshots__action_protect')
    form = page.locator('form.volsnap-protect-form')
    expect(form.locator('.volsnap-picker-status')).to_be_visible()
    return form


def search(form, text):
    box = form.locator('input[type=search]')
    box.fill(text)
    box.press('Enter')
    expect(form.locator('.volsnap-picker-status')).to_contain_text(
        '"%s"' % text)


def pending_bar(form, bar_id):
    """The width (percent) of the bar's second part: what is asked."""
    return float(form.locator('#%s .progress-bar' % bar_id).nth(1)
                 .get_attribute('aria-valuenow'))


def pending_text(form, bar_id):
    return form.locator('#%s ~ .volsnap-quota-pending' % bar_id).first \
        .inner_text()


def test_picker_on_a_busy_project(browser, server, busy_demo):  # noqa: F811
    demo = busy_demo
    page = logged_in_page(browser, server, 'demo')
    form = open_protect_form(page)
    status = form.locator('.volsnap-picker-status')
    total = len(demo.volumes.list(detailed=False))
    expect(status).to_contain_text(f'of {total:,} volumes')
    # Sorted by name and capped: the page's first labels in order.
    labels = form.locator('.volsnap-picker-results label').all_inner_texts()
    names = [label.split(' (')[0] for label in labels]
    assert names == sorted(names, key=str.lower), names
    assert len(labels) < total
    # Grouped under its legend for assistive technology.
    assert form.locator('fieldset.volsnap-volume-picker > legend').inner_text(
    ).strip() == 'Volumes'
    assert pending_bar(form, 'quota_snapshots') == 0

    # The pages after the first: Next, a volume ticked there, Previous.
    shown = len(labels)
    form.locator('.volsnap-picker-next').click()
    expect(status).to_contain_text(
        f'Showing {shown + 1}–{2 * shown} of {total:,} volumes')
    second = form.locator('.volsnap-picker-results label').all_inner_texts()
    second_names = [label.split(' (')[0] for label in second]
    assert len(second) == shown
    assert sorted(names + second_names, key=str.lower) == \
        names + second_names
    form.locator('.volsnap-picker-results').get_by_label(
        re.compile(re.escape(second_names[0]))).check()
    form.locator('.volsnap-picker-prev').click()
    expect(status).to_contain_text(f'Showing {shown} of {total:,} volumes')
    selected = form.locator('.volsnap-picker-selected label')
    expect(selected).to_have_count(1)
    assert selected.inner_text().split(' (')[0] == second_names[0]
    form.locator('.volsnap-picker-selected input:checked').uncheck()

    picks = [pick_name(7), pick_name(123), pick_name(190)]
    for number, name in enumerate(picks, start=1):
        search(form, name)
        results = form.locator('.volsnap-picker-results label')
        expect(results).to_have_count(1)
        expect(results.first).to_contain_text(name)
        form.locator('.volsnap-picker-results').get_by_label(
            re.compile(re.escape(name))).check()
        expect(form.locator('#quota_snapshots ~ .volsnap-quota-pending')
               .first).to_contain_text('+%d' % number)
        # Earlier picks stay ticked at the top across searches.
        selected = form.locator('.volsnap-picker-selected input:checked')
        expect(selected).to_have_count(number - 1)
    assert pending_bar(form, 'quota_snapshots') == pytest.approx(30, abs=1)
    assert '+3' in pending_text(form, 'quota_size')

    # A pick unticked leaves the selection at the next search.
    search(form, pick_name(40))
    form.locator('.volsnap-picker-selected').get_by_label(
        re.compile(re.escape(picks[1]))).uncheck()
    expect(form.locator('#quota_snapshots ~ .volsnap-quota-pending')
           .first).to_contain_text('+2')
    search(form, pick_name(41))
    selected = form.locator('.volsnap-picker-selected label')
    assert [label.split(' (')[0] for label in selected.all_inner_texts()] \
        == [picks[0], picks[2]]
    expect(form.locator('.volsnap-picker-selected input:checked')
           ).to_have_count(2)

    form.locator('#id_option_snapshot_name').fill('browser-batch')
    form.locator('#id_option_description').fill('before the upgrade')
    expect(form.locator('#id_option_force')).to_have_count(0)
    # The README's picture (doc/images/protect-form.png) is this one.
    page.screenshot(path=os.path.join(SCREENSHOTS,
                                      'readme-protect-form.png'))
    form.locator('input[type=submit]').click()
    expect(page.locator('.alert-success').first).to_contain_text(
        'Protecting volumes', timeout=30000)

    made = {snapshot.name: snapshot for snapshot in
            demo.volume_snapshots.list()
            if snapshot.name.startswith('browser-batch')}
    assert sorted(made) == ['browser-batch-' + picks[0],
                            'browser-batch-' + picks[2]]
    for snapshot in made.values():
        expect(row(page, snapshot.name)).to_have_count(1)
        devcloud.until_status(demo.volume_snapshots, snapshot.id,
                             'available')
    _in_parallel(lambda snapshot: devcloud.delete_and_wait(
        demo.volume_snapshots, snapshot.id), made.values())


def test_picker_says_when_nothing_is_found(browser, server):  # noqa: F811
    page = logged_in_page(browser, server, 'demo')
    form = open_protect_form(page)
    search(form, 'browser-no-such-volume')
    expect(form.locator('.volsnap-picker-status')).to_contain_text(
        'No volume matches')
    expect(form.locator('.volsnap-picker-results input')).to_have_count(0)


def test_empty_submission_is_said_above_the_picker(browser, server):  # noqa: F811,E501
    page = logged_in_page(browser, server, 'demo')
    form = open_protect_form(page)
    form.locator('input[type=submit]').click()
    error = page.locator('#id_volumes_errors')
    expect(error).to_contain_text('Select at least one volume.')
    box = page.locator('#id_volumes_search').bounding_box()
    assert error.bounding_box()['y'] < box['y']


def test_project_without_volumes_has_nothing_to_protect(
        browser, server):  # noqa: F811
    alt = devcloud.cinder_as('alt')
    assert not alt.volumes.list(), 'alt is expected to have no volume'
    page = logged_in_page(browser, server, 'alt')
    page.click('#protected_snapshots__action_protect')
    picker = page.locator('.volsnap-volume-picker')
    expect(picker).to_contain_text('nothing to protect')
    link = picker.get_by_role('link', name='Project > Volumes')
    expect(link).to_have_attribute('href', '/project/volumes/')
    expect(picker.locator('input[type=checkbox]')).to_have_count(0)
    expect(page.locator('form.volsnap-protect-form input[type=submit]')
           ).to_have_count(0)


def test_restore_follows_create_volume_conventions(
        browser, server):  # noqa: F811
    demo = devcloud.cinder_as('demo')
    with devcloud.temporary_volume(demo, 'browser-restore-source',
                                  size=2) as volume:
        snapshot = demo.volume_snapshots.create(volume.id,
                                                name='browser-nightly')
        devcloud.until_status(demo.volume_snapshots, snapshot.id,
                             'available')
        page = logged_in_page(browser, server, 'demo')
        row(page, 'browser-nightly').locator(
            'a', has_text='Restore to New Volume').click()
        form = page.locator('form.volsnap-restore-form')
        name = form.get_by_label('Volume Name')
        expect(name).to_have_value('browser-nightly-restore')
        expect(form).to_contain_text('at least 2 GiB')
        expect(form.locator('#quota_volumes ~ .volsnap-quota-pending')
               .first).to_contain_text('+1')
        expect(form.locator('#quota_size ~ .volsnap-quota-pending')
               .first).to_contain_text('+2')
        before = pending_bar(form, 'quota_size')
        form.locator('#id_size').fill('25')
        expect(form.locator('#quota_size ~ .volsnap-quota-pending')
               .first).to_contain_text('+25')
        assert pending_bar(form, 'quota_size') > before
        name.fill('browser-restored-copy')
        # The README's picture (doc/images/restore-form.png) is this one.
        page.screenshot(path=os.path.join(SCREENSHOTS,
                                          'readme-restore-form.png'))
        form.locator('input[type=submit]').click()
        expect(page.locator('.alert-success').first).to_contain_text(
            'browser-restored-copy', timeout=30000)
        [restored] = [v for v in demo.volumes.list()
                      if v.name == 'browser-restored-copy']
        assert restored.size == 25
        devcloud.until_status(demo.volumes, restored.id, 'available')
        devcloud.delete_and_wait(demo.volumes, restored.id)


def tab_to(page, element_id, key='Tab', presses=60):
    """Press ``key`` until the element with ``element_id`` has the focus."""
    for _ in range(presses):
        if page.evaluate('document.activeElement.id') == element_id:
            return
        page.keyboard.press(key)
    pytest.fail('%s never got the focus with %s' % (element_id, key))


def test_protect_with_the_keyboard_alone(browser, server):  # noqa: F811
    demo = devcloud.cinder_as('demo')
    with devcloud.temporary_volume(demo, 'browser-keyboard') as volume:
        page = logged_in_page(browser, server, 'demo')
        page.focus('#protected_snapshots__action_protect')
        page.keyboard.press('Enter')
        form = page.locator('form.volsnap-protect-form')
        expect(form.locator('.volsnap-picker-status')).to_be_visible()
        tab_to(page, 'id_volumes_search', key='Shift+Tab')
        page.keyboard.type('browser-keyboard')
        page.keyboard.press('Enter')  # searches; does not submit
        expect(form.locator('.volsnap-picker-status')).to_contain_text(
            '"browser-keyboard"')
        tab_to(page, 'id_volumes_' + volume.id)
        page.keyboard.press('Space')
        expect(form.locator('#id_volumes_' + volume.id)).to_be_checked()
        tab_to(page, 'id_option_snapshot_name')
        page.keyboard.type('browser-keyboard-snap')
        page.keyboard.press('Enter')
        expect(page.locator('.alert-success').first).to_contain_text(
            'browser-keyboard', timeout=30000)
        [snapshot] = [s for s in demo.volume_snapshots.list()
                      if s.name == 'browser-keyboard-snap']
        assert snapshot.volume_id == volume.id
        devcloud.until_status(demo.volume_snapshots, snapshot.id,
                             'available')


VOLUMES_TAB = '/project/volume_protection/?tab=volume_protection__volumes'


def volume_names(page):
    return [text.strip() for text in page.locator(
        '#volume_protection tbody tr td:nth-child(2)').all_inner_texts()]


def page_link(page, text):
    """The table's link to the next or previous page (at its foot)."""
    return page.locator('#volume_protection tfoot a', has_text=text)


def chosen_state(page):
    return page.locator('#volume_protection .volsnap-state-filter a.active')


def test_volumes_tab_on_a_busy_project(browser, server, busy_demo):  # noqa: F811,E501
    page = logged_in_page(browser, server, 'demo')
    page.goto(server.url + VOLUMES_TAB)
    # A page of the project's volumes, by name.
    first = volume_names(page)
    assert first[0] == pick_name(0), first
    size = len(first)
    assert first == [pick_name(number) for number in range(size)]
    assert size < BUSY_VOLUMES

    # Forward and back with Cinder's markers.
    page_link(page, 'Next').click()
    expect(page.locator('#volume_protection tbody tr').first).to_contain_text(
        pick_name(size))
    assert volume_names(page) == [pick_name(number)
                                  for number in range(size, 2 * size)]
    page_link(page, 'Prev').click()
    expect(page.locator('#volume_protection tbody tr').first).to_contain_text(
        pick_name(0))
    assert volume_names(page) == first

    # A state chosen stays through a reload and the next page.
    page.locator('#volume_protection .volsnap-state-filter '
                 'a[data-state="protected"]').click()
    expect(chosen_state(page)).to_have_attribute('data-state', 'protected')
    expect(page.locator('#volume_protection tbody')).to_contain_text(
        'No items to display')
    page.reload()
    expect(chosen_state(page)).to_have_attribute('data-state', 'protected')
    page.locator('#volume_protection .volsnap-state-filter '
                 'a[data-state="unprotected"]').click()
    expect(chosen_state(page)).to_have_attribute('data-state',
                                                 'unprotected')
    assert volume_names(page) == first
    page_link(page, 'Next').click()
    expect(page.locator('#volume_protection tbody tr').first).to_contain_text(
        pick_name(size))
    expect(chosen_state(page)).to_have_attribute('data-state',
                                                 'unprotected')
    assert 'state=unprotected' in page.url

    # Searched by name in Cinder (this cloud matches whole names): the
    # first page of what matches, in the state still chosen.
    box = page.locator('#volume_protection input[name='
                       '"volume_protection__filter__q"]')
    box.fill(pick_name(123))
    box.press('Enter')
    # The search reloads the page, which lists a busy project's volumes.
    expect(page.locator('#volume_protection tbody tr')).to_have_count(
        1, timeout=30000)
    assert volume_names(page) == [pick_name(123)]
    expect(chosen_state(page)).to_have_attribute('data-state',
                                                 'unprotected')
    box = page.locator('#volume_protection input[name='
                       '"volume_protection__filter__q"]')
    box.fill('')
    box.press('Enter')
    expect(page.locator('#volume_protection tbody tr')).to_have_count(size)


SCHEDULES_TAB = ('/project/volume_protection/'
                 '?tab=volume_protection__schedules')
BULK_LABEL = 'browser-bulk'


@pytest.fixture
def roomy_snapshot_quota():
    """demo's snapshot quota raised well above its schedules' needs (a
    new schedule that will not fit is asked about first), restored
    after."""
    demo = devcloud.cinder_as('demo')
    admin = devcloud.cinder_as('admin')
    project = project_id(demo)
    before = admin.quotas.get(project).snapshots
    admin.quotas.update(project, snapshots=devcloud.snapshots_in_use(demo)
                        + 1000)
    try:
        yield
    finally:
        admin.quotas.update(project, snapshots=before)


def table_row(page, table, name):
    return page.locator('#%s tbody tr' % table, has_text=name)


def tick(page, table, name):
    table_row(page, table, name).locator(
        '.multi_select_column label').click()


def bulk_schedule_rows(page):
    return page.locator('#schedules tbody tr', has_text=BULK_LABEL)


def filter_by_label(page):
    """The Schedules tab's rows of BULK_LABEL's schedules, and only
    those."""
    page.locator('#schedules .themable-select button').click()
    page.locator('#schedules .themable-select a[data-select-value='
                 '"label"]').click()
    box = page.locator('#schedules input[name="schedules__filter__q"]')
    box.fill(BULK_LABEL)
    box.press('Enter')
    expect(bulk_schedule_rows(page)).to_have_count(3)
    expect(page.locator('#schedules tbody tr')).to_have_count(3)


def tick_all_and(page, action):
    """Tick the three rows the label search shows, then ``action``."""
    page.locator('#schedules thead .multi_select_column label').click()
    expect(page.locator('#schedules tbody .table-row-multi-select:checked')
           ).to_have_count(3)
    page.click('#schedules__action_%s' % action)


def test_bulk_actions_on_a_busy_project(browser, server, busy_demo,  # noqa: F811,E501
                                        roomy_snapshot_quota):
    demo = busy_demo
    page = logged_in_page(browser, server, 'demo')
    page.goto(server.url + VOLUMES_TAB)
    picks = [pick_name(number) for number in (1, 2, 4)]
    by_name = {volume.name: volume for volume in demo.volumes.list()
               if volume.name in picks}
    request = horizon_client.request_for(horizon_client.login('demo'))
    try:
        # Two volumes ticked on the Volumes tab, protected now together.
        for name in picks[:2]:
            tick(page, 'volume_protection', name)
        page.click('#volume_protection__action_protect_ticked')
        form = page.locator('form.volsnap-protect-form')
        expect(form.locator('.volsnap-picker-selected input:checked')
               ).to_have_count(2)
        form.locator('#id_option_snapshot_name').fill('browser-ticked')
        form.locator('input[type=submit]').click()
        expect(page.locator('.alert-success').first).to_contain_text(
            'Protecting volumes', timeout=30000)
        made = [snapshot for snapshot in demo.volume_snapshots.list()
                if snapshot.name.startswith('browser-ticked')]
        assert sorted(snapshot.name for snapshot in made) == [
            'browser-ticked-' + name for name in picks[:2]]
        _in_parallel(lambda snapshot: devcloud.delete_and_wait(
            demo.volume_snapshots, snapshot.id), made)

        # Three volumes ticked on the Volumes tab: one form, all picked.
        page.goto(server.url + VOLUMES_TAB)
        for name in picks:
            tick(page, 'volume_protection', name)
        page.click('#volume_protection__action_schedule_ticked')
        form = page.locator('form.volsnap-schedule-workflow')
        selected = form.locator('.volsnap-picker-selected label')
        expect(selected).to_have_count(3)
        assert [label.split(' (')[0] for label in
                selected.all_inner_texts()] == picks
        expect(form.locator('.volsnap-picker-selected input:checked')
               ).to_have_count(3)
        form.locator('.nav-pills a', has_text='Protection options').click()
        form.locator('#id_label').fill(BULK_LABEL)
        form.locator('.nav-pills a', has_text='Retention').click()
        form.locator('#id_retention_count').fill('2')
        form.locator('input[type=submit]').click()
        expect(page.locator('.alert-success').first).to_contain_text(
            'Created schedules for volumes', timeout=60000)

        # On the Schedules tab, the label's schedules found and ticked
        # at once.
        assert 'tab=volume_protection__schedules' in page.url
        filter_by_label(page)

        tick_all_and(page, 'pause')
        expect(page.locator('.alert-success').first).to_contain_text(
            'Paused Schedules')
        for name in picks:
            expect(table_row(page, 'schedules', name)).to_contain_text(
                'Paused')
        tick_all_and(page, 'resume')
        for name in picks:
            expect(table_row(page, 'schedules', name)).to_contain_text(
                'Active')
        tick_all_and(page, 'run_now')
        expect(page.locator('.alert-success').first).to_contain_text(
            'Asked for runs of')
        for name in picks:
            expect(table_row(page, 'schedules', name)).to_contain_text(
                'Run requested')

        # Edit: the same retention and timing for the three at once.
        tick_all_and(page, 'edit_many')
        form = page.locator('form.volsnap-schedule-workflow')
        expect(form).to_contain_text('Saving gives each of these 3 '
                                     'schedules')
        form.locator('.nav-pills a', has_text='When').click()
        form.locator('#id_hour').fill('4')
        form.locator('#id_minute').fill('30')
        form.locator('.nav-pills a', has_text='Retention').click()
        form.locator('#id_retention_count').fill('3')
        form.locator('input[type=submit]').click()
        expect(page.locator('.alert-success').first).to_contain_text(
            'Saved the schedules of volumes', timeout=60000)
        for volume in by_name.values():
            [saved] = schedules_api.list_for_volume(request, volume.id)
            assert (saved.retention.count, saved.when.cron,
                    saved.label) == (3, '30 4 * * *', BULK_LABEL)
        page.goto(server.url + SCHEDULES_TAB)
        filter_by_label(page)
        for name in picks:
            expect(table_row(page, 'schedules', name)).to_contain_text(
                'keep the last 3 snapshots')

        # Another member takes them over at once (as after their owner
        # left), then deletes them: asked first, their snapshots kept.
        demo_trusts = [found.trust_id for volume in by_name.values()
                       for found in schedules_api.list_for_volume(
                           request, volume.id)]
        page = logged_in_page(browser, server, 'colleague')
        page.goto(server.url + SCHEDULES_TAB)
        filter_by_label(page)
        tick_all_and(page, 'take_over_many')
        expect(page.locator('.alert-success').first).to_contain_text(
            'Took over')
        colleague_id = horizon_client.request_for(
            horizon_client.login('colleague')).user.id
        for volume in by_name.values():
            [taken] = schedules_api.list_for_volume(request, volume.id)
            assert taken.owner_id == colleague_id
        # (demo's trusts, which only demo may delete, go too.)
        for trust_id in demo_trusts:
            keystone.drop_trust(request, trust_id)

        tick_all_and(page, 'delete_many')
        dialog = page.locator('.modal-dialog', has_text='Confirm')
        expect(dialog).to_contain_text('Their snapshots are kept')
        dialog.locator('.btn-danger').click()
        expect(page.locator('.alert-success').first).to_contain_text(
            'Deleted schedules, their snapshots kept')
        expect(bulk_schedule_rows(page)).to_have_count(0)
        for volume in by_name.values():
            assert not schedules_api.list_for_volume(request, volume.id)
    finally:
        for volume in by_name.values():
            for found in schedules_api.list_for_volume(request, volume.id):
                schedules_api.delete(request, volume.id, found.id,
                                     keep_protections=False)
