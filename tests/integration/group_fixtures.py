"""A volume group of demo's with two volumes on the dev cloud (whose
fake driver has no group support of its own: Cinder's generic group
implementation takes the group snapshots), removed afterwards with every
group snapshot and every group restored from them."""

import contextlib
import time

from tools.devkit import cinder as devcloud

# Made by `tools/devcloud seed`: Cinder's own default_cgsnapshot_type is
# reserved for migrated consistency groups.
GROUP_TYPE = 'volsnap-group'
VOLUME_TYPE = 'fake'


def group_client(username='demo'):
    return devcloud.cinder_as(username)


def until(condition, what, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    raise AssertionError('timed out waiting for %s' % what)


def group_type_id(cinder):
    found = [t for t in cinder.group_types.list() if t.name == GROUP_TYPE]
    assert found, ('group type %s missing: run tools/devcloud seed'
                   % GROUP_TYPE)
    return found[0].id


def until_group(cinder, group_id, status='available'):
    def reached():
        group = cinder.groups.get(group_id)
        assert not group.status.startswith('error'), group.status
        return group.status == status
    until(reached, 'group %s to be %s' % (group_id, status))


def group_snapshots_of(cinder, group_id):
    return [gs for gs in cinder.group_snapshots.list()
            if gs.group_id == group_id]


def delete_group(cinder, group_id):
    """Delete the group with its volumes, and wait until it is gone."""
    ids = {g.id for g in cinder.groups.list()}
    if group_id not in ids:
        return
    cinder.groups.delete(group_id, delete_volumes=True)
    until(lambda: group_id not in {g.id for g in cinder.groups.list()},
          'group %s to be deleted' % group_id)


def delete_group_snapshot(cinder, group_snapshot_id):
    try:
        cinder.group_snapshots.delete(group_snapshot_id)
    except Exception:  # already gone
        pass
    until(lambda: group_snapshot_id not in
          {gs.id for gs in cinder.group_snapshots.list()},
          'group snapshot %s to be deleted' % group_snapshot_id)


def restored_groups(cinder, group_snapshot_ids, prefix=None):
    """The groups made from the group snapshots (or, once those are
    gone, named with ``prefix``)."""
    return [g for g in cinder.groups.list(detailed=True)
            if getattr(g, 'group_snapshot_id', None) in group_snapshot_ids
            or (prefix and (g.name or '').startswith(prefix))]


@contextlib.contextmanager
def volume_group(name, volumes=2):
    """(group, [volumes]) of demo's; everything made from it removed
    after: groups restored from its group snapshots, the group snapshots,
    the group with its volumes."""
    demo = group_client()
    group = demo.groups.create(group_type_id(demo), VOLUME_TYPE, name=name)
    try:
        until_group(demo, group.id)
        made = [demo.volumes.create(1, name='%s-%s' % (name, chr(97 + n)),
                                    volume_type=VOLUME_TYPE,
                                    group_id=group.id)
                for n in range(volumes)]
        made = [devcloud.until_status(demo.volumes, v.id, 'available')
                for v in made]
        yield group, made
    finally:
        snapshot_ids = {gs.id for gs in group_snapshots_of(demo, group.id)}
        for restored in restored_groups(demo, snapshot_ids,
                                        prefix=name + '-'):
            delete_group(demo, restored.id)
        for group_snapshot_id in snapshot_ids:
            delete_group_snapshot(demo, group_snapshot_id)
        delete_group(demo, group.id)
