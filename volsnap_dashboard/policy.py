"""Policy rules of every action, with Cinder's own policy names.

Tables hide what a user may not do; views refuse it again on the server,
so a hand-made POST gets no further than a button would.
"""

import copy

from horizon import exceptions
from horizon.utils import settings as horizon_settings
from openstack_dashboard import policy

# Both panels show only where the catalog has Cinder's block storage.
BLOCK_STORAGE_SERVICES = (
    ('openstack.services.block-storage',
     'openstack.services.volumev3'),
)

LIST = (('volume', 'volume:get_all_snapshots'),)
GET = (('volume', 'volume:get_snapshot'),)
PROTECT = (('volume', 'volume:create_snapshot'),)
RESTORE = (('volume', 'volume:create'),)
UPDATE = (('volume', 'volume:update_snapshot'),)
UPDATE_METADATA = (('volume', 'volume:update_snapshot_metadata'),)
DELETE = (('volume', 'volume:delete_snapshot'),)
REVERT = (('volume', 'volume:revert_to_snapshot'),)
# Verify writes the request into the snapshot's metadata; the scheduler
# then restores the snapshot to a volume of the project as the user.
VERIFY = (('volume', 'volume:update_snapshot_metadata'),
          ('volume', 'volume:create'))
# Generic volume groups. Cinder authorizes a group made from a group
# snapshot as any group create: it has no rule of its own.
GET_GROUPS = (('volume', 'group:get_all'),)
LIST_GROUP_SNAPSHOTS = (('volume', 'group:get_all_group_snapshots'),)
GET_GROUP_SNAPSHOT = (('volume', 'group:get_group_snapshot'),)
PROTECT_GROUP = (('volume', 'group:create_group_snapshot'),)
RESTORE_GROUP = (('volume', 'group:create'),)
DELETE_GROUP_SNAPSHOT = (('volume', 'group:delete_group_snapshot'),)
ADMIN = (('volume', 'context_is_admin'),)
FORCE_DELETE = (('volume', 'volume_extension:snapshot_admin_actions:'
                           'force_delete'),)
RESET_STATUS = (('volume', 'volume_extension:snapshot_admin_actions:'
                           'reset_status'),)
# A schedule lives in its volume's metadata: reading one is reading that
# metadata; changing one writes it; deleting one also deletes keys.
GET_SCHEDULES = (('volume', 'volume:get_volume_metadata'),)
CHANGE_SCHEDULE = (('volume', 'volume:update_volume_metadata'),)
DELETE_SCHEDULE = (('volume', 'volume:update_volume_metadata'),
                   ('volume', 'volume:delete_volume_metadata'))
# Orphans: a temporary or restored volume is deleted; an orphan is kept
# by a key added to its metadata, and no longer kept when it is removed;
# a snapshot is adopted by rewriting its schedule's key.
DELETE_VOLUME = (('volume', 'volume:delete'),)
KEEP_VOLUME = (('volume', 'volume:update_volume_metadata'),)
UNKEEP_VOLUME = (('volume', 'volume:delete_volume_metadata'),)
KEEP_SNAPSHOT = UPDATE_METADATA
UNKEEP_SNAPSHOT = (('volume', 'volume:delete_snapshot_metadata'),)
ADOPT = UPDATE_METADATA + GET_SCHEDULES


def is_admin(request):
    return policy.check(ADMIN, request)


def rules_allow(request, rules):
    """Whether ``rules`` allow the request, asked once per request."""
    if not rules:
        return True
    check = horizon_settings.import_setting('POLICY_CHECK_FUNCTION')
    if not check:
        return True
    answers = request.__dict__.setdefault('_volsnap_policy_answers', {})
    key = (tuple(rules), ())
    if key not in answers:
        answers[key] = bool(check(tuple(rules), request, {}))
    return answers[key]


class PolicyRequiredMixin:
    """Refuse the view, GET or POST, unless ``policy_rules`` allow it
    (with ``plugin_action``: the rules the chosen plugin gives that
    action, where it gives some)."""

    policy_rules = ()
    plugin_action = None

    def required_rules(self, request):
        if self.plugin_action:
            # Imported here: the plugin choice reads the registry.
            from volsnap_dashboard.dashboards.common import plugin_choice
            plugin = plugin_choice.chosen_plugin(request)
            rules = plugin and plugin.policy_rules.get(self.plugin_action)
            if rules:
                return rules
        return self.policy_rules

    def dispatch(self, request, *args, **kwargs):
        rules = self.required_rules(request)
        if rules and not policy.check(rules, request):
            raise exceptions.NotAuthorized
        return super().dispatch(request, *args, **kwargs)


class CachedPolicyActionMixin:
    """For table actions: ask the policy engine once per request for each
    rule set and target, not once per row (a page of one project's
    snapshots asks the same question a thousand times).

    Everything else Horizon's own ``_allowed`` decides (a batch action
    hides itself over an empty table) still comes from it, run on a copy
    of the action: an action's ``allowed()`` keeps nothing on ``self``
    (``update()`` is where a row's action changes itself).
    """

    def policy_allows(self, request, datum=None):
        check = horizon_settings.import_setting('POLICY_CHECK_FUNCTION')
        if not check or not self.policy_rules:
            return True
        target = self.get_policy_target(request, datum)
        key = (self.policy_rules, tuple(sorted(target.items())))
        answers = request.__dict__.setdefault('_volsnap_policy_answers', {})
        if key not in answers:
            answers[key] = bool(check(self.policy_rules, request, target))
        return answers[key]

    def _allowed(self, request, datum=None):
        if not self.policy_allows(request, datum):
            return False
        # Answered above from the cache: Horizon's _allowed would ask the
        # engine again, so it runs on a copy with no rules of its own. Never
        # on this action itself: a table's actions are made once and shared
        # by every request, which other threads copy for their rows.
        unruled = copy.copy(self)
        unruled.policy_rules = None
        return super(CachedPolicyActionMixin, unruled)._allowed(request,
                                                                datum)
