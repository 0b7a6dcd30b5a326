"""The Snapshots tab marks the snapshots a schedule made, and which."""

from unittest import mock

from django.test import SimpleTestCase
from django.urls import reverse
from openstack_dashboard.test import helpers

from tests.unit import fixtures
from tests.unit.protection.schedule import factories
from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import errors
from volsnap_dashboard.api import keystone
from volsnap_dashboard.dashboards.schedules import marks as schedule_marks
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import model

INDEX_URL = reverse('horizon:project:volume_protection:index')
ADMIN_INDEX_URL = reverse('horizon:admin:volume_protection:index')
SID = '0a1b2c3d'


def volume_with_schedule(volume_id='vol-1', **changes):
    schedule = factories.schedule(volume_id=volume_id, **changes)
    volume = fixtures.volume(volume_id, 'db')
    volume.metadata = dict(codec.encode_definition(schedule))
    volume.metadata[codec.MARKER_KEY] = codec.MARKER_VALUE
    return volume


def scheduled_snapshot(snapshot_id='snap-1', schedule_id=SID):
    return fixtures.snapshot(snapshot_id, 'db-daily-20261125',
                             metadata={'volsnap_schedule': schedule_id})


class MarkTests(SimpleTestCase):

    def test_the_schedule_by_its_label_and_timing(self):
        snapshot = scheduled_snapshot()
        schedule_marks.mark([snapshot], [volume_with_schedule()])
        self.assertEqual('daily: daily at 02:00 Europe/Berlin',
                         str(snapshot.schedule_mark))

    def test_without_label_the_timing_alone(self):
        snapshot = scheduled_snapshot()
        schedule_marks.mark([snapshot], [volume_with_schedule(
            label='', when=model.When('0 */6 * * *', 'UTC'))])
        self.assertEqual('cron 0 */6 * * * UTC', str(snapshot.schedule_mark))

    def test_a_deleted_schedule_is_said_so(self):
        snapshot = scheduled_snapshot(schedule_id='ffffffff')
        schedule_marks.mark([snapshot], [volume_with_schedule()])
        self.assertIn('since deleted', str(snapshot.schedule_mark))

    def test_another_volumes_schedule_of_that_id_is_not_it(self):
        snapshot = scheduled_snapshot()
        schedule_marks.mark([snapshot], [volume_with_schedule('vol-2')])
        self.assertIn('since deleted', str(snapshot.schedule_mark))

    def test_volumes_unknown_still_says_a_schedule_made_it(self):
        snapshot = scheduled_snapshot()
        schedule_marks.mark([snapshot], None)
        self.assertEqual('A schedule', str(snapshot.schedule_mark))

    def test_snapshots_made_by_hand_get_no_mark(self):
        snapshot = fixtures.snapshot()
        schedule_marks.mark([snapshot], [volume_with_schedule()])
        self.assertFalse(hasattr(snapshot, 'schedule_mark'))


class SnapshotsTabTests(helpers.TestCase):

    @helpers.create_mocks({cinder: ['snapshot_list_paged', 'volume_names',
                                    'volume_list', 'error_reasons']})
    def _get(self, snapshots, volumes=()):
        self.mock_snapshot_list_paged.return_value = (snapshots, False,
                                                      False)
        self.mock_volume_names.return_value = {'vol-1': 'db'}
        self.mock_volume_list.return_value = list(volumes)
        return self.client.get(INDEX_URL)

    def test_scheduled_snapshots_name_their_schedule(self):
        res = self._get([scheduled_snapshot(), fixtures.snapshot('snap-2')],
                        [volume_with_schedule()])
        self.assertContains(res, 'daily: daily at 02:00 Europe/Berlin',
                            count=1)
        self.assertContains(res, 'Made by Schedule')
        # One listing of the scheduled volumes for the whole page.
        self.mock_volume_list.assert_called_once_with(
            mock.ANY, search_opts={
                'metadata': {'volsnap_scheduled': '1'}})

    def test_a_page_of_manual_snapshots_lists_no_more(self):
        res = self._get([fixtures.snapshot()])
        self.assertEqual(200, res.status_code)
        self.mock_volume_list.assert_not_called()

    def test_labels_are_escaped(self):
        evil = '<b>x</b>'
        res = self._get([scheduled_snapshot()],
                        [volume_with_schedule(label=evil)])
        self.assertNotContains(res, evil)
        self.assertContains(res, '&lt;b&gt;x&lt;/b&gt;')

    @helpers.create_mocks({cinder: ['snapshot_list_paged', 'volume_names',
                                    'volume_list', 'error_reasons']})
    def test_volumes_unlisted_still_mark_the_snapshot(self):
        self.mock_snapshot_list_paged.return_value = (
            [scheduled_snapshot()], False, False)
        self.mock_volume_names.return_value = {}
        self.mock_volume_list.side_effect = errors.ServiceUnavailable()
        res = self.client.get(INDEX_URL)
        self.assertEqual(200, res.status_code)
        self.assertContains(res, 'A schedule')


class RowUpdateTests(helpers.TestCase):

    @helpers.create_mocks({cinder: ['snapshot_get', 'volume_get']})
    def test_a_refreshed_row_keeps_its_mark(self):
        self.mock_snapshot_get.return_value = scheduled_snapshot()
        self.mock_volume_get.return_value = volume_with_schedule()
        res = self.client.get(
            INDEX_URL + '?action=row_update&table=protected_snapshots'
                        '&obj_id=snap-1',
            HTTP_X_REQUESTED_WITH='XMLHttpRequest')
        self.assertContains(res, 'daily: daily at 02:00 Europe/Berlin')


class AdminSnapshotsTabTests(helpers.BaseAdminViewTests):

    @helpers.create_mocks({cinder: ['snapshot_list_paged',
                                    'volume_names_by_id', 'volume_list',
                                    'error_reasons'],
                           keystone: ['project_names']})
    def test_marks_from_the_pages_scheduled_volumes_only(self):
        self.mock_snapshot_list_paged.return_value = (
            [scheduled_snapshot(), fixtures.snapshot('snap-2',
                                                     volume_id='vol-9')],
            False, False)
        self.mock_volume_names_by_id.return_value = {'vol-1': 'db'}
        self.mock_volume_list.return_value = [volume_with_schedule()]
        self.mock_project_names.return_value = {}
        res = self.client.get(ADMIN_INDEX_URL)
        self.assertContains(res, 'daily: daily at 02:00 Europe/Berlin')
        self.mock_volume_list.assert_called_once_with(
            mock.ANY, search_opts={'metadata': {'volsnap_scheduled': '1'},
                                   'all_tenants': True, 'id': ['vol-1']})
