from django.utils.translation import gettext_lazy as _
import horizon

from volsnap_dashboard import policy

BLOCK_STORAGE_SERVICES = (
    ('openstack.services.block-storage',
     'openstack.services.volumev3'),
)


class VolumeProtection(horizon.Panel):
    name = _("Volume Protection")
    slug = 'volume_protection'
    permissions = BLOCK_STORAGE_SERVICES
    policy_rules = policy.LIST
