"""Parameters are validated on the server against the plugin's schema."""

from django.test import SimpleTestCase

from volsnap_dashboard.protection import cinder_snapshot
from volsnap_dashboard.protection import parameters
from tests import plugins

PLUGIN = cinder_snapshot.CinderSnapshotProtectionPlugin()


class OptionsSchemaTests(SimpleTestCase):

    def test_valid_options_get_the_force_default(self):
        values = PLUGIN.validate_options({'snapshot_name': 'nightly',
                                          'description': ''})
        self.assertEqual({'snapshot_name': 'nightly', 'description': '',
                          'force': False}, values)

    def test_missing_required_fields_are_named(self):
        with self.assertRaises(parameters.InvalidParameters) as caught:
            PLUGIN.validate_options({'force': True})
        self.assertEqual({'snapshot_name', 'description'},
                         set(caught.exception.errors))
        self.assertIn('snapshot_name: This field is required.',
                      str(caught.exception))

    def test_wrong_types(self):
        with self.assertRaises(parameters.InvalidParameters) as caught:
            PLUGIN.validate_options({'snapshot_name': 42,
                                     'description': 'd', 'force': 'yes'})
        errors = caught.exception.errors
        self.assertEqual(['Must be of type string.'],
                         [str(m) for m in errors['snapshot_name']])
        self.assertEqual(['Must be of type boolean.'],
                         [str(m) for m in errors['force']])

    def test_unknown_keys_are_refused(self):
        with self.assertRaises(parameters.InvalidParameters) as caught:
            PLUGIN.validate_options({'snapshot_name': 'a', 'description': '',
                                     'colour': 'red'})
        self.assertEqual(['colour'], list(caught.exception.errors))

    def test_none_means_absent_so_the_default_applies(self):
        values = PLUGIN.validate_options({'snapshot_name': 'a',
                                          'description': 'b',
                                          'force': None})
        self.assertIs(False, values['force'])


class RestoreSchemaTests(SimpleTestCase):

    def test_null_defaults_leave_the_fields_absent(self):
        self.assertEqual({}, PLUGIN.validate_restore({}))
        self.assertEqual({}, PLUGIN.validate_restore(
            {'restore_name': None, 'restore_description': None}))

    def test_given_values_are_kept(self):
        self.assertEqual({'restore_name': 'db-copy'},
                         PLUGIN.validate_restore({'restore_name': 'db-copy'}))


class OtherTypesTests(SimpleTestCase):
    schema = plugins.COPIES_OPTIONS

    def _errors(self, params):
        with self.assertRaises(parameters.InvalidParameters) as caught:
            parameters.validate(self.schema, params)
        return {field: [str(m) for m in messages]
                for field, messages in caught.exception.errors.items()}

    def test_integer_bounds(self):
        self.assertEqual({'copies': ['Must be at least 1.']},
                         self._errors({'copies': 0}))
        self.assertEqual({'copies': ['Must be at most 10.']},
                         self._errors({'copies': 11}))
        self.assertEqual({'copies': ['Must be of type integer.']},
                         self._errors({'copies': 2.5}))

    def test_enum(self):
        self.assertEqual({'tier': ['Must be one of: gold, silver, bronze.']},
                         self._errors({'copies': 1, 'tier': 'platinum'}))

    def test_array_of_enum(self):
        values = parameters.validate(self.schema, {'regions': ['RegionTwo']})
        self.assertEqual({'copies': 2, 'tier': 'silver',
                          'regions': ['RegionTwo']}, values)
        self.assertIn('regions', self._errors({'regions': ['Mars']}))

    def test_string_lengths(self):
        schema = {'type': 'object', 'properties': {
            'name': {'type': 'string', 'minLength': 2, 'maxLength': 4}}}
        with self.assertRaises(parameters.InvalidParameters) as caught:
            parameters.validate(schema, {'name': 'x'})
        self.assertIn('at least 2', str(caught.exception))
        with self.assertRaises(parameters.InvalidParameters) as caught:
            parameters.validate(schema, {'name': 'xxxxx'})
        self.assertIn('at most 4', str(caught.exception))
