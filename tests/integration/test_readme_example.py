"""The README's Python usage example works when pasted."""

import os
import re
import subprocess
import sys

from tools.devkit import cinder as devcloud
from tools.devkit import identities
from volsnap_dashboard.devenv import source_tree


def readme_example():
    with open(os.path.join(source_tree.REPO_ROOT, 'README.rst')) as readme:
        text = readme.read()
    section = text[text.index('Using the plugin from Python'):]
    block = re.search(r'::\n\n((?:    .*\n|\n)+)', section).group(1)
    return '\n'.join(line[4:] for line in block.splitlines())


def test_usage_example_runs_against_the_dev_cloud(tmp_path):
    code = readme_example().replace('127.0.0.1:5000',
                                    '127.0.0.1:%s' % identities.keystone_url()
                                    .split(':')[2].split('/')[0])
    code = code.replace("'demopw'", repr(identities.password('demo')))
    script = tmp_path / 'example.py'
    script.write_text(code)
    result = subprocess.run([sys.executable, str(script)], cwd=tmp_path,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == 'nightly-restore'
    demo = devcloud.cinder_as('demo')
    assert not [s for s in demo.volume_snapshots.list()
                if s.name == 'nightly' and s.status != 'deleting']
