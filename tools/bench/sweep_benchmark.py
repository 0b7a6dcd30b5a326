"""Benchmark: one sweep of volsnap-scheduler with nothing due, against
Cinder's own time to list the same volumes.

Run by ``tools/benchmark-scheduler`` (which starts the dev cloud) as
``python -m tools.bench.sweep_benchmark`` from the repository's root.
doc/benchmarks.rst ("The scheduler's sweep") says what is measured; the
seeding is in sweep_seeding, the text in sweep_report.
"""

import argparse
import cProfile
import datetime
import io
import logging
import os
import pstats
import shlex
import statistics
import sys
import tempfile
import time

from tools.bench import doc
from tools.bench import http_counter
from tools.bench import machine
from tools.bench import seeding
from tools.bench import sweep_report
from tools.bench import sweep_seeding
from tools.devkit import cinder
from tools.devkit import identities
from tools.devkit import waiting

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
DOC_PATH = os.path.join(REPO_ROOT, 'doc', 'benchmarks.rst')
DOC_BEGIN = ('.. scheduler benchmark results begin '
             '(tools/benchmark-scheduler --write-doc)')
DOC_END = '.. scheduler benchmark results end'
UTC = datetime.timezone.utc  # noqa: UP017 (Python 3.10 has no UTC)
# The sweeps' instant: every seeded schedule last ran at its slot of
# that day, 00:00-00:59 UTC, and is next due the day after.
INSTANT = datetime.datetime(2026, 6, 10, 12, 0, tzinfo=UTC)


def say(message):
    print('benchmark-scheduler: %s' % message, file=sys.stderr, flush=True)


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog='tools/benchmark-scheduler',
        description='One volsnap-scheduler sweep with nothing due, against '
                    "Cinder's own listing of the same volumes: time and "
                    'Cinder/Keystone calls.')
    parser.add_argument('--sizes', nargs='+', default=['100,1000'],
                        help='numbers of scheduled volumes (each among as '
                             'many unscheduled), comma or space separated '
                             '(default 100,1000)')
    parser.add_argument('--rounds', type=int, default=7,
                        help='timed rounds of a first sweep, a later sweep '
                             'and a bare listing, after one warm-up '
                             '(default 7)')
    parser.add_argument('--workers', type=int, default=8,
                        help='parallel volume creations (default 8)')
    parser.add_argument('--extrapolate', type=int, default=10000,
                        metavar='N',
                        help='also estimate the times at N scheduled '
                             'volumes from the two largest sizes measured '
                             '(default 10000; 0: none)')
    parser.add_argument('--profile', action='store_true',
                        help="print where a process's first sweep at the "
                             'largest size spends its time (cProfile)')
    parser.add_argument('--keep', action='store_true',
                        help='keep the bench volumes and the raised quotas '
                             '(a rerun reuses them); by default they are '
                             'removed at the end')
    parser.add_argument('--write-doc', action='store_true',
                        help='write the results into doc/benchmarks.rst')
    args = parser.parse_args(argv)
    try:
        args.sizes = sorted({int(size) for text in args.sizes
                             for size in text.split(',') if size})
    except ValueError:
        parser.error('--sizes takes numbers, e.g. 100,1000')
    if not args.sizes or min(args.sizes) < 1 or args.rounds < 1 or \
            args.workers < 1 or args.extrapolate < 0:
        parser.error('sizes, rounds and workers must be at least 1')
    return args


def scheduler_config(state_dir):
    """The scheduler's settings on the dev cloud, as an operator's file
    would give them."""
    from volsnap_dashboard.scheduler import config
    user = identities.SCHEDULER_USER
    return config.Config(
        keystone_url=identities.keystone_url(), username=user,
        password=identities.password(user),
        project_name=identities.PROJECT_OF[user], region=identities.REGION,
        state_dir=state_dir)


def setup_scheduler(config):
    """Django as the scheduler sets it up (no Horizon), and its log to a
    file; returns the log's path."""
    from volsnap_dashboard.scheduler import cli
    cli.setup_django(config)
    path = os.path.join(tempfile.gettempdir(),
                        'volsnap-benchmark-scheduler.log')
    handler = logging.FileHandler(path, mode='w')
    handler.setFormatter(logging.Formatter(
        '%(asctime)s %(levelname)s %(name)s: %(message)s'))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    for noisy in ('keystoneauth', 'urllib3', 'cinderclient', 'tooz'):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return path


def forget_caches():
    """Empty what the schedule timing and the sweep remember (cron checks,
    zones, parsed times, next runs), as in a new process."""
    from volsnap_dashboard.protection.schedule import timing
    from volsnap_dashboard.scheduler import sweep
    for module in (timing, sweep):
        for value in vars(module).values():
            if hasattr(value, 'cache_clear'):
                value.cache_clear()


class Subjects:
    """The three things timed: the first sweep of a process (as
    ``volsnap-scheduler --once`` makes), a later sweep of a running
    service (which remembers what it decoded), both by the scheduler's
    own code, and the same listing made directly with the same client."""

    KINDS = ('listing', 'first', 'later')

    def __init__(self, config, coordinator):
        from volsnap_dashboard.protection import registry
        from volsnap_dashboard.scheduler import clients

        self.config = config
        self.clients = clients.Clients(config)
        self.plugin = registry.volume_plugin()
        if self.plugin is None:
            raise RuntimeError('no protection plugin for volumes: %s'
                               % registry.get_registry().problems)
        self.coordinator = coordinator
        self.service_sweeper = self._sweeper()

    def _sweeper(self):
        from volsnap_dashboard.scheduler import service
        return service.build_sweeper(self.config, self.clients,
                                     self.coordinator, self.plugin,
                                     service.Stopper())

    def first(self):
        """A new sweeper and empty caches; the service user's token and
        Cinder's microversion are kept (one Keystone call, counted apart
        by the warm-up)."""
        forget_caches()
        sweeper = self._sweeper()
        self.coordinator.refresh()
        return sweeper.sweep(INSTANT)

    def later(self):
        self.coordinator.refresh()
        return self.service_sweeper.sweep(INSTANT)

    def listing(self):
        from volsnap_dashboard.scheduler import admin_calls
        return admin_calls.scheduled_volumes(self.clients.admin())


def _timed(function, counter):
    started = time.perf_counter()
    result = function()
    spent = time.perf_counter() - started
    return result, spent, http_counter.summarize(counter.take())


def check_sweep(report, n):
    """What the sweep saw must be the seeded schedules, none due."""
    from volsnap_dashboard.scheduler import sweep
    problems = []
    if report.count(sweep.DUE) or report.count(sweep.INVALID):
        problems.append('%d due and %d invalid schedules (expected none)'
                        % (report.count(sweep.DUE),
                           report.count(sweep.INVALID)))
    if report.volumes != n:
        problems.append('%d scheduled volumes on the cloud, %d of them '
                        "the benchmark's" % (report.volumes, n))
    return problems


def measure(subjects, n, rounds, counter):
    """One warm-up of each, then ``rounds`` rounds of one of each, in an
    order that turns each round (so that whatever else the machine does
    weighs on each alike)."""
    counter.take()
    for what in Subjects.KINDS:
        getattr(subjects, what)()
    counter.take()
    times = {what: [] for what in Subjects.KINDS}
    calls = {what: [] for what in Subjects.KINDS}
    problems = set()
    for number in range(rounds):
        shift = number % len(Subjects.KINDS)
        for what in Subjects.KINDS[shift:] + Subjects.KINDS[:shift]:
            result, spent, counts = _timed(getattr(subjects, what), counter)
            times[what].append(spent)
            calls[what].append(counts)
            if what == 'listing':
                listed = len(result)
            else:
                schedules = len(result.decisions)
                problems.update(check_sweep(result, n))
    result = {'n': n, 'listed': listed, 'schedules': schedules,
              'problems': sorted(problems)}
    for what in times:
        result[what] = {
            'median_ms': statistics.median(times[what]) * 1000,
            'best_ms': min(times[what]) * 1000,
            'cinder': statistics.median(c['cinder'] for c in calls[what]),
            'keystone': statistics.median(c['keystone']
                                          for c in calls[what]),
        }
    return result


def profile(subjects):
    profiler = cProfile.Profile()
    profiler.runcall(subjects.first)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats('cumulative').print_stats(
        30)
    return out.getvalue()


def run(args, counter, demo, admin, project_id):
    from volsnap_dashboard.scheduler import coordination

    results = []
    profiled = None
    with tempfile.TemporaryDirectory() as state_dir:
        config = scheduler_config(state_dir)
        with coordination.Coordinator(config.coordination_url) as coord:
            subjects = Subjects(config, coord)
            # Largest first: a smaller size then deletes what it does
            # not need, rather than a larger one creating it all again.
            for n in sorted(args.sizes, reverse=True):
                sweep_seeding.seed(demo, admin, project_id, n, INSTANT,
                                   args.workers, say)
                say('N=%d: %d rounds of a first sweep, a later sweep and '
                    'a bare listing' % (n, args.rounds))
                result = measure(subjects, n, args.rounds, counter)
                for problem in result['problems']:
                    say('  note: %s' % problem)
                say('  medians: listing %.0f ms, first sweep %.0f ms, '
                    'later sweep %.0f ms' % tuple(
                        result[what]['median_ms']
                        for what in Subjects.KINDS))
                results.append(result)
                if args.profile and n == max(args.sizes):
                    profiled = profile(subjects)
                    counter.take()
    return sorted(results, key=lambda result: result['n']), profiled


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    info = {
        'command': ' '.join(['tools/benchmark-scheduler']
                            + [shlex.quote(a) for a in argv]),
        'date': datetime.datetime.now(UTC).strftime(
            '%a %b %d %H:%M:%S UTC %Y'),
        'rounds': args.rounds, 'instant': INSTANT,
    }
    with tempfile.TemporaryDirectory() as state_dir:
        log_path = setup_scheduler(scheduler_config(state_dir))
    say('the scheduler logs to %s' % log_path)
    counter = http_counter.HTTPCounter()
    demo = cinder.cinder_as('demo')
    admin = cinder.cinder_as('admin')
    project_id = cinder.project_id(demo)
    # Lifted for the seeding's volumes; put back at the end.
    quotas = seeding.raise_quotas(admin, project_id)
    load_at_start = os.getloadavg()[0]
    try:
        results, profiled = run(args, counter, demo, admin, project_id)
    except (sweep_seeding.SeedFailed, waiting.TimedOut) as exc:
        say('failed: %s' % exc)
        return 1
    finally:
        if not args.keep:
            say('removing the bench volumes (--keep keeps them)')
            sweep_seeding.cleanup(demo, admin, project_id, args.workers, say)
            seeding.restore_quotas(admin, project_id, quotas)
    if profiled:
        print(profiled, file=sys.stderr)
    info['load_averages'] = (load_at_start, os.getloadavg()[0])
    text = sweep_report.report(
        info, machine.describe(identities.devcloud_dir()), results,
        args.extrapolate)
    print()
    print(text, end='')
    if args.write_doc:
        doc.write_results(DOC_PATH, text, begin=DOC_BEGIN, end=DOC_END)
        say('wrote %s' % os.path.relpath(DOC_PATH, REPO_ROOT))
    return 0


if __name__ == '__main__':
    sys.exit(main())
