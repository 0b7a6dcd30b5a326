"""The scheduler's unchanged code runs a second protection plugin (volume
clones, tests/clone_plugin.py, loaded from its provider file) against the
dev cloud: a scheduled run clones demo's volume with demo's trust, and the
next day's run applies retention to the clones."""

import pytest

from tests import clone_plugin
from tests.integration import test_scheduler
from tests.unit.scheduler import test_plugin_contract as contract
from tools.devkit import cinder as devkit_cinder
from volsnap_dashboard.protection import registry
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import model
from volsnap_dashboard.protection.schedule import store
from volsnap_dashboard.scheduler import clients as clients_module
from volsnap_dashboard.scheduler import config as config_module
from volsnap_dashboard.scheduler import service

demo = test_scheduler.demo
trust = test_scheduler.trust
at = test_scheduler.at


def clones_of(cinder, volume_id):
    return [v for v in cinder.volumes.list(search_opts={'metadata': {
        clone_plugin.CLONE_OF_KEY: volume_id}})
        if v.metadata.get(clone_plugin.CLONE_OF_KEY) == volume_id and
        v.status != 'deleting']


@pytest.fixture
def plugin(request):
    return clone_plugin.registry_of_clones(
        contract.finalizer(request)).plugin_for(registry.VOLUME)


@pytest.fixture
def cleanup_clones(demo, demo_volume):
    _, cinder = demo
    yield
    for clone in clones_of(cinder, demo_volume.id):
        devkit_cinder.delete_and_wait(cinder.volumes, clone.id)


def test_scheduled_clones_with_retention(demo, demo_volume, trust, plugin,
                                         tmp_path, cleanup_clones):
    session, cinder = demo
    store.save(cinder, cinder.volumes.get(demo_volume.id), model.Schedule(
        id=test_scheduler.SID, volume_id=demo_volume.id,
        project_id=session.get_project_id(),
        when=model.When(cron='0 2 * * *', tz='Europe/Berlin', preset=None),
        options={'clone_name': '', 'description': 'itest-clone'},
        name_template='itest-{volume_name}-{time:%Y%m%d-%H%M}',
        retention=model.Retention(count=1, days=None), paused=False,
        trust_id=trust, owner_id=session.get_user_id(), label='daily',
        created=at('2026-03-28T12:00:00Z')))
    settings = config_module.load(
        environ=test_scheduler.scheduler_environment(tmp_path))
    clients = clients_module.Clients(settings)
    service.serve(settings, clients, plugin, service.Stopper(),
                  once_at=at(test_scheduler.FIRST))
    [first] = clones_of(cinder, demo_volume.id)
    assert first.name == 'itest-itest-volume-20260329-0300'
    assert first.metadata[codec.SNAPSHOT_SLOT_KEY] == '2026-03-29T01:00:00Z'
    service.serve(settings, clients, plugin, service.Stopper(),
                  once_at=at(test_scheduler.SECOND))
    devkit_cinder.until_gone(cinder.volumes, first.id)
    [second] = clones_of(cinder, demo_volume.id)
    assert second.metadata[codec.SNAPSHOT_SLOT_KEY] == '2026-03-30T00:00:00Z'
    [saved] = store.schedules_of(cinder.volumes.get(demo_volume.id))
    assert (saved.state.outcome, saved.state.snapshot_id) == ('ok',
                                                              second.id)
    assert test_scheduler.snapshots_of(cinder, demo_volume.id) == []
