"""The Snapshots tab's "Verify" row action: asks the scheduler to restore
the snapshot to a temporary volume and record whether that worked."""

import functools

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from horizon import exceptions
from horizon import tables
from openstack_dashboard import policy as dashboard_policy

from volsnap_dashboard.api import cinder_facts
from volsnap_dashboard.api import errors
from volsnap_dashboard.api import keystone
from volsnap_dashboard.dashboards.snapshots.verify import (
    api as verifications_api)
from volsnap_dashboard.protection import times
from volsnap_dashboard.protection import verification
from volsnap_dashboard import policy


class VerifySnapshot(policy.CachedPolicyActionMixin,
                     dashboard_policy.PolicyTargetMixin, tables.BatchAction):
    name = 'verify'
    icon = 'check'
    policy_rules = policy.VERIFY
    policy_target_attrs = (('project_id',
                            cinder_facts.SNAPSHOT_PROJECT_ATTR),)
    help_text = _("The scheduler restores the snapshot to a temporary "
                  "volume, records whether Cinder made it available, and "
                  "deletes that volume.")

    # One lazy string per count, as DeleteSnapshots does.
    @staticmethod
    @functools.lru_cache(maxsize=64)
    def action_present(count):
        return ngettext_lazy("Verify Snapshot", "Verify Snapshots", count)

    @staticmethod
    @functools.lru_cache(maxsize=64)
    def action_past(count):
        return ngettext_lazy("Requested verification of Snapshot",
                             "Requested verification of Snapshots", count)

    #: Set where the scheduler cannot be asked (shown greyed, with the
    #: reason: see _row_actions.html).
    unavailable_reason = None

    def allowed(self, request, snapshot=None):
        if snapshot is None:
            return True
        return (snapshot.status == 'available' and
                not verification.state_of(snapshot).blocks_a_request(
                    times.now()))

    def update(self, request, snapshot):
        if not keystone.scheduling_configured():
            self.unavailable_reason = _(
                "Verification runs in the protection scheduler, which this "
                "dashboard is not set up to use: ask your cloud's "
                "operator.")

    def action(self, request, obj_id):
        try:
            verifications_api.request(request, obj_id)
        except errors.VolsnapAPIError as exc:
            exceptions.handle(request, _(
                'Unable to verify snapshot "%(name)s": %(reason)s')
                % {'name': self._name_of(obj_id), 'reason': exc},
                escalate=True)

    def _name_of(self, snapshot_id):
        for snapshot in self.table.data or ():
            if snapshot.id == snapshot_id:
                return snapshot.name or snapshot.id
        return snapshot_id

    def get_default_attrs(self):
        attrs = super().get_default_attrs()
        if self.unavailable_reason:
            # A greyed link, not a button the table's scripts would count.
            attrs.pop('data-batch-action', None)
        return attrs
