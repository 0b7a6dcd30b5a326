"""The protection plugin the panels use for Cinder volumes.

The registry chooses the plugin (``registry.volume_plugin``, as the
scheduler does); only the panels know which schemas they can render as
forms, so a chosen plugin they cannot render leaves them without one.
"""

import logging

from django.utils.translation import gettext_lazy as _

from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import errors
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


def volume_plugin():
    """The plugin that protects Cinder volumes in the panels, or None:
    the registry's choice, which the scheduler makes too, if its schemas
    render (never another plugin than the scheduler runs)."""
    plugin = registry.volume_plugin()
    if plugin is None or not _renders(plugin):
        return None
    return plugin


def required_volume_plugin():
    """volume_plugin(), for the API calls that need it: an error if the
    panels have none."""
    plugin = volume_plugin()
    if plugin is None:
        raise errors.VolsnapAPIError(NO_PROVIDER)
    return plugin


def project_protections(request, volume_id=None):
    """The protections (protection.base.Protection) of the user's project
    through the panels' plugin: one listing for a page (``volume_id``: of
    one volume)."""
    return list(cinder.protection_list(request, required_volume_plugin(),
                                       volume_id))


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
