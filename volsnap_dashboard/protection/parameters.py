"""Validate a plugin's parameters against its JSON Schema, on the server.

Defaults from the schema are applied first; a ``null`` default, or a
``None`` value, means "not given", so the plugin's own fallback applies.
Unknown keys are refused, whatever the schema says of
``additionalProperties``.
"""

import jsonschema
from django.utils.translation import gettext_lazy as _

from volsnap_dashboard.api import errors as api_errors


class InvalidParameters(api_errors.InvalidInput):
    """Parameters that do not match the schema; ``errors`` maps each bad
    field to its reasons."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__('; '.join(
            '%s: %s' % (field, ' '.join(str(m) for m in messages))
            for field, messages in sorted(errors.items())))


def validator_for(schema):
    """A validator of the schema's own draft (2020-12 when it names none)."""
    cls = jsonschema.validators.validator_for(
        schema, default=jsonschema.Draft202012Validator)
    return cls(schema)


def check_schema(schema):
    """Raise jsonschema.SchemaError if ``schema`` is not valid JSON Schema."""
    cls = jsonschema.validators.validator_for(
        schema, default=jsonschema.Draft202012Validator)
    cls.check_schema(schema)
    if schema.get('type') != 'object':
        raise jsonschema.SchemaError('a parameters schema must be of type '
                                     '"object"')


def with_defaults(schema, parameters):
    """``parameters`` without ``None`` values, and with non-null defaults."""
    given = {key: value for key, value in (parameters or {}).items()
             if value is not None}
    for name, prop in schema.get('properties', {}).items():
        if name not in given and prop.get('default') is not None:
            given[name] = prop['default']
    return given


def _fields_of(error):
    if error.path:
        return [str(error.path[0])]
    if error.validator == 'required':
        # One error stands for every missing property.
        return [name for name in error.validator_value
                if name not in error.instance] or ['__all__']
    return ['__all__']


def _message_of(error):
    if error.validator == 'required':
        return _("This field is required.")
    if error.validator == 'type':
        return _("Must be of type %s.") % error.validator_value
    if error.validator == 'enum':
        return _("Must be one of: %s.") % ', '.join(
            str(choice) for choice in error.validator_value)
    if error.validator == 'minLength':
        return _("Must be at least %d characters long.") % (
            error.validator_value)
    if error.validator == 'maxLength':
        return _("Must be at most %d characters long.") % (
            error.validator_value)
    if error.validator == 'minimum':
        return _("Must be at least %s.") % error.validator_value
    if error.validator == 'maximum':
        return _("Must be at most %s.") % error.validator_value
    return error.message


def validate(schema, parameters):
    """The parameters with defaults applied, or InvalidParameters."""
    values = with_defaults(schema, parameters)
    errors = {}
    known = schema.get('properties', {})
    for name in values:
        if name not in known:
            errors.setdefault(name, []).append(_("Unknown parameter."))
    for error in validator_for(schema).iter_errors(values):
        for field in _fields_of(error):
            errors.setdefault(field, []).append(_message_of(error))
    if errors:
        raise InvalidParameters(errors)
    return values
