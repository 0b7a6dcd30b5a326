"""Schedules, volumes and snapshots as the schedule tests need them."""

import dataclasses
import datetime
import types

from volsnap_dashboard.protection.schedule import model

UTC = datetime.timezone.utc
VOLUME_ID = '6f2b1a52-96a4-4a2b-8a4e-0d3c1b7d2e11'
PROJECT_ID = 'b4d1c0ffee0000000000000000000001'


def schedule(**changes):
    """A valid daily 02:00 Europe/Berlin schedule, keep 7."""
    values = dict(
        id='0a1b2c3d', volume_id=VOLUME_ID, project_id=PROJECT_ID,
        when=model.When(cron='0 2 * * *', tz='Europe/Berlin',
                        preset={'kind': 'daily', 'hour': 2, 'minute': 0}),
        options={'snapshot_name': 'nightly', 'description': '',
                 'force': False},
        name_template='{volume_name}-{schedule}-{time:%Y%m%d-%H%M}',
        retention=model.Retention(count=7, days=None), paused=False,
        trust_id='5e1f0c3a9b8d4e7f8a6b5c4d3e2f1a0b',
        owner_id='e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5', label='daily',
        created=datetime.datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    values.update(changes)
    return model.Schedule(**values)


def replaced(original, **changes):
    return dataclasses.replace(original, **changes)


def volume(metadata=None, project=PROJECT_ID, **attrs):
    """A volume as cinderclient shows it to an admin (with its project)."""
    values = {'id': VOLUME_ID, 'name': 'db-data', 'size': 10,
              'metadata': dict(metadata or {}),
              'os-vol-tenant-attr:tenant_id': project}
    values.update(attrs)
    return types.SimpleNamespace(**values)


def snapshot(snapshot_id, created, status='available', size=10,
             schedule_id='0a1b2c3d', volume_id=VOLUME_ID):
    """A snapshot made by a schedule; ``created`` is an aware datetime,
    written as Cinder writes created_at (UTC, no zone)."""
    created_at = created.astimezone(UTC).replace(tzinfo=None).isoformat(
        timespec='microseconds')
    return types.SimpleNamespace(
        id=snapshot_id, status=status, size=size, volume_id=volume_id,
        created_at=created_at,
        metadata={'volsnap_schedule': schedule_id} if schedule_id else {})
