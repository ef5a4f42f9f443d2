"""Issue 17, measured: `kdcl kiem-tra` on every input of the hostile corpus (tests/make_hostile_corpus.py), and one
`kdcl tong-hop` over the whole corpus plus 50 good workbooks, each in a subprocess under RLIMIT_AS 1 GiB and a time cap.

Asserted for every input: the exit code is a documented one, the message is Vietnamese, no traceback or exception
class name is printed, the inputs are byte-identical afterwards, nothing is written outside the output folder, no
temporary file is left; tong-hop completes, lists every bad file with its reason and consolidates every good one.
kiem-tra runs in one warm driver process (tests/hostile_driver.py) — the reads themselves are forked children —
and a fresh driver is started after any crash, which fails the test naming the file.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SEEDS, TT57, seed_workbook, tt57_workbook
from make_hostile_corpus import Case, _xml_text, make_hostile_corpus

from xlbridge.errors import exit_codes

LIMIT = 1 << 30                       # RLIMIT_AS of every subprocess
PER_FILE = 30.0                       # seconds: the cap for one kiem-tra (the benchmark's target is 10)
MAIL = (".eml", ".mbox", ".msg")
VIETNAMESE = re.compile("[À-ỹ]")
LEAK = re.compile(r"Traceback|\b[A-Z]\w*(?:Error|Exception|Warning)\b|panicked|memory allocation of|File \"")
DRIVER = Path(__file__).with_name("hostile_driver.py")
GOOD_SCHOOLS = 50


def _cap() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))


def _snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _good_workbooks(folder: Path, bases: Path) -> dict[str, str]:
    """50 good workbooks, one school each, from the seven transcribed documents (file name → school name)."""
    import openpyxl
    folder.mkdir()
    made: list[Path] = []
    for kind, name in [("seed", n) for n in sorted(SEEDS)] + [("tt57", n) for n in sorted(TT57)]:
        src = (seed_workbook if kind == "seed" else tt57_workbook)(bases, name)
        wb = openpyxl.load_workbook(src)
        for row in wb["Thông tin"].iter_rows(max_col=2):
            if str(row[0].value or "").startswith("Tên trường"):
                row[1].value = "@@TEN@@"
        marked = bases / f"marked-{name}.xlsx"
        wb.save(marked)
        made.append(marked)
    import zipfile
    schools = {}
    for i in range(GOOD_SCHOOLS):
        src = made[i % len(made)]
        school = f"Trường Tốt Số {i + 1}"
        dst = folder / f"tot-{i + 1:02d}.xlsx"
        with zipfile.ZipFile(src) as z, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
            for info in z.infolist():
                out.writestr(info.filename, z.read(info).replace(b"@@TEN@@", _xml_text(school)))
        schools[dst.name] = school
    return schools


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("hostile")
    bases = tmp_path_factory.mktemp("hostile-bases")
    cases = make_hostile_corpus(root / "corpus", seed_workbook(bases, "ket-qua-thpt"))
    schools = _good_workbooks(root / "tot", bases)
    for name in ("cwd", "ra", "tmp"):
        (root / name).mkdir()
    env = {**os.environ, "TMPDIR": str(root / "tmp"), "PYTHONPATH": str(Path(__file__).parents[1])}
    return {"root": root, "cases": cases, "schools": schools, "env": env,
            "before": {k: _snapshot(root / k) for k in ("corpus", "tot")}}


def _kiem_tra_all(world: dict, paths: list[Path]) -> tuple[dict[str, dict], list[str]]:
    """Every path through the driver; a new driver after a crash. Returns results and the files a driver died on."""
    results: dict[str, dict] = {}
    crashed: list[str] = []
    todo = [str(p) for p in paths]
    while todo:
        done = subprocess.run([sys.executable, str(DRIVER), str(LIMIT)], input="\n".join(todo) + "\n", text=True,
                              capture_output=True, cwd=world["root"] / "cwd", env=world["env"], preexec_fn=_cap,
                              timeout=60 + PER_FILE * len(todo))
        started = None
        for line in done.stdout.splitlines():
            row = json.loads(line)
            if "start" in row:
                started = row["start"]
            else:
                results[row["file"]] = row
                started = None
        if started is None:
            break
        crashed.append(f"{Path(started).name}: exit {done.returncode} {done.stderr[-300:]}")
        todo = todo[todo.index(started) + 1:]
    return results, crashed


@pytest.fixture(scope="module")
def kiem_tra(world) -> dict:
    cases: list[Case] = world["cases"]
    started = time.monotonic()
    results, crashed = _kiem_tra_all(world, [world["root"] / "corpus" / c.name for c in cases])
    return {"results": results, "crashed": crashed, "seconds": time.monotonic() - started}


@pytest.fixture(scope="module")
def tong_hop(world, kiem_tra) -> dict:
    root = world["root"]
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "xlbridge.cli", "tong-hop", str(root / "corpus"), str(root / "tot"),
                           "-o", str(root / "ra" / "tong-hop.xlsx"), "--csv", str(root / "ra" / "csv"), "-j", "2"],
                          capture_output=True, text=True, cwd=root / "cwd", env=world["env"], preexec_fn=_cap, timeout=600)
    tables = {}
    csv.field_size_limit(sys.maxsize)
    for key in ("danh_sach", "ban_trung", "khong_doc_duoc"):
        path = root / "ra" / "csv" / f"{key}.csv"
        tables[key] = list(csv.DictReader(path.open(encoding="utf-8-sig"))) if path.is_file() else []
    return {"done": done, "tables": tables, "seconds": time.monotonic() - started}


def test_the_corpus_is_large_and_covers_every_class(world):
    cases: list[Case] = world["cases"]
    classes = {c.klass for c in cases}
    assert len(cases) >= 250
    assert classes >= {"zip", "xml", "kich-thuoc", "phan", "so", "unicode", "thu"}
    assert min(sum(c.klass == k for c in cases) for k in classes) >= 15


def test_kiem_tra_never_crashes_and_always_explains(world, kiem_tra):
    assert not kiem_tra["crashed"], kiem_tra["crashed"]
    documented = {c.code for c in exit_codes().values()} - {exit_codes()["internal"].code}
    problems = []
    for case in world["cases"]:
        row = kiem_tra["results"].get(str(world["root"] / "corpus" / case.name))
        if row is None:
            problems.append(f"{case.name}: no result")
            continue
        text = row["stdout"] + row["stderr"]
        if row["code"] not in documented:
            problems.append(f"{case.name}: exit {row['code']}")
        if not VIETNAMESE.search(text):
            problems.append(f"{case.name}: no Vietnamese message")
        if LEAK.search(text):
            problems.append(f"{case.name}: {LEAK.search(text).group(0)!r} in the output")
        if row["seconds"] > PER_FILE:
            problems.append(f"{case.name}: {row['seconds']:.1f} s")
        if case.expect == "reject" and not case.name.endswith(MAIL) and row["code"] != 2:
            problems.append(f"{case.name}: read although it must be refused (exit {row['code']})")
        if case.expect == "read" and not case.name.endswith(MAIL) and row["code"] not in (0, 1):
            problems.append(f"{case.name}: refused although it must be read: {row['stderr'][:160]}")
        if row["code"] == 2 and not row["stderr"].strip():
            problems.append(f"{case.name}: refused without a message")
    assert not problems, "\n".join(problems)


def _shown(csv_name: str) -> str:
    """The name as typed, from its CSV cell (export.csv_text neutralises a leading = + - @)."""
    from xlbridge.consolidate.export import FORMULA_START
    return csv_name[1:] if csv_name.startswith("'") and csv_name[1:].startswith(FORMULA_START) else csv_name


def test_tong_hop_completes_and_accounts_for_every_input(world, tong_hop):
    done, tables = tong_hop["done"], tong_hop["tables"]
    assert done.returncode == exit_codes()["findings"].code, done.stderr[-2000:]
    assert not LEAK.search(done.stdout + done.stderr), (done.stdout + done.stderr)[-2000:]
    assert (world["root"] / "ra" / "tong-hop.xlsx").is_file()
    # a file name that starts like a formula ("=cmd.xlsx") is written to the CSV with an apostrophe in front
    read = {_shown(r["tep"]) for r in tables["danh_sach"]} | {_shown(r["tep"]) for r in tables["ban_trung"]}
    refused = {_shown(r["tep"]): r for r in tables["khong_doc_duoc"]}
    names = {r["ten_truong"] for r in tables["danh_sach"]}
    assert set(world["schools"].values()) <= names, sorted(set(world["schools"].values()) - names)
    assert set(world["schools"]) <= read
    for row in tables["khong_doc_duoc"]:
        assert row["ly_do"].strip() and row["loai"].strip() and VIETNAMESE.search(row["ly_do"] + row["loai"]), row
        assert not LEAK.search(row["ly_do"]), row
    origins = " ".join(r["nguon"] for t in tables.values() for r in t)
    problems = []
    for case in world["cases"]:
        path = str(world["root"] / "corpus" / case.name)
        if case.name.endswith(MAIL) and case.name != "thu-outlook.msg":
            if path not in origins and case.name not in refused and not any(k.startswith(case.name) for k in refused):
                problems.append(f"{case.name}: not listed")
            continue
        if case.name not in read and case.name not in refused:
            problems.append(f"{case.name}: neither read nor listed as unreadable")
        if case.expect == "reject" and case.name not in refused:
            problems.append(f"{case.name}: not in «Không đọc được»")
        if case.expect == "read" and case.name not in read:
            problems.append(f"{case.name}: not consolidated ({refused.get(case.name, {}).get('ly_do', '')[:120]})")
    assert not problems, "\n".join(problems)


def test_inputs_unchanged_and_nothing_written_elsewhere(world, kiem_tra, tong_hop):
    root = world["root"]
    assert {k: _snapshot(root / k) for k in ("corpus", "tot")} == world["before"]
    assert list((root / "cwd").iterdir()) == []
    assert sorted(p.name for p in root.iterdir()) == ["corpus", "cwd", "ra", "tmp", "tot"]
    assert sorted(p.name for p in (root / "ra").iterdir()) == ["csv", "tong-hop.xlsx"]
    left = [p.name for p in (root / "tmp").iterdir()]
    assert not left, left


def test_report_times(world, kiem_tra, tong_hop):
    """Not an assertion on speed (benchmarks/bench_hostile.py is): a record in the test log."""
    slowest = max(kiem_tra["results"].values(), key=lambda r: r["seconds"])
    print(f"\nkiem-tra: {len(kiem_tra['results'])} tệp trong {kiem_tra['seconds']:.1f} s, chậm nhất "
          f"{Path(slowest['file']).name} {slowest['seconds']:.2f} s; tong-hop: {tong_hop['seconds']:.1f} s")
