"""Trusts and protections when a schedule is deleted or taken over: the
admin deletes only a trust proved the schedule's and only snapshots of
the volume's current project; a member is told what remains. The API
layer (Cinder and Keystone wrappers) is mocked."""

import dataclasses
from unittest import mock

from django.urls import reverse
from openstack_dashboard.test import helpers

from tests.unit.dashboards.schedules import test_tables as tab_tests
from tests.unit import fixtures
from tests.unit.protection.schedule import factories
from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import errors
from volsnap_dashboard.api import keystone
from volsnap_dashboard.dashboards.schedules import api as schedules_api
from volsnap_dashboard.protection import cinder_snapshot
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import model

SID = tab_tests.SID
VOLUME_ID = tab_tests.VOLUME_ID
OWNER = 'e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5'
SCHEDULER = 'scheduler-user'
TRUST_ID = factories.schedule().trust_id


def admin_volume():
    volume = tab_tests.volume_with(tab_tests.ran(
        factories.schedule(owner_id=OWNER), 'ok'))
    setattr(volume, 'os-vol-tenant-attr:tenant_id', factories.PROJECT_ID)
    return volume


def trust(**changes):
    values = dict(id=TRUST_ID, trustor_user_id=OWNER,
                  trustee_user_id=SCHEDULER,
                  project_id=factories.PROJECT_ID)
    values.update(changes)
    return keystone.Trust(**values)


#: What a member's schedule calls of Keystone, and its volume read.
MEMBER_CALLS = ((cinder, 'volume_get'), (keystone, 'trust_create'),
                (keystone, 'trust_get'), (keystone, 'trust_delete'),
                (keystone, 'scheduler_user_id'))


def patch_all(test, targets):
    """Patch each ``(module, name)`` for the test, as ``test.<name>``."""
    for target, name in targets:
        patcher = mock.patch.object(target, name)
        setattr(test, name, patcher.start())
        test.addCleanup(patcher.stop)


def snapshot(snapshot_id, project):
    """A protection the schedule made, in ``project``."""
    return dataclasses.replace(cinder_snapshot.as_protection(
        fixtures.snapshot(snapshot_id, volume_id=VOLUME_ID,
                          metadata={codec.SNAPSHOT_SCHEDULE_KEY: SID})),
        project_id=project)


class AdminDeleteTests(helpers.BaseAdminViewTests):

    def setUp(self):
        super().setUp()
        patch_all(self, ((cinder, 'volume_get'),
                         (cinder, 'snapshot_delete'),
                         (keystone, 'trust_get'),
                         (keystone, 'trust_delete'),
                         (keystone, 'scheduler_user_id'),
                         (schedules_api, '_protections_of'),
                         (schedules_api, '_remove')))
        self.volume_get.return_value = admin_volume()
        self.scheduler_user_id.return_value = SCHEDULER
        self.snapshot_delete.return_value = True

    def delete(self, keep=True):
        return schedules_api.admin_delete(self.request, VOLUME_ID, SID,
                                          keep_protections=keep)

    def test_a_trust_proved_the_schedules_is_deleted(self):
        self.trust_get.return_value = trust()
        outcome = self.delete()
        self.trust_delete.assert_called_once_with(self.request, TRUST_ID)
        self.assertFalse(outcome.trust_left)
        self.assertEqual(1, self._remove.call_count)

    def test_any_other_trust_is_left_and_said_so(self):
        for name, answer in (
                ('another trustor', trust(trustor_user_id='someone')),
                ('another project', trust(project_id='p-other')),
                ('another trustee', trust(trustee_user_id='attacker')),
                ('gone', errors.NotFound()),
                ('unreadable', errors.Forbidden()),
                ('keystone down', errors.IdentityUnavailable())):
            with self.subTest(name):
                self.trust_get.reset_mock()
                if isinstance(answer, Exception):
                    self.trust_get.side_effect = answer
                else:
                    self.trust_get.side_effect = None
                    self.trust_get.return_value = answer
                outcome = self.delete()
                self.trust_get.assert_called_once_with(self.request,
                                                       TRUST_ID)
                self.assertTrue(outcome.trust_left)
        self.trust_delete.assert_not_called()
        # The schedule's metadata went each time.
        self.assertEqual(6, self._remove.call_count)

    def test_only_snapshots_of_the_volumes_project_are_deleted(self):
        self.trust_get.return_value = trust()
        self._protections_of.return_value = [
            snapshot('s-mine', factories.PROJECT_ID),
            snapshot('s-left-behind', 'p-before-transfer'),
            snapshot('s-unknown', None)]
        with mock.patch('volsnap_dashboard.dashboards.common.plugin_choice.'
                        'volume_plugin') as plugin:
            outcome = self.delete(keep=False)
        self.snapshot_delete.assert_called_once_with(
            self.request, plugin.return_value, 's-mine')
        self.assertEqual(1, outcome.protections_deleted)

    def test_the_form_counts_and_says_what_remains(self):
        self.trust_get.return_value = trust(project_id='p-other')
        self._protections_of.return_value = [
            snapshot('s-mine', factories.PROJECT_ID),
            snapshot('s-left-behind', 'p-before-transfer')]
        url = reverse('horizon:admin:volume_protection:delete_schedule',
                      args=(VOLUME_ID, SID))
        page = self.client.get(url)
        self.assertContains(page, 'Delete the snapshot it holds')
        res = self.client.post(url, {'snapshots': 'delete'})
        self.assertNoFormErrors(res)
        texts = [str(m) for m in res.wsgi_request._messages]
        self.assertIn('Deleted the schedule and 1 snapshot.', texts)
        self.assertTrue(any('trust the schedule names was not deleted'
                            in text for text in texts), texts)
        self.trust_delete.assert_not_called()


class MemberTests(helpers.TestCase):

    def setUp(self):
        super().setUp()
        patch_all(self, MEMBER_CALLS + ((schedules_api, 'protections_of'),
                                        (schedules_api, '_protections_of'),
                                        (schedules_api, '_save'),
                                        (schedules_api, '_remove')))
        # Another member's schedule: Keystone lets only its trustor delete
        # its trust.
        self.volume_get.return_value = tab_tests.volume_with(
            tab_tests.ran(factories.schedule(
                owner_id=OWNER, project_id=fixtures.PROJECT_ID), 'ok'))
        self.protections_of.return_value = []
        self._protections_of.return_value = []
        self.trust_create.return_value = 'new-trust'
        self.trust_delete.side_effect = errors.TrustRefused(
            detail='not the trustor')
        self.scheduler_user_id.return_value = SCHEDULER
        self.trust_get.return_value = trust(project_id=fixtures.PROJECT_ID)

    def messages_after(self, name, data, deleting=True):
        res = self.client.post(tab_tests.detail_url(name), data)
        self.assertNoFormErrors(res)
        if deleting:
            self.trust_delete.assert_called_once_with(mock.ANY, TRUST_ID)
        else:
            self.trust_delete.assert_not_called()
        return [str(m) for m in res.wsgi_request._messages]

    def test_snapshots_kept_with_their_deleted_schedule_are_marked_kept(
            self):
        self.trust_get.return_value = trust(project_id=fixtures.PROJECT_ID)
        self._protections_of.return_value = [
            snapshot('s-1', fixtures.PROJECT_ID),
            snapshot('s-2', fixtures.PROJECT_ID)]
        with mock.patch.object(cinder, 'protection_set_metadata') as mark, \
                mock.patch.object(cinder, 'snapshot_delete') as delete:
            schedules_api.delete(self.request, VOLUME_ID, SID,
                                 keep_protections=True)
        # Through the schedule's plugin.
        self.assertEqual(
            [('s-1', {codec.KEPT_KEY: '1'}), ('s-2', {codec.KEPT_KEY: '1'})],
            [(call.args[2].id, call.args[3])
             for call in mark.call_args_list])
        self.assertEqual({'cinder-snapshot'},
                         {call.args[1].name for call in mark.call_args_list})
        delete.assert_not_called()
        self._remove.assert_called_once()

    def test_a_schedule_whose_snapshots_cannot_be_marked_stays(self):
        self._protections_of.return_value = [
            snapshot('s-1', fixtures.PROJECT_ID)]
        with mock.patch.object(cinder, 'protection_set_metadata',
                               side_effect=errors.ServiceUnavailable()):
            with self.assertRaises(errors.ServiceUnavailable):
                schedules_api.delete(self.request, VOLUME_ID, SID,
                                     keep_protections=True)
        self._remove.assert_not_called()

    def test_a_trust_not_proved_the_schedules_is_never_deleted(self):
        # The trust id is anyone's writing: a user holding admin could
        # otherwise delete any trust of the cloud from the project panel.
        for other in (dict(project_id='p-other'), dict(trustor_user_id='x'),
                      dict(trustee_user_id='someone')):
            for name, data in (('delete_schedule', {'snapshots': 'keep'}),
                               ('take_over_schedule', {})):
                self.trust_delete.reset_mock()
                self.trust_get.return_value = trust(
                    **dict(dict(project_id=fixtures.PROJECT_ID), **other))
                texts = self.messages_after(name, data, deleting=False)
                self.assertTrue(any('remain' in text for text in texts),
                                texts)

    def test_delete_says_the_owners_trust_remains(self):
        texts = self.messages_after('delete_schedule', {'snapshots': 'keep'})
        self._remove.assert_called_once()
        self.assertTrue(any('only that user or an administrator can '
                            'delete it' in text for text in texts), texts)

    def test_take_over_says_the_previous_trust_remains(self):
        texts = self.messages_after('take_over_schedule', {})
        self.assertIn('The schedule now runs with your authorization.',
                      texts)
        self.assertTrue(any("previous owner's authorization" in text
                            and 'remains until that user or an '
                            'administrator deletes it' in text
                            for text in texts), texts)

    def test_nothing_said_when_the_trust_went(self):
        self.trust_delete.side_effect = None
        self.trust_delete.return_value = True
        texts = self.messages_after('delete_schedule', {'snapshots': 'keep'})
        self.assertFalse([text for text in texts if 'remain' in text])


class NewTrustTests(helpers.TestCase):
    """Creating or taking over a schedule writes it with a new trust: the
    trust stays only if the schedule was written."""

    def setUp(self):
        super().setUp()
        patch_all(self, MEMBER_CALLS + ((schedules_api, '_save'),))
        self.volume = tab_tests.volume_with(tab_tests.ran(
            factories.schedule(project_id=fixtures.PROJECT_ID), 'ok'))
        self.volume_get.return_value = self.volume
        self.trust_create.return_value = 'new-trust'
        self.scheduler_user_id.return_value = SCHEDULER
        self.trust_get.return_value = trust(project_id=fixtures.PROJECT_ID)

    def create(self):
        return schedules_api.create(
            self.request, VOLUME_ID, {'cron': '0 3 * * *', 'tz': 'UTC'},
            {'description': '', 'force': False},
            '{volume_name}-{time:%Y%m%d}', {'count': 3})

    def take_over(self):
        return schedules_api.take_over(self.request, VOLUME_ID, SID)

    def test_a_written_schedule_keeps_its_trust(self):
        for name, call in (('create', self.create),
                           ('take over', self.take_over)):
            with self.subTest(name):
                self.trust_delete.reset_mock()
                self.assertEqual('new-trust', self._saved_trust(call))
                self.assertNotIn(mock.call(mock.ANY, 'new-trust'),
                                 self.trust_delete.call_args_list)

    def _saved_trust(self, call):
        call()
        return self._save.call_args.args[2].trust_id

    def test_taking_over_a_lost_schedule_clears_the_lost_state(self):
        lost = tab_tests.ran(factories.schedule(
            project_id=fixtures.PROJECT_ID), model.OUTCOME_AUTHORIZATION_LOST)
        self.volume_get.return_value = tab_tests.volume_with(lost)
        with mock.patch.object(schedules_api, '_save_state') as save_state:
            outcome = self.take_over()
        [(_request, _volume, schedule_id, state)] = [
            call.args for call in save_state.call_args_list]
        self.assertEqual(SID, schedule_id)
        self.assertIsNone(state.outcome)
        self.assertEqual((0, ''), (state.failures, state.reason))
        # The run that found the authorization lost stays in the history.
        self.assertEqual([model.OUTCOME_AUTHORIZATION_LOST],
                         [entry['outcome'] for entry in state.history])
        self.assertEqual(state, outcome.schedule.state)
        self.assertEqual('new-trust', outcome.schedule.trust_id)

    def test_taking_over_a_working_schedule_leaves_its_state(self):
        with mock.patch.object(schedules_api, '_save_state') as save_state:
            outcome = self.take_over()
        save_state.assert_not_called()
        self.assertEqual(model.OUTCOME_OK, outcome.schedule.state.outcome)

    def test_a_state_that_cannot_be_cleared_leaves_the_take_over_done(self):
        lost = tab_tests.ran(factories.schedule(
            project_id=fixtures.PROJECT_ID), model.OUTCOME_AUTHORIZATION_LOST)
        self.volume_get.return_value = tab_tests.volume_with(lost)
        with mock.patch.object(schedules_api, '_save_state',
                               side_effect=errors.ServiceUnavailable()):
            outcome = self.take_over()
        self.assertEqual('new-trust', outcome.schedule.trust_id)
        self.assertEqual(model.OUTCOME_AUTHORIZATION_LOST,
                         outcome.schedule.state.outcome)

    def test_a_failed_write_drops_the_new_trust(self):
        self._save.side_effect = errors.Forbidden()
        for name, call in (('create', self.create),
                           ('take over', self.take_over)):
            with self.subTest(name):
                self.trust_delete.reset_mock()
                with self.assertRaises(errors.Forbidden):
                    call()
                self.trust_delete.assert_called_once_with(self.request,
                                                          'new-trust')

    def test_a_lost_answer_keeps_the_trust_only_if_written(self):
        self._save.side_effect = errors.OutcomeUnknown()
        with self.assertRaises(errors.OutcomeUnknown):
            self.create()
        self.trust_delete.assert_called_once_with(self.request, 'new-trust')

    def test_a_lost_answer_of_a_write_that_happened_keeps_the_trust(self):
        def save(request, volume, schedule):
            # Cinder wrote it; its answer was lost.
            self.volume_get.return_value = tab_tests.volume_with(schedule)
            raise errors.OutcomeUnknown()

        self._save.side_effect = save
        self.assertEqual('new-trust', self.create().trust_id)
        self.trust_delete.assert_not_called()
