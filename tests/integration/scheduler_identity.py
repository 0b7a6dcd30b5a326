"""The scheduler's service user on the dev cloud, as api.trusts sees it."""

from tools.devkit import identities
from volsnap_dashboard.api import trusts


def user_id():
    found = identities.scheduler_user_id()
    assert found, ('the dev cloud recorded no scheduler user '
                   '(tools/devcloud up creates it)')
    return found


def trust_sessions(**kwargs):
    return trusts.TrustSessions(
        identities.keystone_url(), identities.SCHEDULER_USER,
        identities.password(identities.SCHEDULER_USER),
        identities.DOMAIN, **kwargs)


def service_session():
    return trusts.service_session(
        identities.keystone_url(), identities.SCHEDULER_USER,
        identities.password(identities.SCHEDULER_USER),
        user_domain=identities.DOMAIN,
        project_name=identities.PROJECT_OF[identities.SCHEDULER_USER])
