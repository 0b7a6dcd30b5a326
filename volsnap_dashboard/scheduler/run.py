"""One run of one schedule at one slot.

Inside the run's lock: re-read the schedule (another process may have run
it since the sweep's listing), skip a slot already done, get the tenant's
trust-scoped client, check the trust acts in the volume's own project, make
room within the quota (prune first) or skip with the reason, protect
through the panel's plugin, wait, record the outcome on the schedule, then
apply retention. Every step logs one line.
"""

import dataclasses
import datetime
import logging

from django.utils.translation import gettext as _

from volsnap_dashboard.api import cinder_facts
from volsnap_dashboard.api import errors
from volsnap_dashboard.protection import parameters
from volsnap_dashboard.protection import registry
from volsnap_dashboard.protection import times
from volsnap_dashboard.protection import waiting
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import model
from volsnap_dashboard.protection.schedule import naming
from volsnap_dashboard.protection.schedule import retention
from volsnap_dashboard.protection.schedule import store
from volsnap_dashboard.scheduler import admin_calls
from volsnap_dashboard.scheduler import cinder_calls
from volsnap_dashboard.scheduler import coordination

LOG = logging.getLogger(__name__)

OK = 'ok'
FAILED = 'failed'
SKIPPED = 'skipped'
INVALID = 'invalid'
AUTHORIZATION_LOST = 'authorization_lost'
# Not outcomes recorded on the schedule: what this process did not do.
DONE_ELSEWHERE = 'done'
LOCKED = 'locked'
GONE = 'gone'

# Why a run deleted a snapshot, as its history says it.
RETENTION = 'retention'
PRUNED_FOR_ROOM = 'pruned for room'


@dataclasses.dataclass
class TenantClient:
    """A Cinder client acting for the tenant, the project its trust is
    scoped to, and the user who gave the trust (its trustor)."""
    client: object
    project_id: str
    trustor_id: str | None = None


@dataclasses.dataclass
class Due:
    volume: object
    schedule: object
    slot: datetime.datetime
    missed: int = 0
    run_now: bool = False


def _made_by(snapshot, user_id):
    """Whether ``user_id`` made ``snapshot``; true where Cinder does not
    say (before microversion 3.41)."""
    maker = getattr(snapshot, 'user_id', None)
    return maker is None or maker == user_id


def _Due(volume, schedule):
    """A stand-in Due for re-reading ``schedule`` on ``volume``."""
    return Due(volume, schedule, None)


def _snapshot_slot(snapshot):
    return (getattr(snapshot, 'metadata', None) or {}).get(
        codec.SNAPSHOT_SLOT_KEY)


class Runner:
    def __init__(self, coordinator, service_client, tenant_clients, plugin,
                 clock, min_interval=None, wait_timeout=None,
                 wait_interval=2.0, verifier=None):
        self.coordinator = coordinator
        self.service_client = service_client
        self.tenant_clients = tenant_clients
        # A plugin set: each schedule runs the plugin it names.
        self.plugins = registry.PluginSet.of(plugin)
        self.clock = clock
        self.min_interval = min_interval
        # None: each plugin's own protect_timeout.
        self.wait_timeout = wait_timeout
        self.wait_interval = wait_interval
        # Starts the verifications of schedules with verify_every.
        self.verifier = verifier

    def _wait_timeout(self, schedule):
        """How long to wait for what ``schedule``'s plugin makes or
        deletes: the operator's wait_timeout, else the plugin's own."""
        if self.wait_timeout is not None:
            return self.wait_timeout
        return self._plugin(schedule).protect_timeout

    # Entry points

    def run(self, due):
        """Run ``due``; return what happened (an outcome, or why not)."""
        sid, slot = due.schedule.id, times.format_utc(due.slot)
        with self.coordinator.run_lock(due.volume.id, sid) as held:
            if not held:
                LOG.info("schedule %s slot %s: another scheduler holds "
                         "this schedule's run", sid, slot)
                return LOCKED
            try:
                return self._run_locked(due, slot, held)
            except coordination.LockLost as exc:
                LOG.warning("schedule %s slot %s: stopped: %s; the process "
                            "that holds the lock now carries on", sid, slot,
                            exc)
                return LOCKED

    def skip(self, due, reason):
        """Record ``due`` as skipped with ``reason`` (Cinder pushed back
        until its window ended), through the schedule's trust like a
        run; if that fails too, it is due again at the next sweep."""
        sid = due.schedule.id
        with self.coordinator.run_lock(due.volume.id, sid) as held:
            if not held:
                return LOCKED
            try:
                tenant = self.tenant_clients(due.schedule.trust_id)
                if self._trust_refusal(tenant, due.volume, due.schedule):
                    return GONE
                volume, schedule = self._fresh(tenant.client, due)
                if schedule is None or schedule.trust_id != \
                        due.schedule.trust_id:
                    return GONE
                last = times.parse_iso(schedule.state.last_slot)
                if last is not None and last >= due.slot:
                    return DONE_ELSEWHERE
                return self._finish(tenant.client, volume, schedule, due,
                                    SKIPPED, reason)
            except errors.VolsnapAPIError as exc:
                LOG.error("schedule %s slot %s: not run, and the skip could "
                          "not be recorded (due again at the next sweep): "
                          "%s", sid, times.format_utc(due.slot), exc)
                return FAILED

    def report_invalid(self, volume, schedule_id, reason, state=None):
        """Record a schedule that must not run as invalid, with the reason
        (written once: unchanged state is not written again, as the
        reason would be recorded; ``state``: the one recorded, if read)."""
        recorded = codec.cut(str(reason), codec.MAX_REASON_LENGTH)
        if state is not None and state.outcome == INVALID \
                and state.reason == recorded:
            LOG.debug("schedule %s on volume %s: invalid, as recorded",
                      schedule_id, volume.id)
            return INVALID
        LOG.warning("schedule %s on volume %s: invalid: %s", schedule_id,
                    volume.id, reason)
        self._save_state(admin_calls.state_record(self.service_client,
                                                  schedule_id),
                         volume, schedule_id,
                         self._state(state, None, INVALID, reason))
        return INVALID

    # The run

    def _run_locked(self, due, slot, held):
        sid = due.schedule.id
        listed = due.schedule
        try:
            tenant = self.tenant_clients(listed.trust_id)
        except errors.AuthorizationLost as exc:
            return self._record_unusable(due, listed.trust_id,
                                         AUTHORIZATION_LOST, str(exc))
        except errors.VolsnapAPIError as exc:
            # Keystone down or the service user refused: nothing is known
            # about this schedule, so nothing is recorded; due again next.
            LOG.error("schedule %s slot %s: not run: %s", sid, slot, exc)
            return FAILED
        refused = self._trust_refusal(tenant, due.volume, listed)
        if refused:
            return self._record_unusable(due, listed.trust_id, INVALID,
                                         refused)
        volume, schedule = self._fresh(tenant.client, due)
        if schedule is None or (schedule.trust_id, schedule.owner_id) != (
                listed.trust_id, listed.owner_id):
            LOG.info("schedule %s slot %s: the schedule is gone or was "
                     "saved again since the listing", sid, slot)
            return GONE
        last = times.parse_iso(schedule.state.last_slot)
        if last is not None and last >= due.slot:
            LOG.info("schedule %s slot %s: already done (recorded)", sid,
                     slot)
            self._clear_run_request(tenant.client, volume, due)
            return DONE_ELSEWHERE
        if self._plugin(schedule) is None:
            return self._finish(tenant.client, volume, schedule, due,
                                INVALID, _(
                                    "its protection plugin (%s) is not one "
                                    "its provider offers") % schedule.plugin)
        try:
            return self._protect(tenant.client, volume, schedule, due, slot,
                                 held)
        except (errors.AuthorizationLost, errors.NotAuthenticated) as exc:
            # The trust went away after its token was issued.
            return self._record_unusable(due, listed.trust_id,
                                         AUTHORIZATION_LOST, str(exc))
        except errors.BACK_PRESSURE:
            # Not a failure of the run: it is tried again (pool.py), and
            # finds what this attempt made.
            raise
        except (errors.VolsnapAPIError, parameters.InvalidParameters) as exc:
            outcome = INVALID if isinstance(
                exc, parameters.InvalidParameters) else FAILED
            return self._finish(tenant.client, volume, schedule, due,
                                outcome, str(exc))

    @staticmethod
    def _trust_refusal(tenant, volume, schedule):
        """Why the schedule's trust must not act for it, or ''. Trust ids
        are written in tenant metadata: a member could name a colleague's
        trust (one kept after a Take Over, say) as their own schedule's."""
        volume_project = cinder_facts.volume_project(volume)
        if tenant.project_id != schedule.project_id or (
                volume_project and tenant.project_id != volume_project):
            return _("the schedule's authorization (trust) acts in "
                     "another project than the volume's")
        if tenant.trustor_id != schedule.owner_id:
            return _("the schedule's authorization (trust) was given by "
                     "another user than its recorded owner: its owner, or a "
                     "member who takes it over, must save it again")
        return ''

    def _record_unusable(self, due, trust_id, outcome, reason):
        """Record why the schedule's trust cannot be used, with the
        service user's client (the tenant's is not available): re-read
        first, and only while the schedule still names that trust and
        the slot is not done."""
        sid = due.schedule.id
        record = admin_calls.state_record(self.service_client, sid)
        volume, schedule = self._fresh(record, due)
        if schedule is None or schedule.trust_id != trust_id:
            LOG.info("schedule %s: the schedule is gone or was saved "
                     "again since the listing", sid)
            return GONE
        last = times.parse_iso(schedule.state.last_slot)
        if last is not None and last >= due.slot:
            return DONE_ELSEWHERE
        return self._finish(record, volume, schedule, due, outcome, reason,
                            clear_request=False)

    def _plugin(self, schedule):
        """The plugin ``schedule`` runs, or None if not offered."""
        return self.plugins.for_schedule(schedule)

    def _protect(self, client, volume, schedule, due, slot, held):
        sid = schedule.id
        now = self.clock()
        plugin = self._plugin(schedule)
        snapshots = store.protections_of(plugin, client, schedule)
        earlier = self._earlier_attempt(client, schedule, snapshots, slot,
                                        held)
        # The snapshots this run deletes, for its history entry: retention
        # runs before the outcome is recorded, so that one write says both.
        deleted = []
        if earlier is not None:
            LOG.info("schedule %s slot %s: snapshot %s of an earlier "
                     "attempt exists", sid, slot, earlier.id)
            self._apply_retention(client, schedule, now, held, deleted)
            return self._finish(client, volume, schedule, due, OK, '',
                                snapshot_id=earlier.id, deleted=deleted)
        room = self._make_room(client, volume, schedule, snapshots, now,
                               held, deleted)
        if room is not None:
            return self._finish(client, volume, schedule, due, SKIPPED,
                                room, deleted=deleted)
        params = dict(schedule.options)
        if plugin.name_option:
            params[plugin.name_option] = naming.snapshot_name(
                schedule.name_template, volume, schedule, due.slot)
        tags = {codec.SNAPSHOT_SCHEDULE_KEY: sid,
                codec.SNAPSHOT_SLOT_KEY: slot,
                codec.SNAPSHOT_VOLUME_KEY: volume.id}
        held.check()
        saved = plugin.protect(client, volume, params, metadata=tags)
        snapshot_id = plugin.protection_id(saved)
        LOG.info("schedule %s slot %s: created snapshot %s of volume %s%s",
                 sid, slot, snapshot_id, volume.id,
                 ' (%d missed before)' % due.missed if due.missed else '')
        try:
            snapshot = plugin.wait_for_protection(
                client, snapshot_id, interval=self.wait_interval,
                timeout=self._wait_timeout(schedule))
        except waiting.WaitTimeout as exc:
            return self._finish(client, volume, schedule, due, FAILED,
                                str(exc), snapshot_id=snapshot_id)
        except errors.BACK_PRESSURE:
            raise
        except errors.VolsnapAPIError as exc:
            # ProtectionFailed: the plugin deleted the failed snapshot.
            cleaned = getattr(exc, 'cleaned_up', False)
            LOG.warning("schedule %s slot %s: snapshot %s failed%s", sid,
                        slot, snapshot_id,
                        ' and was deleted' if cleaned else '')
            return self._finish(client, volume, schedule, due, FAILED,
                                str(exc), snapshot_id=snapshot_id)
        verifying = self._verify(client, schedule, snapshot, slot)
        self._apply_retention(client, schedule, self.clock(), held, deleted)
        return self._finish(client, volume, schedule, due, OK, '',
                            snapshot_id=snapshot_id,
                            verification_started=verifying, deleted=deleted)

    def _earlier_attempt(self, client, schedule, snapshots, slot, held):
        """The good snapshot an earlier attempt at ``slot`` made (a run
        killed before it recorded), or None. Only one this schedule's
        owner made (the trust acts as its trustor) and that is available
        or becomes so counts: a tag is tenant-writable, and a failed
        snapshot is no restore point. A failed one is deleted, so that
        the run makes a good one."""
        for snapshot in snapshots:
            if _snapshot_slot(snapshot) != slot or not _made_by(
                    snapshot, schedule.owner_id):
                continue
            if snapshot.status == 'creating':
                try:
                    return self._plugin(schedule).wait_for_protection(
                        client, snapshot.id, interval=self.wait_interval,
                        timeout=self._wait_timeout(schedule))
                except errors.NotFound:
                    continue
                except (waiting.WaitTimeout, *errors.BACK_PRESSURE):
                    # Still being made, or its state unknown: a second one
                    # would be a second snapshot of the slot.
                    raise
                except errors.VolsnapAPIError as exc:
                    LOG.warning("schedule %s slot %s: snapshot %s of an "
                                "earlier attempt failed: %s", schedule.id,
                                slot, snapshot.id, exc)
                    continue
            if snapshot.status == 'available':
                return snapshot
            if snapshot.status == retention.ERROR:
                held.check()
                self._delete(client, schedule, snapshot,
                             'failed snapshot of an earlier attempt')
        return None
    def _verify(self, client, schedule, snapshot, slot):
        """Start verifying the run's new snapshot when it is the N-th ok
        run since the last verification (verify_every); True if started.
        A verification that did not start is tried after the next run."""
        if self.verifier is None or not schedule.verification_due():
            return False
        LOG.info("schedule %s slot %s: verifying snapshot %s (every %d "
                 "runs)", schedule.id, slot, snapshot.id,
                 schedule.verify_every)
        try:
            return self.verifier.start(client, snapshot,
                                       plugin=self._plugin(schedule))
        except errors.VolsnapAPIError as exc:
            LOG.error("schedule %s slot %s: verification of snapshot %s "
                      "not started: %s", schedule.id, slot, snapshot.id,
                      exc)
            return False

    # Quota: prune first if that makes room, else say why not

    def _make_room(self, client, volume, schedule, snapshots, now, held,
                   deleted):
        """None when the snapshot fits (pruning first if needed), else the
        reason it does not; what it deleted is added to ``deleted``."""
        plugin = self._plugin(schedule)
        room = retention.room_after_pruning(
            snapshots, schedule.retention, now, plugin.quota(client),
            needed_snapshots=1, needed_gb=int(volume.size or 0),
            words=(plugin.verbose_name, plugin.verbose_name_plural))
        if not room.fits:
            return room.reason
        if not self._delete_within_floor(client, schedule, snapshots,
                                         room.to_delete, PRUNED_FOR_ROOM,
                                         held, deleted):
            return _("the schedule's newest available snapshot changed "
                     "while room was being made: tried again at the next "
                     "run")
        # Cinder gives the quota back only once a deletion has finished.
        for snapshot in room.to_delete:
            self._plugin(schedule).wait_for_deletion(
                client, snapshot.id, interval=self.wait_interval,
                timeout=self._wait_timeout(schedule))
        return None

    # Retention

    def _apply_retention(self, client, schedule, now, held, deleted):
        """Delete what retention no longer keeps, adding it to
        ``deleted``."""
        snapshots = store.protections_of(self._plugin(schedule), client,
                                         schedule)
        doomed = retention.to_delete(snapshots, schedule.retention, now)
        kept = len(snapshots) - len(doomed)
        LOG.info("schedule %s: retained %d snapshot(s), deleting %d",
                 schedule.id, kept, len(doomed))
        try:
            self._delete_within_floor(client, schedule, snapshots, doomed,
                                      RETENTION, held, deleted,
                                      tolerant=True)
        except errors.VolsnapAPIError as exc:
            LOG.warning("schedule %s: retention stopped: %s", schedule.id,
                        exc)

    def _delete_within_floor(self, client, schedule, snapshots, doomed, why,
                             held, deleted, tolerant=False):
        """Delete ``doomed`` while the newest available snapshot kept
        (retention's floor) is still there, read again before each delete
        of an available one: a user may delete it meanwhile. False if it
        is not (nothing more deleted). ``tolerant``: a snapshot Cinder
        will not delete is logged and skipped."""
        doomed_ids = {snapshot.id for snapshot in doomed}
        keeper = retention.newest_available(
            [s for s in snapshots if s.id not in doomed_ids])
        for snapshot in doomed:
            if snapshot.status == retention.AVAILABLE and \
                    not self._still_available(client, schedule, keeper):
                LOG.warning("schedule %s: its newest available snapshot "
                            "%s is no longer available; nothing more "
                            "deleted (%s)", schedule.id,
                            keeper.id if keeper else None, why)
                return False
            held.check()
            try:
                self._wait_for_dependents(client, schedule, snapshot,
                                          doomed, deleted)
                self._delete(client, schedule, snapshot, why)
                deleted.append({'id': snapshot.id,
                                'name': getattr(snapshot, 'name', None) or '',
                                'why': why})
            except errors.VolsnapAPIError as exc:
                if not tolerant:
                    raise
                LOG.warning("schedule %s: could not delete snapshot %s: %s",
                            schedule.id, snapshot.id, exc)
        return True

    def _wait_for_dependents(self, client, schedule, protection, doomed,
                             deleted):
        """Wait until the protections just deleted that needed
        ``protection`` (incremental backups) are gone: the cloud refuses
        to delete it before."""
        deleted_ids = {entry['id'] for entry in deleted}
        for dependent in doomed:
            if dependent.id in deleted_ids and \
                    getattr(dependent, 'depends_on', None) == protection.id:
                self._plugin(schedule).wait_for_deletion(
                    client, dependent.id, interval=self.wait_interval,
                    timeout=self._wait_timeout(schedule))

    def _still_available(self, client, schedule, snapshot):
        if snapshot is None:
            return False
        try:
            fresh = self._plugin(schedule).get_protection(client, snapshot.id)
        except errors.NotFound:
            return False
        return fresh.status == retention.AVAILABLE

    def _delete(self, client, schedule, snapshot, why):
        gone = self._plugin(schedule).delete(client, snapshot.id)
        LOG.info("schedule %s: deleted snapshot %s (%s)%s", schedule.id,
                 snapshot.id, why, '' if gone else ', already gone')

    # State

    def _fresh(self, client, due):
        """The volume and its schedule as they are now (not as listed),
        read with ``client``; (volume, None) if the schedule is gone."""
        try:
            volume = cinder_calls.volume(client, due.volume.id)
        except errors.NotFound:
            return due.volume, None
        return volume, self._schedule_on(volume, due.schedule.id)

    def _schedule_on(self, volume, schedule_id):
        """The valid schedule ``schedule_id`` on ``volume``, decoded
        alone (not every schedule of the volume for each run), or None."""
        schedule = codec.decode_schedule(volume, schedule_id,
                                         self.min_interval)
        return schedule if isinstance(schedule, model.Schedule) else None

    def _finish(self, client, volume, schedule, due, outcome, reason,
                snapshot_id=None, verification_started=False,
                clear_request=True, deleted=()):
        if outcome == OK:
            LOG.info("schedule %s slot %s: ok", schedule.id,
                     times.format_utc(due.slot))
        else:
            LOG.warning("schedule %s slot %s: %s: %s", schedule.id,
                        times.format_utc(due.slot), outcome, reason)
        previous = self._recorded_now(client, volume, schedule, due.slot)
        if previous is None:
            LOG.warning("schedule %s slot %s: a later run was recorded "
                        "meanwhile; this outcome is not recorded over it",
                        schedule.id, times.format_utc(due.slot))
            return outcome
        state = self._state(previous, due, outcome, reason, snapshot_id,
                            verification_started, deleted)
        self._save_state(client, volume, schedule.id, state)
        if clear_request:
            self._clear_run_request(client, volume, due)
        return outcome

    def _recorded_now(self, client, volume, schedule, slot):
        """The schedule's state as recorded now, read again just before
        the write: Cinder has no compare-and-swap on metadata, so a
        writer that recorded since this run read it (another process
        whose lock expired) is built on, never written over: None if it
        recorded ``slot`` or a later one, so that the history and the
        last slot never go backwards."""
        try:
            fresh_volume, fresh = self._fresh(client, _Due(volume, schedule))
        except errors.VolsnapAPIError as exc:
            LOG.warning("schedule %s: its state could not be read again "
                        "before recording: %s", schedule.id, exc)
            return schedule.state
        if fresh is None:
            return schedule.state
        volume.metadata = dict(getattr(fresh_volume, 'metadata', None) or {})
        if fresh.state == schedule.state:
            return schedule.state
        theirs = times.parse_iso(fresh.state.last_slot)
        if theirs is not None and theirs >= slot:
            return None
        return fresh.state

    def _state(self, previous, due, outcome, reason, snapshot_id=None,
               verification_started=False, deleted=()):
        previous = previous or model.ScheduleState()
        state = previous.after_run(
            due.slot if due else None, self.clock(), outcome,
            reason=reason, snapshot_id=snapshot_id,
            missed=due.missed if due else 0,
            verification_started=verification_started, deleted=deleted)
        if due is None:
            # Found invalid while listing: no slot was used up.
            state = dataclasses.replace(state, last_slot=previous.last_slot)
        return state

    @staticmethod
    def _save_state(client, volume, schedule_id, state):
        try:
            store.save_state(client, volume, schedule_id, state)
        except errors.VolsnapAPIError as exc:
            LOG.error("schedule %s: could not record its state on volume "
                      "%s: %s", schedule_id, volume.id, exc)

    @staticmethod
    def _clear_run_request(client, volume, due):
        if not due.run_now:
            return
        try:
            cinder_calls.clear_run_request(client, volume, due.schedule.id)
        except errors.VolsnapAPIError as exc:
            LOG.error("schedule %s: could not clear its run request: %s",
                      due.schedule.id, exc)
