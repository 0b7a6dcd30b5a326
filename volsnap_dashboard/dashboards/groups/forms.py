"""Forms of consistent multi-volume protection (Cinder generic volume
groups): Protect Volumes "as a consistent group snapshot", Restore Group
(a new group from a group snapshot) and Delete Group Snapshot."""

from django import forms as django_forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from horizon import exceptions
from horizon import forms
from horizon import messages

from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import cinder_facts
from volsnap_dashboard.api import errors
from volsnap_dashboard.dashboards.snapshots import forms as protection_forms
from volsnap_dashboard.protection import parameters

GROUP_FIELD = 'consistent_group'


def display_name(resource):
    return getattr(resource, 'name', None) or resource.id


def group_of(volume):
    """The id of the volume group ``volume`` is in (Cinder 3.13+), or
    None."""
    return getattr(volume, 'group_id', None)


def names(resources):
    return ', '.join(display_name(r) for r in resources)


class GroupProtectForm(protection_forms.ProtectForm):
    """The protect form, offering one group snapshot where group snapshots
    may be taken (``groups_offered``) and the volumes it knows include
    volumes of a group (no call of its own: volumes carry their group)."""

    consistent_group = django_forms.BooleanField(
        label=_("As a consistent group snapshot"), required=False,
        help_text=_("Where every selected volume is in one volume group: "
                    "one group snapshot of all the group's volumes at the "
                    "same instant, consistent with each other."))

    def __init__(self, request, *args, **kwargs):
        offered = kwargs.pop('groups_offered', False)
        super().__init__(request, *args, **kwargs)
        self.group_id = None
        self.group_volumes = []
        field = self.fields.pop(GROUP_FIELD)
        if not offered or not any(group_of(volume) for volume
                                  in self.volumes_by_id.values()):
            return
        # Its quota bars count every volume of the group (asked for
        # once the box is ticked: static/volsnap_dashboard/js/
        # volume_picker.js).
        field.widget.attrs['data-members-url'] = reverse(
            'horizon:project:volume_protection:group_members')
        # Right after the volumes it is about.
        fields = list(self.fields.items())
        place = [name for name, _field in fields].index('volumes') + 1
        fields.insert(place, (GROUP_FIELD, field))
        self.fields = dict(fields)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get(GROUP_FIELD):
            # Cinder takes a group snapshot of in-use volumes without
            # "force" (which only single snapshots know).
            self._errors.pop(protection_forms.OPTION_PREFIX + 'force', None)
        if self.errors or not cleaned.get(GROUP_FIELD):
            return cleaned
        selected = [self.volumes_by_id[volume_id]
                    for volume_id in cleaned['volumes']]
        outside = [volume for volume in selected if not group_of(volume)]
        if outside:
            self.add_error(GROUP_FIELD, _(
                "%s is in no volume group: a consistent group snapshot "
                "takes the volumes of one group.") % names(outside))
            return cleaned
        group_ids = {group_of(volume) for volume in selected}
        if len(group_ids) > 1:
            self.add_error(GROUP_FIELD, _(
                "The selected volumes are in %d different volume groups: "
                "a consistent group snapshot takes the volumes of one "
                "group.") % len(group_ids))
            return cleaned
        self.group_id = group_ids.pop()
        self.group_volumes = self.members(self.group_id)
        protection_forms.check_quotas(
            self.limits,
            (protection_forms.SNAPSHOTS, len(self.group_volumes), _(
                "Your snapshot quota would be exceeded: %(used)s of "
                "%(limit)s snapshots are used, and the group snapshot "
                "takes %(asked)s, one per volume of the group.")),
            (protection_forms.GIGABYTES,
             sum(volume.size for volume in self.group_volumes), _(
                 "Your storage quota would be exceeded: %(used)s of "
                 "%(limit)s GiB are used, and the group snapshot takes "
                 "%(asked)s GiB, the size of every volume of the group.")))
        return cleaned

    def members(self, group_id):
        """The volumes of group ``group_id``, by name (after a POST the
        form knows every volume of the project)."""
        return sorted((volume for volume in self.volumes_by_id.values()
                       if group_of(volume) == group_id), key=display_name)

    def pending(self):
        """Cinder takes a snapshot of every volume of the group, ticked or
        not: the bars count them all where the form knows the group (after
        a POST asking for a group snapshot)."""
        cleaned = getattr(self, 'cleaned_data', {})
        if not cleaned.get(GROUP_FIELD):
            return super().pending()
        group_ids = {group_of(self.volumes_by_id[volume_id])
                     for volume_id in cleaned.get('volumes', ())}
        if len(group_ids) != 1 or None in group_ids:
            return super().pending()
        members = self.members(group_ids.pop())
        return {'snapshots': len(members),
                'gigabytes': sum(volume.size for volume in members)}

    def handle(self, request, data):
        if not data.get(GROUP_FIELD):
            return super().handle(request, data)
        if self.claim_submission() is None:
            return True
        try:
            done = self._protect_group(request)
        except BaseException:
            self.finish_submission()
            raise
        self.finish_submission(done=done)
        return done

    def _protect_group(self, request):
        volume_names = names(self.group_volumes)
        try:
            cinder.group_protect(request, self.plugin, self.group_id,
                                 self.validated_values(
                                     protection_forms.OPTION_PREFIX))
        except errors.OutcomeUnknown:
            # Group snapshots carry no metadata to find them by: say so.
            messages.warning(request, _(
                'The Block Storage service did not answer about the group '
                'of %s: a group snapshot may or may not have been created. '
                'Look at the Snapshots tab before trying again.')
                % volume_names)
            return False
        except (errors.VolsnapAPIError, parameters.InvalidParameters) as exc:
            messages.error(request, _(
                'Unable to protect the volume group of %(volumes)s: '
                '%(reason)s') % {'volumes': volume_names, 'reason': exc})
            return False
        messages.success(request, _(
            'Protecting volumes %s with one consistent group snapshot of '
            'their volume group.') % volume_names)
        return True

    def _protect(self, request, data, earlier):
        started = super()._protect(request, data, earlier)
        if started and len(data['volumes']) > 1:
            messages.info(request, _(
                "The volumes' snapshots are taken one by one: they are not "
                "crash-consistent with each other. Volumes of one volume "
                "group can be protected together, as a consistent group "
                "snapshot."))
        return started


class RestoreGroupForm(forms.SelfHandlingForm):
    """A new volume group made from a group snapshot: one new volume per
    member snapshot, in one Cinder call."""

    name = django_forms.CharField(
        max_length=cinder_facts.TEXT_LIMIT, label=_("Group Name"),
        required=False,
        help_text=_("The name of the new volume group."))
    description = django_forms.CharField(
        max_length=cinder_facts.TEXT_LIMIT, label=_("Description"),
        required=False,
        widget=django_forms.Textarea(attrs={'rows': 3}),
        help_text=_("Leave it empty to say which group snapshot the group "
                    "was restored from."))

    def __init__(self, request, *args, plugin=None, group_snapshot=None,
                 members=(), limits=None, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.plugin = plugin
        self.group_snapshot = group_snapshot
        self.members = list(members)
        self.limits = limits

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        protection_forms.check_quotas(
            self.limits,
            (protection_forms.VOLUMES, len(self.members), _(
                "Your volume quota would be exceeded: %(used)s of "
                "%(limit)s volumes exist, and the restore makes %(asked)s "
                "more.")),
            (protection_forms.GIGABYTES, sum(s.size for s in self.members),
             _("Your storage quota would be exceeded: %(used)s of "
               "%(limit)s GiB are used, and the new volumes need "
               "%(asked)s GiB.")))
        return cleaned

    def handle(self, request, data):
        label = display_name(self.group_snapshot)
        try:
            group = cinder.group_restore(
                request, self.plugin, self.group_snapshot,
                {'restore_name': data['name'] or None,
                 'restore_description': data['description'] or None})
        except (errors.VolsnapAPIError, parameters.InvalidParameters) as exc:
            exceptions.handle(request, _(
                'Unable to restore group snapshot "%(name)s": %(reason)s')
                % {'name': label, 'reason': exc})
            return False
        messages.success(request, format_html(
            _('Restoring group snapshot "{snapshot}" to new volume group '
              '<a href="{url}">{group}</a>: one new volume per member '
              'snapshot, listed on the group\'s page.'),
            snapshot=label, group=group.get('name') or group.get('id'),
            url=reverse('horizon:project:volume_groups:detail',
                        args=(group.get('id'),))))
        return True


class DeleteGroupSnapshotForm(forms.SelfHandlingForm):
    """Confirms the deletion of a group snapshot with its members."""

    def __init__(self, request, *args, plugin=None, group_snapshot=None,
                 **kwargs):
        super().__init__(request, *args, **kwargs)
        self.plugin = plugin
        self.group_snapshot = group_snapshot

    def handle(self, request, data):
        label = display_name(self.group_snapshot)
        try:
            deleted = cinder.group_snapshot_delete(
                request, self.plugin, self.group_snapshot.id)
        except errors.VolsnapAPIError as exc:
            exceptions.handle(request, _(
                'Unable to delete group snapshot "%(name)s": %(reason)s')
                % {'name': label, 'reason': exc})
            return False
        if deleted:
            messages.success(request, _(
                'Deleting group snapshot "%s" and its member snapshots.')
                % label)
        else:
            messages.info(request, _(
                'Group snapshot "%s" no longer exists: it was already '
                'deleted.') % label)
        return True
