"""The scheduler's Cinder clients: the service user's, and one per trust.

The service user's client is built here and handed out only inside an
admin_calls.AdminCinder, whose few calls admin_calls.py lists (listings,
one read, the state of a schedule whose trust cannot be used).
Everything done in a project uses the trust's session (api.trusts, cached
until shortly before its token expires, and while a sweep lists the
trust: service.py prunes the rest after each sweep), so snapshots belong
to the tenant's project and Cinder's policy applies as for the tenant.
Both go through one HTTP transport, ``Clients.http`` (wire.py counts
the errors there).
"""


from volsnap_dashboard.api import service_clients
from volsnap_dashboard.api import trusts
from volsnap_dashboard.protection import times
from volsnap_dashboard.scheduler import admin_calls
from volsnap_dashboard.scheduler import run


class Clients:
    def __init__(self, config, trust_sessions=None,
                 cinder_for=service_clients.cinder_for, http=None):
        self.config = config
        self.http = http or trusts.shared_http()
        self._cinder_for = cinder_for
        self._admin = None
        self._service_session = None
        if trust_sessions is None:
            # (An empty TrustSessions is falsy: it has a length.)
            trust_sessions = trusts.TrustSessions(
                config.keystone_url, config.username, config.password,
                user_domain=config.user_domain, clock=times.now,
                http=self.http)
        self.trust_sessions = trust_sessions

    def service_session(self):
        if self._service_session is None:
            self._service_session = trusts.service_session(
                self.config.keystone_url, self.config.username,
                self.config.password, user_domain=self.config.user_domain,
                project_name=self.config.project_name,
                project_domain=self.config.project_domain, http=self.http)
        return self._service_session

    def _new_admin(self):
        return admin_calls.AdminCinder(self._cinder_for(
            self.service_session(), self.config.region,
            self.config.interface))

    def admin(self):
        """The service user's Cinder client, as an admin_calls.AdminCinder
        (the only way out of here)."""
        if self._admin is None:
            self._admin = self._new_admin()
        return self._admin

    def renegotiate(self):
        """Negotiate Cinder's microversion again, after Cinder refused
        the one negotiated (406: a rolled-back deployment): the service
        user's client, which the sweep holds, is rebuilt at the new one,
        and tenants' clients are built at it from now on. Raises
        VolsnapAPIError if Cinder cannot be asked."""
        service_clients.forget_negotiated_versions()
        if self._admin is not None:
            self._admin.renew(self._new_admin())

    def tenant_client(self, trust_id):
        """The tenant's client through ``trust_id``; raises
        errors.AuthorizationLost when Keystone no longer honours it."""
        session = self.trust_sessions.session_for(trust_id)
        project_id = self.trust_sessions.project_of(trust_id)
        return run.TenantClient(
            self._cinder_for(session, self.config.region,
                             self.config.interface), project_id,
            trustor_id=self.trust_sessions.trustor_of(trust_id))
