"""The Schedules table: one row per schedule, its actions.

Every change goes through :mod:`volsnap_dashboard.dashboards.schedules.api`
and needs Cinder's rule for changing (or deleting) the volume's metadata;
the rows' data needs nothing per row (see :mod:`schedule_rows`).
"""

import logging

from django import http
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.utils.translation import ngettext_lazy
from django.utils.translation import pgettext_lazy
from horizon import exceptions
from horizon import messages
from horizon import tables
from openstack_dashboard import policy as dashboard_policy

from volsnap_dashboard.api import errors
from volsnap_dashboard.dashboards.common import local_times
from volsnap_dashboard.dashboards.common import plugin_choice
from volsnap_dashboard.dashboards.common import tab_paging
from volsnap_dashboard.dashboards.common import tables as common_tables
from volsnap_dashboard.dashboards.schedules import api as schedules_api
from volsnap_dashboard.dashboards.schedules import rows as schedule_rows
from volsnap_dashboard.dashboards.snapshots.verify import marks as verify_marks
from volsnap_dashboard.protection.schedule import model
from volsnap_dashboard.protection.schedule import states
from volsnap_dashboard.protection.schedule import words
from volsnap_dashboard import policy
from volsnap_dashboard.protection import times

LOG = logging.getLogger(__name__)

# None: still changing, so the row keeps polling.
STATE_CHOICES = (
    (states.ACTIVE, True),
    (states.PAUSED, True),
    (states.RUN_REQUESTED, None),
    (states.OVERDUE, False),
    (states.FAILING, False),
    (states.AUTHORIZATION_LOST, False),
    (states.INVALID, False),
)

#: The rule's words.
STATE_DISPLAY = states.DISPLAY

OUTCOME_DISPLAY = {
    model.OUTCOME_OK: pgettext_lazy('Outcome of a run', 'OK'),
    model.OUTCOME_FAILED: pgettext_lazy('Outcome of a run', 'Failed'),
    model.OUTCOME_SKIPPED: pgettext_lazy('Outcome of a run', 'Skipped'),
    model.OUTCOME_INVALID: pgettext_lazy('Outcome of a run', 'Invalid'),
    model.OUTCOME_AUTHORIZATION_LOST: pgettext_lazy(
        'Outcome of a run', 'Authorization lost'),
}

# The panels' times: in the user's zone, UTC on hover.
user_zone = local_times.user_zone
in_zone = local_times.in_zone
time_html = local_times.time_html


def paused_text(row, viewer_id, zone):
    """Who paused the row's schedule and when ("Paused by you on
    2026-12-07 08:00 CET"), or None where the schedule does not say."""
    pause = row.schedule.paused_by if row.paused else None
    if pause is None:
        return None
    when = in_zone(pause.at, zone)
    if pause.user_id == viewer_id:
        return _("Paused by you on %s") % when
    if pause.by_admin:
        return _("Paused by an administrator on %s") % when
    return _("Paused by another member of the project (user %(user)s) on "
             "%(when)s") % {'user': pause.user_id, 'when': when}


def recorded_text(state, reason=''):
    """A state the scheduler recorded, said to be its record (the
    project's members can write it too)."""
    if reason:
        return _("%(state)s, as the scheduler recorded: %(reason)s") % {
            'state': state, 'reason': reason}
    return _("%s, as the scheduler recorded") % state


def outcome_text(outcome, reason=''):
    text = OUTCOME_DISPLAY.get(outcome, outcome or '')
    if reason:
        return _("%(outcome)s: %(reason)s") % {'outcome': text,
                                               'reason': reason}
    return text


# -- Columns ----------------------------------------------------------------

def volume_link(row):
    return reverse('horizon:project:volumes:detail', args=(row.volume_id,))


def detail_link(row):
    if not row.openable:
        return None
    return reverse('horizon:project:volume_protection:schedule_detail',
                   args=(row.volume_id, row.schedule_id))


def when_text(row):
    if not row.valid:
        return '-'
    return words.describe(row.schedule.when)


def retention_text(row):
    if not row.valid:
        return '-'
    return words.describe_retention(row.schedule.retention)


def snapshots_held(row):
    """How many protections the schedule holds, with their kind where it
    makes another than the default plugin's ("3 backups")."""
    held = len(row.protections)
    plugin = row.plugin
    if plugin is None or plugin is plugin_choice.volume_plugin():
        return held
    return ngettext("%(count)d %(kind)s", "%(count)d %(kinds)s", held) % {
        'count': held, 'kind': plugin.verbose_name,
        'kinds': plugin.verbose_name_plural}


class NextRunColumn(tables.Column):
    def get_data(self, row):
        if row.busy:
            return _("at the scheduler's next sweep")
        return time_html(row.next_run, user_zone(self.table.request))


class LastRunColumn(tables.Column):
    """When it last ran and how it went, with the reason where the state
    column does not give it."""

    def get_data(self, row):
        last = row.last
        if last is None or last.last_run is None:
            return _("Never")
        # The state column says the reason it recorded: said once a row.
        reason = '' if last.reason == row.reason else last.reason
        extra = format_html(' ({})', outcome_text(last.outcome, reason))
        return time_html(last.last_run, user_zone(self.table.request),
                         extra)


def owner_text(row, viewer_id):
    """Whose authorization the schedule runs with: "you", the user's
    name where the page looked it up, else the user's id."""
    if not row.owner_id:
        return '-'
    if row.owner_id == viewer_id:
        return _("you")
    return getattr(row, 'owner_name', None) or row.owner_id


class OwnerColumn(tables.Column):
    def get_data(self, row):
        return owner_text(row, self.table.request.user.id)


class StateColumn(tables.Column):
    """Polls on the raw state; shows why a schedule does nothing, and
    whether the page found it or the scheduler recorded it."""

    def get_data(self, row):
        state = super().get_data(row)
        if row.state == states.PAUSED:
            request = self.table.request
            state = paused_text(row, request.user.id,
                                user_zone(request)) or state
        if row.recorded:
            return recorded_text(state, row.reason)
        if row.reason:
            return _("%(state)s: %(reason)s") % {'state': state,
                                                 'reason': row.reason}
        return state


# -- Actions ----------------------------------------------------------------

class ScheduleTargetMixin(dashboard_policy.PolicyTargetMixin):
    policy_target_attrs = (('project_id', 'project_id'),)


class CreateSchedule(policy.CachedPolicyActionMixin, tables.LinkAction):
    name = 'create_schedule'
    verbose_name = _("Create Schedule")
    url = 'horizon:project:volume_protection:create_schedule'
    classes = ('ajax-modal',)
    icon = 'plus'
    policy_rules = policy.CHANGE_SCHEDULE


class EditSchedule(ScheduleTargetMixin, policy.CachedPolicyActionMixin,
                   tables.LinkAction):
    name = 'edit_schedule'
    verbose_name = _("Edit Schedule")
    url = 'horizon:project:volume_protection:update_schedule'
    classes = ('ajax-modal',)
    icon = 'pencil'
    policy_rules = policy.CHANGE_SCHEDULE

    def allowed(self, request, row=None):
        return row is not None and row.valid

    def get_link_url(self, row=None):
        return reverse(self.url, args=(row.volume_id, row.schedule_id))


class ScheduleRowModal(ScheduleTargetMixin, policy.CachedPolicyActionMixin,
                       tables.LinkAction):
    """A modal form about one schedule; ``url`` takes the volume's and
    the schedule's ids."""

    classes = ('ajax-modal',)

    def get_link_url(self, row=None):
        return reverse(self.url, args=(row.volume_id, row.schedule_id))


class TakeOverSchedule(ScheduleRowModal):
    """Where authorization is lost, the row's first action: nothing
    else makes the schedule run again."""
    name = 'take_over'
    verbose_name = _("Take Over")
    url = 'horizon:project:volume_protection:take_over_schedule'
    icon = 'user'
    policy_rules = policy.CHANGE_SCHEDULE

    def allowed(self, request, row=None):
        return row is not None and row.valid and \
            row.state == states.AUTHORIZATION_LOST


class TakeOverFromOwner(TakeOverSchedule):
    """A working schedule of another member, taken over from the menu."""
    name = 'take_over_from_owner'

    def allowed(self, request, row=None):
        return row is not None and row.valid and \
            row.state != states.AUTHORIZATION_LOST and \
            row.owner_id != request.user.id


class DeleteSchedule(ScheduleRowModal):
    name = 'delete_schedule'
    verbose_name = _("Delete Schedule")
    url = 'horizon:project:volume_protection:delete_schedule'
    classes = ('ajax-modal', 'btn-danger')
    icon = 'trash'
    policy_rules = policy.DELETE_SCHEDULE

    def allowed(self, request, row=None):
        return row is None or row.openable


NOT_LISTED = _("it is not among the schedules listed (deleted or changed "
               "since the page was drawn): nothing was done.")


class ScheduleBatchAction(common_tables.GoneRowsBatchMixin,
                          ScheduleTargetMixin,
                          policy.CachedPolicyActionMixin,
                          tables.BatchAction):
    """A one-click change of one schedule (``change``), only of a row
    the tab lists (an id posted for any other is refused)."""

    policy_rules = policy.CHANGE_SCHEDULE
    failure_message = None

    def change(self, request, volume_id, schedule_id):
        """Make the change through schedules_api."""
        raise NotImplementedError

    def action(self, request, obj_id):
        volume_id, schedule_id = schedule_rows.split_row_id(obj_id)
        if self.table.get_object_by_id(obj_id) is None:
            messages.error(request, self.failure_message % {
                'id': schedule_id, 'reason': NOT_LISTED})
            refused = errors.NotFound(NOT_LISTED)
            raise exceptions.HandledException((type(refused), refused,
                                               None))
        try:
            self.change(request, volume_id, schedule_id)
        except errors.NotFound as exc:
            # Horizon would send a "not found" to the panel's first tab,
            # without a word: say it here, and stay on this tab.
            messages.error(request, self.failure_message % {
                'id': schedule_id, 'reason': exc})
            raise exceptions.HandledException(
                (type(exc), exc, exc.__traceback__)) from exc
        except errors.VolsnapAPIError as exc:
            exceptions.handle(request, self.failure_message % {
                'id': schedule_id, 'reason': exc}, escalate=True)
        except Exception:
            # Horizon says only "Unable to ...": the operator gets why.
            LOG.exception("%s of schedule %s of volume %s failed",
                          self.name, schedule_id, volume_id)
            raise


class PauseSchedule(ScheduleBatchAction):
    name = 'pause'
    icon = 'pause'
    help_text = _("A paused schedule makes no snapshots and deletes none "
                  "until it is resumed.")
    failure_message = _("Unable to pause schedule %(id)s: %(reason)s")

    @staticmethod
    def action_present(count):
        return ngettext_lazy("Pause Schedule", "Pause Schedules", count)

    @staticmethod
    def action_past(count):
        return ngettext_lazy("Paused Schedule", "Paused Schedules", count)

    def change(self, request, volume_id, schedule_id):
        schedules_api.pause(request, volume_id, schedule_id)

    def allowed(self, request, row=None):
        return row is None or (row.valid and not row.paused)


class ResumeSchedule(ScheduleBatchAction):
    name = 'resume'
    icon = 'play'
    help_text = _("The schedule runs again from its next due time.")
    failure_message = _("Unable to resume schedule %(id)s: %(reason)s")

    @staticmethod
    def action_present(count):
        return ngettext_lazy("Resume Schedule", "Resume Schedules", count)

    @staticmethod
    def action_past(count):
        return ngettext_lazy("Resumed Schedule", "Resumed Schedules", count)

    def change(self, request, volume_id, schedule_id):
        schedules_api.resume(request, volume_id, schedule_id)

    def allowed(self, request, row=None):
        return row is None or (row.valid and row.paused)


class RunScheduleNow(ScheduleBatchAction):
    name = 'run_now'
    icon = 'refresh'
    failure_message = _("Unable to ask for a run of schedule %(id)s: "
                        "%(reason)s")
    help_text = _("The scheduler makes the run at its next sweep.")

    @staticmethod
    def action_present(count):
        return ngettext_lazy("Run Now", "Run Now", count)

    @staticmethod
    def action_past(count):
        return ngettext_lazy("Asked for a run of", "Asked for runs of",
                             count)

    def change(self, request, volume_id, schedule_id):
        schedules_api.run_now(request, volume_id, schedule_id)

    def allowed(self, request, row=None):
        return row is None or (row.valid and not row.paused
                               and not row.busy)


class EditTicked(ScheduleTargetMixin, policy.CachedPolicyActionMixin,
                 common_tables.OpenWithTicked):
    """The ticked schedules' Edit Schedules form: the same settings for
    all."""

    name = 'edit_many'
    icon = 'pencil'
    url = 'horizon:project:volume_protection:edit_schedules'
    param = 'row'
    policy_rules = policy.CHANGE_SCHEDULE
    help_text = _("Gives every ticked schedule the same timing, options "
                  "and retention.")

    @staticmethod
    def action_present(count):
        return ngettext_lazy("Edit Schedule", "Edit Schedules", count)

    @staticmethod
    def action_past(count):
        return ngettext_lazy("Edit Schedule", "Edit Schedules", count)

    def allowed(self, request, row=None):
        return row is None or row.valid


class TrustsLeftMixin:
    """Counts the schedules whose previous trust remains (only its trustor
    or an administrator may delete it), and says so once."""

    def handle(self, table, request, obj_ids):
        self.trusts_left = 0
        response = super().handle(table, request, obj_ids)
        if self.trusts_left:
            messages.warning(request, ngettext_lazy(
                "The authorization (a Keystone trust) the scheduler used for "
                "%(count)d of these schedules remains until the member who "
                "gave it or an administrator deletes it; nothing uses it "
                "any more.",
                "The authorizations (Keystone trusts) the scheduler used for "
                "%(count)d of these schedules remain until the members who "
                "gave them or an administrator delete them; nothing uses "
                "them any more.", self.trusts_left)
                % {'count': self.trusts_left})
        return response


class TakeOverSchedules(TrustsLeftMixin, ScheduleBatchAction):
    """The ticked schedules run with the user's authorization: after a
    member left, one click for all the schedules that lost theirs."""

    name = 'take_over_many'
    icon = 'user'
    help_text = _("Each schedule then runs with your authorization (a new "
                  "Keystone trust each).")
    failure_message = _("Unable to take over schedule %(id)s: %(reason)s")

    @staticmethod
    def action_present(count):
        return ngettext_lazy("Take Over", "Take Over", count)

    @staticmethod
    def action_past(count):
        return ngettext_lazy("Took over", "Took over", count)

    def change(self, request, volume_id, schedule_id):
        outcome = schedules_api.take_over(request, volume_id, schedule_id)
        self.trusts_left += int(outcome.trust_left)

    def allowed(self, request, row=None):
        return row is None or (row.valid and (
            row.state == states.AUTHORIZATION_LOST
            or row.owner_id != request.user.id))


class DeleteSchedules(TrustsLeftMixin, ScheduleBatchAction):
    """The ticked schedules go; their snapshots stay, kept (the row's
    Delete Schedule offers to delete them too)."""

    name = 'delete_many'
    icon = 'trash'
    action_type = 'danger'
    policy_rules = policy.DELETE_SCHEDULE
    help_text = _("Their snapshots are kept: marked Keep, retention no "
                  "longer deletes them. To delete a schedule's snapshots "
                  "with it, use that row's Delete Schedule.")
    failure_message = _("Unable to delete schedule %(id)s: %(reason)s")

    @staticmethod
    def action_present(count):
        return ngettext_lazy("Delete Schedule", "Delete Schedules", count)

    @staticmethod
    def action_past(count):
        return ngettext_lazy("Deleted schedule, its snapshots kept",
                             "Deleted schedules, their snapshots kept",
                             count)

    def change(self, request, volume_id, schedule_id):
        outcome = schedules_api.delete(request, volume_id, schedule_id,
                                       keep_protections=True)
        self.trusts_left += int(outcome.trust_left)

    def allowed(self, request, row=None):
        return row is None or row.openable


class UpdateScheduleRow(tables.Row):
    ajax = True

    @property
    def status(self):
        if self.datum.busy:
            return None
        return super().status

    def get_data(self, request, obj_id):
        try:
            volume_id, schedule_id = schedule_rows.split_row_id(obj_id)
        except ValueError:
            raise errors.NotFound() from None
        volume, schedule = schedules_api.find(request, volume_id,
                                              schedule_id)
        return schedule_rows.ScheduleRow(
            volume, schedule, schedules_api.protections_of(request, schedule),
            times.now())


#: Volume names searched by Cinder; schedule labels (part of one, any
#: case) among the scheduled volumes.
VOLUME_FIELD = 'volume'
LABEL_FIELD = 'label'


class ScheduleSearch(tables.FilterAction):
    """Searches by the volume's name or by the schedule's label."""

    filter_type = 'server'
    filter_choices = ((VOLUME_FIELD, _("Volume name ="), True),
                      (LABEL_FIELD, _("Schedule label ="), True))


def state_choices():
    """The state buttons, those that need attention first."""
    display = dict(STATE_DISPLAY)
    order = states.NEEDS_ATTENTION + tuple(
        state for state, _text in STATE_DISPLAY
        if state not in states.NEEDS_ATTENTION)
    return tuple((state, display[state]) for state in order)


def schedule_name(row):
    return row.label


class SchedulesTable(common_tables.OwnActionsMixin,
                     common_tables.RowBoxesMixin,
                     common_tables.GoneRowsTableMixin,
                     tab_paging.TabPagedTableMixin, tables.DataTable):
    schedule = tables.WrappingColumn(schedule_name, verbose_name=_("Schedule"),
                                     link=detail_link)
    volume = tables.WrappingColumn('volume_name', verbose_name=_("Volume"),
                                   link=volume_link)
    when = tables.Column(when_text, verbose_name=_("When"))
    retention = tables.Column(retention_text, verbose_name=_("Retention"))
    verification = tables.Column(verify_marks.schedule_verification,
                                 verbose_name=_("Verification"))
    next_run = NextRunColumn('next_run', verbose_name=_("Next Run"))
    last_run = LastRunColumn('last', verbose_name=_("Last Run"))
    snapshots = tables.Column(
        snapshots_held, verbose_name=_("Held"),
        help_text=_("The snapshots (or backups) the schedule made that "
                    "its retention keeps."))
    owner = OwnerColumn('owner_id', verbose_name=_("Owner"),
                        help_text=_("The member whose authorization the "
                                    "scheduler runs it with."))
    state = StateColumn('state', verbose_name=_("State"), status=True,
                        status_choices=STATE_CHOICES,
                        display_choices=STATE_DISPLAY)

    tab_query_value = 'volume_protection__schedules'
    state_choices = state_choices()

    def get_object_id(self, row):
        return row.id

    def row_state(self, row):
        return row.state

    def maybe_preempt(self):
        response = super().maybe_preempt()
        # As the snapshots table: a row update that met an unavailable
        # Cinder answers 503 (the row polls again), never 100 Continue.
        if response is not None and response.status_code == 100:
            return http.HttpResponse(status=503)
        return response

    def get_object_display(self, row):
        if row is None:
            return None
        return _("%(schedule)s of %(volume)s") % {
            'schedule': row.label, 'volume': row.volume_name}

    class Meta:
        name = 'schedules'
        verbose_name = _("Schedules")
        status_columns = ('state',)
        row_class = UpdateScheduleRow
        pagination_param = 'schedule_marker'
        prev_pagination_param = 'prev_schedule_marker'
        table_actions_template = tab_paging.TABLE_ACTIONS_TEMPLATE
        # The one-click changes work on many ticked rows too, each row
        # reporting its own outcome.
        table_actions = (ScheduleSearch, CreateSchedule, EditTicked,
                         RunScheduleNow, PauseSchedule, ResumeSchedule,
                         TakeOverSchedules, DeleteSchedules)
        row_actions = (TakeOverSchedule, EditSchedule, RunScheduleNow,
                       PauseSchedule, ResumeSchedule, TakeOverFromOwner,
                       DeleteSchedule)
