"""The Schedules tab, a schedule's detail page, and the modal forms that
delete a schedule or take it over."""

import logging

from django.template.response import TemplateResponse
from django.urls import reverse
from django.views import generic
from django.utils.translation import gettext_lazy as _
from horizon import exceptions
from horizon import forms
from horizon import messages
from horizon import tables
from horizon import views
from horizon.utils import functions as horizon_utils
from horizon.utils import memoized

from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import errors
from volsnap_dashboard.api import keystone
from volsnap_dashboard.dashboards.common import listing_tab
from volsnap_dashboard.dashboards.common import name_search
from volsnap_dashboard.dashboards.common import plugin_choice
from volsnap_dashboard.dashboards.common import tab_paging
from volsnap_dashboard.dashboards.schedules import api as schedules_api
from volsnap_dashboard.dashboards.schedules import forms as schedule_forms
from volsnap_dashboard.dashboards.schedules import preview as schedule_preview
from volsnap_dashboard.dashboards.schedules import rows as schedule_rows
from volsnap_dashboard.dashboards.schedules import tables as schedule_tables
from volsnap_dashboard.dashboards.snapshots.verify import marks as verify_marks
from volsnap_dashboard.protection import recorded_reasons
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import model
from volsnap_dashboard.protection.schedule import states as schedule_states
from volsnap_dashboard.protection.schedule import words
from volsnap_dashboard import policy
from volsnap_dashboard.protection import times

LOG = logging.getLogger(__name__)

#: The index's tab group and this tab, as Horizon names them in ?tab=.
TAB_GROUP_SLUG = 'volume_protection'
TAB_SLUG = 'schedules'
NEXT_RUNS = 5


def schedules_tab_url(index_url_name):
    return '%s?tab=%s__%s' % (reverse(index_url_name), TAB_GROUP_SLUG,
                              TAB_SLUG)


class SchedulesTab(tables.PagedTableMixin, listing_tab.ListingTab):
    """The project's schedules, a page of scheduled volumes at a time
    (sorted by name, by Cinder's metadata filter): one volume listing and
    one listing of protections (through the panels' plugin).

    A volume name is searched by Cinder; a label among every scheduled
    volume (one listing: Cinder cannot read labels), paged here."""

    name = _("Schedules")
    slug = TAB_SLUG
    table_classes = (schedule_tables.SchedulesTable,)
    preload = False
    policy_rules = policy.GET_SCHEDULES
    unavailable = _("Schedules are unavailable: %s")
    #: More search options of the volume listing.
    search_opts = {}
    #: Cinder accepts every filter from admins, whatever its configuration.
    admin_filters = False
    #: The label searched for, if one is (set by list_volumes).
    label_searched = None

    def get_filters(self, filters=None, filters_map=None):
        filters = super().get_filters(filters, filters_map)
        name = filters.pop(schedule_tables.VOLUME_FIELD, None)
        if name:
            filters.update(name_search.search_opts(
                self.request, 'volume', name, admin=self.admin_filters))
        return filters

    def list_volumes(self):
        """The page's scheduled volumes, from one listing."""
        marker, sort_dir = self._get_marker()
        filters = self.get_filters()
        label = filters.pop(schedule_tables.LABEL_FIELD, None)
        search_opts = codec.scheduled_volumes_filter(
            **{**self.search_opts, **filters})
        if label:
            volumes = [volume for volume in cinder.volume_list(
                self.request, search_opts=search_opts,
                sort=cinder.VOLUMES_BY_NAME)
                if schedule_rows.labelled(volume, label)]
            page = tab_paging.page_of(
                volumes, marker, sort_dir,
                horizon_utils.get_page_size(self.request))
        else:
            page = cinder.volume_list_paged(
                self.request, search_opts=search_opts, marker=marker,
                sort_dir=sort_dir)
        volumes, self._has_more_data, self._has_prev_data = page
        self.table.list_ends(volumes)
        self.label_searched = label
        return volumes

    def list_protections(self):
        return plugin_choice.project_protections(self.request)

    def get_schedules_data(self):
        try:
            volumes = list(self.list_volumes())
            protections = list(self.list_protections()) if volumes else []
        except errors.VolsnapAPIError as exc:
            message = self.unavailable % exc
            exceptions.handle(self.request, message)
            self.table._meta.no_data_message = message
            return []
        rows = self.rows(volumes, protections)
        if self.label_searched:
            rows = [row for row in rows if schedule_rows.label_matches(
                row.label, self.label_searched)]
        return self.table.rows_of_chosen_state(rows)

    def viewer_project(self):
        """The project whose member views the tab (their volumes' project,
        which their listing does not show), or None for an administrator
        looking at every project's."""
        return self.request.user.project_id

    def rows(self, volumes, protections):
        return schedule_rows.rows(volumes, protections,
                                  schedules_api.min_interval(),
                                  project_id=self.viewer_project())


class ScheduleMixin:
    """A view about one schedule of the project, read once a request."""

    index_url_name = 'horizon:project:volume_protection:index'
    table_class = schedule_tables.SchedulesTable

    @property
    def index_url(self):
        return schedules_tab_url(self.index_url_name)

    def find(self):
        return schedules_api.find(self.request, self.kwargs['volume_id'],
                                  self.kwargs['schedule_id'])

    def protections_of(self, volume, schedule):
        return schedules_api.protections_of(self.request, schedule)

    @memoized.memoized_method
    def get_row(self):
        try:
            volume, schedule = self.find()
            protections = self.protections_of(volume, schedule)
        except errors.VolsnapAPIError as exc:
            exceptions.handle(self.request, _(
                "Unable to retrieve the schedule: %s") % exc,
                redirect=self.index_url)
        at = times.now()
        [schedule] = schedule_rows.shown(volume, [schedule], at, NEXT_RUNS)
        return schedule_rows.ScheduleRow(volume, schedule, protections, at)


def _history(row, zone):
    """The runs the schedule recorded, newest first, for the page."""
    entries = []
    for entry in reversed(row.last.history if row.last else []):
        entries.append({
            'slot': schedule_tables.time_html(entry.get('slot'), zone),
            'outcome': schedule_tables.outcome_text(entry.get('outcome')),
            'reason': recorded_reasons.translated(entry.get('reason')),
            'snapshot': entry.get('snapshot'),
            'deleted': entry.get('deleted') or [],
            'deleted_more': entry.get('deleted_more') or 0})
    return entries


class ScheduleDetailView(policy.PolicyRequiredMixin, ScheduleMixin,
                         views.HorizonTemplateView):
    template_name = 'volume_protection/schedules/detail.html'
    page_title = _("Schedule: {{ schedule_title }}")
    policy_rules = policy.GET_SCHEDULES
    volume_url_name = 'horizon:project:volumes:detail'
    snapshot_url_name = 'horizon:project:volume_protection:detail'

    def trust_exists(self, trust_id):
        """Whether Keystone holds the viewer's own trust for the volume's
        project (one call, with their token: a fact the page checks rather
        than the scheduler's record, which members can write); None if it
        cannot tell."""
        try:
            trust = keystone.trust_get(self.request, trust_id)
        except errors.NotFound:
            return False
        except errors.VolsnapAPIError:
            return None
        return (trust.trustor_user_id == self.request.user.id
                and trust.project_id == self.get_row().project_id)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        row = self.get_row()
        zone = schedule_tables.user_zone(self.request)
        context['row'] = row
        context['schedule_title'] = _("%(schedule)s of %(volume)s") % {
            'schedule': row.label, 'volume': row.volume_name}
        state = dict(schedule_tables.STATE_DISPLAY)[row.state]
        if row.state == schedule_states.PAUSED:
            state = schedule_tables.paused_text(
                row, self.request.user.id, zone) or state
        if row.recorded:
            context['state'] = schedule_tables.recorded_text(state,
                                                             row.reason)
        else:
            context['state'] = state
            context['state_reason'] = row.reason
        context['zone'] = zone
        if row.valid:
            schedule = row.schedule
            context['when'] = words.describe(schedule.when)
            context['cron'] = schedule.when.cron
            context['retention'] = words.describe_retention(
                schedule.retention)
            context['verification'] = verify_marks.every_runs(
                schedule.verify_every)
            context['owner_is_user'] = \
                schedule.owner_id == self.request.user.id
            if context['owner_is_user']:
                context['trust_exists'] = self.trust_exists(
                    schedule.trust_id)
            elif schedule.owner_id:
                context['owner_name'] = keystone.user_name(
                    self.request, schedule.owner_id)
            context['created'] = schedule_tables.time_html(
                schedule.created, zone)
            context['last_run'] = schedule_tables.time_html(
                row.last.last_run, zone)
            context['missed'] = row.last.missed
            context['failures'] = row.last.failures
        context['next_runs'] = [
            {'local': schedule_tables.in_zone(run, zone),
             'utc': times.utc_label(run)}
            for run in schedule_rows.next_runs(
                row.schedule, times.now(), NEXT_RUNS)]
        context['history'] = _history(row, zone)
        context['snapshots'] = sorted(
            row.protections, key=lambda s: getattr(s, 'created_at', '') or '',
            reverse=True)
        context['volume_url'] = reverse(self.volume_url_name,
                                        args=(row.volume_id,))
        context['snapshot_url_name'] = self.snapshot_url_name
        plugin = row.plugin
        if plugin is not None and plugin is not plugin_choice.volume_plugin():
            # Its protections (backups) have no page of their own here.
            context['snapshot_url_name'] = None
            context['kinds'] = plugin.verbose_name_plural
        context['actions'] = self.table_class(
            self.request).render_row_actions(row)
        context['url'] = self.index_url
        return context


class ScheduleFormView(policy.PolicyRequiredMixin, ScheduleMixin,
                       forms.ModalFormView):
    """A modal form about one schedule; ``submit_url`` is a URL name."""

    def get_success_url(self):
        return self.index_url

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs['volume_id'] = self.kwargs['volume_id']
        kwargs['schedule_id'] = self.kwargs['schedule_id']
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context['submit_url'] = reverse(self.submit_url, args=(
            self.kwargs['volume_id'], self.kwargs['schedule_id']))
        context['cancel_url'] = self.index_url
        context['row'] = self.get_row()
        return context


class DeleteScheduleView(ScheduleFormView):
    form_class = schedule_forms.DeleteScheduleForm
    template_name = 'volume_protection/schedules/delete.html'
    modal_id = 'delete_schedule_modal'
    submit_label = _("Delete Schedule")
    submit_url = 'horizon:project:volume_protection:delete_schedule'
    page_title = _("Delete Schedule")
    policy_rules = policy.DELETE_SCHEDULE

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs['held'] = len(self.get_row().protections)
        return kwargs


class TakeOverScheduleView(ScheduleFormView):
    form_class = schedule_forms.TakeOverScheduleForm
    template_name = 'volume_protection/schedules/take_over.html'
    modal_id = 'take_over_schedule_modal'
    submit_label = _("Take Over")
    submit_url = 'horizon:project:volume_protection:take_over_schedule'
    page_title = _("Take Over Schedule")
    policy_rules = policy.CHANGE_SCHEDULE

    def get_row(self):
        row = super().get_row()
        if not isinstance(row.schedule, model.Schedule):
            messages.error(self.request, _(
                "This schedule cannot be read: delete it and create it "
                "again."))
            raise exceptions.Http302(self.index_url)
        return row


class QuotaForecastView(policy.PolicyRequiredMixin, generic.View):
    """A warning when the project's schedules will not fit its quota once
    their retention is full (an HTML fragment, empty when they fit or
    when Cinder cannot tell: the schedule forms forecast it again). The
    Volumes tab asks for it once shown (static/volsnap_dashboard/js/
    quota_forecast.js), as it lists every scheduled volume."""

    policy_rules = policy.GET_SCHEDULES
    template_name = 'volume_protection/_quota_forecast.html'

    def get(self, request, *args, **kwargs):
        try:
            found = schedules_api.project_overflow(request)
        except errors.NotAuthenticated:
            raise  # Horizon sends the user to the login page
        except errors.VolsnapAPIError as exc:
            LOG.info("Quota forecast left out: %s", type(exc).__name__)
            found = None
        return TemplateResponse(request, self.template_name, {
            'needs': schedule_preview.needs_text(found) if found else ''})
