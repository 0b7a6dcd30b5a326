"""``openstack volume protection schedule create``: a schedule on each
volume named, built and checked as the panel builds them, saved with a
Keystone trust the user's own session creates (no trust outlives a
schedule that was not saved); ``--dry-run`` shows the next runs and
what retention deletes at the first, and saves nothing."""

from osc_lib.command import command
from osc_lib import exceptions

from volsnap_dashboard.api import errors
from volsnap_dashboard.osc import options as cli_options
from volsnap_dashboard.osc import protections as osc_protections
from volsnap_dashboard.osc import retention_preview
from volsnap_dashboard.osc import schedules as osc_schedules
from volsnap_dashboard.osc import user_trusts
from volsnap_dashboard.protection import parameters
from volsnap_dashboard.protection.schedule import building
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import naming
from volsnap_dashboard.protection.schedule import presets
from volsnap_dashboard.protection.schedule import store
from volsnap_dashboard.protection.schedule import timing
from volsnap_dashboard.protection import times

WEEKDAYS = ('mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun')
PREVIEW_RUNS = 5
COLUMNS = ('ID', 'Volume ID', 'Volume', 'Cron', 'Time Zone',
           'Next Runs (UTC)')


def _time(text):
    hour, sep, minute = (text or '').partition(':')
    try:
        if sep:
            return int(hour), int(minute)
    except ValueError:
        pass
    raise exceptions.CommandError('--at takes HH:MM, not "%s"' % text)


def preset_fields(parsed_args):
    """The preset's fields from the flags it needs; CommandError naming
    the flag a preset lacks."""
    kind = parsed_args.preset
    fields = {}
    for field in presets.PRESETS[kind].fields:
        if field in ('hour', 'minute') and kind != 'hourly':
            if parsed_args.at is None:
                raise exceptions.CommandError(
                    '--preset %s needs --at HH:MM' % kind)
            fields['hour'], fields['minute'] = _time(parsed_args.at)
        elif field == 'minute':
            if parsed_args.minute is None:
                raise exceptions.CommandError(
                    '--preset hourly needs --minute')
            fields['minute'] = parsed_args.minute
        elif field == 'days':
            if not parsed_args.weekday:
                raise exceptions.CommandError(
                    '--preset weekly needs --weekday (mon ... sun)')
            fields['days'] = sorted({WEEKDAYS.index(day)
                                     for day in parsed_args.weekday})
        elif field == 'day':
            if parsed_args.day is None:
                raise exceptions.CommandError(
                    '--preset monthly needs --day')
            fields['day'] = parsed_args.day
    return {'kind': kind, **fields}


def when_of(parsed_args):
    when = {'tz': parsed_args.timezone}
    if parsed_args.cron:
        when['cron'] = parsed_args.cron
    else:
        when['preset'] = preset_fields(parsed_args)
    return building.when_of(when, parsed_args.timezone)


class CreateSchedule(command.Lister):
    _description = ("Create a protection schedule on each volume named "
                    "(the same timing, retention and label)")

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('volumes', metavar='<volume>', nargs='+',
                            help='Volume(s) to protect (name or ID)')
        timing_group = parser.add_mutually_exclusive_group(required=True)
        timing_group.add_argument('--preset', choices=sorted(
            presets.PRESETS), help='When to run, with --at, --minute, '
            '--weekday or --day as the preset needs')
        timing_group.add_argument('--cron', metavar='<expression>',
                                  help='When to run, as a cron expression')
        parser.add_argument('--at', metavar='<HH:MM>',
                            help='Time of day (daily, weekly, monthly, '
                                 'month_end)')
        parser.add_argument('--minute', metavar='<minute>', type=int,
                            help='Minute of the hour (hourly)')
        parser.add_argument('--weekday', choices=WEEKDAYS, action='append',
                            help='Day of the week (weekly; repeat for more)')
        parser.add_argument('--day', metavar='<day>', type=int,
                            help='Day of the month (monthly)')
        parser.add_argument('--timezone', metavar='<zone>', default='UTC',
                            help='Time zone of the timing, such as '
                                 'Europe/Berlin (default UTC)')
        parser.add_argument('--keep', metavar='<count>', type=int,
                            help='Keep this many of what it made')
        parser.add_argument('--keep-days', metavar='<days>', type=int,
                            help='Keep what it made for this many days')
        parser.add_argument('--label', metavar='<label>', default='',
                            help='A label to find the schedules by')
        parser.add_argument('--name-template', metavar='<template>',
                            default=naming.DEFAULT_TEMPLATE,
                            help='How each run names what it makes '
                                 '(default %s)' % naming.DEFAULT_TEMPLATE
                                 .replace('%', '%%'))
        parser.add_argument('--verify-every', metavar='<runs>', type=int,
                            help='Restore the newest to a temporary volume '
                                 'every this many runs')
        osc_protections.add_plugin_argument(
            parser, "Protection plugin (default: the provider's first)")
        parser.add_argument('--option', metavar='<key=value>',
                            action='append', default=[],
                            help='A plugin option (repeat for more)')
        user_trusts.add_scheduler_user_argument(parser)
        parser.add_argument('--dry-run', action='store_true',
                            help='Check it and show its next runs and what '
                                 'its retention deletes at the first; save '
                                 'nothing and create no trust')
        return parser

    def take_action(self, parsed_args):
        holder = self.app.client_manager.volume_protection
        plugins = osc_protections.plugins_of(self.app)
        plugin = osc_protections.chosen_plugin(self.app, parsed_args.plugin)
        schema = plugin.get_options_schema()
        given = cli_options.parse(schema, parsed_args.option)
        try:
            when = when_of(parsed_args)
            options = building.options_of(
                cli_options.with_blank_texts(schema, given), plugin)
        except parameters.InvalidParameters as exc:
            raise exceptions.CommandError('invalid schedule: %s' % exc) \
                from None
        volumes = [osc_schedules.own_volume(self.app, name)
                   for name in parsed_args.volumes]
        retention = {'count': parsed_args.keep, 'days': parsed_args.keep_days}
        made = []
        for volume in volumes:
            try:
                schedule = building.new_schedule(
                    volume, {found.id for found in codec.decode(volume)},
                    holder.project_id, holder.user_id, when, options,
                    parsed_args.name_template, retention,
                    osc_schedules.min_interval(),
                    label=parsed_args.label,
                    verify_every=parsed_args.verify_every,
                    plugin_name=(None if plugin is plugins.default
                                 else plugin.name))
            except parameters.InvalidParameters as exc:
                raise exceptions.CommandError(
                    'invalid schedule: %s' % exc) from None
            if not parsed_args.dry_run:
                self._save(holder, parsed_args, volume, schedule)
            made.append((volume, schedule))
        if parsed_args.dry_run:
            return self._previewed(plugin, holder.cinder, made)
        return self._shown(made)

    def _save(self, holder, parsed_args, volume, schedule):
        user_trusts.refuse_application_credential(
            self.app, 'a schedule needs to run on your behalf')
        trustee = user_trusts.scheduler_user_id(parsed_args)
        try:
            schedule.trust_id = user_trusts.create(self.app, trustee)
        except errors.VolsnapAPIError as exc:
            raise exceptions.CommandError(
                'Keystone refused the trust the schedule needs: %s'
                % (getattr(exc, 'detail', None) or exc)) from None
        try:
            with errors.translated():
                store.save(holder.cinder, volume, schedule)
        except errors.VolsnapAPIError as exc:
            # No trust outlives a schedule that was not saved.
            user_trusts.delete(self.app, schedule.trust_id)
            raise exceptions.CommandError(
                'the schedule of volume %s was not saved: %s'
                % (volume.id, exc)) from None

    @staticmethod
    def _runs(schedule, now):
        return timing.next_runs(schedule.when.cron, schedule.when.tz, now,
                                PREVIEW_RUNS)

    def _shown(self, made):
        now = times.now()
        return COLUMNS, [
            (schedule.id, volume.id, volume.name, schedule.when.cron,
             schedule.when.tz, ', '.join(
                 times.format_utc(run) for run in self._runs(schedule, now)))
            for volume, schedule in made]

    def _previewed(self, plugin, cinder, made):
        """The rows of a dry run: next runs, and what retention deletes
        at the first, as the panel's review step shows them."""
        now = times.now()
        by_volume = retention_preview.protections_by_volume(plugin, cinder)
        kind = str(plugin.verbose_name_plural)
        rows = []
        for volume, schedule in made:
            runs = self._runs(schedule, now)
            rows.append((
                '(not saved)', volume.id, volume.name, schedule.when.cron,
                schedule.when.tz,
                ', '.join(times.format_utc(run) for run in runs),
                retention_preview.at_first_run(
                    schedule, by_volume.get(volume.id, []), runs[0], kind)
                if runs else ''))
        return COLUMNS + ('Retention At First Run',), rows
