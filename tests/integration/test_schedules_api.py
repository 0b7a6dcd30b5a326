"""The panels' schedules API with demo's request, on a real volume of the
dev cloud: create, list, update, pause, resume, run now, take over and
delete; a save that fails leaves no trust behind."""

import pytest

from tests.integration import cinder_proxy
from tests.integration import scheduler_identity
from tools.devkit import cinder as devcloud
from tools.devkit import horizon_client
from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import errors
from volsnap_dashboard.api import keystone
from volsnap_dashboard.dashboards.schedules import api as schedules_api
from volsnap_dashboard.protection.parameters import InvalidParameters
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import model

DAILY = {'preset': {'kind': 'daily', 'hour': 2, 'minute': 0},
         'tz': 'Europe/Berlin'}
OPTIONS = {'description': 'scheduled by itest', 'force': False}
TEMPLATE = 'itest-{volume_name}-{schedule}-{time:%Y%m%d-%H%M}'


@pytest.fixture(scope='module')
def demo_request():
    return horizon_client.request_for(horizon_client.login('demo'))


@pytest.fixture
def created_trusts(monkeypatch):
    """The ids of the trusts the API creates (the real call, recorded)."""
    made = []
    real = keystone.trust_create

    def recording(*args, **kwargs):
        made.append(real(*args, **kwargs))
        return made[-1]
    monkeypatch.setattr(keystone, 'trust_create', recording)
    return made


def trust_works(trust_id, project_id):
    try:
        found = scheduler_identity.trust_sessions().project_of(trust_id)
    except errors.AuthorizationLost:
        return False
    assert found == project_id
    return True


def volume_metadata(volume_id):
    return devcloud.cinder_as('demo').volumes.get(volume_id).metadata


def create_daily(request, volume):
    return schedules_api.create(request, volume.id, DAILY, OPTIONS,
                                TEMPLATE, {'count': 7}, label='daily')


def test_round_trip(demo_request, demo_volume):
    project = demo_request.user.project_id
    schedule = create_daily(demo_request, demo_volume)
    try:
        assert schedule.when.cron == '0 2 * * *'
        assert schedule.when.tz == 'Europe/Berlin'
        assert schedule.owner_id == demo_request.user.id
        assert schedule.project_id == project
        assert trust_works(schedule.trust_id, project)
        metadata = volume_metadata(demo_volume.id)
        assert metadata[codec.MARKER_KEY] == '1'
        assert codec.chunk_key(schedule.id, 'def', 0) in metadata

        [listed] = schedules_api.list_for_volume(demo_request,
                                                 demo_volume.id)
        assert isinstance(listed, model.Schedule)
        assert (listed.id, listed.label, listed.retention.count) == \
            (schedule.id, 'daily', 7)
        assert listed.options == OPTIONS

        changed = schedules_api.update(
            demo_request, demo_volume.id, schedule.id,
            retention={'count': 3, 'days': 10}, label='nightly')
        assert changed.trust_id == schedule.trust_id
        got = schedules_api.get(demo_request, demo_volume.id, schedule.id)
        assert (got.label, got.retention.count, got.retention.days) == \
            ('nightly', 3, 10)
        assert got.when == listed.when

        assert schedules_api.pause(demo_request, demo_volume.id,
                                   schedule.id).paused
        assert schedules_api.get(demo_request, demo_volume.id,
                                 schedule.id).paused
        with pytest.raises(errors.Conflict):
            schedules_api.run_now(demo_request, demo_volume.id, schedule.id)
        schedules_api.resume(demo_request, demo_volume.id, schedule.id)
        got = schedules_api.get(demo_request, demo_volume.id, schedule.id)
        assert not got.paused and got.run_requested is None

        asked = schedules_api.run_now(demo_request, demo_volume.id,
                                      schedule.id)
        got = schedules_api.get(demo_request, demo_volume.id, schedule.id)
        assert got.run_requested == asked.run_requested
        assert codec.run_now_key(schedule.id) in volume_metadata(
            demo_volume.id)

        taken = schedules_api.update(demo_request, demo_volume.id,
                                     schedule.id, take_over=True)
        assert taken.trust_id != schedule.trust_id
        assert trust_works(taken.trust_id, project)
        assert not trust_works(schedule.trust_id, project)
        schedule = taken
    finally:
        schedules_api.delete(demo_request, demo_volume.id, schedule.id)

    assert not any(key.startswith(codec.PREFIX) or key == codec.MARKER_KEY
                   for key in volume_metadata(demo_volume.id))
    assert not trust_works(schedule.trust_id, project)
    assert schedules_api.list_for_volume(demo_request, demo_volume.id) == []
    with pytest.raises(errors.NotFound):
        schedules_api.get(demo_request, demo_volume.id, schedule.id)


def test_delete_keeps_other_schedules_and_metadata(demo_request,
                                                   demo_volume):
    devcloud.cinder_as('demo').volumes.set_metadata(demo_volume,
                                                 {'owner': 'itest'})
    daily = create_daily(demo_request, demo_volume)
    hourly = schedules_api.create(
        demo_request, demo_volume.id,
        {'preset': {'kind': 'hourly', 'minute': 5}, 'tz': 'UTC'}, OPTIONS,
        TEMPLATE, {'count': 24})
    try:
        schedules_api.delete(demo_request, demo_volume.id, daily.id)
        metadata = volume_metadata(demo_volume.id)
        assert metadata['owner'] == 'itest'
        assert metadata[codec.MARKER_KEY] == '1'
        assert [s.id for s in schedules_api.list_for_volume(
            demo_request, demo_volume.id)] == [hourly.id]
    finally:
        schedules_api.delete(demo_request, demo_volume.id, hourly.id)
    assert codec.MARKER_KEY not in volume_metadata(demo_volume.id)


def test_delete_with_snapshots(demo_request, demo_volume):
    schedule = create_daily(demo_request, demo_volume)
    demo = devcloud.cinder_as('demo')
    tagged = demo.volume_snapshots.create(
        demo_volume.id, name='itest-scheduled',
        metadata={codec.SNAPSHOT_SCHEDULE_KEY: schedule.id,
                  codec.SNAPSHOT_VOLUME_KEY: demo_volume.id})
    manual = demo.volume_snapshots.create(demo_volume.id,
                                          name='itest-manual')
    for snapshot in (tagged, manual):
        devcloud.until_status(demo.volume_snapshots, snapshot.id,
                             'available')
    outcome = schedules_api.delete(demo_request, demo_volume.id, schedule.id,
                                   keep_protections=False)
    assert outcome.protections_deleted == 1
    devcloud.until_gone(demo.volume_snapshots, tagged.id)
    assert demo.volume_snapshots.get(manual.id).status == 'available'


def test_invalid_input_creates_no_trust(demo_request, demo_volume,
                                        created_trusts):
    with pytest.raises(InvalidParameters) as caught:
        schedules_api.create(demo_request, demo_volume.id,
                             {'cron': '*/5 * * * *', 'tz': 'Europe/Berlin'},
                             OPTIONS, TEMPLATE, {'count': 7})
    # Every 5 minutes: more often than the operator's 1 hour minimum.
    assert 'shortest interval' in str(caught.value.errors['cron'][0])
    with pytest.raises(InvalidParameters) as caught:
        schedules_api.create(demo_request, demo_volume.id, DAILY,
                             dict(OPTIONS, colour='red'), TEMPLATE,
                             {'count': 7})
    assert 'colour' in str(caught.value)
    with pytest.raises(InvalidParameters) as caught:
        schedules_api.create(demo_request, demo_volume.id, DAILY, OPTIONS,
                             '{volume_name}-{nonsense}', {'count': 7})
    assert 'name_template' in caught.value.errors
    with pytest.raises(InvalidParameters) as caught:
        schedules_api.create(demo_request, demo_volume.id, DAILY, OPTIONS,
                             TEMPLATE, {})
    assert 'retention' in caught.value.errors
    assert created_trusts == []
    assert schedules_api.list_for_volume(demo_request, demo_volume.id) == []


def request_through(proxy):
    """demo's request with its Block Storage endpoint at ``proxy``."""
    request = horizon_client.request_for(horizon_client.login('demo'))
    for service in request.user.service_catalog:
        if service['type'] in cinder.SERVICE_TYPES:
            for endpoint in service['endpoints']:
                endpoint['url'] = proxy.endpoint_for(request)
    return request


@pytest.fixture
def proxy():
    started = cinder_proxy.CinderProxy()
    yield started
    started.stop()


def test_failing_save_leaves_no_trust(demo_volume, proxy, created_trusts):
    request = request_through(proxy)
    # The metadata write never reaches Cinder: a maintenance page answers.
    proxy.add('POST', '/metadata', 'html')
    with pytest.raises(errors.VolsnapAPIError):
        create_daily(request, demo_volume)
    [trust_id] = created_trusts
    assert not trust_works(trust_id, request.user.project_id)
    assert schedules_api.list_for_volume(request, demo_volume.id) == []


def test_lost_answer_of_a_save_that_happened_keeps_its_trust(
        demo_volume, proxy, created_trusts):
    request = request_through(proxy)
    # Cinder writes the schedule; the balancer loses its answer.
    proxy.add('POST', '/metadata', 'lose-answer')
    schedule = create_daily(request, demo_volume)
    try:
        assert created_trusts == [schedule.trust_id]
        assert trust_works(schedule.trust_id, request.user.project_id)
        [listed] = schedules_api.list_for_volume(request, demo_volume.id)
        assert listed.trust_id == schedule.trust_id
    finally:
        schedules_api.delete(request, demo_volume.id, schedule.id)


def test_reader_cannot_create_and_leaves_nothing(demo_volume,
                                                 created_trusts):
    request = horizon_client.request_for(horizon_client.login('reader'))
    with pytest.raises(errors.VolsnapAPIError):
        create_daily(request, demo_volume)
    # The reader holds no member role to delegate: Keystone refuses the
    # trust before anything is written.
    assert created_trusts == []
    assert codec.MARKER_KEY not in volume_metadata(demo_volume.id)


def test_other_projects_volume_is_not_found(demo_volume):
    request = horizon_client.request_for(horizon_client.login('alt'))
    with pytest.raises(errors.NotFound):
        create_daily(request, demo_volume)
