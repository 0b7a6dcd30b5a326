"""The Snapshots tabs' listing: one page of snapshots and one listing
of the project's volumes, joined in memory, and the rows decorated by
their table (see decorations)."""

from django.utils.translation import gettext_lazy as _
from horizon import exceptions
from horizon import messages
from horizon import tables
from horizon.utils import memoized

from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import errors
from volsnap_dashboard.dashboards.common import name_search
from volsnap_dashboard.dashboards.common import statuses
from volsnap_dashboard.dashboards.snapshots import decorations
from volsnap_dashboard.dashboards.snapshots.revert import marks as revert_marks
from volsnap_dashboard.protection.schedule import codec


class SnapshotListMixin(tables.PagedTableMixin):
    """One snapshot page and one volume-name listing, joined in memory."""

    search_opts = {}
    #: Cinder accepts every filter from admins, whatever its configuration.
    admin_filters = False

    def get_filters(self, filters=None, filters_map=None):
        filters = super().get_filters(filters, filters_map)
        volume = filters.pop('volume', None)
        if volume:
            filters['volume_id'] = self._volume_filter(volume)
        name = filters.pop('name', None)
        if name:
            filters[self._name_filter()] = name
        status = filters.pop('status', None)
        if status:
            filters['status'] = self._status_for(status)
        return filters

    def _status_for(self, text):
        """Cinder's status for one chosen from the list or typed as the
        table shows it ("Error Deleting")."""
        status = statuses.status_for(text)
        if status is None:
            messages.warning(self.request, _(
                'No snapshot status is called "%s": choose one from the '
                'list.') % text)
            return text  # Cinder matches nothing: an empty list, as asked
        return status

    def _name_filter(self):
        return name_search.search_key(self.request, 'snapshot',
                                      admin=self.admin_filters)

    def _volume_filter(self, text):
        """The id of the one volume named ``text``; the ids of several
        (a frozenset: Cinder filters snapshots by one volume id, so the
        page is listed whole and its rows of those volumes kept); else
        ``text`` itself, taken as an id."""
        matches = self._volume_ids_for(text)
        if len(matches) == 1:
            return matches[0]
        if not matches:
            return text
        messages.info(self.request, _(
            '%(count)d volumes are named "%(name)s": the snapshots of each '
            'are listed, so a page may show fewer rows than usual.') % {
                'count': len(matches), 'name': text})
        return frozenset(matches)

    def _volume_ids_for(self, text):
        """The ids of the volumes named ``text``."""
        return [volume_id for volume_id, name in self.volume_names.items()
                if name == text]

    def volume_listing_options(self):
        """Extra arguments of the volume-name listing (the project tab
        asks for the statuses its revert action needs)."""
        return {}

    @property
    @memoized.memoized_method
    def volume_names(self):
        try:
            return cinder.volume_names(self.request, dict(self.search_opts),
                                       **self.volume_listing_options())
        except errors.VolsnapAPIError:
            exceptions.handle(self.request,
                              _("Unable to retrieve volume names."))
            return {}

    def source_volume_names(self, snapshots):
        """Volume id -> name for the page's ``snapshots``."""
        return self.volume_names

    def scheduled_volumes(self, snapshots):
        """The volumes of the page's ``snapshots`` that carry schedules,
        with their metadata (one listing, by Cinder's metadata filter);
        None if Cinder cannot list them."""
        try:
            return list(cinder.volume_list(
                self.request, search_opts=codec.scheduled_volumes_filter(
                    **self.search_opts)))
        except errors.VolsnapAPIError:
            return None

    def get_data(self):
        marker, sort_dir = self._get_marker()
        filters = self.get_filters()
        wanted = filters.get('volume_id')
        if isinstance(wanted, frozenset):
            del filters['volume_id']
        search_opts = dict(self.search_opts, **filters)
        try:
            snapshots, self._has_more_data, self._has_prev_data = \
                cinder.snapshot_list_paged(self.request,
                                           search_opts=search_opts,
                                           marker=marker, sort_dir=sort_dir)
        except errors.VolsnapAPIError as exc:
            exceptions.handle(self.request, _(
                "Unable to retrieve snapshots: %s") % exc)
            return []
        if isinstance(wanted, frozenset) and snapshots:
            self.table.listed_ends = (snapshots[0].id, snapshots[-1].id)
            snapshots = [s for s in snapshots if s.volume_id in wanted]
        volumes = decorations.PageVolumes(
            self.source_volume_names(snapshots), self.scheduled_volumes,
            revert_marks.newest_known(marker, filters))
        return self.table_classes[0].decorate_rows(self.request, snapshots,
                                                   volumes)
