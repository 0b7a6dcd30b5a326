"""Who is who on the dev cloud, and where its services listen.

The one place that names the dev cloud's users, the project each one logs
in to and their passwords (``tools/devcloud`` may override them through the
environment). Standard library only: the dev cloud's own scripts import it
as well, from the cloud's venv.
"""

import os

HOST = '127.0.0.1'
REGION = 'RegionOne'
DOMAIN = 'Default'

# user -> the project it logs in to (its only project)
PROJECT_OF = {
    'admin': 'admin',
    'demo': 'demo',
    'reader': 'demo',
    'alt': 'alt',
    'cinder': 'service',
}


def _env(name, default):
    return os.environ.get(name) or default


def password(user):
    """``user``'s password: ``VOLSNAP_<USER>_PASSWORD`` or ``<user>pw``."""
    if user == 'cinder':
        return _env('VOLSNAP_CINDER_SERVICE_PASSWORD', 'cinderpw')
    return _env('VOLSNAP_%s_PASSWORD' % user.upper(), user + 'pw')


def keystone_port():
    return int(_env('VOLSNAP_KEYSTONE_PORT', '5000'))


def cinder_port():
    return int(_env('VOLSNAP_CINDER_PORT', '8776'))


def keystone_url():
    return 'http://%s:%d/v3' % (HOST, keystone_port())


def cinder_root():
    return 'http://%s:%d' % (HOST, cinder_port())
