"""Runtime of the xlwings Lite bundle: serves kdcl's modules and data files from main.py itself.

This file's source is copied verbatim into the generated main.py (see `bundle.py`); it must only
use the standard library and must not read or write files (Pyodide: no local files outside /data).
"""

import importlib.abc
import importlib.util
import sys


class KdclImporter(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports `xlbridge`, `macros` and `workbook_templates` from source strings held in memory."""

    def __init__(self, modules):
        self.modules = modules          # name -> (is_package, source)

    def find_spec(self, name, path=None, target=None):
        if name in self.modules:
            return importlib.util.spec_from_loader(name, self, is_package=self.modules[name][0])
        return None

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        is_package, source = self.modules[module.__name__]
        module.__file__ = "/kdcl-bundle/" + module.__name__.replace(".", "/") + ("/__init__.py" if is_package else ".py")
        if is_package:
            module.__path__ = []
        exec(compile(source, module.__file__, "exec"), module.__dict__)


def install(modules, data):
    """Make the bundled modules importable (ahead of anything installed) and serve the data files."""
    if not any(isinstance(f, KdclImporter) for f in sys.meta_path):
        sys.meta_path.insert(0, KdclImporter(modules))
    from xlbridge.data import files
    files.EMBEDDED.clear()
    files.EMBEDDED.update(data)
    files.reload()
