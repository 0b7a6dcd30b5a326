"""Cinder and connection errors, translated into a few user-facing kinds.

Every call in :mod:`volsnap_dashboard.api.cinder` runs inside
:func:`translated`, so views, forms and the protection plugins only ever see
the exceptions below. Each carries a message that is safe to show a user:
Cinder's own explanation where it gives one (escaped by the templates like
any other text), never a token or a traceback.
"""

import contextlib
import logging

from cinderclient import exceptions as cinder_exc
from django.utils.translation import gettext_lazy as _
from keystoneauth1 import exceptions as ks_exc
import requests

LOG = logging.getLogger(__name__)


class VolsnapAPIError(Exception):
    """Base of every error the API layer raises."""

    default_message = _("The Block Storage service could not complete "
                        "the request.")

    def __init__(self, message=None, detail=None):
        self.message = str(message or self.default_message)
        self.detail = detail
        super().__init__(self.message)

    def __str__(self):
        if self.detail:
            return "%s %s" % (self.message, self.detail)
        return self.message


class NotFound(VolsnapAPIError):
    # Cinder answers 404 alike for what was deleted and for what belongs
    # to another project: the message must be right for both.
    default_message = _("The resource was not found: it does not exist "
                        "(it may have been deleted), or it is not in your "
                        "project.")


class Conflict(VolsnapAPIError):
    """The request is valid but not in the resource's current state."""

    default_message = _("The resource is not in a state that allows "
                        "this action.")


class BadRequest(VolsnapAPIError):
    default_message = _("The Block Storage service refused the request.")


class OverQuota(VolsnapAPIError):
    default_message = _("The request exceeds the project's quota.")


class Forbidden(VolsnapAPIError):
    default_message = _("You are not allowed to do this.")


class NotAuthenticated(VolsnapAPIError):
    default_message = _("Your session has expired: please log in again.")


class ServiceUnavailable(VolsnapAPIError):
    default_message = _("The Block Storage service is unavailable or not "
                        "responding. Try again in a moment.")


class ServiceError(ServiceUnavailable):
    default_message = _("The Block Storage service failed with an internal "
                        "error. Try again later or contact your "
                        "administrator.")


class UnreadableAnswer(ServiceUnavailable):
    """Cinder's answer was not what its API returns (a proxy's HTML page,
    an empty body, a list where one resource was expected)."""

    default_message = _("The Block Storage service gave an answer the "
                        "dashboard could not read. Try again in a moment.")


class VersionNotAcceptable(ServiceUnavailable):
    """Cinder refused the negotiated microversion (406): a rolled-back
    deployment, or servers of mixed versions behind a balancer."""

    default_message = _("The Block Storage service no longer accepts the "
                        "API version the dashboard negotiated.")


class OutcomeUnknown(ServiceUnavailable):
    """The request was sent but its answer was lost (a timeout, a 502,
    503 or 504 from a balancer): Cinder may have done it."""


class Throttled(ServiceUnavailable):
    """Cinder asked the caller to slow down: a 429, or a 413 with a
    Retry-After (a rate limit, where a 413 without one is a quota).
    ``retry_after``: the seconds Cinder asked for, None if it did not
    say (python-cinderclient passes a 429's Retry-After on to no one)."""

    default_message = _("The Block Storage service is busy and asked to "
                        "slow down. Try again in a moment.")

    def __init__(self, message=None, detail=None, retry_after=None):
        super().__init__(message, detail)
        self.retry_after = retry_after


# Cinder could not take the request now, and did nothing (Throttled) or
# may have done it (OutcomeUnknown: a timeout, a balancer's 502-504):
# what a caller that can wait and try again slows down for.
BACK_PRESSURE = (Throttled, OutcomeUnknown)


class InvalidInput(ValueError):
    """Base of the caller's own mistakes (bad parameters): never a
    service failure, so never translated."""


class UnsupportedService(VolsnapAPIError):
    default_message = _("The Block Storage service does not offer an API "
                        "version this dashboard supports.")


class NoEndpoint(ServiceUnavailable):
    default_message = _("No Block Storage endpoint is available in your "
                        "region's service catalog.")


class IdentityUnavailable(ServiceUnavailable):
    default_message = _("The Identity service is unavailable or not "
                        "responding. Try again in a moment.")


class TrustRefused(VolsnapAPIError):
    """Keystone would not create (or delete) the trust a schedule needs;
    ``detail`` carries Keystone's reason."""

    default_message = _("The Identity service refused to let the scheduler "
                        "act on your behalf.")


class AuthorizationLost(VolsnapAPIError):
    """A schedule's trust no longer gives a token: deleted, its user
    disabled, or the delegated role taken away."""

    default_message = _("The schedule's authorization was lost: its owner "
                        "was disabled, lost the role, or the trust was "
                        "deleted. Save the schedule again to renew it.")


class ServiceUserRefused(VolsnapAPIError):
    default_message = _("The Identity service refused the scheduler's "
                        "service user: check its name, domain and "
                        "password.")


class SchedulingNotConfigured(VolsnapAPIError):
    default_message = _("Scheduled protection is not configured: the "
                        "scheduler's service user is not set.")


# Handed to Horizon through the enabled files (ADD_EXCEPTIONS), so that
# horizon.exceptions.handle() treats them as it treats its own.
RECOVERABLE = (Conflict, BadRequest, OverQuota, Forbidden,
               ServiceUnavailable, VolsnapAPIError)
NOT_FOUND = (NotFound,)
UNAUTHORIZED = (NotAuthenticated,)

_BY_STATUS = {
    400: BadRequest,
    401: NotAuthenticated,
    403: Forbidden,
    404: NotFound,
    406: VersionNotAcceptable,
    409: Conflict,
    413: OverQuota,
}


def _cinder_detail(exc):
    # Cinder's explanation ("Invalid volume: ...") is useful to the user;
    # ClientException keeps it in .message, other classes may not have it.
    text = getattr(exc, 'message', None) or ''
    text = str(text).strip()
    if not text or text.lower().startswith('unknown error'):
        return None
    return text


def from_exception(exc):
    """Return the VolsnapAPIError that stands for ``exc``."""
    if isinstance(exc, VolsnapAPIError):
        return exc
    if isinstance(exc, (ks_exc.ConnectFailure, ks_exc.ConnectTimeout,
                        requests.ConnectTimeout)):
        # Nothing reached Cinder.
        return ServiceUnavailable()
    if isinstance(exc, (ks_exc.RequestTimeout, ks_exc.UnknownConnectionError,
                        requests.ConnectionError, requests.Timeout)):
        return OutcomeUnknown()
    if isinstance(exc, cinder_exc.UnsupportedVersion):
        return UnsupportedService()
    if isinstance(exc, ks_exc.EndpointNotFound):
        return NoEndpoint()
    status = getattr(exc, 'code', None) or getattr(exc, 'http_status', None)
    retry_after = getattr(exc, 'retry_after', None) or None
    if status == 429 or (status == 413 and retry_after):
        return Throttled(detail=_cinder_detail(exc), retry_after=retry_after)
    if isinstance(exc, cinder_exc.OverLimit) or status == 413:
        return OverQuota(detail=_cinder_detail(exc))
    if status in (502, 503, 504):
        # A balancer's answer: the server behind it may have acted.
        return OutcomeUnknown()
    if isinstance(status, int) and status >= 500:
        return ServiceError()
    cls = _BY_STATUS.get(status)
    if cls is not None:
        return cls(detail=_cinder_detail(exc))
    return VolsnapAPIError(detail=_cinder_detail(exc))


_TRANSLATED = (cinder_exc.ClientException, cinder_exc.UnsupportedVersion,
               ks_exc.ClientException, requests.RequestException)


# What a client raises when a body is not what it expects: a missing key,
# None where a dict was due, a JSON that is not an object.
_UNREADABLE = (KeyError, TypeError, ValueError, AttributeError, IndexError)


@contextlib.contextmanager
def translated():
    """Turn Cinder, keystoneauth and connection errors into ours, and any
    other failure of a client call into UnreadableAnswer (logged with its
    traceback), so that no client surprise reaches the user as a 500."""
    try:
        yield
    except (VolsnapAPIError, InvalidInput):
        raise
    except _TRANSLATED as exc:
        error = from_exception(exc)
        LOG.info("Block Storage request failed: %s (%s)",
                 type(error).__name__, type(exc).__name__)
        raise error from exc
    except _UNREADABLE as exc:
        LOG.error("Unreadable answer from the Block Storage service (%s)",
                  type(exc).__name__, exc_info=True)
        raise UnreadableAnswer() from exc
