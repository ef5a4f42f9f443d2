"""Edit and inspect a workbook in LibreOffice through UNO, as a user would (run by the system python3).

Usage: /usr/bin/python3 uno_script.py JOB.json — JOB = {"profile": dir, "inspect": bool, "result": path,
"files": [{"src": path, "out": xlsx path or null, "pdf": path or null, "edits": [...]}]}. Edits, in order:
  {"op": "insert", "sheet": S, "row": R, "count": N}     rows inserted above 1-based row R
  {"op": "delete", "sheet": S, "row": R, "count": N}     rows R.. deleted
  {"op": "set", "sheet": S, "cell": "C9", "value": V}    typed or pasted value (string or number)
  {"op": "paste", "sheet": S, "cell": "C9", "rows": [[...]]}  a block of values pasted at C9
Each edit is recorded as done or refused (LibreOffice refuses what the sheet protection forbids).
Then everything is recalculated, saved as xlsx to `out`, exported to `pdf`, and with `inspect` the
print setup of each sheet is reported: page scale, print areas, row heights against LibreOffice's own
optimal heights, row and column page breaks, and the text of every cell in the print area.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]


def prop(name: str, value: object) -> PropertyValue:
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def start(profile: Path):
    pipe = f"kdcl{uuid.uuid4().hex[:12]}"
    exe = os.environ.get("SOFFICE", "soffice")
    proc = subprocess.Popen([exe, "--headless", "--invisible", "--norestore", "--nologo", "--nodefault",
                             "--nolockcheck", f"-env:UserInstallation={profile.as_uri()}",
                             f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(240):
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return proc, ctx, ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        except Exception:
            if proc.poll() is not None:
                raise RuntimeError("soffice exited before accepting a connection") from None
            time.sleep(0.25)
    proc.kill()
    raise RuntimeError("soffice did not accept a connection")


def cell_pos(ref: str) -> tuple[int, int]:
    letters = "".join(ch for ch in ref if ch.isalpha())
    col = 0
    for ch in letters.upper():
        col = col * 26 + ord(ch) - 64
    return int(ref[len(letters):]) - 1, col - 1


def put(sheet, row: int, col: int, value: object) -> None:
    c = sheet.getCellByPosition(col, row)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        c.setValue(float(value))
    else:
        c.setString(str(value))


def edit(ctx, doc, e: dict) -> bool:
    """One edit; False when LibreOffice refuses it (protection)."""
    sheet = doc.Sheets.getByName(e["sheet"])
    try:
        if e["op"] in ("insert", "delete"):
            # As a user does it: select whole rows, then Insert/Delete Rows (the protection is checked).
            n = e.get("count", 1)
            controller = doc.CurrentController
            controller.setActiveSheet(sheet)
            controller.select(sheet.getCellRangeByPosition(0, e["row"] - 1, sheet.Columns.Count - 1, e["row"] - 2 + n))
            before = _used_rows(sheet)
            cmd = ".uno:InsertRowsBefore" if e["op"] == "insert" else ".uno:DeleteRows"
            helper = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)
            helper.executeDispatch(controller.Frame, cmd, "", 0, ())
            return _used_rows(sheet) == before + (n if e["op"] == "insert" else -n)
        row, col = cell_pos(e["cell"])
        rows = [[e["value"]]] if e["op"] == "set" else e["rows"]
        for i, line in enumerate(rows):
            for j, _v in enumerate(line):
                if sheet.isProtected() and sheet.getCellByPosition(col + j, row + i).CellProtection.IsLocked:
                    return False
        for i, line in enumerate(rows):
            for j, v in enumerate(line):
                put(sheet, row + i, col + j, v)
        return True
    except Exception as exc:  # a refused edit is a result, not a crash
        sys.stderr.write(f"edit refused: {e}: {exc}\n")
        return False


def _used_rows(sheet) -> int:
    cursor = sheet.createCursor()
    cursor.gotoEndOfUsedArea(False)
    return cursor.RangeAddress.EndRow


def inspect(doc) -> dict:
    """Per sheet: scale, print area, rows whose stored height is below LibreOffice's optimal height,
    page breaks, and the shown text of every cell in the print area."""
    styles = doc.StyleFamilies.getByName("PageStyles")
    out = {}
    for i in range(doc.Sheets.Count):
        sheet = doc.Sheets.getByIndex(i)
        if not sheet.IsVisible:
            continue
        areas = sheet.getPrintAreas()
        style = styles.getByName(sheet.PageStyle)
        info: dict = {"scale": style.PageScale, "short_rows": [], "texts": [],
                      "areas": [[a.StartRow + 1, a.EndRow + 1, a.StartColumn + 1, a.EndColumn + 1] for a in areas],
                      "breaks": [b.Position + 1 for b in sheet.getRowPageBreaks()],
                      "col_breaks": [b.Position + 1 for b in sheet.getColumnPageBreaks()]}
        out[sheet.Name] = info
        first = areas[0].StartRow if areas else 0
        last = min(areas[0].EndRow if areas else 0, _used_rows(sheet))
        last_col = areas[0].EndColumn if areas else 30
        if last < first:
            continue
        data = sheet.getCellRangeByPosition(0, first, last_col, last).DataArray
        if sheet.isProtected():
            sheet.unprotect("kdcl")
        for k, line in enumerate(data):
            r = first + k
            cols = [j for j, v in enumerate(line) if str(v).strip()]
            if not cols:
                continue
            for j in cols:
                info["texts"].append([r + 1, j + 1, sheet.getCellByPosition(j, r).String])
            row = sheet.Rows.getByIndex(r)
            stored = row.Height
            row.OptimalHeight = True
            need = row.Height
            row.Height = stored
            if need > stored + 10:        # 1/100 mm
                info["short_rows"].append([r + 1, round(stored / 35.28, 1), round(need / 35.28, 1)])
    return out


def run_file(ctx, desktop, f: dict, inspect_it: bool) -> dict:
    doc = desktop.loadComponentFromURL(Path(f["src"]).resolve().as_uri(), "_blank", 0, (prop("Hidden", True),))
    try:
        result: dict = {"edits": [edit(ctx, doc, e) for e in f.get("edits", [])]}
        doc.calculateAll()
        if f.get("out"):
            doc.storeToURL(Path(f["out"]).resolve().as_uri(), (prop("FilterName", "Calc MS Excel 2007 XML"),))
        if f.get("pdf"):
            doc.storeToURL(Path(f["pdf"]).resolve().as_uri(), (prop("FilterName", "calc_pdf_Export"),))
        if inspect_it:
            result["sheets"] = inspect(doc)
        return result
    finally:
        doc.close(True)


def main() -> None:
    job = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    proc, ctx, desktop = start(Path(job["profile"]))
    try:
        results = [run_file(ctx, desktop, f, job.get("inspect", False)) for f in job["files"]]
        Path(job["result"]).write_text(json.dumps(results, ensure_ascii=False), encoding="utf-8")
    finally:
        try:
            desktop.terminate()
        except Exception:  # already gone
            pass
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    main()
