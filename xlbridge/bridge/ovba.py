"""MS-OVBA compression (the "CompressedContainer" of [MS-OVBA] 2.4.1), written from the spec.

VBA module streams and the `dir` stream are stored compressed. The one library that builds VBA
projects in Python (ms-ovba) ships a compressor with a precedence bug in the copy-token length
limit ([MS-OVBA] 2.4.1.3.19.3: MaximumLength = (0xFFFF >> BitCount) + 3) that corrupts long
modules such as xlwings.bas; kdcl uses this implementation instead, and the tests round-trip
every module through oletools' independent decompressor.
"""

from __future__ import annotations

CHUNK = 4096
MIN_MATCH = 3
MAX_CANDIDATES = 256     # how many earlier positions with the same 3 bytes are tried (speed vs ratio)


def copy_token_help(difference: int) -> tuple[int, int]:
    """(bit_count, maximum_length) for a copy token at `difference` bytes into the chunk."""
    bit_count = max((difference - 1).bit_length(), 4)
    return bit_count, (0xFFFF >> bit_count) + 3


def _compress_chunk(data: bytes, start: int, end: int) -> bytes:
    out = bytearray()
    heads: dict[bytes, list[int]] = {}
    pos = start
    while pos < end:
        flag_at = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if pos >= end:
                break
            best_len, best_off = 0, 0
            if pos - start > 0 and end - pos >= MIN_MATCH:
                bit_count, max_len = copy_token_help(pos - start)
                limit = min(max_len, end - pos)
                for cand in reversed(heads.get(data[pos:pos + MIN_MATCH], [])[-MAX_CANDIDATES:]):
                    n = 0
                    while n < limit and data[cand + n] == data[pos + n]:
                        n += 1
                    if n > best_len:
                        best_len, best_off = n, pos - cand
                        if n == limit:
                            break
            step = 1
            if best_len >= MIN_MATCH:
                token = ((best_off - 1) << (16 - bit_count)) | (best_len - MIN_MATCH)
                out += token.to_bytes(2, "little")
                flags |= 1 << bit
                step = best_len
            else:
                out.append(data[pos])
            for i in range(pos, pos + step):
                if end - i >= MIN_MATCH:
                    heads.setdefault(data[i:i + MIN_MATCH], []).append(i)
            pos += step
        out[flag_at] = flags
    return bytes(out)


def compress(data: bytes) -> bytes:
    """CompressedContainer: signature 0x01, then one chunk per 4096 bytes of input."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), CHUNK):
        end = min(start + CHUNK, len(data))
        body = _compress_chunk(data, start, end)
        if len(body) <= CHUNK:
            header = 0xB000 | (len(body) + 2 - 3)          # flag 1, signature 0b011, size - 3
            out += header.to_bytes(2, "little") + body
        elif end - start == CHUNK:                         # incompressible: a raw chunk
            out += (0x3000 | (CHUNK + 2 - 3)).to_bytes(2, "little") + data[start:end]
        else:  # a raw chunk must hold 4096 bytes; padding would change the text, so refuse
            raise ValueError("last chunk is incompressible and shorter than 4096 bytes")
    return bytes(out)
