"""Consistent multi-volume protection in the browser: a volume group's
two volumes protected "as a consistent group snapshot", the two member
rows linked to one group snapshot page, Restore Group (from a member's
row) to a new volume group, Delete Group Snapshot confirmed (Playwright
and Debian's chromium on the dev cloud). Saves the group snapshot's page
as readme-group-snapshot.png (doc/images/group-snapshot.png)."""

import os
import re

from playwright.sync_api import expect
import pytest

from tests.integration import group_fixtures
from tests.integration.test_browser import SCREENSHOTS
from tests.integration.test_browser import browser  # noqa: F401
from tests.integration.test_browser import choose_from_row_menu
from tests.integration.test_browser import logged_in_page
from tests.integration.test_browser import row
from tests.integration.test_browser import server  # noqa: F401
from tools.devkit import cinder as devcloud

pytestmark = pytest.mark.browser


def members_of(demo, group_snapshot_id):
    return [s for s in demo.volume_snapshots.list()
            if getattr(s, 'group_snapshot_id', None) == group_snapshot_id]


def test_protect_a_group_then_restore_and_delete_it(browser,  # noqa: F811
                                                    server):  # noqa: F811
    demo = devcloud.cinder_as('demo')
    with group_fixtures.volume_group('browser-group') as (group, volumes):
        page = logged_in_page(browser, server, 'demo')
        page.click('#protected_snapshots__action_protect')
        modal = page.locator('.modal-dialog')
        expect(modal).to_contain_text('not crash-consistent across volumes')
        pending = modal.locator('#quota_snapshots ~ .volsnap-quota-pending'
                                ).first
        modal.get_by_label(re.compile(volumes[0].name)).check()
        expect(pending).to_contain_text('+1')
        # Horizon's themed checkbox: its label is what a user clicks.
        modal.locator('label[for=id_consistent_group]').click()
        expect(modal.locator('#id_consistent_group')).to_be_checked()
        # Cinder snapshots every volume of the group: the bars say so.
        expect(pending).to_contain_text('+%d' % len(volumes))
        for volume in volumes[1:]:
            modal.get_by_label(re.compile(volume.name)).check()
        expect(pending).to_contain_text('+%d' % len(volumes))
        modal.locator('#id_option_snapshot_name').fill('browser-group-snap')
        page.screenshot(path=os.path.join(SCREENSHOTS,
                                          'protect-group-form.png'))
        modal.locator('input[type=submit]').last.click()
        expect(page.locator('.alert-success').first).to_contain_text(
            'one consistent group snapshot')

        [group_snapshot] = group_fixtures.group_snapshots_of(demo, group.id)
        group_fixtures.until(
            lambda: demo.group_snapshots.get(group_snapshot.id).status ==
            'available', 'the group snapshot')
        assert sorted(s.volume_id for s in members_of(
            demo, group_snapshot.id)) == sorted(v.id for v in volumes)

        # Two rows, one protection: each links to the group snapshot.
        page.reload()
        rows = row(page, 'browser-group-snap')
        expect(rows).to_have_count(2)
        group_links = page.locator('#protected_snapshots a[href$="%s/"]'
                                   % group_snapshot.id)
        expect(group_links).to_have_count(2)
        page.screenshot(path=os.path.join(SCREENSHOTS,
                                          'group-snapshot-rows.png'))
        group_links.first.click()

        page.wait_for_url(re.compile(group_snapshot.id))
        expect(page.locator('.detail-title')).to_contain_text(
            'Group Snapshot: browser-group-snap')
        expect(page.locator('#volsnap-volume-group')).to_contain_text(
            'browser-group')
        members = page.locator('#volsnap-group-members tbody tr')
        expect(members).to_have_count(2)
        for volume in volumes:
            expect(page.locator('#volsnap-group-members')).to_contain_text(
                volume.name)
        page.screenshot(path=os.path.join(SCREENSHOTS,
                                          'readme-group-snapshot.png'))

        assert page.locator('#volsnap-restore-group').is_visible()
        # Restore Group from a member's row (the page's button opens the
        # same form).
        page.goto(server.url + '/project/volume_protection/')
        member_row = row(page, 'browser-group-snap').first
        choose_from_row_menu(
            member_row, member_row.locator('a', has_text='Restore Group'))
        modal = page.locator('#restore_group_modal')
        expect(modal).to_contain_text('2 new volumes, one from each member')
        modal.locator('#id_name').fill('browser-group-restored')
        modal.locator('input[type=submit]').click()
        expect(page.locator('.alert-success').first).to_contain_text(
            'new volume group browser-group-restored')
        [restored] = [g for g in demo.groups.list()
                      if g.name == 'browser-group-restored']
        # The message links the group, whose page lists its volumes.
        expect(page.locator('.alert-success a[href^="/project/volume_'
                            'groups/"]')).to_have_attribute(
            'href', '/project/volume_groups/%s' % restored.id)
        group_fixtures.until_group(demo, restored.id)
        made = demo.volumes.list(search_opts={'group_id': restored.id})
        assert len(made) == 2
        # Real drivers may refuse to delete a snapshot with volumes made
        # from it: the restored group goes first.
        group_fixtures.delete_group(demo, restored.id)

        page.goto(server.url + '/project/volume_protection/group_snapshots/'
                  '%s/' % group_snapshot.id)
        page.click('#volsnap-delete-group-snapshot')
        modal = page.locator('#delete_group_snapshot_modal')
        expect(modal).to_contain_text('its 2 member snapshots are deleted')
        modal.locator('input[type=submit]').click()
        expect(page.locator('.alert-success').first).to_contain_text(
            'Deleting group snapshot "browser-group-snap"')
        group_fixtures.until(
            lambda: not group_fixtures.group_snapshots_of(demo, group.id),
            'the group snapshot to be deleted')
        assert members_of(demo, group_snapshot.id) == []
