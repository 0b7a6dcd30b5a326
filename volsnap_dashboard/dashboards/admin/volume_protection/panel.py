from django.utils.translation import gettext_lazy as _
import horizon

from volsnap_dashboard.dashboards.project.volume_protection import (
    panel as project_panel)
from volsnap_dashboard import policy


class VolumeProtection(horizon.Panel):
    name = _("Volume Protection")
    slug = 'volume_protection'
    permissions = project_panel.BLOCK_STORAGE_SERVICES
    policy_rules = policy.ADMIN
