"""``volsnap-scheduler``: runs the schedules kept on Cinder volumes.

    volsnap-scheduler [--config FILE] [--once] [--now 2026-03-29T01:30:00Z]
                      [--dry-run]

Without ``--once`` it sweeps every ``sweep_interval`` seconds until SIGTERM.
``--once`` evaluates everything once (at ``--now``, default the current
time) and exits; ``--dry-run`` logs the decisions and acts on none.
"""

import argparse
import logging
import sys

from volsnap_dashboard.protection import times
from volsnap_dashboard.scheduler import config as config_module
from volsnap_dashboard.scheduler import logcontext

LOG = logging.getLogger('volsnap_dashboard.scheduler')


def parse_instant(text):
    try:
        value = times.read_iso(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            'not an ISO 8601 time: %r' % text) from None
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError(
            'give the time zone, e.g. %sZ' % text)
    return value.astimezone(times.UTC)


def parser():
    result = argparse.ArgumentParser(
        prog='volsnap-scheduler',
        description='Runs the volume protection schedules kept on Cinder '
                    'volumes, for every project.')
    result.add_argument('--config', metavar='FILE',
                        help='INI file with a [scheduler] section '
                             '(VOLSNAP_SCHEDULER_* variables override it)')
    result.add_argument('--once', action='store_true',
                        help='sweep once and exit')
    result.add_argument('--now', type=parse_instant, metavar='TIME',
                        help='with --once: the instant to evaluate at '
                             '(ISO 8601 with a zone)')
    result.add_argument('--dry-run', action='store_true',
                        help='log the decisions without acting')
    result.add_argument('--debug', action='store_true',
                        help='also log schedules that are not due')
    return result


def django_settings(config):
    """The Django settings the protection registry reads, from the
    scheduler's: the same settings as the panels', so both choose the
    same plugin."""
    return {'USE_I18N': True,
            'VOLSNAP_PROVIDER_DIRS': list(config.provider_dirs),
            'VOLSNAP_PROVIDER_ID': config.provider_id}


def setup_django(config):
    """The protection plugins use Django's settings and translations;
    the scheduler needs no more of Django (and nothing of Horizon)."""
    import django
    from django.conf import settings
    if not settings.configured:
        settings.configure(**django_settings(config))
        django.setup()


def setup_logging(debug, log_format='text'):
    """Log to stderr in ``log_format`` (text or json), each line with
    the schedule, volume, project and slot it is about (logcontext)."""
    handler = logcontext.install(logging.StreamHandler(sys.stderr),
                                 log_format)
    logging.basicConfig(level=logging.DEBUG if debug else logging.INFO,
                        handlers=[handler], force=True)
    # Their debug lines carry request headers, tokens among them.
    for noisy in ('keystoneauth', 'urllib3', 'cinderclient', 'tooz'):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def main(argv=None):
    args = parser().parse_args(argv)
    if args.now and not args.once:
        parser().error('--now needs --once')
    setup_logging(args.debug)
    try:
        config = config_module.load(args.config)
    except config_module.ConfigError as exc:
        LOG.error("configuration: %s", exc)
        return 2
    setup_logging(args.debug, config.log_format)
    setup_django(config)
    # After Django's settings: these import the protection plugins.
    from volsnap_dashboard.api import errors
    from volsnap_dashboard.protection import registry
    from volsnap_dashboard.scheduler import clients as clients_module
    from volsnap_dashboard.scheduler import coordination
    from volsnap_dashboard.scheduler import metrics as metrics_module
    from volsnap_dashboard.scheduler import service
    from volsnap_dashboard.scheduler import wire

    plugins = registry.volume_plugins()
    if plugins is None:
        LOG.error("no enabled protection provider protects Cinder volumes: "
                  "%s", '; '.join(map(str, registry.volume_problems()))
                  or 'none configured')
        return 2
    stopper = service.Stopper().install()
    once_at = (args.now or times.now()) if args.once else None
    clients = clients_module.Clients(config)
    metrics = metrics_module.for_config(config, plugins)
    wire.count_errors(clients.http, config.keystone_url, metrics.error)
    try:
        with metrics_module.serving(config, metrics):
            return service.serve(config, clients, plugins, stopper,
                                 once_at=once_at, dry_run=args.dry_run,
                                 metrics=metrics)
    except (errors.VolsnapAPIError, coordination.CoordinationError) as exc:
        LOG.error("%s", exc)
        return 1
    except metrics_module.MetricsUnavailable as exc:
        LOG.error("configuration: %s", exc)
        return 2


if __name__ == '__main__':
    sys.exit(main())
