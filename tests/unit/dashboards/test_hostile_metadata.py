"""Hostile volume metadata through the pages: the tenant's Schedules and
Volumes tabs, a schedule's page, and the admin's Schedules, Orphans and
Snapshots tabs answer 200, the hostile schedule shown invalid and the
other rows as usual. The API layer is mocked."""

import datetime
from unittest import mock

from django.urls import reverse
from openstack_dashboard.test import helpers

from tests import hostile_metadata
from tests.unit import fixtures
from tests.unit.protection.schedule import factories
from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import keystone
from volsnap_dashboard.dashboards.schedules import api as schedules_api
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import model
from volsnap_dashboard.protection.schedule import states as schedule_states

UTC = datetime.timezone.utc
SID = '0a1b2c3d'
HOSTILE_ID = 'vol-hostile'
GOOD_ID = 'vol-good'
INDEX_URL = reverse('horizon:project:volume_protection:index')
ADMIN_INDEX_URL = reverse('horizon:admin:volume_protection:index')


def _tab(index_url, slug):
    return '%s?tab=volume_protection__%s' % (index_url, slug)


def _schedule(volume_id, **changes):
    now = datetime.datetime.now(UTC).replace(microsecond=0)
    last = now - datetime.timedelta(minutes=5)
    values = dict(
        id=SID, volume_id=volume_id, project_id=fixtures.PROJECT_ID,
        owner_id=fixtures.PROJECT_ID,
        when=model.When('%d %d * * *' % (last.minute, last.hour),
                        'America/New_York'),
        created=now - datetime.timedelta(days=2),
        state=model.ScheduleState(last_slot=last.replace(second=0),
                                  last_run=last, outcome='ok'))
    values.update(changes)
    return factories.schedule(**values)


def good_metadata():
    """A schedule that runs as it should, on volume GOOD_ID."""
    schedule = _schedule(GOOD_ID)
    return dict(codec.encode_definition(schedule),
                **codec.encode_state(schedule.id, schedule.state),
                **{codec.MARKER_KEY: codec.MARKER_VALUE})


def cases():
    """``(name, metadata)`` of each hostile input (the shared corpus),
    for volumes of the test user's project."""
    return hostile_metadata.cases(fixtures.PROJECT_ID)


def all_schedule_ids(metadata):
    return {key.split(':')[1] for key in metadata
            if key.startswith(codec.PREFIX)}


def schedule_ids(metadata):
    """The ids of the schedules a metadata holds that a page may open."""
    return sorted(sid for sid in all_schedule_ids(metadata)
                  if model.SCHEDULE_ID.match(sid))


def volume(volume_id, name, metadata, admin=False):
    found = fixtures.volume(volume_id, name)
    found.metadata = dict(metadata)
    if admin:
        setattr(found, 'os-vol-tenant-attr:tenant_id', fixtures.PROJECT_ID)
    return found


def listed(admin=False):
    """Each hostile case on its own volume, and a good one."""
    volumes = [volume('%s-%d' % (HOSTILE_ID, n), 'hostile %d' % n,
                      metadata, admin)
               for n, (_name, metadata) in enumerate(cases())]
    volumes.append(volume(GOOD_ID, 'good',
                          good_metadata(), admin))
    return volumes


def tagged_snapshots(volumes):
    """Two snapshots of each volume: its schedule's and a deleted
    schedule's."""
    return [fixtures.snapshot('snap-%s-%s' % (found.id, sid), 'tagged',
                              found.id,
                              metadata={codec.SNAPSHOT_SCHEDULE_KEY: sid})
            for found in volumes
            for sid in (SID, hostile_metadata.SID, 'deadbeef')]


class Checks:

    def every_page(self, url):
        """The rows of each page of the tab at ``url``, from its first
        page on through its Next links."""
        rows = []
        while True:
            res = self.client.get(url)
            self.assertEqual(200, res.status_code)
            res.content.decode('utf-8')
            table = res.context['table']
            rows.extend(table.data)
            if not table.has_more_data():
                return rows
            url = '%s?%s' % (url.partition('?')[0],
                             table.get_pagination_string())

    def assert_each_hostile_invalid(self, rows, state_of):
        states = {}
        for row in rows:
            states.setdefault(row_volume(row), set()).add(state_of(row))
        self.assertEqual({GOOD_ID}, {key for key in states
                                     if not key.startswith(HOSTILE_ID)})
        self.assertNotIn('invalid', states.pop(GOOD_ID))
        self.assertEqual(len(cases()), len(states))
        for key, found in states.items():
            self.assertEqual({'invalid'}, found, key)


def row_volume(row):
    return getattr(row, 'volume_id', None) or row.id


class ProjectPagesTests(fixtures.SnapshotsOnlyMixin, Checks,
                        helpers.TestCase):

    @helpers.create_mocks({cinder: ['volume_list', 'protection_list']})
    def test_schedules_tab(self):
        volumes = listed()
        self.mock_volume_list.side_effect = fixtures.cinder_volume_pages(
            volumes)
        self.mock_protection_list.return_value = tagged_snapshots(volumes)
        self.assert_each_hostile_invalid(
            self.every_page(_tab(INDEX_URL, 'schedules')),
            lambda row: row.state)

    @helpers.create_mocks({cinder: ['volume_list', 'protection_list']})
    def test_volumes_tab(self):
        volumes = listed()
        self.mock_volume_list.side_effect = fixtures.cinder_volume_pages(
            volumes)
        self.mock_protection_list.return_value = tagged_snapshots(volumes)
        self.assert_each_hostile_invalid(
            self.every_page(_tab(INDEX_URL, 'volumes')),
            lambda row: row.protection.state)

    @helpers.create_mocks({cinder: ['volume_get'],
                           schedules_api: ['protections_of']})
    def test_schedule_pages(self):
        self.mock_protections_of.return_value = []
        for name, metadata in cases():
            self.mock_volume_get.return_value = volume(
                HOSTILE_ID, 'hostile', metadata)
            for sid in schedule_ids(metadata)[:3]:
                with self.subTest(name, schedule=sid):
                    res = self.client.get(reverse(
                        'horizon:project:volume_protection:schedule_detail',
                        args=(HOSTILE_ID, sid)))
                    self.assertEqual(200, res.status_code)
                    res.content.decode('utf-8')
                    self.assertEqual(schedule_states.INVALID,
                                     res.context['row'].state)


class AdminPagesTests(fixtures.SnapshotsOnlyMixin, Checks,
                      helpers.BaseAdminViewTests):

    @helpers.create_mocks({cinder: ['volume_list'],
                           keystone: ['project_names', 'user_names']})
    def test_schedules_tab(self):
        self.mock_volume_list.side_effect = fixtures.cinder_volume_pages(
            listed(admin=True))
        self.mock_project_names.return_value = {}
        self.mock_user_names.return_value = {}
        rows = self.every_page(_tab(ADMIN_INDEX_URL, 'schedules'))
        self.assert_each_hostile_invalid(rows, lambda row: row.state)

    @helpers.create_mocks({cinder: ['volume_list', 'snapshot_list'],
                           keystone: ['project_names']})
    def test_orphans_tab(self):
        volumes = listed(admin=True)
        self.mock_volume_list.return_value = volumes
        self.mock_snapshot_list.return_value = tagged_snapshots(volumes)
        self.mock_project_names.return_value = {}
        res = self.client.get(_tab(ADMIN_INDEX_URL, 'orphans'))
        self.assertEqual(200, res.status_code)
        # Each snapshot whose schedule is gone from its volume, and only
        # those: a schedule there, readable or not, holds its snapshots.
        expected = sorted(
            (found.id, sid) for found in volumes
            for sid in (SID, hostile_metadata.SID, 'deadbeef')
            if sid not in all_schedule_ids(found.metadata))
        self.assertEqual(expected, sorted(
            (orphan.volume_id, orphan.schedule_id)
            for orphan in res.context['table'].listed.values()))

    @helpers.create_mocks({cinder: ['snapshot_list_paged', 'volume_list',
                                    'volume_names_by_id', 'error_reasons'],
                           keystone: ['project_names']})
    def test_snapshots_tab(self):
        volumes = listed(admin=True)
        snapshots = tagged_snapshots(volumes)
        self.mock_snapshot_list_paged.return_value = (snapshots, False,
                                                      False)
        self.mock_volume_list.return_value = volumes
        self.mock_volume_names_by_id.return_value = {}
        self.mock_error_reasons.return_value = {}
        self.mock_project_names.return_value = {}
        with mock.patch.object(cinder, 'group_snapshot_list',
                               return_value=[], create=True):
            res = self.client.get(ADMIN_INDEX_URL)
        self.assertEqual(200, res.status_code)
        res.content.decode('utf-8')
        holding = {found.id for found in volumes if hostile_metadata.SID
                   in all_schedule_ids(found.metadata)}
        marks = {snapshot.volume_id: str(snapshot.schedule_mark)
                 for snapshot in res.context['table'].data
                 if snapshot.metadata[codec.SNAPSHOT_SCHEDULE_KEY]
                 == hostile_metadata.SID and snapshot.volume_id in holding}
        self.assertTrue(marks)
        for volume_id, mark in marks.items():
            self.assertIn('cannot be read', mark, volume_id)
