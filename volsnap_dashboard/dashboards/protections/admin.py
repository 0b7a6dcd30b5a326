"""Every project's backups for administrators (Admin > Volume > Volume
Protection): with their project, Delete, Force Delete and Reset Status
through each row's plugin, as Horizon's admin Backups panel offers."""

from django import forms as django_forms
from django.urls import reverse
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from horizon import exceptions
from horizon import forms
from horizon import messages
from horizon import tables
from horizon.utils import memoized

from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import errors
from volsnap_dashboard.api import keystone
from volsnap_dashboard.dashboards.common import plugin_choice
from volsnap_dashboard.dashboards.common import statuses
from volsnap_dashboard.dashboards.common import tables as common_tables
from volsnap_dashboard.dashboards.common import views as common_views
from volsnap_dashboard.dashboards.protections import rows as protection_rows
from volsnap_dashboard.dashboards.protections import tables as \
    protection_tables
from volsnap_dashboard.dashboards.protections import tabs as protection_tabs
from volsnap_dashboard.protection import parameters
from volsnap_dashboard import policy

INDEX_URL = reverse_lazy('horizon:admin:volume_protection:index')
TAB_QUERY = '?tab=volume_protection__admin_protections'


def has_admin_actions(row):
    return bool(row.plugin.resettable_statuses)


class ForceDeleteProtections(common_tables.GoneRowsBatchMixin,
                             protection_tables.PluginRulesMixin,
                             tables.BatchAction):
    name = 'force_delete'
    # "danger" makes Horizon ask for a confirmation before it submits.
    action_type = 'danger'
    icon = 'trash'
    plugin_action = 'force_delete'
    help_text = _("Force delete removes one stuck in Creating, Deleting or "
                  "Error Deleting, whatever the back end reports.")

    @staticmethod
    def action_present(count):
        return _("Force Delete %s") % protection_tables.kinds(count)

    @staticmethod
    def action_past(count):
        return _("Scheduled force deletion of %s") % \
            protection_tables.kinds(count)

    def allowed(self, request, row=None):
        return row is None or has_admin_actions(row)

    def action(self, request, obj_id):
        row = protection_tables.listed_row(self.table, obj_id)
        try:
            gone = cinder.protection_force_delete(request, row.plugin,
                                                  obj_id)
        except errors.VolsnapAPIError as exc:
            exceptions.handle(request, _(
                'Unable to force delete "%(name)s": %(reason)s') % {
                    'name': row.name or row.id, 'reason': exc},
                escalate=True)
        if not gone:
            common_tables.report_already_gone(request, _(
                '"%s" no longer exists: it was already deleted.')
                % (row.name or row.id))


class ResetProtectionStatus(protection_tables.PluginRulesMixin,
                            tables.LinkAction):
    name = 'reset_status'
    verbose_name = _("Reset Status")
    classes = ('ajax-modal',)
    plugin_action = 'reset_status'

    def get_link_url(self, row):
        return plugin_choice.with_plugin(reverse(
            'horizon:admin:volume_protection:reset_protection_status',
            args=(row.id,)), row.plugin)

    def allowed(self, request, row=None):
        return row is None or has_admin_actions(row)


def project_name(row):
    return getattr(row, 'project_name', None) or row.project_id


class AdminProtectionsTable(protection_tables.ProtectionsTable):
    project = tables.WrappingColumn(project_name, verbose_name=_("Project"))
    tab_query_value = 'volume_protection__admin_protections'

    class Meta:
        name = 'admin_protections'
        verbose_name = _("Protections")
        status_columns = ('status',)
        row_class = protection_tables.UpdateRow
        pagination_param = protection_tables.MARKER_PARAM
        prev_pagination_param = protection_tables.PREV_MARKER_PARAM
        columns = ('project', 'name', 'kind', 'volume', 'needs', 'size',
                   'status', 'schedule', 'created')
        table_actions = (tables.NameFilterAction,
                         protection_tables.DeleteProtections,
                         ForceDeleteProtections)
        row_actions = (ResetProtectionStatus,
                       protection_tables.DeleteProtections,
                       ForceDeleteProtections)


class AdminProtectionsTab(protection_tabs.OtherProtectionsTab):
    slug = 'admin_protections'
    table_classes = (AdminProtectionsTable,)
    all_projects = True

    def allowed(self, request):
        return bool(protection_rows.other_plugins()) and policy.is_admin(
            request)

    def get_admin_protections_data(self):
        found = self.page_rows()
        try:
            names = keystone.project_names(self.request) if found else {}
        except errors.VolsnapAPIError as exc:
            exceptions.handle(self.request, _(
                "Project names are unavailable right now: %s") % exc)
            names = {}
        for row in found:
            row.project_name = names.get(row.project_id)
        return found


class ResetProtectionStatusForm(forms.SelfHandlingForm):
    use_required_attribute = False

    status = django_forms.ChoiceField(label=_("Status"))
    confirm = django_forms.BooleanField(
        label=_("I understand that this changes only the status Cinder "
                "records, not the data on the back end."),
        error_messages={'required': _(
            "Tick the box to confirm that you understand what resetting "
            "the status does.")})

    def __init__(self, request, *args, **kwargs):
        self.plugin = kwargs.pop('plugin')
        super().__init__(request, *args, **kwargs)
        self.fields['status'].choices = [
            (status, dict(statuses.SNAPSHOT_STATUS_DISPLAY).get(status,
                                                                status))
            for status in self.plugin.resettable_statuses]

    def handle(self, request, data):
        protection_id = self.initial['protection_id']
        name = self.initial.get('name') or protection_id
        try:
            cinder.protection_reset_status(request, self.plugin,
                                           protection_id, data['status'])
        except (errors.VolsnapAPIError, parameters.InvalidParameters) as exc:
            exceptions.handle(request, _(
                'Unable to reset the status of "%(name)s": %(reason)s') % {
                    'name': name, 'reason': exc})
            return False
        messages.success(request, _(
            'The status of %(kind)s "%(name)s" is now %(status)s.') % {
                'kind': self.plugin.verbose_name, 'name': name,
                'status': data['status']})
        return True


class ResetProtectionStatusView(policy.PolicyRequiredMixin,
                                forms.ModalFormView):
    form_class = ResetProtectionStatusForm
    template_name = 'volume_protection/admin/reset_status.html'
    modal_id = 'reset_protection_status_modal'
    submit_label = _("Reset Status")
    page_title = _("Reset Status")
    policy_rules = policy.ADMIN
    plugin_action = 'reset_status'

    def get_success_url(self):
        return str(INDEX_URL) + TAB_QUERY

    @memoized.memoized_method
    def _plugin(self):
        plugin = common_views.volume_plugin_or_redirect(self.request)
        if not plugin.resettable_statuses:
            messages.error(self.request, _(
                "An administrator cannot reset the status of %s here.")
                % plugin.verbose_name_plural)
            raise exceptions.Http302(INDEX_URL)
        return plugin

    @memoized.memoized_method
    def _protection(self):
        try:
            return cinder.protection_get(self.request, self._plugin(),
                                         self.kwargs['protection_id'])
        except errors.VolsnapAPIError as exc:
            exceptions.handle(self.request, _(
                "Unable to retrieve it: %s") % exc, redirect=INDEX_URL)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs['plugin'] = self._plugin()
        return kwargs

    def get_initial(self):
        protection = self._protection()
        return {'protection_id': protection.id,
                'name': protection.name or protection.id,
                'status': protection.status}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context['protection'] = self._protection()
        context['kind'] = str(self._plugin().verbose_name).capitalize()
        context['submit_url'] = plugin_choice.with_plugin(reverse(
            'horizon:admin:volume_protection:reset_protection_status',
            args=(self.kwargs['protection_id'],)), self._plugin())
        return context
