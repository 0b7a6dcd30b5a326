"""tools/demo serves Horizon with the plugin, and Ctrl-C leaves nothing.

Runs the real script in a terminal, with a dev cloud of its own (other
ports, another state folder sharing the installed cloud venv).
"""

import os
import pty
import select
import signal
import socket
import time

import requests

from tools.devkit import dev_server
from tools.devkit import identities
from volsnap_dashboard.devenv import source_tree


def _read_until(fd, marker, timeout):
    output = b''
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and marker not in output:
        ready, _, _ = select.select([fd], [], [], 1)
        if ready:
            try:
                output += os.read(fd, 65536)
            except OSError:
                break
    return output


def _port_open(port):
    with socket.socket() as sock:
        return sock.connect_ex(('127.0.0.1', port)) == 0


def test_demo_serves_and_ctrl_c_stops_everything(tmp_path):
    state = tmp_path / 'devcloud'
    state.mkdir()
    os.symlink(os.path.join(source_tree.REPO_ROOT, '.devcloud', 'venv'),
               state / 'venv')
    ports = {'VOLSNAP_KEYSTONE_PORT': dev_server.free_port(),
             'VOLSNAP_CINDER_PORT': dev_server.free_port(),
             'VOLSNAP_DEMO_PORT': dev_server.free_port()}
    env = dict(os.environ, VOLSNAP_DEVCLOUD_DIR=str(state),
               **{key: str(value) for key, value in ports.items()})
    pid, fd = pty.fork()
    if pid == 0:
        # As in a terminal: a runner that started the tests in the
        # background hands down SIGINT ignored, which no trap can undo.
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.chdir(source_tree.REPO_ROOT)
        os.execvpe('tools/demo', ['tools/demo'], env)
    try:
        output = _read_until(fd, b'Quit the server with CONTROL-C', 240)
        assert b'Log in as demo' in output, output[-2000:]
        url = 'http://127.0.0.1:%d' % ports['VOLSNAP_DEMO_PORT']
        session = requests.Session()
        login = session.get(url + '/auth/login/', timeout=30)
        assert login.status_code == 200
        landing = session.post(url + '/auth/login/', timeout=60, data={
            'csrfmiddlewaretoken': session.cookies['csrftoken'],
            'username': 'demo', 'password': identities.password('demo'),
            'region': 'default',
        }, headers={'Referer': url + '/auth/login/'})
        assert landing.status_code == 200
        assert landing.url.endswith('/project/volume_protection/')
        assert 'demo-web' in session.get(
            url + '/project/volume_protection/protect/', timeout=30).text

        os.write(fd, b'\x03')  # Ctrl-C, as typed in the terminal
        output += _read_until(fd, b'devcloud: down', 120)
        assert b'devcloud: down' in output, output[-2000:]
        _, status = os.waitpid(pid, 0)
        pid = None
        for port in ports.values():
            assert not _port_open(port), port
    finally:
        if pid:
            os.kill(pid, signal.SIGTERM)
            os.waitpid(pid, 0)
        os.close(fd)
