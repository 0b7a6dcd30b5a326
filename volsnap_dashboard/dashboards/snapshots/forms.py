"""Protect, restore and edit forms; the plugin's fields come from its
JSON Schemas (see volsnap_dashboard.schema_forms), the volumes from the
volume picker (volsnap_dashboard.dashboards.volumes.picker)."""

import json
import re

from django.contrib.humanize.templatetags.humanize import intcomma
from django.core import validators
from django import forms as django_forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from horizon import exceptions
from horizon import forms
from horizon import messages

from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import cinder_facts
from volsnap_dashboard.api import errors
from volsnap_dashboard.dashboards.common.submissions import OnceOnlyMixin
from volsnap_dashboard.dashboards.volumes import picker as volume_picker
from volsnap_dashboard.protection import cinder_common
from volsnap_dashboard.protection import parameters
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import retention
from volsnap_dashboard import schema_forms

OPTION_PREFIX = 'option_'
RESTORE_PREFIX = 'restore__'


# A create whose answer was lost and whose result Cinder cannot tell yet.
UNKNOWN_OUTCOME = object()


def unlimited(limit):
    return limit is None or limit < 0


def display_name(resource):
    return resource.name or resource.id


# Cinder's absolute limits: (limit, usage) of each quota.
SNAPSHOTS = ('maxTotalSnapshots', 'totalSnapshotsUsed')
VOLUMES = ('maxTotalVolumes', 'totalVolumesUsed')
GIGABYTES = ('maxTotalVolumeGigabytes', 'totalGigabytesUsed')


def limits_or_none(request, plugin=None):
    """The project's absolute limits (with ``plugin``: the quota its
    protections count against, in the same names); None, with a warning,
    where Cinder cannot tell, and None where the plugin cannot (the bars
    and forecasts are left out: the request itself may still work, Cinder
    checks it)."""
    try:
        if plugin is not None:
            return cinder.protection_quota(request, plugin) or None
        return cinder.absolute_limits(request)
    except errors.VolsnapAPIError as exc:
        messages.warning(request, _("Unable to retrieve your quota: %s")
                         % exc)
        return None


def check_quota(limits, quota, asked, over):
    """Raise ``over`` (a message with %(used)s, %(limit)s and %(asked)s,
    numbers as the quota bars show them) if ``asked`` more of ``quota``
    would exceed it; nothing when the limits are unknown."""
    if not limits:
        return
    limit = limits.get(quota[0])
    used = limits.get(quota[1], 0)
    if not unlimited(limit) and used + asked > limit:
        raise django_forms.ValidationError(over % {
            'used': intcomma(used), 'limit': intcomma(limit),
            'asked': intcomma(asked)})


def check_quotas(limits, *checks):
    """check_quota for each ``(quota, asked, over)`` of ``checks``, in
    turn: the first that would be exceeded is the one said."""
    for quota, asked, over in checks:
        check_quota(limits, quota, asked, over)


# A volume's part of a snapshot name shared by several volumes: at most
# half of Cinder's limit, so the name given keeps the other half.
VOLUME_PART_LIMIT = cinder_facts.TEXT_LIMIT // 2


def snapshot_name_for(name, volume):
    """``<name>-<volume name>``: one name given for several volumes still
    tells their snapshots apart; cut to Cinder's 255 characters."""
    volume_part = cinder_facts.fit(volume.name or volume.id,
                                      limit=VOLUME_PART_LIMIT)
    return cinder_facts.fit(name, '-' + volume_part)


class ProtectForm(schema_forms.SchemaFormMixin, OnceOnlyMixin):
    volumes = volume_picker.VolumePickerField(
        label=_("Volumes"),
        help_text=_("Each selected volume gets its own snapshot. Only "
                    "available and in-use volumes can be protected."))

    def __init__(self, request, *args, **kwargs):
        self.plugin = kwargs.pop('plugin')
        offer = kwargs.pop('offer')
        self.limits = kwargs.pop('limits')
        self.force_supported = kwargs.pop('force_supported')
        search_url = kwargs.pop('search_url')
        super().__init__(request, *args, **kwargs)
        picker = self.fields['volumes']
        picker.search_url = search_url
        picker.offer(offer)
        self.volumes_by_id = offer.volumes()
        self.add_schema_fields(self.plugin.get_options_schema(),
                               prefix=OPTION_PREFIX,
                               plugin_name=self.plugin.name)
        self._explain_force()
        self._explain_name()

    def _explain_force(self):
        name = OPTION_PREFIX + 'force'
        if name not in self.fields:
            return
        if not self.force_supported:
            # From API 3.66 Cinder snapshots volumes in use without it:
            # a box that changes nothing would only puzzle.
            del self.fields[name]
            return
        force = self.fields[name]
        force.help_text = format_html(
            '{} {}', force.help_text,
            _("Required to protect a volume that is in use."))

    def _explain_name(self):
        name_option = self.plugin.name_option
        name = name_option and self.fields.get(OPTION_PREFIX + name_option)
        if not name:
            return
        name.help_text = format_html('{} {}', name.help_text, _(
            'With several volumes, each %(kind)s also gets its volume\'s '
            'name: "<name>-<volume name>".') % {
                'kind': self.plugin.verbose_name})

    def pending(self):
        """What the ticked volumes ask for (the quota bars), before any
        script runs."""
        picker = self.fields['volumes']
        return {'snapshots': len(picker.selected),
                'gigabytes': sum(entry.size for entry in picker.selected)}

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        selected = [self.volumes_by_id[volume_id]
                    for volume_id in cleaned['volumes']]
        values = self.validated_values(OPTION_PREFIX)
        try:
            self.plugin.validate_options(values)
        except parameters.InvalidParameters as exc:
            for field, reasons in exc.errors.items():
                for reason in reasons:
                    self.add_error(OPTION_PREFIX + field
                                   if field != '__all__' else None, reason)
            return cleaned
        in_use = [v.name or v.id for v in selected if v.status == 'in-use']
        if in_use and self.force_supported and not values.get('force'):
            self.add_error(OPTION_PREFIX + 'force', _(
                "%s is in use: check Force to protect it anyway.")
                % ', '.join(in_use))
        check_quota(self.limits, SNAPSHOTS, len(selected), _(
            "Your quota of %(kinds)s would be exceeded: %%(used)s of "
            "%%(limit)s are used, and %%(asked)s more were asked for.")
            % {'kinds': self.plugin.verbose_name_plural})
        check_quota(self.limits, GIGABYTES,
                    sum(volume.size for volume in selected), _(
                        "Your storage quota would be exceeded: %(used)s of "
                        "%(limit)s GiB are used, and %(asked)s GiB more "
                        "were asked for."))
        return cleaned

    def handle(self, request, data):
        earlier = self.claim_submission()
        if earlier is None:
            return True
        try:
            return self._protect(request, data, earlier)
        except BaseException:
            self.finish_submission()
            raise

    def _values_for(self, values, volume, several):
        name_option = self.plugin.name_option
        if several and name_option and values.get(name_option):
            return dict(values, **{name_option: snapshot_name_for(
                values[name_option], volume)})
        return values

    def _protect(self, request, data, earlier):
        values = self.validated_values(OPTION_PREFIX)
        several = len(data['volumes']) > 1
        protected = {getattr(r, 'volume_id', None) for r in earlier}
        started, lost = [], []
        for volume_id in data['volumes']:
            volume = self.volumes_by_id[volume_id]
            if volume_id in protected:  # by an earlier try of this form
                started.append(volume)
                continue
            try:
                cinder.snapshot_protect(
                    request, self.plugin, volume,
                    self._values_for(values, volume, several),
                    submission=self.token)
                started.append(volume)
            except errors.OutcomeUnknown:
                lost.append(volume)
            except (errors.VolsnapAPIError,
                    parameters.InvalidParameters) as exc:
                messages.error(request, _(
                    'Unable to protect volume "%(volume)s": %(reason)s')
                    % {'volume': display_name(volume), 'reason': exc})
        unknown = self._settle_lost(lost, started)
        self.finish_submission(done=bool(started), unknown=bool(unknown))
        if started:
            messages.success(request, ngettext(
                'Protecting volume "%(volumes)s": its %(kind)s is being '
                'created.',
                'Protecting volumes %(volumes)s: their %(kinds)s are being '
                'created.', len(started)) % {
                    'volumes': ', '.join(display_name(v) for v in started),
                    'kind': self.plugin.verbose_name,
                    'kinds': self.plugin.verbose_name_plural})
        return bool(started)

    def _settle_lost(self, lost, started):
        """Look up the creates whose answer was lost; say what happened.
        Returns the volumes whose outcome is still unknown."""
        if not lost:
            return []
        found = self.find_submitted()
        if found is None:
            messages.warning(self.request, _(
                "The Block Storage service did not answer about %s: a "
                "protection may or may not have been created. Submitting "
                "this form again is safe: it checks first and creates only "
                "what is missing.") % ', '.join(display_name(v)
                                                for v in lost))
            return lost
        made = {getattr(r, 'volume_id', None) for r in found}
        for volume in lost:
            if volume.id in made:
                started.append(volume)
            else:
                messages.error(self.request, _(
                    'Volume "%s" was not protected: the Block Storage '
                    'service did not answer. Try again in a moment.')
                    % display_name(volume))
        return []


class RestoreForm(schema_forms.SchemaFormMixin, OnceOnlyMixin):
    size = django_forms.IntegerField(label=_("Size (GiB)"), min_value=1)

    def __init__(self, request, *args, **kwargs):
        self.plugin = kwargs.pop('plugin')
        self.snapshot = kwargs.pop('snapshot')
        self.limits = kwargs.pop('limits', None)
        volume_types = kwargs.pop('volume_types', None)
        super().__init__(request, *args, **kwargs)
        size = self.fields['size']
        size.initial = self.snapshot.size
        size.widget.attrs['min'] = self.snapshot.size
        size.validators.append(validators.MinValueValidator(
            self.snapshot.size))
        size.help_text = _(
            "At least %(size)s GiB: a volume cannot be smaller than the "
            "%(kind)s it is made from.") % {
                'size': intcomma(self.snapshot.size),
                'kind': self.plugin.verbose_name}
        self.add_schema_fields(
            self.plugin.get_restore_schema(), prefix=RESTORE_PREFIX,
            plugin_name=self.plugin.name,
            initial=self.plugin.restore_defaults(self.snapshot))
        self.fields['size'] = self.fields.pop('size')  # after the name
        if self.plugin.restore_chooses_type and volume_types is not None:
            self.fields['volume_type'] = django_forms.ChoiceField(
                label=_("Volume Type"), required=False,
                choices=[('', _("As its volume (while that volume "
                                 "exists), else the default type"))] + [
                    (name, name) for name in volume_types],
                help_text=_("Restore it to another type (another "
                            "storage backend) than its volume had."))

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        check_quota(self.limits, VOLUMES, 1, _(
            "Your volume quota would be exceeded: %(used)s of %(limit)s "
            "volumes exist, and the restore makes %(asked)s more."))
        check_quota(self.limits, GIGABYTES, cleaned['size'], _(
            "Your storage quota would be exceeded: %(used)s of %(limit)s "
            "GiB are used, and the new volume needs %(asked)s GiB."))
        return cleaned

    def handle(self, request, data):
        earlier = self.claim_submission()
        if earlier is None:
            return True
        try:
            volume = self._restored(earlier) or self._restore(request, data)
        except BaseException:
            self.finish_submission()
            raise
        self.finish_submission(done=volume is not None,
                               unknown=volume is UNKNOWN_OUTCOME)
        if volume is None or volume is UNKNOWN_OUTCOME:
            return False
        url = reverse('horizon:project:volumes:detail', args=(volume.id,))
        messages.success(request, format_html(
            _('Restoring {kind} "{snapshot}" to new volume '
              '<a href="{url}">{volume}</a>.'),
            kind=self.plugin.verbose_name,
            snapshot=display_name(self.snapshot), url=url,
            volume=display_name(volume)))
        return volume

    def _restored(self, found):
        """The volume this submission restored, among ``found``."""
        for resource in found:
            tags = getattr(resource, 'metadata', None) or {}
            if getattr(resource, 'snapshot_id', None) == self.snapshot.id \
                    or tags.get(cinder_common.RESTORED_FROM_KEY) == \
                    self.snapshot.id:
                return resource
        return None

    def _restore(self, request, data):
        """The new volume, None on failure, or UNKNOWN_OUTCOME."""
        try:
            return cinder.volume_create_from_snapshot(
                request, self.plugin, self.snapshot,
                self.validated_values(RESTORE_PREFIX), size=data['size'],
                submission=self.token,
                volume_type=data.get('volume_type') or None)
        except errors.OutcomeUnknown:
            found = self.find_submitted()
            if found is None:
                messages.warning(request, _(
                    "The Block Storage service did not answer: the new "
                    "volume may or may not have been created. Submitting "
                    "this form again is safe: it checks first."))
                return UNKNOWN_OUTCOME
            volume = self._restored(found)
            if volume is None:
                messages.error(request, _(
                    "The %s was not restored: the Block Storage service "
                    "did not answer. Try again in a moment.")
                    % self.plugin.verbose_name)
            return volume
        except (errors.VolsnapAPIError, parameters.InvalidParameters) as exc:
            exceptions.handle(request, _(
                'Unable to restore %(kind)s "%(name)s": %(reason)s')
                % {'kind': self.plugin.verbose_name,
                   'name': display_name(self.snapshot), 'reason': exc})
            return None


class UpdateForm(forms.SelfHandlingForm):
    name = django_forms.CharField(max_length=cinder_facts.TEXT_LIMIT,
                                  label=_("Name"), required=False)
    description = django_forms.CharField(
        max_length=cinder_facts.TEXT_LIMIT, label=_("Description"),
        required=False,
        widget=django_forms.Textarea(attrs={'rows': 4}))
    keep = django_forms.BooleanField(
        label=_("Keep it, out of its schedule's retention"), required=False,
        help_text=_("A schedule made this snapshot: whatever its name, the "
                    "schedule's retention deletes it once it is no longer "
                    "among the snapshots the schedule keeps. Kept, it is "
                    "neither deleted nor counted; Stop Keeping on the "
                    "Snapshots tab gives it back."))

    def __init__(self, request, *args, snapshot=None, **kwargs):
        super().__init__(request, *args, **kwargs)
        # Offered where retention can delete the snapshot.
        if not codec.schedule_id_of(snapshot) or retention.is_kept(snapshot):
            del self.fields['keep']

    def handle(self, request, data):
        snapshot_id = self.initial['snapshot_id']
        try:
            cinder.snapshot_update(request, snapshot_id, data['name'],
                                   data['description'])
        except errors.VolsnapAPIError as exc:
            exceptions.handle(request, _("Unable to update snapshot: %s")
                              % exc)
            return False
        name = data['name'] or snapshot_id
        if not data.get('keep'):
            messages.success(request, _('Updated snapshot "%s".') % name)
            return True
        try:
            cinder.snapshot_set_metadata(request, snapshot_id,
                                         {codec.KEPT_KEY: codec.KEPT_VALUE})
        except errors.VolsnapAPIError as exc:
            messages.error(request, _(
                'Updated snapshot "%(name)s", but unable to keep it: its '
                'schedule\'s retention may still delete it. %(reason)s') % {
                'name': name, 'reason': exc})
            return True
        messages.success(request, _(
            'Updated snapshot "%s" and kept it: its schedule\'s retention '
            'leaves it.') % name)
        return True


# Cinder's own rule for metadata keys (newer releases enforce it).
METADATA_KEY = re.compile(r'^[a-zA-Z0-9\-_:. /]{1,%d}$'
                          % cinder_facts.TEXT_LIMIT)


def metadata_line_errors(number, key, value):
    if not METADATA_KEY.match(key) or key in ('.', '..'):
        return [_('Line %(line)d: the key "%(key)s" may hold only letters, '
                  'digits, spaces and "-_:./", at most %(limit)d of them, '
                  'and cannot be "." or "..".') % {
            'line': number, 'key': key, 'limit': cinder_facts.TEXT_LIMIT}]
    if len(value) > cinder_facts.TEXT_LIMIT:
        return [_("Line %(line)d: values are limited to %(limit)d "
                  "characters.") % {'line': number,
                                    'limit': cinder_facts.TEXT_LIMIT}]
    return []


class MetadataForm(forms.SelfHandlingForm):
    metadata = django_forms.CharField(
        label=_("Metadata"), required=False,
        widget=django_forms.Textarea(attrs={'rows': 8}),
        help_text=_("One key=value pair per line. Remove a line to delete "
                    "that key."))
    # The metadata the form showed, to refuse a change made meanwhile.
    shown = django_forms.CharField(widget=django_forms.HiddenInput)
    # Asked for (and shown) only when an empty text would remove every key.
    remove_all = django_forms.BooleanField(
        label=_("Yes, remove every key of this snapshot."), required=False,
        widget=django_forms.HiddenInput)

    @property
    def remove_all_offered(self):
        return not isinstance(self.fields['remove_all'].widget,
                              django_forms.HiddenInput)

    def clean_shown(self):
        try:
            shown = json.loads(self.cleaned_data['shown'])
        except ValueError:
            shown = None
        if not isinstance(shown, dict):
            raise django_forms.ValidationError(_(
                "The form was damaged: open it again."))
        return shown

    def clean_metadata(self):
        pairs, problems, lines_of = {}, [], {}
        for number, line in enumerate(
                self.cleaned_data['metadata'].splitlines(), start=1):
            if not line.strip():
                continue
            key, sep, value = line.partition('=')
            key, value = key.strip(), value.strip()
            if not sep or not key:
                problems.append(_("Line %d is not of the form key=value.")
                                % number)
                continue
            problems += metadata_line_errors(number, key, value)
            lines_of.setdefault(key, []).append(number)
            pairs[key] = value
        # A key given twice: neither line silently wins.
        problems += [_('The key "%(key)s" is given on lines %(lines)s: keep '
                       'one of them.') % {
                           'key': key,
                           'lines': ', '.join(str(n) for n in numbers)}
                     for key, numbers in lines_of.items()
                     if len(numbers) > 1]
        if problems:
            raise django_forms.ValidationError(problems)
        return pairs

    def clean(self):
        cleaned = super().clean()
        if self.errors or cleaned.get('metadata') or not cleaned.get(
                'shown') or cleaned.get('remove_all'):
            return cleaned
        # An emptied text would remove every key: ask first.
        self.fields['remove_all'].widget = django_forms.CheckboxInput()
        self.add_error('remove_all', _(
            "The text is empty: saving removes every key of this snapshot. "
            "Tick the box to confirm, or cancel."))
        return cleaned

    def handle(self, request, data):
        snapshot_id = self.initial['snapshot_id']
        try:
            current = cinder.snapshot_get(request, snapshot_id).metadata
            if dict(current or {}) != data['shown']:
                messages.error(request, _(
                    "Someone changed this snapshot's metadata since the "
                    "form was opened, so nothing was saved. Open the form "
                    "again to see the change."))
                return False
            cinder.snapshot_replace_metadata(request, snapshot_id,
                                             data['metadata'])
        except errors.VolsnapAPIError as exc:
            exceptions.handle(request, _("Unable to update metadata: %s")
                              % exc)
            return False
        messages.success(request, _("Updated the snapshot's metadata."))
        return True
