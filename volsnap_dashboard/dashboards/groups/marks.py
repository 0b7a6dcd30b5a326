"""Which rows of a snapshot listing belong to a group snapshot.

Cinder (3.14+) gives each snapshot of a group snapshot its
``group_snapshot_id``; one group snapshot listing, only when the page
shows such a snapshot, names them. Rows of one group snapshot then show
as one protection: the same "Group Snapshot" cell, linked to the group
snapshot's page that lists its members.
"""

from django.urls import reverse
from openstack_dashboard import policy as dashboard_policy

from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import errors
from volsnap_dashboard import policy


def group_snapshot_id(snapshot):
    return getattr(snapshot, 'group_snapshot_id', None)


def in_group_snapshot(snapshots):
    return [s for s in snapshots if group_snapshot_id(s)]


def group_snapshot_names(request, search_opts=None):
    """Group snapshot id -> name (one listing; ``search_opts`` an admin's
    ``all_tenants``); {} where policy or Cinder says no: the rows then
    show the group snapshot's id."""
    if not dashboard_policy.check(policy.LIST_GROUP_SNAPSHOTS, request):
        return {}
    try:
        found = cinder.group_snapshot_list(request, search_opts)
    except errors.VolsnapAPIError:
        return {}
    return {gs.id: gs.name for gs in found}


def mark(request, snapshots, search_opts=None):
    """Set ``group_snapshot_name`` on the snapshots of a group snapshot:
    at most one listing, none when no row is in a group snapshot."""
    members = in_group_snapshot(snapshots)
    if not members:
        return
    names = group_snapshot_names(request, search_opts)
    for snapshot in members:
        snapshot.group_snapshot_name = names.get(
            group_snapshot_id(snapshot)) or group_snapshot_id(snapshot)


def members_of(snapshots, wanted_id):
    """The snapshots of group snapshot ``wanted_id`` among ``snapshots``."""
    return [s for s in snapshots if group_snapshot_id(s) == wanted_id]


def group_snapshot_label(snapshot):
    """The "Group Snapshot" cell: the name (or id) of the row's group
    snapshot; None for a snapshot of its own."""
    if not group_snapshot_id(snapshot):
        return None
    return getattr(snapshot, 'group_snapshot_name', None) or \
        group_snapshot_id(snapshot)


def group_snapshot_link(snapshot):
    wanted = group_snapshot_id(snapshot)
    if not wanted:
        return None
    return reverse('horizon:project:volume_protection:group_snapshot',
                   args=(wanted,))
