import json

from django.urls import reverse
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from horizon import exceptions
from horizon import forms
from horizon import messages
from horizon import views
from horizon.utils import memoized

from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import cinder_facts
from volsnap_dashboard.api import errors
from volsnap_dashboard.dashboards.common import plugin_choice
from volsnap_dashboard.dashboards.common import submissions
from volsnap_dashboard.dashboards.common import views as common_views
from volsnap_dashboard.dashboards.snapshots import decorations
from volsnap_dashboard.dashboards.snapshots import forms as protection_forms
from volsnap_dashboard.dashboards.snapshots import tables as protection_tables
from volsnap_dashboard.dashboards.volumes import picker as volume_picker
from volsnap_dashboard.protection import verification
from volsnap_dashboard import policy

INDEX_URL = common_views.INDEX_URL


def project_name_of(names, project_id):
    return names.get(project_id) or project_id


class ProtectView(policy.PolicyRequiredMixin, submissions.RefuseRepeatsMixin,
                  forms.ModalFormView):
    """The protect form: its volume picker costs one capped Cinder listing
    to show (and one whole listing to check what a POST picked)."""

    form_class = protection_forms.ProtectForm
    template_name = 'volume_protection/protect.html'
    modal_id = 'protect_volumes_modal'
    submit_label = _("Protect")
    submit_url = reverse_lazy('horizon:project:volume_protection:protect')
    success_url = INDEX_URL
    page_title = _("Protect Volumes")
    policy_rules = policy.PROTECT
    plugin_action = 'protect'

    @memoized.memoized_method
    def _offer(self):
        try:
            # "Protect" from volumes: they are ticked.
            return volume_picker.offer(self.request,
                                       volume_picker.picked_ids(self.request))
        except errors.VolsnapAPIError as exc:
            exceptions.handle(self.request, _(
                "Unable to retrieve volumes: %s") % exc, redirect=INDEX_URL)

    @memoized.memoized_method
    def _plugin(self):
        return common_views.volume_plugin_or_redirect(self.request)

    @memoized.memoized_method
    def _limits(self):
        """The quota the chosen plugin's protections count against."""
        try:
            return cinder.protection_quota(self.request, self._plugin())
        except errors.VolsnapAPIError as exc:
            exceptions.handle(self.request, _(
                "Unable to retrieve your quota: %s") % exc,
                redirect=INDEX_URL)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs['plugin'] = self._plugin()
        kwargs['offer'] = self._offer()
        kwargs['limits'] = self._limits()
        kwargs['search_url'] = reverse(
            'horizon:project:volume_protection:protect_volumes')
        try:
            kwargs['force_supported'] = cinder.force_matters(
                self.request, self._plugin())
        except errors.VolsnapAPIError as exc:
            exceptions.handle(self.request, str(exc), redirect=INDEX_URL)
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context['limits'] = self._limits()
        context['pending'] = context['form'].pending()
        plugin = self._plugin()
        context['plugin'] = plugin
        # The POST keeps the plugin chosen (the form is the plugin's).
        context['submit_url'] = plugin_choice.with_plugin(
            str(self.submit_url), plugin)
        context['plugin_choices'] = plugin_choice.choices(
            self.request, plugin)
        return context

    def form_invalid(self, form):
        # Horizon makes the context with a form of its own: the bars
        # count what the posted form asks for.
        response = super().form_invalid(form)
        response.context_data['pending'] = form.pending()
        return response


class ProtectVolumeSearchView(policy.PolicyRequiredMixin,
                              volume_picker.VolumeSearchView):
    """The protect form's volume searches."""

    policy_rules = policy.PROTECT


class SnapshotMixin:
    """A view about one snapshot, read once per request."""

    index_url = INDEX_URL
    # Cinder answers 404 alike for a deleted snapshot and for another
    # project's: the message is right for both.
    not_found = _("Snapshot %s was not found: it does not exist (it may "
                  "have been deleted), or it is not in your project.")

    @memoized.memoized_method
    def get_snapshot(self):
        try:
            return cinder.snapshot_get(self.request,
                                       self.kwargs['snapshot_id'])
        except errors.NotFound:
            exceptions.handle(self.request, self.not_found
                              % self.kwargs['snapshot_id'], details='',
                              redirect=self.index_url)
        except errors.VolsnapAPIError as exc:
            exceptions.handle(self.request, _(
                "Unable to retrieve snapshot: %s") % exc,
                redirect=self.index_url)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context['snapshot'] = self.get_snapshot()
        return context


class SnapshotFormView(policy.PolicyRequiredMixin, SnapshotMixin,
                       forms.ModalFormView):
    """A modal form about one snapshot; ``submit_url`` is a URL name."""

    success_url = INDEX_URL

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context['submit_url'] = reverse(self.submit_url,
                                        args=(self.kwargs['snapshot_id'],))
        return context


class RestoreLimitsMixin:
    """The project's limits for a restore form's bars; None (no bars,
    Cinder checks alone) if Cinder cannot tell: the restore itself may
    still work."""

    @memoized.memoized_method
    def _limits(self):
        return protection_forms.limits_or_none(self.request)


class RestoreView(submissions.RefuseRepeatsMixin, RestoreLimitsMixin,
                  SnapshotFormView):
    form_class = protection_forms.RestoreForm
    template_name = 'volume_protection/restore.html'
    modal_id = 'restore_snapshot_modal'
    submit_label = _("Restore")
    submit_url = 'horizon:project:volume_protection:restore'
    page_title = _("Restore to a New Volume")
    policy_rules = policy.RESTORE
    plugin_action = 'restore'

    @memoized.memoized_method
    def _plugin(self):
        return common_views.volume_plugin_or_redirect(self.request)

    @memoized.memoized_method
    def get_snapshot(self):
        """What is restored: a snapshot as Cinder shows it for the
        default plugin, else the chosen plugin's protection."""
        plugin = self._plugin()
        if plugin is plugin_choice.volume_plugin():
            return super().get_snapshot()
        protection_id = self.kwargs['snapshot_id']
        try:
            return cinder.protection_get(self.request, plugin,
                                         protection_id)
        except errors.NotFound:
            exceptions.handle(self.request, _(
                "%(kind)s %(id)s was not found: it does not exist (it may "
                "have been deleted), or it is not in your project.") % {
                    'kind': str(plugin.verbose_name).capitalize(),
                    'id': protection_id}, details='',
                redirect=self.index_url)
        except errors.VolsnapAPIError as exc:
            exceptions.handle(self.request, _(
                "Unable to retrieve the %(kind)s: %(reason)s") % {
                    'kind': plugin.verbose_name, 'reason': exc},
                redirect=self.index_url)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs['plugin'] = self._plugin()
        kwargs['snapshot'] = self.get_snapshot()
        kwargs['limits'] = self._limits()
        if self._plugin().restore_chooses_type:
            try:
                kwargs['volume_types'] = cinder.volume_type_names(
                    self.request)
            except errors.VolsnapAPIError as exc:
                # The default type still works: Cinder chooses it.
                messages.warning(self.request, _(
                    "Unable to list the volume types: %s") % exc)
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context['limits'] = self._limits()
        context['plugin'] = self._plugin()
        context['submit_url'] = plugin_choice.with_plugin(
            context['submit_url'], self._plugin())
        return context


class UpdateView(SnapshotFormView):
    form_class = protection_forms.UpdateForm
    template_name = 'volume_protection/update.html'
    modal_id = 'update_snapshot_modal'
    submit_label = _("Save")
    submit_url = 'horizon:project:volume_protection:update'
    page_title = _("Edit Snapshot")
    policy_rules = policy.UPDATE

    def get_initial(self):
        snapshot = self.get_snapshot()
        return {'snapshot_id': snapshot.id, 'name': snapshot.name,
                'description': snapshot.description}

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs['snapshot'] = self.get_snapshot()
        return kwargs


class MetadataView(UpdateView):
    form_class = protection_forms.MetadataForm

    def get_form_kwargs(self):
        return SnapshotFormView.get_form_kwargs(self)
    template_name = 'volume_protection/metadata.html'
    submit_url = 'horizon:project:volume_protection:metadata'
    page_title = _("Update Snapshot Metadata")
    modal_id = 'snapshot_metadata_modal'
    policy_rules = policy.UPDATE_METADATA

    def get_initial(self):
        snapshot = self.get_snapshot()
        metadata = dict(getattr(snapshot, 'metadata', None) or {})
        return {'snapshot_id': snapshot.id,
                'shown': json.dumps(metadata, sort_keys=True),
                'metadata': '\n'.join('%s=%s' % item
                                      for item in sorted(metadata.items()))}


class DetailView(policy.PolicyRequiredMixin, SnapshotMixin,
                 views.HorizonTemplateView):
    template_name = 'volume_protection/detail.html'
    page_title = _("Snapshot: {{ snapshot_name }}")
    policy_rules = policy.GET
    table_class = protection_tables.ProtectedSnapshotsTable
    volume_url_name = 'horizon:project:volumes:detail'
    restored_in_all_projects = False

    def project_names(self):
        """Project id -> name, where the page names projects."""
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        snapshot = context['snapshot']
        context['snapshot_name'] = snapshot.name or snapshot.id
        context['metadata'] = sorted(
            (getattr(snapshot, 'metadata', None) or {}).items())
        try:
            context['source_volume'] = cinder.volume_get(self.request,
                                                         snapshot.volume_id)
        except errors.VolsnapAPIError:
            context['source_volume'] = None
        # The marks of its row, as a refreshed row has them, shown by the
        # table's own columns.
        table = self.table_class(self.request)
        table.decorate_rows(self.request, [snapshot], decorations.RowVolume(
            context['source_volume']))
        context['cells'] = {name: table.columns[name].get_data(snapshot)
                            for name in ('status', 'schedule',
                                         'verification', 'group_snapshot')}
        context['group_snapshot_url'] = table.columns[
            'group_snapshot'].get_link_url(snapshot)
        plugin = plugin_choice.volume_plugin()
        try:
            context['restored_volumes'] = [] if plugin is None else \
                cinder.volumes_restored_from(
                    self.request, plugin, snapshot.id,
                    all_projects=self.restored_in_all_projects,
                    created_at=getattr(snapshot, 'created_at', None))
        except errors.VolsnapAPIError as exc:
            exceptions.handle(self.request, _(
                "Unable to retrieve the volumes restored from this "
                "snapshot: %s") % exc)
            context['restored_volumes'] = []
        for volume in context['restored_volumes']:
            volume.temporary_verification = \
                verification.is_verification_volume(volume)
        names = self.project_names()
        context['names_projects'] = names is not None
        if names is not None:
            context['project_name'] = project_name_of(
                names, cinder_facts.snapshot_project(snapshot))
            for volume in context['restored_volumes']:
                volume.project_name = project_name_of(
                    names, cinder_facts.volume_project(volume))
        context['volume_url_name'] = self.volume_url_name
        context['actions'] = table.render_row_actions(snapshot)
        context['url'] = self.index_url
        return context
