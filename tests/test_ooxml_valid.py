"""Every workbook and document kdcl writes passes an independent OOXML validator (openxml-audit, which
follows the Open XML SDK's schemas): no schema errors, so Excel and Word never offer to repair them.
(Its warnings — openpyxl writes inline strings, which Excel moves to a shared table on its next save — are
not errors and are left.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from make_docx import build_docx

from xlbridge.cli import main


def _errors(path: Path) -> list[str]:
    try:
        from openxml_audit import OpenXmlValidator
    except ImportError:                               # pragma: no cover - a test dependency
        pytest.skip("openxml-audit is not installed: pip install -e '.[test]'")
    result = OpenXmlValidator().validate(str(path))
    return [f"{e.part_uri} {e.path}: {e.description}" for e in result.errors if str(e.severity).endswith("ERROR")]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("ooxml")
    out: dict[str, Path] = {}

    def run(name: str, args: list[str], codes=(0, 1)) -> None:
        assert main(args) in codes, (name, args)
        out[name] = Path(args[args.index("-o") + 1]) if "-o" in args else Path(args[-1])

    run("mau-2018", ["template", "--cap-hoc", "THPT", "--nam-hoc", "2024-2025", "-o", str(d / "m18.xlsx")])
    run("mau-tt57", ["template", "--cap-hoc", "Mầm non", "--nam-hoc", "2026-2027", "-o", str(d / "m57.xlsx")])
    run("mau-lite", ["template", "--cap-hoc", "THCS", "--nam-hoc", "2026-2027", "--lite", "-o", str(d / "lite.xlsx")])
    run("mau-xlsm", ["template", "--cap-hoc", "THPT", "--nam-hoc", "2023-2024", "--xlsm", "-o", str(d / "m.xlsm")])
    assert main(["demo", str(d / "demo")]) in (0, 1)
    demo = next(p for p in (d / "demo").glob("*.xlsx") if "da-kiem-tra" not in p.name)
    out["demo"] = demo
    out["demo-da-kiem-tra"] = next((d / "demo").glob("*da-kiem-tra.xlsx"))
    run("kiem-tra-out", ["kiem-tra", str(demo), "--out", str(d / "kt.xlsx")])
    run("bao-cao-docx", ["bao-cao", str(demo), "-o", str(d / "bc.docx")])
    run("bao-cao-xlsx", ["bao-cao", str(demo), "-o", str(d / "bc.xlsx")])
    run("nam-sau", ["nam-sau", str(demo), "--nam-hoc", "2024-2025", "-o", str(d / "ns.xlsx")])
    doc = build_docx("ket-qua-thcs", d / "thcs.docx")
    run("nhap-word", ["nhap-word", str(doc), "-o", str(d / "nw.xlsx")])
    run("tong-hop", ["tong-hop", str(demo), str(d / "kt.xlsx"), str(d / "m18.xlsx"), "-o", str(d / "th.xlsx")])
    return out


KINDS = ["mau-2018", "mau-tt57", "mau-lite", "mau-xlsm", "demo", "demo-da-kiem-tra", "kiem-tra-out", "bao-cao-docx",
         "bao-cao-xlsx", "nam-sau", "nhap-word", "tong-hop"]


@pytest.mark.parametrize("kind", KINDS)
def test_output_is_valid_ooxml(outputs, kind):
    path = outputs[kind]
    assert path.is_file(), path
    assert _errors(path) == []
