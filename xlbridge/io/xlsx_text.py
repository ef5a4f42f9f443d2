"""Text typed by a school, written through XlsxWriter as text.

XlsxWriter writes a string that starts with "<r>" and ends with "</r>" as raw rich-text XML, in the shared
strings and in constant-memory sheets alike: a school or principal's name typed so would make the workbook
unreadable. Every XlsxWriter write of a user's text goes through `write_text`.
"""

from __future__ import annotations


def looks_like_rich_xml(text: str) -> bool:
    """What XlsxWriter would write unescaped."""
    return text.startswith("<r>") and text.endswith("</r>")


def write_text(ws, row: int, col: int, text: str, fmt=None) -> int:
    """`write_string`, except that a text XlsxWriter would take for XML goes as a rich string of two runs in one
    format, which every reader shows as the text itself. Returns XlsxWriter's code (0, -1 outside the sheet,
    -2 text cut at Excel's limit)."""
    if looks_like_rich_xml(text):
        return ws.write_rich_string(row, col, fmt, text[:1], fmt, text[1:], fmt)
    return ws.write_string(row, col, text, fmt)
