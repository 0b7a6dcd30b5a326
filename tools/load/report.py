"""The load run's report: as JSON, and as the summary printed."""

import collections
import json

from tools.load.stats import fmt_seconds

def build(run):
    """The run's report: counts, problems, and every event (JSON-ready)."""
    stats = run.stats
    statuses = collections.Counter(
        r[4] if r[4] is not None else 'no answer (%s)' % r[5]
        for r in stats.requests)
    kinds = collections.Counter()
    for t, _who, kind, _detail in stats.events:
        kinds['%s [%s]' % (kind, 'during outage' if stats.in_outage(t)
                           else 'outside outage')] += 1
    outage = run.outage.result if run.outage else None
    during = [r for r in stats.requests if stats.in_outage(r[0])]
    failures = []
    if stats.count_500():
        failures.append('%d HTTP 5xx responses' % stats.count_500())
    if stats.no_answers():
        failures.append('%d requests without an answer'
                        % len(stats.no_answers()))
    if run.leftovers:
        failures.append('%d leftovers' % len(run.leftovers))
    if stats.duplicates:
        failures.append('%d duplicates' % len(stats.duplicates))
    if stats.rounds_failed:
        failures.append('%d rounds failed' % len(stats.rounds_failed))
    planned = run.sessions * run.rounds
    if stats.rounds_done + len(stats.rounds_failed) < planned:
        failures.append('%d of %d rounds not done' % (
            planned - stats.rounds_done, planned))
    if run.cleanup_problems:
        failures.append('clean-up problems')
    if outage is not None:
        if not outage.get('restarted'):
            failures.append('Cinder was not restarted: %s'
                            % outage.get('error', outage))
        elif not outage['probe_pages'].get(
                'index: unavailable message'):
            failures.append('no "unavailable" page seen during the '
                            'outage')
        if outage.get('restarted') and outage.get(
                'recovered_after') is None:
            failures.append('pages did not work again after the '
                            'restart')
    report = {
        'sessions': run.sessions, 'rounds': run.rounds,
        'rounds_done': stats.rounds_done,
        'rounds_failed': stats.rounds_failed,
        'requests': len(stats.requests),
        'by_status': {str(k): v for k, v in sorted(
            statuses.items(), key=lambda kv: str(kv[0]))},
        'during_outage': dict(collections.Counter(
            str(r[4] if r[4] is not None else 'no answer')
            for r in during)),
        'errors_by_kind': dict(kinds.most_common()),
        'http_5xx': stats.count_500(),
        'no_answer': [list(r) for r in stats.no_answers()],
        'replays': dict(stats.replays),
        'duplicates': stats.duplicates,
        'leftovers': run.leftovers,
        'stale_before_run': run.stale,
        'cleanup_problems': run.cleanup_problems,
        'outage': outage,
        'horizon_connections_to_cinder': (
            run.connections.result() if run.connections else None),
        'elapsed': round(run.elapsed, 1),
        'total': round(run.total, 1),
        'failures': failures,
        'server_log': run.server_log,
        'events': [list(e) for e in stats.events],
    }
    return report


def format_summary(report):
    lines = ['', '== load test: %d sessions x %d rounds ==' % (
        report['sessions'], report['rounds'])]
    add = lines.append
    add('rounds: %d done, %d failed' % (report['rounds_done'],
                                        len(report['rounds_failed'])))
    for who, number, why in report['rounds_failed'][:10]:
        add('  %s round %s: %s' % (who, number, why))
    add('requests to Horizon: %d' % report['requests'])
    add('  by status: ' + ', '.join('%s: %d' % kv for kv in
                                    report['by_status'].items()))
    outage = report['outage']
    if outage:
        add('outage: restart-cinder from t+%s s to t+%s s (exit %s); '
            'Cinder down t+%s s .. back t+%s s' % (
                fmt_seconds(outage.get('start')),
                fmt_seconds(outage.get('end')), outage.get('exit_code'),
                fmt_seconds(outage.get('cinder_down')),
                fmt_seconds(outage.get('cinder_back'))))
        add('  requests during it by status: ' + ', '.join(
            '%s: %d' % kv for kv in sorted(report['during_outage'].items())))
        add('  probe pages while Cinder was down: %s' % (
            ', '.join('%s: %s' % kv for kv in
                      outage.get('probe_pages', {}).items()) or 'none'))
        if outage.get('row_update') is not None:
            add('  AJAX row update while Cinder was down: %s'
                % outage['row_update'])
        add('  index page worked again %s s after the restart, Horizon '
            'not restarted' % fmt_seconds(outage.get('recovered_after')))
    else:
        add('outage: none (--no-restart-cinder)')
    connections = report['horizon_connections_to_cinder']
    if connections:
        add("Horizon's open TCP connections to Cinder: peak %(peak)d, last "
            "%(last)d (%(samples)d samples)" % connections)
    add('errors by kind:')
    for kind, count in report['errors_by_kind'].items():
        add('  %5d  %s' % (count, kind))
    if not report['errors_by_kind']:
        add('  none')
    add('HTTP 5xx responses: %d' % report['http_5xx'])
    for record in report['no_answer'][:10]:
        add('  no answer: t+%.1f %s %s %s (%s)' % (
            record[0], record[1], record[2], record[3], record[5]))
    add('replayed protect POSTs (used token): ' + (', '.join(
        '%s: %d' % kv for kv in report['replays'].items()) or 'none'))
    add('duplicates: %s' % (report['duplicates'] or 'none'))
    add('leftovers: %s' % (len(report['leftovers']) or 'none'))
    for leftover in report['leftovers'][:20]:
        add('  ' + leftover)
    if report['stale_before_run']:
        add('removed before the run (earlier runs): %d'
            % len(report['stale_before_run']))
    for problem in report['cleanup_problems']:
        add('clean-up problem: ' + problem)
    add('elapsed: %.1f s of load (%.1f s with set-up and checks)'
        % (report['elapsed'], report['total']))
    add('Horizon log: %s' % report['server_log'])
    add('result: %s' % ('FAIL: ' + '; '.join(report['failures'])
                        if report['failures'] else 'PASS'))
    return '\n'.join(lines)


def write_report(report, path):
    with open(path, 'w') as out:
        json.dump(report, out, indent=1, default=str)


