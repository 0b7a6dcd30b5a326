"""Views of the Create / Edit Schedule workflow and its previews.

The preview is the same view answering a POST of the workflow's fields
with ``preview=1``: it binds the same steps, so what the preview shows
is what saving would check (static/volsnap_dashboard/js/
schedule_preview.js sends it as the fields change).
"""

from django.template.response import TemplateResponse
from django.urls import reverse
from django.urls import reverse_lazy
from horizon import workflows

from volsnap_dashboard.dashboards.common import submissions
from volsnap_dashboard.dashboards.common import views as common_views
from volsnap_dashboard.dashboards.schedules import bulk_edit
from volsnap_dashboard.dashboards.schedules import (
    workflows as schedule_workflows)
from volsnap_dashboard.dashboards.volumes import picker as volume_picker
from volsnap_dashboard import policy

INDEX_URL = reverse_lazy('horizon:project:volume_protection:index')
PREVIEW_TEMPLATE = 'volume_protection/schedule_workflow/_preview.html'


class ScheduleWorkflowView(policy.PolicyRequiredMixin,
                           submissions.RefuseRepeatsMixin,
                           workflows.WorkflowView):
    policy_rules = policy.CHANGE_SCHEDULE

    def resources(self):
        if not hasattr(self, '_resources'):
            self._resources = schedule_workflows.ScheduleResources(
                self.request,
                common_views.volume_plugin_or_redirect(self.request),
                volume_id=self.kwargs.get('volume_id'),
                picked=volume_picker.picked_ids(self.request),
                schedule_id=self.kwargs.get('schedule_id'),
                index_url=INDEX_URL,
                search_url=reverse(
                    'horizon:project:volume_protection:'
                    'schedule_volumes'))
        return self._resources

    def get_workflow(self):
        return self.workflow_class(
            self.request, context_seed=self.get_initial(),
            entry_point=self.request.GET.get('step'),
            resources=self.resources())

    def get_success_url(self):
        return self.workflow_class.success_url_for()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context['page_title'] = self.workflow_class.name
        if self.resources().editing:
            context['edited_volume'] = self.resources().edited[0]
        return context

    def post(self, request, *args, **kwargs):
        if request.POST.get('preview'):
            return self.preview(request)
        return super().post(request, *args, **kwargs)

    def preview(self, request):
        """The review step's previews for the fields as they are now (an
        HTML fragment); never saves anything."""
        workflow = self.get_workflow()
        return TemplateResponse(request, PREVIEW_TEMPLATE, {
            'preview': schedule_workflows.preview_of(workflow)})


class CreateScheduleView(ScheduleWorkflowView):
    workflow_class = schedule_workflows.CreateSchedule
    page_title = schedule_workflows.CreateSchedule.name


class UpdateScheduleView(ScheduleWorkflowView):
    workflow_class = schedule_workflows.UpdateSchedule
    page_title = schedule_workflows.UpdateSchedule.name


class EditSchedulesView(ScheduleWorkflowView):
    """The ticked schedules of the Schedules tab, edited together."""

    workflow_class = bulk_edit.EditSchedules
    page_title = bulk_edit.EditSchedules.name

    def resources(self):
        if not hasattr(self, '_resources'):
            self._resources = bulk_edit.BulkResources(
                self.request,
                common_views.volume_plugin_or_redirect(self.request),
                bulk_edit.row_ids(self.request), index_url=INDEX_URL)
        return self._resources

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.pop('edited_volume', None)
        return context


class ScheduleVolumeSearchView(policy.PolicyRequiredMixin,
                               volume_picker.VolumeSearchView):
    """The workflow's volume searches."""

    policy_rules = policy.CHANGE_SCHEDULE
