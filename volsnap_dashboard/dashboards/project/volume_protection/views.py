"""The project panel's index: its tabs, and what the panel reports on
arrival."""

from django.utils.translation import gettext_lazy as _
from horizon import messages
from horizon import tabs

from volsnap_dashboard.dashboards.common import listing_tab
from volsnap_dashboard.dashboards.common import plugin_choice
from volsnap_dashboard.dashboards.project.volume_protection import (
    tabs as protection_tabs)
from volsnap_dashboard import policy


def report_provider_problems(request):
    """Provider files that could not be used, as messages on the panel:
    in full for administrators, who can fix them; in short for others."""
    problems = plugin_choice.problems()
    if not problems:
        return
    if policy.is_admin(request):
        for problem in problems:
            messages.warning(request, problem)
    else:
        messages.warning(request, _(
            "Some protection providers could not be loaded. Your "
            "administrator can find the details in the dashboard's log."))


class IndexView(listing_tab.ListingTabsMixin, tabs.TabbedTableView):
    """Snapshots first, then each volume's protection, then schedules."""

    tab_group_class = protection_tabs.VolumeProtectionTabs
    page_title = _("Volume Protection")
    template_name = 'volume_protection/index.html'

    def get(self, request, *args, **kwargs):
        report_provider_problems(request)
        return super().get(request, *args, **kwargs)
