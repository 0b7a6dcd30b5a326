"""protection/ works in a process that is not Horizon (the scheduler):
with a small standalone settings module, nothing of Horizon is imported."""

import os
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
