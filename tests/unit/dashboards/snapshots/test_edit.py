"""Edit Snapshot: a snapshot a schedule made says that retention deletes
it whatever its name, and can be kept from there (API layer mocked)."""

from django.contrib.messages import get_messages
from django.urls import reverse
from openstack_dashboard.test import helpers

from tests.unit import fixtures
from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import errors

SNAP_ID = 'a1b2c3d4-0000-4000-8000-000000000001'
URL = reverse('horizon:project:volume_protection:update', args=(SNAP_ID,))
MADE = {'volsnap_schedule': '0a1b2c3d'}


def said(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


class EditSnapshotTests(helpers.TestCase):

    def snapshot(self, metadata):
        return fixtures.snapshot(SNAP_ID, 'nightly-20261207',
                                 metadata=metadata)

    @helpers.create_mocks({cinder: ['snapshot_get']})
    def test_keep_is_offered_where_retention_can_delete_it(self):
        for metadata, offered in ((MADE, True), ({}, False),
                                  (dict(MADE, volsnap_kept='1'), False)):
            with self.subTest(metadata=metadata):
                self.mock_snapshot_get.return_value = self.snapshot(
                    dict(metadata))
                page = self.client.get(URL)
                self.assertEqual(offered, 'name="keep"' in
                                 page.content.decode())
        self.assertContains(page, 'Name')

    @helpers.create_mocks({cinder: ['snapshot_get', 'snapshot_update',
                                    'snapshot_set_metadata']})
    def test_renamed_and_kept(self):
        self.mock_snapshot_get.return_value = self.snapshot(dict(MADE))
        response = self.client.post(URL, {
            'name': 'golden-before-upgrade', 'description': '',
            'keep': 'on'})
        self.assertEqual(302, response.status_code)
        self.mock_snapshot_update.assert_called_once_with(
            helpers.IsHttpRequest(), SNAP_ID, 'golden-before-upgrade', '')
        self.mock_snapshot_set_metadata.assert_called_once_with(
            helpers.IsHttpRequest(), SNAP_ID, {'volsnap_kept': '1'})
        self.assertEqual(['Updated snapshot "golden-before-upgrade" and '
                          "kept it: its schedule's retention leaves it."],
                         said(response))

    @helpers.create_mocks({cinder: ['snapshot_get', 'snapshot_update',
                                    'snapshot_set_metadata']})
    def test_renamed_only_says_nothing_of_keeping(self):
        self.mock_snapshot_get.return_value = self.snapshot(dict(MADE))
        response = self.client.post(URL, {'name': 'renamed',
                                          'description': ''})
        self.assertEqual(302, response.status_code)
        self.mock_snapshot_set_metadata.assert_not_called()
        self.assertEqual(['Updated snapshot "renamed".'], said(response))

    @helpers.create_mocks({cinder: ['snapshot_get', 'snapshot_update',
                                    'snapshot_set_metadata']})
    def test_a_keep_that_fails_says_retention_may_still_delete_it(self):
        self.mock_snapshot_get.return_value = self.snapshot(dict(MADE))
        self.mock_snapshot_set_metadata.side_effect = \
            errors.ServiceUnavailable()
        response = self.client.post(URL, {'name': 'golden', 'keep': 'on'})
        [message] = said(response)
        self.assertTrue(message.startswith(
            'Updated snapshot "golden", but unable to keep it: its '
            "schedule's retention may still delete it."), message)
