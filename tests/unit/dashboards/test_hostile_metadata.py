"""Hostile volume metadata through the pages: the tenant's Schedules and
Volumes tabs, a schedule's page, and the admin's Schedules, Orphans and
Snapshots tabs answer 200, the hostile schedule shown invalid and the
other rows as usual. The API layer is mocked."""

import datetime
import json
from unittest import mock

from django.urls import reverse
from openstack_dashboard.test import helpers

from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import keystone
from volsnap_dashboard.dashboards.project.volume_protection import (
    schedule_rows)
from volsnap_dashboard.dashboards import schedules_api
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import model
from tests.unit import fixtures
from tests.unit.protection.schedule import factories

UTC = datetime.timezone.utc
SID = '0a1b2c3d'
HOSTILE_ID = 'vol-hostile'
GOOD_ID = 'vol-good'
INDEX_URL = reverse('horizon:project:volume_protection:index')
ADMIN_INDEX_URL = reverse('horizon:admin:volume_protection:index')


def _tab(index_url, slug):
    return '%s?tab=volume_protection__%s' % (index_url, slug)


def _chunks(kind, document):
    text = json.dumps(document, sort_keys=True, separators=(',', ':'))
    return {codec.chunk_key(SID, kind, n // 255): text[n:n + 255]
            for n in range(0, len(text), 255)}


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


def _metadata(definition=None, state=None, extra=None,
              volume_id=HOSTILE_ID):
    """A schedule's metadata with fields of its documents replaced."""
    schedule = _schedule(volume_id)
    document = dict(codec.definition_document(schedule), **(definition or
                                                             {}))
    recorded = dict(codec.state_document(schedule.state), **(state or {}))
    metadata = {codec.MARKER_KEY: codec.MARKER_VALUE}
    metadata.update(_chunks(codec.DEFINITION, document))
    metadata.update(_chunks(codec.STATE, recorded))
    metadata.update(extra or {})
    return metadata


def _new_york(cron='0 2 * * *'):
    return {'when': {'cron': cron, 'tz': 'America/New_York',
                     'preset': None}}


def cases():
    """``(name, metadata)`` of each hostile input the pages met."""
    found = [('cron that never runs', _metadata(_new_york('0 0 * 2 1#5')))]
    for year in ('0001-01-01T00:00:00Z', '9999-12-31T23:59:00Z'):
        found += [
            ('created ' + year, _metadata(dict(_new_york(),
                                               created=year))),
            ('last_slot ' + year, _metadata(_new_york(), state={
                'last_slot': year, 'last_run': year})),
            ('run_now ' + year, _metadata(_new_york(), extra={
                codec.run_now_key(SID): year})),
        ]
    brackets = '[' * 3000 + ']' * 3000
    found.append(('nested brackets', {
        codec.MARKER_KEY: codec.MARKER_VALUE,
        **{codec.chunk_key(SID, codec.DEFINITION, n):
           brackets[n * 240:(n + 1) * 240] for n in range(25)}}))
    found.append(('non-ASCII history', _metadata(state={'history': [
        {'slot': '2026-03-01T01:00:00Z', 'outcome': 'failed',
         'reason': 'caf\u00e9 \u2603 \ud800', 'snapshot': None}],
        'outcome': 'failed', 'reason': '\udfff'})))
    return found


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
                          _metadata(volume_id=GOOD_ID), admin))
    return volumes


def tagged_snapshots(volumes):
    """Two snapshots of each volume: its schedule's and a deleted
    schedule's."""
    return [fixtures.snapshot('snap-%s-%s' % (found.id, sid), 'tagged',
                              found.id,
                              metadata={codec.SNAPSHOT_SCHEDULE_KEY: sid})
            for found in volumes for sid in (SID, 'deadbeef')]


class Checks:

    def assert_each_hostile_invalid(self, res, state_of):
        self.assertEqual(200, res.status_code)
        res.content.decode('utf-8')
        states = {}
        for row in res.context['table'].data:
            states.setdefault(row_volume(row), set()).add(state_of(row))
        self.assertEqual({GOOD_ID}, {key for key in states
                                     if not key.startswith(HOSTILE_ID)})
        self.assertNotIn('invalid', states.pop(GOOD_ID))
        self.assertEqual(len(cases()), len(states))
        for key, found in states.items():
            self.assertEqual({'invalid'}, found, key)


def row_volume(row):
    return getattr(row, 'volume_id', None) or row.id


class ProjectPagesTests(Checks, helpers.TestCase):

    @helpers.create_mocks({cinder: ['volume_list', 'snapshot_list']})
    def test_schedules_tab(self):
        volumes = listed()
        self.mock_volume_list.return_value = volumes
        self.mock_snapshot_list.return_value = tagged_snapshots(volumes)
        res = self.client.get(_tab(INDEX_URL, 'schedules'))
        self.assert_each_hostile_invalid(res, lambda row: row.state)

    @helpers.create_mocks({cinder: ['volume_list', 'snapshot_list']})
    def test_volumes_tab(self):
        volumes = listed()
        self.mock_volume_list.return_value = volumes
        self.mock_snapshot_list.return_value = tagged_snapshots(volumes)
        res = self.client.get(_tab(INDEX_URL, 'volumes'))
        self.assert_each_hostile_invalid(
            res, lambda row: row.protection.state)

    @helpers.create_mocks({cinder: ['volume_get'],
                           schedules_api: ['snapshots_of']})
    def test_schedule_pages(self):
        self.mock_snapshots_of.return_value = []
        for name, metadata in cases():
            with self.subTest(name):
                self.mock_volume_get.return_value = volume(
                    HOSTILE_ID, 'hostile', metadata)
                res = self.client.get(reverse(
                    'horizon:project:volume_protection:schedule_detail',
                    args=(HOSTILE_ID, SID)))
                self.assertEqual(200, res.status_code)
                res.content.decode('utf-8')
                self.assertEqual(schedule_rows.INVALID,
                                 res.context['row'].state)


class AdminPagesTests(Checks, helpers.BaseAdminViewTests):

    @helpers.create_mocks({cinder: ['volume_list'],
                           keystone: ['project_names']})
    def test_schedules_tab(self):
        self.mock_volume_list.return_value = listed(admin=True)
        self.mock_project_names.return_value = {}
        res = self.client.get(_tab(ADMIN_INDEX_URL, 'schedules'))
        self.assert_each_hostile_invalid(res, lambda row: row.state)

    @helpers.create_mocks({cinder: ['volume_list', 'snapshot_list'],
                           keystone: ['project_names']})
    def test_orphans_tab(self):
        volumes = listed(admin=True)
        self.mock_volume_list.return_value = volumes
        self.mock_snapshot_list.return_value = tagged_snapshots(volumes)
        self.mock_project_names.return_value = {}
        res = self.client.get(_tab(ADMIN_INDEX_URL, 'orphans'))
        self.assertEqual(200, res.status_code)
        # Each volume's snapshot of a deleted schedule, and only it.
        self.assertEqual(
            sorted(found.id for found in volumes),
            sorted(orphan.volume_id for orphan in res.context['table'].data))
        self.assertEqual({'deadbeef'}, {orphan.schedule_id for orphan
                                        in res.context['table'].data})

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
        marks = {snapshot.volume_id: str(snapshot.schedule_mark)
                 for snapshot in res.context['table'].data
                 if snapshot.metadata[codec.SNAPSHOT_SCHEDULE_KEY] == SID}
        for volume_id, mark in marks.items():
            if volume_id.startswith(HOSTILE_ID):
                self.assertIn('cannot be read', mark, volume_id)
