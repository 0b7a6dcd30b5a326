"""Servers the tools and tests start: wait until one answers, stop it."""

import subprocess

from tools.devkit import waiting


class NotServing(RuntimeError):
    """A started server exited, or did not answer in time."""


def wait_until_serving(process, answers, what, log_name, timeout=60,
                       interval=0.3):
    """Return once ``answers()`` is true; NotServing (the process stopped)
    if it exits or does not answer within ``timeout`` seconds."""
    def serving():
        if process.poll() is not None:
            raise NotServing('%s exited; see %s' % (what, log_name))
        try:
            return answers()
        except OSError:  # requests' errors are OSErrors too
            return None
    try:
        waiting.until('%s to answer' % what, serving, timeout, interval)
    except waiting.TimedOut:
        stop(process)
        raise NotServing('%s did not answer in %ss; see %s'
                         % (what, timeout, log_name)) from None


def stop(process, grace=10):
    """Terminate ``process``; kill it if it has not ended after ``grace``
    seconds."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
