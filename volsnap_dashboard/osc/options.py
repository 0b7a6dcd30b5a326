"""A plugin's options and restore parameters from the command line:
``--option KEY=VALUE``, each value read as its schema's type says, then
validated by the plugin itself, as the panels' forms are."""

from osc_lib import exceptions

from volsnap_dashboard.protection import parameters

TRUE_WORDS = ('true', 'yes', 'on', '1')
FALSE_WORDS = ('false', 'no', 'off', '0')


def _value(key, prop, text):
    kind = prop.get('type')
    if kind == 'boolean':
        word = text.strip().lower()
        if word in TRUE_WORDS or word in FALSE_WORDS:
            return word in TRUE_WORDS
        raise exceptions.CommandError(
            'option %s takes true or false, not "%s"' % (key, text))
    if kind in ('integer', 'number'):
        try:
            return int(text) if kind == 'integer' else float(text)
        except ValueError:
            raise exceptions.CommandError(
                'option %s takes a number, not "%s"' % (key, text)) from None
    return text


def parse(schema, pairs):
    """``KEY=VALUE`` texts as the schema's typed values (unknown keys and
    malformed pairs refused, naming the keys the schema has)."""
    properties = schema.get('properties', {})
    values = {}
    for pair in pairs or ():
        key, sep, text = pair.partition('=')
        key = key.strip()
        if not sep or not key:
            raise exceptions.CommandError(
                '--option takes KEY=VALUE, not "%s"' % pair)
        if key not in properties:
            raise exceptions.CommandError(
                'unknown option "%s": the options are %s' % (
                    key, ', '.join(sorted(properties))))
        values[key] = _value(key, properties[key], text)
    return values


def with_blank_texts(schema, values):
    """``values`` with each text the schema requires and nothing gave
    left empty, as a form posts an untouched text field."""
    filled = dict(values)
    for key, prop in schema.get('properties', {}).items():
        if (key in schema.get('required', ()) and key not in filled and
                prop.get('type') == 'string' and 'default' not in prop):
            filled[key] = ''
    return filled


def validated(validate, values):
    """``validate(values)`` (a plugin's validate_options or
    validate_restore), its refusals as one CommandError."""
    try:
        return validate(values)
    except parameters.InvalidParameters as exc:
        raise exceptions.CommandError('invalid options: %s' % exc) from None
