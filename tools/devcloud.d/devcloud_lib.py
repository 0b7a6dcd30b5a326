"""Shared helpers for the dev cloud's helper scripts (cloud venv only).

Configuration comes from environment variables exported by tools/devcloud.
"""

import os
import sys
import time

from keystoneauth1 import exceptions as ks_exc
from keystoneauth1 import session as ks_session
from keystoneauth1.identity import v3

HOST = "127.0.0.1"
REGION = "RegionOne"
DOMAIN = "Default"


def env(name, default=None):
    value = os.environ.get(name)
    return value if value else default


def keystone_port():
    return int(env("VOLSNAP_KEYSTONE_PORT", "5000"))


def cinder_port():
    return int(env("VOLSNAP_CINDER_PORT", "8776"))


def keystone_url():
    return "http://%s:%d/v3" % (HOST, keystone_port())


def cinder_root():
    return "http://%s:%d" % (HOST, cinder_port())


def password(user):
    """Password of a dev-cloud user: env override or <name>pw."""
    if user == "cinder":
        return env("VOLSNAP_CINDER_SERVICE_PASSWORD", "cinderpw")
    return env("VOLSNAP_%s_PASSWORD" % user.upper(), user + "pw")


# user -> project it logs in to by default
USER_PROJECT = {
    "admin": "admin",
    "demo": "demo",
    "reader": "demo",
    "alt": "alt",
    "cinder": "service",
}


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
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            result = func()
            if result:
                return result
        except (ks_exc.ClientException, OSError, ValueError) as exc:
            last = exc
        if time.monotonic() > deadline:
            die("timed out after %ss waiting for %s%s"
                % (timeout, what, " (last error: %s)" % last if last else ""))
        time.sleep(interval)
