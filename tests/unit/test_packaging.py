"""A built wheel holds everything an operator's Horizon needs."""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

from django.test import SimpleTestCase

from volsnap_dashboard.devenv import source_tree


# What a fresh clone holds: no build leftovers (a stale build/lib would be
# packed into the wheel), no venvs, no dev-cloud data.
NOT_SOURCES = shutil.ignore_patterns(
    '.git', '.venv*', '.devcloud', 'build', 'dist', '*.egg-info',
    'static_root', 'test-artifacts', '__pycache__', '.*_cache', '*.pyc')

# A Python warning as the build backend prints it ("...Warning: text"),
# not pip's own "WARNING: Location ... is ignored" about this machine's
# extra indexes.
BUILD_WARNING = re.compile(r'\b\w*Warning: .*')


class WheelTests(SimpleTestCase):
    """Builds the wheel as the README tells operators to: an isolated
    build (pip fetches the newest allowed setuptools) from the sources."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        work = tempfile.mkdtemp()
        cls.addClassCleanup(shutil.rmtree, work)
        source = os.path.join(work, 'source')
        shutil.copytree(source_tree.REPO_ROOT, source, ignore=NOT_SOURCES)
        out = os.path.join(work, 'dist')
        build = subprocess.run(
            [sys.executable, '-m', 'pip', 'wheel', '--no-deps', '-v',
             '-w', out, source],
            check=True, capture_output=True, text=True)
        cls.build_output = build.stdout + build.stderr
        [wheel] = [f for f in os.listdir(out) if f.endswith('.whl')]
        with zipfile.ZipFile(os.path.join(out, wheel)) as archive:
            cls.names = set(archive.namelist())
            entry_points = [n for n in cls.names
                            if n.endswith('entry_points.txt')]
            cls.entry_points = archive.read(entry_points[0]).decode()

    def _in_checkout(self, folder):
        """The checkout's files under ``folder``, relative to the root."""
        found = set()
        for root, _, files in os.walk(os.path.join(source_tree.REPO_ROOT,
                                                   folder)):
            for name in files:
                if name.endswith('.pyc'):
                    continue
                found.add(os.path.relpath(os.path.join(root, name),
                                          source_tree.REPO_ROOT))
        return found

    def _mapped_into_package(self, folder):
        return {'volsnap_dashboard/' + path
                for path in self._in_checkout(folder)}

    def test_the_catalogs_are_shipped_compiled(self):
        for domain in ('django', 'djangojs'):
            for suffix in ('.po', '.mo'):
                self.assertIn('volsnap_dashboard/locale/de/LC_MESSAGES/%s%s'
                              % (domain, suffix), self.names)

    def test_enabled_files_are_inside_the_package(self):
        enabled = self._mapped_into_package('enabled')
        self.assertIn(
            'volsnap_dashboard/enabled/_1380_project_volume_protection_'
            'panel.py', enabled)
        self.assertLessEqual(enabled, self.names)

    def test_templates_and_static_files_are_inside_the_package(self):
        for folder in ('templates', 'static'):
            files = self._mapped_into_package(folder)
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

    def test_build_prints_no_warnings(self):
        self.assertIn('Successfully built', self.build_output)
        self.assertEqual([], BUILD_WARNING.findall(self.build_output))
        self.assertNotIn('would be ignored', self.build_output)

    def test_dev_only_modules_are_not_shipped(self):
        self.assertFalse([n for n in self.names
                          if n.startswith('volsnap_dashboard/devenv/')])

    def test_every_module_of_the_package_is_shipped(self):
        modules = {path for path in self._in_checkout('volsnap_dashboard')
                   if path.endswith('.py')
                   and not path.startswith('volsnap_dashboard/devenv/')}
        self.assertIn('volsnap_dashboard/enabled_files.py', modules)
        self.assertLessEqual(modules, self.names)

    def test_enabled_files_command_is_registered(self):
        self.assertIn('[console_scripts]', self.entry_points)
        self.assertIn('volsnap-enabled-files = '
                      'volsnap_dashboard.enabled_files:main',
                      self.entry_points)
