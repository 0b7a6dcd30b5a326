"""The Orphans tabs' kind filter (the admin's also by project), combined
with Show Kept, and their pages, with the API layer mocked."""

from unittest import mock

from django.test import override_settings
from openstack_dashboard.test import helpers

from tests.unit.dashboards.orphans import test_tabs as base
from tests.unit import fixtures
from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import keystone
from volsnap_dashboard.dashboards.orphans import finder as orphans

TAB_URL = base.TAB_URL
KEPT_URL = base.KEPT_URL
ADMIN_TAB_URL = base.ADMIN_TAB_URL
FILTER = 'orphans__filter__q'
ADMIN_FILTER = 'admin_orphans__filter__q'
THEIRS_ID = '55555555-5555-5555-5555-555555555555'


def numbered_snapshots(count, metadata=None):
    """``count`` snapshots of a deleted volume, in id order."""
    return [base.orphan_snapshot(
        'left-%02d' % number, metadata=metadata,
        snapshot_id='00000000-0000-0000-0000-%012d' % number)
        for number in range(count)]


def row_ids(res):
    return [orphan.resource_id for orphan in res.context['table'].data]


class KindFilterTests(fixtures.SnapshotsOnlyMixin, helpers.TestCase):

    def setUp(self):
        super().setUp()
        listings = mock.patch.multiple(
            cinder, snapshot_list=mock.DEFAULT, volume_list=mock.DEFAULT)
        mocks = listings.start()
        self.addCleanup(listings.stop)
        self.snapshot_list = mocks['snapshot_list']
        self.volume_list = mocks['volume_list']
        self.snapshot_list.return_value = [base.orphan_snapshot(),
                                           base.adoptable_snapshot()]
        self.volume_list.return_value = [
            base.restored_volume(), base.scheduled_volume(base.weekly())]

    def choose(self, text, url=TAB_URL, field='kind', param=FILTER):
        return self.client.post(url, {param + '_field': field, param: text})

    def test_by_kind_chosen_from_the_list(self):
        res = self.choose(orphans.NO_SCHEDULE)
        self.assertRedirectsNoFollow(res, TAB_URL)
        res = self.client.get(TAB_URL)
        self.assertEqual([base.ADOPTABLE_ID], row_ids(res))
        self.assertContains(res, 'data-choices-field="kind"')
        self.assertContains(
            res, '<option value="no_schedule" selected="selected">')
        # Each kind counted over all the orphans, whatever the filter.
        self.assertContains(
            res, 'Snapshot of a deleted schedule: <strong>1</strong>')
        self.assertContains(
            res, 'Restored from a deleted snapshot: <strong>1</strong>')
        self.assertContains(
            res, 'Verification volume left behind: <strong>0</strong>')
        # Still the two listings, the filter applied to what they give.
        self.snapshot_list.assert_called_with(mock.ANY, search_opts=None)
        self.volume_list.assert_called_with(mock.ANY, search_opts=None)

    def test_every_kind_offered_the_list_shown_before_any_choice(self):
        res = self.client.get(TAB_URL)
        for kind, _display in orphans.kind_display():
            self.assertContains(res, '<option value="%s"' % kind)
        # Snapshots only: no kind of backup is offered.
        self.assertNotContains(res, orphans.PROTECTION_NO_SCHEDULE)
        # The list is the field's input from the start (its one field).
        self.assertContains(res, 'volsnap-filter-text" value="" '
                                 'type="text" name="orphans__filter__q" '
                                 'disabled hidden')

    def test_by_kind_typed_as_the_table_shows_it(self):
        self.choose('restored from a deleted snapshot')
        res = self.client.get(TAB_URL)
        self.assertEqual([base.VOL_ID], row_ids(res))

    def test_an_unknown_kind_lists_nothing_and_says_so(self):
        self.choose('<b>forgotten</b>')
        res = self.client.get(TAB_URL)
        self.assertEqual([], row_ids(res))
        self.assertContains(res, 'No kind of orphan is called '
                                 '&quot;&lt;b&gt;forgotten&lt;/b&gt;&quot;')
        self.assertNotContains(res, '<b>forgotten</b>')

    def test_emptied_filter_lists_every_kind_again(self):
        self.choose(orphans.NO_SCHEDULE)
        self.choose('')
        res = self.client.get(TAB_URL)
        self.assertEqual(3, len(row_ids(res)))

    def test_combined_with_show_kept(self):
        kept = dict(base.MARK)
        self.snapshot_list.return_value = [
            base.orphan_snapshot(metadata=kept),
            base.orphan_snapshot('kept-adoptable', metadata=dict(
                kept, **base.adoptable_snapshot().metadata),
                volume_id=base.factories.VOLUME_ID,
                snapshot_id=base.ADOPTABLE_ID)]
        res = self.choose(orphans.NO_SCHEDULE, url=KEPT_URL)
        # Back on the kept list's first page, still filtered.
        self.assertRedirectsNoFollow(res, KEPT_URL)
        res = self.client.get(KEPT_URL)
        self.assertEqual([base.ADOPTABLE_ID], row_ids(res))
        self.assertContains(res, 'Show Orphans')
        # The orphans not kept, same filter: none of that kind.
        res = self.client.get(TAB_URL)
        self.assertEqual([], row_ids(res))
        self.assertContains(res, 'Restored from a deleted snapshot: '
                                 '<strong>1</strong>')


@override_settings(API_RESULT_PAGE_SIZE=2)
class PagingTests(fixtures.SnapshotsOnlyMixin, helpers.TestCase):

    @helpers.create_mocks({cinder: ['snapshot_list', 'volume_list']})
    def _get(self, url, snapshots):
        self.mock_snapshot_list.return_value = snapshots
        self.mock_volume_list.return_value = []
        res = self.client.get(url)
        self.assertEqual(200, res.status_code)
        # Two listings, whichever page.
        self.mock_snapshot_list.assert_called_once_with(
            mock.ANY, search_opts=None)
        self.mock_volume_list.assert_called_once_with(
            mock.ANY, search_opts=None)
        return res

    def test_pages_of_the_page_size_with_next_and_prev(self):
        snapshots = numbered_snapshots(5)
        ids = [snapshot.id for snapshot in snapshots]
        res = self._get(TAB_URL, snapshots)
        self.assertEqual(ids[:2], row_ids(res))
        self.assertContains(res, 'Showing 1&ndash;2 of 5.')
        next_link = ('?tab=volume_protection__orphans&amp;'
                     'orphan_marker=snapshot-%s' % ids[1])
        self.assertContains(res, next_link)
        self.assertNotContains(res, 'prev_orphan_marker')

        res = self._get(TAB_URL + '&orphan_marker=snapshot-' + ids[1],
                        snapshots)
        self.assertEqual(ids[2:4], row_ids(res))
        self.assertContains(res, 'Showing 3&ndash;4 of 5.')
        self.assertContains(res, 'prev_orphan_marker=snapshot-' + ids[2])
        self.assertContains(res, 'orphan_marker=snapshot-' + ids[3])

        res = self._get(TAB_URL + '&orphan_marker=snapshot-' + ids[3],
                        snapshots)
        self.assertEqual(ids[4:], row_ids(res))
        self.assertContains(res, 'Showing 5&ndash;5 of 5.')
        self.assertNotContains(res, 'href="?tab=volume_protection__orphans'
                                    '&amp;orphan_marker=')

        res = self._get(TAB_URL + '&prev_orphan_marker=snapshot-' + ids[4],
                        snapshots)
        self.assertEqual(ids[2:4], row_ids(res))

    def test_one_page_says_nothing_more_than_horizons_count(self):
        res = self._get(TAB_URL, numbered_snapshots(2))
        self.assertEqual(2, len(row_ids(res)))
        self.assertNotContains(res, 'volsnap-orphans-shown')
        self.assertNotContains(res, 'orphan_marker=')

    def test_the_kept_lists_pages_stay_kept(self):
        snapshots = numbered_snapshots(3, metadata=dict(base.MARK))
        res = self._get(KEPT_URL, snapshots)
        self.assertContains(
            res, '?tab=volume_protection__orphans&amp;kept=1&amp;'
                 'orphan_marker=snapshot-' + snapshots[1].id)

    @helpers.create_mocks({cinder: ['snapshot_list', 'volume_list',
                                    'snapshot_delete']})
    def test_a_batch_delete_of_a_page_comes_back_to_that_page(self):
        snapshots = numbered_snapshots(5)
        self.mock_snapshot_list.return_value = snapshots
        self.mock_volume_list.return_value = []
        self.mock_snapshot_delete.return_value = True
        page_two = TAB_URL + '&orphan_marker=snapshot-' + snapshots[1].id
        res = self.client.post(page_two, {
            'action': 'orphans__delete',
            'object_ids': ['snapshot-' + s.id for s in snapshots[2:4]]})
        self.assertRedirectsNoFollow(res, page_two)
        self.assertEqual(
            [mock.call(mock.ANY, mock.ANY, s.id) for s in snapshots[2:4]],
            self.mock_snapshot_delete.call_args_list)


class AdminFilterTests(fixtures.SnapshotsOnlyMixin,
                       helpers.BaseAdminViewTests):

    def setUp(self):
        super().setUp()
        patches = [mock.patch.multiple(
            cinder, snapshot_list=mock.DEFAULT, volume_list=mock.DEFAULT),
            mock.patch.object(keystone, 'project_names')]
        mocks = patches[0].start()
        names = patches[1].start()
        for patch in patches:
            self.addCleanup(patch.stop)
        ours = base.orphan_snapshot()
        theirs = base.orphan_snapshot('theirs', snapshot_id=THEIRS_ID)
        setattr(theirs, 'os-extended-snapshot-attributes:project_id',
                'other-project-id')
        restored = base.restored_volume()
        setattr(restored, 'os-vol-tenant-attr:tenant_id', 'other-project-id')
        mocks['snapshot_list'].return_value = [ours, theirs]
        mocks['volume_list'].return_value = [restored]
        names.return_value = {fixtures.PROJECT_ID: 'demo-project',
                              'other-project-id': 'other'}

    def choose(self, field, text):
        res = self.client.post(ADMIN_TAB_URL, {
            ADMIN_FILTER + '_field': field, ADMIN_FILTER: text})
        self.assertRedirectsNoFollow(res, ADMIN_TAB_URL)
        return self.client.get(ADMIN_TAB_URL)

    def test_by_project_name_or_id(self):
        res = self.choose('project', 'other')
        self.assertEqual({THEIRS_ID, base.VOL_ID}, set(row_ids(res)))
        # The kinds counted within that project.
        self.assertContains(res, 'Snapshot of a volume gone from its '
                                 'project: <strong>1</strong>')
        res = self.choose('project', fixtures.PROJECT_ID)
        self.assertEqual([base.SNAP_ID], row_ids(res))
        res = self.choose('project', 'nobody')
        self.assertEqual([], row_ids(res))

    def test_by_kind(self):
        res = self.choose('kind', orphans.RESTORED_NO_SNAPSHOT)
        self.assertEqual([base.VOL_ID], row_ids(res))
        self.assertContains(res, 'data-choices-field="kind"')
        # The admin's list starts with the project, a text box.
        self.assertContains(res, '<option value="project"')


class ActionUnderFilterTests(fixtures.SnapshotsOnlyMixin, helpers.TestCase):
    """The table's form submits the filter's list with every action."""

    @helpers.create_mocks({cinder: ['snapshot_list', 'volume_list',
                                    'volume_delete']})
    def test_an_action_runs_with_the_list_on_all_kinds(self):
        self.mock_snapshot_list.return_value = []
        self.mock_volume_list.return_value = [base.restored_volume()]
        page = self.client.get(TAB_URL)
        # The list's first choice (what a browser submits untouched).
        self.assertRegex(page.content.decode(),
                         r'volsnap-filter-status"[^>]*>\s*'
                         r'<option value="">All kinds</option>')
        res = self.client.post(TAB_URL, {
            FILTER + '_field': 'kind', FILTER: '',
            'action': 'orphans__delete__volume-' + base.VOL_ID})
        self.assertRedirectsNoFollow(res, TAB_URL)
        self.mock_volume_delete.assert_called_once_with(mock.ANY,
                                                        base.VOL_ID)

    @helpers.create_mocks({cinder: ['snapshot_list', 'volume_list',
                                    'volume_delete']})
    def test_an_action_runs_with_the_list_on_the_chosen_kind(self):
        self.mock_snapshot_list.return_value = []
        self.mock_volume_list.return_value = [base.restored_volume()]
        self.client.post(TAB_URL, {FILTER + '_field': 'kind',
                                   FILTER: orphans.RESTORED_NO_SNAPSHOT})
        res = self.client.post(TAB_URL, {
            FILTER + '_field': 'kind', FILTER: orphans.RESTORED_NO_SNAPSHOT,
            'action': 'orphans__delete__volume-' + base.VOL_ID})
        self.assertRedirectsNoFollow(res, TAB_URL)
        self.mock_volume_delete.assert_called_once_with(mock.ANY,
                                                        base.VOL_ID)
