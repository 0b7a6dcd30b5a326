"""``openstack volume protection state list`` and ``state show``: how
well each volume is protected, as the panel's Volumes tab says it
(protection.volume_state): its newest restore point of each kind, when
it was last protected, its schedules' most urgent state, the next run
and the last verification. One listing of the volumes and one of each
plugin's protections, however many volumes."""

import dataclasses

from osc_lib.command import command
from osc_lib import exceptions

from volsnap_dashboard.api import errors
from volsnap_dashboard.osc import protections as osc_protections
from volsnap_dashboard.osc import schedules as osc_schedules
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import retention
from volsnap_dashboard.protection.schedule import states as schedule_states
from volsnap_dashboard.protection import times
from volsnap_dashboard.protection import verification
from volsnap_dashboard.protection import volume_state

COLUMNS = ('Volume ID', 'Volume', 'State', 'Reason', 'Schedules',
           'Newest Restore Point', 'Last Protected', 'Next Run (UTC)',
           'Last Verified')


def _iso(moment):
    return times.format_utc(moment) if moment else ''


def project_protections(app, volume_id=None):
    """``{volume id: [protections]}`` of every plugin, each marked with
    the plugin that listed it: one listing per plugin."""
    cinder = osc_protections.cinder_of(app)
    by_volume = {}
    try:
        for plugin in osc_protections.plugins_of(app):
            for protection in plugin.list_protections(cinder,
                                                      volume_id=volume_id):
                by_volume.setdefault(protection.volume_id, []).append(
                    dataclasses.replace(protection, plugin=plugin.name))
    except errors.VolsnapAPIError as exc:
        raise osc_protections.failed(exc) from None
    return by_volume


def state_of(volume, protections, now):
    """The volume's volume_state.Protection. Members of the project
    write the schedules: one that cannot be computed makes the state
    invalid, never the command fail."""
    if verification.is_verification_volume(volume):
        return volume_state.Protection(state=volume_state.TEMPORARY)
    schedules = codec.decode(volume, osc_schedules.min_interval())
    try:
        return volume_state.protection_of(schedules, protections, now)
    except (ValueError, TypeError, OverflowError) as exc:
        return volume_state.Protection(
            state=schedule_states.INVALID,
            reason='a schedule cannot be read (%s)' % exc,
            schedules=tuple(schedules))


def _verified(state):
    """The last verification, "ok at ..." or "failed at ...: reason"."""
    if state is None:
        return ''
    said = '%s at %s' % (state.outcome, state.verified_at)
    return '%s: %s' % (said, state.reason) if state.reason else said


def _newest(found):
    newest = found.newest_protection
    if newest is None:
        return ''
    return newest.name or newest.id


def row_of(volume, found):
    newest = found.newest_protection
    return (volume.id, volume.name or '', found.state, found.reason,
            len(found.schedules), _newest(found),
            _iso(retention.created_at(newest) if newest else None),
            _iso(found.next_run), _verified(found.last_verified))


def named(volumes, name_or_id):
    """The one of ``volumes`` (a listing) with that ID, else that name."""
    matches = [volume for volume in volumes if volume.id == name_or_id] or \
        [volume for volume in volumes if volume.name == name_or_id]
    if len(matches) > 1:
        raise exceptions.CommandError(
            'More than one volume is named "%s": name it by ID.'
            % name_or_id)
    if not matches:
        raise exceptions.CommandError(
            'No volume with a name or ID of "%s" exists.' % name_or_id)
    return matches[0]


class ListVolumeState(command.Lister):
    _description = ("List how well the project's volumes are protected, "
                    "as the panel's Volumes tab shows it")

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('volumes', metavar='<volume>', nargs='*',
                            help='Only these volumes (name or ID; '
                                 'default: all of the project)')
        return parser

    def take_action(self, parsed_args):
        cinder = osc_protections.cinder_of(self.app)
        try:
            with errors.translated():
                volumes = cinder.volumes.list()
        except errors.VolsnapAPIError as exc:
            raise osc_protections.failed(exc) from None
        if parsed_args.volumes:
            volumes = [named(volumes, name)
                       for name in dict.fromkeys(parsed_args.volumes)]
        by_volume = project_protections(self.app)
        now = times.now()
        rows = [row_of(volume, state_of(volume, by_volume.get(volume.id, []),
                                        now))
                for volume in volumes]
        return COLUMNS, sorted(rows, key=lambda row: (row[1], row[0]))


class ShowVolumeState(command.ShowOne):
    _description = "Show how well a volume is protected"

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('volume', metavar='<volume>',
                            help='Volume (name or ID)')
        return parser

    def take_action(self, parsed_args):
        volume = osc_protections.find_volume(
            osc_protections.cinder_of(self.app), parsed_args.volume)
        protections = project_protections(self.app, volume.id).get(
            volume.id, [])
        now = times.now()
        found = state_of(volume, protections, now)
        shown = dict(zip(COLUMNS, row_of(volume, found), strict=True))
        shown['Failures In A Row'] = found.failures
        shown['Recorded By The Scheduler'] = found.recorded
        # Each plugin's newest, as the tab shows where several protect.
        shown['Newest By Kind'] = ', '.join(
            '%s %s' % (self._kind(name), _iso(now - age))
            for name, age in found.newest_ages)
        shown['Schedule IDs'] = ', '.join(
            schedule.id for schedule in found.schedules)
        shown['Busy'] = found.busy
        return osc_protections.columns_and_values(shown)

    def _kind(self, plugin_name):
        plugin = osc_protections.plugins_of(self.app).named(plugin_name)
        return str(plugin.verbose_name) if plugin else plugin_name
