"""The scheduler's settings: an INI file, then the environment.

Every setting has an INI key in ``[scheduler]`` and an environment variable
``VOLSNAP_SCHEDULER_<KEY>`` (upper case); the environment wins, so a
container can override one value of a shared file. The service user's
password is read from a file (``password_file``) and never logged: the
settings' ``repr`` leaves it out.
"""

import configparser
import dataclasses
import datetime
import os

SECTION = 'scheduler'
ENV_PREFIX = 'VOLSNAP_SCHEDULER_'
DEFAULT_STATE_DIR = '/var/lib/volsnap-scheduler'


class ConfigError(Exception):
    """A setting is missing or unreadable; the message names it."""


@dataclasses.dataclass(frozen=True)
class Config:
    keystone_url: str
    username: str
    password: str = dataclasses.field(repr=False)
    user_domain: str = 'Default'
    project_name: str = 'service'
    project_domain: str = 'Default'
    region: str | None = None
    interface: str = 'public'
    state_dir: str = DEFAULT_STATE_DIR
    backend_url: str = ''
    sweep_interval: float = 60.0
    min_interval: datetime.timedelta = datetime.timedelta(hours=1)
    # How long a run waits for what it made to become available (or to
    # be deleted); None: the protection plugin's own protect_timeout
    # (snapshots 600 s, backups 3600 s).
    wait_timeout: float | None = None
    wait_interval: float = 2.0
    # A verification's temporary volume not available after this long
    # is recorded as timed out and deleted; None: the protection
    # plugin's restore_timeout.
    verify_timeout: float | None = None
    # Runs in flight at once (each waits for its snapshot); fewer while
    # Cinder pushes back.
    max_in_flight: int = 8
    # A run Cinder keeps pushing back is recorded as skipped this long
    # after it was first due.
    start_window: datetime.timedelta = datetime.timedelta(hours=1)
    partitioned: bool = False
    member_id: str = ''
    provider_dirs: tuple = ()
    # The provider whose volume plugin runs the schedules; '': the first
    # enabled one (the panels' VOLSNAP_PROVIDER_ID must agree).
    provider_id: str = ''
    # text, or json: one object a line (logcontext.py).
    log_format: str = 'text'
    # The Prometheus metrics and the health check (metrics.py): off
    # while the port is 0.
    metrics_address: str = '127.0.0.1'
    metrics_port: int = 0
    # Unhealthy when no sweep completed for this long; None: three
    # sweep intervals plus the longest wait of a run.
    health_timeout: float | None = None

    def longest_wait(self, plugins):
        """How long a run of ``plugins`` (a PluginSet) may wait."""
        if self.wait_timeout is not None:
            return self.wait_timeout
        return max(plugin.protect_timeout for plugin in plugins)

    def health_after(self, plugins):
        """Seconds without a completed sweep before the health check
        fails (``plugins``: what the runs wait for)."""
        if self.health_timeout is not None:
            return self.health_timeout
        return 3 * self.sweep_interval + self.longest_wait(plugins)

    @property
    def coordination_url(self):
        """The tooz backend: the setting, or a file:// folder under the
        state folder (locks across processes of this machine only)."""
        return self.backend_url or 'file://' + os.path.join(
            os.path.abspath(self.state_dir), 'coordination')


# INI key -> (parse, default); None as default means required.
_STRING_KEYS = ('keystone_url', 'username', 'password_file', 'user_domain',
                'project_name', 'project_domain', 'region', 'interface',
                'state_dir', 'backend_url', 'member_id', 'provider_dirs',
                'provider_id',
                'sweep_interval', 'min_interval', 'wait_timeout',
                'wait_interval', 'partitioned', 'verify_timeout',
                'log_format', 'metrics_address', 'metrics_port',
                'health_timeout', 'max_in_flight', 'start_window')


def _number(name, text, parse, what):
    try:
        return parse(text)
    except ValueError:
        raise ConfigError('%s must be %s, not %r'
                          % (name, what, text)) from None


def _positive_seconds(name, text):
    value = _number(name, text, float, 'a number of seconds')
    if value <= 0:
        raise ConfigError('%s must be more than 0 seconds' % name)
    return value


def _port(name, text):
    value = _number(name, text, int, 'a port number')
    if not 0 <= value <= 65535:
        raise ConfigError('%s must be from 0 (off) to 65535' % name)
    return value


def _count(name, text, most=256):
    value = _number(name, text, int, 'a whole number')
    if not 1 <= value <= most:
        raise ConfigError('%s must be from 1 to %d' % (name, most))
    return value


def _boolean(name, text):
    lowered = text.strip().lower()
    if lowered in ('1', 'true', 'yes', 'on'):
        return True
    if lowered in ('0', 'false', 'no', 'off', ''):
        return False
    raise ConfigError('%s must be true or false, not %r' % (name, text))


def _read_password(path):
    try:
        with open(path, encoding='utf-8') as password_file:
            password = password_file.readline().rstrip('\r\n')
    except OSError as exc:
        raise ConfigError('cannot read password_file %s: %s'
                          % (path, exc.strerror)) from None
    if not password:
        raise ConfigError('password_file %s is empty' % path)
    return password


def _raw_settings(path, environ):
    values = {}
    if path:
        parser = configparser.ConfigParser(interpolation=None)
        try:
            with open(path, encoding='utf-8') as config_file:
                parser.read_file(config_file)
        except OSError as exc:
            raise ConfigError('cannot read %s: %s'
                              % (path, exc.strerror)) from None
        except configparser.Error as exc:
            raise ConfigError('malformed %s: %s'
                              % (path, str(exc).splitlines()[0])) from None
        if not parser.has_section(SECTION):
            raise ConfigError('%s has no [%s] section' % (path, SECTION))
        unknown = set(parser[SECTION]) - set(_STRING_KEYS)
        if unknown:
            raise ConfigError('%s: unknown setting(s) %s'
                              % (path, ', '.join(sorted(unknown))))
        values.update(parser[SECTION])
    for key in _STRING_KEYS:
        env_value = environ.get(ENV_PREFIX + key.upper())
        if env_value is not None:
            values[key] = env_value
    return values


def load(path=None, environ=None):
    """The settings from ``path`` (optional) and ``environ``."""
    environ = os.environ if environ is None else environ
    values = _raw_settings(path, environ)
    missing = [key for key in ('keystone_url', 'username', 'password_file')
               if not values.get(key, '').strip()]
    if missing:
        raise ConfigError('missing setting(s): %s (in [%s] or as %s<KEY>)'
                          % (', '.join(missing), SECTION, ENV_PREFIX))
    kwargs = {
        'keystone_url': values['keystone_url'].strip(),
        'username': values['username'].strip(),
        'password': _read_password(values['password_file'].strip()),
    }
    for key in ('user_domain', 'project_name', 'project_domain',
                'interface', 'state_dir', 'backend_url', 'member_id',
                'provider_id', 'log_format', 'metrics_address'):
        if values.get(key, '').strip():
            kwargs[key] = values[key].strip()
    if values.get('region', '').strip():
        kwargs['region'] = values['region'].strip()
    for key in ('sweep_interval', 'wait_timeout', 'wait_interval',
                'verify_timeout', 'health_timeout'):
        if values.get(key, '').strip():
            kwargs[key] = _positive_seconds(key, values[key])
    if values.get('min_interval', '').strip():
        kwargs['min_interval'] = datetime.timedelta(
            seconds=_positive_seconds('min_interval',
                                      values['min_interval']))
    if values.get('start_window', '').strip():
        kwargs['start_window'] = datetime.timedelta(
            seconds=_positive_seconds('start_window',
                                      values['start_window']))
    if values.get('max_in_flight', '').strip():
        kwargs['max_in_flight'] = _count('max_in_flight',
                                         values['max_in_flight'])
    if 'partitioned' in values:
        kwargs['partitioned'] = _boolean('partitioned',
                                         values['partitioned'])
    if values.get('provider_dirs', '').strip():
        kwargs['provider_dirs'] = tuple(
            part.strip() for part in
            values['provider_dirs'].replace(',', '\n').splitlines()
            if part.strip())
    if values.get('metrics_port', '').strip():
        kwargs['metrics_port'] = _port('metrics_port',
                                       values['metrics_port'])
    if kwargs.get('log_format', 'text') not in ('text', 'json'):
        raise ConfigError('log_format must be text or json')
    if kwargs.get('interface', 'public') not in ('public', 'internal',
                                                 'admin'):
        raise ConfigError('interface must be public, internal or admin')
    return Config(**kwargs)
