"""The Volumes tab's table: the project's volumes, a page at a time by
name, with their protection state, newest snapshot, next scheduled run
and last verification.

The scheduler's temporary verification volumes are listed too (a tenant
sees them in Cinder's own volume list as well), marked "Temporary
(verification)" and without actions: they are never the user's to
protect, and are deleted automatically."""


from django.urls import reverse
from django.utils import http as http_utils
from django.utils import timesince
from django.utils import timezone
from django.utils.html import format_html
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from horizon import tables

from volsnap_dashboard.api import cinder
from volsnap_dashboard.dashboards.common import local_times
from volsnap_dashboard.dashboards.common import plugin_choice
from volsnap_dashboard.dashboards.common import tab_paging
from volsnap_dashboard.dashboards.common import tables as common_tables
from volsnap_dashboard.dashboards.schedules import api as schedules_api
from volsnap_dashboard.dashboards.schedules import guard as schedule_guard
from volsnap_dashboard.dashboards.snapshots.verify import marks as verify_marks
from volsnap_dashboard.dashboards.volumes import state as states
from volsnap_dashboard.protection.schedule import states as schedule_states
from volsnap_dashboard.protection import times
from volsnap_dashboard.protection import verification
from volsnap_dashboard import policy

# The row keeps polling (None) while a snapshot is being made or deleted
# or a run was asked for; otherwise whether the volume is safe.
STATE_STATUS = (
    (states.PROTECTED, True),
    (states.SCHEDULED_NO_SNAPSHOT, False),
    (states.NO_RESTORE_POINT, False),
    (states.MANUAL_ONLY, True),
    (schedule_states.PAUSED, True),
    (schedule_states.RUN_REQUESTED, None),
    (states.UNPROTECTED, False),
    (schedule_states.OVERDUE, False),
    (schedule_states.FAILING, False),
    (schedule_states.AUTHORIZATION_LOST, False),
    (schedule_states.INVALID, False),
    (states.TEMPORARY, True),
)

# Cinder snapshots a volume in these states only.
PROTECTABLE_STATUSES = ('available', 'in-use')


def with_protection(volume, protections, at=None, project_id=None):
    """``volume`` with its Protection attached, from its protections
    (``project_id``: the viewer's, whose volume it is)."""
    if verification.is_verification_volume(volume):
        volume.protection = states.Protection(state=states.TEMPORARY)
        return volume
    at = at or times.now()
    schedules = schedule_guard.checked(
        # As the scheduler reads them: the operator's minimum counts.
        schedule_guard.schedules_of(volume, schedules_api.min_interval(),
                                    project_id),
        lambda schedule: states.protection_of([schedule], [], at))
    volume.protection = states.protection_of(schedules, protections, at)
    return volume


def users_volume(volume):
    """Not a temporary verification volume: row actions apply."""
    return volume.protection.state != states.TEMPORARY


def protected_volumes(volumes, protections, at=None, project_id=None):
    """Each of ``volumes`` with its Protection, from one listing of the
    project's ``protections`` joined by volume id."""
    by_volume = {}
    for protection in protections:
        by_volume.setdefault(protection.volume_id, []).append(protection)
    at = at or times.now()
    return [with_protection(volume, by_volume.get(volume.id, []), at,
                            project_id)
            for volume in volumes]


class ProtectNow(policy.CachedPolicyActionMixin, tables.LinkAction):
    name = 'protect_now'
    verbose_name = _("Protect Now")
    url = 'horizon:project:volume_protection:protect'
    classes = ('ajax-modal',)
    icon = 'camera'
    policy_rules = policy.PROTECT

    def allowed(self, request, volume=None):
        return volume is None or (volume.status in PROTECTABLE_STATUSES
                                  and users_volume(volume))

    def get_link_url(self, volume):
        return '%s?%s' % (reverse(self.url),
                          http_utils.urlencode({'volume_id': volume.id}))


class AddSchedule(policy.CachedPolicyActionMixin, tables.LinkAction):
    """The schedule workflow with this volume picked."""

    name = 'add_schedule'
    verbose_name = _("Add Schedule")
    url = 'horizon:project:volume_protection:create_schedule'
    classes = ('ajax-modal',)
    icon = 'clock-o'
    policy_rules = policy.CHANGE_SCHEDULE

    def allowed(self, request, volume=None):
        return volume is None or users_volume(volume)

    def get_link_url(self, volume):
        return '%s?%s' % (reverse(self.url),
                          http_utils.urlencode({'volume_id': volume.id}))


class ProtectTicked(policy.CachedPolicyActionMixin,
                    common_tables.OpenWithTicked):
    name = 'protect_ticked'
    url = ProtectNow.url
    icon = 'camera'
    policy_rules = policy.PROTECT
    label = _("Protect Now")
    help_text = _("A snapshot of each ticked volume.")


class ScheduleTicked(policy.CachedPolicyActionMixin,
                     common_tables.OpenWithTicked):
    name = 'schedule_ticked'
    url = AddSchedule.url
    icon = 'clock-o'
    policy_rules = policy.CHANGE_SCHEDULE
    label = _("Add Schedule")
    help_text = _("One schedule for each ticked volume, all with the same "
                  "timing, retention and label.")


class NameFilter(tables.FilterAction):
    """Searches the project's volumes by name, in Cinder."""

    filter_type = 'server'
    filter_choices = (('name', _("Name ="), True),)


class VolumeRow(tables.Row):
    ajax = True

    def can_be_selected(self, volume):
        return users_volume(volume)

    def get_data(self, request, volume_id):
        volume = cinder.volume_get(request, volume_id)
        return with_protection(volume, plugin_choice.project_protections(
                                   request, volume.id),
                               project_id=request.user.project_id)

    @property
    def status(self):
        if self.datum.protection.busy:
            return None
        return super().status


def volume_name(volume):
    return volume.name or volume.id


def volume_link(volume):
    return common_tables.url_for('horizon:project:volumes:detail',
                                   volume.id)


def state(volume):
    return volume.protection.state


class StateColumn(tables.Column):
    """The state's words, with the recorded reason when it fails."""

    def get_data(self, volume):
        return states.describe(volume.protection)


def newest_snapshot(volume):
    snapshot = volume.protection.newest_protection
    if snapshot is None:
        return _("None")
    return snapshot.name or snapshot.id


def newest_snapshot_link(volume):
    snapshot = volume.protection.newest_protection
    if snapshot is None or not plugin_choice.is_default_plugins(snapshot):
        return None
    return common_tables.url_for('horizon:project:volume_protection:detail',
                                   snapshot.id)


def _ago(age, now):
    return timesince.timesince(now - age, now)


def newest_age(volume):
    """How old the newest restore point is; where several plugins
    protect, each one's newest ("backed up 2 days ago"), one per line."""
    protection = volume.protection
    if protection.newest_age is None:
        return '-'
    now = times.now()
    plugins = plugin_choice.volume_plugins()
    if plugins is None or len(plugins.plugins) < 2:
        return _("%s ago") % _ago(protection.newest_age, now)
    lines = []
    for name, age in protection.newest_ages:
        plugin = plugins.named(name)
        words = plugin.age_words if plugin else _("%s ago")
        lines.append((words % _ago(age, now),))
    return format_html_join(format_html('<br>'), '{}', lines)


def next_run(volume):
    """In the user's time zone, with the UTC time on hover."""
    run = volume.protection.next_run
    if run is None:
        return '-'
    return format_html(
        '<span title="{}">{}</span>', times.utc_label(run),
        local_times.shown(timezone.localtime(run)))


def last_verified(volume):
    """How the newest verified snapshot's verification ended, when."""
    state = volume.protection.last_verified
    return (verify_marks.ended(state, times.now()) if state else None) or '-'


def size_in_gib(volume):
    return _("%s GiB") % volume.size


class VolumeProtectionTable(common_tables.OwnActionsMixin,
                            common_tables.RowBoxesMixin,
                            tab_paging.TabPagedTableMixin, tables.DataTable):
    name = tables.WrappingColumn(volume_name, verbose_name=_("Volume"),
                                 link=volume_link)
    size = tables.Column(size_in_gib, verbose_name=_("Size"),
                         attrs={'data-type': 'size'})
    state = StateColumn(state, verbose_name=_("Protection"), status=True,
                        status_choices=STATE_STATUS)
    newest = tables.WrappingColumn(newest_snapshot,
                                   verbose_name=_("Newest Available Snapshot"),
                                   link=newest_snapshot_link)
    age = tables.Column(newest_age, verbose_name=_("Snapshot Age"))
    next_run = tables.Column(next_run, verbose_name=_("Next Scheduled Run"))
    last_verified = tables.Column(
        last_verified, verbose_name=_("Last Verified"),
        help_text=_("The verification of the volume's newest verified "
                    "snapshot: restored to a temporary volume successfully, "
                    "or not."))

    tab_query_value = 'volume_protection__volumes'
    state_choices = states.STATE_DISPLAY

    def __init__(self, request, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        plugins = plugin_choice.volume_plugins()
        if plugins is not None and len(plugins.plugins) > 1:
            # Backups too: the newest restore point may be either kind.
            self.columns['newest'].verbose_name = _("Newest Restore Point")
            self.columns['age'].verbose_name = _("Last Protected")

    def get_object_display(self, volume):
        return volume_name(volume)

    def row_state(self, volume):
        return volume.protection.state


    class Meta:
        name = 'volume_protection'
        verbose_name = _("Volumes")
        status_columns = ('state',)
        row_class = VolumeRow
        pagination_param = 'volume_marker'
        prev_pagination_param = 'prev_volume_marker'
        table_actions_template = tab_paging.TABLE_ACTIONS_TEMPLATE
        # Fleets: the row's actions work on many ticked volumes too.
        table_actions = (NameFilter, ProtectTicked, ScheduleTicked)
        row_actions = (ProtectNow, AddSchedule)
