"""Keystone down under the schedule pages, with the API layer mocked at
volsnap_dashboard.api.keystone: the pages that need it say the Identity
service is unavailable, those that do not still answer; never a 500, and
a schedule is never saved without its trust."""

from unittest import mock

from django.urls import reverse
from openstack_dashboard.test import helpers

from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import errors
from volsnap_dashboard.api import keystone
from volsnap_dashboard.dashboards.schedules import api as schedules_api
from volsnap_dashboard.protection.schedule import store
from tests.unit import fixtures
from tests.unit.dashboards.schedules import test_workflows as workflow_tests
from tests.unit.dashboards.schedules import test_tables as tab_tests

KEYSTONE_CALLS = ['project_names', 'trust_create', 'trust_delete',
                  'trust_get', 'scheduler_user_id']
UNAVAILABLE = 'The Identity service is unavailable or not responding.'


def keystone_down(test):
    test.mock_scheduler_user_id.return_value = 'scheduler-user'
    for name in ('project_names', 'trust_create', 'trust_delete',
                 'trust_get'):
        getattr(test, 'mock_' + name).side_effect = \
            errors.IdentityUnavailable()


class WorkflowTests(workflow_tests.WorkflowTestCase):

    @helpers.create_mocks({cinder: workflow_tests.CINDER_CALLS,
                           keystone: KEYSTONE_CALLS,
                           schedules_api: ['project_growth']})
    def test_create_says_so_on_the_form_and_saves_nothing(self):
        self.mock_cloud()
        keystone_down(self)
        with mock.patch.object(store, 'save') as save:
            response = self.client.post(workflow_tests.CREATE_URL,
                                        self.data())
        self.assertEqual(200, response.status_code)
        self.assertContains(response, 'The schedule was not saved: '
                                      + UNAVAILABLE)
        self.mock_trust_create.assert_called_once_with(
            helpers.IsHttpRequest(), 'scheduler-user')
        save.assert_not_called()


class ScheduleFormTests(helpers.TestCase):

    def found(self):
        # A member's volume, with a schedule of their project.
        volume = tab_tests.volume_with(tab_tests.healthy(
            project_id=fixtures.PROJECT_ID))
        self.mock_volume_get.return_value = volume
        self.mock_protections_of.return_value = []
        return volume

    @helpers.create_mocks({cinder: ['volume_get'],
                           schedules_api: ['protections_of'],
                           keystone: KEYSTONE_CALLS})
    def test_detail_page_needs_no_keystone(self):
        self.found()
        keystone_down(self)
        response = self.client.get(tab_tests.detail_url())
        self.assertEqual(200, response.status_code)
        self.assertNotContains(response, UNAVAILABLE)

    @helpers.create_mocks({cinder: ['volume_get'],
                           schedules_api: ['protections_of'],
                           keystone: KEYSTONE_CALLS})
    def test_take_over_says_so_and_keeps_the_schedule(self):
        self.found()
        keystone_down(self)
        with mock.patch.object(store, 'save') as save:
            response = self.client.post(
                tab_tests.detail_url('take_over_schedule'), {},
                follow=True)
        self.assertEqual(200, response.status_code)
        self.assertIn(UNAVAILABLE, ' '.join(
            str(m) for m in response.context['messages']))
        self.mock_trust_create.assert_called_once()
        save.assert_not_called()

    @helpers.create_mocks({cinder: ['volume_get'],
                           schedules_api: ['protections_of',
                                           '_protections_of'],
                           keystone: KEYSTONE_CALLS})
    def test_delete_removes_the_schedule_and_leaves_the_trust(self):
        # Only its trustor may delete the trust, and it acts on nothing
        # once its schedule is gone: Keystone down must not keep the
        # schedule.
        volume = self.found()
        self.mock__protections_of.return_value = []
        keystone_down(self)
        with mock.patch.object(schedules_api, '_remove') as remove:
            response = self.client.post(
                tab_tests.detail_url('delete_schedule'),
                {'snapshots': 'keep'})
        self.assertNoFormErrors(response)
        self.assertEqual(302, response.status_code)
        remove.assert_called_once_with(helpers.IsHttpRequest(), volume,
                                       tab_tests.SID)
        # Keystone could not show the trust is the schedule's: left.
        self.mock_trust_get.assert_called_once()
        self.mock_trust_delete.assert_not_called()


class AdminScheduleTests(helpers.BaseAdminViewTests):

    @helpers.create_mocks({cinder: ['volume_get'],
                           schedules_api: ['admin_protections_of'],
                           keystone: KEYSTONE_CALLS})
    def test_admin_detail_page_needs_no_keystone(self):
        self.mock_volume_get.return_value = tab_tests.volume_with(
            tab_tests.healthy())
        self.mock_admin_protections_of.return_value = []
        keystone_down(self)
        response = self.client.get(reverse(
            'horizon:admin:volume_protection:schedule_detail',
            args=(tab_tests.VOLUME_ID, tab_tests.SID)))
        self.assertEqual(200, response.status_code)
        self.assertNotContains(response, UNAVAILABLE)
