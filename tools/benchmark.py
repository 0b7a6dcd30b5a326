"""Benchmark: the Volume Protection panels against Horizon's Snapshots pages.

Run by ``tools/benchmark`` (which installs what is needed and starts the dev
cloud) with the project's venv and ``volsnap_dashboard.devenv.settings``.
doc/benchmarks.rst says what is measured and how; the parts are in
tools/bench/, the dev cloud's users and Horizon's login in tools/devkit/.
"""

import argparse
import datetime
import logging
import os
import shlex
import sys
import tempfile
import warnings

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)

DOC_PATH = os.path.join(REPO_ROOT, 'doc', 'benchmarks.rst')
TABS_DOC_BEGIN = ('.. tabs benchmark results begin '
                  '(tools/benchmark --tabs --write-doc)')
TABS_DOC_END = '.. tabs benchmark results end'
BACKUPS_DOC_BEGIN = ('.. backups benchmark results begin '
                     '(tools/benchmark --backups N --write-doc)')
BACKUPS_DOC_END = '.. backups benchmark results end'
DEVCLOUD_DIR = os.environ.get('VOLSNAP_DEVCLOUD_DIR',
                              os.path.join(REPO_ROOT, '.devcloud'))

# scope -> (user, [(whose, path)]): our page, Horizon's, and a bare page
# that makes no calls of its own (the admin dashboard's pages all call
# Cinder on this cloud, so the bare page is API Access for admin too).
SCOPES = {
    'project': ('demo', [('ours', '/project/volume_protection/'),
                         ('horizon', '/project/snapshots/'),
                         ('floor', '/project/api_access/')]),
    'admin': ('admin', [('ours', '/admin/volume_protection/'),
                        ('horizon', '/admin/snapshots/'),
                        ('floor', '/project/api_access/')]),
}


def say(message):
    print('benchmark: %s' % message, file=sys.stderr, flush=True)


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog='tools/benchmark',
        description="Volume Protection panels against Horizon's Snapshots "
                    'pages: time and Cinder/Keystone calls per page load.')
    parser.add_argument('--sizes', nargs='+', default=['100,1000'],
                        help='numbers of snapshots to seed, comma or space '
                             'separated (default 100,1000)')
    parser.add_argument('--loads', type=int, default=7,
                        help='timed loads per page, after one warm-up '
                             '(default 7)')
    parser.add_argument('--workers', type=int, default=8,
                        help='parallel snapshot creations (default 8)')
    parser.add_argument('--keep', action='store_true',
                        help='keep the bench snapshots and volumes and the '
                             "raised quotas (a rerun reuses them); by "
                             'default they are removed at the end')
    # The default now; still accepted.
    parser.add_argument('--cleanup', action='store_true',
                        help=argparse.SUPPRESS)
    parser.add_argument('--write-doc', action='store_true',
                        help='write the results into doc/benchmarks.rst')
    parser.add_argument('--backups', type=int, default=0, metavar='N',
                        help='the Backups tab beside Horizon\'s Backups '
                        'page, on N backups of demo\'s (made of volumes of '
                        'the file-backed type, 4 at a time)')
    tabs = parser.add_argument_group(
        'the tabs at a project\'s real size',
        'with --tabs, the Volumes and Schedules tabs and the admin '
        "Schedules tab beside Horizon's Volumes page, for demo's project "
        'seeded with volumes carrying schedules (--sizes is not used)')
    tabs.add_argument('--tabs', action='store_true',
                      help='measure the tabs rather than the Snapshots '
                           'pages')
    tabs.add_argument('--volumes', type=int, default=2000,
                      help='bench volumes in the project (default 2000)')
    tabs.add_argument('--schedules', type=int, default=1000,
                      help='how many of them carry a schedule (default '
                           '1000)')
    tabs.add_argument('--small', default='20,10', metavar='V,S',
                      help='the small project measured first, whose calls '
                           'per page must be the same (default 20,10)')
    tabs.add_argument('--page-sizes', default=None, metavar='SIZES',
                      help="comma separated (default Horizon's "
                           'API_RESULT_PAGE_SIZE and API_RESULT_LIMIT, the '
                           'largest page a user may choose)')
    args = parser.parse_args(argv)
    try:
        args.small = tuple(int(n) for n in args.small.split(','))
        args.page_sizes = args.page_sizes and sorted(
            {int(n) for n in args.page_sizes.split(',') if n})
    except ValueError:
        parser.error('--small and --page-sizes take numbers')
    if args.tabs and not (len(args.small) == 2 and all(
            0 <= schedules <= volumes for volumes, schedules in
            (args.small, (args.volumes, args.schedules)))):
        parser.error('--small takes V,S and each size needs 0 <= '
                     'schedules <= volumes')
    try:
        args.sizes = sorted({int(size) for text in args.sizes
                             for size in text.split(',') if size})
    except ValueError:
        parser.error('--sizes takes numbers, e.g. 100,1000')
    if args.keep and args.cleanup:
        parser.error('--keep and --cleanup contradict each other')
    if not args.sizes or min(args.sizes) < 1 or args.loads < 1 or \
            args.workers < 1:
        parser.error('sizes, loads and workers must be at least 1')
    return args


def quiet_logging():
    """Horizon's log (it complains about the missing Nova and Neutron on
    every page) to a file, not between the benchmark's lines."""
    path = os.path.join(tempfile.gettempdir(), 'volsnap-benchmark.log')
    handler = logging.FileHandler(path, mode='w')
    handler.setFormatter(logging.Formatter(
        '%(asctime)s %(levelname)s %(name)s %(message)s'))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    say('Horizon logs to %s' % path)


def setup_django():
    # Production-like: the dev settings read VOLSNAP_DEBUG on import.
    os.environ['VOLSNAP_DEBUG'] = '0'
    os.environ.setdefault('DJANGO_SETTINGS_MODULE',
                          'volsnap_dashboard.devenv.settings')
    warnings.simplefilter('ignore', DeprecationWarning)
    import django
    django.setup()


def measure_size(n, page_sizes, clients, counts, loads, counter):
    """Every scope's pages at every page size, for N snapshots."""
    from tools.bench import measure

    results = []
    for page_size in page_sizes:
        for scope, (user, pages) in SCOPES.items():
            say('N=%d, page size %d: %s as %s' % (
                counts[scope], page_size,
                ', '.join(path for _, path in pages), user))
            measured = measure.measure(
                [(clients[user], path) for _, path in pages], loads,
                page_size, counter)
            for (whose, path), result in zip(pages, measured, strict=True):
                result.update(scope=scope, user=user, whose=whose,
                              n=counts[scope])
                say('  %s %s' % (path, result['unavailable']
                                 if 'unavailable' in result else
                                 '%.0f ms, %g Cinder and %g Keystone calls'
                                 % (result['median_ms'], result['cinder'],
                                    result['keystone'])))
                results.append(result)
    return results


def run(args, demo, admin):
    from django.conf import settings

    from tools.bench import http_counter
    from tools.bench import seeding
    from tools.devkit import horizon_client

    volumes = seeding.ensure_volumes(demo)
    counter = http_counter.HTTPCounter()
    results = []
    for n in args.sizes:
        seeding.seed(demo, volumes, n, args.workers, say)
        counts = {
            'project': len(demo.volume_snapshots.list()),
            'admin': len(admin.volume_snapshots.list(
                search_opts={'all_tenants': 1})),
        }
        if counts['project'] != n:
            say('note: demo has %d snapshots, %d of them bench-<i>'
                % (counts['project'], n))
        clients = {user: horizon_client.login(user)
                   for user, _ in SCOPES.values()}
        counter.take()
        page_sizes = sorted({settings.API_RESULT_PAGE_SIZE, n})
        results += measure_size(n, page_sizes, clients, counts, args.loads,
                                counter)
    return results


def run_tabs(args, info, demo, admin, project_id):
    """The tabs measured; returns a function of (run info, machine) that
    writes the report."""
    from django.conf import settings

    from tools.bench import http_counter
    from tools.bench import tabs_benchmark
    from tools.bench import tabs_report

    page_sizes = args.page_sizes or sorted(
        {settings.API_RESULT_PAGE_SIZE, settings.API_RESULT_LIMIT})
    results, seeding = tabs_benchmark.run(
        args, http_counter.HTTPCounter(), demo, admin, project_id,
        page_sizes, say)
    info['workers'] = args.workers
    return lambda run_info, machine: tabs_report.report(
        run_info, machine, results, seeding)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    utc = datetime.timezone.utc  # noqa: UP017 (Python 3.10 has no UTC)
    info = {
        'command': ' '.join(['tools/benchmark']
                            + [shlex.quote(a) for a in argv]),
        'date': datetime.datetime.now(utc).strftime(
            '%a %b %d %H:%M:%S UTC %Y'),
        'loads': args.loads,
    }
    setup_django()
    quiet_logging()
    from django.conf import settings

    from tools.bench import backups_benchmark
    from tools.bench import doc
    from tools.bench import http_counter
    from tools.bench import machine
    from tools.bench import report
    from tools.bench import seeding
    from tools.bench import sweep_seeding
    from tools.bench import tabs_benchmark
    from tools.devkit import cinder
    from tools.devkit import waiting

    demo = cinder.cinder_as('demo')
    admin = cinder.cinder_as('admin')
    project_id = cinder.project_id(demo)
    quotas = seeding.raise_quotas(admin, project_id)
    backup_quotas = backups_benchmark.raise_quotas(admin, project_id) \
        if args.backups else None
    load_at_start = os.getloadavg()[0]
    try:
        if args.backups:
            results = backups_benchmark.run(
                args, demo, http_counter.HTTPCounter(), say)
        elif args.tabs:
            text_of = run_tabs(args, info, demo, admin, project_id)
        else:
            results = run(args, demo, admin)
    except (seeding.SeedFailed, sweep_seeding.SeedFailed,
            tabs_benchmark.FilterRefused, waiting.TimedOut) as exc:
        say('failed: %s' % exc)
        return 1
    finally:
        if not args.keep:
            say('removing the bench snapshots and volumes (--keep keeps '
                'them)')
            if args.backups:
                backups_benchmark.cleanup(demo, say)
                admin.quotas.update(project_id, **backup_quotas)
            elif args.tabs:
                tabs_benchmark.cleanup(demo, admin, project_id,
                                       args.workers, say)
            else:
                seeding.cleanup(demo, args.workers)
            seeding.restore_quotas(admin, project_id, quotas)
    info.update(debug=settings.DEBUG,
                load_averages=(load_at_start, os.getloadavg()[0]))
    if args.tabs:
        text = text_of(info, machine.describe(DEVCLOUD_DIR))
    else:
        text = report.report(info, machine.describe(DEVCLOUD_DIR), results)
    print()
    print(text, end='')
    if args.write_doc:
        markers = ((BACKUPS_DOC_BEGIN, BACKUPS_DOC_END) if args.backups
                   else (TABS_DOC_BEGIN, TABS_DOC_END) if args.tabs
                   else (doc.BEGIN, doc.END))
        doc.write_results(DOC_PATH, text, *markers)
        say('wrote %s' % os.path.relpath(DOC_PATH, REPO_ROOT))
    return 0


if __name__ == '__main__':
    sys.exit(main())
