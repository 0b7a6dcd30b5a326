"""The tab of what the provider's other plugins keep (backups), beside
the Snapshots tab: shown only where the panels offer such a plugin, and
named after it."""

from django.utils.translation import gettext_lazy as _
from horizon import exceptions
from horizon import tables
from horizon import tabs

from volsnap_dashboard.api import errors
from volsnap_dashboard.dashboards.protections import rows as protection_rows
from volsnap_dashboard.dashboards.protections import tables as \
    protection_tables
from volsnap_dashboard import policy


class OtherProtectionsTab(tables.PagedTableMixin, tabs.TableTab):
    """A tab of the other plugins' protections, named after them, a page
    of one plugin's at a time (``?kind=``: which, where there are
    several; else the first)."""

    template_name = 'horizon/common/_detail_table.html'
    preload = False
    #: Whether the rows are every project's (the admin tab).
    all_projects = False

    @property
    def name(self):
        return protection_tables.kinds(2) or _("Protections")

    def page_rows(self):
        plugin = protection_rows.tab_plugin(self.request)
        if plugin is None:
            return []
        marker, sort_dir = self._get_marker()
        try:
            found, self._has_more_data, self._has_prev_data = \
                protection_rows.page(self.request, plugin, marker=marker,
                                     sort_dir=sort_dir,
                                     all_projects=self.all_projects)
        except errors.VolsnapAPIError as exc:
            exceptions.handle(self.request, _(
                "%(kinds)s are unavailable right now: %(reason)s") % {
                    'kinds': self.name, 'reason': exc})
            return []
        self._tables[self.table_classes[0]._meta.name].list_ends(found)
        return found


class ProtectionsTab(OtherProtectionsTab):
    slug = 'protections'
    table_classes = (protection_tables.ProtectionsTable,)

    def allowed(self, request):
        plugins = protection_rows.other_plugins()
        return bool(plugins) and all(
            policy.rules_allow(request, plugin.policy_rules.get('list'))
            for plugin in plugins)

    def get_protections_data(self):
        return self.page_rows()
