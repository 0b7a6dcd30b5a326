from django import forms as django_forms
from django.utils.translation import gettext_lazy as _
from horizon import exceptions
from horizon import forms
from horizon import messages

from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import errors

RESETTABLE_STATUSES = (
    ('available', _("Available")),
    ('error', _("Error")),
    ('creating', _("Creating")),
    ('deleting', _("Deleting")),
    ('error_deleting', _("Error Deleting")),
)


class ResetStatusForm(forms.SelfHandlingForm):
    # The server says what is missing, in the form, rather than the
    # browser in a bubble that Horizon's modal may never show.
    use_required_attribute = False

    status = django_forms.ChoiceField(label=_("Status"),
                                      choices=RESETTABLE_STATUSES)
    confirm = django_forms.BooleanField(
        label=_("I understand that this changes only the status Cinder "
                "records, not the snapshot on the back end."),
        error_messages={'required': _(
            "Tick the box to confirm that you understand what resetting "
            "the status does.")})

    def handle(self, request, data):
        snapshot_id = self.initial['snapshot_id']
        name = self.initial.get('snapshot_name') or snapshot_id
        try:
            cinder.snapshot_reset_status(request, snapshot_id,
                                         data['status'])
        except errors.VolsnapAPIError as exc:
            exceptions.handle(request, _('Unable to reset the status of '
                                         'snapshot "%(name)s": %(reason)s')
                              % {'name': name, 'reason': exc})
            return False
        messages.success(request, _('The status of snapshot "%(name)s" is '
                                    'now %(status)s.')
                         % {'name': name, 'status': dict(
                             RESETTABLE_STATUSES)[data['status']]})
        return True
