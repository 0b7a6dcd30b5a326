"""Unit-test settings: Horizon's own test settings with the plugin enabled.

Real HTTP is blocked by Horizon's test helpers; the integration tests use
volsnap_dashboard.devenv.settings against the dev cloud instead.
"""

from openstack_dashboard import defaults as dashboard_defaults
from openstack_dashboard import enabled as dashboard_enabled
from openstack_dashboard.test.settings import *  # noqa: F401,F403
from openstack_dashboard.utils import settings as settings_utils

from volsnap_dashboard.devenv import source_tree

# Horizon's test settings already applied openstack_dashboard.enabled; apply
# it again together with the plugin's files, from a clean slate.
INSTALLED_APPS = [app for app in INSTALLED_APPS  # noqa: F405
                  if app not in HORIZON_CONFIG.get('plugins', [])]  # noqa: F405
for _key in ('plugins', 'angular_modules', 'js_files', 'js_spec_files',
             'scss_files', 'xstatic_modules'):
    HORIZON_CONFIG[_key] = []  # noqa: F405
HORIZON_CONFIG.pop('dashboards', None)  # noqa: F405
HORIZON_CONFIG.pop('default_dashboard', None)  # noqa: F405
settings_utils.update_dashboards(
    [dashboard_enabled, source_tree.enabled_package()],
    HORIZON_CONFIG,  # noqa: F405
    INSTALLED_APPS,
)

TEMPLATES[0]['DIRS'].append(source_tree.TEMPLATES_DIR)  # noqa: F405
STATICFILES_DIRS.append(source_tree.STATIC_DIR)  # noqa: F405

# Horizon's test settings know no Block Storage policy; use the real files,
# so that tests which turn policy checks on see Cinder's rules.
POLICY_FILES_PATH = dashboard_defaults.POLICY_FILES_PATH
POLICY_FILES = dashboard_defaults.POLICY_FILES
POLICY_DIRS = dashboard_defaults.POLICY_DIRS
DEFAULT_POLICY_FILES = dashboard_defaults.DEFAULT_POLICY_FILES
