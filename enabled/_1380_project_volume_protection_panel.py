# Project > Volumes > Volume Protection: tenants protect their volumes.
# Only plain values here: Horizon keeps this file's names in HORIZON_CONFIG,
# which it deep-copies, and a module object cannot be copied.
from volsnap_dashboard.api.errors import NOT_FOUND
from volsnap_dashboard.api.errors import RECOVERABLE
from volsnap_dashboard.api.errors import UNAUTHORIZED

PANEL = 'volume_protection'
PANEL_DASHBOARD = 'project'
PANEL_GROUP = 'volumes'

ADD_PANEL = ('volsnap_dashboard.dashboards.project.volume_protection.'
             'panel.VolumeProtection')
ADD_INSTALLED_APPS = ['volsnap_dashboard']
ADD_SCSS_FILES = ['volsnap_dashboard/scss/volsnap.scss']
# The volume picker and the forms' live quota bars; the tables' status
# filter.
ADD_JS_FILES = ['volsnap_dashboard/js/volume_picker.js',
                'volsnap_dashboard/js/status_filter.js',
                # The schedule workflow's previews, computed on the server.
                'volsnap_dashboard/js/schedule_preview.js',
                # Tab and Shift+Tab through the panels' tabbed tables.
                'volsnap_dashboard/js/table_tabs.js',
                # The Volumes tab's quota warning, asked for once shown.
                'volsnap_dashboard/js/quota_forecast.js',
                # Protect with another plugin: its form replaces the modal.
                'volsnap_dashboard/js/protect_with.js']
ADD_EXCEPTIONS = {
    'recoverable': RECOVERABLE,
    'not_found': NOT_FOUND,
    'unauthorized': UNAUTHORIZED,
}
