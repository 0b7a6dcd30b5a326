"""What every page of the panels shares: where to go back to, and the
protection plugin a page works with."""

from django.urls import reverse_lazy
from horizon import exceptions
from horizon import messages

from volsnap_dashboard.dashboards.common import plugin_choice

INDEX_URL = reverse_lazy('horizon:project:volume_protection:index')


def volume_plugin_or_redirect(request):
    """The registry's volume plugin; a clear message if there is none.

    Not exceptions.handle(): there is no exception here to handle.
    """
    plugin = plugin_choice.volume_plugin()
    if plugin is None:
        messages.error(request, plugin_choice.NO_PROVIDER)
        raise exceptions.Http302(INDEX_URL)
    return plugin
