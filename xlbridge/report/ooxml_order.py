"""Child order of the WordprocessingML property elements (ECMA-376 transitional, part 1, §17).

python-docx inserts the properties it knows in schema order, but the borders, shading and margins
the writer adds by hand would land wherever they were appended; Word then "repairs" the file with a
prompt. `normalize` puts the children of every property element back in the order the schema's
`xsd:sequence` gives, once, after the document is built.
"""

from __future__ import annotations

from docx.oxml.ns import qn
from lxml import etree

_SEQUENCES: dict[str, tuple[str, ...]] = {
    "pPr": ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
            "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
            "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid",
            "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
            "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange"),
    "rPr": ("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline", "shadow",
            "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w", "kern",
            "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs",
            "em", "lang", "eastAsianLayout", "specVanish", "oMath"),
    "tblPr": ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize", "tblW",
              "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook",
              "tblCaption", "tblDescription", "tblPrChange"),
    "tcPr": ("cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
             "textDirection", "tcFitText", "vAlign", "hideMark", "headers", "cellIns", "cellDel", "cellMerge",
             "tcPrChange"),
    "pBdr": ("top", "left", "bottom", "right", "between", "bar"),
    "tblBorders": ("top", "left", "start", "bottom", "right", "end", "insideH", "insideV"),
    "tblCellMar": ("top", "left", "start", "bottom", "right", "end"),
    "sectPr": ("headerReference", "footerReference", "footnotePr", "endnotePr", "type", "pgSz", "pgMar", "paperSrc",
               "pgBorders", "lnNumType", "pgNumType", "cols", "formProt", "vAlign", "noEndnote", "titlePg",
               "textDirection", "bidi", "rtlGutter", "docGrid", "printerSettings", "sectPrChange"),
}
_RANKS = {qn(f"w:{parent}"): {qn(f"w:{c}"): i for i, c in enumerate(children)} for parent, children in _SEQUENCES.items()}


def _reorder(parent: etree._Element, ranks: dict[str, int]) -> None:
    children = list(parent)
    ordered = sorted(children, key=lambda el: ranks.get(str(el.tag), len(ranks)))   # stable: equal tags keep their order
    if ordered != children:
        for el in children:
            parent.remove(el)
        parent.extend(ordered)


def normalize(root: etree._Element) -> None:
    """Put the children of every pPr, rPr, tblPr, tcPr, sectPr and border list under `root` in schema order."""
    for tag, ranks in _RANKS.items():
        for el in root.iter(tag):
            _reorder(el, ranks)
