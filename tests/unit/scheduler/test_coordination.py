"""tooz coordination on the file:// backend (no server needed)."""

import pytest

from volsnap_dashboard.scheduler import coordination


@pytest.fixture
def url(tmp_path):
    return 'file://%s' % (tmp_path / 'coordination')


def test_a_run_lock_is_held_by_one_coordinator_at_a_time(url):
    with coordination.Coordinator(url, 'one') as first, \
            coordination.Coordinator(url, 'two') as second:
        with first.run_lock('ab12cd34', '2026-03-29T01:00:00Z') as held:
            assert held
            with second.run_lock('ab12cd34',
                                 '2026-03-29T01:00:00Z') as other:
                assert not other
            # Another slot of the same schedule is another run.
            with second.run_lock('ab12cd34',
                                 '2026-03-29T02:00:00Z') as other:
                assert other
        with second.run_lock('ab12cd34', '2026-03-29T01:00:00Z') as held:
            assert held


def test_without_a_group_every_schedule_is_evaluated(url):
    with coordination.Coordinator(url, 'solo') as solo:
        assert all(solo.owns('%08x' % n) for n in range(20))


def test_a_partitioned_group_splits_schedules_once_each(url):
    schedule_ids = ['%08x' % (n * 7919) for n in range(30)]
    with coordination.Coordinator(url, 'a', partitioned=True) as a, \
            coordination.Coordinator(url, 'b', partitioned=True) as b:
        for member in (a, b, a, b):
            member.refresh()
        owners = [(a.owns(sid), b.owns(sid)) for sid in schedule_ids]
    assert all(mine != theirs for mine, theirs in owners), owners
    assert any(mine for mine, _ in owners)
    assert any(theirs for _, theirs in owners)


def test_backend_urls_are_logged_without_their_password():
    assert coordination._safe_url('redis://:pw@127.0.0.1:6379?db=1') == \
        'redis://***@127.0.0.1:6379?db=1'
    assert coordination._safe_url('file:///var/lib/x') == 'file:///var/lib/x'


def test_lock_names_are_per_schedule_and_slot():
    assert coordination.lock_name('ab12cd34', '2026-03-29T01:00:00Z') == \
        b'volsnap-run:ab12cd34:2026-03-29T01:00:00Z'
