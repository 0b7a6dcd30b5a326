"""What a schedule's retention deletes at its first run, as the panel's
review step says it (retention.to_delete_after_next_of_each, shared):
each schedule counts only the protections it made itself, so a new one
deletes none; the volume's others (by hand, by other schedules) are never
its to delete. From one listing of the plugin's protections, however
many volumes."""

from volsnap_dashboard.api import errors
from volsnap_dashboard.osc import protections as osc_protections
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import retention as retention_rules


def protections_by_volume(plugin, cinder):
    """``{volume id: [protections]}`` of the project, through ``plugin``
    (one listing)."""
    by_volume = {}
    try:
        for protection in plugin.list_protections(cinder):
            by_volume.setdefault(protection.volume_id, []).append(protection)
    except errors.VolsnapAPIError as exc:
        raise osc_protections.failed(exc) from None
    return by_volume


def at_first_run(schedule, of_volume, first_run, kind):
    """In words, what ``schedule`` deletes of ``of_volume`` (its volume's
    protections, through its plugin; ``kind``: what they are called)
    once its run at ``first_run`` has made one."""
    own = [protection for protection in of_volume
           if codec.schedule_id_of(protection) == schedule.id]
    doomed = retention_rules.to_delete_after_next_of_each(
        own, schedule.retention, first_run)
    said = 'deletes %d of its %d %s' % (len(doomed), len(own), kind)
    if doomed:
        said += ' (%s)' % ', '.join(protection.id for protection in doomed)
    said += ', then holds %d' % (len(own) - len(doomed) + 1)
    others = len(of_volume) - len(own)
    if others:
        said += "; the volume's %d other %s are not its to delete" % (
            others, kind)
    return said
