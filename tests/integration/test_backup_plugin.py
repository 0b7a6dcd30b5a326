"""The cinder-backup plugin on the dev cloud, proved on bytes: backups it
makes (by hand, and by the scheduler's unchanged code) restore to new
volumes of the file-backed type whose bytes equal the source's, and
retention over an incremental chain keeps the chain whole until a newer
full backup can replace it."""

import os

import pytest

from tests.integration import test_devcloud_backups as files
from tests.integration import test_scheduler
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
MIB = files.MIB


@pytest.fixture
def plugin():
    """Through its entry point, as the registry loads it."""
    return registry.load_plugin('cinder-backup')


@pytest.fixture
def source(demo):
    """A 1 GiB volume of the "files" type, deleted afterwards with its
    backups (newest first: incremental ones before what they need) and
    the volumes restored from them."""
    _, cinder = demo
    made = []
    volume = cinder.volumes.create(1, name='itest-backup-plugin',
                                   volume_type=files.FILES_TYPE)
    volume = devkit_cinder.until_status(cinder.volumes, volume.id,
                                        'available')
    yield volume, made
    for backup in sorted(
            cinder.backups.list(search_opts={'volume_id': volume.id}),
            key=lambda b: b.created_at, reverse=True):
        devkit_cinder.delete_and_wait(cinder.backups, backup.id,
                                      timeout=files.BACKUP_TIMEOUT)
    for volume_id in made + [volume.id]:
        devkit_cinder.delete_and_wait(cinder.volumes, volume_id)


def content_digest(volume_id, size_gib=1):
    """The SHA-256 of the volume's ``size_gib`` of content. Cinder restores
    a backup to a new volume by opening its device for writing and
    skipping zero chunks: on the dev cloud's files that truncates, and
    what follows reads as zeros, as it would on a block device."""
    path = files.volume_file(volume_id)
    with open(path, 'r+b') as handle:
        handle.truncate(max(os.path.getsize(path), size_gib * 1024 * MIB))
    return files.digest(path)


def write(volume, offset_mib):
    """A fresh random pattern at ``offset_mib`` of the volume's file."""
    with open(files.volume_file(volume.id), 'r+b') as handle:
        handle.seek(offset_mib * MIB)
        handle.write(os.urandom(256 * 1024))
    return content_digest(volume.id)


def restored_digest(plugin, cinder, backup_id, made):
    volume = plugin.restore(cinder, backup_id, {},
                            volume_type=files.FILES_TYPE)
    made.append(volume.id)
    plugin.wait_for_restore(cinder, volume.id, interval=0.5,
                            timeout=files.BACKUP_TIMEOUT)
    return content_digest(volume.id)


def test_backups_made_by_hand_restore_the_same_bytes(demo, source, plugin):
    _, cinder = demo
    volume, made = source
    options = {'backup_name': '', 'description': 'itest'}
    write(volume, 5)
    full = plugin.protect(cinder, volume, options)
    assert full['incremental'] is False
    plugin.wait_for_protection(cinder, full['backup_id'], interval=0.5)
    expected = write(volume, 600)
    incremental = plugin.protect(cinder, volume, options)
    assert incremental['incremental'] is True
    listed = plugin.wait_for_protection(cinder, incremental['backup_id'],
                                        interval=0.5)
    assert listed.depends_on == full['backup_id']
    assert listed.name == 'itest-backup-plugin-backup'

    assert restored_digest(plugin, cinder, incremental['backup_id'],
                           made) == expected
    [restored] = plugin.restored_volumes(cinder, incremental['backup_id'])
    assert restored.id == made[0]


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
        created=at('2026-03-28T12:00:00Z')))


def test_scheduled_backups_keep_the_chain_and_restore_its_bytes(
        demo, source, plugin, trust, tmp_path):
    _, cinder = demo
    volume, made = source
    save_backup_schedule(demo, volume, trust)
    settings = config_module.load(
        environ=test_scheduler.scheduler_environment(
            tmp_path, VOLSNAP_SCHEDULER_WAIT_TIMEOUT='180'))
    clients = clients_module.Clients(settings)

    def run(now):
        service.serve(settings, clients, plugin, service.Stopper(),
                      once_at=at(now))
        listed = plugin.list_protections(cinder, volume.id, {
            codec.SNAPSHOT_SCHEDULE_KEY: test_scheduler.SID})
        for protection in listed:
            if protection.status == 'deleting':
                devkit_cinder.until_gone(cinder.backups, protection.id)
        return sorted((p for p in listed if p.status != 'deleting'),
                      key=lambda p: p.created_at)

    write(volume, 5)
    [full] = run(test_scheduler.FIRST)
    assert full.depends_on is None
    second_bytes = write(volume, 900)
    # Keep 1: the incremental backup is kept, and the full one it needs.
    kept = run(test_scheduler.SECOND)
    assert [(p.id, p.depends_on) for p in kept] == [
        (full.id, None), (kept[1].id, full.id)]
    incremental = kept[1]
    assert restored_digest(plugin, cinder, incremental.id,
                           made) == second_bytes
    # The restored volume got the source's metadata, schedule included:
    # that copy does not run, and the original keeps its trust.
    [copy] = codec.decode(cinder.volumes.get(made[-1]))
    assert isinstance(copy, model.Invalid)
    assert 'made for another volume' in copy.reason

    # The chain holds 2 (full_every): the third run is a full backup,
    # and the old chain goes, the incremental backup first.
    third_bytes = write(volume, 300)
    [newest] = run(test_scheduler.THIRD)
    assert newest.depends_on is None
    assert newest.name == 'itest-itest-backup-plugin-20260331'
    [saved] = store.schedules_of(cinder.volumes.get(volume.id))
    assert saved.state.outcome == 'ok'
    assert {entry['id'] for entry in saved.state.history[-1]['deleted']} \
        == {full.id, incremental.id}
    assert restored_digest(plugin, cinder, newest.id, made) == third_bytes
