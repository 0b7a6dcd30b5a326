"""Whether the scheduler is working: a sweep completed lately.

The check is served over HTTP, at ``/healthcheck`` on the metrics
server (metrics.py): the path and the answers of oslo.middleware's
healthcheck, which OpenStack services expose and which load balancers,
Kubernetes probes and monitoring already poll (200 with ``OK``, 503 with
the reason). A process can be alive and still sweep nothing (Cinder or
Keystone refusing every listing, a lock never released): only a
completed sweep counts, so the check fails after ``after`` seconds
without one, from the start of the process for the first sweep.
"""

import threading
import time


class Heartbeat:
    def __init__(self, after, monotonic=time.monotonic):
        self.after = after
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._started = monotonic()
        self._last = None

    def beat(self):
        """A sweep completed."""
        with self._lock:
            self._last = self._monotonic()

    def problem(self):
        """Why the scheduler is unhealthy, or None when it is healthy."""
        with self._lock:
            last = self._last
        since = self._monotonic() - (self._started if last is None
                                     else last)
        if since <= self.after:
            return None
        if last is None:
            return 'no sweep completed in the %.0f s since the start' % (
                since)
        return 'no sweep completed in the last %.0f s' % since
