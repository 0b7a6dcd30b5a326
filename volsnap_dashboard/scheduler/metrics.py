"""The scheduler's Prometheus metrics, and the HTTP server that serves
them (``/metrics``) with the health check (``/healthcheck``, health.py).

Off unless ``metrics_port`` is set; then served on ``metrics_address``
(127.0.0.1 by default: the figures name no tenant, but say how many
schedules a cloud has). Each Metrics has a registry of its own, not
prometheus_client's global one.

- ``volsnap_scheduler_runs_total{outcome}``: runs, by their recorded
  outcome (run.py's: ok, failed, skipped, invalid, authorization_lost,
  done, locked, gone).
- ``volsnap_scheduler_sweep_duration_seconds``: completed sweeps.
- ``volsnap_scheduler_sweeps_total{result}``: completed or failed.
- ``volsnap_scheduler_last_sweep_timestamp_seconds``: the last completed.
- ``volsnap_scheduler_lag_seconds``: after the last completed sweep, how
  long ago the oldest slot due and not yet run was (0: none).
- ``volsnap_scheduler_schedules{state}``: the schedules the last sweep
  listed, by their state (protection.schedule.states: the Schedules
  tab's); with ``partitioned``, each process counts its own share.
- ``volsnap_scheduler_errors_total{service,kind}``: Cinder's and
  Keystone's errors (wire.py).
"""

import contextlib
import http
import socket
import socketserver
import threading
import time
from wsgiref import simple_server

import prometheus_client

from volsnap_dashboard.protection.schedule import states
from volsnap_dashboard.scheduler import health
from volsnap_dashboard.scheduler import run as run_module

HEALTH_PATH = '/healthcheck'

OUTCOMES = (run_module.OK, run_module.FAILED, run_module.SKIPPED,
            run_module.INVALID, run_module.AUTHORIZATION_LOST,
            run_module.DONE_ELSEWHERE, run_module.LOCKED, run_module.GONE)
# From a quiet minute to a night's rush run one after the other.
SWEEP_BUCKETS = (0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600,
                 7200, float('inf'))


class MetricsUnavailable(Exception):
    """The metrics cannot be served where the settings say."""


class NoMetrics:
    """What the service and the sweeper call, when metrics are off."""

    enabled = False

    def run_finished(self, outcome):
        pass

    def sweep_finished(self, seconds, lag, schedules):
        pass

    def sweep_failed(self):
        pass

    def error(self, service, kind):
        pass


NO_METRICS = NoMetrics()


class Metrics(NoMetrics):
    enabled = True

    def __init__(self, heartbeat, registry=None):
        self.heartbeat = heartbeat
        self.registry = registry or prometheus_client.CollectorRegistry()
        self.runs = prometheus_client.Counter(
            'volsnap_scheduler_runs', 'Runs of schedules, by outcome.',
            ['outcome'], registry=self.registry)
        self.sweep_duration = prometheus_client.Histogram(
            'volsnap_scheduler_sweep_duration_seconds',
            'Time a completed sweep took.', buckets=SWEEP_BUCKETS,
            registry=self.registry)
        self.sweeps = prometheus_client.Counter(
            'volsnap_scheduler_sweeps', 'Sweeps, completed or failed.',
            ['result'], registry=self.registry)
        self.last_sweep = prometheus_client.Gauge(
            'volsnap_scheduler_last_sweep_timestamp_seconds',
            'When the last sweep completed (Unix time).',
            registry=self.registry)
        self.lag = prometheus_client.Gauge(
            'volsnap_scheduler_lag_seconds',
            'How long ago the oldest slot due and not yet run was, after '
            'the last completed sweep (0: none).', registry=self.registry)
        self.schedules = prometheus_client.Gauge(
            'volsnap_scheduler_schedules',
            'Schedules the last sweep listed, by state.', ['state'],
            registry=self.registry)
        self.errors = prometheus_client.Counter(
            'volsnap_scheduler_errors',
            'Error answers of Cinder and Keystone, and requests that '
            'reached neither.', ['service', 'kind'],
            registry=self.registry)
        # Shown at 0 before they happen, so rates and alerts see them.
        for outcome in OUTCOMES:
            self.runs.labels(outcome)
        for result in ('completed', 'failed'):
            self.sweeps.labels(result)
        for state in states.PRECEDENCE:
            self.schedules.labels(state)

    def run_finished(self, outcome):
        self.runs.labels(outcome).inc()

    def sweep_finished(self, seconds, lag, schedules):
        """A sweep completed in ``seconds``; ``lag`` and ``schedules``
        ({state: count}) as figures.py has them from its report."""
        self.sweep_duration.observe(seconds)
        self.sweeps.labels('completed').inc()
        self.lag.set(lag)
        for state, count in schedules.items():
            self.schedules.labels(state).set(count)
        self.last_sweep.set(time.time())
        self.heartbeat.beat()

    def sweep_failed(self):
        self.sweeps.labels('failed').inc()

    def error(self, service, kind):
        self.errors.labels(service, kind).inc()


def for_config(config, plugins):
    """Metrics for ``config`` and the runs of ``plugins`` (a PluginSet):
    NO_METRICS when its port is 0 (off)."""
    if not config.metrics_port:
        return NO_METRICS
    return Metrics(health.Heartbeat(config.health_after(plugins)))


def application(metrics):
    """The WSGI application: the health check, and the metrics."""
    exposition = prometheus_client.make_wsgi_app(metrics.registry)

    def app(environ, start_response):
        if environ.get('PATH_INFO') != HEALTH_PATH:
            return exposition(environ, start_response)
        problem = metrics.heartbeat.problem()
        status = http.HTTPStatus.SERVICE_UNAVAILABLE if problem else (
            http.HTTPStatus.OK)
        body = (problem or 'OK').encode('utf-8')
        start_response('%d %s' % (status.value, status.phrase),
                       [('Content-Type', 'text/plain; charset=utf-8'),
                        ('Content-Length', str(len(body)))])
        return [body]
    return app


class _Server(socketserver.ThreadingMixIn, simple_server.WSGIServer):
    daemon_threads = True


class _QuietHandler(simple_server.WSGIRequestHandler):
    # A scrape every few seconds is no news for the log.
    def log_message(self, *args):
        pass


def start(address, port, metrics):
    """Serve ``metrics`` on ``address``:``port`` in a daemon thread; the
    server (``server_port``: the port, if 0 was asked; ``shutdown()``)."""
    server_class = _Server
    if ':' in address:
        server_class = type('_Server6', (_Server,),
                            {'address_family': socket.AF_INET6})
    try:
        server = simple_server.make_server(address, port,
                                           application(metrics),
                                           server_class=server_class,
                                           handler_class=_QuietHandler)
    except OSError as exc:
        # Taken, or not an address of this host: the operator's to fix.
        raise MetricsUnavailable('cannot serve metrics on %s port %d: %s'
                                 % (address, port, exc.strerror or exc)
                                 ) from None
    threading.Thread(target=server.serve_forever, name='metrics',
                     daemon=True).start()
    return server


@contextlib.contextmanager
def serving(config, metrics):
    """``with serving(config, metrics):`` the metrics served meanwhile
    (nothing when they are off); the server, or None."""
    if not metrics.enabled:
        yield None
        return
    server = start(config.metrics_address, config.metrics_port, metrics)
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
