"""Horizon with the plugin in a process of its own: `manage.py runserver`
on a free port (the load run and the integration tests serve it so)."""

import os
import socket
import subprocess
import sys

import requests

from tools.devkit import processes
from volsnap_dashboard.devenv import source_tree


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class DevServer:
    def __init__(self, log_path, env=None):
        """``env``: variables to set for this server only (such as
        VOLSNAP_MEMCACHED), over the tests' own environment."""
        self.port = free_port()
        self.url = 'http://127.0.0.1:%d' % self.port
        self.log = open(log_path, 'w')
        env = dict(os.environ, **(env or {}),
                   DJANGO_SETTINGS_MODULE='volsnap_dashboard.devenv.settings')
        self.process = subprocess.Popen(
            [sys.executable, 'manage.py', 'runserver', '--noreload',
             '127.0.0.1:%d' % self.port],
            cwd=source_tree.REPO_ROOT, env=env, stdout=self.log,
            stderr=subprocess.STDOUT)
        self._wait()

    def _wait(self, timeout=60):
        def answers():
            requests.get(self.url + '/auth/login/', timeout=2)
            return True
        try:
            processes.wait_until_serving(self.process, answers,
                                         'the dev server', self.log.name,
                                         timeout)
        except processes.NotServing:
            self.stop()
            raise

    def stop(self):
        processes.stop(self.process)
        self.log.close()
