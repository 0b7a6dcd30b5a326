"""tools/benchmark-scheduler's results as text (reStructuredText,
readable as is)."""

from tools.bench import report as page_report

SWEEPS = (('first', 'first sweep'), ('later', 'later sweep'))


def _ms(value):
    return '%.0f' % value if abs(value) >= 10 else '%.1f' % value


def _ratio(ms, listing_ms):
    return '%.2f' % (ms / listing_ms) if listing_ms > 0 else '-'


def _calls(measured):
    return '%g + %g' % (measured['cinder'], measured['keystone'])


def results_table(results):
    head = ['scheduled volumes', 'listed', 'schedules', 'measured',
            'median ms', 'best ms', 'of the listing', 'own ms',
            'own us per schedule', 'calls (C + K)']
    rows = []
    for r in results:
        listing = r['listing']
        start = [str(r['n']), str(r['listed']), str(r['schedules'])]
        rows.append(start + ['bare listing', _ms(listing['median_ms']),
                             _ms(listing['best_ms']), '1', '-', '-',
                             _calls(listing)])
        for key, name in SWEEPS:
            sweep = r[key]
            own = sweep['median_ms'] - listing['median_ms']
            # Every row names its size: a simple table's row with an
            # empty first cell would continue the row above.
            rows.append(start + [name, _ms(sweep['median_ms']),
                         _ms(sweep['best_ms']),
                         _ratio(sweep['median_ms'], listing['median_ms']),
                         _ms(own),
                         '%.0f' % (own * 1000 / max(r['schedules'], 1)),
                         _calls(sweep)])
    return page_report.simple_table(head, rows)


def extrapolated(results, n):
    """Median ms at ``n`` scheduled volumes on the line through the two
    largest sizes measured; None with fewer than two."""
    if not n or len(results) < 2 or n <= results[-1]['n']:
        return None
    low, high = results[-2], results[-1]
    span = high['n'] - low['n']
    estimate = {}
    for what in ('listing', 'first', 'later'):
        slope = (high[what]['median_ms'] - low[what]['median_ms']) / span
        estimate[what] = high[what]['median_ms'] + slope * (n - high['n'])
    return estimate


def extrapolation_text(results, n):
    estimate = extrapolated(results, n)
    if estimate is None:
        return ''
    return (
        'Estimated at %d scheduled volumes (among as many unscheduled), on '
        'the straight line through the medians at %d and %d: bare listing '
        '%.1f s, first sweep %.1f s (%s of the listing), later sweep %.1f '
        's (%s).' % (
            n, results[-2]['n'], results[-1]['n'],
            estimate['listing'] / 1000, estimate['first'] / 1000,
            _ratio(estimate['first'], estimate['listing']),
            estimate['later'] / 1000,
            _ratio(estimate['later'], estimate['listing'])))


def notes(results):
    return '\n'.join('* N=%d: %s' % (r['n'], problem)
                     for r in results for problem in r['problems'])


def report(run, machine, results, extrapolate_to):
    """``run``: date, command, rounds, instant, load_averages."""
    parts = [
        'Run on %s with ``%s``: median of %d timed rounds after one '
        'warm-up, sweeps at %s.' % (
            run['date'], run['command'], run['rounds'],
            run['instant'].strftime('%Y-%m-%dT%H:%M:%SZ')),
        page_report.field_list(machine + [
            ('load average (1 min)', '%.2f at the start, %.2f at the end'
             % run['load_averages'])]),
        results_table(results),
    ]
    estimate = extrapolation_text(results, extrapolate_to)
    if estimate:
        parts.append(estimate)
    extra = notes(results)
    if extra:
        parts += ['Notes:', extra]
    return '\n\n'.join(parts) + '\n'
