"""volsnap-scheduler against the dev cloud with hostile metadata that
demo wrote on its own volume (through Cinder's API, as any member of the
project can): the process exits 0, demo's other schedule runs, every
hostile schedule is recorded invalid, and a second sweep writes nothing
more."""

from tests import hostile_metadata
from tests.integration import test_scheduler as scheduled

# trust, scheduler_env and cleanup_snapshots are test_scheduler's.
from tests.integration.test_scheduler import cleanup_snapshots  # noqa: F401
from tests.integration.test_scheduler import demo  # noqa: F401
from tests.integration.test_scheduler import scheduler_env  # noqa: F401
from tests.integration.test_scheduler import trust  # noqa: F401
from tools.devkit import cinder as devcloud
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import model
from volsnap_dashboard.protection.schedule import store

FIFTH_MONDAY = 'bad00001'
YEAR_9999 = 'bad00002'
BRACKETS = 'bad00003'
NON_ASCII = 'bad00004'


def hostile(project_id, trust_id):
    """The issue's four inputs, each a schedule of its own, and junk."""
    def definition(**changes):
        return hostile_metadata.definition(project_id, trust=trust_id,
                                           **changes)

    history = [{'slot': '2026-03-%02dT01:00:00Z' % day, 'outcome': 'failed',
                'reason': '\u00e9\u4e2d' * 127, 'snapshot': None}
               for day in range(1, 11)]
    metadata = dict(hostile_metadata.MARKER)
    for sid, kind, document, ascii_only in (
            (FIFTH_MONDAY, 'def', definition(cron='0 0 * 2 1#5',
                                             tz='UTC'), True),
            (YEAR_9999, 'def', definition(tz='America/New_York',
                                          created='9999-12-31T23:59:59Z'),
             True),
            (BRACKETS, 'def', '[' * 3000 + ']' * 3000, True),
            (NON_ASCII, 'def', definition(tz='Mars/Olympus_Mons'), True),
            (NON_ASCII, 'state', hostile_metadata.state(
                history=history, reason='\u00fc' * 1000,
                outcome='failed', failures=10), False)):
        metadata.update(hostile_metadata.chunked(
            kind, document, sid, ensure_ascii=ascii_only))
    metadata.update({'volsnap:junk%d:state:0' % n: 'x' for n in range(40)})
    return metadata


def test_hostile_metadata_is_invalid_and_the_other_schedule_runs(
        demo, demo_volume, trust, scheduler_env,  # noqa: F811
        cleanup_snapshots):  # noqa: F811
    session, cinder = demo
    cleanup_snapshots.append(demo_volume.id)
    scheduled.save_schedule(demo, demo_volume, trust, keep=3)
    with devcloud.temporary_volume(cinder, 'itest-hostile') as target:
        cinder.volumes.set_metadata(target, hostile(
            session.get_project_id(), trust))

        output = scheduled.run_once(scheduler_env, scheduled.FIRST)
        [made] = [s for s in scheduled.snapshots_of(cinder, demo_volume.id)
                  if s.metadata.get(codec.SNAPSHOT_SCHEDULE_KEY) ==
                  scheduled.SID]
        assert scheduled.state_of(cinder, demo_volume.id).outcome == 'ok'
        found = {s.id: s for s in store.schedules_of(
            cinder.volumes.get(target.id))}
        for sid in (FIFTH_MONDAY, YEAR_9999, BRACKETS, NON_ASCII):
            assert isinstance(found[sid], model.Invalid), output
            assert found[sid].state.outcome == 'invalid', output
        assert 'Traceback' not in output
        assert scheduled.snapshots_of(cinder, target.id) == []
        after_first = cinder.volumes.get(target.id).metadata

        # A later sweep, in a new process: nothing more is written.
        scheduled.run_once(scheduler_env, scheduled.SECOND)
        assert cinder.volumes.get(target.id).metadata == after_first
        assert made.id in [s.id for s in scheduled.snapshots_of(
            cinder, demo_volume.id)]
