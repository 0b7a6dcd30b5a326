"""The benchmark's results as text (reStructuredText, readable as is)."""

WHOSE = ('ours', 'horizon', 'floor')


def simple_table(head, rows):
    """A reStructuredText simple table, also readable as plain text."""
    widths = [max(len(row[i]) for row in [head] + rows)
              for i in range(len(head))]
    rule = '  '.join('=' * w for w in widths)

    def line(cells):
        return '  '.join(cell.ljust(width) for cell, width
                         in zip(cells, widths, strict=True)).rstrip()
    return '\n'.join([rule, line(head), rule]
                     + [line(row) for row in rows] + [rule])


def field_list(pairs):
    return '\n'.join(':%s: %s' % (key, value) for key, value in pairs)


def _count(result, key):
    low, high = result[key + '_range']
    text = '%g' % result[key]
    return text if low == high else '%s (%g-%g)' % (text, low, high)


def _rows_drawn(result):
    text = str(result['rows'])
    if result['whose'] != 'floor' and \
            result['rows'] != min(result['n'], result['page_size']):
        text += ' (!)'
    if result['error_message']:
        text += ' (error shown)'
    return text


def results_table(results):
    head = ['page', 'user', 'N', 'page size', 'rows', 'median ms',
            'best ms', 'Cinder calls', 'Keystone calls', 'discovery (C+K)',
            'page frame (C+K)']
    rows = []
    for r in results:
        start = [r['path'], r['user'], str(r['n']), str(r['page_size'])]
        if 'unavailable' in r:
            rows.append(start + ['-', 'not available (%s)' % r['unavailable']]
                        + ['-'] * 5)
            continue
        rows.append(start + [
            _rows_drawn(r), '%.0f' % r['median_ms'], '%.0f' % r['best_ms'],
            _count(r, 'cinder'), _count(r, 'keystone'),
            '%s+%s' % (_count(r, 'cinder_discovery'),
                       _count(r, 'keystone_discovery')),
            '%s+%s' % (_count(r, 'cinder_frame'),
                       _count(r, 'keystone_frame'))])
    return simple_table(head, rows)


def ratio(ours, theirs, number='%g'):
    text = (number + '/' + number) % (ours, theirs)
    return text + ' = %.2f' % (ours / theirs) if theirs > 0 else text


def _by_measurement(results):
    """(scope, N, page size) -> {whose: result}, in the order measured,
    for the measurements where every page answered."""
    groups = {}
    for r in results:
        groups.setdefault((r['scope'], r['n'], r['page_size']),
                          {})[r['whose']] = r
    return {key: pages for key, pages in groups.items()
            if set(pages) == set(WHOSE)
            and not any('unavailable' in r for r in pages.values())}


def ratios_table(results):
    head = ['scope', 'N', 'page size', 'median ms ours/Horizon',
            'Cinder calls ours/Horizon', 'without the page frame']
    rows = []
    for (scope, n, page_size), pages in _by_measurement(results).items():
        ours, theirs = pages['ours'], pages['horizon']
        rows.append([scope, str(n), str(page_size),
                     ratio(ours['median_ms'], theirs['median_ms'], '%.0f'),
                     ratio(ours['cinder'], theirs['cinder']),
                     ratio(ours['cinder'] - ours['cinder_frame'],
                           theirs['cinder'] - theirs['cinder_frame'])])
    return simple_table(head, rows)


def own_costs_table(results):
    """Each page's own cost: its median time above the bare page's, which
    shows Horizon's page frame and nothing else, measured alongside."""
    head = ['scope', 'N', 'page size', 'bare page ms', 'own ms ours',
            "own ms Horizon's", "own cost ours/Horizon's"]
    rows = []
    for (scope, n, page_size), pages in _by_measurement(results).items():
        floor = pages['floor']['median_ms']
        ours = pages['ours']['median_ms'] - floor
        theirs = pages['horizon']['median_ms'] - floor
        rows.append([scope, str(n), str(page_size), '%.0f' % floor,
                     '%.0f' % ours, '%.0f' % theirs,
                     ratio(ours, theirs, '%.0f')])
    return simple_table(head, rows)


def calls_listing(results):
    """The requests of the last timed load of each page, at the largest N
    and the smallest page size of its scope, ids replaced by {id}."""
    shown = {}
    for r in results:
        if 'calls' not in r:
            continue
        key = (r['scope'], r['path'])
        best = shown.get(key)
        if best is None or (r['n'], -r['page_size']) > \
                (best['n'], -best['page_size']):
            shown[key] = r
    lines = []
    for r in shown.values():
        lines += ['%s as %s (N=%d, page size %d)::'
                  % (r['path'], r['user'], r['n'], r['page_size']), '']
        lines += ['    ' + call for call in r['calls']] + ['']
    return '\n'.join(lines).rstrip()


def notes(results):
    lines = []
    for r in results:
        where = '%s as %s (N=%d, page size %d)' % (r['path'], r['user'],
                                                   r['n'], r['page_size'])
        if r.get('error_message'):
            lines.append('* %s showed an error: %s'
                         % (where, r['error_message']))
        if r.get('other'):
            lines.append('* %s also sent %g requests to other hosts'
                         % (where, r['other']))
    return '\n'.join(lines)


def report(run, machine, results):
    """The run's results, as printed and as written into the doc.
    ``run``: date, command, loads, debug, load_averages."""
    parts = [
        'Run on %s with ``%s``: median of %d timed loads per page after '
        'one warm-up load, DEBUG %s.' % (
            run['date'], run['command'], run['loads'],
            'on' if run['debug'] else 'off'),
        field_list(machine + [
            ('load average (1 min)', '%.2f at the start, %.2f at the end'
             % run['load_averages'])]),
        results_table(results),
        "Ours against Horizon's, same scope, N and page size:",
        ratios_table(results),
        "Own costs: each page's median time less the bare page's "
        "(Horizon's page frame alone), measured in the same rounds:",
        own_costs_table(results),
        'The requests of the last timed load of each page, in the order '
        'they were sent (ids shown as ``{id}``):',
        calls_listing(results),
    ]
    extra = notes(results)
    if extra:
        parts += ['Notes:', extra]
    return '\n\n'.join(parts) + '\n'
