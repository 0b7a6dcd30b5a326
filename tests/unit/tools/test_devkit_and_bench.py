"""The dev tools' own logic that needs no cloud: the login-form parser,
the benchmark's own-cost arithmetic and its doc writer."""

import pytest

from tools.bench import doc
from tools.bench import report
from tools.devkit import page_parser

LOGIN_PAGE = '''
<form method="POST" action="/auth/login/">
  <input type="hidden" name="csrfmiddlewaretoken" value="tok&amp;en">
  <input type="hidden" name="next" value="">
  <select name="region" id="id_region">
    <option value="http://other/v3">Other</option>
    <option value="http://127.0.0.1:5000/v3" selected>Default</option>
  </select>
  <input type="text" name="username"><input type="password" name="password">
  <input type="checkbox" name="volumes" value="v1">
</form>
<table><tr data-object-id="s1" data-display="snap" class="status_up ajax">
</tr></table>'''


def test_login_form_keeps_hidden_fields_and_the_selected_region(monkeypatch):
    monkeypatch.setenv('VOLSNAP_DEMO_PASSWORD', 'secret')
    form = page_parser.login_form(LOGIN_PAGE, 'demo')
    assert form == {'csrfmiddlewaretoken': 'tok&en', 'next': '',
                    'region': 'http://127.0.0.1:5000/v3',
                    'username': 'demo', 'password': 'secret'}


def test_page_parser_reads_checkboxes_and_table_rows():
    parsed = page_parser.parse(LOGIN_PAGE)
    assert parsed.checkboxes['volumes'] == ['v1']
    assert parsed.rows == {'s1': {'name': 'snap', 'status': 'up'}}


def _result(whose, median_ms, page_size=20):
    return {'scope': 'project', 'n': 1000, 'page_size': page_size,
            'whose': whose, 'median_ms': median_ms}


def test_own_cost_is_the_time_above_the_bare_page():
    table = report.own_costs_table([
        _result('ours', 150), _result('horizon', 250),
        _result('floor', 100)])
    row = table.splitlines()[3].split()
    # scope, N, page size, bare page, own ours, own Horizon's, ratio
    assert row[:6] == ['project', '1000', '20', '100', '50', '150']
    assert ' '.join(row[6:]) == '50/150 = 0.33'


def test_own_costs_leave_out_a_measurement_with_a_page_missing():
    unavailable = dict(_result('horizon', 0), unavailable='HTTP 500')
    table = report.own_costs_table([
        _result('ours', 150), unavailable, _result('floor', 100)])
    assert len(table.splitlines()) == 4   # rules and head only


def test_doc_results_replace_only_the_marked_section(tmp_path):
    path = tmp_path / 'benchmarks.rst'
    path.write_text('Prose before.\n\n%s\n\nold results\n\n%s\n\n'
                    'Prose after.\n' % (doc.BEGIN, doc.END))
    doc.write_results(str(path), 'new results\n')
    text = path.read_text()
    assert text.startswith('Prose before.\n\n' + doc.BEGIN)
    assert 'old results' not in text
    assert 'new results\n\n' + doc.END in text
    assert text.endswith('Prose after.\n')


def test_doc_without_markers_is_left_alone(tmp_path):
    path = tmp_path / 'benchmarks.rst'
    path.write_text('Hand-written.\n')
    with pytest.raises(doc.NoMarkers):
        doc.write_results(str(path), 'new results\n')
    assert path.read_text() == 'Hand-written.\n'
