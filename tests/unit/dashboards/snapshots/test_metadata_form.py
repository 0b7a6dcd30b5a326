"""Snapshot metadata: Cinder's key rule, every bad line at once, one call
made against what the user was shown."""

import json

from django.urls import reverse
from openstack_dashboard.test import helpers

from tests.unit import fixtures
from volsnap_dashboard.api import cinder

INDEX_URL = reverse('horizon:project:volume_protection:index')
METADATA_URL = reverse('horizon:project:volume_protection:metadata',
                       args=('snap-1',))
SHOWN = {'owner': 'db-team'}


class MetadataFormTests(helpers.TestCase):

    def _post(self, text, shown=SHOWN, current=SHOWN):
        self.mock_snapshot_get.return_value = fixtures.snapshot(
            metadata=current)
        return self.client.post(METADATA_URL, {
            'metadata': text, 'shown': json.dumps(shown)})

    @helpers.create_mocks({cinder: ['snapshot_get']})
    def test_form_carries_what_it_shows(self):
        self.mock_snapshot_get.return_value = fixtures.snapshot(
            metadata=SHOWN)
        form = self.client.get(METADATA_URL).context['form']
        self.assertEqual(SHOWN, json.loads(form.initial['shown']))
        self.assertEqual('owner=db-team', form.initial['metadata'])

    @helpers.create_mocks({cinder: ['snapshot_get',
                                    'snapshot_replace_metadata']})
    def test_one_call_replaces_the_whole_metadata(self):
        res = self._post('tier=gold\nowner = ops')
        self.assertRedirectsNoFollow(res, INDEX_URL)
        self.mock_snapshot_replace_metadata.assert_called_once_with(
            helpers.IsHttpRequest(), 'snap-1',
            {'tier': 'gold', 'owner': 'ops'})

    @helpers.create_mocks({cinder: ['snapshot_get',
                                    'snapshot_replace_metadata']})
    def test_every_bad_line_is_reported_at_once(self):
        res = self._post('good=1\nbad<key>=x\nno equals sign\n.=dot\n'
                         'k=%s' % ('v' * 256))
        self.assertEqual(200, res.status_code)
        errors = res.context['form'].errors['metadata']
        self.assertEqual(4, len(errors), errors)
        self.assertIn('Line 2', errors[0])
        self.assertIn('Line 3', errors[1])
        self.assertIn('Line 4', errors[2])
        self.assertIn('Line 5', errors[3])
        self.mock_snapshot_replace_metadata.assert_not_called()

    @helpers.create_mocks({cinder: ['snapshot_get',
                                    'snapshot_replace_metadata']})
    def test_a_change_made_meanwhile_is_not_overwritten(self):
        res = self._post('owner=ops', current={'owner': 'db-team',
                                               'added': 'by someone'})
        self.assertEqual(200, res.status_code)
        self.assertContains(res, 'changed this snapshot&#x27;s metadata')
        self.mock_snapshot_replace_metadata.assert_not_called()

    @helpers.create_mocks({cinder: ['snapshot_get']})
    def test_damaged_shown_field_is_a_form_error(self):
        self.mock_snapshot_get.return_value = fixtures.snapshot()
        res = self.client.post(METADATA_URL, {'metadata': '',
                                              'shown': '[1, 2]'})
        self.assertEqual(200, res.status_code)
        self.assertFormErrors(res, 1)

    @helpers.create_mocks({cinder: ['snapshot_get',
                                    'snapshot_replace_metadata']})
    def test_a_key_given_twice_is_refused_naming_its_lines(self):
        res = self._post('tier=gold\nowner=ops\n\ntier=silver')
        self.assertEqual(200, res.status_code)
        errors = res.context['form'].errors['metadata']
        self.assertEqual(['The key "tier" is given on lines 1, 4: keep one '
                          'of them.'], errors)
        self.mock_snapshot_replace_metadata.assert_not_called()

    @helpers.create_mocks({cinder: ['snapshot_get',
                                    'snapshot_replace_metadata']})
    def test_an_empty_text_asks_before_removing_every_key(self):
        res = self._post('  \n')
        self.assertEqual(200, res.status_code)
        self.mock_snapshot_replace_metadata.assert_not_called()
        self.assertTrue(res.context['form'].remove_all_offered)
        self.assertContains(res, 'saving removes every key')
        self.assertContains(res, 'type="checkbox" name="remove_all"')

        self.mock_snapshot_get.return_value = fixtures.snapshot(
            metadata=SHOWN)
        res = self.client.post(METADATA_URL, {
            'metadata': '', 'shown': json.dumps(SHOWN), 'remove_all': 'on'})
        self.assertRedirectsNoFollow(res, INDEX_URL)
        self.mock_snapshot_replace_metadata.assert_called_once_with(
            helpers.IsHttpRequest(), 'snap-1', {})

    @helpers.create_mocks({cinder: ['snapshot_get',
                                    'snapshot_replace_metadata']})
    def test_no_question_when_there_was_nothing_to_remove(self):
        res = self._post('', shown={}, current={})
        self.assertRedirectsNoFollow(res, INDEX_URL)
        self.mock_snapshot_replace_metadata.assert_called_once_with(
            helpers.IsHttpRequest(), 'snap-1', {})

    @helpers.create_mocks({cinder: ['snapshot_get']})
    def test_the_question_is_not_shown_before_the_text_is_emptied(self):
        self.mock_snapshot_get.return_value = fixtures.snapshot(
            metadata=SHOWN)
        res = self.client.get(METADATA_URL)
        self.assertFalse(res.context['form'].remove_all_offered)
        self.assertNotContains(res, 'type="checkbox"')
