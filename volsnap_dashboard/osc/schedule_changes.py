"""``openstack volume protection schedule set`` and ``schedule delete``,
and ``protection keep`` / ``protection unkeep``: changes written with the
user's own Cinder client, as the panel writes them. A deleted schedule's
trust goes too, once proved the schedule's (its id is the tenant's
writing)."""

import dataclasses
import os

from osc_lib.command import command
from osc_lib import exceptions

from volsnap_dashboard.api import errors
from volsnap_dashboard.api import trusts
from volsnap_dashboard.osc import options as cli_options
from volsnap_dashboard.osc import protections as osc_protections
from volsnap_dashboard.osc import schedule_create
from volsnap_dashboard.osc import schedules as osc_schedules
from volsnap_dashboard.protection import parameters
from volsnap_dashboard.protection.schedule import building
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import retention as retention_rules
from volsnap_dashboard.protection.schedule import store

KEPT = {codec.KEPT_KEY: codec.KEPT_VALUE}


class SetSchedule(command.Command):
    _description = ("Change a protection schedule's timing, retention, "
                    "label or options (its owner and trust stay)")

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('volume', metavar='<volume>',
                            help='Volume (name or ID)')
        parser.add_argument('schedule', metavar='<schedule>',
                            help='Schedule ID')
        timing_group = parser.add_mutually_exclusive_group()
        timing_group.add_argument('--preset', choices=sorted(
            schedule_create.presets.PRESETS),
            help='When to run, with --at, --minute, --weekday or --day')
        timing_group.add_argument('--cron', metavar='<expression>',
                                  help='When to run, as a cron expression')
        parser.add_argument('--at', metavar='<HH:MM>')
        parser.add_argument('--minute', metavar='<minute>', type=int)
        parser.add_argument('--weekday', action='append',
                            choices=schedule_create.WEEKDAYS)
        parser.add_argument('--day', metavar='<day>', type=int)
        parser.add_argument('--timezone', metavar='<zone>',
                            help="Time zone (default: the schedule's)")
        parser.add_argument('--keep', metavar='<count>', type=int)
        parser.add_argument('--keep-days', metavar='<days>', type=int)
        parser.add_argument('--label', metavar='<label>')
        parser.add_argument('--option', metavar='<key=value>',
                            action='append', default=[],
                            help='A plugin option to change (repeat)')
        parser.add_argument('--verify-every', metavar='<runs>', type=int)
        return parser

    def take_action(self, parsed_args):
        volume, found = osc_schedules.find_schedule(
            self.app, parsed_args.volume, parsed_args.schedule)
        current = osc_schedules.readable(found)
        changes = {}
        try:
            if parsed_args.preset or parsed_args.cron or parsed_args.timezone:
                if not (parsed_args.preset or parsed_args.cron):
                    changes['when'] = dataclasses.replace(
                        current.when, tz=parsed_args.timezone)
                else:
                    parsed_args.timezone = (parsed_args.timezone or
                                            current.when.tz)
                    changes['when'] = schedule_create.when_of(parsed_args)
            if parsed_args.keep is not None or \
                    parsed_args.keep_days is not None:
                changes['retention'] = building.retention_of({
                    'count': parsed_args.keep,
                    'days': parsed_args.keep_days})
            if parsed_args.label is not None:
                changes['label'] = parsed_args.label
            if parsed_args.verify_every is not None:
                changes['verify_every'] = parsed_args.verify_every or None
            if parsed_args.option:
                plugin = osc_protections.plugins_of(self.app).for_schedule(
                    current)
                given = cli_options.parse(plugin.get_options_schema(),
                                          parsed_args.option)
                changes['options'] = building.options_of(
                    dict(current.options, **given), plugin)
            schedule = building.checked(
                dataclasses.replace(current, **changes),
                osc_schedules.min_interval())
        except parameters.InvalidParameters as exc:
            raise exceptions.CommandError('invalid schedule: %s' % exc) \
                from None
        try:
            with errors.translated():
                store.save(osc_protections.cinder_of(self.app), volume,
                           schedule)
        except errors.VolsnapAPIError as exc:
            raise osc_protections.failed(exc) from None


class DeleteSchedule(osc_schedules.ChangeSchedules):
    _description = ("Delete protection schedules; what they made is kept "
                    "(and marked kept) unless --delete-protections")
    verb = 'delete'
    readable_only = False

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('--delete-protections', action='store_true',
                            help='Delete the snapshots or backups they '
                                 'made too')
        return parser

    def take_action(self, parsed_args):
        self.delete_protections = parsed_args.delete_protections
        return super().take_action(parsed_args)

    def change(self, cinder, volume, schedule):
        plugin = osc_protections.plugins_of(self.app).for_schedule(schedule)
        if plugin is not None:
            with errors.translated():
                made = store.protections_of(plugin, cinder, schedule)
            for protection in made:
                if self.delete_protections:
                    plugin.delete(cinder, protection.id)
                elif not retention_rules.is_kept(protection):
                    plugin.set_protection_metadata(cinder, protection, KEPT)
        with errors.translated():
            store.remove(cinder, volume, schedule.id)
        self._drop_trust(schedule)

    def _drop_trust(self, schedule):
        """Delete the schedule's trust where it is proved the schedule's
        and Keystone lets the user; else say it is left."""
        trust_id = getattr(schedule, 'trust_id', None)
        if not trust_id:
            return
        holder = self.app.client_manager.volume_protection
        scheduler = os.environ.get('VOLSNAP_SCHEDULER_USER_ID', '')
        try:
            trust = trusts.get_trust(holder.session, trust_id)
            if scheduler and trusts.proves_schedule(
                    trust, schedule.owner_id, holder.project_id,
                    scheduler) and trust.trustor_user_id == holder.user_id:
                trusts.delete_trust(holder.session, trust_id)
                return
        except errors.NotFound:
            return
        except errors.VolsnapAPIError:
            pass
        osc_protections.LOG.warning(
            'Schedule %s is deleted; its trust %s was left in place (only '
            'its owner may delete it, once VOLSNAP_SCHEDULER_USER_ID '
            "names the scheduler's user).", schedule.id, trust_id)


class _MarkProtections(command.Command):
    keep = None
    verb = None

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('protections', metavar='<protection>',
                            nargs='+', help='Protection ID(s)')
        osc_protections.add_plugin_argument(
            parser, "Their plugin (default: the one that has each)")
        return parser

    def take_action(self, parsed_args):
        cinder = osc_protections.cinder_of(self.app)

        def mark(protection_id):
            plugin, protection = osc_protections.find_protection(
                self.app, protection_id, parsed_args.plugin)
            if self.keep:
                plugin.set_protection_metadata(cinder, protection, KEPT)
            else:
                plugin.delete_protection_metadata(cinder, protection,
                                                  [codec.KEPT_KEY])

        osc_protections.for_each(parsed_args.protections, mark,
                                 'protections', self.verb)


class KeepProtection(_MarkProtections):
    _description = ("Keep protections: no schedule's retention deletes "
                    "them, and they are no orphans")
    keep = True
    verb = 'keep'


class UnkeepProtection(_MarkProtections):
    _description = "Stop keeping protections"
    keep = False
    verb = 'stop keeping'
