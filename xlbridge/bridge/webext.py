"""Inject xlwings Lite's web-extension parts into a finished .xlsx (the very last step: openpyxl
drops these parts when it saves, so nothing may re-save the workbook afterwards).

Property values are encoded as xlwings Lite encodes them (checked on workbooks saved by the real
add-in): JSON text with "/" escaped, then XML-escaped.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

RELS_TYPE_TASKPANES = "http://schemas.microsoft.com/office/2011/relationships/webextensiontaskpanes"
CT_TASKPANES = "application/vnd.ms-office.webextensiontaskpanes+xml"
CT_WEBEXT = "application/vnd.ms-office.webextension+xml"


def encode_property(text: str) -> str:
    return escape(json.dumps(text, ensure_ascii=False).replace("/", "\\/"), {'"': "&quot;"})


def decode_property(value: str) -> str:
    """Inverse of `encode_property` for an attribute value already unescaped by an XML parser."""
    return json.loads(value)


def webextension_xml(cfg: dict, properties: dict[str, str]) -> str:
    props = "".join(f'<we:property name="{escape(k)}" value="{encode_property(v)}"/>' for k, v in properties.items())
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<we:webextension xmlns:we="http://schemas.microsoft.com/office/webextensions/webextension/2010/11" '
        f'id="{cfg["webextension_id"]}">'
        f'<we:reference id="{cfg["addin_id"].lower()}" version="1.0.0.0" store="{cfg["store"]}" storeType="OMEX"/>'
        f'<we:alternateReferences><we:reference id="{cfg["addin_id"]}" version="1.0.0.0" store="{cfg["addin_id"]}" '
        'storeType="OMEX"/></we:alternateReferences>'
        f"<we:properties>{props}</we:properties><we:bindings/>"
        '<we:snapshot xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/>'
        "</we:webextension>")


TASKPANES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<wetp:taskpanes xmlns:wetp="http://schemas.microsoft.com/office/webextensions/taskpanes/2010/11">'
    '<wetp:taskpane dockstate="right" visibility="0" width="438" row="3">'
    '<wetp:webextensionref xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId1"/>'
    "</wetp:taskpane></wetp:taskpanes>")
TASKPANES_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.microsoft.com/office/2011/relationships/webextension" '
    'Target="webextension1.xml"/></Relationships>')


def inject(path: Path, cfg: dict, main_py: str, requirements: str) -> None:
    """Rewrite `path` in place (it is our own temporary file) with the Lite parts added."""
    properties = {"main.py": main_py, "requirements.txt": requirements,
                  **{k: str(v) for k, v in cfg["properties"].items()}}
    src = path.read_bytes()
    tmp = path.with_suffix(".lite.tmp")
    try:
        _inject(path, tmp, cfg, properties)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    assert src == path.read_bytes()      # nothing else touched the file meanwhile
    tmp.replace(path)


def _inject(path: Path, tmp: Path, cfg: dict, properties: dict[str, str]) -> None:
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", (
                    f'<Override PartName="/xl/webextensions/taskpanes.xml" ContentType="{CT_TASKPANES}"/>'
                    f'<Override PartName="/xl/webextensions/webextension1.xml" ContentType="{CT_WEBEXT}"/>'
                    "</Types>").encode())
            elif info.filename == "_rels/.rels":
                data = data.replace(b"</Relationships>", (
                    f'<Relationship Id="rIdKdclLite" Type="{RELS_TYPE_TASKPANES}" Target="xl/webextensions/taskpanes.xml"/>'
                    "</Relationships>").encode())
            zout.writestr(info, data)
        stamp = zin.infolist()[0].date_time
        for name, text in (("xl/webextensions/taskpanes.xml", TASKPANES),
                           ("xl/webextensions/_rels/taskpanes.xml.rels", TASKPANES_RELS),
                           ("xl/webextensions/webextension1.xml", webextension_xml(cfg, properties))):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(info, text.encode("utf-8"))


WEBEXT_PART = "xl/webextensions/webextension1.xml"
NS_WE = "http://schemas.microsoft.com/office/webextensions/webextension/2010/11"


def _webextension(path: Path):
    """The parsed web-extension part, through the guarded reader every received part goes through (sizes, zip
    bomb, DTD/entities refused, defusedxml, nesting): a workbook with Lite code may come from anywhere."""
    from xlbridge.io.safecopy import read_part
    return read_part(path, WEBEXT_PART)


def read_properties(path: Path) -> dict[str, str]:
    """The Lite properties stored in a workbook (for tests and for `kdcl` to inspect a file); raises Rejected."""
    from xlbridge.consolidate.reasons import Rejected
    props = {}
    for p in _webextension(path).iterfind(f"{{{NS_WE}}}properties/{{{NS_WE}}}property"):
        try:
            props[p.get("name") or ""] = decode_property(p.get("value") or "")
        except ValueError:             # not the JSON xlwings Lite writes
            raise Rejected("xml-hong", path.name, detail=f"thuộc tính «{p.get('name')}» của {WEBEXT_PART}") from None
    return props


def has_lite(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as z:
            return WEBEXT_PART in z.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return False


def carry_lite(src: Path, dst: Path) -> None:
    """Put the Lite code of `src` back into `dst`, a copy re-saved by openpyxl (which drops it); raises Rejected
    when the received part is unsafe or not what xlwings Lite writes (the copy then goes without it)."""
    from xlbridge.consolidate.reasons import Rejected
    root = _webextension(src)
    props = read_properties(src)
    ref = root.find(f"{{{NS_WE}}}reference")
    if "main.py" not in props or "requirements.txt" not in props or ref is None or not root.get("id"):
        raise Rejected("xml-hong", src.name, detail=f"{WEBEXT_PART} không phải của xlwings Lite")
    cfg = {"webextension_id": root.get("id"), "addin_id": "WA200008175", "store": ref.get("store") or "",
           "properties": {}}
    main_py, requirements = props.pop("main.py"), props.pop("requirements.txt")
    cfg["properties"] = props
    inject(dst, cfg, main_py, requirements)
