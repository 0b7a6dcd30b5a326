"""Trusts from Horizon's request: the logged-in user is the trustor, in
the user's current project, with the user's own token; the trustee is the
scheduler's service user from the settings."""

import json
import subprocess
import sys
import textwrap
from unittest import mock

from django.test.utils import override_settings
from keystoneauth1 import session as ks_session
from keystoneauth1 import token_endpoint

from volsnap_dashboard.api import errors
from volsnap_dashboard.api import keystone
from volsnap_dashboard.devenv import source_tree
from tests.unit import helpers
from tests.unit.api import fake_keystone


class TrustFromRequestTests(helpers.TestCase):

    def setUp(self):
        super().setUp()
        self.keystone = fake_keystone.FakeKeystone()
        session = ks_session.Session(
            auth=token_endpoint.Token(fake_keystone.AUTH_URL,
                                      self.request.user.token.id),
            session=self.keystone.http())
        patcher = mock.patch.object(
            keystone.horizon_keystone, 'keystoneclient',
            return_value=mock.Mock(session=session))
        self.horizon_client = patcher.start()
        self.addCleanup(patcher.stop)

    @override_settings(VOLSNAP_SCHEDULER_USER_ID='scheduler-id')
    def test_user_delegates_member_in_current_project(self):
        trust_id = keystone.trust_create(self.request)
        sent = self.keystone.trusts[trust_id].body
        self.assertEqual(self.request.user.id, sent['trustor_user_id'])
        self.assertEqual(self.request.user.project_id, sent['project_id'])
        self.assertEqual('scheduler-id', sent['trustee_user_id'])
        self.assertEqual([{'name': 'member'}], sent['roles'])
        self.assertIs(True, sent['impersonation'])
        self.horizon_client.assert_called_once_with(self.request)
        post = self.keystone.requests[-1]
        self.assertEqual(self.request.user.token.id,
                         post.headers['X-Auth-Token'])
        self.assertNotIn(self.request.user.token.id, post.url)

    @override_settings(VOLSNAP_SCHEDULER_USER_ID=None)
    def test_unset_scheduler_user_is_a_clear_error(self):
        with self.assertRaises(errors.SchedulingNotConfigured) as caught:
            keystone.trust_create(self.request)
        self.assertIn('not configured', str(caught.exception))
        self.assertEqual([], self.keystone.requests)

    def test_refusal_carries_keystones_reason(self):
        with self.assertRaises(errors.TrustRefused) as caught:
            keystone.trust_create(self.request, 'scheduler-id',
                                  role_names=())
        self.assertIn('At least one role', str(caught.exception))
        self.assertIsInstance(caught.exception, errors.VolsnapAPIError)

    def test_delete(self):
        trust_id = keystone.trust_create(self.request, 'scheduler-id')
        self.assertIs(True, keystone.trust_delete(self.request, trust_id))
        self.assertIs(False, keystone.trust_delete(self.request, trust_id))


STANDALONE = textwrap.dedent('''
    import json
    import sys

    import django
    from django.conf import settings

    settings.configure(USE_I18N=True)
    django.setup()

    from volsnap_dashboard.api import service_clients  # noqa: F401
    from volsnap_dashboard.api import trusts  # noqa: F401

    print(json.dumps(sorted(
        name for name in sys.modules
        if name.split('.')[0] in ('horizon', 'openstack_dashboard',
                                  'openstack_auth'))))
''')


def test_service_side_modules_import_no_horizon():
    """The scheduler uses them in a process without Horizon."""
    result = subprocess.run([sys.executable, '-c', STANDALONE],
                            cwd=source_tree.REPO_ROOT, capture_output=True,
                            text=True, timeout=120,
                            env={'PATH': '/usr/bin:/bin'})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []
