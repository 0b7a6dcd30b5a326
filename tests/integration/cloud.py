"""The dev cloud as the integration tests see it (tools/devcloud)."""

import os

from keystoneauth1 import session as ks_session
from keystoneauth1.identity import v3

KEYSTONE_URL = 'http://127.0.0.1:%s/v3' % os.environ.get(
    'VOLSNAP_KEYSTONE_PORT', '5000')

CINDER_PORT = os.environ.get('VOLSNAP_CINDER_PORT', '8776')

PROJECT_OF = {'admin': 'admin', 'demo': 'demo', 'reader': 'demo',
              'alt': 'alt'}


def password(username):
    return os.environ.get('VOLSNAP_%s_PASSWORD' % username.upper(),
                          username + 'pw')


def keystone_session(username):
    """A session for ``username`` scoped to its project, outside Horizon."""
    auth = v3.Password(auth_url=KEYSTONE_URL, username=username,
                       password=password(username),
                       user_domain_id='default',
                       project_name=PROJECT_OF[username],
                       project_domain_id='default')
    return ks_session.Session(auth=auth)


def cinder_as(username):
    """A cinderclient for ``username``, to set up and check the cloud."""
    from cinderclient import client

    return client.Client('3.60', session=keystone_session(username),
                         service_type='volumev3', interface='public',
                         region_name='RegionOne')
