"""The plugin loads into Horizon exactly as its enabled files describe."""

import copy
import importlib
import pkgutil
import types

from django.core import management
from django.test import SimpleTestCase
import horizon
from openstack_dashboard.utils import settings as settings_utils

from volsnap_dashboard.devenv import source_tree


def enabled_modules():
    package = source_tree.enabled_package()
    return [importlib.import_module('%s.%s' % (package.__name__, name))
            for _, name, _ in pkgutil.iter_modules(package.__path__)]


class EnabledFilesTests(SimpleTestCase):

    def test_there_are_enabled_files(self):
        self.assertTrue(enabled_modules())

    def test_every_enabled_panel_is_registered(self):
        for module in enabled_modules():
            with self.subTest(module=module.__name__):
                dashboard = horizon.get_dashboard(module.PANEL_DASHBOARD)
                panel = dashboard.get_panel(module.PANEL)
                self.assertEqual(module.PANEL, panel.slug)
                self.assertEqual(module.ADD_PANEL.rsplit('.', 1)[1],
                                 type(panel).__name__)
                group = dashboard.get_panel_group(module.PANEL_GROUP)
                self.assertIn(panel, group)

    def test_errors_are_known_to_horizon(self):
        from django.conf import settings

        from volsnap_dashboard.api import errors
        handled = settings.HORIZON_CONFIG['exceptions']
        self.assertIn(errors.NotFound, handled['not_found'])
        self.assertIn(errors.ServiceUnavailable, handled['recoverable'])
        self.assertIn(errors.NotAuthenticated, handled['unauthorized'])

    def test_django_system_checks_pass(self):
        management.call_command('check', fail_level='WARNING')

    def test_enabled_files_hold_no_modules(self):
        for module in enabled_modules():
            with self.subTest(module=module.__name__):
                self.assertFalse(
                    [name for name, value in vars(module).items()
                     if isinstance(value, types.ModuleType)])

    def test_horizon_config_with_the_plugin_can_be_deep_copied(self):
        # Horizon's own plugin tests start with
        # copy.deepcopy(settings.HORIZON_CONFIG).
        horizon_config = {}
        settings_utils.update_dashboards([source_tree.enabled_package()],
                                         horizon_config, [])
        slugs = [panel['PANEL']
                 for panel in horizon_config['panel_customization']]
        self.assertEqual(['volume_protection', 'volume_protection'], slugs)

        copied = copy.deepcopy(horizon_config)

        self.assertEqual(horizon_config['exceptions'], copied['exceptions'])

    def test_settings_horizon_config_can_be_deep_copied(self):
        from django.conf import settings

        copied = copy.deepcopy(settings.HORIZON_CONFIG)
        self.assertIn('volume_protection',
                      [panel.get('PANEL')
                       for panel in copied['panel_customization']])
