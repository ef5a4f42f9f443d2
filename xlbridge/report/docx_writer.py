"""A report as a Word document in the layout of Nghị định 30/2020/NĐ-CP (python-docx).

A4, Times New Roman 13 pt, margins top/bottom 20 mm, left 30 mm, right 15 mm; page numbers centred
in the top margin from page 2; the header block (cơ quan / Quốc hiệu) and the signature block as
borderless two-column tables; tables with merged two-row headers repeated on every page; a
landscape section where a template asks for one (the Phụ lục).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from xlbridge.io.atomic import atomic_path
from xlbridge.report.markup import Block, rule_fraction
from xlbridge.report.narrative import Report
from xlbridge.report.ooxml_order import normalize
from xlbridge.report.tables import TableData

APPLICATION = "kdcl"
FONT = "Times New Roman"
BODY_PT, TABLE_PT = 13, 11
PAGE_W, PAGE_H = 21.0, 29.7                         # A4, cm
MARGINS = {"top": 2.0, "bottom": 2.0, "left": 3.0, "right": 1.5}   # cm, Nghị định 30 (lower bounds of its ranges)
INDENT = Cm(1.0)                                    # first-line indent of paragraphs
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _clean(text: str) -> str:
    """Text safe for XML (Excel cells may hold vertical tabs and other control characters). Hyphens stay
    plain hyphens: a document number such as "45-01" must match a search for what the user typed."""
    return _CONTROL.sub(" ", text or "")


def _set_font(style_or_run, size: float | None = None) -> None:
    font = style_or_run.font
    font.name = FONT
    if size:
        font.size = Pt(size)
    rpr = style_or_run.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)


def _language(style) -> None:
    """Vietnamese as the text's language, so that Word's spelling and hyphenation treat it as such."""
    rpr = style.element.get_or_add_rPr()
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "vi-VN")


def _text_width(section) -> float:
    return (section.page_width - section.left_margin - section.right_margin) / 360000   # EMU → cm


def _setup(section, landscape: bool) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    w, h = (PAGE_H, PAGE_W) if landscape else (PAGE_W, PAGE_H)
    section.page_width, section.page_height = Cm(w), Cm(h)
    section.top_margin, section.bottom_margin = Cm(MARGINS["top"]), Cm(MARGINS["bottom"])
    section.left_margin, section.right_margin = Cm(MARGINS["left"]), Cm(MARGINS["right"])
    section.header_distance, section.footer_distance = Cm(1.0), Cm(1.0)


def _page_numbers(section) -> None:
    """PAGE field centred in the header; not on the first page (Nghị định 30)."""
    section.different_first_page_header_footer = True
    p = section.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run()
    _set_font(run, BODY_PT)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)


def _add_runs(paragraph, block: Block, size: float, bold: bool = False, italic: bool = False,
              break_at: int | None = None) -> None:
    """The block's runs; with `break_at`, a line break in place of the space at that offset of its plain text."""
    offset = 0
    for text, b, i in block.runs():
        if break_at is not None and offset <= break_at < offset + len(text):
            k = break_at - offset
            text = text[:k] + "\n" + text[k + 1:]
        offset += len(text)
        run = paragraph.add_run(_clean(text))
        _set_font(run, size)
        run.bold = bold or b or None
        run.italic = italic or i or None


def _line_break(block: Block, size: float, limit: float) -> int | None:
    """Where a header line too wide for its column (`limit` cm) is broken: after a comma ("Thành phố Hồ Chí Minh,"
    / "ngày 30 tháng 5 năm 2024"), else at the space that makes the two lines most even ("TRƯỜNG THPT" /
    "GIỒNG RIỀNG"), so that a name is not split wherever the column happens to end. None when it fits."""
    text = block.plain
    if _estimate_width(block, size) <= limit or " " not in text.strip():
        return None
    spaces = [k for k, ch in enumerate(text) if ch == " " and 0 < k < len(text) - 1]
    commas = [k for k in spaces if text[k - 1] == ","]

    return min(commas or spaces, key=lambda k: _estimate_width(_longer_line(block, k, size), size))


def _longer_line(block: Block, cut: int, size: float) -> Block:
    """The wider of the two lines `block` makes when broken at `cut` (bold kept): what a rule under it measures."""
    text = block.plain
    mark = "**" if any(b for _t, b, _i in block.runs()) else ""
    parts = [Block(block.style, f"{mark}{part}{mark}") for part in (text[:cut], text[cut + 1:])]
    return max(parts, key=lambda part: _estimate_width(part, size))


def _spacing(paragraph, before: float = 0, after: float = 0) -> None:
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)


# Nghị định 30: at least 6 pt between paragraphs. Every paragraph has 6 pt after it, so a heading needs none
# before: the report's two pages carry text, not doubled gaps.
_STYLE = {   # style → (alignment, first-line indent, left indent, bold, italic, size, space before, space after)
    "title": (WD_ALIGN_PARAGRAPH.CENTER, None, None, True, False, 14, 0, 0),
    "center": (WD_ALIGN_PARAGRAPH.CENTER, None, None, False, False, BODY_PT, 0, 0),
    "heading": (WD_ALIGN_PARAGRAPH.JUSTIFY, INDENT, None, True, False, BODY_PT, 0, 6),
    "subheading": (WD_ALIGN_PARAGRAPH.JUSTIFY, INDENT, None, True, False, BODY_PT, 0, 6),
    "minor": (WD_ALIGN_PARAGRAPH.JUSTIFY, INDENT, None, True, True, BODY_PT, 0, 6),
    "paragraph": (WD_ALIGN_PARAGRAPH.JUSTIFY, INDENT, None, False, False, BODY_PT, 0, 6),
    "bullet": (WD_ALIGN_PARAGRAPH.JUSTIFY, INDENT, None, False, False, BODY_PT, 0, 6),
    "bullet2": (WD_ALIGN_PARAGRAPH.JUSTIFY, INDENT, Cm(0.5), False, False, BODY_PT, 0, 6),
}


_HEADINGS = ("title", "heading", "subheading", "minor")


def _paragraph(container, block: Block):
    align, first, left, bold, italic, size, before, after = _STYLE[block.style]
    p = container.add_paragraph()
    p.alignment = align
    if first is not None:
        p.paragraph_format.first_line_indent = first
    if left is not None:
        p.paragraph_format.left_indent = left
    _spacing(p, before, after)
    if block.style in _HEADINGS or block.plain.rstrip().endswith(":"):
        p.paragraph_format.keep_with_next = True          # a heading, or "Nguyên nhân:", never alone at a page foot
    _add_runs(p, block, block.size or size, bold, italic)
    return p


def _estimate_width(block: Block | None, size: float) -> float:
    """Rough printed width (cm) of a line of Times New Roman: enough to size a rule under it."""
    if block is None:
        return 6.0
    total = 0.0
    for text, bold, _i in block.runs():
        for ch in text:
            em = 0.25 if ch == " " else 0.72 if ch.isupper() else 0.5
            total += em * (1.08 if bold else 1.0)
    return total * size / 72 * 2.54


def _rule(container, fraction: float, above: Block | None, above_size: float, limit: float):
    """A centred horizontal line `fraction` as long as the line above it (a bottom border on an empty paragraph)."""
    length = min(limit, fraction * _estimate_width(above, above_size))
    p = container.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    side = Cm(max(0.0, (limit - length) / 2))
    p.paragraph_format.left_indent = p.paragraph_format.right_indent = side
    _spacing(p, 0, 3)
    fmt = p.paragraph_format
    fmt.line_spacing = Pt(2)
    ppr = p._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(k), v)
    border.append(bottom)
    ppr.append(border)
    return p


def _no_borders(table) -> None:
    tblpr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tblpr.append(borders)


CELL_PADDING = 0.4   # cm: Word's default left and right cell margins (0.19 cm each), rounded up


def _columns(doc, blocks: list[Block], width: float, header: bool) -> None:
    """A two-column block: the header block (Nghị định 30: 40/60, centred) or Nơi nhận + chữ ký (50/50)."""
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _no_borders(table)
    shares = (0.38, 0.62) if header else (0.5, 0.5)
    if not header:
        _keep_row(table.rows[0])                  # Nơi nhận and the signature on one page
        if len(doc.paragraphs):
            doc.paragraphs[-1].paragraph_format.keep_with_next = True   # with the end of the text: never alone
    cells = table.rows[0].cells
    for j, (cell, share) in enumerate(zip(cells, shares, strict=True)):
        table.columns[j].width = cell.width = Cm(width * share)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
    for side, cell, share in (("left", cells[0], shares[0]), ("right", cells[1], shares[1])):
        mine = [b for b in blocks if b.column == side]
        cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
        previous: Block | None = None
        for b in mine:
            size = b.size or BODY_PT
            if b.style == "rule":
                _rule(cell, float(rule_fraction(b.arg)), previous, previous.size or BODY_PT if previous else BODY_PT,
                      width * share - 0.4)
                continue
            p = cell.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER if (header or side == "right") else WD_ALIGN_PARAGRAPH.LEFT
            _spacing(p, 0, 0)
            cut = _line_break(b, size, width * share - CELL_PADDING) if header else None
            _add_runs(p, b, size, break_at=cut)
            previous = _longer_line(b, cut, size) if cut is not None else b
        if not cell.paragraphs:
            cell.add_paragraph()
    spacer = doc.add_paragraph()              # a gap below the block, not a whole blank line of text
    _spacing(spacer, 0, 6)
    spacer.paragraph_format.line_spacing = Pt(6)


def _keep_row(row, header: bool = False) -> None:
    """A row never split over two pages (cantSplit); a header row also repeated on every page (tblHeader).
    Both are on/off properties: present without w:val means on (w:val="true" is not in the schema)."""
    trpr = row._tr.get_or_add_trPr()
    for tag in ("w:cantSplit", "w:tblHeader") if header else ("w:cantSplit",):
        trpr.append(OxmlElement(tag))


def _shade(cell, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    for k, v in (("w:val", "clear"), ("w:color", "auto"), ("w:fill", fill)):
        shd.set(qn(k), v)
    tcpr.append(shd)


def _cell_text(cell, text: str, bold: bool = False, italic: bool = False, center: bool = False) -> None:
    p = cell.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER if center else WD_ALIGN_PARAGRAPH.LEFT
    _spacing(p, 1, 1)
    run = p.add_run(_clean(text))
    _set_font(run, TABLE_PT)
    run.bold, run.italic = bold or None, italic or None


MIN_COLUMN = 1.2     # cm: "TT", "(10)" and a two-digit number fit on one line


CELL_MARGIN = 0.1    # cm, left and right inside table cells (Word's default is 0.19)


def _cell_margins(table, cm: float) -> None:
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), str(round(cm * 567)))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    table._tbl.tblPr.append(margins)


def _column_widths(shares: tuple[float, ...], width: float) -> list[float]:
    """Widths in cm proportional to `shares`, none narrower than MIN_COLUMN, summing to `width`."""
    narrow: set[int] = set()
    while True:
        rest = width - MIN_COLUMN * len(narrow)
        total = sum(w for j, w in enumerate(shares) if j not in narrow) or 1
        out = [MIN_COLUMN if j in narrow else rest * w / total for j, w in enumerate(shares)]
        more = {j for j, w in enumerate(out) if w < MIN_COLUMN} - narrow
        if not more or len(narrow | more) == len(shares):
            return out
        narrow |= more


def _table(doc, data: TableData, width: float) -> None:
    n = data.n_columns
    widths = [Cm(w) for w in _column_widths(data.widths, width)]
    table = doc.add_table(rows=len(data.header), cols=n)
    table.style = "Table Grid"
    _cell_margins(table, CELL_MARGIN)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for r in range(len(data.header)):
        _keep_row(table.rows[r], header=True)
    for r, c, rs, cs, text in data.header_cells():
        cell = table.cell(r, c)
        if rs > 1 or cs > 1:
            cell = cell.merge(table.cell(r + rs - 1, c + cs - 1))
        _cell_text(cell, text, bold=True, center=True)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        _shade(cell, "D9E1F2")
    for row in data.rows:
        new = table.add_row()
        _keep_row(new)
        cells = new.cells
        if row.kind == "item":
            for j, text in enumerate(row.cells[:n]):
                _cell_text(cells[j], text, center=data.header[0][j] in ("TT", "Tiêu chuẩn") or len(text) <= 3)
            continue
        lead = list(row.cells[:-1])
        for j, text in enumerate(lead):
            _cell_text(cells[j], text, bold=True, center=True)
        span = cells[len(lead)].merge(cells[n - 1]) if len(lead) < n - 1 else cells[len(lead)]
        _cell_text(span, row.cells[-1], bold=row.kind in ("group", "standard"), italic=row.kind in ("criterion", "empty"),
                   center=row.kind == "group")
        if row.kind != "empty":                   # a heading row ("Mức 4", "Tiêu chuẩn 2") stays with its first item
            for cell in new.cells:
                for p in cell.paragraphs:
                    p.paragraph_format.keep_with_next = True
    for j, column in enumerate(table.columns):
        column.width = widths[j]                  # the grid LibreOffice reads
    for row in table.rows:
        for j, cell in enumerate(row.cells):
            cell.width = widths[j]                # the cell widths Word reads
    doc.add_paragraph()


def _new_section(doc, landscape: bool):
    """A new page section. The paragraph that ends the previous section is made one point high, and an empty
    spacer before it is dropped: a signature block ending near the foot of a page must not push a blank
    line, and so a blank page, in front of the Phụ lục."""
    body = doc.element.body
    last = body[-2] if len(body) > 1 and body[-1].tag == qn("w:sectPr") else None
    if last is not None and last.tag == qn("w:p") and not "".join(t.text or "" for t in last.iter(qn("w:t"))) \
            and last.find(qn("w:pPr") + "/" + qn("w:sectPr")) is None:
        body.remove(last)
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    closing = doc.paragraphs[-1] if doc.paragraphs else None          # add_section puts it last
    if closing is not None and closing._p.find(qn("w:pPr") + "/" + qn("w:sectPr")) is not None:
        fmt = closing.paragraph_format
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.line_spacing = Pt(1)
    _setup(section, landscape)
    section.different_first_page_header_footer = False      # numbered from its first page on
    return section


def _properties(doc, report: Report) -> None:
    """Core properties: made by kdcl, now (python-docx's own template says 2013 and "python-docx")."""
    props = doc.core_properties
    now = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    props.title = report.title
    props.author = props.last_modified_by = APPLICATION
    props.created = props.modified = now
    props.revision = 1
    props.comments = props.keywords = props.subject = props.category = ""


_APP_XML = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            b'<Application>kdcl</Application><DocSecurity>0</DocSecurity></Properties>')


def _application(doc) -> None:
    """docProps/app.xml names kdcl, not the "Microsoft Macintosh Word" of python-docx's template, and the
    template's thumbnail (a picture of some other document) goes."""
    package = doc.part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            del package.rels[rid]
    for part in package.iter_parts():
        if part.partname == "/docProps/app.xml":
            part._blob = _APP_XML


def _drop_styles_with_effects(doc) -> None:
    """python-docx's template carries Word 2010's stylesWithEffects part, which no longer matches the styles
    it edits (validators report the difference); Word rebuilds it when it needs it."""
    for rid, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            doc.part.drop_rel(rid)


def _normalize(doc) -> None:
    normalize(doc.element)
    for section in doc.sections:
        for part in (section.header, section.first_page_header, section.footer, section.first_page_footer):
            if not part.is_linked_to_previous:
                normalize(part._element)


def build_document(report: Report) -> DocxDocument:
    doc = Document()
    normal = doc.styles["Normal"]
    _set_font(normal, BODY_PT)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0        # Nghị định 30: single to 1.5 lines (the template says 1.15)
    _language(normal)
    _properties(doc, report)
    _drop_styles_with_effects(doc)
    _application(doc)
    section = doc.sections[0]
    _setup(section, report.document.orientation == "landscape")
    _page_numbers(section)
    blocks = report.blocks
    seen_columns = False
    previous: Block | None = None
    i = 0
    while i < len(blocks):
        b = blocks[i]
        width = _text_width(section)
        if b.column is not None:
            j = i
            while j < len(blocks) and blocks[j].column is not None:
                j += 1
            _columns(doc, blocks[i:j], width, header=not seen_columns)
            seen_columns, previous, i = True, None, j
            continue
        if b.style == "section":
            section = _new_section(doc, b.arg == "landscape")
        elif b.style == "pagebreak":
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif b.style == "table":
            _table(doc, report.tables[b.arg], width)
        elif b.style == "rule":
            size = (previous.size or _STYLE[previous.style][5]) if previous and previous.style in _STYLE else BODY_PT
            above = previous
            if previous is not None and previous.style == "title":      # a title is bold: so is its measure
                above = Block(previous.style, f"**{previous.plain}**")
            _rule(doc, float(rule_fraction(b.arg)), above, size, width)
        elif b.style in _STYLE:
            p = _paragraph(doc, b)
            if b.style == "title" and (previous is None or previous.style != "title"):
                p.paragraph_format.space_before = Pt(6)
            previous = b
        i += 1
    _normalize(doc)
    return doc


def write_docx(report: Report, path: Path) -> None:
    """Write the document atomically (temporary file in the same folder, then rename)."""
    doc = build_document(report)
    path = Path(path)
    with atomic_path(path) as tmp:
        doc.save(str(tmp))
