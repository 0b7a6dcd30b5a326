# Project > Volumes > Volume Protection: tenants protect their volumes.
from volsnap_dashboard.api import errors

PANEL = 'volume_protection'
PANEL_DASHBOARD = 'project'
PANEL_GROUP = 'volumes'

ADD_PANEL = ('volsnap_dashboard.dashboards.project.volume_protection.'
             'panel.VolumeProtection')
ADD_INSTALLED_APPS = ['volsnap_dashboard']
ADD_SCSS_FILES = ['volsnap_dashboard/scss/volsnap.scss']
ADD_EXCEPTIONS = {
    'recoverable': errors.RECOVERABLE,
    'not_found': errors.NOT_FOUND,
    'unauthorized': errors.UNAUTHORIZED,
}
