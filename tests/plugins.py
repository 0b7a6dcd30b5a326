"""Protection plugins registered only in tests, to prove the registry is
pluggable (see tests.unit.protection.test_registry)."""

from volsnap_dashboard.api import errors
from volsnap_dashboard.protection import base

COPIES_OPTIONS = {
    'title': 'Copies',
    'type': 'object',
    'properties': {
        'copies': {'type': 'integer', 'title': 'Copies', 'minimum': 1,
                   'maximum': 10, 'default': 2},
        'tier': {'type': 'string', 'title': 'Tier',
                 'enum': ['gold', 'silver', 'bronze'], 'default': 'silver'},
        'regions': {'type': 'array', 'title': 'Regions',
                    'items': {'type': 'string',
                              'enum': ['RegionOne', 'RegionTwo']}},
    },
    'required': ['copies'],
}


class CopiesPlugin(base.ProtectionPlugin):
    """Pretends to keep N copies; records what it was asked."""

    resource_types = ('OS::Test::Thing',)

    def __init__(self):
        self.calls = []

    def get_options_schema(self):
        return dict(COPIES_OPTIONS)

    def get_restore_schema(self):
        return {'type': 'object', 'properties': {
            base.RESTORE_NAME: {'type': 'string', 'title': 'Name'},
            base.RESTORE_DESCRIPTION: {'type': 'string',
                                       'title': 'Description'}}}

    def get_saved_info_schema(self):
        return {'type': 'object', 'properties': {'copies': {
            'type': 'integer'}}}

    def protect(self, client, resource, params, submission=None):
        values = self.validate_options(params)
        self.calls.append(('protect', resource, values))
        return {'copies': values['copies']}

    def restore(self, client, protection, params, submission=None):
        self.calls.append(('restore', protection, params))

    def delete(self, client, protection):
        self.calls.append(('delete', protection))

    # The rest of the contract: nothing is kept, so nothing is listed.

    def protection_id(self, saved):
        return 'copies-%d' % saved['copies']

    def list_protections(self, client, volume_id=None, metadata=None,
                         all_projects=False):
        return []

    def get_protection(self, client, protection_id):
        raise errors.NotFound()

    def wait_for_protection(self, client, protection_id, interval=2.0,
                            timeout=300.0, keep_failed=False):
        return self.get_protection(client, protection_id)

    def wait_for_deletion(self, client, protection_id, interval=2.0,
                          timeout=300.0):
        self.calls.append(('wait_for_deletion', protection_id))

    def set_protection_metadata(self, client, protection, metadata):
        self.calls.append(('set_protection_metadata', protection, metadata))

    def delete_protection_metadata(self, client, protection, keys):
        self.calls.append(('delete_protection_metadata', protection, keys))


class BrokenSchemaPlugin(CopiesPlugin):
    def get_options_schema(self):
        return {'type': 'object',
                'properties': {'copies': {'type': 'integr'}}}


class NoRestoreNamePlugin(CopiesPlugin):
    """Its restores cannot be named: the scheduler's verification could
    not name its temporary volumes."""

    def get_restore_schema(self):
        return {'type': 'object', 'properties': {
            base.RESTORE_NAME: {'type': 'string'}}}


class UnknownNameOptionPlugin(CopiesPlugin):
    """Names an option its schema does not have."""

    name_option = 'label'


class NotAPlugin:
    pass


class OldContractPlugin(base.FileSchemasMixin, base.ProtectionPlugin):
    """A plugin written from what the plugin section once listed (schemas,
    protect, restore, delete), without what the scheduler calls."""

    resource_types = ('OS::Cinder::Volume',)
    schema_module = base.__file__

    def protect(self, client, resource, params, submission=None,
                metadata=None):
        return {}

    def restore(self, client, protection, params, size=None,
                availability_zone=None, volume_type=None, submission=None,
                metadata=None):
        return None

    def delete(self, client, protection):
        return True
