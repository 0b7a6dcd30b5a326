"""Django form fields from a protection plugin's JSON Schema, on the server.

The fields are always built from the schema the server holds, never from
what the client sent, and a property that cannot be rendered raises
``UnsupportedSchema`` instead of being dropped. Django's validation is a
convenience for the user; ``SchemaFormMixin.clean`` then validates the
values against the schema itself (``parameters.validate``), so keywords
Django has no field option for (``exclusiveMaximum``, ``multipleOf``,
``minItems``...) are still enforced, and their errors land on their fields.
"""

import dataclasses
import datetime
import uuid

from django import forms
from django.core import validators
from django.forms.utils import pretty_name
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from volsnap_dashboard.protection import parameters

#: Keywords that combine or reference schemas; no single field renders them.
_COMBINATORS = ('oneOf', 'anyOf', 'allOf', 'not', '$ref')

#: String formats Django has a field for; other formats are plain text.
_FORMAT_FIELDS = {
    'email': (forms.EmailField, {}),
    'uri': (forms.URLField, {'assume_scheme': 'https'}),
    'date': (forms.DateField, {}),
    'date-time': (forms.DateTimeField, {}),
    'uuid': (forms.UUIDField, {}),
    'ipv4': (forms.GenericIPAddressField, {'protocol': 'IPv4'}),
    'ipv6': (forms.GenericIPAddressField, {'protocol': 'IPv6'}),
}

#: Fields that take ``min_length``, ``max_length`` and a pattern validator
#: (a UUIDField's validators see a UUID object, which has no length).
_TEXT_FIELDS = (forms.CharField, forms.EmailField, forms.URLField,
                forms.GenericIPAddressField)

_TYPES = ('string', 'boolean', 'integer', 'number', 'array')


class UnsupportedSchema(ValueError):
    """A plugin's schema holds something the dashboard cannot render."""

    def __init__(self, plugin_name, property_name, reason):
        self.plugin_name = plugin_name
        self.property_name = property_name
        self.reason = reason
        if property_name is None:
            message = _('plugin "%(plugin)s": %(reason)s') % {
                'plugin': plugin_name, 'reason': reason}
        else:
            message = _('plugin "%(plugin)s", property "%(property)s": '
                        '%(reason)s') % {'plugin': plugin_name,
                                         'property': property_name,
                                         'reason': reason}
        super().__init__(message)


@dataclasses.dataclass(frozen=True)
class _Property:
    """One property of a schema, as the form sees it."""

    name: str
    schema: dict
    type: str
    #: Listed in the schema's ``required``: the key must be present.
    required: bool
    #: Optional in the form: ``["<type>", "null"]``.
    nullable: bool

    def keeps_empty(self):
        """Whether an empty input ('' or []) is itself a valid value.

        JSON Schema's ``required`` only asks for the key, so a required
        string without ``minLength`` may be '' (and an array without
        ``minItems`` may be []); the form then sends the empty value rather
        than leaving the parameter out.
        """
        if not self.required:
            return False
        if self.type == 'array':
            return self.schema.get('minItems', 0) < 1
        return (self.type == 'string'
                and self.schema.get('minLength', 0) < 1
                and self.schema.get('format') not in _FORMAT_FIELDS
                and '' in self.schema.get('enum', ['']))

    def field_required(self):
        """Django's ``required``: a value must be entered."""
        return (self.required and not self.nullable
                and self.type != 'boolean' and not self.keeps_empty())


def _properties(schema, plugin_name):
    """The schema's properties, in order; UnsupportedSchema if one cannot
    be rendered."""
    if not isinstance(schema, dict) or schema.get('type') != 'object':
        raise UnsupportedSchema(plugin_name, None,
                                _('the schema is not of type "object"'))
    declared = schema.get('properties', {})
    required = schema.get('required', [])
    for name in required:
        if name not in declared:
            raise UnsupportedSchema(plugin_name, name, _(
                'it is required but not declared in "properties"'))
    return [_property(plugin_name, name, prop, name in required)
            for name, prop in declared.items()]


def _property(plugin_name, name, prop, required):
    """One property, checked: UnsupportedSchema says why it cannot be
    rendered."""
    def unsupported(reason):
        return UnsupportedSchema(plugin_name, name, reason)

    if not isinstance(prop, dict) or 'type' not in prop:
        raise unsupported(_('it has no "type"'))
    for keyword in _COMBINATORS:
        if keyword in prop:
            raise unsupported(_('"%s" is not supported') % keyword)
    type_, nullable = prop['type'], False
    if isinstance(type_, list):
        others = [t for t in type_ if t != 'null']
        if len(type_) != 2 or len(others) != 1:
            raise unsupported(_('a list of types is only supported as one '
                                'type and "null"'))
        type_, nullable = others[0], True
    if type_ not in _TYPES:
        raise unsupported(_('type "%s" is not supported') % type_)
    if 'enum' in prop and (type_ != 'string' or not all(
            value is None or isinstance(value, str)
            for value in prop['enum'])):
        raise unsupported(_('"enum" is only supported with string values'))
    items = prop.get('items')
    if type_ == 'array' and not (
            isinstance(items, dict) and items.get('type') == 'string'
            and items.get('enum')
            and all(isinstance(value, str) for value in items['enum'])):
        raise unsupported(_('an array is only supported with "items" that '
                            'are an enum of strings'))
    return _Property(name, prop, type_, required, nullable)


def _choices(values):
    return [(value, value) for value in values if value is not None]


def _translated(text):
    return _(text) if isinstance(text, str) and text else text


# Escaped when drawn, in the reader's language (Horizon's own escape,
# which it puts in Django's place, would translate it at once).
_escaped = lazy(lambda text: format_html('{}', text), SafeString)


def _field(prop, initial):
    """The Django field of one property."""
    schema = prop.schema
    description = schema.get('description')
    # The package's schema texts are in its catalogs (schema_strings);
    # another plugin's show as written unless its own catalogs have them.
    kwargs = {'label': _translated(schema.get('title')) or
              pretty_name(prop.name),
              # Horizon puts help texts into a title attribute unescaped:
              # a plugin's quote or angle bracket must not end it.
              'help_text': _escaped(_translated(description))
              if description else '',
              'required': prop.field_required()}
    if initial is not None:
        kwargs['initial'] = initial
    if prop.type == 'boolean':
        return forms.BooleanField(**kwargs)
    if prop.type in ('integer', 'number'):
        field_class = (forms.IntegerField if prop.type == 'integer'
                       else forms.FloatField)
        return field_class(min_value=schema.get('minimum'),
                           max_value=schema.get('maximum'), **kwargs)
    if prop.type == 'array':
        return forms.MultipleChoiceField(
            choices=_choices(schema['items']['enum']),
            widget=forms.CheckboxSelectMultiple, **kwargs)
    if 'enum' in schema:
        choices = _choices(schema['enum'])
        if not kwargs['required'] and '' not in schema['enum']:
            choices.insert(0, ('', _('(not set)')))
        return forms.ChoiceField(choices=choices, **kwargs)
    field_class, extra = _FORMAT_FIELDS.get(schema.get('format'),
                                            (forms.CharField, {}))
    kwargs.update(extra)
    if field_class in _TEXT_FIELDS:
        if 'minLength' in schema:
            kwargs['min_length'] = schema['minLength']
        if 'maxLength' in schema:
            kwargs['max_length'] = schema['maxLength']
        if 'pattern' in schema:
            kwargs['validators'] = [validators.RegexValidator(
                schema['pattern'],
                message=_('Enter a value that matches the pattern '
                          '%s.') % schema['pattern'])]
    return field_class(**kwargs)


def _fields(properties, prefix, initial):
    return {prefix + prop.name: _field(
        prop, initial.get(prop.name, prop.schema.get('default')))
        for prop in properties}


def fields_for_schema(schema, prefix='', plugin_name='?'):
    """Form fields for the schema's properties, in the schema's order,
    keyed ``prefix + property name``; UnsupportedSchema names the plugin
    and the property that cannot be rendered."""
    return _fields(_properties(schema, plugin_name), prefix, {})


def check_renderable(plugin):
    """Raise UnsupportedSchema unless the plugin's options and restore
    schemas can both be rendered as forms."""
    for schema in (plugin.get_options_schema(),
                   plugin.get_restore_schema()):
        fields_for_schema(schema, plugin_name=plugin.name)


def _json_value(value):
    """A cleaned form value as the JSON type the schema expects."""
    if isinstance(value, datetime.date):  # datetimes too
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


class SchemaFormMixin:
    """Adds a plugin's schema to a Django (Horizon) form and validates
    the submitted values against it in ``clean()``.

    Put it before the form class: ``class F(SchemaFormMixin,
    forms.SelfHandlingForm)``; call ``add_schema_fields`` from
    ``__init__`` with the server's schema, and read the parameters with
    ``validated_values`` in ``handle()``.
    """

    @property
    def _schemas(self):
        """prefix -> (schema, properties), for each schema added."""
        return self.__dict__.setdefault('_schema_forms', {})

    def add_schema_fields(self, schema, prefix='', plugin_name='?',
                          initial=None):
        """Add a field per property of ``schema`` to ``self.fields``.

        ``initial`` maps property names (without prefix) to initial values
        that replace the schema's defaults; other keys are ignored. A
        field name already on the form is a ValueError: a plugin must not
        replace the form's own fields (give it a prefix).
        """
        properties = _properties(schema, plugin_name)
        fields = _fields(properties, prefix, initial or {})
        taken = sorted(set(fields) & set(self.fields))
        if taken:
            raise ValueError('fields already on the form: %s'
                             % ', '.join(taken))
        self.fields.update(fields)
        self._schemas[prefix] = (schema, properties)

    def schema_values(self, prefix=''):
        """The cleaned values of the schema added with ``prefix``, keyed by
        property name, as JSON types; an empty input is None (absent, so
        the default or the plugin's fallback applies) unless it is itself
        a valid value of a required property."""
        values = {}
        for prop in self._schemas[prefix][1]:
            value = self.cleaned_data.get(prefix + prop.name)
            if value in validators.EMPTY_VALUES and not prop.keeps_empty():
                value = None
            values[prop.name] = _json_value(value)
        return values

    def clean(self):
        """Validate each added schema's values against the schema; every
        error goes to its field (or to the form, for ``__all__``)."""
        cleaned_data = super().clean()
        self._schema_forms_valid = {}
        for prefix, (schema, _unused) in self._schemas.items():
            try:
                self._schema_forms_valid[prefix] = parameters.validate(
                    schema, self.schema_values(prefix))
            except parameters.InvalidParameters as exc:
                for name, messages in exc.errors.items():
                    field = None if name == '__all__' else prefix + name
                    if field in self.errors:
                        # Django refused the input already; its value is
                        # missing, and "required" would only repeat that.
                        continue
                    for message in messages:
                        self.add_error(field, message)
        return cleaned_data

    def validated_values(self, prefix=''):
        """The parameters of the schema added with ``prefix``, validated and
        with the schema's defaults applied; only for a valid form."""
        if not self.is_valid():
            raise ValueError('the form is not valid')
        return self._schema_forms_valid[prefix]
