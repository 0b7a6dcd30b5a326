"""The optional revert operation: declared by the Cinder plugin, absent
from the base interface, and Cinder's refusals translated."""

from unittest import mock

from cinderclient import api_versions
from cinderclient import exceptions as cinder_exc
from django.test import SimpleTestCase

from volsnap_dashboard.api import errors
from volsnap_dashboard.protection import base
from volsnap_dashboard.protection import cinder_snapshot


def client(version='3.71'):
    fake = mock.Mock()
    fake.api_version = api_versions.APIVersion(version)
    return fake


class RevertTests(SimpleTestCase):
    plugin = cinder_snapshot.CinderSnapshotProtectionPlugin()

    def test_reverts_the_volume_to_the_snapshot(self):
        cinder = client()
        self.plugin.revert(cinder, {'snapshot_id': 'snap-1'}, 'vol-1')
        cinder.volumes.revert_to_snapshot.assert_called_once_with(
            'vol-1', 'snap-1')

    def test_refused_below_3_40_without_a_call(self):
        cinder = client('3.39')
        with self.assertRaises(errors.Conflict) as caught:
            self.plugin.revert(cinder, 'snap-1', 'vol-1')
        self.assertIn('3.40', str(caught.exception))
        cinder.volumes.revert_to_snapshot.assert_not_called()

    def test_cinders_refusal_is_translated_with_its_reason(self):
        cinder = client('3.40')
        cinder.volumes.revert_to_snapshot.side_effect = \
            cinder_exc.BadRequest(400, 'Invalid snapshot: revert to the '
                                       'latest snapshot only')
        with self.assertRaises(errors.BadRequest) as caught:
            self.plugin.revert(cinder, 'snap-1', 'vol-1')
        self.assertIn('latest snapshot only', str(caught.exception))

    def test_the_cinder_plugin_declares_it(self):
        self.assertTrue(self.plugin.supports_revert)


class WithoutRevert(cinder_snapshot.CinderSnapshotProtectionPlugin):
    supports_revert = base.ProtectionPlugin.supports_revert
    revert = base.ProtectionPlugin.revert


class OptionalTests(SimpleTestCase):

    def test_a_plugin_without_revert_does_not_declare_it(self):
        plugin = WithoutRevert()
        self.assertFalse(plugin.supports_revert)
        with self.assertRaises(NotImplementedError):
            plugin.revert(client(), 'snap-1', 'vol-1')
