"""The Orphans tab: one snapshot listing and one volume listing, whatever
the number of rows."""

import datetime

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from horizon import exceptions
from horizon import tabs

from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import errors
from volsnap_dashboard.dashboards import orphans
from volsnap_dashboard.dashboards.project.volume_protection import (
    orphan_tables)
from volsnap_dashboard import policy


def verification_timeout():
    """How long a verification volume may live before it counts as left
    behind (setting VOLSNAP_VERIFICATION_TIMEOUT, seconds)."""
    seconds = getattr(settings, 'VOLSNAP_VERIFICATION_TIMEOUT', None)
    if seconds is None:
        return orphans.DEFAULT_VERIFICATION_TIMEOUT
    return datetime.timedelta(seconds=seconds)


class OrphansTab(tabs.TableTab):
    name = _("Orphans")
    slug = orphan_tables.TAB_SLUG
    table_classes = (orphan_tables.OrphansTable,)
    template_name = 'volume_protection/_orphans_tab.html'
    preload = False
    policy_rules = policy.LIST
    search_opts = {}
    unavailable = _("Orphans are unavailable: %s")
    offers_adopt = True

    def listings(self):
        """Every snapshot and every volume in scope: two calls."""
        search_opts = dict(self.search_opts)
        snapshots = list(cinder.snapshot_list(
            self.request, search_opts=dict(search_opts) or None))
        volumes = list(cinder.volume_list(
            self.request, search_opts=dict(search_opts) or None))
        return snapshots, volumes

    def get_orphans_data(self):
        try:
            snapshots, volumes = self.listings()
        except errors.VolsnapAPIError as exc:
            message = self.unavailable % exc
            exceptions.handle(self.request, message)
            table = self._tables[self.table_classes[0]._meta.name]
            table._meta.no_data_message = message
            return []
        return self.rows(snapshots, volumes)

    def rows(self, snapshots, volumes):
        return orphans.classify(
            snapshots, volumes, orphan_tables.now(),
            verification_timeout=verification_timeout(),
            kept=orphan_tables.showing_kept(self.request))

    def get_context_data(self, request, **kwargs):
        context = super().get_context_data(request, **kwargs)
        context['showing_kept'] = orphan_tables.showing_kept(request)
        context['offers_adopt'] = self.offers_adopt
        context['timeout_minutes'] = int(
            verification_timeout().total_seconds() // 60)
        return context
