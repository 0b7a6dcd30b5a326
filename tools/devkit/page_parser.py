"""What the tools and tests read from Horizon's HTML: form fields and the
rows of a table. The one login-form parser."""

import collections
from html.parser import HTMLParser

from tools.devkit import identities

LOGIN = '/auth/login/'


class PageParser(HTMLParser):
    """A Horizon page's form values (``inputs``: text and hidden inputs
    and each select's chosen option; ``checkboxes``: the values offered per
    name) and its table rows (``rows``: object id -> name and status)."""

    def __init__(self):
        super().__init__()
        self.inputs = {}
        self.checkboxes = collections.defaultdict(list)
        self.rows = {}
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get('name')
        if tag == 'input' and name:
            if attrs.get('type') == 'checkbox':
                self.checkboxes[name].append(attrs.get('value'))
            else:
                self.inputs[name] = attrs.get('value') or ''
        elif tag == 'select':
            self._select = name
        elif tag == 'option' and self._select and 'selected' in attrs:
            self.inputs.setdefault(self._select, attrs.get('value'))
        elif tag == 'tr' and attrs.get('data-object-id'):
            classes = (attrs.get('class') or '').split()
            status = next((c[len('status_'):] for c in classes
                           if c.startswith('status_')), None)
            self.rows[attrs['data-object-id']] = {
                'name': attrs.get('data-display'), 'status': status}

    def handle_endtag(self, tag):
        if tag == 'select':
            self._select = None


def parse(html):
    parser = PageParser()
    parser.feed(html)
    return parser


def login_form(html, username):
    """What to POST to Horizon's login page, read from ``html`` (the login
    page): its hidden fields and region, and ``username``'s credentials."""
    return dict(parse(html).inputs, username=username,
                password=identities.password(username))
