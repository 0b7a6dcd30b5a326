"""The package's message catalogs: what a person reads, gathered for
translators (tools/messages).

1. The titles and descriptions of the package's JSON schemas, which the
   forms show, are written to volsnap_dashboard/protection/schema_strings.py
   (gettext_noop calls), where Django's extraction finds them.
2. Django's makemessages gathers the Python, template and JavaScript
   strings into volsnap_dashboard/locale/<lang>/LC_MESSAGES/django.po and
   djangojs.po, for each language there (or those named).
3. With --compile, each catalog is compiled to its .mo beside it (the
   package's build does the same, see setup.py).
"""

import argparse
import json
import os
import pathlib
import sys

REPO = pathlib.Path(__file__).resolve().parents[2]
PACKAGE = REPO / 'volsnap_dashboard'
LOCALE = PACKAGE / 'locale'
SCHEMAS = PACKAGE / 'protection' / 'schemas'
SCHEMA_STRINGS = PACKAGE / 'protection' / 'schema_strings.py'
IGNORED = ['.venv*', '.devcloud', 'tests', 'tools', 'doc', 'build', 'dist',
           'node_modules', 'test-artifacts', 'static_root', '*.egg-info',
           'volsnap_dashboard/devenv', 'manage.py']

HEADER = '''"""The titles and descriptions of the package's JSON schemas,
which the protect, restore and schedule forms show: here so that the
message catalogs hold them (the forms translate them when they draw a
field).

Written by tools/messages; a unit test checks that it is current.
"""

from django.utils.translation import gettext_noop

SCHEMA_STRINGS = (
'''


def schema_texts(schema):
    """Every title and description in ``schema``, depth first."""
    if isinstance(schema, dict):
        for key in ('title', 'description'):
            if isinstance(schema.get(key), str) and schema[key].strip():
                yield schema[key]
        for value in schema.values():
            yield from schema_texts(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from schema_texts(value)


def schema_strings_source():
    texts = sorted({text for path in sorted(SCHEMAS.glob('*.json'))
                    for text in schema_texts(json.loads(path.read_text(
                        encoding='utf-8')))})
    lines = ''.join('    gettext_noop(%s),\n' % json.dumps(
        text, ensure_ascii=False) for text in texts)
    return HEADER + lines + ')\n'


def languages(wanted):
    if wanted:
        return wanted
    return sorted(path.name for path in LOCALE.iterdir()
                  if (path / 'LC_MESSAGES').is_dir()) if LOCALE.is_dir() \
        else []


def compile_catalogs():
    from babel.messages import mofile
    from babel.messages import pofile
    for po_path in sorted(LOCALE.glob('*/LC_MESSAGES/*.po')):
        with open(po_path, 'rb') as handle:
            catalog = pofile.read_po(handle)
        with open(po_path.with_suffix('.mo'), 'wb') as handle:
            mofile.write_mo(handle, catalog)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--locale', '-l', action='append', default=[],
                        help='a language to gather for (default: those '
                             'under volsnap_dashboard/locale)')
    parser.add_argument('--compile', action='store_true',
                        help='only compile the catalogs to .mo files')
    args = parser.parse_args(argv)
    if args.compile:
        compile_catalogs()
        return 0
    SCHEMA_STRINGS.write_text(schema_strings_source(), encoding='utf-8')
    wanted = languages(args.locale)
    if not wanted:
        print('no language under %s: name one with --locale' % LOCALE,
              file=sys.stderr)
        return 2
    import django
    from django.conf import settings
    from django.core.management import call_command
    settings.configure(USE_I18N=True, LOCALE_PATHS=[str(LOCALE)])
    django.setup()
    os.chdir(REPO)
    for domain in ('django', 'djangojs'):
        call_command('makemessages', locale=wanted, domain=domain,
                     ignore_patterns=IGNORED, no_obsolete=True,
                     add_location='file', verbosity=0)
    compile_catalogs()
    return 0


if __name__ == '__main__':
    sys.exit(main())
