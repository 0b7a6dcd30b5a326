"""What the benchmark ran on: CPUs, memory, system and versions."""

import importlib.metadata
import os
import platform


def _memory():
    try:
        with open('/proc/meminfo') as meminfo:
            for line in meminfo:
                if line.startswith('MemTotal:'):
                    return '%.1f GiB' % (int(line.split()[1]) / 2 ** 20)
    except OSError:
        pass
    return '?'


def _version(name):
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return '?'


def _cloud_versions(devcloud_dir):
    """The dev cloud's installed versions, as tools/devcloud recorded."""
    versions = {}
    marker = os.path.join(devcloud_dir, 'venv', '.volsnap-devcloud-installed')
    try:
        with open(marker) as installed:
            for line in installed:
                name, _, version = line.strip().partition(' ')
                versions[name] = version
    except OSError:
        pass
    return versions


def describe(devcloud_dir):
    """(name, value) pairs."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:
        cpus = os.cpu_count()
    cloud = _cloud_versions(devcloud_dir)
    return [
        ('CPUs (nproc)', str(cpus)),
        ('memory', _memory()),
        ('system', '%s %s' % (platform.system(), platform.release())),
        ('Python', platform.python_version()),
        ('Horizon', _version('horizon')),
        ('Django', _version('Django')),
        ('python-cinderclient', _version('python-cinderclient')),
        ('Cinder', '%s (dev cloud: fake driver, all-in-one process, sqlite)'
         % cloud.get('cinder', '?')),
        ('Keystone', '%s (dev cloud: uwsgi, sqlite)'
         % cloud.get('keystone', '?')),
    ]
