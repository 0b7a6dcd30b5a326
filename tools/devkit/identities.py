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
    # A second member of demo (takes over a schedule another member made).
    'colleague': 'demo',
    'alt': 'alt',
    'cinder': 'service',
    'volsnap-scheduler': 'service',
}

# The scheduler's service user: the trustee of the schedules' trusts.
SCHEDULER_USER = 'volsnap-scheduler'
# Where `tools/devcloud up` records its id (run/ of the dev cloud's state).
SCHEDULER_ID_FILE = 'scheduler-user-id'


def _env(name, default):
    return os.environ.get(name) or default


def password(user):
    """``user``'s password: ``VOLSNAP_<USER>_PASSWORD`` or ``<user>pw``."""
    if user == 'cinder':
        return _env('VOLSNAP_CINDER_SERVICE_PASSWORD', 'cinderpw')
    if user == SCHEDULER_USER:
        return _env('VOLSNAP_SCHEDULER_PASSWORD', 'schedulerpw')
    return _env('VOLSNAP_%s_PASSWORD' % user.upper(), user + 'pw')


def keystone_port():
    return int(_env('VOLSNAP_KEYSTONE_PORT', '5000'))


def cinder_port():
    return int(_env('VOLSNAP_CINDER_PORT', '8776'))


def keystone_url():
    return 'http://%s:%d/v3' % (HOST, keystone_port())


def cinder_root():
    return 'http://%s:%d' % (HOST, cinder_port())


def devcloud_dir():
    """The dev cloud's state folder (as tools/devcloud picks it)."""
    repo = os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))))
    return _env('VOLSNAP_DEVCLOUD_DIR', os.path.join(repo, '.devcloud'))


def scheduler_user_id():
    """The scheduler user's id: ``VOLSNAP_SCHEDULER_USER_ID``, else what
    the last `tools/devcloud up` recorded; None before any."""
    user_id = _env('VOLSNAP_SCHEDULER_USER_ID', None)
    if user_id:
        return user_id
    try:
        with open(os.path.join(devcloud_dir(), 'run',
                               SCHEDULER_ID_FILE)) as recorded:
            return recorded.read().strip() or None
    except FileNotFoundError:
        return None
