"""Build the single `main.py` that xlwings Lite keeps inside the workbook.

Lite runs one file. The bundle holds, as source strings, exactly the modules the button needs
(found by following imports from the entry module), the data files, the small runtime that serves
both from memory, and one `@script` per sheet button. Same input, same text.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xlbridge import __version__
from xlbridge.data.files import BUNDLED, find, load_yaml, read_text

ROOTS = ("xlbridge", "macros", "workbook_templates")
REPO = BUNDLED.parent


@dataclass(frozen=True)
class Button:
    sheet: str
    row: int        # 1-based cell under the button: selecting it runs the script
    col: int
    action: str = "kiem_tra"    # a function of macros.bridge, listed under `buttons` in lite.yaml

    @property
    def address(self) -> str:
        from xlbridge.layout import column_letter
        return f"'{self.sheet}'!{column_letter(self.col)}{self.row}"


def lite_config() -> dict:
    return load_yaml(find("lite", "lite.yaml"))


def _module_file(name: str) -> tuple[Path, bool] | None:
    base = REPO.joinpath(*name.split("."))
    if (base / "__init__.py").is_file():
        return base / "__init__.py", True
    if base.with_suffix(".py").is_file():
        return base.with_suffix(".py"), False
    return None


def _imports(tree: ast.AST, name: str, is_package: bool) -> set[str]:
    """Every kdcl module a module imports, at top level or inside functions."""
    found: set[str] = set()
    package = name if is_package else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)
    return {m for m in found if m.split(".")[0] in ROOTS and _module_file(m)}


def module_closure(entry: str) -> dict[str, tuple[bool, str]]:
    """name -> (is_package, source) for the entry module, what it imports, and their parent packages."""
    todo, out = [entry], {}
    while todo:
        name = todo.pop()
        if name in out:
            continue
        found = _module_file(name)
        assert found is not None, name       # the entry and every name _imports returned are kdcl modules
        path, is_package = found
        source = path.read_text(encoding="utf-8")
        out[name] = (is_package, source)
        parents = [".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)]
        todo += [p for p in parents if p not in out]
        todo += sorted(_imports(ast.parse(source), name, is_package) - set(out))
    return dict(sorted(out.items()))


def data_files(globs: list[str]) -> dict[str, str]:
    """The bundled data files as text, by path under workbook_templates."""
    files = {}
    for pattern in globs:
        for path in sorted(BUNDLED.glob(pattern)):
            if path.is_file():
                files[path.relative_to(BUNDLED).as_posix()] = read_text(path)
    return dict(sorted(files.items()))


def split_data(files: dict[str, str]) -> tuple[dict[str, str], dict[str, Any]]:
    """(texts, parsed): YAML files travel already parsed, as Python literals, so Lite needs no PyYAML."""
    texts = {k: v for k, v in files.items() if not k.endswith(".yaml")}
    parsed = {k: load_yaml(BUNDLED / k) for k in files if k.endswith(".yaml")}
    return texts, parsed


def _notice() -> dict[str, str]:
    """What a press says when kdcl cannot be imported (the runtime's only text; it cannot read data files then)."""
    from xlbridge.bridge.notices import notices
    from xlbridge.layout import CHECK_STATUS_CELL, column_letter, config
    row, col = CHECK_STATUS_CELL
    return {"sheet": config().sheets["check"], "cell": f"{column_letter(col)}{row}",
            "title": notices().title, "text": notices().import_failed}


def _script(name: str, action: str, doc: str, button: str | None = None) -> str:
    where = f'button="{button}", show_taskpane=False' if button else "show_taskpane=True"
    return (f"@script({where})\n"
            f"async def {name}(book: xw.Book):\n"
            f'    """{doc}."""\n'
            f"    await press({action!r}, book, KDCL_BUNDLE, KDCL_NOTICE)\n")


def build_main_py(buttons: list[Button]) -> str:
    cfg = lite_config()
    modules = module_closure(cfg["entry"])
    texts, parsed = split_data(data_files(cfg["data_globs"]))
    runtime = (Path(__file__).parent / "lite_runtime.py").read_text(encoding="utf-8")
    captions = {a: b["caption"] for a, b in cfg["buttons"].items()}
    parts = [
        f'"""kdcl {__version__} — nút Kiểm tra của sổ kế hoạch cải tiến chất lượng (xlwings Lite).\n\n'
        "Sinh tự động bởi `kdcl template --lite`; đừng sửa tay: hãy tạo lại sổ mẫu.\n"
        'Generated by `kdcl template --lite`; do not edit by hand."""\n',
        "# ---- kdcl modules and data files (YAML already parsed), as Python literals ----",
        "KDCL_MODULES = {\n" + "".join(f"    {k!r}: ({v[0]!r}, {v[1]!r}),\n" for k, v in modules.items()) + "}",
        "KDCL_DATA = {\n" + "".join(f"    {k!r}: {v!r},\n" for k, v in texts.items()) + "}",
        "KDCL_PARSED = {\n" + "".join(f"    {k!r}: {v!r},\n" for k, v in parsed.items()) + "}",
        f"KDCL_NOTICE = {_notice()!r}",
        "KDCL_BUNDLE = (KDCL_MODULES, KDCL_DATA, KDCL_PARSED)",
        "# ---- runtime (xlbridge/bridge/lite_runtime.py) ----",
        runtime,
        "# ---- scripts: kdcl itself is imported at the first press ----",
        "import xlwings as xw  # noqa: E402\nfrom xlwings import script  # noqa: E402\n",
        *(_script(a, a, b["tip"]) for a, b in cfg["buttons"].items()),
        *(_script(f"{b.action}_{i + 1}", b.action, f"{captions[b.action]} (nút trên trang {b.sheet})", b.address)
          for i, b in enumerate(buttons)),
    ]
    return "\n\n".join(parts)


def requirements_txt() -> str:
    return read_text(find("lite", "requirements.txt"))
