"""The protections tab's table: what the provider's other plugins keep
(backups), with Restore and Delete through each row's plugin."""

from django import shortcuts
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from horizon import exceptions
from horizon import messages
from horizon import tables

from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import errors
from volsnap_dashboard.dashboards.common import plugin_choice
from volsnap_dashboard.dashboards.common import statuses
from volsnap_dashboard.dashboards.common import tab_paging
from volsnap_dashboard.dashboards.common import tables as common_tables
from volsnap_dashboard.dashboards.protections import rows as protection_rows
from volsnap_dashboard.dashboards.snapshots import tables as snapshot_tables
from volsnap_dashboard.dashboards.snapshots.verify import (
    actions as verify_actions)
from volsnap_dashboard.dashboards.snapshots.verify import (
    api as verifications_api)
from volsnap_dashboard.dashboards.snapshots.verify import marks as verify_marks
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard import policy

# What Cinder deletes without force, backups and snapshots alike.
DELETABLE = statuses.DELETABLE_STATUSES


class PluginRulesMixin(policy.CachedPolicyActionMixin):
    """An action allowed by the rules its row's plugin gives it
    (``plugin_action``): with no row, by those of every plugin of the
    table."""

    plugin_action = None
    policy_rules = None

    def policy_allows(self, request, datum=None):
        plugins = ([datum.plugin] if datum is not None
                   else protection_rows.other_plugins())
        return all(policy.rules_allow(
            request, plugin.policy_rules.get(self.plugin_action, ()))
            for plugin in plugins)


class ProtectWith(PluginRulesMixin, tables.LinkAction):
    """Protect Volumes, with the tab's first plugin chosen."""

    name = 'protect'
    verbose_name = _("Protect Volumes")
    classes = ('ajax-modal',)
    icon = 'cloud-upload'
    plugin_action = 'protect'

    def get_link_url(self, datum=None):
        plugins = protection_rows.other_plugins()
        url = reverse('horizon:project:volume_protection:protect')
        return plugin_choice.with_plugin(url, plugins[0]) if plugins \
            else url

    def allowed(self, request, datum=None):
        return bool(protection_rows.other_plugins())


class RestoreProtection(PluginRulesMixin, tables.LinkAction):
    name = 'restore'
    verbose_name = _("Restore to New Volume")
    classes = ('ajax-modal',)
    icon = 'upload'
    plugin_action = 'restore'

    def get_link_url(self, row):
        return plugin_choice.with_plugin(reverse(
            'horizon:project:volume_protection:restore', args=(row.id,)),
            row.plugin)

    def allowed(self, request, row=None):
        return row is None or row.status == 'available'


def listed_row(table, obj_id):
    """The table's row ``obj_id``; a row gone since the page was drawn
    is reported already gone (and the action ends there)."""
    row = table.get_object_by_id(obj_id)
    if row is None:
        common_tables.report_already_gone(table.request, _(
            '"%s" no longer exists: it was already deleted.') % obj_id)
    return row


def kinds(count):
    """The tab's plugins' word for ``count`` protections, capitalized
    ("Backup", "Backups")."""
    plugins = protection_rows.other_plugins()
    return _(" or ").join(
        str(plugin.verbose_name if count == 1 else
            plugin.verbose_name_plural).capitalize() for plugin in plugins)


class DeleteProtections(common_tables.GoneRowsBatchMixin, PluginRulesMixin,
                        tables.DeleteAction):
    plugin_action = 'delete'
    help_text = _("Deleted, they are not recoverable. One that others "
                  "build on (an incremental backup's) can be deleted only "
                  "after them.")

    # In the reader's language at each call: nothing cached.
    @staticmethod
    def action_present(count):
        return _("Delete %s") % kinds(count)

    @staticmethod
    def action_past(count):
        return _("Scheduled deletion of %s") % kinds(count)

    def allowed(self, request, row=None):
        # Cinder refuses to delete one that others build on.
        return row is None or (row.status in DELETABLE and
                               not row.has_dependents)

    def handle(self, table, request, obj_ids):
        if not protection_rows.other_plugins():
            messages.error(request, plugin_choice.NO_PROVIDER)
            return shortcuts.redirect(self.get_success_url(request))
        return super().handle(table, request, obj_ids)

    def delete(self, request, obj_id):
        row = listed_row(self.table, obj_id)
        name = row.name or row.id
        try:
            deleted = cinder.snapshot_delete(request, row.plugin, obj_id)
        except errors.VolsnapAPIError as exc:
            exceptions.handle(request, _(
                'Unable to delete %(kind)s "%(name)s": %(reason)s') % {
                    'kind': row.plugin.verbose_name, 'name': name,
                    'reason': exc}, escalate=True)
        if not deleted:
            common_tables.report_already_gone(request, _(
                '"%s" no longer exists: it was already deleted.') % name)


class VerifyProtections(PluginRulesMixin, verify_actions.VerifySnapshot):
    """Verify, through the row's plugin: the scheduler restores it to a
    temporary volume and records whether that worked."""

    plugin_action = 'update'
    help_text = _("The scheduler restores it to a temporary volume, "
                  "records whether Cinder made that volume available, and "
                  "deletes it.")

    @staticmethod
    def action_present(count):
        return _("Verify %s") % kinds(count)

    @staticmethod
    def action_past(count):
        return _("Requested verification of %s") % kinds(count)

    def action(self, request, obj_id):
        row = listed_row(self.table, obj_id)
        try:
            verifications_api.request(request, obj_id, plugin=row.plugin)
        except errors.VolsnapAPIError as exc:
            exceptions.handle(request, _(
                'Unable to verify "%(name)s": %(reason)s') % {
                    'name': row.name or row.id, 'reason': exc},
                escalate=True)


class UpdateRow(tables.Row):
    ajax = True

    def get_data(self, request, protection_id):
        row = protection_rows.row(request, protection_id)
        try:
            row.volume_name = cinder.volume_get(request, row.volume_id).name
        except errors.VolsnapAPIError:
            row.volume_name = None
        return row


MARKER_PARAM = 'protection_marker'
PREV_MARKER_PARAM = 'prev_protection_marker'


def kind_of(row):
    return str(row.plugin.verbose_name).capitalize()


def needs(row):
    """What the protection cannot be restored without: the backup an
    incremental backup builds on ("-" for a full one)."""
    return row.needs_name


def volume_name(row):
    return row.volume_name or row.volume_id


def volume_link(row):
    if row.volume_name is None:
        return None
    return reverse('horizon:project:volumes:detail', args=(row.volume_id,))


def schedule_of(row):
    return codec.schedule_id_of(row.protection) or None


def size_in_gib(row):
    return _("%s GiB") % row.size


class ProtectionsTable(common_tables.OwnActionsMixin,
                       common_tables.RowBoxesMixin,
                       tab_paging.TabPagedTableMixin, tables.DataTable):
    name = tables.WrappingColumn(lambda row: row.name or row.id,
                                 verbose_name=_("Name"))
    kind = tables.Column(kind_of, verbose_name=_("Kind"))
    volume = tables.WrappingColumn(volume_name, verbose_name=_("Volume"),
                                   link=volume_link)
    needs = tables.WrappingColumn(
        needs, verbose_name=_("Builds On"),
        help_text=_("An incremental backup holds only what changed since "
                    "the backup it builds on: restoring it needs that one "
                    "too, which cannot be deleted before it."))
    size = tables.Column(size_in_gib, verbose_name=_("Size"),
                         attrs={'data-type': 'size'})
    status = tables.Column('status', verbose_name=_("Status"), status=True,
                           status_choices=statuses.SNAPSHOT_STATUS_CHOICES,
                           display_choices=statuses.SNAPSHOT_STATUS_DISPLAY)
    schedule = tables.Column(
        schedule_of, verbose_name=_("Made by Schedule"),
        help_text=_("The schedule's retention may delete what it made."))
    verification = tables.Column(
        verify_marks.verification_mark, verbose_name=_("Verification"),
        help_text=_("Whether it was restored to a temporary volume "
                    "successfully."))
    created = snapshot_tables.CreatedColumn('created_at',
                                            verbose_name=_("Created"))

    tab_query_value = 'volume_protection__protections'

    def get_object_display(self, row):
        return (row.name or row.id) if row is not None else None

    def tab_query(self, **params):
        # The page links stay with the plugin the tab shows.
        kind = self.request.GET.get(protection_rows.KIND_PARAM)
        if kind:
            params = {protection_rows.KIND_PARAM: kind, **params}
        return super().tab_query(**params)

    class Meta:
        name = 'protections'
        verbose_name = _("Protections")
        status_columns = ('status',)
        row_class = UpdateRow
        pagination_param = MARKER_PARAM
        prev_pagination_param = PREV_MARKER_PARAM
        table_actions = (tables.NameFilterAction, ProtectWith,
                         DeleteProtections)
        row_actions = (RestoreProtection, VerifyProtections,
                       DeleteProtections)
