"""manage.py works with the dev settings, as an operator's Horizon would."""

import glob
import os
import subprocess
import sys

from volsnap_dashboard.devenv import source_tree


def manage(*args):
    result = subprocess.run([sys.executable, 'manage.py', *args],
                            cwd=source_tree.REPO_ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_collectstatic_and_compress_include_the_plugin():
    manage('collectstatic', '--noinput')
    root = os.path.join(source_tree.REPO_ROOT, 'static_root')
    assert os.path.isfile(os.path.join(
        root, 'volsnap_dashboard', 'scss', 'volsnap.scss'))
    assert 'Compressed' in manage('compress', '--force')
    compiled = ''
    for path in glob.glob(os.path.join(root, 'dashboard', 'css', '*.css')):
        with open(path) as css:
            compiled += css.read()
    assert '.volsnap-volume-picker' in compiled
    # The picker's script (the enabled file's ADD_JS_FILES) is compressed
    # with Horizon's own.
    scripts = ''
    for path in glob.glob(os.path.join(root, 'dashboard', 'js', '*.js')):
        with open(path) as script:
            scripts += script.read()
    assert 'volsnap-picker-results' in scripts
