"""Runtime of the xlwings Lite bundle: serves kdcl's modules and data from main.py itself, runs the buttons.

This file's source is copied verbatim into the generated main.py (see `bundle.py`); it must only
use the standard library and must not read or write files (Pyodide: no local files outside /data).
Nothing of kdcl is imported when main.py loads: the add-in registers the buttons from main.py's top
level, so a package that fails to import must fail at a press, where it can be reported in the workbook.
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


def install(modules, texts, parsed):
    """Make the bundled modules importable (ahead of anything installed) and serve the data files."""
    finders = [f for f in sys.meta_path if isinstance(f, KdclImporter)]
    if finders and finders[0].modules is modules:
        return                           # later presses: already served
    if finders:
        finders[0].modules = modules     # the add-in re-ran main.py after an edit: serve the new sources
    else:
        sys.meta_path.insert(0, KdclImporter(modules))
    from xlbridge.data import files
    files.EMBEDDED.clear()
    files.EMBEDDED.update(texts)
    files.EMBEDDED_PARSED.clear()
    files.EMBEDDED_PARSED.update(parsed)
    files.reload()


def tell_failure(book, notice, exc):
    """A press that could not even start: the reason in the status cell of the check sheet and in an alert."""
    text = notice["text"].format(problem=f"{type(exc).__name__}: {exc}", package=getattr(exc, "name", None) or "?")
    try:
        sheets = {s.name: s for s in book.sheets}
        if notice["sheet"] in sheets:
            sheets[notice["sheet"]].range(notice["cell"]).value = text
    finally:
        try:
            book.app.alert(text, title=notice["title"])
        except Exception:  # some hosts have no alert; the cell already says it
            pass


async def press(action, book, bundle, notice):
    """Run the bridge function `action` for a button; kdcl is loaded at the first press."""
    try:
        install(*bundle)
        from macros.bridge import pressed
    except Exception as exc:  # a package missing in this Lite installation: say so in the workbook
        tell_failure(book, notice, exc)
        return
    await pressed(action, book)
