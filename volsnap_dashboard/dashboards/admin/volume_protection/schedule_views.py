"""Admin > Volume > Volume Protection: the Schedules tab (every
project's or one project's, a page of scheduled volumes at a time: one
volume listing, one project listing and one user listing), a schedule's
detail page and the delete form, in any project."""

from django.utils.translation import gettext_lazy as _
from horizon import exceptions
from horizon.utils import memoized

from volsnap_dashboard.api import errors
from volsnap_dashboard.api import keystone
from volsnap_dashboard.dashboards.admin.volume_protection import (
    schedule_tables as admin_tables)
from volsnap_dashboard.dashboards.schedules import api as schedules_api
from volsnap_dashboard.dashboards.schedules import forms as schedule_forms
from volsnap_dashboard.dashboards.schedules import views as project_views
from volsnap_dashboard.protection.schedule import states as schedule_states
from volsnap_dashboard import policy

def attention_first(rows):
    """Failing, authorization lost, invalid and overdue schedules first
    (in that order), the others after them, each kept in its order."""
    order = {state: rank for rank, state
             in enumerate(schedule_states.NEEDS_ATTENTION)}
    last = len(order)
    return sorted(rows, key=lambda row: order.get(row.state, last))


class AdminSchedulesTab(project_views.SchedulesTab):
    """The snapshots each schedule holds are not counted here: that
    would list every snapshot of the cloud. A page holds Horizon's page
    size of scheduled volumes, by name (those that need attention first
    within it): the cloud's schedules can be thousands. A project is
    searched by its name (Keystone's listing, the one that names the
    rows) or its id."""

    table_classes = (admin_tables.AdminSchedulesTable,)
    policy_rules = policy.ADMIN

    search_opts = {'all_tenants': True}
    admin_filters = True

    @memoized.memoized_method
    def project_names(self):
        """Project id -> name, from one Keystone listing a request."""
        return self._names(keystone.project_names,
                           _("Project names are unavailable: %s"))

    def get_filters(self, filters=None, filters_map=None):
        filters = super().get_filters(filters, filters_map)
        project = filters.pop(admin_tables.PROJECT_FIELD, None)
        if project:
            filters['project_id'] = keystone.project_id_named(
                self.project_names(), project)
        return filters

    def viewer_project(self):
        return None  # the admin's listing shows each volume's project

    def list_protections(self):
        return []

    def get_admin_schedules_data(self):
        return self.get_schedules_data()

    def rows(self, volumes, protections):
        rows = attention_first(super().rows(volumes, protections))
        names = self.project_names()
        for row in rows:
            row.project_name = names.get(row.project_id)
        if any(row.owner_id for row in rows):
            users = self._names(keystone.user_names,
                                _("User names are unavailable: %s"))
            for row in rows:
                row.owner_name = users.get(row.owner_id)
        return rows

    def _names(self, listing, unavailable):
        """``{id: name}`` from one Keystone listing; {} when Keystone
        cannot tell (the rows show ids; the admin is told why)."""
        try:
            return listing(self.request)
        except errors.VolsnapAPIError as exc:
            exceptions.handle(self.request, unavailable % exc)
            return {}


class AdminScheduleMixin:
    index_url_name = 'horizon:admin:volume_protection:index'
    table_class = admin_tables.AdminSchedulesTable

    def find(self):
        return schedules_api.admin_find(
            self.request, self.kwargs['volume_id'],
            self.kwargs['schedule_id'])

    def protections_of(self, volume, schedule):
        return schedules_api.admin_protections_of(self.request, volume,
                                                  schedule)


class AdminScheduleDetailView(AdminScheduleMixin,
                              project_views.ScheduleDetailView):
    policy_rules = policy.ADMIN
    volume_url_name = 'horizon:admin:volumes:detail'
    snapshot_url_name = 'horizon:admin:volume_protection:detail'


class AdminDeleteScheduleForm(schedule_forms.DeleteScheduleForm):
    trust_left_message = _(
        "The trust the schedule names was not deleted: it is not proved "
        "to be the authorization its owner gave the scheduler in the "
        "volume's project (the project's members write that name), or "
        "Keystone refused. It remains until its trustor or an "
        "administrator deletes it.")

    def delete(self, request, keep_protections):
        return schedules_api.admin_delete(request, self.volume_id,
                                          self.schedule_id,
                                          keep_protections=keep_protections)


class AdminDeleteScheduleView(AdminScheduleMixin,
                              project_views.DeleteScheduleView):
    form_class = AdminDeleteScheduleForm
    submit_url = 'horizon:admin:volume_protection:delete_schedule'
    policy_rules = policy.ADMIN
    page_title = _("Delete Schedule")
