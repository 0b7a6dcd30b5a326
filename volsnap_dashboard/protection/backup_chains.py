"""Which backup an incremental backup was made on top of.

Cinder's API does not show an incremental backup's parent. Cinder chose
it when the backup was made: the volume's available backup whose data is
the latest (``data_timestamp``). The same rule, applied to a listing of
the volume's backups, finds it again. Cinder itself refuses to delete a
backup that others depend on (``has_dependent_backups``), so a wrong guess
can cost a refused delete, never a broken chain.
"""

from volsnap_dashboard.protection import times

ERROR = 'error'


def data_time(backup):
    """When the backup's data was read from its volume (or snapshot)."""
    return (times.parse_iso(getattr(backup, 'data_timestamp', None)) or
            times.parse_iso(getattr(backup, 'created_at', None)) or
            times.LATEST)


def _in_data_order(backups):
    return sorted(backups, key=lambda b: (data_time(b), b.id))


def parents(backups):
    """Backup id -> the id of the backup it was made on top of (None for
    a full backup, or an incremental whose parent is not listed)."""
    by_volume = {}
    for backup in backups:
        by_volume.setdefault(getattr(backup, 'volume_id', None),
                             []).append(backup)
    found = {}
    for volume_backups in by_volume.values():
        base = None
        for backup in _in_data_order(volume_backups):
            incremental = bool(getattr(backup, 'is_incremental', False))
            found[backup.id] = base.id if incremental and base else None
            if backup.status != ERROR:
                base = backup
    return found


def newest_base(backups):
    """The backup an incremental backup made now would build on: the
    volume's available backup with the latest data, or None."""
    available = [b for b in backups if b.status == 'available']
    return _in_data_order(available)[-1] if available else None


def chain_length(backups, newest):
    """How many backups ``newest``'s chain holds, its full backup
    included (``backups``: the volume's)."""
    parent_of = parents(backups)
    length, current, seen = 0, newest.id, set()
    while current is not None and current not in seen:
        seen.add(current)
        length += 1
        current = parent_of.get(current)
    return length
