"""The scheduler user's id as the tools and tests find it: the
environment first, then what `tools/devcloud up` recorded."""

import os

from tools.devkit import identities


def test_environment_wins(monkeypatch, tmp_path):
    monkeypatch.setenv('VOLSNAP_DEVCLOUD_DIR', str(tmp_path))
    (tmp_path / 'run').mkdir()
    (tmp_path / 'run' / identities.SCHEDULER_ID_FILE).write_text('rec\n')
    monkeypatch.setenv('VOLSNAP_SCHEDULER_USER_ID', 'from-env')
    assert identities.scheduler_user_id() == 'from-env'


def test_recorded_by_the_dev_cloud(monkeypatch, tmp_path):
    monkeypatch.delenv('VOLSNAP_SCHEDULER_USER_ID', raising=False)
    monkeypatch.setenv('VOLSNAP_DEVCLOUD_DIR', str(tmp_path))
    assert identities.scheduler_user_id() is None
    (tmp_path / 'run').mkdir()
    (tmp_path / 'run' / identities.SCHEDULER_ID_FILE).write_text('abc\n')
    assert identities.scheduler_user_id() == 'abc'


def test_password_and_project(monkeypatch):
    monkeypatch.delenv('VOLSNAP_SCHEDULER_PASSWORD', raising=False)
    user = identities.SCHEDULER_USER
    assert identities.password(user) == 'schedulerpw'
    monkeypatch.setenv('VOLSNAP_SCHEDULER_PASSWORD', 'other')
    assert identities.password(user) == 'other'
    assert identities.PROJECT_OF[user] == 'service'


def test_default_state_folder(monkeypatch):
    monkeypatch.delenv('VOLSNAP_DEVCLOUD_DIR', raising=False)
    assert identities.devcloud_dir().endswith(os.sep + '.devcloud')
