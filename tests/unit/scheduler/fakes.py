"""An in-memory Cinder (volumes, their metadata, snapshots, limits) and
the pieces the scheduler's runner is built from."""

import contextlib
import copy
import datetime
import itertools
import types

from cinderclient import api_versions

from volsnap_dashboard.api import errors
from volsnap_dashboard.protection.schedule import model
from volsnap_dashboard.protection.schedule import store
from volsnap_dashboard.scheduler import coordination
from volsnap_dashboard.scheduler import run

UTC = datetime.timezone.utc
DEMO = 'demo-project'
ALT = 'alt-project'


def at(text):
    return datetime.datetime.fromisoformat(text.replace('Z', '+00:00'))


class FakeCinder:
    def __init__(self):
        self.volumes_by_id = {}
        self.snapshots_by_id = {}
        self.limits_by_name = {'maxTotalSnapshots': -1,
                               'totalSnapshotsUsed': 0,
                               'maxTotalVolumeGigabytes': -1,
                               'totalGigabytesUsed': 0}
        self.fail_snapshots = False
        # As Cinder: a deleted snapshot stays 'deleting' (and counts
        # against the quota) until it is next read.
        self.slow_deletes = False
        self.calls = []
        self.api_version = api_versions.APIVersion('3.71')
        self._ids = itertools.count(1)
        self.volumes = types.SimpleNamespace(
            list=self._list_volumes, get=self._get_volume,
            set_metadata=self._set_metadata,
            delete_metadata=self._delete_metadata)
        self.volume_snapshots = types.SimpleNamespace(
            create=self._create_snapshot, get=self._get_snapshot,
            list=self._list_snapshots, delete=self._delete_snapshot)
        self.limits = types.SimpleNamespace(get=self._limits)
        self.messages = types.SimpleNamespace(list=lambda **kw: [])

    # volumes

    def add_volume(self, project=DEMO, name='db', size=1, **metadata):
        volume_id = 'vol-%d' % next(self._ids)
        self.volumes_by_id[volume_id] = types.SimpleNamespace(**{
            'id': volume_id, 'name': name, 'size': size,
            'status': 'available', 'metadata': dict(metadata),
            'os-vol-tenant-attr:tenant_id': project})
        return self.volume(volume_id)

    def volume(self, volume_id):
        return copy.deepcopy(self.volumes_by_id[volume_id])

    def _list_volumes(self, search_opts=None):
        self.calls.append('volumes.list')
        wanted = (search_opts or {}).get('metadata', {})
        return [copy.deepcopy(v) for v in self.volumes_by_id.values()
                if all(v.metadata.get(k) == val
                       for k, val in wanted.items())]

    def _get_volume(self, volume_id):
        self.calls.append('volumes.get')
        return self.volume(volume_id)

    def _set_metadata(self, volume, metadata):
        self.calls.append('volumes.set_metadata')
        self.volumes_by_id[volume.id].metadata.update(metadata)

    def _delete_metadata(self, volume, keys):
        self.calls.append('volumes.delete_metadata')
        for key in keys:
            self.volumes_by_id[volume.id].metadata.pop(key, None)

    # snapshots

    def add_snapshot(self, volume_id, created_at, status='available',
                     user_id='demo-user', **metadata):
        snapshot_id = 'snap-%d' % next(self._ids)
        self.snapshots_by_id[snapshot_id] = types.SimpleNamespace(
            id=snapshot_id, volume_id=volume_id, size=1, status=status,
            created_at=created_at, name='', metadata=dict(metadata),
            user_id=user_id)
        return snapshot_id

    def _create_snapshot(self, volume_id, name=None, description=None,
                         metadata=None, force=None):
        self.calls.append('volume_snapshots.create')
        if self.limits_by_name['maxTotalSnapshots'] >= 0 and len(
                self.snapshots_by_id) >= \
                self.limits_by_name['maxTotalSnapshots']:
            raise errors.OverQuota()
        snapshot_id = self.add_snapshot(
            volume_id, '2030-01-01T00:00:00.000000', status='creating',
            **(metadata or {}))
        snapshot = self.snapshots_by_id[snapshot_id]
        snapshot.name = name
        return copy.deepcopy(snapshot)

    def _get_snapshot(self, snapshot_id):
        snapshot = self.snapshots_by_id.get(snapshot_id)
        if snapshot is None:
            raise errors.NotFound()
        if snapshot.status == 'deleting':
            del self.snapshots_by_id[snapshot_id]
            raise errors.NotFound()
        if snapshot.status == 'creating':
            snapshot.status = 'error' if self.fail_snapshots \
                else 'available'
        return copy.deepcopy(snapshot)

    def _list_snapshots(self, search_opts=None):
        self.calls.append('volume_snapshots.list')
        opts = search_opts or {}
        wanted = opts.get('metadata', {})
        return [copy.deepcopy(s) for s in self.snapshots_by_id.values()
                if all(s.metadata.get(k) == v for k, v in wanted.items())
                and opts.get('volume_id') in (None, s.volume_id)]

    def _delete_snapshot(self, snapshot_id):
        self.calls.append('volume_snapshots.delete')
        if snapshot_id not in self.snapshots_by_id:
            raise errors.NotFound()
        if self.slow_deletes:
            self.snapshots_by_id[snapshot_id].status = 'deleting'
        else:
            del self.snapshots_by_id[snapshot_id]

    def _limits(self):
        self.calls.append('limits.get')
        values = dict(self.limits_by_name,
                      totalSnapshotsUsed=len(self.snapshots_by_id))
        return types.SimpleNamespace(absolute=[
            types.SimpleNamespace(name=k, value=v)
            for k, v in values.items()])


def schedule_on(cinder, volume, sid='ab12cd34', cron='0 2 * * *',
                tz='Europe/Berlin', keep=3, days=None, paused=False,
                trust='trust-demo', project=DEMO,
                created='2026-03-01T00:00:00Z', options=None, plugin=None):
    """``options``: the plugin's (the Cinder snapshot plugin's unless
    given); ``plugin``: the one it names (None: the default)."""
    schedule = model.Schedule(
        id=sid, volume_id=volume.id, project_id=project,
        when=model.When(cron=cron, tz=tz, preset=None),
        options=options or {'snapshot_name': '', 'description': 'scheduled',
                            'force': False},
        name_template='{volume_name}-{schedule}-{time:%Y%m%d-%H%M}',
        retention=model.Retention(count=keep, days=days), paused=paused,
        trust_id=trust, owner_id='demo-user', label='daily',
        created=at(created), plugin=plugin)
    store.save(cinder, volume, schedule)
    return schedule


class FakeHeldLock:
    """A held lock that another process takes over once ``lost_after``
    checks (None: never)."""

    def __init__(self, coordinator, key):
        self.coordinator = coordinator
        self.key = key

    def __bool__(self):
        return True

    def check(self):
        remaining = self.coordinator.lost_after
        if remaining is None:
            return
        if remaining <= 0:
            raise coordination.LockLost('lock %s taken over' % (self.key,))
        self.coordinator.lost_after = remaining - 1


class FakeCoordinator:
    def __init__(self):
        self.held = set()
        self.taken_elsewhere = set()
        self.lost_after = None

    @contextlib.contextmanager
    def run_lock(self, *key):
        acquired = key not in self.held and key not in self.taken_elsewhere
        if acquired:
            self.held.add(key)
        try:
            yield FakeHeldLock(self, key) if acquired else False
        finally:
            self.held.discard(key)

    def owns(self, schedule_id):
        return True


class Trusts:
    """trust id -> project, or an exception to raise."""

    def __init__(self, cinder, **projects):
        self.cinder = cinder
        self.projects = {'trust-demo': DEMO, 'trust-alt': ALT}
        self.projects.update(projects)
        # trust id -> its trustor (the owner of fakes.schedule_on's
        # schedules unless set).
        self.trustors = {}
        self.asked = []

    def __call__(self, trust_id):
        self.asked.append(trust_id)
        project = self.projects.get(trust_id)
        if isinstance(project, Exception):
            raise project
        if project is None:
            raise errors.AuthorizationLost(detail='Could not find trust')
        return run.TenantClient(self.cinder, project,
                                self.trustors.get(trust_id, 'demo-user'))
