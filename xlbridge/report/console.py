"""Findings and summary as text for the terminal, in Vietnamese."""

from __future__ import annotations

import textwrap

from xlbridge.core.money import format_vnd


def _pct(v) -> str:
    return "—" if v is None or v != v else f"{v * 100:.1f}%".replace(".", ",")


def render_summary(result) -> str:
    records = result.summary.to_records()
    if not records:
        return ""
    keys = [k for k in records[0] if k not in ("Tiêu chuẩn", "Tỉ lệ hoàn thành", "Dự kiến kinh phí (đồng)")]
    head = f"{'':<14}" + "".join(f"{k[:9]:>10}" for k in keys) + f"{'% HT':>8}  Kinh phí"
    lines = [head]
    for rec in records:
        nums = "".join(f"{int(rec[k]):>10}" for k in keys)
        lines.append(f"{rec['Tiêu chuẩn'][:14]:<14}{nums}{_pct(rec['Tỉ lệ hoàn thành']):>8}  "
                     f"{format_vnd(int(rec['Dự kiến kinh phí (đồng)']))}")
    return "\n".join(lines)


def render_check(result) -> str:
    book = result.book
    out = [f"Sổ: {book.source} — {book.info.text('ten_truong') or '(chưa ghi tên trường)'}, "
           f"năm học {book.info.text('nam_hoc') or '…'}, Thông tư {book.framework.number}",
           f"Giai đoạn: {book.info.phase.name if book.info.phase else '…'}; "
           f"tính đến ngày {result.summary.report_date.strftime('%d/%m/%Y')}; {len(book.items)} nội dung cải tiến.", ""]
    if not result.findings:
        out.append("Không có lỗi, không có cảnh báo.")
    for f in result.findings:
        place = f" {f.place}" if f.place else ""
        out.append(f"[{f.severity_label}] {f.rule}{place}: {f.message}")
        out.append(textwrap.indent(textwrap.fill(f"Cách sửa: {f.hint}", 100), "    "))
    out += ["", f"Tổng cộng: {result.errors} lỗi, {result.warnings} cảnh báo.", "", "TỔNG HỢP", render_summary(result), ""]
    from xlbridge.core.level_text import level_lines
    lines = level_lines(book.framework, result.levels)
    if lines:
        out += ["MỨC CỦA NHÀ TRƯỜNG", *lines, ""]
    return "\n".join(out)
