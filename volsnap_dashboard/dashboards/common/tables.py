"""The panels' table toolkit: rows deleted by someone else meanwhile,
cheap links on long pages, and actions copied per request."""

import collections
import copy
import functools
import re
import types

from django import shortcuts
from django.urls import get_script_prefix
from django.urls import reverse
from django.utils import http as http_utils
from django.utils.translation import gettext_lazy as _
from horizon import exceptions
from horizon import messages
from horizon import tables

# Cinder's ids: only ids of this form are put into cached row actions.
CINDER_ID = re.compile(r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-'
                       r'[0-9a-f]{12}')


class GoneRowsBatchMixin:
    """A batch action POSTed for a row that someone else deleted since the
    page was drawn (datum None) goes on, to report it already gone, even
    when the table is now empty (where BatchAction would refuse it)."""

    def _allowed(self, request, datum=None):
        if datum is None and request.method == 'POST':
            return self.policy_allows(request) and self.allowed(request)
        return super()._allowed(request, datum)


#: The most rows a bulk action carries to a form (as query parameters):
#: their ids stay within the request line that web servers accept (8 KiB
#: by default in Apache and nginx).
MAX_CARRIED = 150


class OpenWithTicked(tables.BatchAction):
    """Opens ``url``'s form with the ticked rows' ids as ``param`` query
    parameters. The form checks each one again: whatever the table
    showed, only what the user may change is accepted."""

    url = None
    param = 'volume_id'
    #: The button's words, however many rows are ticked.
    label = None

    def action_present(self, count):
        return self.label

    def action_past(self, count):
        return self.label

    def handle(self, table, request, obj_ids):
        carried = list(dict.fromkeys(obj_ids))
        if len(carried) > MAX_CARRIED:
            messages.warning(request, _(
                "%(carried)d of the %(ticked)d ticked rows are carried to "
                "the form: do the others in a second go.") % {
                    'carried': MAX_CARRIED, 'ticked': len(carried)})
            carried = carried[:MAX_CARRIED]
        return shortcuts.redirect('%s?%s' % (
            reverse(self.url),
            http_utils.urlencode({self.param: carried}, doseq=True)))


class AlreadyGone(Exception):
    """What a batch action found already done by someone else."""


def report_already_gone(request, message):
    """Say ``message`` and end a batch action's row as handled: Horizon
    then counts it neither done by this request nor failed, so no
    "Scheduled deletion of ..." follows "already deleted"."""
    messages.info(request, message)
    error = AlreadyGone(str(message))
    raise exceptions.HandledException((AlreadyGone, error, None))


class OwnActionsMixin:
    """Each table its own actions. Horizon makes one instance of each
    action per table class, shared by every request and thread, and
    points it at the latest table: a row update running meanwhile (a
    table with no data) would hide a page's batch buttons, or leave a
    batch action looking its rows up in that empty table. The filter
    stays shared: Horizon finds it by identity in ``_meta``."""

    def __init__(self, request, *args, **kwargs):
        shared_filter = self._meta._filter_action
        self.base_actions = collections.OrderedDict(
            (name, action if action is shared_filter else own_copy(action))
            for name, action in self.base_actions.items())
        super().__init__(request, *args, **kwargs)


class RowBoxesMixin:
    """A table whose rows refresh themselves (ajax rows) keeps their
    ticking boxes. Horizon hides the box column in a row update, whose
    table has no data for a batch action to be allowed by, and does so
    on the column's class list, which every table of that class shares:
    a refreshed row came back without its box, and a page drawn meanwhile
    without its "tick all" box. Here each table has its own list, and a
    row update keeps the column as the page drew it for the user."""

    def set_multiselect_column_visibility(self, visible=True):
        column = self.columns.get('multi_select')
        if column is not None:
            column.classes = list(column.classes)
        if self.request.GET.get('action') == 'row_update':
            visible = any(
                isinstance(action, tables.BatchAction)
                and self._allowed_without_rows(action)
                for action in self.base_actions.values()
                if action.name in self._table_action_names())
        super().set_multiselect_column_visibility(visible)

    def _table_action_names(self):
        return {action.name for action in self._meta.table_actions}

    def _allowed_without_rows(self, action):
        allows = getattr(action, 'policy_allows', None)
        return (allows is None or allows(self.request)) and bool(
            action.allowed(self.request, None))


class GoneRowsTableMixin:
    """A table whose row was deleted by someone else since the page was
    drawn: its action finds out and says so (see GoneRowsBatchMixin),
    instead of Horizon's bare redirect to the panel."""

    def get_object_by_id(self, lookup):
        try:
            return super().get_object_by_id(lookup)
        except exceptions.Http302:
            return None


SAMPLE_ID = '00000000-0000-0000-0000-000000000000'


@functools.lru_cache(maxsize=32)
def _url_of_sample(url_name, script_prefix):
    return reverse(url_name, args=(SAMPLE_ID,))


def url_for(url_name, object_id):
    """``reverse(url_name, args=(object_id,))``, resolving the pattern once
    rather than three times for each row of a long page (Horizon asks a
    cell for its link more than once)."""
    if not CINDER_ID.fullmatch(str(object_id)):
        return reverse(url_name, args=(object_id,))
    return _url_of_sample(url_name, get_script_prefix()).replace(
        SAMPLE_ID, object_id)


def own_copy(action):
    """A copy of a Horizon action whose own bound helpers (``single`` and
    ``multiple``, bound in its __init__) act on the copy, not the original."""
    mine = copy.copy(action)
    for name, value in vars(action).items():
        if isinstance(value, types.MethodType) and value.__self__ is action:
            setattr(mine, name, types.MethodType(value.__func__, mine))
    return mine
