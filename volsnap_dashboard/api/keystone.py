"""Keystone calls, with the logged-in user's token, through Horizon."""

import logging

from openstack_dashboard.api import keystone as horizon_keystone

from volsnap_dashboard.api import errors

LOG = logging.getLogger(__name__)


def project_names(request):
    """Project id -> name for every project (one Keystone call)."""
    try:
        projects, _more = horizon_keystone.tenant_list(request)
    except Exception as exc:  # keystoneclient raises a wide family
        LOG.warning("Listing projects failed: %s", type(exc).__name__)
        raise errors.ServiceUnavailable(
            "The Identity service could not list projects.") from exc
    return {project.id: project.name for project in projects}
