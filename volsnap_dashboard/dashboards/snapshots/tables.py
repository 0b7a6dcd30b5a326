import functools
from urllib import parse

from django import http
from django import shortcuts
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from horizon import exceptions
from horizon import messages
from horizon import tables
from openstack_dashboard import policy as dashboard_policy

from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import cinder_facts
from volsnap_dashboard.api import errors
from volsnap_dashboard.dashboards.common import local_times
from volsnap_dashboard.dashboards.common import plugin_choice
from volsnap_dashboard.dashboards.common import statuses
from volsnap_dashboard.dashboards.common import tables as common_tables
from volsnap_dashboard.dashboards.groups import marks as group_marks
from volsnap_dashboard.dashboards.snapshots import decorations
from volsnap_dashboard.dashboards.snapshots.revert import marks as revert_marks
from volsnap_dashboard.dashboards.snapshots.verify import (
    actions as verify_actions)
from volsnap_dashboard.dashboards.snapshots.verify import marks as verify_marks
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import retention
from volsnap_dashboard import policy


def display_name_of(table, snapshot_id):
    """The name of the table's row ``snapshot_id``, or the id when the
    row is not on the page (deleted meanwhile) or has no name."""
    for snapshot in table.data or ():
        if snapshot.id == snapshot_id:
            return snapshot_name(snapshot)
    return snapshot_id


class PolicyTargetMixin(dashboard_policy.PolicyTargetMixin):
    policy_target_attrs = (('project_id',
                            cinder_facts.SNAPSHOT_PROJECT_ATTR),)


class ProtectVolumes(policy.CachedPolicyActionMixin, tables.LinkAction):
    name = 'protect'
    verbose_name = _("Protect Volumes")
    url = 'horizon:project:volume_protection:protect'
    classes = ('ajax-modal',)
    icon = 'camera'
    policy_rules = policy.PROTECT


class SnapshotLinkAction(policy.CachedPolicyActionMixin, tables.LinkAction):
    """A link about one snapshot, built without resolving its URL pattern
    for every row."""

    def get_link_url(self, datum=None):
        if datum is None:
            return super().get_link_url(datum)
        return common_tables.url_for(self.url, self.table.get_object_id(datum))


class AvailableSnapshotModal(PolicyTargetMixin, SnapshotLinkAction):
    """A modal row action for snapshots that are available."""

    classes = ('ajax-modal',)

    def allowed(self, request, snapshot=None):
        return snapshot is None or snapshot.status == 'available'


class EditableSnapshotModal(PolicyTargetMixin, SnapshotLinkAction):
    """A modal row action for what Cinder changes in any status."""

    classes = ('ajax-modal',)

    def allowed(self, request, snapshot=None):
        return (snapshot is None
                or snapshot.status in statuses.EDITABLE_STATUSES)


class RestoreSnapshot(AvailableSnapshotModal):
    name = 'restore'
    verbose_name = _("Restore to New Volume")
    url = 'horizon:project:volume_protection:restore'
    icon = 'plus'
    policy_rules = policy.RESTORE


class RestoreSnapshotGroup(AvailableSnapshotModal):
    """On a group snapshot's members: a new volume group from the whole
    group snapshot (the member's URL names it: rows' actions are rendered
    once per set of actions, with only the row's own id in them)."""

    name = 'restore_group'
    verbose_name = _("Restore Group")
    url = 'horizon:project:volume_protection:restore_snapshot_group'
    icon = 'plus-square'
    policy_rules = policy.RESTORE_GROUP

    def allowed(self, request, snapshot=None):
        plugin = plugin_choice.volume_plugin()
        return (snapshot is not None and
                bool(group_marks.group_snapshot_id(snapshot)) and
                plugin is not None and plugin.supports_groups and
                super().allowed(request, snapshot))


class RevertToSnapshot(AvailableSnapshotModal):
    """Offered on a volume's newest snapshot (as the page can tell, see
    revert_marks) while the volume is available, when the plugin can
    revert and Cinder has the action (3.40). Where Cinder's version, the
    volume's state or the page's view keep it from a snapshot that may be
    the newest, it is shown greyed with the reason (``unavailable_reason``,
    see _row_actions.html); on a snapshot with a newer one, or where
    policy or the plugin refuse, not at all."""

    name = 'revert'
    verbose_name = _("Revert Volume to This Snapshot")
    url = 'horizon:project:volume_protection:revert'
    icon = 'undo'
    policy_rules = policy.REVERT

    @staticmethod
    def offered(request):
        """Plugin and Cinder able to revert: asked once per request."""
        answers = request.__dict__.setdefault('_volsnap_revert_offered', [])
        if not answers:
            answers.append(revert_offered(request))
        return answers[0]

    unavailable_reason = None

    def allowed(self, request, snapshot=None):
        if snapshot is None or revert_marks.newer_exists(snapshot):
            return False
        return super().allowed(request, snapshot) and self.offered(request)

    def update(self, request, snapshot):
        self.unavailable_reason = revert_marks.unavailable_reason(
            snapshot, cinder.known_api_version(request))


def revert_offered(request):
    """The plugin reverts and the Cinder version is known (the one the
    page's listing negotiated: no call of its own)."""
    plugin = plugin_choice.volume_plugin()
    if plugin is None or not plugin.supports_revert:
        return False
    return cinder.known_api_version(request) is not None


class EditSnapshot(EditableSnapshotModal):
    name = 'edit'
    verbose_name = _("Edit Snapshot")
    url = 'horizon:project:volume_protection:update'
    icon = 'pencil'
    policy_rules = policy.UPDATE


class UpdateMetadata(EditableSnapshotModal):
    name = 'update_metadata'
    verbose_name = _("Update Metadata")
    url = 'horizon:project:volume_protection:metadata'
    icon = 'tags'
    policy_rules = policy.UPDATE_METADATA


class DeleteSnapshots(common_tables.GoneRowsBatchMixin,
                      policy.CachedPolicyActionMixin,
                      PolicyTargetMixin, tables.DeleteAction):
    policy_rules = policy.DELETE
    help_text = _("Deleted snapshots are not recoverable.")

    # Django's ngettext_lazy builds a new class on every call, and Horizon
    # asks for each row's label twice: one lazy string per count (still
    # translated when shown, in the reader's language).
    @staticmethod
    @functools.lru_cache(maxsize=64)
    def action_present(count):
        return ngettext_lazy("Delete Snapshot", "Delete Snapshots", count)

    @staticmethod
    @functools.lru_cache(maxsize=64)
    def action_past(count):
        return ngettext_lazy("Scheduled deletion of Snapshot",
                             "Scheduled deletion of Snapshots", count)

    def allowed(self, request, snapshot=None):
        # Cinder deletes only these; a stuck snapshot needs an admin's
        # force delete. A row gone since the page was drawn is let
        # through: deleting something already gone counts as done.
        # A group snapshot's members go only with it (Delete Group
        # Snapshot, on its page): Cinder refuses them one by one.
        return snapshot is None or (
            snapshot.status in statuses.DELETABLE_STATUSES and
            not group_marks.group_snapshot_id(snapshot))

    def handle(self, table, request, obj_ids):
        if plugin_choice.volume_plugin() is None:
            messages.error(request, plugin_choice.NO_PROVIDER)
            return shortcuts.redirect(self.get_success_url(request))
        return super().handle(table, request, obj_ids)

    def delete(self, request, obj_id):
        plugin = plugin_choice.volume_plugin()
        name = display_name_of(self.table, obj_id)
        try:
            deleted = cinder.snapshot_delete(request, plugin, obj_id)
        except errors.VolsnapAPIError as exc:
            exceptions.handle(
                request, _('Unable to delete snapshot "%(name)s": '
                           '%(reason)s') % {'name': name, 'reason': exc},
                escalate=True)
        if not deleted:
            common_tables.report_already_gone(request, _(
                'Snapshot "%s" no longer exists: it was already '
                'deleted.') % name)


class KeepSnapshots(policy.CachedPolicyActionMixin, PolicyTargetMixin,
                    tables.BatchAction):
    """A scheduled snapshot its tenant wants to keep: the schedule's
    retention neither deletes nor counts it."""
    name = 'keep'
    icon = 'bookmark'
    policy_rules = policy.KEEP_SNAPSHOT
    help_text = _("The schedule's retention neither deletes nor counts "
                  "kept snapshots; Stop Keeping gives them back to it.")

    @staticmethod
    @functools.lru_cache(maxsize=64)
    def action_present(count):
        return ngettext_lazy("Keep Snapshot", "Keep Snapshots", count)

    @staticmethod
    @functools.lru_cache(maxsize=64)
    def action_past(count):
        return ngettext_lazy("Kept, out of retention's reach",
                             "Kept, out of retention's reach", count)

    def allowed(self, request, snapshot=None):
        return snapshot is None or (
            codec.schedule_id_of(snapshot) is not None
            and not retention.is_kept(snapshot))

    def action(self, request, obj_id):
        cinder.snapshot_set_metadata(request, obj_id,
                                     {codec.KEPT_KEY: codec.KEPT_VALUE})


class StopKeepingSnapshots(policy.CachedPolicyActionMixin,
                           PolicyTargetMixin, tables.BatchAction):
    name = 'stop_keeping'
    icon = 'undo'
    policy_rules = policy.UNKEEP_SNAPSHOT
    help_text = _("The schedule's retention counts them again, and may "
                  "delete them at its next run.")

    @staticmethod
    @functools.lru_cache(maxsize=64)
    def action_present(count):
        return ngettext_lazy("Stop Keeping Snapshot",
                             "Stop Keeping Snapshots", count)

    @staticmethod
    @functools.lru_cache(maxsize=64)
    def action_past(count):
        return ngettext_lazy("Given back to retention",
                             "Given back to retention", count)

    def allowed(self, request, snapshot=None):
        return snapshot is None or retention.is_kept(snapshot)

    def action(self, request, obj_id):
        cinder.snapshot_delete_metadata(request, obj_id, [codec.KEPT_KEY])


class CreatedColumn(tables.Column):
    """When Cinder made the snapshot, as every time of the panels reads:
    in the user's zone, UTC on hover."""

    def get_data(self, snapshot):
        return local_times.cinder_time_html(
            getattr(snapshot, 'created_at', None),
            local_times.user_zone(self.table.request))


class UpdateRow(tables.Row):
    ajax = True

    def get_data(self, request, snapshot_id):
        snapshot = cinder.snapshot_get(request, snapshot_id)
        try:
            volume = cinder.volume_get(request, snapshot.volume_id)
        except errors.VolsnapAPIError:
            volume = None
        self.table.decorate_rows(request, [snapshot],
                                 decorations.RowVolume(volume))
        return snapshot

    @property
    def status(self):
        # A verification asked for or under way: refreshed until its
        # outcome is recorded, as a snapshot in transition is.
        if verify_marks.pending(self.datum):
            return None
        return super().status


class SnapshotFilterAction(tables.FilterAction):
    filter_type = 'server'
    filter_choices = (
        ('name', _("Name ="), True),
        ('status', _("Status ="), True),
        ('volume', _("Volume (name or ID) ="), True),
    )
    #: Offered as a list (see _table_actions.html) instead of free text.
    status_choices = statuses.SNAPSHOT_STATUS_DISPLAY

    def selected_status(self):
        """The status the table is filtered by, if it is."""
        if getattr(self, 'filter_field', None) != 'status':
            return None
        return statuses.status_for(getattr(self, 'filter_string', None) or '')


def source_volume_name(snapshot):
    return getattr(snapshot, 'source_volume_name', None) or snapshot.volume_id


def source_volume_link(snapshot):
    if getattr(snapshot, 'source_volume_name', None) is None:
        return None
    return common_tables.url_for('horizon:project:volumes:detail',
                                 snapshot.volume_id)


def detail_link(snapshot):
    return common_tables.url_for(
        'horizon:project:volume_protection:detail', snapshot.id)


def size_in_gib(snapshot):
    return _("%s GiB") % snapshot.size


class StatusColumn(tables.Column):
    """Polls on the raw status; shows Cinder's reason when one failed."""

    def get_data(self, datum):
        status = super().get_data(datum)
        reason = getattr(datum, 'error_reason', None)
        if reason:
            status = _("%(status)s: %(reason)s") % {'status': status,
                                                     'reason': reason}
        note = revert_marks.volume_note(datum)
        if note:
            return _("%(status)s (%(note)s)") % {'status': status,
                                                 'note': note}
        return status


def snapshot_name(snapshot):
    return snapshot.name or snapshot.id


def schedule_mark(snapshot):
    return getattr(snapshot, 'schedule_mark', None)


def description_or_none(snapshot):
    # Cinder answers None or "" for no description: both show as "-".
    return getattr(snapshot, 'description', None) or None


class ProtectedSnapshotsTable(common_tables.OwnActionsMixin,
                              common_tables.RowBoxesMixin,
                              common_tables.GoneRowsTableMixin,
                              tables.DataTable):
    #: The ids of the first and last snapshots Cinder listed for the
    #: page, where rows of it are left out (see listing): the next and
    #: previous pages start from them, even after an empty page.
    listed_ends = None

    name = tables.WrappingColumn(
        snapshot_name, verbose_name=_("Name"),
        link=detail_link)
    volume = tables.WrappingColumn(source_volume_name,
                                   verbose_name=_("Volume"),
                                   link=source_volume_link)
    size = tables.Column(size_in_gib, verbose_name=_("Size"),
                         attrs={'data-type': 'size'})
    status = StatusColumn('status', verbose_name=_("Status"), status=True,
                          status_choices=statuses.SNAPSHOT_STATUS_CHOICES,
                          display_choices=statuses.SNAPSHOT_STATUS_DISPLAY)
    schedule = tables.Column(
        schedule_mark, verbose_name=_("Made by Schedule"),
        help_text=_("The schedule's retention may delete its snapshots."))
    verification = tables.Column(
        verify_marks.verification_mark, verbose_name=_("Verification"),
        help_text=_("Whether the snapshot was restored to a temporary "
                    "volume successfully."))
    group_snapshot = tables.WrappingColumn(
        group_marks.group_snapshot_label, verbose_name=_("Group Snapshot"),
        link=group_marks.group_snapshot_link,
        help_text=_("Snapshots taken together, at the same instant, of a "
                    "volume group's volumes."))
    created = CreatedColumn('created_at', verbose_name=_("Created"))
    description = tables.Column(description_or_none,
                                verbose_name=_("Description"), truncate=60)

    #: The group snapshot listing's options (the admin's: all projects).
    group_search_opts = None

    @classmethod
    def decorate_rows(cls, request, snapshots, volumes):
        """Set on ``snapshots`` everything this table's rows show (see
        decorations.decorate): every path that draws a row calls this."""
        return decorations.decorate(
            request, snapshots, volumes,
            revert=RevertToSnapshot.name in cls.base_actions,
            group_search_opts=cls.group_search_opts)

    def render_row_actions(self, datum, row=False):
        """Each row's action buttons, rendering the template once per set
        of allowed actions instead of once per row (the largest cost of a
        long page): rows with the same actions differ only by their id,
        which goes into the rendered set through format_html."""
        row_id = str(self.get_object_id(datum))
        if not common_tables.CINDER_ID.fullmatch(row_id):
            return super().render_row_actions(datum, row)
        key = (row, tuple((action.name, str(getattr(
            action, 'unavailable_reason', None) or ''))
            for action in self.get_row_actions(datum)))
        rendered = self.__dict__.setdefault('_row_actions_rendered', {})
        if key not in rendered:
            html = str(super().render_row_actions(datum, row))
            rendered[key] = html.replace('{', '{{').replace(
                '}', '}}').replace(row_id, '{0}')
        return format_html(rendered[key], row_id)

    def get_marker(self):
        if self.listed_ends:
            return parse.quote_plus(self.listed_ends[1])
        return super().get_marker()

    def get_prev_marker(self):
        if self.listed_ends:
            return parse.quote_plus(self.listed_ends[0])
        return super().get_prev_marker()

    def get_object_display(self, snapshot):
        return snapshot_name(snapshot) if snapshot is not None else None

    def maybe_preempt(self):
        response = super().maybe_preempt()
        # Horizon answers a row update that met a recoverable error (Cinder
        # down) with status 100 Continue, which leaves the browser waiting
        # for ever; say "unavailable" instead, and the row polls again.
        if response is not None and response.status_code == 100:
            return http.HttpResponse(status=503)
        return response

    class Meta:
        name = 'protected_snapshots'
        verbose_name = _("Protected Snapshots")
        status_columns = ('status',)
        row_class = UpdateRow
        # Horizon's, plus actions shown greyed with a reason.
        row_actions_dropdown_template = 'volume_protection/_row_actions.html'
        pagination_param = 'snapshot_marker'
        prev_pagination_param = 'prev_snapshot_marker'
        table_actions_template = 'volume_protection/_table_actions.html'
        table_actions = (SnapshotFilterAction, ProtectVolumes,
                         KeepSnapshots, DeleteSnapshots)
        row_actions = (RestoreSnapshot, RestoreSnapshotGroup,
                       RevertToSnapshot,
                       verify_actions.VerifySnapshot, EditSnapshot,
                       UpdateMetadata, KeepSnapshots, StopKeepingSnapshots,
                       DeleteSnapshots)
