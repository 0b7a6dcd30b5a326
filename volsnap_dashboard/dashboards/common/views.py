"""What every page of the panels shares: where to go back to, and the
protection plugin a page works with."""

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from horizon import exceptions
from horizon import messages

from volsnap_dashboard.dashboards.common import plugin_choice

INDEX_URL = reverse_lazy('horizon:project:volume_protection:index')


def volume_plugin_or_redirect(request):
    """The volume plugin the page works with (the one its ``?plugin=``
    names, else the default); a clear message if there is none.

    Not exceptions.handle(): there is no exception here to handle.
    """
    plugin = plugin_choice.chosen_plugin(request)
    if plugin is None:
        name = plugin_choice.chosen_name(request)
        if name and plugin_choice.volume_plugin() is not None:
            messages.error(request, _(
                'No protection plugin called "%s" is offered here.')
                % name[:64])
        else:
            messages.error(request, plugin_choice.NO_PROVIDER)
        raise exceptions.Http302(INDEX_URL)
    return plugin
