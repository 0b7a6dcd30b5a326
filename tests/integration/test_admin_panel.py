"""The admin panel against the dev cloud: every project, with names."""

import re

import pytest

from tools.devkit import cinder as devcloud
from tools.devkit import horizon_client
from tools.devkit import identities

ADMIN_INDEX = '/admin/volume_protection/'


@pytest.fixture
def snapshots_in_two_projects():
    made = []
    for user in ('demo', 'alt'):
        cinder = devcloud.cinder_as(user)
        volume = cinder.volumes.create(1, name='itest-admin-%s' % user)
        devcloud.until_status(cinder.volumes, volume.id, 'available')
        snapshot = cinder.volume_snapshots.create(
            volume.id, name='itest-admin-%s-snap' % user)
        devcloud.until_status(cinder.volume_snapshots, snapshot.id,
                             'available')
        made.append((cinder, volume, snapshot))
    yield made
    for cinder, volume, snapshot in made:
        devcloud.delete_and_wait(cinder.volume_snapshots, snapshot.id)
        devcloud.delete_and_wait(cinder.volumes, volume.id)


def test_admin_sees_every_projects_snapshots_with_names(
        snapshots_in_two_projects):
    client = horizon_client.login('admin')
    page = client.get(ADMIN_INDEX)
    assert page.status_code == 200
    rows = {row.name: row for row in page.context['table'].data}
    demo_row = rows['itest-admin-demo-snap']
    alt_row = rows['itest-admin-alt-snap']
    assert demo_row.project_name == 'demo'
    assert alt_row.project_name == 'alt'
    assert b'itest-admin-alt-snap' in page.content
    summary = page.context['summary']
    assert dict(summary['top_projects'])['demo'] >= 1


def test_admin_resets_a_stuck_snapshot(snapshots_in_two_projects):
    cinder, _volume, snapshot = snapshots_in_two_projects[1]
    admin = devcloud.cinder_as('admin')
    admin.volume_snapshots.reset_state(snapshot.id, 'error_deleting')
    try:
        client = horizon_client.login('admin')
        url = ADMIN_INDEX + snapshot.id + '/reset_status/'
        response = horizon_client.post(client, url, {
            'status': 'available', 'confirm': 'on'})
        assert response.status_code == 302
        assert cinder.volume_snapshots.get(snapshot.id).status == \
            'available'
    finally:
        # Whatever happened above, leave a snapshot that can be deleted.
        admin.volume_snapshots.reset_state(snapshot.id, 'available')


def test_demo_is_refused_the_admin_panel(snapshots_in_two_projects):
    client = horizon_client.login('demo')
    assert client.get(ADMIN_INDEX).status_code == 403
    _cinder, _volume, snapshot = snapshots_in_two_projects[0]
    response = client.get(ADMIN_INDEX + snapshot.id + '/')
    assert response.status_code == 403


def admin_filtered(client, field, text):
    horizon_client.post(client, ADMIN_INDEX, {
        'admin_snapshots__filter__q_field': field,
        'admin_snapshots__filter__q': text})
    page = client.get(ADMIN_INDEX)
    assert page.status_code == 200
    return sorted(row.name for row in page.context['table'].data)


def test_admin_filters_by_name_in_every_project(snapshots_in_two_projects):
    client = horizon_client.login('admin')
    assert admin_filtered(client, 'name', 'itest-admin-alt-snap') == [
        'itest-admin-alt-snap']
    # Admins may match part of a name, whatever Cinder lets others do.
    assert admin_filtered(client, 'name', 'itest-admin-') == [
        'itest-admin-alt-snap', 'itest-admin-demo-snap']
    assert admin_filtered(client, 'volume', 'itest-admin-demo') == [
        'itest-admin-demo-snap']
    assert admin_filtered(client, 'project', 'alt') == [
        'itest-admin-alt-snap']


def cinder_requests(during):
    """The Block Storage requests the dashboard makes while ``during()``
    runs (in this process, through the shared connection pool)."""
    from volsnap_dashboard.api import cinder as cinder_api

    sent = []
    pool = cinder_api._shared_http()
    original = pool.send

    def send(request, **kwargs):
        if ':%s/' % identities.cinder_port() in request.url:
            sent.append(request.method + ' ' + request.url)
        return original(request, **kwargs)
    pool.send = send
    try:
        during()
    finally:
        del pool.send
    return sent


def test_admin_page_names_only_its_own_volumes_in_constant_calls(
        snapshots_in_two_projects):
    client = horizon_client.login('admin')
    client.get(ADMIN_INDEX)  # the microversion is negotiated once
    pages = []
    few = cinder_requests(lambda: pages.append(client.get(ADMIN_INDEX)))
    volume_listings = [url for url in few if '/volumes/detail' in url or
                       re.search(r'/volumes(\?|$)', url)]
    # Only the page's volumes: never every volume of the cloud.
    assert volume_listings and all('id=' in url for url in volume_listings)
    rows = {row.name: row for row in pages[0].context['table'].data}
    assert rows['itest-admin-alt-snap'].source_volume_name == \
        'itest-admin-alt'
    assert rows['itest-admin-demo-snap'].source_volume_name == \
        'itest-admin-demo'
    # More rows (a second snapshot of each volume), the same calls.
    extra = []
    for cinder, volume, _snapshot in snapshots_in_two_projects:
        extra.append((cinder, cinder.volume_snapshots.create(
            volume.id, name='itest-admin-extra')))
    try:
        for cinder, snapshot in extra:
            devcloud.until_status(cinder.volume_snapshots, snapshot.id,
                                 'available')
        more = cinder_requests(lambda: client.get(ADMIN_INDEX))
    finally:
        for cinder, snapshot in extra:
            devcloud.delete_and_wait(cinder.volume_snapshots, snapshot.id)
    assert len(more) == len(few), (few, more)


def test_admin_detail_lists_volumes_restored_in_other_projects(
        snapshots_in_two_projects):
    from volsnap_dashboard.protection import cinder_snapshot

    alt, _volume, snapshot = snapshots_in_two_projects[1]
    restored = alt.volumes.create(1, name='itest-admin-restored',
                                  snapshot_id=snapshot.id, metadata={
                                      cinder_snapshot.RESTORED_FROM_KEY:
                                          snapshot.id})
    # Made with Horizon's own Create Volume: no tag, only snapshot_id.
    plain = alt.volumes.create(1, name='itest-admin-plain',
                               snapshot_id=snapshot.id)
    try:
        for volume in (restored, plain):
            devcloud.until_status(alt.volumes, volume.id, 'available')
        client = horizon_client.login('admin')
        page = client.get(ADMIN_INDEX + snapshot.id + '/')
        assert page.status_code == 200
        assert sorted(v.id for v in page.context['restored_volumes']) == \
            sorted([restored.id, plain.id])
        assert b'itest-admin-restored' in page.content
        assert b'itest-admin-plain' in page.content
        assert page.context['project_name'] == 'alt'
        assert b'project alt' in page.content
    finally:
        for volume in (restored, plain):
            devcloud.delete_and_wait(alt.volumes, volume.id)


def test_admin_summary_in_display_labels_says_its_scope(
        snapshots_in_two_projects):
    _alt, _volume, snapshot = snapshots_in_two_projects[1]
    admin = devcloud.cinder_as('admin')
    admin.volume_snapshots.reset_state(snapshot.id, 'error_deleting')
    try:
        client = horizon_client.login('admin')
        page = client.get(ADMIN_INDEX)
        summary = page.content.decode().split('id="volsnap-summary"')[1]
        summary = summary.split('<table', 2)[1]
        assert '<td>Error Deleting</td>' in summary
        assert 'error_deleting' not in summary
        assert 'id="volsnap-summary-scope"' in page.content.decode()
        # One snapshot per page: the summary covers only the page shown.
        client.cookies['API_RESULT_PAGE_SIZE'] = '1'
        with_small_pages = client.get(ADMIN_INDEX)
        assert with_small_pages.context['summary']['page_only']
        assert b'covers only the page shown' in with_small_pages.content
    finally:
        admin.volume_snapshots.reset_state(snapshot.id, 'available')


def test_refreshed_row_keeps_its_project_name(snapshots_in_two_projects):
    _alt, _volume, snapshot = snapshots_in_two_projects[1]
    client = horizon_client.login('admin')
    row = client.get(ADMIN_INDEX + '?action=row_update&table=admin_snapshots'
                     '&obj_id=' + snapshot.id,
                     HTTP_X_REQUESTED_WITH='XMLHttpRequest')
    assert row.status_code == 200
    cells = re.findall(r'<td[^>]*>\s*(.*?)\s*</td>', row.content.decode(),
                       re.S)
    assert cells[1] == 'alt', cells
