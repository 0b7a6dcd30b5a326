"""The Orphans tabs (project and admin), their actions and the adopt form,
with the API layer mocked."""

from unittest import mock

from django.test import override_settings
from django.urls import reverse
from openstack_dashboard.test import helpers

from tests.unit import fixtures
from tests.unit.protection.schedule import factories
from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import errors
from volsnap_dashboard.api import keystone
from volsnap_dashboard.dashboards.orphans import finder as orphans
from volsnap_dashboard.protection import base
from volsnap_dashboard.protection import cinder_snapshot
from volsnap_dashboard.protection.schedule import codec

INDEX_URL = reverse('horizon:project:volume_protection:index')
TAB_URL = INDEX_URL + '?tab=volume_protection__orphans'
KEPT_URL = TAB_URL + '&kept=1'
ADMIN_INDEX_URL = reverse('horizon:admin:volume_protection:index')
ADMIN_TAB_URL = ADMIN_INDEX_URL + '?tab=volume_protection__orphans'
SNAP_ID = '11111111-1111-1111-1111-111111111111'
GONE_SNAP_ID = '22222222-2222-2222-2222-222222222222'
VOL_ID = '33333333-3333-3333-3333-333333333333'
ADOPTABLE_ID = '44444444-4444-4444-4444-444444444444'
ADOPT_URL = reverse('horizon:project:volume_protection:adopt_orphan',
                    args=(ADOPTABLE_ID,))
MARK = {orphans.KEPT_KEY: orphans.KEPT_VALUE}
NOT_LISTED = ('"%s" is not among the orphans listed (it is not one, or it '
              'changed since the page was drawn): nothing was done.')


def orphan_snapshot(name='left-over', metadata=None, volume_id='vol-gone',
                    status='available', snapshot_id=SNAP_ID):
    return fixtures.snapshot(snapshot_id, name, volume_id, status=status,
                             metadata=metadata)


def restored_volume(metadata=None):
    volume = fixtures.volume(VOL_ID, 'restored')
    volume.metadata = dict(
        metadata or {}, **{cinder_snapshot.RESTORED_FROM_KEY: GONE_SNAP_ID})
    return volume


def scheduled_volume(*schedules):
    metadata = {codec.MARKER_KEY: codec.MARKER_VALUE}
    for schedule in schedules:
        metadata.update(codec.encode_definition(schedule))
    volume = fixtures.volume(factories.VOLUME_ID, 'db-data')
    volume.metadata = metadata
    return volume


def adoptable_snapshot():
    """A snapshot of schedule 0a1b2c3d, gone; its volume has another."""
    return orphan_snapshot(
        'adoptable', metadata={codec.SNAPSHOT_SCHEDULE_KEY: '0a1b2c3d'},
        volume_id=factories.VOLUME_ID, snapshot_id=ADOPTABLE_ID)


def weekly():
    return factories.schedule(id='feedbeef', label='weekly',
                              project_id=fixtures.PROJECT_ID)


class OrphansTabTests(fixtures.SnapshotsOnlyMixin, helpers.TestCase):

    @helpers.create_mocks({cinder: ['snapshot_list', 'volume_list']})
    def _get(self, snapshots, volumes, url=TAB_URL):
        self.mock_snapshot_list.return_value = snapshots
        self.mock_volume_list.return_value = volumes
        res = self.client.get(url)
        self.mock_snapshot_list.assert_called_once_with(
            mock.ANY, search_opts=None)
        self.mock_volume_list.assert_called_once_with(
            mock.ANY, search_opts=None)
        return res

    def test_lists_each_kind_from_two_listings(self):
        res = self._get([orphan_snapshot(), adoptable_snapshot()],
                        [restored_volume(), scheduled_volume(weekly())])
        self.assertEqual(200, res.status_code)
        rows = {(o.kind, o.resource_id) for o in res.context['table'].data}
        self.assertEqual({(orphans.NO_VOLUME, SNAP_ID),
                          (orphans.NO_SCHEDULE, ADOPTABLE_ID),
                          (orphans.RESTORED_NO_SNAPSHOT, VOL_ID)}, rows)
        self.assertContains(res, 'Snapshot of a volume gone from its project')
        self.assertContains(res, 'Restored from a deleted snapshot')
        self.assertContains(res, 'Schedule 0a1b2c3d')
        # Statuses in words, as on the Snapshots tab.
        page = res.content.decode()
        # (Horizon orders a cell's classes as a set does: match any.)
        self.assertRegex(page, r'<td class="[^"]*">\s*Available\s*</td>')
        self.assertNotRegex(page, r'>\s*available\s*</td>')
        self.assertContains(res, ADOPT_URL)  # only the adoptable row
        self.assertContains(res, ADOPT_URL, count=1)
        self.assertContains(res, 'orphans__delete')
        self.assertContains(res, 'orphans__keep')

    def test_names_are_escaped(self):
        evil = '<img src=x onerror=alert(1)>'
        res = self._get([orphan_snapshot(evil)], [])
        self.assertNotContains(res, evil)
        self.assertContains(res, '&lt;img src=x onerror=alert(1)&gt;')

    def test_kept_ones_are_listed_only_when_asked(self):
        kept = orphan_snapshot(metadata=dict(MARK))
        res = self._get([kept], [])
        self.assertEqual([], list(res.context['table'].data))
        self.assertContains(res, 'Show Kept')
        res = self._get([kept], [], url=KEPT_URL)
        self.assertEqual([SNAP_ID], [o.resource_id for o in
                                     res.context['table'].data])
        self.assertContains(res, 'Show Orphans')
        self.assertContains(res, 'orphans__stop_keeping')
        self.assertNotContains(res, 'orphans__keep__')

    def test_the_page_itself_lists_nothing_for_the_tab(self):
        with mock.patch.object(cinder, 'snapshot_list_paged',
                               return_value=([], False, False)), \
                mock.patch.object(cinder, 'volume_names', return_value={}),\
                mock.patch.object(cinder, 'snapshot_list') as listing:
            res = self.client.get(INDEX_URL)
        self.assertEqual(200, res.status_code)
        self.assertContains(res, 'volume_protection__orphans')
        listing.assert_not_called()

    @helpers.create_mocks({cinder: ['snapshot_list', 'volume_list']})
    def test_cinder_down_says_unavailable(self):
        self.mock_snapshot_list.side_effect = errors.ServiceUnavailable()
        res = self.client.get(TAB_URL)
        self.assertEqual(200, res.status_code)
        self.assertContains(res, 'Orphans are unavailable: The Block '
                                 'Storage service is unavailable')


class OrphanActionTests(fixtures.SnapshotsOnlyMixin, helpers.TestCase):

    def _post(self, action, row_ids, url=TAB_URL):
        return self.client.post(url, {'action': 'orphans__' + action,
                                      'object_ids': row_ids})

    @helpers.create_mocks({cinder: ['snapshot_list', 'volume_list',
                                    'snapshot_delete', 'volume_delete']})
    def test_delete_each_kind_with_its_call(self):
        self.mock_snapshot_list.return_value = [orphan_snapshot()]
        self.mock_volume_list.return_value = [restored_volume()]
        self.mock_snapshot_delete.return_value = True
        res = self._post('delete', ['snapshot-' + SNAP_ID,
                                    'volume-' + VOL_ID])
        self.assertRedirectsNoFollow(res, TAB_URL)
        self.mock_snapshot_delete.assert_called_once_with(
            mock.ANY, mock.ANY, SNAP_ID)
        self.mock_volume_delete.assert_called_once_with(mock.ANY, VOL_ID)

    @helpers.create_mocks({cinder: ['snapshot_list', 'volume_list',
                                    'snapshot_delete', 'volume_delete']})
    def test_delete_reports_each_rows_outcome(self):
        self.mock_snapshot_list.return_value = [orphan_snapshot()]
        self.mock_volume_list.return_value = [restored_volume()]
        self.mock_snapshot_delete.return_value = True
        self.mock_volume_delete.side_effect = errors.Conflict(
            'Volume is <attached>.')
        res = self._post('delete', ['snapshot-' + SNAP_ID,
                                    'volume-' + VOL_ID])
        self.assertRedirectsNoFollow(res, TAB_URL)
        texts = [str(m) for m in res.wsgi_request._messages]
        self.assertTrue(any(text.startswith(
            'Unable to delete "restored": Volume is <attached>.')
            for text in texts), texts)
        self.assertTrue(any('left-over' in text and 'Scheduled deletion'
                            in text for text in texts), texts)

    @helpers.create_mocks({cinder: ['snapshot_list', 'volume_list',
                                    'snapshot_delete', 'snapshot_get']})
    def test_delete_of_a_row_gone_from_the_listing_does_nothing(self):
        self.mock_snapshot_list.return_value = []
        self.mock_volume_list.return_value = []
        res = self._post('delete', ['snapshot-' + SNAP_ID])
        self.assertRedirectsNoFollow(res, TAB_URL)
        texts = [str(m) for m in res.wsgi_request._messages]
        self.assertIn(NOT_LISTED % SNAP_ID, texts)
        self.mock_snapshot_delete.assert_not_called()

    @helpers.create_mocks({cinder: ['snapshot_list', 'volume_list',
                                    'snapshot_delete', 'volume_delete',
                                    'snapshot_set_metadata',
                                    'volume_set_metadata',
                                    'snapshot_delete_metadata',
                                    'volume_delete_metadata']})
    def test_an_ordinary_volume_or_snapshot_posted_is_refused(self):
        # The project's own volume and its snapshot: no orphans.
        ordinary = fixtures.volume(VOL_ID, 'mine')
        snapshot = orphan_snapshot('mine', volume_id=VOL_ID)
        self.mock_snapshot_list.return_value = [snapshot]
        self.mock_volume_list.return_value = [ordinary]
        for action, url in (('delete', TAB_URL), ('keep', TAB_URL),
                            ('stop_keeping', KEPT_URL)):
            for row_id, resource_id in (('volume-' + VOL_ID, VOL_ID),
                                        ('snapshot-' + SNAP_ID, SNAP_ID)):
                with self.subTest(action=action, row=row_id):
                    res = self._post(action, [row_id], url=url)
                    self.assertRedirectsNoFollow(res, url)
                    texts = [str(m) for m in res.wsgi_request._messages]
                    self.assertIn(NOT_LISTED % resource_id, texts)
                    self.assertFalse([text for text in texts
                                      if 'Scheduled deletion' in text
                                      or text.startswith(('Kept',
                                                          'Stopped'))])
                # One row through the row's own button, as Horizon posts.
                res = self.client.post(url, {
                    'action': 'orphans__%s__%s' % (action, row_id)})
                self.assertEqual(302, res.status_code)
        self.mock_volume_delete.assert_not_called()
        self.mock_snapshot_delete.assert_not_called()
        self.mock_volume_set_metadata.assert_not_called()
        self.mock_snapshot_set_metadata.assert_not_called()
        self.mock_volume_delete_metadata.assert_not_called()
        self.mock_snapshot_delete_metadata.assert_not_called()

    @helpers.create_mocks({cinder: ['snapshot_list', 'volume_list',
                                    'snapshot_delete', 'snapshot_get']})
    def test_an_orphan_deleted_meanwhile_is_said_gone_only(self):
        self.mock_snapshot_list.return_value = [orphan_snapshot()]
        self.mock_volume_list.return_value = []
        self.mock_snapshot_delete.return_value = False
        self.mock_snapshot_get.side_effect = errors.NotFound()
        res = self._post('delete', ['snapshot-' + SNAP_ID])
        self.assertRedirectsNoFollow(res, TAB_URL)
        self.assertEqual(['"left-over" no longer exists: it was already '
                          'deleted.'],
                         [str(m) for m in res.wsgi_request._messages])

    @helpers.create_mocks({cinder: ['snapshot_list', 'volume_list',
                                    'snapshot_delete', 'snapshot_get']})
    def test_a_snapshot_whose_volume_left_the_project_is_not_gone(self):
        # Cinder answers 404 for the volume, and the snapshot stays.
        self.mock_snapshot_list.return_value = [orphan_snapshot()]
        self.mock_volume_list.return_value = []
        self.mock_snapshot_delete.return_value = False
        self.mock_snapshot_get.return_value = orphan_snapshot()
        res = self._post('delete', ['snapshot-' + SNAP_ID])
        self.assertRedirectsNoFollow(res, TAB_URL)
        texts = [str(m) for m in res.wsgi_request._messages]
        self.assertTrue(any(
            text.startswith('Unable to delete "left-over": Block Storage '
                            'cannot find its volume') for text in texts),
            texts)
        self.assertFalse(any('already deleted' in text for text in texts))

    @helpers.create_mocks({cinder: ['snapshot_list', 'volume_list',
                                    'snapshot_delete']})
    def test_a_made_up_row_id_deletes_nothing(self):
        self.mock_snapshot_list.return_value = []
        self.mock_volume_list.return_value = []
        res = self._post('delete', ['backup-' + SNAP_ID])
        self.assertEqual(302, res.status_code)
        self.mock_snapshot_delete.assert_not_called()

    @helpers.create_mocks({cinder: ['snapshot_list', 'volume_list',
                                    'snapshot_set_metadata',
                                    'volume_set_metadata']})
    def test_keep_marks_each_kind(self):
        self.mock_snapshot_list.return_value = [orphan_snapshot()]
        self.mock_volume_list.return_value = [restored_volume()]
        res = self._post('keep', ['snapshot-' + SNAP_ID,
                                  'volume-' + VOL_ID])
        self.assertRedirectsNoFollow(res, TAB_URL)
        self.mock_snapshot_set_metadata.assert_called_once_with(
            mock.ANY, SNAP_ID, MARK)
        self.mock_volume_set_metadata.assert_called_once_with(
            mock.ANY, VOL_ID, MARK)

    @helpers.create_mocks({cinder: ['snapshot_list', 'volume_list',
                                    'snapshot_delete_metadata',
                                    'volume_delete_metadata']})
    def test_stop_keeping_removes_the_mark(self):
        self.mock_snapshot_list.return_value = [
            orphan_snapshot(metadata=dict(MARK))]
        self.mock_volume_list.return_value = [restored_volume(MARK)]
        res = self._post('stop_keeping', ['snapshot-' + SNAP_ID,
                                          'volume-' + VOL_ID], url=KEPT_URL)
        self.assertRedirectsNoFollow(res, KEPT_URL)
        self.mock_snapshot_delete_metadata.assert_called_once_with(
            mock.ANY, SNAP_ID, [orphans.KEPT_KEY])
        self.mock_volume_delete_metadata.assert_called_once_with(
            mock.ANY, VOL_ID, [orphans.KEPT_KEY])


class AdoptTests(fixtures.SnapshotsOnlyMixin, helpers.TestCase):

    @helpers.create_mocks({cinder: ['snapshot_get', 'volume_get',
                                    'snapshot_set_metadata']})
    def test_a_snapshot_that_is_no_orphan_cannot_be_adopted(self):
        # Made by hand, or by a schedule still on the volume: retention
        # must not be handed a snapshot the tab never listed.
        living = factories.schedule(id='0a1b2c3d',
                                    project_id=fixtures.PROJECT_ID)
        for metadata in ({}, {codec.SNAPSHOT_SCHEDULE_KEY: '0a1b2c3d'}):
            with self.subTest(metadata=metadata):
                self.mock_snapshot_get.return_value = orphan_snapshot(
                    'mine', metadata=metadata,
                    volume_id=factories.VOLUME_ID,
                    snapshot_id=ADOPTABLE_ID)
                self.mock_volume_get.return_value = scheduled_volume(
                    weekly(), living)
                res = self.client.post(ADOPT_URL, {'schedule': 'feedbeef'})
                self.assertRedirectsNoFollow(res, TAB_URL)
        self.mock_snapshot_set_metadata.assert_not_called()

    @helpers.create_mocks({cinder: ['snapshot_get', 'volume_get']})
    def test_offers_the_volumes_other_valid_schedules(self):
        self.mock_snapshot_get.return_value = adoptable_snapshot()
        self.mock_volume_get.return_value = scheduled_volume(weekly())
        res = self.client.get(ADOPT_URL)
        self.assertEqual(200, res.status_code)
        self.assertEqual(['feedbeef'], [
            value for value, _label in
            res.context['form'].fields['schedule'].choices])
        self.assertContains(res, 'weekly')

    @helpers.create_mocks({cinder: ['snapshot_get', 'volume_get',
                                    'snapshot_set_metadata']})
    def test_rewrites_the_snapshots_schedule_mark(self):
        self.mock_snapshot_get.return_value = adoptable_snapshot()
        self.mock_volume_get.return_value = scheduled_volume(weekly())
        res = self.client.post(ADOPT_URL, {'schedule': 'feedbeef'})
        self.assertNoFormErrors(res)
        self.assertRedirectsNoFollow(res, TAB_URL)
        self.mock_snapshot_set_metadata.assert_called_once_with(
            mock.ANY, ADOPTABLE_ID, {codec.SNAPSHOT_SCHEDULE_KEY: 'feedbeef',
                                codec.SNAPSHOT_VOLUME_KEY:
                                    factories.VOLUME_ID})

    @helpers.create_mocks({cinder: ['snapshot_get', 'volume_get',
                                    'snapshot_set_metadata',
                                    'snapshot_delete_metadata']})
    def test_a_kept_snapshot_adopted_is_given_to_its_retention(self):
        kept = adoptable_snapshot()
        kept.metadata[codec.KEPT_KEY] = codec.KEPT_VALUE
        self.mock_snapshot_get.return_value = kept
        self.mock_volume_get.return_value = scheduled_volume(weekly())
        res = self.client.post(ADOPT_URL, {'schedule': 'feedbeef'})
        self.assertRedirectsNoFollow(res, TAB_URL)
        self.mock_snapshot_delete_metadata.assert_called_once_with(
            mock.ANY, ADOPTABLE_ID, [codec.KEPT_KEY])

    @helpers.create_mocks({cinder: ['snapshot_get', 'volume_get',
                                    'snapshot_set_metadata']})
    def test_a_schedule_not_offered_is_refused(self):
        self.mock_snapshot_get.return_value = adoptable_snapshot()
        self.mock_volume_get.return_value = scheduled_volume(weekly())
        res = self.client.post(ADOPT_URL, {'schedule': '0a1b2c3d'})
        self.assertFormErrors(res, 1)
        self.mock_snapshot_set_metadata.assert_not_called()

    @helpers.create_mocks({cinder: ['snapshot_get', 'volume_get']})
    def test_volume_gone_says_so(self):
        self.mock_snapshot_get.return_value = adoptable_snapshot()
        self.mock_volume_get.side_effect = errors.NotFound()
        res = self.client.get(ADOPT_URL)
        self.assertRedirectsNoFollow(res, TAB_URL)

    @helpers.create_mocks({cinder: ['snapshot_get', 'volume_get',
                                    'snapshot_set_metadata']})
    def test_cinders_refusal_is_shown(self):
        self.mock_snapshot_get.return_value = adoptable_snapshot()
        self.mock_volume_get.return_value = scheduled_volume(weekly())
        self.mock_snapshot_set_metadata.side_effect = errors.Forbidden()
        res = self.client.post(ADOPT_URL, {'schedule': 'feedbeef'})
        self.assertEqual(200, res.status_code)  # the form, to try again
        texts = [str(m) for m in res.wsgi_request._messages]
        self.assertTrue(any(text.startswith('Unable to adopt snapshot')
                            for text in texts), texts)


@override_settings(POLICY_CHECK_FUNCTION='openstack_auth.policy.check')
class ReaderTests(fixtures.SnapshotsOnlyMixin, helpers.TestCase):
    """A reader sees the orphans and no actions; POSTs do nothing."""

    def setUp(self):
        super().setUp()
        self.setActiveUser(id=self.user.id, token=self.token,
                           username=self.user.name,
                           tenant_id=self.tenant.id,
                           service_catalog=self.service_catalog,
                           authorized_tenants=self.tenants.list(),
                           roles=[{'id': '3', 'name': 'reader'}])

    @helpers.create_mocks({cinder: ['snapshot_list', 'volume_list']})
    def test_list_without_actions(self):
        self.mock_snapshot_list.return_value = [adoptable_snapshot()]
        self.mock_volume_list.return_value = [restored_volume(),
                                              scheduled_volume(weekly())]
        res = self.client.get(TAB_URL)
        self.assertEqual(200, res.status_code)
        table = res.context['table']
        self.assertEqual(2, len(table.data))
        self.assertEqual(['filter', 'show_kept'],
                         [a.name for a in table.get_table_actions()])
        for orphan in table.data:
            self.assertEqual([], table.get_row_actions(orphan))

    @helpers.create_mocks({cinder: ['snapshot_list', 'volume_list',
                                    'snapshot_delete',
                                    'snapshot_set_metadata']})
    def test_posts_do_nothing(self):
        self.mock_snapshot_list.return_value = [orphan_snapshot()]
        self.mock_volume_list.return_value = []
        for action in ('delete', 'keep'):
            self.client.post(TAB_URL, {'action': 'orphans__' + action,
                                       'object_ids': ['snapshot-' +
                                                      SNAP_ID]})
        self.mock_snapshot_delete.assert_not_called()
        self.mock_snapshot_set_metadata.assert_not_called()

    @helpers.create_mocks({cinder: ['snapshot_get', 'volume_get',
                                    'snapshot_set_metadata']})
    def test_adopt_is_refused(self):
        res = self.client.post(ADOPT_URL, {'schedule': 'feedbeef'})
        self.assertIn(res.status_code, (302, 403))
        self.mock_snapshot_get.assert_not_called()
        self.mock_snapshot_set_metadata.assert_not_called()


class AdminOrphansTabTests(fixtures.SnapshotsOnlyMixin,
                           helpers.BaseAdminViewTests):

    @helpers.create_mocks({cinder: ['snapshot_list', 'volume_list'],
                           keystone: ['project_names']})
    def test_every_projects_orphans_with_project_names(self):
        self.mock_snapshot_list.return_value = [orphan_snapshot()]
        self.mock_volume_list.return_value = []
        self.mock_project_names.return_value = {fixtures.PROJECT_ID:
                                                'demo-project'}
        res = self.client.get(ADMIN_TAB_URL)
        self.assertEqual(200, res.status_code)
        self.assertContains(res, 'Volume vol-gone')
        self.assertNotContains(res, 'now in another project')
        self.mock_snapshot_list.assert_called_once_with(
            mock.ANY, search_opts={'all_tenants': True})
        self.mock_volume_list.assert_called_once_with(
            mock.ANY, search_opts={'all_tenants': True})
        self.assertContains(res, 'demo-project')
        self.assertContains(res, 'admin_orphans__delete')
        self.assertNotContains(res, 'action_adopt')
        self.assertNotContains(res, 'adopt a snapshot')

    @helpers.create_mocks({cinder: ['snapshot_list', 'volume_list'],
                           keystone: ['project_names']})
    def test_keystone_down_shows_the_ids(self):
        self.mock_snapshot_list.return_value = [orphan_snapshot()]
        self.mock_volume_list.return_value = []
        self.mock_project_names.side_effect = errors.IdentityUnavailable()
        res = self.client.get(ADMIN_TAB_URL)
        self.assertEqual(200, res.status_code)
        self.assertContains(res, 'Project names are unavailable')

    @helpers.create_mocks({cinder: ['snapshot_list', 'volume_list']})
    def test_cinder_down_says_unavailable(self):
        self.mock_snapshot_list.side_effect = errors.ServiceUnavailable()
        res = self.client.get(ADMIN_TAB_URL)
        self.assertEqual(200, res.status_code)
        self.assertContains(res, 'Orphans are unavailable')

    @helpers.create_mocks({cinder: ['snapshot_list', 'volume_list',
                                    'snapshot_delete',
                                    'volume_set_metadata'],
                           keystone: ['project_names']})
    def test_admin_deletes_and_keeps_in_any_project(self):
        other = orphan_snapshot()
        setattr(other, 'os-extended-snapshot-attributes:project_id',
                'another-project')
        self.mock_snapshot_list.return_value = [other]
        self.mock_volume_list.return_value = [restored_volume()]
        self.mock_project_names.return_value = {}
        self.mock_snapshot_delete.return_value = True
        res = self.client.post(ADMIN_TAB_URL, {
            'action': 'admin_orphans__delete',
            'object_ids': ['snapshot-' + SNAP_ID]})
        self.assertRedirectsNoFollow(res, ADMIN_TAB_URL)
        self.mock_snapshot_delete.assert_called_once_with(
            mock.ANY, mock.ANY, SNAP_ID)
        res = self.client.post(ADMIN_TAB_URL, {
            'action': 'admin_orphans__keep',
            'object_ids': ['volume-' + VOL_ID]})
        self.assertRedirectsNoFollow(res, ADMIN_TAB_URL)
        self.mock_volume_set_metadata.assert_called_once_with(
            mock.ANY, VOL_ID, MARK)


BACKUP_ID = '66666666-6666-6666-6666-666666666666'
BASE_BACKUP_ID = '77777777-7777-7777-7777-777777777777'


def orphan_backups():
    """Two backups of the gone schedule 0a1b2c3d: the full one, which the
    other builds on, and that incremental one."""
    tags = {codec.SNAPSHOT_SCHEDULE_KEY: '0a1b2c3d'}
    return [
        base.Protection(BASE_BACKUP_ID, 'available',
                        '2026-11-01T02:00:00.000000', dict(tags), 1,
                        factories.VOLUME_ID, name='<i>full</i>',
                        has_dependents=True),
        base.Protection(BACKUP_ID, 'available', '2026-11-08T02:00:00.000000',
                        dict(tags), 1, factories.VOLUME_ID, name='weekly',
                        depends_on=BASE_BACKUP_ID, incremental=True)]


class BackupOrphansTests(helpers.TestCase):
    """With the default provider's two plugins: backups of a deleted
    schedule are orphans too, deleted and kept through their plugin."""

    def setUp(self):
        super().setUp()
        listings = mock.patch.multiple(
            cinder, snapshot_list=mock.DEFAULT, volume_list=mock.DEFAULT,
            protection_list=mock.DEFAULT)
        self.mocks = listings.start()
        self.addCleanup(listings.stop)
        self.mocks['snapshot_list'].return_value = []
        self.mocks['volume_list'].return_value = [scheduled_volume(weekly())]
        self.mocks['protection_list'].side_effect = (
            lambda request, plugin, all_projects=False:
            orphan_backups() if plugin.name == 'cinder-backup' else [])

    def test_listed_with_their_plugins_words_and_no_delete_of_a_base(self):
        res = self.client.get(TAB_URL)
        table = res.context['table']
        self.assertEqual({BACKUP_ID, BASE_BACKUP_ID},
                         {row.resource_id for row in table.data})
        self.assertEqual(['Backup of a deleted schedule'] * 2, [
            str(table.columns['kind'].get_data(row)) for row in table.data])
        self.assertContains(
            res, 'Backup of a deleted schedule: <strong>2</strong>')
        self.assertContains(res, '&lt;i&gt;full&lt;/i&gt;')
        self.assertNotContains(res, '<i>full</i>')
        actions = {row.resource_id: [action.name for action in
                                     table.get_row_actions(row)]
                   for row in table.data}
        # Cinder refuses to delete the base while the other needs it; no
        # adoption for backups.
        self.assertEqual(['keep', 'delete'], actions[BACKUP_ID])
        self.assertEqual(['keep'], actions[BASE_BACKUP_ID])
        self.assertContains(res, '<option value="protection_no_schedule"')

    def test_delete_and_keep_go_through_the_backup_plugin(self):
        with mock.patch.object(cinder, 'snapshot_delete',
                               return_value=True) as delete, \
                mock.patch.object(cinder,
                                  'protection_set_metadata') as tag:
            self.client.post(TAB_URL, {
                'action': 'orphans__delete__protection-%s' % BACKUP_ID})
            self.client.post(TAB_URL, {
                'action': 'orphans__keep__protection-%s' % BASE_BACKUP_ID})
        [call] = delete.call_args_list
        self.assertEqual(('cinder-backup', BACKUP_ID),
                         (call.args[1].name, call.args[2]))
        [call] = tag.call_args_list
        self.assertEqual(('cinder-backup', BASE_BACKUP_ID, MARK),
                         (call.args[1].name, call.args[2].id, call.args[3]))

    def test_a_backup_not_listed_as_an_orphan_is_refused(self):
        with mock.patch.object(cinder, 'snapshot_delete') as delete:
            res = self.client.post(TAB_URL, {
                'action': 'orphans__delete__protection-%s' % SNAP_ID})
        delete.assert_not_called()
        self.assertEqual(302, res.status_code)
