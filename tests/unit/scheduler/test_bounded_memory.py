"""A scheduler that runs for months keeps no more than its last sweep
listed: the caches of the sweeper and the trusts' sessions are bounded
by the listing, whatever tenants create and delete between sweeps."""

import datetime
import types

from volsnap_dashboard.api import microversions
from volsnap_dashboard.api import trusts
from volsnap_dashboard.protection import times
from volsnap_dashboard.scheduler import service
from volsnap_dashboard.scheduler import sweep

from tests.unit.api import fake_keystone
from tests.unit.scheduler import fakes
from tests.unit.scheduler import test_service_loop
from tests.unit.scheduler import test_sweep_and_run

SWEEPS = 60
START = datetime.datetime(2026, 3, 2, 1, 30, tzinfo=datetime.timezone.utc)


def test_the_sweepers_caches_keep_only_what_the_last_sweep_listed(cinder):
    made = test_sweep_and_run.sweeper(cinder, '2026-03-02T01:30:00Z')

    def run_with_a_bug(due):
        raise RuntimeError('a bug')
    made.runner.run = run_with_a_bug
    made.runner.report_invalid = lambda *args: None
    listed = []
    for number in range(SWEEPS):
        # Yesterday's volumes are gone; new ones, with new schedules: one
        # due whose run fails unexpectedly, one invalid, one not due.
        for volume_id in listed:
            del cinder.volumes_by_id[volume_id]
        listed = []
        now = START + datetime.timedelta(days=number)
        created = times.format_utc(now - datetime.timedelta(hours=12))
        for sid, cron in (('a%07d' % number, '0 2 * * *'),
                          ('b%07d' % number, '*/5 * * * *'),
                          ('c%07d' % number, '0 12 * * *')):
            volume = cinder.add_volume()
            fakes.schedule_on(cinder, volume, sid=sid, cron=cron,
                              trust='trust-' + sid, created=created)
            listed.append(volume.id)
        made.sweep(now)
        assert len(made.decoded._last) == 3
        assert len(made._invalid_known) == 2
        assert len(made._failed_slots) == 1
        assert set(made.decoded._last) == set(listed)


def test_trust_sessions_stay_those_of_the_last_sweep(monkeypatch):
    keystone = fake_keystone.FakeKeystone()
    sessions = trusts.TrustSessions(
        fake_keystone.AUTH_URL, fake_keystone.SERVICE_USER,
        fake_keystone.SERVICE_PASSWORD, clock=keystone.clock,
        http=keystone.http())
    stopper = service.Stopper()
    sizes = []

    class Sweeper(test_service_loop.LoopSweeper):
        """Each sweep acts through two trusts never seen before (the
        schedules of the last sweep were deleted and new ones saved)."""

        def sweep(self, now, wait=True):
            named = set()
            for _ in range(2):
                trust = fake_keystone.Trust('demo-project')
                keystone.trusts[trust.id] = trust
                sessions.session_for(trust.id)
                named.add(trust.id)
            report = sweep.Report()
            report.trusts = lambda: named
            if len(sizes) == SWEEPS - 1:
                stopper.request()
            sizes.append(len(sessions))
            return report

    clients = types.SimpleNamespace(trust_sessions=sessions)
    assert test_service_loop.serve(
        monkeypatch, lambda *args, **kwargs: Sweeper(), clients,
        stopper) == 0
    assert len(sizes) == SWEEPS
    # At most the last sweep's and the current one's, never the history.
    assert max(sizes) <= 4
    assert len(sessions) == 2


def test_negotiated_versions_are_bounded(monkeypatch):
    monkeypatch.setattr(microversions, '_negotiated', {})
    for number in range(microversions.MAX_ROOTS + 10):
        microversions.negotiated(
            'http://cinder-%d:8776/v3/project' % number,
            lambda: microversions.CLIENT_MAX)
        assert len(microversions._negotiated) <= microversions.MAX_ROOTS
    # The last one is remembered: no second question to its server.
    asked = []
    microversions.negotiated(
        'http://cinder-%d:8776/v3/other' % number,
        lambda: asked.append(1) or microversions.CLIENT_MAX)
    assert asked == []
