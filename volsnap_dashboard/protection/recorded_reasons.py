"""The scheduler's recorded reasons, shown in the reader's language.

The scheduler writes its reasons into Cinder's metadata in English (it
serves every project, in no one's language), built from the package's
translatable messages: ``_("the trust of %s has expired") % name``. To
show one, the text is matched back to the message it was made from and
that message is translated, with what was filled in (itself translated
where it is one of our messages too, such as an error inside a reason).
Text no message made (Cinder's own words, or a tenant's writing, for the
metadata is theirs) is shown as it is.

Bounded: the text is cut before matching, each message is matched in
one pass (no regular expression that could backtrack on a tenant's
text), and nesting stops after MAX_DEPTH.
"""

import functools
import gettext
import pathlib
import re

from django.utils.translation import gettext as _gettext

LOCALE = pathlib.Path(__file__).resolve().parent.parent / 'locale'
DOMAIN = 'django'
MAX_LENGTH = 1024
MAX_DEPTH = 2
MAX_PLACEHOLDERS = 4
MAX_PARTS = 8
MIN_LETTERS = 4
_TAG = re.compile(r'([a-z_]{1,16}): (.+)', re.S)
_PLACEHOLDER = re.compile(r'%(?:\((\w+)\))?([sdir%])')


class _Message:
    """One msgid with placeholders: its literal parts, in order, and the
    placeholders between them."""

    def __init__(self, msgid):
        self.msgid = msgid
        self.names = []
        self.numeric = []
        self.literals = []
        literal = ''
        position = 0
        for match in _PLACEHOLDER.finditer(msgid):
            literal += msgid[position:match.start()]
            position = match.end()
            name, kind = match.groups()
            if kind == '%':
                literal += '%'
                continue
            self.literals.append(literal)
            literal = ''
            self.names.append(name)
            self.numeric.append(kind in 'di')
        self.literals.append(literal + msgid[position:])
        # Two placeholders side by side cannot be told apart; a message
        # of punctuation or a short word alone ("%s: %s", "%s of %s")
        # would claim anyone's text.
        self.usable = all(self.literals[1:-1]) and sum(
            char.isalpha() for part in self.literals
            for char in part) >= MIN_LETTERS
        # The most literal text first: the most specific message wins.
        self.weight = sum(len(part) for part in self.literals)

    def filled(self, text):
        """What was filled in, if ``text`` was made from this message;
        each literal part is taken where it first occurs, so matching
        takes one pass, whatever the text (no backtracking)."""
        first, last = self.literals[0], self.literals[-1]
        if not (self.usable and text.startswith(first) and
                text.endswith(last) and
                len(text) >= len(first) + len(last)):
            return None
        body = text[len(first):len(text) - len(last)]
        values = []
        position = 0
        for literal in self.literals[1:-1]:
            found = body.find(literal, position + 1)
            if found < 0:
                return None
            values.append(body[position:found])
            position = found + len(literal)
        values.append(body[position:])
        if not all(values) or not all(
                re.fullmatch(r'-?\d+', value)
                for value, numeric in zip(values, self.numeric, strict=True)
                if numeric):
            return None
        return values

    def translated(self, values):
        template = _gettext(self.msgid)
        values = [int(value) if numeric else value
                  for value, numeric in zip(values, self.numeric,
                                            strict=True)]
        if not values:
            return template
        try:
            if self.names[0] is not None:
                return template % dict(zip(self.names, values, strict=True))
            return template % tuple(values)
        except (KeyError, TypeError, ValueError):
            return None


@functools.lru_cache(maxsize=1)
def _messages():
    """``({msgid: msgid} without placeholders, [_Message] with them)``,
    from the msgids of the package's compiled catalogs (any language's:
    they all hold every msgid)."""
    msgids = set()
    for path in sorted(LOCALE.glob('*/LC_MESSAGES/%s.mo' % DOMAIN)):
        with open(path, 'rb') as catalog:
            found = gettext.GNUTranslations(catalog)
        msgids.update(key for key in found._catalog
                      if isinstance(key, str) and key)
    plain = {}
    filled = []
    for msgid in msgids:
        count = len([match for match in _PLACEHOLDER.finditer(msgid)
                     if match.group(2) != '%'])
        if not count:
            plain[msgid] = msgid
        elif count <= MAX_PLACEHOLDERS:
            filled.append(_Message(msgid))
    filled.sort(key=lambda message: message.weight, reverse=True)
    return plain, filled


def translated(recorded, depth=0):
    """``recorded`` in the active language where our messages made it;
    as it is otherwise."""
    text = str(recorded or '')[:MAX_LENGTH]
    if not text or depth > MAX_DEPTH:
        return text
    return (_whole(text, depth) or _tagged(text, depth) or
            _joined(text, depth) or _leading(text) or text)


def _whole(text, depth):
    """A message with what was filled in, translated too."""
    plain, filled = _messages()
    if text in plain:
        return _gettext(text)
    for message in filled:
        values = message.filled(text)
        if values is None:
            continue
        result = message.translated(
            [value if numeric else translated(value, depth + 1)
             for value, numeric in zip(values, message.numeric,
                                       strict=True)])
        if result is not None:
            return result
    return None


def _tagged(text, depth):
    """``field: message``: which part of a schedule, then why."""
    match = _TAG.fullmatch(text)
    if match:
        return '%s: %s' % (match.group(1), translated(match.group(2),
                                                      depth + 1))
    return None


def _joined(text, depth):
    """Several fields' reasons, as the parameter checks join them."""
    if '; ' not in text:
        return None
    return '; '.join(translated(part, depth + 1)
                     for part in text.split('; ')[:MAX_PARTS])


def _leading(text):
    """One of our messages, then the cloud's own words (Cinder's or
    Keystone's), which stay as they are."""
    plain, _filled = _messages()
    for length in _plain_lengths():
        if len(text) > length and text[length] in ' :(' and \
                ' ' in text[:length] and text[:length] in plain:
            return _gettext(text[:length]) + text[length:]
    return None


@functools.lru_cache(maxsize=1)
def _plain_lengths():
    """The lengths of the messages that may lead a reason: phrases (a
    word alone, or punctuation, could claim anyone's text)."""
    plain, _filled = _messages()
    return sorted({len(msgid) for msgid in plain
                   if ' ' in msgid and any(char.isalpha()
                                           for char in msgid)},
                  reverse=True)
