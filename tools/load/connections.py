"""How many TCP connections Horizon's process holds open to Cinder."""

import subprocess
import threading

from tools.devkit import identities

class ConnectionWatch:
    """How many TCP connections Horizon's process holds open to Cinder
    (sampled with ss every two seconds): the peak and the last sample."""

    def __init__(self, pid):
        self.pid = pid
        self.samples = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._main, daemon=True,
                                       name='connections')

    def count(self):
        try:
            out = subprocess.run(
                ['ss', '-Htnp', 'state', 'established',
                 '( dport = :%s )' % identities.cinder_port()],
                capture_output=True, text=True, timeout=10).stdout
        except (OSError, subprocess.SubprocessError):
            return None
        return sum(1 for line in out.splitlines()
                   if 'pid=%d,' % self.pid in line)

    def _main(self):
        while not self.stop.wait(2.0):
            count = self.count()
            if count is not None:
                self.samples.append(count)

    def result(self):
        if not self.samples:
            return None
        return {'peak': max(self.samples), 'last': self.samples[-1],
                'samples': len(self.samples)}
