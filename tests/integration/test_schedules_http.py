"""The Schedules tab and its actions over HTTP against the dev cloud, as
a browser would call them: pause, resume, run now (made by
`volsnap-scheduler --once`), delete keeping or deleting the snapshots,
take over by another member of the project; a reader sees no actions,
alt sees nothing of demo's."""

import datetime

import pytest

from tests.integration import test_scheduler
from tools.devkit import cinder as devcloud
from tools.devkit import horizon_client
from volsnap_dashboard.dashboards.schedules import api as schedules_api
from volsnap_dashboard.dashboards.schedules import rows as schedule_rows
from volsnap_dashboard.protection.schedule import model
from volsnap_dashboard.protection.schedule import store

INDEX = '/project/volume_protection/'
TAB = INDEX + '?tab=volume_protection__schedules'
LABEL = 'itest-http-schedule'

scheduler_env = test_scheduler.scheduler_env


@pytest.fixture(scope='module')
def demo_client():
    return horizon_client.login('demo')


@pytest.fixture
def schedule(demo_client, demo_volume):
    """A daily schedule of demo's on its test volume; deleted (with its
    snapshots) afterwards."""
    request = horizon_client.request_for(demo_client)
    made = schedules_api.create(
        request, demo_volume.id,
        {'preset': {'kind': 'daily', 'hour': 2, 'minute': 0},
         'tz': 'Europe/Berlin'},
        {'description': 'itest-http', 'force': False},
        'itest-{volume_name}-{schedule}-{time:%Y%m%d-%H%M}', {'count': 3},
        label=LABEL)
    yield made
    demo = devcloud.cinder_as('demo')
    if any(found.id == made.id for found in current(demo_volume.id)):
        schedules_api.delete(request, demo_volume.id, made.id,
                             keep_protections=False)
    for snapshot in test_scheduler.snapshots_of(demo, demo_volume.id):
        devcloud.delete_and_wait(demo.volume_snapshots, snapshot.id)


def current(volume_id):
    return store.schedules_of(devcloud.cinder_as('demo').volumes.get(
        volume_id))


def the_schedule(volume_id, schedule_id):
    [found] = [s for s in current(volume_id) if s.id == schedule_id]
    return found


def act(client, schedule, action):
    row = schedule_rows.row_id(schedule.volume_id, schedule.id)
    return horizon_client.post(client, INDEX, {
        'action': 'schedules__%s__%s' % (action, row)})


def schedule_url(schedule, suffix=''):
    return '%sschedules/%s/%s/%s' % (INDEX, schedule.volume_id,
                                     schedule.id, suffix)


def run_scheduler(env):
    now = datetime.datetime.now(datetime.timezone.utc).strftime(
        '%Y-%m-%dT%H:%M:%SZ')
    return test_scheduler.run_once(env, now)


def test_pause_resume_run_now_and_delete_keeping_snapshots(
        demo_client, schedule, scheduler_env):
    page = demo_client.get(TAB)
    assert page.status_code == 200
    assert LABEL.encode() in page.content
    assert b'daily at 02:00 Europe/Berlin' in page.content
    assert b'Pause Schedule' in page.content

    act(demo_client, schedule, 'pause')
    assert the_schedule(schedule.volume_id, schedule.id).paused
    act(demo_client, schedule, 'resume')
    assert not the_schedule(schedule.volume_id, schedule.id).paused

    act(demo_client, schedule, 'run_now')
    assert the_schedule(schedule.volume_id,
                        schedule.id).run_requested is not None
    assert b'Run requested' in demo_client.get(TAB).content
    run_scheduler(scheduler_env)
    ran = the_schedule(schedule.volume_id, schedule.id)
    assert ran.state.outcome == model.OUTCOME_OK, ran.state.reason
    assert ran.run_requested is None
    demo = devcloud.cinder_as('demo')
    [snapshot] = test_scheduler.snapshots_of(demo, schedule.volume_id)

    detail = demo_client.get(schedule_url(schedule))
    assert detail.status_code == 200
    assert snapshot.id.encode() in detail.content  # history and list
    assert len(detail.context['next_runs']) == 5

    form = demo_client.get(schedule_url(schedule, 'delete/'))
    assert form.context['form'].fields['snapshots'].initial == 'keep'
    response = horizon_client.post(demo_client,
                                    schedule_url(schedule, 'delete/'),
                                    {'snapshots': 'keep'})
    assert response.status_code == 302
    assert current(schedule.volume_id) == []
    assert demo.volume_snapshots.get(snapshot.id).status == 'available'


def test_delete_with_its_snapshots(demo_client, schedule, scheduler_env):
    act(demo_client, schedule, 'run_now')
    run_scheduler(scheduler_env)
    demo = devcloud.cinder_as('demo')
    [snapshot] = test_scheduler.snapshots_of(demo, schedule.volume_id)
    response = horizon_client.post(demo_client,
                                    schedule_url(schedule, 'delete/'),
                                    {'snapshots': 'delete'})
    assert response.status_code == 302
    assert current(schedule.volume_id) == []
    left = [s for s in test_scheduler.snapshots_of(demo,
                                                   schedule.volume_id)
            if s.status != 'deleting']
    assert left == [], snapshot.id


def test_another_member_takes_over(schedule):
    colleague = horizon_client.login('colleague')
    colleague_id = horizon_client.request_for(colleague).user.id
    page = colleague.get(TAB)
    assert LABEL.encode() in page.content
    assert b'Take Over' in page.content
    response = horizon_client.post(colleague,
                                    schedule_url(schedule, 'take_over/'),
                                    {})
    assert response.status_code == 302
    taken = the_schedule(schedule.volume_id, schedule.id)
    assert taken.owner_id == colleague_id
    assert taken.trust_id != schedule.trust_id


def test_reader_sees_schedules_and_no_actions(schedule):
    reader = horizon_client.login('reader')
    page = reader.get(TAB)
    assert LABEL.encode() in page.content
    for action in (b'Pause Schedule', b'Delete Schedule', b'Take Over',
                   b'Run Now', b'Create Schedule'):
        assert action not in page.content
    act(reader, schedule, 'pause')
    assert not the_schedule(schedule.volume_id, schedule.id).paused
    response = horizon_client.post(reader,
                                    schedule_url(schedule, 'delete/'),
                                    {'snapshots': 'keep'})
    assert response.status_code != 200 or b'Delete Schedule' not in \
        response.content
    assert [s.id for s in current(schedule.volume_id)] == [schedule.id]


def test_alt_sees_nothing_of_demos(schedule):
    alt = horizon_client.login('alt')
    page = alt.get(TAB)
    assert page.status_code == 200
    assert LABEL.encode() not in page.content
    detail = alt.get(schedule_url(schedule))
    assert LABEL.encode() not in detail.content
    act(alt, schedule, 'pause')
    assert not the_schedule(schedule.volume_id, schedule.id).paused


ADMIN_INDEX = '/admin/volume_protection/'


def admin_act(client, schedule, action):
    row = schedule_rows.row_id(schedule.volume_id, schedule.id)
    return horizon_client.post(client, ADMIN_INDEX, {
        'action': 'admin_schedules__%s__%s' % (action, row)})


def test_who_paused_and_an_administrator_resumes_only_its_own_pause(
        demo_client, schedule):
    admin = horizon_client.login('admin')
    admin_act(admin, schedule, 'pause')
    paused = the_schedule(schedule.volume_id, schedule.id)
    assert paused.paused and paused.paused_by.by_admin
    assert b'Paused by an administrator on' in demo_client.get(TAB).content
    admin_act(admin, schedule, 'resume')
    resumed = the_schedule(schedule.volume_id, schedule.id)
    assert not resumed.paused and resumed.paused_by is None

    # What the project paused stays the project's to resume.
    act(demo_client, schedule, 'pause')
    assert b'Paused by you on' in demo_client.get(TAB).content
    admin_act(admin, schedule, 'resume')
    still = the_schedule(schedule.volume_id, schedule.id)
    assert still.paused and not still.paused_by.by_admin
