"""One sweep: list the scheduled volumes once, decide what is due, and
start its runs in the pool (pool.py: in parallel, fair between projects,
slowed down by Cinder's pushback).

The listing is the only Cinder call of a sweep with nothing due, but for
the listing of verification requests (and two more while verifications
may be in flight: see verify.py), and no
Keystone call is made beyond the service user's own token: trust-scoped
tokens are only asked for by runs. Volume metadata is the tenant's to
write, so each schedule is decoded defensively and re-checked against the
operator's minimum interval; an invalid one is reported and does nothing.
Whatever goes wrong with one volume or schedule (decoding, deciding,
running) makes that schedule invalid and the sweep goes on; an invalid
schedule is logged and recorded once per reason, and keys that are no
schedule (junk ids, no definition, past a volume's limit) are only logged,
one line per volume, so a tenant's junk costs no writes.

A service sweeps every minute and mostly finds the metadata as it was, so
what a volume's metadata decodes to is remembered from one sweep to the
next, with the first run after each schedule's last: a volume whose
metadata and project are unchanged costs a comparison, and a schedule
whose next run is still ahead costs none of the cron library.
"""

import collections
import dataclasses
import datetime
import functools
import logging
import threading

from django.utils.translation import gettext_lazy as _

from volsnap_dashboard.api import cinder_facts
from volsnap_dashboard.api import errors
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import model
from volsnap_dashboard.protection.schedule import states
from volsnap_dashboard.protection.schedule import store
from volsnap_dashboard.protection.schedule import timing
from volsnap_dashboard.protection import times
from volsnap_dashboard.scheduler import admin_calls
from volsnap_dashboard.scheduler import logcontext
from volsnap_dashboard.scheduler import metrics as metrics_module
from volsnap_dashboard.scheduler import pool
from volsnap_dashboard.scheduler import run as run_module

LOG = logging.getLogger(__name__)

DUE = 'due'
NOT_DUE = 'not due'
PAUSED = 'paused'
INVALID = 'invalid'
NOT_MINE = 'not mine'

# A run Cinder keeps pushing back is recorded as skipped this long after
# it was first due.
DEFAULT_START_WINDOW = datetime.timedelta(hours=1)


@dataclasses.dataclass
class Decision:
    kind: str
    volume: object
    schedule: object
    due: run_module.Due | None = None
    reason: str = ''
    #: The unexpected exception that made the schedule invalid, if any.
    error: BaseException | None = None


def _unexpected(what, error):
    """The reason an unexpected exception gives: its type only, so the
    reason, recorded once per change, is the same at every sweep.
    ``what`` names the error as ``%(error)s``."""
    return str(what) % {'error': type(error).__name__}


@dataclasses.dataclass
class Report:
    """What one sweep saw and did."""
    volumes: int = 0
    decisions: list = dataclasses.field(default_factory=list)
    outcomes: dict = dataclasses.field(default_factory=dict)
    stopped: bool = False
    verifications: object = None

    def count(self, kind):
        return sum(1 for decision in self.decisions if decision.kind == kind)

    def trusts(self):
        """The trusts named by what this sweep listed: its schedules and
        its verifications (the only ones the next sweep may use)."""
        named = {decision.schedule.trust_id for decision in self.decisions
                 if isinstance(decision.schedule, model.Schedule)}
        if self.verifications is not None:
            named |= self.verifications.trusts
        return named - {None, ''}


def first_run_after_last(schedule):
    """The POSIX time of a schedule's first run after its last slot (or
    after its creation): nothing is due before it. None if unknown."""
    anchor = times.parse_iso(schedule.state.last_slot or schedule.created)
    return _first_run_after(schedule.when.cron, schedule.when.tz, anchor)


@functools.lru_cache(maxsize=4096)
def _first_run_after(cron, tz, anchor):
    # Schedules of the same time of day share their last slot: one cron
    # walk serves them all.
    runs = timing.next_runs(cron, tz, anchor, 1)
    return runs[0].timestamp() if runs else None


def decide(volume, schedule, now, owns=lambda sid: True, next_run=None):
    """The decision for one decoded schedule (or Invalid) at ``now``;
    decoding already checked it, the operator's minimum interval too.
    ``next_run``: first_run_after_last(schedule), when known."""
    if not isinstance(schedule, model.Schedule):
        return Decision(INVALID, volume, schedule, reason=schedule.reason)
    if not owns(schedule.id):
        return Decision(NOT_MINE, volume, schedule)
    if schedule.paused:
        return Decision(PAUSED, volume, schedule)
    # A request the scheduler could not clear (it records a lost trust
    # with its service user, which leaves run requests alone) is not due
    # again at every sweep.
    requested = times.parse_iso(states.pending_request(schedule))
    if next_run is not None and next_run > now.timestamp() and (
            requested is None or requested > now):
        return Decision(NOT_DUE, volume, schedule)
    last = times.parse_iso(schedule.state.last_slot)
    slot, missed = timing.due_slot(schedule.when.cron, schedule.when.tz,
                                   last, times.parse_iso(schedule.created),
                                   now)
    if slot is None and requested is not None and requested <= now:
        return Decision(DUE, volume, schedule, run_module.Due(
            volume, schedule, requested.replace(microsecond=0), 0,
            run_now=True), reason='run now')
    if slot is None:
        return Decision(NOT_DUE, volume, schedule)
    return Decision(DUE, volume, schedule, run_module.Due(
        volume, schedule, slot, missed, run_now=requested is not None))


SHARED_TRUST = _("its authorization (trust) is also named by another "
                 "schedule of the project (each schedule has its own): its "
                 "owner, or a member who takes it over, must save it again")
RUNS_UNKNOWN = _("its runs cannot be computed (%(error)s)")
RUN_FAILED = _("the run failed unexpectedly (%(error)s)")
METADATA_UNREADABLE = _("the metadata could not be read (%(error)s)")


def without_shared_trusts(decisions):
    """``decisions`` with those of schedules naming a trust that another
    schedule of the same project names made invalid. The panel gives
    every schedule a trust of its own; a trust id is any member's
    writing, and one copied into another schedule would have the
    scheduler act for its trustor on a schedule that user never made.
    Another project's copy counts for that project only."""
    def key(decision):
        return (cinder_facts.volume_project(decision.volume),
                decision.schedule.trust_id)
    named = collections.Counter(
        key(decision) for decision in decisions
        if isinstance(decision.schedule, model.Schedule))
    return [Decision(INVALID, decision.volume, decision.schedule,
                     reason=str(SHARED_TRUST))
            if isinstance(decision.schedule, model.Schedule)
            and decision.kind != NOT_MINE and named[key(decision)] > 1
            else decision for decision in decisions]


def _with_next_run(schedule):
    """``(schedule, first_run_after_last)``; an Invalid if the runs cannot
    be computed."""
    if not isinstance(schedule, model.Schedule):
        return schedule, None
    try:
        return schedule, first_run_after_last(schedule)
    except Exception as error:  # noqa: BLE001 - tenant-written times
        LOG.warning("schedule %s on volume %s: its runs cannot be computed",
                    schedule.id, schedule.volume_id, exc_info=True)
        return model.Invalid(
            id=schedule.id, volume_id=schedule.volume_id,
            reason=_unexpected(RUNS_UNKNOWN, error),
            state=schedule.state), None


class DecodedVolumes:
    """Each volume's schedules as decoded at the last sweep, each with
    its first_run_after_last (None for Invalid), reused while the
    volume's metadata and project are unchanged. Volumes no longer listed
    are forgotten at each sweep."""

    def __init__(self, min_interval):
        self.min_interval = min_interval
        self._last = {}
        self._current = {}

    def schedules_of(self, volume):
        """[(Schedule or Invalid, next run or None)] of ``volume``."""
        metadata = getattr(volume, 'metadata', None) or {}
        project = cinder_facts.volume_project(volume)
        known = self._last.get(volume.id)
        if known is not None and known[0] == project and \
                known[1] == metadata:
            entries = known[2]
        else:
            entries = self._decoded(volume)
        self._current[volume.id] = (project, dict(metadata), entries)
        return entries

    def _decoded(self, volume):
        try:
            schedules = store.schedules_of(volume, self.min_interval)
        except Exception as error:  # noqa: BLE001 - one volume, not all
            LOG.exception("volume %s: its metadata could not be read",
                          volume.id)
            return [(model.Invalid(
                id='', volume_id=volume.id, reason=_unexpected(
                    METADATA_UNREADABLE, error),
                record_state=False), None)]
        return [_with_next_run(schedule) for schedule in schedules]

    def sweep_done(self):
        """Keep what this sweep listed, forget the rest."""
        self._last, self._current = self._current, {}


class Sweeper:
    def __init__(self, service_client, runner, min_interval,
                 owns=lambda sid: True, dry_run=False,
                 stop_requested=lambda: False, verifier=None,
                 metrics=metrics_module.NO_METRICS, runs=None,
                 start_window=DEFAULT_START_WINDOW):
        self.service_client = service_client
        self.metrics = metrics
        self.runs = runs if runs is not None else pool.RunPool(
            1, stop_requested=stop_requested)
        self.start_window = start_window
        # The worker threads' outcomes and marks.
        self._lock = threading.RLock()
        self.verifier = verifier
        self.runner = runner
        self.min_interval = min_interval
        self.owns = owns
        self.dry_run = dry_run
        self.stop_requested = stop_requested
        self.decoded = DecodedVolumes(min_interval)
        # {(volume id, schedule id): reason} of the invalid schedules
        # logged (and recorded) already, as of the last sweep.
        self._invalid_known = {}
        # {volume id: [schedule ids]} of this sweep's new junk.
        self._junk = {}
        # {(volume id, schedule id): slot} of runs that failed
        # unexpectedly, as of the last sweep.
        self._failed_slots = {}

    def evaluate(self, now):
        """Every decision at ``now`` (one Cinder listing)."""
        report = Report()
        volumes = admin_calls.scheduled_volumes(self.service_client)
        report.volumes = len(volumes)
        for volume in volumes:
            for schedule, next_run in self.decoded.schedules_of(volume):
                report.decisions.append(self._decide(volume, schedule, now,
                                                     next_run))
        self.decoded.sweep_done()
        report.decisions = without_shared_trusts(report.decisions)
        return report

    def _decide(self, volume, schedule, now, next_run):
        try:
            return decide(volume, schedule, now, self.owns, next_run)
        except Exception as error:  # noqa: BLE001 - one schedule, not all
            return Decision(INVALID, volume, schedule, error=error,
                            reason=_unexpected(RUNS_UNKNOWN, error))

    def sweep(self, now, wait=True):
        """Decide at ``now`` and start every due run; ``wait``: until
        every run ended (else they go on while the next sweep lists)."""
        report = self.evaluate(now)
        for decision in report.decisions:
            if self.stop_requested():
                LOG.info("stopping: the remaining decisions wait for the "
                         "next start")
                report.stopped = True
                break
            try:
                with logcontext.of_decision(decision):
                    self._act(decision, report)
            except Exception:  # noqa: BLE001 - one schedule, not all
                LOG.exception("schedule %s on volume %s: not handled",
                              decision.schedule.id, decision.volume.id)
        if wait:
            self.runs.drain()
            report.stopped = report.stopped or self.stop_requested()
        self._log_junk()
        self._forget_invalid(report)
        if self.verifier is not None and not report.stopped:
            try:
                report.verifications = self.verifier.sweep()
            except errors.VolsnapAPIError as exc:
                LOG.error("verifications not handled: %s", exc)
            except Exception:  # noqa: BLE001 - the schedules' runs are done
                LOG.exception("verifications not handled")
        LOG.info("sweep at %s: %d volume(s), %d schedule(s), %d due, "
                 "%d invalid", times.format_utc(now), report.volumes,
                 len(report.decisions), report.count(DUE),
                 report.count(INVALID))
        return report

    def _act(self, decision, report):
        sid = decision.schedule.id
        if decision.kind == INVALID:
            self._finished(report, sid, self._invalid(decision))
            return
        if decision.kind != DUE:
            LOG.debug("schedule %s on volume %s: %s", sid,
                      decision.volume.id, decision.kind)
            return
        due = decision.due
        LOG.info("schedule %s on volume %s: due at %s%s%s%s", sid,
                 decision.volume.id, times.format_utc(due.slot),
                 ' (run now)' if due.run_now else '',
                 ' (%d missed)' % due.missed if due.missed else '',
                 ' (dry run: not run)' if self.dry_run else '')
        if self.dry_run:
            return
        if self._failed_slots.get((decision.volume.id, sid)) == due.slot:
            # Failed unexpectedly at this slot already: tried again at the
            # next, not at every sweep.
            LOG.debug("schedule %s on volume %s: not run again at %s", sid,
                      decision.volume.id, times.format_utc(due.slot))
            return
        self._submit(decision, report)

    # Due runs: in the pool, in parallel

    def _submit(self, decision, report):
        due = decision.due
        key = (decision.volume.id, decision.schedule.id)
        # The window starts when the run is first queued: a slot missed
        # while no scheduler ran still gets its full window.
        deadline = max(due.slot, self.runner.clock()) + self.start_window
        submitted = self.runs.submit(pool.Task(
            key=key, project=cinder_facts.volume_project(decision.volume),
            run=lambda: self._run(decision, report),
            late=lambda: self.runner.clock() >= deadline,
            give_up=lambda error: self._give_up(decision, report, error)))
        if not submitted:
            LOG.info("schedule %s on volume %s: its run is still queued or "
                     "in flight", key[1], key[0])

    def _run(self, decision, report):
        """One run, in a worker; Cinder's pushback goes to the pool."""
        due, sid = decision.due, decision.schedule.id
        try:
            with logcontext.of_run(due):
                outcome = self.runner.run(due)
        except errors.BACK_PRESSURE:
            raise
        except errors.VolsnapAPIError as exc:
            LOG.error("schedule %s: run failed before it could be "
                      "recorded: %s", sid, exc)
            outcome = run_module.FAILED
        except Exception as error:  # noqa: BLE001 - one run, not all
            with self._lock:
                self._failed_slots[(decision.volume.id, sid)] = due.slot
            outcome = self._invalid(dataclasses.replace(
                decision, kind=INVALID, error=error,
                reason=_unexpected(RUN_FAILED, error)))
        self._finished(report, sid, outcome)

    def _finished(self, report, sid, outcome):
        with self._lock:
            report.outcomes[sid] = outcome
        self.metrics.run_finished(outcome)

    def _give_up(self, decision, report, error):
        """Record a run Cinder kept pushing back until its window ended."""
        reason = str(_(
            "not started: the Block Storage service asked to slow down "
            "(%(error)s) until %(minutes)d minutes after the run was due; "
            "the next run is due as usual") % {
                'error': type(error).__name__,
                'minutes': self.start_window.total_seconds() // 60})
        with logcontext.of_run(decision.due):
            outcome = self.runner.skip(decision.due, reason)
        self._finished(report, decision.schedule.id, outcome)

    # Invalid schedules: once per reason

    def _invalid(self, decision):
        """Log and record an invalid schedule, unless this process did
        already for that reason; only log keys that are no schedule."""
        sid, volume = decision.schedule.id, decision.volume
        key = (volume.id, sid)
        if self._invalid_known.get(key) == decision.reason:
            LOG.debug("schedule %s on volume %s: invalid, as before", sid,
                      volume.id)
            return run_module.INVALID
        if not getattr(decision.schedule, 'record_state', True):
            self._junk.setdefault(volume.id, []).append(sid)
        elif self.dry_run:
            LOG.warning("schedule %s on volume %s: invalid: %s (dry run)",
                        sid, volume.id, decision.reason,
                        exc_info=decision.error)
        else:
            if decision.error is not None:
                LOG.warning("schedule %s on volume %s: %s", sid, volume.id,
                            decision.reason, exc_info=decision.error)
            self.runner.report_invalid(
                volume, sid, decision.reason,
                getattr(decision.schedule, 'state', None))
        with self._lock:
            self._invalid_known[key] = decision.reason
        return run_module.INVALID

    def _log_junk(self):
        for volume_id, ids in sorted(self._junk.items()):
            LOG.warning("volume %s: %d metadata entr%s under %s that are "
                        "no schedule ignored (%s%s)", volume_id, len(ids),
                        'y' if len(ids) == 1 else 'ies', codec.PREFIX,
                        ', '.join(codec.cut(repr(sid), 40)
                                  for sid in ids[:5]),
                        ', ...' if len(ids) > 5 else '')
        self._junk = {}

    def _forget_invalid(self, report):
        """Keep what is known of the schedules still invalid."""
        with self._lock:
            self._forget_invalid_locked(report)

    def _forget_invalid_locked(self, report):
        listed = {(decision.volume.id, decision.schedule.id)
                  for decision in report.decisions
                  if decision.kind == INVALID or report.outcomes.get(
                      decision.schedule.id) == run_module.INVALID}
        self._invalid_known = {key: reason for key, reason
                               in self._invalid_known.items()
                               if key in listed}
        due = {(decision.volume.id, decision.schedule.id)
               for decision in report.decisions if decision.kind == DUE}
        self._failed_slots = {key: slot for key, slot
                              in self._failed_slots.items() if key in due}
