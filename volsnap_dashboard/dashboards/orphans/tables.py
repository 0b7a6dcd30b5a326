"""The Orphans table: snapshots and volumes left without a purpose (see
:mod:`volsnap_dashboard.dashboards.orphans.finder`), and what can be done with
them: delete, keep (no longer listed), adopt into a schedule.

A row is a snapshot or a volume, so each action asks the policy rule of
the row's kind of resource (once per request for each rule and project,
not once per row); a user who may do nothing sees the list only.
"""

import functools

from django.urls import reverse
from django.utils import http as http_utils
from django.utils import timesince
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from horizon import exceptions
from horizon import messages
from horizon import tables
from horizon.utils import settings as horizon_settings

from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import errors
from volsnap_dashboard.dashboards.common import plugin_choice
from volsnap_dashboard.dashboards.common import statuses
from volsnap_dashboard.dashboards.common import tables as common_tables
from volsnap_dashboard.dashboards.orphans import finder as orphans
from volsnap_dashboard.protection import cinder_snapshot
from volsnap_dashboard.protection import times
from volsnap_dashboard.protection import verification
from volsnap_dashboard import policy

#: The index's tab group and this tab, as Horizon names them in ?tab=.
TAB_GROUP_SLUG = 'volume_protection'
TAB_SLUG = 'orphans'
#: The query parameter that lists the kept orphans instead.
KEPT_PARAM = 'kept'
#: The query parameters of the next and the previous page.
MARKER_PARAM = 'orphan_marker'
PREV_MARKER_PARAM = 'prev_orphan_marker'
#: The filter's field chosen from the list of kinds.
KIND_FIELD = 'kind'

# What Cinder deletes without force.
DELETABLE_SNAPSHOT_STATUSES = statuses.DELETABLE_STATUSES
DELETABLE_VOLUME_STATUSES = ('available', 'error', 'error_restoring',
                             'error_extending', 'error_managing')


def showing_kept(request):
    return request.GET.get(KEPT_PARAM) == '1'


def tab_query(kept=False, **params):
    """The query string of this tab, kept or not, with ``params``."""
    query = [('tab', '%s__%s' % (TAB_GROUP_SLUG, TAB_SLUG))]
    if kept:
        query.append((KEPT_PARAM, '1'))
    query.extend(params.items())
    return http_utils.urlencode(query)


def tab_url(request, kept=False):
    """This tab on the page it is on (project or admin), kept or not."""
    return '%s?%s' % (request.path, tab_query(kept))


def policy_allows(request, rules, project_id=None):
    """``rules`` allow it for ``project_id``'s resource; each question
    asked once per request (the same cache as the other tables')."""
    check = horizon_settings.import_setting('POLICY_CHECK_FUNCTION')
    if not check or not rules:
        return True
    target = {'project_id': project_id} if project_id else {}
    key = (rules, tuple(sorted(target.items())))
    answers = request.__dict__.setdefault('_volsnap_policy_answers', {})
    if key not in answers:
        answers[key] = bool(check(rules, request, target))
    return answers[key]


# -- Columns ----------------------------------------------------------------

def kind_text(orphan):
    if orphan.plugin is not None:
        return _("%s of a deleted schedule") % str(
            orphan.plugin.verbose_name).capitalize()
    return dict(orphans.KIND_DISPLAY).get(orphan.kind, orphan.kind)


def size_text(orphan):
    return _("%s GiB") % orphan.size if orphan.size is not None else '-'


def age_html(orphan):
    if orphan.created is None:
        return '-'
    utc = times.utc_label(orphan.created)
    return format_html('<span title="{}">{}</span>', utc, timesince.timesince(
        orphan.created, times.now(), depth=1))


def name_link(orphan):
    if orphan.resource_type == orphans.PROTECTION:
        return None  # listed in its own tab (Backups), no page of its own
    if orphan.resource_type == orphans.SNAPSHOT:
        return common_tables.url_for(
            'horizon:project:volume_protection:detail', orphan.resource_id)
    return common_tables.url_for('horizon:project:volumes:detail',
                                     orphan.resource_id)


def about_text(orphan):
    """What the row was made from, which is gone (or still there)."""
    if orphan.volume_elsewhere:
        return _("Volume %s, now in another project") % orphan.volume_id
    if orphan.kind == orphans.NO_VOLUME:
        return _("Volume %s") % orphan.volume_id
    if orphan.schedule_id:
        return _("Schedule %s") % orphan.schedule_id
    metadata = getattr(orphan.resource, 'metadata', None) or {}
    source = metadata.get(verification.VERIFICATION_OF_KEY) or \
        metadata.get(cinder_snapshot.RESTORED_FROM_KEY)
    return _("Snapshot %s") % source if source else '-'


# -- Actions ----------------------------------------------------------------

NOT_LISTED = _('"%s" is not among the orphans listed (it is not one, or '
               'it changed since the page was drawn): nothing was done.')


class OrphanActionMixin:
    """Allowed for a row where the rules of its kind allow it; for the
    table (or a row deleted meanwhile) where either kind's do. It acts
    only on a row the tab lists (any page of it): an id posted for
    anything else is refused with a message."""

    #: {resource type: policy rules}
    rules_by_type = {}
    #: The key of the plugin's ``policy_rules`` for another plugin's
    #: protection (None: the action is not offered for those).
    plugin_rule = None

    def allowed_for(self, request, orphan):
        """What the row's own state allows (besides policy)."""
        return True

    def rules_for(self, orphan):
        if orphan.resource_type == orphans.PROTECTION:
            if self.plugin_rule is None:
                return None
            return orphan.plugin.policy_rules.get(self.plugin_rule, ())
        return self.rules_by_type.get(orphan.resource_type)

    def allowed(self, request, orphan=None):
        if orphan is None:
            return any(policy_allows(request, rules)
                       for rules in self.rules_by_type.values())
        rules = self.rules_for(orphan)
        return (rules is not None and
                policy_allows(request, rules, orphan.project_id) and
                self.allowed_for(request, orphan))

    def _allowed(self, request, datum=None):
        if datum is None and request.method == 'POST':
            # A row gone since the page was drawn: the action finds out
            # from Cinder and says so, even on a table now empty.
            return self.allowed(request)
        return super()._allowed(request, datum)

    def check_listed(self, request, obj_id):
        """Raise HandledException, with a message, unless ``obj_id`` is
        a row of the tab's listing."""
        if obj_id in self.table.listed_ids:
            return
        try:
            resource_id = orphans.split_row_id(obj_id)[1]
        except ValueError:
            resource_id = obj_id
        messages.error(request, NOT_LISTED % resource_id)
        refused = errors.NotFound(NOT_LISTED % resource_id)
        raise exceptions.HandledException(
            (type(refused), refused, None))

    def listed_plugin(self, obj_id):
        """The plugin of another plugin's protection the tab lists."""
        plugin = self.table.listed[obj_id].plugin
        if plugin is None:
            raise errors.VolsnapAPIError(plugin_choice.NO_PROVIDER)
        return plugin

    def name_of(self, obj_id):
        for orphan in self.table.data or ():
            if orphan.id == obj_id:
                return orphan.name
        return orphans.split_row_id(obj_id)[1]


# Cinder looks a snapshot's volume up in the caller's project before it
# deletes the snapshot, and answers 404 when the volume left the project
# (a transfer without its snapshots), while it refuses to delete a volume
# that has snapshots: only an administrator can delete those.
STRANDED = _("Block Storage cannot find its volume in this project (it "
             "was moved to another project), so only an administrator can "
             "delete this snapshot.")


def still_there(request, snapshot_id):
    """Whether the snapshot Cinder answered 404 for still exists (one
    call, for that row only); False when Cinder cannot tell."""
    try:
        cinder.snapshot_get(request, snapshot_id)
    except errors.VolsnapAPIError:
        return False
    return True


class DeleteOrphans(OrphanActionMixin, tables.DeleteAction):
    rules_by_type = {orphans.SNAPSHOT: policy.DELETE,
                     orphans.VOLUME: policy.DELETE_VOLUME}
    plugin_rule = 'delete'
    help_text = _("Deleted snapshots, backups and volumes are not "
                  "recoverable.")

    @staticmethod
    @functools.lru_cache(maxsize=64)
    def action_present(count):
        return ngettext_lazy("Delete Orphan", "Delete Orphans", count)

    @staticmethod
    @functools.lru_cache(maxsize=64)
    def action_past(count):
        return ngettext_lazy("Scheduled deletion of Orphan",
                             "Scheduled deletion of Orphans", count)

    def allowed_for(self, request, orphan):
        if orphan.resource_type == orphans.PROTECTION:
            # Cinder refuses to delete a backup others build on.
            return (orphan.status in DELETABLE_SNAPSHOT_STATUSES and
                    not orphan.resource.has_dependents)
        statuses = (DELETABLE_SNAPSHOT_STATUSES
                    if orphan.resource_type == orphans.SNAPSHOT
                    else DELETABLE_VOLUME_STATUSES)
        return orphan.status in statuses

    def delete(self, request, obj_id):
        self.check_listed(request, obj_id)
        resource_type, resource_id = orphans.split_row_id(obj_id)
        name = self.name_of(obj_id)
        try:
            if resource_type == orphans.SNAPSHOT:
                plugin = plugin_choice.volume_plugin()
                if plugin is None:
                    raise errors.VolsnapAPIError(plugin_choice.NO_PROVIDER)
                gone = not cinder.snapshot_delete(request, plugin,
                                                  resource_id)
                if gone and still_there(request, resource_id):
                    raise errors.VolsnapAPIError(STRANDED)
            elif resource_type == orphans.PROTECTION:
                gone = not cinder.snapshot_delete(
                    request, self.listed_plugin(obj_id), resource_id)
            else:
                gone = False
                cinder.volume_delete(request, resource_id)
        except errors.NotFound:
            gone = True
        except errors.VolsnapAPIError as exc:
            exceptions.handle(request, _(
                'Unable to delete "%(name)s": %(reason)s') % {
                'name': name, 'reason': exc}, escalate=True)
        if gone:
            common_tables.report_already_gone(request, _(
                '"%s" no longer exists: it was already deleted.') % name)


class OrphanBatchAction(OrphanActionMixin, tables.BatchAction):
    """A metadata change of each chosen row, through ``change``."""

    failure_message = None

    plugin_rule = 'update'

    def change(self, request, resource_type, resource_id):
        raise NotImplementedError

    def change_protection(self, request, plugin, protection):
        """The change, on another plugin's protection (a backup)."""
        raise NotImplementedError

    def action(self, request, obj_id):
        self.check_listed(request, obj_id)
        resource_type, resource_id = orphans.split_row_id(obj_id)
        try:
            if resource_type == orphans.PROTECTION:
                self.change_protection(request, self.listed_plugin(obj_id),
                                       self.table.listed[obj_id].resource)
            else:
                self.change(request, resource_type, resource_id)
        except errors.VolsnapAPIError as exc:
            exceptions.handle(request, self.failure_message % {
                'name': self.name_of(obj_id), 'reason': exc}, escalate=True)


class KeepOrphans(OrphanBatchAction):
    name = 'keep'
    icon = 'bookmark'
    rules_by_type = {orphans.SNAPSHOT: policy.KEEP_SNAPSHOT,
                     orphans.VOLUME: policy.KEEP_VOLUME}
    help_text = _("Kept snapshots, backups and volumes are no longer "
                  "listed as orphans; Show Kept lists them.")
    failure_message = _('Unable to keep "%(name)s": %(reason)s')

    @staticmethod
    @functools.lru_cache(maxsize=64)
    def action_present(count):
        return ngettext_lazy("Keep", "Keep", count)

    @staticmethod
    @functools.lru_cache(maxsize=64)
    def action_past(count):
        return ngettext_lazy("Kept", "Kept", count)

    def allowed(self, request, orphan=None):
        return not showing_kept(request) and super().allowed(request,
                                                             orphan)

    def change_protection(self, request, plugin, protection):
        cinder.protection_set_metadata(request, plugin, protection, {
            orphans.KEPT_KEY: orphans.KEPT_VALUE})

    def change(self, request, resource_type, resource_id):
        mark = {orphans.KEPT_KEY: orphans.KEPT_VALUE}
        if resource_type == orphans.SNAPSHOT:
            cinder.snapshot_set_metadata(request, resource_id, mark)
        else:
            cinder.volume_set_metadata(request, resource_id, mark)


class StopKeeping(OrphanBatchAction):
    name = 'stop_keeping'
    icon = 'undo'
    rules_by_type = {orphans.SNAPSHOT: policy.UNKEEP_SNAPSHOT,
                     orphans.VOLUME: policy.UNKEEP_VOLUME}
    help_text = _("They are listed as orphans again.")
    failure_message = _('Unable to stop keeping "%(name)s": %(reason)s')

    @staticmethod
    @functools.lru_cache(maxsize=64)
    def action_present(count):
        return ngettext_lazy("Stop Keeping", "Stop Keeping", count)

    @staticmethod
    @functools.lru_cache(maxsize=64)
    def action_past(count):
        return ngettext_lazy("Stopped keeping", "Stopped keeping", count)

    def allowed(self, request, orphan=None):
        return showing_kept(request) and super().allowed(request, orphan)

    def change_protection(self, request, plugin, protection):
        try:
            cinder.protection_delete_metadata(request, plugin, protection,
                                              [orphans.KEPT_KEY])
        except errors.NotFound:
            pass  # the backup is gone already: nothing is kept

    def change(self, request, resource_type, resource_id):
        keys = [orphans.KEPT_KEY]
        try:
            if resource_type == orphans.SNAPSHOT:
                cinder.snapshot_delete_metadata(request, resource_id, keys)
            else:
                cinder.volume_delete_metadata(request, resource_id, keys)
        except errors.NotFound:
            pass  # the mark (or the resource) is gone already: done


class AdoptSnapshot(OrphanActionMixin, tables.LinkAction):
    name = 'adopt'
    verbose_name = _("Adopt into a Schedule")
    url = 'horizon:project:volume_protection:adopt_orphan'
    classes = ('ajax-modal',)
    icon = 'link'
    rules_by_type = {orphans.SNAPSHOT: policy.ADOPT}

    def allowed(self, request, orphan=None):
        return orphan is not None and super().allowed(request, orphan)

    def allowed_for(self, request, orphan):
        return orphan.kind == orphans.NO_SCHEDULE and bool(
            orphan.adoptable_by)

    def get_link_url(self, orphan=None):
        return reverse(self.url, args=(orphan.resource_id,))


class ShowKept(tables.LinkAction):
    name = 'show_kept'
    verbose_name = _("Show Kept")
    icon = 'eye'

    def allowed(self, request, datum=None):
        return not showing_kept(request)

    def get_link_url(self, datum=None):
        return tab_url(self.table.request, kept=True)


class ShowOrphans(tables.LinkAction):
    name = 'show_orphans'
    verbose_name = _("Show Orphans")
    icon = 'eye-slash'

    def allowed(self, request, datum=None):
        return showing_kept(request)

    def get_link_url(self, datum=None):
        return tab_url(self.table.request)


class KindFilter(tables.FilterAction):
    """Horizon's server-side filter: the kind is chosen from a list (typed
    words work too, see _table_actions.html). The tab filters all the
    orphans, not only the page shown, and counts each kind above the
    table (not here: Horizon shares this action between requests)."""

    filter_type = 'server'
    filter_choices = ((KIND_FIELD, _("Kind ="), True),)
    #: Which field _table_actions.html offers as a list, and its label.
    choices_field = KIND_FIELD
    choices_label = _("Kind")
    # "All" first: the table's form submits the list's value with every
    # action, and an unchanged filter must let the action run (a changed
    # one only reloads the first page).
    @property
    def status_choices(self):
        return (('', _("All kinds")),) + orphans.kind_display()

    def selected_status(self):
        if getattr(self, 'filter_field', None) != KIND_FIELD:
            return None
        return orphans.kind_for(getattr(self, 'filter_string', None))


class OrphansTable(common_tables.OwnActionsMixin,
                   common_tables.GoneRowsTableMixin, tables.DataTable):
    #: {row id: row} of every row the tab lists (set by the tab; the page
    #: shows some of them): an action acts on these only.
    listed = {}
    kind = tables.Column(kind_text, verbose_name=_("Kind"))
    name = tables.WrappingColumn('name', verbose_name=_("Name"),
                                 link=name_link)
    about = tables.WrappingColumn(about_text, verbose_name=_("Made From"),
                                  help_text=_("What it was made from or for."))
    size = tables.Column(size_text, verbose_name=_("Size"),
                         attrs={'data-type': 'size'})
    status = tables.Column(
        'status', verbose_name=_("Status"),
        display_choices=statuses.SNAPSHOT_STATUS_DISPLAY)
    age = tables.Column(age_html, verbose_name=_("Age"))

    def get_object_id(self, orphan):
        return orphan.id

    @property
    def listed_ids(self):
        return self.listed.keys()

    def get_object_by_id(self, lookup):
        # A row of another page is one of the listing too: its action is
        # allowed from its own data.
        if lookup in self.listed:
            return self.listed[lookup]
        return super().get_object_by_id(lookup)

    def get_object_display(self, orphan):
        return orphan.name if orphan is not None else None

    # The tab is not the page's first: its page links and the page after
    # a filter change name it (and the kept list, where it is shown).
    def get_pagination_string(self):
        return tab_query(showing_kept(self.request),
                         **{self._meta.pagination_param: self.get_marker()})

    def get_prev_pagination_string(self):
        return tab_query(showing_kept(self.request), **{
            self._meta.prev_pagination_param: self.get_prev_marker()})

    def filtered_url(self):
        return tab_url(self.request, kept=showing_kept(self.request))

    class Meta:
        name = 'orphans'
        verbose_name = _("Orphans")
        pagination_param = MARKER_PARAM
        prev_pagination_param = PREV_MARKER_PARAM
        table_actions_template = 'volume_protection/_table_actions.html'
        table_actions = (KindFilter, ShowKept, ShowOrphans, KeepOrphans,
                         StopKeeping, DeleteOrphans)
        row_actions = (AdoptSnapshot, KeepOrphans, StopKeeping,
                       DeleteOrphans)
