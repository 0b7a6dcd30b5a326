"""Cinder's and Keystone's error answers, counted where every one of the
scheduler's requests passes: the HTTP transport its sessions share
(clients.Clients.http).

Counting at the call sites would miss the calls keystoneauth and
cinderclient make on their own (token renewals, a 401 retried, version
discovery) and would have to be repeated in every module. The kind is
the HTTP status (``401``, ``413``, ``503``...), ``timeout`` or
``connection``; the service is ``keystone`` for the identity URL
configured, ``cinder`` for every other (the scheduler talks to no third
service).
"""

import re
import time

from requests import adapters
from requests import exceptions as requests_exc


def identity_root(keystone_url):
    """The identity URL without its version: every Keystone path."""
    return re.sub(r'/v[23](\.\d+)?/?$', '', keystone_url.rstrip('/'))


class CountingAdapter(adapters.BaseAdapter):
    """Wraps a transport adapter; ``count(service, kind)`` per error,
    ``timed(service, seconds)`` per answer (how long it took)."""

    def __init__(self, inner, keystone_root, count, timed=None):
        super().__init__()
        self.inner = inner
        self.keystone_root = keystone_root
        self.count = count
        self.timed = timed

    def _service(self, url):
        return 'keystone' if url.startswith(self.keystone_root) else 'cinder'

    def send(self, request, **kwargs):
        started = time.monotonic()
        try:
            response = self.inner.send(request, **kwargs)
        except requests_exc.Timeout:
            self.count(self._service(request.url), 'timeout')
            raise
        except requests_exc.ConnectionError:
            self.count(self._service(request.url), 'connection')
            raise
        if response.status_code >= 400:
            self.count(self._service(request.url),
                       str(response.status_code))
        if self.timed is not None:
            self.timed(self._service(request.url),
                       time.monotonic() - started)
        return response

    def close(self):
        self.inner.close()


def count_errors(http, keystone_url, count):
    """Have every adapter of ``http`` (a requests.Session) count the
    errors it meets with ``count(service, kind)``."""
    return _watch(http, keystone_url, count=count)


def time_answers(http, keystone_url, timed):
    """Have every adapter of ``http`` tell ``timed(service, seconds)``
    how long each answer took (the run pool slows down for slow ones)."""
    return _watch(http, keystone_url, timed=timed)


def _watch(http, keystone_url, count=None, timed=None):
    root = identity_root(keystone_url)
    for prefix, adapter in list(http.adapters.items()):
        if not isinstance(adapter, CountingAdapter):
            adapter = CountingAdapter(adapter, root,
                                      lambda service, kind: None)
            http.mount(prefix, adapter)
        if count is not None:
            adapter.count = count
        if timed is not None:
            adapter.timed = timed
    return http
