"""The rows of the protections tab: each protection of the provider's
other plugins (backups), with its plugin and its volume's name, read in
one listing per plugin and one of volume names."""

import dataclasses

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


def listed_protections(request, plugins, all_projects=False):
    """The protections of ``plugins`` (one listing each)."""
    return [protection for plugin in plugins
            for protection in cinder.protection_list(
                request, plugin, all_projects=all_projects)]


def rows(request, plugins, all_projects=False):
    """Every protection of ``plugins`` in the project (``all_projects``:
    in every project, for administrators), newest first."""
    found = []
    for plugin in plugins:
        listed = cinder.protection_list(request, plugin,
                                        all_projects=all_projects)
        names = {item.id: item.name or item.id for item in listed}
        found.extend(ProtectionRow(
            item, plugin, needs_name=item.depends_on and names.get(
                item.depends_on, item.depends_on))
            for item in listed)
    if found:
        volume_names = (cinder.volume_names_by_id(
            request, {row.volume_id for row in found}) if all_projects
            else cinder.volume_names(request))
        for row in found:
            row.volume_name = volume_names.get(row.volume_id)
    return sorted(found, key=lambda row: str(row.created_at or ''),
                  reverse=True)


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
