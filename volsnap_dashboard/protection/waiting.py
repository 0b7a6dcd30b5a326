"""Wait for a Cinder resource to settle, with an interval and a timeout.

Karbor polled for ever; here every wait has a deadline. Web requests never
wait: the panels return at once and show live status; the scheduler and
scripts use these helpers.
"""

import time

from django.utils.translation import gettext_lazy as _

from volsnap_dashboard.api import errors


class WaitTimeout(errors.VolsnapAPIError):
    """The resource did not settle in time; it still exists."""

    def __init__(self, kind, resource_id, status, timeout):
        self.resource_id = resource_id
        self.status = status
        super().__init__(
            _("%(kind)s %(id)s is still %(status)s after %(timeout)s "
              "seconds.") % {'kind': kind, 'id': resource_id,
                             'status': status, 'timeout': timeout})


def wait(get, resource_id, kind, done=('available',), failed=('error',),
         interval=2.0, timeout=300.0, clock=time.monotonic, sleep=time.sleep):
    """Poll ``get(resource_id)`` until its status is in ``done`` or
    ``failed``; return the resource. ``get`` raising NotFound means gone.
    Cinder pushing back on a poll (errors.BACK_PRESSURE) only spaces the
    polls out, as it asks."""
    deadline = clock() + timeout
    while True:
        try:
            resource = get(resource_id)
        except errors.BACK_PRESSURE as exc:
            if clock() >= deadline:
                raise
            sleep(max(interval, getattr(exc, 'retry_after', None) or 0))
            continue
        if resource.status in done or resource.status in failed:
            return resource
        if clock() >= deadline:
            raise WaitTimeout(kind, resource_id, resource.status, timeout)
        sleep(interval)
