"""A volume picker that scales to projects with thousands of volumes.

The picker shows the selected volumes first, then one capped page of the
project's volumes sorted by name, "showing N of M", and a search box that
asks Cinder (with its own name filter) for another page. Each page costs
one Cinder listing, whatever the number of volumes. Ticked volumes stay
selected across searches (static/volsnap_dashboard/js/volume_picker.js).

Pieces, for any form that picks volumes (the protect form, schedules):

* ``VolumePickerField``: the form field; ``offer()`` says which volumes it
  may accept and what it shows.
* ``search()`` / ``page_of()``: one page of volumes, from Cinder or from a
  listing already at hand (and one listing of volume groups, only where a
  volume on the page is in one, to name it).
* ``VolumeSearchView``: the search answer (the page's HTML), to subclass
  with the view's policy rules.
* ``volume_protection/_picker_form_fields.html``: renders a form's fields,
  the picker as a group with its errors on top.
"""

import dataclasses

from django import forms
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import generic
from horizon import messages
from horizon.utils import functions as horizon_utils

from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import cinder_facts
from volsnap_dashboard.api import errors
from volsnap_dashboard.dashboards.common import tables as common_tables
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import model
from volsnap_dashboard.protection.schedule import words
from volsnap_dashboard.protection import verification

#: Statuses in which Cinder snapshots a volume.
PROTECTABLE_STATUSES = ('available', 'in-use')
SORT = 'name:asc'


def volume_label(volume, group_names=None):
    """``name (size GiB, status)``, the servers it is attached to, and the
    volume group it is in (named from ``group_names``, group id -> name,
    else by the start of its id)."""
    attached = [attachment.get('server_id') or attachment.get('host_name')
                for attachment in getattr(volume, 'attachments', None) or []]
    label = _("%(name)s (%(size)s GiB, %(status)s)") % {
        'name': volume.name or volume.id, 'size': volume.size,
        'status': volume.status}
    if attached:
        label = _("%(label)s, attached to %(servers)s") % {
            'label': label, 'servers': ', '.join(filter(None, attached))}
    group_id = getattr(volume, 'group_id', None)
    if group_id:
        # Tells the volumes a consistent group snapshot can take together.
        label = _("%(label)s, in volume group %(group)s") % {
            'label': label,
            'group': (group_names or {}).get(group_id) or group_id[:8]}
    scheduled = _schedules_in_words(volume)
    if scheduled:
        label = _("%(label)s; scheduled %(schedules)s") % {
            'label': label, 'schedules': scheduled}
    if verification.is_verification_volume(volume):
        label = _("%s: temporary (verification)") % label
    return label


# Schedules named in a label: a volume may carry many.
_SCHEDULES_NAMED = 2


def _schedules_in_words(volume):
    """The timing of the schedules the volume carries ("daily at 02:00
    UTC"), so that a second one at the same times is not added unaware;
    '' without one."""
    schedules = [schedule for schedule in codec.decode(volume)
                 if isinstance(schedule, model.Schedule)]
    named = [str(words.describe(schedule.when))
             for schedule in schedules[:_SCHEDULES_NAMED]]
    more = len(schedules) - len(named)
    if more:
        named.append(ngettext("%d more", "%d more", more) % more)
    return '; '.join(named)


def _sort_key(volume):
    return ((volume.name or '').lower(), volume.name or '', volume.id)


@dataclasses.dataclass
class Entry:
    """One volume as the picker shows it."""

    volume: object
    label: str
    selectable: bool

    @property
    def id(self):
        return self.volume.id

    @property
    def size(self):
        return self.volume.size


def group_names(request, volumes, known=None):
    """Group id -> name for the volume groups ``volumes`` are in: ``known``
    where it names them all, else one listing of the project's groups
    (none where no volume is in a group). Where Cinder cannot list them,
    the labels name groups by the start of their ids."""
    known = known or {}
    wanted = {getattr(volume, 'group_id', None) for volume in volumes}
    wanted.discard(None)
    if wanted <= set(known):
        return known
    try:
        groups = cinder.group_list(request)
    except errors.NotAuthenticated:
        raise  # Horizon sends the user to the login page
    except errors.VolsnapAPIError:
        return known
    return {group.id: group.name or '' for group in groups}


def entries(volumes, statuses=PROTECTABLE_STATUSES, names=None):
    # The scheduler's temporary verification volumes are shown (the
    # counts stay Cinder's) but never picked: they are deleted soon.
    return [Entry(volume, volume_label(volume, names),
                  volume.status in statuses and
                  not verification.is_verification_volume(volume))
            for volume in volumes]


@dataclasses.dataclass
class Page:
    """One page of search results."""

    entries: list
    #: How many volumes match in all; None where Cinder cannot count.
    total: object = None
    #: Whether more volumes match than the page shows.
    more: bool = False
    query: str = ''
    #: The cloud matches whole names only (no "name~" filter for users).
    exact: bool = False
    #: Why the search found nothing it could show (a Cinder error).
    problem: str = ''
    #: Volume group id -> name, for the groups the page's volumes are in.
    group_names: dict = dataclasses.field(default_factory=dict)
    #: The volume the page starts after (None: the first page), and how
    #: many volumes the pages before it showed.
    marker: object = None
    offset: int = 0

    @property
    def shown(self):
        return len(self.entries)

    @property
    def first_shown(self):
        return self.offset + 1

    @property
    def last_shown(self):
        return self.offset + self.shown

    @property
    def next_marker(self):
        """Where the next page starts, or None on the last page."""
        return self.entries[-1].id if self.more and self.entries else None


def page_size(request):
    """The user's page size (Horizon's setting and preference)."""
    return horizon_utils.get_page_size(request)


def name_search_key(request):
    """Cinder's search option for volume names ("name~" or "name")."""
    return cinder.name_filter(request, 'volume')


def search(request, query='', limit=None, statuses=PROTECTABLE_STATUSES,
           marker=None, offset=0):
    """``limit`` volumes whose name matches ``query``, sorted by name,
    after the ``marker`` volume (the page after ``offset`` volumes shown
    before), and how many match: one Cinder listing (asking one more
    volume than the page, to know whether more match where Cinder cannot
    count).

    Raises errors.VolsnapAPIError when Cinder fails.
    """
    limit = limit or page_size(request)
    query = (query or '').strip()[:cinder_facts.TEXT_LIMIT]
    key = name_search_key(request)
    search_opts = {key: query} if query else {}
    volumes, total = cinder.volume_page(request, search_opts=search_opts,
                                        limit=limit + 1, sort=SORT,
                                        marker=marker or None)
    more = len(volumes) > limit
    names = group_names(request, volumes[:limit])
    return Page(entries(volumes[:limit], statuses, names), total=total,
                more=more, query=query, exact=key == 'name',
                group_names=names, marker=marker or None,
                offset=offset if marker else 0)


def page_of(request, volumes, limit, statuses=PROTECTABLE_STATUSES,
            exclude=()):
    """The first page of a listing already at hand (after a POST)."""
    ordered = sorted((v for v in volumes if v.id not in exclude),
                     key=_sort_key)
    names = group_names(request, volumes)
    return Page(entries(ordered[:limit], statuses, names),
                total=len(ordered), more=len(ordered) > limit,
                exact=name_search_key(request) == 'name',
                group_names=names)


@dataclasses.dataclass
class Offer:
    """What a picker shows and accepts."""

    page: Page
    #: Volumes listed first, ticked (the user's picks so far).
    selected: list = dataclasses.field(default_factory=list)
    #: The volumes it may accept; None: those shown. After a POST, the
    #: project's whole listing, where the picks were looked up.
    acceptable: object = None
    #: False: say there is nothing to pick instead of an empty list.
    project_has_volumes: bool = True
    #: Volume group id -> name, for the groups its volumes are in.
    group_names: dict = dataclasses.field(default_factory=dict)

    def volumes(self):
        """Volume id -> volume, of every volume the offer knows."""
        known = [entry.volume for entry in self.page.entries]
        known += list(self.selected) + list(self.acceptable or ())
        return {volume.id: volume for volume in known}


def picked_ids(request):
    """The ``volume_id`` parameters of a GET: the volumes a row or bulk
    action came from, each once, at most as many as a bulk action
    carries."""
    return list(dict.fromkeys(request.GET.getlist('volume_id')))[
        :common_tables.MAX_CARRIED]


def _picked(request, volume_ids):
    """The volumes of ``volume_ids`` that the user's project has: one read
    for one volume, one listing for several (never a read per volume)."""
    if len(volume_ids) == 1:
        try:
            return [cinder.volume_get(request, volume_ids[0])]
        except errors.NotFound:
            return []
    by_id = {volume.id: volume for volume in cinder.volume_list(request)}
    return [by_id[volume_id] for volume_id in volume_ids
            if volume_id in by_id]


def first_offer(request, volume_ids=()):
    """What a form shows first: a page of volumes, with ``volume_ids``
    (the volumes a row or bulk action came from) ticked. VolsnapAPIError
    if Cinder cannot list them."""
    page = search(request)
    selected = _picked(request, list(volume_ids)) if volume_ids else []
    missing = len(volume_ids) - len(selected)
    if missing:
        messages.warning(request, ngettext(
            "%d of the chosen volumes was not found: it is not ticked.",
            "%d of the chosen volumes were not found: they are not ticked.",
            missing) % missing)
    return Offer(page, selected, project_has_volumes=bool(page.entries),
                 group_names=group_names(request, selected,
                                         known=page.group_names))


def offer_after_post(request):
    """After a POST: the project's volumes, which the picks are checked
    against (tenants cannot filter volumes by id), and the picks first."""
    volumes = list(cinder.volume_list(request))
    by_id = {volume.id: volume for volume in volumes}
    picked = [by_id[volume_id] for volume_id in
              dict.fromkeys(request.POST.getlist('volumes'))
              if volume_id in by_id]
    page = page_of(request, volumes, page_size(request),
                   exclude={volume.id for volume in picked})
    return Offer(page, picked, acceptable=volumes,
                 project_has_volumes=bool(volumes),
                 group_names=page.group_names)


def offer(request, volume_ids=()):
    """The picker's volumes for this request: first page (``volume_ids``
    ticked), or after a POST."""
    if request.method == 'POST':
        return offer_after_post(request)
    return first_offer(request, volume_ids)


class VolumePickerWidget(forms.SelectMultiple):
    """Reads the ticked ids; the picker's template draws the picker."""


class VolumePickerField(forms.MultipleChoiceField):
    """Volume ids, picked among the volumes of its ``Offer``."""

    is_volume_picker = True
    widget = VolumePickerWidget
    default_error_messages = {
        'invalid_choice': _('Volume "%(value)s" cannot be picked: it is '
                            'gone, or in a status that does not allow it.'),
        'required': _("Select at least one volume."),
    }

    def __init__(self, *, search_url='', statuses=PROTECTABLE_STATUSES,
                 **kwargs):
        super().__init__(**kwargs)
        self.search_url = search_url
        self.statuses = statuses
        self.selected = []
        self.page = Page([])
        self.project_has_volumes = True
        self._names = {}

    def offer(self, offer):
        """Show ``offer``'s selected volumes then its page; accept the
        selectable ones among its acceptable volumes."""
        self.selected = entries(offer.selected, self.statuses,
                                offer.group_names)
        chosen = {entry.id for entry in self.selected}
        offer.page.entries = [entry for entry in offer.page.entries
                              if entry.id not in chosen]
        self.page = offer.page
        self.project_has_volumes = offer.project_has_volumes
        acceptable = (self.selected + offer.page.entries
                      if offer.acceptable is None
                      else entries(offer.acceptable, self.statuses,
                                   offer.group_names))
        self.choices = [(entry.id, entry.label) for entry in acceptable
                        if entry.selectable]
        self._names = {volume_id: volume.name or volume_id
                       for volume_id, volume in offer.volumes().items()}

    def clean(self, value):
        # Each volume once, in the order picked.
        return list(dict.fromkeys(super().clean(value)))

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(self.error_messages['required'],
                                        code='required')
        for volume_id in value:
            if not self.valid_value(volume_id):
                raise forms.ValidationError(
                    self.error_messages['invalid_choice'],
                    code='invalid_choice',
                    params={'value': self._names.get(volume_id,
                                                     volume_id)})


# A volume id is 36 characters; anything much longer is not one.
MARKER_LIMIT = 64
MAX_OFFSET = 10 ** 7


class VolumeSearchView(generic.View):
    """Answers the picker's searches with one page of volumes (HTML).

    Subclass it with the policy rules of the form it serves (and
    ``statuses`` if other volumes can be picked); GET ``?q=<name>``, and
    for a page after the first ``&marker=<id>&offset=<volumes before>``
    (the page's own Next and Previous buttons).
    """

    template_name = 'volume_protection/_volume_picker_results.html'
    statuses = PROTECTABLE_STATUSES
    field_name = 'volumes'

    def get(self, request, *args, **kwargs):
        query = request.GET.get('q', '')
        marker = request.GET.get('marker', '')[:MARKER_LIMIT] or None
        try:
            offset = min(max(int(request.GET.get('offset', 0)), 0),
                         MAX_OFFSET)
        except ValueError:
            offset = 0
        try:
            page = search(request, query, statuses=self.statuses,
                          marker=marker, offset=offset)
        except errors.NotAuthenticated:
            raise  # Horizon sends the user to the login page
        except errors.VolsnapAPIError as exc:
            page = Page([], query=query, problem=_(
                "Unable to search volumes: %s") % exc)
        return TemplateResponse(request, self.template_name, {
            'page': page, 'name': self.field_name,
            'field_id': 'id_' + self.field_name})
