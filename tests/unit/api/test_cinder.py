"""The API layer builds the user's Cinder client from the request."""

from unittest import mock

from cinderclient import api_versions
from django.test.utils import override_settings
from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import errors
from volsnap_dashboard.api import microversions
from tests.unit import helpers

PUBLIC = 'http://public.cinder.example.com:8776/v3'
INTERNAL = 'http://int.cinder.example.com:8776/v3'


class EndpointTests(helpers.TestCase):

    def test_public_endpoint_of_the_users_region(self):
        self.assertEqual(PUBLIC, cinder.endpoint_for(self.request))

    @override_settings(OPENSTACK_ENDPOINT_TYPE='internalURL')
    def test_endpoint_type_setting_is_honoured(self):
        self.assertEqual(INTERNAL, cinder.endpoint_for(self.request))

    def test_catalog_without_block_storage_is_a_clear_error(self):
        self.request.user.service_catalog = [
            service for service in self.request.user.service_catalog
            if service['type'] not in cinder.SERVICE_TYPES]
        with self.assertRaises(errors.NoEndpoint) as caught:
            cinder.endpoint_for(self.request)
        self.assertIn('Block Storage endpoint', str(caught.exception))


class SessionTests(helpers.TestCase):

    def test_session_carries_the_users_token(self):
        session = cinder.user_session(self.request, PUBLIC)
        self.assertEqual(self.request.user.token.id,
                         session.get_token())
        self.assertEqual(PUBLIC, session.get_endpoint(
            service_type='volumev3', interface='public'))

    def test_one_connection_pool_for_all_requests_and_users(self):
        first = cinder.user_session(self.request, PUBLIC)
        second = cinder.user_session(self.user_request(), PUBLIC)
        self.assertIs(first.session, second.session)
        self.assertIsNot(first.auth, second.auth)

    def test_shared_pool_accepts_no_cookies(self):
        import urllib.request

        import requests

        jar = cinder.user_session(self.request, PUBLIC).session.cookies
        cookie = requests.cookies.create_cookie(
            'sid', 'secret', domain='public.cinder.example.com')
        self.assertFalse(jar.get_policy().set_ok(
            cookie, urllib.request.Request(PUBLIC)))

    @override_settings(OPENSTACK_SSL_NO_VERIFY=True)
    def test_ssl_no_verify(self):
        self.assertIs(False, cinder.user_session(self.request, PUBLIC).verify)

    @override_settings(OPENSTACK_SSL_NO_VERIFY=False,
                       OPENSTACK_SSL_CACERT='/etc/ssl/cloud-ca.pem')
    def test_ssl_cacert(self):
        self.assertEqual('/etc/ssl/cloud-ca.pem',
                         cinder.user_session(self.request, PUBLIC).verify)

    @override_settings(OPENSTACK_SSL_NO_VERIFY=False,
                       OPENSTACK_SSL_CACERT=None)
    def test_ssl_verified_by_default(self):
        self.assertIs(True, cinder.user_session(self.request, PUBLIC).verify)


class MicroversionTests(helpers.TestCase):

    def setUp(self):
        super().setUp()
        cinder.forget_negotiated_versions()
        self.addCleanup(cinder.forget_negotiated_versions)

    def _negotiate(self, server_max):
        patcher = mock.patch.object(
            api_versions, 'get_highest_version',
            return_value=api_versions.APIVersion(server_max))
        highest = patcher.start()
        self.addCleanup(patcher.stop)
        return highest

    def test_lower_of_server_and_client(self):
        self._negotiate('3.80')
        client = cinder.cinderclient(self.request)
        self.assertEqual(microversions.CLIENT_MAX, client.api_version)

    def test_older_server_wins(self):
        self._negotiate('3.59')
        client = cinder.cinderclient(self.request)
        self.assertEqual(api_versions.APIVersion('3.59'), client.api_version)
        self.assertEqual('3.59',
                         client.client.default_microversion)

    def test_server_asked_once_per_endpoint(self):
        highest = self._negotiate('3.71')
        cinder.cinderclient(self.request)
        other_request = self.user_request()
        cinder.cinderclient(other_request)
        self.assertEqual(1, highest.call_count)

    def test_force_supported_below_3_66(self):
        self._negotiate('3.65')
        self.assertTrue(cinder.snapshot_force_supported(self.request))

    def test_force_obsolete_from_3_66(self):
        self._negotiate('3.66')
        self.assertFalse(cinder.snapshot_force_supported(self.request))

    def test_failed_negotiation_is_not_remembered(self):
        highest = self._negotiate('3.71')
        highest.side_effect = [errors.ServiceUnavailable(),
                               api_versions.APIVersion('3.71')]
        with self.assertRaises(errors.ServiceUnavailable):
            cinder.cinderclient(self.request)
        other_request = self.user_request()
        self.assertEqual(api_versions.APIVersion('3.71'),
                         cinder.api_version(other_request))
