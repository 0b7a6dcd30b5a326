"""What happened during a load run: every request to Horizon and every
problem seen."""

import collections
import re
import threading
import time

_UUID_RE = re.compile(r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-'
                      r'[0-9a-f]{12}|[0-9a-f]{32}')


def shape(text):
    """``text`` with ids and our resource names replaced, for counting."""
    text = _UUID_RE.sub('<id>', text)
    return re.sub(r'load-\d+(-[sr]\d+)?', '<name>', text)


def now():
    return time.monotonic()


def fmt_seconds(value):
    return '-' if value is None else '%.1f' % value


class Stats:
    """Every HTTP request to Horizon and every problem seen, thread-safe."""

    def __init__(self):
        self.lock = threading.Lock()
        self.started = now()
        self.requests = []   # (t, who, method, path, status, error)
        self.events = []     # (t, who, kind, detail)
        self.duplicates = []
        self.replays = collections.Counter()
        self.rounds_done = 0
        self.rounds_failed = []
        self.protects_posted = 0
        self.outage = None   # (start, end) in seconds since started

    def t(self):
        return now() - self.started

    def request(self, t, who, method, path, status, error=None):
        with self.lock:
            self.requests.append((t, who, method, shape(path), status,
                                  error))

    def event(self, who, kind, detail='', t=None):
        with self.lock:
            self.events.append((self.t() if t is None else t, who, kind,
                                shape(str(detail))[:300]))

    def in_outage(self, t, grace=2.0):
        return (self.outage is not None
                and self.outage[0] <= t <= self.outage[1] + grace)

    def count_500(self):
        # A live row's update answers 503 while Cinder is down: that is
        # the designed "try again", not a server error.
        return sum(1 for r in self.requests
                   if r[4] is not None and r[4] >= 500
                   and not (r[4] == 503 and 'action=row_update' in r[3]))

    def no_answers(self):
        return [r for r in self.requests if r[4] is None]

