"""Settings for running Horizon with this plugin from a checkout.

Used by ``manage.py``, ``tools/demo`` and the integration and browser
tests. They are Horizon's own settings with the plugin enabled as an
operator would enable it, pointed at the dev cloud on 127.0.0.1.
"""

import os

from openstack_dashboard.local import enabled as _local_enabled

from volsnap_dashboard.devenv import source_tree

# Horizon reads openstack_dashboard/local/enabled/ for operator-added panels;
# listing the checkout's enabled/ there is what copying the files would do.
if source_tree.ENABLED_DIR not in _local_enabled.__path__:
    _local_enabled.__path__.append(source_tree.ENABLED_DIR)

from openstack_dashboard.settings import *  # noqa: E402,F401,F403

_env = os.environ.get

DEBUG = _env('VOLSNAP_DEBUG', '1') == '1'
ALLOWED_HOSTS = ['127.0.0.1', 'localhost', 'testserver',
                 _env('VOLSNAP_DEMO_HOST', '127.0.0.1')]
SECRET_KEY = _env('VOLSNAP_SECRET_KEY', 'volsnap-dev-only-secret-key')

OPENSTACK_KEYSTONE_URL = 'http://127.0.0.1:%s/v3' % _env(
    'VOLSNAP_KEYSTONE_PORT', '5000')
OPENSTACK_KEYSTONE_DEFAULT_ROLE = 'member'
OPENSTACK_ENDPOINT_TYPE = 'publicURL'
# The dev cloud runs Cinder's backup service: Horizon's Backups panel and
# the plugin's backups are offered.
OPENSTACK_CINDER_FEATURES = {'enable_backup': True}


def _devcloud_scheduler_user_id():
    # What `tools/devcloud up` recorded, for shells that did not
    # eval "$(tools/devcloud env)" (tools/test, tools/demo).
    state = _env('VOLSNAP_DEVCLOUD_DIR') or os.path.join(
        source_tree.REPO_ROOT, '.devcloud')
    try:
        with open(os.path.join(state, 'run', 'scheduler-user-id')) as found:
            return found.read().strip() or None
    except OSError:
        return None


# The trustee of the schedules' trusts (exported by `tools/devcloud env`).
VOLSNAP_SCHEDULER_USER_ID = (_env('VOLSNAP_SCHEDULER_USER_ID')
                             or _devcloud_scheduler_user_id())

if _env('VOLSNAP_MEMCACHED'):
    # Several dev servers sharing one memcached (host:port), as several
    # Horizon nodes do: the forms' one-time tokens must be seen by all.
    CACHES = {
        'default': {
            'BACKEND': 'django.core.cache.backends.memcached.PyMemcacheCache',
            'LOCATION': _env('VOLSNAP_MEMCACHED'),
        },
    }
else:
    CACHES = {
        'default': {
            'BACKEND': 'django.core.cache.backends.locmem.LocMemCache',
            # Compressed CSS lives in this cache; the default 300 entries
            # would evict it and recompile Horizon's SCSS on every page.
            'OPTIONS': {'MAX_ENTRIES': 100000},
        },
    }
SESSION_ENGINE = 'django.contrib.sessions.backends.signed_cookies'

TEMPLATES[0]['DIRS'].append(source_tree.TEMPLATES_DIR)  # noqa: F405
STATICFILES_DIRS.append(source_tree.STATIC_DIR)  # noqa: F405
STATIC_ROOT = os.path.join(source_tree.REPO_ROOT, 'static_root')

# The dev cloud has no Nova, so Horizon's Overview pages answer 403: land
# on the plugin's panel instead.
HORIZON_CONFIG['user_home'] = '/project/volume_protection/'  # noqa: F405

LOGGING = {
    'version': 1,
    'disable_existing_loggers': False,
    'formatters': {
        'console': {'format': '%(asctime)s %(levelname)s %(name)s '
                              '%(message)s'},
    },
    'handlers': {
        'console': {'class': 'logging.StreamHandler',
                    'formatter': 'console'},
    },
    'root': {'handlers': ['console'], 'level': 'WARNING'},
    'loggers': {
        'volsnap_dashboard': {'level': 'INFO'},
        'django.server': {'level': 'INFO'},
        # keystoneauth logs every request and response at DEBUG.
        'keystoneauth': {'level': 'WARNING'},
        'cinderclient': {'level': 'WARNING'},
    },
}
