"""Cinder and connection errors become a few user-facing exceptions."""

from cinderclient import exceptions as cinder_exc
from django.test import SimpleTestCase
from keystoneauth1 import exceptions as ks_exc
import requests

from volsnap_dashboard.api import errors


class TranslationTests(SimpleTestCase):

    def _translate(self, exc):
        with self.assertRaises(errors.VolsnapAPIError) as caught:
            with errors.translated():
                raise exc
        self.assertIs(exc, caught.exception.__cause__)
        return caught.exception

    def test_not_found(self):
        error = self._translate(cinder_exc.NotFound(404, 'Snapshot x '
                                                    'could not be found.'))
        self.assertIsInstance(error, errors.NotFound)
        self.assertIn('could not be found', str(error))

    def test_not_found_is_right_for_deleted_and_other_projects_alike(self):
        # Cinder answers 404 for another project's snapshot too.
        text = str(errors.NotFound())
        self.assertIn('not found', text)
        self.assertIn('not in your project', text)
        self.assertNotIn('someone else', text)

    def test_invalid_state_keeps_cinders_reason(self):
        error = self._translate(cinder_exc.BadRequest(
            400, 'Invalid volume: Volume status must be available.'))
        self.assertIsInstance(error, errors.BadRequest)
        self.assertIn('Volume status must be available', str(error))

    def test_conflict(self):
        self.assertIsInstance(
            self._translate(cinder_exc.ClientException(409, 'busy')),
            errors.Conflict)

    def test_over_quota(self):
        error = self._translate(cinder_exc.OverLimit(
            413, 'SnapshotLimitExceeded: Maximum number of snapshots '
                 'allowed (10) exceeded'))
        self.assertIsInstance(error, errors.OverQuota)
        self.assertIn('quota', error.message)

    def test_a_rate_limit_is_pushback_not_a_quota(self):
        over_limit = cinder_exc.OverLimit(413, 'Rate limit')
        over_limit.retry_after = 30
        error = self._translate(over_limit)
        self.assertIsInstance(error, errors.Throttled)
        self.assertEqual(30, error.retry_after)
        too_many = self._translate(cinder_exc.ClientException(429, 'slow'))
        self.assertIsInstance(too_many, errors.Throttled)
        self.assertIsNone(too_many.retry_after)
        self.assertIsInstance(too_many, errors.BACK_PRESSURE)

    def test_forbidden(self):
        self.assertIsInstance(
            self._translate(cinder_exc.Forbidden(403, 'Policy does not '
                                                 'allow it')),
            errors.Forbidden)

    def test_expired_token(self):
        self.assertIsInstance(
            self._translate(cinder_exc.Unauthorized(401)),
            errors.NotAuthenticated)

    def test_internal_error_hides_details(self):
        error = self._translate(cinder_exc.ClientException(
            500, 'Traceback (most recent call last): secret internals'))
        self.assertIsInstance(error, errors.ServiceError)
        self.assertNotIn('secret internals', str(error))

    def test_gateway_errors_leave_the_outcome_unknown(self):
        for status in (502, 503, 504):
            error = self._translate(cinder_exc.ClientException(status))
            self.assertIs(type(error), errors.OutcomeUnknown)
            self.assertIn('unavailable', str(error))

    def test_refused_microversion(self):
        self.assertIsInstance(
            self._translate(cinder_exc.NotAcceptable(406, 'Version 3.71 '
                                                     'is not supported')),
            errors.VersionNotAcceptable)

    def test_connection_refused(self):
        error = self._translate(ks_exc.ConnectFailure('refused'))
        self.assertIsInstance(error, errors.ServiceUnavailable)
        self.assertIn('unavailable', str(error))

    def test_timeout(self):
        self.assertIsInstance(self._translate(ks_exc.ConnectTimeout()),
                              errors.ServiceUnavailable)
        # Sent, but no answer: Cinder may have acted.
        self.assertIsInstance(self._translate(ks_exc.RequestTimeout()),
                              errors.OutcomeUnknown)
        self.assertNotIsInstance(self._translate(ks_exc.ConnectTimeout()),
                                 errors.OutcomeUnknown)

    def test_unsupported_api_version(self):
        self.assertIsInstance(
            self._translate(cinder_exc.UnsupportedVersion('v2 only')),
            errors.UnsupportedService)

    def test_exception_without_status_attributes(self):
        exc = requests.exceptions.InvalidURL('odd failure')
        self.assertFalse(hasattr(exc, 'code'))
        error = self._translate(exc)
        self.assertIs(type(error), errors.VolsnapAPIError)

    def test_unreadable_answer_is_unavailable_and_logged(self):
        # What cinderclient raises on a 200 with a proxy's HTML page (no
        # body), or on a list where one resource was expected.
        for exc in (TypeError("'NoneType' object is not subscriptable"),
                    KeyError('snapshot')):
            with self.assertLogs('volsnap_dashboard.api.errors',
                                 'ERROR') as logged:
                error = self._translate(exc)
            self.assertIsInstance(error, errors.UnreadableAnswer)
            self.assertIsInstance(error, errors.ServiceUnavailable)
            self.assertIn('Traceback', logged.output[0])

    def test_callers_mistakes_and_our_errors_pass_through(self):
        for exc in (errors.InvalidInput('bad'), errors.NotFound()):
            with self.assertRaises(type(exc)) as caught:
                with errors.translated():
                    raise exc
            self.assertIs(exc, caught.exception)
