"""Shared helpers for the dev cloud's helper scripts (cloud venv only).

Configuration comes from environment variables exported by tools/devcloud.
"""

import os
import sys

from keystoneauth1 import exceptions as ks_exc
from keystoneauth1 import session as ks_session
from keystoneauth1.identity import v3

# Users, passwords and ports are defined once, in tools/devkit/identities.py
# (standard library only, so this venv can import it from the checkout).
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
from tools.devkit.identities import DOMAIN  # noqa: E402
from tools.devkit.identities import HOST  # noqa: E402,F401
from tools.devkit.identities import REGION  # noqa: E402,F401
from tools.devkit.identities import SCHEDULER_USER  # noqa: E402,F401
from tools.devkit.identities import cinder_root  # noqa: E402,F401
from tools.devkit.identities import keystone_url  # noqa: E402
from tools.devkit.identities import password  # noqa: E402
from tools.devkit.identities import PROJECT_OF as USER_PROJECT  # noqa: E402
from tools.devkit import waiting  # noqa: E402


def session_for(user, project=None, pw=None):
    auth = v3.Password(
        auth_url=keystone_url(),
        username=user,
        password=pw if pw is not None else password(user),
        user_domain_name=DOMAIN,
        project_name=project or USER_PROJECT[user],
        project_domain_name=DOMAIN,
    )
    return ks_session.Session(auth=auth, timeout=30)


def log(msg):
    print("devcloud: %s" % msg, file=sys.stderr, flush=True)


def die(msg, code=1):
    log(msg)
    sys.exit(code)


def wait_for(what, func, timeout, interval=0.5):
    """Call func until it returns a true value; return it or die."""
    last = []

    def attempt():
        try:
            return func() or None
        except (ks_exc.ClientException, OSError, ValueError) as exc:
            last[:] = [exc]
            return None
    try:
        return waiting.until(what, attempt, timeout, interval)
    except waiting.TimedOut as exc:
        die("%s%s" % (exc, " (last error: %s)" % last[0] if last else ""))
