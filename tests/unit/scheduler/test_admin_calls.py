"""The service user's admin client makes only the calls admin_calls.py
lists: sweeps driven through every path see nothing else reach it, its
state record refuses anything but one schedule's state, and no other
module can get at it."""

import ast
import datetime
import pathlib
import re
import types

import pytest

from volsnap_dashboard.api import errors
from volsnap_dashboard.protection import cinder_snapshot
from volsnap_dashboard.protection import verification
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import model
from volsnap_dashboard.protection.schedule import store
from volsnap_dashboard.scheduler import admin_calls
from volsnap_dashboard.scheduler import run
from volsnap_dashboard.scheduler import sweep
from volsnap_dashboard.scheduler import verify

from tests.unit.scheduler import test_verify as verify_tests
from tests.unit.scheduler import fakes
from tests.unit.scheduler import recording
from tests.unit.scheduler.fakes import at

PACKAGE = pathlib.Path(verify.__file__).resolve().parents[1]
TIMEOUT = verify_tests.TIMEOUT
STATE_KEY = re.compile(r'^volsnap:([^:]+):state:\d+$')
LISTED_TAGS = {(codec.MARKER_KEY, codec.MARKER_VALUE),
               (verification.VERIFICATION_KEY,
                verification.VERIFICATION_VALUE),
               (verification.VERIFY_KEY, verification.REQUESTED),
               (verification.VERIFY_KEY, verification.VERIFYING)}


def disallowed(calls):
    """The calls the admin client saw that admin_calls.py does not
    allow: listings across projects by a tag, reading a volume, writing
    or deleting a schedule's state keys."""
    wrong = []
    for name, args, kwargs in calls:
        if name in ('volumes.list', 'volume_snapshots.list'):
            opts = kwargs.get('search_opts') or {}
            tags = set((opts.get('metadata') or {}).items())
            if opts.get('all_tenants') and len(tags) == 1 and \
                    tags <= LISTED_TAGS and set(opts) == {'all_tenants',
                                                          'metadata'}:
                continue
        elif name == 'volumes.get':
            continue
        elif name in ('volumes.set_metadata', 'volumes.delete_metadata'):
            if all(STATE_KEY.match(key) for key in args[1]):
                continue
        wrong.append((name, args, kwargs))
    return wrong


def invalid_schedule_on(cinder, volume, sid='bbbb0002'):
    cinder.volumes_by_id[volume.id].metadata.update({
        codec.MARKER_KEY: codec.MARKER_VALUE,
        codec.chunk_key(sid, codec.DEFINITION, 0): '{"v": 1, "when": 3}'})


def test_every_path_of_a_sweep_uses_the_admin_client_only_as_allowed():
    cinder = verify_tests.VerifyCinder()
    clock = verify_tests.Clock(at('2026-03-30T01:30:00Z'))
    admin_cinder = recording.Recording(cinder)
    admin = admin_calls.AdminCinder(admin_cinder)
    trusts = fakes.Trusts(cinder, **{'trust-lost': errors.AuthorizationLost(
        detail='Could not find trust')})
    worker = verify.Verifier(
        admin, trusts, cinder_snapshot.CinderSnapshotProtectionPlugin(),
        clock=clock, timeout=TIMEOUT, coordinator=fakes.FakeCoordinator())
    runner = run.Runner(fakes.FakeCoordinator(), admin, worker.tenant_client,
                        cinder_snapshot.CinderSnapshotProtectionPlugin(),
                        clock=clock, wait_interval=0, wait_timeout=5,
                        verifier=worker)
    sweeper = sweep.Sweeper(admin, runner, datetime.timedelta(hours=1),
                            verifier=worker)
    # A run that verifies its snapshot, an invalid schedule, a schedule
    # whose trust is gone (run now asked), one whose trust acts in another
    # project.
    verified = cinder.add_volume(name='verified')
    schedule = fakes.schedule_on(cinder, verified, sid='aaaa0001')
    schedule.verify_every = 1
    store.save(cinder, cinder.volume(verified.id), schedule)
    invalid_schedule_on(cinder, cinder.add_volume(name='invalid'))
    lost = cinder.add_volume(name='lost')
    fakes.schedule_on(cinder, lost, sid='cccc0003', trust='trust-lost')
    store.request_run(cinder, cinder.volume(lost.id), 'cccc0003',
                      at('2026-03-30T01:00:00Z'))
    fakes.schedule_on(cinder, cinder.add_volume(name='other'),
                      sid='dddd0004', trust='trust-alt')
    # A verification requested, one requested with a gone trust, a
    # temporary volume left behind, a tenant's volume dressed as one.
    requested = cinder.add_requested()
    cinder.add_requested(trust='trust-lost')
    old = clock() - datetime.timedelta(seconds=TIMEOUT + 60)
    left = cinder.add_volume(name=verification.volume_name('snap-gone'),
                             **verification.volume_metadata(
                                 'snap-gone', old, 'trust-demo'))
    dressed = cinder.add_volume(name=verification.volume_name('snap-xxxx'),
                                **verification.volume_metadata(
                                    'snap-xxxx', old, 'trust-demo'))
    cinder.volumes_by_id[dressed.id].status = 'awaiting-transfer'

    first = sweeper.sweep(clock())
    for volume in cinder.temporary_volumes():
        if volume.status == 'creating':
            volume.status = 'available'
    clock.advance(60)
    second = sweeper.sweep(clock())

    assert disallowed(admin_cinder.calls) == []
    # Every kind of allowed call was made: the paths were all driven.
    assert set(recording.names(admin_cinder.calls)) == {
        'volumes.list', 'volume_snapshots.list', 'volumes.get',
        'volumes.set_metadata'}
    written = {STATE_KEY.match(key).group(1)
               for name, args, _ in admin_cinder.calls
               if name == 'volumes.set_metadata' for key in args[1]}
    assert written == {'bbbb0002', 'cccc0003', 'dddd0004'}
    assert first.outcomes == {'aaaa0001': run.OK, 'bbbb0002': run.INVALID,
                              'cccc0003': run.AUTHORIZATION_LOST,
                              'dddd0004': run.INVALID}
    assert set(second.verifications.outcomes.values()) == {'ok'}
    assert len(second.verifications.outcomes) == 2
    assert requested in second.verifications.outcomes
    assert left.id in first.verifications.deleted
    assert dressed.id in cinder.volumes_by_id
    assert 'volumes.force_delete' not in cinder.calls
    # The run request stays for the schedule's next run to clear.
    assert codec.run_now_key('cccc0003') in cinder.volume(lost.id).metadata


@pytest.fixture
def scheduled():
    cinder = fakes.FakeCinder()
    volume = cinder.add_volume()
    fakes.schedule_on(cinder, volume, sid='ab12cd34')
    fakes.schedule_on(cinder, volume, sid='ef56ab78')
    return cinder, cinder.volume(volume.id)


def test_the_state_record_writes_that_schedules_state(scheduled):
    cinder, volume = scheduled
    record = admin_calls.state_record(admin_calls.AdminCinder(cinder),
                                      'ab12cd34')
    state = model.ScheduleState(outcome=run.AUTHORIZATION_LOST,
                                reason='no definition.')
    store.save_state(record, volume, 'ab12cd34', state)
    [schedule] = [s for s in store.schedules_of(cinder.volume(volume.id))
                  if s.id == 'ab12cd34']
    assert schedule.state.reason == 'no definition.'


@pytest.mark.parametrize('keys', [
    ['volsnap:ef56ab78:state:0'],   # another schedule's
    ['volsnap:ab12cd34:def:0'],     # the definition
    ['volsnap:ab12cd34:run_now'],
    ['volsnap_scheduled'],
    ['volsnap:ab12cd34:state:0', 'name'],
    ['volsnap:ab12cd34:state:%d' % codec.MAX_CHUNKS],
])
def test_the_state_record_refuses_any_other_key(scheduled, keys):
    cinder, volume = scheduled
    record = admin_calls.state_record(admin_calls.AdminCinder(cinder),
                                      'ab12cd34')
    cinder.calls.clear()
    with pytest.raises(admin_calls.NotAllowed):
        record.volumes.set_metadata(volume, dict.fromkeys(keys, 'x'))
    with pytest.raises(admin_calls.NotAllowed):
        record.volumes.delete_metadata(volume, keys)
    assert cinder.calls == []


def test_the_state_record_refuses_a_volume_without_that_schedule(
        scheduled):
    cinder, _ = scheduled
    other = cinder.add_volume()
    record = admin_calls.state_record(admin_calls.AdminCinder(cinder),
                                      'ab12cd34')
    with pytest.raises(admin_calls.NotAllowed):
        record.volumes.set_metadata(other, {'volsnap:ab12cd34:state:0': '{}'})
    assert cinder.volume(other.id).metadata == {}


def test_the_admin_functions_refuse_a_raw_client():
    with pytest.raises(TypeError):
        admin_calls.scheduled_volumes(fakes.FakeCinder())


# Nothing else reaches the admin client

def modules():
    for path in sorted(PACKAGE.rglob('*.py')):
        yield path.relative_to(PACKAGE.parent).as_posix(), ast.parse(
            path.read_text(), str(path))


def names_used(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            yield node.attr
        elif isinstance(node, ast.Name):
            yield node.id
        elif isinstance(node, ast.FunctionDef):
            yield node.name
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value


ADMIN_CALLS = 'volsnap_dashboard/scheduler/admin_calls.py'
CLIENTS = 'volsnap_dashboard/scheduler/clients.py'


def test_only_admin_calls_reaches_the_raw_admin_client():
    users = {name for name, tree in modules()
             if {'_admin_cinder', '_admin_cinder_of'} & set(names_used(tree))}
    assert users == {ADMIN_CALLS}


def test_only_clients_makes_the_admin_client_or_the_service_session():
    makers = {name for name, tree in modules()
              if 'AdminCinder' in names_used(tree) and name != ADMIN_CALLS}
    assert makers == {CLIENTS}
    sessions = {name for name, tree in modules()
                if 'service_session' in set(names_used(tree))}
    assert sessions == {CLIENTS, 'volsnap_dashboard/api/trusts.py'}


def test_the_service_session_gives_cinder_only_inside_an_admin_cinder():
    tree = dict(modules())[CLIENTS]
    wrapped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(
                node.func, 'attr', None) == 'AdminCinder':
            wrapped.update(id(inner) for inner in ast.walk(node))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(
                node.func, 'attr', None) == '_cinder_for' and any(
                    getattr(getattr(arg, 'func', None), 'attr', None) ==
                    'service_session' for arg in node.args):
            assert id(node) in wrapped


def manager_calls(tree):
    """``(manager, method)`` of each ``<...>.<manager>.<method>(...)``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and \
                isinstance(node.func, ast.Attribute) and \
                isinstance(node.func.value, ast.Attribute):
            yield node.func.value.attr, node.func.attr


def test_admin_calls_makes_only_the_documented_calls():
    tree = dict(modules())[ADMIN_CALLS]
    public = {node.name for node in tree.body
              if isinstance(node, ast.FunctionDef)
              and not node.name.startswith('_')}
    assert public == {'scheduled_volumes', 'protections_tagged',
                      'volumes_tagged', 'state_record'}
    assert set(manager_calls(tree)) == {
        ('volumes', 'list'),
        ('volumes', 'get'), ('volumes', 'set_metadata'),
        ('volumes', 'delete_metadata')}


def test_only_admin_calls_lists_all_projects_in_the_scheduler():
    listing = {name for name, tree in modules()
               if name.startswith('volsnap_dashboard/scheduler/')
               and 'all_tenants' in set(names_used(tree))}
    assert listing == {ADMIN_CALLS}


def test_nothing_in_the_scheduler_forces_a_deletion():
    forcing = {name for name, tree in modules()
               if name.startswith('volsnap_dashboard/scheduler/')
               and any(method == 'force_delete'
                       for _, method in manager_calls(tree))}
    assert forcing == set()


def test_the_scheduler_deletes_no_trust():
    # Keystone lets only a trust's trustor, or an admin, delete it: the
    # service user could only do it with its admin role.
    deleting = {name for name, tree in modules()
                if name.startswith('volsnap_dashboard/scheduler/')
                and ('delete_trust' in set(names_used(tree)) or
                     ('trusts', 'delete') in set(manager_calls(tree)))}
    assert deleting == set()


class _Manager:
    """A cinderclient manager answering with real Resources bound to it."""

    def __init__(self, resource_class, info):
        self.resource_class = resource_class
        self.info = info

    def list(self, search_opts=None):
        return [self.resource_class(self, dict(self.info), loaded=True)]

    def get(self, resource_id):
        return self.resource_class(self, dict(self.info), loaded=True)


def test_what_the_admin_client_returns_cannot_reach_it():
    from cinderclient.v3 import volume_snapshots
    from cinderclient.v3 import volumes
    scheduled = {'id': 'vol-1', 'status': 'available', 'metadata': {
        codec.MARKER_KEY: codec.MARKER_VALUE,
        codec.chunk_key('ab12cd34', codec.DEFINITION, 0): '{}'}}
    raw = types.SimpleNamespace(
        volumes=_Manager(volumes.Volume, scheduled),
        volume_snapshots=_Manager(volume_snapshots.Snapshot,
                                  {'id': 'snap-1', 'status': 'available'}))
    admin = admin_calls.AdminCinder(raw)
    listed = (admin_calls.scheduled_volumes(admin) +
              admin_calls.volumes_tagged(admin, 'k', 'v') +
              admin_calls.protections_tagged(
                  admin, cinder_snapshot.CinderSnapshotProtectionPlugin(),
                  'k', 'v') +
              [admin_calls.state_record(admin, 'ab12cd34').volumes.get(
                  'vol-1')])
    assert [resource.id for resource in listed] == [
        'vol-1', 'vol-1', 'snap-1', 'vol-1']
    for resource in listed:
        assert getattr(resource, 'manager', None) is None
        with pytest.raises(AttributeError):
            resource.delete()


class _GreedyPlugin(cinder_snapshot.CinderSnapshotProtectionPlugin):
    """Lists, then tries to do more with the client it listed with."""

    def list_protections(self, client, **kwargs):
        listed = super().list_protections(client, **kwargs)
        client.volume_snapshots.delete(listed[0].id)


def test_a_plugin_listing_for_the_service_user_can_only_list():
    cinder = fakes.FakeCinder()
    snapshot_id = cinder.add_snapshot(cinder.add_volume().id,
                                      '2026-03-01T00:00:00', k='v')
    admin = admin_calls.AdminCinder(cinder)
    with pytest.raises(AttributeError):
        admin_calls.protections_tagged(admin, _GreedyPlugin(), 'k', 'v')
    assert snapshot_id in cinder.snapshots_by_id


def test_an_admin_client_is_renewed_only_from_another():
    admin = admin_calls.AdminCinder(fakes.FakeCinder())
    with pytest.raises(TypeError):
        admin.renew(fakes.FakeCinder())
    renewed = fakes.FakeCinder()
    renewed.add_volume()
    fakes.schedule_on(renewed, renewed.add_volume())
    admin.renew(admin_calls.AdminCinder(renewed))
    assert len(admin_calls.scheduled_volumes(admin)) == 1
