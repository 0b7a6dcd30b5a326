from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from horizon import tabs as horizon_tabs

from volsnap_dashboard.api import errors
from volsnap_dashboard.api import keystone
from volsnap_dashboard.dashboards.admin.volume_protection import (
    forms as admin_forms)
from volsnap_dashboard.dashboards.admin.volume_protection import (
    tables as admin_tables)
from volsnap_dashboard.dashboards.admin.volume_protection import (
    tabs as admin_tabs)
from volsnap_dashboard.dashboards.common import listing_tab
from volsnap_dashboard.dashboards.snapshots import views as project_views
from volsnap_dashboard import policy

INDEX_URL = reverse_lazy('horizon:admin:volume_protection:index')


class IndexView(policy.PolicyRequiredMixin, listing_tab.ListingTabsMixin,
                horizon_tabs.TabbedTableView):
    tab_group_class = admin_tabs.AdminVolumeProtectionTabs
    page_title = _("Volume Protection")
    template_name = 'volume_protection/admin/index.html'
    policy_rules = policy.ADMIN


class DetailView(project_views.DetailView):
    policy_rules = policy.ADMIN
    table_class = admin_tables.AdminSnapshotsTable
    volume_url_name = 'horizon:admin:volumes:detail'
    index_url = INDEX_URL
    restored_in_all_projects = True
    # Admins see every project's: a 404 means the snapshot does not exist.
    not_found = _("Snapshot %s was not found: it does not exist (it may "
                  "have been deleted).")

    def project_names(self):
        try:
            return keystone.project_names(self.request)
        except errors.VolsnapAPIError:
            return {}  # the page shows the projects' ids instead


class ResetStatusView(project_views.SnapshotFormView):
    form_class = admin_forms.ResetStatusForm
    template_name = 'volume_protection/admin/reset_status.html'
    modal_id = 'reset_snapshot_status_modal'
    submit_label = _("Reset Status")
    submit_url = 'horizon:admin:volume_protection:reset_status'
    success_url = INDEX_URL
    page_title = _("Reset Snapshot Status")
    policy_rules = policy.RESET_STATUS
    index_url = INDEX_URL

    def get_initial(self):
        snapshot = self.get_snapshot()
        return {'snapshot_id': snapshot.id, 'status': snapshot.status,
                'snapshot_name': snapshot.name or snapshot.id}

    def get_context_data(self, **kwargs):
        # The template every plugin's Reset Status shares.
        context = super().get_context_data(**kwargs)
        context['protection'] = context['snapshot']
        context['kind'] = _("Snapshot")
        return context
