"""A second protection plugin, written from protection/base.py alone, for
the contract tests: a volume is protected by a full clone of it (a new
volume made from it), restored by cloning the clone, and a protection is
deleted with its clone. No Cinder snapshot is made or read, so code that
works with it assumes nothing of snapshots."""

import contextlib
import os

from django.test.utils import override_settings

from volsnap_dashboard.api import cinder_facts
from volsnap_dashboard.api import errors
from volsnap_dashboard.protection import base
from volsnap_dashboard.protection import registry
from volsnap_dashboard.protection import waiting
from volsnap_dashboard.protection.schedule import retention
from tests import entry_points

# Its provider file, and the entry points that name it (and, for the
# registry's refusal, a plugin of the old contract).
PROVIDERS = os.path.join(os.path.dirname(__file__), 'clone_providers')
PROVIDER_ID = '0c1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b'
ENTRY_POINTS = """[volsnap_dashboard.protections]
volume-clone = tests.clone_plugin:VolumeClonePlugin
old-contract = tests.plugins:OldContractPlugin
"""

# Every clone carries these: which volume it protects, and that it is one.
CLONE_KEY = 'volsnap_clone'
CLONE_OF_KEY = 'volsnap_clone_of'
RESTORED_FROM_KEY = 'volsnap_restored_from_clone'
SUBMISSION_KEY = 'volsnap_submission'


class CloneFailed(errors.VolsnapAPIError):
    def __init__(self, message, cleaned_up=False):
        self.cleaned_up = cleaned_up
        super().__init__(message)


def as_protection(volume):
    metadata = dict(getattr(volume, 'metadata', None) or {})
    return base.Protection(
        id=volume.id, status=volume.status,
        created_at=getattr(volume, 'created_at', None), metadata=metadata,
        size=volume.size or 0, volume_id=metadata.get(CLONE_OF_KEY),
        name=getattr(volume, 'name', None) or '',
        project_id=cinder_facts.volume_project(volume),
        user_id=getattr(volume, 'user_id', None))


def _id(protection):
    return protection if isinstance(protection, str) else protection.id


class VolumeClonePlugin(base.FileSchemasMixin, base.ProtectionPlugin):
    resource_types = ('OS::Cinder::Volume',)
    schema_module = __file__
    options_schema_file = 'clone_options.json'
    restore_schema_file = 'clone_restore.json'
    saved_info_schema_file = 'clone_saved_info.json'
    name_option = 'clone_name'

    def protect(self, client, resource, params, submission=None,
                metadata=None):
        values = self.validate_options(params)
        tags = dict(metadata or {}, **{CLONE_KEY: '1',
                                       CLONE_OF_KEY: resource.id})
        if submission:
            tags[SUBMISSION_KEY] = submission
        with errors.translated():
            clone = client.volumes.create(
                resource.size, source_volid=resource.id,
                name=values['clone_name'] or '%s-clone' % resource.name,
                description=values['description'], metadata=tags)
        return {'id': clone.id, 'volume_id': resource.id,
                'size': clone.size}

    def protection_id(self, saved):
        return saved['id']

    def restore(self, client, protection, params, size=None,
                availability_zone=None, volume_type=None, submission=None,
                metadata=None):
        values = self.validate_restore(params)
        clone = self.get_protection(client, _id(protection))
        tags = dict(metadata or {}, **{RESTORED_FROM_KEY: clone.id})
        if submission:
            tags[SUBMISSION_KEY] = submission
        with errors.translated():
            return client.volumes.create(
                size or clone.size, source_volid=clone.id,
                name=values['restore_name'] or '%s-restore' % clone.name,
                description=values['restore_description'] or '',
                metadata=tags, availability_zone=availability_zone,
                volume_type=volume_type)

    def delete(self, client, protection):
        try:
            with errors.translated():
                client.volumes.delete(self.get_protection(
                    client, _id(protection)))
        except errors.NotFound:
            return False
        return True

    def list_protections(self, client, volume_id=None, metadata=None,
                         all_projects=False):
        wanted = dict(metadata or {}, **{CLONE_KEY: '1'})
        if volume_id is not None:
            wanted[CLONE_OF_KEY] = volume_id
        search_opts = {'metadata': wanted}
        if all_projects:
            search_opts['all_tenants'] = 1
        with errors.translated():
            volumes = client.volumes.list(search_opts=search_opts)
        return [as_protection(volume) for volume in volumes
                if (volume.metadata or {}).get(CLONE_KEY) == '1']

    def get_protection(self, client, protection_id):
        with errors.translated():
            volume = client.volumes.get(protection_id)
        if (volume.metadata or {}).get(CLONE_KEY) != '1':
            raise errors.NotFound()
        return as_protection(volume)

    def wait_for_protection(self, client, protection_id, interval=2.0,
                            timeout=300.0, keep_failed=False):
        clone = waiting.wait(lambda pid: self.get_protection(client, pid),
                             protection_id, 'Clone', interval=interval,
                             timeout=timeout)
        if clone.status != 'error':
            return clone
        cleaned_up = not keep_failed and self.delete(client, clone)
        raise CloneFailed('Clone %s failed.' % clone.id, cleaned_up)

    def wait_for_deletion(self, client, protection_id, interval=2.0,
                          timeout=300.0):
        def get(pid):
            try:
                return self.get_protection(client, pid)
            except errors.NotFound:
                return base.Protection(pid, 'deleted', None, {}, 0, None)
        clone = waiting.wait(get, protection_id, 'Clone',
                             done=('deleted',), failed=('error_deleting',),
                             interval=interval, timeout=timeout)
        if clone.status == 'error_deleting':
            raise CloneFailed('Clone %s could not be deleted.' % clone.id)

    def set_protection_metadata(self, client, protection, metadata):
        with errors.translated():
            client.volumes.set_metadata(protection, metadata)

    def delete_protection_metadata(self, client, protection, keys):
        present = [key for key in keys if key in protection.metadata]
        if present:
            with errors.translated():
                client.volumes.delete_metadata(protection, present)

    def quota(self, client):
        # A clone is a volume: it counts against the volumes quota.
        with errors.translated():
            limits = {limit.name: limit.value
                      for limit in client.limits.get().absolute}
        return {retention.MAX_SNAPSHOTS: limits.get('maxTotalVolumes'),
                retention.USED_SNAPSHOTS: limits.get('totalVolumesUsed'),
                retention.MAX_GIGABYTES: limits.get('maxTotalVolumeGigabytes'),
                retention.USED_GIGABYTES: limits.get('totalGigabytesUsed')}


def registry_of_clones(add_cleanup):
    """A registry of the clone provider alone (its plugin then protects
    volumes), its entry points installed until ``add_cleanup``'s
    cleanups run."""
    entry_points.install(ENTRY_POINTS, add_cleanup)
    return registry.Registry([PROVIDERS])


@contextlib.contextmanager
def chosen(add_cleanup, provider_id=PROVIDER_ID):
    """Settings where the clone provider's file is read after the
    package's own and the operator chooses ``provider_id``; yields the
    registry they load."""
    entry_points.install(ENTRY_POINTS, add_cleanup)
    with override_settings(VOLSNAP_PROVIDER_DIRS=[PROVIDERS],
                           VOLSNAP_PROVIDER_ID=provider_id):
        yield registry.get_registry(reload=True)
    registry.get_registry(reload=True)
