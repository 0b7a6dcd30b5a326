"""The protect form (its volume picker and quota bars) and the restore
form, with the API layer mocked."""

import json
import re
from unittest import mock

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.test import SimpleTestCase
from django.test.utils import override_settings
from django.urls import reverse
from openstack_dashboard.test import helpers

from tests.unit import fixtures
from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import errors
from volsnap_dashboard.dashboards.snapshots import forms
from volsnap_dashboard.protection import cinder_snapshot
from volsnap_dashboard.protection import registry

INDEX_URL = reverse('horizon:project:volume_protection:index')
PROTECT_URL = reverse('horizon:project:volume_protection:protect')
SEARCH_URL = reverse('horizon:project:volume_protection:protect_volumes')
PAGE_SIZE = 5
PICKER_CALLS = ['volume_page', 'volume_list', 'volume_get', 'name_filter',
                'protection_quota', 'force_matters',
                'snapshot_protect']


def restore_url(snapshot_id='snap-1'):
    return reverse('horizon:project:volume_protection:restore',
                   args=(snapshot_id,))


def volumes(count, prefix='vol'):
    return [fixtures.volume('%s-%04d' % (prefix, i), '%s %04d' % (prefix, i),
                            size=i % 3 + 1) for i in range(count)]


def checkbox_values(html, group):
    """The volume ids of the checkboxes in the picker's ``group``
    (``selected`` or ``results``), in order."""
    start = html.index('class="volsnap-picker-%s"' % group)
    end = html.index('</fieldset>', start)
    if group == 'selected':
        end = html.index('class="volsnap-picker-search"', start)
    return re.findall(r'name="volumes" value="([^"]+)"', html[start:end])


@override_settings(API_RESULT_PAGE_SIZE=PAGE_SIZE)
class PickerTestCase(helpers.TestCase):

    def setUp(self):
        super().setUp()
        cache.clear()

    def mock_cloud(self, page=None, total=None, everything=None,
                   limits=None, force_supported=False, name_key='name~'):
        """``page``: what the capped listing returns (at most a page and
        one); ``everything``: the whole listing a POST looks in."""
        page = [fixtures.volume()] if page is None else page
        self.mock_volume_page.return_value = (page, total)
        self.mock_volume_list.return_value = (
            page if everything is None else everything)
        self.mock_name_filter.return_value = name_key
        self.mock_protection_quota.return_value = limits or fixtures.LIMITS
        self.mock_force_matters.return_value = force_supported

    def post(self, **overrides):
        form = self.client.get(PROTECT_URL).context['form']
        data = {'submission': form.fields['submission'].initial,
                'volumes': ['vol-1'], 'option_snapshot_name': 'nightly',
                'option_description': 'before upgrade'}
        data.update(overrides)
        return self.client.post(PROTECT_URL, data)

    def protected(self):
        """(volume id, values) of each snapshot_protect call."""
        return [(call.args[2].id, call.args[3])
                for call in self.mock_snapshot_protect.call_args_list]


class PickerPageTests(PickerTestCase):

    @helpers.create_mocks({cinder: PICKER_CALLS})
    def test_one_capped_listing_sorted_by_name_and_counted(self):
        self.mock_cloud(volumes(PAGE_SIZE + 1), total=2000)
        res = self.client.get(PROTECT_URL)
        self.assertEqual(200, res.status_code)
        self.mock_volume_page.assert_called_once_with(
            helpers.IsHttpRequest(), search_opts={}, limit=PAGE_SIZE + 1,
            sort='name:asc', marker=None)
        self.mock_volume_list.assert_not_called()
        html = res.content.decode()
        self.assertEqual(['vol-%04d' % i for i in range(PAGE_SIZE)],
                         checkbox_values(html, 'results'))
        self.assertIn('Showing 5 of 2,000 volumes', html)
        # The next page starts after the last volume shown.
        self.assertIn('data-marker="vol-%04d" data-offset="%d">Next'
                      % (PAGE_SIZE - 1, PAGE_SIZE), html)

    @helpers.create_mocks({cinder: PICKER_CALLS})
    def test_as_many_cinder_calls_for_5_or_5000_volumes(self):
        counts = []
        for total in (5, 5000):
            self.mock_cloud(volumes(min(total, PAGE_SIZE + 1)), total=total)
            for mocked in (self.mock_volume_page, self.mock_volume_list,
                           self.mock_volume_get, self.mock_protection_quota):
                mocked.reset_mock()
            self.client.get(PROTECT_URL)
            counts.append((self.mock_volume_page.call_count,
                           self.mock_volume_list.call_count,
                           self.mock_volume_get.call_count,
                           self.mock_protection_quota.call_count))
        self.assertEqual([(1, 0, 0, 1)] * 2, counts)

    @helpers.create_mocks({cinder: PICKER_CALLS})
    def test_without_a_count_the_page_says_it_is_the_first(self):
        self.mock_cloud(volumes(PAGE_SIZE + 1), total=None)
        res = self.client.get(PROTECT_URL)
        self.assertContains(res, 'Showing the first 5 volumes')

    @helpers.create_mocks({cinder: PICKER_CALLS})
    def test_volumes_grouped_under_their_legend_with_a_search_box(self):
        self.mock_cloud()
        html = self.client.get(PROTECT_URL).content.decode()
        fieldset = re.search(r'<fieldset class="form-group '
                             r'volsnap-volume-picker[^>]*>\s*<legend[^>]*>'
                             r'\s*<span class="field-label">Volumes</span>',
                             html)
        self.assertIsNotNone(fieldset, html)
        self.assertIn('data-search-url="%s"' % SEARCH_URL, html)
        self.assertRegex(html, r'<label for="id_volumes_search">\s*'
                               r'Find volumes by name')
        self.assertIn('role="group" aria-labelledby="id_volumes_results_'
                      'status"', html)
        self.assertIn('db (2 GiB, available)', html)

    @helpers.create_mocks({cinder: PICKER_CALLS})
    def test_exact_name_clouds_are_named_in_the_search_label(self):
        self.mock_cloud(name_key='name')
        res = self.client.get(PROTECT_URL)
        self.assertContains(res, 'Find a volume by its whole name')

    @helpers.create_mocks({cinder: PICKER_CALLS})
    def test_volume_not_protectable_now_is_shown_but_cannot_be_ticked(self):
        self.mock_cloud([fixtures.volume('vol-e', 'broken',
                                         status='error')])
        html = self.client.get(PROTECT_URL).content.decode()
        self.assertRegex(html, r'value="vol-e"[^>]*disabled')

    @helpers.create_mocks({cinder: PICKER_CALLS})
    def test_volume_from_the_url_is_selected_first(self):
        self.mock_cloud(volumes(3))
        self.mock_volume_get.return_value = fixtures.volume(
            'vol-0001', 'vol 0001', size=2)
        res = self.client.get(PROTECT_URL + '?volume_id=vol-0001')
        html = res.content.decode()
        self.assertEqual(['vol-0001'], checkbox_values(html, 'selected'))
        self.assertEqual(['vol-0000', 'vol-0002'],
                         checkbox_values(html, 'results'))
        self.assertRegex(html, r'value="vol-0001"[^>]*checked')
        # The bars start with what is ticked: one snapshot, 2 GiB.
        self.assertRegex(html, r'id="quota_snapshots"[^>]*'
                               r'data-pending="1"')
        self.assertRegex(html, r'id="quota_size"[^>]*data-pending="2"')

    @helpers.create_mocks({cinder: PICKER_CALLS})
    def test_project_without_volumes_says_there_is_nothing_to_protect(self):
        self.mock_cloud([], total=0)
        res = self.client.get(PROTECT_URL)
        html = res.content.decode()
        self.assertIn('nothing to protect', html)
        self.assertIn('<a href="%s">Project &gt; Volumes</a>'
                      % reverse('horizon:project:volumes:index'), html)
        self.assertNotIn('type="checkbox"', html)
        self.assertNotIn('legend class="control-label required"', html)
        self.assertNotIn('value="Protect"', html)

    @helpers.create_mocks({cinder: PICKER_CALLS})
    def test_cinder_down_on_the_form_redirects_with_a_message(self):
        self.mock_cloud()
        self.mock_volume_page.side_effect = errors.ServiceUnavailable()
        res = self.client.get(PROTECT_URL)
        self.assertRedirectsNoFollow(res, INDEX_URL)

    @helpers.create_mocks({cinder: PICKER_CALLS})
    def test_no_enabled_provider_redirects_with_a_message(self):
        self.mock_cloud()
        with mock.patch('volsnap_dashboard.dashboards.common.'
                        'plugin_choice.volume_plugin',
                        return_value=None):
            res = self.client.get(PROTECT_URL)
        self.assertRedirectsNoFollow(res, INDEX_URL)


class PickerSearchTests(PickerTestCase):

    @helpers.create_mocks({cinder: PICKER_CALLS})
    def test_search_uses_cinders_name_filter_and_answers_a_page(self):
        self.mock_cloud(volumes(2, 'web'), total=2)
        res = self.client.get(SEARCH_URL, {'q': ' web '})
        self.assertEqual(200, res.status_code)
        self.mock_name_filter.assert_called_once_with(
            helpers.IsHttpRequest(), 'volume')
        self.mock_volume_page.assert_called_once_with(
            helpers.IsHttpRequest(), search_opts={'name~': 'web'},
            limit=PAGE_SIZE + 1, sort='name:asc', marker=None)
        html = res.content.decode()
        self.assertIn('Showing 2 of 2 volumes matching "web"', html)
        self.assertEqual(['web-0000', 'web-0001'],
                         re.findall(r'value="([^"]+)"', html))
        self.assertNotIn('<html', html)

    @helpers.create_mocks({cinder: PICKER_CALLS})
    def test_pages_after_the_first_start_after_a_marker(self):
        found = volumes(PAGE_SIZE + 1, 'web')
        self.mock_cloud(found, total=3 * PAGE_SIZE)
        first = self.client.get(SEARCH_URL, {'q': 'web'}).content.decode()
        last_shown = found[PAGE_SIZE - 1].id
        # Next starts after the page's last volume, Previous has nowhere
        # to go.
        self.assertIn('data-marker="%s" data-offset="%d"'
                      % (last_shown, PAGE_SIZE), first)
        self.assertRegex(first, r'volsnap-picker-prev"\s+disabled')
        self.mock_volume_page.reset_mock()
        second = self.client.get(SEARCH_URL, {
            'q': 'web', 'marker': last_shown,
            'offset': str(PAGE_SIZE)}).content.decode()
        self.mock_volume_page.assert_called_once_with(
            helpers.IsHttpRequest(), search_opts={'name~': 'web'},
            limit=PAGE_SIZE + 1, sort='name:asc', marker=last_shown)
        self.assertIn('Showing %d–%d of %d volumes' % (
            PAGE_SIZE + 1, 2 * PAGE_SIZE, 3 * PAGE_SIZE), second)
        self.assertIn('matching "web"', second)
        self.assertNotRegex(second, r'volsnap-picker-prev"\s+disabled')

    @helpers.create_mocks({cinder: PICKER_CALLS})
    def test_a_made_up_offset_or_marker_is_bounded(self):
        self.mock_cloud(volumes(2, 'web'), total=2)
        res = self.client.get(SEARCH_URL, {'marker': 'x' * 500,
                                           'offset': 'lots'})
        self.assertEqual(200, res.status_code)
        self.assertEqual('x' * 64,
                         self.mock_volume_page.call_args.kwargs['marker'])
        self.assertContains(res, 'Showing 2 of 2 volumes')

    @helpers.create_mocks({cinder: PICKER_CALLS})
    def test_nothing_found_on_an_exact_name_cloud_says_why(self):
        self.mock_cloud([], total=0, name_key='name')
        res = self.client.get(SEARCH_URL, {'q': 'we'})
        self.mock_volume_page.assert_called_once_with(
            helpers.IsHttpRequest(), search_opts={'name': 'we'},
            limit=PAGE_SIZE + 1, sort='name:asc', marker=None)
        self.assertContains(res, 'No volume matches "we".')
        self.assertContains(res, 'This cloud matches whole names only.')

    @helpers.create_mocks({cinder: PICKER_CALLS})
    def test_search_text_is_escaped(self):
        self.mock_cloud([], total=0)
        res = self.client.get(SEARCH_URL, {'q': '<script>x</script>'})
        self.assertNotContains(res, '<script>x')
        self.assertContains(res, '&lt;script&gt;x')

    @helpers.create_mocks({cinder: PICKER_CALLS})
    def test_cinder_failure_is_a_message_in_the_picker(self):
        self.mock_cloud()
        self.mock_volume_page.side_effect = errors.ServiceUnavailable()
        res = self.client.get(SEARCH_URL, {'q': 'web'})
        self.assertEqual(200, res.status_code)
        self.assertContains(res, 'Unable to search volumes')


class ProtectPostTests(PickerTestCase):

    @helpers.create_mocks({cinder: PICKER_CALLS})
    def test_protect_one_volume_found_in_the_whole_listing(self):
        self.mock_cloud(everything=[fixtures.volume('vol-9', 'zz'),
                                    fixtures.volume()])
        res = self.post()
        self.assertNoFormErrors(res)
        self.assertRedirectsNoFollow(res, INDEX_URL)
        self.mock_volume_list.assert_called_once_with(
            helpers.IsHttpRequest())
        [(volume_id, values)] = self.protected()
        self.assertEqual('vol-1', volume_id)
        self.assertEqual({'snapshot_name': 'nightly',
                          'description': 'before upgrade', 'force': False},
                         values)
        self.assertIsInstance(
            self.mock_snapshot_protect.call_args.args[1],
            cinder_snapshot.CinderSnapshotProtectionPlugin)

    @helpers.create_mocks({cinder: PICKER_CALLS})
    def test_several_volumes_get_their_volume_name_in_the_snapshot_name(
            self):
        self.mock_cloud(everything=[fixtures.volume('vol-1', 'db'),
                                    fixtures.volume('vol-2', 'web'),
                                    fixtures.volume('vol-3', '')])
        res = self.post(volumes=['vol-1', 'vol-2', 'vol-3', 'vol-2'])
        self.assertNoFormErrors(res)
        self.assertEqual(
            [('vol-1', 'nightly-db'), ('vol-2', 'nightly-web'),
             ('vol-3', 'nightly-vol-3')],
            [(volume_id, values['snapshot_name'])
             for volume_id, values in self.protected()])

    @helpers.create_mocks({cinder: PICKER_CALLS})
    def test_several_volumes_without_a_name_keep_the_plugins_default(self):
        self.mock_cloud(everything=[fixtures.volume('vol-1', 'db'),
                                    fixtures.volume('vol-2', 'web')])
        self.post(volumes=['vol-1', 'vol-2'], option_snapshot_name='')
        # Empty: the plugin names each snapshot after its volume.
        self.assertEqual(['', ''], [values['snapshot_name']
                                    for _id, values in self.protected()])

    @helpers.create_mocks({cinder: PICKER_CALLS})
    def test_one_volume_keeps_the_name_as_given(self):
        self.mock_cloud()
        self.post()
        self.assertEqual('nightly', self.protected()[0][1]['snapshot_name'])

    @helpers.create_mocks({cinder: PICKER_CALLS})
    def test_double_submission_creates_one_snapshot(self):
        self.mock_cloud()
        form = self.client.get(PROTECT_URL).context['form']
        data = {'submission': form.fields['submission'].initial,
                'volumes': ['vol-1'], 'option_snapshot_name': 'n',
                'option_description': ''}
        self.client.post(PROTECT_URL, data)
        res = self.client.post(PROTECT_URL, data)
        self.assertEqual(1, self.mock_snapshot_protect.call_count)
        self.assertRedirectsNoFollow(res, INDEX_URL)

    @helpers.create_mocks({cinder: PICKER_CALLS})
    def test_no_volume_selected_is_said_at_the_top_of_the_picker(self):
        self.mock_cloud(everything=volumes(3))
        res = self.post(volumes=[])
        self.assertFormErrors(res, 1, 'Select at least one volume.')
        html = res.content.decode()
        self.assertLess(html.index('Select at least one volume.'),
                        html.index('id="id_volumes_search"'))
        self.assertIn('aria-describedby="id_volumes_errors id_volumes_help"',
                      html)
        self.mock_snapshot_protect.assert_not_called()

    @helpers.create_mocks({cinder: PICKER_CALLS})
    def test_refused_form_keeps_the_picks_first(self):
        self.mock_cloud(everything=volumes(8))
        res = self.post(volumes=['vol-0006', 'vol-0002'],
                        option_snapshot_name='x' * 300)
        self.assertFormErrors(res, 1)
        html = res.content.decode()
        self.assertEqual(['vol-0006', 'vol-0002'],
                         checkbox_values(html, 'selected'))
        self.assertEqual(['vol-0000', 'vol-0001', 'vol-0003', 'vol-0004',
                          'vol-0005'], checkbox_values(html, 'results'))
        self.assertIn('Showing 5 of 6 volumes', html)
        self.mock_snapshot_protect.assert_not_called()

    @helpers.create_mocks({cinder: PICKER_CALLS})
    def test_unknown_or_unprotectable_volume_is_refused_by_name(self):
        self.mock_cloud(everything=[fixtures.volume(),
                                    fixtures.volume('vol-e', 'broken',
                                                    status='error')])
        res = self.post(volumes=['not-a-volume-of-yours'])
        self.assertContains(res, 'Volume &quot;not-a-volume-of-yours&quot; '
                                 'cannot be picked')
        res = self.post(volumes=['vol-e'])
        self.assertContains(res, 'Volume &quot;broken&quot; cannot be picked')
        self.mock_snapshot_protect.assert_not_called()

    @helpers.create_mocks({cinder: PICKER_CALLS})
    def test_over_quota_is_refused_with_the_bars_number_format(self):
        limits = {'maxTotalSnapshots': 1007, 'totalSnapshotsUsed': 1006,
                  'maxTotalVolumeGigabytes': 5000,
                  'totalGigabytesUsed': 1200}
        self.mock_cloud(everything=volumes(3), limits=limits)
        res = self.post(volumes=['vol-0000', 'vol-0001'])
        self.assertContains(res, 'Your quota of snapshots would be '
                                 'exceeded: 1,006 of 1,007 are used, and 2 '
                                 'more were asked for')
        self.assertContains(res, '1,006 of 1,007 Used')
        self.assertContains(res, '1,200 of 5,000 GiB Used')
        self.mock_snapshot_protect.assert_not_called()

    @helpers.create_mocks({cinder: PICKER_CALLS})
    def test_storage_quota_counts_the_ticked_sizes(self):
        limits = dict(fixtures.LIMITS, maxTotalVolumeGigabytes=1003,
                      totalGigabytesUsed=1000)
        self.mock_cloud(everything=volumes(3), limits=limits)
        res = self.post(volumes=['vol-0001', 'vol-0002'])  # 2 + 3 GiB
        self.assertContains(res, '1,000 of 1,003 GiB are used, and 5 GiB')

    @helpers.create_mocks({cinder: PICKER_CALLS})
    def test_cinders_over_quota_answer_is_a_clear_message(self):
        self.mock_cloud()
        self.mock_snapshot_protect.side_effect = errors.OverQuota(
            detail='SnapshotLimitExceeded')
        res = self.post()
        self.assertEqual(200, res.status_code)
        self.assertContains(res, 'Unable to protect volume')
        self.assertContains(res, 'exceeds the project')


class ForceTests(PickerTestCase):

    @helpers.create_mocks({cinder: PICKER_CALLS})
    def test_force_hidden_where_it_means_nothing(self):
        self.mock_cloud([fixtures.volume(status='in-use')],
                        force_supported=False)
        res = self.client.get(PROTECT_URL)
        self.assertNotIn('option_force', res.context['form'].fields)
        self.assertNotContains(res, 'Force')
        res = self.post()
        self.assertNoFormErrors(res)
        self.assertIs(False, self.protected()[0][1]['force'])

    @helpers.create_mocks({cinder: PICKER_CALLS})
    def test_in_use_volume_needs_force_before_3_66(self):
        self.mock_cloud([fixtures.volume(status='in-use')],
                        force_supported=True)
        res = self.client.get(PROTECT_URL)
        self.assertEqual(['submission', 'volumes', 'option_snapshot_name',
                          'option_description', 'option_force'],
                         list(res.context['form'].fields))
        self.assertContains(res, 'Required to protect a volume that is in '
                                 'use.')
        res = self.post()
        self.assertContains(res, 'is in use: check Force')
        self.mock_snapshot_protect.assert_not_called()
        res = self.post(option_force='on')
        self.assertNoFormErrors(res)
        self.assertTrue(self.protected()[0][1]['force'])


class SchemaWordingTests(SimpleTestCase):

    def test_texts_speak_to_users(self):
        plugin = registry.volume_plugin()
        texts = json.dumps([plugin.get_options_schema(),
                            plugin.get_restore_schema()])
        for jargon in ('If force is True', 'schema', 'True', 'plugin'):
            self.assertNotIn(jargon, texts)

    def test_name_help_explains_names_of_several_volumes(self):
        field = forms.ProtectForm.base_fields['volumes']
        self.assertIn('Each selected volume gets its own snapshot',
                      str(field.help_text))


class SnapshotNameTests(SimpleTestCase):

    def test_name_and_volume_name(self):
        volume = fixtures.volume(name='web')
        self.assertEqual('nightly-web', forms.snapshot_name_for('nightly',
                                                                volume))

    def test_long_names_fit_cinders_255_characters(self):
        volume = fixtures.volume(name='v' * 255)
        name = forms.snapshot_name_for('n' * 255, volume)
        self.assertEqual(255, len(name))
        self.assertTrue(name.startswith('n' * 127 + '-v'))

    def test_volumes_with_long_names_still_differ(self):
        first = forms.snapshot_name_for('n' * 255, fixtures.volume(
            name='a' * 100 + '-first'))
        second = forms.snapshot_name_for('n' * 255, fixtures.volume(
            name='a' * 100 + '-second'))
        self.assertNotEqual(first, second)


class RestoreTests(helpers.TestCase):

    def setUp(self):
        super().setUp()
        cache.clear()

    def mock_cloud(self, snapshot=None, limits=None):
        self.mock_snapshot_get.return_value = snapshot or fixtures.snapshot()
        self.mock_absolute_limits.return_value = dict(
            fixtures.LIMITS, **dict({'maxTotalVolumes': 1200,
                                     'totalVolumesUsed': 1100},
                                    **(limits or {})))

    def post(self, **data):
        form = self.client.get(restore_url()).context['form']
        return self.client.post(restore_url(), dict(
            {'submission': form.fields['submission'].initial, 'size': 2},
            **data))

    @helpers.create_mocks({cinder: ['snapshot_get', 'absolute_limits']})
    def test_create_volume_conventions(self):
        self.mock_cloud(fixtures.snapshot(name='nightly', size=2))
        res = self.client.get(restore_url())
        form = res.context['form']
        self.assertEqual(['submission', 'restore__restore_name',
                          'restore__restore_description', 'size'],
                         list(form.fields))
        self.assertEqual('Volume Name',
                         form.fields['restore__restore_name'].label)
        self.assertEqual('nightly-restore',
                         form['restore__restore_name'].value())
        self.assertContains(res, 'value="nightly-restore"')
        self.assertContains(res, 'At least 2 GiB: a volume cannot be '
                                 'smaller than the snapshot')
        self.assertContains(res, 'min="2"')
        html = res.content.decode()
        # Horizon's bars: storage follows the size, volumes get one more.
        self.assertRegex(html, r'id="quota_size"[^>]*data-quota-used="10" '
                               r'data-quota-limit="1000"\s*'
                               r'data-volsnap-pending-of="id_size" '
                               r'data-pending="2"')
        self.assertRegex(html, r'id="quota_volumes"[^>]*'
                               r'data-volsnap-pending-of="one"')
        self.assertIn('1,100 of 1,200 Used', html)

    @helpers.create_mocks({cinder: ['snapshot_get', 'absolute_limits',
                                    'volume_create_from_snapshot']})
    def test_restore_links_the_new_volume_escaped(self):
        self.mock_cloud(fixtures.snapshot(name='<b>snap</b>'))
        self.mock_volume_create_from_snapshot.return_value = \
            fixtures.volume('vol-new', name='<i>copy</i>')
        res = self.post(size=3, restore__restore_name='<i>copy</i>')
        self.assertRedirectsNoFollow(res, INDEX_URL)
        args = self.mock_volume_create_from_snapshot.call_args
        self.assertEqual({'restore_name': '<i>copy</i>'}, args.args[3])
        self.assertEqual(3, args.kwargs['size'])
        stored = [str(m) for m in self._messages()]
        self.assertTrue(any('href="/project/volumes/vol-new/"' in m and
                            '&lt;i&gt;copy&lt;/i&gt;' in m and
                            '&lt;b&gt;snap' in m for m in stored), stored)

    def _messages(self):
        from django.contrib.messages.storage.cookie import CookieStorage
        storage = CookieStorage(mock.Mock(COOKIES={
            'messages': self.client.cookies['messages'].value}))
        return list(storage)

    @helpers.create_mocks({cinder: ['snapshot_get', 'absolute_limits']})
    def test_smaller_size_is_refused(self):
        self.mock_cloud(fixtures.snapshot(size=5))
        res = self.post(size=4)
        self.assertFormErrors(res, 1)

    @helpers.create_mocks({cinder: ['snapshot_get', 'absolute_limits',
                                    'volume_create_from_snapshot']})
    def test_over_quota_is_refused_with_formatted_numbers(self):
        self.mock_cloud(limits={'maxTotalVolumes': 1100})
        res = self.post()
        self.assertContains(res, '1,100 of 1,100 volumes exist')
        self.mock_cloud(limits={'maxTotalVolumeGigabytes': 1011})
        res = self.post(size=1002)
        self.assertContains(res, '10 of 1,011 GiB are used, and the new '
                                 'volume needs 1,002 GiB')
        self.mock_volume_create_from_snapshot.assert_not_called()

    @helpers.create_mocks({cinder: ['snapshot_get', 'absolute_limits',
                                    'volume_create_from_snapshot']})
    def test_restore_works_when_the_quota_cannot_be_read(self):
        self.mock_cloud()
        self.mock_absolute_limits.side_effect = errors.ServiceUnavailable()
        self.mock_volume_create_from_snapshot.return_value = \
            fixtures.volume('vol-new')
        res = self.client.get(restore_url())
        self.assertEqual(200, res.status_code)
        self.assertNotContains(res, 'quota_volumes')
        res = self.post()
        self.assertRedirectsNoFollow(res, INDEX_URL)

    @helpers.create_mocks({cinder: ['snapshot_get']})
    def test_snapshot_deleted_by_someone_else(self):
        self.mock_snapshot_get.side_effect = errors.NotFound()
        res = self.client.get(restore_url())
        self.assertRedirectsNoFollow(res, INDEX_URL)


class ProtectWithBackupsTests(PickerTestCase):
    """The provider's second plugin (backups): its own fields, words and
    quota, chosen by the form's "Protect with" links."""

    url = PROTECT_URL + '?plugin=cinder-backup'

    @helpers.create_mocks({cinder: PICKER_CALLS})
    def test_the_form_is_the_backup_plugins_own(self):
        self.mock_cloud(force_supported=True)
        res = self.client.get(self.url)
        self.assertEqual(
            ['submission', 'volumes', 'option_backup_name',
             'option_description', 'option_incremental',
             'option_full_every', 'option_force', 'option_from_snapshot'],
            list(res.context['form'].fields))
        self.assertContains(res, 'Backups: Limits')
        self.assertContains(res, 'Number of backups')
        self.assertContains(res, 'outlives the loss of that storage')
        # A page: the other plugin's form is a page too.
        self.assertContains(
            res, 'href="/project/volume_protection/protect/" '
                 'data-plugin="cinder-snapshot"')
        # A modal: it loads in the modal's place.
        modal = self.client.get(self.url,
                                HTTP_X_REQUESTED_WITH='XMLHttpRequest')
        self.assertContains(
            modal, 'href="/project/volume_protection/protect/" '
                   'class="ajax-modal" data-plugin="cinder-snapshot"')
        self.assertContains(res, 'action="%s"' % self.url)
        self.assertEqual('cinder-backup',
                         self.mock_protection_quota.call_args.args[1].name)

    @helpers.create_mocks({cinder: PICKER_CALLS})
    def test_a_post_backs_up_and_says_so(self):
        self.mock_cloud(force_supported=True)
        form = self.client.get(self.url).context['form']
        res = self.client.post(self.url, {
            'submission': form.fields['submission'].initial,
            'volumes': ['vol-1'], 'option_backup_name': 'weekly',
            'option_description': '', 'option_incremental': 'on',
            'option_full_every': '7'})
        self.assertRedirectsNoFollow(res, INDEX_URL)
        [(volume_id, values)] = self.protected()
        self.assertEqual(('vol-1', {
            'backup_name': 'weekly', 'description': '', 'incremental': True,
            'full_every': 7, 'force': False,
            'from_snapshot': False}), (volume_id, values))
        self.assertEqual('cinder-backup',
                         self.mock_snapshot_protect.call_args.args[1].name)
        self.assertIn('its backup is being created', ' '.join(
            str(message) for message in get_messages(res.wsgi_request)))

    @helpers.create_mocks({cinder: PICKER_CALLS})
    def test_a_plugin_not_offered_is_said(self):
        self.mock_cloud()
        res = self.client.get(PROTECT_URL + '?plugin=tape')
        self.assertRedirectsNoFollow(res, INDEX_URL)
