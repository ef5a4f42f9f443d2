"""The mapping report of an import, as rows: for the "Nhập từ Word" sheet and for the terminal."""

from __future__ import annotations

from xlbridge.core.vntext import percent
from xlbridge.importer.convert import ImportResult
from xlbridge.importer.texts import fill_text, import_texts

Row = tuple[str, list[object]]          # (style: "title" | "heading" | "header" | "text", cells)


def _column_rows(result: ImportResult) -> list[Row]:
    m = result.match
    rows: list[Row] = [("header", ["Cột trong tệp Word", "Cột của sổ", "Độ khớp"])]
    labels = {c.key: c.header for c in result.layout.form_columns()}
    special = {"tt": "(số thứ tự, không nhập)", "criterion": "(mã tiêu chí: xếp dòng vào tiêu chí)",
               "standard": "(số tiêu chuẩn: chỉ để đối chiếu)", "done": "Trạng thái, Kết quả (công việc đã xong)",
               "in_progress": "Trạng thái, Lý do (đang triển khai, chậm)", "not_started": "Trạng thái, Lý do (chưa triển khai)",
               "latest_status": "Mức độ thực hiện (lần rà soát mới nhất)"}
    content = next(c.header for c in result.layout.plan_form.columns if c.role == "content")
    for col, head in enumerate(m.headers):
        hit = m.columns.get(col)
        if hit is None:
            rows.append(("text", [head or f"cột {col + 1}", "— không khớp cột nào —", ""]))
            continue
        target, score = hit
        name = content if target.key == "content" else special.get(target.key, labels.get(target.key, target.header))
        rows.append(("text", [head, name, percent(score, 0)]))
    return rows


def report_rows(result: ImportResult, placements: list[tuple[str, int]]) -> list[Row]:
    t = import_texts()
    s = t.sections
    rows: list[Row] = [("title", [fill_text(t.title, source=result.source)]), ("text", [""]),
                       ("heading", [s["summary"]])]
    rows += [("text", [line]) for line in summary_lines(result)]
    rows += [("text", [""]), ("heading", [s["columns"]]), *_column_rows(result)]
    rows += [("text", [""]), ("heading", [f"{s['unplaced']}: {len(result.unplaced)}"])]
    if result.unplaced:
        rows.append(("header", ["Vị trí trong tệp Word", "Lý do", "Nội dung"]))
        rows += [("text", [u.where, u.reason, u.text]) for u in result.unplaced]
    rows += [("text", [""]), ("heading", [f"{s['unmapped']}: {len(result.unmapped)}"])]
    if result.unmapped:
        rows.append(("header", ["Vị trí trong tệp Word", "Tiêu chí", "Cột", "Nội dung"]))
        rows += [("text", [u.where, u.criterion, u.header, u.text]) for u in result.unmapped]
    rows += [("text", [""]), ("heading", [f"{s['notes']}: {len(result.notes)}"])]
    rows += [("text", [n]) for n in result.notes]
    rows += [("text", [""]), ("heading", [f"{s['items']}: {len(result.drafts)}"]),
             ("header", ["Vị trí trong tệp Word", "Tiêu chí", "Trang tính", "Dòng", "Nội dung"])]
    content = next(c.key for c in result.layout.plan_form.columns if c.role == "content")
    for d, item, (sheet, row) in zip(result.drafts, result.items, placements, strict=True):
        rows.append(("text", [d.where, d.criterion, sheet, row, str(item["values"].get(content, ""))]))
    return rows


def summary_lines(result: ImportResult) -> list[str]:
    tables = ", ".join(str(n) for n in result.tables)
    m = result.match
    unmatched = sum(1 for c in range(len(m.headers)) if c not in m.columns and m.headers[c])
    return [
        f"Bảng {tables} của tệp Word, theo mẫu «{m.form.name}», tiêu đề {m.header_rows} dòng.",
        f"Năm học {result.year}, {result.cap_hoc}, Thông tư {result.framework.number}; giai đoạn: "
        f"{result.info.get('giai_doan')}" + (f"; ngày báo cáo {result.report_date:%d/%m/%Y}" if result.report_date else "") + ".",
        f"Đã nhập {len(result.drafts)} nội dung; {len(result.unplaced)} dòng không xếp được; "
        f"{len(result.unmapped)} ô ở cột không khớp; {unmatched} cột không khớp.",
    ]
