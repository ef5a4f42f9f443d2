"""An uncompressed zip of verified parts, written by hand: what calamine is given to read.

zipfile's writer costs about 30 µs a part in Python layers (ZipInfo, a file object per part, a CRC pass)
on top of the bytes; tong-hop makes one such copy per workbook. Here each part is two headers packed with
struct, and the CRC of a part that is passed on unchanged is the one its own zip declared and the reader
already verified. No zip64, no data descriptors: the parts are bounded far below 4 GiB (package.MAX_TOTAL).
"""

from __future__ import annotations

import struct
import zlib

_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_END = struct.Struct("<IHHHHIIH")
_VERSION, _UTF8, _STORED, _TIME, _DATE = 20, 0x800, 0, 0, 0x21     # 1980-01-01 00:00, the zip epoch


def stored_zip(parts: dict[str, bytes], crcs: dict[str, int] | None = None) -> bytes:
    """A zip holding `parts` uncompressed, in their order. `crcs`: known CRC-32 of parts given unchanged
    (any part without one is checksummed here)."""
    known = crcs or {}
    out: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for name, data in parts.items():
        raw = name.encode("utf-8")
        crc = known.get(name)
        if crc is None:
            crc = zlib.crc32(data)
        size = len(data)
        head = _LOCAL.pack(0x04034B50, _VERSION, _UTF8, _STORED, _TIME, _DATE, crc, size, size, len(raw), 0)
        out += (head, raw, data)
        central += (_CENTRAL.pack(0x02014B50, _VERSION, _VERSION, _UTF8, _STORED, _TIME, _DATE, crc, size, size,
                                  len(raw), 0, 0, 0, 0, 0, offset), raw)
        offset += len(head) + len(raw) + size
    directory = b"".join(central)
    out += (directory, _END.pack(0x06054B50, 0, 0, len(parts), len(parts), len(directory), offset, 0))
    return b"".join(out)
