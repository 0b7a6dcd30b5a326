# Admin > Volume > Volume Protection: every project's snapshots.
# Only plain values here: Horizon keeps this file's names in HORIZON_CONFIG,
# which it deep-copies, and a module object cannot be copied.
from volsnap_dashboard.api.errors import NOT_FOUND
from volsnap_dashboard.api.errors import RECOVERABLE
from volsnap_dashboard.api.errors import UNAUTHORIZED

PANEL = 'volume_protection'
PANEL_DASHBOARD = 'admin'
PANEL_GROUP = 'volume'

ADD_PANEL = ('volsnap_dashboard.dashboards.admin.volume_protection.'
             'panel.VolumeProtection')
# The app itself (templates, static files) is added by the project panel's
# enabled file, _1380_project_volume_protection_panel.py: enable both.
ADD_EXCEPTIONS = {
    'recoverable': RECOVERABLE,
    'not_found': NOT_FOUND,
    'unauthorized': UNAUTHORIZED,
}
