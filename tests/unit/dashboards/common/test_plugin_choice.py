"""The panels use the plugin the registry chooses, the scheduler's."""

from django.test import SimpleTestCase

from tests import clone_plugin
from volsnap_dashboard.dashboards.common import plugin_choice


class PluginChoiceTests(SimpleTestCase):

    def test_the_chosen_clone_provider_protects_in_the_panels(self):
        with clone_plugin.chosen(self.addCleanup):
            self.assertIsInstance(plugin_choice.volume_plugin(),
                                  clone_plugin.VolumeClonePlugin)
            self.assertEqual([], plugin_choice.problems())

    def test_an_unknown_provider_leaves_the_panels_none_and_says_why(self):
        with clone_plugin.chosen(self.addCleanup, provider_id='nope'):
            self.assertIsNone(plugin_choice.volume_plugin())
            problems = [str(p) for p in plugin_choice.problems()]
        self.assertEqual(['The protection provider chosen for volumes (nope) '
                          'cannot be used: no provider file defines it.'],
                         problems)
