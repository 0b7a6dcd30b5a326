"""The scheduler works with any plugin written from protection/base.py:
a second plugin (volume clones, tests/clone_plugin.py), registered by a
provider file and an entry point, runs schedules with retention (pruning
first when the quota is full) and verifies what it made, with the
scheduler's code unchanged and no Cinder snapshot made or read."""

import datetime

import pytest
from django.test.utils import override_settings

from volsnap_dashboard.api import errors
from volsnap_dashboard.protection import base
from volsnap_dashboard.protection import cinder_snapshot
from volsnap_dashboard.protection import registry
from volsnap_dashboard.protection import verification
from volsnap_dashboard.protection.schedule import store
from volsnap_dashboard.scheduler import admin_calls
from volsnap_dashboard.scheduler import run
from volsnap_dashboard.scheduler import sweep
from volsnap_dashboard.scheduler import verify

from tests import clone_plugin
from tests import entry_points
from tests.unit.scheduler import test_verify as verify_tests
from tests.unit.scheduler import fakes
from tests.unit.scheduler.fakes import at

OPTIONS = {'clone_name': '', 'description': 'scheduled'}


class CloneCinder(verify_tests.VerifyCinder):
    """The in-memory Cinder with volumes cloned from volumes, counted
    against the volumes quota, made at ``now``; a volume 'creating' is
    available once read again, one deleted slowly is gone once read."""

    def __init__(self):
        super().__init__()
        self.limits_by_name.update(maxTotalVolumes=-1, totalVolumesUsed=0)
        self.now = '2026-03-01T00:00:00.000000'

    def _create_volume(self, size, source_volid=None, name=None,
                       description=None, metadata=None, **kwargs):
        self.calls.append('volumes.create')
        maximum = self.limits_by_name['maxTotalVolumes']
        if 0 <= maximum <= len(self.volumes_by_id):
            raise errors.OverQuota()
        source = self.volumes_by_id[source_volid]
        volume = self.add_volume(project=getattr(source, 'os-vol-tenant-'
                                                 'attr:tenant_id'),
                                 name=name, size=size, **(metadata or {}))
        stored = self.volumes_by_id[volume.id]
        stored.status, stored.created_at = 'creating', self.now
        stored.description, stored.source_volid = description, source_volid
        return self.volume(volume.id)

    def _get_existing_volume(self, volume_id):
        stored = self.volumes_by_id.get(volume_id)
        if stored is not None and stored.status == 'deleting':
            del self.volumes_by_id[volume_id]
        elif stored is not None and stored.status == 'creating':
            stored.status = 'available'
        return super()._get_existing_volume(volume_id)

    def _delete_volume(self, volume):
        stored = self.volumes_by_id.get(volume.id)
        if stored is not None and self.slow_deletes:
            stored.status = 'deleting'
            return
        super()._delete_volume(volume)

    def _limits(self):
        self.limits_by_name['totalVolumesUsed'] = len(self.volumes_by_id)
        return super()._limits()

    def clones(self):
        return sorted((v for v in self.volumes_by_id.values()
                       if v.metadata.get(clone_plugin.CLONE_KEY) == '1'),
                      key=lambda v: v.created_at)


def finalizer(request):
    """``add_cleanup(function, *args)`` for a pytest test."""
    return lambda function, *args: request.addfinalizer(
        lambda: function(*args))


@pytest.fixture
def cinder():
    return CloneCinder()


@pytest.fixture
def loaded(request):
    """The registry with the clone provider of VOLSNAP_PROVIDER_DIRS."""
    entry_points.install(clone_plugin.ENTRY_POINTS, finalizer(request))
    with override_settings(VOLSNAP_PROVIDER_DIRS=[clone_plugin.PROVIDERS]):
        yield registry.get_registry(reload=True)
    registry.get_registry(reload=True)


@pytest.fixture
def plugin(loaded):
    return loaded.plugin_for(registry.VOLUME,
                             provider_id=clone_plugin.PROVIDER_ID)


def sweeper(cinder, plugin, now, verifier=None, trusts=None):
    admin = admin_calls.AdminCinder(cinder)
    trusts = trusts or (verifier.tenant_client if verifier
                        else fakes.Trusts(cinder))
    runner = run.Runner(fakes.FakeCoordinator(), admin, trusts, plugin,
                        clock=lambda: at(now),
                        min_interval=datetime.timedelta(hours=1),
                        wait_interval=0, wait_timeout=5, verifier=verifier)
    return sweep.Sweeper(admin, runner, datetime.timedelta(hours=1),
                         verifier=verifier)


def sweep_at(cinder, plugin, now, verifier=None, trusts=None):
    cinder.now = now
    return sweeper(cinder, plugin, now, verifier, trusts).sweep(at(now))


def state_of(cinder, volume_id):
    [schedule] = store.schedules_of(cinder.volume(volume_id))
    return schedule.state


def test_a_plugin_written_from_base_alone_is_the_registrys(loaded, plugin):
    assert isinstance(plugin, clone_plugin.VolumeClonePlugin)
    assert plugin.name == 'volume-clone'
    assert set(clone_plugin.VolumeClonePlugin.__bases__) == {
        base.FileSchemasMixin, base.ProtectionPlugin}
    assert not any('clone' in problem for problem in map(str,
                                                         loaded.problems))


def test_a_plugin_lacking_what_the_scheduler_calls_is_refused(tmp_path,
                                                              request):
    entry_points.install(clone_plugin.ENTRY_POINTS, finalizer(request))
    (tmp_path / 'old.conf').write_text(
        '[provider]\nname = Old\nid = p-old\nplugin = old-contract\n')
    loaded = registry.Registry([str(tmp_path)])
    assert loaded.providers == {}
    [problem] = loaded.problems
    assert 'old-contract' in problem and 'list_protections' in problem


def test_scheduled_runs_keep_n_clones_pruning_first_when_full(cinder,
                                                              plugin):
    volume = cinder.add_volume(name='db')
    fakes.schedule_on(cinder, volume, keep=2, options=OPTIONS,
                      created='2026-03-26T12:00:00Z')
    for day in (27, 28):
        report = sweep_at(cinder, plugin, '2026-03-%dT01:30:00Z' % day)
        assert report.outcomes == {'ab12cd34': run.OK}
    oldest, middle = cinder.clones()
    # The volume and its two clones fill the volumes quota: the third
    # clone fits only once the oldest is deleted, and Cinder gives the
    # quota back only once the deletion has finished.
    cinder.limits_by_name['maxTotalVolumes'] = 3
    cinder.slow_deletes = True
    report = sweep_at(cinder, plugin, '2026-03-29T01:30:00Z')
    assert report.outcomes == {'ab12cd34': run.OK}
    kept = cinder.clones()
    assert [clone.id for clone in kept][0] == middle.id
    assert oldest.id not in cinder.volumes_by_id
    newest = kept[-1]
    assert newest.name == 'db-daily-20260329-0300'
    assert newest.source_volid == volume.id
    assert newest.metadata['volsnap_slot'] == '2026-03-29T01:00:00Z'
    assert state_of(cinder, volume.id).snapshot_id == newest.id
    assert cinder.snapshots_by_id == {}
    assert not [call for call in cinder.calls
                if call.startswith('volume_snapshots')]


def test_a_run_verifies_its_clone_and_a_later_sweep_records_it(cinder,
                                                               plugin):
    volume = cinder.add_volume(name='db')
    schedule = fakes.schedule_on(cinder, volume, options=OPTIONS,
                                 created='2026-03-28T12:00:00Z')
    schedule.verify_every = 1
    store.save(cinder, cinder.volume(volume.id), schedule)
    clock = verify_tests.Clock()
    worker = verify.Verifier(
        admin_calls.AdminCinder(cinder), fakes.Trusts(cinder), plugin,
        clock=clock, timeout=verify_tests.TIMEOUT,
        coordinator=fakes.FakeCoordinator())
    report = sweep_at(cinder, plugin, '2026-03-29T01:30:00Z', worker)
    assert report.outcomes == {'ab12cd34': run.OK}
    [clone] = cinder.clones()
    [temporary] = cinder.temporary_volumes()
    assert temporary.source_volid == clone.id
    assert clone.metadata[verification.VERIFY_KEY] == verification.VERIFYING
    cinder.volumes_by_id[temporary.id].status = 'available'
    clock.advance(30)
    report = worker.sweep()
    assert report.outcomes == {clone.id: verification.OK}
    metadata = cinder.volume(clone.id).metadata
    assert metadata[verification.OUTCOME_KEY] == verification.OK
    assert verification.VERIFY_KEY not in metadata
    assert cinder.temporary_volumes() == []
    assert cinder.snapshots_by_id == {}


def test_each_schedule_runs_the_plugin_it_names(cinder, plugin):
    """A provider's plugins side by side: a schedule naming none runs the
    first (snapshots), one naming the clone plugin makes clones; one
    naming a plugin the provider lacks is invalid and makes nothing."""
    plugins = registry.PluginSet([
        cinder_snapshot.CinderSnapshotProtectionPlugin(), plugin])
    volume = cinder.add_volume(name='db')
    fakes.schedule_on(cinder, volume, sid='5a0e0001',
                      created='2026-03-28T12:00:00Z')
    fakes.schedule_on(cinder, cinder.volume(volume.id), sid='c10e0002',
                      options=OPTIONS, plugin='volume-clone',
                      trust='trust-2', created='2026-03-28T12:00:00Z')
    fakes.schedule_on(cinder, cinder.volume(volume.id), sid='0dd00003',
                      options=OPTIONS, plugin='tape-archive',
                      trust='trust-3', created='2026-03-28T12:00:00Z')
    trusts = fakes.Trusts(cinder, **{'trust-2': fakes.DEMO,
                                     'trust-3': fakes.DEMO})
    report = sweep_at(cinder, plugins, '2026-03-29T01:30:00Z',
                      trusts=trusts)
    assert report.outcomes == {'5a0e0001': run.OK, 'c10e0002': run.OK,
                               '0dd00003': run.INVALID}
    [snapshot] = cinder.snapshots_by_id.values()
    assert snapshot.metadata['volsnap_schedule'] == '5a0e0001'
    [clone] = cinder.clones()
    assert clone.metadata['volsnap_schedule'] == 'c10e0002'
    states = {s.id: s.state for s in store.schedules_of(
        cinder.volume(volume.id))}
    assert 'tape-archive' in states['0dd00003'].reason
