"""Two Horizon nodes sharing one real memcached (Debian's, started here) as
their cache, and one session store (signed cookies, one SECRET_KEY): a form
opened on one node, submitted on the other and replayed on the first
creates once."""

import os
import shutil
import socket
import subprocess

import pytest
import requests

from tools.devkit import cinder as devcloud
from tools.devkit import dev_server
from tools.devkit import page_parser
from tools.devkit import processes
from volsnap_dashboard.devenv import source_tree

ARTIFACTS = os.path.join(source_tree.REPO_ROOT, 'test-artifacts')
PROTECT = '/project/volume_protection/protect/'
SNAPSHOT_NAME = 'itest-multinode'


class Memcached:
    """Debian's memcached on a free port of 127.0.0.1."""

    def __init__(self, log_path):
        binary = shutil.which('memcached') or '/usr/bin/memcached'
        if not os.access(binary, os.X_OK):
            pytest.fail('memcached is not installed (tools/setup installs '
                        "Debian's package)")
        self.port = dev_server.free_port()
        self.location = '127.0.0.1:%d' % self.port
        command = [binary, '-l', '127.0.0.1', '-p', str(self.port),
                   '-U', '0', '-m', '16']
        if os.geteuid() == 0:
            command += ['-u', 'root']  # memcached refuses root otherwise
        self.log = open(log_path, 'w')
        self.process = subprocess.Popen(command, stdout=self.log,
                                        stderr=subprocess.STDOUT)
        self._wait()

    def version(self):
        with socket.create_connection(('127.0.0.1', self.port),
                                      timeout=2) as sock:
            sock.sendall(b'version\r\n')
            return sock.recv(100).decode()

    def _wait(self, timeout=20):
        try:
            processes.wait_until_serving(
                self.process, lambda: self.version().startswith('VERSION'),
                'memcached', self.log.name, timeout, interval=0.1)
        except processes.NotServing as exc:
            self.stop()
            pytest.fail(str(exc))

    def stop(self):
        processes.stop(self.process)
        self.log.close()


@pytest.fixture(scope='module')
def memcached():
    os.makedirs(ARTIFACTS, exist_ok=True)
    server = Memcached(os.path.join(ARTIFACTS, 'memcached.log'))
    yield server
    server.stop()


@pytest.fixture(scope='module')
def nodes(memcached):
    """Two dev servers: separate processes, one memcached, one SECRET_KEY
    (the tests' environment), so that a session cookie works on both."""
    started = []
    try:
        for number in (1, 2):
            started.append(dev_server.DevServer(
                os.path.join(ARTIFACTS, 'multinode-node%d.log' % number),
                env={'VOLSNAP_MEMCACHED': memcached.location}))
        yield started
    finally:
        for server in started:
            server.stop()


def log_in(http, node, username):
    page = http.get(node.url + page_parser.LOGIN, timeout=60)
    assert page.status_code == 200, page.status_code
    landing = http.post(node.url + page_parser.LOGIN,
                        page_parser.login_form(page.text, username),
                        timeout=60)
    assert landing.status_code == 200, landing.status_code
    assert landing.url.startswith(node.url + '/project/volume_protection/'), \
        landing.url


def post(http, node, path, form):
    """POST as the browser does, with the CSRF token from the cookie."""
    return http.post(node.url + path, form, allow_redirects=False,
                     timeout=60,
                     headers={'X-CSRFToken': http.cookies['csrftoken']})


def test_a_form_replayed_on_another_node_creates_once(nodes, demo_volume):
    node1, node2 = nodes
    assert node1.process.pid != node2.process.pid
    demo = devcloud.cinder_as('demo')
    # One browser: cookies for 127.0.0.1 go to both ports, as they would to
    # both nodes behind one load balancer.
    http = requests.Session()
    log_in(http, node1, 'demo')

    page = http.get(node1.url + PROTECT, timeout=60)
    assert page.status_code == 200, page.status_code
    form = {'submission': page_parser.parse(page.text).inputs['submission'],
            'volumes': [demo_volume.id],
            'option_snapshot_name': SNAPSHOT_NAME,
            'option_description': 'opened on node 1, sent to node 2'}

    try:
        first = post(http, node2, PROTECT, form)
        assert first.status_code == 302, first.status_code
        replay = post(http, node1, PROTECT, form)
        assert replay.status_code < 500, replay.status_code
    finally:
        snapshots = [s for s in demo.volume_snapshots.list()
                     if s.name == SNAPSHOT_NAME]
        for snapshot in snapshots:
            devcloud.until_status(demo.volume_snapshots, snapshot.id,
                                 'available')
            devcloud.delete_and_wait(demo.volume_snapshots, snapshot.id)
    assert [s.volume_id for s in snapshots] == [demo_volume.id]
