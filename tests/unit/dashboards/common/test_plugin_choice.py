"""The panels and the scheduler make one choice of plugin: the registry's
(the panels use it if they can render it)."""

from django.test import SimpleTestCase
from django.test.utils import override_settings

from tests import clone_plugin
from volsnap_dashboard.dashboards.common import plugin_choice
from volsnap_dashboard.protection import registry

# (the plugin chosen, the problems reported): the scheduler's, the panels'.
CHOOSERS = ((registry.volume_plugin, registry.volume_problems),
            (plugin_choice.volume_plugin, plugin_choice.problems))


class PluginChoiceTests(SimpleTestCase):

    def test_the_chosen_provider_is_used_though_read_after_another(self):
        with clone_plugin.chosen(self.addCleanup):
            for choose, problems in CHOOSERS:
                with self.subTest(choose.__module__):
                    self.assertIsInstance(choose(),
                                          clone_plugin.VolumeClonePlugin)
                    self.assertEqual([], problems())

    def test_an_unknown_provider_is_reported_not_replaced(self):
        with clone_plugin.chosen(self.addCleanup, provider_id='nope'):
            for choose, problems in CHOOSERS:
                with self.subTest(choose.__module__):
                    self.assertIsNone(choose())
                    self.assertEqual(
                        ['The protection provider chosen for volumes '
                         '(nope) cannot be used: no provider file defines '
                         'it.'], [str(problem) for problem in problems()])


class HorizonSettingTests(SimpleTestCase):
    """Backups are offered where Horizon offers them: its
    OPENSTACK_CINDER_FEATURES['enable_backup'] (a cloud that runs Cinder's
    backup service)."""

    def names(self):
        return [plugin.name for plugin in plugin_choice.volume_plugins()]

    def test_offered_with_horizons_backups(self):
        with override_settings(
                OPENSTACK_CINDER_FEATURES={'enable_backup': True}):
            self.assertEqual(['cinder-snapshot', 'cinder-backup'],
                             self.names())

    def test_not_offered_without(self):
        for features in ({}, {'enable_backup': False}):
            with self.subTest(features=features), override_settings(
                    OPENSTACK_CINDER_FEATURES=features):
                self.assertEqual(['cinder-snapshot'], self.names())
