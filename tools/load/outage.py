"""The fault: Cinder restarted in the middle of the run, and what the
pages said meanwhile."""

import collections
import subprocess
import threading
import time
import uuid

import requests

from tools.devkit import identities
from tools.load.config import DEVCLOUD
from tools.load.config import INDEX
from tools.load.errors import Retry
from tools.load.stats import fmt_seconds
from tools.load.stats import now
from tools.load.stats import shape
from tools.load.web import WebSession

class Outage:
    """Restarts Cinder once enough protects were posted; meanwhile a probe
    session checks that pages say "unavailable" instead of failing, and
    afterwards that they work again without restarting Horizon."""

    def __init__(self, run, planned_rounds, probe_row_update=True):
        self.run = run
        self.stats = run.stats
        self.planned = planned_rounds
        self.probe_row_update = probe_row_update
        self.probe = WebSession(run.base_url, 'demo', 'probe', run.stats)
        self.result = {'restarted': False}
        self.thread = threading.Thread(target=self._main, name='outage',
                                       daemon=True)

    def start(self):
        self.probe.login()
        self.thread.start()

    def join(self, timeout):
        self.thread.join(timeout)

    def _cinder_up(self):
        try:
            code = requests.get(identities.cinder_root() + '/',
                                timeout=2).status_code
        except requests.RequestException:
            return False
        return code in (200, 300)

    def _due(self):
        """Mid-run: half the protect POSTs planned and half a round more
        (so that snapshots, restores and deletes are in flight), or half the
        rounds over, or a third of the time limit gone."""
        stats = self.stats
        posts = self.planned // 2 + max(1, self.run.sessions // 2)
        return (stats.protects_posted >= posts
                or stats.rounds_done + len(stats.rounds_failed)
                >= max(1, self.planned // 2)
                or stats.t() >= self.run.time_limit / 3)

    def _main(self):
        try:
            self._restart()
        except Exception as exc:  # a bug of this script: report it
            self.result['error'] = '%s: %s' % (type(exc).__name__, exc)
            self.stats.event('outage', 'OUTAGE THREAD CRASHED',
                             self.result['error'])

    def _restart(self):
        while not self._due():
            if now() > self.run.deadline or self.run.sessions_done.is_set():
                self.result['error'] = 'the run ended before the restart'
                return
            time.sleep(0.2)
        try:
            row_id = next(iter(self.probe.get(INDEX).parsed.rows), None)
        except Retry:
            row_id = None
        row_id = row_id or str(uuid.uuid4())
        log = open(self.run.restart_log, 'a')
        start = self.stats.t()
        self.run.say('t+%.0fs: tools/devcloud restart-cinder (after %d '
                     'protect POSTs)' % (start, self.stats.protects_posted))
        process = subprocess.Popen([DEVCLOUD, 'restart-cinder'], stdout=log,
                                   stderr=subprocess.STDOUT)
        self.stats.outage = (start, float('inf'))
        times = {}
        watcher = threading.Thread(target=self._watch_cinder,
                                   args=(process, times), daemon=True)
        watcher.start()
        seen = collections.Counter()
        row_update = None
        limit = now() + 180
        while process.poll() is None and now() < limit:
            if 'down' in times and 'back' not in times:
                seen[self._probe_index()] += 1
                if self.probe_row_update and row_update is None:
                    row_update = self._probe_row_update(row_id)
            time.sleep(0.3)
        if process.poll() is None:
            process.kill()
        code = process.wait()
        watcher.join(5)
        log.close()
        end = self.stats.t()
        self.stats.outage = (start, end)
        self.result.update(
            restarted=code == 0, exit_code=code, start=start, end=end,
            cinder_down=times.get('down'), cinder_back=times.get('back'),
            probe_pages=dict(seen), row_update=row_update)
        self.run.say('t+%.0fs: restart-cinder done (exit %d); Cinder was '
                     'down from t+%s s to t+%s s' % (
                         end, code, fmt_seconds(times.get('down')),
                         fmt_seconds(times.get('back'))))
        self.result['recovered_after'] = self._recovery(end)

    def _watch_cinder(self, process, times):
        """When Cinder's API stopped answering, and when it answered again."""
        while process.poll() is None and 'back' not in times:
            up = self._cinder_up()
            if not up and 'down' not in times:
                times['down'] = self.stats.t()
            elif up and 'down' in times:
                times['back'] = self.stats.t()
            time.sleep(0.2)

    def _probe_index(self):
        try:
            page = self.probe.get(INDEX)
        except Retry as exc:
            return 'index: %s' % shape(str(exc))
        if page.unavailable:
            return 'index: unavailable message'
        return 'index: HTTP %d, no message' % page.status

    def _probe_row_update(self, row_id):
        """What the live table's row polling gets while Cinder is down."""
        url = ('%s?action=row_update&table=protected_snapshots&obj_id=%s'
               % (INDEX, row_id))
        try:
            return 'HTTP %d' % self.probe.get(url, ajax=True).status
        except Retry as exc:
            return shape(str(exc))

    def _recovery(self, end):
        """Seconds after the restart until the index page works again."""
        for _poll in range(30):
            try:
                page = self.probe.get(INDEX)
                if page.status == 200 and not page.unavailable:
                    return round(self.stats.t() - end, 1)
            except Retry:
                pass
            time.sleep(1)
        return None


