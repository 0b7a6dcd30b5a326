"""``openstack volume protection schedule ...``: the project's schedules
as the panels show them (read from volume metadata with the same bounded
codec, one listing for all), and pause, resume and run now, written with
the user's own Cinder client as the panels write them."""

import dataclasses
import datetime
import os

from osc_lib.command import command
from osc_lib import exceptions
from osc_lib import utils

from volsnap_dashboard.api import cinder_facts
from volsnap_dashboard.api import errors
from volsnap_dashboard.osc import protections as osc_protections
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import model
from volsnap_dashboard.protection.schedule import states
from volsnap_dashboard.protection.schedule import store
from volsnap_dashboard.protection.schedule import timing
from volsnap_dashboard.protection.schedule import words
from volsnap_dashboard.protection import times

COLUMNS = ('ID', 'Volume ID', 'Volume', 'Label', 'Kind', 'When',
           'Retention', 'State', 'Next Run', 'Last Run')


def min_interval():
    """The operator's shortest interval between runs, as the panels and
    the scheduler read it (VOLSNAP_SCHEDULE_MIN_INTERVAL, seconds)."""
    try:
        seconds = int(os.environ.get('VOLSNAP_SCHEDULE_MIN_INTERVAL',
                                     '3600'))
    except ValueError:
        seconds = 3600
    return datetime.timedelta(seconds=seconds)


def _iso(moment):
    return times.format_utc(moment) if moment else ''


def _next_run(schedule, now):
    if not isinstance(schedule, model.Schedule) or schedule.paused:
        return ''
    runs = timing.next_runs(schedule.when.cron, schedule.when.tz, now, 1)
    return _iso(runs[0]) if runs else ''


def _kind(app, schedule):
    plugin = osc_protections.plugins_of(app).for_schedule(schedule)
    return str(plugin.verbose_name) if plugin else ''


def row_of(app, volume, schedule, now):
    """One schedule as a row; an unreadable one says why in its State.
    Members of the project write the metadata: whatever cannot be shown
    makes that row invalid, never the command fail."""
    if isinstance(schedule, model.Invalid):
        return _invalid_row(volume, schedule.id, schedule.reason)
    try:
        return _row(app, volume, schedule, now)
    except (ValueError, TypeError, OverflowError) as exc:
        return _invalid_row(volume, schedule.id,
                            'it cannot be shown (%s)' % exc)


def _invalid_row(volume, schedule_id, reason):
    return (schedule_id, volume.id, volume.name, '', '', '', '',
            'invalid: %s' % reason, '', '')


def _row(app, volume, schedule, now):
    return (schedule.id, volume.id, volume.name, schedule.label,
            _kind(app, schedule),
            '%s (%s)' % (words.describe(schedule.when), schedule.when.tz),
            str(words.describe_retention(schedule.retention)),
            states.state_of(schedule, now), _next_run(schedule, now),
            _iso(schedule.state.last_run))


def own_volume(app, name_or_id):
    """The volume, if it is in the user's project: a schedule elsewhere
    could never run with the user's trust (an admin can read others)."""
    holder = app.client_manager.volume_protection
    volume = osc_protections.find_volume(holder.cinder, name_or_id)
    owner = cinder_facts.volume_project(volume)
    if owner and owner != holder.project_id:
        raise exceptions.CommandError(
            'Schedules can be kept only on volumes of your current '
            'project.')
    return volume


def find_schedule(app, volume_ref, schedule_id):
    """``(volume, schedule)``; CommandError if the volume has none."""
    volume = own_volume(app, volume_ref)
    schedule = codec.decode_schedule(volume, schedule_id, min_interval())
    if schedule is None:
        raise exceptions.CommandError(
            'Volume %s has no schedule %s' % (volume.id, schedule_id))
    return volume, schedule


def readable(schedule):
    if isinstance(schedule, model.Invalid):
        raise exceptions.CommandError(
            'This schedule cannot be read (%s): delete it and create it '
            'again.' % schedule.reason)
    return schedule


class ListSchedule(command.Lister):
    _description = "List the project's protection schedules"

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('--volume', metavar='<volume>',
                            help="Only this volume's (name or ID)")
        return parser

    def take_action(self, parsed_args):
        cinder = osc_protections.cinder_of(self.app)
        try:
            if parsed_args.volume:
                volumes = [own_volume(self.app, parsed_args.volume)]
            else:
                # One listing, however many schedules.
                with errors.translated():
                    volumes = cinder.volumes.list(
                        search_opts=codec.scheduled_volumes_filter())
        except errors.VolsnapAPIError as exc:
            raise osc_protections.failed(exc) from None
        now = times.now()
        rows = [row_of(self.app, volume, schedule, now)
                for volume in volumes
                for schedule in codec.decode(volume, min_interval())]
        return COLUMNS, sorted(rows, key=lambda row: (row[2] or '', row[0]))


class ShowSchedule(command.ShowOne):
    _description = "Show a protection schedule"

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('volume', metavar='<volume>',
                            help='Volume (name or ID)')
        parser.add_argument('schedule', metavar='<schedule>',
                            help='Schedule ID')
        return parser

    def take_action(self, parsed_args):
        volume, schedule = find_schedule(self.app, parsed_args.volume,
                                         parsed_args.schedule)
        shown = dict(zip(COLUMNS, row_of(self.app, volume, schedule,
                                         times.now()), strict=True))
        if isinstance(schedule, model.Schedule):
            shown.update({
                'Cron': schedule.when.cron,
                'Options': utils.format_dict(
                    schedule.options),
                'Name Template': schedule.name_template,
                'Owner ID': schedule.owner_id,
                'Last Outcome': schedule.state.outcome or '',
                'Last Reason': schedule.state.reason,
                'Failures In A Row': schedule.state.failures,
                'Verify Every': schedule.verify_every or '',
                'Run Requested': _iso(schedule.run_requested)})
        return osc_protections.columns_and_values(shown)


class ChangeSchedules(command.Command):
    """A change written on each named schedule of a volume; goes on past
    one that fails and then says how many did."""

    verb = None
    #: Whether a schedule that cannot be read is refused (deleting one
    #: is how it is mended).
    readable_only = True

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('volume', metavar='<volume>',
                            help='Volume (name or ID)')
        parser.add_argument('schedules', metavar='<schedule>', nargs='+',
                            help='Schedule ID(s)')
        return parser

    def change(self, cinder, volume, schedule):
        raise NotImplementedError

    def take_action(self, parsed_args):
        cinder = osc_protections.cinder_of(self.app)

        def change(schedule_id):
            volume, schedule = find_schedule(self.app, parsed_args.volume,
                                             schedule_id)
            self.change(cinder, volume, readable(schedule)
                        if self.readable_only else schedule)

        osc_protections.for_each(parsed_args.schedules, change, 'schedules',
                                 self.verb)


class PauseSchedule(ChangeSchedules):
    _description = "Pause protection schedules (no runs until resumed)"
    verb = 'pause'

    def change(self, cinder, volume, schedule):
        holder = self.app.client_manager.volume_protection
        with errors.translated():
            store.save(cinder, volume, dataclasses.replace(
                schedule, paused=True, paused_by=model.Pause(
                    user_id=holder.user_id,
                    at=times.now().replace(microsecond=0))))


class ResumeSchedule(ChangeSchedules):
    _description = "Resume paused protection schedules"
    verb = 'resume'

    def change(self, cinder, volume, schedule):
        with errors.translated():
            store.save(cinder, volume, dataclasses.replace(
                schedule, paused=False, paused_by=None))


class RunSchedule(ChangeSchedules):
    _description = "Ask the scheduler to run protection schedules now"
    verb = 'run'

    def change(self, cinder, volume, schedule):
        if schedule.paused:
            raise exceptions.CommandError(
                'The schedule is paused: resume it first.')
        with errors.translated():
            store.request_run(cinder, volume, schedule.id,
                              times.now().replace(microsecond=0))
