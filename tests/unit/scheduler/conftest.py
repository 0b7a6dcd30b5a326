"""An in-memory Cinder and one of its volumes, for the scheduler's
tests."""

import pytest

from tests.unit.scheduler import fakes


@pytest.fixture
def cinder():
    return fakes.FakeCinder()


@pytest.fixture
def volume(cinder):
    return cinder.add_volume(name='db')
