"""Cinder's facts (project attributes, the text limit) are written once,
in api/cinder_facts.py, and cut text the way the plugin always has."""

import pathlib
import tokenize

from volsnap_dashboard.api import cinder_facts

PACKAGE = pathlib.Path(cinder_facts.__file__).parent.parent
ATTRIBUTES = ('os-vol-tenant-attr', 'os-extended-snapshot-attributes')


def _facts_in(path):
    """The lines of ``path`` that write a fact: the number 255 or a
    string naming a project attribute (prose in docstrings may say 255)."""
    with tokenize.open(path) as source:
        for token in tokenize.generate_tokens(source.readline):
            if (token.type == tokenize.NUMBER and token.string == '255') or (
                    token.type == tokenize.STRING
                    and any(name in token.string for name in ATTRIBUTES)):
                yield token.start[0]


def test_each_fact_is_written_in_one_module_only():
    found = {str(path.relative_to(PACKAGE)): list(_facts_in(path))
             for path in sorted(PACKAGE.rglob('*.py'))}
    assert [path for path, lines in found.items() if lines] == [
        'api/cinder_facts.py'], found


def test_fit_keeps_the_whole_suffix_within_the_limit():
    assert cinder_facts.fit('v' * 300, '-snapshot') == 'v' * 246 + '-snapshot'
    assert cinder_facts.fit('db', '-snapshot') == 'db-snapshot'
    assert cinder_facts.fit(12345, limit=3) == '123'


def test_projects_where_cinder_shows_them():
    class Shown:
        pass
    shown = Shown()
    setattr(shown, 'os-vol-tenant-attr:tenant_id', 'p-1')
    setattr(shown, 'os-extended-snapshot-attributes:project_id', 'p-2')
    assert cinder_facts.volume_project(shown) == 'p-1'
    assert cinder_facts.snapshot_project(shown) == 'p-2'
    assert cinder_facts.volume_project(Shown()) is None
    assert cinder_facts.snapshot_project(Shown()) is None
