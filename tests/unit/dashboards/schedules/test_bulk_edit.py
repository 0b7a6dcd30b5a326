"""Edit Schedules: the ticked schedules of the Schedules tab given the
same settings, with the API layer mocked."""

from unittest import mock

from django.urls import reverse
from openstack_dashboard.test import helpers

from tests.unit import fixtures
from tests.unit.dashboards.schedules import test_workflows as base
from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import errors
from volsnap_dashboard.dashboards.schedules import api as schedules_api
from volsnap_dashboard.dashboards.schedules import growth
from volsnap_dashboard.dashboards.schedules import rows as schedule_rows
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import model

EDIT_URL = reverse('horizon:project:volume_protection:edit_schedules')
CINDER_CALLS = ['volume_list', 'protection_list', 'protection_quota',
                'force_matters']
API_CALLS = ['update', 'project_growth']


def scheduled(number, **changes):
    """Volume ``vol-<number>`` with one schedule ``abcd000<number>``."""
    schedule = base.schedule(id='abcd000%d' % number,
                             volume_id='vol-%d' % number,
                             label='weekly-%d' % number, **changes)
    volume = fixtures.volume('vol-%d' % number, 'db-%d' % number)
    volume.metadata = dict(codec.encode_definition(schedule),
                           **{codec.MARKER_KEY: codec.MARKER_VALUE})
    return volume


def row(number):
    return schedule_rows.row_id('vol-%d' % number, 'abcd000%d' % number)


class BulkEditTests(base.WorkflowTestCase):

    def mock_cloud(self, volumes=None, limits=None):
        self.mock_volume_list.return_value = volumes or [
            scheduled(1), scheduled(2, retention=model.Retention(count=9))]
        self.mock_protection_list.return_value = []
        self.mock_protection_quota.return_value = limits or base.ROOMY
        self.mock_force_matters.return_value = True
        self.mock_project_growth.return_value = growth.Growth()

    def get(self, *rows):
        return self.client.get(EDIT_URL, {'row': list(rows)})

    def data(self, rows, **overrides):
        workflow = self.get(*rows).context['workflow']
        values = {'row': list(rows), 'kind': 'daily', 'hour': '1',
                  'minute': '15', 'tz': 'UTC', 'cron': '',
                  'name_template': '{volume_name}-{schedule}-{time}',
                  'option_description': 'fleet', 'retention_count': '3',
                  'retention_days': '',
                  'submission': workflow.get_step('review').action.fields[
                      'submission'].initial}
        values.update(overrides)
        return values

    @helpers.create_mocks({cinder: CINDER_CALLS,
                           schedules_api: API_CALLS})
    def test_the_steps_start_with_the_first_schedules_settings(self):
        self.mock_cloud()
        response = self.get(row(1), row(2))
        self.assertEqual(200, response.status_code)
        workflow = response.context['workflow']
        self.assertEqual(['schedules', 'when', 'options', 'retention',
                          'review'], [step.slug for step in workflow.steps])
        self.assertEqual(4, workflow.get_step('retention').action.fields[
            'retention_count'].initial)
        # Each keeps its own label: none is offered.
        self.assertNotIn('label', workflow.get_step('options').action.fields)
        html = response.content.decode()
        for text in ('weekly-1', 'db-1', 'weekly-2', 'db-2',
                     'keep the last 9 snapshots',
                     'Saving gives each of these 2 schedules'):
            self.assertIn(text, html)
        self.assertEqual(2, html.count('type="hidden" name="row"'))
        # One listing of the scheduled volumes, however many are ticked.
        self.mock_volume_list.assert_called_once_with(
            helpers.IsHttpRequest(),
            search_opts=codec.scheduled_volumes_filter())

    @helpers.create_mocks({cinder: CINDER_CALLS,
                           schedules_api: API_CALLS})
    def test_every_ticked_schedule_gets_the_same_settings(self):
        self.mock_cloud()
        response = self.client.post(EDIT_URL, self.data([row(1), row(2)]))
        self.assertNoFormErrors(response)
        self.assertRedirectsNoFollow(response, base.SCHEDULES_URL)
        calls = self.mock_update.call_args_list
        self.assertEqual([('vol-1', 'abcd0001'), ('vol-2', 'abcd0002')],
                         [call.args[1:3] for call in calls])
        for call in calls:
            self.assertEqual(model.When(cron='15 1 * * *', tz='UTC',
                                        preset={'kind': 'daily', 'hour': 1,
                                                'minute': 15}),
                             call.kwargs['when'])
            self.assertEqual(model.Retention(count=3),
                             call.kwargs['retention'])
            self.assertEqual('fleet', call.kwargs['options']['description'])
            self.assertNotIn('label', call.kwargs)
        shown = [str(m) for m in response.wsgi_request._messages]
        self.assertIn('Saved the schedules of volumes db-1, db-2.', shown)
        # The forecast leaves out what the edited schedules hold now.
        self.mock_project_growth.assert_called_with(
            helpers.IsHttpRequest(),
            [('vol-1', 'abcd0001'), ('vol-2', 'abcd0002')], plugin=mock.ANY)

    @helpers.create_mocks({cinder: CINDER_CALLS,
                           schedules_api: API_CALLS})
    def test_the_preview_forecasts_all_the_volumes_together(self):
        self.mock_cloud()
        data = self.data([row(1), row(2)])
        data['preview'] = '1'
        response = self.client.post(EDIT_URL, data)
        self.assertEqual(200, response.status_code)
        forecast = response.context['preview'].forecast
        # Two volumes of 2 GiB, 3 snapshots each, none held yet.
        self.assertEqual((6, 12), (forecast.total_snapshots,
                                   forecast.total_gigabytes))
        self.assertIn('db-1-weekly-1-', response.context['preview']
                      .sample_name)
        self.mock_update.assert_not_called()

    @helpers.create_mocks({cinder: CINDER_CALLS,
                           schedules_api: API_CALLS})
    def test_one_failing_does_not_stop_the_others(self):
        self.mock_cloud()

        def update(request, volume_id, schedule_id, **changes):
            if volume_id == 'vol-1':
                raise errors.Conflict('The volume is busy.')
        self.mock_update.side_effect = update
        response = self.client.post(EDIT_URL, self.data([row(1), row(2)]))
        self.assertRedirectsNoFollow(response, base.SCHEDULES_URL)
        self.assertEqual(2, self.mock_update.call_count)
        shown = [str(m) for m in response.wsgi_request._messages]
        self.assertIn('Unable to save the schedule "weekly-1" of volume '
                      '"db-1": The volume is busy.', shown)
        self.assertIn('Saved the schedule of volume db-2.', shown)

    @helpers.create_mocks({cinder: CINDER_CALLS,
                           schedules_api: API_CALLS})
    def test_unknown_rows_are_left_out_and_none_left_goes_back(self):
        self.mock_cloud()
        response = self.get(row(1), 'vol-9_abcd0009', 'not a row')
        workflow = response.context['workflow']
        self.assertEqual(['vol-1'], [volume.id for volume, _schedule
                                     in workflow.resources.chosen])
        self.assertIn('2 ticked schedules are left out: they were deleted, '
                      'or cannot be read (edit them on their own).',
                      [str(m) for m in response.context['messages']])
        response = self.get('vol-9_abcd0009')
        self.assertRedirectsNoFollow(response, base.SCHEDULES_URL)

    @helpers.create_mocks({cinder: CINDER_CALLS,
                           schedules_api: API_CALLS})
    def test_over_quota_asks_first_for_all_of_them(self):
        self.mock_cloud(limits=dict(fixtures.LIMITS, maxTotalSnapshots=5,
                                    totalSnapshotsUsed=0))
        response = self.client.post(EDIT_URL, self.data([row(1), row(2)]))
        self.assertEqual(200, response.status_code)
        self.mock_update.assert_not_called()
        self.assertContains(response, 'this needs 6 snapshots (quota 5)')


class TableActionTests(helpers.TestCase):

    @helpers.create_mocks({cinder: ['volume_list', 'protection_list']})
    def test_edit_ticked_carries_the_rows(self):
        self.mock_volume_list.return_value = [scheduled(1), scheduled(2)]
        self.mock_protection_list.return_value = []
        response = self.client.post(base.SCHEDULES_URL, {
            'action': 'schedules__edit_many',
            'object_ids': [row(2), row(1)]})
        self.assertRedirectsNoFollow(
            response, EDIT_URL + '?row=%s&row=%s' % (row(2), row(1)))
        page = self.client.get(base.SCHEDULES_URL).content.decode()
        self.assertIn('id="schedules__action_edit_many"', page)
