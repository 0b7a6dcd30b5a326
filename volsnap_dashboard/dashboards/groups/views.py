"""Pages of consistent multi-volume protection: the protect form with its
group offer, a group snapshot's page (its member snapshots), Restore Group
and Delete Group Snapshot."""

from django import http
from django.urls import reverse
from django.views import generic
from django.utils.translation import gettext_lazy as _
from horizon import exceptions
from horizon import forms
from horizon import messages
from horizon import views as horizon_views
from horizon.utils import memoized
from openstack_dashboard import policy as dashboard_policy

from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import cinder_facts
from volsnap_dashboard.api import errors
from volsnap_dashboard.api import microversions
from volsnap_dashboard.dashboards.common import statuses
from volsnap_dashboard.dashboards.common import views as common_views
from volsnap_dashboard.dashboards.groups import forms as group_forms
from volsnap_dashboard.dashboards.groups import marks as group_marks
from volsnap_dashboard.dashboards.snapshots import views
from volsnap_dashboard import policy

INDEX_URL = common_views.INDEX_URL


def groups_offered(request, plugin):
    """Whether this request may protect volume groups at all (plugin and
    policy; Cinder's version is the plugin's and the listing's concern)."""
    return (plugin is not None and plugin.supports_groups and
            dashboard_policy.check(policy.PROTECT_GROUP,
                                   request))


class GroupProtectView(views.ProtectView):
    """Protect Volumes, offering one consistent group snapshot where the
    plugin, policy and Cinder's version allow it (no call of its own:
    the version is the one the volume listing negotiated)."""

    form_class = group_forms.GroupProtectForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        version = cinder.known_api_version(self.request)
        kwargs['groups_offered'] = (
            groups_offered(self.request, kwargs['plugin']) and
            version is not None and
            version >= microversions.GROUP_SNAPSHOTS)
        return kwargs


class GroupMembersView(policy.PolicyRequiredMixin, generic.View):
    """How many volumes a volume group has, and their GiB: a consistent
    group snapshot takes one snapshot of each, so the protect form's
    quota bars count them all once the box is ticked (one listing, by
    Cinder's ``group_id`` filter). GET ``?group=<id>``; JSON."""

    policy_rules = policy.PROTECT

    def get(self, request, *args, **kwargs):
        group_id = request.GET.get('group', '')[:cinder_facts.TEXT_LIMIT]
        if not group_id:
            return http.JsonResponse({}, status=400)
        try:
            volumes = cinder.volume_list(request,
                                         search_opts={'group_id': group_id})
        except errors.NotAuthenticated:
            raise  # Horizon sends the user to the login page
        except errors.VolsnapAPIError:
            return http.JsonResponse({}, status=503)
        members = [volume for volume in volumes
                   if group_forms.group_of(volume) == group_id]
        return http.JsonResponse({
            'count': len(members),
            'gigabytes': sum(volume.size or 0 for volume in members)})


def group_snapshot_url(name, group_snapshot_id):
    return reverse('horizon:project:volume_protection:' + name,
                   args=(group_snapshot_id,))


class GroupSnapshotMixin:
    """A view about one group snapshot and its member snapshots (read
    once per request: the group snapshot, one snapshot listing)."""

    not_found = _("Group snapshot %s was not found: it does not exist (it "
                  "may have been deleted), or it is not in your project.")
    index_url = INDEX_URL

    @memoized.memoized_method
    def get_group_snapshot(self):
        group_snapshot_id = self.kwargs['group_snapshot_id']
        try:
            return cinder.group_snapshot_get(self.request, group_snapshot_id)
        except errors.NotFound:
            exceptions.handle(self.request, self.not_found
                              % group_snapshot_id, details='',
                              redirect=self.index_url)
        except errors.VolsnapAPIError as exc:
            exceptions.handle(self.request, _(
                "Unable to retrieve the group snapshot: %s") % exc,
                redirect=self.index_url)

    @memoized.memoized_method
    def get_members(self):
        """The group snapshot's member snapshots (one listing, filtered
        by Cinder where it lets the user, else here)."""
        group_snapshot = self.get_group_snapshot()
        try:
            snapshots = cinder.snapshot_list(
                self.request,
                search_opts=self.member_search_opts(group_snapshot))
        except errors.VolsnapAPIError as exc:
            exceptions.handle(self.request, _(
                "Unable to retrieve the group snapshot's members: %s") % exc,
                redirect=self.index_url)
        return group_marks.members_of(snapshots, group_snapshot.id)

    def member_search_opts(self, group_snapshot):
        """Cinder's filter by group snapshot where it lets the user, else
        None (the members are then found here)."""
        allowed = cinder.resource_filters(self.request, 'snapshot')
        return {'group_snapshot_id': group_snapshot.id} \
            if allowed and 'group_snapshot_id' in allowed else None

    def get_plugin(self):
        plugin = common_views.volume_plugin_or_redirect(self.request)
        if not plugin.supports_groups:
            messages.error(self.request, _(
                'Protection provider "%s" cannot protect volume groups.')
                % plugin.name)
            raise exceptions.Http302(INDEX_URL)
        return plugin

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        group_snapshot = self.get_group_snapshot()
        context['group_snapshot'] = group_snapshot
        context['group_snapshot_name'] = group_forms.display_name(
            group_snapshot)
        context['members'] = self.get_members()
        return context


class GroupSnapshotDetailView(policy.PolicyRequiredMixin, GroupSnapshotMixin,
                              horizon_views.HorizonTemplateView):
    """One protection of several volumes: the group snapshot, its member
    snapshots (each restorable on its own), Restore Group and Delete."""

    template_name = 'volume_protection/group_snapshot_detail.html'
    #: The group listing's options (the admin's: all projects).
    group_search_opts = None
    page_title = _("Group Snapshot: {{ group_snapshot_name }}")
    policy_rules = policy.GET_GROUP_SNAPSHOT

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        group_snapshot = context['group_snapshot']
        try:
            volume_names = self.member_volume_names(context['members'])
        except errors.VolsnapAPIError:
            volume_names = {}
        for member in context['members']:
            member.source_volume_name = volume_names.get(member.volume_id)
            member.status_label = statuses.status_label(
                member.status)
        context['status_label'] = statuses.status_label(
            group_snapshot.status)
        context['group_name'] = self.group_name(group_snapshot.group_id)
        available = group_snapshot.status == 'available'
        context['restore_url'] = group_snapshot_url(
            'restore_group', group_snapshot.id) if available and \
            dashboard_policy.check(policy.RESTORE_GROUP, self.request) \
            else None
        context['delete_url'] = group_snapshot_url(
            'delete_group_snapshot', group_snapshot.id) if \
            group_snapshot.status in ('available', 'error') and \
            dashboard_policy.check(policy.DELETE_GROUP_SNAPSHOT,
                                   self.request) else None
        context['url'] = self.index_url
        return context

    def member_volume_names(self, members):
        """Volume id -> name for the members' volumes (one listing)."""
        return cinder.volume_names(self.request)


    def group_name(self, group_id):
        """The name of the group the snapshot was taken of, if it still
        exists and policy lets the user list groups (one listing)."""
        if not dashboard_policy.check(policy.GET_GROUPS, self.request):
            return None
        try:
            groups = cinder.group_list(self.request, self.group_search_opts)
        except errors.VolsnapAPIError:
            return None
        return next((group.name for group in groups
                     if group.id == group_id), None)


class GroupSnapshotFormView(policy.PolicyRequiredMixin, GroupSnapshotMixin,
                            forms.ModalFormView):
    """A modal form about one group snapshot; ``submit_url`` a URL name."""

    success_url = INDEX_URL

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs['plugin'] = self.get_plugin()
        kwargs['group_snapshot'] = self.get_group_snapshot()
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context['submit_url'] = reverse(
            self.submit_url, args=(self.kwargs['group_snapshot_id'],))
        context['cancel_url'] = group_snapshot_url(
            'group_snapshot', self.kwargs['group_snapshot_id'])
        return context


class RestoreGroupView(views.RestoreLimitsMixin, GroupSnapshotFormView):
    form_class = group_forms.RestoreGroupForm
    template_name = 'volume_protection/restore_group.html'
    modal_id = 'restore_group_modal'
    submit_label = _("Restore Group")
    submit_url = 'horizon:project:volume_protection:restore_group'
    page_title = _("Restore Group Snapshot to a New Volume Group")
    policy_rules = policy.RESTORE_GROUP

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if kwargs['group_snapshot'].status != 'available':
            messages.error(self.request, _(
                'Group snapshot "%s" is not available: only an available '
                'group snapshot can be restored.')
                % group_forms.display_name(kwargs['group_snapshot']))
            raise exceptions.Http302(INDEX_URL)
        kwargs['members'] = self.get_members()
        kwargs['limits'] = self._limits()
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context['total_size'] = sum(s.size for s in context['members'])
        # Members often share a name: each is told by its volume.
        try:
            names = cinder.volume_names(self.request)
        except errors.VolsnapAPIError:
            names = {}
        for member in context['members']:
            member.volume_name = names.get(member.volume_id) or \
                member.volume_id
        return context


class DeleteGroupSnapshotView(GroupSnapshotFormView):
    form_class = group_forms.DeleteGroupSnapshotForm
    template_name = 'volume_protection/delete_group_snapshot.html'
    modal_id = 'delete_group_snapshot_modal'
    submit_label = _("Delete Group Snapshot")
    submit_url = 'horizon:project:volume_protection:delete_group_snapshot'
    page_title = _("Delete Group Snapshot")
    policy_rules = policy.DELETE_GROUP_SNAPSHOT


class RestoreMemberGroupView(RestoreGroupView):
    """Restore Group from a member snapshot's row: the member names its
    group snapshot (one more call); the form posts to the group
    snapshot's own Restore Group."""

    def get(self, request, *args, **kwargs):
        self.kwargs['group_snapshot_id'] = self._group_snapshot_of_member()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        raise exceptions.Http302(INDEX_URL)  # never the form's target

    def _group_snapshot_of_member(self):
        snapshot_id = self.kwargs['snapshot_id']
        try:
            snapshot = cinder.snapshot_get(self.request, snapshot_id)
        except errors.VolsnapAPIError as exc:
            exceptions.handle(self.request, _(
                "Unable to retrieve snapshot: %s") % exc, redirect=INDEX_URL)
        group_snapshot_id = group_marks.group_snapshot_id(snapshot)
        if not group_snapshot_id:
            messages.error(self.request, _(
                'Snapshot "%s" is not part of a group snapshot.')
                % (snapshot.name or snapshot.id))
            raise exceptions.Http302(INDEX_URL)
        return group_snapshot_id
