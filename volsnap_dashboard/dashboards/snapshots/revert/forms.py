"""The confirmation of "Revert Volume to This Snapshot": the volume's name
typed exactly, then one revert call through the protection plugin."""

from django import forms as django_forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from horizon import exceptions
from horizon import forms
from horizon import messages
from horizon.utils import filters as horizon_filters

from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import cinder_facts
from volsnap_dashboard.api import errors
from volsnap_dashboard.api import microversions
from volsnap_dashboard.dashboards.common import local_times
from volsnap_dashboard.dashboards.snapshots.revert import marks as revert_marks
from volsnap_dashboard.dashboards.snapshots.revert import rows as revert_rows


def volume_label(volume):
    """What the user types to confirm: the name, or the id of a volume
    that has none."""
    return volume.name or volume.id


def snapshot_time(snapshot):
    """When the snapshot was taken, to the second (snapshots minutes apart
    must not read alike), in the user's time zone (Horizon's setting)."""
    try:
        taken = horizon_filters.parse_isotime(snapshot.created_at)
    except (TypeError, ValueError):
        return snapshot.created_at
    return local_times.shown(timezone.localtime(taken), seconds=True)


class RevertForm(forms.SelfHandlingForm):
    confirm_name = django_forms.CharField(
        max_length=cinder_facts.TEXT_LIMIT,
        label=_("Type the volume's name to confirm"),
        strip=False)

    def __init__(self, request, *args, plugin=None, snapshot=None,
                 volume=None, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.plugin = plugin
        self.snapshot = snapshot
        self.volume = volume
        self.fields['confirm_name'].widget.attrs['placeholder'] = \
            volume_label(volume)

    def clean_confirm_name(self):
        typed = self.cleaned_data['confirm_name']
        if typed != volume_label(self.volume):
            raise django_forms.ValidationError(_(
                'Type the volume\'s name exactly ("%s") to revert it.')
                % volume_label(self.volume))
        return typed

    def handle(self, request, data):
        label = volume_label(self.volume)
        try:
            cinder.volume_revert_to_snapshot(
                request, self.plugin, self.volume.id, self.snapshot.id)
        except errors.VolsnapAPIError as exc:
            exceptions.handle(request, _(
                'Unable to revert volume "%(volume)s": %(reason)s')
                % {'volume': label, 'reason': self._why(request, exc)})
            return False
        messages.success(request, _(
            'Reverting volume "%(volume)s" to snapshot "%(snapshot)s" of '
            '%(time)s: what was written to it since is discarded. The '
            'snapshot\'s row shows the volume "reverting" until it is '
            'available again (or in error, with the reason).')
            % {'volume': label, 'snapshot': self.snapshot.name or
               self.snapshot.id, 'time': snapshot_time(self.snapshot)})
        return True

    def _why(self, request, refusal):
        """Cinder's refusal in the panel's words where the page can tell
        why (the volume's state or size, a newer snapshot: things that
        changed since the form opened); else Cinder's own."""
        if not isinstance(refusal, (errors.BadRequest, errors.Conflict)):
            return refusal
        self.snapshot.volume_status = self.volume.status
        self.snapshot.volume_size = self.volume.size
        self.snapshot.newest_of_volume = True
        reason = revert_marks.unavailable_reason(self.snapshot,
                                                 microversions.REVERT)
        if reason is not None:
            return reason
        newest = revert_rows.newest_snapshot_id(request, self.volume.id)
        if newest is not None and newest != self.snapshot.id:
            return revert_marks.NEWER_EXISTS
        return refusal
