"""A small load with a fault, inside tools/test: 4 logged-in sessions (demo
and alt) protect, restore and delete through the panel's HTTP endpoints
while Cinder is restarted under them (tools/devcloud restart-cinder, which
waits until Cinder is ready again, so the tests after this one find a
healthy cloud). The full-size run is tools/loadtest."""

import os
import time

from tools.devkit import cinder as devcloud
from tools.load import config
from tools.load import report as load_report
from tools.load import run as load_run
from tools.load.cinder_checks import cinder_as

ARTIFACTS = os.path.join(config.REPO_ROOT, 'test-artifacts')


def test_small_load_survives_a_cinder_restart(dev_cloud):
    began = time.monotonic()
    run = load_run.LoadRun(sessions=4, rounds=1, restart_cinder=True,
                       time_limit=120, raise_quotas=False,
                       probe_row_update=True, artifacts=ARTIFACTS,
                       label='test_load')
    report = run.run()
    load_report.write_report(report, os.path.join(ARTIFACTS,
                                                  'test_load-report.json'))
    summary = load_report.format_summary(report)
    print(summary)

    assert report['http_5xx'] == 0, summary
    assert report['leftovers'] == [], summary
    assert report['duplicates'] == [], summary
    assert report['rounds_done'] == 4, summary
    assert report['replays'] == {'refused, no duplicate': 4}, summary
    outage = report['outage']
    assert outage['restarted'], summary
    assert outage['probe_pages'].get('index: unavailable message'), summary
    assert outage['recovered_after'] is not None, summary
    assert report['failures'] == [], summary

    # The cloud is left running and usable for the tests after this one.
    assert isinstance(cinder_as('demo').volumes.list(), list)
    assert devcloud.cinder_as('alt').volume_snapshots.list() is not None
    print('test_load took %.1f s' % (time.monotonic() - began))
