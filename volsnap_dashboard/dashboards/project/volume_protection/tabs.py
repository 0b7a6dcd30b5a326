"""The tabs of Project > Volumes > Volume Protection.

Only the open tab is drawn with the page (the Snapshots tab unless the
URL names another); the others load when opened, so each tab costs its
own listings only when someone looks at it.
"""

from django.utils.translation import gettext_lazy as _
from horizon import exceptions
from horizon import tables
from horizon import tabs

from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import errors
from volsnap_dashboard.dashboards.common import listing_tab
from volsnap_dashboard.dashboards.common import name_search
from volsnap_dashboard.dashboards.common import plugin_choice
from volsnap_dashboard.dashboards.orphans import tabs as orphan_tabs
from volsnap_dashboard.dashboards.protections import tabs as protection_tabs
from volsnap_dashboard.dashboards.snapshots.revert import rows as revert_rows
from volsnap_dashboard.dashboards.schedules import views as schedule_views
from volsnap_dashboard.dashboards.snapshots import listing as snapshot_listing
from volsnap_dashboard.dashboards.snapshots import tables as protection_tables
from volsnap_dashboard.dashboards.volumes import tab as volumes_tab
from volsnap_dashboard import policy


class SnapshotsTab(snapshot_listing.SnapshotListMixin,
                   listing_tab.ListingTab):
    name = _("Snapshots")
    slug = 'snapshots'
    table_classes = (protection_tables.ProtectedSnapshotsTable,)
    preload = False

    def get_protected_snapshots_data(self):
        return self.get_data()

    def volume_listing_options(self):
        # The statuses come with the names (one listing, detailed), and
        # only where the revert action may be offered at all.
        if revert_rows.revert_possible(self.request):
            return {'with_status': True}
        return {}


class VolumesTab(tables.PagedTableMixin, listing_tab.ListingTab):
    """The project's volumes with their protection, a page at a time
    sorted by name and searched by name in Cinder: one volume listing and
    one listing of protections, whatever the number of rows. Whether the
    project's schedules will fit its quota is asked for once the tab is
    shown (schedule_views.QuotaForecastView): it lists every scheduled
    volume, which a page of rows must not wait for."""

    name = _("Volumes")
    slug = 'volumes'
    table_classes = (volumes_tab.VolumeProtectionTable,)
    template_name = 'volume_protection/_volumes_tab.html'
    preload = False
    policy_rules = policy.GET_SCHEDULES

    def get_filters(self, filters=None, filters_map=None):
        filters = super().get_filters(filters, filters_map)
        name = filters.pop('name', None)
        if name:
            filters.update(name_search.search_opts(self.request, 'volume',
                                                   name))
        return filters

    def get_volume_protection_data(self):
        marker, sort_dir = self._get_marker()
        try:
            volumes, self._has_more_data, self._has_prev_data = \
                cinder.volume_list_paged(self.request,
                                         search_opts=self.get_filters(),
                                         marker=marker, sort_dir=sort_dir)
            protections = (plugin_choice.project_protections(self.request)
                           if volumes else [])
        except errors.VolsnapAPIError as exc:
            exceptions.handle(self.request, _(
                "Volumes are unavailable right now: %s") % exc)
            return []
        self.table.list_ends(volumes)
        return self.table.rows_of_chosen_state(volumes_tab.protected_volumes(
            volumes, protections, project_id=self.request.user.project_id))


class VolumeProtectionTabs(tabs.TabGroup):
    slug = 'volume_protection'
    tabs = (SnapshotsTab, protection_tabs.ProtectionsTab, VolumesTab,
            schedule_views.SchedulesTab, orphan_tabs.OrphansTab)
