"""Keystone trusts: how the scheduler acts for a tenant without holding a
password, token or secret of the tenant's.

A schedule stores only a trust id. The trust delegates the owner's role in
the volume's project to the scheduler's service user (impersonation on, so
that what the scheduler creates is the tenant's, under Cinder's policy for
that user). The service user then authenticates with its own password and
the trust id, and gets a token scoped to the tenant's project.

keystoneauth1 and python-keystoneclient only: the scheduler runs without
Horizon. The panels reach create_trust/delete_trust through
:mod:`volsnap_dashboard.api.keystone`, with a session of the user's token.
"""

import dataclasses
import datetime
from http import cookiejar as http_cookiejar
import logging
import threading

from keystoneauth1 import exceptions as ks_exc
from keystoneauth1 import session as ks_session
from keystoneauth1.identity import v3
from keystoneclient.v3 import client as ks_client
import requests

from volsnap_dashboard.api import errors

LOG = logging.getLogger(__name__)

# Renew a trust's token this long before it expires, so that a run that
# starts with it does not lose it half way through.
REFRESH_MARGIN = datetime.timedelta(minutes=5)
# A service login checked good stands for this long: a sweep meeting a
# hundred deleted trusts checks it once, not a hundred times.
SERVICE_CHECK_VALID = datetime.timedelta(minutes=1)
USER_AGENT = 'volsnap-scheduler'

# Keystone was not reached or failed: says nothing about the trust.
_UNREACHABLE = (ks_exc.ConnectionError, ks_exc.RequestTimeout,
                ks_exc.HttpServerError, requests.RequestException)
# Keystone's answers when a trust no longer gives a token: deleted or
# expired (401 or 404), trustor disabled (401), role lost (403 "Trustee
# has no delegated roles.").
_REFUSED = (ks_exc.Unauthorized, ks_exc.Forbidden, ks_exc.NotFound)

def _utcnow():
    return datetime.datetime.now(datetime.timezone.utc)

def _reason(exc):
    """Keystone's own words, when the answer carried them."""
    try:
        reason = exc.response.json()['error']['message']
    except (AttributeError, KeyError, TypeError, ValueError):
        reason = None
    if isinstance(reason, str) and reason.strip():
        return reason.strip()
    return str(getattr(exc, 'message', None) or exc)

def _keystone(session, interface):
    return ks_client.Client(session=session, interface=interface)

def create_trust(session, trustor_user_id, trustee_user_id, project_id,
                 role_names=('member',), impersonation=True,
                 interface='public', expires_at=None):
    """Create a trust with the trustor's own ``session``; its id
    (expiring at ``expires_at``, an aware datetime, if given).

    Keystone accepts only the trustor's token (not a trust-scoped one, not
    an application credential's), and only roles the trustor holds in
    ``project_id``.
    """
    try:
        trust = _keystone(session, interface).trusts.create(
            trustee_user=trustee_user_id, trustor_user=trustor_user_id,
            project=project_id, role_names=list(role_names),
            impersonation=impersonation, expires_at=expires_at)
    except _UNREACHABLE as exc:
        raise errors.IdentityUnavailable() from exc
    except ks_exc.ClientException as exc:
        LOG.info("Keystone refused a trust for project %s: %s",
                 project_id, type(exc).__name__)
        raise errors.TrustRefused(detail=_reason(exc)) from exc
    LOG.info("Created trust %s (project %s, trustee %s)", trust.id,
             project_id, trustee_user_id)
    return trust.id

_GONE = object()

def _answer(call):
    """What ``call()`` (a Keystone trust call) returns, _GONE if Keystone
    no longer has the trust; errors translated."""
    try:
        return call()
    except ks_exc.NotFound:
        return _GONE
    except _UNREACHABLE as exc:
        raise errors.IdentityUnavailable() from exc
    except ks_exc.ClientException as exc:
        raise errors.TrustRefused(detail=_reason(exc)) from exc

def proves_schedule(trust, owner_id, project_id, scheduler_user_id):
    """Whether ``trust`` (as Keystone has it) is the one a schedule's
    owner gave the scheduler in the schedule's project. A schedule's
    trust id is the tenant's writing and may name any trust of the cloud:
    only a proved one is deleted with the schedule."""
    return (getattr(trust, 'trustor_user_id', None) == owner_id
            and getattr(trust, 'project_id', None) == project_id
            and getattr(trust, 'trustee_user_id', None) == scheduler_user_id)


def get_trust(session, trust_id, interface='public'):
    """The trust as Keystone has it (its trustor or trustee may read it);
    errors.NotFound if it is gone."""
    trust = _answer(lambda: _keystone(session, interface).trusts.get(
        trust_id))
    if trust is _GONE:
        raise errors.NotFound()
    return trust


def delete_trust(session, trust_id, interface='public'):
    """Delete a trust; False if it was already gone."""
    if _answer(lambda: _keystone(session, interface).trusts.delete(
            trust_id)) is _GONE:
        return False
    LOG.info("Deleted trust %s", trust_id)
    return True

def drop_quietly(delete, trust_id):
    """``delete(trust_id)`` for a trust nothing uses any more: a failure
    is logged, never the user's problem (the trust expires or is left).
    Whether it is gone."""
    try:
        delete(trust_id)
    except errors.VolsnapAPIError as exc:
        LOG.warning("Trust %s was left in place: %s", trust_id,
                    type(exc).__name__)
        return False
    return True


def write_with_trust(trust_id, write, written, delete):
    """Call ``write()``, which stores the new trust ``trust_id`` where the
    scheduler reads it; ``delete(trust_id)`` deletes the trust again
    unless it was stored: ``write`` failed, or its answer was lost
    (OutcomeUnknown) and ``written()`` says it was not stored. The
    write's error is raised."""
    try:
        write()
    except errors.OutcomeUnknown:
        if written():
            return
        drop_quietly(delete, trust_id)
        raise
    except Exception:
        drop_quietly(delete, trust_id)
        raise


def shared_http():
    """A connection pool for the scheduler's many sessions. It is shared
    by every tenant's session, so it must never keep a cookie."""
    http = requests.Session()
    http.cookies.set_policy(
        http_cookiejar.DefaultCookiePolicy(allowed_domains=[]))
    adapter = ks_session.TCPKeepAliveAdapter()
    for scheme in ('http://', 'https://'):
        http.mount(scheme, adapter)
    return http

def service_session(auth_url, service_user, service_password,
                    user_domain='Default', project_name='service',
                    project_domain='Default', verify=True, timeout=30,
                    http=None):
    """The service user's own session, scoped to its project (for the
    one cross-project listing of scheduled volumes)."""
    auth = v3.Password(
        auth_url=auth_url, username=service_user, password=service_password,
        user_domain_name=user_domain, project_name=project_name,
        project_domain_name=project_domain)
    return ks_session.Session(auth=auth, session=http, verify=verify,
                              timeout=timeout, user_agent=USER_AGENT)

class _TrustPassword(v3.Password):
    """The service user's password with a trust id: a token scoped to the
    trustor's project. Refusals become AuthorizationLost wherever the
    token is (re)fetched, also when Cinder's 401 makes keystoneauth
    authenticate again in the middle of a run."""

    def __init__(self, on_refused, **kwargs):
        super().__init__(**kwargs)
        self._on_refused = on_refused

    def get_auth_ref(self, session, **kwargs):
        try:
            return super().get_auth_ref(session, **kwargs)
        except _REFUSED as exc:
            raise self._on_refused(self.trust_id, exc) from exc
        except _UNREACHABLE as exc:
            raise errors.IdentityUnavailable() from exc

@dataclasses.dataclass(frozen=True)
class _Entry:
    session: ks_session.Session
    project_id: str
    expires: datetime.datetime
    trustor_id: str | None = None

class TrustSessions:
    """Trust-scoped keystoneauth sessions of the scheduler's service user,
    one per trust, kept until shortly before their token expires: a sweep
    with nothing due asks Keystone for nothing. :meth:`prune` drops those
    of trusts no longer named."""

    def __init__(self, auth_url, service_user, service_password,
                 user_domain='Default', verify=True, timeout=30,
                 refresh_margin=REFRESH_MARGIN, clock=_utcnow, http=None):
        self._auth_url = auth_url
        self._service_user = service_user
        self._service_password = service_password
        self._user_domain = user_domain
        self._verify = verify
        self._timeout = timeout
        self._margin = refresh_margin
        self._clock = clock
        self._http = http or shared_http()
        self._entries = {}
        self._lock = threading.Lock()
        # When the service user's own login last succeeded (clock time).
        self._service_ok_at = None

    def _cached(self, trust_id):
        with self._lock:
            entry = self._entries.get(trust_id)
        if entry is not None and entry.expires - self._margin > self._clock():
            return entry
        return None

    def _entry(self, trust_id):
        entry = self._cached(trust_id)
        if entry is None:
            entry = self._authenticate(trust_id)
        return entry

    def session_for(self, trust_id):
        """A session acting as the trustor, in the trustor's project.

        Raises AuthorizationLost if Keystone no longer honours the trust,
        IdentityUnavailable if Keystone cannot be reached.
        """
        return self._entry(trust_id).session

    def project_of(self, trust_id):
        """The project the trust's token is scoped to."""
        return self._entry(trust_id).project_id

    def trustor_of(self, trust_id):
        """The user who gave the trust (the trust-scoped token names it),
        None if Keystone did not say."""
        return self._entry(trust_id).trustor_id

    def forget(self, trust_id):
        with self._lock:
            self._entries.pop(trust_id, None)

    def prune(self, named):
        """Keep only the sessions of the trusts ``named`` (those a sweep
        listed) whose token has not expired: a long-running scheduler
        keeps none for schedules deleted since."""
        now = self._clock()
        with self._lock:
            for trust_id in [trust_id for trust_id, entry
                             in self._entries.items()
                             if trust_id not in named or entry.expires <= now]:
                del self._entries[trust_id]

    def __len__(self):
        with self._lock:
            return len(self._entries)

    def _authenticate(self, trust_id):
        auth = _TrustPassword(
            self._refused, auth_url=self._auth_url,
            username=self._service_user, password=self._service_password,
            user_domain_name=self._user_domain, trust_id=trust_id)
        session = ks_session.Session(
            auth=auth, session=self._http, verify=self._verify,
            timeout=self._timeout, user_agent=USER_AGENT)
        access = auth.get_access(session)
        entry = _Entry(session, access.project_id, access.expires,
                       access.trustor_user_id)
        with self._lock:
            self._entries[trust_id] = entry
        return entry

    def _refused(self, trust_id, exc):
        """The error for Keystone refusing a trust's token.

        A wrong service password is refused with the same 401 as a deleted
        trust; it must not mark every schedule as having lost its
        authorization, so the service user's own login is checked first.
        """
        self.forget(trust_id)
        if isinstance(exc, ks_exc.Unauthorized) and not self._service_ok():
            LOG.error("Keystone refused the scheduler's service user %s: "
                      "check its name, domain and password",
                      self._service_user)
            return errors.ServiceUserRefused()
        LOG.info("Trust %s no longer gives a token: %s", trust_id,
                 _reason(exc))
        return errors.AuthorizationLost(detail=_reason(exc))

    def _service_ok(self):
        checked = self._service_ok_at
        if checked is not None and \
                self._clock() - checked < SERVICE_CHECK_VALID:
            return True
        auth = v3.Password(
            auth_url=self._auth_url, username=self._service_user,
            password=self._service_password,
            user_domain_name=self._user_domain, unscoped=True)
        session = ks_session.Session(auth=auth, session=self._http,
                                     verify=self._verify,
                                     timeout=self._timeout,
                                     user_agent=USER_AGENT)
        try:
            auth.get_access(session)
        except ks_exc.Unauthorized:
            self._service_ok_at = None
            return False
        except _UNREACHABLE as exc:
            raise errors.IdentityUnavailable() from exc
        self._service_ok_at = self._clock()
        return True
