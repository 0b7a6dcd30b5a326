"""The interface every protection plugin implements.

A plugin protects one kind of resource (``resource_types``), describes its
parameters with JSON Schema, and performs three operations with the Cinder
client of the request it serves (the user's own token): protect, restore and
delete; optionally revert in place, and the same three for a group of
resources protected at one instant. Parameters are validated
against the schemas before any call.
"""

import abc
import copy
import json
import os

from volsnap_dashboard.protection import parameters


def load_schema(module_file, name):
    """A JSON schema shipped in ``schemas/`` beside ``module_file``."""
    path = os.path.join(os.path.dirname(module_file), 'schemas', name)
    with open(path, encoding='utf-8') as schema_file:
        return json.load(schema_file)


class ProtectionPlugin(abc.ABC):
    """Base class of protection plugins (Karbor's shape, made strict)."""

    #: The entry-point name this plugin is registered under.
    name = None
    #: Heat-style resource types the plugin protects.
    resource_types = ()

    @abc.abstractmethod
    def get_options_schema(self):
        """JSON Schema of the protect operation's parameters."""

    @abc.abstractmethod
    def get_restore_schema(self):
        """JSON Schema of the restore operation's parameters."""

    @abc.abstractmethod
    def get_saved_info_schema(self):
        """JSON Schema of what ``protect`` returns about a protection."""

    @abc.abstractmethod
    def protect(self, client, resource, params, submission=None,
                metadata=None):
        """Protect ``resource``; return the saved info (a dict).

        ``submission`` identifies the request (a form's one-time token):
        a plugin that records it on what it creates lets
        :meth:`find_submitted` tell whether a create whose answer was lost
        happened. ``metadata`` (a dict of strings) is recorded on what it
        creates as well: the scheduler tags each run's snapshot with its
        schedule and slot, which its retention and idempotency check read.
        """

    @abc.abstractmethod
    def restore(self, client, protection, params, submission=None):
        """Restore from ``protection``; return the new resource."""

    @abc.abstractmethod
    def delete(self, client, protection):
        """Delete ``protection``; something already gone counts as done."""

    #: Seconds a restore may take before it counts as failed: how long the
    #: scheduler's verification waits for a restored resource (unless its
    #: operator sets ``verify_timeout``).
    restore_timeout = 600.0

    #: Whether the plugin can put a resource back as it was at one of its
    #: protections, in place (``revert``); the panels offer it only then.
    supports_revert = False

    def revert(self, client, protection, resource):
        """Put ``resource`` back as it was at ``protection``, in place:
        everything written since is lost. Optional (``supports_revert``)."""
        raise NotImplementedError(
            "Plugin %s cannot revert in place" % self.name)

    #: Whether the plugin protects a group of resources at one instant
    #: (``protect_group``, ``restore_group``, ``delete_group``); the
    #: panels offer group protection only then.
    supports_groups = False

    def protect_group(self, client, group, params):
        """Protect every resource of ``group`` at the same instant (crash-
        consistent across them); return the saved info (a dict).
        Optional (``supports_groups``)."""
        raise NotImplementedError(
            "Plugin %s cannot protect groups" % self.name)

    def restore_group(self, client, group_protection, params):
        """Restore a whole group protection to a new group; return what
        Cinder says of the new group. Optional (``supports_groups``)."""
        raise NotImplementedError(
            "Plugin %s cannot restore groups" % self.name)

    def delete_group(self, client, group_protection):
        """Delete a group protection with its members; something already
        gone counts as done (False). Optional (``supports_groups``)."""
        raise NotImplementedError(
            "Plugin %s cannot delete group protections" % self.name)

    def find_submitted(self, client, submission):
        """What this plugin created for ``submission`` (a list; empty if
        nothing, or if the plugin does not record submissions)."""
        return []

    def restore_defaults(self, protection):
        """Initial values of the restore form for ``protection`` (by
        property of the restore schema), such as the name the restored
        volume gets when none is given."""
        return {}

    def restored_volumes(self, client, protection_id, all_projects=False,
                         created_at=None, usable_filters=()):
        """The volumes restored from a protection (a list), made
        ``created_at`` or later; ``usable_filters``: the volume filters
        Cinder accepts from the caller."""
        return []

    def schemas(self):
        return {'options': self.get_options_schema(),
                'restore': self.get_restore_schema(),
                'saved_info': self.get_saved_info_schema()}

    def check_schemas(self):
        """Raise jsonschema.SchemaError if a schema is not JSON Schema."""
        for schema in self.schemas().values():
            parameters.check_schema(schema)

    def validate_options(self, params):
        return parameters.validate(self.get_options_schema(), params)

    def validate_restore(self, params):
        return parameters.validate(self.get_restore_schema(), params)

    def supports(self, resource_type):
        return resource_type in self.resource_types


class FileSchemasMixin:
    """Schemas read once from JSON files beside the plugin's module."""

    schema_module = None
    options_schema_file = 'options_schema.json'
    restore_schema_file = 'restore_schema.json'
    saved_info_schema_file = 'saved_info_schema.json'

    def _schema(self, file_name):
        cache = self.__dict__.setdefault('_schemas', {})
        if file_name not in cache:
            cache[file_name] = load_schema(self.schema_module, file_name)
        # Callers may decorate the schema (forms do): hand out copies.
        return copy.deepcopy(cache[file_name])

    def get_options_schema(self):
        return self._schema(self.options_schema_file)

    def get_restore_schema(self):
        return self._schema(self.restore_schema_file)

    def get_saved_info_schema(self):
        return self._schema(self.saved_info_schema_file)
