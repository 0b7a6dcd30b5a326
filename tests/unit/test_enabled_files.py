"""The volsnap-enabled-files command finds, copies and removes the files."""

import contextlib
from importlib import metadata
import io
import os
import pathlib
import shutil
import tempfile
from unittest import mock

from django.test import SimpleTestCase

from volsnap_dashboard import enabled_files
from volsnap_dashboard.devenv import source_tree
from tests import entry_points

NAMES = ['_1380_project_volume_protection_panel.py',
         '_2280_admin_volume_protection_panel.py']


def installed_distribution(site):
    """A distribution installed in ``site``, as pip leaves it."""
    package = os.path.join(site, 'volsnap_dashboard', 'enabled')
    os.makedirs(package)
    record = []
    for name in ['__init__.py'] + NAMES:
        with open(os.path.join(package, name), 'w') as f:
            f.write('PANEL = "installed"\n')
        record.append('volsnap_dashboard/enabled/%s,,' % name)
    info = entry_points.dist_info(site, 'volsnap-dashboard', '0.1.0',
                                  {'RECORD': '\n'.join(record) + '\n'})
    return metadata.PathDistribution(pathlib.Path(info))


class EnabledFilesTests(SimpleTestCase):

    def setUp(self):
        super().setUp()
        self.horizon_enabled = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.horizon_enabled)

    def run_command(self, *argv):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = enabled_files.main(list(argv))
        return status, out.getvalue().splitlines(), err.getvalue()

    def test_without_an_installed_copy_the_checkout_files_are_used(self):
        # The test venv holds an editable install: no enabled files in
        # its file list.
        status, lines, _ = self.run_command()
        self.assertEqual(0, status)
        self.assertEqual(
            [os.path.join(source_tree.ENABLED_DIR, n) for n in NAMES], lines)

    def test_the_installed_copies_come_first(self):
        site = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, site)
        installed = installed_distribution(site)
        # Run from inside a checkout, Python sees the build's egg-info first.
        checkout_build = mock.Mock(files=[
            metadata.PackagePath('enabled', NAMES[0])])
        with mock.patch.object(enabled_files.metadata, 'distributions',
                               return_value=[checkout_build, installed]
                               ) as distributions:
            status, lines, _ = self.run_command()
        distributions.assert_called_once_with(name='volsnap-dashboard')
        self.assertEqual(0, status)
        self.assertEqual(
            [os.path.join(site, 'volsnap_dashboard', 'enabled', n)
             for n in NAMES], lines)

    def test_copy_to_copies_every_enabled_file(self):
        status, lines, _ = self.run_command('--copy-to',
                                            self.horizon_enabled)
        self.assertEqual(0, status)
        self.assertEqual(
            [os.path.join(self.horizon_enabled, n) for n in NAMES], lines)
        for name in NAMES:
            with open(os.path.join(self.horizon_enabled, name)) as copied, \
                    open(os.path.join(source_tree.ENABLED_DIR, name)) as src:
                self.assertEqual(src.read(), copied.read())

    def test_remove_from_leaves_other_panels_alone(self):
        other = os.path.join(self.horizon_enabled, '_1500_other_panel.py')
        with open(other, 'w') as f:
            f.write('PANEL = "other"\n')
        self.run_command('--copy-to', self.horizon_enabled)

        status, lines, _ = self.run_command('--remove-from',
                                            self.horizon_enabled)

        self.assertEqual(0, status)
        self.assertEqual(
            [os.path.join(self.horizon_enabled, n) for n in NAMES], lines)
        self.assertEqual(['_1500_other_panel.py'],
                         os.listdir(self.horizon_enabled))

    def test_a_missing_folder_is_a_clear_error(self):
        missing = os.path.join(self.horizon_enabled, 'nope')
        status, lines, err = self.run_command('--copy-to', missing)
        self.assertEqual(1, status)
        self.assertEqual([], lines)
        self.assertIn('No such folder: %s' % missing, err)

    def test_no_files_anywhere_is_a_clear_error(self):
        with mock.patch.object(enabled_files, 'enabled_files',
                               return_value=[]):
            status, lines, err = self.run_command('--copy-to',
                                                  self.horizon_enabled)
        self.assertEqual(1, status)
        self.assertIn('No enabled files found', err)
        self.assertEqual([], os.listdir(self.horizon_enabled))

