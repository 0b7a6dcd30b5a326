"""Log lines carry the schedule, volume, project and slot they are
about as fixed fields (logcontext), per thread, in text or JSON."""

import datetime
import io
import json
import logging
import threading

import pytest

from volsnap_dashboard.scheduler import cli
from volsnap_dashboard.scheduler import logcontext

from tests.unit.scheduler import fakes

UTC = datetime.timezone.utc
SLOT = datetime.datetime(2026, 3, 29, 1, 0, tzinfo=UTC)


@pytest.fixture
def output():
    """What a logger writes through a handler set up as the scheduler's
    (cli.setup_logging) in the format asked."""
    made = []

    def log_to(log_format='text'):
        stream = io.StringIO()
        handler = logcontext.install(logging.StreamHandler(stream),
                                     log_format)
        logger = logging.getLogger('volsnap_dashboard.scheduler.test')
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
        made.append((logger, handler))
        return logger, stream
    yield log_to
    for logger, handler in made:
        logger.removeHandler(handler)


def test_text_lines_carry_the_bound_fields_and_empty_ones_outside(output):
    logger, stream = output()
    with logcontext.bound(schedule='c0ffee01', volume='vol-1',
                          project='demo-project', slot=SLOT):
        logger.info("created snapshot %s", 'snap-1')
    logger.info("sweep done")
    inside, outside = stream.getvalue().splitlines()
    assert ('schedule=c0ffee01 volume=vol-1 project=demo-project '
            'slot=2026-03-29T01:00:00Z: created snapshot snap-1') in inside
    assert 'schedule= volume= project= slot=: sweep done' in outside


def test_nested_bindings_add_to_the_outer_and_are_undone(output):
    logger, stream = output()
    with logcontext.bound(project='demo-project'):
        with logcontext.bound(schedule='s1', volume='v1'):
            logger.info("inner")
        logger.info("outer")
    inner, outer = stream.getvalue().splitlines()
    assert 'schedule=s1 volume=v1 project=demo-project slot=:' in inner
    assert 'schedule= volume= project=demo-project slot=:' in outer


def test_a_field_stays_one_token_whatever_a_tenant_wrote(output):
    logger, stream = output()
    with logcontext.bound(schedule='a b\nslot=forged'):
        logger.info("x")
    line, = stream.getvalue().splitlines()
    assert 'schedule=a_b_slot=forged volume=' in line


def test_each_thread_has_its_own_fields(output):
    logger, stream = output()
    inside = threading.Event()
    logged = threading.Event()

    def other_run():
        with logcontext.bound(schedule='other'):
            inside.set()
            logged.wait(5)
            logger.info("other thread")

    thread = threading.Thread(target=other_run)
    with logcontext.bound(schedule='mine'):
        thread.start()
        inside.wait(5)
        logger.info("this thread")
        logged.set()
        thread.join(5)
    lines = stream.getvalue().splitlines()
    assert 'schedule=mine ' in lines[0] and 'this thread' in lines[0]
    assert 'schedule=other ' in lines[1] and 'other thread' in lines[1]


def test_json_lines_have_the_fields_as_keys(output):
    logger, stream = output('json')
    with logcontext.bound(schedule='c0ffee01', volume='vol-1',
                          project='demo-project', slot=SLOT):
        try:
            raise ValueError('boom')
        except ValueError:
            logger.exception("run failed: %s", 'quota')
    line = json.loads(stream.getvalue())
    assert line['message'] == 'run failed: quota'
    assert line['level'] == 'ERROR'
    assert (line['schedule'], line['volume'], line['project'],
            line['slot']) == ('c0ffee01', 'vol-1', 'demo-project',
                              '2026-03-29T01:00:00Z')
    assert 'ValueError: boom' in line['exception']


def test_of_run_binds_the_runs_schedule_volume_project_and_slot(cinder):
    volume = cinder.add_volume(project=fakes.ALT)
    due = type('Due', (), {'volume': volume, 'slot': SLOT,
                           'schedule': type('S', (), {'id': 'sid-1'})})
    with logcontext.of_run(due):
        assert logcontext.current() == {
            'schedule': 'sid-1', 'volume': volume.id,
            'project': fakes.ALT, 'slot': '2026-03-29T01:00:00Z'}
    assert logcontext.current() == dict.fromkeys(logcontext.FIELDS, '')


def test_the_scheduler_logs_in_the_format_of_its_settings():
    root = logging.getLogger()
    before = root.handlers[:], root.level
    try:
        cli.setup_logging(False, 'json')
        [handler] = root.handlers
        assert isinstance(handler.formatter, logcontext.JsonFormatter)
        cli.setup_logging(True)
        [handler] = root.handlers
        assert handler.formatter._fmt == logcontext.TEXT_FORMAT
        assert any(isinstance(each, logcontext.ContextFilter)
                   for each in handler.filters)
        assert root.level == logging.DEBUG
    finally:
        root.handlers[:], level = before
        root.setLevel(level)


def test_a_sweeps_run_logs_with_its_fields(cinder):
    from tests.unit.scheduler import test_sweep_and_run
    stream = io.StringIO()
    handler = logcontext.install(logging.StreamHandler(stream))
    run_logger = logging.getLogger('volsnap_dashboard.scheduler.run')
    level = run_logger.level
    run_logger.addHandler(handler)
    run_logger.setLevel(logging.INFO)
    try:
        volume = cinder.add_volume()
        fakes.schedule_on(cinder, volume, created='2026-03-28T12:00:00Z')
        test_sweep_and_run.sweeper(cinder, '2026-03-29T01:30:00Z').sweep(
            fakes.at('2026-03-29T01:30:00Z'))
    finally:
        run_logger.removeHandler(handler)
        run_logger.setLevel(level)
    lines = stream.getvalue().splitlines()
    assert lines
    for line in lines:
        assert ('schedule=ab12cd34 volume=%s project=demo-project '
                'slot=2026-03-29T01:00:00Z:' % volume.id) in line


def test_a_sweeps_invalid_schedule_logs_with_its_fields(cinder, caplog):
    from tests.unit.scheduler import test_sweep_and_run
    volume = cinder.add_volume()
    fakes.schedule_on(cinder, volume, cron='*/5 * * * *')
    caplog.set_level(logging.INFO)
    caplog.handler.addFilter(logcontext.ContextFilter())
    test_sweep_and_run.sweeper(cinder, '2026-03-29T01:30:00Z').sweep(
        fakes.at('2026-03-29T01:30:00Z'))
    [invalid] = [record for record in caplog.records
                 if record.levelno == logging.WARNING]
    assert (invalid.schedule, invalid.volume, invalid.project,
            invalid.slot) == ('ab12cd34', volume.id, fakes.DEMO, '')
    [summary] = [record for record in caplog.records
                 if record.getMessage().startswith('sweep at')]
    assert summary.schedule == ''
