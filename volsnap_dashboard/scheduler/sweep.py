"""One sweep: list the scheduled volumes once, decide what is due, run it.

The listing is the only Cinder call of a sweep with nothing due, but for
the listing of verification requests (and two more while verifications
may be in flight: see verify.py), and no
Keystone call is made beyond the service user's own token: trust-scoped
tokens are only asked for by runs. Volume metadata is the tenant's to
write, so each schedule is decoded defensively and re-checked against the
operator's minimum interval; an invalid one is reported and does nothing.

A service sweeps every minute and mostly finds the metadata as it was, so
what a volume's metadata decodes to is remembered from one sweep to the
next, with the first run after each schedule's last: a volume whose
metadata and project are unchanged costs a comparison, and a schedule
whose next run is still ahead costs none of the cron library.
"""

import dataclasses
import functools
import logging

from volsnap_dashboard.api import errors
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import model
from volsnap_dashboard.protection.schedule import store
from volsnap_dashboard.protection.schedule import timing
from volsnap_dashboard.scheduler import admin_calls
from volsnap_dashboard.scheduler import run as run_module

LOG = logging.getLogger(__name__)

DUE = 'due'
NOT_DUE = 'not due'
PAUSED = 'paused'
INVALID = 'invalid'
NOT_MINE = 'not mine'


@dataclasses.dataclass
class Decision:
    kind: str
    volume: object
    schedule: object
    due: run_module.Due | None = None
    reason: str = ''


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


def first_run_after_last(schedule):
    """The POSIX time of a schedule's first run after its last slot (or
    after its creation): nothing is due before it. None if unknown."""
    anchor = run_module.as_utc(schedule.state.last_slot or schedule.created)
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
    requested = run_module.as_utc(schedule.run_requested)
    if next_run is not None and next_run > now.timestamp() and (
            requested is None or requested > now):
        return Decision(NOT_DUE, volume, schedule)
    last = run_module.as_utc(schedule.state.last_slot)
    slot, missed = timing.due_slot(schedule.when.cron, schedule.when.tz,
                                   last, run_module.as_utc(schedule.created),
                                   now)
    if slot is None and requested is not None and requested <= now:
        return Decision(DUE, volume, schedule, run_module.Due(
            volume, schedule, requested.replace(microsecond=0), 0,
            run_now=True), reason='run now')
    if slot is None:
        return Decision(NOT_DUE, volume, schedule)
    return Decision(DUE, volume, schedule, run_module.Due(
        volume, schedule, slot, missed, run_now=requested is not None))


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
        project = codec.volume_project(volume)
        known = self._last.get(volume.id)
        if known is not None and known[0] == project and \
                known[1] == metadata:
            entries = known[2]
        else:
            entries = [(schedule, first_run_after_last(schedule)
                        if isinstance(schedule, model.Schedule) else None)
                       for schedule in store.schedules_of(
                           volume, self.min_interval)]
        self._current[volume.id] = (project, dict(metadata), entries)
        return entries

    def sweep_done(self):
        """Keep what this sweep listed, forget the rest."""
        self._last, self._current = self._current, {}


class Sweeper:
    def __init__(self, service_client, runner, min_interval,
                 owns=lambda sid: True, dry_run=False,
                 stop_requested=lambda: False, verifier=None):
        self.service_client = service_client
        self.verifier = verifier
        self.runner = runner
        self.min_interval = min_interval
        self.owns = owns
        self.dry_run = dry_run
        self.stop_requested = stop_requested
        self.decoded = DecodedVolumes(min_interval)

    def evaluate(self, now):
        """Every decision at ``now`` (one Cinder listing)."""
        report = Report()
        volumes = admin_calls.scheduled_volumes(self.service_client)
        report.volumes = len(volumes)
        for volume in volumes:
            for schedule, next_run in self.decoded.schedules_of(volume):
                report.decisions.append(decide(volume, schedule, now,
                                               self.owns, next_run))
        self.decoded.sweep_done()
        return report

    def sweep(self, now):
        report = self.evaluate(now)
        for decision in report.decisions:
            if self.stop_requested():
                LOG.info("stopping: the remaining decisions wait for the "
                         "next start")
                report.stopped = True
                break
            self._act(decision, report)
        if self.verifier is not None and not report.stopped:
            trusts = {decision.schedule.trust_id
                      for decision in report.decisions
                      if isinstance(decision.schedule, model.Schedule)}
            try:
                report.verifications = self.verifier.sweep(trusts)
            except errors.VolsnapAPIError as exc:
                LOG.error("verifications not handled: %s", exc)
        LOG.info("sweep at %s: %d volume(s), %d schedule(s), %d due, "
                 "%d invalid", run_module.slot_text(now), report.volumes,
                 len(report.decisions), report.count(DUE),
                 report.count(INVALID))
        return report

    def _act(self, decision, report):
        sid = decision.schedule.id
        if decision.kind == INVALID:
            if self.dry_run:
                LOG.info("schedule %s on volume %s: invalid: %s (dry run)",
                         sid, decision.volume.id, decision.reason)
                return
            outcome = self.runner.report_invalid(
                decision.volume, sid, decision.reason,
                getattr(decision.schedule, 'state', None))
        elif decision.kind == DUE:
            due = decision.due
            LOG.info("schedule %s on volume %s: due at %s%s%s%s", sid,
                     decision.volume.id, run_module.slot_text(due.slot),
                     ' (run now)' if due.run_now else '',
                     ' (%d missed)' % due.missed if due.missed else '',
                     ' (dry run: not run)' if self.dry_run else '')
            if self.dry_run:
                return
            try:
                outcome = self.runner.run(due)
            except errors.VolsnapAPIError as exc:
                LOG.error("schedule %s: run failed before it could be "
                          "recorded: %s", sid, exc)
                outcome = run_module.FAILED
        else:
            LOG.debug("schedule %s on volume %s: %s", sid,
                      decision.volume.id, decision.kind)
            return
        report.outcomes[sid] = outcome
