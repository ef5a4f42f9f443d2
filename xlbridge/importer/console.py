"""What `kdcl nhap-word` prints: the summary, then everything that did not go into the table."""

from __future__ import annotations

from pathlib import Path

from xlbridge.importer.convert import ImportResult
from xlbridge.importer.report import summary_lines
from xlbridge.importer.texts import import_texts


def render_import(result: ImportResult, out: Path) -> str:
    s = import_texts().sections
    lines = [f"Đã tạo {out} từ {result.source}.", *summary_lines(result)]
    m = result.match
    missing = [h for c, h in enumerate(m.headers) if h and c not in m.columns]
    if missing:
        lines += ["", "Cột không khớp cột nào của sổ (nội dung ở trang «Nhập từ Word»): " + "; ".join(f"«{h}»" for h in missing)]
    if result.unplaced:
        lines += ["", f"{s['unplaced']}:"]
        lines += [f"  - {u.where} ({u.reason}): {u.text}" for u in result.unplaced]
    if result.unmapped:
        lines += ["", f"{s['unmapped']}:"]
        lines += [f"  - {u.where}, tiêu chí {u.criterion}, «{u.header}»: {u.text}" for u in result.unmapped]
    if result.notes:
        lines += ["", f"{s['notes']}:"]
        lines += [f"  - {n}" for n in result.notes]
    lines += ["", f"Báo cáo đầy đủ ở trang «{import_texts().sheet}» của sổ. Kiểm tra sổ: kdcl kiem-tra {out}"]
    return "\n".join(lines)
