"""A Cinder that is down, broken or slow gives a clear, documented error.

The user is really logged in against the dev cloud; only the Block Storage
endpoint in their catalog is pointed at a closed port or at a tiny local
HTTP server that misbehaves.
"""

from http import server
import socket
import threading
import time

from django.test.utils import override_settings
import pytest

from tools.devkit import horizon_client
from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import errors


def _request_with_cinder_at(url):
    request = horizon_client.request_for(horizon_client.login('demo'))
    for service in request.user.service_catalog:
        if service['type'] in cinder.SERVICE_TYPES:
            for endpoint in service['endpoints']:
                endpoint['url'] = url + '/v3/' + request.user.project_id
    return request


def _closed_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class _Misbehaving(server.BaseHTTPRequestHandler):
    delay = 0
    status = 500

    def do_GET(self):
        time.sleep(self.delay)
        body = b'{"computeFault": {"code": 500, "message": "boom"}}'
        self.send_response(self.status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def misbehaving_cinder():
    servers = []

    def start(status=500, delay=0):
        handler = type('Handler', (_Misbehaving,),
                       {'status': status, 'delay': delay})
        httpd = server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
        httpd.daemon_threads = True
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        servers.append(httpd)
        return 'http://127.0.0.1:%d' % httpd.server_address[1]

    yield start
    for httpd in servers:
        httpd.shutdown()
        httpd.server_close()


def test_cinder_down(dev_cloud):
    request = _request_with_cinder_at('http://127.0.0.1:%d' % _closed_port())
    with pytest.raises(errors.ServiceUnavailable) as caught:
        cinder.volume_list(request)
    assert 'unavailable' in str(caught.value)


def test_cinder_answering_500(misbehaving_cinder):
    request = _request_with_cinder_at(misbehaving_cinder(status=500))
    with pytest.raises(errors.ServiceError) as caught:
        cinder.volume_list(request)
    assert 'internal error' in str(caught.value)
    assert 'boom' not in str(caught.value)


def test_cinder_answering_503(misbehaving_cinder):
    request = _request_with_cinder_at(misbehaving_cinder(status=503))
    with pytest.raises(errors.ServiceUnavailable):
        cinder.volume_list(request)


@override_settings(VOLSNAP_CINDER_TIMEOUT=0.5)
def test_cinder_too_slow(misbehaving_cinder):
    request = _request_with_cinder_at(misbehaving_cinder(delay=3))
    with pytest.raises(errors.ServiceUnavailable):
        cinder.volume_list(request)
