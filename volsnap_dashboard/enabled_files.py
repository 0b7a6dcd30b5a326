"""Find the plugin's Horizon enabled files and copy them into Horizon.

    python -m volsnap_dashboard.enabled_files                  # print paths
    python -m volsnap_dashboard.enabled_files --copy-to DIR    # copy them
    python -m volsnap_dashboard.enabled_files --remove-from DIR

(also installed as the ``volsnap-enabled-files`` command). DIR is Horizon's
``openstack_dashboard/local/enabled/``.

The files are looked up in the installed distribution's file list first,
so the command gives the installed copies even when run from inside a
checkout (where ``volsnap_dashboard`` imports from the source tree, which
keeps them in the top-level ``enabled/`` folder instead). With only an
editable install, the checkout's ``enabled/`` files are the ones in use.
"""

import argparse
from importlib import metadata
import os
import re
import shutil
import sys

DISTRIBUTION = 'volsnap-dashboard'
# Horizon loads enabled files whose names start with "_<number>_".
ENABLED_FILE = re.compile(r'^_\d+_\w+\.py$')


class EnabledFilesError(Exception):
    """The files or the target folder cannot be found."""


def _installed_files():
    # Every copy of the distribution Python can see: run from inside a
    # checkout, the first is the build's volsnap_dashboard.egg-info there,
    # whose file list has no installed enabled files; skip such copies.
    for dist in metadata.distributions(name=DISTRIBUTION):
        found = sorted(
            os.path.abspath(str(path.locate())) for path in dist.files or []
            if path.parent.as_posix() == 'volsnap_dashboard/enabled'
            and ENABLED_FILE.match(path.name))
        if found:
            return found
    return []


def _checkout_files():
    package_dir = os.path.dirname(os.path.abspath(__file__))
    enabled_dir = os.path.join(os.path.dirname(package_dir), 'enabled')
    if not os.path.isdir(enabled_dir):
        return []
    return sorted(os.path.join(enabled_dir, name)
                  for name in os.listdir(enabled_dir)
                  if ENABLED_FILE.match(name))


def enabled_files():
    """Absolute paths of the plugin's enabled files, in load order."""
    found = [path for path in _installed_files() if os.path.isfile(path)]
    return found or _checkout_files()


def copy_to(folder):
    """Copy the enabled files into ``folder``; return the new paths."""
    _require_folder(folder)
    copied = []
    for path in _files_or_fail():
        copied.append(shutil.copy(path, folder))
    return copied


def remove_from(folder):
    """Remove the plugin's enabled files from ``folder``; return them."""
    _require_folder(folder)
    removed = []
    for path in _files_or_fail():
        target = os.path.join(folder, os.path.basename(path))
        if os.path.exists(target):
            os.remove(target)
            removed.append(target)
    return removed


def _files_or_fail():
    files = enabled_files()
    if not files:
        raise EnabledFilesError(
            'No enabled files found: is %s installed in this Python '
            '(%s)?' % (DISTRIBUTION, sys.executable))
    return files


def _require_folder(folder):
    if not os.path.isdir(folder):
        raise EnabledFilesError(
            'No such folder: %s (Horizon\'s '
            'openstack_dashboard/local/enabled/)' % folder)


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog='volsnap-enabled-files',
        description='Print the paths of the installed volsnap-dashboard '
                    'Horizon enabled files, or copy them into (or remove '
                    'them from) Horizon\'s openstack_dashboard/local/'
                    'enabled/ folder.')
    action = parser.add_mutually_exclusive_group()
    action.add_argument('--copy-to', metavar='DIR',
                        help='copy the enabled files into DIR')
    action.add_argument('--remove-from', metavar='DIR',
                        help='remove the enabled files from DIR')
    args = parser.parse_args(argv)
    try:
        if args.copy_to:
            paths = copy_to(args.copy_to)
        elif args.remove_from:
            paths = remove_from(args.remove_from)
        else:
            paths = _files_or_fail()
    except (EnabledFilesError, OSError) as error:
        print('volsnap-enabled-files: %s' % error, file=sys.stderr)
        return 1
    for path in paths:
        print(path)
    return 0


if __name__ == '__main__':
    sys.exit(main())
