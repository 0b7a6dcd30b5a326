"""The schedule, volume, project and slot a log line is about, as fixed
fields a log system can index.

The scheduler's LOG calls stay as they are: a sweep's decision is
wrapped in :func:`of_decision`, a run in :func:`of_run`, and
:class:`ContextFilter`, on the handlers, copies what is bound onto every
record logged inside, by any module, as the attributes ``schedule``,
``volume``, ``project`` and ``slot`` ('' when unset). The values live
in a ``contextvars`` variable, so each thread (each run of a pool) has
its own; a pool's worker binds its run itself, or runs it in
``contextvars.copy_context()``.

The text format prints them as ``schedule=<id> volume=<id>
project=<id> slot=<iso>`` before the message; ``log_format = json``
writes one JSON object a line with them as keys.
"""

import contextlib
import contextvars
import datetime
import json
import logging

from volsnap_dashboard.api import cinder_facts
from volsnap_dashboard.protection import times

FIELDS = ('schedule', 'volume', 'project', 'slot')

TEXT_FORMAT = ('%(asctime)s %(process)d %(levelname)s %(name)s '
               'schedule=%(schedule)s volume=%(volume)s '
               'project=%(project)s slot=%(slot)s: %(message)s')

_bound = contextvars.ContextVar('volsnap_scheduler_log_fields',
                                default=None)


def _text(value):
    if value is None:
        return ''
    if isinstance(value, datetime.datetime):
        return times.format_utc(value)
    # Ids are tenants' writing: one field, one line.
    return str(value).replace('\n', ' ').replace(' ', '_')


@contextlib.contextmanager
def bound(schedule=None, volume=None, project=None, slot=None):
    """Within the block, this thread's log records carry these fields
    (those given; the others as bound outside the block)."""
    given = {'schedule': schedule, 'volume': volume, 'project': project,
             'slot': slot}
    fields = dict(_bound.get() or {})
    fields.update({name: _text(value) for name, value in given.items()
                   if value is not None})
    token = _bound.set(fields)
    try:
        yield
    finally:
        _bound.reset(token)


def of_run(due):
    """:func:`bound` to a run.Due: its schedule, volume, project, slot."""
    return bound(schedule=due.schedule.id, volume=due.volume.id,
                 project=cinder_facts.volume_project(due.volume),
                 slot=due.slot)


def of_decision(decision):
    """:func:`bound` to a sweep.Decision: its schedule, volume and
    project, and its slot when it is due."""
    due = decision.due
    return bound(schedule=decision.schedule.id, volume=decision.volume.id,
                 project=cinder_facts.volume_project(decision.volume),
                 slot=due.slot if due is not None else None)


def current():
    """{field: text} as bound in this thread ('' for those unset)."""
    fields = _bound.get() or {}
    return {name: fields.get(name, '') for name in FIELDS}


class ContextFilter(logging.Filter):
    """Adds the bound fields to every record (on a handler: records of
    every logger pass it)."""

    def filter(self, record):
        for name, value in current().items():
            if not hasattr(record, name):
                setattr(record, name, value)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, process, message, the
    bound fields, and the traceback when there is one."""

    def format(self, record):
        line = {
            'time': datetime.datetime.fromtimestamp(
                record.created, datetime.timezone.utc).isoformat(
                    timespec='milliseconds'),
            'level': record.levelname,
            'logger': record.name,
            'process': record.process,
            'message': record.getMessage(),
        }
        line.update({name: getattr(record, name, '') for name in FIELDS})
        if record.exc_info:
            line['exception'] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def formatter(log_format):
    """The formatter of the ``log_format`` setting (text or json)."""
    if log_format == 'json':
        return JsonFormatter()
    return logging.Formatter(TEXT_FORMAT)


def install(handler, log_format='text'):
    """Have ``handler`` print the bound fields in ``log_format``."""
    handler.addFilter(ContextFilter())
    handler.setFormatter(formatter(log_format))
    return handler
