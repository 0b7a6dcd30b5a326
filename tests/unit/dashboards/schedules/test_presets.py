"""The When step offers the presets of the preset table: today's, and one
added to the table alone, with the fields it asks for."""

from openstack_dashboard.test import helpers

from volsnap_dashboard.api import cinder
from volsnap_dashboard.dashboards.schedules import api as schedules_api
from volsnap_dashboard.protection.schedule import model
from tests.unit.dashboards.schedules.test_workflows import API_CALLS
from tests.unit.dashboards.schedules.test_workflows import CINDER_CALLS
from tests.unit.dashboards.schedules.test_workflows import CREATE_URL
from tests.unit.dashboards.schedules.test_workflows import SCHEDULES_URL
from tests.unit.dashboards.schedules.test_workflows import WorkflowTestCase
from tests.unit.protection.schedule.test_presets import with_last_friday

SWITCH = 'data-schedulekind-%s'


class PresetChoiceTests(WorkflowTestCase):

    def when_fields(self):
        workflow = self.client.get(CREATE_URL).context['workflow']
        return workflow.get_step('when').action.fields

    def shown_for(self, field):
        return sorted(name[len(SWITCH % ''):] for name
                      in field.widget.attrs if name.startswith(SWITCH % ''))

    @helpers.create_mocks({cinder: CINDER_CALLS})
    def test_todays_choices_and_the_fields_each_shows(self):
        self.mock_cloud()
        fields = self.when_fields()
        self.assertEqual(
            [('hourly', 'Hourly'), ('daily', 'Daily'), ('weekly', 'Weekly'),
             ('monthly', 'Monthly'), ('month_end', 'Last day of the month'),
             ('cron', 'Cron expression')],
            [(kind, str(label)) for kind, label in fields['kind'].choices])
        self.assertEqual({'days': ['weekly'], 'day': ['monthly'],
                          'hour': ['daily', 'month_end', 'monthly',
                                   'weekly'],
                          'minute': ['daily', 'hourly', 'month_end',
                                     'monthly', 'weekly'], 'cron': ['cron']},
                         {name: self.shown_for(fields[name]) for name
                          in ('days', 'day', 'hour', 'minute', 'cron')})
        self.assertEqual('Hour (0-23)',
                         fields['hour'].widget.attrs[SWITCH % 'daily'])

    @helpers.create_mocks({cinder: CINDER_CALLS})
    def test_a_preset_added_to_the_table_is_offered_with_its_fields(self):
        self.mock_cloud()
        with with_last_friday():
            fields = self.when_fields()
        self.assertIn(('last_friday', 'Last Friday of the month'),
                      [(kind, str(label)) for kind, label
                       in fields['kind'].choices])
        self.assertIn('last_friday', self.shown_for(fields['hour']))
        self.assertIn('last_friday', self.shown_for(fields['minute']))
        self.assertNotIn('last_friday', self.shown_for(fields['day']))

    @helpers.create_mocks({cinder: CINDER_CALLS, schedules_api: API_CALLS})
    def test_a_preset_added_to_the_table_saves_its_cron(self):
        self.mock_cloud()
        with with_last_friday():
            response = self.client.post(CREATE_URL, self.data(
                kind='last_friday', hour='22', minute='30'))
        self.assertRedirectsNoFollow(response, SCHEDULES_URL)
        self.assertEqual(model.When(
            cron='30 22 * * 5L', tz='Europe/Berlin',
            preset={'kind': 'last_friday', 'hour': 22, 'minute': 30}),
            self.mock_create.call_args.args[2])
