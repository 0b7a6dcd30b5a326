"""A proxy in front of the dev cloud's real Cinder that can misbehave the
way balancers and maintenance pages do: answer 200 with an HTML page or an
empty body, lose the answer to a create after Cinder acted on it (504), or
refuse the first request's microversion (406)."""

from http import client as http_client
from http import server
import threading

from tools.devkit import identities


class _Handler(server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    proxy = None  # set per server

    def _forward(self):
        length = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(length) if length else None
        upstream = http_client.HTTPConnection('127.0.0.1',
                                              int(identities.cinder_port()),
                                              timeout=60)
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() not in ('host', 'connection')}
        upstream.request(self.command, self.path, body=body,
                         headers=headers)
        response = upstream.getresponse()
        data = response.read()
        upstream.close()
        return response, data

    def _answer(self, status, body=b'', content_type='application/json',
                headers=()):
        self.send_response(status)
        self.send_header('Content-Type', content_type)
        self.send_header('Content-Length', str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _handle(self):
        rule = self.proxy.rule_for(self.command, self.path)
        if rule in ('html', 'empty', 'refuse-version'):
            # Not forwarded, but its body is read all the same: left in
            # the kept-alive connection, it would begin the next request.
            self.rfile.read(int(self.headers.get('Content-Length') or 0))
        if rule == 'html':
            return self._answer(200, b'<html><body>Down for maintenance'
                                     b'</body></html>', 'text/html')
        if rule == 'empty':
            return self._answer(200)
        if rule == 'refuse-version':
            return self._answer(406, b'{"computeFault": {"code": 406, '
                                     b'"message": "Version is not '
                                     b'supported by the API."}}')
        response, data = self._forward()
        if rule == 'lose-answer':
            return self._answer(504, b'<html>Gateway Timeout</html>',
                                'text/html')
        self._answer(response.status, data,
                     response.getheader('Content-Type', 'application/json'),
                     [(k, v) for k, v in response.getheaders()
                      if k.lower().startswith(('openstack-api-version',
                                               'x-openstack'))])

    do_GET = do_POST = do_PUT = do_DELETE = _handle

    def log_message(self, *args):
        pass


class CinderProxy:
    """``rules``: (method, path part, what to do, how many times)."""

    def __init__(self):
        self.rules = []
        self.lock = threading.Lock()
        handler = type('Handler', (_Handler,), {'proxy': self})
        self.httpd = server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever,
                         daemon=True).start()
        self.url = 'http://127.0.0.1:%d' % self.httpd.server_address[1]

    def add(self, method, path_part, what, times=1):
        with self.lock:
            self.rules.append([method, path_part, what, times])

    def rule_for(self, method, path):
        with self.lock:
            for rule in self.rules:
                if rule[0] == method and rule[1] in path and rule[3] > 0:
                    rule[3] -= 1
                    return rule[2]
        return None

    def endpoint_for(self, request):
        return '%s/v3/%s' % (self.url, request.user.project_id)

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
