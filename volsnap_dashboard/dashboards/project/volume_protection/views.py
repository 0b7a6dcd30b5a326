from django.utils.translation import gettext_lazy as _
from horizon import exceptions
from horizon import tables

from volsnap_dashboard.api import cinder
from volsnap_dashboard.dashboards.project.volume_protection import (
    tables as protection_tables)


class IndexView(tables.DataTableView):
    table_class = protection_tables.ProtectedSnapshotsTable
    page_title = _("Volume Protection")

    def get_data(self):
        try:
            snapshots = cinder.snapshot_list(self.request,
                                             search_opts=self.get_filters())
        except Exception:
            exceptions.handle(self.request,
                              _("Unable to retrieve snapshots."))
            return []
        try:
            volumes = {volume.id: volume
                       for volume in cinder.volume_list(self.request)}
        except Exception:
            exceptions.handle(self.request, _("Unable to retrieve volumes."))
            volumes = {}
        for snapshot in snapshots:
            snapshot.source_volume = volumes.get(snapshot.volume_id)
        return snapshots

