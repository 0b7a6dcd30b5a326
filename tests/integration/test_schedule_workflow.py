"""The Create / Edit Schedule workflow over HTTP against the dev cloud:
the preview, a create through the form (a real trust, the schedule in
the volume's metadata), an edit that keeps the schedule, Keystone
refusing the trust, and who may open it."""

from django.test.utils import override_settings

from tools.devkit import cinder as devcloud
from tools.devkit import horizon_client
from volsnap_dashboard.dashboards.schedules import api as schedules_api
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import model

INDEX = '/project/volume_protection/'
CREATE = INDEX + 'schedules/create/'


def update_url(volume_id, schedule_id):
    return INDEX + 'schedules/%s/%s/update/' % (volume_id, schedule_id)


def form_token(client, url):
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    return page.context['workflow'].get_step('review').action.fields[
        'submission'].initial


def daily_form(client, volume, url=CREATE, **overrides):
    data = {'volumes': [volume.id], 'kind': 'daily', 'hour': '2',
            'minute': '0', 'tz': 'Europe/Berlin', 'label': 'itest',
            'name_template': 'itest-{volume_name}-{time}',
            'option_description': 'scheduled through the form',
            'retention_count': '3', 'submission': form_token(client, url)}
    data.update(overrides)
    return data


def volume_metadata(volume_id):
    return devcloud.cinder_as('demo').volumes.get(volume_id).metadata


def test_preview_create_and_edit_through_the_form(demo_volume):
    client = horizon_client.login('demo')
    data = daily_form(client, demo_volume)

    preview = horizon_client.post(client, CREATE, dict(data, preview='1'))
    assert preview.status_code == 200
    html = preview.content.decode()
    assert '<th scope="col">Europe/Berlin</th>' in html
    assert html.count(' 02:00 CE') == 5  # CET or CEST
    assert 'hold 3 snapshots of each volume.' in html
    assert 'In all: 3 snapshots, 3 GiB.' in html
    assert codec.MARKER_KEY not in volume_metadata(demo_volume.id)

    response = horizon_client.post(client, CREATE, data)
    assert response.status_code == 302, response.content[:2000]
    # On to the Schedules tab, where the new schedule is.
    assert response['Location'] == INDEX + '?tab=volume_protection__schedules'
    request = horizon_client.request_for(client)
    [schedule] = schedules_api.list_for_volume(request, demo_volume.id)
    try:
        assert isinstance(schedule, model.Schedule)
        assert (schedule.when.cron, schedule.when.tz) == ('0 2 * * *',
                                                          'Europe/Berlin')
        assert schedule.retention == model.Retention(count=3)
        assert schedule.label == 'itest'
        assert schedule.options['description'] == \
            'scheduled through the form'
        assert schedule.trust_id and schedule.owner_id == request.user.id

        url = update_url(demo_volume.id, schedule.id)
        page = client.get(url)
        assert page.status_code == 200
        when = page.context['workflow'].get_step('when').action.fields
        assert (when['kind'].initial, when['hour'].initial) == ('daily', 2)
        edit = daily_form(client, demo_volume, url, kind='cron',
                          cron='15 */6 * * *', retention_count='',
                          retention_days='10')
        del edit['volumes']
        edit_preview = horizon_client.post(client, url,
                                            dict(edit, preview='1'))
        assert 'deletes none of its snapshots' in \
            edit_preview.content.decode()
        # Four runs a day kept ten days do not fit demo's quota of 10
        # snapshots: saving asks first, and changes nothing.
        response = horizon_client.post(client, url, edit)
        assert response.status_code == 200
        assert 'tick the box below to save it anyway' in \
            response.content.decode()
        [unchanged] = schedules_api.list_for_volume(request, demo_volume.id)
        assert unchanged.when.cron == '0 2 * * *'
        response = horizon_client.post(client, url,
                                       dict(edit, allow_over_quota='on'))
        assert response.status_code == 302, response.content[:2000]
        [edited] = schedules_api.list_for_volume(request, demo_volume.id)
        assert edited.id == schedule.id
        assert edited.trust_id == schedule.trust_id
        assert edited.when.cron == '15 */6 * * *'
        assert edited.when.preset is None
        assert edited.retention == model.Retention(days=10)
    finally:
        schedules_api.delete(request, demo_volume.id, schedule.id)


def test_an_interval_below_the_minimum_saves_nothing(demo_volume):
    client = horizon_client.login('demo')
    response = horizon_client.post(client, CREATE, daily_form(
        client, demo_volume, kind='cron', cron='*/5 * * * *'))
    assert response.status_code == 200
    assert b'the shortest interval allowed is 1 h' in response.content
    assert codec.MARKER_KEY not in volume_metadata(demo_volume.id)


def test_keystone_refusing_the_trust_is_said_and_nothing_saved(
        demo_volume):
    client = horizon_client.login('demo')
    data = daily_form(client, demo_volume)
    # A trustee Keystone does not know: it refuses to create the trust.
    with override_settings(VOLSNAP_SCHEDULER_USER_ID='0' * 32):
        response = horizon_client.post(client, CREATE, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert ('The schedule was not saved: The Identity service refused to '
            'let the scheduler act on your behalf.') in html
    assert codec.MARKER_KEY not in volume_metadata(demo_volume.id)


def test_a_reader_cannot_open_or_post_the_workflow(demo_volume):
    client = horizon_client.login('reader')
    assert client.get(CREATE).status_code in (302, 403)
    response = horizon_client.post(client, CREATE, {
        'volumes': [demo_volume.id], 'kind': 'daily', 'hour': '2',
        'minute': '0', 'tz': 'UTC', 'retention_count': '1',
        'name_template': 'itest-{volume_name}'})
    assert response.status_code in (302, 403)
    assert codec.MARKER_KEY not in volume_metadata(demo_volume.id)


def test_alt_cannot_open_demos_schedule(demo_volume):
    demo = horizon_client.login('demo')
    request = horizon_client.request_for(demo)
    schedule = schedules_api.create(
        request, demo_volume.id, {'preset': {'kind': 'daily', 'hour': 2,
                                             'minute': 0}, 'tz': 'UTC'},
        {'description': ''}, 'itest-{volume_name}', {'count': 1})
    try:
        alt = horizon_client.login('alt')
        response = alt.get(update_url(demo_volume.id, schedule.id),
                           follow=True)
        assert b'scheduled' not in response.content
        assert response.redirect_chain, 'alt was shown the form'
        assert 'update' not in response.redirect_chain[-1][0]
    finally:
        schedules_api.delete(request, demo_volume.id, schedule.id)
