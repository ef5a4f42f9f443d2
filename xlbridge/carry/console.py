"""What `kdcl nam-sau` prints: what was carried, what stayed behind, what the user must confirm."""

from __future__ import annotations

from collections import Counter

from xlbridge.carry.plan import NextYear


def render_next_year(plan: NextYear, written) -> str:
    by_status = Counter(it.source.status.name if it.source.status else "chưa có trạng thái" for it in plan.items)
    lines = [f"Đã tạo {written.path}: kế hoạch năm học {plan.new_year} (Thông tư {plan.target.number}, {plan.cap_hoc}) "
             f"từ sổ năm học {plan.old_year} (Thông tư {plan.source.number}).",
             f"Mang sang {len(plan.items)} nội dung chưa hoàn thành"
             + (": " + ", ".join(f"{n} {s}" for s, n in by_status.items()) if by_status else "") + "."]
    stay = {k: v for k, v in plan.skipped.items() if k not in ("no-status", "no-criterion")}
    if stay:
        lines.append("Không mang sang: " + ", ".join(f"{n} {s}" for s, n in stay.items()) + ".")
    if plan.skipped["no-status"]:
        lines.append(f"{plan.skipped['no-status']} nội dung chưa có trạng thái nên không mang sang; cập nhật trạng thái "
                     "rồi chạy lại, hoặc thêm --ca-chua-co-trang-thai để mang sang và đánh dấu cần xác nhận.")
    if plan.skipped["no-criterion"]:
        lines.append(f"{plan.skipped['no-criterion']} nội dung chưa ghi tiêu chí nên không mang sang được; ghi tiêu chí "
                     "ở sổ năm học này rồi chạy lại.")
    if written.questions:
        lines.append(f"{written.questions} điểm cần xác nhận (tiêu chí đối chiếu sang thông tư mới, thời gian của năm "
                     "trước…): xem trang «Mang sang» của sổ mới; kdcl kiem-tra nhắc (MS01) cho đến khi xác nhận xong.")
    else:
        lines.append("Không có điểm nào cần xác nhận.")
    return "\n".join(lines)
