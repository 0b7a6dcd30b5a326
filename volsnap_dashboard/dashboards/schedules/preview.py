"""What a schedule will do, shown before it is saved: its next runs, the
snapshots its retention would delete at the next run (the dry run), and
whether the snapshots it will hold fit the project's quota (the
forecast).

Computed on the server only, with the engine's own timing and retention
rules: the workflow's page asks for it again as its fields change.
"""

import dataclasses
import datetime

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import gettext_lazy as _

from volsnap_dashboard.dashboards.common import local_times
from volsnap_dashboard.protection.schedule import retention as retention_rules
from volsnap_dashboard.protection.schedule import timing
from volsnap_dashboard.protection import times

RUNS_SHOWN = 5
# Counting the runs of a "keep N days" window stops here and scales the
# count up: a window of a year of runs every few minutes is counted in
# milliseconds, not seconds.
MAX_COUNTED_RUNS = 2000


@dataclasses.dataclass
class Run:
    """One coming run, in the schedule's zone and in UTC."""
    local: datetime.datetime
    utc: datetime.datetime

    # Weekday, date, time and the zone's abbreviation (CET, CEST...):
    # each in its own zone, never the page's.
    @property
    def local_text(self):
        return local_times.shown(self.local, weekday=True)

    @property
    def utc_text(self):
        return local_times.shown(self.utc, weekday=True)


def next_runs(when, now, count=RUNS_SHOWN):
    """The next ``count`` runs of ``when`` (a model.When) after ``now``."""
    return [Run(local=moment, utc=moment.astimezone(times.UTC))
            for moment in timing.next_runs(when.cron, when.tz, now, count)]


def runs_within(when, now, days):
    """How many runs ``when`` makes in ``days`` days after ``now``."""
    end = now + datetime.timedelta(days=days)
    counted, last = 0, now
    for moment in timing.next_runs(when.cron, when.tz, now,
                                   MAX_COUNTED_RUNS + 1):
        if moment.timestamp() > end.timestamp():
            return counted
        counted, last = counted + 1, moment
    # Many runs: the rest of the window at the pace counted so far.
    span = (last - now).total_seconds()
    return int(counted * (end - now).total_seconds() / span)


def kept_per_volume(when, retention, now):
    """How many snapshots the schedule holds of each volume once it has
    run long enough: a snapshot either rule keeps is kept, and the last
    one always is."""
    by_count = retention.count or 0
    by_age = runs_within(when, now, retention.days) if retention.days else 0
    return max(by_count, by_age, 1)


def dry_run(snapshots, retention, next_run, tz='UTC'):
    """The snapshots of ``snapshots`` (the schedules' own, each schedule's
    retention counting its own) that retention deletes once the next
    run, at ``next_run``, has made its snapshot; each with ``made``, when
    it was made (a Run, in ``tz`` and UTC)."""
    doomed = retention_rules.to_delete_after_next_of_each(
        snapshots, retention, next_run)
    local_zone = timing.zone(tz)
    for snapshot in doomed:
        created = retention_rules.created_at(snapshot)
        snapshot.made = created and Run(local=created.astimezone(local_zone),
                                        utc=created.astimezone(times.UTC))
    return doomed


@dataclasses.dataclass
class Quota:
    """One quota: the limit (None: unlimited or unknown), what is used
    now, and what it will be once the schedules hold what they keep."""
    limit: object
    used: int
    after: int

    @property
    def fits(self):
        return self.limit is None or self.after <= self.limit

    @property
    def change(self):
        return self.after - self.used


@dataclasses.dataclass
class Forecast:
    kept: int
    snapshots: Quota
    gigabytes: Quota
    #: What the schedule already holds (an edited schedule's snapshots).
    held_snapshots: int = 0
    held_gigabytes: int = 0
    #: What the project's other active schedules still add as their
    #: retention fills up (growth.Growth), counted in ``after``; None
    #: where Cinder could not list them.
    others: object = None

    @property
    def fits(self):
        return self.snapshots.fits and self.gigabytes.fits

    @property
    def rows(self):
        return [(_("Snapshots"), self.snapshots),
                (_("Gibibytes"), self.gigabytes)]

    @property
    def total_snapshots(self):
        """What this schedule alone holds."""
        return self.snapshots.change + self.held_snapshots - (
            self.others.snapshots if self.others else 0)

    @property
    def total_gigabytes(self):
        return self.gigabytes.change + self.held_gigabytes - (
            self.others.gigabytes if self.others else 0)


def needs_text(found):
    """What a Forecast that does not fit needs, in words: "40 snapshots
    (quota 30) and 90 GiB (quota 80)"."""
    parts = []
    if not found.snapshots.fits:
        parts.append(_("%(after)s snapshots (quota %(limit)s)") % {
            'after': intcomma(found.snapshots.after),
            'limit': intcomma(found.snapshots.limit)})
    if not found.gigabytes.fits:
        parts.append(_("%(after)s GiB (quota %(limit)s)") % {
            'after': intcomma(found.gigabytes.after),
            'limit': intcomma(found.gigabytes.limit)})
    return _(" and ").join(parts)


def _limit(limits, name):
    value = limits.get(name)
    if not isinstance(value, int) or value < 0:
        return None
    return value


def forecast(volumes, kept, limits, held=(), others=None):
    """Snapshots and GiB the schedules hold at steady state (``kept`` of
    each of ``volumes``, each the size of its volume), against the
    project's quota and usage (Cinder's absolute limits). ``held`` are
    the available snapshots the schedule holds already, counted in the
    usage: an edit replaces them, it does not add to them. ``others``
    (growth.Growth) is what the project's other schedules still add."""
    held = [s for s in held if s.status == retention_rules.AVAILABLE]
    held_gb = sum(getattr(s, 'size', 0) or 0 for s in held)
    want_snapshots = kept * len(volumes)
    want_gb = kept * sum(volume.size or 0 for volume in volumes)
    used_snapshots = limits.get(retention_rules.USED_SNAPSHOTS) or 0
    used_gb = limits.get(retention_rules.USED_GIGABYTES) or 0
    more_snapshots = others.snapshots if others else 0
    more_gb = others.gigabytes if others else 0
    return Forecast(
        kept=kept,
        snapshots=Quota(_limit(limits, retention_rules.MAX_SNAPSHOTS),
                        used_snapshots, used_snapshots - len(held)
                        + want_snapshots + more_snapshots),
        gigabytes=Quota(_limit(limits, retention_rules.MAX_GIGABYTES),
                        used_gb, used_gb - held_gb + want_gb + more_gb),
        held_snapshots=len(held), held_gigabytes=held_gb, others=others)


@dataclasses.dataclass
class Preview:
    """What the review step shows; each part None when the fields it
    needs are not valid yet, with ``missing`` saying which."""
    runs: list = None
    dry_run: list = None
    #: False for a new schedule: it holds nothing to delete yet.
    editing: bool = False
    forecast: Forecast = None
    zone: str = ''
    #: The schedule in words, as the Schedules tab says it.
    summary: str = ''
    missing: list = dataclasses.field(default_factory=list)
    #: (step name, message) of the fields the previews could not use.
    problems: list = dataclasses.field(default_factory=list)
    problem: str = ''
    #: The name of the first snapshot, on the first volume.
    sample_name: str = ''


def build(volumes, when, retention, limits, held=None, now=None,
          others=None):
    """The preview of a schedule on ``volumes`` (the volumes picked, or
    the edited schedule's volume). ``when``, ``retention`` and ``limits``
    may be None (not valid yet, or Cinder could not tell); ``held`` are
    the edited schedule's snapshots, None for a new schedule; ``others``
    what the project's other schedules still add (growth.Growth), None
    where unknown."""
    now = now or times.now().replace(microsecond=0)
    preview = Preview(editing=held is not None)
    if when is None:
        preview.missing.append(_("When"))
    else:
        preview.zone = when.tz
        preview.runs = next_runs(when, now)
    if retention is None:
        preview.missing.append(_("Retention"))
    if not volumes:
        preview.missing.append(_("Volumes"))
    if when is None or retention is None or not preview.runs:
        return preview
    # Several schedules are edited together in bulk: each one's
    # retention counts its own snapshots.
    preview.dry_run = dry_run(held or [], retention, preview.runs[0].utc,
                              when.tz)
    if volumes and limits is not None:
        preview.forecast = forecast(
            volumes, kept_per_volume(when, retention, now), limits,
            held or [], others)
    return preview
