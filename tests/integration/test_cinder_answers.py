"""Answers Cinder did not mean to give, through a proxy in front of the
real dev cloud: a clear message every time, never a 500, and a create
whose answer was lost is found instead of repeated."""

from unittest import mock

import pytest

from tests.integration import cinder_proxy
from tests.integration import test_panel_http
from tools.devkit import cinder as devcloud
from tools.devkit import horizon_client
from volsnap_dashboard.api import cinder

INDEX = '/project/volume_protection/'


@pytest.fixture
def proxy():
    proxy = cinder_proxy.CinderProxy()
    cinder.forget_negotiated_versions()
    with mock.patch.object(cinder, 'endpoint_for', proxy.endpoint_for):
        yield proxy
    cinder.forget_negotiated_versions()
    proxy.stop()


@pytest.fixture
def demo_snapshot(demo_volume):
    demo = devcloud.cinder_as('demo')
    snapshot = demo.volume_snapshots.create(demo_volume.id,
                                            name='itest-answers')
    devcloud.until_status(demo.volume_snapshots, snapshot.id, 'available')
    yield snapshot
    devcloud.delete_and_wait(demo.volume_snapshots, snapshot.id)


def messages_of(response):
    return [str(m) for m in response.context['messages']] \
        if response.context else []


@pytest.mark.parametrize('answer', ['html', 'empty'])
def test_a_200_that_is_not_cinders_says_unavailable(proxy, demo_snapshot,
                                                    answer):
    client = horizon_client.login('demo')
    proxy.add('GET', '/snapshots/' + demo_snapshot.id, answer, times=5)
    response = client.get(INDEX + demo_snapshot.id + '/', follow=True)
    assert response.status_code == 200
    assert any('could not read' in m for m in messages_of(response)), \
        messages_of(response)


def test_urls_that_name_no_snapshot_are_not_found(dev_cloud):
    client = horizon_client.login('demo')
    for path in ('detail/', 'detail/restore/', 'detail/update/',
                 'detail/metadata/'):
        response = client.get(INDEX + path, follow=True)
        assert response.status_code == 200, path
        assert any('was not found' in m
                   for m in messages_of(response)), (path,
                                                     messages_of(response))
    row = client.get(INDEX + '?action=row_update&table=protected_snapshots'
                     '&obj_id=detail',
                     HTTP_X_REQUESTED_WITH='XMLHttpRequest')
    assert row.status_code < 500
    admin = horizon_client.login('admin')
    response = admin.get('/admin/volume_protection/detail/', follow=True)
    assert response.status_code == 200
    assert any('not found' in m for m in messages_of(response)), \
        messages_of(response)


def test_lost_answer_to_a_protect_is_found_not_repeated(proxy, demo_volume):
    demo = devcloud.cinder_as('demo')
    client = horizon_client.login('demo')
    token = test_panel_http.submission_token(client, INDEX + 'protect/')
    proxy.add('POST', '/snapshots', 'lose-answer')
    form = {'submission': token, 'volumes': [demo_volume.id],
            'option_snapshot_name': 'itest-lost-answer',
            'option_description': ''}
    try:
        response = horizon_client.post(client, INDEX + 'protect/', form,
                                        follow=True)
        assert response.status_code == 200
        assert any('Protecting volume' in m for m in messages_of(response))
        # The same form again (a user who did not trust the page).
        again = horizon_client.post(client, INDEX + 'protect/', form,
                                     follow=True)
        assert any('already submitted' in m for m in messages_of(again))
        made = test_panel_http.snapshots_named(demo, 'itest-lost-answer')
        assert len(made) == 1
    finally:
        for snapshot in test_panel_http.snapshots_named(
                demo, 'itest-lost-answer'):
            devcloud.until_status(demo.volume_snapshots, snapshot.id,
                                 'available')
            devcloud.delete_and_wait(demo.volume_snapshots, snapshot.id)


def test_refused_microversion_is_negotiated_again(proxy, demo_snapshot):
    request = horizon_client.request_for(horizon_client.login('demo'))
    assert cinder.snapshot_get(request, demo_snapshot.id).id == \
        demo_snapshot.id
    # A rolled-back Cinder behind the balancer refuses the next request.
    proxy.add('GET', '/snapshots/' + demo_snapshot.id, 'refuse-version')
    request = horizon_client.request_for(horizon_client.login('demo'))
    assert cinder.snapshot_get(request, demo_snapshot.id).id == \
        demo_snapshot.id
