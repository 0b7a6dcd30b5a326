"""protection/ works in a process that is not Horizon (the scheduler):
with a small standalone settings module, nothing of Horizon is imported."""

import ast
import os
import pathlib
import subprocess
import sys
import textwrap

from volsnap_dashboard.devenv import source_tree

STANDALONE = textwrap.dedent('''
    import sys

    import django
    from django.conf import settings

    settings.configure(USE_I18N=True)
    django.setup()

    from volsnap_dashboard.protection import registry
    from volsnap_dashboard.protection import waiting  # noqa: F401

    plugin = registry.volume_plugin()
    assert plugin is not None, registry.get_registry().problems
    values = plugin.validate_options({'snapshot_name': 'nightly',
                                      'description': ''})
    assert values['snapshot_name'] == 'nightly', values
    loaded = sorted(name for name in sys.modules
                    if name.split('.')[0] in ('horizon',
                                              'openstack_dashboard')
                    or name.startswith(('volsnap_dashboard.dashboards',
                                        'volsnap_dashboard.schema_forms')))
    print('LOADED', loaded)
''')


def test_protection_runs_without_horizon():
    env = {key: value for key, value in os.environ.items()
           if key != 'DJANGO_SETTINGS_MODULE'}
    result = subprocess.run([sys.executable, '-c', STANDALONE],
                            cwd=source_tree.REPO_ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert 'LOADED []' in result.stdout, result.stdout


DASHBOARDS = os.path.join(source_tree.REPO_ROOT, 'volsnap_dashboard',
                          'dashboards')
PANELS = ('volsnap_dashboard.dashboards.project',
          'volsnap_dashboard.dashboards.admin')
FEATURES = ('groups', 'orphans', 'schedules', 'snapshots', 'volumes')


def imported_modules(path):
    """Every module ``path`` imports from, with the names it takes."""
    tree = ast.parse(pathlib.Path(path).read_text(encoding='utf-8'))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            for alias in node.names:
                yield '%s.%s' % (node.module, alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name


def modules_of(package):
    return sorted(pathlib.Path(DASHBOARDS, package).rglob('*.py'))


def banned_imports(package, banned):
    return sorted(
        '%s imports %s' % (path.relative_to(DASHBOARDS), name)
        for path in modules_of(package)
        for name in imported_modules(path)
        if name.startswith(banned))


def test_feature_packages_never_import_a_panel():
    for package in FEATURES + ('common',):
        assert modules_of(package), package
        assert banned_imports(package, PANELS) == [], package


def test_common_imports_no_feature_package():
    features = tuple('volsnap_dashboard.dashboards.%s' % name
                     for name in FEATURES)
    assert banned_imports('common', features) == []


def test_the_check_sees_an_import_running_back_up(tmp_path, monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], 'DASHBOARDS', str(tmp_path))
    (tmp_path / 'schedules').mkdir()
    (tmp_path / 'schedules' / 'views.py').write_text(
        'from volsnap_dashboard.dashboards.project.volume_protection '
        'import (\n    tabs)\n')
    assert banned_imports('schedules', PANELS) == [
        'schedules/views.py imports '
        'volsnap_dashboard.dashboards.project.volume_protection',
        'schedules/views.py imports '
        'volsnap_dashboard.dashboards.project.volume_protection.tabs']


def test_the_admin_panel_imports_nothing_of_the_project_panel():
    assert modules_of('admin')
    assert banned_imports('admin', PANELS[:1]) == []


OPENSTACK_COMMANDS = textwrap.dedent('''
    import sys

    from volsnap_dashboard.osc import plugin
    from volsnap_dashboard.osc import protections  # noqa: F401

    plugin.setup_django()
    from volsnap_dashboard.protection import registry
    print('PLUGINS', [p.name for p in registry.volume_plugins()])
    print('LOADED', sorted(
        name for name in sys.modules
        if name.split('.')[0] in ('horizon', 'openstack_dashboard')
        or name.startswith('volsnap_dashboard.dashboards')))
''')


def test_the_openstack_commands_run_without_horizon():
    """The ``openstack volume protection`` commands use api/ and
    protection/, never the panels (a CLI host has no Horizon)."""
    env = {key: value for key, value in os.environ.items()
           if key != 'DJANGO_SETTINGS_MODULE'}
    result = subprocess.run([sys.executable, '-c', OPENSTACK_COMMANDS],
                            cwd=source_tree.REPO_ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "PLUGINS ['cinder-snapshot', 'cinder-backup']" in result.stdout
    assert 'LOADED []' in result.stdout, result.stdout
