"""The Volumes tab and the Snapshots tab's schedule marks over HTTP,
against the dev cloud."""

import re

from keystoneauth1 import session as ks_session
import pytest

from tools.devkit import cinder as devcloud
from tools.devkit import horizon_client
from volsnap_dashboard.dashboards.schedules import api as schedules_api

INDEX = '/project/volume_protection/'
VOLUMES = INDEX + '?tab=volume_protection__volumes'
DAILY = {'preset': {'kind': 'daily', 'hour': 2, 'minute': 0},
         'tz': 'Europe/Berlin'}


def row_of(page, volume_id):
    match = re.search(rb'<tr[^>]*data-object-id="%s".*?</tr>'
                      % volume_id.encode(), page.content, re.S)
    assert match, volume_id
    return match.group(0)


def cinder_calls(urls):
    """Cinder's calls: the client names them relative to its endpoint."""
    return [url for url in urls
            if url.startswith(('/volumes', '/snapshots', '/messages'))]


@pytest.fixture
def demo_client():
    return horizon_client.login('demo')


def test_a_volume_from_unprotected_to_manual_to_scheduled(demo_client,
                                                          demo_volume):
    demo = devcloud.cinder_as('demo')
    row = row_of(demo_client.get(VOLUMES), demo_volume.id)
    assert b'Unprotected' in row
    assert b'Protect Now' in row

    manual = demo.volume_snapshots.create(demo_volume.id,
                                          name='itest-manual')
    request = horizon_client.request_for(demo_client)
    schedule = None
    try:
        devcloud.until_status(demo.volume_snapshots, manual.id, 'available')
        row = row_of(demo_client.get(VOLUMES), demo_volume.id)
        assert b'Manual only' in row
        assert b'itest-manual' in row

        schedule = schedules_api.create(
            request, demo_volume.id, DAILY,
            {'description': '', 'force': False},
            'itest-{volume_name}-{time:%Y%m%d-%H%M}', {'count': 3},
            label='nightly')
        row = row_of(demo_client.get(VOLUMES), demo_volume.id)
        assert b'Protected' in row and b'Unprotected' not in row
        assert b'CET' in row or b'CEST' in row or b'UTC' in row  # next run

        # A snapshot the schedule made carries its id: the Snapshots tab
        # names the schedule.
        made = demo.volume_snapshots.create(
            demo_volume.id, name='itest-by-schedule',
            metadata={'volsnap_schedule': schedule.id})
        try:
            page = demo_client.get(INDEX)
            assert b'nightly: daily at 02:00 Europe/Berlin' in page.content
        finally:
            devcloud.until_status(demo.volume_snapshots, made.id,
                                 'available')
            devcloud.delete_and_wait(demo.volume_snapshots, made.id)
    finally:
        if schedule is not None:
            schedules_api.delete(request, demo_volume.id, schedule.id)
        devcloud.delete_and_wait(demo.volume_snapshots, manual.id)


def test_alt_sees_none_of_demos_volumes(demo_volume):
    page = horizon_client.login('alt').get(VOLUMES)
    assert page.status_code == 200
    assert demo_volume.id.encode() not in page.content


def test_a_reader_sees_the_tab_and_no_actions(demo_volume):
    page = horizon_client.login('reader').get(VOLUMES)
    assert page.status_code == 200
    row = row_of(page, demo_volume.id)
    assert b'Protect Now' not in row
    assert b'Add Schedule' not in row


def test_the_tab_calls_cinder_a_constant_number_of_times(monkeypatch,
                                                         demo_client,
                                                         demo_volume):
    calls = []
    real = ks_session.Session.request

    def request(session, url, method, *args, **kwargs):
        calls.append(url)
        return real(session, url, method, *args, **kwargs)
    demo_client.get(VOLUMES)  # the microversion is negotiated once, here
    monkeypatch.setattr(ks_session.Session, 'request', request)
    demo_client.get(VOLUMES)
    few = cinder_calls(calls)
    demo = devcloud.cinder_as('demo')
    created = [demo.volume_snapshots.create(demo_volume.id,
                                            name='itest-tab-%d' % i)
               for i in range(3)]
    try:
        calls.clear()
        demo_client.get(VOLUMES)
        assert cinder_calls(calls) == few, calls
        # One page of volumes by name (one more asked, to know whether
        # another page follows), and the protections.
        volumes, protections = few
        assert volumes.startswith('/volumes/detail?limit=21&'), volumes
        assert 'sort=display_name%3Aasc%2Cid%3Aasc' in volumes
        assert protections == '/snapshots/detail'
    finally:
        for snapshot in created:
            devcloud.until_status(demo.volume_snapshots, snapshot.id,
                                 'available')
            devcloud.delete_and_wait(demo.volume_snapshots, snapshot.id)
