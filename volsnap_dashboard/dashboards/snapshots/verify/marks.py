"""A snapshot's verification in words, from its own metadata (no call of
its own): "Verification requested", "Verifying", "Verified 3 hours ago"
or "Verification failed 3 hours ago" with Cinder's reason on hover.
"""

import datetime

from django.utils.html import format_html
from django.utils import timesince
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from volsnap_dashboard.protection import recorded_reasons
from volsnap_dashboard.protection import times
from volsnap_dashboard.protection import verification

PENDING_DISPLAY = {
    verification.REQUESTED: _("Verification requested"),
    verification.VERIFYING: _("Verifying"),
}

STALLED_REASON = _(
    "No outcome was recorded within a day: the authorization given to the "
    "scheduler has ended (it expired, or its user lost the role or was "
    "removed). Verify the snapshot again.")


def pending(snapshot):
    """True while a verification is asked for or under way: the row
    refreshes itself until the outcome is there (not once stalled)."""
    return verification.state_of(snapshot).blocks_a_request(times.now())


def ended(state, at=None):
    """How the last verification ended, in words, with its time (or
    Cinder's reason for a failure) on hover; None if none ended."""
    moment = times.parse_iso(state.verified_at)
    if state.outcome is None or moment is None:
        return None
    at = at or times.now()
    recent = at - moment < datetime.timedelta(minutes=1)
    age = timesince.timesince(moment, at)
    if state.outcome == verification.OK:
        text = _("Verified just now") if recent else \
            _("Verified %s ago") % age
        return format_html('<span class="volsnap-verified" title="{}">{}'
                           '</span>', times.utc_label(moment), text)
    reason = recorded_reasons.translated(state.reason) or \
        _("no reason recorded")
    text = _("Verification failed just now") if recent else \
        _("Verification failed %s ago") % age
    return format_html(
        '<span class="volsnap-verify-failed" title="{}">{}</span>',
        _("%(time)s: %(reason)s") % {'time': times.utc_label(moment),
                                     'reason': reason}, text)


def verification_mark(snapshot, at=None):
    """The Snapshots tab's cell: a pending verification first, else how
    the last one ended; None (shown as "-") if never verified."""
    state = verification.state_of(snapshot)
    if state.stalled(at or times.now()):
        return format_html(
            '<span class="volsnap-verify-failed" title="{}">{}</span>',
            STALLED_REASON, _("Verification stalled"))
    if state.in_progress:
        return PENDING_DISPLAY[state.pending]
    return ended(state, at)


def every_runs(verify_every):
    """A schedule's verification option in words."""
    if not verify_every:
        return _("Never verifies its snapshots")
    return ngettext("Verifies the new snapshot after every run",
                    "Verifies the new snapshot every %(count)d runs",
                    verify_every) % {'count': verify_every}


def schedule_verification(row):
    """The Schedules tab's cell (a schedule_rows row)."""
    if not row.valid:
        return '-'
    return every_runs(row.schedule.verify_every)
