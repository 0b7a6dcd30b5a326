"""The contract's default page of protections, for plugins whose cloud
cannot page: every protection listed, then paged here in the order and
with the markers of a Cinder listing."""

from django.test import SimpleTestCase

from tests import plugins
from volsnap_dashboard.protection import base


def protection(number, created):
    return base.Protection('p-%d' % number, 'available', created, {}, 1,
                           'vol-1')


class ListedPlugin(plugins.CopiesPlugin):
    def __init__(self, listed):
        super().__init__()
        self.listed = listed

    def list_protections(self, client, volume_id=None, metadata=None,
                         all_projects=False):
        self.calls.append(('list', all_projects))
        return list(self.listed)


class DefaultPageTests(SimpleTestCase):
    # Listed out of order; p-3 and p-4 made in the same second (the id
    # breaks the tie, as a marker needs one order).
    plugin = ListedPlugin([
        protection(2, '2026-11-02T02:00:00'),
        protection(4, '2026-11-03T02:00:00'),
        protection(1, '2026-11-01T02:00:00'),
        protection(3, '2026-11-03T02:00:00')])

    def page(self, **kwargs):
        return [item.id for item in self.plugin.list_protections_page(
            None, 2, **kwargs)]

    def test_newest_first_from_a_marker(self):
        self.assertEqual(['p-4', 'p-3'], self.page())
        self.assertEqual(['p-2', 'p-1'], self.page(marker='p-3'))
        self.assertEqual([], self.page(marker='p-1'))

    def test_back_from_a_prev_marker_oldest_first(self):
        self.assertEqual(['p-3', 'p-4'], self.page(marker='p-2',
                                                   sort_dir='asc'))

    def test_every_project_is_asked_for(self):
        self.plugin.list_protections_page(None, 2, all_projects=True)
        self.assertEqual(('list', True), self.plugin.calls[-1])
