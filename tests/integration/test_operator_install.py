"""The README's "Installing into an existing Horizon" and "Uninstalling",
step by step, in a stock Horizon (operator_horizon.OperatorHorizon)."""

import glob
import os

import pytest

from tests.integration import operator_horizon
from volsnap_dashboard.devenv import source_tree

PANEL = '/project/volume_protection/'
ADMIN_PANEL = '/admin/volume_protection/'
SNAPSHOTS = '/project/snapshots/'
# A rule of the plugin's SCSS: in the compressed CSS only while installed.
PLUGIN_CSS = '.volsnap-intro'


@pytest.fixture
def horizon(tmp_path):
    logs = os.path.join(source_tree.REPO_ROOT, 'test-artifacts')
    os.makedirs(logs, exist_ok=True)
    horizon = operator_horizon.OperatorHorizon(str(tmp_path), logs)
    yield horizon
    horizon.stop()


def install_as_the_readme_says(horizon):
    checkout = horizon.source_copy()
    # 1. Build a wheel and install it.
    horizon.run('pip', 'wheel', '--no-deps', '.', '-w', 'dist', cwd=checkout)
    [wheel] = glob.glob(os.path.join(checkout, 'dist', '*.whl'))
    horizon.run('pip', 'install', '-q', wheel)
    # 2. Copy the enabled files; from inside the checkout, the command must
    # still find the installed ones, not the checkout's.
    listed = horizon.python('-m', 'volsnap_dashboard.enabled_files',
                            cwd=checkout).split()
    assert listed and all(path.startswith(horizon.site.rsplit('/', 1)[0])
                          for path in listed), listed
    copied = horizon.run('volsnap-enabled-files', '--copy-to',
                         horizon.local_enabled, cwd=checkout).split()
    assert copied == [os.path.join(horizon.local_enabled,
                                   os.path.basename(path))
                      for path in listed]
    # 3. Collect and compress.
    horizon.django_admin('collectstatic', '--noinput')
    horizon.django_admin('compress', '--force')
    # 4. Restart the web server.
    horizon.start()


def uninstall_as_the_readme_says(horizon):
    horizon.run('volsnap-enabled-files', '--remove-from',
                horizon.local_enabled)
    horizon.run('pip', 'uninstall', '-y', '-q',
                operator_horizon.DISTRIBUTION)
    horizon.django_admin('collectstatic', '--clear', '--noinput')
    horizon.django_admin('compress', '--force')
    horizon.start()


def test_install_and_uninstall_as_the_readme_says(horizon, demo_volume):
    install_as_the_readme_says(horizon)

    login_page = horizon.login_page()
    assert login_page.status_code == 200
    demo = horizon.login('demo')
    panel = demo.get(horizon.url + PANEL, timeout=60)
    assert panel.status_code == 200, panel.text[:2000]
    assert 'Volume Protection' in panel.text
    assert PLUGIN_CSS in horizon.compressed_css(panel.text)
    protect = demo.get(horizon.url + PANEL + 'protect/', timeout=60)
    assert protect.status_code == 200
    assert demo_volume.name in protect.text
    admin = horizon.login('admin')
    assert admin.get(horizon.url + ADMIN_PANEL,
                     timeout=60).status_code == 200

    uninstall_as_the_readme_says(horizon)

    assert not horizon.installed()
    assert horizon.enabled_here() == []
    assert horizon.login_page().status_code == 200
    demo = horizon.login('demo')
    snapshots = demo.get(horizon.url + SNAPSHOTS, timeout=60)
    assert snapshots.status_code == 200, snapshots.text[:2000]
    css = horizon.compressed_css(snapshots.text)
    assert css and PLUGIN_CSS not in css
    assert demo.get(horizon.url + PANEL, timeout=60).status_code == 404
