"""Load and faults: many logged-in users driving the Volume Protection panel
over HTTP while Cinder is restarted under them.

Used by ``tools/loadtest`` (by hand, 20 sessions by default) and by
``tests/integration/test_load.py`` (a small run inside ``tools/test``).

Each session is its own ``requests.Session`` that logs in through Horizon's
real login form and then only uses the panel's HTTP endpoints, as a browser
would: the protect form (its one-time ``submission`` token), the protect
POST, the index page until the snapshot is available, the restore form and
POST, the table's delete POST. Cinder is only read to find what a POST
created and to wait, except that the restored volumes are deleted with
cinderclient as the user (the panel does not delete volumes).

Every loop has a count and a time limit, and the whole run has a deadline.
"""

import collections
import concurrent.futures
import contextlib
import html
from html.parser import HTMLParser
import json
import os
import re
import subprocess
import threading
import time
import uuid

from cinderclient import exceptions as cinder_exc
from keystoneauth1 import exceptions as ks_exc
import requests

from tests.integration import cloud
from tests.integration import live_server

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
DEVCLOUD = os.path.join(REPO_ROOT, 'tools', 'devcloud')

INDEX = '/project/volume_protection/'
PROTECT = INDEX + 'protect/'
LOGIN = '/auth/login/'
PREFIX = 'load-'
NAME_RE = re.compile(r'^load-\d+(-[sr]\d+)?$')
USERS = ('demo', 'alt')

PAGE_TIMEOUT = 60      # seconds for one HTTP request to Horizon
AJAX_TIMEOUT = 10      # the row update of the live table
CINDER_TIMEOUT = 30    # this script's own calls to Cinder
POLL_INTERVAL = 2.0    # Horizon's own rows poll every 2.5 s
MAX_REDIRECTS = 5
# Still creating or deleting this long after the restart: the request was
# lost when Cinder stopped (the all-in-one Cinder's RPC is in memory).
LOST_AFTER = 20

_UUID_RE = re.compile(r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-'
                      r'[0-9a-f]{12}|[0-9a-f]{32}')
_ALERT_RE = re.compile(
    r'<div class="alert alert-(info|warning|success|danger) '
    r'alert-dismissable fade in">(.*?)</p>', re.S)
_TAG_RE = re.compile(r'<[^>]+>')


def shape(text):
    """``text`` with ids and our resource names replaced, for counting."""
    text = _UUID_RE.sub('<id>', text)
    return re.sub(r'load-\d+(-[sr]\d+)?', '<name>', text)


def now():
    return time.monotonic()


# --- what happened -----------------------------------------------------------

class Stats:
    """Every HTTP request to Horizon and every problem seen, thread-safe."""

    def __init__(self):
        self.lock = threading.Lock()
        self.started = now()
        self.requests = []   # (t, who, method, path, status, error)
        self.events = []     # (t, who, kind, detail)
        self.duplicates = []
        self.replays = collections.Counter()
        self.rounds_done = 0
        self.rounds_failed = []
        self.protects_posted = 0
        self.outage = None   # (start, end) in seconds since started

    def t(self):
        return now() - self.started

    def request(self, t, who, method, path, status, error=None):
        with self.lock:
            self.requests.append((t, who, method, shape(path), status,
                                  error))

    def event(self, who, kind, detail='', t=None):
        with self.lock:
            self.events.append((self.t() if t is None else t, who, kind,
                                shape(str(detail))[:300]))

    def in_outage(self, t, grace=2.0):
        return (self.outage is not None
                and self.outage[0] <= t <= self.outage[1] + grace)

    def count_500(self):
        # A live row's update answers 503 while Cinder is down: that is
        # the designed "try again", not a server error.
        return sum(1 for r in self.requests
                   if r[4] is not None and r[4] >= 500
                   and not (r[4] == 503 and 'action=row_update' in r[3]))

    def no_answers(self):
        return [r for r in self.requests if r[4] is None]


# --- HTML --------------------------------------------------------------------

class _Parser(HTMLParser):
    """Form inputs, checkbox values and the snapshot table's rows."""

    def __init__(self):
        super().__init__()
        self.inputs = {}
        self.checkboxes = collections.defaultdict(list)
        self.rows = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get('name')
        if tag == 'input' and name:
            if attrs.get('type') == 'checkbox':
                self.checkboxes[name].append(attrs.get('value'))
            else:
                self.inputs[name] = attrs.get('value') or ''
        elif tag == 'option' and 'selected' in attrs:
            self.inputs.setdefault('region', attrs.get('value'))
        elif tag == 'tr' and attrs.get('data-object-id'):
            classes = (attrs.get('class') or '').split()
            status = next((c[len('status_'):] for c in classes
                           if c.startswith('status_')), None)
            self.rows[attrs['data-object-id']] = {
                'name': attrs.get('data-display'), 'status': status}


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
            self._parsed = _Parser()
            self._parsed.feed(self.text)
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


class Retry(Exception):
    """This attempt did not work (Cinder away, form refused): try again."""


class NoAnswer(Retry):
    """Horizon did not answer properly: 5xx, timeout, connection error."""


class StepFailed(Exception):
    """A step gave up after its attempts or its time limit."""


class Redo(Exception):
    """Stop waiting: the action has to be asked for again."""


# --- one browser-like session ------------------------------------------------

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
        timeout = timeout or (AJAX_TIMEOUT if ajax else PAGE_TIMEOUT)
        for _hop in range(MAX_REDIRECTS + 1):
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
            path = requests.compat.urlparse(location).path or INDEX
            query = requests.compat.urlparse(location).query
            if query:
                path += '?' + query
            method, data, headers = 'GET', None, {}
        raise NoAnswer('more than %d redirects from %s' % (MAX_REDIRECTS,
                                                           path))

    def get(self, path, **kwargs):
        return self.load('GET', path, **kwargs)

    def post(self, path, data, **kwargs):
        return self.load('POST', path, data=data, **kwargs)

    def login(self):
        page = self.get(LOGIN)
        form = dict(page.parsed.inputs, username=self.username,
                    password=cloud.password(self.username))
        page = self.post(LOGIN, form)
        if page.status != 200 or page.path.startswith(LOGIN):
            raise Retry('login as %s failed: HTTP %s at %s %s' % (
                self.username, page.status, page.path, page.errors()))
        return page


def cinder_as(username):
    """cinderclient as ``username`` that keeps no idle connection open (so
    that this script does not take Cinder's connections from Horizon) and
    gives up on a call after CINDER_TIMEOUT seconds."""
    client = cloud.cinder_as(username)
    client.client.session.session.headers['Connection'] = 'close'
    client.client.session.timeout = CINDER_TIMEOUT
    return client


def cinder_read(what, call):
    """A read-only Cinder call of the test itself; an outage means Retry."""
    try:
        return call()
    except (cinder_exc.ClientException, ks_exc.ClientException,
            requests.RequestException) as exc:
        if isinstance(exc, cinder_exc.NotFound):
            raise
        raise Retry('Cinder check (%s): %s' % (what, type(exc).__name__)) \
            from exc


# --- one user's rounds -------------------------------------------------------

class LoadSession:
    """Protect, wait, restore, wait, delete the volume, delete the snapshot,
    ``rounds`` times, as ``username``, on its own volume ``load-<index>``."""

    def __init__(self, run, index, username):
        self.run = run
        self.stats = run.stats
        self.index = index
        self.username = username
        self.who = '%s#%d' % (username, index)
        self.volume_name = '%s%d' % (PREFIX, index)
        self.volume_id = None
        self.cinder = cinder_as(username)
        self.web = WebSession(run.base_url, username, self.who, run.stats)
        self.replayed = False
        self.snapshot_id = None
        self.restored_id = None
        self.asked_at = 0.0
        self.admin = None

    # helpers

    def left(self):
        return self.run.deadline - now()

    def sleep(self, seconds):
        time.sleep(max(0.0, min(seconds, self.left())))

    def attempt(self, what, func, attempts=10, limit=180):
        deadline = min(now() + limit, self.run.deadline)
        delay = 1.0
        for number in range(1, attempts + 1):
            try:
                return func()
            except Retry as exc:
                self.stats.event(self.who, 'retry: %s' % what, exc)
                if number == attempts or now() + delay > deadline:
                    raise StepFailed('%s: gave up after %d attempts: %s'
                                     % (what, number, exc)) from exc
                self.sleep(delay)
                delay = min(delay * 1.6, 5.0)
        raise StepFailed(what)  # not reached

    def wait(self, what, check, limit=120, interval=POLL_INTERVAL):
        """Poll ``check`` until it returns a value other than None."""
        deadline = min(now() + limit, self.run.deadline)
        polls = int(limit / interval) + 1
        for _poll in range(polls):
            try:
                result = check()
            except Retry as exc:
                self.stats.event(self.who, 'retry: %s' % what, exc)
                result = None
            if result is not None:
                return result
            if now() + interval > deadline:
                break
            self.sleep(interval)
        raise StepFailed('%s: not done within %ss' % (what, limit))

    def snapshots_named(self, name):
        return cinder_read('snapshots named', lambda: [
            s for s in self.cinder.volume_snapshots.list(
                search_opts={'name': name}) if s.name == name])

    def volumes_named(self, name):
        return cinder_read('volumes named', lambda: [
            v for v in self.cinder.volumes.list(search_opts={'name': name})
            if v.name == name])

    def lost_in_restart(self):
        """Whether what was last asked for, still creating, was lost when
        Cinder stopped."""
        outage = self.stats.outage
        return (outage is not None and self.asked_at <= outage[1]
                and self.stats.t() > outage[1] + LOST_AFTER)

    def reset_lost(self, kind, resource):
        """As an administrator would: set it to error so it can go."""
        self.stats.event(self.who, '%s lost in the Cinder restart (still '
                         '%s %ds after it): reset to error as admin'
                         % (kind, resource.status, LOST_AFTER), resource.id)
        if self.admin is None:
            self.admin = cinder_as('admin')
        manager = (self.admin.volume_snapshots if kind == 'snapshot'
                   else self.admin.volumes)
        cinder_read('reset state', lambda: manager.reset_state(resource,
                                                               'error'))

    def replay_result(self, result):
        with self.stats.lock:
            self.stats.replays[result] += 1

    def duplicate(self, kind, name, found):
        self.stats.event(self.who, 'DUPLICATE %s' % kind,
                         '%s: %d of them' % (name, len(found)))
        with self.stats.lock:
            self.stats.duplicates.append((kind, name, [x.id for x in found]))

    # the round

    def run_all(self):
        self.attempt('log in', self.web.login, attempts=5)
        for number in range(1, self.run.rounds + 1):
            if self.left() <= 0:
                self.stats.event(self.who, 'run time limit reached')
                break
            try:
                self.one_round(number)
                with self.stats.lock:
                    self.stats.rounds_done += 1
            except StepFailed as exc:
                self.stats.event(self.who, 'ROUND FAILED', exc)
                with self.stats.lock:
                    self.stats.rounds_failed.append((self.who, number,
                                                     str(exc)))
                self.clean_up()

    def one_round(self, number):
        snapshot_name = '%s-s%d' % (self.volume_name, number)
        restore_name = '%s-r%d' % (self.volume_name, number)
        for _try in range(3):
            self.snapshot_id = self.attempt(
                'protect', lambda: self.protect(snapshot_name))
            if self.wait_snapshot(self.snapshot_id):
                break
            self.delete_snapshot()   # it ended in error: start again
        else:
            raise StepFailed('snapshot %s kept failing' % snapshot_name)
        for _try in range(3):
            self.restored_id = self.attempt(
                'restore', lambda: self.restore(restore_name))
            if self.wait_restored(self.restored_id):
                break
            self.delete_restored()
        else:
            raise StepFailed('restore %s kept failing' % restore_name)
        self.attempt('detail page', self.detail_page, attempts=5)
        self.delete_restored()
        self.delete_snapshot()

    def clean_up(self):
        for step in (self.delete_restored, self.delete_snapshot):
            try:
                step()
            except StepFailed as exc:
                self.stats.event(self.who, 'clean-up failed', exc)

    # protect

    def protect(self, name):
        found = self.snapshots_named(name)
        if found:   # an earlier attempt did create it after all
            if len(found) > 1:
                self.duplicate('snapshot', name, found)
            return found[0].id
        self.asked_at = self.stats.t()
        page = self.web.get(PROTECT)
        token = page.parsed.inputs.get('submission')
        if page.path != PROTECT or not token:
            raise Retry('protect form not shown (%s at %s): %s' % (
                page.status, page.path, page.errors()))
        if self.volume_id not in page.parsed.checkboxes.get('volumes', []):
            raise Retry('protect form does not offer %s' % self.volume_name)
        form = {'submission': token, 'volumes': [self.volume_id],
                'option_snapshot_name': name,
                'option_description': 'load test, session %d' % self.index}
        page = self.web.post(PROTECT, form)
        with self.stats.lock:
            self.stats.protects_posted += 1
        if not page.has_message('Protecting volume', ('success',)):
            raise Retry('protect not accepted (%s at %s): %s' % (
                page.status, page.path, page.errors()))
        found = self.snapshots_named(name)
        if len(found) > 1:
            self.duplicate('snapshot', name, found)
        if not found:
            raise Retry('protect said yes but Cinder has no %s' % name)
        if not self.replayed:
            self.replay(form, name)
        return found[0].id

    def replay(self, form, name):
        """The same POST again, its token already used: nothing new."""
        self.replayed = True

        def post_again():
            page = self.web.post(PROTECT, form)
            return (page.has_message('already submitted', ('warning',)),
                    page, self.snapshots_named(name))
        try:
            refused, page, found = self.attempt('replay', post_again,
                                                attempts=6)
        except StepFailed as exc:
            self.stats.event(self.who, 'replay not checked', exc)
            self.replay_result('not checked')
            return
        if len(found) > 1:
            self.duplicate('snapshot (replayed token)', name, found)
            self.replay_result('duplicated')
        elif refused:
            self.replay_result('refused, no duplicate')
        else:
            self.stats.event(self.who, 'replay not refused with a message',
                             page.errors())
            self.replay_result('no duplicate, but no message')

    def wait_snapshot(self, snapshot_id):
        """Watch the index page: True when available, False on error."""
        polls = [0]

        def check():
            polls[0] += 1
            page = self.web.get(INDEX)
            row = page.parsed.rows.get(snapshot_id)
            status = row and row['status']
            if row is None and not page.unavailable and polls[0] % 3 == 0:
                # Not on the first page: ask Cinder (read-only).
                snapshot = cinder_read('snapshot', lambda: (
                    self.cinder.volume_snapshots.get(snapshot_id)))
                status = {'available': 'up', 'error': 'down'}.get(
                    snapshot.status)
            if status == 'up':
                return True
            if status == 'down':
                self.stats.event(self.who, 'snapshot ended in error')
                return False
            if self.lost_in_restart():
                snapshot = cinder_read('snapshot', lambda: (
                    self.cinder.volume_snapshots.get(snapshot_id)))
                if snapshot.status == 'creating':
                    self.reset_lost('snapshot', snapshot)
                    return False
            return None
        return self.wait('snapshot available', check)

    # restore

    def restore(self, name):
        found = self.volumes_named(name)
        if found:
            if len(found) > 1:
                self.duplicate('restored volume', name, found)
            return found[0].id
        url = '%s%s/restore/' % (INDEX, self.snapshot_id)
        self.asked_at = self.stats.t()
        page = self.web.get(url)
        token = page.parsed.inputs.get('submission')
        if page.path != url or not token:
            raise Retry('restore form not shown (%s at %s): %s' % (
                page.status, page.path, page.errors()))
        page = self.web.post(url, {
            'submission': token, 'size': 1,
            'restore__restore_name': name,
            'restore__restore_description': 'load test, session %d'
                                            % self.index})
        if not page.has_message('Restoring snapshot', ('success',)):
            raise Retry('restore not accepted (%s at %s): %s' % (
                page.status, page.path, page.errors()))
        found = self.volumes_named(name)
        if len(found) > 1:
            self.duplicate('restored volume', name, found)
        if not found:
            raise Retry('restore said yes but Cinder has no %s' % name)
        return found[0].id

    def wait_restored(self, volume_id):
        def check():
            volume = cinder_read('restored volume', lambda: (
                self.cinder.volumes.get(volume_id)))
            if volume.status == 'available':
                return True
            if volume.status.startswith('error'):
                self.stats.event(self.who, 'restored volume ended in %s'
                                 % volume.status)
                return False
            if volume.status == 'creating' and self.lost_in_restart():
                self.reset_lost('restored volume', volume)
                return False
            return None
        return self.wait('restored volume available', check)

    def detail_page(self):
        page = self.web.get('%s%s/' % (INDEX, self.snapshot_id))
        if page.unavailable or page.status != 200:
            raise Retry('detail page: %s %s' % (page.status, page.errors()))

    # delete

    def delete_restored(self):
        volume_id = self.restored_id
        if volume_id is None:
            return

        def delete():
            try:
                volume = cinder_read('restored volume', lambda: (
                    self.cinder.volumes.get(volume_id)))
                if volume.status != 'deleting':
                    self.asked_at = self.stats.t()
                    cinder_read('delete volume', lambda: (
                        self.cinder.volumes.delete(volume_id)))
            except cinder_exc.NotFound:
                return True
            return self.gone('restored volume', self.cinder.volumes,
                             volume_id)
        self.attempt('delete restored volume', delete, attempts=6)
        self.restored_id = None

    def delete_snapshot(self):
        snapshot_id = self.snapshot_id
        if snapshot_id is None:
            return

        def delete():
            try:
                snapshot = cinder_read('snapshot', lambda: (
                    self.cinder.volume_snapshots.get(snapshot_id)))
            except cinder_exc.NotFound:
                return True
            if snapshot.status != 'deleting':   # (the panel refuses then)
                self.asked_at = self.stats.t()
                page = self.web.post(INDEX, {
                    'action': 'protected_snapshots__delete',
                    'object_ids': [snapshot_id]})
                if not (page.has_message('Scheduled deletion', ('success',))
                        or page.has_message('no longer exists', ('info',))):
                    raise Retry('delete not accepted (%s): %s' % (
                        page.status, page.errors()))
            return self.gone('snapshot', self.cinder.volume_snapshots,
                             snapshot_id)
        self.attempt('delete snapshot', delete, attempts=6)
        self.snapshot_id = None

    def gone(self, kind, manager, resource_id):
        def check():
            try:
                resource = cinder_read('gone?', lambda: (
                    manager.get(resource_id)))
            except cinder_exc.NotFound:
                return True
            if resource.status.startswith('error'):
                raise Redo('%s is %s' % (resource_id, resource.status))
            if resource.status == 'deleting' and self.lost_in_restart():
                self.reset_lost(kind, resource)
                raise Redo('%s was lost while deleting' % resource_id)
            return None
        try:
            return self.wait('deleted', check, limit=60, interval=1.0)
        except (StepFailed, Redo) as exc:
            raise Retry(str(exc)) from exc


# --- the fault ---------------------------------------------------------------

class Outage:
    """Restarts Cinder once enough protects were posted; meanwhile a probe
    session checks that pages say "unavailable" instead of failing, and
    afterwards that they work again without restarting Horizon."""

    def __init__(self, run, planned_rounds, probe_row_update=True):
        self.run = run
        self.stats = run.stats
        self.planned = planned_rounds
        self.probe_row_update = probe_row_update
        self.probe = WebSession(run.base_url, 'demo', 'probe', run.stats)
        self.result = {'restarted': False}
        self.thread = threading.Thread(target=self._main, name='outage',
                                       daemon=True)

    def start(self):
        self.probe.login()
        self.thread.start()

    def join(self, timeout):
        self.thread.join(timeout)

    def _cinder_up(self):
        try:
            code = requests.get('http://127.0.0.1:%s/' % cloud.CINDER_PORT,
                                timeout=2).status_code
        except requests.RequestException:
            return False
        return code in (200, 300)

    def _due(self):
        """Mid-run: half the protect POSTs planned and half a round more
        (so that snapshots, restores and deletes are in flight), or half the
        rounds over, or a third of the time limit gone."""
        stats = self.stats
        posts = self.planned // 2 + max(1, self.run.sessions // 2)
        return (stats.protects_posted >= posts
                or stats.rounds_done + len(stats.rounds_failed)
                >= max(1, self.planned // 2)
                or stats.t() >= self.run.time_limit / 3)

    def _main(self):
        try:
            self._restart()
        except Exception as exc:  # a bug of this script: report it
            self.result['error'] = '%s: %s' % (type(exc).__name__, exc)
            self.stats.event('outage', 'OUTAGE THREAD CRASHED',
                             self.result['error'])

    def _restart(self):
        while not self._due():
            if now() > self.run.deadline or self.run.sessions_done.is_set():
                self.result['error'] = 'the run ended before the restart'
                return
            time.sleep(0.2)
        try:
            row_id = next(iter(self.probe.get(INDEX).parsed.rows), None)
        except Retry:
            row_id = None
        row_id = row_id or str(uuid.uuid4())
        log = open(self.run.restart_log, 'a')
        start = self.stats.t()
        self.run.say('t+%.0fs: tools/devcloud restart-cinder (after %d '
                     'protect POSTs)' % (start, self.stats.protects_posted))
        process = subprocess.Popen([DEVCLOUD, 'restart-cinder'], stdout=log,
                                   stderr=subprocess.STDOUT)
        self.stats.outage = (start, float('inf'))
        times = {}
        watcher = threading.Thread(target=self._watch_cinder,
                                   args=(process, times), daemon=True)
        watcher.start()
        seen = collections.Counter()
        row_update = None
        limit = now() + 180
        while process.poll() is None and now() < limit:
            if 'down' in times and 'back' not in times:
                seen[self._probe_index()] += 1
                if self.probe_row_update and row_update is None:
                    row_update = self._probe_row_update(row_id)
            time.sleep(0.3)
        if process.poll() is None:
            process.kill()
        code = process.wait()
        watcher.join(5)
        log.close()
        end = self.stats.t()
        self.stats.outage = (start, end)
        self.result.update(
            restarted=code == 0, exit_code=code, start=start, end=end,
            cinder_down=times.get('down'), cinder_back=times.get('back'),
            probe_pages=dict(seen), row_update=row_update)
        self.run.say('t+%.0fs: restart-cinder done (exit %d); Cinder was '
                     'down from t+%s s to t+%s s' % (
                         end, code, _fmt(times.get('down')),
                         _fmt(times.get('back'))))
        self.result['recovered_after'] = self._recovery(end)

    def _watch_cinder(self, process, times):
        """When Cinder's API stopped answering, and when it answered again."""
        while process.poll() is None and 'back' not in times:
            up = self._cinder_up()
            if not up and 'down' not in times:
                times['down'] = self.stats.t()
            elif up and 'down' in times:
                times['back'] = self.stats.t()
            time.sleep(0.2)

    def _probe_index(self):
        try:
            page = self.probe.get(INDEX)
        except Retry as exc:
            return 'index: %s' % shape(str(exc))
        if page.unavailable:
            return 'index: unavailable message'
        return 'index: HTTP %d, no message' % page.status

    def _probe_row_update(self, row_id):
        """What the live table's row polling gets while Cinder is down."""
        url = ('%s?action=row_update&table=protected_snapshots&obj_id=%s'
               % (INDEX, row_id))
        try:
            return 'HTTP %d' % self.probe.get(url, ajax=True).status
        except Retry as exc:
            return shape(str(exc))

    def _recovery(self, end):
        """Seconds after the restart until the index page works again."""
        for _poll in range(30):
            try:
                page = self.probe.get(INDEX)
                if page.status == 200 and not page.unavailable:
                    return round(self.stats.t() - end, 1)
            except Retry:
                pass
            time.sleep(1)
        return None


class ConnectionWatch:
    """How many TCP connections Horizon's process holds open to Cinder
    (sampled with ss every two seconds): the peak and the last sample."""

    def __init__(self, pid):
        self.pid = pid
        self.samples = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._main, daemon=True,
                                       name='connections')

    def count(self):
        try:
            out = subprocess.run(
                ['ss', '-Htnp', 'state', 'established',
                 '( dport = :%s )' % cloud.CINDER_PORT],
                capture_output=True, text=True, timeout=10).stdout
        except (OSError, subprocess.SubprocessError):
            return None
        return sum(1 for line in out.splitlines()
                   if 'pid=%d,' % self.pid in line)

    def _main(self):
        while not self.stop.wait(2.0):
            count = self.count()
            if count is not None:
                self.samples.append(count)

    def result(self):
        if not self.samples:
            return None
        return {'peak': max(self.samples), 'last': self.samples[-1],
                'samples': len(self.samples)}


def _fmt(value):
    return '-' if value is None else '%.1f' % value


# --- the run -----------------------------------------------------------------

class LoadRun:
    def __init__(self, sessions=20, rounds=3, restart_cinder=True,
                 time_limit=900, raise_quotas=True, debug=False,
                 probe_row_update=True, artifacts=None, label='loadtest',
                 say=print):
        self.sessions = sessions
        self.rounds = rounds
        self.restart_cinder = restart_cinder
        self.time_limit = time_limit
        self.raise_quotas = raise_quotas
        self.debug = debug
        self.probe_row_update = probe_row_update
        self.artifacts = artifacts or os.path.join(REPO_ROOT,
                                                   'test-artifacts')
        self.say = say
        self.stats = Stats()
        self.began = now()
        self.deadline = now() + time_limit
        self.server = None
        self.base_url = None
        self.outage = None
        self.connections = None
        self.sessions_done = threading.Event()
        self.stale = []
        self.leftovers = []
        self.cleanup_problems = []
        self.server_log = os.path.join(self.artifacts,
                                       label + '-devserver.log')
        self.restart_log = os.path.join(self.artifacts,
                                        label + '-restart-cinder.log')

    # set-up

    def users(self):
        return [USERS[i % len(USERS)] for i in range(self.sessions)]

    def set_quotas(self):
        for project in sorted(set(self.users())):
            subprocess.run([DEVCLOUD, 'quota', project, 'snapshots=-1',
                            'gigabytes=-1', 'volumes=-1'], check=True,
                           stdout=subprocess.DEVNULL, timeout=120)

    def start_server(self):
        os.makedirs(self.artifacts, exist_ok=True)
        with _env(VOLSNAP_DEBUG='1' if self.debug else '0'):
            self.server = live_server.DevServer(self.server_log)
        self.base_url = self.server.url

    def create_volumes(self, sessions):
        def create(session):
            cinder = session.cinder
            volume = cinder.volumes.create(1, name=session.volume_name)
            session.volume_id = volume.id
            deadline = now() + 120
            while now() < deadline:
                volume = cinder.volumes.get(volume.id)
                if volume.status == 'available':
                    return
                if volume.status.startswith('error'):
                    break
                time.sleep(0.5)
            raise RuntimeError('volume %s is %s' % (session.volume_name,
                                                    volume.status))
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            list(pool.map(create, sessions))

    # checks and clean-up

    def load_resources(self):
        """Every volume and snapshot called load-* of the users' projects."""
        found = []
        for username in sorted(set(USERS)):
            cinder = cinder_as(username)
            for volume in cinder.volumes.list():
                if volume.name and NAME_RE.match(volume.name):
                    found.append((username, 'volume', volume))
            for snapshot in cinder.volume_snapshots.list():
                if snapshot.name and NAME_RE.match(snapshot.name):
                    found.append((username, 'snapshot', snapshot))
        return found

    def remove(self, resources):
        """Delete (reset first if stuck, as admin) and wait until gone."""
        admin = cinder_as('admin')
        order = sorted(resources, key=lambda r: r[1] != 'snapshot')
        for _user, kind, resource in order:
            manager = (admin.volume_snapshots if kind == 'snapshot'
                       else admin.volumes)
            try:
                if resource.status not in ('available', 'error'):
                    manager.reset_state(resource, 'error')
                manager.delete(resource.id)
            except cinder_exc.NotFound:
                continue
            except cinder_exc.ClientException as exc:
                self.cleanup_problems.append('%s %s: %s' % (
                    kind, resource.name, exc))
        for _user, kind, resource in order:
            manager = (admin.volume_snapshots if kind == 'snapshot'
                       else admin.volumes)
            deadline = now() + 60
            while now() < deadline:
                try:
                    manager.get(resource.id)
                except cinder_exc.NotFound:
                    break
                time.sleep(0.5)
            else:
                self.cleanup_problems.append('%s %s (%s) still there' % (
                    kind, resource.name, resource.id))

    def settled_resources(self, limit=60):
        """load_resources() once nothing is creating or deleting any more
        (bounded): what is still there then stays."""
        deadline = now() + limit
        while True:
            found = self.load_resources()
            busy = [r for _, _, r in found
                    if r.status in ('creating', 'deleting', 'downloading')]
            if not busy or now() > deadline:
                return found
            time.sleep(2)

    def check_and_clean(self, sessions):
        expected = {s.volume_id for s in sessions if s.volume_id}
        for attempt in range(3):
            try:
                found = self.settled_resources()
                break
            except (cinder_exc.ClientException, ks_exc.ClientException,
                    requests.RequestException) as exc:
                if attempt == 2:
                    self.cleanup_problems.append(
                        'could not list what is left: %r' % exc)
                    return
                time.sleep(10)
        names = collections.Counter((kind, r.name) for _, kind, r in found)
        for (kind, name), count in names.items():
            if count > 1:
                self.stats.duplicates.append(('%s (at the end)' % kind,
                                              name, count))
        self.leftovers = [
            '%s %s %s (%s, %s)' % (username, kind, r.name, r.id, r.status)
            for username, kind, r in found
            if not (kind == 'volume' and r.id in expected
                    and r.status == 'available')]
        missing = expected - {r.id for _, kind, r in found
                              if kind == 'volume'}
        self.leftovers += ['source volume %s disappeared' % volume_id
                           for volume_id in sorted(missing)]
        self.remove(found)

    # the whole thing

    def run(self):
        stale = self.load_resources()
        if stale:
            self.stale = ['%s %s' % (kind, r.name) for _, kind, r in stale]
            self.say('removing %d load-* resources left by an earlier run'
                     % len(stale))
            self.remove(stale)
        if self.raise_quotas:
            self.set_quotas()
        self.say('starting Horizon (manage.py runserver, DEBUG %s)'
                 % ('on' if self.debug else 'off'))
        self.start_server()
        sessions = []
        try:
            sessions = [LoadSession(self, i, user)
                        for i, user in enumerate(self.users())]
            self.say('creating %d volumes load-0..load-%d'
                     % (len(sessions), len(sessions) - 1))
            self.create_volumes(sessions)
            self.stats = Stats()   # the clock starts now
            self.deadline = now() + self.time_limit
            for session in sessions:
                session.stats = session.web.stats = self.stats
            self._drive(sessions)
        finally:
            if self.server is not None:
                self.server.stop()
            self.check_and_clean(sessions)
        self.elapsed = self.stats.t()
        self.total = now() - self.began
        return self.summary()

    def _drive(self, sessions):
        self.connections = ConnectionWatch(self.server.process.pid)
        self.connections.thread.start()
        try:
            self._drive_sessions(sessions)
        finally:
            self.connections.stop.set()

    def _drive_sessions(self, sessions):
        if self.restart_cinder:
            planned = len(sessions) * self.rounds
            self.outage = Outage(self, planned, self.probe_row_update)
            self.outage.probe.stats = self.stats
            self.outage.start()
        self.say('%d sessions x %d rounds, time limit %ss'
                 % (len(sessions), self.rounds, self.time_limit))
        threads = [threading.Thread(target=self._session, args=(s,),
                                    name=s.who, daemon=True)
                   for s in sessions]
        for thread in threads:
            thread.start()
        last = now()
        for thread in threads:
            while thread.is_alive() and now() < self.deadline + 30:
                thread.join(1)
                if now() - last >= 15:
                    last = now()
                    self.say('t+%.0fs: %d rounds done, %d failed, %d '
                             'requests, %d HTTP 5xx' % (
                                 self.stats.t(), self.stats.rounds_done,
                                 len(self.stats.rounds_failed),
                                 len(self.stats.requests),
                                 self.stats.count_500()))
        self.sessions_done.set()
        stuck = [t.name for t in threads if t.is_alive()]
        if stuck:
            self.stats.event('run', 'sessions still running at the time '
                             'limit', ', '.join(stuck))
        if self.outage:
            self.outage.join(max(1.0, self.deadline + 60 - now()))

    def _session(self, session):
        try:
            session.run_all()
        except StepFailed as exc:
            self.stats.event(session.who, 'SESSION FAILED', exc)
            with self.stats.lock:
                self.stats.rounds_failed.append((session.who, 0, str(exc)))
        except Exception as exc:  # a bug of this script: report, go on
            self.stats.event(session.who, 'SESSION CRASHED',
                             '%s: %s' % (type(exc).__name__, exc))
            with self.stats.lock:
                self.stats.rounds_failed.append((session.who, 0, repr(exc)))

    # the report

    def summary(self):
        stats = self.stats
        statuses = collections.Counter(
            r[4] if r[4] is not None else 'no answer (%s)' % r[5]
            for r in stats.requests)
        kinds = collections.Counter()
        for t, _who, kind, _detail in stats.events:
            kinds['%s [%s]' % (kind, 'during outage' if stats.in_outage(t)
                               else 'outside outage')] += 1
        outage = self.outage.result if self.outage else None
        during = [r for r in stats.requests if stats.in_outage(r[0])]
        failures = []
        if stats.count_500():
            failures.append('%d HTTP 5xx responses' % stats.count_500())
        if stats.no_answers():
            failures.append('%d requests without an answer'
                            % len(stats.no_answers()))
        if self.leftovers:
            failures.append('%d leftovers' % len(self.leftovers))
        if stats.duplicates:
            failures.append('%d duplicates' % len(stats.duplicates))
        if stats.rounds_failed:
            failures.append('%d rounds failed' % len(stats.rounds_failed))
        planned = self.sessions * self.rounds
        if stats.rounds_done + len(stats.rounds_failed) < planned:
            failures.append('%d of %d rounds not done' % (
                planned - stats.rounds_done, planned))
        if self.cleanup_problems:
            failures.append('clean-up problems')
        if outage is not None:
            if not outage.get('restarted'):
                failures.append('Cinder was not restarted: %s'
                                % outage.get('error', outage))
            elif not outage['probe_pages'].get(
                    'index: unavailable message'):
                failures.append('no "unavailable" page seen during the '
                                'outage')
            if outage.get('restarted') and outage.get(
                    'recovered_after') is None:
                failures.append('pages did not work again after the '
                                'restart')
        report = {
            'sessions': self.sessions, 'rounds': self.rounds,
            'rounds_done': stats.rounds_done,
            'rounds_failed': stats.rounds_failed,
            'requests': len(stats.requests),
            'by_status': {str(k): v for k, v in sorted(
                statuses.items(), key=lambda kv: str(kv[0]))},
            'during_outage': dict(collections.Counter(
                str(r[4] if r[4] is not None else 'no answer')
                for r in during)),
            'errors_by_kind': dict(kinds.most_common()),
            'http_5xx': stats.count_500(),
            'no_answer': [list(r) for r in stats.no_answers()],
            'replays': dict(stats.replays),
            'duplicates': stats.duplicates,
            'leftovers': self.leftovers,
            'stale_before_run': self.stale,
            'cleanup_problems': self.cleanup_problems,
            'outage': outage,
            'horizon_connections_to_cinder': (
                self.connections.result() if self.connections else None),
            'elapsed': round(self.elapsed, 1),
            'total': round(self.total, 1),
            'failures': failures,
            'server_log': self.server_log,
            'events': [list(e) for e in stats.events],
        }
        return report


def format_summary(report):
    lines = ['', '== load test: %d sessions x %d rounds ==' % (
        report['sessions'], report['rounds'])]
    add = lines.append
    add('rounds: %d done, %d failed' % (report['rounds_done'],
                                        len(report['rounds_failed'])))
    for who, number, why in report['rounds_failed'][:10]:
        add('  %s round %s: %s' % (who, number, why))
    add('requests to Horizon: %d' % report['requests'])
    add('  by status: ' + ', '.join('%s: %d' % kv for kv in
                                    report['by_status'].items()))
    outage = report['outage']
    if outage:
        add('outage: restart-cinder from t+%s s to t+%s s (exit %s); '
            'Cinder down t+%s s .. back t+%s s' % (
                _fmt(outage.get('start')), _fmt(outage.get('end')),
                outage.get('exit_code'), _fmt(outage.get('cinder_down')),
                _fmt(outage.get('cinder_back'))))
        add('  requests during it by status: ' + ', '.join(
            '%s: %d' % kv for kv in sorted(report['during_outage'].items())))
        add('  probe pages while Cinder was down: %s' % (
            ', '.join('%s: %s' % kv for kv in
                      outage.get('probe_pages', {}).items()) or 'none'))
        if outage.get('row_update') is not None:
            add('  AJAX row update while Cinder was down: %s'
                % outage['row_update'])
        add('  index page worked again %s s after the restart, Horizon '
            'not restarted' % _fmt(outage.get('recovered_after')))
    else:
        add('outage: none (--no-restart-cinder)')
    connections = report['horizon_connections_to_cinder']
    if connections:
        add("Horizon's open TCP connections to Cinder: peak %(peak)d, last "
            "%(last)d (%(samples)d samples)" % connections)
    add('errors by kind:')
    for kind, count in report['errors_by_kind'].items():
        add('  %5d  %s' % (count, kind))
    if not report['errors_by_kind']:
        add('  none')
    add('HTTP 5xx responses: %d' % report['http_5xx'])
    for record in report['no_answer'][:10]:
        add('  no answer: t+%.1f %s %s %s (%s)' % (
            record[0], record[1], record[2], record[3], record[5]))
    add('replayed protect POSTs (used token): ' + (', '.join(
        '%s: %d' % kv for kv in report['replays'].items()) or 'none'))
    add('duplicates: %s' % (report['duplicates'] or 'none'))
    add('leftovers: %s' % (len(report['leftovers']) or 'none'))
    for leftover in report['leftovers'][:20]:
        add('  ' + leftover)
    if report['stale_before_run']:
        add('removed before the run (earlier runs): %d'
            % len(report['stale_before_run']))
    for problem in report['cleanup_problems']:
        add('clean-up problem: ' + problem)
    add('elapsed: %.1f s of load (%.1f s with set-up and checks)'
        % (report['elapsed'], report['total']))
    add('Horizon log: %s' % report['server_log'])
    add('result: %s' % ('FAIL: ' + '; '.join(report['failures'])
                        if report['failures'] else 'PASS'))
    return '\n'.join(lines)


def write_report(report, path):
    with open(path, 'w') as out:
        json.dump(report, out, indent=1, default=str)


@contextlib.contextmanager
def _env(**values):
    old = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
