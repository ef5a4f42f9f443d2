"""Every kind of data file has a strict schema: an unknown key, a wrong type or a missing field fails to load
with a Vietnamese message naming the file, the path inside it and the key — tested through KDCL_DU_LIEU, as
a province would meet it, for every kind of file.
"""

from __future__ import annotations

import copy
import random
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from xlbridge.data import files, schema
from xlbridge.data.files import BUNDLED
from xlbridge.errors import DataFileError

ROOT = Path(__file__).resolve().parent.parent


def _load_guide() -> Any:
    return files.load_yaml(files.find("texts", "huong-dan.yaml"))     # how template/builder.py reads it


def _loaders() -> dict[str, tuple[str, Callable[[Path], Any]]]:
    """kind → (a bundled file of that kind, the loader kdcl uses for it, given the copied file)."""
    from xlbridge.bridge.bundle import lite_config
    from xlbridge.bridge.notices import notices
    from xlbridge.bridge.xlsm import vba_config
    from xlbridge.carry.crosswalk import crosswalks
    from xlbridge.consolidate.texts import texts
    from xlbridge.core.findings import rule_specs
    from xlbridge.data.carry_texts import carry_texts
    from xlbridge.data.catalog import frameworks
    from xlbridge.data.forms import get_form, info_form
    from xlbridge.data.vocab import vocab
    from xlbridge.data.wording import wording
    from xlbridge.errors import error_kinds
    from xlbridge.examples import load_document
    from xlbridge.importer.texts import import_texts
    from xlbridge.layout import config
    from xlbridge.report.documents import documents, extra_tables
    from xlbridge.report.reasons import causes
    from xlbridge.report.similar import similarity
    from xlbridge.report.wording import wording as report_wording
    return {
        "framework": ("frameworks/tt18-2018-trung-hoc.yaml", lambda p: frameworks()),
        "form": ("forms/ke-hoach-2018.yaml", lambda p: get_form("ke-hoach-2018")),
        "info-form": ("forms/thong-tin.yaml", lambda p: info_form()),
        "statuses": ("vocab/statuses.yaml", lambda p: vocab()),
        "phases": ("vocab/phases.yaml", lambda p: vocab()),
        "cap-hoc": ("vocab/cap-hoc.yaml", lambda p: vocab()),
        "placeholders": ("vocab/placeholders.yaml", lambda p: vocab()),
        "messages": ("messages/rules.yaml", lambda p: rule_specs()),
        "errors": ("messages/errors.yaml", lambda p: error_kinds()),
        "crosswalk": ("crosswalk/tt18-2018-trung-hoc--tt57-2026-pho-thong.yaml", lambda p: crosswalks()),
        "layout": ("workbook.yaml", lambda p: config()),
        "lite": ("lite/lite.yaml", lambda p: lite_config()),
        "nut": ("texts/nut.yaml", lambda p: notices()),
        "vba": ("vba/vba.yaml", lambda p: vba_config()),
        "huong-dan": ("texts/huong-dan.yaml", lambda p: _load_guide()),
        "mang-sang": ("texts/mang-sang.yaml", lambda p: carry_texts()),
        "nhap-word": ("texts/nhap-word.yaml", lambda p: import_texts()),
        "tong-hop": ("texts/tong-hop.yaml", lambda p: texts()),
        "van-ban": ("narrative/van-ban.yaml", lambda p: documents()),
        "bang": ("narrative/bang.yaml", lambda p: extra_tables()),
        "nguyen-nhan": ("narrative/nguyen-nhan.yaml", lambda p: (causes(), similarity())),
        "loi-van": ("narrative/loi-van.yaml", lambda p: report_wording()),
        "example": ("examples/bao-cao-ket-qua-thpt-2023-2024.yaml", lambda p: load_document(p)),
        "result-wording": ("vocab/result-wording.yaml", lambda p: wording()),
        "loai-hinh": ("vocab/loai-hinh.yaml", lambda p: vocab()),
    }


KINDS = sorted(schema.schemas())


@pytest.fixture
def user_data(tmp_path, monkeypatch):
    monkeypatch.setenv("KDCL_DU_LIEU", str(tmp_path))
    files.reload()
    yield tmp_path
    monkeypatch.delenv("KDCL_DU_LIEU")
    files.reload()


# ---- walking a document alongside its schema ----

def _target(sub: Any, root: dict) -> Any:
    return schema._resolve(sub["$ref"], root) if isinstance(sub, dict) and "$ref" in sub else sub


def _nodes(data: Any, sub: Any, root: dict, where: tuple = ()) -> Iterator[tuple[tuple, Any, dict]]:
    """(path, value, its schema) for every value of the document the schema describes with a fixed shape."""
    sub = _target(sub, root)
    if not isinstance(sub, dict) or "anyOf" in sub:
        return
    yield where, data, sub
    if isinstance(data, dict):
        props = sub.get("properties", {})
        for key, value in data.items():
            child = props.get(key, sub.get("additionalProperties"))
            if isinstance(child, dict):
                yield from _nodes(value, child, root, (*where, key))
    elif isinstance(data, list) and isinstance(sub.get("items"), dict):
        for i, item in enumerate(data):
            yield from _nodes(item, sub["items"], root, (*where, i))


def _at(data: Any, where: tuple) -> Any:
    for part in where:
        data = data[part]
    return data


def _deepest(candidates: list[tuple]) -> tuple:
    return max(candidates, key=lambda c: (len(c[0]), [str(p) for p in c[0]]))


def _unknown_key(data: Any, root: dict) -> tuple[Any, tuple]:
    """The document with an unknown key in its deepest closed mapping."""
    closed = [(w, v, s) for w, v, s in _nodes(data, root, root) if isinstance(v, dict) and s.get("additionalProperties") is False]
    where, _v, _s = _deepest(closed)
    out = copy.deepcopy(data)
    _at(out, where)["khoa_la"] = "x"
    return out, (*where, "khoa_la")


def _wrong_type(data: Any, root: dict) -> tuple[Any, tuple]:
    """The document with a text/number/true-false value replaced by a list."""
    scalars = [(w, v, s) for w, v, s in _nodes(data, root, root) if w and s.get("type") in ("string", "integer", "boolean")]
    where, _v, _s = _deepest(scalars)
    out = copy.deepcopy(data)
    _at(out, where[:-1])[where[-1]] = ["một", "danh sách"]
    return out, where


def _missing_field(data: Any, root: dict) -> tuple[Any, tuple]:
    """The document without one required field of its deepest mapping that has one."""
    holders = [(w, v, s) for w, v, s in _nodes(data, root, root)
               if isinstance(v, dict) and any(k in v for k in s.get("required", []))]
    where, value, sub = _deepest(holders)
    key = next(k for k in sub["required"] if k in value)
    out = copy.deepcopy(data)
    del _at(out, where)[key]
    return out, (*where, key)


def _bundled(relative: str) -> Any:
    return yaml.safe_load((BUNDLED / relative).read_text(encoding="utf-8"))


def _write(base: Path, relative: str, data: Any) -> Path:
    path = base / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# ---- the tests ----

def test_every_kind_has_a_loader_test():
    assert sorted(_loaders()) == KINDS


def test_every_bundled_data_file_has_a_schema_and_passes_it():
    for path in sorted(BUNDLED.rglob("*.yaml")):
        relative = path.relative_to(BUNDLED).as_posix()
        kind = schema.kind_of(relative)
        assert kind is not None, f"no schema covers {relative}"
        schema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), schema.schemas()[kind])
    for path in sorted((ROOT / "tests" / "fixtures").rglob("*.yaml")):
        if path.parent.name == "variations":
            continue                # test cases (rows + expected findings), not transcribed documents
        schema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), schema.schemas()["example"])


def test_every_schema_covers_a_bundled_file():
    bundled = [p.relative_to(BUNDLED).as_posix() for p in BUNDLED.rglob("*.yaml")]
    for kind in KINDS:
        assert any(schema.kind_of(r) == kind for r in bundled), kind


def test_schemas_are_valid_draft_2020_12():
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema (test extra) is not installed")
    for kind, sch in schema.schemas().items():
        jsonschema.Draft202012Validator.check_schema(sch)
        assert sch.get("title") and sch.get("description") and sch.get("x-kdcl-title-en"), kind


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("mutate, words", [
    (_unknown_key, "không có trong lược đồ"), (_wrong_type, "phải là"), (_missing_field, "thiếu, bắt buộc"),
])
def test_broken_copy_fails_to_load_naming_file_path_and_key(user_data, kind, mutate, words):
    relative, load = _loaders()[kind]
    broken, where = mutate(_bundled(relative), schema.schemas()[kind])
    path = _write(user_data, relative, broken)
    with pytest.raises(DataFileError) as err:
        load(path)
    message = str(err.value)
    assert message.startswith(f"Tệp dữ liệu {path}, mục {schema.field_path(where)}: "), message
    assert words in message and str(where[-1]) in message


def test_typo_in_a_province_form_is_caught_and_the_key_suggested(user_data):
    """`requried:` for `required:` used to make every column optional, silently."""
    from xlbridge.data.forms import get_form
    (user_data / "forms").mkdir()
    text = (BUNDLED / "forms" / "tien-do-tien-giang.yaml").read_text(encoding="utf-8")
    assert "    required: ke-hoach\n" in text
    (user_data / "forms" / "tinh-moi.yaml").write_text(
        text.replace("id: tien-do-tien-giang", "id: tinh-moi").replace("    required: ke-hoach\n", "    requried: ke-hoach\n", 1),
        encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        get_form("tinh-moi")
    assert err.value.field == "columns[0].requried"
    assert "tinh-moi.yaml" in err.value.path and "«requried»" in str(err.value) and "có phải «required»?" in str(err.value)


def test_unquoted_date_is_explained(user_data):
    from xlbridge.data.catalog import frameworks
    text = (BUNDLED / "frameworks" / "tt19-2018-mam-non.yaml").read_text(encoding="utf-8")
    (user_data / "frameworks").mkdir()
    (user_data / "frameworks" / "tt19-2018-mam-non.yaml").write_text(text.replace("date: '2018-08-22'", "date: 2018-08-22"),
                                                                    encoding="utf-8")
    with pytest.raises(DataFileError, match=r"mục circular\.date: phải là chữ: viết trong dấu nháy, ví dụ '2018-08-22'"):
        frameworks()


def test_unquoted_code_read_as_a_number_is_explained(user_data):
    from xlbridge.carry.crosswalk import crosswalks
    text = (BUNDLED / "crosswalk" / "tt19-2018-mam-non--tt57-2026-mam-non.yaml").read_text(encoding="utf-8")
    assert 'from: "1.1"' in text
    (user_data / "crosswalk").mkdir()
    (user_data / "crosswalk" / "tt19-2018-mam-non--tt57-2026-mam-non.yaml").write_text(
        text.replace('from: "1.1"', "from: 1.1", 1), encoding="utf-8")
    with pytest.raises(DataFileError, match=r"mục mappings\[0\]\.from: phải là chữ: viết trong dấu nháy, ví dụ '1.1'"):
        crosswalks()


def test_cli_shows_the_schema_message_without_traceback(user_data, tmp_path, capsys):
    from xlbridge.cli import main
    data = _bundled("vocab/statuses.yaml")
    data["statuses"][1]["aliasses"] = ["Đang làm dở"]
    _write(user_data, "vocab/statuses.yaml", data)
    code = main(["template", "--cap-hoc", "THCS", "--nam-hoc", "2024-2025", "-o", str(tmp_path / "x.xlsx")])
    err = capsys.readouterr().err
    assert code == 4 and "statuses.yaml, mục statuses[1].aliasses" in err and "«aliases»" in err and "Traceback" not in err
    assert not (tmp_path / "x.xlsx").exists()


# ---- the validator agrees with the reference implementation ----

def _mutations(data: Any, rng: random.Random, n: int) -> Iterator[Any]:
    """Random damage: keys added or removed, values replaced by other kinds of value."""
    paths = [w for w, _v, _s in _walk(data)]
    odd = ["x", 3, 2.5, True, None, [], {}, ["x"], {"a": 1}, "", -1]
    for _ in range(n):
        out = copy.deepcopy(data)
        where = rng.choice(paths)
        node = _at(out, where)
        choice = rng.random()
        if isinstance(node, dict) and choice < 0.3:
            node[rng.choice(["khoa_la", "requried", "Title"])] = rng.choice(odd)
        elif isinstance(node, dict) and node and choice < 0.6:
            del node[rng.choice(list(node))]
        elif where:
            _at(out, where[:-1])[where[-1]] = rng.choice(odd)
        yield out


def _walk(data: Any, where: tuple = ()) -> Iterator[tuple[tuple, Any, None]]:
    yield where, data, None
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _walk(v, (*where, k))
    elif isinstance(data, list):
        for i, v in enumerate(data[:3]):
            yield from _walk(v, (*where, i))


@pytest.mark.parametrize("kind", KINDS)
def test_validator_agrees_with_jsonschema(kind):
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema (test extra) is not installed")
    relative, _load = _loaders()[kind]
    sch = schema.schemas()[kind]
    reference = jsonschema.Draft202012Validator(sch)
    rng = random.Random(kind)
    rejected = 0
    for doc in _mutations(_bundled(relative), rng, 150):
        try:
            schema.validate(doc, sch)
            ours = True
        except schema.Invalid:
            ours = False
        assert ours == reference.is_valid(doc), (kind, doc if len(str(doc)) < 2000 else "…")
        rejected += not ours
    assert rejected > 30, "the mutations must mostly break the file"


def test_unknown_schema_keyword_is_refused():
    with pytest.raises(schema.SchemaError, match="unsupported"):
        schema._check_keywords({"type": "object", "properties": {"a": {"type": "string", "format": "date"}}}, "t")


# ---- where validation runs ----

def test_button_path_does_not_validate_embedded_files():
    """In the xlwings Lite bundle the data files are the bundled ones, checked at build and test time."""
    code = ("import sys; from xlbridge.data import files; "
            "files.EMBEDDED['vocab/phases.yaml'] = 'phases:\\n  - {id: a, name: A, thua: 1}\\n'; "
            "files.load_yaml(files.find('vocab', 'phases.yaml')); print('xlbridge.data.schema' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_schema_docs_are_current():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_schema_docs.py"), "--check"], cwd=ROOT)
    assert result.returncode == 0, "docs/schemas is stale: run python scripts/gen_schema_docs.py"


def test_schema_choices_match_the_code():
    """Where code branches on a value, the schema offers exactly the values the code knows."""
    from xlbridge.consolidate.texts import TYPES
    from xlbridge.core.findings import SEVERITIES
    from xlbridge.data.catalog import LAYOUTS, LEVEL_RULE_KINDS
    from xlbridge.data.forms import PARTS, ROLES
    from xlbridge.report.documents import KINDS as DOC_KINDS
    from xlbridge.report.documents import REVIEW_CHOICES
    s = schema.schemas()
    props = s["van-ban"]["properties"]["documents"]["items"]["properties"]
    assert s["form"]["$defs"]["role"]["enum"] == list(ROLES)
    assert s["form"]["properties"]["part"]["enum"] == list(PARTS)
    assert s["framework"]["properties"]["layout"]["enum"] == list(LAYOUTS) == props["layout"]["enum"]
    assert s["framework"]["properties"]["level_rule"]["properties"]["kind"]["enum"] == list(LEVEL_RULE_KINDS)
    assert s["tong-hop"]["$defs"]["column"]["properties"]["type"]["enum"] == list(TYPES)
    assert s["messages"]["properties"]["rules"]["additionalProperties"]["properties"]["severity"]["enum"] == list(SEVERITIES)
    assert props["loai"]["enum"] == list(DOC_KINDS) and props["review"]["enum"] == list(REVIEW_CHOICES)


# ---- frameworks: one per cấp học and school year ----

def test_overlapping_frameworks_are_an_error(user_data):
    from xlbridge.data.catalog import frameworks
    data = _bundled("frameworks/tt57-2026-pho-thong.yaml")
    data["id"] = "tt99-2025-pho-thong"
    data["applies_to"] = ["THCS"]
    data["school_years"] = {"first": "2025-2026", "last": "2027-2028"}
    path = _write(user_data, "frameworks/tt99-2025-pho-thong.yaml", data)
    with pytest.raises(DataFileError) as err:
        frameworks()
    message = str(err.value)
    assert err.value.field == "school_years" and str(path) in message
    assert "tt18-2018-trung-hoc" in message or "tt57-2026-pho-thong" in message
    assert "cấp học THCS" in message and "chồng" in message


def test_adjacent_frameworks_are_fine(user_data):
    from xlbridge.data.catalog import choose_framework, frameworks
    old = _bundled("frameworks/tt57-2026-pho-thong.yaml")
    old["school_years"] = {"first": "2026-2027", "last": "2029-2030"}
    _write(user_data, "frameworks/tt57-2026-pho-thong.yaml", old)
    new = copy.deepcopy(old)
    new["id"] = "tt99-2030-pho-thong"
    new["circular"]["number"] = "99/2030/TT-BGDĐT"
    new["school_years"] = {"first": "2030-2031", "last": None}
    _write(user_data, "frameworks/tt99-2030-pho-thong.yaml", new)
    assert len(frameworks()) == 7
    assert choose_framework("THCS", 2029).id == "tt57-2026-pho-thong"
    assert choose_framework("THCS", 2030).id == "tt99-2030-pho-thong"
