"""When a schedule runs: presets, 5-field cron expressions and IANA zones.

cronsim computes the runs because it follows Debian cron on daylight
saving changes: a job in the skipped hour runs right away, and a job
coarser than hourly runs once when the clocks go back (croniter runs a
daily 02:00 job twice on that day). Runs are computed in the schedule's
own zone and compared as aware datetimes, so the UTC instants are what
count when the zone's offset changes.
"""

import datetime
import functools
import re
import zoneinfo

import cronsim
from django.utils.translation import gettext_lazy as _

from volsnap_dashboard.protection.parameters import InvalidParameters
from volsnap_dashboard.protection import times
from volsnap_dashboard.protection.schedule import presets

MAX_CRON_LENGTH = 100

# Zone names that are fixed UTC offsets in the zone database: a schedule
# in one of them would not follow the user's daylight saving changes.
_FIXED_OFFSET_ZONE = re.compile(
    r'^(Etc/)?(GMT|UTC|UCT|Greenwich|Universal|Zulu)?\s*[+-]\d{1,2}'
    r'(:?\d\d)?$'
    r'|^(EST|MST|HST)$')

# A schedule down for long (or a hand-written ``created`` far in the past)
# must not make a sweep count runs for seconds: past this many missed runs
# the latest one is found directly and the count stops.
MAX_COUNTED_RUNS = 1000

#: A cron must run within this many years (of 2001): the interval check
#: walks them, and the cron library gives up after 50 years.
MAX_YEARS_BETWEEN_RUNS = 8


def _int_in_range(value, field):
    """``value`` if it is an integer in the field's range, else None."""
    low, high = presets.FIELD_RANGES[field]
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if low <= value <= high else None


def _preset_errors(kind, fields):
    if kind not in presets.PRESETS:
        return {'kind': [_("Must be one of: %s.")
                         % ', '.join(presets.PRESETS)]}
    wanted = presets.PRESETS[kind].fields
    errors = {}
    for name in fields:
        if name not in wanted:
            errors.setdefault(name, []).append(_("Unknown parameter."))
    for name in wanted:
        value = fields.get(name)
        low, high = presets.FIELD_RANGES[name]
        if name == 'days':
            good = (isinstance(value, (list, tuple)) and value and all(
                _int_in_range(day, name) is not None for day in value))
        else:
            good = _int_in_range(value, name) is not None
        if not good:
            message = (_("Choose at least one day.") if name == 'days'
                       else _("Must be a whole number from %(low)d to "
                              "%(high)d.") % {'low': low, 'high': high})
            errors.setdefault(name, []).append(message)
    return errors


def cron_for_preset(kind, **fields):
    """The cron expression of a preset; InvalidParameters for bad fields.

    Monthly on day 29-31 follows cron: months without that day are
    skipped, as the user would see in the next runs shown.
    """
    errors = _preset_errors(kind, fields)
    if errors:
        raise InvalidParameters(errors)
    return presets.cron_text(kind, fields)


@functools.lru_cache(maxsize=1)
def _zone_names():
    return frozenset(zoneinfo.available_timezones())


# The zone database's regions: the zones of places a person picks from
# (Europe/Berlin), besides UTC. Older names (US/Eastern, GB) stay valid
# on the schedules that have them.
REGIONS = ('Africa', 'America', 'Antarctica', 'Arctic', 'Asia', 'Atlantic',
           'Australia', 'Europe', 'Indian', 'Pacific')
# In the zone folder, but the zone of no place: "Factory" (the zone of a
# machine whose zone was never set) and the machine's own ones, which
# differ from one scheduler host to the next.
_NOT_PLACES = frozenset({'Factory', 'localtime', 'posixrules'})


def region_zone(tz):
    """Whether ``tz`` is UTC or a zone of a region's place."""
    return tz == 'UTC' or (isinstance(tz, str)
                           and tz.partition('/')[0] in REGIONS
                           and zone_error(tz) is None)


def zone_error(tz):
    """Why ``tz`` is not an accepted zone name, or None when it is."""
    if not isinstance(tz, str) or not tz:
        return _("Choose a time zone.")
    if _FIXED_OFFSET_ZONE.match(tz):
        return _("Use a time zone name such as Europe/Berlin, not a fixed "
                 "offset from UTC: a fixed offset does not follow daylight "
                 "saving time.")
    if tz in _NOT_PLACES:
        return _("Use the time zone of a place, such as Europe/Berlin, or "
                 "UTC.")
    if tz not in _zone_names():
        return _("Unknown time zone: use a name from the time zone "
                 "database, such as Europe/Berlin or UTC.")
    return None


def zone(tz):
    """The ZoneInfo of an accepted zone name; InvalidParameters if not."""
    error = zone_error(tz)
    if error:
        raise InvalidParameters({'tz': [error]})
    return zoneinfo.ZoneInfo(tz)


_NOT_FIVE_FIELDS = object()
_NEVER = object()
# Where interval checks start walking (a day before 2001).
_REFERENCE = datetime.datetime(2000, 12, 31, 23, 59)


@functools.lru_cache(maxsize=1024)
def _cron_problem(cron):
    """None for a valid 5-field cron, else what is wrong (cronsim's
    words); remembered per expression, as a sweep checks the same few
    crons on every volume."""
    if len(cron) > MAX_CRON_LENGTH or len(cron.split()) != 5:
        return _NOT_FIVE_FIELDS
    try:
        cronsim.CronSim(cron, datetime.datetime(2001, 1, 1))
        runs = next(_days_fired(cron, _REFERENCE), None) is not None
    except Exception as error:  # noqa: BLE001 - the library on any text
        return str(error) or type(error).__name__
    if not runs:
        return _NEVER
    return None


def cron_error(cron):
    """Why ``cron`` is not an accepted 5-field expression, or None."""
    problem = _cron_problem(cron) if isinstance(cron, str) else (
        _NOT_FIVE_FIELDS)
    if problem is _NOT_FIVE_FIELDS:
        return _("Enter a cron expression of five fields: minute, hour, "
                 "day of month, month, day of week.")
    if problem is _NEVER:
        return _("Runs less often than every %d years: choose a cron "
                 "expression that runs at least that often.") % (
            MAX_YEARS_BETWEEN_RUNS)
    if problem is not None:
        return _("Not a valid cron expression: %s.") % problem
    return None


def _times_of_day(cron, day):
    """The times (minutes since midnight) a cron fires on a day it fires
    on; the same for every such day, as minute and hour do not depend on
    the day. Stops early at two adjacent minutes: nothing is shorter."""
    start = datetime.datetime.combine(day, datetime.time.min)
    times = []
    for moment in cronsim.CronSim(cron, start - datetime.timedelta(
            seconds=1)):
        if moment.date() != day:
            break
        times.append(moment.hour * 60 + moment.minute)
        if len(times) > 1 and times[-1] - times[-2] == 1:
            break
    return times


def _days_fired(cron, start, years=MAX_YEARS_BETWEEN_RUNS):
    """The days a cron fires on, for ``years`` years from ``start``."""
    fields = cron.split()
    days_only = ' '.join(['0', '0'] + fields[2:])
    end = start + datetime.timedelta(days=366 * years)
    for moment in cronsim.CronSim(days_only, start):
        if moment > end:
            return
        yield moment.date()


@functools.lru_cache(maxsize=1024)
def shortest_interval(cron):
    """The shortest time between two runs of a valid cron expression, on
    the wall clock (a daylight saving change does not make a daily job
    more frequent than daily).

    Within a day, runs are as close as its closest times; across days,
    as close as the last time of one day and the first of the next day
    the cron fires on. Days are only walked for crons whose runs span
    most of a day, so common crons cost a few steps.
    """
    reference = _REFERENCE
    # cron_error found a run within those years.
    first_day = next(iter(_days_fired(cron, reference)))
    times = _times_of_day(cron, first_day)
    within = min((later - earlier for earlier, later
                  in zip(times[:-1], times[1:], strict=True)),
                 default=None)
    span = times[-1] - times[0]
    one_day = 24 * 60
    across = one_day - span
    if within is not None and within <= across:
        return datetime.timedelta(minutes=within)
    # A cron that fires on consecutive days is as frequent as
    # ``across``; one that never does is at least a day apart more.
    previous = None
    gap_days = None
    for day in _days_fired(cron, reference):
        if previous is not None:
            step = (day - previous).days
            gap_days = step if gap_days is None else min(gap_days, step)
            if gap_days == 1:
                break
        previous = day
    if gap_days is None:
        return datetime.timedelta(minutes=within or one_day * 366)
    across = gap_days * one_day - span
    return datetime.timedelta(minutes=min(across, within or across))


# No zone moves its clocks by more (Antarctica/Troll: two hours), so a
# cron this much longer than the minimum cannot fall below it.
_LARGEST_CLOCK_CHANGE = datetime.timedelta(hours=2)
# The clock changes checked: those of the coming two years.
_CLOCK_CHANGE_YEARS = 2


def _offset(local_zone, moment):
    return moment.astimezone(local_zone).utcoffset()


def _clock_changes(tz, year):
    """The instants (UTC, to the minute) at which ``tz``'s offset
    changes, from the start of ``year`` for _CLOCK_CHANGE_YEARS years."""
    local_zone = zone(tz)
    day = datetime.timedelta(days=1)
    noon = datetime.datetime(year, 1, 1, 12, tzinfo=datetime.timezone.utc)
    for _day in range(366 * _CLOCK_CHANGE_YEARS):
        after = noon + day
        if _offset(local_zone, noon) != _offset(local_zone, after):
            # The first minute of the day past noon with the new offset.
            low, high = 0, 24 * 60
            while high - low > 1:
                middle = (low + high) // 2
                moment = noon + datetime.timedelta(minutes=middle)
                if _offset(local_zone, moment) == _offset(local_zone, noon):
                    low = middle
                else:
                    high = middle
            yield noon + datetime.timedelta(minutes=high)
        noon = after


@functools.lru_cache(maxsize=1024)
def _shortest_around_clock_changes(cron, tz, year, reach):
    """``(interval, change)``: the shortest real time between two runs
    that straddle or neighbour a clock change of ``tz`` (runs within
    ``reach`` of it), and that change; ``(None, None)`` without one."""
    shortest = (None, None)
    for change in _clock_changes(tz, year):
        previous = None
        for moment in _runs_after(cron, tz, change - reach):
            if moment.timestamp() > (change + reach).timestamp():
                break
            if previous is not None:
                gap = datetime.timedelta(
                    seconds=moment.timestamp() - previous.timestamp())
                if shortest[0] is None or gap < shortest[0]:
                    shortest = (gap, change)
            previous = moment
    return shortest


def validate_when(cron, tz, min_interval):
    """Raise InvalidParameters (fields ``cron`` and ``tz``) unless
    ``cron`` is a valid 5-field expression, ``tz`` an IANA zone name and
    runs are at least ``min_interval`` (the operator's setting; None to
    skip that check) apart."""
    errors = {}
    tz_error = zone_error(tz)
    if tz_error:
        errors['tz'] = [tz_error]
    error = cron_error(cron)
    if error is None and min_interval is not None:
        error = _interval_error(cron, min_interval)
    if error is None and min_interval is not None and not tz_error:
        error = _clock_change_error(cron, tz, min_interval)
    if error:
        errors['cron'] = [error]
    if errors:
        raise InvalidParameters(errors)


def _interval_error(cron, min_interval):
    try:
        interval = shortest_interval(cron)
    except Exception as problem:  # noqa: BLE001 - the library on any text
        return _("Not a valid cron expression: %s.") % (
            str(problem) or type(problem).__name__)
    if interval < min_interval:
        return _("Runs at most every %(interval)s: the shortest "
                 "interval allowed is %(minimum)s.") % {
            'interval': describe_interval(interval),
            'minimum': describe_interval(min_interval)}
    return None


def _clock_change_error(cron, tz, min_interval):
    """Whether a daylight saving change brings two runs closer than
    ``min_interval`` (``30 2,3 * * *`` in Europe/Berlin: 03:00 and 03:30
    on the day the clocks go forward)."""
    wall = shortest_interval(cron)
    if wall - _LARGEST_CLOCK_CHANGE >= min_interval:
        return None
    interval, change = _shortest_around_clock_changes(
        cron, tz, times.now().year, wall + _LARGEST_CLOCK_CHANGE)
    if interval is None or interval >= min_interval:
        return None
    return _("Runs %(interval)s apart when the clocks change in %(zone)s "
             "(%(date)s): the shortest interval allowed is "
             "%(minimum)s.") % {
        'interval': describe_interval(interval), 'zone': tz,
        'date': change.astimezone(zone(tz)).strftime('%Y-%m-%d'),
        'minimum': describe_interval(min_interval)}


def describe_interval(interval):
    """``interval`` in words a message can show (hours and minutes)."""
    minutes = int(interval.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return _("%(hours)d h %(minutes)d min") % {'hours': hours,
                                                   'minutes': minutes}
    if hours:
        return _("%d h") % hours
    return _("%d min") % minutes


def _aware(moment, name):
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError('%s must be an aware datetime' % name)
    return moment


def _runs_after(cron, tz, after):
    """Runs strictly after ``after``, in the schedule's zone.

    cronsim walks the wall clock of a zone for crons with a fixed hour,
    so in the repeated hour of a fall-back day it may name a time whose
    first occurrence is already past: those are dropped, since that
    day's run is taken. Instants are compared as timestamps: Python
    compares two datetimes of one zone by wall clock, blind to ``fold``
    (both 02:00s of a fall-back day would be equal).
    """
    _aware(after, 'after')
    local_zone = zone(tz)
    try:
        for moment in cronsim.CronSim(cron, after.astimezone(local_zone)):
            if moment.timestamp() > after.timestamp():
                yield moment
    except OverflowError:
        # The end of datetime's years: no more runs.
        return


def next_runs(cron, tz, after, count):
    """The next ``count`` runs strictly after ``after`` (aware), as aware
    datetimes in the schedule's zone (compare them in UTC: the second
    02:00 of a fall-back day differs from the first only by ``fold``)."""
    runs = []
    for moment in _runs_after(cron, tz, after):
        if len(runs) >= count:
            break
        runs.append(moment)
    return runs


def _latest_run_at_or_before(cron, tz, now):
    """The latest run at or before ``now``; cronsim walks back from one
    second later, as it names only times strictly before its start."""
    start = (now + datetime.timedelta(seconds=1)).astimezone(zone(tz))
    for moment in cronsim.CronSim(cron, start, reverse=True):
        if moment.timestamp() <= now.timestamp():
            return moment
    return None  # pragma: no cover - cronsim's walk back is endless


def due_slot(cron, tz, last_slot, created, now):
    """The run to make now, and how many runs were missed before it.

    The slot is the latest due time at or before ``now`` and after
    ``last_slot`` (after ``created`` when the schedule never ran), so a
    schedule down for a while runs once, not once per missed run.
    Returns ``(None, 0)`` when nothing is due. All datetimes are aware.
    """
    _aware(now, 'now')
    anchor = _aware(last_slot or created, 'last_slot or created')
    slot, seen = None, 0
    for moment in _runs_after(cron, tz, anchor):
        if moment.timestamp() > now.timestamp():
            break
        slot, seen = moment, seen + 1
        if seen > MAX_COUNTED_RUNS:
            slot = _latest_run_at_or_before(cron, tz, now)
            break
    if slot is None:
        return None, 0
    return slot, seen - 1

