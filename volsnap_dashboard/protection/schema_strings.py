"""The titles and descriptions of the package's JSON schemas,
which the protect, restore and schedule forms show: here so that the
message catalogs hold them (the forms translate them when they draw a
field).

Written by tools/messages; a unit test checks that it is current.
"""

from django.utils.translation import gettext_noop

SCHEMA_STRINGS = (
    gettext_noop("A note kept with each backup, such as why it was made."),
    gettext_noop("A note kept with each snapshot, such as why it was taken."),
    gettext_noop("Back Up the Newest Snapshot"),
    gettext_noop("Back up a volume even while it is attached to an instance."),
    gettext_noop("Backed-Up Snapshot ID"),
    gettext_noop("Backup ID"),
    gettext_noop("Backup Name"),
    gettext_noop("Copy only what changed since the volume's latest backup. A volume's first backup is always full."),
    gettext_noop("Copy the volume's newest available snapshot instead of the volume as it is now: the backup holds that moment, and an attached volume needs no \"Force\". The volume needs an available snapshot."),
    gettext_noop("Created"),
    gettext_noop("Description"),
    gettext_noop("Force"),
    gettext_noop("Full Backup Every"),
    gettext_noop("Incremental"),
    gettext_noop("Leave it empty to name each backup after its volume (\"<volume name>-backup\")."),
    gettext_noop("Leave it empty to name each snapshot after its volume (\"<volume name>-snapshot\")."),
    gettext_noop("Leave it empty to say which backup the volume was restored from."),
    gettext_noop("Leave it empty to say which snapshot the volume was restored from."),
    gettext_noop("Make a full backup instead once a chain of incremental backups holds this many backups, so that retention can delete older chains whole."),
    gettext_noop("Restore to a New Volume"),
    gettext_noop("Size (GiB)"),
    gettext_noop("Snapshot ID"),
    gettext_noop("Snapshot Name"),
    gettext_noop("Snapshot a volume even while it is attached to an instance."),
    gettext_noop("The name of the new volume."),
    gettext_noop("Volume Backup Options"),
    gettext_noop("Volume Backup Protection"),
    gettext_noop("Volume ID"),
    gettext_noop("Volume Name"),
    gettext_noop("Volume Snapshot Options"),
    gettext_noop("Volume Snapshot Protection"),
)
