# Admin > Volume > Volume Protection: every project's snapshots.
from volsnap_dashboard.api import errors

PANEL = 'volume_protection'
PANEL_DASHBOARD = 'admin'
PANEL_GROUP = 'volume'

ADD_PANEL = ('volsnap_dashboard.dashboards.admin.volume_protection.'
             'panel.VolumeProtection')
# The app itself (templates, static files) is added by the project panel's
# enabled file, _1380_project_volume_protection_panel.py: enable both.
ADD_EXCEPTIONS = {
    'recoverable': errors.RECOVERABLE,
    'not_found': errors.NOT_FOUND,
    'unauthorized': errors.UNAUTHORIZED,
}
