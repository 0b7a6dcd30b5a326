"""Distributions installed for one test: real ``.dist-info`` folders, so
importlib.metadata (and the protection registry) finds their entry points
and files as it finds any installed package's."""

import importlib
import os
import shutil
import sys
import tempfile


def dist_info(site, name, version, files):
    """The ``.dist-info`` folder of distribution ``name`` in ``site``,
    with its METADATA and ``files`` (file name -> text)."""
    info = os.path.join(site, '%s-%s.dist-info' % (name.replace('-', '_'),
                                                   version))
    os.makedirs(info)
    files = dict(files, METADATA='Metadata-Version: 2.1\nName: %s\n'
                 'Version: %s\n' % (name, version))
    for file_name, text in files.items():
        with open(os.path.join(info, file_name), 'w') as written:
            written.write(text)
    return info


def install(entry_points_text, add_cleanup):
    """Install ``entry_points_text`` (an ``entry_points.txt``) until the
    cleanups registered with ``add_cleanup`` run."""
    site = tempfile.mkdtemp()
    add_cleanup(shutil.rmtree, site)
    dist_info(site, 'volsnap-test-plugins', '1.0',
              {'entry_points.txt': entry_points_text})
    sys.path.insert(0, site)
    add_cleanup(sys.path.remove, site)
    importlib.invalidate_caches()
