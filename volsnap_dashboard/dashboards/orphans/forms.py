"""Adopt an orphaned snapshot into one of its volume's schedules.

The snapshot's schedule mark is rewritten to the chosen schedule, whose
retention then counts it and deletes it in its turn. Only a valid
schedule of the snapshot's own volume, in the snapshot's project, can
adopt it; the choices come from Cinder, never from the form.
"""

from django import forms as django_forms
from django.utils.translation import gettext_lazy as _
from horizon import exceptions
from horizon import forms
from horizon import messages

from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import errors
from volsnap_dashboard.dashboards.orphans import finder as orphans
from volsnap_dashboard.dashboards.schedules import rows as schedule_rows
from volsnap_dashboard.protection.schedule import words


def schedule_choice(schedule):
    if not schedule.label:  # its timing says it
        return (schedule.id, _("%(when)s (%(keep)s)") % {
            'when': words.describe(schedule.when),
            'keep': words.describe_retention(schedule.retention)})
    return (schedule.id, _("%(label)s (%(when)s, %(keep)s)") % {
        'label': schedule.label,
        'when': words.describe(schedule.when),
        'keep': words.describe_retention(schedule.retention)})


class AdoptForm(forms.SelfHandlingForm):
    schedule = django_forms.ChoiceField(
        label=_("Schedule"),
        help_text=_("Its retention manages the snapshot from its next "
                    "run: it may delete it."))

    def __init__(self, request, *args, snapshot=None, schedules=(),
                 **kwargs):
        super().__init__(request, *args, **kwargs)
        self.snapshot = snapshot
        self.schedules = {schedule.id: schedule for schedule in schedules}
        self.fields['schedule'].choices = [
            schedule_choice(schedule) for schedule in schedules]

    def handle(self, request, data):
        schedule = self.schedules[data['schedule']]
        name = self.snapshot.name or self.snapshot.id
        try:
            cinder.snapshot_set_metadata(
                request, self.snapshot.id, orphans.adoption_metadata(
                    schedule))
        except errors.VolsnapAPIError as exc:
            exceptions.handle(request, _(
                'Unable to adopt snapshot "%(name)s": %(reason)s') % {
                'name': name, 'reason': exc})
            return False
        said = {'name': name,
                'schedule': schedule_rows.schedule_label(schedule)}
        if orphans.is_kept(self.snapshot):
            # Kept, its new schedule's retention would never manage it.
            try:
                cinder.snapshot_delete_metadata(request, self.snapshot.id,
                                                [orphans.KEPT_KEY])
            except errors.VolsnapAPIError as exc:
                messages.warning(request, _(
                    'Snapshot "%(name)s" now belongs to schedule '
                    '"%(schedule)s", but is still kept, out of its '
                    'retention\'s reach: %(reason)s') % dict(said,
                                                             reason=exc))
                return True
        messages.success(request, _(
            'Snapshot "%(name)s" now belongs to schedule "%(schedule)s".')
            % said)
        return True
