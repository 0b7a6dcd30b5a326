"""Form fields are built on the server from a plugin's JSON Schema."""

from unittest import mock

from django import forms as django_forms
from django.test import SimpleTestCase
from django.utils.html import conditional_escape
from horizon import forms

from tests import plugins
from volsnap_dashboard.dashboards.common import plugin_choice
from volsnap_dashboard.protection import cinder_snapshot
from volsnap_dashboard.protection import parameters
from volsnap_dashboard.protection import registry
from volsnap_dashboard import schema_forms

PLUGIN = cinder_snapshot.CinderSnapshotProtectionPlugin()


def schema_of(properties, required=()):
    return {'type': 'object', 'properties': properties,
            'required': list(required)}


def one_field(prop, required=False):
    fields = schema_forms.fields_for_schema(
        schema_of({'p': prop}, ['p'] if required else []))
    return fields['p']


class ParametersForm(schema_forms.SchemaFormMixin, forms.SelfHandlingForm):
    """A form whose fields all come from the schemas it is given."""

    def __init__(self, request, *args, schemas=(), **kwargs):
        super().__init__(request, *args, **kwargs)
        for prefix, schema in schemas:
            self.add_schema_fields(schema, prefix=prefix, plugin_name='test')

    def handle(self, request, data):
        return self.validated_values()


class CinderSchemaTests(SimpleTestCase):

    def test_options_fields(self):
        fields = schema_forms.fields_for_schema(PLUGIN.get_options_schema())
        self.assertEqual(['snapshot_name', 'description', 'force'],
                         list(fields))
        name = fields['snapshot_name']
        self.assertIs(type(name), django_forms.CharField)
        self.assertEqual('Snapshot Name', name.label)
        self.assertEqual(conditional_escape(PLUGIN.get_options_schema()['properties'][
            'snapshot_name']['description']), name.help_text)
        # Required, but '' is a valid string: the form may send it.
        self.assertFalse(name.required)
        force = fields['force']
        self.assertIs(type(force), django_forms.BooleanField)
        self.assertIs(False, force.initial)
        self.assertFalse(force.required)
        self.assertIn('attached to an instance', force.help_text)

    def test_prefix_keeps_order(self):
        fields = schema_forms.fields_for_schema(
            PLUGIN.get_options_schema(), prefix='opt_')
        self.assertEqual(['opt_snapshot_name', 'opt_description',
                          'opt_force'], list(fields))

    def test_restore_null_defaults_give_no_initial(self):
        fields = schema_forms.fields_for_schema(PLUGIN.get_restore_schema())
        self.assertEqual(['restore_name', 'restore_description'],
                         list(fields))
        for field in fields.values():
            self.assertIsNone(field.initial)
            self.assertFalse(field.required)

    def test_restore_empty_values_are_absent(self):
        form = ParametersForm(None, data={'restore_name': '',
                                          'restore_description': ''},
                              schemas=[('', PLUGIN.get_restore_schema())])
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual({'restore_name': None, 'restore_description': None},
                         form.schema_values())
        self.assertEqual({}, form.validated_values())

    def test_options_empty_required_strings_are_sent(self):
        form = ParametersForm(None, data={'snapshot_name': '',
                                          'description': ''},
                              schemas=[('', PLUGIN.get_options_schema())])
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual({'snapshot_name': '', 'description': '',
                          'force': False}, form.validated_values())

    def test_check_renderable_accepts_the_cinder_plugin(self):
        schema_forms.check_renderable(PLUGIN)


class TestPluginSchemaTests(SimpleTestCase):

    def setUp(self):
        super().setUp()
        self.fields = schema_forms.fields_for_schema(
            plugins.COPIES_OPTIONS, plugin_name='copies')

    def test_integer_with_bounds(self):
        copies = self.fields['copies']
        self.assertIs(type(copies), django_forms.IntegerField)
        self.assertTrue(copies.required)
        self.assertEqual(2, copies.initial)
        self.assertEqual(1, copies.min_value)
        self.assertEqual(10, copies.max_value)
        with self.assertRaises(django_forms.ValidationError):
            copies.clean('11')
        self.assertEqual(10, copies.clean('10'))

    def test_string_enum_is_a_choice(self):
        tier = self.fields['tier']
        self.assertIs(type(tier), django_forms.ChoiceField)
        self.assertFalse(tier.required)
        self.assertEqual('silver', tier.initial)
        self.assertEqual(['', 'gold', 'silver', 'bronze'],
                         [value for value, _label in tier.choices])
        with self.assertRaises(django_forms.ValidationError):
            tier.clean('platinum')

    def test_array_of_enum_is_a_multiple_choice(self):
        regions = self.fields['regions']
        self.assertIs(type(regions), django_forms.MultipleChoiceField)
        self.assertIsInstance(regions.widget,
                              django_forms.CheckboxSelectMultiple)
        self.assertEqual([('RegionOne', 'RegionOne'),
                          ('RegionTwo', 'RegionTwo')], regions.choices)
        self.assertEqual(['RegionOne', 'RegionTwo'],
                         regions.clean(['RegionOne', 'RegionTwo']))
        with self.assertRaises(django_forms.ValidationError):
            regions.clean(['RegionThree'])

    def test_label_falls_back_to_the_humanized_name(self):
        field = schema_forms.fields_for_schema(schema_of(
            {'keep_last_n': {'type': 'integer'}}))['keep_last_n']
        self.assertEqual('Keep last n', field.label)
        self.assertEqual('', field.help_text)
        self.assertFalse(field.help_text)

    def test_a_description_cannot_break_out_of_the_tooltip(self):
        field = one_field({'type': 'string',
                           'description': 'Say "<b>now</b>" & go'})
        self.assertEqual('Say &quot;&lt;b&gt;now&lt;/b&gt;&quot; &amp; go',
                         conditional_escape(field.help_text))

    def test_number_is_a_float_with_bounds(self):
        field = one_field({'type': 'number', 'minimum': 0.5,
                           'maximum': 2.5, 'default': 1.5}, required=True)
        self.assertIs(type(field), django_forms.FloatField)
        self.assertTrue(field.required)
        self.assertEqual((0.5, 2.5, 1.5),
                         (field.min_value, field.max_value, field.initial))

    def test_nullable_type_is_the_type_and_optional(self):
        field = one_field({'type': ['integer', 'null']}, required=True)
        self.assertIs(type(field), django_forms.IntegerField)
        self.assertFalse(field.required)

    def test_required_string_with_min_length_is_required(self):
        field = one_field({'type': 'string', 'minLength': 1,
                           'maxLength': 5}, required=True)
        self.assertTrue(field.required)
        self.assertEqual((1, 5), (field.min_length, field.max_length))

    def test_required_enum_is_required(self):
        field = one_field({'type': 'string', 'enum': ['a', 'b']},
                          required=True)
        self.assertTrue(field.required)
        self.assertEqual([('a', 'a'), ('b', 'b')], field.choices)

    def test_nullable_enum_offers_a_blank_choice(self):
        form = ParametersForm(None, data={'p': ''}, schemas=[('', schema_of(
            {'p': {'type': ['string', 'null'], 'enum': ['a', None]}}))])
        self.assertEqual(['', 'a'],
                         [value for value, _label in form.fields['p'].choices])
        self.assertFalse(form.fields['p'].required)
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual({'p': None}, form.schema_values())

    def test_required_boolean_is_never_required(self):
        self.assertFalse(one_field({'type': 'boolean'}, required=True)
                         .required)


class FormatTests(SimpleTestCase):

    def check(self, fmt, field_class, given, expected):
        form = ParametersForm(None, data={'p': given}, schemas=[
            ('', schema_of({'p': {'type': 'string', 'format': fmt}}))])
        self.assertIs(type(form.fields['p']), field_class)
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual({'p': expected}, form.validated_values())

    def test_email(self):
        self.check('email', django_forms.EmailField, 'a@example.org',
                   'a@example.org')

    def test_uri(self):
        self.check('uri', django_forms.URLField, 'https://example.org/x',
                   'https://example.org/x')

    def test_date_is_sent_as_iso_text(self):
        self.check('date', django_forms.DateField, '2024-02-29',
                   '2024-02-29')

    def test_date_time_is_sent_as_iso_text(self):
        self.check('date-time', django_forms.DateTimeField,
                   '2024-02-29 13:45:00', '2024-02-29T13:45:00+00:00')

    def test_uuid_is_sent_as_text(self):
        self.check('uuid', django_forms.UUIDField,
                   '6F1F7F3E-9C4A-4B8E-8F3E-2B1D8A0C5E10',
                   '6f1f7f3e-9c4a-4b8e-8f3e-2b1d8a0c5e10')

    def test_ipv4(self):
        self.check('ipv4', django_forms.GenericIPAddressField, '10.0.0.1',
                   '10.0.0.1')
        with self.assertRaises(django_forms.ValidationError):
            one_field({'type': 'string', 'format': 'ipv4'}).clean('::1')

    def test_ipv6(self):
        self.check('ipv6', django_forms.GenericIPAddressField, '::1', '::1')
        with self.assertRaises(django_forms.ValidationError):
            one_field({'type': 'string', 'format': 'ipv6'}).clean('10.0.0.1')

    def test_lengths_of_dates_and_uuids_are_left_to_the_schema(self):
        form = ParametersForm(None, data={'d': '2024-02-29', 'u': 'X'},
                              schemas=[('', schema_of({
                                  'd': {'type': 'string', 'format': 'date',
                                        'minLength': 10,
                                        'pattern': '^2023'},
                                  'u': {'type': 'string', 'format': 'uuid',
                                        'maxLength': 36}}))])
        self.assertFalse(form.is_valid())
        self.assertEqual(["'2024-02-29' does not match '^2023'"],
                         form.errors['d'])
        self.assertEqual(['Enter a valid UUID.'], form.errors['u'])

    def test_other_formats_are_text(self):
        self.check('hostname', django_forms.CharField, 'host-1', 'host-1')

    def test_invalid_date_is_refused(self):
        form = ParametersForm(None, data={'p': '2023-02-29'}, schemas=[
            ('', schema_of({'p': {'type': 'string', 'format': 'date'}}))])
        self.assertEqual(['p'], list(form.errors))

    def test_empty_required_date_is_required(self):
        form = ParametersForm(None, data={'p': ''}, schemas=[
            ('', schema_of({'p': {'type': 'string', 'format': 'date'}},
                           ['p']))])
        self.assertTrue(form.fields['p'].required)
        self.assertEqual(['This field is required.'], form.errors['p'])

    def test_pattern(self):
        field = one_field({'type': 'string', 'pattern': '^[a-z]+$'})
        self.assertEqual('abc', field.clean('abc'))
        with self.assertRaises(django_forms.ValidationError) as caught:
            field.clean('ABC')
        self.assertEqual(['Enter a value that matches the pattern '
                          '^[a-z]+$.'], caught.exception.messages)


class UnsupportedTests(SimpleTestCase):

    def assert_unsupported(self, prop, reason, name='bad'):
        schema = schema_of({'good': {'type': 'string'}, name: prop})
        with self.assertRaises(schema_forms.UnsupportedSchema) as caught:
            schema_forms.fields_for_schema(schema, plugin_name='plug')
        message = str(caught.exception)
        self.assertIn('plugin "plug"', message)
        self.assertIn('property "%s"' % name, message)
        self.assertIn(reason, message)
        self.assertEqual(('plug', name), (caught.exception.plugin_name,
                                          caught.exception.property_name))

    def test_missing_type(self):
        self.assert_unsupported({'title': 'T'}, 'no "type"')

    def test_boolean_schema(self):
        self.assert_unsupported(True, 'no "type"')

    def test_type_lists(self):
        for types in (['string', 'integer'], ['string'],
                      ['string', 'integer', 'null'], ['null', 'null']):
            with self.subTest(types=types):
                self.assert_unsupported({'type': types}, 'list of types')

    def test_object(self):
        self.assert_unsupported({'type': 'object'}, 'type "object"')

    def test_nullable_object(self):
        self.assert_unsupported({'type': ['object', 'null']},
                                'type "object"')

    def test_unknown_type(self):
        self.assert_unsupported({'type': 'integr'}, 'type "integr"')

    def test_null_type(self):
        self.assert_unsupported({'type': 'null'}, 'type "null"')

    def test_arrays_not_of_string_enums(self):
        for items in (None, {'type': 'string'}, {'type': 'integer',
                                                 'enum': [1, 2]},
                      {'type': 'string', 'enum': ['a', 1]}):
            prop = {'type': 'array'}
            if items is not None:
                prop['items'] = items
            with self.subTest(items=items):
                self.assert_unsupported(prop, 'enum of strings')

    def test_enum_of_other_types(self):
        self.assert_unsupported({'type': 'integer', 'enum': [1, 2]},
                                '"enum"')
        self.assert_unsupported({'type': 'string', 'enum': ['a', 2]},
                                '"enum"')

    def test_combinators_and_references(self):
        for keyword in ('oneOf', 'anyOf', 'allOf', 'not', '$ref'):
            with self.subTest(keyword=keyword):
                self.assert_unsupported(
                    {'type': 'string', keyword: '#/$defs/x'
                     if keyword == '$ref' else [{'type': 'string'}]},
                    '"%s"' % keyword)

    def test_required_but_not_declared(self):
        schema = schema_of({'a': {'type': 'string'}}, ['a', 'ghost'])
        with self.assertRaises(schema_forms.UnsupportedSchema) as caught:
            schema_forms.fields_for_schema(schema, plugin_name='plug')
        self.assertEqual('ghost', caught.exception.property_name)

    def test_top_level_must_be_an_object(self):
        for schema in ({'type': 'array'}, {'properties': {}}):
            with self.subTest(schema=schema):
                with self.assertRaises(
                        schema_forms.UnsupportedSchema) as caught:
                    schema_forms.fields_for_schema(schema, plugin_name='p')
                self.assertIn('plugin "p"', str(caught.exception))
                self.assertIn('"object"', str(caught.exception))

    def test_check_renderable_reads_the_restore_schema(self):
        class BadRestore(plugins.CopiesPlugin):
            name = 'bad-restore'

            def get_restore_schema(self):
                return schema_of({'when': {'type': ['string', 'integer']}})

        with self.assertRaises(schema_forms.UnsupportedSchema) as caught:
            schema_forms.check_renderable(BadRestore())
        self.assertEqual(('bad-restore', 'when'),
                         (caught.exception.plugin_name,
                          caught.exception.property_name))

    def test_check_renderable_accepts_the_test_plugin(self):
        schema_forms.check_renderable(plugins.CopiesPlugin())


class ObjectOptionPlugin(plugins.CopiesPlugin):
    """Valid JSON Schema that no form can render."""

    def get_options_schema(self):
        return schema_of({'copies': {'type': 'integer'},
                          'placement': {'type': 'object'}})


class _EntryPoint:
    def __init__(self, plugin_class):
        self.plugin_class = plugin_class

    def load(self):
        return self.plugin_class


class RegistryHookTests(SimpleTestCase):

    def _registry_of(self, *plugin_classes):
        fake = registry.Registry([])
        for number, cls in enumerate(plugin_classes):
            plugin = cls()
            plugin.name = cls.__name__
            plugin.resource_types = (registry.VOLUME,)
            fake.providers[number] = registry.Provider(
                id=number, name=cls.__name__, description='', enabled=True,
                path='%d.conf' % number, plugins=[plugin])
        return fake

    def test_unrenderable_plugin_is_not_chosen_and_is_reported(self):
        fake = self._registry_of(ObjectOptionPlugin)
        with mock.patch.object(registry, 'get_registry', return_value=fake):
            self.assertIsNone(plugin_choice.volume_plugin())
            problems = [str(p) for p in plugin_choice.problems()]
        self.assertEqual(1, len(problems))
        self.assertIn('"ObjectOptionPlugin" has a schema the dashboard '
                      'cannot render', problems[0])
        self.assertIn('property "placement"', problems[0])

    def test_an_unrenderable_choice_is_not_replaced_by_the_next(self):
        # The scheduler runs the registry's choice: schedules made with
        # another plugin's options would run with the wrong plugin.
        fake = self._registry_of(ObjectOptionPlugin, plugins.CopiesPlugin)
        with mock.patch.object(registry, 'get_registry', return_value=fake):
            self.assertIsInstance(registry.volume_plugin(),
                                  ObjectOptionPlugin)
            self.assertIsNone(plugin_choice.volume_plugin())

    def test_a_renderable_choice_is_used(self):
        fake = self._registry_of(plugins.CopiesPlugin, ObjectOptionPlugin)
        with mock.patch.object(registry, 'get_registry', return_value=fake):
            self.assertIsInstance(plugin_choice.volume_plugin(),
                                  plugins.CopiesPlugin)

    def test_renderable_plugin_loads(self):
        plugin = registry.load_plugin('copies', entry_points={
            'copies': _EntryPoint(plugins.CopiesPlugin)})
        self.assertEqual('copies', plugin.name)


BOUNDED = schema_of({
    'count': {'type': 'integer', 'minimum': 0, 'exclusiveMaximum': 10,
              'default': 3},
    'label': {'type': 'string', 'maxLength': 4},
}, ['count'])


class SchemaFormMixinTests(SimpleTestCase):

    def form(self, data, schemas=(('', plugins.COPIES_OPTIONS),), **kwargs):
        return ParametersForm(None, data=data, schemas=schemas, **kwargs)

    def test_valid_data_gives_validated_values_with_defaults(self):
        form = self.form({'copies': '4', 'tier': '',
                          'regions': ['RegionTwo']})
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual({'copies': 4, 'tier': 'silver',
                          'regions': ['RegionTwo']},
                         form.validated_values())
        self.assertEqual(form.validated_values(), form.handle(None, {}))

    def test_initial_overrides_the_default(self):
        form = ParametersForm(None)
        form.add_schema_fields(plugins.COPIES_OPTIONS,
                               initial={'copies': 5, 'unknown': 1})
        self.assertEqual(5, form.fields['copies'].initial)
        self.assertEqual('silver', form.fields['tier'].initial)
        self.assertNotIn('unknown', form.fields)

    def test_invalid_data_gives_errors_on_the_right_fields(self):
        form = self.form({'copies': '0', 'tier': 'platinum',
                          'regions': ['RegionOne']})
        self.assertFalse(form.is_valid())
        self.assertEqual({'copies', 'tier'}, set(form.errors))
        self.assertEqual(1, len(form.errors['copies']))
        self.assertIn('greater than or equal to 1', form.errors['copies'][0])

    def test_missing_required_value(self):
        form = self.form({})
        self.assertFalse(form.is_valid())
        self.assertEqual({'copies': ['This field is required.']},
                         form.errors)

    def test_schema_refuses_what_django_accepts(self):
        form = self.form({'count': '10', 'label': 'ab'},
                         schemas=[('', BOUNDED)])
        self.assertEqual(10, form.fields['count'].clean('10'))
        self.assertFalse(form.is_valid())
        self.assertEqual(['count'], list(form.errors))
        self.assertIn('10', form.errors['count'][0])

    def test_schema_pass_gives_defaults_and_accepts_bounds(self):
        form = self.form({'count': '', 'label': ''}, schemas=[('', BOUNDED)])
        # Django requires the integer; the schema would have a default.
        self.assertFalse(form.is_valid())
        form = self.form({'count': '9', 'label': ''},
                         schemas=[('', BOUNDED)])
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual({'count': 9}, form.validated_values())

    def test_non_field_errors_go_to_the_form(self):
        schema = dict(BOUNDED, minProperties=2)
        form = self.form({'b_count': '9', 'b_label': ''},
                         schemas=[('b_', schema)])
        self.assertFalse(form.is_valid())
        self.assertEqual(['__all__'], list(form.errors))

    def test_extra_post_keys_are_ignored(self):
        form = self.form({'copies': '2', 'evil': 'x', 'tier_x': 'y',
                          'properties': '{"evil": {"type": "string"}}'})
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual(['copies', 'tier', 'regions'], list(form.fields))
        self.assertEqual({'copies': 2, 'tier': 'silver'},
                         form.validated_values())

    def test_two_schemas_with_prefixes(self):
        form = self.form(
            {'opt_snapshot_name': 'nightly', 'opt_description': 'd',
             'opt_force': 'on', 'res_restore_name': 'back',
             'res_restore_description': ''},
            schemas=[('opt_', PLUGIN.get_options_schema()),
                     ('res_', PLUGIN.get_restore_schema())])
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual({'snapshot_name': 'nightly', 'description': 'd',
                          'force': True}, form.validated_values('opt_'))
        self.assertEqual({'restore_name': 'back'},
                         form.validated_values('res_'))

    def test_errors_carry_the_prefix(self):
        form = self.form({'a_count': '10', 'b_count': '1'},
                         schemas=[('a_', BOUNDED), ('b_', BOUNDED)])
        self.assertFalse(form.is_valid())
        self.assertEqual(['a_count'], list(form.errors))

    def test_validated_values_refused_for_an_invalid_form(self):
        form = self.form({'copies': '0'})
        with self.assertRaises(ValueError):
            form.validated_values()

    def test_a_schema_cannot_replace_a_form_field(self):
        form = self.form(None)
        with self.assertRaises(ValueError):
            form.add_schema_fields(plugins.COPIES_OPTIONS)
        self.assertEqual(2, form.fields['copies'].initial)

    def test_required_array_may_be_empty(self):
        schema = schema_of({'regions': plugins.COPIES_OPTIONS['properties']
                            ['regions']}, ['regions'])
        form = self.form({}, schemas=[('', schema)])
        self.assertFalse(form.fields['regions'].required)
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual({'regions': []}, form.validated_values())

    def test_validated_values_match_parameters_validate(self):
        form = self.form({'copies': '3', 'regions': ['RegionOne']})
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual(
            parameters.validate(plugins.COPIES_OPTIONS, {
                'copies': 3, 'regions': ['RegionOne']}),
            form.validated_values())

    def test_empty_date_gets_its_default(self):
        schema = schema_of({'on': {'type': 'string', 'format': 'date',
                                   'default': '2024-01-01'}})
        form = self.form({'on': ''}, schemas=[('', schema)])
        self.assertEqual('2024-01-01', form.fields['on'].initial)
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual({'on': '2024-01-01'}, form.validated_values())
