"""tools/benchmark-scheduler's logic that needs no cloud: its seeded
schedules are valid and not due at its instant, its doc section is its
own, its estimate is the straight line through the two largest sizes."""

import datetime
import types

from tools.bench import doc
from tools.bench import sweep_benchmark
from tools.bench import sweep_report
from tools.bench import sweep_seeding
from volsnap_dashboard.protection.schedule import model
from volsnap_dashboard.protection.schedule import store
from volsnap_dashboard.scheduler import sweep

PROJECT = 'p' * 32
HOUR = datetime.timedelta(hours=1)


def seeded_volume(index):
    return types.SimpleNamespace(
        id='vol-%d' % index, metadata=sweep_seeding.schedule_metadata(
            index, PROJECT, 'u' * 32, sweep_benchmark.INSTANT),
        **{'os-vol-tenant-attr:tenant_id': PROJECT})


def test_seeded_schedules_are_valid_and_not_due_until_the_next_day():
    instant = sweep_benchmark.INSTANT
    for index in (0, 1, 47, 95, 96, 999):
        volume = seeded_volume(index)
        assert all(len(key) <= 255 and len(value) <= 255
                   for key, value in volume.metadata.items())
        [schedule] = store.schedules_of(volume, HOUR)
        assert isinstance(schedule, model.Schedule), schedule
        assert len(schedule.state.history) == model.MAX_HISTORY
        assert sweep.decide(volume, schedule, instant).kind == \
            sweep.NOT_DUE
        next_day = instant + datetime.timedelta(days=1)
        assert sweep.decide(volume, schedule, next_day).kind == sweep.DUE


def test_seeded_schedules_spread_over_96_times_of_day():
    crons = {store.schedules_of(seeded_volume(i))[0].when.cron
             for i in range(200)}
    assert len(crons) == 96


def test_each_benchmark_writes_only_its_own_doc_section(tmp_path):
    path = tmp_path / 'benchmarks.rst'
    path.write_text('%s\n\npages\n\n%s\n\nProse.\n\n%s\n\nsweeps\n\n%s\n'
                    % (doc.BEGIN, doc.END, sweep_benchmark.DOC_BEGIN,
                       sweep_benchmark.DOC_END))
    doc.write_results(str(path), 'new sweeps\n',
                      begin=sweep_benchmark.DOC_BEGIN,
                      end=sweep_benchmark.DOC_END)
    doc.write_results(str(path), 'new pages\n')
    text = path.read_text()
    assert 'new pages\n\n%s\n\nProse.' % doc.END in text
    assert 'new sweeps\n\n%s' % sweep_benchmark.DOC_END in text
    assert 'sweeps\n\n' + sweep_benchmark.DOC_END not in text.replace(
        'new sweeps', '')


def measured(n, listing, first, later):
    def one(ms):
        return {'median_ms': ms, 'best_ms': ms, 'cinder': 1, 'keystone': 0}
    return {'n': n, 'listed': n, 'schedules': n, 'problems': [],
            'listing': one(listing), 'first': one(first),
            'later': one(later)}


def test_the_estimate_follows_the_line_through_the_two_largest_sizes():
    results = [measured(10, 5, 50, 50), measured(100, 70, 102, 81),
               measured(1000, 880, 960, 890)]
    estimate = sweep_report.extrapolated(results, 10000)
    # Slopes per volume from 100 to 1,000: (880 - 70) / 900, and so on.
    assert round(estimate['listing']) == 880 + 9000 * 810 // 900
    assert round(estimate['first']) == 960 + 9000 * 858 // 900
    assert sweep_report.extrapolated(results, 1000) is None
    assert sweep_report.extrapolated(results[:1], 10000) is None
    assert '10000 scheduled volumes' in sweep_report.extrapolation_text(
        results, 10000)


def test_every_table_row_names_its_size():
    table = sweep_report.results_table([measured(100, 70, 102, 81)])
    rows = table.splitlines()[3:-1]
    assert len(rows) == 3
    assert all(row.startswith('100 ') for row in rows)
    assert '1.46' in rows[1] and '1.16' in rows[2]
