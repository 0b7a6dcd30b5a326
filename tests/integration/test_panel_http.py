"""The project panel's HTTP endpoints against the dev cloud, as a user's
browser would call them (without the browser)."""

import re

from tools.devkit import cinder as devcloud
from tools.devkit import horizon_client
from tools.devkit import identities

INDEX = '/project/volume_protection/'
PROTECT = INDEX + 'protect/'


def submission_token(client, url):
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    return page.context['form'].fields['submission'].initial


def protect(client, volume_id, name):
    return horizon_client.post(client, PROTECT, {
        'submission': submission_token(client, PROTECT),
        'volumes': [volume_id], 'option_snapshot_name': name,
        'option_description': 'through the panel'})


def snapshots_named(cinder, name):
    return [s for s in cinder.volume_snapshots.list() if s.name == name]


def test_protect_restore_delete_through_the_panel(demo_volume):
    demo = devcloud.cinder_as('demo')
    client = horizon_client.login('demo')
    response = protect(client, demo_volume.id, 'itest-panel')
    assert response.status_code == 302
    [snapshot] = snapshots_named(demo, 'itest-panel')
    devcloud.until_status(demo.volume_snapshots, snapshot.id, 'available')

    index = client.get(INDEX)
    assert b'itest-panel' in index.content

    restore_url = INDEX + snapshot.id + '/restore/'
    response = horizon_client.post(client, restore_url, {
        'submission': submission_token(client, restore_url), 'size': 1,
        'restore__restore_name': 'itest-panel-copy'})
    assert response.status_code == 302
    [restored] = [v for v in demo.volumes.list()
                  if v.name == 'itest-panel-copy']
    try:
        devcloud.until_status(demo.volumes, restored.id, 'available')
        assert restored.snapshot_id == snapshot.id
        detail = client.get(INDEX + snapshot.id + '/')
        assert detail.status_code == 200
        assert b'itest-panel-copy' in detail.content
    finally:
        devcloud.delete_and_wait(demo.volumes, restored.id)

    response = horizon_client.post(client, INDEX, {
        'action': 'protected_snapshots__delete',
        'object_ids': [snapshot.id]})
    assert response.status_code == 302
    devcloud.until_gone(demo.volume_snapshots, snapshot.id)


def test_double_submitted_protect_creates_one_snapshot(demo_volume):
    demo = devcloud.cinder_as('demo')
    client = horizon_client.login('demo')
    form = {'submission': submission_token(client, PROTECT),
            'volumes': [demo_volume.id],
            'option_snapshot_name': 'itest-twice',
            'option_description': ''}
    horizon_client.post(client, PROTECT, form)
    horizon_client.post(client, PROTECT, form)
    snapshots = snapshots_named(demo, 'itest-twice')
    try:
        assert len(snapshots) == 1
    finally:
        for snapshot in snapshots:
            devcloud.until_status(demo.volume_snapshots, snapshot.id,
                                 'available')
            devcloud.delete_and_wait(demo.volume_snapshots, snapshot.id)


def test_reader_sees_the_list_but_cannot_act(demo_volume):
    client = horizon_client.login('reader')
    index = client.get(INDEX)
    assert index.status_code == 200
    assert b'protected_snapshots__action_protect' not in index.content
    response = horizon_client.post(client, PROTECT, {
        'volumes': [demo_volume.id], 'option_snapshot_name': 'x',
        'option_description': ''})
    assert response.status_code in (302, 403)
    assert snapshots_named(devcloud.cinder_as('demo'), 'x') == []


def test_html_in_a_name_is_escaped_everywhere(demo_volume):
    demo = devcloud.cinder_as('demo')
    evil = '<img src=x onerror=alert(1)>'
    client = horizon_client.login('demo')
    protect(client, demo_volume.id, evil)
    [snapshot] = snapshots_named(demo, evil)
    try:
        devcloud.until_status(demo.volume_snapshots, snapshot.id, 'available')
        for url in (INDEX, INDEX + snapshot.id + '/',
                    INDEX + '?action=row_update&table=protected_snapshots'
                            '&obj_id=' + snapshot.id):
            page = client.get(url, HTTP_X_REQUESTED_WITH='XMLHttpRequest'
                              if 'row_update' in url else '')
            assert page.status_code == 200
            assert evil.encode() not in page.content, url
            assert b'&lt;img src=x onerror=alert(1)&gt;' in page.content, url
    finally:
        devcloud.delete_and_wait(demo.volume_snapshots, snapshot.id)


class _CountingSession:
    """Counts the HTTP requests the dashboard sends to Cinder, where they
    leave the process: at the shared connection pool, with full URLs (the
    session sees relative ones)."""

    def __init__(self, monkeypatch):
        from volsnap_dashboard.api import cinder as cinder_api
        self.calls = []
        pool = cinder_api._shared_http()
        real = pool.send

        def send(request, **kwargs):
            self.calls.append((request.method, request.url))
            return real(request, **kwargs)
        monkeypatch.setattr(pool, 'send', send)

    def cinder_calls(self):
        port = ':%s/' % identities.cinder_port()
        return [call for call in self.calls if port in call[1]]


def test_list_page_calls_cinder_a_constant_number_of_times(monkeypatch,
                                                           demo_volume):
    demo = devcloud.cinder_as('demo')
    client = horizon_client.login('demo')
    client.get(INDEX)  # the microversion is negotiated once, here
    counter = _CountingSession(monkeypatch)
    client.get(INDEX)
    few = len(counter.cinder_calls())
    created = [demo.volume_snapshots.create(demo_volume.id,
                                            name='itest-count-%d' % i)
               for i in range(4)]
    try:
        counter.calls.clear()
        page = client.get(INDEX)
        assert len(re.findall(rb'itest-count-\d', page.content)) >= 4
        assert len(counter.cinder_calls()) == few
        assert 1 <= few <= 2, counter.cinder_calls()
        assert not [c for c in counter.cinder_calls()
                    if re.search(r':\d+/?$', c[1])], 'version discovery'
    finally:
        for snapshot in created:
            devcloud.until_status(demo.volume_snapshots, snapshot.id,
                                 'available')
            devcloud.delete_and_wait(demo.volume_snapshots, snapshot.id)


def test_over_quota_is_refused_with_a_clear_message(demo_volume):
    admin = devcloud.cinder_as('admin')
    demo = devcloud.cinder_as('demo')
    project_id = horizon_client.request_for(
        horizon_client.login('demo')).user.project_id
    before = admin.quotas.get(project_id).snapshots
    # From the limits API: a listing stops at Cinder's page limit, and
    # other tools (tools/benchmark --keep) may leave many snapshots.
    used = devcloud.snapshots_in_use(demo)
    admin.quotas.update(project_id, snapshots=used)
    try:
        client = horizon_client.login('demo')
        form = client.get(PROTECT)
        # (the page groups thousands: 1,005)
        assert f'{used:,} of {used:,} Used'.encode() in form.content
        response = protect(client, demo_volume.id, 'itest-over-quota')
        assert response.status_code == 200
        assert b'quota of snapshots would be exceeded' in response.content
        assert snapshots_named(demo, 'itest-over-quota') == []
    finally:
        admin.quotas.update(project_id, snapshots=before)


def test_snapshot_deleted_by_someone_else_between_list_and_action(
        demo_volume):
    demo = devcloud.cinder_as('demo')
    snapshot = demo.volume_snapshots.create(demo_volume.id,
                                            name='itest-vanishing')
    devcloud.until_status(demo.volume_snapshots, snapshot.id, 'available')
    client = horizon_client.login('demo')
    assert b'itest-vanishing' in client.get(INDEX).content
    devcloud.delete_and_wait(demo.volume_snapshots, snapshot.id)

    restore = client.get(INDEX + snapshot.id + '/restore/', follow=True)
    assert restore.status_code == 200
    assert b'was not found' in restore.content

    deleted = horizon_client.post(client, INDEX, {
        'action': 'protected_snapshots__delete',
        'object_ids': [snapshot.id]}, follow=True)
    assert deleted.status_code == 200
    assert b'no longer exists' in deleted.content
    assert b'Scheduled deletion' not in deleted.content


def test_edit_and_metadata_through_the_panel(demo_volume):
    demo = devcloud.cinder_as('demo')
    snapshot = demo.volume_snapshots.create(demo_volume.id,
                                            name='itest-edit',
                                            metadata={'old': 'gone'})
    try:
        devcloud.until_status(demo.volume_snapshots, snapshot.id, 'available')
        client = horizon_client.login('demo')
        edit = INDEX + snapshot.id + '/update/'
        response = horizon_client.post(client, edit, {
            'name': 'itest-edited', 'description': 'renamed <b>here</b>'})
        assert response.status_code == 302
        edited = demo.volume_snapshots.get(snapshot.id)
        assert (edited.name, edited.description) == (
            'itest-edited', 'renamed <b>here</b>')

        metadata = INDEX + snapshot.id + '/metadata/'
        form = client.get(metadata)
        assert b'old=gone' in form.content
        assert b'key=value pairs kept with the snapshot' in form.content
        shown = form.context['form'].initial['shown']
        response = horizon_client.post(client, metadata, {
            'metadata': 'tier=gold\nowner = team-a\n', 'shown': shown})
        assert response.status_code == 302
        assert demo.volume_snapshots.get(snapshot.id).metadata == {
            'tier': 'gold', 'owner': 'team-a'}

        # A key added by someone else after the form was opened is kept.
        shown = client.get(metadata).context['form'].initial['shown']
        demo.volume_snapshots.set_metadata(snapshot.id, {'added': 'later'})
        refused = horizon_client.post(client, metadata, {
            'metadata': 'tier=gold\n', 'shown': shown})
        assert refused.status_code == 200
        assert b'nothing was saved' in refused.content
        assert demo.volume_snapshots.get(snapshot.id).metadata == {
            'tier': 'gold', 'owner': 'team-a', 'added': 'later'}

        bad = horizon_client.post(client, metadata, {'metadata': 'novalue',
                                                      'shown': shown})
        assert bad.status_code == 200
        assert b'is not of the form key=value' in bad.content

        detail = client.get(INDEX + snapshot.id + '/')
        assert detail.status_code == 200
        assert b'team-a' in detail.content
        assert b'renamed &lt;b&gt;here&lt;/b&gt;' in detail.content
    finally:
        devcloud.delete_and_wait(demo.volume_snapshots, snapshot.id)


def test_default_names_of_long_volume_names_fit_cinder(dev_cloud):
    demo = devcloud.cinder_as('demo')
    long_name = 'itest-' + 'n' * 244
    with devcloud.temporary_volume(demo, long_name) as volume:
        client = horizon_client.login('demo')
        response = protect(client, volume.id, '')
        assert response.status_code == 302
        made = [s for s in demo.volume_snapshots.list()
                if s.volume_id == volume.id]
        try:
            assert len(made) == 1
            assert len(made[0].name) == 255
            assert made[0].name.endswith('-snapshot')
        finally:
            for snapshot in made:
                devcloud.until_status(demo.volume_snapshots, snapshot.id,
                                     'available')
                devcloud.delete_and_wait(demo.volume_snapshots, snapshot.id)


def test_name_filter_works_with_cinders_default_filters(dev_cloud,
                                                        demo_volume):
    demo = devcloud.cinder_as('demo')
    snapshot = demo.volume_snapshots.create(demo_volume.id,
                                            name='itest-filtered-name')
    try:
        client = horizon_client.login('demo')
        horizon_client.post(client, INDEX, {
            'protected_snapshots__filter__q_field': 'name',
            'protected_snapshots__filter__q': 'itest-filtered-name'})
        page = client.get(INDEX)
        assert page.status_code == 200
        text = page.content.decode()
        assert 'Unable to retrieve snapshots' not in text
        rows = page.context['table'].data
        assert [s.id for s in rows] == [snapshot.id]
        assert 'matches snapshot names exactly' in text
    finally:
        devcloud.until_status(demo.volume_snapshots, snapshot.id, 'available')
        devcloud.delete_and_wait(demo.volume_snapshots, snapshot.id)


def index_filtered(client, field, text):
    horizon_client.post(client, INDEX, {
        'protected_snapshots__filter__q_field': field,
        'protected_snapshots__filter__q': text})
    page = client.get(INDEX)
    assert page.status_code == 200
    return page


def test_detail_lists_volumes_made_with_horizons_create_volume(demo_volume):
    demo = devcloud.cinder_as('demo')
    snapshot = demo.volume_snapshots.create(demo_volume.id,
                                            name='itest-made-from')
    other = demo.volume_snapshots.create(demo_volume.id,
                                         name='itest-made-from-other')
    made = []
    try:
        for each in (snapshot, other):
            devcloud.until_status(demo.volume_snapshots, each.id, 'available')
        # As Horizon's own Create Volume does: no tag of ours.
        made = [demo.volumes.create(1, name='itest-by-horizon',
                                    snapshot_id=snapshot.id),
                demo.volumes.create(1, name='itest-from-other',
                                    snapshot_id=other.id)]
        for volume in made:
            devcloud.until_status(demo.volumes, volume.id, 'available')
        client = horizon_client.login('demo')
        client.get(INDEX + snapshot.id + '/')  # filters asked once
        counter_calls = []
        from volsnap_dashboard.api import cinder as cinder_api
        pool = cinder_api._shared_http()
        original = pool.send

        def send(request, **kwargs):
            if ':%s/' % identities.cinder_port() in request.url:
                counter_calls.append(request.url)
            return original(request, **kwargs)
        pool.send = send
        try:
            detail = client.get(INDEX + snapshot.id + '/')
        finally:
            del pool.send
        assert detail.status_code == 200
        assert [v.name for v in detail.context['restored_volumes']] == [
            'itest-by-horizon']
        volume_listings = [url for url in counter_calls
                           if '/volumes/detail' in url]
        # One listing, of the volumes made since the snapshot.
        assert len(volume_listings) == 1, counter_calls
        assert 'created_at=gte' in volume_listings[0]
    finally:
        for volume in made:
            devcloud.delete_and_wait(demo.volumes, volume.id)
        for each in (snapshot, other):
            devcloud.delete_and_wait(demo.volume_snapshots, each.id)


def test_a_snapshot_being_created_offers_what_cinder_accepts(demo_volume):
    demo = devcloud.cinder_as('demo')
    admin = devcloud.cinder_as('admin')
    snapshot = demo.volume_snapshots.create(demo_volume.id,
                                            name='itest-creating')
    try:
        devcloud.until_status(demo.volume_snapshots, snapshot.id, 'available')
        admin.volume_snapshots.reset_state(snapshot.id, 'creating')
        client = horizon_client.login('demo')
        page = index_filtered(client, 'status', 'creating')
        [row] = page.context['table'].data
        offered = [a.name for a in page.context['table'].get_row_actions(
            row)]
        assert 'delete' not in offered and 'restore' not in offered
        assert 'edit' in offered and 'update_metadata' in offered
        # What is offered, Cinder does.
        edit = INDEX + snapshot.id + '/update/'
        response = horizon_client.post(client, edit, {
            'name': 'itest-creating-renamed', 'description': ''})
        assert response.status_code == 302
        assert demo.volume_snapshots.get(snapshot.id).name == \
            'itest-creating-renamed'
    finally:
        admin.volume_snapshots.reset_state(snapshot.id, 'available')
        devcloud.delete_and_wait(demo.volume_snapshots, snapshot.id)


def test_status_filter_by_display_label(demo_volume):
    demo = devcloud.cinder_as('demo')
    admin = devcloud.cinder_as('admin')
    made = [demo.volume_snapshots.create(demo_volume.id, name=name)
            for name in ('itest-status-ok', 'itest-status-stuck')]
    try:
        for snapshot in made:
            devcloud.until_status(demo.volume_snapshots, snapshot.id,
                                 'available')
        admin.volume_snapshots.reset_state(made[1].id, 'error_deleting')
        client = horizon_client.login('demo')
        for text in ('error_deleting', 'Error Deleting'):
            page = index_filtered(client, 'status', text)
            names = [s.name for s in page.context['table'].data]
            assert 'itest-status-stuck' in names, text
            assert 'itest-status-ok' not in names, text
        assert b'<option value="error_deleting" selected' in \
            page.content.replace(b'\n', b'').replace(b'  ', b'')
    finally:
        admin.volume_snapshots.reset_state(made[1].id, 'available')
        for snapshot in made:
            devcloud.delete_and_wait(demo.volume_snapshots, snapshot.id)


def test_metadata_duplicates_and_emptying_over_http(demo_volume):
    demo = devcloud.cinder_as('demo')
    snapshot = demo.volume_snapshots.create(demo_volume.id,
                                            name='itest-meta-ask',
                                            metadata={'tier': 'gold'})
    try:
        devcloud.until_status(demo.volume_snapshots, snapshot.id, 'available')
        client = horizon_client.login('demo')
        url = INDEX + snapshot.id + '/metadata/'
        shown = client.get(url).context['form'].initial['shown']
        twice = horizon_client.post(client, url, {
            'metadata': 'tier=gold\ntier=silver', 'shown': shown})
        assert twice.status_code == 200
        assert b'is given on lines 1, 2' in twice.content
        emptied = horizon_client.post(client, url, {'metadata': '',
                                                     'shown': shown})
        assert emptied.status_code == 200
        assert b'saving removes every key' in emptied.content
        assert demo.volume_snapshots.get(snapshot.id).metadata == {
            'tier': 'gold'}
        confirmed = horizon_client.post(client, url, {
            'metadata': '', 'shown': shown, 'remove_all': 'on'})
        assert confirmed.status_code == 302
        assert demo.volume_snapshots.get(snapshot.id).metadata == {}
    finally:
        devcloud.delete_and_wait(demo.volume_snapshots, snapshot.id)


def test_another_projects_snapshot_is_not_found_not_deleted(demo_volume):
    demo = devcloud.cinder_as('demo')
    snapshot = demo.volume_snapshots.create(demo_volume.id,
                                            name='itest-not-yours')
    try:
        devcloud.until_status(demo.volume_snapshots, snapshot.id, 'available')
        client = horizon_client.login('alt')
        page = client.get(INDEX + snapshot.id + '/', follow=True)
        assert page.status_code == 200
        assert b'was not found' in page.content
        assert b'not in your project' in page.content
        assert b'someone else' not in page.content
    finally:
        devcloud.delete_and_wait(demo.volume_snapshots, snapshot.id)
