"""Snapshot verification: what the dashboard and the scheduler agree on.

A tenant asks for a snapshot to be verified; the scheduler restores it to
a temporary volume, records whether Cinder made that volume available, and
deletes the volume whatever happened. Everything is kept in Cinder's
metadata: the request and the outcome on the snapshot, the tags on the
temporary volume. Pending states use fixed values so that the scheduler
finds its work with Cinder's exact-match metadata filter, in one listing.

No Horizon, no request here: the panel and the scheduler both use it.
"""

import dataclasses
import datetime

from volsnap_dashboard.api import cinder_facts
from volsnap_dashboard.protection import times

# Snapshot metadata (values are strings, Cinder keeps at most 255 chars).
VERIFY_KEY = 'volsnap_verify'
REQUESTED = 'requested'
VERIFYING = 'verifying'
PENDING_VALUES = (REQUESTED, VERIFYING)
REQUESTED_AT_KEY = 'volsnap_verify_requested_at'
TRUST_KEY = 'volsnap_verify_trust'
# The trust of the schedule whose run started the verification: used to
# finish it, never deleted.
RUN_TRUST_KEY = 'volsnap_verify_run_trust'
VOLUME_KEY = 'volsnap_verify_volume'
VERIFIED_AT_KEY = 'volsnap_verified_at'
OUTCOME_KEY = 'volsnap_verify_outcome'
REASON_KEY = 'volsnap_verify_reason'
OK = 'ok'
FAILED = 'failed'
OUTCOMES = (OK, FAILED)
# Removed when a verification ends (the outcome keys stay).
PENDING_KEYS = (VERIFY_KEY, REQUESTED_AT_KEY, TRUST_KEY, RUN_TRUST_KEY,
                VOLUME_KEY)
# Trusts made for one request expire on their own after this.
TRUST_LIFETIME = datetime.timedelta(days=1)

# Temporary volume.
VOLUME_NAME_PREFIX = 'volsnap-verify-'
VOLUME_DESCRIPTION = ('Temporary volume verifying that a snapshot restores; '
                      'deleted automatically.')
VERIFICATION_OF_KEY = 'volsnap_verification_of'
VERIFICATION_KEY = 'volsnap_verification'
VERIFICATION_VALUE = '1'
VERIFICATION_STARTED_KEY = 'volsnap_verification_started'
# The trust it was made with: the one it is deleted with.
VERIFICATION_TRUST_KEY = 'volsnap_verification_trust'



@dataclasses.dataclass(frozen=True)
class VerificationState:
    """What a snapshot's metadata says about its verification."""
    pending: str | None = None
    requested_at: str | None = None
    verified_at: str | None = None
    outcome: str | None = None
    reason: str = ''

    @property
    def in_progress(self):
        return self.pending is not None

    def stalled(self, now):
        """Pending for longer than any trust it acts with lasts (or since
        an unknown time): no scheduler will end it, and a new request may
        replace it. The scheduler records nothing with its own rights, so
        a verification whose trust went away stays pending otherwise."""
        if not self.in_progress:
            return False
        since = times.parse_iso(self.requested_at)
        return since is None or now - since > TRUST_LIFETIME

    def blocks_a_request(self, now):
        """Whether a new verification must wait for this one."""
        return self.in_progress and not self.stalled(now)


def _metadata(resource):
    return getattr(resource, 'metadata', None) or {}


def request_metadata(trust_id, now):
    """The snapshot metadata that asks the scheduler for a verification."""
    return {VERIFY_KEY: REQUESTED,
            REQUESTED_AT_KEY: times.format_utc(now),
            TRUST_KEY: trust_id}


def state_of(snapshot):
    """The VerificationState of ``snapshot`` (a Cinder snapshot)."""
    metadata = _metadata(snapshot)
    pending = metadata.get(VERIFY_KEY)
    outcome = metadata.get(OUTCOME_KEY)
    return VerificationState(
        pending=pending if pending in PENDING_VALUES else None,
        requested_at=metadata.get(REQUESTED_AT_KEY),
        verified_at=metadata.get(VERIFIED_AT_KEY),
        outcome=outcome if outcome in OUTCOMES else None,
        reason=metadata.get(REASON_KEY) or '')


def last_verified(snapshots):
    """The VerificationState of the newest of ``snapshots`` (a volume's)
    whose verification ended, or None."""
    ended_states = []
    for snapshot in snapshots:
        state = state_of(snapshot)
        moment = times.parse_iso(state.verified_at)
        if state.outcome is None or moment is None:
            continue
        created = times.parse_iso(
            getattr(snapshot, 'created_at', None))
        ended_states.append(((created or moment, moment), state))
    if not ended_states:
        return None
    return max(ended_states, key=lambda pair: pair[0])[1]


def is_verification_volume(volume):
    """True for the scheduler's temporary verification volumes: tagged,
    naming their snapshot, and named as the scheduler names them. Tags
    alone are any member's writing: a volume of theirs dressed so must
    not be shown, nor handled, as a temporary one."""
    metadata = _metadata(volume)
    return (metadata.get(VERIFICATION_KEY) == VERIFICATION_VALUE and
            bool(metadata.get(VERIFICATION_OF_KEY)) and
            (getattr(volume, 'name', None) or '').startswith(
                VOLUME_NAME_PREFIX))


def volume_name(snapshot_id):
    return VOLUME_NAME_PREFIX + snapshot_id[:8]


def volume_metadata(snapshot_id, now, trust_id=None):
    """The tags of the temporary volume verifying ``snapshot_id``, made
    with ``trust_id``."""
    tags = {VERIFICATION_OF_KEY: snapshot_id,
            VERIFICATION_KEY: VERIFICATION_VALUE,
            VERIFICATION_STARTED_KEY: times.format_utc(now)}
    if trust_id:
        tags[VERIFICATION_TRUST_KEY] = trust_id
    return tags


def trust_of(snapshot):
    """The trust a verification of ``snapshot`` acts with: the request's,
    else that of the schedule whose run started it; None if neither."""
    metadata = _metadata(snapshot)
    return metadata.get(TRUST_KEY) or metadata.get(RUN_TRUST_KEY) or None


def outcome_metadata(outcome, now, reason=''):
    """Snapshot metadata recording how a verification ended."""
    return {VERIFIED_AT_KEY: times.format_utc(now),
            OUTCOME_KEY: outcome,
            REASON_KEY: cinder_facts.fit(reason or '')}


def snapshot_of(volume):
    """The id of the snapshot a temporary volume verifies, or None."""
    return _metadata(volume).get(VERIFICATION_OF_KEY)


def started_at(volume):
    """When the temporary volume was made (its tag, else Cinder's
    created_at); None if unknown."""
    tagged = _metadata(volume).get(VERIFICATION_STARTED_KEY)
    return times.parse_iso(tagged) or \
        times.parse_iso(getattr(volume, 'created_at', None))
