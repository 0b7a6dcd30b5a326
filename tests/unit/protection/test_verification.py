"""The verification contract (snapshot metadata, temporary volume tags) and
the schedules' verify_every: validation, codec, the count of ok runs."""

import datetime
import types

import pytest

from tests.unit.protection.schedule import factories
from volsnap_dashboard.protection import times
from volsnap_dashboard.protection.parameters import InvalidParameters
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import model
from volsnap_dashboard.protection import verification

UTC = datetime.timezone.utc
NOW = datetime.datetime(2026, 11, 26, 7, 0, 5, 123, tzinfo=UTC)
SNAPSHOT_ID = '1c1d4ba4-ad8d-40e4-9dfd-d8064c6c9e17'


def snapshot(**metadata):
    return types.SimpleNamespace(id=SNAPSHOT_ID, metadata=metadata)


def test_a_request_is_the_fixed_value_its_time_and_trust():
    assert verification.request_metadata('trust-1', NOW) == {
        'volsnap_verify': 'requested',
        'volsnap_verify_requested_at': '2026-11-26T07:00:05Z',
        'volsnap_verify_trust': 'trust-1'}


def test_state_of_a_snapshot_never_verified():
    state = verification.state_of(snapshot())
    assert state == verification.VerificationState()
    assert not state.in_progress
    assert verification.state_of(types.SimpleNamespace(id='x')) == state


def test_state_of_a_pending_and_a_finished_verification():
    pending = verification.state_of(snapshot(
        **verification.request_metadata('t', NOW)))
    assert (pending.pending, pending.requested_at) == (
        'requested', '2026-11-26T07:00:05Z')
    assert pending.in_progress
    done = verification.state_of(snapshot(**verification.outcome_metadata(
        'failed', NOW, 'Cinder: no space')))
    assert (done.pending, done.outcome, done.verified_at, done.reason) == (
        None, 'failed', '2026-11-26T07:00:05Z', 'Cinder: no space')


def test_state_of_ignores_values_written_by_hand():
    state = verification.state_of(snapshot(volsnap_verify='please',
                                           volsnap_verify_outcome='great'))
    assert (state.pending, state.outcome) == (None, None)


def test_the_reason_is_cut_to_cinders_limit():
    metadata = verification.outcome_metadata('failed', NOW, 'x' * 400)
    assert len(metadata[verification.REASON_KEY]) == 255
    assert verification.outcome_metadata('ok', NOW)[
        verification.REASON_KEY] == ''


def test_the_temporary_volume_is_named_and_tagged():
    assert verification.volume_name(SNAPSHOT_ID) == 'volsnap-verify-1c1d4ba4'
    tags = verification.volume_metadata(SNAPSHOT_ID, NOW)
    assert tags == {'volsnap_verification_of': SNAPSHOT_ID,
                    'volsnap_verification': '1',
                    'volsnap_verification_started': '2026-11-26T07:00:05Z'}
    volume = types.SimpleNamespace(id='v', metadata=tags,
                                   name=verification.volume_name(SNAPSHOT_ID))
    assert verification.is_verification_volume(volume)
    # The tags alone (any member's writing) do not make one.
    assert not verification.is_verification_volume(
        types.SimpleNamespace(id='v', metadata=tags, name='db'))
    assert verification.snapshot_of(volume) == SNAPSHOT_ID
    assert verification.started_at(volume) == NOW.replace(microsecond=0)


def test_a_users_volume_is_not_a_verification_volume():
    for metadata in ({}, {'volsnap_verification': '0'},
                     {'volsnap_verification_of': SNAPSHOT_ID}):
        volume = types.SimpleNamespace(id='v', metadata=metadata)
        assert not verification.is_verification_volume(volume)
    assert not verification.is_verification_volume(
        types.SimpleNamespace(id='v', metadata=None))


def test_started_at_falls_back_to_cinders_creation_time():
    volume = types.SimpleNamespace(
        id='v', metadata={'volsnap_verification_started': 'garbage'},
        created_at='2026-11-26T06:59:00.000000')
    assert verification.started_at(volume) == datetime.datetime(
        2026, 11, 26, 6, 59, tzinfo=UTC)
    assert verification.started_at(types.SimpleNamespace(metadata={})) \
        is None


# Schedules: verify_every

@pytest.mark.parametrize('value', [0, 101, -1, 2.5, '3', True])
def test_verify_every_must_be_a_whole_number_from_1_to_100(value):
    with pytest.raises(InvalidParameters) as raised:
        model.validate(factories.schedule(verify_every=value))
    assert 'verify_every' in raised.value.errors


@pytest.mark.parametrize('value', [None, 1, 100])
def test_verify_every_accepted(value):
    model.validate(factories.schedule(verify_every=value))


def metadata_of(schedule, state=None):
    metadata = dict(codec.encode_definition(schedule))
    if state is not None:
        metadata.update(codec.encode_state(schedule.id, state))
    return metadata


def test_verify_every_and_the_count_survive_the_codec():
    schedule = factories.schedule(verify_every=3)
    state = model.ScheduleState(ok_since_verification=2)
    [decoded] = codec.decode(factories.volume(metadata_of(schedule, state)))
    assert decoded.verify_every == 3
    assert decoded.state.ok_since_verification == 2


def test_a_schedule_saved_before_verification_reads_as_never_verifying():
    schedule = factories.schedule()
    metadata = metadata_of(schedule, model.ScheduleState())
    # What an earlier version wrote: neither field.
    assert 'verify_every' not in ''.join(metadata.values())
    for key in list(metadata):
        if ':state:' in key:
            metadata[key] = metadata[key].replace(
                ',"ok_since_verification":0', '')
    assert 'ok_since_verification' not in ''.join(metadata.values())
    [decoded] = codec.decode(factories.volume(metadata))
    assert isinstance(decoded, model.Schedule)
    assert decoded.verify_every is None
    assert decoded.state.ok_since_verification == 0
    assert not decoded.verification_due()


def test_a_hand_written_verify_every_out_of_range_is_invalid():
    schedule = factories.schedule(verify_every=500)
    [decoded] = codec.decode(factories.volume(metadata_of(schedule)))
    assert isinstance(decoded, model.Invalid)
    assert 'verify_every' in decoded.reason


def test_ok_runs_are_counted_until_a_verification_starts():
    state = model.ScheduleState()
    slot = datetime.datetime(2026, 3, 1, 1, tzinfo=UTC)
    state = state.after_run(slot, slot, 'ok')
    state = state.after_run(slot, slot, 'failed', 'x')
    state = state.after_run(slot, slot, 'skipped', 'quota')
    assert state.ok_since_verification == 1
    schedule = factories.schedule(verify_every=2, state=state)
    assert schedule.verification_due()
    state = state.after_run(slot, slot, 'ok', verification_started=True)
    assert state.ok_since_verification == 0
    assert not factories.schedule(verify_every=2,
                                  state=state).verification_due()


def test_a_pending_verification_stalls_once_its_trust_has_ended():
    import datetime as _dt
    now = _dt.datetime(2026, 3, 29, 12, 0, tzinfo=_dt.timezone.utc)

    def state(pending, requested_at):
        return verification.VerificationState(pending=pending,
                                              requested_at=requested_at)

    day_and_more = times.format_utc(now - verification.TRUST_LIFETIME -
                                    _dt.timedelta(seconds=1))
    within = times.format_utc(now - _dt.timedelta(hours=23))
    assert state('verifying', day_and_more).stalled(now)
    assert not state('verifying', day_and_more).blocks_a_request(now)
    assert not state('requested', within).stalled(now)
    assert state('requested', within).blocks_a_request(now)
    assert state('requested', None).stalled(now)
    assert not state(None, day_and_more).stalled(now)
    assert not state(None, day_and_more).blocks_a_request(now)
