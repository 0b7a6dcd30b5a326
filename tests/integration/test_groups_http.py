"""Consistent multi-volume protection over HTTP against the dev cloud:
Protect Volumes as one group snapshot of a volume group (Cinder's generic
group implementation on the fake driver), its members shown as one
protection, Restore Group to a new volume group, one member restored on
its own, Delete Group Snapshot; refusals in the panel's words."""

from tests.integration import group_fixtures
from tests.integration import test_panel_http
from tools.devkit import cinder as devcloud
from tools.devkit import horizon_client

INDEX = '/project/volume_protection/'
PROTECT = INDEX + 'protect/'


def group_page(group_snapshot_id):
    return INDEX + 'group_snapshots/%s/' % group_snapshot_id


def messages_of(response):
    return [str(m) for m in response.context['messages']] \
        if response.context and 'messages' in response.context else []


def protect(client, volume_ids, name, as_group=True):
    form = {'submission': test_panel_http.submission_token(client, PROTECT),
            'volumes': volume_ids, 'option_snapshot_name': name,
            'option_description': 'consistent'}
    if as_group:
        form['consistent_group'] = 'on'
    return horizon_client.post(client, PROTECT, form)


def test_group_snapshot_protect_list_restore_and_delete():
    demo = devcloud.cinder_as('demo')
    with group_fixtures.volume_group('itest-group') as (group, volumes):
        client = horizon_client.login('demo')
        form = client.get(PROTECT).content.decode()
        assert 'As a consistent group snapshot' in form
        assert 'not crash-consistent across volumes' in form
        # The picker names the volumes' group.
        assert 'in volume group itest-group' in form

        # A volume outside the group: refused, nothing made.
        outside = next(v for v in demo.volumes.list()
                       if v.name == 'demo-web')
        refused = protect(client, [volumes[0].id, outside.id],
                          'itest-group-refused')
        assert refused.status_code == 200
        assert b'demo-web is in no volume group' in refused.content
        assert not group_fixtures.group_snapshots_of(demo, group.id)

        # One of the group's volumes picked: the whole group, one call.
        done = protect(client, [volumes[0].id], 'itest-group-snap')
        assert done.status_code == 302, done.content[:2000]
        made = group_fixtures.group_snapshots_of(demo, group.id)
        assert [gs.name for gs in made] == ['itest-group-snap']
        group_snapshot = made[0]
        group_fixtures.until(
            lambda: demo.group_snapshots.get(group_snapshot.id).status ==
            'available', 'the group snapshot')
        members = [s for s in demo.volume_snapshots.list()
                   if getattr(s, 'group_snapshot_id', None) ==
                   group_snapshot.id]
        assert sorted(s.volume_id for s in members) == sorted(
            v.id for v in volumes)

        # The Snapshots tab: both members point at one group snapshot page,
        # and neither offers Delete on its own (Cinder refuses it).
        index = client.get(INDEX).content.decode()
        assert index.count(group_page(group_snapshot.id)) == 2
        for member in members:
            assert INDEX + member.id + '/restore/' in index
            assert ('protected_snapshots__delete__%s' % member.id
                    not in index)

        page = client.get(group_page(group_snapshot.id)).content.decode()
        for member in members:
            assert INDEX + member.id + '/' in page
        for volume in volumes:
            assert volume.name in page
        assert group_page(group_snapshot.id) + 'restore/' in page
        assert group_page(group_snapshot.id) + 'delete/' in page

        # From a member's row, Restore Group opens the same form.
        from_row = client.get(INDEX + members[0].id + '/restore_group/')
        assert from_row.status_code == 200
        assert ('action="%srestore/"' % group_page(group_snapshot.id)
                in from_row.content.decode())
        assert INDEX + members[0].id + '/restore_group/' in index

        # Restore Group: a new group with one volume per member.
        restored = horizon_client.post(
            client, group_page(group_snapshot.id) + 'restore/',
            {'name': 'itest-group-restored', 'description': ''},
            follow=True)
        assert any('Restoring group snapshot' in m
                   for m in messages_of(restored)), messages_of(restored)
        new_groups = group_fixtures.restored_groups(demo,
                                                    {group_snapshot.id})
        assert [g.name for g in new_groups] == ['itest-group-restored']
        group_fixtures.until_group(demo, new_groups[0].id)
        new_volumes = demo.volumes.list(
            search_opts={'group_id': new_groups[0].id})
        assert sorted(v.snapshot_id for v in new_volumes) == sorted(
            s.id for s in members)

        # One member on its own, as any snapshot.
        one = horizon_client.post(client, INDEX + members[0].id +
                                   '/restore/', {
                                       'submission': test_panel_http
                                       .submission_token(
                                           client, INDEX + members[0].id +
                                           '/restore/'),
                                       'restore__restore_name':
                                           'itest-group-member',
                                       'size': members[0].size})
        assert one.status_code == 302
        single = [v for v in demo.volumes.list()
                  if v.name == 'itest-group-member']
        assert len(single) == 1
        devcloud.until_status(demo.volumes, single[0].id, 'available')
        devcloud.delete_and_wait(demo.volumes, single[0].id)

        # Delete Group Snapshot: the confirmation names the members.
        confirm = client.get(group_page(group_snapshot.id) + 'delete/')
        assert confirm.status_code == 200
        assert b'its 2 member snapshots' in confirm.content
        group_fixtures.delete_group(demo, new_groups[0].id)
        deleted = horizon_client.post(
            client, group_page(group_snapshot.id) + 'delete/', {},
            follow=True)
        assert any('Deleting group snapshot' in m
                   for m in messages_of(deleted)), messages_of(deleted)
        group_fixtures.until(
            lambda: not group_fixtures.group_snapshots_of(demo, group.id),
            'the group snapshot to be deleted')
        left = [s for s in demo.volume_snapshots.list()
                if getattr(s, 'group_snapshot_id', None) ==
                group_snapshot.id]
        assert left == []


def test_an_unknown_group_snapshot_is_not_found_in_the_panels_words():
    client = horizon_client.login('demo')
    response = client.get(group_page('00000000-0000-0000-0000-000000000000'),
                          follow=True)
    assert response.status_code == 200
    assert any('was not found' in m for m in messages_of(response))
    made_up = client.get(group_page('../detail'), follow=True)
    assert made_up.status_code in (200, 404)
