"""All-in-one Cinder for the volsnap dev cloud.

One Python process runs the Cinder API (WSGI), the scheduler, the backup
service (POSIX driver) and one volume service per enabled backend,
talking over oslo.messaging ``fake://`` (the same arrangement Cinder's
own functional tests use), so no RabbitMQ is needed.

Run with the cloud venv's python::

    python cinder_aio.py --config-file cinder.conf [--pid-file FILE]

Pitfall handled here: ``cinder.service.Service`` keeps the database id of
"the" service in a class attribute (``Service.service_id``).  With several
services in one process the last one started wins, so the volume service's
heartbeat (``report_state``) would update the scheduler's row; the volume
service then shows ``down`` after ``service_down_time`` and every new volume
or snapshot fails with "No valid backend".  We make each service report its
own row, and keep the class attribute pointing at the volume service
otherwise (it is also used for the ``workers`` cleanup table).
"""

from cinder import monkey_patch

monkey_patch.patch()

import logging as python_logging  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402

import eventlet  # noqa: E402
from oslo_config import cfg  # noqa: E402
from oslo_log import log as logging  # noqa: E402
from oslo_service import service as oslo_service  # noqa: E402

from cinder import i18n  # noqa: E402

i18n.enable_lazy()

from cinder import objects  # noqa: E402
from cinder import rpc  # noqa: E402
from cinder import service  # noqa: E402
from cinder import version  # noqa: E402
from cinder.common import config  # noqa: E402
from cinder.common import constants  # noqa: E402

CONF = cfg.CONF
LOG = logging.getLogger("cinder_aio")

# The service whose row Service.service_id should point at between
# heartbeats: the (first) volume service.
_PRIMARY = {"svc": None}


def _restore_primary(cls):
    primary = _PRIMARY["svc"]
    if primary is not None:
        cls.service_id = primary.origin_service_id


def _patch_service_id():
    cls = service.Service
    orig_report_state = cls.report_state
    orig_start = cls.start

    def report_state(self):
        # Each service heartbeats its own row.  The class attribute is read
        # right at the start of the original report_state, before any
        # green-thread switch, so setting it here is enough.
        cls.service_id = self.origin_service_id
        try:
            return orig_report_state(self)
        finally:
            # (if the row had vanished, report_state recreated it and
            # updated self.origin_service_id itself)
            _restore_primary(cls)

    def start(self):
        try:
            return orig_start(self)
        finally:
            _restore_primary(cls)

    cls.report_state = report_state
    cls.start = start


class _Started(oslo_service.ServiceBase):
    """Wraps a service so the launcher can tell us when start() returned."""

    def __init__(self, inner, name):
        self.inner = inner
        self.name = name
        self.started = False
        self.failed = None

    def start(self):
        try:
            self.inner.start()
        except BaseException as exc:  # report, then let the launcher see it
            self.failed = exc
            raise
        self.started = True
        LOG.info("devcloud: %s started", self.name)

    def stop(self):
        self.inner.stop()

    def wait(self):
        self.inner.wait()

    def reset(self):
        self.inner.reset()

    def __getattr__(self, key):
        return getattr(self.inner, key)


def _launch_and_wait(launcher, svc, name, timeout=90):
    wrapped = _Started(svc, name)
    launcher.launch_service(wrapped)
    waited = 0.0
    while not wrapped.started:
        if wrapped.failed is not None:
            raise SystemExit("devcloud: %s failed to start: %r"
                             % (name, wrapped.failed))
        if waited > timeout:
            raise SystemExit("devcloud: %s did not start in %ss"
                             % (name, timeout))
        eventlet.sleep(0.1)
        waited += 0.1
    return wrapped


def _write_pid_file(path):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % os.getpid())
    os.replace(tmp, path)


def main():
    pid_file = None
    argv = sys.argv[1:]
    if "--pid-file" in argv:
        i = argv.index("--pid-file")
        pid_file = argv[i + 1]
        del argv[i:i + 2]

    # Detach from the caller's session and terminal: tools/devcloud runs us
    # in the background and stops us by pid (SIGTERM, then the group).
    try:
        os.setsid()
    except OSError:
        pass

    objects.register_all()
    CONF(argv, project="cinder", version=version.version_string())
    config.set_middleware_defaults()
    logging.setup(CONF, "cinder")
    python_logging.captureWarnings(True)
    if pid_file:
        _write_pid_file(pid_file)

    # rpc.init registers transport_url; only read it after this call.
    rpc.init(CONF)
    if not CONF.transport_url.startswith("fake://"):
        LOG.warning("devcloud: transport_url is %s, expected fake://",
                    CONF.transport_url)

    backends = [b for b in CONF.enabled_backends or [] if b]
    if not backends:
        raise SystemExit("devcloud: enabled_backends is empty")

    _patch_service_id()
    launcher = oslo_service.ServiceLauncher(CONF, restart_method="mutate")

    # Volume services first: the scheduler asks them for their capabilities
    # when it starts, and only then accepts requests.
    volume_services = []
    for backend in backends:
        svc = service.Service.create(host="%s@%s" % (CONF.host, backend),
                                     service_name=backend,
                                     binary=constants.VOLUME_BINARY,
                                     coordination=True)
        volume_services.append(svc)
    _PRIMARY["svc"] = volume_services[0]
    scheduler = service.Service.create(binary=constants.SCHEDULER_BINARY)
    # service_name "backup" as cinder-backup's own command gives it: the
    # scheduler ignores the capabilities of a service without one, and
    # then finds no backup service for any backup.
    backup = service.Service.create(binary=constants.BACKUP_BINARY,
                                    service_name="backup")
    _restore_primary(service.Service)
    api = service.WSGIService("osapi_volume")

    for backend, svc in zip(backends, volume_services, strict=True):
        _launch_and_wait(launcher, svc, "cinder-volume %s" % backend)
    _launch_and_wait(launcher, scheduler, "cinder-scheduler")
    _launch_and_wait(launcher, backup, "cinder-backup")
    _launch_and_wait(launcher, api, "cinder-api")
    LOG.info("devcloud: all-in-one cinder ready on %s:%s",
             CONF.osapi_volume_listen, CONF.osapi_volume_listen_port)
    try:
        launcher.wait()
    finally:
        rpc.cleanup()
        if pid_file:
            try:
                with open(pid_file) as f:
                    if f.read().strip() == str(os.getpid()):
                        os.unlink(pid_file)
            except OSError:
                pass


if __name__ == "__main__":
    main()
