"""Horizon's own test settings with the plugin enabled as operators enable it.

``tools/horizon-tests`` runs Horizon's plugin-framework tests and its
volumes and snapshots panel tests with these settings, so a plugin change
that breaks Horizon (an enabled file it cannot copy, a clashing slug, a
template or exception handler that leaks into Horizon's pages) fails there.

The README copies the enabled files into Horizon's
``openstack_dashboard/local/enabled/``, which Horizon's production settings
read after ``openstack_dashboard/enabled/``. Horizon's test settings read
only the latter; listing the folder that holds the plugin's files (those
``volsnap-enabled-files`` prints) in the local package's path is what
copying them there does, without writing into the shared Horizon install.
"""

import os

from openstack_dashboard import enabled as dashboard_enabled
from openstack_dashboard.local import enabled as local_enabled
from openstack_dashboard.test.settings import *  # noqa: F401,F403

from volsnap_dashboard import enabled_files
from volsnap_dashboard.devenv import source_tree
from volsnap_dashboard.devenv import test_settings

_plugin_dir = os.path.dirname(enabled_files.enabled_files()[0])
if _plugin_dir not in local_enabled.__path__:
    local_enabled.__path__.append(_plugin_dir)

# As Horizon's own openstack_dashboard/settings.py does: the local files
# after Horizon's.
INSTALLED_APPS = test_settings.enable_dashboards(
    HORIZON_CONFIG, INSTALLED_APPS,  # noqa: F405
    [dashboard_enabled, local_enabled])

# From a checkout (an editable install) the templates and static files sit
# beside the package, not inside it.
if _plugin_dir == source_tree.ENABLED_DIR:
    TEMPLATES[0]['DIRS'].append(source_tree.TEMPLATES_DIR)  # noqa: F405
    STATICFILES_DIRS.append(source_tree.STATIC_DIR)  # noqa: F405
