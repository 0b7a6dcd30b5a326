"""Admin > Volume Protection: a group snapshot of any project, its member
snapshots with their project, and Delete Group Snapshot.

The project panel's pages, reading across projects: the members from one
snapshot listing of every project (Cinder filters them by group snapshot
for an admin), their volumes' names by id, the projects' names from one
Keystone listing. Restore Group is not offered here: it would make the
new group in the administrator's project.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import errors
from volsnap_dashboard.api import keystone
from volsnap_dashboard.dashboards.admin.volume_protection import (
    tables as admin_tables)
from volsnap_dashboard.dashboards.groups import views as project_views
from volsnap_dashboard import policy

INDEX_URL = 'horizon:admin:volume_protection:index'


def admin_url(name, group_snapshot_id):
    return reverse('horizon:admin:volume_protection:' + name,
                   args=(group_snapshot_id,))


class AdminGroupSnapshotMixin:
    not_found = _("Group snapshot %s was not found: it does not exist (it "
                  "may have been deleted).")

    @property
    def index_url(self):
        return reverse(INDEX_URL)

    def member_search_opts(self, group_snapshot):
        # Cinder takes any filter from an admin.
        return dict(admin_tables.ALL_PROJECTS,
                    group_snapshot_id=group_snapshot.id)


class AdminGroupSnapshotDetailView(AdminGroupSnapshotMixin,
                                   project_views.GroupSnapshotDetailView):
    policy_rules = policy.ADMIN + policy.GET_GROUP_SNAPSHOT
    group_search_opts = admin_tables.ALL_PROJECTS

    def member_volume_names(self, members):
        return cinder.volume_names_by_id(
            self.request, [member.volume_id for member in members])

    def project_names(self):
        try:
            return keystone.project_names(self.request)
        except errors.VolsnapAPIError:
            return {}  # the page shows the projects' ids instead

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        names = self.project_names()
        for member in context['members']:
            project_id = admin_tables.project_id(member)
            member.project_name = names.get(project_id) or project_id
        context['show_projects'] = True
        context['member_url_name'] = 'horizon:admin:volume_protection:detail'
        context['restore_url'] = None
        if context['delete_url']:
            context['delete_url'] = admin_url(
                'delete_group_snapshot', context['group_snapshot'].id)
        return context


class AdminDeleteGroupSnapshotView(AdminGroupSnapshotMixin,
                                   project_views.DeleteGroupSnapshotView):
    submit_url = 'horizon:admin:volume_protection:delete_group_snapshot'
    policy_rules = policy.ADMIN + policy.DELETE_GROUP_SNAPSHOT

    def get_success_url(self):
        return self.index_url

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context['cancel_url'] = admin_url('group_snapshot',
                                          self.kwargs['group_snapshot_id'])
        return context
