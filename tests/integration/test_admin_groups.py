"""The admin panel and a group snapshot of demo's, over HTTP against the
dev cloud: its members on the admin Snapshots tab name it (one group
snapshot listing of every project) and offer no Delete of their own; its
admin page lists the members with their project; Delete Group Snapshot
from that page deletes it with its members; demo is refused the page.
The same in the browser, which saves the admin's group snapshot page as
readme-admin-group-snapshot.png (doc/images/admin-group-snapshot.png)."""

import os
import re

from playwright.sync_api import expect
import pytest

from tests.integration import group_fixtures
from tests.integration import test_admin_panel
from tests.integration import test_verify_http
from tests.integration.test_browser import SCREENSHOTS
from tests.integration.test_browser import browser  # noqa: F401
from tests.integration.test_browser import logged_in_page
from tests.integration.test_browser import server  # noqa: F401
from tools.devkit import horizon_client

ADMIN_INDEX = test_admin_panel.ADMIN_INDEX


def group_page(group_snapshot_id):
    return ADMIN_INDEX + 'group_snapshots/%s/' % group_snapshot_id


def demo_group_snapshot(group, name):
    demo = group_fixtures.group_client()
    made = demo.group_snapshots.create(group.id, name=name)
    group_fixtures.until(
        lambda: demo.group_snapshots.get(made.id).status == 'available',
        'the group snapshot')
    members = [s for s in demo.volume_snapshots.list()
               if getattr(s, 'group_snapshot_id', None) == made.id]
    return made, members


def test_admin_sees_deletes_a_projects_group_snapshot():
    with group_fixtures.volume_group('itest-adgroup') as (group, volumes):
        group_snapshot, members = demo_group_snapshot(group,
                                                      'itest-adgroup-snap')
        assert len(members) == 2
        client = horizon_client.login('admin')
        client.get(ADMIN_INDEX)  # the microversion is negotiated once
        pages = []
        sent = test_admin_panel.cinder_requests(
            lambda: pages.append(client.get(ADMIN_INDEX)))
        index = pages[0].content.decode()
        # One listing of every project's group snapshots names demo's.
        listings = [url for url in sent if '/group_snapshots' in url]
        assert len(listings) == 1 and 'all_tenants' in listings[0], sent
        for member in members:
            row = test_verify_http.row_of(pages[0].content, member.id)
            assert group_page(group_snapshot.id) in row
            assert 'itest-adgroup-snap' in row
            assert re.search(r'<td[^>]*>\s*demo\s*</td>', row), row
            # Cinder deletes members only with their group snapshot.
            assert 'admin_snapshots__delete__' not in row
            assert 'admin_snapshots__force_delete__' not in row
        assert index.count(group_page(group_snapshot.id)) == 2

        page = client.get(group_page(group_snapshot.id))
        assert page.status_code == 200
        content = page.content.decode()
        assert 'itest-adgroup-snap' in content
        # demo's volume group named, from a listing of every project's.
        assert page.context['group_name'] == 'itest-adgroup'
        for member in members:
            assert ADMIN_INDEX + member.id + '/' in content
        for volume in volumes:
            assert volume.name in content
        assert [m.project_name for m in page.context['members']] == \
            ['demo', 'demo']
        delete_url = group_page(group_snapshot.id) + 'delete/'
        assert delete_url in content
        # Restore Group would make the group in the admin's project.
        assert 'volsnap-restore-group' not in content

        refused = horizon_client.login('demo').get(
            group_page(group_snapshot.id))
        assert refused.status_code == 403

        form = client.get(delete_url)
        assert form.status_code == 200
        assert b'its 2 member snapshots are' in form.content
        done = horizon_client.post(client, delete_url, {})
        assert done.status_code == 302
        assert done['Location'].endswith(ADMIN_INDEX)
        until_deleted(group_snapshot.id)
        demo = group_fixtures.group_client()
        left = {s.id for s in demo.volume_snapshots.list()}
        assert not left & {m.id for m in members}


def test_a_group_snapshot_that_is_gone_says_so():
    client = horizon_client.login('admin')
    gone = '00000000-0000-4000-8000-000000000000'
    response = client.get(group_page(gone), follow=True)
    assert response.status_code == 200
    assert ('Group snapshot %s was not found' % gone).encode() in \
        response.content


def until_deleted(group_snapshot_id):
    demo = group_fixtures.group_client()
    group_fixtures.until(
        lambda: group_snapshot_id not in
        {gs.id for gs in demo.group_snapshots.list()},
        'the group snapshot to be deleted')


@pytest.mark.browser
def test_admin_opens_and_deletes_a_group_snapshot_in_the_browser(
        browser, server):  # noqa: F811
    with group_fixtures.volume_group('browser-adgroup') as (group, volumes):
        group_snapshot, _members = demo_group_snapshot(
            group, 'browser-adgroup-snap')
        page = logged_in_page(browser, server, 'admin')
        page.goto(server.url + ADMIN_INDEX)
        rows = page.locator('#admin_snapshots tbody tr',
                            has_text='browser-adgroup-snap')
        expect(rows).to_have_count(2)
        for index in range(2):  # after the checkbox, the project
            expect(rows.nth(index).locator('td').nth(1)).to_have_text(
                'demo')
        page.screenshot(path=os.path.join(SCREENSHOTS,
                                          'admin-group-snapshot-rows.png'))
        links = page.locator('#admin_snapshots a[href="%s"]'
                             % group_page(group_snapshot.id))
        expect(links).to_have_count(2)
        links.last.click()

        page.wait_for_url(re.compile(group_snapshot.id))
        expect(page.locator('#volsnap-volume-group')).to_contain_text(
            'browser-adgroup (%s)' % group.id)
        members = page.locator('#volsnap-group-members tbody tr')
        expect(members).to_have_count(2)
        for volume in volumes:
            expect(page.locator('#volsnap-group-members',
                                has_text=volume.name)).to_have_count(1)
        expect(members.filter(has_text='demo')).to_have_count(2)
        page.screenshot(path=os.path.join(SCREENSHOTS,
                                          'readme-admin-group-snapshot.png'))

        page.click('#volsnap-delete-group-snapshot')
        modal = page.locator('#delete_group_snapshot_modal')
        expect(modal).to_contain_text('its 2 member snapshots')
        modal.locator('input[type=submit], button[type=submit]').last.click()
        expect(page.locator('.alert-success').first).to_contain_text(
            'Deleting group snapshot "browser-adgroup-snap"')
        page.wait_for_url(re.compile(ADMIN_INDEX + '$'))
        until_deleted(group_snapshot.id)
