"""The whole load run: set up, drive the sessions (and the outage), check
and clean up."""

import concurrent.futures
import os
import subprocess
import threading

from tools.devkit import dev_server
from tools.devkit import cinder
from tools.load import inventory
from tools.load import report
from tools.load.config import DEVCLOUD
from tools.load.config import REPO_ROOT
from tools.load.config import USERS
from tools.load.connections import ConnectionWatch
from tools.load.errors import StepFailed
from tools.load.outage import Outage
from tools.load.session import LoadSession
from tools.load.stats import Stats
from tools.load.stats import now

class LoadRun:
    def __init__(self, sessions=20, rounds=3, restart_cinder=True,
                 time_limit=900, raise_quotas=True, debug=False,
                 probe_row_update=True, artifacts=None, label='loadtest',
                 say=print):
        self.sessions = sessions
        self.rounds = rounds
        self.restart_cinder = restart_cinder
        self.time_limit = time_limit
        self.raise_quotas = raise_quotas
        self.debug = debug
        self.probe_row_update = probe_row_update
        self.artifacts = artifacts or os.path.join(REPO_ROOT,
                                                   'test-artifacts')
        self.say = say
        self.stats = Stats()
        self.began = now()
        self.deadline = now() + time_limit
        self.server = None
        self.base_url = None
        self.outage = None
        self.connections = None
        self.sessions_done = threading.Event()
        self.stale = []
        self.leftovers = []
        self.cleanup_problems = []
        self.server_log = os.path.join(self.artifacts,
                                       label + '-devserver.log')
        self.restart_log = os.path.join(self.artifacts,
                                        label + '-restart-cinder.log')

    # set-up

    def users(self):
        return [USERS[i % len(USERS)] for i in range(self.sessions)]

    def set_quotas(self):
        for project in sorted(set(self.users())):
            subprocess.run([DEVCLOUD, 'quota', project, 'snapshots=-1',
                            'gigabytes=-1', 'volumes=-1'], check=True,
                           stdout=subprocess.DEVNULL, timeout=120)

    def start_server(self):
        os.makedirs(self.artifacts, exist_ok=True)
        self.server = dev_server.DevServer(
            self.server_log, env={'VOLSNAP_DEBUG': '1' if self.debug else '0'})
        self.base_url = self.server.url

    def create_volumes(self, sessions):
        def create(session):
            volumes = session.cinder.volumes
            volume = volumes.create(1, name=session.volume_name)
            session.volume_id = volume.id
            cinder.until_status(volumes, volume.id, 'available', timeout=120)
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            list(pool.map(create, sessions))

    # the whole thing

    def run(self):
        stale = inventory.load_resources()
        if stale:
            self.stale = ['%s %s' % (kind, r.name) for _, kind, r in stale]
            self.say('removing %d load-* resources left by an earlier run'
                     % len(stale))
            inventory.remove(stale, self.cleanup_problems)
        if self.raise_quotas:
            self.set_quotas()
        self.say('starting Horizon (manage.py runserver, DEBUG %s)'
                 % ('on' if self.debug else 'off'))
        self.start_server()
        sessions = []
        try:
            sessions = [LoadSession(self, i, user)
                        for i, user in enumerate(self.users())]
            self.say('creating %d volumes load-0..load-%d'
                     % (len(sessions), len(sessions) - 1))
            self.create_volumes(sessions)
            self.stats = Stats()   # the clock starts now
            self.deadline = now() + self.time_limit
            for session in sessions:
                session.stats = session.web.stats = self.stats
            self._drive(sessions)
        finally:
            if self.server is not None:
                self.server.stop()
            self.leftovers = inventory.check_and_clean(
                {s.volume_id for s in sessions if s.volume_id}, self.stats,
                self.cleanup_problems)
        self.elapsed = self.stats.t()
        self.total = now() - self.began
        return report.build(self)

    def _drive(self, sessions):
        self.connections = ConnectionWatch(self.server.process.pid)
        self.connections.thread.start()
        try:
            self._drive_sessions(sessions)
        finally:
            self.connections.stop.set()

    def _drive_sessions(self, sessions):
        if self.restart_cinder:
            planned = len(sessions) * self.rounds
            self.outage = Outage(self, planned, self.probe_row_update)
            self.outage.probe.stats = self.stats
            self.outage.start()
        self.say('%d sessions x %d rounds, time limit %ss'
                 % (len(sessions), self.rounds, self.time_limit))
        threads = [threading.Thread(target=self._session, args=(s,),
                                    name=s.who, daemon=True)
                   for s in sessions]
        for thread in threads:
            thread.start()
        last = now()
        for thread in threads:
            while thread.is_alive() and now() < self.deadline + 30:
                thread.join(1)
                if now() - last >= 15:
                    last = now()
                    self.say('t+%.0fs: %d rounds done, %d failed, %d '
                             'requests, %d HTTP 5xx' % (
                                 self.stats.t(), self.stats.rounds_done,
                                 len(self.stats.rounds_failed),
                                 len(self.stats.requests),
                                 self.stats.count_500()))
        self.sessions_done.set()
        stuck = [t.name for t in threads if t.is_alive()]
        if stuck:
            self.stats.event('run', 'sessions still running at the time '
                             'limit', ', '.join(stuck))
        if self.outage:
            self.outage.join(max(1.0, self.deadline + 60 - now()))

    def _session(self, session):
        try:
            session.run_all()
        except StepFailed as exc:
            self.stats.event(session.who, 'SESSION FAILED', exc)
            with self.stats.lock:
                self.stats.rounds_failed.append((session.who, 0, str(exc)))
        except Exception as exc:  # a bug of this script: report, go on
            self.stats.event(session.who, 'SESSION CRASHED',
                             '%s: %s' % (type(exc).__name__, exc))
            with self.stats.lock:
                self.stats.rounds_failed.append((session.who, 0, repr(exc)))
