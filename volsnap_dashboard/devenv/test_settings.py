"""What the unit-test settings and Horizon's-own-tests settings share:
Horizon's test settings, with the dashboards enabled again from a clean
slate so that the plugin's enabled files are applied as Horizon applies
them in production."""

from openstack_dashboard.utils import settings as settings_utils


def enable_dashboards(horizon_config, installed_apps, enabled_packages):
    """Re-apply ``enabled_packages`` to Horizon's test settings (which
    applied openstack_dashboard.enabled already); return INSTALLED_APPS."""
    installed_apps = [app for app in installed_apps
                      if app not in horizon_config.get('plugins', [])]
    for key in ('plugins', 'angular_modules', 'js_files', 'js_spec_files',
                'scss_files', 'xstatic_modules'):
        horizon_config[key] = []
    horizon_config.pop('dashboards', None)
    horizon_config.pop('default_dashboard', None)
    settings_utils.update_dashboards(enabled_packages, horizon_config,
                                     installed_apps)
    return installed_apps
