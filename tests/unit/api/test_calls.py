"""The API wrapper's own guarantees: ids checked before a Cinder path, a
refused microversion renegotiated, filters asked of Cinder once."""

from unittest import mock

from cinderclient import api_versions
from cinderclient import exceptions as cinder_exc

from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import errors
from tests.unit import helpers

SNAPSHOT_ID = '9b1f2a3c-4d5e-4f60-8a7b-0c1d2e3f4a5b'


class FakeClient(mock.Mock):
    """A cinderclient stand-in at a given microversion."""

    def __init__(self, version='3.71', **kwargs):
        super().__init__(**kwargs)
        self.api_version = api_versions.APIVersion(version)


class ClientTestCase(helpers.TestCase):

    def setUp(self):
        super().setUp()
        cinder.forget_negotiated_versions()
        self.addCleanup(cinder.forget_negotiated_versions)

    def use_client(self, *clients):
        """Each new client the request builds is the next of ``clients``."""
        patcher = mock.patch.object(cinder, 'cinderclient')
        factory = patcher.start()
        self.addCleanup(patcher.stop)
        built = list(clients)

        def client_for(request):
            # Kept where the real factory keeps it, which renegotiation
            # clears.
            if not hasattr(request, cinder._CLIENT_ATTR):
                setattr(request, cinder._CLIENT_ATTR, built.pop(0))
            return getattr(request, cinder._CLIENT_ATTR)
        factory.side_effect = client_for
        return factory


class CheckedIdTests(ClientTestCase):

    def test_a_path_that_names_no_snapshot_never_reaches_cinder(self):
        client = FakeClient()
        self.use_client(client)
        for bad in ('detail', '../volumes/x', '', 'snap-1%2F..', None):
            with self.assertRaises(errors.NotFound):
                cinder.snapshot_get(self.request, bad)
        client.volume_snapshots.get.assert_not_called()

    def test_uuid_is_passed_on(self):
        client = FakeClient()
        self.use_client(client)
        cinder.snapshot_get(self.request, SNAPSHOT_ID.upper())
        client.volume_snapshots.get.assert_called_once_with(SNAPSHOT_ID)


class UnreadableAnswerTests(ClientTestCase):

    def test_a_body_the_client_cannot_read_is_unavailable(self):
        client = FakeClient()
        # What cinderclient does with a proxy's HTML page answering 200.
        client.volume_snapshots.get.side_effect = TypeError(
            "'NoneType' object is not subscriptable")
        self.use_client(client)
        with self.assertLogs('volsnap_dashboard.api.errors', 'ERROR'):
            with self.assertRaises(errors.UnreadableAnswer):
                cinder.snapshot_get(self.request, SNAPSHOT_ID)


class RenegotiationTests(ClientTestCase):

    def test_refused_microversion_is_negotiated_again_once(self):
        stale, fresh = FakeClient('3.71'), FakeClient('3.60')
        stale.volume_snapshots.get.side_effect = cinder_exc.NotAcceptable(
            406, 'Version 3.71 is not supported by the API.')
        fresh.volume_snapshots.get.return_value = 'the snapshot'
        self.use_client(stale, fresh)
        with mock.patch.object(cinder, 'endpoint_for',
                               return_value='http://cinder:8776/v3/p'), \
                mock.patch.object(cinder, 'forget_negotiated_versions') \
                as forget:
            found = cinder.snapshot_get(self.request, SNAPSHOT_ID)
        self.assertEqual('the snapshot', found)
        forget.assert_called_once_with('http://cinder:8776')

    def test_a_second_refusal_is_an_error_not_a_loop(self):
        clients = [FakeClient(), FakeClient()]
        for client in clients:
            client.volume_snapshots.get.side_effect = \
                cinder_exc.NotAcceptable(406)
        self.use_client(*clients)
        with mock.patch.object(cinder, 'endpoint_for',
                               return_value='http://cinder:8776/v3/p'):
            with self.assertRaises(errors.VersionNotAcceptable):
                cinder.snapshot_get(self.request, SNAPSHOT_ID)

    def test_renegotiation_drops_the_requests_client(self):
        highest = mock.patch.object(
            api_versions, 'get_highest_version',
            return_value=api_versions.APIVersion('3.71')).start()
        self.addCleanup(mock.patch.stopall)
        first = cinder.cinderclient(self.request)
        cinder._renegotiate(self.request)
        highest.return_value = api_versions.APIVersion('3.60')
        second = cinder.cinderclient(self.request)
        self.assertIsNot(first, second)
        self.assertEqual(api_versions.APIVersion('3.60'),
                         second.api_version)
        self.assertEqual(2, highest.call_count)


class NameFilterTests(ClientTestCase):

    def _client(self, version, filters):
        client = FakeClient(version)
        entry = mock.Mock(resource='snapshot', filters=filters)
        client.resource_filters.list.return_value = [entry]
        return client

    def test_part_of_a_name_where_the_operator_allows_it(self):
        client = self._client('3.71', ['name~', 'status'])
        self.use_client(client)
        self.assertEqual('name~', cinder.name_filter(self.request,
                                                     'snapshot'))

    def test_whole_name_with_cinders_default_filters(self):
        # Cinder's default resource_filters.json lists "name", not "name~".
        client = self._client('3.71', ['name', 'status', 'volume_id',
                                       'metadata', 'availability_zone'])
        self.use_client(client)
        self.assertEqual('name', cinder.name_filter(self.request,
                                                    'snapshot'))

    def test_cinder_is_asked_once_per_endpoint(self):
        client = self._client('3.71', ['name'])
        self.use_client(client, client)
        cinder.name_filter(self.request, 'snapshot')
        cinder.name_filter(self.user_request(), 'snapshot')
        client.resource_filters.list.assert_called_once_with(
            resource='snapshot')

    def test_admins_filter_on_part_of_a_name_without_asking(self):
        client = self._client('3.71', ['name'])
        self.use_client(client)
        self.assertEqual('name~', cinder.name_filter(
            self.request, 'snapshot', admin=True))
        client.resource_filters.list.assert_not_called()

    def test_before_like_filters_whole_name(self):
        client = self._client('3.30', [])
        self.use_client(client)
        self.assertEqual('name', cinder.name_filter(self.request,
                                                    'snapshot'))
