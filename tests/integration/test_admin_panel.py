"""The admin panel against the dev cloud: every project, with names."""

import pytest

from tests.integration import cloud
from tests.integration import horizon_session
from tests.integration import waiting

ADMIN_INDEX = '/admin/volume_protection/'


@pytest.fixture
def snapshots_in_two_projects():
    made = []
    for user in ('demo', 'alt'):
        cinder = cloud.cinder_as(user)
        volume = cinder.volumes.create(1, name='itest-admin-%s' % user)
        waiting.until_status(cinder.volumes, volume.id, 'available')
        snapshot = cinder.volume_snapshots.create(
            volume.id, name='itest-admin-%s-snap' % user)
        waiting.until_status(cinder.volume_snapshots, snapshot.id,
                             'available')
        made.append((cinder, volume, snapshot))
    yield made
    for cinder, volume, snapshot in made:
        waiting.delete_and_wait(cinder.volume_snapshots, snapshot.id)
        waiting.delete_and_wait(cinder.volumes, volume.id)


def test_admin_sees_every_projects_snapshots_with_names(
        snapshots_in_two_projects):
    client = horizon_session.login('admin')
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
    admin = cloud.cinder_as('admin')
    admin.volume_snapshots.reset_state(snapshot.id, 'error_deleting')
    try:
        client = horizon_session.login('admin')
        url = ADMIN_INDEX + snapshot.id + '/reset_status/'
        response = horizon_session.post(client, url, {
            'status': 'available', 'confirm': 'on'})
        assert response.status_code == 302
        assert cinder.volume_snapshots.get(snapshot.id).status == \
            'available'
    finally:
        # Whatever happened above, leave a snapshot that can be deleted.
        admin.volume_snapshots.reset_state(snapshot.id, 'available')


def test_demo_is_refused_the_admin_panel(snapshots_in_two_projects):
    client = horizon_session.login('demo')
    assert client.get(ADMIN_INDEX).status_code == 403
    _cinder, _volume, snapshot = snapshots_in_two_projects[0]
    response = client.get(ADMIN_INDEX + snapshot.id + '/')
    assert response.status_code == 403
