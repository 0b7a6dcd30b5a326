"""The panels' table toolkit: rows deleted by someone else meanwhile,
cheap links on long pages, and actions copied per request."""

import copy
import functools
import re
import types

from django.urls import get_script_prefix
from django.urls import reverse
from horizon import exceptions
from horizon import messages

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


class AlreadyGone(Exception):
    """What a batch action found already done by someone else."""


def report_already_gone(request, message):
    """Say ``message`` and end a batch action's row as handled: Horizon
    then counts it neither done by this request nor failed, so no
    "Scheduled deletion of ..." follows "already deleted"."""
    messages.info(request, message)
    error = AlreadyGone(str(message))
    raise exceptions.HandledException((AlreadyGone, error, None))


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
