"""Schedules of a volume, for the panels: create, read, change, pause,
resume, delete and run now, with the logged-in user's request.

A schedule lives in the metadata of the volume it protects (written
through :mod:`~volsnap_dashboard.protection.schedule.store` with the
user's own Cinder client, so Cinder's policy for the user applies). Saving
one creates a Keystone trust with the user's token, from the user to the
scheduler's service user in the user's project; only its id is stored.
Whatever fails after the trust was created deletes it again: no trust
outlives a schedule that was not saved.
"""

import dataclasses
import datetime
import logging

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from horizon.utils import functions as horizon_utils

from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import cinder_facts
from volsnap_dashboard.api import errors
from volsnap_dashboard.api import keystone
from volsnap_dashboard.api import trusts
from volsnap_dashboard.dashboards.common import plugin_choice
from volsnap_dashboard.dashboards.schedules import growth
from volsnap_dashboard.dashboards.schedules import guard as schedule_guard
from volsnap_dashboard.dashboards.schedules import preview
from volsnap_dashboard.protection.schedule import building
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import model
from volsnap_dashboard.protection.schedule import retention as retention_rules
from volsnap_dashboard.protection.schedule import store
from volsnap_dashboard.protection import times

LOG = logging.getLogger(__name__)

@dataclasses.dataclass
class Outcome:
    """What deleting or taking over a schedule did: the protections
    deleted with it, and whether the trust it ran with remains (Keystone
    did not let the user delete it, or it was not proved the
    schedule's)."""
    protections_deleted: int = 0
    trust_left: bool = False
    #: The schedule as saved (a take-over's), else None.
    schedule: object = None


def min_interval():
    """The operator's shortest interval between runs (setting
    VOLSNAP_SCHEDULE_MIN_INTERVAL, seconds; the scheduler's min_interval
    must say the same)."""
    return datetime.timedelta(seconds=getattr(
        settings, 'VOLSNAP_SCHEDULE_MIN_INTERVAL', 3600))


# -- Cinder, with the user's client -------------------------------------------

@cinder.cinder_call
def _save(request, volume, schedule):
    store.save(cinder.cinderclient(request), volume, schedule)


@cinder.cinder_call
def _save_state(request, volume, schedule_id, state):
    store.save_state(cinder.cinderclient(request), volume, schedule_id,
                     state)


@cinder.cinder_call
def _remove(request, volume, schedule_id):
    store.remove(cinder.cinderclient(request), volume, schedule_id)


@cinder.cinder_call
def _request_run(request, volume, schedule_id, at):
    store.request_run(cinder.cinderclient(request), volume, schedule_id, at)


@cinder.cinder_call
def _protections_of(request, schedule, all_projects=False):
    return store.protections_of(plugin_choice.schedule_plugin(schedule),
                                cinder.cinderclient(request),
                                schedule, all_projects=all_projects)


def _volume(request, volume_id):
    """The volume, if it is in the user's current project (an admin's
    client can read other projects' volumes, whose schedules the user's
    trust could never run)."""
    volume = cinder.volume_get(request, volume_id)
    owner = cinder_facts.volume_project(volume)
    if owner and owner != request.user.project_id:
        raise errors.Forbidden(_("Schedules can be kept only on volumes of "
                                 "your current project."))
    return volume


def _found(volume, schedule_id, min_interval=None, project_id=None):
    """``(volume, its schedule schedule_id)``; NotFound if it has none
    (``project_id``: the volume's where Cinder does not show it)."""
    found = schedule_guard.schedule_of(volume, schedule_id, min_interval,
                                       project_id)
    if found is None:
        raise errors.NotFound(_("The volume has no schedule \"%s\".")
                              % schedule_id)
    return volume, found


def _find(request, volume_id, schedule_id):
    """The volume and its schedule ``schedule_id`` (a Schedule, or an
    Invalid when it cannot be read)."""
    # Read without the minimum interval: a schedule the operator's newer,
    # longer interval refuses can still be opened and corrected.
    return _found(_volume(request, volume_id), schedule_id,
                  project_id=request.user.project_id)


def _readable(found):
    if isinstance(found, model.Invalid):
        raise errors.Conflict(_("This schedule cannot be read (%s): delete "
                                "it and create it again.") % found.reason)
    return found


# -- Checking what the user gave ----------------------------------------------

def when_of(request, when):
    """A model.When from a When or a dict (building.when_of); the zone
    defaults to the user's Horizon time zone."""
    if isinstance(when, dict) and not when.get('tz'):
        when = dict(when, tz=horizon_utils.get_timezone(request))
    return building.when_of(when, None)


retention_of = building.retention_of


def options_of(options, plugin=None):
    """The plugin's options (the panels' default plugin unless given),
    checked by its schema (building.options_of)."""
    return building.options_of(
        options, plugin or plugin_choice.required_volume_plugin())


def _plugin_name(plugin):
    """What a new schedule records of its plugin: nothing for the
    default one, which schedules saved before plugins were named run."""
    if plugin is None or plugin is plugin_choice.volume_plugin():
        return None
    return plugin.name


def _checked(schedule):
    return building.checked(schedule, min_interval())


# -- Trusts ------------------------------------------------------------------

def _new_trust(request):
    return keystone.trust_create(request, keystone.scheduler_user_id())


def _save_with_trust(request, volume, schedule, trust_id):
    """Save ``schedule`` with the new ``trust_id``; the trust is deleted
    again unless the schedule was written."""
    keystone.write_with_trust(
        request, trust_id, lambda: _save(request, volume, schedule),
        lambda: _written(request, schedule))


def _written(request, schedule):
    """Whether the volume holds ``schedule`` as sent (its answer lost)."""
    try:
        volume = cinder.volume_get(request, schedule.volume_id)
    except errors.VolsnapAPIError:
        return False
    found = schedule_guard.schedule_of(volume, schedule.id,
                                       project_id=request.user.project_id)
    return (isinstance(found, model.Schedule)
            and found.trust_id == schedule.trust_id)


# -- The API ------------------------------------------------------------------

def _scheduled_volumes(request):
    return cinder.volume_list(request,
                              search_opts=codec.scheduled_volumes_filter())


def _runs(plugin):
    """Whether a schedule runs ``plugin`` (a schedule naming none runs
    the default)."""
    plugins = plugin_choice.volume_plugins()
    return lambda schedule: plugins is not None and \
        plugins.for_schedule(schedule) is plugin


def project_growth(request, leave_out=(), plugin=None):
    """What the project's active schedules of ``plugin`` (the default
    unless given) still add to the quota its protections count against
    (growth.Growth): one listing of its scheduled volumes and one of its
    protections; ``leave_out``: ``(volume id, schedule id)`` pairs."""
    plugin = plugin or plugin_choice.required_volume_plugin()
    protections = cinder.protection_list(request, plugin)
    return growth.growth(_scheduled_volumes(request), protections,
                         times.now(), leave_out, runs=_runs(plugin))


def project_overflow(request):
    """Whether the project's active schedules will not fit a quota once
    their retention is full: the preview.Forecast that says so, else
    None. One listing of the scheduled volumes, and for each plugin one
    of its protections, and its quota only while its schedules still
    grow (at full retention, each run makes room for itself)."""
    plugins = plugin_choice.volume_plugins()
    if plugins is None:
        raise errors.VolsnapAPIError(plugin_choice.NO_PROVIDER)
    volumes = _scheduled_volumes(request)
    for plugin in plugins:
        protections = cinder.protection_list(request, plugin)
        more = growth.growth(volumes, protections, times.now(),
                             runs=_runs(plugin))
        if not (more.snapshots or more.gigabytes):
            continue
        limits = cinder.protection_quota(request, plugin)
        if not limits:
            continue
        found = preview.forecast([], 0, limits, others=more)
        if not found.fits:
            return found
    return None


def list_for_volume(request, volume_id):
    """The volume's schedules: each a Schedule, or an Invalid with the
    reason it does nothing (the minimum interval counts here)."""
    return schedule_guard.schedules_of(_volume(request, volume_id),
                                       min_interval(),
                                       request.user.project_id)


def get(request, volume_id, schedule_id):
    """One schedule of the volume (a Schedule or an Invalid); NotFound if
    the volume has none of that id."""
    return _find(request, volume_id, schedule_id)[1]


def find(request, volume_id, schedule_id):
    """``(volume, schedule)``: the volume, and its schedule as get()
    returns it, but read with the minimum interval as list_for_volume
    does (one volume read)."""
    return _found(_volume(request, volume_id), schedule_id, min_interval(),
                  request.user.project_id)


def protections_of(request, schedule, all_projects=False):
    """The protections (protection.base.Protection) a schedule (or an
    Invalid one) made, through the panels' plugin (one listing;
    ``all_projects`` for an administrator's look at another project)."""
    return _protections_of(request, schedule, all_projects)


def protections_of_many(request, schedules):
    """The protections any of ``schedules`` made: one listing of the
    project's protections, however many schedules."""
    wanted = {(schedule.volume_id, schedule.id) for schedule in schedules}
    plugins = []
    for schedule in schedules:
        plugin = plugin_choice.schedule_plugin(schedule)
        if plugin not in plugins:
            plugins.append(plugin)
    listed = [protection for plugin in plugins
              for protection in cinder.protection_list(request, plugin)]
    return [protection for protection in listed
            if (protection.volume_id, codec.schedule_id_of(protection))
            in wanted]


def create(request, volume_id, when, options, name_template, retention,
           label='', verify_every=None, plugin=None):
    """Create a schedule on the volume; returns it (a Schedule).

    InvalidParameters (per field) if it could not run; errors of the API
    layer if Keystone or Cinder refuse. Nothing is left behind on failure.
    """
    volume = _volume(request, volume_id)
    schedule = building.new_schedule(
        volume, set(schedule_guard.schedule_ids(volume)),
        request.user.project_id, request.user.id, when_of(request, when),
        options_of(options, plugin), name_template, retention,
        min_interval(), label=label, verify_every=verify_every,
        plugin_name=_plugin_name(plugin))
    schedule.trust_id = _new_trust(request)
    _save_with_trust(request, volume, schedule, schedule.trust_id)
    LOG.info("Schedule %s created on volume %s", schedule.id, volume.id)
    return schedule


_UNCHANGED = object()


def update(request, volume_id, schedule_id, when=_UNCHANGED,
           options=_UNCHANGED, name_template=_UNCHANGED,
           retention=_UNCHANGED, label=_UNCHANGED, take_over=False,
           verify_every=_UNCHANGED):
    """Change a schedule; returns it. It keeps its trust (and owner)
    unless ``take_over``: then the current user gives a new trust and
    becomes the owner, and the old trust is deleted where the user may
    (see take_over()). The state of its runs is kept."""
    return _update(request, volume_id, schedule_id, when, options,
                   name_template, retention, label, take_over,
                   verify_every).schedule


def take_over(request, volume_id, schedule_id):
    """The current user becomes the schedule's owner with a new trust; an
    Outcome with the schedule and whether the previous owner's trust
    remains (only its trustor, or an administrator, may delete it)."""
    return _update(request, volume_id, schedule_id, take_over=True)


def _update(request, volume_id, schedule_id, when=_UNCHANGED,
            options=_UNCHANGED, name_template=_UNCHANGED,
            retention=_UNCHANGED, label=_UNCHANGED, take_over=False,
            verify_every=_UNCHANGED):
    volume, found = _find(request, volume_id, schedule_id)
    current = _readable(found)
    changes = {}
    if when is not _UNCHANGED:
        changes['when'] = when_of(request, when)
    if options is not _UNCHANGED:
        changes['options'] = options_of(
            options, plugin_choice.schedule_plugin(current))
    if name_template is not _UNCHANGED:
        changes['name_template'] = name_template
    if retention is not _UNCHANGED:
        changes['retention'] = retention_of(retention)
    if label is not _UNCHANGED:
        changes['label'] = label or ''
    if verify_every is not _UNCHANGED:
        changes['verify_every'] = verify_every
    schedule = _checked(dataclasses.replace(current, **changes))
    if not take_over:
        _save(request, volume, schedule)
        return Outcome(schedule=schedule)
    schedule.trust_id = _new_trust(request)
    schedule.owner_id = request.user.id
    _save_with_trust(request, volume, schedule, schedule.trust_id)
    if current.state.outcome == model.OUTCOME_AUTHORIZATION_LOST:
        _clear_lost_authorization(request, volume, schedule)
    dropped = _drop_proved_trust(request, request.user.project_id, current)
    LOG.info("Schedule %s on volume %s taken over by its new owner",
             schedule.id, volume.id)
    return Outcome(schedule=schedule, trust_left=not dropped)


def _clear_lost_authorization(request, volume, schedule):
    """The lost authorization was the previous trust's: the schedule
    stops saying so at once (its history keeps the run that found it).
    The new trust is saved either way, so a failure here is only
    logged: the next run records the truth."""
    state = dataclasses.replace(schedule.state, outcome=None, reason='',
                                failures=0)
    try:
        _save_state(request, volume, schedule.id, state)
    except errors.VolsnapAPIError as error:
        LOG.warning("Schedule %s on volume %s: clearing its lost "
                    "authorization: %s", schedule.id, volume.id, error)
        return
    schedule.state = state


def _pause_by(request, by_admin=False):
    return model.Pause(user_id=request.user.id,
                       at=times.now().replace(microsecond=0),
                       by_admin=by_admin)


def _set_paused(request, volume_id, schedule_id, paused):
    volume, found = _find(request, volume_id, schedule_id)
    schedule = dataclasses.replace(
        _readable(found), paused=paused,
        paused_by=_pause_by(request) if paused else None)
    _save(request, volume, schedule)
    return schedule


def pause(request, volume_id, schedule_id):
    return _set_paused(request, volume_id, schedule_id, True)


def resume(request, volume_id, schedule_id):
    return _set_paused(request, volume_id, schedule_id, False)


def run_now(request, volume_id, schedule_id):
    """Ask the scheduler to run the schedule at its next sweep."""
    volume, found = _find(request, volume_id, schedule_id)
    schedule = _readable(found)
    if schedule.paused:
        raise errors.Conflict(_("The schedule is paused: resume it "
                                "first."))
    schedule.run_requested = times.now().replace(microsecond=0)
    _request_run(request, volume, schedule.id, schedule.run_requested)
    return schedule


def delete(request, volume_id, schedule_id, keep_protections=True):
    """Delete a schedule (also one that cannot be read) and its trust
    where Keystone lets the user; its protections too unless
    ``keep_protections``. Returns an Outcome."""
    volume, found = _find(request, volume_id, schedule_id)
    protections = _protections_of(request, found)
    if keep_protections:
        _keep(request, plugin_choice.schedule_plugin(found), protections)
        protections = ()
    deleted = _delete(request, volume, found, protections)
    trust_left = isinstance(found, model.Schedule) and bool(
        found.trust_id) and not _drop_proved_trust(
            request, request.user.project_id, found)
    return Outcome(protections_deleted=deleted, trust_left=trust_left)


def _keep(request, plugin, protections):
    """Mark ``protections`` kept, before their schedule goes: kept, they
    are not offered as orphans to delete. A failure stops the delete."""
    for protection in protections:
        if not retention_rules.is_kept(protection):
            cinder.protection_set_metadata(
                request, plugin, protection,
                {codec.KEPT_KEY: codec.KEPT_VALUE})


def _delete(request, volume, found, protections):
    """Delete ``protections`` through the panels' plugin, then the
    schedule ``found`` from ``volume``; how many protections were
    deleted."""
    deleted = 0
    if protections:
        plugin = plugin_choice.schedule_plugin(found)
        for protection in protections:
            if cinder.snapshot_delete(request, plugin, protection.id):
                deleted += 1
    _remove(request, volume, found.id)
    LOG.info("Schedule %s deleted from volume %s (%d protections deleted)",
             found.id, volume.id, deleted)
    return deleted


# -- For administrators, in any project ---------------------------------------

def admin_find(request, volume_id, schedule_id, checked=True):
    """find() for administrators: the volume may be any project's.
    Unless ``checked``, read without the minimum interval (to act on a
    schedule the operator's newer minimum refuses)."""
    return _found(cinder.volume_get(request, volume_id), schedule_id,
                  min_interval() if checked else None)


def admin_pause(request, volume_id, schedule_id):
    """Pause a schedule of any project's volume (the trust stays its
    owner's: resuming is the project's decision)."""
    volume, found = admin_find(request, volume_id, schedule_id,
                               checked=False)
    schedule = dataclasses.replace(_readable(found), paused=True,
                                   paused_by=_pause_by(request, True))
    _save(request, volume, schedule)
    LOG.info("Schedule %s on volume %s paused by an administrator",
             schedule.id, volume.id)
    return schedule


def admin_resume(request, volume_id, schedule_id):
    """Resume a schedule an administrator paused (what its project paused
    stays the project's to resume)."""
    volume, found = admin_find(request, volume_id, schedule_id,
                               checked=False)
    current = _readable(found)
    if not (current.paused and current.paused_by is not None
            and current.paused_by.by_admin):
        raise errors.Conflict(_("Only a schedule an administrator paused "
                                "is resumed here: its project paused this "
                                "one, and resumes it."))
    schedule = dataclasses.replace(current, paused=False, paused_by=None)
    _save(request, volume, schedule)
    LOG.info("Schedule %s on volume %s resumed by an administrator",
             schedule.id, volume.id)
    return schedule


def admin_protections_of(request, volume, schedule):
    """The protections ``schedule`` (or an Invalid one) made of
    ``volume``, in the volume's current project only: a volume transferred
    without its protections left them in a project the schedule is not
    of."""
    project = cinder_facts.volume_project(volume)
    return [protection for protection
            in _protections_of(request, schedule, True)
            if project and protection.project_id == project]


def _drop_proved_trust(request, project_id, schedule):
    """Delete the schedule's trust if it is proved the schedule's (see
    _proved_schedules); whether it is gone."""
    return _proved_schedules(request, project_id, schedule) and \
        keystone.drop_trust(request, schedule.trust_id)


def _proved_schedules(request, project_id, schedule):
    """Whether the schedule's trust is the one its owner gave the
    scheduler in ``project_id``, the volume's project (the trust id is
    the tenant's writing: it may name any trust of the cloud, which a
    user holding ``admin`` could delete)."""
    try:
        trust = keystone.trust_get(request, schedule.trust_id)
        scheduler = keystone.scheduler_user_id()
    except errors.VolsnapAPIError as exc:
        LOG.warning("Trust %s of schedule %s not read: %s",
                    schedule.trust_id, schedule.id, type(exc).__name__)
        return False
    return trusts.proves_schedule(trust, schedule.owner_id, project_id,
                                  scheduler)


def admin_delete(request, volume_id, schedule_id, keep_protections=True):
    """Delete a schedule of any project's volume: its metadata, its
    protections in the volume's project unless ``keep_protections``, and its
    trust only where it is proved the schedule's (its owner's, to the
    scheduler, in the volume's project). Returns an Outcome."""
    volume, found = admin_find(request, volume_id, schedule_id,
                               checked=False)
    protections = () if keep_protections else admin_protections_of(
        request, volume, found)
    deleted = _delete(request, volume, found, protections)
    trust_left = isinstance(found, model.Schedule) and bool(
        found.trust_id) and not _drop_proved_trust(
            request, cinder_facts.volume_project(volume), found)
    return Outcome(protections_deleted=deleted, trust_left=trust_left)
