"""The plugin loads into Horizon exactly as its enabled files describe."""

import importlib
import pkgutil

from django.core import management
from django.test import SimpleTestCase
import horizon

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
