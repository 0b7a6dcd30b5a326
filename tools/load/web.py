"""One browser-like session: a ``requests.Session`` logged in to Horizon
through its login form, recording every request in the run's Stats."""

import html
import re

import requests

from tools.devkit import page_parser
from tools.load import config
from tools.load.errors import NoAnswer
from tools.load.errors import Retry
from tools.load.stats import shape

_ALERT_RE = re.compile(
    r'<div class="alert alert-(info|warning|success|danger) '
    r'alert-dismissable fade in">(.*?)</p>', re.S)
_TAG_RE = re.compile(r'<[^>]+>')


class Page:
    def __init__(self, response, path):
        self.status = response.status_code
        self.path = path
        self.text = response.text
        self.messages = [
            (level, html.unescape(' '.join(_TAG_RE.sub(' ', body).split())))
            for level, body in _ALERT_RE.findall(self.text)]
        self._parsed = None

    @property
    def parsed(self):
        if self._parsed is None:
            self._parsed = page_parser.parse(self.text)
        return self._parsed

    def has_message(self, text, levels=None):
        return any(text.lower() in message.lower()
                   for level, message in self.messages
                   if levels is None or level in levels)

    def errors(self):
        return [m for level, m in self.messages
                if level in ('danger', 'warning')]

    @property
    def unavailable(self):
        return self.has_message('unavailable', ('danger', 'warning'))



class WebSession:
    """A ``requests.Session`` logged in to Horizon through its login form."""

    def __init__(self, base_url, username, who, stats):
        self.base = base_url
        self.username = username
        self.who = who
        self.stats = stats
        self.http = requests.Session()

    def _one(self, method, path, data, headers, timeout):
        t = self.stats.t()
        try:
            response = self.http.request(
                method, self.base + path, data=data, headers=headers,
                allow_redirects=False, timeout=timeout)
        except requests.Timeout as exc:
            self.stats.request(t, self.who, method, path, None, 'timeout')
            self.stats.event(self.who, 'no answer from Horizon (timeout '
                             '%ss): %s %s' % (timeout, method, shape(path)),
                             exc, t=t)
            raise NoAnswer('timeout: %s %s' % (method, path)) from exc
        except requests.RequestException as exc:
            self.stats.request(t, self.who, method, path, None,
                               type(exc).__name__)
            self.stats.event(self.who, 'no answer from Horizon (%s): %s %s'
                             % (type(exc).__name__, method, shape(path)),
                             exc, t=t)
            raise NoAnswer('%s: %s %s' % (type(exc).__name__, method,
                                          path)) from exc
        self.stats.request(t, self.who, method, path, response.status_code)
        return t, response

    def load(self, method, path, data=None, ajax=False, timeout=None):
        """One page load: the request and the redirects it leads to."""
        headers = {}
        if method == 'POST':
            headers['X-CSRFToken'] = self.http.cookies.get('csrftoken', '')
            headers['Referer'] = self.base + path
        if ajax:
            headers['X-Requested-With'] = 'XMLHttpRequest'
        timeout = timeout or (config.AJAX_TIMEOUT if ajax
                              else config.PAGE_TIMEOUT)
        for _hop in range(config.MAX_REDIRECTS + 1):
            t, response = self._one(method, path, data, headers, timeout)
            if response.status_code >= 500 and not (
                    ajax and response.status_code == 503):
                self.stats.event(self.who, 'HTTP %d: %s %s' % (
                    response.status_code, method, shape(path)),
                    response.text[:200], t=t)
                raise NoAnswer('HTTP %d: %s %s' % (response.status_code,
                                                   method, path))
            if response.status_code not in (301, 302, 303):
                page = Page(response, path)
                for level, message in page.messages:
                    if level in ('danger', 'warning'):
                        message = message.split(' Details ')[0]
                        self.stats.event(self.who, 'message: %s'
                                         % shape(message)[:140], t=t)
                return page
            location = response.headers.get('Location', '')
            path = requests.compat.urlparse(location).path or config.INDEX
            query = requests.compat.urlparse(location).query
            if query:
                path += '?' + query
            method, data, headers = 'GET', None, {}
        raise NoAnswer('more than %d redirects from %s'
                       % (config.MAX_REDIRECTS, path))

    def get(self, path, **kwargs):
        return self.load('GET', path, **kwargs)

    def post(self, path, data, **kwargs):
        return self.load('POST', path, data=data, **kwargs)

    def login(self):
        page = self.get(page_parser.LOGIN)
        page = self.post(page_parser.LOGIN, page_parser.login_form(
            page.text, self.username))
        if page.status != 200 or page.path.startswith(page_parser.LOGIN):
            raise Retry('login as %s failed: HTTP %s at %s %s' % (
                self.username, page.status, page.path, page.errors()))
        return page


