"""Schedules read from and written to a volume's metadata, and a
schedule's snapshots listed, with the Cinder client given (the user's
in the panels, a trust-scoped one in the scheduler).

Writes add or replace our own keys (``set_metadata``) and delete our own
stale keys (``delete_metadata``): never a whole-metadata replace, which
would drop keys someone else wrote meanwhile. Each write also updates
``volume.metadata``, so later calls with the same object see it; a
delete first reads the volume's metadata afresh (one more call).
"""

from volsnap_dashboard.api import errors
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection import times


def _metadata(volume):
    if getattr(volume, 'metadata', None) is None:
        volume.metadata = {}
    return volume.metadata


def schedules_of(volume, min_interval=None):
    """The volume's schedules, each a Schedule or an Invalid."""
    return codec.decode(volume, min_interval)


def _fresh_metadata(client, volume):
    """The volume's metadata as Cinder has it now, also kept on
    ``volume``. Deletes are computed from it: from microversion 3.15
    cinderclient deletes nothing at all, silently, when one of the keys
    is already gone, and before it a gone key fails the call."""
    with errors.translated():
        current = client.volumes.get(volume.id)
    volume.metadata = dict(getattr(current, 'metadata', None) or {})
    return volume.metadata


def _delete(client, volume, keys):
    """Delete those of ``keys`` the volume still has."""
    present = [key for key in keys if key in _fresh_metadata(client, volume)]
    if not present:
        return
    with errors.translated():
        client.volumes.delete_metadata(volume, present)
    for key in present:
        volume.metadata.pop(key, None)


def _replace(client, volume, schedule_id, kind, chunks, extra=None):
    """Write ``chunks`` (and ``extra`` keys) in one call, then delete the
    chunks of the same kind the new document no longer uses. Written
    first, deleted second: if the delete fails, the leftovers follow a
    complete document, which the codec reads past (so does it a longer
    document's chunks this process did not know of)."""
    metadata = _metadata(volume)
    written = dict(chunks, **(extra or {}))
    own_chunk = '%s%s:%s:' % (codec.PREFIX, schedule_id, kind)
    stale = [key for key in codec.keys_of(metadata, schedule_id)
             if key.startswith(own_chunk) and key not in written]
    with errors.translated():
        client.volumes.set_metadata(volume, written)
    metadata.update(written)
    if stale:
        _delete(client, volume, stale)


def save(client, volume, schedule):
    """Write ``schedule``'s definition on ``volume`` and the marker the
    scheduler's listing finds. Its state is left as it is."""
    _replace(client, volume, schedule.id, codec.DEFINITION,
             codec.encode_definition(schedule),
             extra={codec.MARKER_KEY: codec.MARKER_VALUE})


def save_state(client, volume, schedule_id, state):
    """Write the state of a schedule's runs."""
    _replace(client, volume, schedule_id, codec.STATE,
             codec.encode_state(schedule_id, state))


def request_run(client, volume, schedule_id, at):
    """Ask for a run of the schedule at the scheduler's next sweep
    (``at``: when it was asked for); the scheduler clears it."""
    key = codec.run_now_key(schedule_id)
    value = times.format_utc(at)
    with errors.translated():
        client.volumes.set_metadata(volume, {key: value})
    _metadata(volume)[key] = value


def _other_schedules(metadata, schedule_id):
    own = '%s%s:' % (codec.PREFIX, schedule_id)
    return any(key.startswith(codec.PREFIX) and not key.startswith(own)
               for key in metadata)


def remove(client, volume, schedule_id):
    """Delete every key of one schedule, and the marker when no other
    schedule (valid or not) remains on the volume, as Cinder has its
    metadata now (a schedule saved meanwhile keeps the marker)."""
    metadata = _fresh_metadata(client, volume)
    keys = codec.keys_of(metadata, schedule_id)
    if codec.MARKER_KEY in metadata and not _other_schedules(
            metadata, schedule_id):
        keys.append(codec.MARKER_KEY)
    if not keys:
        return
    with errors.translated():
        client.volumes.delete_metadata(volume, keys)
    for key in keys:
        metadata.pop(key, None)


def _belongs_to(protection, schedule):
    """Checked again after a filtered listing, because a Cinder that
    ignored a filter would list every snapshot, and retention deletes
    what the listing returns."""
    metadata = getattr(protection, 'metadata', None) or {}
    return (metadata.get(codec.SNAPSHOT_SCHEDULE_KEY) == schedule.id
            and getattr(protection, 'volume_id', None) == schedule.volume_id)


def protections_of(plugin, client, schedule, all_projects=False):
    """The protections (protection.base.Protection) ``schedule`` made of
    its volume: one listing through ``plugin``, filtered by the volume and
    the schedule's tag (``all_projects``: an administrator's listing of
    another project's)."""
    listed = plugin.list_protections(
        client, volume_id=schedule.volume_id,
        metadata={codec.SNAPSHOT_SCHEDULE_KEY: schedule.id},
        all_projects=all_projects)
    return [protection for protection in listed
            if _belongs_to(protection, schedule)]
