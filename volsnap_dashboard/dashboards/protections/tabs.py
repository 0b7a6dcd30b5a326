"""The tab of what the provider's other plugins keep (backups), beside
the Snapshots tab: shown only where the panels offer such a plugin, and
named after it."""

from django.utils.translation import gettext_lazy as _
from horizon import exceptions
from horizon import tabs

from volsnap_dashboard.api import errors
from volsnap_dashboard.dashboards.protections import rows as protection_rows
from volsnap_dashboard.dashboards.protections import tables as \
    protection_tables
from volsnap_dashboard import policy


class OtherProtectionsTab(tabs.TableTab):
    """A tab of the other plugins' protections, named after them."""

    template_name = 'horizon/common/_detail_table.html'
    preload = False

    @property
    def name(self):
        return protection_tables.kinds(2) or _("Protections")


class ProtectionsTab(OtherProtectionsTab):
    slug = 'protections'
    table_classes = (protection_tables.ProtectionsTable,)

    def allowed(self, request):
        plugins = protection_rows.other_plugins()
        return bool(plugins) and all(
            policy.rules_allow(request, plugin.policy_rules.get('list'))
            for plugin in plugins)

    def get_protections_data(self):
        try:
            return protection_rows.rows(self.request,
                                        protection_rows.other_plugins())
        except errors.VolsnapAPIError as exc:
            exceptions.handle(self.request, _(
                "%(kinds)s are unavailable right now: %(reason)s") % {
                    'kinds': self.name, 'reason': exc})
            return []
