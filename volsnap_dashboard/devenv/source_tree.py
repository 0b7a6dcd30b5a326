"""Run the plugin from a checkout as if it were installed.

A wheel maps the top-level ``enabled/``, ``templates/`` and ``static/``
folders into the package (see ``package_dir`` in setup.cfg). A checkout, or
an editable install, has no such mapping, so the dev and test settings use
these helpers to find the same files where they live.
"""

import importlib
import os
import sys
import types

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
ENABLED_DIR = os.path.join(REPO_ROOT, 'enabled')
TEMPLATES_DIR = os.path.join(REPO_ROOT, 'templates')
STATIC_DIR = os.path.join(REPO_ROOT, 'static')

ENABLED_PACKAGE = 'volsnap_dashboard.enabled'


def enabled_package():
    """The package of the plugin's Horizon enabled files.

    From a wheel this is the real ``volsnap_dashboard.enabled``; from a
    checkout, a package of the same name whose path is ``enabled/``.
    """
    try:
        return importlib.import_module(ENABLED_PACKAGE)
    except ImportError:
        if not os.path.isdir(ENABLED_DIR):
            raise
    module = types.ModuleType(ENABLED_PACKAGE)
    module.__path__ = [ENABLED_DIR]
    module.__file__ = os.path.join(ENABLED_DIR, '__init__.py')
    sys.modules[ENABLED_PACKAGE] = module
    return module
