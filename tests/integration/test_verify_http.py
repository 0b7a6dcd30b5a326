"""Verify a snapshot over HTTP against the dev cloud: the panel's Verify
writes the request and a trust the scheduler can use, the row refreshes
itself while it is pending, and after two sweeps of volsnap-scheduler
(start, then record) the Snapshots tab says "Verified" and the Volumes
tab has the volume's last verification; no temporary volume or trust is
left. A schedule's "verify every N runs" through the workflow; a reader
is offered no Verify, and a forged one writes nothing."""

import html
import re

from keystoneauth1 import exceptions as ks_exc
from keystoneclient.v3 import client as ks_client

from tests.integration import test_schedule_workflow as workflow
from tests.integration import test_scheduler
from tests.integration import test_schedules_api
from tools.devkit import cinder as devcloud
from tools.devkit import horizon_client
from volsnap_dashboard.dashboards.schedules import api as schedules_api
from volsnap_dashboard.protection import times
from volsnap_dashboard.protection import verification

scheduler_env = test_scheduler.scheduler_env

INDEX = '/project/volume_protection/'
VOLUMES = INDEX + '?tab=volume_protection__volumes'
VERIFY = 'protected_snapshots__verify__'


def row_of(content, object_id):
    match = re.search(rb'<tr[^>]*data-object-id="%s".*?</tr>'
                      % object_id.encode(), content, re.S)
    assert match, object_id
    return match.group(0).decode()


def refreshed_row(client, row):
    """The row as its own AJAX update answers (what the page polls)."""
    url = html.unescape(re.search(r'data-update-url="([^"]+)"',
                                  row).group(1))
    answer = client.get(url, HTTP_X_REQUESTED_WITH='XMLHttpRequest')
    assert answer.status_code == 200
    return answer.content.decode()


def now_iso():
    return times.format_utc(times.now())


def trust_exists(trust_id):
    session = devcloud.keystone_session('demo')
    try:
        ks_client.Client(session=session).trusts.get(trust_id)
    except ks_exc.NotFound:
        return False
    return True


def temporary_volumes_of(snapshot_id):
    admin = devcloud.cinder_as('admin')
    return [volume for volume in admin.volumes.list(search_opts={
        'all_tenants': 1, 'metadata': {
            verification.VERIFICATION_OF_KEY: snapshot_id}})
        if volume.status != 'deleting']


def test_verify_from_the_panel_until_verified(demo_volume, scheduler_env):
    demo = devcloud.cinder_as('demo')
    made = demo.volume_snapshots.create(demo_volume.id,
                                        name='itest-verify')
    snapshot = devcloud.until_status(demo.volume_snapshots, made.id,
                                    'available')
    trust_id = None
    try:
        client = horizon_client.login('demo')
        row = row_of(client.get(INDEX).content, snapshot.id)
        assert VERIFY + snapshot.id in row

        done = horizon_client.post(client, INDEX,
                                    {'action': VERIFY + snapshot.id},
                                    follow=True)
        assert done.status_code == 200
        assert b'Requested verification of Snapshot: itest-verify' in \
            done.content

        # The request, with a trust the scheduler's user can use.
        metadata = demo.volume_snapshots.get(snapshot.id).metadata
        assert metadata[verification.VERIFY_KEY] == 'requested'
        trust_id = metadata[verification.TRUST_KEY]
        session = devcloud.keystone_session('demo')
        assert test_schedules_api.trust_works(trust_id,
                                              session.get_project_id())
        assert session.get_token() not in done.content.decode()

        # Pending: said, no second Verify, and the row keeps refreshing.
        row = row_of(client.get(INDEX).content, snapshot.id)
        assert 'Verification requested' in row
        assert VERIFY + snapshot.id not in row
        assert 'ajax-update warning' in row
        assert 'Verification requested' in refreshed_row(client, row)

        test_scheduler.run_once(scheduler_env, now_iso())
        row = row_of(client.get(INDEX).content, snapshot.id)
        assert 'Verifying' in row
        assert 'ajax-update warning' in row
        [temporary] = temporary_volumes_of(snapshot.id)
        # The temporary volume is marked on the Volumes tab, no actions.
        volumes_row = row_of(client.get(VOLUMES).content, temporary.id)
        assert 'Temporary (verification)' in volumes_row
        assert 'protect_now' not in volumes_row
        devcloud.until_status(demo.volumes, temporary.id, 'available')

        test_scheduler.run_once(scheduler_env, now_iso())
        row = row_of(client.get(INDEX).content, snapshot.id)
        assert re.search(r'Verified (just now|1\xa0minute ago)', row), row
        assert 'warning' not in row
        assert VERIFY + snapshot.id in row  # may be verified again
        devcloud.until_gone(demo.volumes, temporary.id)
        assert temporary_volumes_of(snapshot.id) == []
        # Only its trustor (or an admin) may delete the request's trust:
        # the scheduler leaves it to expire within the day (the finally
        # below deletes it as demo).
        assert trust_exists(trust_id)

        volumes_row = row_of(client.get(VOLUMES).content, demo_volume.id)
        assert 'Verified ' in volumes_row
    finally:
        admin = devcloud.cinder_as('admin')
        for volume in temporary_volumes_of(snapshot.id):
            admin.volumes.force_delete(volume)
            devcloud.until_gone(admin.volumes, volume.id)
        devcloud.delete_and_wait(demo.volume_snapshots, snapshot.id)
        if trust_id and trust_exists(trust_id):
            ks_client.Client(session=devcloud.keystone_session(
                'demo')).trusts.delete(trust_id)


def test_a_schedule_that_verifies_every_n_runs(demo_volume):
    """Create Schedule with "every 2 runs": stored with the schedule,
    said on the Schedules tab and its page, changed by Edit to never."""
    client = horizon_client.login('demo')
    response = horizon_client.post(
        client, workflow.CREATE,
        workflow.daily_form(client, demo_volume, verify_every='2'))
    assert response.status_code == 302, response.content[:2000]
    request = horizon_client.request_for(client)
    [schedule] = schedules_api.list_for_volume(request, demo_volume.id)
    try:
        assert schedule.verify_every == 2
        tab = client.get(INDEX + '?tab=volume_protection__schedules')
        assert 'Verifies the new snapshot every 2 runs' in row_of(
            tab.content, '%s_%s' % (demo_volume.id, schedule.id))
        detail = client.get(INDEX + 'schedules/%s/%s/' % (demo_volume.id,
                                                          schedule.id))
        assert b'Verifies the new snapshot every 2 runs' in detail.content

        url = workflow.update_url(demo_volume.id, schedule.id)
        page = client.get(url)
        options = page.context['workflow'].get_step('options').action
        assert options.fields['verify_every'].initial == 2
        edit = workflow.daily_form(client, demo_volume, url,
                                   verify_every='')
        del edit['volumes']
        assert horizon_client.post(client, url, edit).status_code == 302
        [edited] = schedules_api.list_for_volume(request, demo_volume.id)
        assert (edited.id, edited.verify_every) == (schedule.id, None)
    finally:
        schedules_api.delete(request, demo_volume.id, schedule.id)


def test_a_reader_is_offered_no_verify_and_a_forged_post_writes_nothing(
        demo_volume):
    demo = devcloud.cinder_as('demo')
    made = demo.volume_snapshots.create(demo_volume.id,
                                        name='itest-verify-reader')
    snapshot = devcloud.until_status(demo.volume_snapshots, made.id,
                                    'available')
    try:
        client = horizon_client.login('reader')
        row = row_of(client.get(INDEX).content, snapshot.id)
        assert 'itest-verify-reader' in row
        assert VERIFY + snapshot.id not in row

        forged = horizon_client.post(client, INDEX,
                                      {'action': VERIFY + snapshot.id},
                                      follow=True)
        assert forged.status_code == 200
        assert b'Requested verification' not in forged.content
        assert verification.VERIFY_KEY not in \
            demo.volume_snapshots.get(snapshot.id).metadata
    finally:
        devcloud.delete_and_wait(demo.volume_snapshots, snapshot.id)
