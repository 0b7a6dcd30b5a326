"""``tools/benchmark --tabs``: the Volumes and Schedules tabs and the
admin Schedules tab of a project of thousands of volumes, beside
Horizon's own Volumes page for the same project, served by the same
process and measured in the same rounds (tools/bench/measure.py).

The project is demo's, seeded by sweep_seeding (volumes each carrying one
valid schedule, among volumes that carry none), first small, then grown
to the full size: each page's Cinder calls must be the same at both.
doc/benchmarks.rst ("The tabs at a project's real size") says what is
measured; the text is tabs_report's.
"""

import datetime
import time

from tools.bench import measure
from tools.bench import sweep_seeding
from volsnap_dashboard.protection.schedule import codec

TAB = '/project/volume_protection/?tab=volume_protection__%s'
ADMIN_SCHEDULES = ('/admin/volume_protection/'
                   '?tab=volume_protection__schedules')
#: The admin Schedules table's search, as its form posts it.
ADMIN_FILTER = 'admin_schedules__filter__q'
HORIZON = 'Horizon Volumes'
BARE = 'bare page'

#: (name, user, path, project searched): every page, in the order of
#: each round. The bare page makes no calls of its own (Horizon's page
#: frame alone), as in the pages benchmark.
PAGES = (
    ('Volumes tab', 'demo', TAB % 'volumes', None),
    ('Schedules tab', 'demo', TAB % 'schedules', None),
    ('admin Schedules, demo', 'admin', ADMIN_SCHEDULES, 'demo'),
    ('admin Schedules, all', 'admin', ADMIN_SCHEDULES, None),
    (HORIZON, 'demo', '/project/volumes/', None),
    (BARE, 'demo', '/project/api_access/', None),
)


class FilterRefused(RuntimeError):
    """Horizon did not take the admin Schedules tab's project search."""


def sizes(args):
    """[(volumes, schedules)]: the full project, then the small one
    (seeding it deletes what it does not need, and a rerun with --keep
    finds the full project seeded)."""
    return sorted({tuple(args.small), (args.volumes, args.schedules)},
                  reverse=True)


def logged_in(user, page_project=None):
    """A Horizon session of ``user``, with the admin Schedules tab
    searched to ``page_project`` (a search is kept in the session, so the
    searched page needs a session of its own)."""
    from tools.devkit import horizon_client

    client = horizon_client.login(user)
    if page_project:
        response = horizon_client.post(client, ADMIN_SCHEDULES, {
            ADMIN_FILTER + '_field': 'project', ADMIN_FILTER: page_project})
        if response.status_code != 302:
            raise FilterRefused('searching project %s: HTTP %s'
                                % (page_project, response.status_code))
    return client


def clients():
    by_user = {}
    found = []
    for _name, user, _path, project in PAGES:
        if project:
            found.append(logged_in(user, project))
        else:
            if user not in by_user:
                by_user[user] = logged_in(user)
            found.append(by_user[user])
    return found


def project_counts(admin, project_id):
    """(volumes, scheduled volumes) the project holds, bench or not."""
    opts = {'all_tenants': 1, 'project_id': project_id}
    return (len(admin.volumes.list(search_opts=opts)),
            len(admin.volumes.list(
                search_opts=codec.scheduled_volumes_filter(**opts))))


def seed(demo, admin, project_id, volumes, schedules, workers, say):
    """Exactly ``schedules`` scheduled volumes among ``volumes`` bench
    volumes; returns (volumes created, seconds it took)."""
    started = time.monotonic()
    created = sweep_seeding.seed(
        demo, admin, project_id, schedules,
        datetime.datetime.now(datetime.timezone.utc),  # noqa: UP017
        workers, say, plain=volumes - schedules)
    return created, time.monotonic() - started


def run(args, counter, demo, admin, project_id, page_sizes, say):
    """Seed each size, measure every page at every page size; returns
    (results, {size: (volumes created, seconds)})."""
    results = []
    seeding = {}
    for volumes, schedules in sizes(args):
        seeding[volumes, schedules] = seed(demo, admin, project_id, volumes,
                                           schedules, args.workers, say)
        held = project_counts(admin, project_id)
        logged = clients()
        counter.take()
        for page_size in page_sizes:
            say('%d volumes, %d scheduled; page size %d'
                % (held + (page_size,)))
            measured = measure.measure(
                [(client, path) for client, (_n, _u, path, _p)
                 in zip(logged, PAGES, strict=True)],
                args.loads, page_size, counter)
            for (name, user, _path, _p), result in zip(PAGES, measured,
                                                       strict=True):
                result.update(page=name, user=user, volumes=held[0],
                              schedules=held[1], size=(volumes, schedules))
                say('  %s: %s' % (name, result['unavailable']
                                  if 'unavailable' in result else
                                  '%.0f ms, %d rows, %g Cinder and %g '
                                  'Keystone calls' % (
                                      result['median_ms'], result['rows'],
                                      result['cinder'],
                                      result['keystone'])))
                results.append(result)
    return results, seeding


def cleanup(demo, admin, project_id, workers, say):
    sweep_seeding.cleanup(demo, admin, project_id, workers, say)
