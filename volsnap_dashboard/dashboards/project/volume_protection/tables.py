from horizon.utils import filters
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from horizon import tables

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
)


def source_volume_name(snapshot):
    volume = getattr(snapshot, 'source_volume', None)
    if volume is None:
        return snapshot.volume_id
    return volume.name or volume.id


def source_volume_link(snapshot):
    if getattr(snapshot, 'source_volume', None) is None:
        return None
    return reverse('horizon:project:volumes:detail',
                   args=(snapshot.volume_id,))


def size_in_gib(snapshot):
    return _("%s GiB") % snapshot.size


class SnapshotFilterAction(tables.FilterAction):
    filter_type = 'server'
    filter_choices = (
        ('name', _("Name ="), True),
        ('status', _("Status ="), True),
        ('volume_id', _("Volume ID ="), True),
    )


class ProtectedSnapshotsTable(tables.DataTable):
    name = tables.Column('name', verbose_name=_("Name"))
    volume = tables.Column(source_volume_name, verbose_name=_("Volume"),
                           link=source_volume_link)
    size = tables.Column(size_in_gib, verbose_name=_("Size"),
                         attrs={'data-type': 'size'})
    status = tables.Column('status', verbose_name=_("Status"), status=True,
                           status_choices=SNAPSHOT_STATUS_CHOICES,
                           display_choices=SNAPSHOT_STATUS_DISPLAY)
    created = tables.Column('created_at', verbose_name=_("Created"),
                            filters=(filters.parse_isotime,))
    description = tables.Column('description', verbose_name=_("Description"),
                                truncate=60)

    class Meta:
        name = 'protected_snapshots'
        verbose_name = _("Protected Snapshots")
        status_columns = ('status',)
        table_actions = (SnapshotFilterAction,)
