"""A small Keystone (and Cinder version root) behind a requests transport
adapter: keystoneauth sessions run for real, only the wire is fake."""

import datetime
import json
import uuid

import requests
from requests import adapters

AUTH_URL = 'http://keystone.example.com/v3'
CINDER_ROOT = 'http://cinder.example.com:8776'
SERVICE_USER = 'volsnap-scheduler'
SERVICE_PASSWORD = 'secret-pw'  # noqa: S105


def _iso(moment):
    return moment.strftime('%Y-%m-%dT%H:%M:%S.000000Z')


class Clock:
    """Now, as the test decides: Keystone's and the scheduler's."""

    def __init__(self):
        self.now = datetime.datetime.now(datetime.timezone.utc)

    def __call__(self):
        return self.now


class Trust:
    def __init__(self, project_id, trustor_id='trustor-1'):
        self.id = uuid.uuid4().hex
        self.project_id = project_id
        self.trustor_id = trustor_id
        # None (honoured), or (status, message) as Keystone refuses it.
        self.refusal = None


class FakeKeystone(adapters.BaseAdapter):
    """Mount on a requests.Session; records every request it answers."""

    def __init__(self, token_lifetime=datetime.timedelta(hours=1)):
        super().__init__()
        self.token_lifetime = token_lifetime
        self.clock = Clock()
        self.trusts = {}
        self.requests = []
        self.unreachable = False
        self.cinder_max = '3.71'
        self.catalog_types = ('block-storage', 'volumev3')
        # Tokens Cinder refuses with a 401 (revoked in Keystone); each
        # token issued, in order.
        self.revoked = set()
        self.issued = []
        # Cinder refuses every token (its own credentials are wrong).
        self.cinder_refuses_all = False

    def http(self):
        session = requests.Session()
        session.mount('http://', self)
        return session

    def token_requests(self):
        return [r for r in self.requests
                if r.method == 'POST' and r.url.endswith('/auth/tokens')]

    def close(self):
        pass

    # -- the wire -----------------------------------------------------------

    def send(self, request, **kwargs):
        self.requests.append(request)
        if self.unreachable:
            raise requests.ConnectionError('connection refused')
        body = json.loads(request.body) if request.body else None
        url = request.url
        if url == AUTH_URL + '/auth/tokens' and request.method == 'POST':
            return self._token(request, body)
        if url.startswith(AUTH_URL + '/OS-TRUST/trusts'):
            return self._trusts(request, body)
        if url.startswith(CINDER_ROOT + '/v3/'):
            return self._cinder(request)
        if url.rstrip('/') == CINDER_ROOT:
            return self._respond(request, 300, {'versions': [{
                'id': 'v3.0', 'status': 'CURRENT',
                'version': self.cinder_max, 'min_version': '3.0',
                'links': [{'rel': 'self',
                           'href': CINDER_ROOT + '/v3/'}]}]})
        return self._respond(request, 404, {'error': {
            'code': 404, 'message': 'no fake for %s' % url}})

    def _cinder(self, request):
        """Cinder's volume listing, to whoever holds a token not
        revoked."""
        if self.cinder_refuses_all or \
                request.headers.get('X-Auth-Token') in self.revoked:
            return self._error(request, 401, 'The request you have made '
                               'requires authentication.')
        return self._respond(request, 200, {'volumes': []})

    def _respond(self, request, status, body, headers=None):
        response = requests.Response()
        response.status_code = status
        response.request = request
        response.url = request.url
        response.headers['Content-Type'] = 'application/json'
        response.headers.update(headers or {})
        response._content = json.dumps(body).encode() if body else b''
        return response

    def _error(self, request, status, message):
        return self._respond(request, status, {'error': {
            'code': status, 'message': message, 'title': 'Refused'}})

    def _token(self, request, body):
        identity = body['auth']['identity']
        user = identity['password']['user']
        if (user['name'], user['password']) != (SERVICE_USER,
                                                SERVICE_PASSWORD):
            return self._error(request, 401,
                               'The request you have made requires '
                               'authentication.')
        scope = body['auth'].get('scope') or {}
        project_id = None
        if 'OS-TRUST:trust' in scope:
            trust = self.trusts.get(scope['OS-TRUST:trust']['id'])
            if trust is None:
                return self._error(request, 404, 'Could not find trust.')
            if trust.refusal:
                return self._error(request, *trust.refusal)
            project_id = trust.project_id
        elif 'project' in scope:
            project_id = 'service-project'
        now = self.clock()
        token = {
            'methods': ['password'],
            'user': {'id': 'scheduler-id', 'name': SERVICE_USER,
                     'domain': {'id': 'default', 'name': 'Default'}},
            'issued_at': _iso(now),
            'expires_at': _iso(now + self.token_lifetime),
            'audit_ids': [uuid.uuid4().hex],
        }
        if project_id:
            token['project'] = {'id': project_id, 'name': project_id,
                                'domain': {'id': 'default',
                                           'name': 'Default'}}
            token['roles'] = [{'id': 'r1', 'name': 'member'}]
            token['catalog'] = [
                {'type': service_type, 'name': 'cinder', 'id': service_type,
                 'endpoints': [
                     {'interface': interface, 'region': 'RegionOne',
                      'region_id': 'RegionOne', 'id': interface,
                      'url': '%s/v3/%s' % (CINDER_ROOT, project_id)}
                     for interface in ('public', 'internal')]}
                for service_type in self.catalog_types]
        self.issued.append(uuid.uuid4().hex)
        return self._respond(request, 201, {'token': token},
                             {'X-Subject-Token': self.issued[-1]})

    def _trusts(self, request, body):
        if request.method == 'POST':
            trust_body = body['trust']
            if not trust_body.get('roles'):
                return self._error(request, 400, 'At least one role '
                                   'should be specified.')
            trust = Trust(trust_body['project_id'],
                          trust_body['trustor_user_id'])
            trust.body = trust_body
            self.trusts[trust.id] = trust
            return self._respond(request, 201, {'trust': dict(
                trust_body, id=trust.id)})
        if request.method == 'DELETE':
            trust_id = request.url.rsplit('/', 1)[1]
            if self.trusts.pop(trust_id, None) is None:
                return self._error(request, 404, 'Could not find trust.')
            return self._respond(request, 204, None)
        return self._error(request, 405, 'not faked')
