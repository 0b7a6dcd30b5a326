"""The ``openstack volume protection`` commands, run as a user runs them:
the ``openstack`` command itself, with demo's credentials in the
environment, against the dev cloud. Protect, list, show, restore and
delete a snapshot; bad input and a missing protection exit non-zero with
openstackclient's kind of message; a schedule made in the panel is
paused, resumed and run from the command line, and the scheduler runs
it; verify, a volume's state and a dry run's retention."""

import json
import os
import subprocess
import sys

import pytest

from tests.integration import scheduler_identity
from tests.integration import test_scheduler
from tools.devkit import cinder as devcloud
from tools.devkit import horizon_client
from tools.devkit import identities
from volsnap_dashboard.api import errors
from volsnap_dashboard.api import trusts
from volsnap_dashboard.dashboards.schedules import api as schedules_api
from volsnap_dashboard.protection import registry
from volsnap_dashboard.protection import times
from volsnap_dashboard.protection import verification
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import store
from volsnap_dashboard.scheduler import clients as clients_module
from volsnap_dashboard.scheduler import config as config_module
from volsnap_dashboard.scheduler import service

OPENSTACK = os.path.join(os.path.dirname(sys.executable), 'openstack')


def credentials(user):
    env = {key: value for key, value in os.environ.items()
           if not key.startswith('OS_') and key != 'DJANGO_SETTINGS_MODULE'}
    env.update(OS_AUTH_URL=identities.keystone_url(), OS_USERNAME=user,
               OS_PASSWORD=identities.password(user),
               OS_PROJECT_NAME=identities.PROJECT_OF[user],
               OS_USER_DOMAIN_NAME=identities.DOMAIN,
               OS_PROJECT_DOMAIN_NAME=identities.DOMAIN,
               OS_REGION_NAME=identities.REGION,
               OS_IDENTITY_API_VERSION='3', OS_INTERFACE='public')
    return env


def openstack(*argv, user='demo', expect_failure=False, **environ):
    """The command's parsed JSON output (where it prints one), or its
    CompletedProcess when it is to fail; ``environ``: more variables."""
    result = subprocess.run([OPENSTACK, *argv],
                            env=dict(credentials(user), **environ),
                            capture_output=True, text=True, timeout=120)
    if expect_failure:
        assert result.returncode != 0, result.stdout
        return result
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout) if result.stdout.strip() else None


def sweep(tmp_path):
    """One sweep of the scheduler, as the dev cloud's scheduler user."""
    settings = config_module.load(
        environ=test_scheduler.scheduler_environment(tmp_path))
    service.serve(settings, clients_module.Clients(settings),
                  registry.volume_plugins(), service.Stopper(),
                  once_at=times.now())


def test_protect_list_show_restore_delete_from_the_command_line():
    cinder = devcloud.cinder_as('demo')
    with devcloud.temporary_volume(cinder, 'itest-cli-source') as volume:
        made = openstack('volume', 'protection', 'create', volume.name,
                         '--name', 'itest-cli-snapshot', '--option',
                         'description=from the CLI', '-f', 'json')
        assert made['kind'] == 'snapshot'
        snapshot = devcloud.until_status(cinder.volume_snapshots,
                                         made['id'], 'available')
        assert (snapshot.name, snapshot.description) == (
            'itest-cli-snapshot', 'from the CLI')

        listed = openstack('volume', 'protection', 'list', '--volume',
                           volume.id, '-f', 'json')
        assert [(row['ID'], row['Kind'], row['Status']) for row in listed] \
            == [(snapshot.id, 'snapshot', 'available')]
        shown = openstack('volume', 'protection', 'show', snapshot.id,
                          '-f', 'json')
        assert (shown['Volume ID'], shown['Name']) == (
            volume.id, 'itest-cli-snapshot')

        restored = openstack('volume', 'protection', 'restore', snapshot.id,
                             '--name', 'itest-cli-restored', '-f', 'json')
        try:
            new = devcloud.until_status(cinder.volumes, restored['ID'],
                                        'available')
            assert (new.name, new.snapshot_id) == ('itest-cli-restored',
                                                   snapshot.id)
        finally:
            devcloud.delete_and_wait(cinder.volumes, restored['ID'])

        assert openstack('volume', 'protection', 'delete',
                         snapshot.id) is None
        devcloud.until_gone(cinder.volume_snapshots, snapshot.id)


def test_bad_input_and_a_missing_protection_exit_non_zero():
    failed = openstack('volume', 'protection', 'create', 'no-such-volume',
                       '--option', 'colour=red', expect_failure=True)
    assert 'unknown option "colour"' in failed.stderr
    failed = openstack('volume', 'protection', 'create', 'no-such-volume',
                       expect_failure=True)
    assert 'no-such-volume' in failed.stderr
    failed = openstack('volume', 'protection', 'delete',
                       '00000000-0000-0000-0000-000000000000',
                       expect_failure=True)
    assert '1 of 1 protections failed to delete.' in failed.stderr
    plugins = openstack('volume', 'protection', 'plugin', 'list', '-f',
                        'json')
    assert [row['Name'] for row in plugins] == ['cinder-snapshot',
                                                'cinder-backup']


def test_a_panel_schedule_paused_resumed_and_run_from_the_command_line(
        tmp_path):
    """Created in the panel, paused and resumed and run now with the
    ``openstack`` command; the scheduler's next sweep makes the snapshot,
    which the command lists as the schedule's."""
    cinder = devcloud.cinder_as('demo')
    request = horizon_client.request_for(horizon_client.login('demo'))
    with devcloud.temporary_volume(cinder, 'itest-cli-scheduled') as volume:
        schedule = schedules_api.create(
            request, volume.id,
            {'preset': {'kind': 'daily', 'hour': 2, 'minute': 0},
             'tz': 'Europe/Berlin'},
            {'description': 'cli', 'force': False},
            'itest-cli-{volume_name}-{time:%Y%m%d-%H%M}', {'count': 2},
            label='nightly')
        try:
            [row] = openstack('volume', 'protection', 'schedule', 'list',
                              '--volume', volume.name, '-f', 'json')
            assert (row['ID'], row['Label'], row['Kind'], row['State']) == (
                schedule.id, 'nightly', 'snapshot', 'active')
            openstack('volume', 'protection', 'schedule', 'pause',
                      volume.id, schedule.id)
            assert schedules_api.get(request, volume.id,
                                     schedule.id).paused
            refused = openstack('volume', 'protection', 'schedule', 'run',
                                volume.id, schedule.id, expect_failure=True)
            assert 'resume it first' in refused.stderr
            openstack('volume', 'protection', 'schedule', 'resume',
                      volume.id, schedule.id)
            openstack('volume', 'protection', 'schedule', 'run', volume.id,
                      schedule.id)
            shown = openstack('volume', 'protection', 'schedule', 'show',
                              volume.id, schedule.id, '-f', 'json')
            assert shown['State'] == 'run_requested'

            sweep(tmp_path)
            [made] = openstack('volume', 'protection', 'list', '--volume',
                               volume.id, '-f', 'json')
            assert (made['Schedule'], made['Status']) == (schedule.id,
                                                          'available')
        finally:
            schedules_api.delete(request, volume.id, schedule.id,
                                 keep_protections=False)


def test_a_schedule_created_from_the_command_line_runs(tmp_path):
    """Created with the ``openstack`` command (its trust made with demo's
    own session), run now, run by the scheduler's sweep through that
    trust; the panel then reads it as its own."""
    cinder = devcloud.cinder_as('demo')
    request = horizon_client.request_for(horizon_client.login('demo'))
    with devcloud.temporary_volume(cinder, 'itest-cli-created') as volume:
        preview = openstack(
            'volume', 'protection', 'schedule', 'create', volume.name,
            '--preset', 'daily', '--at', '03:15', '--timezone',
            'Europe/Berlin', '--keep', '2', '--dry-run', '-f', 'json')
        assert preview[0]['ID'] == '(not saved)'
        assert store.schedules_of(cinder.volumes.get(volume.id)) == []
        [made] = openstack(
            'volume', 'protection', 'schedule', 'create', volume.name,
            '--preset', 'daily', '--at', '03:15', '--timezone',
            'Europe/Berlin', '--keep', '2', '--label', 'from-cli',
            '--scheduler-user-id', scheduler_identity.user_id(),
            '--option', 'description=scheduled from the CLI',
            '-f', 'json')
        try:
            schedule = schedules_api.get(request, volume.id, made['ID'])
            assert (schedule.label, schedule.when.cron, schedule.when.tz) \
                == ('from-cli', '15 3 * * *', 'Europe/Berlin')
            openstack('volume', 'protection', 'schedule', 'run', volume.id,
                      made['ID'])
            sweep(tmp_path)
            [snapshot] = openstack('volume', 'protection', 'list',
                                   '--volume', volume.id, '-f', 'json')
            assert snapshot['Schedule'] == made['ID']
            assert schedules_api.get(request, volume.id, made['ID']
                                     ).state.outcome == 'ok'

            openstack('volume', 'protection', 'schedule', 'set', volume.id,
                      made['ID'], '--keep', '5', '--label', 'renamed')
            changed = schedules_api.get(request, volume.id, made['ID'])
            assert (changed.retention.count, changed.label,
                    changed.trust_id) == (5, 'renamed', schedule.trust_id)
            openstack('volume', 'protection', 'keep', snapshot['ID'])
            assert cinder.volume_snapshots.get(snapshot['ID']).metadata[
                codec.KEPT_KEY] == codec.KEPT_VALUE
            openstack('volume', 'protection', 'schedule', 'delete',
                      volume.id, made['ID'],
                      VOLSNAP_SCHEDULER_USER_ID=scheduler_identity.user_id())
            assert store.schedules_of(cinder.volumes.get(volume.id)) == []
            # What it made stays (kept); its trust went with it.
            assert cinder.volume_snapshots.get(snapshot['ID'])
            session = devcloud.keystone_session('demo')
            with pytest.raises(errors.NotFound):
                trusts.get_trust(session, schedule.trust_id)
        finally:
            if store.schedules_of(cinder.volumes.get(volume.id)):
                schedules_api.delete(request, volume.id, made['ID'],
                                     keep_protections=False)


def test_verify_asks_the_scheduler_with_a_trust_of_demos_own():
    """Verify writes the request as the panel's Verify does, with a trust
    demo's own session made (expiring within a day); show says it is
    requested, and a second request is refused while it is."""
    cinder = devcloud.cinder_as('demo')
    session = devcloud.keystone_session('demo')
    with devcloud.temporary_volume(cinder, 'itest-cli-verify') as volume:
        snapshot = cinder.volume_snapshots.create(volume.id,
                                                  name='itest-cli-verified')
        trust_id = None
        try:
            devcloud.until_status(cinder.volume_snapshots, snapshot.id,
                                  'available')
            openstack('volume', 'protection', 'verify', snapshot.id,
                      '--scheduler-user-id', scheduler_identity.user_id())
            marks = cinder.volume_snapshots.get(snapshot.id).metadata
            trust_id = marks[verification.TRUST_KEY]
            trust = trusts.get_trust(session, trust_id)
            assert (trust.trustee_user_id, trust.project_id) == (
                scheduler_identity.user_id(),
                session.get_project_id())
            expires = times.parse_iso(trust.expires_at)
            assert expires - times.now() <= verification.TRUST_LIFETIME
            shown = openstack('volume', 'protection', 'show', snapshot.id,
                              '-f', 'json')
            assert shown['Verification Pending'] == 'requested'
            again = openstack('volume', 'protection', 'verify', snapshot.id,
                              expect_failure=True,
                              VOLSNAP_SCHEDULER_USER_ID=(
                                  scheduler_identity.user_id()))
            assert 'already under way' in again.stderr
        finally:
            if trust_id:
                trusts.delete_trust(session, trust_id)
            devcloud.delete_and_wait(cinder.volume_snapshots, snapshot.id)


def test_state_and_the_dry_runs_retention_from_the_command_line():
    """A volume protected by hand only: state list and show say so from
    its snapshot; a schedule's dry run says its first run deletes none of
    it (not the new schedule's own) and saves nothing."""
    cinder = devcloud.cinder_as('demo')
    with devcloud.temporary_volume(cinder, 'itest-cli-state') as volume:
        snapshot = cinder.volume_snapshots.create(volume.id,
                                                  name='itest-cli-by-hand')
        try:
            devcloud.until_status(cinder.volume_snapshots, snapshot.id,
                                  'available')
            [row] = openstack('volume', 'protection', 'state', 'list',
                              volume.id, '-f', 'json')
            assert (row['State'], row['Newest Restore Point'],
                    row['Schedules']) == ('manual_only',
                                          'itest-cli-by-hand', 0)
            every = openstack('volume', 'protection', 'state', 'list',
                              '-f', 'json')
            assert volume.id in {found['Volume ID'] for found in every}
            shown = openstack('volume', 'protection', 'state', 'show',
                              volume.name, '-f', 'json')
            assert shown['Newest By Kind'].startswith('snapshot ')

            [preview] = openstack(
                'volume', 'protection', 'schedule', 'create', volume.id,
                '--preset', 'daily', '--at', '03:15', '--keep', '1',
                '--dry-run', '-f', 'json')
            assert preview['Retention At First Run'] == (
                "deletes 0 of its 0 snapshots, then holds 1; the volume's "
                "1 other snapshots are not its to delete")
            assert store.schedules_of(cinder.volumes.get(volume.id)) == []
        finally:
            devcloud.delete_and_wait(cinder.volume_snapshots, snapshot.id)
