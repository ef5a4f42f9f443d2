"""Where a command may write: the one rule every command that writes follows.

An output is a file path in an existing folder, not a folder, not one of the inputs, with one of
the suffixes the writer makes; an existing file is replaced only with --ghi-de. Every command asks
here before it starts its work, so a refusal comes before a long check or consolidation.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from xlbridge.errors import OutputError


def _same(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def output_file(path: str | Path, overwrite: bool, suffixes: Sequence[str] = (".xlsx",),
                inputs: Iterable[str | Path] = ()) -> Path:
    """`path` as a file kdcl may write, or an OutputError naming it and saying what to do."""
    out = Path(path)
    if out.is_dir():
        raise OutputError(kind="ra-la-thu-muc", path=out, suffix=suffixes[0] if suffixes else "")
    if suffixes and out.suffix.lower() not in suffixes:
        raise OutputError(kind="duoi-tep-ra", name=out.name, suffix=" hoặc ".join(suffixes),
                          example=out.with_suffix(suffixes[0]).name if out.name else f"ket-qua{suffixes[0]}")
    parent = out.parent
    if not parent.is_dir():
        raise OutputError(kind="ra-khong-phai-thu-muc" if parent.exists() else "thu-muc-ra-khong-co", path=parent)
    if any(_same(out, Path(i)) for i in inputs):
        raise OutputError(kind="ghi-len-dau-vao", path=out)
    if out.exists() and not overwrite:
        raise OutputError(kind="da-co", path=out)
    return out


def output_folder(path: str | Path, overwrite: bool, names: Iterable[str] = ()) -> Path:
    """A folder to write `names` into (made if missing, inside an existing folder); files already there need --ghi-de."""
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise OutputError(kind="ra-khong-phai-thu-muc", path=folder)
    if not folder.exists() and not folder.parent.is_dir():
        raise OutputError(kind="thu-muc-ra-khong-co", path=folder.parent)
    existing = [folder / n for n in names if (folder / n).exists()]
    if existing and not overwrite:
        raise OutputError(kind="da-co", path=existing[0])
    return folder
