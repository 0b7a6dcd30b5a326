"""The ``openstack`` app a command runs in, with the user's session and
Keystone's trusts mocked, for the commands that make trusts."""

from unittest import mock

from volsnap_dashboard.api import trusts
from volsnap_dashboard.protection import registry


def app_of(cinder, project_id, user_id):
    """An app whose client manager holds ``cinder`` for the user."""
    app = mock.Mock()
    app.client_manager.auth_plugin_name = 'password'
    holder = app.client_manager.volume_protection
    holder.cinder = cinder
    holder.project_id = project_id
    holder.user_id = user_id
    holder.plugins = registry.volume_plugins()
    return app


def mocked_trusts(test):
    """create_trust and delete_trust mocked for ``test``; the trusts made
    are t-1, then t-2."""
    patcher = mock.patch.multiple(trusts, create_trust=mock.DEFAULT,
                                  delete_trust=mock.DEFAULT)
    mocked = patcher.start()
    test.addCleanup(patcher.stop)
    mocked['create_trust'].side_effect = ['t-1', 't-2']
    return mocked
