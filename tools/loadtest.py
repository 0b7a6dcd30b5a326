"""Load and faults against a live Horizon with the plugin (tools/loadtest).

Many logged-in sessions (demo and alt, alternating) protect, restore and
delete through the panel's HTTP endpoints only, while Cinder is restarted
in the middle of the run; then Cinder is checked for leftovers and
duplicates. Exits non-zero on any HTTP 5xx, request without an answer,
leftover, duplicate, failed round, or if the outage was not handled.

The parts live in tools/load/ (also used by tests/integration/test_load.py)
over tools/devkit/.
"""

import argparse
import os
import sys

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO_ROOT)

from tools.load import report as load_report  # noqa: E402
from tools.load import run as load_run  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog='tools/loadtest', description=__doc__.split('\n\n')[0])
    parser.add_argument('--sessions', type=int, default=20,
                        help='concurrent logged-in sessions (default 20)')
    parser.add_argument('--rounds', type=int, default=3,
                        help='protect/restore/delete rounds per session '
                             '(default 3)')
    parser.add_argument('--restart-cinder', default=True,
                        action=argparse.BooleanOptionalAction,
                        help='restart Cinder in the middle of the run '
                             '(default on)')
    parser.add_argument('--time-limit', type=float, default=900,
                        help='seconds for the load phase (default 900)')
    parser.add_argument('--quotas', default=True,
                        action=argparse.BooleanOptionalAction,
                        help="raise demo's and alt's Cinder quotas to "
                             "unlimited first (default on)")
    parser.add_argument('--debug', action='store_true',
                        help='serve Horizon with DEBUG on (default off)')
    parser.add_argument('--report', default=os.path.join(
        REPO_ROOT, 'test-artifacts', 'loadtest-report.json'),
        help='JSON report of every problem seen')
    args = parser.parse_args(argv)
    if args.sessions < 1 or args.rounds < 1:
        parser.error('--sessions and --rounds must be at least 1')

    def say(text):
        print('loadtest: ' + text, flush=True)

    run = load_run.LoadRun(sessions=args.sessions, rounds=args.rounds,
                       restart_cinder=args.restart_cinder,
                       time_limit=args.time_limit, raise_quotas=args.quotas,
                       debug=args.debug, say=say,
                       artifacts=os.path.dirname(os.path.abspath(
                           args.report)))
    report = run.run()
    load_report.write_report(report, args.report)
    print(load_report.format_summary(report))
    print('details: %s' % args.report)
    return 1 if report['failures'] else 0


if __name__ == '__main__':
    sys.exit(main())
