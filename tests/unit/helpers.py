"""Shared pieces for the unit tests."""

from openstack_auth import utils as auth_utils
from openstack_dashboard.test import helpers


class TestCase(helpers.TestCase):
    """Horizon's TestCase, with requests that carry the logged-in user."""

    def user_request(self, path='/'):
        request = self.factory.get(path)
        request.user = auth_utils.get_user(request)
        return request

    def setUp(self):
        super().setUp()
        self.request = self.user_request()
