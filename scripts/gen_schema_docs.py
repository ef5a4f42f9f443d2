"""Export the data-file schemas (xlbridge/data/schemas/*.json) to docs/schemas/*.schema.json and write
docs/du-lieu.md, the page for provinces that edit the data files.

Usage: python scripts/gen_schema_docs.py [--check]   (--check: exit 1 if a file is out of date)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from xlbridge.data.schema import TYPE_NAMES, iter_fields, schemas

DOCS = Path(__file__).resolve().parent.parent / "docs"
PAGE = DOCS / "du-lieu.md"

INTRO = """\
# Tệp dữ liệu của kdcl và lược đồ của chúng

Tệp này được sinh từ `xlbridge/data/schemas/*.json` bằng `python scripts/gen_schema_docs.py`; đừng sửa tay.

Bộ tiêu chuẩn, mẫu bảng, danh mục (trạng thái, giai đoạn, cấp học), câu thông báo và lời văn của kdcl là
các tệp YAML trong `workbook_templates/`. Tỉnh muốn dùng mẫu riêng: chép tệp cần sửa vào một thư mục, giữ
nguyên thư mục con (ví dụ `forms/tinh-moi.yaml`), sửa, rồi đặt biến môi trường `KDCL_DU_LIEU` trỏ tới thư mục
đó; tệp cùng tên ở đây được dùng thay tệp có sẵn.

Mỗi loại tệp có một lược đồ (JSON Schema, bản 2020-12) trong `docs/schemas/`. Khi đọc một tệp, kdcl kiểm tra
nó theo lược đồ: khóa lạ (thường là viết sai, ví dụ `requried:` thay cho `required:`), giá trị sai kiểu,
thiếu mục bắt buộc đều là lỗi, kèm tên tệp, vị trí trong tệp và cách sửa, ví dụ:

    Tệp dữ liệu du-lieu-tinh/forms/tinh-moi.yaml, mục columns[0].requried: khóa «requried» không có trong
    lược đồ của tệp này (viết sai hoặc thừa); có phải «required»?

Vị trí viết như `columns[0].required`: mục `columns`, phần tử đầu tiên (đếm từ 0), khóa `required`.
Trình soạn thảo có hỗ trợ YAML (ví dụ VS Code với phần mở rộng YAML) kiểm tra ngay khi gõ nếu dòng đầu tệp là
`# yaml-language-server: $schema=<đường dẫn tới docs/schemas/form.schema.json>`.

**English.** kdcl's frameworks, table forms, vocabularies, messages and texts are YAML files under
`workbook_templates/`; a province overrides one by putting a file of the same relative path in a folder named
by `KDCL_DU_LIEU`. Every kind of file has a JSON Schema (draft 2020-12) in `docs/schemas/`, checked whenever
kdcl loads the file: unknown keys, wrong types and missing fields are errors naming the file, the path inside
it and the key. The tables below list each kind's keys (path, type, required, meaning).
"""


def _type(sub: dict) -> str:
    if "enum" in sub:
        return "một trong: " + ", ".join(f"`{v}`" for v in sub["enum"])
    if "const" in sub:
        return f"`{sub['const']}`"
    if "anyOf" in sub:
        return " hoặc ".join(_type(s) for s in sub["anyOf"])
    kinds = sub.get("type", [])
    names = [TYPE_NAMES[k] for k in ([kinds] if isinstance(kinds, str) else kinds)]
    text = " hoặc ".join(names) or "bất kỳ"
    items = sub.get("items")
    if kinds == "array" and isinstance(items, dict) and "type" in items and "properties" not in items:
        text += f" ({_type(items)})"
    if isinstance(sub.get("additionalProperties"), dict) and not sub.get("properties"):
        text += f" (mỗi giá trị: {_type(sub['additionalProperties'])})"
    return text


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _section(kind: str, sch: dict) -> list[str]:
    lines = [f"## {sch['title']} — `{kind}`", "",
             f"Tệp: {', '.join(f'`{p}`' for p in sch['x-kdcl-files'])} · English: {sch['x-kdcl-title-en']} · "
             f"lược đồ: [`schemas/{kind}.schema.json`](schemas/{kind}.schema.json)", "", _cell(sch["description"]), "",
             "| Khóa | Kiểu | Bắt buộc | Ý nghĩa |", "|---|---|---|---|"]
    for path, sub, required in iter_fields(sch):
        lines.append(f"| `{path}` | {_cell(_type(sub))} | {'có' if required else ''} | {_cell(sub.get('description', ''))} |")
    return [*lines, ""]


def render() -> dict[Path, str]:
    out = {}
    body = [INTRO, "| Loại | Tệp | English |", "|---|---|---|"]
    for kind, sch in schemas().items():
        names = ", ".join(f"`{p}`" for p in sch["x-kdcl-files"])
        body.append(f"| [{sch['title']}](#{kind}) | {names} | {sch['x-kdcl-title-en']} |")
        out[DOCS / "schemas" / f"{kind}.schema.json"] = json.dumps(sch, ensure_ascii=False, indent=2) + "\n"
    body.append("")
    for kind, sch in schemas().items():
        body += [f'<a id="{kind}"></a>', "", *_section(kind, sch)]
    out[PAGE] = "\n".join(body)
    return out


def main() -> int:
    wanted = render()
    stale_exports = {p for p in (DOCS / "schemas").glob("*.schema.json")} - set(wanted)
    if "--check" in sys.argv:
        current = {p: p.read_text(encoding="utf-8") if p.exists() else None for p in wanted}
        return 0 if all(current[p] == t for p, t in wanted.items()) and not stale_exports else 1
    for path in stale_exports:
        path.unlink()
    for path, text in wanted.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    print(f"wrote {PAGE} and {len(wanted) - 1} schemas in {DOCS / 'schemas'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
