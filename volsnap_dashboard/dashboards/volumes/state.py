"""A volume's protection state in the panel's words.

The state itself is computed in
:mod:`~volsnap_dashboard.protection.volume_state`, shared with the
command line; its names are read here too, beside their words.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from volsnap_dashboard.protection import recorded_reasons
from volsnap_dashboard.protection.schedule import states as schedule_states
from volsnap_dashboard.protection.volume_state import (  # noqa: F401
    MANUAL_ONLY, NO_RESTORE_POINT, PROTECTED, SCHEDULED_NO_SNAPSHOT,
    TEMPORARY, UNPROTECTED, Protection, protection_of)

#: Literal strings, so that makemessages finds them; a schedule's
#: states in the rule's words.
STATE_DISPLAY = (
    (UNPROTECTED, pgettext_lazy('Protection state of a volume',
                                'Unprotected')),
    (MANUAL_ONLY, pgettext_lazy('Protection state of a volume',
                                'Manual only')),
    (PROTECTED, pgettext_lazy('Protection state of a volume', 'Protected')),
    (SCHEDULED_NO_SNAPSHOT, pgettext_lazy('Protection state of a volume',
                                          'Scheduled, no restore point yet')),
    (NO_RESTORE_POINT, pgettext_lazy('Protection state of a volume',
                                     'Not protected: no available '
                                     'restore point')),
) + tuple((state, text) for state, text in schedule_states.DISPLAY
          if state != schedule_states.ACTIVE) + (
    (TEMPORARY, pgettext_lazy('Protection state of a volume',
                              'Temporary (verification)')),
)


def describe(protection):
    """The state in words, with the reason and failures in a row where
    they explain it."""
    display = dict(STATE_DISPLAY)[protection.state]
    if protection.state == schedule_states.FAILING and protection.failures > 1:
        display = _("%(state)s (%(count)d runs in a row)") % {
            'state': display, 'count': protection.failures}
    if protection.recorded and protection.reason:
        return _("%(state)s, as the scheduler recorded: %(reason)s") % {
            'state': display,
            'reason': recorded_reasons.translated(protection.reason)}
    if protection.recorded:
        return _("%s, as the scheduler recorded") % display
    if protection.reason:
        return _("%(state)s: %(reason)s") % {'state': display,
                                             'reason': protection.reason}
    return display
