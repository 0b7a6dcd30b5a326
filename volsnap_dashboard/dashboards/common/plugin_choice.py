"""The protection plugin the panels use for Cinder volumes.

The registry chooses the plugin (``registry.volume_plugin``, as the
scheduler does); only the panels know which schemas they can render as
forms, so a chosen plugin they cannot render leaves them without one.
"""

import dataclasses
import logging
from urllib import parse

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import errors
from volsnap_dashboard.protection import base
from volsnap_dashboard.protection import registry
from volsnap_dashboard import schema_forms

LOG = logging.getLogger(__name__)

NO_PROVIDER = _("No protection provider for Cinder volumes is enabled. Ask "
                "your administrator to check the provider files.")


def _renders(plugin):
    try:
        schema_forms.check_renderable(plugin)
    except schema_forms.UnsupportedSchema as exc:
        LOG.error('Protection plugin "%s" has a schema the dashboard cannot '
                  'render: %s', plugin.name, exc)
        return False
    return True


#: The query parameter naming the plugin a page works with.
PLUGIN_PARAM = 'plugin'


def volume_plugins():
    """The plugins the panels offer for Cinder volumes (a PluginSet: the
    provider's, as the scheduler runs them, less those whose schemas do
    not render), or None: none, or its first does not render (never
    another default than the scheduler's)."""
    plugins = registry.volume_plugins()
    if plugins is None or not _renders(plugins.default):
        return None
    return registry.PluginSet([plugin for plugin in plugins
                               if plugin is plugins.default or
                               (_offered(plugin) and _renders(plugin))])


def _offered(plugin):
    """Whether Horizon's setting the plugin names is on (Horizon's own
    Backups panel shows only where OPENSTACK_CINDER_FEATURES has
    enable_backup: a cloud running Cinder's backup service)."""
    if not plugin.panel_setting:
        return True
    name, key = plugin.panel_setting
    return bool((getattr(settings, name, None) or {}).get(key, False))


def volume_plugin():
    """The default plugin for Cinder volumes in the panels, or None."""
    plugins = volume_plugins()
    return plugins.default if plugins is not None else None


def chosen_name(request):
    return request.GET.get(PLUGIN_PARAM) or None


def chosen_plugin(request):
    """The plugin the request names (``?plugin=``), else the default;
    None if the panels have none, or not the one named."""
    name = chosen_name(request)
    if name is None:
        return volume_plugin()
    plugins = volume_plugins()
    return plugins.named(name) if plugins is not None else None


def required_volume_plugin():
    """volume_plugin(), for the API calls that need it: an error if the
    panels have none."""
    plugin = volume_plugin()
    if plugin is None:
        raise errors.VolsnapAPIError(NO_PROVIDER)
    return plugin


def schedule_plugin(schedule):
    """The plugin ``schedule`` runs (an Invalid one: the default); an
    error if the panels do not offer it."""
    name = getattr(schedule, 'plugin', None)
    if name is None:
        return required_volume_plugin()
    plugins = volume_plugins()
    if plugins is None:
        raise errors.VolsnapAPIError(NO_PROVIDER)
    plugin = plugins.named(name)
    if plugin is None:
        raise errors.VolsnapAPIError(_(
            'This schedule runs the protection plugin "%s", which is not '
            'offered here.') % str(name)[:64])
    return plugin


def with_plugin(url, plugin):
    """``url`` naming ``plugin`` (the default goes unnamed)."""
    plugins = volume_plugins()
    parts = parse.urlsplit(url)
    query = [(key, value) for key, value in parse.parse_qsl(parts.query)
             if key != PLUGIN_PARAM]
    if plugins is not None and plugin is not plugins.default:
        query.append((PLUGIN_PARAM, plugin.name))
    return parse.urlunsplit(parts._replace(query=parse.urlencode(query)))


def choices(request, chosen):
    """The page's "protect with" links when the panels offer several
    plugins (else []): each ``{'plugin', 'url', 'chosen', 'modal'}``,
    ``modal`` when the page is a modal form (its link loads the other
    form in its place), not a page of its own."""
    plugins = volume_plugins()
    if plugins is None or len(plugins.plugins) < 2:
        return []
    here = request.get_full_path()
    modal = request.headers.get('x-requested-with') == 'XMLHttpRequest'
    return [{'plugin': plugin, 'url': with_plugin(here, plugin),
             'chosen': plugin is chosen, 'modal': modal}
            for plugin in plugins]


def project_protections(request, volume_id=None):
    """The protections (protection.base.Protection) of the user's project
    through every plugin the panels offer: one listing per plugin for a
    page, however many rows (``volume_id``: of one volume)."""
    plugins = volume_plugins()
    if plugins is None:
        raise errors.VolsnapAPIError(NO_PROVIDER)
    return [_listed_by(protection, plugin) for plugin in plugins
            for protection in cinder.protection_list(request, plugin,
                                                     volume_id)]


def _listed_by(protection, plugin):
    if isinstance(protection, base.Protection):
        return dataclasses.replace(protection, plugin=plugin.name)
    return protection


def is_default_plugins(protection):
    """Whether the default plugin listed ``protection`` (a page of its
    own exists only for those: snapshots)."""
    name = getattr(protection, 'plugin', None)
    return name is None or name == getattr(volume_plugin(), 'name', None)


def problems():
    """What the panels could not use, as messages for administrators."""
    found = registry.volume_problems()
    for plugin in registry.get_registry().plugins_for(registry.VOLUME):
        try:
            schema_forms.check_renderable(plugin)
        except schema_forms.UnsupportedSchema as exc:
            found.append(_('Protection plugin "%(name)s" has a schema the '
                           'dashboard cannot render: %(error)s')
                         % {'name': plugin.name, 'error': exc})
    return found
