"""A stock Horizon from PyPI in a venv of its own (``.venv-operator/``), run
the way an operator runs it: ``openstack_dashboard.settings`` with a
``local_settings.py``, ``django-admin`` commands, offline compression.

Nothing of the checkout's dev settings is used. The venv is created on the
first run and reused (Horizon's install is kept; the plugin never is).
"""

import configparser
import glob
from html.parser import HTMLParser
import os
import shutil
import subprocess
import sys

import requests

from tools.devkit import dev_server
from tools.devkit import identities
from tools.devkit import page_parser
from tools.devkit import processes
from volsnap_dashboard.devenv import source_tree

VENV = os.environ.get('VOLSNAP_OPERATOR_VENV',
                      os.path.join(source_tree.REPO_ROOT, '.venv-operator'))
DISTRIBUTION = 'volsnap-dashboard'

# What a fresh clone holds: no build leftovers, venvs or dev-cloud data.
NOT_SOURCES = shutil.ignore_patterns(
    '.git', '.venv*', '.devcloud', 'build', 'dist', '*.egg-info',
    'static_root', 'test-artifacts', '__pycache__', '.*_cache', '*.pyc')

LOCAL_SETTINGS = '''\
# Written by tests/integration/operator_horizon.py.
DEBUG = False
ALLOWED_HOSTS = ['127.0.0.1']
SECRET_KEY = 'volsnap-operator-test-only'
OPENSTACK_KEYSTONE_URL = %(keystone_url)r
OPENSTACK_KEYSTONE_DEFAULT_ROLE = 'member'
# As distribution packages do: pages need `compress` to have run.
COMPRESS_OFFLINE = True
STATIC_ROOT = %(static_root)r
CACHES = {
    'default': {'BACKEND': 'django.core.cache.backends.locmem.LocMemCache'},
}
SESSION_ENGINE = 'django.contrib.sessions.backends.signed_cookies'
'''


class CommandFailed(AssertionError):
    pass


def horizon_requirement():
    """Horizon's range as setup.cfg states it, such as horizon>=23,<30."""
    config = configparser.ConfigParser()
    config.read(os.path.join(source_tree.REPO_ROOT, 'setup.cfg'))
    requirements = config['options']['install_requires'].split()
    return next(r for r in requirements if r.startswith('horizon'))


class OperatorHorizon:

    def __init__(self, work_dir, log_dir):
        self.work_dir = work_dir
        self.log_dir = log_dir
        self.server = None
        self._ensure_venv()
        self.site = self.python(
            '-c', 'import os, openstack_dashboard; '
                  'print(os.path.dirname(openstack_dashboard.__file__))'
        ).strip()
        self.local_enabled = os.path.join(self.site, 'local', 'enabled')
        self.static_root = os.path.join(work_dir, 'static')
        self._remove_leftovers()
        self._write_local_settings()

    # --- commands ---------------------------------------------------------

    def run(self, *argv, cwd=None):
        """Run a command of the operator's venv; its output, or
        CommandFailed with the output."""
        env = dict(os.environ, DJANGO_SETTINGS_MODULE=(
            'openstack_dashboard.settings'))
        env.pop('PYTHONPATH', None)
        program = os.path.join(VENV, 'bin', argv[0])
        done = subprocess.run([program, *argv[1:]], cwd=cwd or self.work_dir,
                              env=env, capture_output=True, text=True)
        if done.returncode:
            raise CommandFailed('%s exited %s:\n%s%s' % (
                ' '.join(argv), done.returncode, done.stdout, done.stderr))
        return done.stdout

    def python(self, *argv, cwd=None):
        return self.run('python', *argv, cwd=cwd)

    def django_admin(self, *argv):
        return self.run('django-admin', *argv)

    def installed(self):
        try:
            self.run('pip', 'show', '-q', DISTRIBUTION)
        except CommandFailed:
            return False
        return True

    def enabled_here(self):
        """The plugin's enabled files in Horizon's local/enabled/."""
        return sorted(name for name in os.listdir(self.local_enabled)
                      if name in self._plugin_enabled_names())

    # --- setup ------------------------------------------------------------

    def _ensure_venv(self):
        requirement = horizon_requirement()
        stamp = os.path.join(VENV, '.volsnap-operator')
        try:
            with open(stamp) as f:
                if f.read() == requirement:
                    return
        except OSError:
            pass
        if not os.path.exists(os.path.join(VENV, 'bin', 'python')):
            subprocess.run([sys.executable, '-m', 'venv', VENV], check=True)
        self.run('pip', 'install', '-q', requirement)
        with open(stamp, 'w') as f:
            f.write(requirement)

    def _plugin_enabled_names(self):
        return {os.path.basename(path) for path in
                glob.glob(os.path.join(source_tree.ENABLED_DIR, '_*.py'))}

    def _remove_leftovers(self):
        """A run that died half-way may have left the plugin installed."""
        for name in self.enabled_here():
            os.remove(os.path.join(self.local_enabled, name))
        if self.installed():
            self.run('pip', 'uninstall', '-y', '-q', DISTRIBUTION)

    def _write_local_settings(self):
        with open(os.path.join(self.site, 'local', 'local_settings.py'),
                  'w') as f:
            f.write(LOCAL_SETTINGS % {
                'keystone_url': identities.keystone_url(),
                'static_root': self.static_root})

    def source_copy(self):
        """The sources as a fresh clone has them."""
        path = os.path.join(self.work_dir, 'volsnap-dashboard')
        if not os.path.isdir(path):
            shutil.copytree(source_tree.REPO_ROOT, path, ignore=NOT_SOURCES)
        return path

    # --- serving ----------------------------------------------------------

    def start(self):
        """Serve Horizon (Django's server, static files not needed)."""
        self.stop()
        port = dev_server.free_port()
        self.url = 'http://127.0.0.1:%d' % port
        env = dict(os.environ,
                   DJANGO_SETTINGS_MODULE='openstack_dashboard.settings')
        env.pop('PYTHONPATH', None)
        log = open(os.path.join(self.log_dir, 'operator-horizon.log'), 'a')
        self.server = subprocess.Popen(
            [os.path.join(VENV, 'bin', 'django-admin'), 'runserver',
             '--noreload', '127.0.0.1:%d' % port],
            cwd=self.work_dir, env=env, stdout=log, stderr=subprocess.STDOUT)
        log.close()

        def answers():
            requests.get(self.url + page_parser.LOGIN, timeout=2)
            return True
        try:
            processes.wait_until_serving(self.server, answers, 'Horizon',
                                         log.name)
        except processes.NotServing as exc:
            self.stop()
            raise CommandFailed(str(exc)) from exc

    def stop(self):
        processes.stop(self.server)
        self.server = None

    def login_page(self):
        return requests.get(self.url + page_parser.LOGIN, timeout=30)

    def login(self, username):
        """A requests session logged in through Horizon's login form."""
        session = requests.Session()
        page = session.get(self.url + page_parser.LOGIN, timeout=30)
        page.raise_for_status()
        response = session.post(
            self.url + page_parser.LOGIN,
            data=page_parser.login_form(page.text, username),
            headers={'Referer': self.url + page_parser.LOGIN},
            allow_redirects=False, timeout=60)
        location = response.headers.get('Location', '')
        if response.status_code != 302 or page_parser.LOGIN in location:
            raise AssertionError('login as %s: HTTP %s to %r' % (
                username, response.status_code, location))
        return session

    def compressed_css(self, html):
        """The text of the compressed style sheets a page links to."""
        text = ''
        for href in style_sheets(html):
            if href.startswith('/static/') and href.endswith('.css'):
                with open(os.path.join(self.static_root,
                                       href[len('/static/'):])) as f:
                    text += f.read()
        return text



class _StyleSheets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == 'link' and attrs.get('rel') == 'stylesheet':
            self.hrefs.append(attrs.get('href') or '')


def style_sheets(html):
    parser = _StyleSheets()
    parser.feed(html)
    return parser.hrefs
