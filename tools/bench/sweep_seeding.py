"""The scheduler benchmark's data in demo's project: N volumes
``sweep-bench-<i>`` that each carry one valid schedule, which ran at its
last slot and is not due at the benchmark's instant, among N volumes
``sweep-bench-plain-<i>`` that carry none. Reused by the next run,
removed at the end unless kept.

The schedules look like ones that have run for a while: a daily time of
day (one of 96, each with its own last run), a state
with a full history of runs, and a trust id that no trust has (a
scheduler that ever finds them due records "authorization lost" and
creates nothing).
"""

import collections
import concurrent.futures
import datetime
import re
import time
import uuid

from cinderclient import exceptions as cinder_exc

from tools.devkit import waiting
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import model
from volsnap_dashboard.protection.schedule import timing

SCHEDULED = 'sweep-bench-'
PLAIN = 'sweep-bench-plain-'
NAME = re.compile(r'^sweep-bench-(plain-)?(\d+)$')
FAILED = ('error', 'error_deleting')
CREATE_ATTEMPTS = 3
TIME_ZONE = 'Europe/Berlin'
CREATED = datetime.datetime(2026, 5, 1, tzinfo=datetime.timezone.utc)


class SeedFailed(RuntimeError):
    """Cinder did not make the benchmark's volumes."""


def daily_time(index):
    """(hour, minute): one of 96 times of day, every quarter of an hour,
    as people pick them."""
    return (index // 4) % 24, 15 * (index % 4)


def schedule_metadata(index, project_id, owner_id, instant):
    """The volume metadata of schedule ``index``: its definition, and a
    state whose last run was its latest slot at or before ``instant``
    (so it is not due then), after ``model.MAX_HISTORY`` daily runs."""
    hour, minute = daily_time(index)
    schedule = model.Schedule(
        id='%08x' % (0x5eed0000 + index), volume_id='',
        project_id=project_id,
        when=model.When(cron=timing.cron_for_preset('daily', hour=hour,
                                                    minute=minute),
                        tz=TIME_ZONE,
                        preset={'kind': 'daily', 'hour': hour,
                                'minute': minute}),
        options={'snapshot_name': '', 'description': 'scheduled',
                 'force': False},
        name_template='{volume_name}-{schedule}-{time:%Y%m%d-%H%M}',
        retention=model.Retention(count=7, days=None), paused=False,
        trust_id=uuid.uuid4().hex, owner_id=owner_id, label='daily',
        created=CREATED)
    last, _ = timing.due_slot(schedule.when.cron, TIME_ZONE, None, CREATED,
                              instant)
    state = model.ScheduleState()
    for days_before in range(model.MAX_HISTORY - 1, -1, -1):
        slot = last - datetime.timedelta(days=days_before)
        state = state.after_run(slot, slot + datetime.timedelta(seconds=40),
                                'ok', snapshot_id=str(uuid.uuid4()))
    metadata = {codec.MARKER_KEY: codec.MARKER_VALUE}
    metadata.update(codec.encode_definition(schedule))
    metadata.update(codec.encode_state(schedule.id, state))
    return metadata


def bench_volumes(admin, project_id):
    """The project's benchmark volumes: name -> [volume, ...] (an
    admin's listing of the project: demo's own stops at its page)."""
    found = collections.defaultdict(list)
    for volume in admin.volumes.list(search_opts={
            'all_tenants': 1, 'project_id': project_id}):
        if NAME.match(volume.name or ''):
            found[volume.name].append(volume)
    return found


def _create(demo, name, metadata):
    for attempt in range(1, CREATE_ATTEMPTS + 1):
        try:
            return demo.volumes.create(1, name=name, metadata=metadata)
        except cinder_exc.ClientException:
            if attempt == CREATE_ATTEMPTS:
                raise
            time.sleep(1)


def seed(demo, admin, project_id, n, instant, workers, say, plain=None):
    """Exactly volumes sweep-bench-0..n-1 and sweep-bench-plain-0..p-1,
    ``p`` being ``plain`` (n if None); more are deleted; all available.
    Returns how many it created."""
    owner_id = demo.client.session.get_user_id()
    wanted = {SCHEDULED + str(i): i for i in range(n)}
    wanted.update({PLAIN + str(i): None
                   for i in range(n if plain is None else plain)})
    extra = []
    have = set()
    for name, volumes in bench_volumes(admin, project_id).items():
        for volume in volumes:
            if name not in wanted or volume.status in FAILED or \
                    name in have:
                extra.append(volume)
            else:
                have.add(name)
    delete(demo, admin, project_id, extra, workers, say)
    missing = [name for name in wanted if name not in have]
    if not missing:
        say('reusing the %d bench volumes already there' % len(wanted))
        return 0
    say('creating %d volumes (%d reused), %d at a time'
        % (len(missing), len(have), workers))
    started = time.monotonic()

    def create(name):
        index = wanted[name]
        metadata = {} if index is None else schedule_metadata(
            index, project_id, owner_id, instant)
        return _create(demo, name, metadata)
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        list(pool.map(create, missing))

    def settled():
        states = collections.Counter(
            volume.status for name, volumes in
            bench_volumes(admin, project_id).items()
            if name in wanted for volume in volumes)
        if any(states[status] for status in FAILED):
            raise SeedFailed('some volumes failed: %s' % dict(states))
        return states['available'] == len(wanted) and \
            sum(states.values()) == len(wanted)
    waiting.until('%d volumes to be available' % len(wanted), settled,
                  120 + len(missing) / 2, interval=3)
    say('%d volumes available after %.0f s'
        % (len(wanted), time.monotonic() - started))
    return len(missing)


def delete(demo, admin, project_id, volumes, workers, say):
    if not volumes:
        return
    say('deleting %d volumes' % len(volumes))
    ids = {volume.id for volume in volumes}

    def remove(volume):
        try:
            demo.volumes.delete(volume)
        except cinder_exc.NotFound:
            pass
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        list(pool.map(remove, volumes))

    def gone():
        return not ids & {volume.id for group in bench_volumes(
            admin, project_id).values() for volume in group}
    waiting.until('%d volumes to be deleted' % len(ids), gone,
                  120 + len(ids) / 2, interval=3)


def cleanup(demo, admin, project_id, workers, say):
    """Remove every benchmark volume and wait until they are gone."""
    delete(demo, admin, project_id,
           [volume for group in bench_volumes(admin, project_id).values()
            for volume in group], workers, say)
