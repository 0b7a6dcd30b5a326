"""A schedule's rules, the state its runs leave, and its snapshots' names."""

import datetime

from django.test import SimpleTestCase
from django.utils import translation

from volsnap_dashboard.protection.parameters import InvalidParameters
from volsnap_dashboard.protection.schedule import model
from volsnap_dashboard.protection.schedule import naming
from tests.unit.protection.schedule import factories

HOUR = datetime.timedelta(hours=1)
UTC = datetime.timezone.utc


def errors_of(schedule, min_interval=HOUR):
    try:
        model.validate(schedule, min_interval)
    except InvalidParameters as error:
        return {field: [str(m) for m in messages]
                for field, messages in error.errors.items()}
    return {}


class ValidateTests(SimpleTestCase):

    def test_a_valid_schedule_passes(self):
        self.assertEqual({}, errors_of(factories.schedule()))

    def test_new_ids_are_eight_hex_characters_and_differ(self):
        ids = {model.new_schedule_id() for _ in range(50)}
        self.assertEqual(50, len(ids))
        self.assertTrue(all(model.SCHEDULE_ID.match(i) for i in ids))

    def test_retention_needs_one_rule(self):
        schedule = factories.schedule(retention=model.Retention())
        self.assertIn('retention', errors_of(schedule))

    def test_retention_numbers_are_whole_and_positive(self):
        schedule = factories.schedule(
            retention=model.Retention(count=0, days=True))
        errors = errors_of(schedule)
        self.assertEqual({'retention_count', 'retention_days'}, set(errors))

    def test_retention_by_age_at_most_a_century(self):
        # Older than that, the dates it works on overflow (year 1).
        for days, refused in ((36500, False), (36501, True),
                              (10 ** 12, True)):
            schedule = factories.schedule(
                retention=model.Retention(count=2, days=days))
            self.assertEqual(refused,
                             'retention_days' in errors_of(schedule), days)

    def test_either_rule_or_both(self):
        for count, days in ((3, None), (None, 14), (3, 14)):
            schedule = factories.schedule(
                retention=model.Retention(count=count, days=days))
            self.assertEqual({}, errors_of(schedule))

    def test_cron_too_frequent_for_the_setting(self):
        schedule = factories.schedule(when=model.When('*/10 * * * *', 'UTC'))
        self.assertIn('cron', errors_of(schedule))
        self.assertEqual({}, errors_of(schedule, min_interval=None))

    def test_fixed_offset_zone(self):
        schedule = factories.schedule(when=model.When('0 2 * * *', 'UTC+1'))
        self.assertEqual(['tz'], list(errors_of(schedule)))

    def test_preset_must_match_its_cron(self):
        schedule = factories.schedule(when=model.When(
            '0 3 * * *', 'UTC', {'kind': 'daily', 'hour': 2, 'minute': 0}))
        self.assertEqual(['preset'], list(errors_of(schedule)))

    def test_a_malformed_preset_is_refused(self):
        for preset in ({'kind': 'daily'}, {'hour': 2}, ['daily'],
                       {'kind': 'daily', 'hour': 2, 'minute': 0, 'x': 1}):
            with self.subTest(preset=preset):
                schedule = factories.schedule(
                    when=model.When('0 2 * * *', 'UTC', preset))
                self.assertEqual(['preset'], list(errors_of(schedule)))

    def test_label_id_template_options_paused(self):
        schedule = factories.schedule(
            id='XYZ', label='l' * 65, name_template='{nope}', options=[],
            paused='yes')
        self.assertEqual({'id', 'label', 'name_template', 'options',
                          'paused'}, set(errors_of(schedule)))


class StateTests(SimpleTestCase):

    def slot(self, day):
        return datetime.datetime(2026, 3, day, 2, tzinfo=UTC)

    def test_failures_count_in_a_row_and_reset_on_success(self):
        state = model.ScheduleState()
        state = state.after_run(self.slot(1), self.slot(1), 'failed',
                                'quota')
        state = state.after_run(self.slot(2), self.slot(2),
                                'authorization_lost', 'trust deleted')
        self.assertEqual(2, state.failures)
        state = state.after_run(self.slot(3), self.slot(3), 'skipped', 'q')
        self.assertEqual(2, state.failures)
        state = state.after_run(self.slot(4), self.slot(4), 'ok',
                                snapshot_id='s4', missed=2)
        self.assertEqual((0, 2, 's4', self.slot(4)),
                         (state.failures, state.missed, state.snapshot_id,
                          state.last_slot))

    def test_history_keeps_the_last_ten_runs(self):
        state = model.ScheduleState()
        for day in range(1, 13):
            state = state.after_run(self.slot(day), self.slot(day), 'ok',
                                    snapshot_id='s%d' % day)
        self.assertEqual(['s%d' % d for d in range(3, 13)],
                         [entry['snapshot'] for entry in state.history])

    def test_unknown_outcome_is_a_bug(self):
        with self.assertRaises(ValueError):
            model.ScheduleState().after_run(self.slot(1), self.slot(1), 'meh')


class NamingTests(SimpleTestCase):

    def setUp(self):
        self.volume = factories.volume()
        self.schedule = factories.schedule()
        self.slot = datetime.datetime(2026, 3, 29, 1, 0, tzinfo=UTC)

    def test_rendered_in_the_schedules_zone(self):
        # 01:00 UTC on 29 March is 03:00 in Berlin (summer time began).
        self.assertEqual('db-data-daily-20260329-0300', naming.snapshot_name(
            self.schedule.name_template, self.volume, self.schedule,
            self.slot))

    def test_every_placeholder(self):
        schedule = factories.replaced(self.schedule, label='')
        name = naming.snapshot_name(
            '{volume_id}/{schedule}/{time}/{time:%H:%M %Z}/{{literal}}',
            self.volume, schedule, self.slot)
        self.assertEqual('%s/daily-at-0200-europe-berlin/20260329-0300/'
                         '03:00 CEST/{literal}' % factories.VOLUME_ID, name)

    def test_an_unlabelled_schedule_is_named_by_its_timing_in_english(self):
        cases = (
            (model.When('0 */6 * * *', 'UTC'), 'cron-0-6-utc'),
            (model.When('30 1 L * *', 'America/Argentina/Buenos_Aires'),
             'on-the-last-day-of-each-month-at-0130-america-argentina-'
             'buenos_aires'),
        )
        for when, expected in cases:
            schedule = factories.replaced(self.schedule, label='', when=when)
            with translation.override('de'):
                name = naming.snapshot_name('{schedule}', self.volume,
                                            schedule, self.slot)
            self.assertEqual(expected, name)

    def test_unnamed_volume_uses_its_id(self):
        volume = factories.volume(name=None)
        self.assertEqual(factories.VOLUME_ID, naming.snapshot_name(
            '{volume_name}', volume, self.schedule, self.slot))

    def test_cut_to_255_characters(self):
        volume = factories.volume(name='v' * 255)
        name = naming.snapshot_name(self.schedule.name_template, volume,
                                    self.schedule, self.slot)
        self.assertEqual('v' * 255, name)

    def test_unknown_placeholder_refused_at_validation(self):
        with self.assertRaises(InvalidParameters) as caught:
            naming.validate_template('{volume_name}-{host}')
        [message] = caught.exception.errors['name_template']
        self.assertIn('Unknown placeholder {host}', str(message))

    def test_attribute_index_and_conversion_are_refused(self):
        for template in ('{volume_name.__class__}', '{volume_id[0]}',
                         '{volume_name!r}', '{volume_name:>300}', '{}',
                         '{0}', 'open {', 'close }', '', '   ',
                         'x' * 256, None):
            with self.subTest(template=template):
                self.assertIsNotNone(naming.template_error(template))

    def test_a_time_format_with_unknown_codes_is_refused(self):
        for template in ('{time:%}', '{time:%Q}', '{time:%Y-%}',
                         '{time:%-}'):
            with self.subTest(template=template):
                self.assertIn('is not a time format',
                              str(naming.template_error(template)))
        for template in ('{time:%Y%m%d}', '{time:%-d.%-m.}',
                         '{time:100%%}', '{time}'):
            with self.subTest(template=template):
                self.assertIsNone(naming.template_error(template))

    def test_unmatched_braces_are_explained(self):
        self.assertIn('write {{ or }}', str(naming.template_error('a { b')))

    def test_rendering_refuses_a_bad_template_too(self):
        with self.assertRaises(InvalidParameters):
            naming.snapshot_name('{volume_name.__class__}', self.volume,
                                 self.schedule, self.slot)
