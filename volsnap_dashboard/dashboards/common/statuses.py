"""Snapshot statuses as Cinder writes them and as the tables show them,
and what each lets a user do."""

from django.utils.translation import pgettext_lazy

# None: still changing, so the row keeps polling.
SNAPSHOT_STATUS_CHOICES = (
    ('available', True),
    ('error', False),
    ('error_deleting', False),
    ('creating', None),
    ('deleting', None),
    ('restoring', None),
    ('backing-up', None),
    ('unmanaging', None),
)


# What Cinder deletes without force (an admin can force the others).
DELETABLE_STATUSES = ('available', 'error')


# Cinder renames a snapshot and changes its metadata whatever its status
# (even while it is being created); only one being deleted is not worth it.
EDITABLE_STATUSES = ('available', 'error', 'error_deleting', 'creating',
                     'restoring', 'backing-up', 'unmanaging')


# Literal strings, so that makemessages finds them.
SNAPSHOT_STATUS_DISPLAY = (
    ('available',
     pgettext_lazy('Current status of a snapshot', 'Available')),
    ('creating',
     pgettext_lazy('Current status of a snapshot', 'Creating')),
    ('deleting',
     pgettext_lazy('Current status of a snapshot', 'Deleting')),
    ('error',
     pgettext_lazy('Current status of a snapshot', 'Error')),
    ('error_deleting',
     pgettext_lazy('Current status of a snapshot', 'Error Deleting')),
    ('restoring',
     pgettext_lazy('Current status of a snapshot', 'Restoring')),
    ('backing-up',
     pgettext_lazy('Current status of a snapshot', 'Backing Up')),
    ('unmanaging',
     pgettext_lazy('Current status of a snapshot', 'Unmanaging')),
)


def status_label(status):
    """A snapshot status as the tables show it ("Error Deleting")."""
    return dict(SNAPSHOT_STATUS_DISPLAY).get(
        status, str(status).replace('_', ' ').replace('-', ' ').title())


def status_for(text):
    """Cinder's status for ``text`` as shown ("Error Deleting") or as
    Cinder writes it ("error_deleting"), whatever its case; None if no
    status is called so."""
    wanted = ' '.join(text.replace('_', ' ').split()).casefold()
    for status, label in SNAPSHOT_STATUS_DISPLAY:
        if wanted in (str(label).casefold(), status.replace('_', ' ')):
            return status
    return None
