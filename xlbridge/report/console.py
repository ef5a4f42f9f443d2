"""Findings and summary as text for the terminal, in Vietnamese."""

from __future__ import annotations

from xlbridge.core.money import format_vnd
from xlbridge.core.vntext import percent
from xlbridge.data.vocab import vocab
from xlbridge.io.terminal import paragraph, table
from xlbridge.layout import summary_labels


def render_summary(result) -> str:
    """The "Tổng hợp" table as text: counts per standard, % hoàn thành, budget."""
    summary = result.summary
    lab = summary_labels()
    statuses = vocab().status_names()
    heads = [lab["items"], *statuses, lab["no_status"], lab["overdue"]]
    rows = []
    for row in summary.all_rows():
        c = row.counts
        nums = [c.items, *(c.statuses[s] for s in statuses), c.no_status, c.overdue]
        rows.append([row.sheet or lab["total"], *nums, percent(c.completion), format_vnd(c.budget).removesuffix(" đồng")])
    return table(["", *heads, "% HT", "Kinh phí (đồng)"], rows)


def render_check(result) -> str:
    book = result.book
    # a plan is not judged against a date: only reviews say «tính đến ngày»
    when = f"tính đến ngày {result.summary.report_date.strftime('%d/%m/%Y')}; " if book.phase_order > 0 else ""
    out = [paragraph(f"Sổ: {book.source} — {book.info.text('ten_truong') or '(chưa ghi tên trường)'}, "
                     f"năm học {book.info.text('nam_hoc') or '…'}, Thông tư {book.framework.number}"),
           paragraph(f"Giai đoạn: {book.info.phase.name if book.info.phase else '…'}; {when}"
                     f"{len(book.items)} nội dung cải tiến."), ""]
    if not result.findings:
        out.append("Không có lỗi, không có cảnh báo.")
    for f in result.findings:
        place = f" {f.place}" if f.place else ""
        out.append(paragraph(f"[{f.severity_label}] {f.rule}{place}: {f.message}"))
        out.append(paragraph(f"Cách sửa: {f.hint}", indent=4))
    out += ["", f"Tổng cộng: {result.errors} lỗi, {result.warnings} cảnh báo"
           + (f", {result.notes} lưu ý." if result.notes else "."), "", "TỔNG HỢP", render_summary(result)]
    from xlbridge.core.status_readings import describe_readings
    readings = describe_readings(book)
    out += [paragraph(readings), ""] if readings else [""]
    from xlbridge.core.level_text import level_lines
    lines = level_lines(book.framework, result.levels)
    if lines:
        out += ["MỨC CỦA NHÀ TRƯỜNG", *lines, ""]
    return "\n".join(out)
