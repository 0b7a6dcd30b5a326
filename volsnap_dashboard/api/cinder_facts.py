"""What Cinder's API is like, as the panels and the scheduler read it:
the attributes that name a resource's project and the length of its
text columns. No Horizon import: the scheduler uses it too."""

#: The project of a volume, as Cinder shows it to administrators.
VOLUME_PROJECT_ATTR = 'os-vol-tenant-attr:tenant_id'
#: The project of a snapshot, as Cinder shows it to administrators.
SNAPSHOT_PROJECT_ATTR = 'os-extended-snapshot-attributes:project_id'

#: Cinder keeps names, descriptions and metadata keys and values in
#: columns of this many characters.
TEXT_LIMIT = 255


def volume_project(volume):
    """The project that owns ``volume``, when Cinder shows it (to admins
    such as the scheduler's service user)."""
    return getattr(volume, VOLUME_PROJECT_ATTR, None)


def snapshot_project(snapshot):
    """The project that owns ``snapshot``, when Cinder shows it."""
    return getattr(snapshot, SNAPSHOT_PROJECT_ATTR, None)


def fit(text, suffix='', limit=TEXT_LIMIT):
    """``text + suffix`` cut to Cinder's limit, keeping the whole suffix."""
    return str(text)[:limit - len(suffix)] + suffix
