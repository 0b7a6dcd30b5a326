"""Provider files and entry points make the registry pluggable."""

import os
import shutil
import tempfile

from django.test import SimpleTestCase
from django.test.utils import override_settings

from volsnap_dashboard.protection import cinder_snapshot
from volsnap_dashboard.protection import registry
from tests import clone_plugin
from tests import entry_points
from tests import plugins

TEST_ENTRY_POINTS = """[volsnap_dashboard.protections]
copies = tests.plugins:CopiesPlugin
broken-schema = tests.plugins:BrokenSchemaPlugin
not-a-plugin = tests.plugins:NotAPlugin
no-restore-name = tests.plugins:NoRestoreNamePlugin
unknown-name-option = tests.plugins:UnknownNameOptionPlugin
"""


def provider(pid, plugin_lines, name='P', extra=''):
    return ('[provider]\nname = %s\nid = %s\ndescription = d\n%s%s'
            % (name, pid, ''.join('plugin = %s\n' % p
                                  for p in plugin_lines), extra))


class RegistryTests(SimpleTestCase):

    def setUp(self):
        super().setUp()
        self.folder = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.folder)
        entry_points.install(TEST_ENTRY_POINTS, self.addCleanup)

    def write(self, name, text):
        with open(os.path.join(self.folder, name), 'w') as conf:
            conf.write(text)

    def load(self):
        return registry.Registry([registry.PACKAGE_PROVIDERS, self.folder])

    def test_default_provider_uses_the_cinder_snapshot_plugin(self):
        loaded = registry.Registry([registry.PACKAGE_PROVIDERS])
        self.assertEqual([], loaded.problems)
        plugin = loaded.plugin_for('OS::Cinder::Volume')
        self.assertIsInstance(
            plugin, cinder_snapshot.CinderSnapshotProtectionPlugin)
        self.assertEqual('cinder-snapshot', plugin.name)

    def test_the_default_provider_offers_backups_second(self):
        loaded = registry.Registry([registry.PACKAGE_PROVIDERS])
        [provider] = loaded.enabled_providers()
        self.assertEqual(['cinder-snapshot', 'cinder-backup'],
                         [p.name for p in provider.plugins_for(
                             registry.VOLUME)])

    def test_a_test_plugin_registered_by_entry_point(self):
        self.write('copies.conf', provider('p-copies', ['copies']))
        loaded = self.load()
        self.assertEqual([], loaded.problems)
        plugin = loaded.plugin_for('OS::Test::Thing')
        self.assertIsInstance(plugin, plugins.CopiesPlugin)
        self.assertEqual({'copies': 3}, plugin.protect(
            None, 'thing', {'copies': 3, 'tier': 'gold',
                            'regions': ['RegionOne']}))

    def test_several_plugin_lines(self):
        self.write('two.conf', provider('p-two', ['cinder-snapshot',
                                                  'copies']))
        two = self.load().providers['p-two']
        self.assertEqual(['cinder-snapshot', 'copies'],
                         [p.name for p in two.plugins])

    def _problems_for(self, text):
        self.write('bad.conf', text)
        self.write('good.conf', provider('p-good', ['copies']))
        loaded = self.load()
        self.assertIn('p-good', loaded.providers)
        self.assertEqual(1, len(loaded.problems), loaded.problems)
        self.assertIn('bad.conf', loaded.problems[0])
        return loaded.problems[0]

    def test_malformed_file(self):
        self.assertIn('malformed', self._problems_for('plugin = x\n[[['))

    def test_missing_section(self):
        self.assertIn('[provider]', self._problems_for('[other]\na = b\n'))

    def test_missing_id(self):
        self.assertIn('"id"', self._problems_for(
            '[provider]\nname = n\nplugin = copies\n'))

    def test_unknown_plugin(self):
        self.assertIn('unknown protection plugin "nope"',
                      self._problems_for(provider('p-bad', ['nope'])))

    def test_plugin_with_invalid_schema(self):
        problem = self._problems_for(provider('p-bad', ['broken-schema']))
        self.assertIn('invalid schema', problem)
        self.assertIn('integr', problem)

    def test_a_restore_schema_the_scheduler_cannot_fill(self):
        problem = self._problems_for(provider('p-bad', ['no-restore-name']))
        self.assertIn('the restore schema has no property '
                      '"restore_description"', problem)

    def test_a_name_option_the_options_do_not_have(self):
        problem = self._problems_for(provider('p-bad',
                                              ['unknown-name-option']))
        self.assertIn('the options schema has no property "label"', problem)

    def test_not_a_plugin(self):
        self.assertIn('not a protection plugin',
                      self._problems_for(provider('p-bad', ['not-a-plugin'])))

    def test_bad_enabled_flag(self):
        self.assertIn('enabled', self._problems_for(
            provider('p-bad', ['copies'], extra='enabled = maybe\n')))

    def test_duplicate_provider_id(self):
        self.write('a.conf', provider('same', ['copies'], name='A'))
        self.write('b.conf', provider('same', ['copies'], name='B'))
        loaded = self.load()
        self.assertEqual('A', loaded.providers['same'].name)
        self.assertEqual(1, len(loaded.problems))
        self.assertIn('duplicate provider id same', loaded.problems[0])

    def test_disabled_provider_is_not_used(self):
        self.write('off.conf', provider('p-off', ['copies'],
                                        extra='enabled = false\n'))
        loaded = self.load()
        self.assertIn('p-off', loaded.providers)
        self.assertIsNone(loaded.plugin_for('OS::Test::Thing'))

    def test_missing_folder_is_a_problem_not_a_crash(self):
        loaded = registry.Registry([os.path.join(self.folder, 'nope')])
        self.assertEqual({}, loaded.providers)
        self.assertIn('no such provider folder', loaded.problems[0])

    def test_operator_folders_come_from_settings(self):
        self.write('copies.conf', provider('p-copies', ['copies']))
        with override_settings(VOLSNAP_PROVIDER_DIRS=[self.folder]):
            loaded = registry.get_registry()
            self.assertIn('p-copies', loaded.providers)
        self.assertNotIn('p-copies', registry.get_registry().providers)


class ChosenProviderTests(SimpleTestCase):
    """The operator names the provider whose plugin protects volumes
    (VOLSNAP_PROVIDER_ID); without a name, the first enabled one. A
    provider chosen by id, or unknown: dashboards/common/
    test_plugin_choice.py, for the registry and the panels at once."""

    def test_without_a_choice_the_first_enabled_provider_is_used(self):
        with clone_plugin.chosen(self.addCleanup, provider_id=None):
            self.assertIsInstance(
                registry.volume_plugin(),
                cinder_snapshot.CinderSnapshotProtectionPlugin)
            self.assertEqual([], registry.volume_problems())

    def test_the_chosen_providers_plugins_as_a_set(self):
        with clone_plugin.chosen(self.addCleanup, provider_id=None):
            plugins = registry.volume_plugins()
        self.assertEqual(['cinder-snapshot', 'cinder-backup'],
                         [plugin.name for plugin in plugins])
        self.assertIs(plugins.default, plugins.named(None))
        self.assertEqual('cinder-backup',
                         plugins.named('cinder-backup').name)
        self.assertIsNone(plugins.named('tape'))
        self.assertEqual(3600.0, plugins.restore_timeout)

    def test_a_disabled_provider_is_reported(self):
        cinder_id = registry.Registry(
            [registry.PACKAGE_PROVIDERS]).enabled_providers()[0].id
        with clone_plugin.chosen(self.addCleanup, provider_id=cinder_id):
            registry.get_registry().providers[cinder_id].enabled = False
            self.assertIsNone(registry.volume_plugin())
            [problem] = registry.volume_problems()
        self.assertIn('its provider file disables it', str(problem))
