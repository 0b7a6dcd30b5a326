"""A pseudo-locale: every string that goes through Django's translation
functions (ours, Horizon's and Django's, in Python and in templates) comes
out wrapped in OPEN ... CLOSE. A page rendered under it shows unmarked
text as text outside every wrapping."""

import contextlib
from html.parser import HTMLParser
import re
from unittest import mock

from django.utils import translation

OPEN, CLOSE = '\u27e6', '\u27e7'
_INNERMOST = re.compile('%s[^%s%s]*%s' % (OPEN, OPEN, CLOSE, CLOSE))
_LETTER = re.compile(r'[^\W\d_]')
_ATTRIBUTE_NAME = re.compile(r'^[a-z_:][a-z0-9_:.-]*$')
# Text a person reads that is not in an element's content.
READ_ATTRIBUTES = ('title', 'placeholder', 'alt', 'aria-label',
                   'data-original-title')
NOT_READ = ('script', 'style', 'template')


def wrap(text):
    return OPEN + text + CLOSE if text else text


def _wrapping(function):
    def translated(*args):
        return wrap(function(*args))
    return translated


@contextlib.contextmanager
def active():
    """Translate everything into the pseudo-locale while inside."""
    names = ('gettext', 'ngettext', 'pgettext', 'npgettext')
    with contextlib.ExitStack() as stack:
        for name in names:
            # Reading it first makes Django's lazy Trans resolve the real
            # function, which the patch then stands in for.
            stack.enter_context(mock.patch.object(
                translation._trans, name,
                _wrapping(getattr(translation._trans, name))))
        yield


def unwrapped(text):
    """``text`` without its translated parts (nested ones too)."""
    while True:
        shorter = _INNERMOST.sub(' ', text)
        if shorter == text:
            return text
        text = shorter


class _ReadText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in NOT_READ:
            self._skipping += 1
        # Horizon's drop-down select titles its button with the chosen
        # value's key (its own tables' filters do the same).
        dropdown = dict(attrs).get('data-toggle') == 'dropdown'
        for name, value in attrs:
            if not _ATTRIBUTE_NAME.match(name):
                # A quote inside a value ended it: the rest is lost text.
                self.texts.append('broken attribute %s in <%s>' % (name,
                                                                    tag))
            if name in READ_ATTRIBUTES and value and not (
                    dropdown and name == 'title'):
                self.texts.append(value)
        if tag == 'input' and dict(attrs).get('type') in ('submit',
                                                          'button'):
            self.texts.append(dict(attrs).get('value') or '')

    def handle_endtag(self, tag):
        if tag in NOT_READ and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping and data.strip():
            self.texts.append(data)


def read_texts(html):
    """The texts of ``html`` a person reads (element text and the
    attributes shown as text)."""
    parser = _ReadText()
    parser.feed(html)
    return parser.texts


def unmarked(html, data=(), allowed=()):
    """The lines of text in ``html`` with words that did not go through
    translation, once ``data`` (strings that are the user's data, not
    ours) and the ``allowed`` patterns are taken out. A translated text
    may span elements (a link inside a sentence): the page's texts are
    read as one, in order."""
    # Whole words only: a one-letter name must not hide our words.
    data_words = re.compile('|'.join(
        r'(?<!\w)%s(?!\w)' % re.escape(item)
        for item in sorted({item for item in data if item}, key=len,
                           reverse=True)) or '(?!)')
    found = []
    for line in unwrapped('\n'.join(read_texts(html))).split('\n'):
        rest = data_words.sub(' ', line)
        for pattern in allowed:
            rest = re.sub(pattern, ' ', rest)
        if _LETTER.search(rest):
            found.append(line.strip())
    return found
