"""The plugin's Django app, which checks at start-up that the cache can hold
the forms' one-time submission tokens for every process serving Horizon.

The protect and restore forms claim their token with ``cache.add``; a cache
each process keeps to itself lets a POST replayed on another process (or
host) create a second time.
"""

import logging
import os
import re
import sys

from django.apps import AppConfig
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.utils.translation import gettext_lazy as _

LOG = logging.getLogger(__name__)

SHARED_CACHE_HINT = (
    'Set CACHES["default"] to a cache all Horizon processes and hosts '
    'share, such as memcached '
    '(django.core.cache.backends.memcached.PyMemcacheCache).')

# gunicorn's own spellings: -w 4, -w4, --workers 4, --workers=4.
_GUNICORN_WORKERS = re.compile(r'(?:^|\s)(?:-w\s*|--workers(?:=|\s+))(\d+)')


def _uwsgi():
    try:
        import uwsgi
    except ImportError:
        return None
    return 'uWSGI', getattr(uwsgi, 'numproc', None)


def _mod_wsgi():
    try:
        import mod_wsgi
    except ImportError:
        return None
    group = getattr(mod_wsgi, 'process_group', '')
    server = ('mod_wsgi daemon process group "%s"' % group if group
              else 'mod_wsgi embedded in Apache')
    # In embedded mode this is Apache's own maximum of child processes.
    return server, getattr(mod_wsgi, 'maximum_processes', None)


def _gunicorn(environ, argv):
    # The arbiter sets SERVER_SOFTWARE before it loads the application.
    if not environ.get('SERVER_SOFTWARE', '').startswith('gunicorn'):
        return None
    # Precedence as gunicorn's: command line, GUNICORN_CMD_ARGS, then
    # WEB_CONCURRENCY; a count set in a config file cannot be seen here.
    for options in (' '.join(argv[1:]), environ.get('GUNICORN_CMD_ARGS', '')):
        match = _GUNICORN_WORKERS.search(options)
        if match:
            return 'gunicorn', int(match.group(1))
    concurrency = environ.get('WEB_CONCURRENCY', '')
    return 'gunicorn', int(concurrency) if concurrency.isdigit() else None


def server_processes(environ=None, argv=None):
    """``(server, processes)`` for the WSGI server this process runs in,
    ``processes`` being None when unknown; None for an unknown server
    (such as ``manage.py runserver``, which serves from one process)."""
    environ = os.environ if environ is None else environ
    argv = sys.argv if argv is None else argv
    return _uwsgi() or _mod_wsgi() or _gunicorn(environ, argv)


def cache_warning(cache, debug, server):
    """Why ``cache`` cannot guard the one-time tokens here, or None."""
    if isinstance(cache, DummyCache):
        return ('The default cache is DummyCache, which keeps nothing: a '
                'protect or restore form submitted twice creates twice, '
                'even with one process. ' + SHARED_CACHE_HINT)
    if not isinstance(cache, LocMemCache):
        return None
    name, processes = server or (None, None)
    if processes is not None and processes > 1:
        return ('The default cache is LocMemCache, which each process keeps '
                'to itself, and %s runs %d processes: a protect or restore '
                'form replayed on another process creates twice. %s'
                % (name, processes, SHARED_CACHE_HINT))
    if not debug:
        return ('The default cache is LocMemCache, which each process keeps '
                'to itself: if several processes or hosts serve Horizon, a '
                'protect or restore form replayed on another one creates '
                'twice. ' + SHARED_CACHE_HINT)
    return None


class VolsnapDashboardConfig(AppConfig):
    name = 'volsnap_dashboard'
    verbose_name = _("Volume Protection")

    def ready(self):
        try:
            warning = cache_warning(caches['default'], settings.DEBUG,
                                    server_processes())
        except Exception as exc:  # a start-up check must never stop Horizon
            LOG.warning('Could not check whether the cache is shared by '
                        'the Horizon processes: %s', exc)
            return
        if warning:
            LOG.warning(warning)
