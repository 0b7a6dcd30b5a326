"""What the Cinder plugins share: their failure, the tags they put on what
they create, Cinder's reason for an error, and the wait for a restored
volume (a volume is what every Cinder plugin restores to)."""

import logging

from cinderclient import exceptions as cinder_exc
from django.utils.translation import gettext_lazy as _

from volsnap_dashboard.api import cinder_facts
from volsnap_dashboard.api import errors
from volsnap_dashboard.api import microversions
from volsnap_dashboard.protection import parameters
from volsnap_dashboard.protection import waiting

LOG = logging.getLogger(__name__)

# Metadata on each restored volume, naming the protection it came from.
RESTORED_FROM_KEY = 'volsnap_restored_from'
# Metadata naming the form submission that created a protection or
# volume, so that a create whose answer was lost can be found instead of
# repeated.
SUBMISSION_KEY = 'volsnap_submission'


class ProtectionFailed(errors.VolsnapAPIError):
    """A protection or restored volume ended in error."""

    def __init__(self, message, resource_id, reason=None, cleaned_up=False):
        self.resource_id = resource_id
        self.reason = reason
        self.cleaned_up = cleaned_up
        super().__init__(message, detail=reason)


def tags(submission, **more):
    if submission:
        more[SUBMISSION_KEY] = submission
    return more


def check_lengths(values, names):
    """InvalidParameters for each of ``names`` longer than Cinder keeps."""
    too_long = {name: [_("Must be at most %d characters long.")
                       % cinder_facts.TEXT_LIMIT]
                for name in names
                if len(values.get(name) or '') > cinder_facts.TEXT_LIMIT}
    if too_long:
        raise parameters.InvalidParameters(too_long)


def restore_name(protection, kind):
    """The name a volume restored from ``protection`` gets by default:
    its name (or ``<kind>-<id>``) and ``-restore``."""
    return cinder_facts.fit(
        protection.name or '%s-%s' % (kind, protection.id[:8]), '-restore')


def restore_description(protection, sentence):
    """``sentence`` (with one ``%s``) naming ``protection``, within
    Cinder's limit: the name is cut first, so the sentence keeps its
    end."""
    name = protection.name or protection.id
    if len(name) > 200:
        name = cinder_facts.fit(name, '...', limit=200)
    return cinder_facts.fit(sentence % name)


def getter(manager):
    def get(resource_id):
        with errors.translated():
            return manager.get(resource_id)
    return get


def failure_reason(client, resource_id):
    """Cinder's user message for the resource, where it has one."""
    if client.api_version < microversions.MESSAGES:
        return None
    try:
        messages = client.messages.list(
            search_opts={'resource_uuid': resource_id})
    except cinder_exc.ClientException:
        return None
    except Exception:  # a reason is a courtesy; never mask the failure
        LOG.warning("Could not read Cinder's messages for %s", resource_id)
        return None
    for message in messages:
        text = getattr(message, 'user_message', None)
        if text:
            return text
    return None


class _Gone:
    status = 'deleted'


def wait_gone(manager, resource_id, kind, interval, timeout):
    """Poll until the resource is gone (a resource whose ``status`` is
    ``deleted``) or Cinder could not delete it (``error_deleting``);
    waiting.WaitTimeout after ``timeout``."""
    def get(wanted_id):
        try:
            with errors.translated():
                return manager.get(wanted_id)
        except errors.NotFound:
            return _Gone()
    return waiting.wait(get, resource_id, kind, done=(_Gone.status,),
                        failed=('error_deleting',), interval=interval,
                        timeout=timeout)


class CinderPluginMixin:
    """The parts of a Cinder protection plugin that do not depend on what
    it protects with."""

    #: The options Cinder keeps as text, checked against its length limit
    #: after the schema (the restore's name and description always are).
    text_options = ()

    # Validation: the schemas, then Cinder's own limits.

    def validate_options(self, params):
        values = super().validate_options(params)
        check_lengths(values, self.text_options)
        return values

    def validate_restore(self, params):
        values = super().validate_restore(params)
        check_lengths(values, ('restore_name', 'restore_description'))
        return values

    def failure_reason(self, client, resource_id):
        """Cinder's user message for a failed resource, or None."""
        return failure_reason(client, resource_id)

    def restored_from(self, volume):
        tags = getattr(volume, 'metadata', None) or {}
        return tags.get(RESTORED_FROM_KEY)

    def wait_for_restore(self, client, volume_id, interval=2.0,
                         timeout=300.0, keep_failed=False):
        """The available restored volume, or ProtectionFailed (the failed
        volume deleted unless ``keep_failed``), or waiting.WaitTimeout."""
        volume = waiting.wait(getter(client.volumes), volume_id,
                              _("Volume"), interval=interval,
                              timeout=timeout)
        if volume.status != 'error':
            return volume
        cleaned_up = False
        if not keep_failed:
            try:
                with errors.translated():
                    client.volumes.delete(volume_id)
                cleaned_up = True
            except errors.NotFound:
                cleaned_up = True
        raise ProtectionFailed(
            _("Restoring to volume %s failed.") % volume_id, volume_id,
            reason=failure_reason(client, volume_id),
            cleaned_up=cleaned_up)
