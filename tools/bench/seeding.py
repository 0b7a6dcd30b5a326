"""The benchmark's data in demo's project: four volumes ``bench-vol-<i>``
and exactly N snapshots ``bench-<i>``, reused by the next run, removed at
the end unless kept."""

import collections
import concurrent.futures
import logging
import re
import time

from cinderclient import exceptions as cinder_exc

from tools.devkit import waiting

BENCH_NAME = re.compile(r'^bench-(\d+)$')
BENCH_VOLUMES = ['bench-vol-%d' % i for i in range(4)]
FAILED = ('error', 'error_deleting')
CREATE_ATTEMPTS = 3

LOG = logging.getLogger('benchmark')


class SeedFailed(RuntimeError):
    """Cinder did not make the benchmark's volumes or snapshots."""


QUOTAS = ('snapshots', 'gigabytes', 'volumes')


def raise_quotas(admin, project_id):
    """Lift the project's quotas the benchmark needs; returns the old
    ones, for restore_quotas."""
    before = admin.quotas.get(project_id)
    admin.quotas.update(project_id, **{name: -1 for name in QUOTAS})
    return {name: getattr(before, name) for name in QUOTAS}


def restore_quotas(admin, project_id, quotas):
    admin.quotas.update(project_id, **quotas)


def ensure_volumes(demo):
    """demo's bench volumes (1 GiB each), created if missing."""
    mine = {v.name: v for v in demo.volumes.list()
            if v.name in BENCH_VOLUMES and v.status not in FAILED}
    for name in BENCH_VOLUMES:
        if name not in mine:
            mine[name] = demo.volumes.create(1, name=name)

    def available():
        states = {v.id: v.status for v in demo.volumes.list()}
        failed = [v.name for v in mine.values() if states.get(v.id) in FAILED]
        if failed:
            raise SeedFailed('volumes failed: %s' % ', '.join(failed))
        return all(states.get(v.id) == 'available' for v in mine.values())
    waiting.until('the bench volumes', available, 120, interval=1)
    return [mine[name] for name in BENCH_VOLUMES]


def bench_snapshots(demo):
    """demo's snapshots named bench-<i>: index -> [snapshot, ...]."""
    found = collections.defaultdict(list)
    for snapshot in demo.volume_snapshots.list():
        match = BENCH_NAME.match(snapshot.name or '')
        if match:
            found[int(match.group(1))].append(snapshot)
    return found


def delete_snapshots(demo, snapshots, workers):
    if not snapshots:
        return
    ids = {s.id for s in snapshots}
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        list(pool.map(demo.volume_snapshots.delete, snapshots))

    def gone():
        return not ids & {s.id for s in demo.volume_snapshots.list()}
    waiting.until('%d snapshots to be deleted' % len(ids), gone,
                  60 + len(ids) / 2, interval=1)


def _create(demo, volume, index):
    for attempt in range(1, CREATE_ATTEMPTS + 1):
        try:
            return demo.volume_snapshots.create(volume.id,
                                                name='bench-%d' % index)
        except cinder_exc.ClientException as exc:
            if attempt == CREATE_ATTEMPTS:
                raise
            LOG.warning('retrying bench-%d: %s', index, exc)
            time.sleep(1)


def seed(demo, volumes, n, workers, say):
    """Exactly snapshots bench-0 .. bench-(n-1), all available."""
    keep = {}
    extra = []
    for index, snapshots in bench_snapshots(demo).items():
        for snapshot in snapshots:
            if index >= n or snapshot.status in FAILED or index in keep:
                extra.append(snapshot)
            else:
                keep[index] = snapshot
    if extra:
        say('deleting %d snapshots' % len(extra))
    delete_snapshots(demo, extra, workers)
    missing = [i for i in range(n) if i not in keep]
    if not missing:
        say('reusing the %d bench snapshots already there' % n)
        return
    say('creating %d snapshots (%d reused), %d at a time'
        % (len(missing), len(keep), workers))
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        list(pool.map(lambda i: _create(demo, volumes[i % len(volumes)], i),
                      missing))

    def settled():
        states = collections.Counter(
            snapshot.status
            for index, snapshots in bench_snapshots(demo).items()
            if index < n for snapshot in snapshots)
        if any(states[status] for status in FAILED):
            raise SeedFailed('some snapshots failed: %s' % dict(states))
        return states['available'] == n and sum(states.values()) == n
    waiting.until('%d snapshots to be available' % n, settled, 120 + n / 2,
                  interval=2)
    say('%d snapshots available after %.0f s'
        % (n, time.monotonic() - started))


def cleanup(demo, workers):
    """Remove every bench snapshot and volume, and wait until they are
    gone (so that what runs next finds the project as it was)."""
    delete_snapshots(demo, [s for group in bench_snapshots(demo).values()
                            for s in group], workers)
    volumes = [v for v in demo.volumes.list() if v.name in BENCH_VOLUMES]
    for volume in volumes:
        demo.volumes.delete(volume)
    ids = {v.id for v in volumes}

    def gone():
        return not ids & {v.id for v in demo.volumes.list()}
    waiting.until('the bench volumes to be deleted', gone, 120, interval=1)
