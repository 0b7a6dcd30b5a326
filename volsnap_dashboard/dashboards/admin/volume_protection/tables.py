import functools

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from horizon import exceptions
from horizon import tables

from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import cinder_facts
from volsnap_dashboard.api import errors
from volsnap_dashboard.api import keystone
from volsnap_dashboard.dashboards.common import tables as common_tables
from volsnap_dashboard.dashboards.groups import marks as group_marks
from volsnap_dashboard.dashboards.snapshots import tables as project_tables
from volsnap_dashboard import policy

#: Group snapshots of every project (Cinder lists only the admin's own
#: without it).
ALL_PROJECTS = {'all_tenants': True}
# Only a force delete removes these (Cinder refuses a plain delete).
STUCK_STATUSES = ('error_deleting', 'deleting', 'creating')


def project_id(snapshot):
    return cinder_facts.snapshot_project(snapshot)


def project_name(snapshot):
    return getattr(snapshot, 'project_name', None) or project_id(snapshot)


def admin_volume_link(snapshot):
    if getattr(snapshot, 'source_volume_name', None) is None:
        return None
    return common_tables.url_for('horizon:admin:volumes:detail',
                                  snapshot.volume_id)


def admin_detail_link(snapshot):
    return common_tables.url_for('horizon:admin:volume_protection:detail',
                                  snapshot.id)


def admin_group_snapshot_link(snapshot):
    wanted = group_marks.group_snapshot_id(snapshot)
    if not wanted:
        return None
    return common_tables.url_for(
        'horizon:admin:volume_protection:group_snapshot', wanted)


class ForceDeleteSnapshots(common_tables.GoneRowsBatchMixin,
                           policy.CachedPolicyActionMixin,
                           tables.BatchAction):
    name = 'force_delete'
    # "danger" draws the button with btn-danger, which is what makes
    # Horizon ask for a confirmation before it submits.
    action_type = 'danger'
    icon = 'trash'
    policy_rules = policy.FORCE_DELETE
    help_text = _("Force delete removes a snapshot stuck in Creating, "
                  "Deleting or Error Deleting, whatever the back end "
                  "reports.")

    # One lazy string per count (see project_tables.DeleteSnapshots).
    @staticmethod
    @functools.lru_cache(maxsize=64)
    def action_present(count):
        return ngettext_lazy("Force Delete Snapshot",
                             "Force Delete Snapshots", count)

    @staticmethod
    @functools.lru_cache(maxsize=64)
    def action_past(count):
        return ngettext_lazy("Scheduled force deletion of Snapshot",
                             "Scheduled force deletion of Snapshots", count)

    def allowed(self, request, snapshot=None):
        # Cinder refuses even a forced delete of a group snapshot's member:
        # it goes with its group snapshot (Delete Group Snapshot).
        return snapshot is None or (
            snapshot.status in STUCK_STATUSES and
            not group_marks.group_snapshot_id(snapshot))

    def action(self, request, obj_id):
        try:
            cinder.snapshot_force_delete(request, obj_id)
        except errors.NotFound:
            return
        except errors.VolsnapAPIError as exc:
            exceptions.handle(
                request, _('Unable to force delete snapshot "%(name)s": '
                           '%(reason)s') % {
                    'name': project_tables.display_name_of(self.table,
                                                           obj_id),
                    'reason': exc},
                escalate=True)


class ResetStatus(project_tables.SnapshotLinkAction):
    name = 'reset_status'
    verbose_name = _("Reset Status")
    url = 'horizon:admin:volume_protection:reset_status'
    classes = ('ajax-modal',)
    icon = 'refresh'
    policy_rules = policy.RESET_STATUS


class AdminSnapshotFilterAction(project_tables.SnapshotFilterAction):
    filter_choices = (
        ('project', _("Project (name or ID) ="), True),
        ('name', _("Name ="), True),
        ('status', _("Status ="), True),
        ('volume', _("Volume (name or ID) ="), True),
    )


class AdminUpdateRow(project_tables.UpdateRow):
    """A row that refreshes itself keeps its project's name."""

    def get_data(self, request, snapshot_id):
        snapshot = super().get_data(request, snapshot_id)
        try:
            names = keystone.project_names(request)
        except errors.VolsnapAPIError:
            names = {}  # the row shows the project's id instead
        snapshot.project_name = names.get(project_id(snapshot))
        return snapshot


class AdminSnapshotsTable(project_tables.ProtectedSnapshotsTable):
    group_search_opts = ALL_PROJECTS
    project = tables.WrappingColumn(project_name, verbose_name=_("Project"))
    name = tables.WrappingColumn(
        project_tables.snapshot_name, verbose_name=_("Name"),
        link=admin_detail_link)
    volume = tables.WrappingColumn(project_tables.source_volume_name,
                                   verbose_name=_("Volume"),
                                   link=admin_volume_link)
    group_snapshot = tables.WrappingColumn(
        group_marks.group_snapshot_label, verbose_name=_("Group Snapshot"),
        link=admin_group_snapshot_link,
        help_text=project_tables.ProtectedSnapshotsTable.base_columns[
            'group_snapshot'].help_text)

    class Meta(project_tables.ProtectedSnapshotsTable.Meta):
        name = 'admin_snapshots'
        columns = ('project', 'name', 'volume', 'size', 'status',
                   'schedule', 'verification', 'group_snapshot', 'created',
                   'description')
        row_class = AdminUpdateRow
        table_actions = (AdminSnapshotFilterAction,
                         project_tables.DeleteSnapshots, ForceDeleteSnapshots)
        row_actions = (ResetStatus, project_tables.DeleteSnapshots,
                       ForceDeleteSnapshots)
