"""``openstack volume protection ...``: protect a volume with one of the
provider's plugins (snapshot or backup), list, show, restore to a new
volume and delete protections, and describe the plugins and their
options. Every call goes through the plugin, as the panels' do."""

import logging

from osc_lib.command import command
from osc_lib import exceptions
from osc_lib import utils

from volsnap_dashboard.api import errors
from volsnap_dashboard.osc import options as cli_options
from volsnap_dashboard.protection import base
from volsnap_dashboard.protection import times
from volsnap_dashboard.protection import verification
from volsnap_dashboard.protection.schedule import codec

LOG = logging.getLogger(__name__)

COLUMNS = ('ID', 'Name', 'Kind', 'Status', 'Size', 'Volume ID',
           'Created At', 'Builds On', 'Schedule')


def plugins_of(app):
    plugins = app.client_manager.volume_protection.plugins
    if plugins is None:
        raise exceptions.CommandError(
            'no enabled protection provider protects Cinder volumes')
    return plugins


def chosen_plugin(app, name):
    """The plugin ``name`` names (None: the provider's default)."""
    plugins = plugins_of(app)
    plugin = plugins.named(name)
    if plugin is None:
        raise exceptions.CommandError(
            'unknown plugin "%s": the plugins are %s' % (
                name, ', '.join(p.name for p in plugins)))
    return plugin


def cinder_of(app):
    return app.client_manager.volume_protection.cinder


def failed(exc):
    """A Cinder or plugin error as openstackclient reports one."""
    return exceptions.CommandError(str(exc))


def find_volume(cinder, name_or_id):
    try:
        return utils.find_resource(cinder.volumes, name_or_id)
    except exceptions.CommandError:
        raise
    except Exception as exc:  # cinderclient's, translated
        raise failed(exc) from None


def find_protection(app, protection_id, plugin_name=None):
    """``(plugin, protection)``: through the plugin named, else whichever
    of the provider's plugins has it."""
    cinder = cinder_of(app)
    plugins = ([chosen_plugin(app, plugin_name)] if plugin_name
               else list(plugins_of(app)))
    for plugin in plugins:
        try:
            return plugin, plugin.get_protection(cinder, protection_id)
        except errors.NotFound:
            continue
        except errors.VolsnapAPIError as exc:
            raise failed(exc) from None
    raise exceptions.CommandError(
        'No protection with ID %s was found' % protection_id)


def row_of(plugin, protection):
    return (protection.id, protection.name, str(plugin.verbose_name),
            protection.status, protection.size, protection.volume_id,
            protection.created_at, protection.depends_on or '',
            codec.schedule_id_of(protection) or '')


def verification_fields(protection, now):
    """What the protection's metadata says of its verification: the one
    pending ('requested', 'verifying', or 'stalled' once no scheduler
    will end it) and how the last one ended."""
    state = verification.state_of(protection)
    pending = state.pending or ''
    if state.stalled(now):
        pending = 'stalled'
    return {'Verification Pending': pending,
            'Last Verification': state.outcome or '',
            'Verified At': state.verified_at or '',
            'Verification Reason': state.reason}


def for_each(items, act, noun, verb):
    """``act(item)`` for each of ``items``, going on past one that fails
    (logged), then one error that says how many failed, as
    openstackclient's own commands on several resources do."""
    failures = 0
    for item in items:
        try:
            act(item)
        except (exceptions.CommandError, errors.VolsnapAPIError) as exc:
            failures += 1
            LOG.error('Failed to %s %s %s: %s', verb, noun.rstrip('s'),
                      item, exc)
    if failures:
        raise exceptions.CommandError('%d of %d %s failed to %s.' % (
            failures, len(items), noun, verb))


def columns_and_values(shown):
    """A ShowOne's answer from a dict, in its order."""
    return tuple(shown), tuple(shown.values())


def add_plugin_argument(parser, help_text):
    parser.add_argument('--plugin', metavar='<plugin>', help=help_text)


class CreateProtection(command.ShowOne):
    _description = "Protect a volume now (a snapshot or a backup)"

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('volume', metavar='<volume>',
                            help='Volume to protect (name or ID)')
        add_plugin_argument(parser, "Protection plugin (default: the "
                            "provider's first; see 'openstack volume "
                            "protection plugin list')")
        parser.add_argument('--name', metavar='<name>',
                            help="Name of the snapshot or backup")
        parser.add_argument(
            '--option', metavar='<key=value>', action='append',
            default=[], help="A plugin option (repeat for more; see "
            "'openstack volume protection plugin show <plugin>')")
        return parser

    def take_action(self, parsed_args):
        plugin = chosen_plugin(self.app, parsed_args.plugin)
        cinder = cinder_of(self.app)
        schema = plugin.get_options_schema()
        values = cli_options.parse(schema, parsed_args.option)
        if parsed_args.name is not None and plugin.name_option:
            values[plugin.name_option] = parsed_args.name
        values = cli_options.validated(
            plugin.validate_options,
            cli_options.with_blank_texts(schema, values))
        volume = find_volume(cinder, parsed_args.volume)
        try:
            saved = plugin.protect(cinder, volume, values)
        except errors.VolsnapAPIError as exc:
            raise failed(exc) from None
        shown = {'id': plugin.protection_id(saved),
                 'kind': str(plugin.verbose_name), 'volume_id': volume.id}
        shown.update((key, value) for key, value in saved.items()
                     if key not in shown)
        return columns_and_values(dict(sorted(shown.items())))


class ListProtection(command.Lister):
    _description = "List the project's protections (snapshots, backups)"

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('--volume', metavar='<volume>',
                            help='Only those of this volume (name or ID)')
        add_plugin_argument(parser, "Only this plugin's (default: every "
                            "plugin's)")
        return parser

    def take_action(self, parsed_args):
        cinder = cinder_of(self.app)
        plugins = ([chosen_plugin(self.app, parsed_args.plugin)]
                   if parsed_args.plugin else list(plugins_of(self.app)))
        volume_id = (find_volume(cinder, parsed_args.volume).id
                     if parsed_args.volume else None)
        rows = []
        try:
            for plugin in plugins:
                rows.extend(row_of(plugin, protection) for protection in
                            plugin.list_protections(cinder,
                                                    volume_id=volume_id))
        except errors.VolsnapAPIError as exc:
            raise failed(exc) from None
        rows.sort(key=lambda row: str(row[6] or ''), reverse=True)
        return COLUMNS, rows


class ShowProtection(command.ShowOne):
    _description = "Show a protection"

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('protection', metavar='<protection>',
                            help='Protection ID')
        add_plugin_argument(parser, "The protection's plugin (default: "
                            "the one that has it)")
        return parser

    def take_action(self, parsed_args):
        plugin, protection = find_protection(
            self.app, parsed_args.protection, parsed_args.plugin)
        row = row_of(plugin, protection)
        shown = dict(zip(COLUMNS, row, strict=True))
        shown['Has Dependents'] = protection.has_dependents
        shown['Properties'] = utils.format_dict(protection.metadata)
        shown['Project ID'] = protection.project_id or ''
        shown.update(verification_fields(protection, times.now()))
        return columns_and_values(shown)


class RestoreProtection(command.ShowOne):
    _description = "Restore a protection to a new volume"

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('protection', metavar='<protection>',
                            help='Protection ID')
        add_plugin_argument(parser, "The protection's plugin (default: "
                            "the one that has it)")
        parser.add_argument('--name', metavar='<name>',
                            help='Name of the new volume')
        parser.add_argument('--description', metavar='<description>',
                            help='Description of the new volume')
        parser.add_argument('--size', metavar='<size>', type=int,
                            help='Size of the new volume in GiB (default: '
                                 "the protection's)")
        parser.add_argument('--type', metavar='<volume-type>',
                            help='Volume type of the new volume (plugins '
                                 'that restore to a chosen type)')
        parser.add_argument('--availability-zone', metavar='<zone>',
                            help='Availability zone of the new volume')
        return parser

    def take_action(self, parsed_args):
        plugin, protection = find_protection(
            self.app, parsed_args.protection, parsed_args.plugin)
        if parsed_args.type and not plugin.restore_chooses_type:
            raise exceptions.CommandError(
                'a %s restores to its volume\'s type: --type is not '
                'offered' % plugin.verbose_name)
        params = {}
        if parsed_args.name is not None:
            params[base.RESTORE_NAME] = parsed_args.name
        if parsed_args.description is not None:
            params[base.RESTORE_DESCRIPTION] = parsed_args.description
        params = cli_options.validated(plugin.validate_restore, params)
        kwargs = {'size': parsed_args.size,
                  'availability_zone': parsed_args.availability_zone}
        if parsed_args.type:
            kwargs['volume_type'] = parsed_args.type
        try:
            volume = plugin.restore(cinder_of(self.app), protection.id,
                                    params, **kwargs)
        except errors.VolsnapAPIError as exc:
            raise failed(exc) from None
        return (('ID', 'Name', 'Size', 'Status', 'Restored From'),
                (volume.id, volume.name, volume.size, volume.status,
                 protection.id))


class DeleteProtection(command.Command):
    _description = "Delete protections"

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('protections', metavar='<protection>',
                            nargs='+', help='Protection ID(s) to delete')
        add_plugin_argument(parser, "Their plugin (default: the one that "
                            "has each)")
        return parser

    def take_action(self, parsed_args):
        cinder = cinder_of(self.app)

        def delete(protection_id):
            plugin, protection = find_protection(self.app, protection_id,
                                                 parsed_args.plugin)
            plugin.delete(cinder, protection.id)

        for_each(parsed_args.protections, delete, 'protections', 'delete')


class ListPlugin(command.Lister):
    _description = "List the protection plugins the provider offers"

    def take_action(self, parsed_args):
        plugins = plugins_of(self.app)
        return (('Name', 'Kind', 'Default', 'Restores To A Chosen Type'),
                [(plugin.name, str(plugin.verbose_name),
                  plugin is plugins.default, plugin.restore_chooses_type)
                 for plugin in plugins])


class ShowPlugin(command.Lister):
    _description = "List a protection plugin's options"

    def get_parser(self, prog_name):
        parser = super().get_parser(prog_name)
        parser.add_argument('plugin', metavar='<plugin>',
                            help='Plugin name')
        return parser

    def take_action(self, parsed_args):
        plugin = chosen_plugin(self.app, parsed_args.plugin)
        schema = plugin.get_options_schema()
        required = set(schema.get('required', ()))
        return (('Option', 'Type', 'Default', 'Required', 'Description'),
                [(key, prop.get('type', ''), prop.get('default', ''),
                  key in required and 'default' not in prop,
                  prop.get('description', ''))
                 for key, prop in schema.get('properties', {}).items()])
