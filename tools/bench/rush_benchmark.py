"""Benchmark: the 02:00 rush. N schedules of one project due at the same
instant, each with its own trust; the time until every snapshot is
available, by one volsnap-scheduler sweep (as ``--once`` makes it, with
``max_in_flight`` runs at once) and by two partitioned ones splitting the
rush, against a plain script making the same N snapshots of the same
volumes with the same parallelism, in the same run. Then the same N
schedules with their trusts deleted: the time to mark them all.

Run by ``tools/benchmark-scheduler --rush`` as
``python -m tools.bench.rush_benchmark`` from the repository's root.
"""

import argparse
import collections
import concurrent.futures
import datetime
import os
import statistics
import sys
import tempfile
import threading
import time

from tools.bench import doc
from tools.bench import http_counter
from tools.bench import machine
from tools.bench import report as page_report
from tools.bench import seeding
from tools.bench import sweep_benchmark
from tools.bench import sweep_seeding
from tools.devkit import cinder
from tools.devkit import identities
from tools.devkit import waiting

DOC_BEGIN = ('.. rush benchmark results begin '
             '(tools/benchmark-scheduler --rush --write-doc)')
DOC_END = '.. rush benchmark results end'
NAME = 'rush-bench-'
UTC = datetime.timezone.utc  # noqa: UP017 (Python 3.10 has no UTC)
# Every schedule is due daily at 00:00 UTC; round r sweeps on day r.
FIRST_DAY = datetime.datetime(2026, 7, 1, 0, 0, 30, tzinfo=UTC)
CREATED = FIRST_DAY - datetime.timedelta(days=2)
say = sweep_benchmark.say


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog='tools/benchmark-scheduler --rush',
        description='N schedules due at the same instant: the scheduler '
                    'against a plain script making the same snapshots.')
    parser.add_argument('--sizes', default='100,1000',
                        help='numbers of due schedules (default 100,1000)')
    parser.add_argument('--in-flight', type=int, default=8,
                        help="the scheduler's max_in_flight and the plain "
                             "script's parallelism (default 8)")
    parser.add_argument('--rounds', type=int, default=3,
                        help='rounds of each (default 3)')
    parser.add_argument('--workers', type=int, default=8,
                        help='parallel creations while seeding (default 8)')
    parser.add_argument('--no-partitioned', action='store_true',
                        help='leave out the two partitioned schedulers')
    parser.add_argument('--keep', action='store_true',
                        help='keep the volumes and the raised quotas')
    parser.add_argument('--write-doc', action='store_true',
                        help='write the results into doc/benchmarks.rst')
    args = parser.parse_args(argv)
    args.sizes = sorted({int(size) for size in args.sizes.split(',')
                         if size})
    return args


def config(state_dir, in_flight, **settings):
    from volsnap_dashboard.scheduler import config as config_module
    user = identities.SCHEDULER_USER
    return config_module.Config(
        keystone_url=identities.keystone_url(), username=user,
        password=identities.password(user),
        project_name=identities.PROJECT_OF[user], region=identities.REGION,
        state_dir=state_dir, max_in_flight=in_flight, **settings)


# Seeding: N volumes, each with a schedule and a trust of its own

def rush_volumes(admin, project_id):
    return sorted((v for v in admin.volumes.list(search_opts={
        'all_tenants': 1, 'project_id': project_id})
        if (v.name or '').startswith(NAME)), key=lambda v: v.name)


def seed(demo, admin, session, project_id, n, workers):
    """Exactly N available volumes rush-bench-<i>; returns them."""
    found = rush_volumes(admin, project_id)
    extra = [v for v in found if v.status != 'available'] + [
        v for v in found if v.status == 'available'][n:]
    sweep_seeding.delete(demo, admin, project_id, extra, workers, say)
    have = len(found) - len(extra)
    if have < n:
        say('creating %d volumes, %d at a time' % (n - have, workers))
        with concurrent.futures.ThreadPoolExecutor(workers) as pool:
            list(pool.map(lambda i: sweep_seeding._create(
                demo, '%s%d' % (NAME, i), {}), range(have, n)))
    waiting.until('%d volumes to be available' % n, lambda: [
        v.status for v in rush_volumes(admin, project_id)].count(
            'available') == n, 120 + n / 2, interval=2)
    return rush_volumes(admin, project_id)


def rush_schedule(volume_id, project_id, owner_id, trust_id):
    """The schedule of one rush volume: daily at 00:00 UTC, never run."""
    from volsnap_dashboard.protection.schedule import model
    return model.Schedule(
        id=volume_id[:8], volume_id=volume_id, project_id=project_id,
        when=model.When(cron='0 0 * * *', tz='UTC', preset=None),
        options={'snapshot_name': '', 'description': 'rush',
                 'force': False},
        name_template='rush-{schedule}-{time:%Y%m%d}',
        retention=model.Retention(count=7), paused=False,
        trust_id=trust_id, owner_id=owner_id, label='nightly',
        created=CREATED)


def schedule_all(demo, session, volumes, workers):
    """A daily 00:00 UTC schedule on each volume, never run, with a new
    trust each; returns the trust ids."""
    from volsnap_dashboard.api import trusts
    from volsnap_dashboard.protection.schedule import store

    trustee = identities.scheduler_user_id()

    def schedule(volume):
        trust_id = trusts.create_trust(
            session, session.get_user_id(), trustee,
            session.get_project_id(), role_names=('member',))
        store.save(demo, demo.volumes.get(volume.id), rush_schedule(
            volume.id, session.get_project_id(), session.get_user_id(),
            trust_id))
        return trust_id
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        return list(pool.map(schedule, volumes))


def unschedule(demo, session, volumes, trust_ids, workers):
    from volsnap_dashboard.api import trusts
    from volsnap_dashboard.protection.schedule import store

    def remove(volume):
        fresh = demo.volumes.get(volume.id)
        for schedule in store.schedules_of(fresh):
            store.remove(demo, fresh, schedule.id)

    def untrust(trust_id):
        try:
            trusts.delete_trust(session, trust_id)
        except Exception:  # noqa: BLE001 - deleted by the lost round
            pass
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        list(pool.map(remove, volumes))
    for trust_id in trust_ids:
        untrust(trust_id)


def snapshots_of(demo, volumes):
    ids = {v.id for v in volumes}
    return [s for s in demo.volume_snapshots.list() if s.volume_id in ids]


def clear_snapshots(demo, volumes, workers):
    seeding.delete_snapshots(demo, snapshots_of(demo, volumes), workers)


# The subjects

def plain(demo, volumes, in_flight, interval):
    """Each volume's snapshot made and waited for, ``in_flight`` at a
    time, polled every ``interval`` seconds as the scheduler polls."""
    def one(volume):
        snapshot = demo.volume_snapshots.create(volume.id,
                                                name='rush-plain')
        while demo.volume_snapshots.get(snapshot.id).status != 'available':
            time.sleep(interval)
    with concurrent.futures.ThreadPoolExecutor(in_flight) as pool:
        list(pool.map(one, volumes))
    return {'ok': len(volumes)}


def scheduler(settings, instant, plugin, members=1):
    """``members`` schedulers, as new processes would be (new clients,
    new caches), sweeping at ``instant`` at once; their outcomes."""
    from volsnap_dashboard.scheduler import clients
    from volsnap_dashboard.scheduler import coordination
    from volsnap_dashboard.scheduler import service

    sweep_benchmark.forget_caches()
    outcomes = collections.Counter()
    coordinators = [coordination.Coordinator(
        settings.coordination_url, partitioned=members > 1).start()
        for _ in range(members)]
    try:
        for coordinator in coordinators:
            coordinator.refresh()
        sweepers = [service.build_sweeper(
            settings, clients.Clients(settings), coordinator, plugin,
            service.Stopper(), clock=service.rehearsal_clock(instant))
            for coordinator in coordinators]
        reports = [None] * members

        def sweep(index):
            reports[index] = sweepers[index].sweep(instant)
        threads = [threading.Thread(target=sweep, args=(index,))
                   for index in range(members)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for report in reports:
            outcomes.update(report.outcomes.values())
    finally:
        for coordinator in coordinators:
            coordinator.stop()
    return dict(outcomes)


def timed(counter, function, *args):
    counter.take()
    started = time.perf_counter()
    result = function(*args)
    spent = time.perf_counter() - started
    return result, spent, http_counter.summarize(counter.take())


def measure(n, args, demo, admin, session, project_id, counter, plugin,
            state_dir):
    volumes = seed(demo, admin, session, project_id, n, args.workers)
    say('N=%d: scheduling the volumes, a trust each' % n)
    started = time.monotonic()
    trust_ids = schedule_all(demo, session, volumes, args.workers)
    say('  scheduled in %.0f s' % (time.monotonic() - started))
    single = config(os.path.join(state_dir, 'one'), args.in_flight)
    # Two processes split the rush: each half as many in flight.
    halves = config(os.path.join(state_dir, 'two'),
                    max(1, args.in_flight // 2),
                    backend_url='file://' + os.path.join(state_dir, 'group'))
    kinds = [('plain', lambda day: plain(demo, volumes, args.in_flight,
                                         single.wait_interval)),
             ('scheduler', lambda day: scheduler(single, day, plugin))]
    if not args.no_partitioned:
        kinds.append(('two schedulers', lambda day: scheduler(
            halves, day, plugin, members=2)))
    spent = {kind: [] for kind, _ in kinds}
    calls = {kind: [] for kind, _ in kinds}
    problems = set()
    day = 0
    try:
        for number in range(args.rounds):
            shift = number % len(kinds)
            for kind, subject in kinds[shift:] + kinds[:shift]:
                instant = FIRST_DAY + datetime.timedelta(days=day)
                day += 1
                outcomes, seconds, counts = timed(counter, subject, instant)
                if outcomes.get('ok') != n:
                    problems.add('%s: %s' % (kind, outcomes))
                spent[kind].append(seconds)
                calls[kind].append(counts)
                say('  %s: %.1f s, %s' % (kind, seconds, outcomes))
                clear_snapshots(demo, volumes, args.workers)
        from volsnap_dashboard.api import trusts
        # One at a time: the dev cloud's one Keystone process drops
        # parallel deletes.
        for trust_id in trust_ids:
            trusts.delete_trust(session, trust_id)
        instant = FIRST_DAY + datetime.timedelta(days=day)
        outcomes, lost_seconds, lost_calls = timed(
            counter, scheduler, single, instant, plugin)
        if outcomes.get('authorization_lost') != n:
            problems.add('lost trusts: %s' % outcomes)
        say('  %d lost trusts marked in %.1f s' % (n, lost_seconds))
    finally:
        unschedule(demo, session, volumes, trust_ids, args.workers)
        clear_snapshots(demo, volumes, args.workers)
    result = {'n': n, 'problems': sorted(problems), 'kinds': {},
              'lost': {'seconds': lost_seconds, 'calls': lost_calls}}
    for kind, _ in kinds:
        result['kinds'][kind] = {
            'median': statistics.median(spent[kind]),
            'best': min(spent[kind]),
            'cinder': statistics.median(c['cinder'] for c in calls[kind]),
            'keystone': statistics.median(c['keystone']
                                          for c in calls[kind])}
    return result


def report(info, results):
    rounds = ('one round of each' if info['rounds'] == 1 else
              '%d rounds of each, medians' % info['rounds'])
    lines = ['Measured %s on %s with ``%s``; %d in flight, polls every '
             '%.0f s, %s.' % (
                 info['date'], info['machine'], info['command'],
                 info['in_flight'], info['interval'], rounds), '']
    head = ['due schedules', 'who', 'median s', 'best s', 'of the plain',
            'Cinder calls per snapshot', 'Keystone calls']
    rows = []
    for result in results:
        n = result['n']
        base = result['kinds']['plain']['median']
        for kind, measured in result['kinds'].items():
            rows.append((str(n), kind, '%.1f' % measured['median'],
                         '%.1f' % measured['best'],
                         '%.2f' % (measured['median'] / base),
                         '%.1f' % (measured['cinder'] / n),
                         '%g' % measured['keystone']))
        rows.append((str(n), 'lost trusts marked',
                     '%.1f' % result['lost']['seconds'], '-',
                     '%.2f' % (result['lost']['seconds'] / base),
                     '%.1f' % (result['lost']['calls']['cinder'] / n),
                     '%g' % result['lost']['calls']['keystone']))
        for problem in result['problems']:
            lines.append('Note at N=%d: %s' % (n, problem))
    lines += ['', page_report.simple_table(head, rows)]
    return '\n'.join(lines)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    with tempfile.TemporaryDirectory() as state_dir:
        settings = config(state_dir, args.in_flight)
        log_path = sweep_benchmark.setup_scheduler(settings)
        say('the scheduler logs to %s' % log_path)
        from volsnap_dashboard.protection import registry
        plugin = registry.volume_plugin()
        counter = http_counter.HTTPCounter()
        demo = cinder.cinder_as('demo')
        admin = cinder.cinder_as('admin')
        session = cinder.keystone_session('demo')
        project_id = cinder.project_id(demo)
        quotas = seeding.raise_quotas(admin, project_id)
        results = []
        try:
            for n in args.sizes:
                results.append(measure(n, args, demo, admin, session,
                                       project_id, counter, plugin,
                                       state_dir))
        finally:
            if not args.keep:
                say('removing the rush volumes (--keep keeps them)')
                sweep_seeding.delete(demo, admin, project_id,
                                     rush_volumes(admin, project_id),
                                     args.workers, say)
                seeding.restore_quotas(admin, project_id, quotas)
    info = {'date': datetime.datetime.now(UTC).strftime('%Y-%m-%d'),
            'machine': ', '.join('%s %s' % pair for pair in machine.describe(
                identities.devcloud_dir())[:2]),
            'command': ' '.join(['tools/benchmark-scheduler', '--rush']
                                + argv),
            'in_flight': args.in_flight, 'interval': settings.wait_interval,
            'rounds': args.rounds}
    text = report(info, results)
    print()
    print(text, end='')
    if args.write_doc:
        doc.write_results(sweep_benchmark.DOC_PATH, text, begin=DOC_BEGIN,
                          end=DOC_END)
    return 0


if __name__ == '__main__':
    sys.exit(main())
