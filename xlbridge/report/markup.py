"""The small line markup of the narrative templates, parsed into blocks both outputs understand.

A rendered template is read line by line (blank lines are dropped, so an empty group never leaves an
empty paragraph):

    # TEXT        title line (bold, centred)          ^ text     centred line
    ## text       heading (I., II.)                   - text     bullet ("- " kept, as documents print it)
    ### text      sub-heading (1., 2.)                + text     second-level bullet
    #### text     minor heading (a), b); bold italic)  ~~~ 1/3   rule under the previous line (fraction of its width)
    < text        left column of a two-column block   > text     right column ("<" / ">" alone: empty line)
    @bang KEY     a table built from the data         @trang-ngang / @trang-doc   new landscape / portrait section
    | a | b |     a row added to the table above      @trang-moi   page break
    anything else: a paragraph

A leading "[11]" (after "<" / ">") sets the font size of that line in points (Nghị định 30: "Nơi nhận"
entries are 11 pt). Inline: **bold**, __italic__, **__bold italic__**. See workbook_templates/narrative/README.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

STYLES = ("title", "center", "heading", "subheading", "minor", "paragraph", "bullet", "bullet2", "rule",
          "table", "row", "section", "pagebreak")
_PREFIXES = (("#### ", "minor"), ("### ", "subheading"), ("## ", "heading"), ("# ", "title"), ("^ ", "center"),
             ("- ", "bullet"), ("+ ", "bullet2"))
_INLINE = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_SIZE = re.compile(r"\[(\d{1,2})\]\s*")


@dataclass(frozen=True)
class Block:
    style: str                 # one of STYLES
    text: str = ""             # with inline marks; `plain` strips them
    column: str | None = None  # "left" | "right" inside a two-column block
    arg: str = ""              # table key, section orientation, rule fraction
    size: int | None = None    # font size in points, from a leading "[11]"

    @property
    def plain(self) -> str:
        return "".join(text for text, _b, _i in self.runs())

    def cells(self) -> list[str]:
        """The cells of a "row" block ("| a | b |" → ["a", "b"])."""
        return [c.strip() for c in self.text.split(" | ")]

    def runs(self) -> list[tuple[str, bool, bool]]:
        """(text, bold, italic) pieces of the text."""
        out, pos = [], 0
        for m in _INLINE.finditer(self.text):
            if m.start() > pos:
                out.append((self.text[pos:m.start()], False, False))
            if m[1] is not None:
                inner = re.fullmatch(r"__(.+)__", m[1])          # **__bold italic__**
                out.append((inner[1], True, True) if inner else (m[1], True, False))
            else:
                out.append((m[2], False, True))
            pos = m.end()
        if pos < len(self.text):
            out.append((self.text[pos:], False, False))
        return out


class MarkupError(ValueError):
    """A line the markup does not allow; the message says which line and why (Vietnamese)."""


def rule_fraction(arg: str) -> Fraction:
    try:
        value = Fraction(arg.strip() or "1")
    except (ValueError, ZeroDivisionError):
        raise MarkupError(f"độ dài đường kẻ «{arg}» phải là phân số, ví dụ 1/3") from None
    if not 0 < value <= 1:
        raise MarkupError(f"độ dài đường kẻ «{arg}» phải trong khoảng 0 đến 1")
    return value


def _line(line: str, column: str | None) -> Block:
    if m := _SIZE.match(line):
        size = int(m[1])
        if not 6 <= size <= 30:
            raise MarkupError(f"cỡ chữ [{size}] phải từ 6 đến 30")
        block = _line(line[m.end():], column) if line[m.end():] else Block("paragraph", "", column)
        return Block(block.style, block.text, block.column, block.arg, size)
    if line.startswith("~~~"):
        arg = line[3:].strip()
        rule_fraction(arg)
        return Block("rule", column=column, arg=arg or "1")
    if column is None and line.startswith("|"):
        return Block("row", line.strip("|").strip())
    if column is None and line.startswith("@"):
        word, _, arg = line[1:].partition(" ")
        if word == "bang" and arg.strip():
            return Block("table", arg=arg.strip())
        if word in ("trang-ngang", "trang-doc"):
            return Block("section", arg="landscape" if word == "trang-ngang" else "portrait")
        if word == "trang-moi":
            return Block("pagebreak")
        raise MarkupError(f"lệnh «{line}» không có; dùng @bang TÊN, @trang-ngang, @trang-doc hoặc @trang-moi")
    for prefix, style in _PREFIXES:
        if line.startswith(prefix):
            text = line[len(prefix):].strip()
            return Block(style, f"- {text}" if style == "bullet" else f"+ {text}" if style == "bullet2" else text, column)
    return Block("paragraph", line, column)


def parse(text: str) -> list[Block]:
    """Blocks of a rendered template, in order. Raises MarkupError("dòng N: …")."""
    blocks = []
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        column = None
        if line[:1] in ("<", ">") and (len(line) == 1 or line[1] in " ~"):
            column, line = ("left" if line[0] == "<" else "right"), line[1:].strip()
            if not line:
                blocks.append(Block("paragraph", "", column))
                continue
        elif not line:
            continue
        try:
            blocks.append(_line(line, column))
        except MarkupError as exc:
            raise MarkupError(f"dòng {n}: {exc}") from None
    return blocks
