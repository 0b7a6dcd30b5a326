"""The cinder-backup plugin on the dev cloud, run by the scheduler's
unchanged code and proved on bytes: scheduled backups restore to new
volumes of the file-backed type whose bytes equal the source's, and
retention over an incremental chain keeps the chain whole until a newer
full backup can replace it (then deletes the old one, the incremental
backup first); a copy of the schedule on a restored volume never runs."""

import pytest

from tests.integration import backup_volumes as files
from tests.integration import test_scheduler
from tools.devkit import cinder as devkit_cinder
from volsnap_dashboard.api import errors
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


@pytest.fixture
def plugin():
    """Through its entry point, as the registry loads it."""
    return registry.load_plugin('cinder-backup')


@pytest.fixture
def source(demo):
    _, cinder = demo
    volume = files.FilesVolume(cinder, 'itest-backup-plugin')
    yield volume
    volume.delete()


def restored_digest(plugin, cinder, backup_id, source):
    """Through the plugin, as the panel's Restore does (no type chosen:
    the backed-up volume's)."""
    volume = plugin.restore(cinder, backup_id, {})
    source.made.append(volume.id)
    plugin.wait_for_restore(cinder, volume.id, interval=0.5,
                            timeout=files.BACKUP_TIMEOUT)
    assert [v.id for v in plugin.restored_volumes(cinder, backup_id)] == \
        [volume.id]
    return files.content_digest(volume.id)


def save_backup_schedule(demo, volume, trust_id):
    session, cinder = demo
    store.save(cinder, cinder.volumes.get(volume.id), model.Schedule(
        id=test_scheduler.SID, volume_id=volume.id,
        project_id=session.get_project_id(),
        when=model.When(cron='0 2 * * *', tz='Europe/Berlin', preset=None),
        options={'backup_name': '', 'description': 'itest-weekly',
                 'incremental': True, 'full_every': 2, 'force': False},
        name_template='itest-{volume_name}-{time:%Y%m%d}',
        retention=model.Retention(count=1, days=None), paused=False,
        trust_id=trust_id, owner_id=session.get_user_id(), label='backups',
        created=at('2026-03-28T12:00:00Z'), plugin='cinder-backup'))


def test_scheduled_backups_keep_the_chain_and_restore_its_bytes(
        demo, source, plugin, trust, tmp_path):
    _, cinder = demo
    volume = source.volume
    save_backup_schedule(demo, volume, trust)
    settings = config_module.load(
        environ=test_scheduler.scheduler_environment(
            tmp_path, VOLSNAP_SCHEDULER_WAIT_TIMEOUT='180'))
    clients = clients_module.Clients(settings)
    # The provider's plugins: the schedule names the backup one.
    plugins = registry.PluginSet([registry.load_plugin('cinder-snapshot'),
                                  plugin])

    def run(now):
        service.serve(settings, clients, plugins, service.Stopper(),
                      once_at=at(now))
        listed = plugin.list_protections(cinder, volume.id, {
            codec.SNAPSHOT_SCHEDULE_KEY: test_scheduler.SID})
        for protection in listed:
            if protection.status == 'deleting':
                devkit_cinder.until_gone(cinder.backups, protection.id)
        return sorted((p for p in listed if p.status != 'deleting'),
                      key=lambda p: p.created_at)

    files.write(volume, 5)
    [full] = run(test_scheduler.FIRST)
    assert full.depends_on is None
    second_bytes = files.write(volume, 900)
    # Keep 1: the incremental backup is kept, and the full one it needs.
    kept = run(test_scheduler.SECOND)
    assert [(p.id, p.depends_on) for p in kept] == [
        (full.id, None), (kept[1].id, full.id)]
    incremental = kept[1]
    assert incremental.name == 'itest-itest-backup-plugin-20260330'
    # Cinder refuses to delete what an incremental backup builds on, and
    # the plugin says why.
    with pytest.raises(errors.Conflict, match='delete them first'):
        plugin.delete(cinder, full.id)
    assert restored_digest(plugin, cinder, incremental.id,
                           source) == second_bytes
    # The restored volume got the source's metadata, schedule included:
    # that copy does not run, and the original keeps its trust.
    [copy] = codec.decode(cinder.volumes.get(source.made[-1]))
    assert isinstance(copy, model.Invalid)
    assert 'made for another volume' in copy.reason

    # The chain holds 2 (full_every): the third run is a full backup,
    # and the old chain goes, the incremental backup first.
    [newest] = run(test_scheduler.THIRD)
    assert newest.depends_on is None
    [saved] = store.schedules_of(cinder.volumes.get(volume.id))
    assert saved.state.outcome == 'ok'
    assert saved.state.snapshot_id == newest.id
    assert {entry['id'] for entry in saved.state.history[-1]['deleted']} \
        == {full.id, incremental.id}


def test_a_backup_of_the_newest_snapshot_holds_that_moment(demo, plugin,
                                                           source):
    """Written, snapshotted, written again: the backup made from the
    snapshot restores the bytes of the snapshot's moment."""
    _, cinder = demo
    at_snapshot = files.write(source.volume, 0)
    snapshot = cinder.volume_snapshots.create(source.volume.id,
                                              name='itest-backup-source')
    try:
        devkit_cinder.until_status(cinder.volume_snapshots, snapshot.id,
                                   'available')
        assert files.write(source.volume, 8) != at_snapshot
        saved = plugin.protect(cinder, cinder.volumes.get(source.volume.id),
                               {'backup_name': 'itest-from-snapshot',
                                'description': '', 'from_snapshot': True})
        assert saved['snapshot_id'] == snapshot.id
        backup = plugin.wait_for_protection(cinder, saved['backup_id'],
                                            interval=0.5,
                                            timeout=files.BACKUP_TIMEOUT)
        assert cinder.backups.get(backup.id).snapshot_id == snapshot.id
        assert restored_digest(plugin, cinder, backup.id, source) == \
            at_snapshot
    finally:
        devkit_cinder.delete_and_wait(cinder.volume_snapshots, snapshot.id,
                                      timeout=files.BACKUP_TIMEOUT)
