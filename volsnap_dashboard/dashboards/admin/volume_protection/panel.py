from django.utils.translation import gettext_lazy as _
import horizon

from volsnap_dashboard import policy


class VolumeProtection(horizon.Panel):
    name = _("Volume Protection")
    slug = 'volume_protection'
    permissions = policy.BLOCK_STORAGE_SERVICES
    policy_rules = policy.ADMIN
