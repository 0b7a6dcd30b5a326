"""The Create / Edit Schedule workflow with the API layer mocked: its
steps' validation, saving (once per displayed form), Keystone refusing
the trust, the edit keeping the schedule, and the preview answers."""

import datetime
import re
from unittest import mock

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.test.utils import override_settings
from django.urls import reverse
from openstack_dashboard.test import helpers

from tests.unit import fixtures
from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import errors
from volsnap_dashboard.dashboards.schedules import api as schedules_api
from volsnap_dashboard.dashboards.schedules import growth
from volsnap_dashboard.dashboards.schedules import workflows
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import model

INDEX_URL = reverse('horizon:project:volume_protection:index')
# Where a saved schedule is shown.
SCHEDULES_URL = INDEX_URL + '?tab=volume_protection__schedules'
PROTECT_URL = reverse('horizon:project:volume_protection:protect')
CREATE_URL = reverse('horizon:project:volume_protection:create_schedule')
CINDER_CALLS = ['volume_page', 'volume_list', 'volume_get', 'name_filter',
                'protection_quota', 'force_matters']
API_CALLS = ['create', 'update', 'find', 'get', 'protections_of',
             'project_growth']
UTC = datetime.timezone.utc
# A quota the schedules of these tests fit in.
ROOMY = dict(fixtures.LIMITS, maxTotalSnapshots=1000)


def update_url(volume_id='vol-1', schedule_id='abcd1234'):
    return reverse('horizon:project:volume_protection:update_schedule',
                   args=(volume_id, schedule_id))


def schedule(**changes):
    values = dict(
        id='abcd1234', volume_id='vol-1', project_id=fixtures.PROJECT_ID,
        when=model.When(cron='30 3 * * 1,3', tz='Asia/Tokyo',
                        preset={'kind': 'weekly', 'days': [0, 2],
                                'hour': 3, 'minute': 30}),
        options={'description': 'nightly', 'force': False},
        name_template='{volume_name}-{time}', retention=model.Retention(
            count=4, days=None), paused=False, trust_id='t-1',
        owner_id='u-1', label='weekly',
        created=datetime.datetime(2026, 1, 1, tzinfo=UTC))
    values.update(changes)
    return model.Schedule(**values)


class WorkflowTestCase(helpers.TestCase):

    def setUp(self):
        super().setUp()
        cache.clear()

    def mock_cloud(self, volumes=None, limits=None):
        volumes = volumes or [fixtures.volume('vol-1', 'db', size=2),
                              fixtures.volume('vol-2', 'web', size=3)]
        self.mock_volume_page.return_value = (volumes, len(volumes))
        self.mock_volume_list.return_value = volumes
        self.mock_volume_get.return_value = volumes[0]
        self.mock_name_filter.return_value = 'name~'
        self.mock_protection_quota.return_value = limits or ROOMY
        self.mock_force_matters.return_value = True
        if hasattr(self, 'mock_project_growth'):
            self.mock_project_growth.return_value = growth.Growth()

    def submission_token(self, url=CREATE_URL):
        workflow = self.client.get(url).context['workflow']
        return workflow.get_step('review').action.fields[
            'submission'].initial

    def data(self, url=CREATE_URL, **overrides):
        values = {'volumes': ['vol-1'], 'kind': 'daily', 'hour': '2',
                  'minute': '0', 'tz': 'Europe/Berlin', 'cron': '',
                  'label': 'nightly', 'name_template':
                  '{volume_name}-{time}', 'option_description': 'kept',
                  'retention_count': '7', 'retention_days': '',
                  'submission': self.submission_token(url)}
        values.update(overrides)
        return values

    def errors_of(self, response, step):
        workflow = response.context['workflow']
        return {name: [str(e) for e in found] for name, found
                in workflow.get_step(step).action.errors.items()}


class CreatePageTests(WorkflowTestCase):

    @helpers.create_mocks({cinder: CINDER_CALLS})
    def test_steps_and_the_picker_of_the_protect_form(self):
        self.mock_cloud()
        response = self.client.get(CREATE_URL)
        self.assertEqual(200, response.status_code)
        workflow = response.context['workflow']
        self.assertEqual(['volumes', 'when', 'options', 'retention',
                          'review'], [step.slug for step in workflow.steps])
        html = response.content.decode()
        self.assertIn('volsnap-volume-picker', html)
        self.assertIn('data-search-url="%s"' % reverse(
            'horizon:project:volume_protection:schedule_volumes'), html)
        self.assertIn('id="quota_snapshots"', html)
        self.assertIn('class="volsnap-schedule-workflow"', html)
        # The run names its snapshot from the template, not the option.
        self.assertNotIn('option_snapshot_name', html)
        self.assertIn('name="option_force"', html)

    @helpers.create_mocks({cinder: CINDER_CALLS})
    def test_force_is_left_out_where_cinder_does_not_need_it(self):
        self.mock_cloud()
        self.mock_force_matters.return_value = False
        html = self.client.get(CREATE_URL).content.decode()
        self.assertNotIn('name="option_force"', html)

    @helpers.create_mocks({cinder: CINDER_CALLS})
    def test_cinder_down_sends_back_to_the_panel_with_a_message(self):
        self.mock_cloud()
        self.mock_volume_page.side_effect = errors.ServiceUnavailable()
        response = self.client.get(CREATE_URL)
        self.assertRedirectsNoFollow(response, INDEX_URL)
        self.assertIn('Unable to retrieve volumes', ' '.join(
            str(m) for m in response.wsgi_request._messages))

    @helpers.create_mocks({cinder: CINDER_CALLS})
    def test_the_users_time_zone_is_preselected(self):
        self.mock_cloud()
        self.client.cookies['django_timezone'] = 'Asia/Tokyo'
        workflow = self.client.get(CREATE_URL).context['workflow']
        self.assertEqual('Asia/Tokyo', workflow.get_step(
            'when').action.fields['tz'].initial)

    @helpers.create_mocks({cinder: CINDER_CALLS})
    def test_a_volume_given_in_the_url_is_ticked(self):
        self.mock_cloud()
        response = self.client.get(CREATE_URL + '?volume_id=vol-1')
        self.mock_volume_get.assert_called_once_with(
            helpers.IsHttpRequest(), 'vol-1')
        picker = response.context['workflow'].get_step(
            'volumes').action.fields['volumes']
        self.assertEqual(['vol-1'], [entry.id for entry in picker.selected])


    @helpers.create_mocks({cinder: CINDER_CALLS})
    def test_volumes_ticked_on_the_volumes_tab_are_ticked(self):
        # From the Volumes tab's bulk Add Schedule: one listing, whatever
        # the number of volumes; one that is gone is said missing.
        self.mock_cloud()
        response = self.client.get(
            CREATE_URL + '?volume_id=vol-2&volume_id=vol-1&volume_id=gone'
            '&volume_id=vol-2')
        self.mock_volume_get.assert_not_called()
        self.mock_volume_list.assert_called_once_with(
            helpers.IsHttpRequest())
        picker = response.context['workflow'].get_step(
            'volumes').action.fields['volumes']
        self.assertEqual(['vol-2', 'vol-1'],
                         [entry.id for entry in picker.selected])
        self.assertIn('1 of the chosen volumes was not found: it is not '
                      'ticked.',
                      [str(m) for m in response.context['messages']])


class ValidationTests(WorkflowTestCase):

    def post(self, **overrides):
        return self.client.post(CREATE_URL, self.data(**overrides))

    @helpers.create_mocks({cinder: CINDER_CALLS, schedules_api: API_CALLS})
    def test_an_invalid_cron_is_refused_on_its_field(self):
        self.mock_cloud()
        response = self.post(kind='cron', cron='61 * * * *')
        self.assertEqual(200, response.status_code)
        self.assertIn('Not a valid cron expression',
                      ' '.join(self.errors_of(response, 'when')['cron']))
        self.mock_create.assert_not_called()

    @helpers.create_mocks({cinder: CINDER_CALLS, schedules_api: API_CALLS})
    def test_a_cron_of_other_than_five_fields_is_refused(self):
        self.mock_cloud()
        response = self.post(kind='cron', cron='0 2 * *')
        self.assertIn('five fields', ' '.join(
            self.errors_of(response, 'when')['cron']))

    @helpers.create_mocks({cinder: CINDER_CALLS, schedules_api: API_CALLS})
    def test_a_cron_below_the_minimum_interval_is_refused(self):
        self.mock_cloud()
        response = self.post(kind='cron', cron='*/10 * * * *')
        self.assertEqual(
            ['Runs at most every 10 min: the shortest interval allowed is '
             '1 h.'], self.errors_of(response, 'when')['cron'])
        self.mock_create.assert_not_called()

    @override_settings(VOLSNAP_SCHEDULE_MIN_INTERVAL=2 * 3600)
    @helpers.create_mocks({cinder: CINDER_CALLS, schedules_api: API_CALLS})
    def test_a_preset_below_the_operators_minimum_is_refused_on_it(self):
        self.mock_cloud()
        response = self.post(kind='hourly', minute='15')
        self.assertEqual(
            ['Runs at most every 1 h: the shortest interval allowed is '
             '2 h.'], self.errors_of(response, 'when')['kind'])
        self.mock_create.assert_not_called()

    @helpers.create_mocks({cinder: CINDER_CALLS, schedules_api: API_CALLS})
    def test_a_preset_needs_its_fields(self):
        self.mock_cloud()
        response = self.post(kind='weekly')
        self.assertEqual(['Choose at least one day.'],
                         self.errors_of(response, 'when')['days'])
        response = self.post(kind='daily', hour='')
        self.assertIn('hour', self.errors_of(response, 'when'))

    @helpers.create_mocks({cinder: CINDER_CALLS})
    def test_the_zones_offered_are_utc_and_the_regions_places(self):
        self.mock_cloud()
        self.client.cookies['django_timezone'] = 'US/Eastern'
        field = self.client.get(CREATE_URL).context['workflow'].get_step(
            'when').action.fields['tz']
        offered = {name for name, _ in field.choices}
        self.assertIn('UTC', offered)
        self.assertIn('Europe/Berlin', offered)
        for tz in ('Factory', 'localtime', 'EST', 'US/Eastern', 'GMT'):
            self.assertNotIn(tz, offered)
        # A Horizon zone that is not offered preselects UTC.
        self.assertEqual('UTC', field.initial)

    @helpers.create_mocks({cinder: CINDER_CALLS, schedules_api: API_CALLS})
    def test_a_fixed_offset_zone_is_not_offered(self):
        self.mock_cloud()
        response = self.post(tz='Etc/GMT+1')
        self.assertIn('tz', self.errors_of(response, 'when'))
        self.mock_create.assert_not_called()

    @helpers.create_mocks({cinder: CINDER_CALLS, schedules_api: API_CALLS})
    def test_a_retention_of_nothing_is_refused(self):
        self.mock_cloud()
        response = self.post(retention_count='', retention_days='')
        self.assertEqual(['Keep a number of snapshots, snapshots of a number '
                          'of days, or both.'],
                         self.errors_of(response, 'retention')['__all__'])
        self.assertIn('Keep a number of snapshots', response.content.decode())
        self.mock_create.assert_not_called()

    @helpers.create_mocks({cinder: CINDER_CALLS, schedules_api: API_CALLS})
    def test_a_retention_below_one_is_refused(self):
        self.mock_cloud()
        response = self.post(retention_count='0')
        self.assertIn('retention_count', self.errors_of(response,
                                                        'retention'))

    @helpers.create_mocks({cinder: CINDER_CALLS, schedules_api: API_CALLS})
    def test_a_retention_of_more_than_a_century_is_refused(self):
        self.mock_cloud()
        for days in ('1000000', '99999999999'):
            response = self.post(retention_days=days)
            self.assertEqual(200, response.status_code)
            self.assertIn('Ensure this value is less than or equal to '
                          '36500.', ' '.join(self.errors_of(
                              response, 'retention')['retention_days']))
            preview = self.client.post(CREATE_URL, self.data(
                preview='1', retention_days=days))
            self.assertEqual(200, preview.status_code)
            self.assertNotIn('Unable to compute the preview',
                             preview.content.decode())
        self.mock_create.assert_not_called()

    @helpers.create_mocks({cinder: CINDER_CALLS, schedules_api: API_CALLS})
    def test_no_field_stops_the_browser_from_sending_the_form(self):
        # A range in the page would keep a browser from submitting while a
        # step it does not show is out of range, without a word.
        self.mock_cloud()
        html = self.client.get(CREATE_URL).content.decode()
        for name in ('retention_count', 'retention_days', 'verify_every'):
            tag = re.search(r'<input[^>]*name="%s"[^>]*>' % name,
                            html).group(0)
            self.assertNotRegex(tag, r'\b(min|max)=', tag)

    @helpers.create_mocks({cinder: CINDER_CALLS, schedules_api: API_CALLS})
    def test_a_template_with_an_unknown_placeholder_is_refused(self):
        self.mock_cloud()
        response = self.post(name_template='{volume_name.__class__}')
        self.assertIn('Unknown placeholder', ' '.join(
            self.errors_of(response, 'options')['name_template']))
        self.mock_create.assert_not_called()

    @helpers.create_mocks({cinder: CINDER_CALLS, schedules_api: API_CALLS})
    def test_no_volume_is_refused(self):
        self.mock_cloud()
        response = self.post(volumes=[])
        self.assertEqual(['Select at least one volume.'],
                         self.errors_of(response, 'volumes')['volumes'])


class SaveTests(WorkflowTestCase):

    @helpers.create_mocks({cinder: CINDER_CALLS, schedules_api: API_CALLS})
    def test_one_schedule_per_volume(self):
        self.mock_cloud()
        response = self.client.post(CREATE_URL, self.data(
            volumes=['vol-1', 'vol-2'], kind='weekly', days=['0', '4'],
            hour='23', minute='45', retention_days='30', verify_every='3'))
        self.assertRedirectsNoFollow(response, SCHEDULES_URL)
        when = model.When(cron='45 23 * * 1,5', tz='Europe/Berlin',
                          preset={'kind': 'weekly', 'days': [0, 4],
                                  'hour': 23, 'minute': 45})
        retention = model.Retention(count=7, days=30)
        self.assertEqual(
            [((helpers.IsHttpRequest(), volume_id, when,
               {'description': 'kept', 'force': False},
               '{volume_name}-{time}', retention),
              {'label': 'nightly', 'verify_every': 3, 'plugin': mock.ANY})
             for volume_id in ('vol-1', 'vol-2')],
            [(c.args, c.kwargs) for c in self.mock_create.call_args_list])

    @helpers.create_mocks({cinder: CINDER_CALLS, schedules_api: API_CALLS})
    def test_a_cron_typed_by_hand_has_no_preset(self):
        self.mock_cloud()
        self.client.post(CREATE_URL, self.data(kind='cron',
                                               cron=' 0  */6 * * * '))
        when = self.mock_create.call_args.args[2]
        self.assertEqual(model.When(cron='0 */6 * * *', tz='Europe/Berlin'),
                         when)

    @helpers.create_mocks({cinder: CINDER_CALLS, schedules_api: API_CALLS})
    def test_a_repeated_post_of_the_same_form_saves_once(self):
        self.mock_cloud()
        data = self.data()
        first = self.client.post(CREATE_URL, data)
        second = self.client.post(CREATE_URL, data)
        self.assertRedirectsNoFollow(first, SCHEDULES_URL)
        self.assertRedirectsNoFollow(second, SCHEDULES_URL)
        self.assertEqual(1, self.mock_create.call_count)

    @helpers.create_mocks({cinder: CINDER_CALLS, schedules_api: API_CALLS})
    def test_a_repeat_is_refused_and_said_so_with_cinder_down(self):
        self.mock_cloud()
        data = self.data()
        self.client.post(CREATE_URL, data)
        for mocked in CINDER_CALLS:
            getattr(self, 'mock_' + mocked).reset_mock()
            getattr(self, 'mock_' + mocked).side_effect = \
                errors.ServiceUnavailable()
        self.mock_project_growth.side_effect = errors.ServiceUnavailable()
        again = self.client.post(CREATE_URL, data)
        self.assertRedirectsNoFollow(again, SCHEDULES_URL)
        # After the first POST's own message, not yet shown.
        self.assertEqual(['Created a schedule for volume db.',
                          'This form was already submitted; nothing was '
                          'done twice.'], said(again))
        for mocked in CINDER_CALLS:
            getattr(self, 'mock_' + mocked).assert_not_called()
        self.assertEqual(1, self.mock_create.call_count)

    @helpers.create_mocks({cinder: CINDER_CALLS + ['snapshot_protect',
                                                   'find_submitted',
                                                   'absolute_limits'],
                           schedules_api: API_CALLS})
    def test_a_token_another_form_used_saves_nothing(self):
        # One record of used tokens for every form of the panel: a token
        # spent by the protect form is spent for the workflow too.
        self.mock_cloud()
        self.mock_absolute_limits.return_value = fixtures.LIMITS
        data = self.data()
        protect = self.client.post(PROTECT_URL, {
            'submission': data['submission'], 'volumes': ['vol-1'],
            'option_snapshot_name': 'n', 'option_description': ''})
        self.assertRedirectsNoFollow(protect, INDEX_URL)
        self.assertEqual(1, self.mock_snapshot_protect.call_count)
        response = self.client.post(CREATE_URL, data)
        self.assertRedirectsNoFollow(response, SCHEDULES_URL)
        self.mock_create.assert_not_called()

    @helpers.create_mocks({cinder: CINDER_CALLS, schedules_api: API_CALLS})
    def test_a_post_without_its_one_time_token_saves_nothing(self):
        # Without a token a replayed POST could not be recognised.
        self.mock_cloud()
        data = self.data()
        del data['submission']
        response = self.client.post(CREATE_URL, data)
        self.assertEqual(200, response.status_code)
        self.mock_create.assert_not_called()

    @helpers.create_mocks({cinder: CINDER_CALLS, schedules_api: API_CALLS})
    def test_keystone_refusing_the_trust_is_said_on_the_form(self):
        self.mock_cloud()
        self.mock_create.side_effect = errors.TrustRefused(
            detail='Keystone: trusts are not allowed with this token.')
        data = self.data(volumes=['vol-1', 'vol-2'])
        response = self.client.post(CREATE_URL, data)
        self.assertEqual(200, response.status_code)
        html = response.content.decode()
        self.assertIn('The schedule was not saved: The Identity service '
                      'refused to let the scheduler act on your behalf. '
                      'Keystone: trusts are not allowed with this token.',
                      html)
        # Stops at the first volume, and the review step is shown.
        self.assertEqual(1, self.mock_create.call_count)
        self.assertEqual('review',
                         response.context['workflow'].get_entry_point())
        # The same form may be sent again once Keystone agrees.
        self.mock_create.side_effect = None
        again = self.client.post(CREATE_URL, data)
        self.assertRedirectsNoFollow(again, SCHEDULES_URL)
        self.assertEqual(3, self.mock_create.call_count)

    @helpers.create_mocks({cinder: CINDER_CALLS, schedules_api: API_CALLS})
    def test_a_later_volume_failing_keeps_those_saved_and_says_so(self):
        self.mock_cloud()
        self.mock_create.side_effect = [
            schedule(), errors.Forbidden('Not your volume.')]
        response = self.client.post(CREATE_URL, self.data(
            volumes=['vol-1', 'vol-2']))
        self.assertRedirectsNoFollow(response, SCHEDULES_URL)
        texts = [str(m) for m in response.wsgi_request._messages]
        self.assertIn('Unable to create a schedule for volume "web": Not '
                      'your volume.', texts)
        self.assertIn('Created a schedule for volume db.', texts)


def said(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def scheduled(volume, **changes):
    """``volume`` carrying a schedule (daily at 02:00 Berlin unless
    ``changes`` say otherwise)."""
    existing = schedule(**dict(dict(
        id='11112222', volume_id=volume.id, label='nightly',
        when=model.When(cron='0 2 * * *', tz='Europe/Berlin')), **changes))
    volume.metadata = dict(codec.encode_definition(existing),
                           **{codec.MARKER_KEY: codec.MARKER_VALUE})
    return volume


class DuplicateTimingTests(WorkflowTestCase):
    """A schedule that runs at the same times as one the volume has
    is added only when the user says so."""

    def volumes(self, **changes):
        return [scheduled(fixtures.volume('vol-1', 'db', size=2), **changes),
                fixtures.volume('vol-2', 'web', size=3)]

    @helpers.create_mocks({cinder: CINDER_CALLS, schedules_api: API_CALLS})
    def test_the_same_times_are_refused_until_allowed(self):
        self.mock_cloud(self.volumes())
        response = self.client.post(CREATE_URL, self.data(
            volumes=['vol-1', 'vol-2']))
        self.assertEqual(200, response.status_code)
        self.mock_create.assert_not_called()
        [error] = self.errors_of(response, 'review')['__all__']
        self.assertEqual(
            'Not saved: "db" (schedule "nightly") already runs at these '
            'times (daily at 02:00 Europe/Berlin). A second schedule makes '
            'two snapshots each time; to add it anyway, tick the box below.',
            error)
        self.assertContains(response, 'name="allow_duplicate"', count=1)
        self.assertContains(response, 'id="id_submission"', count=1)

        response = self.client.post(CREATE_URL, self.data(
            volumes=['vol-1', 'vol-2'], allow_duplicate='on'))
        self.assertRedirectsNoFollow(response, SCHEDULES_URL)
        self.assertEqual(['vol-1', 'vol-2'], [
            c.args[1] for c in self.mock_create.call_args_list])

    @helpers.create_mocks({cinder: CINDER_CALLS, schedules_api: API_CALLS})
    def test_the_picker_says_what_a_volume_is_scheduled_already(self):
        self.mock_cloud(self.volumes())
        response = self.client.get(CREATE_URL)
        self.assertContains(response, 'db (2 GiB, available); scheduled '
                                      'daily at 02:00 Europe/Berlin')
        self.assertContains(response, 'web (3 GiB, available)<')

    def test_a_volume_with_many_schedules_names_two_and_counts_the_rest(self):
        volume = fixtures.volume('vol-1', 'db', size=2)
        volume.metadata = {codec.MARKER_KEY: codec.MARKER_VALUE}
        for number, hour in enumerate((1, 2, 3, 4)):
            volume.metadata.update(codec.encode_definition(schedule(
                id='1111000%d' % number, volume_id='vol-1',
                when=model.When(cron='0 %d * * *' % hour, tz='UTC'))))
        # Unreadable metadata is no schedule to name.
        volume.metadata['volsnap:2222aaaa:def:0'] = '{not json'
        self.assertEqual(
            'db (2 GiB, available); scheduled daily at 01:00 UTC; daily at '
            '02:00 UTC; 2 more',
            str(workflows.volume_picker.volume_label(volume)))

    @helpers.create_mocks({cinder: CINDER_CALLS, schedules_api: API_CALLS})
    def test_the_box_is_offered_only_once_a_duplicate_is_found(self):
        self.mock_cloud(self.volumes())
        response = self.client.get(CREATE_URL)
        self.assertNotContains(response, 'name="allow_duplicate"')
        self.assertContains(response, 'id="id_submission"', count=1)

    @helpers.create_mocks({cinder: CINDER_CALLS, schedules_api: API_CALLS})
    def test_the_same_instants_in_another_zones_name_count(self):
        self.mock_cloud(self.volumes(when=model.When(cron='0 2 * * *',
                                                     tz='Europe/Paris')))
        response = self.client.post(CREATE_URL, self.data())
        self.mock_create.assert_not_called()
        self.assertIn('already runs at these times',
                      self.errors_of(response, 'review')['__all__'][0])

    @helpers.create_mocks({cinder: CINDER_CALLS, schedules_api: API_CALLS})
    def test_other_times_are_added_without_asking(self):
        for when in (model.When(cron='0 3 * * *', tz='Europe/Berlin'),
                     model.When(cron='0 2 * * *', tz='UTC'),
                     model.When(cron='0 2 * * 1-5', tz='Europe/Berlin')):
            with self.subTest(when=when):
                self.mock_create.reset_mock()
                self.mock_cloud(self.volumes(when=when))
                response = self.client.post(CREATE_URL, self.data())
                self.assertRedirectsNoFollow(response, SCHEDULES_URL)
                self.mock_create.assert_called_once()


class OverQuotaTests(WorkflowTestCase):
    """Saving, from whichever step, asks first when the project's
    schedules will not fit the quota once retention has kicked in."""

    FULL_SOON = dict(fixtures.LIMITS, maxTotalSnapshots=1100,
                     totalSnapshotsUsed=1038)

    @helpers.create_mocks({cinder: CINDER_CALLS, schedules_api: API_CALLS})
    def test_create_asks_then_saves_and_says_it_will_not_fit(self):
        self.mock_cloud(limits=self.FULL_SOON)
        self.mock_project_growth.return_value = growth.Growth(34, 68, 136)
        response = self.client.post(CREATE_URL, self.data())
        self.assertEqual(200, response.status_code)
        self.mock_create.assert_not_called()
        [error] = self.errors_of(response, 'review')['__all__']
        self.assertEqual(
            "Not saved: with the project's other schedules at full "
            "retention, this needs 1,113 snapshots (quota 1,100). Once the "
            "quota is full, runs are skipped. Keep fewer snapshots or pick "
            "fewer volumes, or tick the box below to save it anyway.",
            error)
        self.assertContains(response, 'name="allow_over_quota"', count=1)

        response = self.client.post(CREATE_URL, self.data(
            allow_over_quota='on'))
        self.assertRedirectsNoFollow(response, SCHEDULES_URL)
        self.mock_create.assert_called_once()
        self.assertEqual(
            ['Created a schedule for volume db. It will not fit the quota '
             'once retention has kicked in: runs are skipped while the '
             'quota is full.'], said(response))

    @helpers.create_mocks({cinder: CINDER_CALLS, schedules_api: API_CALLS})
    def test_what_fits_is_saved_without_asking(self):
        self.mock_cloud(limits=self.FULL_SOON)
        self.mock_project_growth.return_value = growth.Growth(34, 50, 100)
        response = self.client.post(CREATE_URL, self.data())
        self.assertRedirectsNoFollow(response, SCHEDULES_URL)
        self.mock_create.assert_called_once()
        self.assertEqual(['Created a schedule for volume db.'],
                         said(response))

    @helpers.create_mocks({cinder: CINDER_CALLS, schedules_api: API_CALLS})
    def test_an_edit_counts_the_others_without_itself(self):
        self.mock_cloud(limits=self.FULL_SOON)
        self.mock_find.return_value = (fixtures.volume('vol-1', 'db'),
                                       schedule())
        self.mock_protections_of.return_value = []
        self.mock_project_growth.return_value = growth.Growth(34, 68, 136)
        data = self.data(update_url())
        del data['volumes']
        response = self.client.post(update_url(), data)
        self.mock_update.assert_not_called()
        self.assertIn('1,113 snapshots (quota 1,100)',
                      self.errors_of(response, 'review')['__all__'][0])
        self.mock_project_growth.assert_called_with(
            helpers.IsHttpRequest(), [('vol-1', 'abcd1234')],
            plugin=mock.ANY)


class BothQuestionsTests(WorkflowTestCase):

    @helpers.create_mocks({cinder: CINDER_CALLS, schedules_api: API_CALLS})
    def test_a_box_ticked_stays_ticked_while_the_other_question_asks(self):
        volumes = [scheduled(fixtures.volume('vol-1', 'db', size=2))]
        self.mock_cloud(volumes, limits=OverQuotaTests.FULL_SOON)
        self.mock_project_growth.return_value = growth.Growth(34, 68, 136)
        response = self.client.post(CREATE_URL, self.data(
            allow_duplicate='on'))
        self.mock_create.assert_not_called()
        self.assertIn('1,113 snapshots (quota 1,100)',
                      self.errors_of(response, 'review')['__all__'][0])
        self.assertRegex(response.content.decode(),
                         r'<input type="checkbox" name="allow_duplicate"'
                         r'[^>]* checked>')
        response = self.client.post(CREATE_URL, self.data(
            allow_duplicate='on', allow_over_quota='on'))
        self.assertRedirectsNoFollow(response, SCHEDULES_URL)
        self.mock_create.assert_called_once()


class EditTests(WorkflowTestCase):

    def mock_schedule(self, found=None):
        self.mock_find.return_value = (fixtures.volume('vol-1', 'db'),
                                       found or schedule())
        self.mock_protections_of.return_value = []

    def when_fields_editing(self, when):
        """The When step's fields of the Edit form of a schedule ``when``."""
        self.mock_cloud()
        self.mock_schedule(schedule(when=when))
        return self.client.get(update_url()).context['workflow'].get_step(
            'when').action.fields

    @helpers.create_mocks({cinder: CINDER_CALLS, schedules_api: API_CALLS})
    def test_the_form_shows_the_schedule(self):
        self.mock_cloud()
        self.mock_schedule()
        response = self.client.get(update_url())
        workflow = response.context['workflow']
        self.assertEqual(['when', 'options', 'retention', 'review'],
                         [step.slug for step in workflow.steps])
        when = workflow.get_step('when').action.fields
        self.assertEqual(('weekly', [0, 2], 3, 30, 'Asia/Tokyo'), (
            when['kind'].initial, when['days'].initial,
            when['hour'].initial, when['minute'].initial,
            when['tz'].initial))
        options = workflow.get_step('options').action.fields
        self.assertEqual(('weekly', '{volume_name}-{time}', 'nightly'), (
            options['label'].initial, options['name_template'].initial,
            options['option_description'].initial))
        self.assertEqual(4, workflow.get_step(
            'retention').action.fields['retention_count'].initial)
        self.assertContains(response, 'Schedule of volume <strong>db'
                                      '</strong>')

    @helpers.create_mocks({cinder: CINDER_CALLS, schedules_api: API_CALLS})
    def test_a_cron_typed_by_hand_is_shown_as_typed(self):
        when = self.when_fields_editing(model.When(cron='0 */6 * * *',
                                                   tz='UTC'))
        self.assertEqual(('cron', '0 */6 * * *'),
                         (when['kind'].initial, when['cron'].initial))

    @helpers.create_mocks({cinder: CINDER_CALLS, schedules_api: API_CALLS})
    def test_an_older_zone_name_stays_a_choice_while_edited(self):
        tz = self.when_fields_editing(model.When(cron='0 2 * * *',
                                                 tz='US/Eastern'))['tz']
        self.assertEqual('US/Eastern', tz.initial)
        self.assertIn(('US/Eastern', 'US/Eastern'), tz.choices)
        self.assertNotIn('US/Eastern', dict(workflows.zone_choices()))

    @helpers.create_mocks({cinder: CINDER_CALLS, schedules_api: API_CALLS})
    def test_saving_keeps_the_schedule_id(self):
        self.mock_cloud()
        self.mock_schedule()
        data = self.data(update_url(), retention_count='', retention_days='9')
        del data['volumes']
        response = self.client.post(update_url(), data)
        self.assertRedirectsNoFollow(response, SCHEDULES_URL)
        self.mock_update.assert_called_once_with(
            helpers.IsHttpRequest(), 'vol-1', 'abcd1234',
            when=model.When(cron='0 2 * * *', tz='Europe/Berlin',
                            preset={'kind': 'daily', 'hour': 2,
                                    'minute': 0}),
            options={'description': 'kept', 'force': False},
            name_template='{volume_name}-{time}',
            retention=model.Retention(count=None, days=9), label='nightly',
            verify_every=None)  # left empty: never
        self.mock_create.assert_not_called()

    @helpers.create_mocks({cinder: CINDER_CALLS, schedules_api: API_CALLS})
    def test_an_unreadable_schedule_is_not_opened(self):
        self.mock_cloud()
        unreadable = model.Invalid('abcd1234', 'vol-1', 'bad JSON')
        self.mock_schedule(unreadable)
        self.mock_get.return_value = unreadable
        response = self.client.get(update_url())
        self.assertRedirectsNoFollow(response, INDEX_URL)

    @helpers.create_mocks({cinder: CINDER_CALLS, schedules_api: API_CALLS})
    def test_one_below_a_newer_minimum_interval_opens_to_be_corrected(self):
        self.mock_cloud()
        self.mock_schedule(model.Invalid('abcd1234', 'vol-1',
                                         'Runs too often.'))
        self.mock_get.return_value = schedule()
        response = self.client.get(update_url())
        self.assertEqual(200, response.status_code)
        self.assertContains(response, 'This schedule does not run: Runs '
                                      'too often. Choose a longer interval')
        self.assertEqual('weekly', response.context['workflow'].get_step(
            'when').action.fields['kind'].initial)

    @helpers.create_mocks({cinder: CINDER_CALLS, schedules_api: API_CALLS})
    def test_a_schedule_that_is_gone_sends_back_to_the_panel(self):
        self.mock_cloud()
        self.mock_find.side_effect = errors.NotFound('No such schedule.')
        response = self.client.get(update_url())
        self.assertRedirectsNoFollow(response, INDEX_URL)


class PreviewTests(WorkflowTestCase):

    def preview(self, url=CREATE_URL, **overrides):
        data = self.data(url, preview='1', **overrides)
        return self.client.post(url, data)

    @helpers.create_mocks({cinder: CINDER_CALLS, schedules_api: API_CALLS})
    def test_runs_in_the_zone_and_utc_and_nothing_saved(self):
        self.mock_cloud()
        response = self.preview(tz='Asia/Tokyo')
        html = response.content.decode()
        self.assertIn('<th scope="col">Asia/Tokyo</th>', html)
        self.assertIn('02:00 JST', html)
        self.assertIn('17:00 UTC', html)
        self.assertIn('Runs daily at 02:00 Asia/Tokyo; keep the last 7 '
                      'snapshots.', html)
        self.assertIn('its next run deletes none', html)
        self.assertNotIn('<html', html)
        self.mock_create.assert_not_called()

    @helpers.create_mocks({cinder: CINDER_CALLS, schedules_api: API_CALLS})
    def test_the_first_snapshots_name_is_shown(self):
        self.mock_cloud()
        html = self.preview(
            name_template='<{volume_name}>-{schedule}-{time:%Y%m%d-%H%M}',
            tz='UTC').content.decode()
        self.assertRegex(html, r'The first snapshot will be named <code>'
                               r'&lt;db&gt;-nightly-\d{8}-0200</code>')

    @helpers.create_mocks({cinder: CINDER_CALLS, schedules_api: API_CALLS})
    def test_a_bad_name_template_is_flagged_on_review(self):
        self.mock_cloud()
        html = self.preview(name_template='{time:%}').content.decode()
        self.assertIn('Fix these first:', html)
        self.assertIn('is not a time format', html)
        self.assertNotIn('The first snapshot will be named', html)

    @helpers.create_mocks({cinder: CINDER_CALLS, schedules_api: API_CALLS})
    def test_a_utc_schedule_shows_one_column_of_runs(self):
        self.mock_cloud()
        html = self.preview(tz='UTC').content.decode()
        runs = html[html.index('volsnap-next-runs'):]
        runs = runs[:runs.index('</table>')]
        self.assertEqual(1, runs.count('<th scope="col">'))
        self.assertEqual(5, runs.count('<td>'))

    @helpers.create_mocks({cinder: CINDER_CALLS, schedules_api: API_CALLS})
    def test_one_snapshot_is_said_in_the_singular(self):
        self.mock_cloud()
        html = self.preview(retention_count='1').content.decode()
        self.assertIn('hold 1 snapshot of each volume.\n    In all: 1 '
                      'snapshot, 2 GiB.', html)

    @helpers.create_mocks({cinder: CINDER_CALLS, schedules_api: API_CALLS})
    def test_the_forecast_warns_when_the_quota_is_too_small(self):
        self.mock_cloud(limits=dict(fixtures.LIMITS, maxTotalSnapshots=10,
                                    totalSnapshotsUsed=2))
        fits = self.preview(volumes=['vol-1'], retention_count='8')
        self.assertNotIn('will not fit your quota', fits.content.decode())
        too_many = self.preview(volumes=['vol-1', 'vol-2'],
                                retention_count='5')
        html = too_many.content.decode()
        self.assertIn('will not fit your quota', html)
        self.assertIn('the schedules hold 5 snapshots of each volume.\n'
                      '    In all: 10 snapshots, 25 GiB.', html)

    @helpers.create_mocks({cinder: CINDER_CALLS, schedules_api: API_CALLS})
    def test_the_forecast_counts_the_projects_other_schedules(self):
        # 34 schedules still growing towards "keep 7": the quota that
        # looks roomy today is full two nights later.
        self.mock_cloud(limits=dict(fixtures.LIMITS,
                                    maxTotalSnapshots=1100,
                                    totalSnapshotsUsed=1038))
        self.mock_project_growth.return_value = growth.Growth(
            schedules=34, snapshots=68, gigabytes=136)
        html = self.preview(volumes=['vol-1'],
                            retention_count='7').content.decode()
        self.assertIn("The project's 34 other active schedules add 68 "
                      "snapshots, 136 GiB, as their retention fills up",
                      html)
        self.assertIn('<td>1,038</td>\n            <td>1,113</td>', html)
        self.assertIn('will not fit your quota', html)
        self.mock_project_growth.assert_called_with(
            helpers.IsHttpRequest(), (), plugin=mock.ANY)

    @helpers.create_mocks({cinder: CINDER_CALLS, schedules_api: API_CALLS})
    def test_other_schedules_that_cannot_be_listed_are_said_so(self):
        self.mock_cloud()
        self.mock_project_growth.side_effect = errors.ServiceUnavailable()
        html = self.preview().content.decode()
        self.assertIn("The project's other schedules could not be "
                      "listed: the forecast counts this schedule alone.",
                      html)

    @helpers.create_mocks({cinder: CINDER_CALLS, schedules_api: API_CALLS})
    def test_the_verification_option_in_words(self):
        self.mock_cloud()
        self.assertIn('Verifies the new snapshot every 4 runs',
                      self.preview(verify_every='4').content.decode())
        self.assertIn('Never verifies its snapshots',
                      self.preview().content.decode())
        self.assertNotIn('Verifies', self.preview(
            verify_every='101').content.decode())
        # Saving refuses it on its field.
        response = self.client.post(CREATE_URL, self.data(
            verify_every='101'))
        self.assertEqual(
            {'verify_every': ['Ensure this value is less than or equal to '
                              '100.']}, self.errors_of(response, 'options'))
        self.mock_create.assert_not_called()

    @helpers.create_mocks({cinder: CINDER_CALLS, schedules_api: API_CALLS})
    def test_field_errors_show_in_the_preview(self):
        self.mock_cloud()
        html = self.preview(kind='cron', cron='nonsense').content.decode()
        self.assertIn('When: Enter a cron expression of five fields', html)
        self.assertNotIn('Next runs', html)

    @helpers.create_mocks({cinder: CINDER_CALLS, schedules_api: API_CALLS})
    def test_the_edit_dry_run_names_what_retention_deletes(self):
        self.mock_cloud()
        self.mock_find.return_value = (fixtures.volume('vol-1', 'db'),
                                       schedule())
        old = [fixtures.snapshot('s%d' % i, 'db-<b>%d</b>' % i)
               for i in range(3)]
        for day, snapshot in enumerate(old, start=1):
            snapshot.created_at = '2026-01-0%dT00:00:00' % day
        self.mock_protections_of.return_value = old
        data = self.data(update_url(), retention_count='2')
        del data['volumes']
        html = self.client.post(update_url(), dict(
            data, preview='1')).content.decode()
        self.assertIn('this schedule deletes 2 of its snapshots', html)
        # When each was made, in the schedule's zone and in UTC.
        self.assertIn('made Thu, Jan. 1, 2026 01:00 CET, '
                      'Thu, Jan. 1, 2026 00:00 UTC)', html)
        self.assertIn('db-&lt;b&gt;0&lt;/b&gt;', html)
        self.assertIn('db-&lt;b&gt;1&lt;/b&gt;', html)
        self.assertNotIn('db-&lt;b&gt;2', html)
        self.assertNotIn('<b>', html)


class BackupScheduleTests(WorkflowTestCase):
    """Create Schedule with the provider's backup plugin: its own
    options, saved as a schedule naming it; a backup schedule at the
    times of a snapshot schedule is no duplicate."""

    url = CREATE_URL + '?plugin=cinder-backup'
    volumes = DuplicateTimingTests.volumes

    @helpers.create_mocks({cinder: CINDER_CALLS, schedules_api: API_CALLS})
    def test_the_options_are_the_backup_plugins(self):
        self.mock_cloud()
        response = self.client.get(self.url)
        for name in ('option_incremental', 'option_full_every',
                     'option_force'):
            self.assertContains(response, 'name="%s"' % name)
        self.assertNotContains(response, 'name="option_backup_name"')
        self.assertContains(response, 'action="%s"' % self.url)
        self.assertContains(response, 'data-plugin="cinder-snapshot"')

    @helpers.create_mocks({cinder: CINDER_CALLS, schedules_api: API_CALLS})
    def test_saved_naming_the_plugin_and_not_a_duplicate(self):
        self.mock_cloud(self.volumes())
        response = self.client.post(self.url, self.data(
            url=self.url, volumes=['vol-1'], option_incremental='on',
            option_full_every='4'))
        self.assertRedirectsNoFollow(response, SCHEDULES_URL)
        [call] = self.mock_create.call_args_list
        self.assertEqual({'description': 'kept', 'incremental': True,
                          'full_every': 4, 'force': False,
                          'from_snapshot': False}, call.args[3])
        self.assertEqual('cinder-backup', call.kwargs['plugin'].name)
        self.assertEqual('cinder-backup',
                         self.mock_project_growth.call_args.kwargs[
                             'plugin'].name)
