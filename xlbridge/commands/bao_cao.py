"""`kdcl bao-cao`: the report or plan text of a workbook, as a Word document or on the workbook's "Báo cáo" sheet.

The input workbook is only read. The output is never an existing file unless --ghi-de is given, and
never the input file.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from xlbridge.commands.common import EXIT_OK, input_file, output_file, output_folder, parse_date
from xlbridge.errors import KdclError

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def register(sub) -> None:
    b = sub.add_parser("bao-cao", help="sinh văn bản báo cáo / kế hoạch từ sổ (Word .docx, hoặc trang Báo cáo của bản sao sổ)")
    b.add_argument("file", nargs="?", help="sổ .xlsx đã nhập (chỉ đọc, không bị sửa)")
    b.add_argument("--loai", choices=("ket-qua", "tien-do", "ke-hoach"),
                   help="ket-qua: báo cáo kết quả; tien-do: báo cáo tiến độ tính đến --ngay; ke-hoach: văn bản kế hoạch "
                        "(Thông tư 57/2026: Biểu 2). Mặc định theo giai đoạn ghi ở trang Thông tin")
    b.add_argument("--ngay", help="ngày số liệu (dd/mm/yyyy): nội dung quá hạn tính đến ngày này; mặc định ngày báo cáo của sổ")
    b.add_argument("--ra-soat", help="lần rà soát được báo cáo (Thông tư 57/2026): hk1 (cuối học kỳ I) hoặc cn (cuối năm học)")
    b.add_argument("--mau-van-ban", metavar="THƯ_MỤC", help="thư mục chứa các mẫu .j2 đã sửa (tạo bằng --xuat-mau)")
    b.add_argument("--xuat-mau", metavar="THƯ_MỤC", help="chép các mẫu văn bản (.j2) vào thư mục này để sửa, rồi thoát")
    b.add_argument("--ghi-de", action="store_true", help="ghi đè tệp đã có")
    b.add_argument("-o", "--output", help="tệp sẽ tạo: .docx (văn bản Word) hoặc .xlsx (bản sao sổ có trang Báo cáo)")
    b.set_defaults(func=run)


def export_templates(folder: Path, overwrite: bool) -> list[Path]:
    """Copy the bundled narrative templates (and their README) into `folder` for editing."""
    from xlbridge.data.files import BUNDLED
    src = BUNDLED / "narrative"
    files = sorted(p for p in src.rglob("*") if p.is_file() and p.suffix in (".j2", ".md"))
    targets = [folder / p.relative_to(src) for p in files]
    output_folder(folder, overwrite, [str(t.relative_to(folder)) for t in targets])
    for p, t in zip(files, targets, strict=True):
        t.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(p, t)
    return targets


def _output(args: argparse.Namespace, src: Path) -> Path:
    if not args.output:
        raise KdclError(kind="thieu-tep-ra", suffix=src.suffix.lower())
    out = Path(args.output)
    if out.suffix.lower() in WORKBOOK_SUFFIXES and out.suffix.lower() != src.suffix.lower():
        raise KdclError(kind="duoi-tep-ra", name=out.name, suffix=src.suffix, example=out.with_suffix(src.suffix).name)
    return output_file(out, args.ghi_de, (".docx", src.suffix.lower()), (src,))


def _write_workbook_copy(src: Path, dst: Path, rows: list[tuple[str, str]]) -> None:
    from openpyxl.styles import Font

    from xlbridge.io.writer import open_copy, save_copy, write_report_rows
    from xlbridge.layout import config
    cfg = config()
    wb, notes = open_copy(src)          # the received file through the guarded reader, as for kiem-tra --out
    if cfg.sheets["report"] not in wb.sheetnames:
        raise KdclError(kind="so-thieu-trang", so=src.name, sheet=cfg.sheets["report"])
    write_report_rows(wb[cfg.sheets["report"]], rows, Font(name=cfg.font, size=cfg.font_size))
    for note in notes + save_copy(wb, src, dst):
        print(f"Lưu ý về bản sao sổ: {note}.", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    if args.xuat_mau:
        copied = export_templates(Path(args.xuat_mau), args.ghi_de)
        print(f"Đã chép {len(copied)} tệp mẫu văn bản vào {args.xuat_mau}. Sửa các tệp .j2 rồi chạy: "
              f"kdcl bao-cao SỔ.xlsx --mau-van-ban {args.xuat_mau} -o bao-cao.docx")
        return EXIT_OK
    if not args.file:
        raise KdclError(kind="thieu-so")
    from xlbridge.check import check_file
    from xlbridge.report.documents import documents
    from xlbridge.report.narrative import build_report, sheet_rows
    src = input_file(args.file)
    out = _output(args, src)
    when = parse_date(args.ngay) if args.ngay else None
    templates = Path(args.mau_van_ban) if args.mau_van_ban else None
    result = check_file(src, when)
    book = result.book
    loai = args.loai or documents().kind_for(book)
    report = build_report(book, loai, when, args.ra_soat, templates)
    if out.suffix.lower() == ".docx":
        from xlbridge.report.docx_writer import write_docx
        write_docx(report, out)
    else:
        _write_workbook_copy(src, out, sheet_rows(report))
    for note in report.notes:
        print(f"Lưu ý: {note}", file=sys.stderr)
    if result.errors:
        print(f"Lưu ý: sổ còn {result.errors} lỗi (xem bằng kdcl kiem-tra {src.name}); văn bản được lập từ dữ liệu hiện có.",
              file=sys.stderr)
    when_text = "" if report.document.loai == "ke-hoach" else f", số liệu tính đến ngày {report.when.strftime('%d/%m/%Y')}"
    print(f"Đã tạo {out}: {report.document.name}{when_text}.")
    return EXIT_OK
