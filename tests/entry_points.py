"""Entry points installed for one test: a real distribution on sys.path,
so importlib.metadata (and the protection registry) finds them as it finds
any installed package's."""

import importlib
import os
import shutil
import sys
import tempfile


def install(entry_points_text, add_cleanup):
    """Install ``entry_points_text`` (an ``entry_points.txt``) until the
    cleanups registered with ``add_cleanup`` run."""
    site = tempfile.mkdtemp()
    add_cleanup(shutil.rmtree, site)
    info = os.path.join(site, 'volsnap_test_plugins-1.0.dist-info')
    os.mkdir(info)
    with open(os.path.join(info, 'METADATA'), 'w') as metadata:
        metadata.write('Metadata-Version: 2.1\n'
                       'Name: volsnap-test-plugins\nVersion: 1.0\n')
    with open(os.path.join(info, 'entry_points.txt'), 'w') as eps:
        eps.write(entry_points_text)
    sys.path.insert(0, site)
    add_cleanup(sys.path.remove, site)
    importlib.invalidate_caches()
