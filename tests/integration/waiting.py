"""Polling helpers for setting up and checking the dev cloud."""

import contextlib
import time

from cinderclient import exceptions as cinder_exc


def until_status(manager, resource_id, status, timeout=60):
    deadline = time.monotonic() + timeout
    while True:
        resource = manager.get(resource_id)
        if resource.status == status:
            return resource
        if resource.status.startswith('error'):
            raise AssertionError('%s went to %s' % (resource_id,
                                                    resource.status))
        if time.monotonic() > deadline:
            raise AssertionError('%s still %s after %ss'
                                 % (resource_id, resource.status, timeout))
        time.sleep(0.5)


def until_gone(manager, resource_id, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            manager.get(resource_id)
        except cinder_exc.NotFound:
            return
        time.sleep(0.5)
    raise AssertionError('%s still exists after %ss' % (resource_id, timeout))


def delete_and_wait(manager, resource_id):
    try:
        manager.delete(resource_id)
    except cinder_exc.NotFound:
        return
    until_gone(manager, resource_id)


@contextlib.contextmanager
def temporary_volume(cinder, name, size=1):
    """A new available volume; deleted afterwards, with its snapshots."""
    volume = cinder.volumes.create(size, name=name)
    try:
        yield until_status(cinder.volumes, volume.id, 'available')
    finally:
        for snapshot in cinder.volume_snapshots.list():
            if snapshot.volume_id == volume.id:
                delete_and_wait(cinder.volume_snapshots, snapshot.id)
        delete_and_wait(cinder.volumes, volume.id)
