"""The scheduler's Cinder clients: the service user's, and one per trust.

The service user's client is built here and handed out only inside an
admin_calls.AdminCinder, whose few calls admin_calls.py lists (listings,
one read, the state of a schedule whose trust cannot be used).
Everything done in a project uses the trust's session (api.trusts, cached
until shortly before its token expires), so snapshots belong to the
tenant's project and Cinder's policy applies as for the tenant.
"""

from volsnap_dashboard.api import errors
from volsnap_dashboard.api import service_clients
from volsnap_dashboard.api import trusts
from volsnap_dashboard.scheduler import admin_calls
from volsnap_dashboard.scheduler import run


class Clients:
    def __init__(self, config, trust_sessions=None,
                 cinder_for=service_clients.cinder_for):
        self.config = config
        self._cinder_for = cinder_for
        self._admin = None
        self._service_session = None
        self.trust_sessions = trust_sessions or trusts.TrustSessions(
            config.keystone_url, config.username, config.password,
            user_domain=config.user_domain)

    def service_session(self):
        if self._service_session is None:
            self._service_session = trusts.service_session(
                self.config.keystone_url, self.config.username,
                self.config.password, user_domain=self.config.user_domain,
                project_name=self.config.project_name,
                project_domain=self.config.project_domain)
        return self._service_session

    def admin(self):
        """The service user's Cinder client, as an admin_calls.AdminCinder
        (the only way out of here)."""
        if self._admin is None:
            self._admin = admin_calls.AdminCinder(self._cinder_for(
                self.service_session(), self.config.region,
                self.config.interface))
        return self._admin

    def forget_trust(self, trust_id, project_id):
        """Delete a trust given to the service user for one task in
        ``project_id`` (the trustee may: Keystone's default policy); False
        if it no longer gives a token, errors.TrustRefused if it acts in
        another project or Keystone refused, IdentityUnavailable."""
        try:
            acts_in = self.trust_sessions.project_of(trust_id)
        except errors.AuthorizationLost:
            return False
        if acts_in != project_id:
            raise errors.TrustRefused(
                detail='it acts in project %s, not in %s'
                % (acts_in, project_id))
        self.trust_sessions.forget(trust_id)
        return trusts.delete_trust(self.service_session(), trust_id,
                                   interface=self.config.interface)

    def tenant_client(self, trust_id):
        """The tenant's client through ``trust_id``; raises
        errors.AuthorizationLost when Keystone no longer honours it."""
        session = self.trust_sessions.session_for(trust_id)
        project_id = self.trust_sessions.project_of(trust_id)
        return run.TenantClient(
            self._cinder_for(session, self.config.region,
                             self.config.interface), project_id)
