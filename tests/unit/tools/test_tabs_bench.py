"""``tools/benchmark --tabs``' logic that needs no cloud: one path loaded
in two sessions is measured twice, a page whose Cinder calls grow with
the project is flagged, the ratios are to Horizon's Volumes page of the
same size and page size, and its doc section is its own."""

import re
import types

from tools import benchmark
from tools.bench import doc
from tools.bench import measure
from tools.bench import tabs_benchmark
from tools.bench import tabs_report

SMALL = (20, 10)
LARGE = (2000, 1000)


class Client:
    def __init__(self, rows):
        self.rows = rows

    def get(self, path):
        row = b'<tr class="x" data-object-id="v">'
        return types.SimpleNamespace(status_code=200,
                                     content=row * self.rows)


class Counter:
    def take(self):
        return [('GET', 'http://127.0.0.1:1/v3/volumes', False)]


def test_one_path_in_two_sessions_is_measured_twice():
    path = tabs_benchmark.ADMIN_SCHEDULES
    searched, every = measure.measure([(Client(3), path), (Client(7), path)],
                                      2, 20, Counter())
    assert (searched['rows'], every['rows']) == (3, 7)


def result(page, size, cinder, median_ms=100, page_size=20):
    return {'page': page, 'user': 'demo', 'path': '/p/', 'size': size,
            'volumes': size[0], 'schedules': size[1], 'page_size': page_size,
            'rows': 20, 'error_message': '', 'calls': [],
            'median_ms': median_ms, 'best_ms': median_ms,
            'cinder': cinder, 'cinder_range': (cinder, cinder),
            'keystone': 2, 'keystone_range': (2, 2),
            'cinder_frame': 2, 'cinder_frame_range': (2, 2),
            'keystone_frame': 2, 'keystone_frame_range': (2, 2)}


def test_a_page_whose_cinder_calls_grow_with_the_project_is_flagged():
    checked = tabs_report.constant_calls([
        result('Volumes tab', SMALL, 4), result('Volumes tab', LARGE, 4),
        result('Schedules tab', SMALL, 4),
        result('Schedules tab', LARGE, 1004)])
    assert checked == [('Volumes tab', 20, {SMALL: 4, LARGE: 4}, True),
                       ('Schedules tab', 20, {SMALL: 4, LARGE: 1004},
                        False)]
    table = tabs_report.constant_calls_table([
        result('Schedules tab', SMALL, 4),
        result('Schedules tab', LARGE, 1004)])
    assert table.splitlines()[3].split()[-1] == 'NO'


def test_ratios_are_to_horizons_volumes_page_of_the_same_measurement():
    table = tabs_report.results_table([
        result('Volumes tab', LARGE, 4, median_ms=300),
        result(tabs_benchmark.HORIZON, LARGE, 8, median_ms=600),
        result(tabs_benchmark.BARE, LARGE, 2, median_ms=100),
        # Another page size: not the Volumes tab's reference.
        result(tabs_benchmark.HORIZON, LARGE, 8, median_ms=6000,
               page_size=1000)])
    rows = [re.split(r'\s{2,}', line) for line in table.splitlines()[3:7]]
    # median over Horizon's (300/600); less the bare page's: 200/500
    assert rows[0][8:10] == ['0.50', '0.40']
    assert rows[1][8:10] == ['-', '-']
    assert rows[3][8:10] == ['-', '-']


def test_the_tabs_write_only_their_own_doc_section(tmp_path):
    path = tmp_path / 'benchmarks.rst'
    path.write_text('%s\n\npages\n\n%s\n\n%s\n\ntabs\n\n%s\n' % (
        doc.BEGIN, doc.END, benchmark.TABS_DOC_BEGIN,
        benchmark.TABS_DOC_END))
    doc.write_results(str(path), 'new tabs\n', benchmark.TABS_DOC_BEGIN,
                      benchmark.TABS_DOC_END)
    text = path.read_text()
    assert 'pages\n\n%s' % doc.END in text
    assert 'new tabs\n\n%s' % benchmark.TABS_DOC_END in text


def test_the_full_project_is_measured_before_the_small_one():
    args = benchmark.parse_args(['--tabs', '--small', '30,5'])
    assert tabs_benchmark.sizes(args) == [LARGE, (30, 5)]


def test_each_page_is_loaded_by_its_user_and_the_searched_one_apart(
        monkeypatch):
    made = []

    def logged_in(user, page_project=None):
        made.append((user, page_project))
        return made[-1]
    monkeypatch.setattr(tabs_benchmark, 'logged_in', logged_in)
    sessions = tabs_benchmark.clients()
    assert [session[0] for session in sessions] == [
        user for _name, user, _path, _project in tabs_benchmark.PAGES]
    assert sessions[2] == ('admin', 'demo')
    assert sessions[3] == ('admin', None)
    # One session per user, besides the searched page's.
    assert sorted(made, key=str) == [('admin', 'demo'), ('admin', None),
                                     ('demo', None)]
