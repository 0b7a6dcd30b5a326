"""Benchmark: the Volume Protection panels against Horizon's Snapshots pages.

Run by ``tools/benchmark`` (which installs what is needed and starts the dev
cloud) with the project's venv and ``volsnap_dashboard.devenv.settings``::

    tools/benchmark                          # sizes 100 and 1000, 7 loads
    tools/benchmark --sizes 100 --loads 3    # quicker
    tools/benchmark --write-doc              # also rewrite doc/benchmarks.rst

For each size N it seeds demo with exactly N snapshots named ``bench-<i>``
(reusing those a previous run left), logs in through Horizon's real login
form in this process (``django.test.Client``, DEBUG off) and loads, at the
default page size and at a page size of N:

* ``/project/volume_protection/`` and ``/project/snapshots/`` as demo;
* ``/admin/volume_protection/`` and ``/admin/snapshots/`` as admin.

Each page gets one warm-up load, then ``--loads`` timed loads. It reports
the median time per load and the HTTP requests per load to Cinder and to
Keystone, counted in ``requests.adapters.HTTPAdapter.send`` (under both
keystoneauth sessions and cinderclient's own HTTPClient), with version
discovery (GET of a service's root or bare ``/v3``) counted apart as well.
"""

import argparse
import collections
import concurrent.futures
import datetime
import importlib.metadata
import logging
import os
import platform
import re
import shlex
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
import warnings

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)

# Production-like: the dev settings read this when Django imports it.
os.environ['VOLSNAP_DEBUG'] = '0'
os.environ.setdefault('DJANGO_SETTINGS_MODULE',
                      'volsnap_dashboard.devenv.settings')

# The dev cloud's identities and Horizon's login, as the tests use them.
from tests.integration import cloud  # noqa: E402
from tests.integration import horizon_session  # noqa: E402

KEYSTONE_PORT = int(os.environ.get('VOLSNAP_KEYSTONE_PORT', '5000'))
CINDER_PORT = int(os.environ.get('VOLSNAP_CINDER_PORT', '8776'))
CINDER_ROOT = 'http://127.0.0.1:%d/' % CINDER_PORT
DEVCLOUD_DIR = os.environ.get('VOLSNAP_DEVCLOUD_DIR',
                              os.path.join(REPO_ROOT, '.devcloud'))
DOC_PATH = os.path.join(REPO_ROOT, 'doc', 'benchmarks.rst')

BENCH_NAME = re.compile(r'^bench-(\d+)$')
BENCH_VOLUMES = ['bench-vol-%d' % i for i in range(4)]
FAILED = ('error', 'error_deleting')

PAGES = [
    # (scope, user, whose, path)
    ('project', 'demo', 'ours', '/project/volume_protection/'),
    ('project', 'demo', 'horizon', '/project/snapshots/'),
    ('admin', 'admin', 'ours', '/admin/volume_protection/'),
    ('admin', 'admin', 'horizon', '/admin/snapshots/'),
]

SCOPES = ('project', 'admin')

LOG = logging.getLogger('benchmark')


def say(message):
    print('benchmark: %s' % message, file=sys.stderr, flush=True)


def cinder_as(username):
    from cinderclient import client

    sess = cloud.keystone_session(username)
    sess.get_token()  # authenticate once, before any thread pool
    cinder = client.Client('3.60', session=sess, service_type='volumev3',
                           interface='public', region_name='RegionOne')
    cinder.project_id_ = sess.get_project_id()
    return cinder


def wait_until(what, done, timeout, interval=1.0):
    deadline = time.monotonic() + timeout
    while True:
        if done():
            return
        if time.monotonic() > deadline:
            raise SystemExit('benchmark: timed out waiting for %s' % what)
        time.sleep(interval)


def raise_quotas(admin, project_id):
    admin.quotas.update(project_id, snapshots=-1, gigabytes=-1, volumes=-1)
    say('quotas of project demo: snapshots, gigabytes and volumes unlimited')


def ensure_volumes(demo):
    """demo's bench volumes (1 GiB each), created if missing."""
    mine = {v.name: v for v in demo.volumes.list()
            if v.name in BENCH_VOLUMES and v.status not in FAILED}
    for name in BENCH_VOLUMES:
        if name not in mine:
            mine[name] = demo.volumes.create(1, name=name)
            say('created volume %s' % name)

    def available():
        states = {v.id: v.status for v in demo.volumes.list()}
        for volume in mine.values():
            if states.get(volume.id) in FAILED:
                raise SystemExit('benchmark: volume %s failed' % volume.name)
        return all(states.get(v.id) == 'available' for v in mine.values())
    wait_until('the bench volumes', available, 120)
    return [mine[name] for name in BENCH_VOLUMES]


def bench_snapshots(demo):
    """demo's snapshots named bench-<i>: index -> snapshot."""
    found = {}
    for snapshot in demo.volume_snapshots.list():
        match = BENCH_NAME.match(snapshot.name or '')
        if match:
            found.setdefault(int(match.group(1)), []).append(snapshot)
    return found


def delete_snapshots(demo, snapshots, workers):
    if not snapshots:
        return
    ids = {s.id for s in snapshots}
    say('deleting %d snapshots' % len(ids))
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        list(pool.map(demo.volume_snapshots.delete, snapshots))

    def gone():
        return not ids & {s.id for s in demo.volume_snapshots.list()}
    wait_until('%d snapshots to be deleted' % len(ids), gone,
               60 + len(ids) / 2)


def seed(demo, volumes, n, workers):
    """Exactly snapshots bench-0 .. bench-(n-1), all available."""
    found = bench_snapshots(demo)
    extra = []
    keep = {}
    for index, snapshots in found.items():
        for snapshot in snapshots:
            if (index >= n or snapshot.status in FAILED
                    or index in keep):
                extra.append(snapshot)
            else:
                keep[index] = snapshot
    delete_snapshots(demo, extra, workers)
    missing = [i for i in range(n) if i not in keep]
    if missing:
        say('creating %d snapshots (%d reused), %d at a time'
            % (len(missing), len(keep), workers))
        started = time.monotonic()

        def create(index):
            volume = volumes[index % len(volumes)]
            for attempt in range(3):
                try:
                    return demo.volume_snapshots.create(
                        volume.id, name='bench-%d' % index)
                except Exception as exc:  # noqa: B902 - retried, then raised
                    if attempt == 2:
                        raise
                    LOG.warning('retrying bench-%d: %s', index, exc)
                    time.sleep(1)
        with concurrent.futures.ThreadPoolExecutor(workers) as pool:
            list(pool.map(create, missing))

        def settled():
            states = collections.Counter()
            for index, snapshots in bench_snapshots(demo).items():
                if index < n:
                    for snapshot in snapshots:
                        states[snapshot.status] += 1
            if any(states[status] for status in FAILED):
                raise SystemExit('benchmark: some snapshots failed: %s'
                                 % dict(states))
            return states['available'] == n and sum(states.values()) == n
        wait_until('%d snapshots to be available' % n, settled,
                   120 + n / 2, interval=2)
        say('%d snapshots available after %.0f s'
            % (n, time.monotonic() - started))
    else:
        say('reusing the %d bench snapshots already there' % n)


def cleanup(demo, workers):
    delete_snapshots(demo, [s for group in bench_snapshots(demo).values()
                            for s in group], workers)
    for volume in demo.volumes.list():
        if volume.name in BENCH_VOLUMES:
            demo.volumes.delete(volume)
    say('removed the bench snapshots and volumes')


# --- counting HTTP requests --------------------------------------------------

# Code of Horizon's page frame, which every page (ours or Horizon's) runs:
# the navigation asks each panel whether it may be shown, the context
# processor lists the user's projects for the project menu.
FRAME_CODE = [
    (os.path.join('horizon', 'base.py'), 'can_access'),
    (os.path.join('horizon', 'templatetags', 'horizon.py'), None),
    (os.path.join('openstack_dashboard', 'context_processors.py'), None),
]


def from_page_frame():
    frame = sys._getframe(2)
    while frame is not None:
        code = frame.f_code
        for filename, function in FRAME_CODE:
            if code.co_filename.endswith(filename) and \
                    function in (None, code.co_name):
                return True
        frame = frame.f_back
    return False


class HTTPCounter:
    """Every request sent through requests' HTTPAdapter: method, URL, and
    whether Horizon's page frame sent it."""

    def __init__(self):
        import requests.adapters

        self.calls = []
        self._lock = threading.Lock()
        adapter = requests.adapters.HTTPAdapter
        real = adapter.send
        counter = self

        def send(adapter_self, request, *args, **kwargs):
            with counter._lock:
                counter.calls.append((request.method, request.url,
                                      from_page_frame()))
            return real(adapter_self, request, *args, **kwargs)
        adapter.send = send

    def take(self):
        with self._lock:
            calls, self.calls = self.calls, []
        return calls


def classify(method, url):
    """('cinder' | 'keystone' | 'other', is_version_discovery)."""
    parts = urllib.parse.urlsplit(url)
    service = {CINDER_PORT: 'cinder',
               KEYSTONE_PORT: 'keystone'}.get(parts.port, 'other')
    path = parts.path.rstrip('/')
    discovery = method == 'GET' and re.fullmatch(r'(/v[0-9.]+)?', path)
    return service, bool(discovery)


COUNTS = ('cinder', 'keystone', 'other', 'cinder_discovery',
          'keystone_discovery', 'cinder_frame', 'keystone_frame')


def summarize(calls):
    counts = collections.Counter()
    for method, url, frame in calls:
        service, discovery = classify(method, url)
        counts[service] += 1
        if discovery:
            counts[service + '_discovery'] += 1
        if frame:
            counts[service + '_frame'] += 1
    return counts


# --- Horizon in this process -------------------------------------------------

def login(username, project_id):
    """A django.test.Client logged in through the real login form, its
    token scoped to ``project_id`` (switched to as the project menu does)."""
    from django.contrib import auth
    from django.test import RequestFactory

    client = horizon_session.login(username)

    def scoped_to():
        request = RequestFactory().get('/')
        request.session = client.session
        return auth.get_user(request).tenant_id
    if scoped_to() != project_id:
        client.get('/auth/switch/%s/' % project_id, follow=True)
        if scoped_to() != project_id:
            raise SystemExit('benchmark: could not switch %s to project %s'
                             % (username, project_id))
    return client


ROW = re.compile(rb'<tr\b[^>]*\bdata-object-id=')
ERROR_MESSAGE = re.compile(
    rb'class="alert alert-danger alert-dismissable[^"]*">.*?'
    rb'<strong>[^<]*</strong>([^<]*)', re.S)
ID = re.compile(r'/[0-9a-f]{32}(?=/|$)')


def call_template(method, url, frame):
    """A request with the ids taken out, to show which calls a page makes."""
    parts = urllib.parse.urlsplit(url)
    path = ID.sub('/{id}', parts.path) or '/'
    query = '?' + parts.query if parts.query else ''
    service, discovery = classify(method, url)
    notes = [note for note, yes in (('discovery', discovery),
                                    ('page frame', frame)) if yes]
    return '%s %s %s%s%s' % (service, method, path, query,
                             ' (%s)' % ', '.join(notes) if notes else '')


def measure(pages, loads, page_size, counter):
    """One warm-up load of each page, then ``loads`` rounds of one timed
    load of each page in turn (so that what else runs on the machine
    weighs on every page alike). ``pages``: (client, path) pairs; returns
    one result dict per page."""
    from django.test import override_settings

    results = [{'path': path, 'page_size': page_size}
               for _, path in pages]
    times = [[] for _ in pages]
    per_load = [[] for _ in pages]
    last = [None for _ in pages]
    with override_settings(API_RESULT_PAGE_SIZE=page_size):
        for (client, path), result in zip(pages, results, strict=True):
            try:
                warm = client.get(path)
            except Exception as exc:  # noqa: B902 - reported, not fatal
                result['unavailable'] = '%s: %s' % (type(exc).__name__, exc)
                continue
            if warm.status_code != 200:
                result['unavailable'] = 'HTTP %s' % warm.status_code
        counter.take()
        for _ in range(loads):
            for i, (client, path) in enumerate(pages):
                if 'unavailable' in results[i]:
                    continue
                started = time.perf_counter()
                response = client.get(path)
                times[i].append(time.perf_counter() - started)
                calls = counter.take()
                per_load[i].append(summarize(calls))
                last[i] = (response, calls)
                if response.status_code != 200:
                    results[i]['unavailable'] = 'HTTP %s on a timed load' \
                        % response.status_code
    for i, result in enumerate(results):
        if 'unavailable' in result:
            continue
        response, calls = last[i]
        result['rows'] = len(ROW.findall(response.content))
        errors = ERROR_MESSAGE.findall(response.content)
        result['error_message'] = b' '.join(errors).decode().strip()
        result['calls'] = [call_template(*call) for call in calls]
        result['median_ms'] = statistics.median(times[i]) * 1000
        result['best_ms'] = min(times[i]) * 1000
        for key in COUNTS:
            values = sorted(load[key] for load in per_load[i])
            result[key] = statistics.median(values)
            result[key + '_range'] = (values[0], values[-1])
    return results


# --- report ------------------------------------------------------------------

def fmt_count(result, key):
    low, high = result[key + '_range']
    text = '%g' % result[key]
    return text if low == high else '%s (%g-%g)' % (text, low, high)


def results_table(results):
    head = ['page', 'user', 'N', 'page size', 'rows', 'median ms',
            'best ms', 'Cinder calls', 'Keystone calls', 'discovery (C+K)',
            'page frame (C+K)']
    rows = []
    for r in results:
        if 'unavailable' in r:
            rows.append([r['path'], r['user'], str(r['n']),
                         str(r['page_size']), '-',
                         'not available (%s)' % r['unavailable'],
                         '-', '-', '-', '-', '-'])
            continue
        rows_text = str(r['rows'])
        if r['rows'] != min(r['n'], r['page_size']):
            rows_text += ' (!)'
        if r['error_message']:
            rows_text += ' (error shown)'
        rows.append([
            r['path'], r['user'], str(r['n']), str(r['page_size']),
            rows_text, '%.0f' % r['median_ms'], '%.0f' % r['best_ms'],
            fmt_count(r, 'cinder'), fmt_count(r, 'keystone'),
            '%s+%s' % (fmt_count(r, 'cinder_discovery'),
                       fmt_count(r, 'keystone_discovery')),
            '%s+%s' % (fmt_count(r, 'cinder_frame'),
                       fmt_count(r, 'keystone_frame'))])
    return simple_table(head, rows)


def ratio(ours, theirs, number='%g'):
    text = (number + '/' + number) % (ours, theirs)
    return text + ' = %.2f' % (ours / theirs) if theirs else text


def ratios_table(results):
    by_key = {(r['scope'], r['n'], r['page_size'], r['whose']): r
              for r in results}
    head = ['scope', 'N', 'page size', 'median ms ours/Horizon',
            'Cinder calls ours/Horizon', 'without the page frame']
    rows = []
    for (scope, n, page_size, whose), ours in by_key.items():
        theirs = by_key.get((scope, n, page_size, 'horizon'))
        if whose != 'ours' or theirs is None:
            continue
        if 'unavailable' in ours or 'unavailable' in theirs:
            rows.append([scope, str(n), str(page_size), 'n/a', 'n/a',
                         'n/a'])
            continue
        rows.append([scope, str(n), str(page_size),
                     ratio(ours['median_ms'], theirs['median_ms'], '%.0f'),
                     ratio(ours['cinder'], theirs['cinder']),
                     ratio(ours['cinder'] - ours['cinder_frame'],
                           theirs['cinder'] - theirs['cinder_frame'])])
    return simple_table(head, rows)


def calls_listing(results):
    """The requests of the last timed load of each page (largest N, the
    first page size measured), ids replaced by {id}."""
    largest = max(r['n'] for r in results if r['scope'] == 'project')
    shown = set()
    lines = []
    for r in results:
        if 'calls' not in r or r['path'] in shown or \
                (r['scope'] == 'project' and r['n'] != largest):
            continue
        if r['scope'] == 'admin' and r['n'] < max(
                x['n'] for x in results if x['scope'] == 'admin'):
            continue
        shown.add(r['path'])
        lines.append('%s (N=%d, page size %d)::'
                     % (r['path'], r['n'], r['page_size']))
        lines.append('')
        lines.extend('    ' + call for call in r['calls'])
        lines.append('')
    return '\n'.join(lines).rstrip()


def notes(results):
    lines = []
    for r in results:
        if r.get('error_message'):
            lines.append('* %s (N=%d, page size %d) showed an error: %s'
                         % (r['path'], r['n'], r['page_size'],
                            r['error_message']))
        if r.get('other'):
            lines.append('* %s (N=%d, page size %d) also sent %g requests '
                         'to other hosts' % (r['path'], r['n'],
                                             r['page_size'], r['other']))
    return '\n'.join(lines)


def simple_table(head, rows):
    """A reStructuredText simple table, also readable as plain text."""
    widths = [max(len(row[i]) for row in [head] + rows)
              for i in range(len(head))]
    rule = '  '.join('=' * w for w in widths)

    def line(cells):
        return '  '.join(cell.ljust(width) for cell, width
                         in zip(cells, widths, strict=True)).rstrip()
    return '\n'.join([rule, line(head), rule]
                     + [line(row) for row in rows] + [rule])


def report(date, command, loads, debug, load_averages, results):
    """The run's results, as printed and as written into the doc."""
    parts = [
        'Run on %s with ``%s``: median of %d timed loads per page after '
        'one warm-up load, DEBUG %s.' % (date, command, loads,
                                          'on' if debug else 'off'),
        field_list(machine() + [
            ('load average (1 min)', '%.2f at the start, %.2f at the end'
             % load_averages)]),
        results_table(results),
        'Ours against Horizon\'s, same scope, N and page size:',
        ratios_table(results),
        'The requests of the last timed load of each page, in the order '
        'they were sent (ids shown as ``{id}``):',
        calls_listing(results),
    ]
    extra = notes(results)
    if extra:
        parts += ['Notes:', extra]
    return '\n\n'.join(parts) + '\n'


def machine():
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:
        cpus = os.cpu_count()
    memory = '?'
    try:
        with open('/proc/meminfo') as meminfo:
            for line in meminfo:
                if line.startswith('MemTotal:'):
                    memory = '%.1f GiB' % (int(line.split()[1]) / 2 ** 20)
    except OSError:
        pass

    def version(name):
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return '?'
    cloud = {}
    marker = os.path.join(DEVCLOUD_DIR, 'venv', '.volsnap-devcloud-installed')
    try:
        with open(marker) as installed:
            for line in installed:
                name, _, ver = line.strip().partition(' ')
                cloud[name] = ver
    except OSError:
        pass
    return [
        ('CPUs (nproc)', str(cpus)),
        ('memory', memory),
        ('system', '%s %s' % (platform.system(), platform.release())),
        ('Python', platform.python_version()),
        ('Horizon', version('horizon')),
        ('Django', version('Django')),
        ('python-cinderclient', version('python-cinderclient')),
        ('Cinder', '%s (dev cloud: fake driver, all-in-one process, sqlite)'
         % cloud.get('cinder', '?')),
        ('Keystone', '%s (dev cloud: uwsgi, sqlite)'
         % cloud.get('keystone', '?')),
    ]


def field_list(pairs):
    return '\n'.join(':%s: %s' % (key, value) for key, value in pairs)


DOC_TEMPLATE = """\
==========
Benchmarks
==========

How fast the Volume Protection panels draw, and how many calls they make
to Cinder and Keystone, next to Horizon's own Snapshots pages on the same
dev cloud, served by the same process. The results below are what
``tools/benchmark --write-doc`` printed; rerun it to refresh them.

Rerunning
=========

::

    tools/benchmark                          # sizes 100 and 1000, 7 loads
    tools/benchmark --sizes 100 --loads 3    # a quick look
    tools/benchmark --write-doc              # and rewrite this file
    tools/benchmark --cleanup                # and remove the seeded data

``tools/benchmark`` installs what is missing (``tools/setup``), starts the
dev cloud unless it already runs (and stops it again afterwards), raises
demo's Cinder quotas, gives demo four volumes ``bench-vol-<i>`` and exactly
N snapshots ``bench-<i>`` (created 8 at a time; a rerun reuses them), then
measures. ``VOLSNAP_KEYSTONE_PORT``, ``VOLSNAP_CINDER_PORT`` and
``VOLSNAP_DEVCLOUD_DIR`` move the dev cloud as for the other tools. Horizon's
log goes to a file (its path is printed) rather than to the console.

What is measured
================

* Horizon runs in the benchmark's own process (``django.test.Client``) with
  ``volsnap_dashboard.devenv.settings`` and DEBUG off; it logs in through the
  real login form, as ``demo`` (project ``demo``) for the project pages and
  as ``admin`` (project ``admin``) for the admin pages, which list every
  project's snapshots. N is the number of snapshots the page's user can
  list.
* Our page and Horizon's are measured together, for the same user, N and
  page size: one warm-up load of each, then rounds of one timed load of
  each in turn, so that whatever else runs on the machine weighs on both
  alike. *median ms* is the median time of one load, from request to full
  response, in the same process as Horizon; *best ms* the shortest, less
  sensitive to what else the machine was doing (see the load average).
* *Cinder calls* and *Keystone calls* are the HTTP requests the process
  sends during one load (the median over the timed loads, with the range in
  brackets when loads differed), counted in
  ``requests.adapters.HTTPAdapter.send``, so the plugin's keystoneauth
  session and Horizon's own cinderclient HTTPClient are counted alike.
* *discovery (C+K)* are the version discovery requests among them (GET of
  the service's root URL or of a bare ``/v3``), to Cinder + to Keystone.
* *page frame (C+K)* are the requests among them that Horizon's page frame
  sends on every page, whichever panel draws it: the navigation asking
  each panel whether to show it (``horizon.base.Panel.can_access``, the
  ``horizon_nav`` template tag) and the project menu (Horizon's context
  processor), told apart by the Python call stack of each request. The
  last column of the second table leaves them out, to compare what the
  two panels themselves ask.
* *page size* is ``API_RESULT_PAGE_SIZE``: Horizon's default, then N, so
  that one page holds every snapshot. *rows* is the number of table rows
  the page drew; ``(!)`` marks a page that did not draw min(N, page size)
  rows.

Results
=======

{report}"""


def write_doc(path, report_text):
    text = DOC_TEMPLATE.format(report=report_text)
    with open(path + '.tmp', 'w') as doc:
        doc.write(text)
    os.replace(path + '.tmp', path)
    say('wrote %s' % os.path.relpath(path, REPO_ROOT))


# --- main --------------------------------------------------------------------

def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog='tools/benchmark',
        description='Volume Protection panels against Horizon\'s Snapshots '
                    'pages: time and Cinder/Keystone calls per page load.')
    parser.add_argument('--sizes', default='100,1000',
                        help='numbers of snapshots to seed, comma separated '
                             '(default 100,1000)')
    parser.add_argument('--loads', type=int, default=7,
                        help='timed loads per page, after one warm-up '
                             '(default 7)')
    parser.add_argument('--workers', type=int, default=8,
                        help='parallel snapshot creations (default 8)')
    parser.add_argument('--cleanup', action='store_true',
                        help='delete the bench snapshots and volumes at '
                             'the end')
    parser.add_argument('--write-doc', action='store_true',
                        help='write the results to doc/benchmarks.rst')
    args = parser.parse_args(argv)
    try:
        args.sizes = sorted({int(s) for s in args.sizes.split(',') if s})
    except ValueError:
        parser.error('--sizes takes numbers, e.g. 100,1000')
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


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    command = ' '.join(['tools/benchmark'] + [shlex.quote(a) for a in argv])
    utc = datetime.timezone.utc  # noqa: UP017 (Python 3.10 has no UTC)
    date = datetime.datetime.now(utc).strftime(
        '%a %b %d %H:%M:%S UTC %Y')

    warnings.simplefilter('ignore', DeprecationWarning)
    import django
    django.setup()
    from django.conf import settings

    quiet_logging()
    demo = cinder_as('demo')
    admin = cinder_as('admin')
    raise_quotas(admin, demo.project_id_)
    volumes = ensure_volumes(demo)
    default_page_size = settings.API_RESULT_PAGE_SIZE
    projects = {'demo': demo.project_id_, 'admin': admin.project_id_}

    counter = HTTPCounter()
    results = []
    load_at_start = os.getloadavg()[0]
    for n in args.sizes:
        seed(demo, volumes, n, args.workers)
        counts = {
            'project': len(demo.volume_snapshots.list()),
            'admin': len(admin.volume_snapshots.list(
                search_opts={'all_tenants': 1})),
        }
        if counts['project'] != n:
            say('note: demo has %d snapshots, %d of them bench-<i>'
                % (counts['project'], n))
        clients = {user: login(user, projects[user]) for user in projects}
        counter.take()
        for page_size in sorted({default_page_size, n}):
            for scope in SCOPES:
                pages = [page for page in PAGES if page[0] == scope]
                say('N=%d, page size %d: %s'
                    % (counts[scope], page_size,
                       ' and '.join('%s as %s' % (path, user)
                                    for _, user, _, path in pages)))
                measured = measure(
                    [(clients[user], path) for _, user, _, path in pages],
                    args.loads, page_size, counter)
                for (_, user, whose, path), result in zip(
                        pages, measured, strict=True):
                    result.update(scope=scope, user=user, whose=whose,
                                  n=counts[scope])
                    if 'unavailable' in result:
                        say('  %s not available: %s'
                            % (path, result['unavailable']))
                    else:
                        say('  %s %.0f ms, %g Cinder and %g Keystone calls'
                            % (path, result['median_ms'], result['cinder'],
                               result['keystone']))
                    results.append(result)
    counter.take()
    if args.cleanup:
        cleanup(demo, args.workers)

    load_averages = (load_at_start, os.getloadavg()[0])
    text = report(date, command, args.loads, settings.DEBUG, load_averages,
                  results)
    print()
    print(text, end='')
    if args.write_doc:
        write_doc(DOC_PATH, text)
    return 0


if __name__ == '__main__':
    sys.exit(main())
