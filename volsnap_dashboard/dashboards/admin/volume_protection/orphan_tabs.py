"""Admin > Volume > Volume Protection: the Orphans tab, every project's
(one snapshot listing, one volume listing and one project listing)."""

from django.utils.translation import gettext_lazy as _
from horizon import exceptions

from volsnap_dashboard.api import errors
from volsnap_dashboard.api import keystone
from volsnap_dashboard.dashboards.admin.volume_protection import (
    orphan_tables as admin_tables)
from volsnap_dashboard.dashboards.orphans import tabs as project_tabs
from volsnap_dashboard import policy


class AdminOrphansTab(project_tabs.OrphansTab):
    table_classes = (admin_tables.AdminOrphansTable,)
    policy_rules = policy.ADMIN
    search_opts = {'all_tenants': True}
    offers_adopt = False  # the project chooses its schedules

    def get_admin_orphans_data(self):
        return self.get_orphans_data()

    #: Project id -> name, from Keystone (asked only when there are rows).
    project_names = None

    def rows(self, snapshots, volumes):
        rows = super().rows(snapshots, volumes)
        if not rows:
            return rows
        try:
            self.project_names = keystone.project_names(self.request)
        except errors.VolsnapAPIError as exc:
            # The rows show the projects' ids; the admin is told why.
            exceptions.handle(self.request, _(
                "Project names are unavailable: %s") % exc)
            self.project_names = {}
        for row in rows:
            row.project_name = self.project_names.get(row.project_id)
        return rows

    def filtered_by_others(self, rows, filters):
        """A project's rows: named (one project of that name), else by
        its id, as the admin's Snapshots tab filters."""
        project = filters.get('project')
        if not project:
            return rows
        matches = [project_id for project_id, name
                   in (self.project_names or {}).items() if name == project]
        project_id = matches[0] if len(matches) == 1 else project
        return [row for row in rows if row.project_id == project_id]
