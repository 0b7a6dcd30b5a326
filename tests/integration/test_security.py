"""Tokens stay out of pages, URLs and logs; CSRF stays on."""

import logging

from tools.devkit import cinder as devcloud
from tools.devkit import horizon_client

PAGES = ('/project/volume_protection/',
         '/project/volume_protection/protect/')


def test_token_never_in_pages_urls_or_logs(caplog, demo_volume):
    client = horizon_client.login('demo')
    token = horizon_client.request_for(client).user.token.id
    assert token
    # Even at DEBUG, where keystoneauth logs every request with its headers.
    for name in ('keystoneauth', 'cinderclient', 'volsnap_dashboard',
                 'openstack_auth', 'horizon'):
        caplog.set_level(logging.DEBUG, logger=name)
    for url in PAGES:
        page = client.get(url)
        assert page.status_code == 200, url
        assert token.encode() not in page.content, url
    for url in (client.landing.request['PATH_INFO'],) + PAGES:
        assert token not in url
    logged = '\n'.join(record.getMessage() for record in caplog.records)
    assert 'X-Auth-Token' in logged, 'the requests were not logged'
    assert token not in logged


def test_post_without_csrf_token_is_refused(demo_volume):
    client = horizon_client.login('demo')
    response = client.post('/project/volume_protection/protect/',
                           {'volumes': [demo_volume.id],
                            'option_snapshot_name': 'no-csrf',
                            'option_description': ''})
    assert response.status_code == 302
    assert 'csrf_failure' in response['Location']
    assert not [s for s in devcloud.cinder_as('demo').volume_snapshots.list()
                if s.name == 'no-csrf']
