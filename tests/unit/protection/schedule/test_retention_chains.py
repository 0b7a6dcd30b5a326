"""Retention over protections that need others (incremental backups)."""

import datetime

from django.test import SimpleTestCase

from volsnap_dashboard.protection import base
from volsnap_dashboard.protection.schedule import model
from volsnap_dashboard.protection.schedule import retention

NOW = datetime.datetime(2026, 11, 30, 12, tzinfo=datetime.timezone.utc)


def backups(spec, statuses=None):
    """One backup a day, oldest first: 'F' full, 'I' incremental on the
    previous one."""
    made, parent = [], None
    for day, kind in enumerate(spec, start=1):
        if kind == 'F':
            parent = None
        made.append(base.Protection(
            id='b%d' % day, status=(statuses or {}).get(day, 'available'),
            created_at='2026-11-%02dT02:00:00Z' % day, metadata={}, size=1,
            volume_id='v', depends_on=parent))
        parent = made[-1].id
    ids_needed = {p.depends_on for p in made}
    for protection in made:
        protection.has_dependents = protection.id in ids_needed
    return made


def ids(protections):
    return [p.id for p in protections]


class ChainRetentionTests(SimpleTestCase):

    def test_a_kept_incremental_keeps_its_whole_chain(self):
        chain = backups('FIII')
        self.assertEqual([], retention.to_delete(
            chain, model.Retention(count=1), NOW))

    def test_an_old_chain_goes_whole_newest_first(self):
        chain = backups('FIIFI')
        self.assertEqual(['b3', 'b2', 'b1'], ids(retention.to_delete(
            chain, model.Retention(count=2), NOW)))

    def test_the_floor_is_the_newest_restorable_chain(self):
        # The newest chain's full backup is busy (restoring): b5 cannot
        # be restored now, so the older chain stays whole, and b5 too.
        chain = backups('FIIFI', statuses={4: 'restoring'})
        doomed = retention.to_delete(chain, model.Retention(days=1), NOW)
        self.assertEqual([], ids(doomed))

    def test_a_new_full_backup_in_error_leaves_the_old_chain_whole(self):
        chain = backups('FIIF', statuses={4: 'error'})
        doomed = retention.to_delete(chain, model.Retention(days=1), NOW)
        self.assertEqual(['b4'], ids(doomed))

    def test_what_another_list_needs_is_kept(self):
        # b1 is needed by a backup outside this schedule's list (one made
        # by hand built on it): Cinder would refuse, so it is not tried.
        fulls = backups('FFF')
        fulls[0].has_dependents = True
        self.assertEqual(['b2'], ids(retention.to_delete(
            fulls, model.Retention(count=1), NOW)))

    def test_a_tenant_kept_incremental_keeps_its_chain(self):
        chain = backups('FIIF')
        chain[2].metadata = {'volsnap_kept': '1'}
        doomed = retention.to_delete(chain, model.Retention(count=1), NOW)
        self.assertEqual([], ids(doomed))

    def test_snapshots_are_unchanged_oldest_first(self):
        snaps = backups('FFFF')
        for snap in snaps:
            snap.has_dependents = False
        self.assertEqual(['b1', 'b2'], ids(retention.to_delete(
            snaps, model.Retention(count=2), NOW)))
