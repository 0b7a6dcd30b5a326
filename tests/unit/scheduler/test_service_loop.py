"""The service's loop outlives a sweep that fails unexpectedly: the next
sweep comes, instead of the process ending (and, under systemd's
Restart=on-failure, failing again at every start)."""

import types

from volsnap_dashboard.scheduler import coordination
from volsnap_dashboard.scheduler import service


class FakeCoordinator:
    def __init__(self, *args, **kwargs):
        self.refreshed = 0

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return False

    def refresh(self):
        self.refreshed += 1


def test_an_unexpected_error_in_a_sweep_does_not_end_the_service(
        monkeypatch, caplog):
    stopper = service.Stopper()
    sweeps = []

    class Sweeper:
        def sweep(self, now):
            sweeps.append(now)
            if len(sweeps) == 1:
                raise RecursionError('maximum recursion depth exceeded')
            stopper.request()

    monkeypatch.setattr(coordination, 'Coordinator', FakeCoordinator)
    monkeypatch.setattr(service, 'build_sweeper',
                        lambda *args, **kwargs: Sweeper())
    config = types.SimpleNamespace(
        coordination_url='file:///nowhere', member_id='',
        partitioned=False, sweep_interval=0)
    assert service.serve(config, None, None, stopper) == 0
    assert len(sweeps) == 2
    assert 'RecursionError' in caplog.text
