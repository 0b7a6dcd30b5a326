"""The Orphans tab of a busy project: a couple of hundred snapshots made
by a schedule since deleted (created through Cinder in parallel, deleted
afterwards). The tab still makes the same Cinder calls as with three
orphans, pages them at Horizon's page size (Next and Prev in the browser),
counts them all, and a batch Delete of a page's rows, confirmed, deletes
those rows and leaves the others."""

from concurrent import futures
import re
import time

from django.conf import settings
from keystoneauth1 import session as ks_session
from playwright.sync_api import expect
import pytest

from tests.integration.test_browser import browser  # noqa: F401
from tests.integration.test_browser import logged_in_page
from tests.integration.test_browser import server  # noqa: F401
from tools.devkit import cinder as devcloud
from tools.devkit import horizon_client
from tools.devkit.cinder import project_id
from volsnap_dashboard.protection.schedule import codec

pytestmark = pytest.mark.browser

BUSY = 200
FEW = 3
PREFIX = 'busy-orphan-'
GONE_SCHEDULE = 'b0b0b0b0'
THREADS = 8
TAB = '/project/volume_protection/?tab=volume_protection__orphans'
KIND = 'Snapshot of a deleted schedule'


def _in_parallel(function, items):
    with futures.ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(function, items))


def _until(what, check, timeout=60):
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            pytest.fail('timed out waiting for %s' % what)
        time.sleep(0.5)


class CinderCalls:
    """The requests the dashboard sends to Cinder (its client names the
    service in each request's endpoint filter; the URLs are relative)."""

    def __init__(self, monkeypatch):
        self.calls = []
        real = ks_session.Session.request

        def request(session, url, method, *args, **kwargs):
            service = (kwargs.get('endpoint_filter') or {}).get(
                'service_type')
            if service in ('volumev3', 'block-storage', 'volume'):
                self.calls.append((method, url.split('?')[0]))
            return real(session, url, method, *args, **kwargs)
        monkeypatch.setattr(ks_session.Session, 'request', request)


class BusyOrphans:
    """One volume's snapshots carrying a schedule id the volume does not
    hold: as many as asked for, in creation order."""

    def __init__(self, cinder, volume):
        self.cinder = cinder
        self.volume = volume

    def ours(self, status=None):
        search_opts = {'volume_id': self.volume.id}
        if status:
            search_opts['status'] = status
        return [snapshot for snapshot in self.cinder.volume_snapshots.list(
            search_opts=search_opts) if snapshot.name.startswith(PREFIX)]

    def grow_to(self, count):
        have = len(self.ours())
        metadata = {codec.SNAPSHOT_SCHEDULE_KEY: GONE_SCHEDULE,
                    codec.SNAPSHOT_VOLUME_KEY: self.volume.id}
        _in_parallel(lambda number: self.cinder.volume_snapshots.create(
            self.volume.id, name='%s%03d' % (PREFIX, number),
            metadata=metadata), range(have, count))
        _until('the snapshots to be created',
               lambda: not self.ours('creating'))
        assert len(self.ours('available')) == count

    def delete_all(self):
        _in_parallel(lambda snapshot: self.cinder.volume_snapshots.delete(
            snapshot.id), self.ours())
        _until('the snapshots to be deleted', lambda: not self.ours())


@pytest.fixture(scope='module')
def busy_orphans():
    """demo's volume with its orphans (FEW at first; the snapshot and
    gigabyte quotas raised as admin); all deleted and the quotas restored
    afterwards."""
    demo = devcloud.cinder_as('demo')
    admin = devcloud.cinder_as('admin')
    project = project_id(demo)
    before = admin.quotas.get(project)
    used = devcloud.snapshots_in_use(demo)
    admin.quotas.update(project, snapshots=used + BUSY + 10,
                        gigabytes=before.gigabytes + BUSY + 10)
    try:
        with devcloud.temporary_volume(demo, 'busy-orphans') as volume:
            orphans = BusyOrphans(demo, volume)
            try:
                orphans.grow_to(FEW)
                yield orphans
            finally:
                orphans.delete_all()
    finally:
        admin.quotas.update(project, snapshots=before.snapshots,
                            gigabytes=before.gigabytes)


def kind_count(html, kind=KIND):
    found = re.search(r'%s: <strong>(\d+)</strong>' % re.escape(kind), html)
    return int(found.group(1))


def test_the_tab_calls_cinder_as_often_for_hundreds_as_for_three(
        monkeypatch, busy_orphans):
    client = horizon_client.login('demo')
    client.get(TAB)  # the microversion is negotiated once, here
    counter = CinderCalls(monkeypatch)
    few_page = client.get(TAB).content.decode()
    few_calls = list(counter.calls)
    few = kind_count(few_page)
    assert few >= FEW

    busy_orphans.grow_to(BUSY)
    counter.calls.clear()
    busy_page = client.get(TAB).content.decode()
    busy_calls = list(counter.calls)
    # The same listings (snapshots, volumes, and the backups a volume may
    # be restored from), whatever the rows.
    assert busy_calls == few_calls == [('GET', '/snapshots/detail'),
                                       ('GET', '/volumes/detail'),
                                       ('GET', '/backups/detail')]
    assert kind_count(busy_page) == few + BUSY - FEW
    page_size = settings.API_RESULT_PAGE_SIZE
    assert len(re.findall(r'<tr [^>]*data-object-id="(?:snapshot|volume)-',
                          busy_page)) == page_size


def test_busy_tab_pages_counts_and_deletes_a_page(browser, server,  # noqa: F811
                                                  busy_orphans):
    busy_orphans.grow_to(BUSY)
    ours = {snapshot.id: snapshot.name for snapshot in busy_orphans.ours()}
    page_size = settings.API_RESULT_PAGE_SIZE
    page = logged_in_page(browser, server, 'demo')
    page.goto(server.url + TAB)
    form = page.locator('#orphans').locator('xpath=ancestor::form')
    form.locator('.volsnap-filter-status').select_option(label=KIND)
    page.click('#orphans__action_filter')
    expect(page.locator('.volsnap-filter-status')).to_have_value(
        'no_schedule')
    total = kind_count(page.content())
    assert total >= BUSY
    shown = page.locator('.volsnap-orphans-shown')
    expect(shown).to_have_text('Showing 1–%d of %d.' % (page_size, total))
    rows = page.locator('#orphans tbody tr[data-object-id]')
    expect(rows).to_have_count(page_size)
    expect(rows.filter(has_text=KIND)).to_have_count(page_size)
    first_page = rows.evaluate_all(
        'rows => rows.map(row => row.dataset.objectId)')

    # Next: the following rows, the filter kept.
    page.locator('#orphans tfoot a', has_text='Next').click()
    expect(shown).to_have_text('Showing %d–%d of %d.' % (
        page_size + 1, 2 * page_size, total))
    expect(rows.filter(has_text=KIND)).to_have_count(page_size)
    second_page = rows.evaluate_all(
        'rows => rows.map(row => row.dataset.objectId)')
    assert not set(first_page) & set(second_page)
    second_ids = [row_id.split('-', 1)[1] for row_id in second_page]
    # (Guard: only this test's snapshots are deleted below.)
    assert set(second_ids) <= set(ours), 'older orphans in the project'
    page_two_url = page.url
    assert 'orphan_marker=' in page_two_url

    # Prev: the first page again.
    page.locator('#orphans tfoot a', has_text='Prev').click()
    expect(shown).to_have_text('Showing 1–%d of %d.' % (page_size, total))
    page.goto(page_two_url)

    # Every row of the page, deleted in one batch once confirmed.
    page.locator('#orphans thead .multi_select_column label').click()
    expect(page.locator('#orphans tbody .table-row-multi-select:checked')
           ).to_have_count(page_size)
    page.click('#orphans__action_delete')
    dialog = page.locator('.modal-dialog', has_text='Confirm')
    expect(dialog).to_contain_text(ours[second_ids[0]])
    expect(dialog).to_contain_text(ours[second_ids[-1]])
    dialog.locator('.btn-danger').click()
    expect(page.locator('.alert').first).to_contain_text(
        'Scheduled deletion of Orphans')
    _until('the page\'s snapshots to be deleted', lambda: not (
        set(second_ids) & {s.id for s in busy_orphans.ours()}))
    assert len(busy_orphans.ours()) == BUSY - page_size
    # Back on the second page: the rows after the deleted ones.
    page.goto(page_two_url)
    expect(shown).to_have_text('Showing %d–%d of %d.' % (
        page_size + 1, 2 * page_size, total - page_size))
    third = rows.evaluate_all(
        'rows => rows.map(row => row.dataset.objectId)')
    assert not set(third) & (set(first_page) | set(second_page))
