"""Providers and the protection plugins they name.

A provider file is an INI file in Karbor's format::

    [provider]
    name = Cinder snapshots
    id = 6f1f7f3e-9c4a-4b8e-8f3e-2b1d8a0c5e10
    description = Protects Cinder volumes with Cinder volume snapshots.
    plugin = cinder-snapshot
    enabled = true

One ``plugin =`` line per plugin; names resolve through the installed
entry points of the ``volsnap_dashboard.protections`` group. The package's
own ``providers/`` folder is read first, then each folder of the
``VOLSNAP_PROVIDER_DIRS`` setting. A bad file never stops the others: its
problem is logged and kept in ``Registry.problems`` for the panels to show.
The first enabled provider that protects volumes is the one used, unless
``VOLSNAP_PROVIDER_ID`` names another (``volume_plugin``).
"""

import collections
import configparser
import dataclasses
import glob
import importlib.metadata
import logging
import os

from django.conf import settings
from django.utils.translation import gettext_lazy as _
import jsonschema

from volsnap_dashboard.protection import base

LOG = logging.getLogger(__name__)

ENTRY_POINT_GROUP = 'volsnap_dashboard.protections'
PACKAGE_PROVIDERS = os.path.join(os.path.dirname(__file__), 'providers')


class ProviderError(Exception):
    """A provider file the registry could not use."""


@dataclasses.dataclass
class Provider:
    id: str
    name: str
    description: str
    plugins: list
    enabled: bool
    path: str

    def plugins_for(self, resource_type):
        return [plugin for plugin in self.plugins
                if plugin.supports(resource_type)]

    def plugin_for(self, resource_type):
        return next(iter(self.plugins_for(resource_type)), None)


class _MultiDict(collections.OrderedDict):
    """Keeps every value of a repeated key (one ``plugin =`` per line)."""

    def __setitem__(self, key, value):
        if isinstance(value, list) and key in self:
            self[key].extend(value)
        else:
            super().__setitem__(key, value)


def installed_plugins():
    """Entry-point name -> entry point, for the installed plugins."""
    return {ep.name: ep for ep in
            importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)}


def load_plugin(name, entry_points=None):
    entry_points = installed_plugins() if entry_points is None \
        else entry_points
    entry_point = entry_points.get(name)
    if entry_point is None:
        raise ProviderError(_('unknown protection plugin "%s"') % name)
    try:
        plugin_class = entry_point.load()
        plugin = plugin_class()
    except Exception as exc:
        raise ProviderError(_('protection plugin "%(name)s" could not be '
                              'loaded: %(error)s')
                            % {'name': name, 'error': exc}) from exc
    if not isinstance(plugin, base.ProtectionPlugin):
        raise ProviderError(_('"%s" is not a protection plugin') % name)
    plugin.name = name
    try:
        plugin.check_schemas()
    except (jsonschema.SchemaError, ValueError, TypeError) as exc:
        message = getattr(exc, 'message', exc)
        raise ProviderError(_('protection plugin "%(name)s" has an invalid '
                              'schema: %(error)s')
                            % {'name': name, 'error': message}) from exc
    return plugin


def read_provider(path, entry_points=None):
    parser = configparser.RawConfigParser(dict_type=_MultiDict,
                                          strict=False,
                                          empty_lines_in_values=False)
    try:
        with open(path, encoding='utf-8') as provider_file:
            parser.read_file(provider_file)
    except (configparser.Error, UnicodeDecodeError, OSError) as exc:
        raise ProviderError(_('malformed provider file: %s')
                            % str(exc).splitlines()[0]) from exc
    if not parser.has_section('provider'):
        raise ProviderError(_('no [provider] section'))
    section = parser['provider']
    for key in ('id', 'name'):
        if not section.get(key, '').strip():
            raise ProviderError(_('the provider has no "%s"') % key)
    # Repeated "plugin =" lines arrive joined by newlines.
    plugin_names = [name.strip() for name in
                    section.get('plugin', '').replace(',', '\n').split()
                    if name.strip()]
    if not plugin_names:
        raise ProviderError(_('the provider names no plugin'))
    try:
        enabled = section.getboolean('enabled', fallback=True)
    except ValueError as exc:
        raise ProviderError(_('"enabled" must be true or false')) from exc
    return Provider(
        id=section['id'].strip(), name=section['name'].strip(),
        description=section.get('description', '').strip(),
        plugins=[load_plugin(name, entry_points) for name in plugin_names],
        enabled=enabled, path=path)


class Registry:
    """The providers found in the configured folders."""

    def __init__(self, directories):
        self.directories = list(directories)
        self.providers = {}
        self.problems = []
        entry_points = installed_plugins()
        for path in self._files():
            try:
                provider = read_provider(path, entry_points)
            except ProviderError as exc:
                self._problem(path, exc)
                continue
            if provider.id in self.providers:
                self._problem(path, ProviderError(
                    _('duplicate provider id %(id)s (also in %(other)s)')
                    % {'id': provider.id,
                       'other': self.providers[provider.id].path}))
                continue
            self.providers[provider.id] = provider

    def _files(self):
        for directory in self.directories:
            if not os.path.isdir(directory):
                self._problem(directory, ProviderError(
                    _('no such provider folder')))
                continue
            yield from sorted(glob.glob(os.path.join(directory, '*.conf')))

    def _problem(self, path, exc):
        message = _('Provider file %(path)s: %(error)s') % {
            'path': path, 'error': exc}
        LOG.error("%s", message)
        self.problems.append(message)

    def enabled_providers(self):
        return [p for p in self.providers.values() if p.enabled]

    def plugins_for(self, resource_type, provider_id=None):
        """The plugins that protect ``resource_type``, in provider order
        (only the named provider's, if one is named)."""
        for provider in self.enabled_providers():
            if provider_id and provider.id != provider_id:
                continue
            plugin = provider.plugin_for(resource_type)
            if plugin is not None:
                yield plugin

    def plugin_for(self, resource_type, provider_id=None):
        """The plugin that protects ``resource_type`` (first provider wins,
        unless one is named)."""
        return next(self.plugins_for(resource_type, provider_id), None)


_registry = None


def provider_dirs():
    return [PACKAGE_PROVIDERS] + list(
        getattr(settings, 'VOLSNAP_PROVIDER_DIRS', []))


def get_registry(reload=False):
    """The process's registry, read once from the configured folders."""
    global _registry
    if reload or _registry is None or \
            _registry.directories != provider_dirs():
        _registry = Registry(provider_dirs())
    return _registry


VOLUME = 'OS::Cinder::Volume'


def chosen_provider_id():
    """The provider the operator chose for volumes (Horizon's
    ``VOLSNAP_PROVIDER_ID``, the scheduler's ``provider_id``), or None:
    the first enabled provider that protects volumes."""
    return (getattr(settings, 'VOLSNAP_PROVIDER_ID', None) or '').strip() \
        or None


def volume_plugin():
    """The plugin that protects Cinder volumes, or None: the one choice
    the panels and the scheduler both make."""
    return get_registry().plugin_for(VOLUME, chosen_provider_id())


class PluginSet:
    """The plugins of one provider for one resource type, the first the
    default: what a schedule that names no plugin runs with."""

    def __init__(self, plugins):
        self.plugins = list(plugins)
        if not self.plugins:
            raise ValueError('a plugin set needs a plugin')
        self.default = self.plugins[0]
        self._by_name = {plugin.name: plugin for plugin in self.plugins}

    @classmethod
    def of(cls, plugins):
        """``plugins`` as a PluginSet (one plugin: a set of one)."""
        return plugins if isinstance(plugins, cls) else cls([plugins])

    def __iter__(self):
        return iter(self.plugins)

    def named(self, name):
        """The plugin called ``name`` (None: the default), or None."""
        return self.default if name is None else self._by_name.get(name)

    def for_schedule(self, schedule):
        """The plugin ``schedule`` names, or None if the set lacks it."""
        return self.named(getattr(schedule, 'plugin', None))

    @property
    def restore_timeout(self):
        return max(plugin.restore_timeout for plugin in self.plugins)


def volume_plugins():
    """The chosen provider's plugins for Cinder volumes (a PluginSet), or
    None: the panels offer them, the scheduler runs them."""
    for provider in get_registry().enabled_providers():
        wanted = chosen_provider_id()
        if wanted and provider.id != wanted:
            continue
        plugins = provider.plugins_for(VOLUME)
        if plugins:
            return PluginSet(plugins)
    return None


def volume_problems():
    """The registry's problems, and why the chosen provider protects no
    volumes when it does not."""
    loaded = get_registry()
    found = list(loaded.problems)
    wanted = chosen_provider_id()
    if wanted is None or loaded.plugin_for(VOLUME, wanted) is not None:
        return found
    provider = loaded.providers.get(wanted)
    if provider is None:
        reason = _('no provider file defines it')
    elif not provider.enabled:
        reason = _('its provider file disables it')
    else:
        reason = _('it has no plugin for Cinder volumes')
    message = _('The protection provider chosen for volumes (%(id)s) '
                'cannot be used: %(reason)s.') % {'id': wanted,
                                                  'reason': reason}
    return found + [message]
