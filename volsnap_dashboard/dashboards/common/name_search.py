"""Searching a Cinder listing by name, as far as the cloud allows: part
of a name ("name~") where Cinder accepts it from the user, else the whole
name, and the page says so (as the volume picker does)."""

from django.utils.translation import gettext_lazy as _
from horizon import messages

from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import cinder_facts
from volsnap_dashboard.api import errors

#: What the page says where Cinder matches whole names only.
WHOLE_NAMES = {
    'volume': _("This cloud matches volume names exactly: type the whole "
                "name."),
    'snapshot': _("This cloud matches snapshot names exactly: type the "
                  "whole name."),
}


def search_key(request, resource, admin=False):
    """Cinder's search option for ``resource`` names ("name~" or
    "name"), telling the user where only whole names match."""
    try:
        key = cinder.name_filter(request, resource, admin=admin)
    except errors.VolsnapAPIError:
        return 'name'  # the listing itself will say what is wrong
    if key == 'name':
        messages.info(request, WHOLE_NAMES[resource])
    return key


def search_opts(request, resource, text, admin=False):
    """Cinder's search options for ``resource`` names like ``text`` (cut
    to the longest name Cinder holds, as the volume picker does)."""
    return {search_key(request, resource, admin): text[
        :cinder_facts.TEXT_LIMIT]}
