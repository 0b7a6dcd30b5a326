"""Every HTTP request the process sends, counted in
``requests.adapters.HTTPAdapter.send`` (under keystoneauth sessions and
cinderclient's own HTTPClient alike), by service and kind."""

import collections
import os
import re
import sys
import threading
import urllib.parse

import requests.adapters

from tools.devkit import identities

# Code of Horizon's page frame, which every page (ours or Horizon's) runs:
# the navigation asks each panel whether it may be shown, the context
# processor lists the user's projects for the project menu.
FRAME_CODE = [
    (os.path.join('horizon', 'base.py'), 'can_access'),
    (os.path.join('horizon', 'templatetags', 'horizon.py'), None),
    (os.path.join('openstack_dashboard', 'context_processors.py'), None),
]

COUNTS = ('cinder', 'keystone', 'other', 'cinder_discovery',
          'keystone_discovery', 'cinder_frame', 'keystone_frame')

ID = re.compile(r'/[0-9a-f]{32}(?=/|$)')


def from_page_frame():
    frame = sys._getframe(2)
    while frame is not None:
        code = frame.f_code
        for filename, function in FRAME_CODE:
            if code.co_filename.endswith(filename) and \
                    function in (None, code.co_name):
                return True
        frame = frame.f_back
    return False


class HTTPCounter:
    """Records (method, URL, sent by the page frame) of every request."""

    def __init__(self):
        self.calls = []
        self._lock = threading.Lock()
        real = requests.adapters.HTTPAdapter.send
        counter = self

        def send(adapter, request, *args, **kwargs):
            with counter._lock:
                counter.calls.append((request.method, request.url,
                                      from_page_frame()))
            return real(adapter, request, *args, **kwargs)
        requests.adapters.HTTPAdapter.send = send

    def take(self):
        """The requests recorded since the last take."""
        with self._lock:
            calls, self.calls = self.calls, []
        return calls


def classify(method, url):
    """('cinder' | 'keystone' | 'other', is_version_discovery)."""
    parts = urllib.parse.urlsplit(url)
    service = {identities.cinder_port(): 'cinder',
               identities.keystone_port(): 'keystone'}.get(parts.port,
                                                            'other')
    path = parts.path.rstrip('/')
    discovery = method == 'GET' and re.fullmatch(r'(/v[0-9.]+)?', path)
    return service, bool(discovery)


def summarize(calls):
    """Counts per service, discovery and page frame (keys: COUNTS)."""
    counts = collections.Counter()
    for method, url, frame in calls:
        service, discovery = classify(method, url)
        counts[service] += 1
        if discovery:
            counts[service + '_discovery'] += 1
        if frame:
            counts[service + '_frame'] += 1
    return counts


def call_template(method, url, frame):
    """A request with the ids taken out, to show which calls a page makes."""
    parts = urllib.parse.urlsplit(url)
    path = ID.sub('/{id}', parts.path) or '/'
    query = '?' + parts.query if parts.query else ''
    service, discovery = classify(method, url)
    notes = [note for note, yes in (('discovery', discovery),
                                    ('page frame', frame)) if yes]
    return '%s %s %s%s%s' % (service, method, path, query,
                             ' (%s)' % ', '.join(notes) if notes else '')
