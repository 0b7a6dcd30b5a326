"""The modal that adopts an orphaned snapshot into one of its volume's
schedules."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from horizon import exceptions
from horizon import messages
from horizon.utils import memoized

from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import errors
from volsnap_dashboard.dashboards.orphans import finder as orphans
from volsnap_dashboard.dashboards.orphans import forms as orphan_forms
from volsnap_dashboard.dashboards.orphans import tables as orphan_tables
from volsnap_dashboard.dashboards.snapshots import views
from volsnap_dashboard import policy


class AdoptView(views.SnapshotFormView):
    form_class = orphan_forms.AdoptForm
    template_name = 'volume_protection/adopt_orphan.html'
    modal_id = 'adopt_orphan_modal'
    submit_label = _("Adopt")
    submit_url = 'horizon:project:volume_protection:adopt_orphan'
    page_title = _("Adopt into a Schedule")
    policy_rules = policy.ADOPT

    @property
    def index_url(self):
        return '%s?tab=%s__%s' % (
            reverse('horizon:project:volume_protection:index'),
            orphan_tables.TAB_GROUP_SLUG, orphan_tables.TAB_SLUG)

    def get_success_url(self):
        return self.index_url

    @memoized.memoized_method
    def get_schedules(self):
        snapshot = self.get_snapshot()
        try:
            volume = cinder.volume_get(self.request, snapshot.volume_id)
        except errors.NotFound:
            volume = None
        except errors.VolsnapAPIError as exc:
            exceptions.handle(self.request, _(
                "Unable to retrieve the snapshot's volume: %s") % exc,
                redirect=self.index_url)
        schedules = orphans.adoptable_by(snapshot, volume)
        if not schedules:
            messages.error(self.request, _(
                "No schedule of this snapshot's volume can adopt it: it is "
                "no snapshot of a deleted schedule, the volume is gone, or "
                "it has no other valid schedule."))
            raise exceptions.Http302(self.index_url)
        return schedules

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs['snapshot'] = self.get_snapshot()
        kwargs['schedules'] = self.get_schedules()
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context['cancel_url'] = self.index_url
        return context
