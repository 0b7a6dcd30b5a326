"""The Create / Edit Schedule workflow: a step each for the volumes, when
to run, the protection options (from the plugin's options schema), the
retention, and a review with the previews of schedule_preview.

Each step validates its own fields with the engine's rules (timing,
model, naming), so a wrong value is refused on its field; saving goes
through schedules_api, which creates the trust with the user's token.
"""

import copy
import dataclasses
import functools
import types
import zoneinfo

from django import forms
from django.urls import reverse
from django.utils import dates
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from horizon import exceptions
from horizon import messages
from horizon.utils import functions as horizon_utils
from horizon import workflows

from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import cinder_facts
from volsnap_dashboard.api import errors
from volsnap_dashboard.dashboards.common import plugin_choice
from volsnap_dashboard.dashboards.common import submissions
from volsnap_dashboard.dashboards.schedules import api as schedules_api
from volsnap_dashboard.dashboards.schedules import preview as schedule_preview
from volsnap_dashboard.dashboards.snapshots import forms as protection_forms
from volsnap_dashboard.dashboards.snapshots.verify import marks as verify_marks
from volsnap_dashboard.dashboards.volumes import picker as volume_picker
from volsnap_dashboard.protection.parameters import InvalidParameters
from volsnap_dashboard.protection.schedule import duplicates
from volsnap_dashboard.protection.schedule import model
from volsnap_dashboard.protection.schedule import naming
from volsnap_dashboard.protection.schedule import presets
from volsnap_dashboard.protection.schedule import timing
from volsnap_dashboard.protection.schedule import words
from volsnap_dashboard.protection import times
from volsnap_dashboard import schema_forms

OPTION_PREFIX = 'option_'
FORCE_OPTION = 'force'
CRON = 'cron'
KIND_SLUG = 'schedulekind'
# Horizon's ?tab= value of the Schedules tab.
SCHEDULES_TAB_QUERY = 'volume_protection__schedules'


def kind_choices():
    """The presets, then a cron expression of one's own."""
    return [(kind, preset.label) for kind, preset
            in presets.PRESETS.items()] + [(CRON, _("Cron expression"))]


@functools.lru_cache(maxsize=1)
def zone_choices():
    """UTC and the zones of the regions' places, sorted: no fixed
    offsets, no zone of no place."""
    return [(name, name) for name in sorted(zoneinfo.available_timezones())
            if timing.region_zone(name)]


def user_zone(request):
    """The user's Horizon time zone, if it is one of the choices."""
    zone = horizon_utils.get_timezone(request)
    return zone if timing.region_zone(zone) else 'UTC'


class ScheduleResources:
    """What the steps need from Cinder, fetched once per request: the
    plugin, the quota, the volumes to pick from (a new schedule) or the
    edited schedule and its volume."""

    #: Whether several schedules are edited at once (bulk_edit).
    bulk = False

    def __init__(self, request, plugin, volume_id=None, schedule_id=None,
                 index_url=None, search_url='', picked=()):
        self.request = request
        #: The plugin chosen for a new schedule (an edited one keeps its
        #: own: ``plugin``).
        self.chosen_plugin = plugin
        #: The edited schedule's volume.
        self.volume_id = volume_id
        #: The volumes a row or bulk action came from, for a new schedule.
        self.picked = picked
        self.schedule_id = schedule_id
        self.index_url = index_url
        self.search_url = search_url

    @property
    def editing(self):
        return self.schedule_id is not None

    @functools.cached_property
    def plugin(self):
        """The plugin the schedule runs: an edited schedule's own (the
        first one's, of several)."""
        if not self.editing:
            return self.chosen_plugin
        try:
            return plugin_choice.schedule_plugin(self.edited[1])
        except errors.VolsnapAPIError as exc:
            messages.error(self.request, str(exc))
            raise exceptions.Http302(self.index_url) from None

    @property
    def plugin_name(self):
        """The plugin's name as schedules record it (None: the
        default)."""
        default = plugin_choice.volume_plugin()
        return None if self.plugin is default else self.plugin.name

    @functools.cached_property
    def limits(self):
        """The quota the plugin's protections count against, or None
        when the cloud or the plugin cannot tell (the forecast then says
        so; saving may still work)."""
        return protection_forms.limits_or_none(self.request, self.plugin)

    @functools.cached_property
    def force_supported(self):
        try:
            return cinder.force_matters(self.request, self.plugin)
        except errors.VolsnapAPIError as exc:
            exceptions.handle(self.request, str(exc),
                              redirect=self.index_url)

    @functools.cached_property
    def offer(self):
        """The picker's volumes: a first page to show, or after a POST
        the project's listing the picks are checked against."""
        try:
            # "Add Schedule" from volumes: they are ticked.
            return volume_picker.offer(self.request, self.picked)
        except errors.VolsnapAPIError as exc:
            exceptions.handle(self.request, _(
                "Unable to retrieve volumes: %s") % exc,
                redirect=self.index_url)

    @functools.cached_property
    def edited(self):
        """(volume, schedule) of the schedule being edited."""
        try:
            volume, schedule = schedules_api.find(
                self.request, self.volume_id, self.schedule_id)
        except errors.VolsnapAPIError as exc:
            exceptions.handle(self.request, _(
                "Unable to retrieve the schedule: %s") % exc,
                redirect=self.index_url)
        if isinstance(schedule, model.Invalid):
            schedule = self._correctable(schedule)
        return volume, schedule

    def _correctable(self, invalid):
        """A schedule the operator's minimum interval now refuses can be
        opened to choose a longer one; any other cannot be edited."""
        try:
            schedule = schedules_api.get(self.request, self.volume_id,
                                         self.schedule_id)
        except errors.VolsnapAPIError:
            schedule = invalid
        if isinstance(schedule, model.Invalid):
            messages.error(self.request, _(
                "This schedule cannot be read (%s): delete it and create it "
                "again.") % invalid.reason)
            raise exceptions.Http302(self.index_url)
        if self.request.method == 'GET':
            messages.warning(self.request, _(
                "This schedule does not run: %s Choose a longer interval "
                "and save it.") % invalid.reason)
        return schedule

    @functools.cached_property
    def others(self):
        """What the project's other active schedules still add to its
        usage (growth.Growth), or None where Cinder cannot list them."""
        leave_out = self.edited_ids() if self.editing else ()
        try:
            return schedules_api.project_growth(self.request, leave_out,
                                                plugin=self.plugin)
        except errors.VolsnapAPIError:
            return None

    def edited_ids(self):
        """``(volume id, schedule id)`` of each schedule edited."""
        return [(self.volume_id, self.schedule_id)]

    def edited_volumes(self):
        """The volumes of the schedules edited."""
        return [self.edited[0]]

    def held_protections(self):
        """The edited schedule's protections (None for a new schedule)."""
        if not self.editing:
            return None
        return schedules_api.protections_of(self.request, self.edited[1])


class ScheduleAction(workflows.Action):
    """A step's form; ``resources`` comes with the workflow's context."""

    def __init__(self, request, context, *args, **kwargs):
        self.resources = context['resources']
        super().__init__(request, context, *args, **kwargs)
        for field in self.fields.values():
            # A browser refuses to submit a form whose field on a hidden
            # step is out of its range, silently: the server's check
            # marks the step and says why instead.
            field.widget.attrs.pop('min', None)
            field.widget.attrs.pop('max', None)

    @property
    def edited_schedule(self):
        return self.resources.edited[1] if self.resources.editing else None


class ScheduleStep(workflows.Step):
    def prepare_action_context(self, request, context):
        context = super().prepare_action_context(request, context)
        context['resources'] = self.workflow.resources
        return context


# -- Volumes -----------------------------------------------------------------

class VolumesAction(ScheduleAction):
    volumes = volume_picker.VolumePickerField(
        label=_("Volumes"),
        help_text=_("Each selected volume gets its own schedule, with the "
                    "settings of the next steps. Only available and in-use "
                    "volumes can be protected."))

    class Meta:
        name = _("Volumes")
        slug = 'volumes'
        help_text_template = ('volume_protection/schedule_workflow/'
                              '_volumes_help.html')

    def __init__(self, request, context, *args, **kwargs):
        super().__init__(request, context, *args, **kwargs)
        picker = self.fields['volumes']
        picker.search_url = self.resources.search_url
        picker.offer(self.resources.offer)

    def get_help_text(self, extra_context=None):
        picker = self.fields['volumes']
        return super().get_help_text(dict(extra_context or {}, **{
            'limits': self.resources.limits,
            'plugin': self.resources.plugin,
            'plugin_choices': plugin_choice.choices(
                self.request, self.resources.plugin),
            'pending': {'snapshots': len(picker.selected),
                        'gigabytes': sum(entry.size
                                         for entry in picker.selected)}}))

    def picked_volumes(self):
        """The volumes picked, once the step is valid."""
        by_id = self.resources.offer.volumes()
        return [by_id[volume_id] for volume_id in self.cleaned_data['volumes']]


class VolumesStep(ScheduleStep):
    action_class = VolumesAction
    contributes = ('volumes',)
    template_name = 'volume_protection/schedule_workflow/_volumes_step.html'


# -- When --------------------------------------------------------------------

def _shown_for(kinds, label):
    """Attributes of a field Horizon shows only for these kinds."""
    attrs = {'class': 'switched', 'data-switch-on': KIND_SLUG}
    attrs.update(('data-%s-%s' % (KIND_SLUG, kind), label) for kind in kinds)
    return attrs


def _range(field):
    low, high = presets.FIELD_RANGES[field]
    return {'min_value': low, 'max_value': high}


class WhenAction(ScheduleAction):
    # The choices, and which preset shows which field, come from the
    # preset table when the form is made.
    kind = forms.ChoiceField(
        label=_("Repeat"), initial='daily',
        widget=forms.Select(attrs={'class': 'switchable',
                                   'data-slug': KIND_SLUG}))
    days = forms.TypedMultipleChoiceField(
        label=_("On days"), choices=tuple(dates.WEEKDAYS.items()),
        coerce=int, required=False, widget=forms.CheckboxSelectMultiple)
    day = forms.IntegerField(
        label=_("Day of the month"), required=False, initial=1,
        help_text=_("Months without this day are skipped (day 31 skips "
                    "five months): for every month's end, repeat on the "
                    "last day of the month."),
        **_range('day'))
    hour = forms.IntegerField(
        label=_("Hour (0-23)"), required=False, initial=2, **_range('hour'))
    minute = forms.IntegerField(
        label=_("Minute (0-59)"), required=False, initial=0,
        **_range('minute'))
    cron = forms.CharField(
        label=_("Cron expression"), required=False,
        max_length=timing.MAX_CRON_LENGTH,
        help_text=_('Five fields: minute, hour, day of month, month, day of '
                    'week; for example “30 1 * * 1-5”.'),
        widget=forms.TextInput(attrs=_shown_for((CRON,),
                                                _("Cron expression"))))
    tz = forms.ChoiceField(
        label=_("Time zone"),
        help_text=_("Runs follow this zone's clock, daylight saving time "
                    "included."))

    class Meta:
        name = _("When")
        slug = 'when'
        help_text = _("Choose when the schedule runs. The review step "
                      "shows its next runs.")

    def __init__(self, request, context, *args, **kwargs):
        super().__init__(request, context, *args, **kwargs)
        self.fields['kind'].choices = kind_choices()
        for name in presets.FIELD_RANGES:
            field = self.fields[name]
            field.widget.attrs.update(_shown_for(presets.kinds_using(name),
                                                 field.label))
        self.fields['tz'].choices = zone_choices()
        self.fields['tz'].initial = user_zone(request)
        schedule = self.edited_schedule
        if schedule is not None:
            self._show(schedule.when)

    def _show(self, when):
        self.fields['tz'].initial = when.tz
        if not timing.region_zone(when.tz):
            # An older name (US/Eastern) the schedule was saved with stays
            # a choice while it is edited.
            self.fields['tz'].choices = zone_choices() + [(when.tz,
                                                           when.tz)]
        preset = dict(when.preset or {})
        kind = preset.pop('kind', None)
        if kind not in presets.PRESETS:
            self.fields['kind'].initial = CRON
            self.fields['cron'].initial = when.cron
            return
        self.fields['kind'].initial = kind
        for name, value in preset.items():
            if name in self.fields:
                self.fields[name].initial = value

    def _error_field(self, name, kind):
        if name in ('kind', 'preset'):
            return 'kind'
        if name == CRON and kind != CRON:
            return 'kind'  # a preset's cron: say it on the choice
        return name if name in self.fields else None

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get('kind')
        if self.errors or kind is None:
            return cleaned
        try:
            when = self._when(kind, cleaned)
            timing.validate_when(when.cron, when.tz,
                                 schedules_api.min_interval())
        except InvalidParameters as exc:
            for name, reasons in exc.errors.items():
                field = self._error_field(name, kind)
                for reason in reasons:
                    if field not in self.errors:
                        self.add_error(field, reason)
            return cleaned
        cleaned['when'] = when
        return cleaned

    @staticmethod
    def _when(kind, cleaned):
        tz = cleaned['tz']
        if kind == CRON:
            cron = (cleaned.get('cron') or '').strip()
            error = timing.cron_error(cron)
            if error:
                raise InvalidParameters({CRON: [error]})
            return model.When(cron=' '.join(cron.split()), tz=tz)
        preset = {'kind': kind}
        for name in presets.PRESETS[kind].fields:
            value = cleaned.get(name)
            preset[name] = sorted(value) if name == 'days' else value
        fields = dict(preset)
        cron = timing.cron_for_preset(fields.pop('kind'), **fields)
        return model.When(cron=cron, tz=tz, preset=preset)


class WhenStep(ScheduleStep):
    action_class = WhenAction
    contributes = ('when',)


# -- Protection options -------------------------------------------------------

def schedule_options_schema(plugin, force_supported):
    """The plugin's options schema without what a schedule sets itself:
    the name of what a run makes (the plugin's ``name_option``, from the
    name template) and, from Cinder API 3.66, Force (Cinder snapshots
    volumes in use without it)."""
    schema = copy.deepcopy(plugin.get_options_schema())
    dropped = [name for name in (plugin.name_option, None if force_supported
                                 else FORCE_OPTION) if name]
    for name in dropped:
        schema.get('properties', {}).pop(name, None)
    if 'required' in schema:
        schema['required'] = [name for name in schema['required']
                              if name not in dropped]
    return schema


class OptionsAction(schema_forms.SchemaFormMixin, ScheduleAction):
    label = forms.CharField(
        label=_("Label"), required=False, max_length=model.MAX_LABEL_LENGTH,
        help_text=_("A short name for the schedule, used for {schedule} in "
                    "the snapshot names (when it runs, as in "
                    "“daily-at-0200-utc”, when empty)."))
    name_template = forms.CharField(
        label=_("Snapshot name template"), initial=naming.DEFAULT_TEMPLATE,
        max_length=cinder_facts.TEXT_LIMIT,
        help_text=_("Placeholders: {volume_name}, {volume_id}, {schedule} "
                    "and {time}, with a format as in {time:%Y%m%d-%H%M} "
                    "(the schedule's time zone)."))
    verify_every = forms.IntegerField(
        label=_("Verify the newest snapshot every N runs"), min_value=1,
        max_value=model.MAX_VERIFY_EVERY, required=False,
        help_text=_("After every N-th successful run, the scheduler "
                    "restores the new snapshot to a temporary volume, "
                    "records whether that worked on the snapshot, and "
                    "deletes the volume. Empty: never."))

    class Meta:
        name = _("Protection options")
        slug = 'options'
        help_text = _("What each run's snapshot is called and how it is "
                      "made.")

    def __init__(self, request, context, *args, **kwargs):
        super().__init__(request, context, *args, **kwargs)
        resources = self.resources
        schedule = self.edited_schedule
        self.add_schema_fields(
            schedule_options_schema(resources.plugin,
                                    resources.force_supported),
            prefix=OPTION_PREFIX, plugin_name=resources.plugin.name,
            initial=schedule.options if schedule else None)
        if schedule is not None:
            self.fields['label'].initial = schedule.label
            self.fields['name_template'].initial = schedule.name_template
            self.fields['verify_every'].initial = schedule.verify_every
        if resources.bulk:
            del self.fields['label']  # each schedule keeps its own

    def clean_name_template(self):
        template = self.cleaned_data['name_template']
        error = naming.template_error(template)
        if error:
            raise forms.ValidationError(error)
        return template

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            cleaned['options'] = self.validated_values(OPTION_PREFIX)
        return cleaned


class OptionsStep(ScheduleStep):
    action_class = OptionsAction
    contributes = ('options', 'name_template', 'label', 'verify_every')


# -- Retention ---------------------------------------------------------------

class RetentionAction(ScheduleAction):
    retention_count = forms.IntegerField(
        label=_("Keep the last"), min_value=1, required=False,
        help_text=_("How many of the schedule's snapshots to keep."))
    retention_days = forms.IntegerField(
        label=_("Keep for days"), min_value=1,
        max_value=model.MAX_RETENTION_DAYS, required=False,
        help_text=_("Keep the snapshots younger than this many days."))

    class Meta:
        name = _("Retention")
        slug = 'retention'
        help_text = _("Set a number of snapshots, a number of days, or "
                      "both: a snapshot either rule keeps is kept, and the "
                      "newest one always is. Older snapshots of the "
                      "schedule are deleted after each run.")

    def __init__(self, request, context, *args, **kwargs):
        super().__init__(request, context, *args, **kwargs)
        schedule = self.edited_schedule
        if schedule is not None:
            self.fields['retention_count'].initial = schedule.retention.count
            self.fields['retention_days'].initial = schedule.retention.days
        else:
            self.fields['retention_count'].initial = 7

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        kept = model.Retention(count=cleaned.get('retention_count'),
                               days=cleaned.get('retention_days'))
        problems = model.retention_errors(kept)
        for name, reasons in problems.items():
            for reason in reasons:
                self.add_error(name if name in self.fields else None, reason)
        if not problems:
            cleaned['retention'] = kept
        return cleaned


class RetentionStep(ScheduleStep):
    action_class = RetentionAction
    contributes = ('retention',)


# -- Review ------------------------------------------------------------------

class ReviewAction(ScheduleAction):
    # One creation per displayed form (see submissions.claim).
    submission = forms.CharField(widget=forms.HiddenInput)
    allow_over_quota = forms.BooleanField(
        label=_("Save it even though it will not fit the quota"),
        required=False,
        help_text=_("Once the quota is full, runs are skipped until "
                    "snapshots are deleted or the quota is raised."))
    allow_duplicate = forms.BooleanField(
        label=_("Add it even where the volume already has a schedule "
                "running at the same times"), required=False,
        help_text=_("Two such schedules make two snapshots each time and "
                    "use twice the quota."))

    class Meta:
        name = _("Review")
        slug = 'review'

    #: Whether to show allow_duplicate: once a save found the volume
    #: already running a schedule at the same times.
    offer_duplicate = False
    #: Whether to show allow_over_quota: once a save found that the
    #: project's schedules will not fit.
    offer_over_quota = False

    def __init__(self, request, context, *args, **kwargs):
        super().__init__(request, context, *args, **kwargs)
        self.fields['submission'].initial = submissions.new_token()


class ReviewStep(ScheduleStep):
    action_class = ReviewAction
    contributes = ('submission', 'allow_duplicate', 'allow_over_quota')
    template_name = 'volume_protection/schedule_workflow/_review_step.html'


# -- Workflows ----------------------------------------------------------------

OVER_QUOTA_SAVED = _("It will not fit the quota once retention has kicked "
                     "in: runs are skipped while the quota is full.")


def _twin_text(volume, twin):
    name = volume.name or volume.id
    if not twin.label:
        return '"%s"' % name
    return _('"%(volume)s" (schedule "%(label)s")') % {'volume': name,
                                                       'label': twin.label}


class ScheduleWorkflow(workflows.Workflow):
    """Shared by create and edit; ``resources`` come from the view."""

    success_url = 'horizon:project:volume_protection:index'
    classes = ('volsnap-schedule-workflow',)

    @classmethod
    def success_url_for(cls):
        """The Schedules tab, where the saved schedules are."""
        return '%s?tab=%s' % (reverse(cls.success_url),
                              SCHEDULES_TAB_QUERY)

    def get_success_url(self):
        return self.success_url_for()

    def get_absolute_url(self):
        # The POST keeps the plugin chosen: the steps are the plugin's.
        return plugin_choice.with_plugin(super().get_absolute_url(),
                                         self.resources.plugin)

    def __init__(self, request=None, context_seed=None, entry_point=None,
                 resources=None, **kwargs):
        self.resources = resources
        self.outcome = None
        super().__init__(request, context_seed, entry_point, **kwargs)

    def format_status_message(self, message):
        return self.outcome or super().format_status_message(message)

    def refuse(self, message):
        """Refuse the save: ``message`` on the review step, the form shown
        again with everything the user entered."""
        self.add_error_to_step(message, 'review')
        step = self.get_step('review')
        step.has_errors = True
        self.entry_point = 'review'
        raise forms.ValidationError(message)

    def refuse_invalid(self, exc):
        """Errors the engine found at saving, on the fields they name."""
        reasons = ' '.join('%s' % reason for found in exc.errors.values()
                           for reason in found)
        self.refuse(_("The schedule was not saved: %s") % reasons)

    def refuse_duplicates(self, context, volumes, ignore_id=None):
        """Refuse, unless the user allowed it, a schedule that runs at the
        same times as one the volume already has."""
        review = self.get_step('review').action
        if context.get('allow_duplicate'):
            # Still shown, ticked, should the other question refuse.
            review.offer_duplicate = True
            return
        now = times.now()
        found = [(volume, twin) for volume in volumes
                 for twin in duplicates.duplicated_by(
                     volume, context['when'], now, ignore_id,
                     plugin=self.resources.plugin_name)[:1]]
        if not found:
            return
        review.offer_duplicate = True
        self.refuse(_(
            "Not saved: %(volumes)s already runs at these times "
            "(%(when)s). A second schedule makes two snapshots each time; "
            "to add it anyway, tick the box below.") % {
            'volumes': ', '.join(_twin_text(volume, twin)
                                 for volume, twin in found),
            'when': words.describe(context['when'])})

    def refuse_over_quota(self, context, volumes, held=None):
        """Refuse, unless the user allowed it, a schedule with which the
        project's schedules will not fit the quota once retention has
        kicked in; the forecast, None where it cannot be told."""
        resources = self.resources
        if resources.limits is None:
            return None
        found = schedule_preview.build(
            volumes, context['when'], context['retention'],
            resources.limits, held=held, others=resources.others).forecast
        if found is None or found.fits:
            return found
        self.get_step('review').action.offer_over_quota = True
        if context.get('allow_over_quota'):
            return found
        self.refuse(_(
            "Not saved: with the project's other schedules at full "
            "retention, this needs %(needs)s. Once the quota is full, runs "
            "are skipped. Keep fewer snapshots or pick fewer volumes, or "
            "tick the box below to save it anyway.") % {
            'needs': schedule_preview.needs_text(found)})

    def handle(self, request, context):
        token = context.get('submission')
        if not submissions.claim(request, token):
            self.outcome = submissions.ALREADY_SUBMITTED
            return True
        done = False
        try:
            done = self.save(request, context)
            return done
        finally:
            submissions.finish(request, token, done)


class CreateSchedule(ScheduleWorkflow):
    slug = 'create_schedule'
    name = _("Create Schedule")
    finalize_button_name = _("Create Schedule")
    default_steps = (VolumesStep, WhenStep, OptionsStep, RetentionStep,
                     ReviewStep)

    def save(self, request, context):
        """One schedule per volume. Nothing saved if the first one fails
        (a trust Keystone refuses is refused for all)."""
        by_id = self.resources.offer.volumes()
        volumes = [by_id[volume_id] for volume_id in context['volumes']]
        self.refuse_duplicates(context, volumes)
        found = self.refuse_over_quota(context, volumes)
        created = []
        for volume in volumes:
            try:
                schedules_api.create(
                    request, volume.id, context['when'], context['options'],
                    context['name_template'], context['retention'],
                    label=context.get('label') or '',
                    verify_every=context.get('verify_every'),
                    plugin=self.resources.plugin)
            except (errors.VolsnapAPIError, InvalidParameters) as exc:
                if not created:  # nothing saved: the form says why
                    if isinstance(exc, InvalidParameters):
                        self.refuse_invalid(exc)
                    self.refuse(_("The schedule was not saved: %s") % exc)
                messages.error(request, _(
                    'Unable to create a schedule for volume "%(volume)s": '
                    '%(reason)s') % {'volume': volume.name or volume.id,
                                     'reason': exc})
                continue
            created.append(volume)
        self.outcome = ngettext(
            'Created a schedule for volume %(volumes)s.',
            'Created schedules for volumes %(volumes)s.', len(created)) % {
                'volumes': ', '.join(v.name or v.id for v in created)}
        if found is not None and not found.fits:
            self.outcome = '%s %s' % (self.outcome, OVER_QUOTA_SAVED)
        return bool(created)


class UpdateSchedule(ScheduleWorkflow):
    slug = 'update_schedule'
    name = _("Edit Schedule")
    finalize_button_name = _("Save")
    default_steps = (WhenStep, OptionsStep, RetentionStep, ReviewStep)

    def save(self, request, context):
        volume, schedule = self.resources.edited
        self.refuse_duplicates(context, [volume], ignore_id=schedule.id)
        held = held_or_none(self.resources)
        found = (self.refuse_over_quota(context, [volume], held)
                 if held is not None else None)
        try:
            schedules_api.update(
                request, volume.id, schedule.id, when=context['when'],
                options=context['options'],
                name_template=context['name_template'],
                retention=context['retention'],
                label=context.get('label') or '',
                verify_every=context.get('verify_every'))
        except InvalidParameters as exc:
            self.refuse_invalid(exc)
        except errors.VolsnapAPIError as exc:
            self.refuse(_("The schedule was not saved: %s") % exc)
        self.outcome = _('Saved the schedule of volume "%s".') % (
            volume.name or volume.id)
        if found is not None and not found.fits:
            self.outcome = '%s %s' % (self.outcome, OVER_QUOTA_SAVED)
        return True


def preview_of(workflow, now=None):
    """The preview of what the workflow's fields say now (a bound
    workflow: a POST); parts whose steps are not valid are left out."""
    resources = workflow.resources
    steps = {step.slug: step.action for step in workflow.steps}
    when = retention = None
    if steps['when'].is_valid():
        when = steps['when'].cleaned_data['when']
    if steps['retention'].is_valid():
        retention = steps['retention'].cleaned_data['retention']
    problems = [(step.name, error) for step in workflow.steps
                if step.slug in ('when', 'options', 'retention')
                for errors_ in step.action.errors.values()
                for error in errors_]
    held = None
    if resources.editing:
        volumes = resources.edited_volumes()
        held = held_or_none(resources)
    elif steps['volumes'].is_valid():
        volumes = steps['volumes'].picked_volumes()
    else:
        volumes = []
    preview = schedule_preview.build(volumes, when, retention,
                                     resources.limits, held=held, now=now,
                                     others=resources.others)
    preview.problems = problems
    if steps['options'].is_valid():
        preview.verification = verify_marks.every_runs(
            steps['options'].cleaned_data.get('verify_every'))
    if when is not None and volumes and preview.runs and \
            steps['options'].is_valid():
        preview.sample_name = _sample_name(
            resources, steps['options'].cleaned_data, volumes[0], when,
            preview.runs[0].utc)
    if when is not None and retention is not None:
        preview.summary = _("Runs %(when)s; %(retention)s.") % {
            'when': words.describe(when),
            'retention': words.describe_retention(retention)}
    if resources.editing and held is None:
        preview.problem = _("Unable to list the schedule's snapshots: the "
                            "dry run and the forecast are not shown.")
        preview.dry_run = preview.forecast = None
    return preview


def _sample_name(resources, options, volume, when, first_run):
    """The name of the first snapshot the schedule makes of ``volume``
    (a new schedule, whose id does not exist yet, says "id" for it)."""
    if resources.editing:
        edited = resources.edited[1]
        # Edited in bulk, each schedule keeps its label.
        schedule = dataclasses.replace(
            edited, label=options.get('label', edited.label) or '',
            when=when)
    else:
        schedule = types.SimpleNamespace(id=_("id"),
                                         label=options.get('label') or '',
                                         when=when)
    try:
        return naming.snapshot_name(options['name_template'], volume,
                                    schedule, first_run)
    except InvalidParameters:
        return ''


def held_or_none(resources):
    try:
        return resources.held_protections()
    except errors.VolsnapAPIError:
        return None
