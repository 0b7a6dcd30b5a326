"""volume_page: one listing gives the picker a page and, where Cinder
counts (3.45), how many volumes match in all."""

from unittest import mock

from cinderclient import api_versions

from volsnap_dashboard.api import cinder
from tests.unit import fixtures
from tests.unit import helpers


class VolumePageTests(helpers.TestCase):

    def _client(self, version, answer):
        client = mock.Mock(api_version=api_versions.APIVersion(version))
        client.volumes.list.return_value = answer
        return client

    def test_counted_from_3_45(self):
        page = [fixtures.volume()]
        client = self._client('3.45', (page, 2000))
        with mock.patch.object(cinder, 'cinderclient', return_value=client):
            found = cinder.volume_page(self.request, {'name~': 'db'},
                                       limit=21, sort='name:asc')
        self.assertEqual((page, 2000), found)
        client.volumes.list.assert_called_once_with(
            search_opts={'name~': 'db', 'with_count': True}, limit=21,
            sort='name:asc', marker=None)

    def test_not_counted_before_3_45(self):
        page = [fixtures.volume()]
        client = self._client('3.44', page)
        with mock.patch.object(cinder, 'cinderclient', return_value=client):
            found = cinder.volume_page(self.request, limit=21)
        self.assertEqual((page, None), found)
        client.volumes.list.assert_called_once_with(
            search_opts={}, limit=21, sort=None, marker=None)
