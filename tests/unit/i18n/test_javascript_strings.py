"""Our JavaScript shows its own words only through Django's JavaScript
catalog: every literal that reads as prose is an argument of gettext or
ngettext (the server renders every other text)."""

import pathlib
import re

from volsnap_dashboard.devenv import source_tree

SCRIPTS = pathlib.Path(source_tree.REPO_ROOT, 'static', 'volsnap_dashboard',
                       'js')
COMMENTS = re.compile(r'/\*.*?\*/|//[^\n]*', re.S)
LITERAL = re.compile(r"'((?:[^'\\\n]|\\.)*)'|\"((?:[^\"\\\n]|\\.)*)\"")
# Two words or more, starting with a capital: what a person reads.
PROSE = re.compile(r'^[A-Z][a-z]+[ ,][^<>#\[\]=]*[a-z]')
TRANSLATED = re.compile(r'n?gettext\(\s*(?:(?:\'[^\']*\'|"[^"]*")\s*\+\s*)*$')


def prose_outside_gettext(source):
    code = COMMENTS.sub('', source)
    return [text for match in LITERAL.finditer(code)
            for text in [match.group(1) or match.group(2) or '']
            if PROSE.match(text) and
            not TRANSLATED.search(code[:match.start()])]


def test_every_prose_literal_is_translated():
    found = {path.name: prose_outside_gettext(path.read_text())
             for path in sorted(SCRIPTS.glob('*.js'))}
    assert any(path for path in found), 'no scripts found'
    assert not any(found.values()), found


def test_the_check_sees_an_untranslated_message():
    assert prose_outside_gettext(
        "$el.text('Unable to load it.');") == ['Unable to load it.']
    assert prose_outside_gettext(
        "$el.text(gettext('Unable to load ' +\n 'the list.'));") == []
