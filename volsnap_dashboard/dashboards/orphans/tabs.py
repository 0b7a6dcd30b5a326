"""The Orphans tab: one snapshot listing and one volume listing, whatever
the number of rows. Every orphan is classified from them (whether a
snapshot's volume exists takes every volume); the tab then filters them
by kind, counts them and shows a page (Horizon's page size)."""

import datetime

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from horizon import exceptions
from horizon import messages
from horizon.utils import functions as horizon_utils

from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import errors
from volsnap_dashboard.dashboards.common import listing_tab
from volsnap_dashboard.dashboards.orphans import finder as orphans
from volsnap_dashboard.dashboards.orphans import tables as orphan_tables
from volsnap_dashboard.dashboards.protections import rows as protection_rows
from volsnap_dashboard import policy
from volsnap_dashboard.protection import times


def verification_timeout():
    """How long a verification volume may live before it counts as left
    behind (setting VOLSNAP_VERIFICATION_TIMEOUT, seconds)."""
    seconds = getattr(settings, 'VOLSNAP_VERIFICATION_TIMEOUT', None)
    if seconds is None:
        return orphans.DEFAULT_VERIFICATION_TIMEOUT
    return datetime.timedelta(seconds=seconds)


class OrphansTab(listing_tab.ListingTab):
    name = _("Orphans")
    slug = orphan_tables.TAB_SLUG
    table_classes = (orphan_tables.OrphansTable,)
    template_name = 'volume_protection/_orphans_tab.html'
    preload = False
    policy_rules = policy.LIST
    search_opts = {}
    unavailable = _("Orphans are unavailable: %s")
    offers_adopt = True

    #: The page shown: set by get_orphans_data.
    page = None
    #: How many orphans the filters leave, over every page.
    total = 0
    #: {kind: number} among the rows the filter's other fields leave.
    counts = None

    #: ``(plugin, protection)`` of the other plugins' protections in
    #: scope (backups): orphans themselves, or what a volume may be
    #: restored from, or verify, besides snapshots.
    other_protections = ()

    def listings(self):
        """Every snapshot and every volume in scope: two calls, and one
        per other plugin of the panels (backups)."""
        search_opts = dict(self.search_opts)
        snapshots = list(cinder.snapshot_list(
            self.request, search_opts=dict(search_opts) or None))
        volumes = list(cinder.volume_list(
            self.request, search_opts=dict(search_opts) or None))
        self.other_protections = [
            (plugin, protection)
            for plugin in protection_rows.other_plugins()
            for protection in cinder.protection_list(
                self.request, plugin, all_projects=bool(search_opts))]
        return snapshots, volumes

    def get_orphans_data(self):
        try:
            snapshots, volumes = self.listings()
        except errors.VolsnapAPIError as exc:
            message = self.unavailable % exc
            exceptions.handle(self.request, message)
            table = self._tables[self.table_classes[0]._meta.name]
            table._meta.no_data_message = message
            return []
        rows = self.filtered(self.rows(snapshots, volumes))
        self.table.listed = {row.id: row for row in rows}
        self.total = len(rows)
        marker = self.request.GET.get(orphan_tables.PREV_MARKER_PARAM)
        backwards = bool(marker)
        if not backwards:
            marker = self.request.GET.get(orphan_tables.MARKER_PARAM)
        self.page = orphans.page_of(
            rows, horizon_utils.get_page_size(self.request), marker,
            backwards=backwards)
        return self.page.rows

    def has_more_data(self, table):
        return bool(self.page and self.page.has_more)

    def has_prev_data(self, table):
        return bool(self.page and self.page.has_prev)

    def filter_action(self):
        action = self.table._meta._filter_action
        if not getattr(action, 'filter_field', None):
            # Nothing chosen yet: the first field, as the list shows it.
            action.filter_field = action.filter_choices[0][0]
        return action

    def filtered(self, rows):
        """``rows`` the filter leaves; the filter's kinds counted among
        the rows of its other fields (a project's, for the admin)."""
        self.filter_action()
        filters = self.get_filters()
        rows = self.filtered_by_others(rows, filters)
        self.counts = orphans.count_by_kind(rows)
        text = filters.get(orphan_tables.KIND_FIELD)
        if not text:
            return rows
        kind = orphans.kind_for(text)
        if kind is None:
            messages.warning(self.request, _(
                'No kind of orphan is called "%s": choose one from the '
                'list.') % text)
            return []
        return [row for row in rows if row.kind == kind]

    def filtered_by_others(self, rows, filters):
        """The rows the filter's fields other than the kind leave."""
        return rows

    def rows(self, snapshots, volumes):
        return orphans.classify(
            snapshots, volumes, times.now(),
            verification_timeout=verification_timeout(),
            kept=orphan_tables.showing_kept(self.request),
            other_protections=self.other_protections)

    def get_context_data(self, request, **kwargs):
        context = super().get_context_data(request, **kwargs)
        context['showing_kept'] = orphan_tables.showing_kept(request)
        if self.counts is not None:
            context['orphan_counts'] = [
                (display, self.counts.get(kind, 0))
                for kind, display in orphans.kind_display()]
        page = self.page
        if page is not None and page.rows and (page.has_more or
                                               page.has_prev):
            # Where the page is among all (Horizon counts the page only).
            context['orphans_shown'] = {
                'first': page.start + 1,
                'last': page.start + len(page.rows),
                'total': self.total}
        context['offers_adopt'] = self.offers_adopt
        context['timeout_minutes'] = int(
            verification_timeout().total_seconds() // 60)
        return context
