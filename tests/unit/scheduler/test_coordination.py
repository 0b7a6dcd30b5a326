"""tooz coordination on the file:// backend (no server needed)."""

import pytest
import tooz

from volsnap_dashboard.scheduler import coordination


@pytest.fixture
def url(tmp_path):
    return 'file://%s' % (tmp_path / 'coordination')


def test_a_run_lock_is_held_by_one_coordinator_at_a_time(url):
    with coordination.Coordinator(url, 'one') as first, \
            coordination.Coordinator(url, 'two') as second:
        with first.run_lock('vol-1', 'ab12cd34') as held:
            assert held
            held.check()
            with second.run_lock('vol-1', 'ab12cd34') as other:
                assert not other
            # The same schedule id written on another volume is another
            # schedule.
            with second.run_lock('vol-2', 'ab12cd34') as other:
                assert other
        with second.run_lock('vol-1', 'ab12cd34') as held:
            assert held


class _Lock:
    def __init__(self, owner):
        self.owner = owner

    def is_still_owner(self):
        if isinstance(self.owner, Exception):
            raise self.owner
        return self.owner


def test_a_held_lock_checks_that_it_is_still_held():
    coordination.HeldLock(_Lock(True), 'name').check()
    # A backend that cannot tell cannot lose the lock either.
    coordination.HeldLock(_Lock(tooz.NotImplemented('no')), 'name').check()
    with pytest.raises(coordination.LockLost):
        coordination.HeldLock(_Lock(False), 'name').check()
    with pytest.raises(coordination.LockLost):
        coordination.HeldLock(_Lock(tooz.ToozError('gone')), 'name').check()


def test_without_a_group_every_schedule_is_evaluated(url):
    with coordination.Coordinator(url, 'solo') as solo:
        assert all(solo.owns('%08x' % n) for n in range(20))


def owners(url, names, schedule_ids):
    """For each schedule id, whether each of two partitioned members
    named ``names`` owns it, once both see the group."""
    with coordination.Coordinator(url, names[0], partitioned=True) as a, \
            coordination.Coordinator(url, names[1], partitioned=True) as b:
        for member in (a, b, a, b):
            member.refresh()
        return [(a.owns(sid), b.owns(sid)) for sid in schedule_ids]


def test_a_partitioned_group_splits_schedules_once_each(url):
    found = owners(url, ('a', 'b'), ['%08x' % (n * 7919) for n in range(30)])
    assert all(mine != theirs for mine, theirs in found), found
    assert any(mine for mine, _ in found)
    assert any(theirs for _, theirs in found)


def test_two_members_split_a_rush_nearly_evenly(url):
    found = owners(url, ('node-1', 'node-2'),
                   ['%08x' % (n * 7919) for n in range(2000)])
    share_of_first = sum(mine for mine, _ in found) / 2000
    # With tooz's default of 32 points per member these two names split
    # the same ids 34/66.
    assert 0.46 < share_of_first < 0.54, share_of_first


def test_backend_urls_are_logged_without_their_password():
    assert coordination._safe_url('redis://:pw@127.0.0.1:6379?db=1') == \
        'redis://***@127.0.0.1:6379?db=1'
    assert coordination._safe_url('file:///var/lib/x') == 'file:///var/lib/x'


def test_lock_names_are_per_volume_and_schedule():
    assert coordination.lock_name('vol-1', 'ab12cd34') == \
        b'volsnap-run:vol-1:ab12cd34'
