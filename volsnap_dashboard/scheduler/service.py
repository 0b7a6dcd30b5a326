"""The scheduler's loop: a sweep every interval until SIGTERM or SIGINT.

A sweep starts its due runs in the pool (pool.py) and the next sweep
lists while they go on; a run still queued or in flight is not queued
twice. A signal only sets a flag: the runs in flight finish and record
their outcome, no more start, and the process leaves the coordination
group and exits. Nothing is left half done and unrecorded.
A sweep that fails is logged and followed by the next one: no error ends
the service. One that Cinder refused with a 406 (the microversion
negotiated is no longer offered: a rolled-back Cinder) has the clients
negotiate again first, so the next sweep works without a restart.
"""

import datetime
import logging
import signal
import threading
import time

import requests

from volsnap_dashboard.api import errors
from volsnap_dashboard.protection import registry
from volsnap_dashboard.protection import times
from volsnap_dashboard.scheduler import coordination
from volsnap_dashboard.scheduler import figures
from volsnap_dashboard.scheduler import metrics as metrics_module
from volsnap_dashboard.scheduler import pool
from volsnap_dashboard.scheduler import run as run_module
from volsnap_dashboard.scheduler import sweep
from volsnap_dashboard.scheduler import verify
from volsnap_dashboard.scheduler import wire

LOG = logging.getLogger(__name__)


class Stopper:
    """Set by SIGTERM/SIGINT; waited on between sweeps."""

    def __init__(self):
        self.event = threading.Event()

    def __call__(self):
        return self.event.is_set()

    def request(self, signum=None, frame=None):
        if signum is not None and not self.event.is_set():
            LOG.info("signal %s: finishing the current run, then "
                     "stopping", signal.Signals(signum).name)
        self.event.set()

    def install(self):
        signal.signal(signal.SIGTERM, self.request)
        signal.signal(signal.SIGINT, self.request)
        return self

    def wait(self, seconds):
        """Sleep ``seconds``, or less if a stop is requested."""
        return self.event.wait(seconds)


def rehearsal_clock(instant, monotonic=time.monotonic):
    """A clock that reads ``instant`` now and runs on from it: with
    ``--once --now T`` every decision of the runs (the slot, the retention
    by age measured from Cinder's ``created_at``, pruning for room, the
    time recorded as the last run) is made as at T."""
    started = monotonic()
    return lambda: instant + datetime.timedelta(
        seconds=monotonic() - started)


def build_sweeper(config, clients, coordinator, plugin, stopper,
                  dry_run=False, clock=times.now,
                  metrics=metrics_module.NO_METRICS):
    verifier = verify.Verifier(
        clients.admin(), clients.tenant_client, plugin,
        clock=times.now,
        timeout=config.verify_timeout or registry.PluginSet.of(
            plugin).restore_timeout,
        coordinator=coordinator,
        owns=coordinator.owns, dry_run=dry_run, stop_requested=stopper)
    # Through the verifier: a verification a run starts knows its trust.
    runner = run_module.Runner(
        coordinator, clients.admin(), verifier.tenant_client,
        plugin, clock, min_interval=config.min_interval,
        wait_timeout=config.wait_timeout,
        wait_interval=config.wait_interval, verifier=verifier)
    runs = pool.RunPool(config.max_in_flight, stop_requested=stopper)
    http = getattr(clients, 'http', None)
    if isinstance(http, requests.Session):
        wire.time_answers(http, config.keystone_url, runs.heard)
    return sweep.Sweeper(clients.admin(), runner,
                         config.min_interval, owns=coordinator.owns,
                         dry_run=dry_run, stop_requested=stopper,
                         verifier=verifier, metrics=metrics, runs=runs,
                         start_window=config.start_window)


def _renegotiate(clients):
    LOG.warning("negotiating the Block Storage microversion again")
    try:
        clients.renegotiate()
    except errors.VolsnapAPIError as exc:
        # Tried again when the next sweep is refused.
        LOG.error("negotiating the microversion again failed: %s", exc)
    except Exception:  # noqa: BLE001 - the service outlives a bug
        LOG.exception("negotiating the microversion again failed "
                      "unexpectedly")


def _sweep(sweeper, now, metrics, wait=True):
    """One sweep at ``now``, its figures given to ``metrics``;
    ``wait``: until its runs ended (Sweeper.sweep)."""
    started = time.monotonic()
    try:
        report = sweeper.sweep(now, wait=wait)
    except Exception:
        metrics.sweep_failed()
        raise
    if metrics.enabled:
        # The lag at the sweep's end, on the sweep's clock (--now too).
        spent = time.monotonic() - started
        ended = now + datetime.timedelta(seconds=spent)
        metrics.sweep_finished(spent, figures.lag_seconds(report, ended),
                               figures.schedules_by_state(report, now))
    return report


def serve(config, clients, plugin, stopper, once_at=None, dry_run=False,
          metrics=metrics_module.NO_METRICS):
    """Sweep once at ``once_at`` or every interval; return an exit code.
    ``metrics`` (metrics.Metrics) hears of every sweep."""
    coordinator = coordination.Coordinator(
        config.coordination_url, member_id=config.member_id or None,
        partitioned=config.partitioned)
    with coordinator:
        if once_at is not None:
            sweeper = build_sweeper(config, clients, coordinator, plugin,
                                    stopper, dry_run=dry_run,
                                    clock=rehearsal_clock(once_at),
                                    metrics=metrics)
            coordinator.refresh()
            _sweep(sweeper, once_at, metrics)
            return 0
        sweeper = build_sweeper(config, clients, coordinator, plugin,
                                stopper, dry_run=dry_run, metrics=metrics)
        try:
            _sweep_until_stopped(config, clients, sweeper, coordinator,
                                 stopper, metrics)
        finally:
            # The runs in flight finish and record; the queued ones are
            # due again at the next start.
            sweeper.runs.stop()
    LOG.info("stopped")
    return 0


def _sweep_until_stopped(config, clients, sweeper, coordinator, stopper,
                         metrics):
    while not stopper():
        coordinator.refresh()
        started = times.now()
        try:
            # The runs go on in the pool while the next sweep lists.
            report = _sweep(sweeper, started, metrics, wait=False)
            # The trusts' sessions stay bounded by what is listed.
            clients.trust_sessions.prune(report.trusts())
        except errors.VersionNotAcceptable as exc:
            # Cinder rolled back: the next sweep works at the version
            # it offers now, without a restart.
            LOG.warning("sweep failed: %s", exc)
            _renegotiate(clients)
        except (errors.VolsnapAPIError,
                coordination.CoordinationError) as exc:
            # Cinder or Keystone down: try again at the next sweep.
            LOG.error("sweep failed: %s", exc)
        except Exception:  # noqa: BLE001 - the service outlives a bug
            # A sweep isolates each volume and schedule; whatever
            # still escapes must not end the service, which would
            # meet it again at every restart.
            LOG.exception("sweep failed unexpectedly")
        spent = (times.now() - started).total_seconds()
        stopper.wait(max(0.0, config.sweep_interval - spent))
