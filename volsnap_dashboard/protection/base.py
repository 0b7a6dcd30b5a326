"""The interface every protection plugin implements: everything the
panels and the scheduler call on a plugin is declared here.

A plugin protects one kind of resource (``resource_types``), describes its
parameters with JSON Schema, and performs three operations with the Cinder
client of the request it serves (the user's own token, or a tenant's
trust-scoped one in the scheduler): protect, restore and delete. The
scheduler also lists, reads, tags and waits for a volume's protections,
through the plugin only, so it never assumes what a protection is.
Optionally a plugin reverts in place, and does the same three for a group
of resources protected at one instant. Parameters are validated against
the schemas before any call.
"""

import abc
import copy
import dataclasses
import json
import os

from django.utils.translation import gettext_lazy as _
import jsonschema

from volsnap_dashboard.protection import parameters
from volsnap_dashboard.protection import times


# The restore schema's properties naming the new volume and saying what
# it is: every plugin's restore schema has them, as the scheduler's
# verification names its temporary volumes with them.
RESTORE_NAME = 'restore_name'
RESTORE_DESCRIPTION = 'restore_description'


def load_schema(module_file, name):
    """A JSON schema shipped in ``schemas/`` beside ``module_file``."""
    path = os.path.join(os.path.dirname(module_file), 'schemas', name)
    with open(path, encoding='utf-8') as schema_file:
        return json.load(schema_file)


@dataclasses.dataclass
class Protection:
    """One protection as the scheduler sees it, whatever the plugin keeps
    (a snapshot, a clone...). ``status`` uses Cinder's words:
    ``creating``, ``available``, ``error``, ``deleting``... Only
    ``available`` ones are restore points."""
    id: str
    status: str
    #: When it was made, as the cloud recorded it (ISO text or datetime):
    #: retention's ages and order, never the tenant-writable metadata.
    created_at: object
    #: Its tags (a dict of strings): the scheduler's schedule and slot,
    #: the verification's marks. Tenant-writable.
    metadata: dict
    #: GiB it holds against the project's quota.
    size: int
    #: The protected volume.
    volume_id: str
    name: str = ''
    #: The project it belongs to (listed across projects), if known.
    project_id: str | None = None
    #: Who made it, if the cloud says (None: unknown).
    user_id: str | None = None
    #: The protection this one cannot be restored without (an incremental
    #: backup's parent), or None.
    depends_on: str | None = None
    #: Whether it needs an earlier protection to be restored at all
    #: (``depends_on`` names it where the listing held it).
    incremental: bool = False
    #: Whether the cloud says others depend on this one (and so refuses
    #: to delete it while they exist).
    has_dependents: bool = False
    #: The name of the plugin that listed it, where the panels list
    #: several plugins' protections together (None: not said).
    plugin: str | None = None


class ProtectionPlugin(abc.ABC):
    """Base class of protection plugins (Karbor's shape, made strict)."""

    #: The entry-point name this plugin is registered under.
    name = None
    #: Heat-style resource types the plugin protects.
    resource_types = ()
    #: What the panels call one of its protections, and several.
    verbose_name = _("protection")
    verbose_name_plural = _("protections")
    #: How long ago its newest protection was made, with ``%s`` the time
    #: ("2 days"): the Volumes tab's words where several plugins protect.
    age_words = _("protected %s ago")
    #: What protecting does, as the protect form explains it (None: the
    #: form says nothing of its own).
    protect_description = None

    #: ``(setting, key)``: the panels offer the plugin only where that
    #: dict setting of Horizon's has the key true (None: always).
    panel_setting = None

    #: Cinder's policy rules (Horizon's ``(service, rule)`` pairs) for
    #: each action on its protections: ``list``, ``protect``,
    #: ``restore``, ``delete``, ``update``. The panels offer an action only
    #: where they allow it, and refuse it again on the server.
    policy_rules = {}

    def force_matters(self, client):
        """Whether the options' ``force`` still changes anything with
        ``client``'s cloud (the panels hide a box that would not)."""
        return True

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
        creates as well: the scheduler tags each run's protection with its
        schedule and slot, which its retention and idempotency check read
        back through :meth:`list_protections`.
        """

    @abc.abstractmethod
    def protection_id(self, saved):
        """The id of the protection ``saved`` (what :meth:`protect`
        returned) describes."""

    @abc.abstractmethod
    def restore(self, client, protection, params, size=None,
                availability_zone=None, volume_type=None, submission=None,
                metadata=None):
        """Restore from ``protection`` (an id, a :class:`Protection` or
        the plugin's own object) to a new volume; return it. ``size``
        (GiB; None: the protection's), ``availability_zone`` and
        ``volume_type`` come from the panels; ``submission`` as for
        :meth:`protect`; ``metadata``: tags on the new volume (the
        scheduler's verification volumes)."""

    @abc.abstractmethod
    def delete(self, client, protection):
        """Delete ``protection`` (an id or an object with ``id``); return
        False if it was already gone, True otherwise."""

    # What the scheduler reads and waits for

    @abc.abstractmethod
    def list_protections(self, client, volume_id=None, metadata=None,
                         all_projects=False):
        """The protections (:class:`Protection`) of ``volume_id`` (None:
        of any volume) carrying every tag of ``metadata``, in the
        client's project (``all_projects``: in every project, for the
        scheduler's service user). One listing where the cloud filters."""

    def list_protections_page(self, client, limit, marker=None,
                              sort_dir='desc', all_projects=False):
        """Up to ``limit`` protections after the ``marker`` one, newest
        first ('asc': oldest first, read back from a "prev" marker), for
        the panels' paged tables. Plugins whose cloud pages listings
        override this with one listing of one page; this one lists all."""
        listed = sorted(
            self.list_protections(client, all_projects=all_projects),
            key=lambda item: (times.parse_iso(item.created_at) or
                              times.LATEST, item.id),
            reverse=sort_dir != 'asc')
        ids = [item.id for item in listed]
        start = ids.index(marker) + 1 if marker in ids else 0
        return listed[start:start + limit]

    @abc.abstractmethod
    def get_protection(self, client, protection_id):
        """The :class:`Protection` as it is now; errors.NotFound if gone."""

    @abc.abstractmethod
    def wait_for_protection(self, client, protection_id, interval=2.0,
                            timeout=300.0, keep_failed=False):
        """The :class:`Protection` once available; a failed one raises
        errors.VolsnapAPIError (deleted first unless ``keep_failed``, and
        ``cleaned_up`` on the error says whether it was); one still in
        the making after ``timeout`` raises waiting.WaitTimeout."""

    @abc.abstractmethod
    def wait_for_deletion(self, client, protection_id, interval=2.0,
                          timeout=300.0):
        """Return once the protection is gone (the quota it held is free
        again); errors.VolsnapAPIError if the cloud could not delete it,
        waiting.WaitTimeout after ``timeout``."""

    @abc.abstractmethod
    def set_protection_metadata(self, client, protection, metadata):
        """Add or change ``metadata``'s tags on ``protection``, keeping
        the others (the verification's marks)."""

    @abc.abstractmethod
    def delete_protection_metadata(self, client, protection, keys):
        """Delete those of ``keys`` that ``protection`` (as read, with its
        ``metadata``) carries."""

    def quota(self, client):
        """The project's quota for this plugin's protections, with the
        names retention reads (protection.schedule.retention:
        ``MAX_SNAPSHOTS``, ``USED_SNAPSHOTS``, ``MAX_GIGABYTES``,
        ``USED_GIGABYTES``; -1: unlimited). A name left out is unknown,
        so the scheduler never prunes first to make room for it."""
        return {}

    def failure_reason(self, client, resource_id):
        """Why the cloud put a protection or a restored volume in error,
        in its words, or None if it does not say."""
        return None

    #: The property of the options schema that names what ``protect``
    #: makes (the scheduler fills it from the schedule's name template;
    #: None: the plugin names it alone).
    name_option = None

    #: Seconds a protection may take to become available, or to be
    #: deleted, before the scheduler gives up waiting (unless its operator
    #: sets ``wait_timeout``).
    protect_timeout = 600.0

    #: Seconds a restore may take before it counts as failed: how long the
    #: scheduler's verification waits for a restored resource (unless its
    #: operator sets ``verify_timeout``).
    restore_timeout = 600.0

    #: Whether a restore may choose the new volume's type (``restore``'s
    #: ``volume_type``): the panels offer the choice only then.
    restore_chooses_type = False

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

    #: The statuses an administrator may reset a protection to (Cinder's
    #: words); empty: the panels offer no Reset Status, nor Force Delete.
    resettable_statuses = ()

    def force_delete(self, client, protection):
        """Delete ``protection`` whatever its status (an administrator's
        client). Optional (``resettable_statuses``)."""
        raise NotImplementedError(
            "Plugin %s has no administrator actions" % self.name)

    def reset_status(self, client, protection, status):
        """Record ``status`` for ``protection`` (an administrator's
        client), not changing it on the back end. Optional
        (``resettable_statuses``)."""
        raise NotImplementedError(
            "Plugin %s has no administrator actions" % self.name)

    def find_submitted(self, client, submission):
        """What this plugin created for ``submission`` (a list; empty if
        nothing, or if the plugin does not record submissions)."""
        return []

    def restore_defaults(self, protection):
        """Initial values of the restore form for ``protection`` (by
        property of the restore schema), such as the name the restored
        volume gets when none is given."""
        return {}

    def restored_from(self, volume):
        """The id of the protection ``volume`` was restored from, as the
        cloud or this plugin recorded it on the volume, or None."""
        return None

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
        """Raise jsonschema.SchemaError if a schema is not JSON Schema, or
        lacks a property the scheduler fills (the restore schema's
        RESTORE_NAME and RESTORE_DESCRIPTION, the options' name_option)."""
        for schema in self.schemas().values():
            parameters.check_schema(schema)
        for kind, schema, names in (
                ('restore', self.get_restore_schema(),
                 (RESTORE_NAME, RESTORE_DESCRIPTION)),
                ('options', self.get_options_schema(),
                 (self.name_option,) if self.name_option else ())):
            missing = [name for name in names
                       if name not in schema.get('properties', {})]
            if missing:
                raise jsonschema.SchemaError(
                    'the %s schema has no property %s' % (
                        kind, ', '.join('"%s"' % name for name in missing)))

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
