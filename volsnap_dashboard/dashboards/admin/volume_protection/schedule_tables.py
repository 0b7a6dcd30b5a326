"""The admin Schedules table: every project's schedules with their
projects' names, those that need attention first; Pause and Delete."""

from django.urls import reverse
from django.utils import http as http_utils
from django.utils.translation import gettext_lazy as _
from horizon import tables

from volsnap_dashboard.dashboards.schedules import api as schedules_api
from volsnap_dashboard.dashboards.schedules import tables as project_tables
from volsnap_dashboard import policy


#: The query parameters of the next and the previous page.
MARKER_PARAM = 'schedule_marker'
PREV_MARKER_PARAM = 'prev_schedule_marker'
_TAB = 'volume_protection__schedules'


def admin_volume_link(row):
    return reverse('horizon:admin:volumes:detail', args=(row.volume_id,))


def admin_detail_link(row):
    if not row.openable:
        return None
    return reverse('horizon:admin:volume_protection:schedule_detail',
                   args=(row.volume_id, row.schedule_id))


def project_name(row):
    return getattr(row, 'project_name', None) or row.project_id or '-'


class AdminPauseSchedule(project_tables.PauseSchedule):
    policy_rules = policy.ADMIN
    help_text = _("A paused schedule makes no snapshots and deletes none; "
                  "its project decides when to resume it.")

    def change(self, request, volume_id, schedule_id):
        schedules_api.admin_pause(request, volume_id, schedule_id)


class AdminDeleteSchedule(project_tables.DeleteSchedule):
    url = 'horizon:admin:volume_protection:delete_schedule'
    policy_rules = policy.ADMIN


class AdminSchedulesTable(project_tables.SchedulesTable):
    project = tables.WrappingColumn(project_name, verbose_name=_("Project"))
    schedule = tables.WrappingColumn(project_tables.schedule_name,
                                     verbose_name=_("Schedule"),
                                     link=admin_detail_link)
    volume = tables.WrappingColumn('volume_name', verbose_name=_("Volume"),
                                   link=admin_volume_link)

    #: The ids of the page's volumes, in Cinder's order (set by the tab):
    #: pages are of volumes, and their rows are sorted otherwise.
    page_volume_ids = ()

    def get_marker(self):
        return self.page_volume_ids[-1] if self.page_volume_ids else ''

    def get_prev_marker(self):
        return self.page_volume_ids[0] if self.page_volume_ids else ''

    # The tab is not the page's first: its page links name it.
    def get_pagination_string(self):
        return http_utils.urlencode([('tab', _TAB),
                                     (MARKER_PARAM, self.get_marker())])

    def get_prev_pagination_string(self):
        return http_utils.urlencode([('tab', _TAB), (PREV_MARKER_PARAM,
                                                     self.get_prev_marker())])

    class Meta(project_tables.SchedulesTable.Meta):
        name = 'admin_schedules'
        columns = ('project', 'schedule', 'volume', 'owner', 'when',
                   'retention', 'next_run', 'last_run', 'state')
        # No polling: an administrator asks for no runs.
        row_class = project_tables.StateCategoryRow
        status_columns = ()
        table_actions = (project_tables.StateFilter,)
        row_actions = (AdminPauseSchedule, AdminDeleteSchedule)
        pagination_param = MARKER_PARAM
        prev_pagination_param = PREV_MARKER_PARAM
