"""The one wait loop of the tools and tests: poll until done or out of
time. Standard library only."""

import time


class TimedOut(AssertionError):
    """A wait ran out of time (an AssertionError, so that a test waiting
    for the cloud fails rather than errors)."""


def until(what, check, timeout, interval=0.5):
    """Call ``check`` until it returns something other than None or False;
    return that. ``what`` names what is awaited in the TimedOut message."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result is not None and result is not False:
            return result
        if time.monotonic() + interval > deadline:
            raise TimedOut('timed out after %gs waiting for %s'
                           % (timeout, what))
        time.sleep(interval)
