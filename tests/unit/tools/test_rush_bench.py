"""tools/benchmark-scheduler --rush's logic that needs no cloud: its
schedules are valid and due at every round's instant (and each round's
slot is new), its table gives each figure against the plain script, and
doc/benchmarks.rst has its section."""

import datetime
import os
import re
import types

from tools.bench import rush_benchmark
from tools.bench import sweep_benchmark
from volsnap_dashboard.protection.schedule import model
from volsnap_dashboard.protection.schedule import store
from volsnap_dashboard.scheduler import sweep

PROJECT = 'p' * 32


class Client:
    """Enough of a Cinder client for store.save: metadata kept here."""

    def __init__(self, volume):
        self.volume = volume
        self.volumes = types.SimpleNamespace(
            set_metadata=lambda volume, metadata: self.volume.metadata
            .update(metadata),
            get=lambda volume_id: self.volume,
            delete_metadata=lambda volume, keys: [
                self.volume.metadata.pop(key, None) for key in keys])


def rush_volume():
    volume = types.SimpleNamespace(
        id='0123456789abcdef', metadata={},
        **{'os-vol-tenant-attr:tenant_id': PROJECT})
    store.save(Client(volume), volume, rush_benchmark.rush_schedule(
        volume.id, PROJECT, 'u' * 32, 't' * 32))
    return volume


def test_every_round_finds_each_schedule_due_at_a_slot_of_its_own():
    volume = rush_volume()
    [schedule] = store.schedules_of(volume, datetime.timedelta(hours=1))
    assert isinstance(schedule, model.Schedule), schedule
    slots = set()
    for day in range(4):
        instant = rush_benchmark.FIRST_DAY + datetime.timedelta(days=day)
        decision = sweep.decide(volume, schedule, instant)
        assert decision.kind == sweep.DUE
        slots.add(decision.due.slot)
    assert len(slots) == 4


def test_the_table_gives_each_figure_against_the_plain_script():
    def measured(median, cinder):
        return {'median': median, 'best': median, 'cinder': cinder,
                'keystone': 0}
    text = rush_benchmark.report(
        {'date': 'today', 'machine': 'here', 'command': 'cmd',
         'in_flight': 8, 'interval': 2.0, 'rounds': 1},
        [{'n': 100, 'problems': ['a note'],
          'kinds': {'plain': measured(20.0, 300),
                    'scheduler': measured(25.0, 900)},
          'lost': {'seconds': 5.0, 'calls': {'cinder': 300,
                                             'keystone': 100}}}])
    # Cells: size, who, median, best, against the plain script, Cinder
    # calls per snapshot, Keystone calls.
    rows = {cells[1]: cells for cells in (
        re.split(r'\s{2,}', line.strip()) for line in text.splitlines()
        if line.startswith('100 '))}
    assert rows['plain'][4] == '1.00'
    assert rows['scheduler'][4:6] == ['1.25', '9.0']
    assert rows['lost trusts marked'][4] == '0.25'
    assert 'Note at N=100: a note' in text


def test_the_doc_has_the_rush_section():
    with open(os.path.join(sweep_benchmark.REPO_ROOT, 'doc',
                           'benchmarks.rst')) as doc:
        text = doc.read()
    begin = text.index(rush_benchmark.DOC_BEGIN)
    assert text.index(rush_benchmark.DOC_END) > begin
