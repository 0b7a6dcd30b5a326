"""The build compiles the message catalogs (volsnap_dashboard/locale/
<lang>/LC_MESSAGES/*.po) to the .mo files Django reads, so an install
from the sources or a wheel is translated; the rest is setup.cfg."""

import pathlib

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithCatalogs(build_py):

    def run(self):
        super().run()
        from babel.messages import mofile
        from babel.messages import pofile
        source = pathlib.Path(__file__).parent / 'volsnap_dashboard' / 'locale'
        target = pathlib.Path(self.build_lib) / 'volsnap_dashboard' / 'locale'
        for po_path in sorted(source.glob('*/LC_MESSAGES/*.po')):
            mo_path = target / po_path.relative_to(source).with_suffix('.mo')
            mo_path.parent.mkdir(parents=True, exist_ok=True)
            with open(po_path, 'rb') as handle:
                catalog = pofile.read_po(handle)
            with open(mo_path, 'wb') as handle:
                mofile.write_mo(handle, catalog)


setup(cmdclass={'build_py': BuildWithCatalogs})
