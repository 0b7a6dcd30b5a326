"""How long a run waits for what it made: the operator's wait_timeout
where set, else the schedule's plugin's own (a backup takes longer than
a snapshot)."""

from tests.unit.protection.schedule import factories
from volsnap_dashboard.protection import registry
from volsnap_dashboard.scheduler import run


def runner(wait_timeout=None):
    return run.Runner(None, None, None, registry.volume_plugins(),
                      clock=None, wait_timeout=wait_timeout)


def test_each_plugin_its_own_unless_the_operator_says():
    snapshot_schedule = factories.schedule()
    backup_schedule = factories.schedule(plugin='cinder-backup')
    default = runner()
    assert default._wait_timeout(snapshot_schedule) == 600.0
    assert default._wait_timeout(backup_schedule) == 3600.0
    assert runner(42.0)._wait_timeout(backup_schedule) == 42.0
