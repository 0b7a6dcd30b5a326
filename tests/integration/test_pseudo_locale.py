"""Every text a person reads on our pages went through translation, the
scheduler's recorded reasons too.

Horizon renders the pages of both panels, their forms and the messages
their actions leave, on the dev cloud, with every translated string
wrapped (tests/pseudo_locale.py). Whatever words are left outside every
wrapping must be the user's data (names, ids, metadata, zones, the
operator's site name), never text of ours that no translator sees."""

import datetime
import html
import re
import zoneinfo

from django.conf import settings
import pytest

from tests import pseudo_locale
from tests.integration import group_fixtures
from tests.integration import test_admin_groups
from tools.devkit import cinder as devcloud
from tools.devkit import horizon_client
from tools.devkit import identities
from tools.devkit import page_parser
from volsnap_dashboard.dashboards.schedules import api as schedules_api
from volsnap_dashboard.dashboards.schedules import rows as schedule_rows
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import model
from volsnap_dashboard.protection import verification

INDEX = '/project/volume_protection/'
ADMIN = '/admin/volume_protection/'
TABS = ('snapshots', 'volumes', 'schedules', 'protections', 'orphans')
ADMIN_TABS = ('snapshots', 'schedules', 'admin_protections', 'orphans')
# Fields of Cinder's resources that hold the users' and the operator's
# words, shown as they are.
DATA_FIELDS = ('name', 'description', 'id', 'host', 'availability_zone',
               'volume_type', 'os-vol-host-attr:host', 'display_name')
DELETED_SCHEDULE = '0a1b2c3d'
FAILED_VERIFICATION = ('Cinder put the temporary volume in error: No valid '
                       'backend was found.')
RUN_FAILED = 'the run failed unexpectedly (KeyError)'


def _strings(info):
    for key, value in info.items():
        if key == 'metadata' and isinstance(value, dict):
            for item in value.items():
                yield from item
        elif isinstance(value, str) and (key in DATA_FIELDS or
                                         key.endswith('_id')):
            yield value


def _schedule_strings(volume):
    for schedule in codec.decode(volume, datetime.timedelta(hours=1)):
        yield schedule.id
        if isinstance(schedule, model.Schedule):
            yield from (schedule.label, schedule.when.cron, schedule.when.tz,
                        schedule.name_template)


def data_of_the_cloud():
    """The users' words: every name, id, description and metadata of the
    cloud's resources, the users' and projects' names, the zones, and
    the operator's site name."""
    admin = devcloud.cinder_as('admin')
    everyone = {'all_tenants': 1}
    found = {settings.SITE_BRANDING, *zoneinfo.available_timezones(),
             *identities.PROJECT_OF, *identities.PROJECT_OF.values()}
    for manager in (admin.volumes, admin.volume_snapshots, admin.backups,
                    admin.groups, admin.group_snapshots):
        for resource in manager.list(search_opts=everyone):
            found.update(_strings(resource._info))
            if manager is admin.volumes:
                found.update(_schedule_strings(resource))
    found.update(volume_type.name for volume_type in admin.volume_types.list())
    return found


@pytest.fixture(scope='module')
def cloud():
    """demo's volume with a snapshot (its verification failed), a
    schedule on it, a snapshot of a deleted schedule, a group snapshot;
    removed afterwards."""
    demo = devcloud.cinder_as('demo')
    client = horizon_client.login('demo')
    with devcloud.temporary_volume(demo, 'itest-pseudo') as volume, \
            group_fixtures.volume_group('itest-pseudo-group') as (group, _):
        snapshot = demo.volume_snapshots.create(
            volume.id, name='itest-pseudo-snap')
        orphan = demo.volume_snapshots.create(
            volume.id, name='itest-pseudo-orphan', metadata={
                codec.SNAPSHOT_SCHEDULE_KEY: DELETED_SCHEDULE,
                codec.SNAPSHOT_VOLUME_KEY: volume.id})
        request = horizon_client.request_for(client)
        schedule = schedules_api.create(
            request, volume.id,
            {'preset': {'kind': 'daily', 'hour': 2, 'minute': 0},
             'tz': 'Europe/Berlin'},
            {'description': 'itest-pseudo', 'force': False},
            '{volume_name}-{schedule}-{time:%Y%m%d-%H%M}', {'count': 3},
            label='itest-pseudo-daily')
        try:
            for made in (snapshot, orphan):
                devcloud.until_status(demo.volume_snapshots, made.id,
                                      'available')
            # What the scheduler records, in its words (English).
            slot = verification.times.now().replace(microsecond=0)
            demo.volumes.set_metadata(volume, codec.encode_state(
                schedule.id, model.ScheduleState().after_run(
                    slot, slot, 'failed', RUN_FAILED)))
            demo.volume_snapshots.set_metadata(
                snapshot, verification.outcome_metadata(
                    verification.FAILED,
                    verification.times.now(), FAILED_VERIFICATION))
            group_snapshot, _ = test_admin_groups.demo_group_snapshot(
                group, 'itest-pseudo-group-snap')
            yield {'client': client, 'volume': volume, 'snapshot': snapshot,
                   'orphan': orphan, 'schedule': schedule,
                   'group_snapshot': group_snapshot}
        finally:
            for schedule_left in schedules_api.list_for_volume(request,
                                                               volume.id):
                schedules_api.delete(request, volume.id, schedule_left.id,
                                     keep_protections=False)
            for made in demo.volume_snapshots.list(
                    search_opts={'volume_id': volume.id}):
                devcloud.delete_and_wait(demo.volume_snapshots, made.id)


def project_pages(cloud):
    snapshot = cloud['snapshot'].id
    volume = cloud['volume'].id
    schedule = '%sschedules/%s/%s/' % (INDEX, volume, cloud['schedule'].id)
    group = '%sgroup_snapshots/%s/' % (INDEX, cloud['group_snapshot'].id)
    row = schedule_rows.row_id(volume, cloud['schedule'].id)
    return [
        *('%s?tab=volume_protection__%s' % (INDEX, tab) for tab in TABS),
        INDEX + 'protect/', INDEX + 'protect/volumes/?q=itest-pseudo',
        INDEX + 'schedules/create/', INDEX + 'schedules/volumes/?q=itest',
        INDEX + 'schedules/edit/?row=' + row,
        INDEX + 'schedules/forecast/',
        schedule, schedule + 'delete/', schedule + 'take_over/',
        '%sschedules/%s/%s/update/' % (INDEX, volume, cloud['schedule'].id),
        group, group + 'restore/', group + 'delete/',
        *(INDEX + snapshot + '/' + tail
          for tail in ('', 'restore/', 'revert/', 'update/', 'metadata/')),
        INDEX + cloud['orphan'].id + '/adopt/',
    ]


def admin_pages(cloud):
    schedule = '%sschedules/%s/%s/' % (ADMIN, cloud['volume'].id,
                                       cloud['schedule'].id)
    group = test_admin_groups.group_page(cloud['group_snapshot'].id)
    snapshot = ADMIN + cloud['snapshot'].id + '/'
    return [
        *('%s?tab=volume_protection__%s' % (ADMIN, tab)
          for tab in ADMIN_TABS),
        schedule, schedule + 'delete/', group, group + 'delete/',
        snapshot, snapshot + 'reset_status/',
    ]


def untranslated(client, urls, data):
    found = {}
    with pseudo_locale.active():
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            left = pseudo_locale.unmarked(response.content.decode(), data)
            if left:
                found[url] = left
    return found


def test_every_page_and_form_is_translated(cloud):
    schedule = '%sschedules/%s/%s/' % (INDEX, cloud['volume'].id,
                                       cloud['schedule'].id)
    with pseudo_locale.active():
        shown = cloud['client'].get(schedule).content.decode()
    # The recorded reason is on the page, translated (not only hidden).
    assert html.escape(pseudo_locale.wrap(RUN_FAILED)) in shown
    data = data_of_the_cloud()
    found = untranslated(cloud['client'], project_pages(cloud), data)
    found.update(untranslated(horizon_client.login('admin'),
                              admin_pages(cloud), data))
    assert not found, report(found)


def report(found):
    return 'words outside translation:\n' + '\n'.join(
        '%s\n    %s' % (where, '\n    '.join(lines))
        for where, lines in found.items() if lines)


def submit(client, url, **fields):
    """POST the form at ``url`` as its page offers it, with ``fields``
    changed; follows the redirect of a form accepted."""
    offered = page_parser.parse(client.get(url).content.decode()).inputs
    return horizon_client.post(client, url, dict(offered, **fields),
                               follow=True)


def alerts(html):
    """The texts of the page's messages and form-wide errors."""
    return re.findall(r'<div class="alert alert-(?:success|info|warning|'
                      r'danger|error)(?: alert-dismissable fade in)?">(.*?)'
                      r'</div>', html, re.S)


def test_the_messages_of_actions_are_translated(cloud):
    client = cloud['client']
    volume = cloud['volume']
    row = schedule_rows.row_id(volume.id, cloud['schedule'].id)
    restore = INDEX + cloud['snapshot'].id + '/restore/'
    with pseudo_locale.active():
        pages = {
            'a field refused': submit(client, restore, size='-1'),
            'over the quota': submit(client, restore, size='100000'),
            'protect': submit(client, INDEX + 'protect/',
                              volumes=[volume.id],
                              option_snapshot_name='itest-pseudo-more'),
            **{action: horizon_client.post(client, INDEX, {
                'action': 'schedules__%s__%s' % (action, row)}, follow=True)
               for action in ('pause', 'resume', 'run_now')}}
    pages = {what: page.content.decode() for what, page in pages.items()}
    assert 'has-error' in pages['a field refused']
    for what in ('over the quota', 'protect', 'pause', 'resume', 'run_now'):
        assert any(pseudo_locale.OPEN in text
                   for text in alerts(pages[what])), what
    data = data_of_the_cloud()
    found = {what: pseudo_locale.unmarked(html, data)
             for what, html in pages.items()}
    assert not any(found.values()), report(found)
