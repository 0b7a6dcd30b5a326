"""The message catalogs: the schema texts gathered as tools/messages
writes them, each German entry translated with its placeholders intact,
and the forms drawn in German for a German user."""

import pathlib
import re

from babel.messages import pofile
from django.test import SimpleTestCase
from django.utils import translation

from tools.i18n import messages
from volsnap_dashboard.protection import registry
from volsnap_dashboard import schema_forms

# printf-style, named or not, and str.format's braces.
PLACEHOLDER = re.compile(r'%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]*(?::[^}]*)?\}')


def catalogs():
    return sorted(pathlib.Path(messages.LOCALE).glob('*/LC_MESSAGES/*.po'))


class CatalogTests(SimpleTestCase):

    def test_the_schema_texts_are_gathered_as_the_tool_writes_them(self):
        self.assertEqual(messages.schema_strings_source(),
                         messages.SCHEMA_STRINGS.read_text(encoding='utf-8'),
                         'run tools/messages')

    def test_every_entry_is_translated_with_its_placeholders(self):
        self.assertTrue(catalogs())
        for path in catalogs():
            with open(path, 'rb') as handle:
                catalog = pofile.read_po(handle)
            for message in catalog:
                if not message.id:
                    continue
                ids = (message.id if isinstance(message.id, tuple)
                       else (message.id,))
                strings = (message.string if isinstance(message.string,
                                                        tuple)
                           else (message.string,))
                with self.subTest(path=path.name, msgid=ids[0][:60]):
                    self.assertTrue(all(strings), 'not translated')
                    self.assertFalse(message.fuzzy, 'fuzzy')
                    wanted = sorted(PLACEHOLDER.findall(ids[-1]))
                    # As msgfmt checks: a singular form may leave out the
                    # count ("eine Sicherungskopie"); the others say all.
                    self.assertEqual(wanted, sorted(
                        PLACEHOLDER.findall(strings[-1])))
                    for string in strings[:-1]:
                        self.assertLessEqual(
                            set(PLACEHOLDER.findall(string)), set(wanted))


class GermanFormTests(SimpleTestCase):

    def test_a_plugins_form_is_drawn_in_the_users_language(self):
        plugin = registry.load_plugin('cinder-backup')
        fields = schema_forms.fields_for_schema(
            plugin.get_options_schema(), plugin_name=plugin.name)
        with translation.override('de'):
            labels = [str(field.label) for field in fields.values()]
            helps = [str(field.help_text) for field in fields.values()]
            german = str(translation.gettext('Backup Name'))
        self.assertNotEqual('Backup Name', german)
        self.assertIn(german, labels)
        self.assertNotIn('Backup Name', labels)
        self.assertNotIn('Back up a volume even while it is attached to an '
                         'instance.', helps)
        with translation.override('en'):
            self.assertIn('Backup Name', [str(field.label)
                                          for field in fields.values()])
