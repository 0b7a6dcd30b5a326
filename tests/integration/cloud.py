"""The dev cloud as the integration tests see it: tools/devkit's users,
passwords and Cinder helper, under the names the tests use."""

from tools.devkit import identities
from tools.devkit.cinder import cinder_as  # noqa: F401
from tools.devkit.cinder import keystone_session  # noqa: F401
from tools.devkit.cinder import snapshots_in_use  # noqa: F401
from tools.devkit.identities import PROJECT_OF  # noqa: F401
from tools.devkit.identities import password  # noqa: F401

KEYSTONE_URL = identities.keystone_url()
CINDER_PORT = identities.cinder_port()
