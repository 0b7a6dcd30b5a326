"""Volume metadata a tenant can write by hand that no schedule reader may
crash, stall or slow down on: the scheduler and the panels are fed each
case and must show every schedule in it as invalid.

``cases(project_id)`` gives ``(name, metadata)`` pairs: the metadata of
one volume of project ``project_id`` (with the marker the scheduler's
listing finds), whose schedules are all invalid. The definitions are
otherwise well formed and of that project, so each case fails for its
own reason only.
"""

import json
import random

MARKER = {'volsnap_scheduled': '1'}
SID = 'ab12cd34'
#: Cinder's limit on a metadata value.
CHUNK = 255
DEFAULT_PROJECT = 'demo-project'


def definition(project_id, **changes):
    """A valid daily 02:00 Europe/Berlin definition document; ``when``
    fields may be changed through ``cron`` and ``tz``."""
    when = {'cron': changes.pop('cron', '0 2 * * *'),
            'tz': changes.pop('tz', 'Europe/Berlin'), 'preset': None}
    document = {
        'v': 1, 'when': when,
        'options': {'snapshot_name': '', 'description': 'scheduled',
                    'force': False},
        'name': '{volume_name}-{schedule}-{time:%Y%m%d-%H%M}',
        'keep': {'count': 3, 'days': None}, 'paused': False,
        'trust': 'trust-demo', 'owner': 'demo-user',
        'project': project_id, 'label': 'daily',
        'created': '2026-03-01T00:00:00Z'}
    document.update(changes)
    return document


def state(**changes):
    document = {'v': 1, 'last_slot': None, 'last_run': None,
                'outcome': None, 'reason': '', 'failures': 0, 'missed': 0,
                'snapshot': None, 'history': [],
                'ok_since_verification': 0}
    document.update(changes)
    return document


def chunked(kind, document, sid=SID, ensure_ascii=True):
    """``{volsnap:<sid>:<kind>:<n>: chunk}`` of a document (a dict, or
    text as it is)."""
    text = document if isinstance(document, str) else json.dumps(
        document, sort_keys=True, separators=(',', ':'),
        ensure_ascii=ensure_ascii)
    return {'volsnap:%s:%s:%d' % (sid, kind, n // CHUNK): text[n:n + CHUNK]
            for n in range(0, len(text), CHUNK)}


def _one(project_id, sid=SID, extra=None, **changes):
    return dict(MARKER, **chunked('def', definition(project_id, **changes),
                                  sid), **(extra or {}))


def _dates(project_id):
    """Years 1 and 9999 in a zone behind and ahead of UTC: the run-time
    arithmetic and the snapshot name overflow."""
    found = []
    for year, text in (('1', '0001-01-01T00:00:00Z'),
                       ('9999', '9999-12-31T23:59:59Z')):
        for tz in ('America/New_York', 'Asia/Tokyo'):
            tag = '%s_%s' % (year, tz.split('/')[1].lower())
            found += [
                ('created_year_' + tag,
                 _one(project_id, tz=tz, created=text)),
                ('last_slot_year_' + tag,
                 _one(project_id, tz=tz, extra=chunked(
                     'state', state(last_slot=text)))),
                ('run_now_year_' + tag,
                 _one(project_id, tz=tz,
                      extra={'volsnap:%s:run_now' % SID: text})),
            ]
    found.append(('run_now_not_a_date', _one(
        project_id, extra={'volsnap:%s:run_now' % SID: '2026-02-30T'
                                                        '00:00:00Z'})))
    return found


def _nesting(project_id):
    deep_list = '[' * 3000 + ']' * 3000
    deep_object = '{"a":' * 1200 + '1' + '}' * 1200
    return [
        ('brackets_in_25_keys', dict(MARKER, **chunked('def', deep_list))),
        ('deep_objects', dict(MARKER, **chunked('def', deep_object))),
        ('deep_state', dict(_one(project_id),
                            **chunked('state', deep_list))),
        ('deep_options', _one(project_id, options={'a': json.loads(
            '[' * 50 + ']' * 50)}, cron='0 0 31 2 *')),
    ]


def _non_ascii_state(project_id):
    """A state of non-ASCII history that grows six-fold when written
    again with every character escaped; the definition is invalid, so
    the scheduler records that on top of this state."""
    history = [{'slot': '2026-03-%02dT01:00:00Z' % day, 'outcome': 'failed',
                'reason': '\u00e9\u4e2d' * 127, 'snapshot': None}
               for day in range(1, 11)]
    document = state(history=history, reason='\u00fc' * 1000,
                     outcome='failed', failures=10)
    return [('non_ascii_history_state', dict(
        _one(project_id, tz='Mars/Olympus_Mons'),
        **chunked('state', document, ensure_ascii=False)))]


def _truncated_and_random(project_id):
    text = json.dumps(definition(project_id, tz='Bad/Zone'),
                      sort_keys=True, separators=(',', ':'))
    rng = random.Random(17)
    found = [
        ('truncated_definition', dict(MARKER, **chunked(
            'def', text[:len(text) // 2]))),
        ('truncated_state', dict(_one(project_id, tz='Nowhere/Else'),
                                 **chunked('state', json.dumps(
                                     state())[:40]))),
        ('empty_chunk', dict(MARKER, **{'volsnap:%s:def:0' % SID: ''})),
        ('text_after_json', dict(MARKER, **chunked('def', text + 'x'))),
        ('json_not_object', dict(MARKER, **chunked('def', '[1,2,3]'))),
    ]
    for n in range(6):
        size = rng.randint(1, 3000)
        alphabet = '{}[]":,0123456789.eE+-tfnrul \\abc\u00e9\u4e2d'
        junk = ''.join(rng.choice(alphabet) for _ in range(size))
        found.append(('random_%d' % n, dict(MARKER, **chunked('def',
                                                              junk))))
    # One character changed at random.
    for n in range(6):
        position = rng.randrange(len(text))
        mutated = text[:position] + rng.choice('{}[]",:x0') + \
            text[position + 1:]
        found.append(('mutated_%d' % n, dict(MARKER, **chunked(
            'def', mutated))))
    return found


def _sizes(project_id):
    padding = 'x' * (CHUNK * 70)
    return [
        ('too_many_chunks', _one(project_id, label=padding)),
        ('chunk_number_huge', dict(MARKER, **{
            'volsnap:%s:def:%s' % (SID, '9' * 30): '{}'})),
        ('chunk_number_superscript', dict(MARKER, **{
            'volsnap:%s:def:\u00b2' % SID: '{}'})),
        ('chunk_number_arabic_digit', dict(MARKER, **{
            'volsnap:%s:def:\u0661' % SID: '{}'})),
        ('chunk_gap', dict(MARKER, **{'volsnap:%s:def:0' % SID: '{',
                                      'volsnap:%s:def:2' % SID: '}'})),
        ('huge_integer', dict(MARKER, **chunked(
            'def', '{"v":' + '9' * 5000 + '}'))),
        ('infinite_float', _one(project_id, keep={'count': None,
                                                  'days': 1e999})),
        ('huge_retention_count', _one(project_id, keep={'count': 10 ** 40,
                                                        'days': 10 ** 40})),
        ('huge_history', dict(_one(project_id, cron='61 * * * *'),
                              **chunked('state', state(
                                  history=[{}] * 3000)))),
        ('thousands_of_junk_keys', dict(
            MARKER, **{'volsnap:%08x:def:0' % n: '{"v":1}'
                       for n in range(2500)},
            **{'volsnap:junk%d:state:0' % n: 'x' for n in range(1000)},
            **{'volsnap:%08x:run_now' % n: 'soon'
               for n in range(5000, 5500)})),
    ]


def _ids(project_id):
    document = definition(project_id)
    return [
        ('id_upper_case', dict(MARKER, **chunked('def', document,
                                                 sid='AB12CD34'))),
        ('id_empty', dict(MARKER, **chunked('def', document, sid=''))),
        ('id_long', dict(MARKER, **chunked('def', document,
                                           sid='a' * 230))),
        ('id_path', dict(MARKER, **chunked('def', document,
                                           sid='../../x'))),
        ('id_state_without_definition', dict(MARKER, **chunked(
            'state', state()))),
        ('id_run_now_only', dict(MARKER, **{
            'volsnap:%s:run_now' % SID: '2026-03-01T00:00:00Z'})),
    ]


def _types(project_id):
    bad = [
        ('version_text', {'v': '1'}), ('version_true', {'v': True}),
        ('version_newer', {'v': 2}), ('version_huge', {'v': 10 ** 30}),
        ('when_list', {'when': ['0 2 * * *']}),
        ('cron_number', {'cron': 5}), ('zone_null', {'tz': None}),
        ('zone_path', {'tz': '../../../../etc/passwd'}),
        ('zone_nul', {'tz': 'Europe/Berlin\x00'}),
        ('zone_fixed_offset', {'tz': 'Etc/GMT+5'}),
        ('count_true', {'keep': {'count': True, 'days': None}}),
        ('keep_nothing', {'keep': {}}),
        ('created_number', {'created': 20260301}),
        ('created_local', {'created': '2026-03-01T00:00:00+05:00'}),
        ('paused_text', {'paused': 'yes'}),
        ('verify_every_float', {'verify_every': 1.5}),
        ('verify_every_huge', {'verify_every': 10 ** 9}),
        ('options_list', {'options': []}), ('name_number', {'name': 7}),
        ('label_object', {'label': {}}), ('project_empty', {'project': ''}),
        ('project_other', {'project': 'someone-else'}),
        ('trust_null', {'trust': None}),
        ('label_lone_surrogate', {'label': '\ud800'}),
        ('label_control', {'label': 'a\x00b'}),
        ('name_attribute', {'name': '{volume_name.__class__}'}),
        ('name_index', {'name': '{0}'}), ('name_brace', {'name': '{'}),
        ('name_surrogate', {'name': '{volume_name}\udfff'}),
        ('preset_huge', {'preset': {'kind': 'daily', 'hour': 10 ** 100,
                                    'minute': 0}}),
        ('preset_list', {'preset': ['daily']}),
        ('cron_six_fields', {'cron': '* * * * * *'}),
        ('cron_never', {'cron': '0 0 31 2 *'}),
        ('cron_step_zero', {'cron': '*/0 * * * *'}),
        ('cron_fifth_monday_of_february', {'cron': '0 0 * 2 1#5',
                                           'tz': 'UTC'}),
        ('cron_fifth_monday_of_february_new_york', {
            'cron': '0 0 * 2 1#5', 'tz': 'America/New_York'}),
        ('cron_long', {'cron': '0 ' + ','.join(['1'] * 200) + ' * * *'}),
    ]
    found = []
    for name, changes in bad:
        changes = dict(changes)
        if 'cron' in changes or 'tz' in changes or 'preset' in changes:
            when = {'cron': changes.pop('cron', '0 2 * * *'),
                    'tz': changes.pop('tz', 'Europe/Berlin'),
                    'preset': changes.pop('preset', None)}
            changes['when'] = when
        found.append(('type_' + name, _one(project_id, **changes)))
    found += [
        ('chunk_not_text', dict(MARKER, **{'volsnap:%s:def:0' % SID: 7})),
        ('chunk_null', dict(MARKER, **{'volsnap:%s:def:0' % SID: None})),
        ('state_history_text', dict(_one(project_id, cron='bad'), **chunked(
            'state', state(history='x')))),
        ('state_negative', dict(_one(project_id, cron='bad'), **chunked(
            'state', state(failures=-1)))),
        ('state_entries_not_objects', dict(_one(project_id, cron='bad'),
                                           **chunked('state', state(
                                               history=[1, 'a']))))]
    return found


def cases(project_id=DEFAULT_PROJECT):
    """Every case, as ``[(name, metadata)]`` (names are unique)."""
    found = []
    for group in (_dates, _nesting, _non_ascii_state, _truncated_and_random,
                  _sizes, _ids, _types):
        found += group(project_id)
    names = [name for name, _metadata in found]
    assert len(names) == len(set(names)), 'case names must be unique'
    return found
