"""The start-up warning about a cache each Horizon process keeps to itself."""

import logging
import sys
import types

from django.apps import apps
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.memcached import PyMemcacheCache
from django.test import override_settings
import pytest

from volsnap_dashboard import apps as volsnap_apps

LOCMEM = {'default': {
    'BACKEND': 'django.core.cache.backends.locmem.LocMemCache'}}
MEMCACHED = {'default': {
    'BACKEND': 'django.core.cache.backends.memcached.PyMemcacheCache',
    'LOCATION': '127.0.0.1:11211'}}


def locmem():
    return LocMemCache('volsnap-test', {})


@pytest.fixture
def no_server(monkeypatch):
    """A process that runs under no known WSGI server."""
    for name in ('uwsgi', 'mod_wsgi'):
        monkeypatch.setitem(sys.modules, name, None)  # import fails
    monkeypatch.delenv('SERVER_SOFTWARE', raising=False)


def fake_module(monkeypatch, name, **attrs):
    monkeypatch.setitem(sys.modules, name, types.SimpleNamespace(**attrs))


def test_django_uses_the_plugins_app_config():
    config = apps.get_app_config('volsnap_dashboard')
    assert isinstance(config, volsnap_apps.VolsnapDashboardConfig)


# --- which server, how many processes --------------------------------------

def test_uwsgi_reports_its_number_of_workers(monkeypatch, no_server):
    fake_module(monkeypatch, 'uwsgi', numproc=4)
    assert volsnap_apps.server_processes() == ('uWSGI', 4)


def test_mod_wsgi_daemon_group_reports_its_processes(monkeypatch, no_server):
    fake_module(monkeypatch, 'mod_wsgi', process_group='horizon',
                maximum_processes=3)
    assert volsnap_apps.server_processes() == (
        'mod_wsgi daemon process group "horizon"', 3)


def test_mod_wsgi_embedded_reports_apaches_processes(monkeypatch, no_server):
    fake_module(monkeypatch, 'mod_wsgi', process_group='',
                maximum_processes=150)
    assert volsnap_apps.server_processes() == (
        'mod_wsgi embedded in Apache', 150)


@pytest.mark.parametrize('argv, environ, workers', [
    (['gunicorn', '-w', '4', 'app:application'], {}, 4),
    (['gunicorn', '-w3', 'app:application'], {}, 3),
    (['gunicorn', '--workers=5', 'app:application'], {}, 5),
    (['gunicorn', '--workers', '2', 'app:application'],
     {'GUNICORN_CMD_ARGS': '--workers 7'}, 2),
    (['gunicorn', 'app:application'], {'GUNICORN_CMD_ARGS': '-w 6'}, 6),
    (['gunicorn', 'app:application'], {'WEB_CONCURRENCY': '8'}, 8),
    # Set in a config file, which this process cannot see.
    (['gunicorn', '-c', 'conf.py', 'app:application'], {}, None),
])
def test_gunicorn_workers_from_its_options(no_server, argv, environ,
                                           workers):
    environ = dict(environ, SERVER_SOFTWARE='gunicorn/23.0.0')
    assert volsnap_apps.server_processes(environ, argv) == (
        'gunicorn', workers)


def test_an_unknown_server_is_none(no_server):
    assert volsnap_apps.server_processes(
        {'SERVER_SOFTWARE': 'WSGIServer/0.2'},
        ['manage.py', 'runserver', '-w', '4']) is None


# --- when to warn ---------------------------------------------------------

def test_locmem_under_several_processes_warns_even_with_debug():
    warning = volsnap_apps.cache_warning(locmem(), True, ('uWSGI', 4))
    assert 'LocMemCache' in warning
    assert 'uWSGI runs 4 processes' in warning
    assert 'PyMemcacheCache' in warning


def test_locmem_in_production_warns_without_knowing_the_server():
    for server in (None, ('gunicorn', None), ('uWSGI', 1)):
        warning = volsnap_apps.cache_warning(locmem(), False, server)
        assert 'several processes or hosts' in warning, server


def test_locmem_in_a_single_process_debug_server_is_fine():
    assert volsnap_apps.cache_warning(locmem(), True, None) is None
    assert volsnap_apps.cache_warning(locmem(), True, ('uWSGI', 1)) is None
    assert volsnap_apps.cache_warning(locmem(), True,
                                      ('gunicorn', None)) is None


def test_dummy_cache_always_warns():
    warning = volsnap_apps.cache_warning(DummyCache('', {}), True, None)
    assert 'DummyCache' in warning
    assert 'even with one process' in warning


def test_a_shared_cache_never_warns():
    memcached = PyMemcacheCache('127.0.0.1:11211', {})
    assert volsnap_apps.cache_warning(memcached, False, ('uWSGI', 8)) is None


# --- at start-up ------------------------------------------------------------

def run_ready(caplog):
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger='volsnap_dashboard.apps'):
        apps.get_app_config('volsnap_dashboard').ready()
    return [record for record in caplog.records
            if record.name == 'volsnap_dashboard.apps']


def test_start_up_logs_a_warning_for_locmem_under_uwsgi(monkeypatch, caplog,
                                                        no_server):
    fake_module(monkeypatch, 'uwsgi', numproc=2)
    with override_settings(CACHES=LOCMEM, DEBUG=True):
        [record] = run_ready(caplog)
    assert record.levelno == logging.WARNING
    assert 'uWSGI runs 2 processes' in record.getMessage()


def test_start_up_is_quiet_with_memcached(monkeypatch, caplog, no_server):
    fake_module(monkeypatch, 'uwsgi', numproc=2)
    with override_settings(CACHES=MEMCACHED, DEBUG=False):
        assert run_ready(caplog) == []


def test_start_up_check_never_stops_horizon(monkeypatch, caplog, no_server):
    # A uwsgi module of an unexpected shape must not break start-up.
    fake_module(monkeypatch, 'uwsgi')
    with override_settings(CACHES=LOCMEM, DEBUG=True):
        assert run_ready(caplog) == []

    def broken():
        raise RuntimeError('no such thing')

    monkeypatch.setattr(volsnap_apps, 'server_processes', broken)
    with override_settings(CACHES=LOCMEM, DEBUG=True):
        [record] = run_ready(caplog)
    assert 'Could not check' in record.getMessage()
    assert 'no such thing' in record.getMessage()
