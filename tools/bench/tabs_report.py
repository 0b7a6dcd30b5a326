"""``tools/benchmark --tabs``' results as text (reStructuredText,
readable as is)."""

from tools.bench import report as page_report
from tools.bench import tabs_benchmark


def _measured(results):
    """(size, page size) -> {page: result} of the pages that answered."""
    groups = {}
    for r in results:
        if 'unavailable' not in r:
            groups.setdefault((r['size'], r['page_size']), {})[r['page']] = r
    return groups


def _calls(r):
    return '%s + %s' % (page_report._count(r, 'cinder'),
                        page_report._count(r, 'keystone'))


def results_table(results):
    """Every page's time and calls, with its ratio to Horizon's Volumes
    page (whole, and less the bare page's time) in the same rounds."""
    head = ['page', 'user', 'volumes', 'scheduled', 'page size', 'rows',
            'median ms', 'best ms', 'of Horizon', 'own of Horizon',
            'calls (C + K)', 'page frame (C + K)']
    groups = _measured(results)
    rows = []
    for r in results:
        start = [r['page'], r['user'], str(r['volumes']),
                 str(r['schedules']), str(r['page_size'])]
        if 'unavailable' in r:
            rows.append(start + ['-', 'not available (%s)'
                                 % r['unavailable']] + ['-'] * 5)
            continue
        pages = groups[r['size'], r['page_size']]
        horizon = pages.get(tabs_benchmark.HORIZON)
        bare = pages.get(tabs_benchmark.BARE)
        whole = own = '-'
        if horizon and r['page'] != tabs_benchmark.HORIZON:
            whole = '%.2f' % (r['median_ms'] / horizon['median_ms'])
            if bare and r['page'] != tabs_benchmark.BARE:
                theirs = horizon['median_ms'] - bare['median_ms']
                if theirs > 0:
                    own = '%.2f' % ((r['median_ms'] - bare['median_ms'])
                                    / theirs)
        rows.append(start + [
            str(r['rows']) + (' (error shown)' if r['error_message'] else ''),
            '%.0f' % r['median_ms'], '%.0f' % r['best_ms'], whole, own,
            _calls(r), '%s + %s' % (page_report._count(r, 'cinder_frame'),
                                    page_report._count(r, 'keystone_frame'))])
    return page_report.simple_table(head, rows)


def constant_calls(results):
    """(page, page size, {size: Cinder calls}, the same at every size)
    for every page measured at more than one size."""
    calls = {}
    for r in results:
        if 'unavailable' not in r:
            calls.setdefault((r['page'], r['page_size']), {})[r['size']] = \
                r['cinder']
    return [(page, page_size, by_size, len(set(by_size.values())) == 1)
            for (page, page_size), by_size in calls.items()
            if len(by_size) > 1]


def constant_calls_table(results):
    checked = constant_calls(results)
    if not checked:
        return ''
    sizes = sorted({size for _p, _s, by_size, _same in checked
                    for size in by_size})
    head = ['page', 'page size'] + [
        'Cinder calls, %d volumes (%d scheduled)' % size
        for size in sizes] + ['constant']
    rows = [[page, str(page_size)]
            + ['%g' % by_size[size] if size in by_size else '-'
               for size in sizes] + ['yes' if same else 'NO']
            for page, page_size, by_size, same in checked]
    return page_report.simple_table(head, rows)


def largest_calls_listing(results):
    """The requests of each page's last timed load at the largest size
    and Horizon's default page size (the smallest measured)."""
    largest = max(r['size'] for r in results)
    smallest_page = min(r['page_size'] for r in results)
    lines = []
    for r in results:
        if r['size'] != largest or r['page_size'] != smallest_page or \
                'calls' not in r:
            continue
        lines += ['%s, %s as %s (page size %d)::' % (
            r['page'], r['path'], r['user'], r['page_size']), '']
        lines += ['    ' + call for call in r['calls']] + ['']
    return '\n'.join(lines).rstrip()


def seeding_text(seeding, workers):
    return ' '.join(
        'Seeding to %d bench volumes (%d scheduled): %d created (%d at '
        'a time) and any others deleted, in %.0f s.'
        % (volumes, schedules, created, workers, seconds)
        for (volumes, schedules), (created, seconds)
        in sorted(seeding.items(), reverse=True))


def report(run, machine, results, seeding):
    """``run``: date, command, loads, debug, load_averages, workers."""
    parts = [
        'Run on %s with ``%s``: median of %d timed loads per page after '
        'one warm-up load, DEBUG %s.' % (
            run['date'], run['command'], run['loads'],
            'on' if run['debug'] else 'off'),
        page_report.field_list(machine + [
            ('load average (1 min)', '%.2f at the start, %.2f at the end'
             % run['load_averages'])]),
        seeding_text(seeding, run['workers']),
        results_table(results),
    ]
    constant = constant_calls_table(results)
    if constant:
        parts += ["Each page's Cinder calls at each size of the project:",
                  constant]
    parts += ['The requests of the last timed load of each page at the '
              'largest size (ids shown as ``{id}``):',
              largest_calls_listing(results)]
    extra = page_report.notes([dict(r, n=r['volumes']) for r in results])
    if extra:
        parts += ['Notes:', extra]
    return '\n\n'.join(parts) + '\n'
