"""A built wheel holds everything an operator's Horizon needs."""

import os
import subprocess
import sys
import tempfile
import zipfile

from django.test import SimpleTestCase

from volsnap_dashboard.devenv import source_tree


class WheelTests(SimpleTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        out = tempfile.mkdtemp()
        subprocess.run(
            [sys.executable, '-m', 'pip', 'wheel', '--no-deps',
             '--no-build-isolation', '-q', '-w', out, source_tree.REPO_ROOT],
            check=True, capture_output=True)
        [wheel] = [f for f in os.listdir(out) if f.endswith('.whl')]
        with zipfile.ZipFile(os.path.join(out, wheel)) as archive:
            cls.names = set(archive.namelist())
            entry_points = [n for n in cls.names
                            if n.endswith('entry_points.txt')]
            cls.entry_points = archive.read(entry_points[0]).decode()

    def _in_checkout(self, folder):
        found = set()
        for root, _, files in os.walk(os.path.join(source_tree.REPO_ROOT,
                                                   folder)):
            for name in files:
                if name.endswith('.pyc'):
                    continue
                path = os.path.relpath(os.path.join(root, name),
                                       source_tree.REPO_ROOT)
                found.add('volsnap_dashboard/' + path)
        return found

    def test_enabled_files_are_inside_the_package(self):
        enabled = self._in_checkout('enabled')
        self.assertIn(
            'volsnap_dashboard/enabled/_1380_project_volume_protection_'
            'panel.py', enabled)
        self.assertLessEqual(enabled, self.names)

    def test_templates_and_static_files_are_inside_the_package(self):
        for folder in ('templates', 'static'):
            files = self._in_checkout(folder)
            self.assertTrue(files, folder)
            self.assertLessEqual(files, self.names, folder)

    def test_schemas_and_default_provider_are_shipped(self):
        for name in ('options_schema.json', 'restore_schema.json',
                     'saved_info_schema.json'):
            self.assertIn('volsnap_dashboard/protection/schemas/' + name,
                          self.names)
        self.assertIn('volsnap_dashboard/protection/providers/default.conf',
                      self.names)

    def test_plugin_entry_point_is_registered(self):
        self.assertIn('[volsnap_dashboard.protections]', self.entry_points)
        self.assertIn('cinder-snapshot = volsnap_dashboard.protection.'
                      'cinder_snapshot:CinderSnapshotProtectionPlugin',
                      self.entry_points)

    def test_tests_are_not_shipped(self):
        self.assertFalse([n for n in self.names if n.startswith('tests/')])
