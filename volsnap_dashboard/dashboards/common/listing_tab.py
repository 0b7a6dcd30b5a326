"""A Horizon TableTab that filters and pages its one table as a
DataTableView does.

Horizon's TabbedTableView leaves server-side filters and marker paging to
each tab: this base keeps a server filter in the session (Horizon's own
code, called with the tab in place of the view) and gives the tab the
view's ``table``, ``table_class`` and ``get_filters``, so a listing
written for a DataTableView works inside a tab unchanged.
"""

from django import shortcuts
from horizon import tables
from horizon import tabs


class ListingTab(tabs.TableTab):
    template_name = 'horizon/common/_detail_table.html'

    # Horizon's helpers read only the request and the table they are given.
    get_server_filter_info = tables.MultiTableMixin.get_server_filter_info
    handle_server_filter = tables.MultiTableMixin.handle_server_filter
    update_server_filter_action = (
        tables.MultiTableMixin.update_server_filter_action)
    get_filters = tables.DataTableView.get_filters

    @property
    def table_class(self):
        return self.table_classes[0]

    @property
    def table(self):
        return self._tables[self.table_class._meta.name]

    def get_table(self):
        return self.table

    def load_table_data(self):
        if not self._table_data_loaded and self._tables:
            self.update_server_filter_action(self.request, self.table)
        super().load_table_data()


class ListingTabsMixin:
    """For a TabbedTableView of ListingTabs: a POST that changes a
    server filter goes back to the filtered table's first page, as a
    DataTableView's does."""

    def post(self, request, *args, **kwargs):
        self.load_tabs()
        for entry in self._table_dict.values():
            if (isinstance(entry['tab'], ListingTab)
                    and entry['tab'].handle_server_filter(request,
                                                          entry['table'])):
                # A table in a tab other than the first names its tab's
                # first page (filtered_url), else the page's.
                table = entry['table']
                return shortcuts.redirect(getattr(
                    table, 'filtered_url', table.get_absolute_url)())
        return super().post(request, *args, **kwargs)
