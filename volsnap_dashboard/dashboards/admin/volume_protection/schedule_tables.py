"""The admin Schedules table: every project's schedules (or one
project's) with their projects' names, those that need attention first;
Pause, Resume (of what an administrator paused) and Delete."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from horizon import tables

from volsnap_dashboard.dashboards.schedules import api as schedules_api
from volsnap_dashboard.dashboards.schedules import tables as project_tables
from volsnap_dashboard import policy


PROJECT_FIELD = 'project'


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


class AdminResumeSchedule(project_tables.ResumeSchedule):
    policy_rules = policy.ADMIN
    help_text = _("Resumes a schedule an administrator paused; what its "
                  "project paused stays the project's to resume.")

    def change(self, request, volume_id, schedule_id):
        schedules_api.admin_resume(request, volume_id, schedule_id)

    def allowed(self, request, row=None):
        return row is None or (row.valid and row.paused and
                               row.schedule.paused_by is not None and
                               row.schedule.paused_by.by_admin)


class AdminDeleteSchedule(project_tables.DeleteSchedule):
    url = 'horizon:admin:volume_protection:delete_schedule'
    policy_rules = policy.ADMIN


class AdminScheduleSearch(project_tables.ScheduleSearch):
    """Searches one project's schedules too (by its name or id)."""

    filter_choices = ((PROJECT_FIELD, _("Project (name or ID) ="), True),
                      ) + project_tables.ScheduleSearch.filter_choices


class AdminSchedulesTable(project_tables.SchedulesTable):
    project = tables.WrappingColumn(project_name, verbose_name=_("Project"))
    schedule = tables.WrappingColumn(project_tables.schedule_name,
                                     verbose_name=_("Schedule"),
                                     link=admin_detail_link)
    volume = tables.WrappingColumn('volume_name', verbose_name=_("Volume"),
                                   link=admin_volume_link)

    class Meta(project_tables.SchedulesTable.Meta):
        name = 'admin_schedules'
        columns = ('project', 'schedule', 'volume', 'owner', 'when',
                   'retention', 'next_run', 'last_run', 'state')
        # No polling: an administrator asks for no runs.
        row_class = tables.Row
        status_columns = ()
        table_actions = (AdminScheduleSearch,)
        row_actions = (AdminPauseSchedule, AdminResumeSchedule,
                       AdminDeleteSchedule)
