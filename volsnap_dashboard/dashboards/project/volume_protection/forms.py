"""Protect, restore and edit forms; the plugin's fields come from its
JSON Schemas (see volsnap_dashboard.schema_forms)."""

import uuid

from django.core.cache import cache
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
from volsnap_dashboard.api import errors
from volsnap_dashboard.protection import parameters
from volsnap_dashboard import schema_forms

OPTION_PREFIX = 'option_'
RESTORE_PREFIX = 'restore__'
SUBMISSION_TTL = 3600


def unlimited(limit):
    return limit is None or limit < 0


class OnceOnlyMixin(forms.SelfHandlingForm):
    """A form whose side effects happen once per displayed form.

    A hidden token is issued with the form; the first POST that carries it
    claims it (atomically, in the cache), and a repeat POST of the same form
    (a double click, a browser resubmit) is refused instead of repeated.
    """

    submission = django_forms.CharField(widget=django_forms.HiddenInput)

    def __init__(self, request, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields['submission'].initial = uuid.uuid4().hex

    def _submission_key(self):
        return 'volsnap-submission:%s:%s' % (
            self.request.user.id, self.cleaned_data['submission'])

    def claim_submission(self):
        if cache.add(self._submission_key(), True, SUBMISSION_TTL):
            return True
        messages.warning(self.request, _(
            "This form was already submitted; nothing was done twice."))
        return False

    def release_submission(self):
        cache.delete(self._submission_key())


def volume_label(volume):
    attached = [attachment.get('server_id') or attachment.get('host_name')
                for attachment in getattr(volume, 'attachments', None) or []]
    label = _("%(name)s (%(size)s GiB, %(status)s)") % {
        'name': volume.name or volume.id, 'size': volume.size,
        'status': volume.status}
    if attached:
        label = _("%(label)s, attached to %(servers)s") % {
            'label': label, 'servers': ', '.join(filter(None, attached))}
    return label


class ProtectForm(schema_forms.SchemaFormMixin, OnceOnlyMixin):
    volumes = django_forms.MultipleChoiceField(
        label=_("Volumes"), widget=django_forms.CheckboxSelectMultiple,
        help_text=_("Each selected volume gets its own snapshot."))

    def __init__(self, request, *args, **kwargs):
        self.plugin = kwargs.pop('plugin')
        self.volumes_by_id = {v.id: v for v in kwargs.pop('volumes')}
        self.limits = kwargs.pop('limits')
        self.force_supported = kwargs.pop('force_supported')
        super().__init__(request, *args, **kwargs)
        self.fields['volumes'].choices = [
            (volume.id, volume_label(volume))
            for volume in self.volumes_by_id.values()]
        if not self.volumes_by_id:
            self.fields['volumes'].help_text = _(
                "This project has no volume that can be protected now "
                "(volumes must be available or in use).")
        self.add_schema_fields(self.plugin.get_options_schema(),
                               prefix=OPTION_PREFIX,
                               plugin_name=self.plugin.name)
        self._explain_force()

    def _explain_force(self):
        force = self.fields.get(OPTION_PREFIX + 'force')
        if force is None:
            return
        if self.force_supported:
            note = _("Required to snapshot a volume that is in use.")
        else:
            note = _("This cloud snapshots volumes in use without Force "
                     "(Block Storage API 3.66 or later).")
        force.help_text = format_html('{} {}', force.help_text, note)

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
                "%s is in use: check Force to snapshot it anyway.")
                % ', '.join(in_use))
        self._check_quota(selected)
        return cleaned

    def _check_quota(self, selected):
        limit = self.limits.get('maxTotalSnapshots')
        used = self.limits.get('totalSnapshotsUsed', 0)
        if not unlimited(limit) and used + len(selected) > limit:
            raise django_forms.ValidationError(_(
                "Your snapshot quota would be exceeded: %(used)s of "
                "%(limit)s snapshots are used, and %(asked)s more were "
                "asked for.") % {'used': used, 'limit': limit,
                                 'asked': len(selected)})
        limit = self.limits.get('maxTotalVolumeGigabytes')
        used = self.limits.get('totalGigabytesUsed', 0)
        asked = sum(volume.size for volume in selected)
        if not unlimited(limit) and used + asked > limit:
            raise django_forms.ValidationError(_(
                "Your storage quota would be exceeded: %(used)s of "
                "%(limit)s GiB are used, and %(asked)s GiB more were "
                "asked for.") % {'used': used, 'limit': limit,
                                 'asked': asked})

    def handle(self, request, data):
        if not self.claim_submission():
            return True
        values = self.validated_values(OPTION_PREFIX)
        started = []
        for volume_id in data['volumes']:
            volume = self.volumes_by_id[volume_id]
            try:
                cinder.snapshot_protect(request, self.plugin, volume, values)
                started.append(volume.name or volume.id)
            except (errors.VolsnapAPIError,
                    parameters.InvalidParameters) as exc:
                messages.error(request, _(
                    'Unable to protect volume "%(volume)s": %(reason)s')
                    % {'volume': volume.name or volume.id, 'reason': exc})
        if not started:
            self.release_submission()
            return False
        messages.success(request, ngettext(
            'Protecting volume "%(volumes)s": its snapshot is being created.',
            'Protecting volumes %(volumes)s: their snapshots are being '
            'created.', len(started)) % {'volumes': ', '.join(started)})
        return True


class RestoreForm(schema_forms.SchemaFormMixin, OnceOnlyMixin):
    size = django_forms.IntegerField(
        label=_("Size (GiB)"), min_value=1,
        help_text=_("At least the snapshot's size."))

    def __init__(self, request, *args, **kwargs):
        self.plugin = kwargs.pop('plugin')
        self.snapshot = kwargs.pop('snapshot')
        super().__init__(request, *args, **kwargs)
        size = self.fields['size']
        size.initial = self.snapshot.size
        size.widget.attrs['min'] = self.snapshot.size
        size.validators.append(validators.MinValueValidator(
            self.snapshot.size))
        self.add_schema_fields(self.plugin.get_restore_schema(),
                               prefix=RESTORE_PREFIX,
                               plugin_name=self.plugin.name)
        self.fields['size'] = self.fields.pop('size')  # after the name

    def handle(self, request, data):
        if not self.claim_submission():
            return True
        try:
            volume = cinder.volume_create_from_snapshot(
                request, self.plugin, self.snapshot,
                self.validated_values(RESTORE_PREFIX), size=data['size'])
        except (errors.VolsnapAPIError, parameters.InvalidParameters) as exc:
            self.release_submission()
            exceptions.handle(request, _(
                'Unable to restore snapshot "%(name)s": %(reason)s')
                % {'name': self.snapshot.name or self.snapshot.id,
                   'reason': exc})
            return False
        url = reverse('horizon:project:volumes:detail', args=(volume.id,))
        messages.success(request, format_html(
            _('Restoring snapshot "{snapshot}" to new volume '
              '<a href="{url}">{volume}</a>.'),
            snapshot=self.snapshot.name or self.snapshot.id, url=url,
            volume=volume.name or volume.id))
        return volume


class UpdateForm(forms.SelfHandlingForm):
    name = django_forms.CharField(max_length=255, label=_("Name"),
                                  required=False)
    description = django_forms.CharField(
        max_length=255, label=_("Description"), required=False,
        widget=django_forms.Textarea(attrs={'rows': 4}))

    def handle(self, request, data):
        snapshot_id = self.initial['snapshot_id']
        try:
            cinder.snapshot_update(request, snapshot_id, data['name'],
                                   data['description'])
        except errors.VolsnapAPIError as exc:
            exceptions.handle(request, _("Unable to update snapshot: %s")
                              % exc)
            return False
        messages.success(request, _('Updated snapshot "%s".')
                         % (data['name'] or snapshot_id))
        return True


class MetadataForm(forms.SelfHandlingForm):
    metadata = django_forms.CharField(
        label=_("Metadata"), required=False,
        widget=django_forms.Textarea(attrs={'rows': 8}),
        help_text=_("One key=value pair per line. Remove a line to delete "
                    "that key."))

    def clean_metadata(self):
        pairs = {}
        for number, line in enumerate(
                self.cleaned_data['metadata'].splitlines(), start=1):
            if not line.strip():
                continue
            key, sep, value = line.partition('=')
            key, value = key.strip(), value.strip()
            if not sep or not key:
                raise django_forms.ValidationError(
                    _("Line %d is not of the form key=value.") % number)
            if len(key) > 255 or len(value) > 255:
                raise django_forms.ValidationError(
                    _("Line %d: keys and values are limited to 255 "
                      "characters.") % number)
            pairs[key] = value
        return pairs

    def handle(self, request, data):
        snapshot_id = self.initial['snapshot_id']
        current = self.initial.get('current', {})
        removed = [key for key in current if key not in data['metadata']]
        try:
            if removed:
                cinder.snapshot_delete_metadata(request, snapshot_id,
                                                removed)
            if data['metadata']:
                cinder.snapshot_set_metadata(request, snapshot_id,
                                             data['metadata'])
        except errors.VolsnapAPIError as exc:
            exceptions.handle(request, _("Unable to update metadata: %s")
                              % exc)
            return False
        messages.success(request, _("Updated the snapshot's metadata."))
        return True
