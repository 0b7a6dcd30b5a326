"""What the load run has in Cinder: find it, check it, remove it."""

import collections
import time

from cinderclient import exceptions as cinder_exc
from keystoneauth1 import exceptions as ks_exc
import requests

from tools.devkit import cinder
from tools.devkit import waiting
from tools.load.cinder_checks import cinder_as
from tools.load.config import NAME_RE
from tools.load.config import USERS

BUSY = ('creating', 'deleting', 'downloading')


def load_resources():
    """Every volume and snapshot called load-* of the users' projects:
    (user, 'volume' | 'snapshot', resource)."""
    found = []
    for username in USERS:
        client = cinder_as(username)
        for kind, manager in (('volume', client.volumes),
                              ('snapshot', client.volume_snapshots)):
            found += [(username, kind, item) for item in manager.list()
                      if item.name and NAME_RE.match(item.name)]
    return found


def remove(resources, problems):
    """Delete (reset first if stuck, as admin) and wait until gone; what
    does not go is added to ``problems``."""
    admin = cinder_as('admin')
    order = sorted(resources, key=lambda r: r[1] != 'snapshot')

    def manager_of(kind):
        return admin.volume_snapshots if kind == 'snapshot' else admin.volumes
    for _user, kind, resource in order:
        try:
            if resource.status not in ('available', 'error'):
                manager_of(kind).reset_state(resource, 'error')
            manager_of(kind).delete(resource.id)
        except cinder_exc.NotFound:
            continue
        except cinder_exc.ClientException as exc:
            problems.append('%s %s: %s' % (kind, resource.name, exc))
    for _user, kind, resource in order:
        try:
            cinder.until_gone(manager_of(kind), resource.id)
        except waiting.TimedOut:
            problems.append('%s %s (%s) still there' % (
                kind, resource.name, resource.id))


def settled_resources(limit=60):
    """load_resources() once nothing is creating or deleting any more
    (bounded): what is still there then stays."""
    found = []

    def settled():
        found[:] = load_resources()
        return not [r for _, _, r in found if r.status in BUSY]
    try:
        waiting.until('load-* resources to settle', settled, limit,
                      interval=2)
    except waiting.TimedOut:
        pass
    return found


def check_and_clean(expected_volumes, stats, problems):
    """Count duplicates (into ``stats``), list leftovers (returned): all
    but the sessions' own available volumes; then remove everything."""
    for attempt in range(3):
        try:
            found = settled_resources()
            break
        except (cinder_exc.ClientException, ks_exc.ClientException,
                requests.RequestException) as exc:
            if attempt == 2:
                problems.append('could not list what is left: %r' % exc)
                return []
            time.sleep(10)
    names = collections.Counter((kind, r.name) for _, kind, r in found)
    for (kind, name), count in names.items():
        if count > 1:
            stats.duplicates.append(('%s (at the end)' % kind, name, count))
    leftovers = [
        '%s %s %s (%s, %s)' % (username, kind, r.name, r.id, r.status)
        for username, kind, r in found
        if not (kind == 'volume' and r.id in expected_volumes
                and r.status == 'available')]
    missing = expected_volumes - {r.id for _, kind, r in found
                                  if kind == 'volume'}
    leftovers += ['source volume %s disappeared' % volume_id
                  for volume_id in sorted(missing)]
    remove(found, problems)
    return leftovers
