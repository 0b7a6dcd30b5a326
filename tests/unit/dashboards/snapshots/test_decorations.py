"""A snapshot row shows the same marks however it is drawn: on the
Snapshots tab, refreshed on its own (``?action=row_update``) and on the
detail page, in the project panel and the admin panel (API layer
mocked; the same cloud for every path)."""

from unittest import mock

from cinderclient import api_versions
from cinderclient.v3 import group_snapshots
from django.urls import reverse
from openstack_dashboard.test import helpers

from tests.unit import fixtures
from tests.unit.dashboards.schedules import test_marks
from tests.unit.dashboards.snapshots.verify import test_verify
from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import keystone
from volsnap_dashboard.protection.schedule import codec

GS_ID = '6f1c0e4a-1b2c-4d3e-8f40-5a6b7c8d9e0f'
SCHEDULE_MARK = 'daily: daily at 02:00 Europe/Berlin'
GROUP_NAME = 'app-consistent'
VERIFIED = 'Verified 3\xa0hours ago'  # timesince's own space
REASON = 'the back end ran out of space'
VOLUME_REASON = 'the volume lost its back end'
CINDER_CALLS = ('snapshot_list_paged', 'snapshot_get', 'snapshot_list',
                'volume_get', 'volume_list', 'volume_names',
                'volume_names_by_id', 'volumes_restored_from',
                'group_snapshot_list', 'error_reasons', 'known_api_version',
                'name_filter')


def protected(status='available'):
    """Made by a schedule, in a group snapshot, verified."""
    snapshot = fixtures.snapshot(status=status, metadata=dict(
        test_verify.verified('ok'),
        **{codec.SNAPSHOT_SCHEDULE_KEY: test_marks.SID}))
    snapshot.group_snapshot_id = GS_ID
    return snapshot


class SameMarksMixin:
    """The paths of one panel, each drawing snapshot snap-1 of vol-1."""

    panel = None
    table = None

    def setUp(self):
        super().setUp()
        for name in CINDER_CALLS:
            patcher = mock.patch.object(cinder, name)
            setattr(self, name, patcher.start())
            self.addCleanup(patcher.stop)
        patcher = mock.patch.object(keystone, 'project_names',
                                    return_value={fixtures.PROJECT_ID: 'demo'})
        patcher.start()
        self.addCleanup(patcher.stop)
        volume = test_marks.volume_with_schedule()
        volume.status, volume.size = 'available', 2
        names = cinder.VolumeNames({volume.id: volume.name})
        names.statuses, names.sizes = {volume.id: 'available'}, {volume.id: 2}
        self.volume_get.return_value = volume
        self.volume_list.return_value = [volume]
        self.volume_names.return_value = names
        self.volume_names_by_id.return_value = {volume.id: volume.name}
        self.volumes_restored_from.return_value = []
        self.group_snapshot_list.return_value = [
            group_snapshots.GroupSnapshot(None, {'id': GS_ID,
                                                 'name': GROUP_NAME},
                                          loaded=True)]
        self.error_reasons.return_value = {'snap-1': REASON,
                                           'vol-1': VOLUME_REASON}
        self.known_api_version.return_value = api_versions.APIVersion('3.40')
        self.snapshot_list.return_value = [fixtures.snapshot()]  # newest
        self.name_filter.return_value = 'name~'

    def index_url(self):
        return reverse('horizon:%s:volume_protection:index' % self.panel)

    def pages(self, snapshot):
        """What each path draws of ``snapshot``: path -> HTML."""
        self.snapshot_list_paged.return_value = ([snapshot], False, False)
        self.snapshot_get.return_value = snapshot
        shown = {}
        for path, url, ajax in (
                ('list', self.index_url(), False),
                ('row refresh', self.index_url() +
                 '?action=row_update&table=%s&obj_id=snap-1' % self.table,
                 True),
                ('detail', reverse('horizon:%s:volume_protection:detail'
                                   % self.panel, args=('snap-1',)), False)):
            extra = {'HTTP_X_REQUESTED_WITH': 'XMLHttpRequest'} if ajax \
                else {}
            res = self.client.get(url, **extra)
            self.assertEqual(200, res.status_code, path)
            shown[path] = res.content.decode()
        return shown

    def assert_everywhere(self, pages, *texts):
        for path, html in pages.items():
            for text in texts:
                with self.subTest(path=path, mark=text):
                    self.assertTrue(text in html, '%r not shown' % text)

    def test_schedule_group_and_verification_marks(self):
        self.assert_everywhere(self.pages(protected()), SCHEDULE_MARK,
                               GROUP_NAME, VERIFIED)

    def test_cinders_reason_for_a_failed_snapshot(self):
        self.assert_everywhere(self.pages(protected('error')), REASON)


class ProjectPathsTests(SameMarksMixin, helpers.TestCase):
    panel = 'project'
    table = 'protected_snapshots'

    def test_the_revert_offer(self):
        revert = reverse('horizon:project:volume_protection:revert',
                         args=('snap-1',))
        self.assert_everywhere(self.pages(protected()), revert)

    def test_the_volumes_error_beside_the_status(self):
        self.volume_get.return_value.status = 'error'
        self.volume_names.return_value.statuses['vol-1'] = 'error'
        self.assert_everywhere(self.pages(protected()),
                               'volume in error: ' + VOLUME_REASON)


class AdminPathsTests(SameMarksMixin, helpers.BaseAdminViewTests):
    panel = 'admin'
    table = 'admin_snapshots'
