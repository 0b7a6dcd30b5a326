"""The Backups tab beside Horizon's Backups page (``/project/backups/``),
on N backups of demo's: the same rules as the snapshots pages (median
time, Cinder and Keystone calls per load, and the bare page's)."""

import concurrent.futures

from tools.bench import measure
from tools.devkit import waiting

FILES_TYPE = 'files'
PREFIX = 'bench-backup-'
SOURCE = 'bench-backups-source-%d'
QUOTAS = ('backups', 'backup_gigabytes')
PAGES = [('ours', '/project/volume_protection/'
                  '?tab=volume_protection__protections'),
         ('horizon', '/project/backups/'),
         ('floor', '/project/api_access/')]


def raise_quotas(admin, project_id):
    before = admin.quotas.get(project_id)
    admin.quotas.update(project_id, **{name: -1 for name in QUOTAS})
    return {name: getattr(before, name) for name in QUOTAS}


def _sources(demo, count):
    """``count`` 1 GiB volumes of the file-backed type: a volume takes one
    backup at a time, so backups are made of several at once."""
    mine = {v.name: v for v in demo.volumes.list()
            if v.name.startswith('bench-backups-source-')}
    for index in range(count):
        if SOURCE % index not in mine:
            made = demo.volumes.create(1, name=SOURCE % index,
                                       volume_type=FILES_TYPE)
            mine[made.name] = made
    wanted = [mine[SOURCE % index] for index in range(count)]
    waiting.until('the backup sources', lambda: all(
        demo.volumes.get(v.id).status == 'available' for v in wanted), 120)
    return wanted


def _backups_of(demo, volume_id):
    return [b for b in demo.backups.list(search_opts={'volume_id': volume_id})
            if b.name.startswith(PREFIX)]


def _fill(demo, volume, wanted):
    """Back ``volume`` up until it has ``wanted`` bench backups (the first
    full, the others incremental), one after the other."""
    have = len(_backups_of(demo, volume.id))
    for index in range(have, wanted):
        backup = demo.backups.create(
            volume.id, name='%s%s-%04d' % (PREFIX, volume.name[-1], index),
            incremental=index > 0)
        waiting.until('backup %s' % backup.id, lambda made=backup: (
            demo.backups.get(made.id).status in ('available', 'error')),
            600, interval=0.5)


def seed(demo, n, workers, say):
    sources = _sources(demo, workers)
    per_source = -(-n // workers)
    say('seeding %d backups, %d volumes at a time' % (n, workers))
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        for future in [pool.submit(_fill, demo, volume, per_source)
                       for volume in sources]:
            future.result()
    return len([b for b in demo.backups.list()
                if b.name.startswith(PREFIX)])


def run(args, demo, counter, say):
    from django.conf import settings

    from tools.devkit import horizon_client

    n = seed(demo, args.backups, min(args.workers, 4), say)
    client = horizon_client.login('demo')
    counter.take()
    results = []
    for page_size in sorted({settings.API_RESULT_PAGE_SIZE, n}):
        say('N=%d backups, page size %d' % (n, page_size))
        measured = measure.measure([(client, path) for _, path in PAGES],
                                   args.loads, page_size, counter)
        for (whose, _path), result in zip(PAGES, measured, strict=True):
            result.update(scope='backups', user='demo', whose=whose, n=n)
            results.append(result)
    return results


def cleanup(demo, say):
    say('removing the bench backups and their volumes')
    for volume in [v for v in demo.volumes.list()
                   if v.name.startswith('bench-backups-source-')]:
        # Newest first: an incremental backup before what it builds on.
        for backup in sorted(_backups_of(demo, volume.id),
                             key=lambda b: b.created_at, reverse=True):
            demo.backups.delete(backup.id)
            waiting.until('deletion of %s' % backup.id,
                          lambda b=backup: not any(
                              x.id == b.id for x in demo.backups.list()),
                          300, interval=0.5)
        demo.volumes.delete(volume.id)

