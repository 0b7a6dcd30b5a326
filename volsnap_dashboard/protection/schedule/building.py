"""A new or changed schedule from what a person gave (a preset or a cron
expression, retention, the plugin's options), checked as the scheduler
will run it. The panels and the ``openstack`` commands both build their
schedules here."""

from django.utils.translation import gettext_lazy as _

from volsnap_dashboard.protection.parameters import InvalidParameters
from volsnap_dashboard.protection.schedule import codec
from volsnap_dashboard.protection.schedule import model
from volsnap_dashboard.protection.schedule import naming
from volsnap_dashboard.protection.schedule import timing
from volsnap_dashboard.protection import times


def when_of(when, default_tz):
    """A model.When from a When, or a dict with ``tz`` (``default_tz``
    where it has none) and either a ``preset`` (``{'kind': 'daily',
    'hour': 2, 'minute': 0}``) or a ``cron``."""
    if isinstance(when, model.When):
        return when
    if not isinstance(when, dict):
        raise InvalidParameters({'when': [_("Choose when to run.")]})
    tz = when.get('tz') or default_tz
    preset = when.get('preset')
    if preset:
        if not isinstance(preset, dict):
            raise InvalidParameters({'preset': [_("Not a valid preset.")]})
        fields = dict(preset)
        try:
            cron = timing.cron_for_preset(fields.pop('kind', None),
                                          **fields)
        except TypeError:
            raise InvalidParameters({'preset': [
                _("Not a valid preset.")]}) from None
        return model.When(cron=cron, tz=tz, preset=dict(preset))
    return model.When(cron=when.get('cron') or '', tz=tz, preset=None)


def retention_of(retention):
    if isinstance(retention, model.Retention):
        return retention
    if not isinstance(retention, dict):
        raise InvalidParameters({'retention': [_("Choose what to keep.")]})
    return model.Retention(count=retention.get('count'),
                           days=retention.get('days'))


def options_of(options, plugin):
    """``plugin``'s options checked by its schema; the name of what a run
    makes is left out, since each run names it from the template (the
    plugin's ``name_option``)."""
    given = dict(options or {})
    if plugin.name_option:
        given[plugin.name_option] = naming.DEFAULT_TEMPLATE
    values = plugin.validate_options(given)
    values.pop(plugin.name_option, None)
    return values


def checked(schedule, min_interval):
    """``schedule`` if it can be saved and run: the model's rules and the
    operator's minimum interval, and it fits on a volume."""
    model.validate(schedule, min_interval)
    codec.encode_definition(schedule)
    return schedule


def new_schedule(volume, taken_ids, project_id, owner_id, when, options,
                 name_template, retention, min_interval, label='',
                 verify_every=None, plugin_name=None):
    """A new Schedule of ``volume`` (an id none of ``taken_ids``), without
    its trust yet, checked; InvalidParameters per field otherwise.
    ``options``: checked already (options_of); ``plugin_name``: None for
    the provider's first plugin."""
    schedule_id = model.new_schedule_id()
    while schedule_id in taken_ids:
        schedule_id = model.new_schedule_id()
    return checked(model.Schedule(
        id=schedule_id, volume_id=volume.id, project_id=project_id,
        when=when, options=options, name_template=name_template,
        retention=retention_of(retention), paused=False, trust_id='',
        owner_id=owner_id, label=label or '',
        created=times.now().replace(microsecond=0),
        verify_every=verify_every, plugin=plugin_name), min_interval)
