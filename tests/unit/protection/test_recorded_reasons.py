"""The scheduler's reasons, recorded in English, shown in the reader's
language; anything else shown as it was written."""

from django.utils import translation

from volsnap_dashboard.protection import recorded_reasons


def german(recorded):
    with translation.override('de'):
        return recorded_reasons.translated(recorded)


def test_a_message_with_what_was_filled_in():
    assert german('chunk 3 is missing.') == 'Teilstück 3 fehlt.'
    assert german('its runs cannot be computed (OverflowError)') == (
        'seine Läufe können nicht berechnet werden (OverflowError)')


def test_a_message_inside_a_message_is_translated_too():
    assert german('the metadata could not be read (no definition.)') == (
        'die Metadaten konnten nicht gelesen werden (keine Definition.)')


def test_a_field_then_its_reason():
    assert german('def: nested too deeply.') == 'def: ' + german(
        'nested too deeply.')
    assert german('def: nested too deeply.') != 'def: nested too deeply.'


def test_our_message_then_the_clouds_words():
    recorded = ('Cinder put the temporary volume in error: No valid '
                'backend was found.')
    assert german(recorded) == ('Cinder hat den temporären Datenträger in '
                                'den Fehlerzustand versetzt: No valid '
                                'backend was found.')


def test_text_no_message_made_is_shown_as_written():
    for written in ('', 'ein Grund', 'No valid backend was found.',
                    '%(x)s %s %%', 'def: ' * 300):
        assert german(written) == written[:recorded_reasons.MAX_LENGTH]


def test_in_english_it_reads_as_recorded():
    with translation.override('en'):
        assert recorded_reasons.translated(
            'its runs cannot be computed (KeyError)') == (
            'its runs cannot be computed (KeyError)')


def test_a_tenants_text_built_to_look_like_ours_stays_as_written():
    for hostile in ('(' * 120 + ': ' * 120, 'chunk 1 is ' * 100,
                    'not valid JSON (' * 60):
        assert german(hostile) == hostile[:recorded_reasons.MAX_LENGTH]


def test_a_single_word_of_ours_does_not_claim_the_text_after_it():
    assert german('Volumes are mine: all of them') == (
        'Volumes are mine: all of them')
