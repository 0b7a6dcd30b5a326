"""Unit-test settings: Horizon's own test settings with the plugin enabled.

Real HTTP is blocked by Horizon's test helpers; the integration tests use
volsnap_dashboard.devenv.settings against the dev cloud instead.
"""

from openstack_dashboard import defaults as dashboard_defaults
from openstack_dashboard import enabled as dashboard_enabled
from openstack_dashboard.test.settings import *  # noqa: F401,F403

from volsnap_dashboard.devenv import source_tree
from volsnap_dashboard.devenv import test_settings

INSTALLED_APPS = test_settings.enable_dashboards(
    HORIZON_CONFIG, INSTALLED_APPS,  # noqa: F405
    [dashboard_enabled, source_tree.enabled_package()])

TEMPLATES[0]['DIRS'].append(source_tree.TEMPLATES_DIR)  # noqa: F405
STATICFILES_DIRS.append(source_tree.STATIC_DIR)  # noqa: F405

# Horizon's test settings know no Block Storage policy; use the real files,
# so that tests which turn policy checks on see Cinder's rules.
POLICY_FILES_PATH = dashboard_defaults.POLICY_FILES_PATH
POLICY_FILES = dashboard_defaults.POLICY_FILES
POLICY_DIRS = dashboard_defaults.POLICY_DIRS
DEFAULT_POLICY_FILES = dashboard_defaults.DEFAULT_POLICY_FILES
