"""The load run's own calls to Cinder, as one of the dev cloud's users."""

from cinderclient import exceptions as cinder_exc
from keystoneauth1 import exceptions as ks_exc
import requests

from tools.devkit import cinder
from tools.load import config
from tools.load.errors import Retry


def cinder_as(username):
    """cinderclient as ``username`` that keeps no idle connection open (so
    that this script does not take Cinder's connections from Horizon) and
    gives up on a call after config.CINDER_TIMEOUT seconds."""
    return cinder.cinder_as(username, timeout=config.CINDER_TIMEOUT,
                            keep_alive=False)


def cinder_read(what, call):
    """A read-only Cinder call of the test itself; an outage means Retry."""
    try:
        return call()
    except (cinder_exc.ClientException, ks_exc.ClientException,
            requests.RequestException) as exc:
        if isinstance(exc, cinder_exc.NotFound):
            raise
        raise Retry('Cinder check (%s): %s' % (what, type(exc).__name__)) \
            from exc


