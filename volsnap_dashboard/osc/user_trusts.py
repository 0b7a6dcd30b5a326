"""The Keystone trusts the commands create with the user's own session
(a schedule's, a verification request's): to whom (the scheduler's
user), and why an application credential cannot create one."""

import os

from osc_lib import exceptions

from volsnap_dashboard.api import trusts

#: Keystone lets no application credential create a trust.
APPLICATION_CREDENTIAL_PLUGINS = ('v3applicationcredential',
                                  'applicationcredential')


def add_scheduler_user_argument(parser):
    parser.add_argument('--scheduler-user-id', metavar='<user-id>',
                        help="The scheduler's user, the trustee "
                             '(default: $VOLSNAP_SCHEDULER_USER_ID)')


def scheduler_user_id(parsed_args):
    found = parsed_args.scheduler_user_id or os.environ.get(
        'VOLSNAP_SCHEDULER_USER_ID', '')
    if not found:
        raise exceptions.CommandError(
            "the scheduler's user is not known: set "
            'VOLSNAP_SCHEDULER_USER_ID (your operator has it) or pass '
            '--scheduler-user-id')
    return found


def refuse_application_credential(app, needed_for):
    """CommandError when the user logged in with an application
    credential: Keystone would refuse the trust ``needed_for`` names
    ("a schedule needs to run on your behalf")."""
    if app.client_manager.auth_plugin_name in APPLICATION_CREDENTIAL_PLUGINS:
        raise exceptions.CommandError(
            'Keystone lets no application credential create a trust, '
            'which %s: log in with your password (or a token of your own) '
            'to create one.' % needed_for)


def create(app, trustee, expires_at=None):
    """A trust from the user to ``trustee`` in the user's project, with
    the user's own session (the only token Keystone accepts); its id."""
    holder = app.client_manager.volume_protection
    return trusts.create_trust(holder.session, holder.user_id, trustee,
                               holder.project_id, expires_at=expires_at)


def delete(app, trust_id):
    """Delete one of the user's trusts; False if it was already gone."""
    return trusts.delete_trust(
        app.client_manager.volume_protection.session, trust_id)
