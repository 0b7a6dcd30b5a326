"""Keystone calls, with the logged-in user's token, through Horizon."""

import dataclasses
import logging

from django.conf import settings
from keystoneauth1 import exceptions as ks_exc
from openstack_dashboard.api import keystone as horizon_keystone

from volsnap_dashboard.api import errors
from volsnap_dashboard.api import trusts

LOG = logging.getLogger(__name__)


def project_names(request):
    """Project id -> name for every project (one Keystone call)."""
    try:
        projects, _more = horizon_keystone.tenant_list(request)
    except Exception as exc:  # keystoneclient raises a wide family
        LOG.warning("Listing projects failed: %s", type(exc).__name__)
        raise errors.IdentityUnavailable() from exc
    return {project.id: project.name for project in projects}


def project_id_named(names, text):
    """The id of the one project called ``text`` in ``names`` (project
    id -> name, as project_names gives it), else ``text``, taken as an
    id."""
    matches = [project_id for project_id, name in names.items()
               if name == text]
    return matches[0] if len(matches) == 1 else text


def user_names(request):
    """User id -> name for every user the caller may list (one Keystone
    call; an administrator's)."""
    try:
        users = horizon_keystone.user_list(request)
    except Exception as exc:  # keystoneclient raises a wide family
        LOG.warning("Listing users failed: %s", type(exc).__name__)
        raise errors.IdentityUnavailable() from exc
    return {user.id: user.name for user in users}


def user_name(request, user_id):
    """The user's name where Keystone tells the caller (by its default
    policy: an administrator or reader of the user's domain, or the user
    itself); None where it does not (one call)."""
    try:
        return horizon_keystone.user_get(request, user_id, admin=False).name
    except Exception as exc:  # keystoneclient raises a wide family
        LOG.info("Keystone did not name user %s to the viewer: %s",
                 user_id, type(exc).__name__)
        return None


@dataclasses.dataclass(frozen=True)
class Trust:
    """Who gave a trust to whom, for which project."""
    id: str
    trustor_user_id: str
    trustee_user_id: str
    project_id: str


def trust_get(request, trust_id):
    """A Trust as Keystone has it (its trustor or trustee may read it, an
    administrator any); NotFound if it is gone, Forbidden if the caller
    may not read it."""
    try:
        trust = horizon_keystone.keystoneclient(request).trusts.get(
            trust_id)
    except ks_exc.NotFound as exc:
        raise errors.NotFound() from exc
    except (ks_exc.Forbidden, ks_exc.Unauthorized) as exc:
        raise errors.Forbidden() from exc
    except errors.VolsnapAPIError:
        raise
    except Exception as exc:  # Horizon and keystoneclient, a wide family
        LOG.warning("Reading trust %s failed: %s", trust_id,
                    type(exc).__name__)
        raise errors.IdentityUnavailable() from exc
    return Trust(id=trust.id,
                 trustor_user_id=getattr(trust, 'trustor_user_id', None),
                 trustee_user_id=getattr(trust, 'trustee_user_id', None),
                 project_id=getattr(trust, 'project_id', None))


def scheduling_configured():
    """Whether this dashboard knows the scheduler's service user, without
    which nothing can be handed to the scheduler (no call)."""
    return bool(getattr(settings, 'VOLSNAP_SCHEDULER_USER_ID', None))


def scheduler_user_id():
    """The scheduler's service user: the trustee of every schedule's
    trust (setting VOLSNAP_SCHEDULER_USER_ID)."""
    if not scheduling_configured():
        raise errors.SchedulingNotConfigured()
    return settings.VOLSNAP_SCHEDULER_USER_ID


def _user_session(request):
    # Horizon's client carries the user's own project-scoped token: the
    # trustor's, which is the only token Keystone lets create the trust.
    try:
        return horizon_keystone.keystoneclient(request).session
    except errors.VolsnapAPIError:
        raise
    except Exception as exc:  # Horizon raises its own family here
        LOG.warning("No Keystone client for the user: %s",
                    type(exc).__name__)
        raise errors.IdentityUnavailable() from exc


def trust_create(request, trustee_user_id=None, role_names=('member',),
                 expires_at=None):
    """A trust from the logged-in user to the scheduler (by default), in
    the user's current project, impersonation on (expiring at
    ``expires_at`` if given); its id."""
    return trusts.create_trust(
        _user_session(request), trustor_user_id=request.user.id,
        trustee_user_id=trustee_user_id or scheduler_user_id(),
        project_id=request.user.project_id, role_names=role_names,
        impersonation=True, expires_at=expires_at)


def trust_delete(request, trust_id):
    """Delete one of the user's trusts; False if it was already gone."""
    return trusts.delete_trust(_user_session(request), trust_id)


def drop_trust(request, trust_id):
    """Delete a trust that nothing uses any more, if the user may (only
    its trustor may): a failure is logged, never the user's problem.
    Whether it is gone."""
    return trusts.drop_quietly(lambda found: trust_delete(request, found),
                               trust_id)


def write_with_trust(request, trust_id, write, written):
    """Call ``write()``, which stores the new trust ``trust_id`` where the
    scheduler reads it; the trust is deleted again unless it was stored
    (see trusts.write_with_trust). The write's error is raised."""
    trusts.write_with_trust(
        trust_id, write, written,
        lambda found: trust_delete(request, found))
