"""Acting in Cinder as one of the dev cloud's users, outside Horizon: to
set up, check and clean up what the tools and the tests use."""

import contextlib

from cinderclient import client
from cinderclient import exceptions as cinder_exc
from keystoneauth1 import session as ks_session
from keystoneauth1.identity import v3

from tools.devkit import identities
from tools.devkit import waiting

MICROVERSION = '3.60'


def keystone_session(username, timeout=None):
    """A keystoneauth session for ``username``, scoped to its project."""
    auth = v3.Password(auth_url=identities.keystone_url(), username=username,
                       password=identities.password(username),
                       user_domain_id='default',
                       project_name=identities.PROJECT_OF[username],
                       project_domain_id='default')
    return ks_session.Session(auth=auth, timeout=timeout)


def cinder_as(username, timeout=None, keep_alive=True):
    """A cinderclient for ``username``, already authenticated (so that
    threads sharing it share one token). ``keep_alive=False`` closes each
    connection after its request, so that a tool holds none of Cinder's
    connections between calls; ``timeout`` bounds each call (seconds)."""
    sess = keystone_session(username, timeout=timeout)
    if not keep_alive:
        sess.session.headers['Connection'] = 'close'
    sess.get_token()
    return client.Client(MICROVERSION, session=sess, service_type='volumev3',
                         interface='public',
                         region_name=identities.REGION)


def project_id(cinder):
    """The id of the project a ``cinder_as`` client acts in."""
    return cinder.client.session.get_project_id()


def snapshots_in_use(cinder):
    """How many snapshots the client's project holds, from the limits API
    (a listing stops at Cinder's page limit)."""
    absolute = {limit.name: limit.value
                for limit in cinder.limits.get().absolute}
    return absolute['totalSnapshotsUsed']


def until_status(manager, resource_id, status, timeout=60):
    """Wait until the volume or snapshot has ``status``; fail at once if
    it goes to an error status."""
    def reached():
        resource = manager.get(resource_id)
        if resource.status.startswith('error'):
            raise AssertionError('%s went to %s' % (resource_id,
                                                    resource.status))
        return resource if resource.status == status else None
    return waiting.until('%s to be %s' % (resource_id, status), reached,
                         timeout)


def until_gone(manager, resource_id, timeout=60):
    def gone():
        try:
            manager.get(resource_id)
        except cinder_exc.NotFound:
            return True
        return None
    waiting.until('%s to be deleted' % resource_id, gone, timeout)


def delete_and_wait(manager, resource_id, timeout=60):
    try:
        manager.delete(resource_id)
    except cinder_exc.NotFound:
        return
    until_gone(manager, resource_id, timeout)


@contextlib.contextmanager
def temporary_volume(cinder, name, size=1):
    """A new available volume; deleted afterwards, with its snapshots."""
    volume = cinder.volumes.create(size, name=name)
    try:
        yield until_status(cinder.volumes, volume.id, 'available')
    finally:
        for snapshot in cinder.volume_snapshots.list(
                search_opts={'volume_id': volume.id}):
            if snapshot.volume_id == volume.id:
                delete_and_wait(cinder.volume_snapshots, snapshot.id)
        delete_and_wait(cinder.volumes, volume.id)
