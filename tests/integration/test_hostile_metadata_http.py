"""Hostile schedule metadata on a real volume, written by a member of its
project with their own Cinder client: the tenant's Schedules and Volumes
tabs and the schedule's page, and the admin's Schedules, Orphans and
Snapshots tabs answer 200 and show each such schedule invalid; the
admin's Delete Schedule leaves a trust the metadata names from another
project."""

import dataclasses
import re

import pytest

from tests import hostile_metadata
from tools.devkit import cinder as devcloud
from tools.devkit import horizon_client
from volsnap_dashboard.api import errors
from volsnap_dashboard.api import keystone
from volsnap_dashboard.dashboards.schedules import api as schedules_api
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import store

INDEX = '/project/volume_protection/'
ADMIN_INDEX = '/admin/volume_protection/'
#: Cases Cinder takes as metadata, each under an id of its own.
CASES = {'a0000001': 'created_year_1_new_york',
         'a0000002': 'run_now_year_9999_new_york',
         'a0000003': 'brackets_in_25_keys',
         'a0000004': 'non_ascii_history_state',
         'a0000005': 'type_cron_fifth_monday_of_february_new_york'}


def tab(index, slug):
    return '%s?tab=volume_protection__%s' % (index, slug)


def hostile(project_id):
    """The metadata of every case in CASES, each under its id."""
    by_name = dict(hostile_metadata.cases(project_id))
    metadata = {}
    for sid, name in CASES.items():
        for key, value in by_name[name].items():
            metadata[key.replace(hostile_metadata.SID, sid)] = value
    return metadata


@pytest.fixture
def hostile_volume(demo_volume):
    """demo's test volume with the hostile schedules, written by demo,
    and a snapshot of it tagged with one of them (deleted afterwards)."""
    client = horizon_client.login('demo')
    project_id = horizon_client.request_for(client).user.project_id
    demo = devcloud.cinder_as('demo')
    demo.volumes.set_metadata(demo_volume, hostile(project_id))
    snapshot = demo.volume_snapshots.create(
        demo_volume.id, name='itest-hostile',
        metadata={codec.SNAPSHOT_SCHEDULE_KEY: 'a0000001'})
    try:
        devcloud.until_status(demo.volume_snapshots, snapshot.id,
                             'available')
        yield demo_volume, snapshot
    finally:
        devcloud.delete_and_wait(demo.volume_snapshots, snapshot.id)


def ok(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode('utf-8')


def row(html, row_id):
    """The HTML of the table row ``row_id`` (Horizon's row id), or None."""
    found = re.search(r'<tr [^>]*id="%s"[^>]*>(.*?)</tr>'
                      % re.escape(row_id), html, re.S)
    return found.group(1) if found else None


def schedule_rows(html, table, volume_id):
    return {sid: row(html, '%s__row__%s_%s' % (table, volume_id, sid))
            for sid in CASES}


def test_member_pages_show_each_hostile_schedule_invalid(hostile_volume):
    volume, _snapshot = hostile_volume
    client = horizon_client.login('demo')
    html = ok(client, tab(INDEX, 'schedules'))
    for sid, found in schedule_rows(html, 'schedules', volume.id).items():
        assert found is not None, CASES[sid]
        assert 'Invalid' in found, (CASES[sid], found)
    volumes = ok(client, tab(INDEX, 'volumes'))
    assert 'Invalid' in row(volumes,
                            'volume_protection__row__%s' % volume.id)
    for sid, name in CASES.items():
        page = ok(client, '%sschedules/%s/%s/' % (INDEX, volume.id, sid))
        assert re.search(r'id="volsnap-schedule-state">\s*Invalid', page), \
            name


def test_admin_pages_show_each_hostile_schedule_invalid(hostile_volume):
    volume, snapshot = hostile_volume
    client = horizon_client.login('admin')
    url = tab(ADMIN_INDEX, 'schedules')
    found = {}
    for _page in range(50):  # the cloud's scheduled volumes, a page each
        html = ok(client, url)
        found.update({sid: text for sid, text in schedule_rows(
            html, 'admin_schedules', volume.id).items() if text})
        following = re.search(r'href="\?([^"]*schedule_marker=[^"&]*)"',
                              html)
        if len(found) == len(CASES) or not following:
            break
        url = ADMIN_INDEX + '?' + following.group(1).replace('&amp;', '&')
    assert sorted(found) == sorted(CASES)
    for sid, text in found.items():
        assert 'Invalid' in text, (CASES[sid], text)
    ok(client, tab(ADMIN_INDEX, 'orphans'))
    # The newest snapshot of the cloud: the first page's first row.
    snapshots = ok(client, ADMIN_INDEX)
    marked = row(snapshots, 'admin_snapshots__row__%s' % snapshot.id)
    assert marked is not None and 'cannot be read' in marked, marked


def test_admin_delete_leaves_a_trust_named_from_another_project(
        demo_volume):
    """demo writes alt's trust id into a schedule of their own: the
    admin's Delete Schedule removes the schedule and leaves alt's trust;
    demo's own schedule's trust, proved theirs, goes with it."""
    demo_request = horizon_client.request_for(horizon_client.login('demo'))
    alt_request = horizon_client.request_for(horizon_client.login('alt'))
    mine = schedules_api.create(
        demo_request, demo_volume.id,
        {'preset': {'kind': 'daily', 'hour': 2, 'minute': 0},
         'tz': 'Europe/Berlin'}, {'description': 'itest', 'force': False},
        'itest-{volume_name}-{schedule}-{time:%Y%m%d-%H%M}', {'count': 3},
        label='itest-mine')
    alts = keystone.trust_create(alt_request)
    try:
        forged = dataclasses.replace(mine, id='f0f0f0f0', trust_id=alts)
        devcloud.cinder_as('demo').volumes.set_metadata(
            demo_volume, codec.encode_definition(forged))
        admin = horizon_client.login('admin')
        for schedule in (forged, mine):
            response = horizon_client.post(
                admin, '%sschedules/%s/%s/delete/' % (
                    ADMIN_INDEX, demo_volume.id, schedule.id),
                {'snapshots': 'keep'}, follow=True)
            assert response.status_code == 200
            said = response.content.decode()
            if schedule is forged:
                assert 'The trust the schedule names was not deleted' \
                    in said
        assert keystone.trust_get(alt_request, alts).id == alts
        with pytest.raises(errors.NotFound):
            keystone.trust_get(demo_request, mine.trust_id)
        assert store.schedules_of(devcloud.cinder_as('demo').volumes.get(
            demo_volume.id)) == []
    finally:
        keystone.trust_delete(alt_request, alts)
        keystone.trust_delete(demo_request, mine.trust_id)
