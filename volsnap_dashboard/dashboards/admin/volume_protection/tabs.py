"""The tabs of Admin > Volume > Volume Protection."""

import collections
from concurrent import futures

from django.utils.translation import gettext_lazy as _
from horizon import exceptions
from horizon import tabs
from horizon.utils import memoized

from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import errors
from volsnap_dashboard.api import keystone
from volsnap_dashboard.dashboards.admin.volume_protection import (
    orphan_tabs)
from volsnap_dashboard.dashboards.admin.volume_protection import (
    schedule_views)
from volsnap_dashboard.dashboards.admin.volume_protection import (
    tables as admin_tables)
from volsnap_dashboard.dashboards.common import listing_tab
from volsnap_dashboard.dashboards.common import statuses
from volsnap_dashboard.dashboards.protections import admin as protections
from volsnap_dashboard.dashboards.snapshots import listing as snapshot_listing
from volsnap_dashboard.protection.schedule import codec

TOP_PROJECTS = 5


def summarize(snapshots):
    """Snapshots and GiB per status (as the table shows it), and the
    projects with the most."""
    by_status = collections.OrderedDict()
    for snapshot in sorted(snapshots, key=lambda s: s.status):
        entry = by_status.setdefault(
            statuses.status_label(snapshot.status),
            {'count': 0, 'gigabytes': 0})
        entry['count'] += 1
        entry['gigabytes'] += snapshot.size
    per_project = collections.Counter(admin_tables.project_name(s)
                                      for s in snapshots)
    return {'by_status': list(by_status.items()),
            'top_projects': per_project.most_common(TOP_PROJECTS),
            'total': len(snapshots),
            'gigabytes': sum(s.size for s in snapshots)}


class AdminSnapshotsTab(snapshot_listing.SnapshotListMixin,
                        listing_tab.ListingTab):
    """Every project's snapshots, with their projects' names and a
    summary of the page."""

    name = _("Snapshots")
    slug = 'snapshots'
    table_classes = (admin_tables.AdminSnapshotsTable,)
    template_name = 'volume_protection/admin/_snapshots_tab.html'
    preload = False  # the open tab loads anyway; others when opened
    search_opts = {'all_tenants': True}
    admin_filters = True

    #: Keystone's project listing, asked in the background by get_data.
    _projects = None

    @property
    @memoized.memoized_method
    def project_names(self):
        try:
            if self._projects is None:
                return keystone.project_names(self.request)
            return self._projects.result()
        except errors.VolsnapAPIError as exc:
            exceptions.handle(self.request, _(
                "Project names are unavailable: %s") % exc)
            return {}

    def get_filters(self, filters=None, filters_map=None):
        filters = super().get_filters(filters, filters_map)
        project = filters.pop('project', None)
        if project:
            filters['project_id'] = keystone.project_id_named(
                self.project_names, project)
        return filters

    def source_volume_names(self, snapshots):
        # Only the page's volumes: every volume of the cloud can be a
        # hundred thousand.
        try:
            return cinder.volume_names_by_id(
                self.request, [s.volume_id for s in snapshots])
        except errors.VolsnapAPIError:
            exceptions.handle(self.request,
                              _("Unable to retrieve volume names."))
            return {}

    def _volume_ids_for(self, text):
        try:
            return cinder.volume_ids_named(self.request, text)
        except errors.VolsnapAPIError:
            return []  # taken as an id; the listing says what is wrong

    def get_data(self):
        # Keystone lists the projects while Cinder lists the snapshots and
        # volumes: the page waits for the slower, not for both in turn.
        with futures.ThreadPoolExecutor(max_workers=1) as pool:
            self._projects = pool.submit(keystone.project_names,
                                         self.request)
            snapshots = super().get_data()
            names = self.project_names
        for snapshot in snapshots:
            snapshot.project_name = names.get(
                admin_tables.project_id(snapshot))
        return snapshots

    def scheduled_volumes(self, snapshots):
        # The page's scheduled volumes only, in every project: Cinder's id
        # filter, as for their names.
        ids = sorted({snapshot.volume_id for snapshot in snapshots})
        step = cinder.IDS_PER_LISTING
        volumes = []
        try:
            for start in range(0, len(ids), step):
                search_opts = codec.scheduled_volumes_filter(
                    all_tenants=True, id=ids[start:start + step])
                volumes.extend(cinder.volume_list(self.request,
                                                  search_opts=search_opts))
        except errors.VolsnapAPIError:
            return None
        return volumes

    def get_admin_snapshots_data(self):
        return self.get_data()

    def get_context_data(self, request, **kwargs):
        context = super().get_context_data(request, **kwargs)
        table = context['table']
        context['summary'] = summarize(table.data)
        # Other pages exist: the summary must not pass for the whole cloud.
        context['summary']['page_only'] = (table.has_more_data() or
                                           table.has_prev_data())
        return context


class AdminVolumeProtectionTabs(tabs.TabGroup):
    slug = 'volume_protection'
    show_single_tab = True
    tabs = (AdminSnapshotsTab, protections.AdminProtectionsTab,
            schedule_views.AdminSchedulesTab, orphan_tabs.AdminOrphansTab)
