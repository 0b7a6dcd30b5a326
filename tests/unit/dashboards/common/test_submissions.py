"""Creates happen once: lost answers are looked up, not guessed, and a
failure never leaves the form's token claimed."""

from unittest import mock

from cinderclient.v3 import volumes
from django.core.cache import cache
from django.urls import reverse
from openstack_dashboard.test import helpers

from tests.unit import fixtures
from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import errors

INDEX_URL = reverse('horizon:project:volume_protection:index')
PROTECT_URL = reverse('horizon:project:volume_protection:protect')
RESTORE_URL = reverse('horizon:project:volume_protection:restore',
                      args=('snap-1',))

PROTECT_MOCKS = {cinder: ['volume_page', 'name_filter', 'volume_list',
                          'protection_quota',
                          'force_matters', 'snapshot_protect',
                          'find_submitted']}


def restored_volume(snapshot_id='snap-1'):
    return volumes.Volume(None, {'id': 'vol-new', 'name': 'copy',
                                 'snapshot_id': snapshot_id}, loaded=True)


class ProtectOutcomeTests(helpers.TestCase):

    def setUp(self):
        super().setUp()
        cache.clear()

    def _form_data(self, volume_ids=('vol-1',)):
        self.mock_volume_list.return_value = [
            fixtures.volume(volume_id, name='v-' + volume_id)
            for volume_id in ('vol-1', 'vol-2')]
        self.mock_volume_page.return_value = (
            self.mock_volume_list.return_value, 2)
        self.mock_name_filter.return_value = 'name~'
        self.mock_protection_quota.return_value = fixtures.LIMITS
        self.mock_force_matters.return_value = False
        form = self.client.get(PROTECT_URL).context['form']
        return {'submission': form.fields['submission'].initial,
                'volumes': list(volume_ids), 'option_snapshot_name': 'n',
                'option_description': ''}

    def _messages(self, res):
        return [str(m) for m in res.wsgi_request._messages]

    @helpers.create_mocks(PROTECT_MOCKS)
    def test_each_create_is_tagged_with_the_forms_token(self):
        data = self._form_data()
        self.client.post(PROTECT_URL, data)
        self.assertEqual(data['submission'], self.mock_snapshot_protect
                         .call_args.kwargs['submission'])

    @helpers.create_mocks(PROTECT_MOCKS)
    def test_lost_answer_but_created_is_reported_as_created(self):
        data = self._form_data()
        self.mock_snapshot_protect.side_effect = errors.OutcomeUnknown()
        self.mock_find_submitted.return_value = [fixtures.snapshot()]
        res = self.client.post(PROTECT_URL, data)
        self.assertRedirectsNoFollow(res, INDEX_URL)
        self.assertTrue(any('Protecting volume "v-vol-1"' in m
                            for m in self._messages(res)))
        # Done: a replay is refused, not repeated.
        self.client.post(PROTECT_URL, data)
        self.assertEqual(1, self.mock_snapshot_protect.call_count)

    @helpers.create_mocks(PROTECT_MOCKS)
    def test_lost_answer_and_not_created_says_so_and_allows_a_retry(self):
        data = self._form_data()
        self.mock_snapshot_protect.side_effect = [errors.OutcomeUnknown(),
                                                  {'snapshot_id': 's'}]
        self.mock_find_submitted.return_value = []
        res = self.client.post(PROTECT_URL, data)
        self.assertTrue(any('was not protected' in m
                            for m in self._messages(res)))
        self.client.post(PROTECT_URL, data)
        self.assertEqual(2, self.mock_snapshot_protect.call_count)

    @helpers.create_mocks(PROTECT_MOCKS)
    def test_retry_after_an_unknown_outcome_creates_only_what_is_missing(
            self):
        data = self._form_data(('vol-1', 'vol-2'))
        # Both answers lost, and Cinder too busy to say what exists.
        self.mock_snapshot_protect.side_effect = errors.OutcomeUnknown()
        self.mock_find_submitted.side_effect = errors.ServiceUnavailable()
        res = self.client.post(PROTECT_URL, data)
        self.assertTrue(any('may or may not have been created' in m
                            for m in self._messages(res)))
        # The retry finds vol-1's snapshot and creates vol-2's only.
        self.mock_snapshot_protect.reset_mock(side_effect=True)
        self.mock_find_submitted.reset_mock(side_effect=True)
        self.mock_find_submitted.return_value = [
            fixtures.snapshot(volume_id='vol-1')]
        res = self.client.post(PROTECT_URL, data)
        self.assertNoFormErrors(res)
        protected = [c.args[2].id for c in
                     self.mock_snapshot_protect.call_args_list]
        self.assertEqual(['vol-2'], protected)
        # And now it is done.
        self.client.post(PROTECT_URL, data)
        self.assertEqual(1, self.mock_snapshot_protect.call_count)

    @helpers.create_mocks(PROTECT_MOCKS)
    def test_unexpected_failure_does_not_keep_the_token(self):
        data = self._form_data()
        self.mock_snapshot_protect.side_effect = [RuntimeError('bug'),
                                                  {'snapshot_id': 's'}]
        with self.assertRaises(RuntimeError):
            self.client.post(PROTECT_URL, data)
        res = self.client.post(PROTECT_URL, data)
        self.assertEqual(2, self.mock_snapshot_protect.call_count)
        self.assertFalse(any('already submitted' in m
                             for m in self._messages(res)))


class RestoreOutcomeTests(helpers.TestCase):

    def setUp(self):
        super().setUp()
        cache.clear()

    def _data(self):
        self.mock_absolute_limits.return_value = fixtures.LIMITS
        form = self.client.get(RESTORE_URL).context['form']
        return {'submission': form.fields['submission'].initial, 'size': 2}

    @helpers.create_mocks({cinder: ['snapshot_get', 'absolute_limits',
                                    'volume_create_from_snapshot',
                                    'find_submitted']})
    def test_lost_answer_finds_the_restored_volume(self):
        self.mock_snapshot_get.return_value = fixtures.snapshot()
        self.mock_volume_create_from_snapshot.side_effect = \
            errors.OutcomeUnknown()
        self.mock_find_submitted.return_value = [restored_volume()]
        data = self._data()
        res = self.client.post(RESTORE_URL, data)
        self.assertRedirectsNoFollow(res, INDEX_URL)
        self.assertTrue(any('/project/volumes/vol-new/' in str(m)
                            for m in res.wsgi_request._messages))
        self.client.post(RESTORE_URL, data)
        self.assertEqual(1, self.mock_volume_create_from_snapshot.call_count)

    @helpers.create_mocks({cinder: ['snapshot_get', 'absolute_limits',
                                    'volume_create_from_snapshot',
                                    'find_submitted']})
    def test_unknown_outcome_then_retry_uses_what_was_created(self):
        self.mock_snapshot_get.return_value = fixtures.snapshot()
        self.mock_volume_create_from_snapshot.side_effect = \
            errors.OutcomeUnknown()
        self.mock_find_submitted.side_effect = [
            errors.ServiceUnavailable(), [restored_volume()]]
        data = self._data()
        self.client.post(RESTORE_URL, data)
        res = self.client.post(RESTORE_URL, data)
        self.assertRedirectsNoFollow(res, INDEX_URL)
        self.assertEqual(1, self.mock_volume_create_from_snapshot.call_count)
        self.assertEqual(mock.ANY, self.mock_find_submitted.call_args)
