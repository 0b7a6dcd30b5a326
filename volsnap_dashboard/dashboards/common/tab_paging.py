"""Tables paged by volumes in a tab that is not the page's first, with
a protection state chosen from buttons and kept in the URL.

Cinder cannot filter by a state the panels work out from metadata and
protections, so the state chosen keeps the rows of the page in that
state (its buttons count the page's rows), and the page links go on from
the ends of the page Cinder listed, whatever rows the state kept. The
links (to another page, another state, or the first page after a search)
carry the tab and the state, so a reload shows what was chosen.
"""

import collections

from django.utils import http as http_utils
from django.utils.translation import gettext_lazy as _

from volsnap_dashboard.api import cinder

#: The query parameter of the state chosen ('' or absent: every state).
STATE_PARAM = 'state'
#: The tables' actions: the search box, then the state buttons.
TABLE_ACTIONS_TEMPLATE = 'volume_protection/_state_table_actions.html'


class TabPagedTableMixin:
    """For a DataTable of a ListingTab paged with Cinder markers."""

    #: Horizon's ``?tab=`` value of the tab the table is in.
    tab_query_value = None
    #: ``(state, text)`` of the state buttons, besides "All".
    state_choices = ()
    #: The ids of the first and last volume of the page Cinder listed.
    listed_ends = None
    #: The page's rows per state, before the state chosen kept some.
    state_counts = collections.Counter()

    def row_state(self, datum):
        """The state a row is counted and chosen by."""
        raise NotImplementedError

    @property
    def chosen_state(self):
        state = self.request.GET.get(STATE_PARAM, '')
        return state if state in dict(self.state_choices) else ''

    def rows_of_chosen_state(self, rows):
        """``rows`` in the state chosen (all without one), each state's
        rows counted first."""
        self.state_counts = collections.Counter(
            self.row_state(row) for row in rows)
        chosen = self.chosen_state
        if not chosen:
            return list(rows)
        return [row for row in rows if self.row_state(row) == chosen]

    def list_ends(self, volumes):
        """Page on from ``volumes``, the page Cinder listed."""
        self.listed_ends = ((volumes[0].id, volumes[-1].id) if volumes
                            else None)

    def tab_query(self, **params):
        query = [('tab', self.tab_query_value)]
        if self.chosen_state:
            query.append((STATE_PARAM, self.chosen_state))
        query.extend(params.items())
        return http_utils.urlencode(query)

    def get_marker(self):
        return self.listed_ends[1] if self.listed_ends else ''

    def get_prev_marker(self):
        return self.listed_ends[0] if self.listed_ends else ''

    def get_pagination_string(self):
        return self.tab_query(
            **{self._meta.pagination_param: self.get_marker()})

    def get_prev_pagination_string(self):
        return self.tab_query(
            **{self._meta.prev_pagination_param: self.get_prev_marker()})

    def filtered_url(self):
        """The tab's first page, in the state chosen (after a search)."""
        return '%s?%s' % (self.request.path, self.tab_query())

    def state_links(self):
        """The state buttons: text, the page's count, the URL of this
        page in that state, and whether it is the one chosen."""
        total = sum(self.state_counts.values())
        links = []
        for state, text in (('', _("All")),) + tuple(self.state_choices):
            query = self.request.GET.copy()
            query['tab'] = self.tab_query_value
            query.pop(STATE_PARAM, None)
            if state:
                query[STATE_PARAM] = state
            links.append({
                'state': state or 'all', 'text': text,
                'count': self.state_counts[state] if state else total,
                'url': '%s?%s' % (self.request.path, query.urlencode()),
                'active': state == self.chosen_state})
        return links


def page_of(volumes, marker, sort_dir, page_size):
    """A page of ``volumes`` (a whole listing in Cinder's order) as
    cinder.volume_list_paged gives one: the same markers and order."""
    ids = [volume.id for volume in volumes]
    if sort_dir == 'asc':  # back from a "prev" marker
        end = ids.index(marker) if marker in ids else len(ids)
        found = volumes[max(end - page_size - 1, 0):end][::-1]
    else:
        start = ids.index(marker) + 1 if marker in ids else 0
        found = volumes[start:start + page_size + 1]
    return cinder.paged(found, page_size, marker, sort_dir)
