"""The rows of the protections tab: a page of the protections of one of
the provider's other plugins (backups), with its plugin and its volume's
name, read in one listing of the page and one of volume names."""

import dataclasses

from django.utils.translation import gettext_lazy as _

from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import errors
from volsnap_dashboard.dashboards.common import plugin_choice
from volsnap_dashboard.protection import base


@dataclasses.dataclass
class ProtectionRow:
    protection: base.Protection
    plugin: object
    volume_name: str | None = None
    #: The name of the protection it needs (an incremental backup's), or
    #: its id where that is not listed.
    needs_name: str | None = None

    def __getattr__(self, name):
        # Horizon's columns and actions read the protection's fields.
        if name == 'protection':  # not set yet (a copy being made)
            raise AttributeError(name)
        return getattr(self.protection, name)


def other_plugins():
    """The panels' plugins besides the default (the Snapshots tab's)."""
    plugins = plugin_choice.volume_plugins()
    if plugins is None:
        return []
    return [plugin for plugin in plugins if plugin is not plugins.default]


#: The query parameter naming the plugin whose protections a tab shows.
KIND_PARAM = 'kind'


def tab_plugin(request):
    """The other plugin whose protections the tab shows: the one the URL
    names, else the first (None where there is none)."""
    plugins = other_plugins()
    wanted = request.GET.get(KIND_PARAM)
    for plugin in plugins:
        if plugin.name == wanted:
            return plugin
    return plugins[0] if plugins else None


def page(request, plugin, marker=None, sort_dir='desc', all_projects=False):
    """A page of ``plugin``'s protections in the project (``all_projects``:
    in every project, for administrators), newest first, as rows:
    ``(rows, has_more, has_prev)``. One listing of the page and one of
    volume names, whatever the number of rows."""
    listed, has_more, has_prev = cinder.protection_page(
        request, plugin, marker=marker, sort_dir=sort_dir,
        all_projects=all_projects)
    names = {item.id: item.name or item.id for item in listed}
    found = [ProtectionRow(item, plugin,
                           needs_name=needs_name(item, names))
             for item in listed]
    if found:
        volume_names = (cinder.volume_names_by_id(
            request, {row.volume_id for row in found}) if all_projects
            else cinder.volume_names(request))
        for row in found:
            row.volume_name = volume_names.get(row.volume_id)
    return found, has_more, has_prev


def needs_name(protection, names):
    """The name of what ``protection`` builds on where ``names`` (id ->
    name, of the page) holds it, its id, or a note that it builds on one
    not listed here; None for one that needs nothing."""
    if protection.depends_on:
        return names.get(protection.depends_on, protection.depends_on)
    if protection.incremental:
        return str(_("an earlier one"))
    return None


def row(request, protection_id):
    """One row as it is now (the live status), whichever plugin has it."""
    for plugin in other_plugins():
        try:
            protection = cinder.protection_get(request, plugin,
                                               protection_id)
        except errors.NotFound:
            continue
        return ProtectionRow(protection, plugin)
    raise errors.NotFound()
