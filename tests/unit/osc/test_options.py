"""``--option KEY=VALUE`` read by the plugin's schema, then validated by
the plugin, as the panels' forms are."""

from django.test import SimpleTestCase
from osc_lib import exceptions

from volsnap_dashboard.osc import options
from volsnap_dashboard.protection import cinder_backup

SCHEMA = cinder_backup.CinderBackupProtectionPlugin().get_options_schema()


class ParseTests(SimpleTestCase):

    def test_each_value_is_read_as_its_schemas_type(self):
        self.assertEqual(
            {'incremental': False, 'full_every': 3, 'force': True,
             'description': 'a=b'},
            options.parse(SCHEMA, ['incremental=no', 'full_every=3',
                                   'force=TRUE', 'description=a=b']))

    def test_unknown_keys_and_bad_values_are_refused_by_name(self):
        for pair, said in (('colour=red', 'unknown option "colour"'),
                           ('full_every=seven', 'takes a number'),
                           ('force=maybe', 'takes true or false'),
                           ('force', 'takes KEY=VALUE')):
            with self.subTest(pair), self.assertRaises(
                    exceptions.CommandError) as caught:
                options.parse(SCHEMA, [pair])
            self.assertIn(said, str(caught.exception))

    def test_the_plugins_own_refusal_names_the_field(self):
        plugin = cinder_backup.CinderBackupProtectionPlugin()
        with self.assertRaises(exceptions.CommandError) as caught:
            options.validated(plugin.validate_options, {
                'backup_name': 'x', 'full_every': 0})
        self.assertIn('full_every', str(caught.exception))
