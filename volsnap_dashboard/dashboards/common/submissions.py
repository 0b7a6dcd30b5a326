"""One-time form submissions, so that a create happens once.

Each displayed form carries a token. The first POST with it claims it
atomically in Django's cache (shared by every Horizon node when the cache
is shared); a repeated POST of the same form (a double click, a browser
resubmit, the same POST on another node) is refused. Every create is
tagged with the token, so that when Cinder's answer is lost (a timeout, a
502/503/504 from a balancer) the outcome is looked up instead of guessed,
and a retry of the same form creates only what does not exist yet.
Forms use OnceOnlyMixin; the schedule workflow, whose creates are not
tagged, claim() and finish() alone.
"""

import uuid

from django.core.cache import cache
from django import shortcuts
from django import forms as django_forms
from django.utils.translation import gettext_lazy as _
from horizon import forms
from horizon import messages

from volsnap_dashboard.api import cinder
from volsnap_dashboard.api import errors

TTL = 3600
PENDING = 'pending'
DONE = 'done'
UNKNOWN = 'unknown:'


def new_token():
    """The token of one displayed form."""
    return uuid.uuid4().hex


def _key(request, token):
    # One record for every form of the panel: a token is spent once,
    # whichever form sends it.
    return 'volsnap-submission:%s:%s' % (request.user.id, token)


def claim(request, token):
    """Whether this submission is the first with ``token`` (claimed now,
    atomically): a repeated POST of the same form is refused."""
    return cache.add(_key(request, token), PENDING, TTL)


def finish(request, token, done=False, unknown=False):
    """Record the outcome: ``unknown`` lets a retry check and go on;
    done refuses any repeat; neither frees the token for a retry."""
    key = _key(request, token)
    if unknown:
        state = cache.get(key) or ''
        tries = int(state[len(UNKNOWN):] or 0) \
            if state.startswith(UNKNOWN) else 0
        cache.set(key, '%s%d' % (UNKNOWN, tries + 1), TTL)
    elif done:
        cache.set(key, DONE, TTL)
    else:
        cache.delete(key)


ALREADY_SUBMITTED = _("This form was already submitted; nothing was done "
                      "twice.")


def spent(request, token):
    """Whether ``token``'s submission is done or under way: a repeat to
    refuse at once. An unknown outcome is not spent: a retry checks."""
    return bool(token) and cache.get(_key(request, token)) in (PENDING,
                                                              DONE)


class RefuseRepeatsMixin:
    """For the view of a form that carries a submission token: a repeat
    of a submission done or under way is refused before anything asks
    Cinder, so that it says so even while Cinder is down."""

    def post(self, request, *args, **kwargs):
        if not request.POST.get('preview') and spent(
                request, request.POST.get('submission')):
            messages.warning(request, ALREADY_SUBMITTED)
            return shortcuts.redirect(self.get_success_url())
        return super().post(request, *args, **kwargs)


class OnceOnlyMixin(forms.SelfHandlingForm):
    """A form whose creates happen once per displayed form; needs
    ``self.plugin`` (the protection plugin that creates)."""

    submission = django_forms.CharField(widget=django_forms.HiddenInput)

    def __init__(self, request, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields['submission'].initial = new_token()

    @property
    def token(self):
        return self.cleaned_data['submission']

    def claim_submission(self):
        """What an earlier try of this submission created (empty on a
        first try), or None when this submission must not act: done or
        under way already, or its earlier outcome cannot be checked."""
        if claim(self.request, self.token):
            return []
        key = _key(self.request, self.token)
        state = cache.get(key) or ''
        if state.startswith(UNKNOWN):
            # Only one retry of a given unknown outcome may go on.
            if not cache.add('%s:%s' % (key, state), True, TTL):
                return self._refuse()
            try:
                found = cinder.find_submitted(self.request, self.plugin,
                                              self.token)
            except errors.VolsnapAPIError as exc:
                cache.delete('%s:%s' % (key, state))
                messages.error(self.request, _(
                    "Unable to check what the previous try of this form "
                    "created, so nothing was done: %s") % exc)
                return None
            cache.set(key, PENDING, TTL)
            return found
        return self._refuse()

    def _refuse(self):
        messages.warning(self.request, ALREADY_SUBMITTED)
        return None

    def finish_submission(self, done=False, unknown=False):
        """Record the outcome (see finish())."""
        finish(self.request, self.token, done, unknown)

    def find_submitted(self):
        """What this submission created, or None if Cinder cannot say."""
        try:
            return cinder.find_submitted(self.request, self.plugin,
                                         self.token)
        except errors.VolsnapAPIError:
            return None
