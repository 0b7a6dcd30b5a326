"""The "Revert Volume to This Snapshot" modal."""

from django.utils.translation import gettext_lazy as _
from horizon import exceptions
from horizon import messages
from horizon.utils import memoized

from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import errors
from volsnap_dashboard.dashboards.common import views as common_views
from volsnap_dashboard.dashboards.snapshots.revert import forms as revert_forms
from volsnap_dashboard.dashboards.snapshots import views
from volsnap_dashboard import policy


class RevertView(views.SnapshotFormView):
    form_class = revert_forms.RevertForm
    template_name = 'volume_protection/revert.html'
    modal_id = 'revert_snapshot_modal'
    submit_label = _("Revert Volume")
    submit_url = 'horizon:project:volume_protection:revert'
    page_title = _("Revert Volume to This Snapshot")
    policy_rules = policy.REVERT

    @memoized.memoized_method
    def get_volume(self):
        snapshot = self.get_snapshot()
        try:
            return cinder.volume_get(self.request, snapshot.volume_id)
        except errors.VolsnapAPIError as exc:
            exceptions.handle(self.request, _(
                "Unable to retrieve the snapshot's volume: %s") % exc,
                redirect=self.index_url)

    def get_plugin(self):
        plugin = common_views.volume_plugin_or_redirect(self.request)
        if not plugin.supports_revert:
            messages.error(self.request, _(
                'Protection provider "%s" cannot revert a volume in place.')
                % plugin.name)
            raise exceptions.Http302(self.index_url)
        return plugin

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs['plugin'] = self.get_plugin()
        kwargs['snapshot'] = self.get_snapshot()
        kwargs['volume'] = self.get_volume()
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context['volume'] = self.get_volume()
        context['volume_label'] = revert_forms.volume_label(
            self.get_volume())
        context['snapshot_time'] = revert_forms.snapshot_time(
            self.get_snapshot())
        return context
