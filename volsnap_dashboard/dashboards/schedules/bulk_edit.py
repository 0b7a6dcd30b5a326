"""Edit Schedules: the settings of the steps given to every ticked
schedule at once (when it runs, its protection options, its retention),
each schedule keeping its label, its history and its snapshots.

The steps are those of Edit Schedule, filled with the first schedule's
settings; the Review step previews and forecasts them for all the
volumes together. The schedules come from one listing of the project's
scheduled volumes and their snapshots from one listing, however many are
ticked; each is saved on its own, so one failure does not stop the rest.
"""

import functools

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from horizon import exceptions
from horizon import messages

from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import errors
from volsnap_dashboard.dashboards.common import tables as common_tables
from volsnap_dashboard.dashboards.schedules import api as schedules_api
from volsnap_dashboard.dashboards.schedules import guard as schedule_guard
from volsnap_dashboard.dashboards.schedules import rows as schedule_rows
from volsnap_dashboard.dashboards.schedules import workflows
from volsnap_dashboard.protection.parameters import InvalidParameters
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import model
from volsnap_dashboard.protection.schedule import words

#: The query (and form) parameter naming each ticked schedule's row.
ROW_PARAM = 'row'


def row_ids(request):
    """The ticked rows a GET or a POST names, each once, bounded."""
    given = (request.POST if request.method == 'POST'
             else request.GET).getlist(ROW_PARAM)
    return list(dict.fromkeys(given))[:common_tables.MAX_CARRIED]


class BulkResources(workflows.ScheduleResources):
    """The resources of the edit of several schedules: ``edited`` is the
    first one (whose settings fill the steps)."""

    bulk = True

    def __init__(self, request, plugin, rows, index_url=None):
        super().__init__(request, plugin, index_url=index_url)
        self.rows = rows

    @property
    def editing(self):
        return True

    @functools.cached_property
    def chosen(self):
        """``[(volume, schedule)]``: the ticked schedules the user may
        edit, found in one listing of the project's scheduled volumes.
        Any other (gone, unreadable, not a schedule row) is said left out;
        none left sends the user back to the Schedules tab."""
        request = self.request
        pairs = []
        for row in self.rows:
            try:
                pairs.append(schedule_rows.split_row_id(row))
            except ValueError:
                continue
        try:
            volumes = cinder.volume_list(
                request, search_opts=codec.scheduled_volumes_filter())
        except errors.VolsnapAPIError as exc:
            exceptions.handle(request, _(
                "Unable to retrieve the schedules: %s") % exc,
                redirect=self.index_url)
        by_id = {volume.id: volume for volume in volumes}
        chosen = []
        for volume_id, schedule_id in pairs:
            volume = by_id.get(volume_id)
            found = volume and schedule_guard.schedule_of(
                volume, schedule_id, schedules_api.min_interval(),
                request.user.project_id)
            if isinstance(found, model.Schedule):
                chosen.append((volume, found))
        # One plugin's options for all: those of another plugin than the
        # first one's are left out.
        other_kind = [pair for pair in chosen
                      if pair[1].plugin != chosen[0][1].plugin] \
            if chosen else []
        chosen = [pair for pair in chosen if pair not in other_kind]
        if other_kind and request.method == 'GET':
            messages.warning(request, ngettext(
                "%d ticked schedule is left out: it makes another kind of "
                "protection than the first one (edit it apart).",
                "%d ticked schedules are left out: they make another kind "
                "of protection than the first one (edit them apart).",
                len(other_kind)) % len(other_kind))
        left_out = len(self.rows) - len(chosen) - len(other_kind)
        if not chosen:
            messages.error(request, _(
                "None of the ticked schedules can be edited: they were "
                "deleted, or cannot be read."))
            raise exceptions.Http302(
                workflows.ScheduleWorkflow.success_url_for())
        if left_out and request.method == 'GET':
            messages.warning(request, ngettext(
                "%d ticked schedule is left out: it was deleted, or cannot "
                "be read (edit it on its own).",
                "%d ticked schedules are left out: they were deleted, or "
                "cannot be read (edit them on their own).", left_out)
                % left_out)
        return chosen

    @property
    def edited(self):
        return self.chosen[0]

    def edited_ids(self):
        return [(volume.id, schedule.id) for volume, schedule in self.chosen]

    def edited_volumes(self):
        return [volume for volume, _schedule in self.chosen]

    def held_protections(self):
        return schedules_api.protections_of_many(
            self.request, [schedule for _volume, schedule in self.chosen])


class ChosenAction(workflows.ScheduleAction):
    """The ticked schedules, carried as hidden fields (the form posts to
    its bare URL), and what saving will do to them."""

    row = forms.MultipleChoiceField(widget=forms.MultipleHiddenInput)

    class Meta:
        name = _("Schedules")
        slug = 'schedules'
        help_text_template = ('volume_protection/schedule_workflow/'
                              '_bulk_schedules_help.html')

    def __init__(self, request, context, *args, **kwargs):
        super().__init__(request, context, *args, **kwargs)
        ids = [schedule_rows.row_id(volume.id, schedule.id)
               for volume, schedule in self.resources.chosen]
        self.fields['row'].choices = [(row, row) for row in ids]
        # Not the context's (the query's last "row" only).
        self.initial['row'] = ids

    def get_help_text(self, extra_context=None):
        listed = [{'label': schedule_rows.schedule_label(schedule),
                   'volume': volume.name or volume.id,
                   'when': words.describe(schedule.when),
                   'retention': words.describe_retention(schedule.retention)}
                  for volume, schedule in self.resources.chosen]
        return super().get_help_text(dict(extra_context or {},
                                          schedules=listed))


class ChosenStep(workflows.ScheduleStep):
    action_class = ChosenAction
    contributes = ('row',)


class EditSchedules(workflows.ScheduleWorkflow):
    slug = 'edit_schedules'
    name = _("Edit Schedules")
    finalize_button_name = _("Save")
    default_steps = (ChosenStep, workflows.WhenStep, workflows.OptionsStep,
                     workflows.RetentionStep, workflows.ReviewStep)

    def save(self, request, context):
        """Each ticked schedule saved with the steps' settings; one that
        fails is said, and the others are saved."""
        chosen = self.resources.chosen
        for volume, schedule in chosen:
            self.refuse_duplicates(context, [volume], ignore_id=schedule.id)
        held = workflows.held_or_none(self.resources)
        found = (self.refuse_over_quota(
            context, self.resources.edited_volumes(), held)
            if held is not None else None)
        saved = []
        for volume, schedule in chosen:
            try:
                schedules_api.update(
                    request, volume.id, schedule.id, when=context['when'],
                    options=context['options'],
                    name_template=context['name_template'],
                    retention=context['retention'],
                    verify_every=context.get('verify_every'))
            except InvalidParameters as exc:
                if not saved:  # the same settings fail for all
                    self.refuse_invalid(exc)
                self._unable(request, volume, schedule, exc)
                continue
            except errors.VolsnapAPIError as exc:
                self._unable(request, volume, schedule, exc)
                continue
            saved.append(volume)
        if not saved:
            self.refuse(_("No schedule was saved: see why above."))
        self.outcome = ngettext(
            'Saved the schedule of volume %(volumes)s.',
            'Saved the schedules of volumes %(volumes)s.', len(saved)) % {
                'volumes': ', '.join(volume.name or volume.id
                                     for volume in saved)}
        if found is not None and not found.fits:
            self.outcome = '%s %s' % (self.outcome,
                                      workflows.OVER_QUOTA_SAVED)
        return True

    @staticmethod
    def _unable(request, volume, schedule, reason):
        messages.error(request, _(
            'Unable to save the schedule "%(schedule)s" of volume '
            '"%(volume)s": %(reason)s') % {
            'schedule': schedule_rows.schedule_label(schedule),
            'volume': volume.name or volume.id, 'reason': reason})
