"""The load run's paths, names and limits."""

import os
import re

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
DEVCLOUD = os.path.join(REPO_ROOT, 'tools', 'devcloud')

INDEX = '/project/volume_protection/'
PROTECT = INDEX + 'protect/'
PREFIX = 'load-'
NAME_RE = re.compile(r'^load-\d+(-[sr]\d+)?$')
USERS = ('demo', 'alt')

PAGE_TIMEOUT = 60      # seconds for one HTTP request to Horizon
AJAX_TIMEOUT = 10      # the row update of the live table
CINDER_TIMEOUT = 30    # this script's own calls to Cinder
POLL_INTERVAL = 2.0    # Horizon's own rows poll every 2.5 s
MAX_REDIRECTS = 5
# Still creating or deleting this long after the restart: the request was
# lost when Cinder stopped (the all-in-one Cinder's RPC is in memory).
LOST_AFTER = 20
