"""An in-memory Cinder and one of its volumes, for the scheduler's
tests."""

import re
from unittest import mock

import pytest

from tests import pseudo_locale
from tests.unit.scheduler import fakes
from volsnap_dashboard.protection import recorded_reasons
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection import verification

TAG = re.compile(r'^([a-z_]+: )+')


@pytest.fixture
def cinder():
    return fakes.FakeCinder()


@pytest.fixture
def volume(cinder):
    return cinder.add_volume(name='db')


def translated(reason):
    """Whether each of the reason's parts leads with translated text (a
    field's name may come first; the cloud's own words may follow)."""
    shown = recorded_reasons.translated(reason)

    def leads(part):
        return TAG.sub('', part).startswith(pseudo_locale.OPEN)

    return leads(shown) or all(leads(part) for part in shown.split('; '))


@pytest.fixture(autouse=True)
def reasons_are_translatable():
    """Every reason the scheduler records in a test must come out of the
    pseudo-locale translated when the panels show it: made from the
    package's marked messages, never from words no translator sees."""
    recorded = []

    def encode_state(schedule_id, state):
        # The history's older reasons were once the state's (or a
        # tenant's writing, which is theirs).
        recorded.append(state.reason)
        return real_encode_state(schedule_id, state)

    def outcome_metadata(outcome, now, reason=''):
        recorded.append(reason)
        return real_outcome_metadata(outcome, now, reason)

    real_encode_state = codec.encode_state
    real_outcome_metadata = verification.outcome_metadata
    with mock.patch.object(codec, 'encode_state', encode_state), \
            mock.patch.object(verification, 'outcome_metadata',
                              outcome_metadata):
        yield
    with pseudo_locale.active():
        untranslated = sorted({str(reason) for reason in recorded
                               if reason and not translated(reason)})
    assert not untranslated, (
        'reasons recorded in words no translator sees: %s' % untranslated)
