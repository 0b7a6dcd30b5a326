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

from volsnap_dashboard.api import errors
from volsnap_dashboard.protection import parameters
from volsnap_dashboard.protection import waiting
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import model
from volsnap_dashboard.protection.schedule import naming
from volsnap_dashboard.protection.schedule import retention
from volsnap_dashboard.protection.schedule import store
from volsnap_dashboard.scheduler import cinder_calls

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


def slot_text(slot):
    """The slot as recorded on snapshots and in locks: ISO UTC, seconds."""
    return slot.astimezone(datetime.timezone.utc).strftime(
        '%Y-%m-%dT%H:%M:%SZ')


def as_utc(value):
    """A recorded time (datetime or ISO text) as an aware UTC datetime."""
    if value is None or isinstance(value, datetime.datetime):
        return value and value.astimezone(datetime.timezone.utc)
    return datetime.datetime.fromisoformat(
        str(value).replace('Z', '+00:00')).astimezone(datetime.timezone.utc)


def _snapshot_slot(snapshot):
    return (getattr(snapshot, 'metadata', None) or {}).get(
        codec.SNAPSHOT_SLOT_KEY)


class Runner:
    def __init__(self, coordinator, service_client, tenant_clients, plugin,
                 clock, min_interval=None, wait_timeout=600.0,
                 wait_interval=2.0, verifier=None):
        self.coordinator = coordinator
        self.service_client = service_client
        self.tenant_clients = tenant_clients
        self.plugin = plugin
        self.clock = clock
        self.min_interval = min_interval
        self.wait_timeout = wait_timeout
        self.wait_interval = wait_interval
        # Starts the verifications of schedules with verify_every.
        self.verifier = verifier

    # Entry points

    def run(self, due):
        """Run ``due``; return what happened (an outcome, or why not)."""
        sid, slot = due.schedule.id, slot_text(due.slot)
        with self.coordinator.run_lock(sid, slot) as held:
            if not held:
                LOG.info("schedule %s slot %s: another scheduler holds "
                         "this run", sid, slot)
                return LOCKED
            return self._run_locked(due, slot)

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
        self._save_state(self.service_client, volume, schedule_id,
                         self._state(state, None, INVALID, reason))
        return INVALID

    # The run

    def _run_locked(self, due, slot):
        sid = due.schedule.id
        volume, schedule = self._fresh(due)
        if schedule is None:
            LOG.info("schedule %s slot %s: the schedule is gone", sid, slot)
            return GONE
        last = as_utc(schedule.state.last_slot)
        if last is not None and last >= due.slot:
            LOG.info("schedule %s slot %s: already done (recorded)", sid,
                     slot)
            self._clear_run_request(self.service_client, volume, due)
            return DONE_ELSEWHERE
        try:
            tenant = self.tenant_clients(schedule.trust_id)
        except errors.AuthorizationLost as exc:
            return self._finish(self.service_client, volume, schedule, due,
                                AUTHORIZATION_LOST, str(exc))
        except errors.VolsnapAPIError as exc:
            # Keystone down or the service user refused: nothing is known
            # about this schedule, so nothing is recorded; due again next.
            LOG.error("schedule %s slot %s: not run: %s", sid, slot, exc)
            return FAILED
        volume_project = codec.volume_project(volume)
        if tenant.project_id != schedule.project_id or (
                volume_project and tenant.project_id != volume_project):
            reason = ("the schedule's trust acts in project %s, not in the "
                      "volume's project %s"
                      % (tenant.project_id, volume_project or
                         schedule.project_id))
            return self._finish(self.service_client, volume, schedule, due,
                                INVALID, reason)
        try:
            return self._protect(tenant.client, volume, schedule, due, slot)
        except (errors.AuthorizationLost, errors.NotAuthenticated) as exc:
            # The trust went away after its token was issued.
            return self._finish(self.service_client, volume, schedule, due,
                                AUTHORIZATION_LOST, str(exc))
        except (errors.VolsnapAPIError, parameters.InvalidParameters) as exc:
            outcome = INVALID if isinstance(
                exc, parameters.InvalidParameters) else FAILED
            return self._finish(tenant.client, volume, schedule, due,
                                outcome, str(exc))

    def _protect(self, client, volume, schedule, due, slot):
        sid = schedule.id
        now = self.clock()
        snapshots = store.snapshots_of(client, schedule)
        earlier = [s for s in snapshots if _snapshot_slot(s) == slot]
        if earlier:
            LOG.info("schedule %s slot %s: snapshot %s of an earlier "
                     "attempt exists", sid, slot, earlier[0].id)
            outcome = self._finish(client, volume, schedule, due, OK, '',
                                   snapshot_id=earlier[0].id)
            self._apply_retention(client, schedule, now)
            return outcome
        room = self._make_room(client, volume, schedule, snapshots, now)
        if room is not None:
            return self._finish(client, volume, schedule, due, SKIPPED,
                                room)
        params = dict(schedule.options)
        params['snapshot_name'] = naming.snapshot_name(
            schedule.name_template, volume, schedule, due.slot)
        tags = {codec.SNAPSHOT_SCHEDULE_KEY: sid,
                codec.SNAPSHOT_SLOT_KEY: slot,
                codec.SNAPSHOT_VOLUME_KEY: volume.id}
        saved = self.plugin.protect(client, volume, params, metadata=tags)
        snapshot_id = saved['snapshot_id']
        LOG.info("schedule %s slot %s: created snapshot %s of volume %s%s",
                 sid, slot, snapshot_id, volume.id,
                 ' (%d missed before)' % due.missed if due.missed else '')
        try:
            snapshot = self.plugin.wait_for_snapshot(
                client, snapshot_id, interval=self.wait_interval,
                timeout=self.wait_timeout)
        except waiting.WaitTimeout as exc:
            return self._finish(client, volume, schedule, due, FAILED,
                                str(exc), snapshot_id=snapshot_id)
        except errors.VolsnapAPIError as exc:
            # ProtectionFailed: the plugin deleted the failed snapshot.
            cleaned = getattr(exc, 'cleaned_up', False)
            LOG.warning("schedule %s slot %s: snapshot %s failed%s", sid,
                        slot, snapshot_id,
                        ' and was deleted' if cleaned else '')
            return self._finish(client, volume, schedule, due, FAILED,
                                str(exc), snapshot_id=snapshot_id)
        verifying = self._verify(client, schedule, snapshot, slot)
        outcome = self._finish(client, volume, schedule, due, OK, '',
                               snapshot_id=snapshot_id,
                               verification_started=verifying)
        self._apply_retention(client, schedule, self.clock())
        return outcome

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
            return self.verifier.start(client, snapshot)
        except errors.VolsnapAPIError as exc:
            LOG.error("schedule %s slot %s: verification of snapshot %s "
                      "not started: %s", schedule.id, slot, snapshot.id,
                      exc)
            return False

    # Quota: prune first if that makes room, else say why not

    def _make_room(self, client, volume, schedule, snapshots, now):
        """None when the snapshot fits (pruning first if needed), else the
        reason it does not."""
        room = retention.room_after_pruning(
            snapshots, schedule.retention, now,
            cinder_calls.absolute_limits(client),
            needed_snapshots=1, needed_gb=int(volume.size or 0))
        if not room.fits:
            return room.reason
        for snapshot in room.to_delete:
            self._delete(client, schedule, snapshot, 'pruned for room')
        # Cinder gives the quota back only once a deletion has finished.
        for snapshot in room.to_delete:
            self.plugin.wait_for_deletion(client, snapshot.id,
                                          interval=self.wait_interval,
                                          timeout=self.wait_timeout)
        return None

    # Retention

    def _apply_retention(self, client, schedule, now):
        snapshots = store.snapshots_of(client, schedule)
        doomed = retention.to_delete(snapshots, schedule.retention, now)
        kept = len(snapshots) - len(doomed)
        LOG.info("schedule %s: retained %d snapshot(s), deleting %d",
                 schedule.id, kept, len(doomed))
        for snapshot in doomed:
            try:
                self._delete(client, schedule, snapshot, 'retention')
            except errors.VolsnapAPIError as exc:
                LOG.warning("schedule %s: could not delete snapshot %s: %s",
                            schedule.id, snapshot.id, exc)

    def _delete(self, client, schedule, snapshot, why):
        gone = self.plugin.delete(client, snapshot.id)
        LOG.info("schedule %s: deleted snapshot %s (%s)%s", schedule.id,
                 snapshot.id, why, '' if gone else ', already gone')

    # State

    def _fresh(self, due):
        """The volume and the schedule as they are now (not as listed)."""
        try:
            volume = cinder_calls.volume(self.service_client,
                                         due.volume.id)
        except errors.NotFound:
            return due.volume, None
        for schedule in store.schedules_of(volume, self.min_interval):
            if schedule.id == due.schedule.id and \
                    isinstance(schedule, model.Schedule):
                return volume, schedule
        return volume, None

    def _finish(self, client, volume, schedule, due, outcome, reason,
                snapshot_id=None, verification_started=False):
        state = self._state(schedule.state, due, outcome, reason,
                            snapshot_id, verification_started)
        if outcome == OK:
            LOG.info("schedule %s slot %s: ok", schedule.id,
                     slot_text(due.slot))
        else:
            LOG.warning("schedule %s slot %s: %s: %s", schedule.id,
                        slot_text(due.slot), outcome, reason)
        self._save_state(client, volume, schedule.id, state)
        self._clear_run_request(client, volume, due)
        return outcome

    def _state(self, previous, due, outcome, reason, snapshot_id=None,
               verification_started=False):
        previous = previous or model.ScheduleState()
        state = previous.after_run(
            due.slot if due else None, self.clock(), outcome,
            reason=reason, snapshot_id=snapshot_id,
            missed=due.missed if due else 0,
            verification_started=verification_started)
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
