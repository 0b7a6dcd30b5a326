"""The Volumes tab's warning when the project's schedules will not fit its
quota (the fragment the tab asks for once shown), with the API layer
mocked."""

from django.urls import reverse
from openstack_dashboard.test import helpers

from tests.unit import fixtures
from tests.unit.dashboards import test_hostile_metadata as hostile
from tests.unit.dashboards.volumes import test_tab
from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import errors
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import model

URL = reverse('horizon:project:volume_protection:quota_forecast')
WARNING = ("The project's schedules will not fit its quota once their "
           "retention is full: they need")


def scheduled_snapshot(snapshot_id, volume, schedule):
    snapshot = fixtures.snapshot(snapshot_id, snapshot_id, volume.id)
    snapshot.metadata = {codec.SNAPSHOT_SCHEDULE_KEY: schedule.id}
    return snapshot


class QuotaForecastTests(helpers.TestCase):

    def setUp(self):
        super().setUp()
        # Two schedules at "keep 7", one snapshot each: 12 more to come.
        self.volumes = [test_tab.scheduled_volume(
            'vol-%d' % n, 'web-%d' % n, retention=model.Retention(count=7))
            for n in range(2)]
        self.schedules = [codec.decode(volume)[0] for volume in self.volumes]
        self.snapshots = [
            scheduled_snapshot('snap-%d' % n, volume, schedule)
            for n, (volume, schedule) in enumerate(
                zip(self.volumes, self.schedules, strict=True))]

    @helpers.create_mocks({cinder: ['volume_list', 'protection_list',
                                    'protection_quota']})
    def get(self, volumes, snapshots, limits):
        self.mock_volume_list.return_value = volumes
        self.mock_protection_list.return_value = snapshots
        self.mock_protection_quota.return_value = limits
        return self.client.get(URL)

    def test_warns_when_the_projects_schedules_will_not_fit(self):
        res = self.get(self.volumes, self.snapshots, {
            'maxTotalSnapshots': 7, 'totalSnapshotsUsed': 2,
            'maxTotalVolumeGigabytes': 10000, 'totalGigabytesUsed': 4})
        self.assertContains(res, WARNING + ' 14 snapshots (quota 7).')
        self.assertNotContains(res, '<html')
        # One listing each of the scheduled volumes and the protections.
        self.mock_volume_list.assert_called_once_with(
            helpers.IsHttpRequest(),
            search_opts=codec.scheduled_volumes_filter())
        self.mock_protection_list.assert_called_once()

    def test_says_nothing_when_they_fit(self):
        res = self.get(self.volumes, self.snapshots, {
            'maxTotalSnapshots': 100, 'totalSnapshotsUsed': 2,
            'maxTotalVolumeGigabytes': 10000, 'totalGigabytesUsed': 4})
        self.assertEqual(200, res.status_code)
        self.assertNotContains(res, 'will not fit')

    def test_at_full_retention_the_quota_is_not_read(self):
        full = [scheduled_snapshot('snap-%d-%d' % (n, k), volume, schedule)
                for n, (volume, schedule) in enumerate(
                    zip(self.volumes, self.schedules, strict=True))
                for k in range(7)]
        res = self.get(self.volumes, full, {})
        self.assertNotContains(res, 'will not fit')
        self.mock_protection_quota.assert_not_called()

    @helpers.create_mocks({cinder: ['volume_list', 'protection_list']})
    def test_cinder_down_says_nothing_rather_than_fail(self):
        self.mock_volume_list.side_effect = errors.ServiceUnavailable()
        self.mock_protection_list.return_value = []
        res = self.client.get(URL)
        self.assertEqual(200, res.status_code)
        self.assertNotContains(res, 'will not fit')

    def test_hostile_schedules_are_left_out_not_a_500(self):
        volumes = hostile.listed()
        res = self.get(volumes, hostile.tagged_snapshots(volumes),
                       {'maxTotalSnapshots': 0, 'totalSnapshotsUsed': 0})
        self.assertEqual(200, res.status_code)

    def test_a_reader_may_ask(self):
        def reader(rules, request, target=None):
            return all(rule.startswith('volume:get') for _s, rule in rules)
        with self.settings(POLICY_CHECK_FUNCTION=reader):
            res = self.get(self.volumes, self.snapshots, {})
        self.assertEqual(200, res.status_code)
