"""Failures as structured errors: a kind of messages/errors.yaml plus the fields that fill its templates.

Each converted failure is provoked through the real code path (the command line where there is one) and
must say, in Vietnamese, what was wrong with the user's own values, with the exit code its kind's category
documents (`kdcl --help` prints the same table). The source scan keeps new sentences from being hard-coded.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import openpyxl
import pytest
from conftest import seed_workbook

from xlbridge.cli import main
from xlbridge.errors import DataFileError, KdclError, error_kinds, exit_codes
from xlbridge.io.reader import read_workbook

ROOT = Path(__file__).resolve().parents[1]
INPUT, DATA = 2, 4          # the documented exit codes of the categories input and data


def cli(capsys, *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().err


def raised(fn, *args, **kw) -> KdclError:
    with pytest.raises(KdclError) as exc:
        fn(*args, **kw)
    return exc.value


def assert_kind(err: KdclError, kind: str, code: int, *words: str) -> None:
    assert err.kind == kind, (err.kind, err.full_text())
    assert exit_codes()[error_kinds()[kind].category].code == code == err.exit_code
    _category, message, hint = err.templates()
    assert set(re.findall(r"{(\w+)}", message + hint)) <= set(err.fields), err.fields   # every placeholder filled
    text = err.full_text()
    assert all(w in text for w in words), (words, text)


@pytest.fixture(scope="module")
def thpt_file(tmp_path_factory) -> Path:
    return seed_workbook(tmp_path_factory.mktemp("thpt"), "ket-qua-thpt")


@pytest.fixture(scope="module")
def thpt(thpt_file):
    return read_workbook(thpt_file)


# ---- the source: no new plain sentences, every kind named in code exists ----

def _sources() -> dict[str, str]:
    return {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8") for p in (ROOT / "xlbridge").rglob("*.py")}


def test_errors_are_raised_by_kind_not_by_sentence():
    plain = re.compile(r"\b(?:KdclError|OutputError)\(\s*(?:f?[\"']|\w+\.format\()")     # a sentence, or one made here
    found = {path for path, text in _sources().items() if path != "xlbridge/errors.py" and plain.search(text)}
    assert not found, sorted(found)


def test_every_kind_named_in_the_code_is_in_errors_yaml():
    named = {m for text in _sources().values()
             for m in re.findall(r"\b(?:KdclError|OutputError|UnreadableWorkbook)\([^()]*?\bkind=\"([a-z0-9-]+)\"", text)}
    assert named and named <= set(error_kinds()), sorted(named - set(error_kinds()))


# ---- the command line ----

def test_unknown_cap_hoc_names_the_value_and_the_choices(tmp_path, capsys):
    code, err = cli(capsys, "template", "--cap-hoc", "Đại học", "--nam-hoc", "2024-2025", "-o", str(tmp_path / "a.xlsx"))
    assert code == INPUT and "Cấp học «Đại học» không hợp lệ." in err and "THCS" in err
    doc = tmp_path / "ke-hoach.docx"
    doc.write_bytes(b"")
    code, err = cli(capsys, "nhap-word", str(doc), "-o", str(tmp_path / "b.xlsx"), "--cap-hoc", "Đại học")
    assert code == INPUT and "Cấp học «Đại học» không hợp lệ." in err
    assert not (tmp_path / "a.xlsx").exists() and not (tmp_path / "b.xlsx").exists()


def test_negative_jobs(tmp_path, capsys):
    code, err = cli(capsys, "tong-hop", str(tmp_path), "-o", str(tmp_path / "th.xlsx"), "--jobs", "-3")
    assert code == INPUT and "Số tiến trình (--jobs) phải là số không âm, không phải -3." in err and "--jobs 2" in err


def test_bao_cao_without_a_workbook_or_an_output(tmp_path, capsys):
    code, err = cli(capsys, "bao-cao")
    assert code == INPUT and "Thiếu sổ cần lập văn bản." in err and "kdcl bao-cao SỔ.xlsx -o bao-cao.docx" in err
    src = tmp_path / "so.xlsm"
    src.write_bytes(b"")
    code, err = cli(capsys, "bao-cao", str(src))
    assert code == INPUT and "Thiếu tên tệp kết quả." in err and "-o so-co-bao-cao.xlsm" in err
    code, err = cli(capsys, "bao-cao", str(src), "-o", str(tmp_path / "ban-sao.xlsx"))
    assert code == INPUT and "«ban-sao.xlsx» phải có đuôi .xlsm" in err and "ban-sao.xlsm" in err


def test_bao_cao_copy_of_a_workbook_without_the_report_sheet(thpt_file, tmp_path, capsys):
    old = tmp_path / "mau-cu.xlsx"
    wb = openpyxl.load_workbook(thpt_file)
    del wb["Báo cáo"]
    wb.save(old)
    code, err = cli(capsys, "bao-cao", str(old), "-o", str(tmp_path / "ban-sao.xlsx"))
    assert code == INPUT and "Sổ mau-cu.xlsx không có trang «Báo cáo»" in err and "-o bao-cao.docx" in err
    assert not (tmp_path / "ban-sao.xlsx").exists()


# ---- the narrative ----

def test_document_kind_missing_for_a_layout():
    from xlbridge.report.documents import documents
    err = raised(documents().get, "khong-co", "theo-tieu-chi")
    assert_kind(err, "loai-van-ban", INPUT, "«khong-co»", "«theo-tieu-chi»", "ket-qua")


def test_review_not_in_the_workbook(thpt):
    from xlbridge.report.documents import documents
    from xlbridge.report.narrative import pick_review
    doc = documents().get("ket-qua", thpt.framework.layout)
    assert_kind(raised(pick_review, thpt, doc, "hk9"), "ra-soat-khong-co", INPUT, "«hk9»", "Chọn --ra-soat: kq")
    layout = thpt.layout
    forms = {k: dataclasses.replace(f, reviews=()) if f is not None else None
             for k, f in (("plan_form", layout.plan_form), ("results_form", layout.results_form))}
    no_reviews = dataclasses.replace(thpt, layout=dataclasses.replace(layout, **forms))
    assert not no_reviews.layout.reviews
    assert_kind(raised(pick_review, no_reviews, doc, "hk9"), "so-khong-co-ra-soat", INPUT, "«hk9»", "Bỏ --ra-soat")


def test_user_template_folder_and_files(tmp_path):
    from xlbridge.report.templates import environment, render
    missing = tmp_path / "khong-co"
    assert_kind(raised(environment, missing), "thu-muc-mau-van-ban", INPUT, f"«{missing}»", f"--xuat-mau {missing}")
    folder = tmp_path / "mau"
    folder.mkdir()
    env = environment(folder)
    assert_kind(raised(render, env, "khac/khong-co.j2", {}), "mau-van-ban-khong-co", INPUT, "khac/khong-co.j2",
                str(folder))
    cases = {"cu-phap.j2": ("{% if %}\n", "mau-van-ban-cu-phap", ["cu-phap.j2", "dòng 1", "cú pháp"]),
             "ten.j2": ("{{ truong.ten }}\n", "mau-van-ban-ten", ["ten.j2", "truong", "README.md"]),
             "dien.j2": ("{{ 'a' + 1 }}\n", "mau-van-ban-dien", ["dien.j2", "lỗi khi điền dữ liệu"]),
             "dinh-dang.j2": ("@lenh-la\n", "mau-van-ban-dinh-dang", ["dinh-dang.j2", "@lenh-la"])}
    for name, (source, kind, words) in cases.items():
        (folder / name).write_text(source, encoding="utf-8")
        assert_kind(raised(render, env, name, {}), kind, INPUT, *words)


def test_table_rows_in_a_template():
    from xlbridge.report.markup import parse
    from xlbridge.report.narrative import _attach_rows
    from xlbridge.report.tables import TableData
    tables = {"ke-hoach": TableData("ke-hoach", ("A", "B"), (1.0, 1.0), ())}
    assert_kind(raised(_attach_rows, parse("| a | b |\n"), tables), "dong-bang-ngoai-bang", INPUT, "@bang")
    err = raised(_attach_rows, parse("@bang ke-hoach\n| a | b | c |\n"), tables)
    assert_kind(err, "dong-bang-so-o", INPUT, "«a | b | c»", "có 3 ô, bảng ke-hoach có 2 cột", "đủ 2 ô")


def test_unknown_table_in_a_template(thpt, tmp_path):
    from xlbridge.report.narrative import build_report
    folder = tmp_path / "mau"
    (folder / "ket-qua").mkdir(parents=True)
    (folder / "ket-qua" / "i-quan-triet.j2").write_text("@bang khong-co\n", encoding="utf-8")
    err = raised(build_report, thpt, "ket-qua", template_dir=folder)
    assert_kind(err, "bang-khong-co", INPUT, "bảng không có: khong-co", "Các bảng có: ")


# ---- frameworks, crosswalks, the next year's plan ----

def test_framework_choice():
    from xlbridge.data.catalog import choose_framework, get_framework
    assert_kind(raised(get_framework, "tt99"), "bo-tieu-chuan-khong-co", INPUT, "«tt99»", "tt18-2018-trung-hoc")
    assert_kind(raised(choose_framework, "Mầm non", 2024, "18/2018"), "thong-tu-khong-ap-dung", INPUT,
                "Thông tư 18/2018 không áp dụng cho Mầm non", "Chọn một trong: ")
    assert_kind(raised(choose_framework, "THCS", 1990), "chua-co-bo-tieu-chuan", INPUT, "THCS, năm học 1990-1991",
                "18/2018 (năm học từ 2018-2019")


def test_missing_crosswalk():
    from xlbridge.carry.crosswalk import get_crosswalk
    from xlbridge.data.catalog import get_framework
    err = raised(get_crosswalk, get_framework("tt57-2026-pho-thong"), get_framework("tt18-2018-trung-hoc"))
    assert_kind(err, "chua-co-doi-chieu", INPUT, "(tt57-2026-pho-thong)", "(tt18-2018-trung-hoc)",
                "crosswalk/tt57-2026-pho-thong--tt18-2018-trung-hoc.yaml")


def test_next_year_needs_the_year_and_the_level(thpt, thpt_file, tmp_path, capsys):
    from xlbridge.carry.plan import plan_next_year
    code, err = cli(capsys, "nam-sau", str(thpt_file), "-o", str(tmp_path / "sau.xlsx"), "--nam-hoc", "2020-2021")
    assert code == INPUT and "Năm học mới (2020-2021) phải sau năm học của sổ (2023-2024)." in err
    assert "một năm học sau 2023-2024" in err
    no_year = dataclasses.replace(thpt, info=dataclasses.replace(thpt.info), meta=dataclasses.replace(thpt.meta, nam_hoc=""))
    no_year.info.school_year = None
    assert_kind(raised(plan_next_year, no_year), "nam-sau-thieu-nam-hoc", INPUT, thpt.source, "trang Thông tin")
    no_level = dataclasses.replace(thpt, info=dataclasses.replace(thpt.info), meta=dataclasses.replace(thpt.meta, cap_hoc=""))
    no_level.info.cap_hoc = None
    assert_kind(raised(plan_next_year, no_level), "nam-sau-thieu-cap-hoc", INPUT, thpt.source)


# ---- a data file: the example documents ----

def test_unreadable_date_in_an_example_is_a_data_file_error(tmp_path):
    from xlbridge.examples import DEMO_EXAMPLE, load_document
    bad = tmp_path / "vi-du.yaml"
    text = DEMO_EXAMPLE.read_text(encoding="utf-8")
    assert re.search(r"ngay_bao_cao: .+", text)
    bad.write_text(re.sub(r"ngay_bao_cao: .+", "ngay_bao_cao: 31/02/2024", text, count=1), encoding="utf-8")
    err = raised(load_document, bad)
    assert isinstance(err, DataFileError)
    assert_kind(err, "du-lieu", DATA, str(bad), "info.ngay_bao_cao", "«31/02/2024»")


# ---- tong-hop ----

def test_tong_hop_with_no_workbook_in_its_inputs(tmp_path, capsys):
    from xlbridge.consolidate.run import Options, consolidate
    empty = tmp_path / "hop-thu-rong"
    empty.mkdir()
    code, err = cli(capsys, "tong-hop", str(empty), "-o", str(tmp_path / "th.xlsx"))
    assert code == INPUT and f"nào trong {empty}." in err and ".eml/.mbox" in err
    err_obj = raised(consolidate, Options([str(empty)], tmp_path / "th.xlsx"))
    assert_kind(err_obj, "tong-hop-khong-co-so", INPUT, "Không tìm thấy tệp Excel (.xlsx)", str(empty))
    assert not (tmp_path / "th.xlsx").exists()


def test_tong_hop_never_overwrites_a_school_workbook_in_its_input_folder(tmp_path, capsys):
    from xlbridge.consolidate.run import Options, consolidate
    folder = tmp_path / "so-cac-truong"
    folder.mkdir()
    school = folder / "truong-a.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "Sổ của trường A"
    wb.save(school)
    before = school.read_bytes()
    code, err = cli(capsys, "tong-hop", str(folder), "-o", str(school), "--ghi-de")
    assert code == INPUT and f"Tệp {school} nằm trong thư mục đầu vào" in err
    err_obj = raised(consolidate, Options([str(folder)], school, overwrite=True))
    assert_kind(err_obj, "ra-trong-thu-muc-vao", INPUT, str(school), "nên không ghi đè.", "Chọn tên khác cho -o")
    assert school.read_bytes() == before


def test_parquet_without_pyarrow_names_the_folder(tmp_path, without_pyarrow):
    from xlbridge.consolidate.export import write_parquet
    folder = tmp_path / "bang-parquet"
    err = raised(write_parquet, [], folder)
    assert_kind(err, "can-pyarrow", INPUT, f"vào {folder}: cần gói pyarrow", "pip install 'kdcl[parquet]'", "--csv")
    assert not folder.exists()


# ---- filling a template (nhap-word, nam-sau, the example) ----

def _plan_values(layout) -> dict:
    """A non-empty value for every input column of the first standard's plan table."""
    table = next(s for s in layout.sheets if s.kind == "standard").table("plan")
    return {p.column.key: "Nội dung thử" for p in table.inputs() if p.column is not None}


def test_filler_refuses_what_the_template_cannot_hold(thpt, thpt_file, tmp_path):
    from xlbridge.io.filler import fill_item, fill_workbook
    layout, dst = thpt.layout, tmp_path / "da-dien.xlsx"
    values = _plan_values(layout)
    err = raised(fill_workbook, thpt_file, dst, layout, {"items": [{"criterion": "9.9", "values": values}]})
    assert_kind(err, "tieu-chi-khong-co", INPUT, "Tiêu chí 9.9 không có trong Thông tư 18/2018/TT-BGDĐT")
    err = raised(fill_workbook, thpt_file, dst, layout, {"items": [{"criterion": "1.1", "values": values}] * 500})
    sheet = next(s.name for s in layout.sheets if s.standard == 1)
    assert_kind(err, "het-dong-tieu-chi", INPUT, f"Hết dòng trống cho tiêu chí 1.1 trên trang {sheet}.", "tiêu chí 1.1")
    size = layout.info.list_sizes["to_giam_sat"]
    members = [{"ho_ten": f"Người {i}"} for i in range(size + 1)]
    err = raised(fill_workbook, thpt_file, dst, layout, {"lists": {"to_giam_sat": members}})
    assert_kind(err, "danh-sach-qua-dai", INPUT, "«TỔ GIÁM SÁT KẾ HOẠCH CẢI TIẾN CHẤT LƯỢNG»", f"có {size + 1} dòng",
                f"chỉ có {size} dòng", "«to_giam_sat»", "forms/thong-tin.yaml")
    assert not dst.exists()
    bare = dataclasses.replace(layout, sheets=tuple(dataclasses.replace(s, tables=()) for s in layout.sheets))
    err = raised(fill_item, openpyxl.load_workbook(thpt_file), bare, {"criterion": "1.1", "values": values})
    assert_kind(err, "mau-thieu-bang-ke-hoach", DATA, f"Trang {sheet} của mẫu sổ không có bảng kế hoạch", "KDCL_DU_LIEU")


# ---- the .xlsm builder's VBA writer (a real child process) ----

def _fake_python(tmp_path: Path, name: str, body: str) -> Path:
    script = tmp_path / name
    script.write_text("#!/bin/sh\ncat >/dev/null\n" + body, encoding="utf-8")
    script.chmod(0o755)
    return script


def test_vba_writer_failures_say_why_without_the_exception_class(tmp_path, monkeypatch):
    import sys

    from xlbridge.bridge.xlsm import build_vba_project
    failing = _fake_python(tmp_path, "python-hong", "echo 'Traceback (most recent call last):' >&2\n"
                                                    "echo 'ValueError: mô-đun KdclMacros hỏng' >&2\nexit 1\n")
    monkeypatch.setattr(sys, "executable", str(failing))
    err = raised(build_vba_project, ["Sheet1"])
    assert_kind(err, "vba-khong-tao-duoc", INPUT, "dự án VBA cho sổ .xlsm (mô-đun KdclMacros hỏng)", "Cài lại kdcl")
    assert "ValueError" not in err.full_text() and "Traceback" not in err.full_text()
    silent = _fake_python(tmp_path, "python-im-lang", "exit 3\n")
    monkeypatch.setattr(sys, "executable", str(silent))
    assert_kind(raised(build_vba_project, ["Sheet1"]), "vba-dung-khong-ro-ly-do", INPUT, "mã thoát 3", "xlwings Lite")
    monkeypatch.setattr(sys, "executable", "/khong-co/python")
    assert_kind(raised(build_vba_project, ["Sheet1"]), "vba-khong-chay-python", INPUT, "(/khong-co/python, lỗi hệ thống số 2)")


def test_xlsm_without_the_xlwings_package(monkeypatch):
    import importlib.util

    from xlbridge.bridge.xlsm import module_source
    assert module_source("xlwings")                                # installed: its xlwings.bas is read
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None)
    assert_kind(raised(module_source, "xlwings"), "xlwings-khong-co", INPUT, "xlwings.bas", "pip install kdcl")


# ---- nhap-word ----

def test_word_files_that_are_not_docx(tmp_path, capsys):
    from xlbridge.importer.docx_tables import read_docx
    old = tmp_path / "ke-hoach-cu.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0 Word 97")
    code, err = cli(capsys, "nhap-word", str(old), "-o", str(tmp_path / "a.xlsx"))
    assert code == INPUT and "ke-hoach-cu.doc: tệp Word 97-2003 (.doc)" in err and "lưu lại dạng .docx" in err
    assert_kind(raised(read_docx, old), "word-97-2003", INPUT, "ke-hoach-cu.doc", "Tài liệu Word")
    fake = tmp_path / "bao-cao.docx"
    fake.write_text("không phải Word", encoding="utf-8")
    assert_kind(raised(read_docx, fake), "khong-phai-word", INPUT, "bao-cao.docx: không mở được như một tệp Word",
                "bỏ mật khẩu")
    assert not (tmp_path / "a.xlsx").exists() and old.read_bytes() == b"\xd0\xcf\x11\xe0 Word 97"


def test_word_documents_kdcl_cannot_place(tmp_path, capsys):
    import docx
    from make_docx import build_docx

    from xlbridge.core.periods import SchoolYear
    from xlbridge.importer.convert import Options, import_word
    empty = tmp_path / "rong.docx"
    docx.Document().save(empty)
    assert_kind(raised(import_word, empty, Options(nam_hoc=SchoolYear(2023))), "word-khong-co-bang", INPUT,
                "rong.docx: không tìm thấy bảng kế hoạch", "cột «Tiêu chuẩn, tiêu chí»")
    bare = build_docx("ke-hoach-th-thcs", tmp_path / "kh.docx")
    document = docx.Document(bare)
    for paragraph in list(document.paragraphs):         # the table alone: no year, no level to read
        paragraph._element.getparent().remove(paragraph._element)
    document.save(bare)
    code, err = cli(capsys, "nhap-word", str(bare), "-o", str(tmp_path / "kh.xlsx"))
    assert code == INPUT and "kh.docx: không thấy năm học trong văn bản." in err and "--nam-hoc 2023-2024" in err
    assert_kind(raised(import_word, bare), "word-thieu-nam-hoc", INPUT, "kh.docx")
    assert_kind(raised(import_word, bare, Options(nam_hoc=SchoolYear(2024))), "word-thieu-cap-hoc", INPUT,
                "kh.docx: không đoán được cấp học", "--cap-hoc THCS")
    assert not (tmp_path / "kh.xlsx").exists()
    old = build_docx("ket-qua-thcs", tmp_path / "thcs.docx")
    err_obj = raised(import_word, old, Options(nam_hoc=SchoolYear(2026)))
    assert_kind(err_obj, "word-khac-mau-bang", INPUT, "thcs.docx: bảng theo mẫu «", "năm học 2026-2027 (THCS)",
                "Thông tư 57/2026", "kdcl nam-sau")
