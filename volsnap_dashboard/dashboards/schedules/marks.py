"""Which schedule made a snapshot, in words, so that a tenant knows the
schedule's retention may delete it.

A snapshot names its schedule in its own metadata; the schedule itself
(its label and timing) lives in the volume's metadata. Both come from
listings the page makes anyway (or one listing of the scheduled volumes),
never from a call per row.
"""

from django.utils.translation import gettext_lazy as _

from volsnap_dashboard.dashboards.schedules import api as schedules_api
from volsnap_dashboard.dashboards.schedules import guard as schedule_guard
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import model
from volsnap_dashboard.protection.schedule import retention
from volsnap_dashboard.protection.schedule import words

def made_by_schedule(snapshots):
    return [snapshot for snapshot in snapshots
            if codec.schedule_id_of(snapshot)]


def describe(schedule):
    """A schedule in a few words: its label and when it runs."""
    if isinstance(schedule, model.Invalid):
        return _("Schedule %s (cannot be read)") % schedule.id
    when = words.describe(schedule.when)
    if schedule.label:
        return _("%(label)s: %(when)s") % {'label': schedule.label,
                                           'when': when}
    return when


def mark(snapshots, volumes):
    """Set ``schedule_mark`` on each of ``snapshots`` a schedule made:
    the schedule in words, found among ``volumes``' schedules (None if
    the volumes could not be listed: then only that a schedule made it).
    Snapshots made by hand get no mark."""
    schedules = None
    if volumes is not None:
        schedules = {(volume.id, found.id): found for volume in volumes
                     for found in schedule_guard.checked(
                         schedule_guard.schedules_of(
                             volume, schedules_api.min_interval()),
                         describe)}
    for snapshot in made_by_schedule(snapshots):
        if schedules is None:
            snapshot.schedule_mark = _("A schedule")
            continue
        found = schedules.get((snapshot.volume_id,
                               codec.schedule_id_of(snapshot)))
        snapshot.schedule_mark = describe(found) if found else _(
            "A schedule since deleted (its retention no longer applies)")
    for snapshot in made_by_schedule(snapshots):
        if retention.is_kept(snapshot):
            snapshot.schedule_mark = _(
                "%s (kept: its retention leaves it)") % (
                snapshot.schedule_mark)
