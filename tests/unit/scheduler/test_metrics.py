"""The scheduler's Prometheus metrics (a registry per Metrics): runs by
outcome, sweeps and their duration, the lag, schedules by state; served
over HTTP with the health check."""

from unittest import mock
import urllib.error
import urllib.request

import pytest

from volsnap_dashboard.protection import registry
from volsnap_dashboard.scheduler import cli
from volsnap_dashboard.scheduler import config
from volsnap_dashboard.scheduler import figures
from volsnap_dashboard.scheduler import health
from volsnap_dashboard.scheduler import metrics as metrics_module
from volsnap_dashboard.scheduler import run
from volsnap_dashboard.scheduler import service
from volsnap_dashboard.scheduler import sweep

from tests.unit.scheduler import fakes
from tests.unit.scheduler import test_service_loop
from tests.unit.scheduler import test_sweep_and_run
from tests.unit.scheduler.fakes import at

NOW = '2026-03-29T01:30:00Z'
SIDS = ('a0000001', 'a0000002', 'a0000003', 'a0000004')


class Clock:
    """A monotonic clock the test moves."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def metrics(clock):
    return metrics_module.Metrics(health.Heartbeat(180, monotonic=clock))


def value(metrics, name, **labels):
    return metrics.registry.get_sample_value(name, labels)


def sweeper(cinder, metrics, dry_run=False):
    trusts = fakes.Trusts(cinder, **{'trust-' + sid: fakes.DEMO
                                     for sid in SIDS})
    made = test_sweep_and_run.sweeper(cinder, NOW, trusts=trusts,
                                      dry_run=dry_run)
    made.metrics = metrics
    return made


def four_schedules(cinder):
    """Due (runs ok), paused, not due, and more frequent than the
    minimum interval (invalid)."""
    for sid, kwargs in zip(SIDS, ({}, {'paused': True},
                                  {'cron': '0 12 * * *'},
                                  {'cron': '*/5 * * * *'}), strict=True):
        fakes.schedule_on(cinder, cinder.add_volume(), sid=sid,
                          trust='trust-' + sid,
                          created='2026-03-28T12:00:00Z', **kwargs)


def test_a_sweep_counts_runs_by_outcome_and_schedules_by_state(cinder,
                                                              metrics):
    four_schedules(cinder)
    made = sweeper(cinder, metrics)
    service._sweep(made, at(NOW), metrics)
    assert value(metrics, 'volsnap_scheduler_runs_total', outcome='ok') == 1
    assert value(metrics, 'volsnap_scheduler_runs_total',
                 outcome='invalid') == 1
    assert value(metrics, 'volsnap_scheduler_runs_total',
                 outcome='failed') == 0
    by_state = {state: value(metrics, 'volsnap_scheduler_schedules',
                             state=state)
                for state in ('active', 'overdue', 'paused', 'invalid',
                              'failing')}
    # As listed: the due one half an hour after its slot, before its run.
    assert by_state == {'active': 1, 'overdue': 1, 'paused': 1,
                        'invalid': 1, 'failing': 0}
    assert value(metrics, 'volsnap_scheduler_sweeps_total',
                 result='completed') == 1
    assert value(metrics, 'volsnap_scheduler_sweep_duration_seconds_count'
                 ) == 1
    assert value(metrics, 'volsnap_scheduler_lag_seconds') == 0
    assert value(metrics,
                 'volsnap_scheduler_last_sweep_timestamp_seconds') > 0


def test_the_lag_is_the_oldest_due_slot_not_run(cinder, metrics):
    fakes.schedule_on(cinder, cinder.add_volume(),
                      created='2026-03-28T12:00:00Z')
    # A dry run runs nothing: the 01:00 UTC slot waits, half an hour.
    service._sweep(sweeper(cinder, metrics, dry_run=True), at(NOW),
                   metrics)
    assert 1800 <= value(metrics, 'volsnap_scheduler_lag_seconds') < 1860
    # Run: no slot waits any more.
    service._sweep(sweeper(cinder, metrics), at(NOW), metrics)
    assert value(metrics, 'volsnap_scheduler_lag_seconds') == 0


def test_a_slot_locked_by_another_process_is_not_run_yet(cinder):
    volume = cinder.add_volume()
    fakes.schedule_on(cinder, volume, created='2026-03-28T12:00:00Z')
    made = test_sweep_and_run.sweeper(cinder, NOW)
    report = made.evaluate(at(NOW))
    [decision] = report.decisions
    report.outcomes[decision.schedule.id] = run.LOCKED
    assert figures.lag_seconds(report, at(NOW)) == 1800
    report.outcomes[decision.schedule.id] = run.FAILED
    assert figures.lag_seconds(report, at(NOW)) == 0


def test_a_failed_sweep_is_counted_and_not_a_heartbeat(metrics, clock):
    class Failing:
        def sweep(self, now, wait=True):
            raise RuntimeError('a bug')

    clock.now += 100
    with pytest.raises(RuntimeError):
        service._sweep(Failing(), at(NOW), metrics)
    assert value(metrics, 'volsnap_scheduler_sweeps_total',
                 result='failed') == 1
    clock.now += 100
    assert metrics.heartbeat.problem() == (
        'no sweep completed in the 200 s since the start')


def test_health_fails_after_the_time_without_a_completed_sweep(clock):
    heartbeat = health.Heartbeat(180, monotonic=clock)
    clock.now += 180
    assert heartbeat.problem() is None
    clock.now += 1
    assert 'since the start' in heartbeat.problem()
    heartbeat.beat()
    assert heartbeat.problem() is None
    clock.now += 200
    assert heartbeat.problem() == 'no sweep completed in the last 200 s'


def get(server, path):
    url = 'http://127.0.0.1:%d%s' % (server.server_port, path)
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as answer:
        return answer.code, answer.read().decode()


def test_the_server_serves_the_metrics_and_the_health_check(metrics,
                                                            clock):
    metrics.run_finished(run.OK)
    metrics.error('cinder', '503')
    server = metrics_module.start('127.0.0.1', 0, metrics)
    try:
        status, body = get(server, '/metrics')
        assert status == 200
        assert 'volsnap_scheduler_runs_total{outcome="ok"} 1.0' in body
        assert ('volsnap_scheduler_errors_total{kind="503",'
                'service="cinder"} 1.0') in body
        # Its own registry: nothing of prometheus_client's global one.
        assert 'process_cpu_seconds_total' not in body
        assert get(server, '/healthcheck') == (200, 'OK')
        clock.now += 181
        status, body = get(server, '/healthcheck')
        assert status == 503
        assert 'no sweep completed' in body
    finally:
        server.shutdown()
        server.server_close()


def settings(**kwargs):
    return config.Config(keystone_url='http://k/v3', username='svc',
                         password='pw', **kwargs)  # noqa: S106


def test_metrics_are_off_unless_a_port_is_set():
    plugins = registry.volume_plugins()
    off = metrics_module.for_config(settings(), plugins)
    assert off is metrics_module.NO_METRICS
    with metrics_module.serving(settings(), off) as server:
        assert server is None
    on = metrics_module.for_config(settings(metrics_port=9464,
                                            sweep_interval=60,
                                            wait_timeout=600), plugins)
    assert on.enabled
    # Three intervals, and the time a run may wait for its snapshot.
    assert on.heartbeat.after == 780
    assert metrics_module.for_config(settings(
        metrics_port=9464, health_timeout=90), plugins).heartbeat.after == 90


def test_without_metrics_a_sweep_computes_no_figures(monkeypatch, cinder):
    four_schedules(cinder)
    monkeypatch.setattr(figures, 'schedules_by_state', None)
    report = service._sweep(sweeper(cinder, metrics_module.NO_METRICS),
                            at(NOW), metrics_module.NO_METRICS)
    assert report.outcomes


def test_the_service_loop_reports_each_sweep(monkeypatch, metrics):
    stopper = service.Stopper()
    sweeper = mock.Mock()

    def third_stops(now, wait=True):
        if sweeper.sweep.call_count == 3:
            stopper.request()
        return sweep.Report()
    sweeper.sweep.side_effect = third_stops
    assert test_service_loop.serve(
        monkeypatch, lambda *args, **kwargs: sweeper, mock.Mock(), stopper,
        metrics=metrics) == 0
    assert value(metrics, 'volsnap_scheduler_sweeps_total',
                 result='completed') == 3
    assert metrics.heartbeat.problem() is None


def test_two_metrics_do_not_share_figures(clock):
    first = metrics_module.Metrics(health.Heartbeat(1, monotonic=clock))
    second = metrics_module.Metrics(health.Heartbeat(1, monotonic=clock))
    first.run_finished(run.FAILED)
    assert value(first, 'volsnap_scheduler_runs_total',
                 outcome='failed') == 1
    assert value(second, 'volsnap_scheduler_runs_total',
                 outcome='failed') == 0


def test_lag_and_states_ignore_what_another_process_owns(cinder):
    fakes.schedule_on(cinder, cinder.add_volume(),
                      created='2026-03-28T12:00:00Z')
    made = test_sweep_and_run.sweeper(cinder, NOW)
    made.owns = lambda sid: False
    report = made.evaluate(at(NOW))
    assert figures.lag_seconds(report, at(NOW)) == 0
    assert sum(figures.schedules_by_state(report, at(NOW)).values()) == 0


def test_a_schedule_whose_state_cannot_be_told_counts_as_invalid(
        monkeypatch, cinder):
    fakes.schedule_on(cinder, cinder.add_volume(),
                      created='2026-03-28T12:00:00Z')
    report = test_sweep_and_run.sweeper(cinder, NOW).evaluate(at(NOW))

    def unreadable(schedule):
        raise OverflowError('date value out of range')
    monkeypatch.setattr(sweep, 'first_run_after_last', unreadable)
    by_state = figures.schedules_by_state(report, at(NOW))
    assert by_state['invalid'] == 1
    assert sum(by_state.values()) == 1


def test_a_port_taken_is_said_plainly(metrics):
    server = metrics_module.start('127.0.0.1', 0, metrics)
    try:
        with pytest.raises(metrics_module.MetricsUnavailable) as caught:
            metrics_module.start('127.0.0.1', server.server_port, metrics)
        assert 'cannot serve metrics on 127.0.0.1 port %d' % (
            server.server_port) in str(caught.value)
    finally:
        server.shutdown()
        server.server_close()


def test_the_command_refuses_to_start_on_a_port_taken(metrics, tmp_path,
                                                      monkeypatch, caplog):
    password = tmp_path / 'password'
    password.write_text('pw\n')
    server = metrics_module.start('127.0.0.1', 0, metrics)
    monkeypatch.setattr(service.Stopper, 'install', lambda self: self)
    monkeypatch.setattr(cli, 'setup_logging', lambda *args: None)
    monkeypatch.setattr(service, 'serve', mock.Mock())
    try:
        for key, setting in (('KEYSTONE_URL', 'http://k/v3'),
                             ('USERNAME', 'svc'),
                             ('PASSWORD_FILE', str(password)),
                             ('METRICS_PORT', str(server.server_port))):
            monkeypatch.setenv(config.ENV_PREFIX + key, setting)
        assert cli.main([]) == 2
    finally:
        server.shutdown()
        server.server_close()
    assert 'cannot serve metrics' in caplog.text
    service.serve.assert_not_called()
