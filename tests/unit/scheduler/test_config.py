"""The scheduler's settings: INI file, environment, defaults, errors."""

import datetime

import pytest
from django.test.utils import override_settings

from tests import clone_plugin
from tests import entry_points
from tests.unit.scheduler import test_plugin_contract
from volsnap_dashboard.protection import registry
from volsnap_dashboard.scheduler import cli
from volsnap_dashboard.scheduler import config


@pytest.fixture
def password_file(tmp_path):
    path = tmp_path / 'password'
    path.write_text('s3cret-pw\n')
    return str(path)


def write_ini(tmp_path, body):
    path = tmp_path / 'scheduler.ini'
    path.write_text(body)
    return str(path)


def test_ini_file_with_defaults(tmp_path, password_file):
    path = write_ini(tmp_path, '[scheduler]\n'
                     'keystone_url = http://keystone:5000/v3\n'
                     'username = volsnap-scheduler\n'
                     'password_file = %s\n'
                     'state_dir = %s\n' % (password_file, tmp_path))
    settings = config.load(path, environ={})
    assert settings.keystone_url == 'http://keystone:5000/v3'
    assert settings.password == open(password_file).read().strip()
    assert settings.sweep_interval == 60.0
    assert settings.min_interval == datetime.timedelta(hours=1)
    assert settings.interface == 'public'
    assert settings.max_in_flight == 8
    assert settings.start_window == datetime.timedelta(hours=1)
    assert settings.coordination_url == 'file://%s/coordination' % tmp_path


def test_environment_overrides_the_file(tmp_path, password_file):
    path = write_ini(tmp_path, '[scheduler]\n'
                     'keystone_url = http://a/v3\nusername = u\n'
                     'password_file = %s\nsweep_interval = 30\n'
                     % password_file)
    settings = config.load(path, environ={
        'VOLSNAP_SCHEDULER_SWEEP_INTERVAL': '15',
        'VOLSNAP_SCHEDULER_BACKEND_URL': 'redis://127.0.0.1:6379',
        'VOLSNAP_SCHEDULER_MIN_INTERVAL': '300',
        'VOLSNAP_SCHEDULER_PARTITIONED': 'yes',
        'VOLSNAP_SCHEDULER_MAX_IN_FLIGHT': '32',
        'VOLSNAP_SCHEDULER_START_WINDOW': '900'})
    assert settings.max_in_flight == 32
    assert settings.start_window == datetime.timedelta(minutes=15)
    assert settings.sweep_interval == 15.0
    assert settings.coordination_url == 'redis://127.0.0.1:6379'
    assert settings.min_interval == datetime.timedelta(minutes=5)
    assert settings.partitioned is True


def test_metrics_health_and_log_format(tmp_path, password_file):
    path = write_ini(tmp_path, '[scheduler]\n'
                     'keystone_url = http://a/v3\nusername = u\n'
                     'password_file = %s\nmetrics_port = 9464\n'
                     'metrics_address = ::\nhealth_timeout = 900\n'
                     'log_format = json\n' % password_file)
    settings = config.load(path, environ={})
    assert (settings.metrics_address, settings.metrics_port) == ('::', 9464)
    assert settings.health_after(registry.volume_plugins()) == 900
    assert settings.log_format == 'json'
    defaults = config.load(environ={
        'VOLSNAP_SCHEDULER_KEYSTONE_URL': 'http://k/v3',
        'VOLSNAP_SCHEDULER_USERNAME': 'svc',
        'VOLSNAP_SCHEDULER_PASSWORD_FILE': password_file})
    # Off, local when on, three sweeps and the longest wait of a run
    # (a backup's, with the default provider).
    assert (defaults.metrics_address, defaults.metrics_port,
            defaults.log_format) == ('127.0.0.1', 0, 'text')
    assert defaults.wait_timeout is None
    assert defaults.health_after(registry.volume_plugins()) == 3 * 60 + 3600
    snapshots_only = registry.PluginSet([registry.load_plugin(
        'cinder-snapshot')])
    assert defaults.health_after(snapshots_only) == 3 * 60 + 600


def test_environment_alone(password_file):
    settings = config.load(environ={
        'VOLSNAP_SCHEDULER_KEYSTONE_URL': 'http://k/v3',
        'VOLSNAP_SCHEDULER_USERNAME': 'svc',
        'VOLSNAP_SCHEDULER_PASSWORD_FILE': password_file,
        'VOLSNAP_SCHEDULER_REGION': 'RegionTwo'})
    assert (settings.username, settings.region) == ('svc', 'RegionTwo')


def test_the_password_never_shows_in_the_repr(password_file):
    settings = config.load(environ={
        'VOLSNAP_SCHEDULER_KEYSTONE_URL': 'http://k/v3',
        'VOLSNAP_SCHEDULER_USERNAME': 'svc',
        'VOLSNAP_SCHEDULER_PASSWORD_FILE': password_file})
    assert 's3cret-pw' not in repr(settings)


@pytest.mark.parametrize('body, message', [
    ('[scheduler]\nusername = u\n', 'missing setting(s): keystone_url'),
    ('[other]\n', 'no [scheduler] section'),
    ('[scheduler]\nkeystone_url = k\nusername = u\npassword_file = %(pw)s\n'
     'sweep_interval = soon\n', 'sweep_interval must be a number'),
    ('[scheduler]\nkeystone_url = k\nusername = u\npassword_file = %(pw)s\n'
     'sweep_interval = 0\n', 'more than 0'),
    ('[scheduler]\nkeystone_url = k\nusername = u\npassword_file = %(pw)s\n'
     'interface = sideways\n', 'interface must be'),
    ('[scheduler]\nkeystone_url = k\nusername = u\npassword_file = %(pw)s\n'
     'pasword = typo\n', 'unknown setting(s) pasword'),
    ('[scheduler]\nkeystone_url = k\nusername = u\n'
     'password_file = /nonexistent/pw\n', 'cannot read password_file'),
    ('not an ini file', 'malformed'),
    ('[scheduler]\nkeystone_url = k\nusername = u\npassword_file = %(pw)s\n'
     'metrics_port = 99999\n', 'metrics_port must be from 0'),
    ('[scheduler]\nkeystone_url = k\nusername = u\npassword_file = %(pw)s\n'
     'metrics_port = http\n', 'metrics_port must be a port number'),
    ('[scheduler]\nkeystone_url = k\nusername = u\npassword_file = %(pw)s\n'
     'log_format = xml\n', 'log_format must be text or json'),
    ('[scheduler]\nkeystone_url = k\nusername = u\npassword_file = %(pw)s\n'
     'health_timeout = -1\n', 'health_timeout must be more than 0'),
    ('[scheduler]\nkeystone_url = k\nusername = u\npassword_file = %(pw)s\n'
     'max_in_flight = 0\n', 'max_in_flight must be from 1 to 256'),
    ('[scheduler]\nkeystone_url = k\nusername = u\npassword_file = %(pw)s\n'
     'max_in_flight = many\n', 'max_in_flight must be a whole number'),
    ('[scheduler]\nkeystone_url = k\nusername = u\npassword_file = %(pw)s\n'
     'start_window = 0\n', 'start_window must be more than 0'),
])
def test_bad_settings_are_named(tmp_path, password_file, body, message):
    path = write_ini(tmp_path, body % {'pw': password_file})
    with pytest.raises(config.ConfigError) as raised:
        config.load(path, environ={})
    assert message in str(raised.value)


def test_an_empty_password_file_is_refused(tmp_path):
    empty = tmp_path / 'empty'
    empty.write_text('\n')
    with pytest.raises(config.ConfigError, match='is empty'):
        config.load(environ={
            'VOLSNAP_SCHEDULER_KEYSTONE_URL': 'http://k/v3',
            'VOLSNAP_SCHEDULER_USERNAME': 'svc',
            'VOLSNAP_SCHEDULER_PASSWORD_FILE': str(empty)})


def test_provider_id_chooses_the_plugin_as_the_panels_setting_does(
        tmp_path, password_file, request):
    path = write_ini(tmp_path, '[scheduler]\nkeystone_url = http://a/v3\n'
                     'username = u\npassword_file = %s\nprovider_dirs = %s\n'
                     'provider_id = %s\n' % (password_file,
                                             clone_plugin.PROVIDERS,
                                             clone_plugin.PROVIDER_ID))
    django_settings = cli.django_settings(config.load(path, environ={}))
    assert django_settings['VOLSNAP_PROVIDER_ID'] == clone_plugin.PROVIDER_ID
    entry_points.install(clone_plugin.ENTRY_POINTS,
                         test_plugin_contract.finalizer(request))
    with override_settings(**django_settings):
        assert isinstance(registry.volume_plugin(),
                          clone_plugin.VolumeClonePlugin)
    registry.get_registry(reload=True)


def test_without_provider_id_the_first_enabled_provider_is_used(
        password_file):
    settings = config.load(environ={
        'VOLSNAP_SCHEDULER_KEYSTONE_URL': 'http://k/v3',
        'VOLSNAP_SCHEDULER_USERNAME': 'svc',
        'VOLSNAP_SCHEDULER_PASSWORD_FILE': password_file})
    assert cli.django_settings(settings)['VOLSNAP_PROVIDER_ID'] == ''
