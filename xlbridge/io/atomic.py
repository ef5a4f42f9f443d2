"""Every file kdcl writes is written here: to a temporary file beside the target, then renamed over it.

A reader never sees half a workbook, and an interrupted run leaves the previous file as it was. The
new file gets the permissions any program's new file gets (0666 less the umask: 0644 under the usual
022), not `mkstemp`'s owner-only 0600 — a template or a consolidation is made to be shared.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = ["atomic_path", "current_umask"]


def current_umask() -> int:
    """The process's umask, read without changing it where the system says (Linux), else set and restored."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(dst: str | Path, suffix: str | None = None) -> Iterator[Path]:
    """A temporary path in `dst`'s folder to write to (`suffix`, else `dst`'s: some writers go by it);
    when the block ends without an exception it replaces `dst`, otherwise it is removed and `dst` is untouched."""
    from xlbridge.errors import write_error  # an OS refusal names the user's path, not the temporary file
    dst = Path(dst)
    try:
        fd, name = tempfile.mkstemp(prefix=".kdcl-", suffix=dst.suffix if suffix is None else suffix, dir=dst.parent)
    except OSError as exc:
        raise write_error(exc, dst) from None
    os.close(fd)
    tmp = Path(name)
    try:
        try:
            yield tmp
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS) or exc.filename == str(tmp):
                raise write_error(exc, dst) from None
            raise
        try:
            os.chmod(tmp, 0o666 & ~current_umask())
            os.replace(tmp, dst)
        except OSError as exc:
            raise write_error(exc, dst) from None
    finally:
        tmp.unlink(missing_ok=True)
