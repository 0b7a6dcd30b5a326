"""Modal forms about one schedule: delete it (keeping its snapshots unless
asked), take it over.

Horizon's batch-action confirmation has no options, hence a form for
the delete. The schedule's ids come from the URL, not from the form.
"""

from django import forms as django_forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from horizon import exceptions
from horizon import forms
from horizon import messages

from volsnap_dashboard.api import errors
from volsnap_dashboard.dashboards.schedules import api as schedules_api

KEEP = 'keep'
DELETE = 'delete'


class ScheduleForm(forms.SelfHandlingForm):
    """A form about the schedule ``schedule_id`` of ``volume_id``."""

    def __init__(self, request, *args, volume_id=None, schedule_id=None,
                 **kwargs):
        super().__init__(request, *args, **kwargs)
        self.volume_id = volume_id
        self.schedule_id = schedule_id


class DeleteScheduleForm(ScheduleForm):
    snapshots = django_forms.ChoiceField(
        label=_("Its snapshots"), widget=django_forms.RadioSelect,
        initial=KEEP, required=True)

    #: Said when the schedule's trust was not deleted.
    trust_left_message = _(
        "The authorization its owner gave the scheduler (a Keystone "
        "trust) remains: only that user or an administrator can delete "
        "it. It acts on nothing once its schedule is gone.")

    def __init__(self, request, *args, held=0, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields['snapshots'].choices = (
            (KEEP, ngettext(
                "Keep the snapshot it holds (retention no longer "
                "deletes it)",
                "Keep the %(count)d snapshots it holds (retention no "
                "longer deletes them)", held) % {'count': held}),
            (DELETE, ngettext(
                "Delete the snapshot it holds",
                "Delete the %(count)d snapshots it holds", held)
                % {'count': held}),
        )

    def delete(self, request, keep_protections):
        """Delete the schedule; an Outcome."""
        return schedules_api.delete(request, self.volume_id,
                                    self.schedule_id,
                                    keep_protections=keep_protections)

    def handle(self, request, data):
        keep = data['snapshots'] == KEEP
        try:
            outcome = self.delete(request, keep)
        except errors.VolsnapAPIError as exc:
            exceptions.handle(request, _(
                "Unable to delete the schedule: %s") % exc)
            return False
        deleted = outcome.protections_deleted
        if keep:
            messages.success(request, _(
                "Deleted the schedule; its snapshots were kept."))
        else:
            messages.success(request, ngettext(
                "Deleted the schedule and %(count)d snapshot.",
                "Deleted the schedule and %(count)d snapshots.", deleted)
                % {'count': deleted})
        if outcome.trust_left:
            messages.warning(request, self.trust_left_message)
        return True


class TakeOverScheduleForm(ScheduleForm):

    def handle(self, request, data):
        try:
            outcome = schedules_api.take_over(request, self.volume_id,
                                              self.schedule_id)
        except errors.VolsnapAPIError as exc:
            exceptions.handle(request, _(
                "Unable to take over the schedule: %s") % exc)
            return False
        messages.success(request, _(
            "The schedule now runs with your authorization."))
        if outcome.trust_left:
            messages.warning(request, _(
                "The previous owner's authorization (a Keystone trust) "
                "remains until that user or an administrator deletes it; "
                "the schedule no longer uses it."))
        return True
