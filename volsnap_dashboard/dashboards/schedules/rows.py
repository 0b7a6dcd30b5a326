"""The rows of the Schedules tabs: one per schedule of the volumes listed,
with the protections it holds, its state and its next run.

Built from one volume listing and one listing of protections, whatever
the number of schedules: the protections are matched to their schedule by
the metadata each run writes on them.
"""


from django.utils.translation import ngettext

from volsnap_dashboard.dashboards.schedules import guard as schedule_guard
from volsnap_dashboard.api import cinder_facts
from volsnap_dashboard.api import errors
from volsnap_dashboard.dashboards.common import plugin_choice
from volsnap_dashboard.protection import recorded_reasons
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import model
from volsnap_dashboard.protection.schedule import words
from volsnap_dashboard.protection.schedule import states
from volsnap_dashboard.protection.schedule import timing
from volsnap_dashboard.protection import times

#: The schedule id of the row that counts a volume's schedules not shown.
MORE = 'more'

# A row's id joins its volume's id and the schedule's: neither holds "_",
# and Horizon splits its action strings on "__" only.
_ID_SEPARATOR = '_'


def row_id(volume_id, schedule_id):
    return '%s%s%s' % (volume_id, _ID_SEPARATOR, schedule_id)


def split_row_id(text):
    """``(volume_id, schedule_id)`` of a row id; ValueError if it is not
    one (it comes from the browser)."""
    volume_id, separator, schedule_id = str(text).rpartition(_ID_SEPARATOR)
    if not separator or not volume_id or not model.SCHEDULE_ID.match(
            schedule_id):
        raise ValueError('not a schedule row id: %r' % (text,))
    return volume_id, schedule_id


def next_runs(schedule, at, count=1):
    """The next ``count`` runs (aware, in the schedule's zone); none for a
    paused or unreadable schedule."""
    if not isinstance(schedule, model.Schedule) or schedule.paused:
        return []
    return timing.next_runs(schedule.when.cron, schedule.when.tz, at, count)


def schedule_label(schedule):
    """What the page calls a schedule: its label, else when it runs (a
    hex id tells a user nothing); the id only where it cannot be read."""
    if not isinstance(schedule, model.Schedule):
        return schedule.id
    return schedule.label or str(words.describe(schedule.when))


def label_matches(label, text):
    """Whether ``text`` is part of ``label``, in any case."""
    return text.casefold() in label.casefold()


def labelled(volume, text):
    """Whether a schedule the page shows of ``volume`` has ``text`` in
    its label."""
    return any(label_matches(schedule_label(schedule), text)
               for schedule in schedule_guard.schedules_of(volume))


class ScheduleRow:
    """One schedule of a volume, as a table row."""

    def __init__(self, volume, schedule, protections, at):
        self.volume = volume
        self.volume_id = volume.id
        self.volume_name = getattr(volume, 'name', None) or volume.id
        self.schedule = schedule
        self.schedule_id = schedule.id
        self.id = row_id(volume.id, schedule.id)
        self.valid = isinstance(schedule, model.Schedule)
        #: Its id is one the panel's pages and actions take (hand-written
        #: metadata may hold any).
        self.openable = bool(model.SCHEDULE_ID.match(schedule.id))
        self.project_id = (schedule.project_id if self.valid else None) \
            or cinder_facts.volume_project(volume)
        self.protections = list(protections)
        self.state = states.state_of(schedule, at)
        runs = next_runs(schedule, at)
        self.next_run = runs[0] if runs else None
        self.paused = self.valid and schedule.paused
        #: A run asked for is waiting for the scheduler, whatever the
        #: state shows: the row keeps refreshing.
        self.busy = self.valid and states.pending_request(
            schedule) is not None
        self.owner_id = schedule.owner_id if self.valid else None
        self.label = schedule_label(schedule)
        #: The state and reason are the scheduler's record (which the
        #: project's members can write too), not the page's finding.
        self.recorded = states.recorded(schedule, self.state)
        self.reason = self._reason()
        #: Whether the row stands for schedules not shown.
        self.overflow = False

    @property
    def plugin(self):
        """The plugin the schedule runs, or None if not offered."""
        try:
            return plugin_choice.schedule_plugin(self.schedule)
        except errors.VolsnapAPIError:
            return None

    @classmethod
    def more(cls, volume, count, at):
        """One row for the ``count`` schedules of ``volume`` beyond those
        a page shows (no link, no action)."""
        reason = ngettext(
            "%(count)d more schedule on this volume is not shown: a page "
            "shows at most %(limit)d of a volume's.",
            "%(count)d more schedules on this volume are not shown: a page "
            "shows at most %(limit)d of a volume's.", count) % {
            'count': count, 'limit': schedule_guard.MAX_PER_VOLUME}
        row = cls(volume, model.Invalid(id=MORE, volume_id=volume.id,
                                        reason=reason), (), at)
        row.label = ngettext("%d more schedule", "%d more schedules",
                             count) % count
        row.overflow = True
        return row

    def _reason(self):
        if not self.valid:
            return self.schedule.reason
        if self.recorded:
            return recorded_reasons.translated(self.schedule.state.reason)
        return ''

    @property
    def last(self):
        """The schedule's recorded state of runs, or None."""
        return self.schedule.state if self.valid else None


def shown(volume, schedules, at, next_count=1):
    """``schedules`` of ``volume``, each a row can be computed from (its
    state and next ``next_count`` runs at ``at``), else an Invalid."""
    return schedule_guard.checked(schedules, lambda schedule: (
        ScheduleRow(volume, schedule, (), at),
        next_runs(schedule, at, next_count)))


def protections_by_schedule(protections):
    """``{(volume id, schedule id): [protections]}`` of the protections
    schedules made (others are left out)."""
    found = {}
    for protection in protections:
        schedule_id = codec.schedule_id_of(protection)
        if schedule_id:
            found.setdefault((protection.volume_id, schedule_id),
                             []).append(protection)
    return found


def rows(volumes, protections, min_interval=None, at=None,
         project_id=None):
    """The rows of every schedule on ``volumes``, by volume name then
    schedule label; ``protections`` (any, of the same projects) are
    counted to the schedules that made them. ``project_id``: the
    volumes' project where the listing does not show it."""
    at = at or times.now()
    held = protections_by_schedule(protections)
    found = []
    for volume in volumes:
        for schedule in shown(volume, schedule_guard.schedules_of(
                volume, min_interval, project_id), at):
            found.append(ScheduleRow(
                volume, schedule, held.get((volume.id, schedule.id), ()),
                at))
        hidden = schedule_guard.hidden_count(volume)
        if hidden:
            found.append(ScheduleRow.more(volume, hidden, at))
    return sorted(found, key=lambda row: (row.volume_name.lower(),
                                          row.volume_id, row.overflow,
                                          row.label, row.schedule_id))
