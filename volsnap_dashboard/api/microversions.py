"""Cinder microversions the dashboard and the plugins care about."""

from cinderclient import api_versions

CLIENT_MAX = api_versions.APIVersion(api_versions.MAX_VERSION)
# GET /resource_filters: the filters the operator lets users apply.
RESOURCE_FILTERS = api_versions.APIVersion('3.33')
# Filters that match part of a value ("name~").
LIKE_FILTERS = api_versions.APIVersion('3.34')
# Listings that also say how many resources match ("with_count").
LIST_COUNT = api_versions.APIVersion('3.45')
# Cinder's user messages: the reason behind an "error" status.
MESSAGES = api_versions.APIVersion('3.3')
# From here Cinder snapshots in-use volumes without "force", and
# cinderclient refuses force=False.
FORCE_OBSOLETE = api_versions.APIVersion('3.66')


def force_supported(client):
    """True while ``force`` still means something to snapshot create."""
    return client.api_version < FORCE_OBSOLETE
