"""openstackclient's plugin module (the ``openstack.cli.extension`` entry
point): the client every ``openstack volume protection`` command uses."""

import logging
import os

from osc_lib import utils

LOG = logging.getLogger(__name__)

API_NAME = 'volume_protection'
API_VERSION_OPTION = 'os_volume_protection_api_version'
API_VERSIONS = {'1': 'volsnap_dashboard.osc.plugin.Client'}
DEFAULT_API_VERSION = '1'


def setup_django():
    """The protection plugins read Django's settings (the provider) and
    translate with it: the same settings as the scheduler's, from the
    environment (VOLSNAP_PROVIDER_DIRS, colon-separated, and
    VOLSNAP_PROVIDER_ID), so that all three choose the same plugins."""
    import django
    from django.conf import settings
    if settings.configured:
        return
    dirs = [path for path in os.environ.get(
        'VOLSNAP_PROVIDER_DIRS', '').split(os.pathsep) if path]
    settings.configure(
        USE_I18N=True, VOLSNAP_PROVIDER_DIRS=dirs,
        VOLSNAP_PROVIDER_ID=os.environ.get('VOLSNAP_PROVIDER_ID', ''))
    django.setup()


class Client:
    """The user's Cinder (a python-cinderclient at the negotiated
    microversion) and the provider's plugins, made when first used."""

    def __init__(self, session, region_name=None, interface='public'):
        self.session = session
        self.region_name = region_name
        self.interface = interface
        self._cinder = None

    @property
    def cinder(self):
        if self._cinder is None:
            from volsnap_dashboard.api import service_clients
            self._cinder = service_clients.cinder_for(
                self.session, self.region_name, self.interface or 'public')
        return self._cinder

    @property
    def user_id(self):
        return self.session.get_user_id()

    @property
    def project_id(self):
        return self.session.get_project_id()

    @property
    def plugins(self):
        """The provider's plugins for volumes (a PluginSet), or None."""
        setup_django()
        from volsnap_dashboard.protection import registry
        return registry.volume_plugins()


def make_client(instance):
    client_class = utils.get_client_class(
        API_NAME, instance._api_version[API_NAME], API_VERSIONS)
    LOG.debug('Instantiating volume protection client: %s', client_class)
    return client_class(instance.session,
                        region_name=instance.region_name,
                        interface=instance.interface)


def build_option_parser(parser):
    parser.add_argument(
        '--os-volume-protection-api-version',
        metavar='<volume-protection-api-version>',
        default=utils.env('OS_VOLUME_PROTECTION_API_VERSION',
                          default=DEFAULT_API_VERSION),
        help='Volume protection API version, default=%s '
             '(Env: OS_VOLUME_PROTECTION_API_VERSION)' % DEFAULT_API_VERSION)
    return parser
