"""The documents kdcl writes (workbook_templates/narrative/van-ban.yaml) and the extra tables (bang.yaml)."""

from __future__ import annotations

from dataclasses import dataclass

from xlbridge.core.vntext import fold
from xlbridge.data.catalog import LAYOUTS
from xlbridge.data.files import Checker, cached, find, load_yaml
from xlbridge.data.vocab import vocab
from xlbridge.errors import KdclError
from xlbridge.model import PlanBook

KINDS = ("ket-qua", "tien-do", "ke-hoach")
REVIEW_CHOICES = ("latest", "first-midyear")


@dataclass(frozen=True)
class DocumentSpec:
    loai: str
    layout: str
    name: str
    code: str                    # "BC", "KH"
    phase: str | None
    review: str                  # which review by default
    orientation: str
    sections: tuple[str, ...]    # template files, relative to the narrative folder


@dataclass(frozen=True)
class Documents:
    documents: tuple[DocumentSpec, ...]
    signer: dict
    unit: dict
    superiors: tuple[tuple[str, str], ...]
    superior_unknown: str
    review_moments: dict[str, str]
    sheet_documents: dict[str, str]      # phase id → loai of the document on the "Báo cáo" sheet
    sheet_table_note: str
    table_names: dict[str, str]
    empty_table_row: str

    def get(self, loai: str, layout: str) -> DocumentSpec:
        for d in self.documents:
            if d.loai == loai and d.layout == layout:
                return d
        raise KdclError(kind="loai-van-ban", loai=loai, layout=layout, choices=", ".join(KINDS))

    def kind_for(self, book: PlanBook) -> str:
        """The document that fits the workbook's phase (`sheet_documents`): what `bao-cao` writes without
        --loai, what the button's Word report is and what a check puts on the "Báo cáo" sheet."""
        phase = book.info.phase or vocab().phases[0]
        return self.sheet_documents.get(phase.id, "ket-qua")

    def by_cap_hoc(self, table: dict, cap_hoc: str | None) -> str:
        return str((table.get("by_cap_hoc") or {}).get(cap_hoc or "", table["default"]))

    def superior(self, co_quan: str) -> str:
        """Short name of the supervising body for "Nơi nhận" ("SỞ GIÁO DỤC VÀ ĐÀO TẠO AN GIANG" → "Sở GDĐT")."""
        key = fold(co_quan)
        if not key:
            return self.superior_unknown
        for starts, name in self.superiors:
            if key.startswith(fold(starts)):
                return name
        return co_quan.strip()


def _document(c: Checker, phases: list[str]) -> DocumentSpec:
    sections = c.get("sections", list)
    if not sections or not all(isinstance(s, str) and s.endswith(".j2") for s in sections):
        c.fail("phải là danh sách tên tệp mẫu .j2", "sections")
    return DocumentSpec(c.get("loai", str, choices=KINDS), c.get("layout", str, choices=LAYOUTS), c.get("name", str),
                        c.get("code", str), c.get("phase", str, None, choices=phases),
                        c.get("review", str, "latest", choices=REVIEW_CHOICES),
                        c.get("orientation", str, "portrait", choices=("portrait", "landscape")), tuple(sections))


@cached
def documents() -> Documents:
    path = find("narrative", "van-ban.yaml")
    c = Checker(path, load_yaml(path))
    phases = [p.id for p in vocab().phases]
    docs = tuple(_document(Checker(path, raw, f"documents[{i}]"), phases) for i, raw in enumerate(c.get("documents", list)))
    seen = [(d.loai, d.layout) for d in docs]
    if len(set(seen)) != len(seen):
        c.fail("hai văn bản trùng loại và bố cục", "documents")
    tables = {}
    for key in ("signer", "unit"):
        t = Checker(path, c.get(key, dict), key)
        tables[key] = {"default": t.get("default", str), "by_cap_hoc": t.get("by_cap_hoc", dict, {})}
    sup = []
    for i, raw in enumerate(c.get("superiors", list, [])):
        s = Checker(path, raw, f"superiors[{i}]")
        sup.append((s.get("starts", str), s.get("name", str)))
    sheet_docs = {str(k): str(v) for k, v in c.get("sheet_documents", dict).items()}
    for phase, loai in sheet_docs.items():
        if phase not in phases or loai not in KINDS:
            c.fail(f"«{phase}: {loai}» phải là giai đoạn: loại văn bản ({', '.join(KINDS)})", "sheet_documents")
    return Documents(docs, tables["signer"], tables["unit"], tuple(sup),
                     c.get("superior_unknown", str), {str(k): str(v) for k, v in c.get("review_moments", dict, {}).items()},
                     sheet_docs, c.get("sheet_table_note", str), {str(k): str(v) for k, v in c.get("table_names", dict).items()},
                     c.get("empty_table_row", str))


@dataclass(frozen=True)
class ExtraTable:
    key: str
    title: str
    header: tuple[tuple[str | None, ...], ...]
    columns: tuple[str, ...]
    widths: tuple[float, ...]


@cached
def extra_tables() -> dict[str, ExtraTable]:
    path = find("narrative", "bang.yaml")
    c = Checker(path, load_yaml(path))
    out = {}
    for key, raw in c.get("tables", dict).items():
        t = Checker(path, raw, f"tables.{key}")
        header = tuple(tuple(None if h is None else str(h) for h in row) for row in t.get("header", list))
        widths = tuple(float(w) for w in t.get("widths", list))
        columns = tuple(str(x) for x in t.get("columns", list, []))
        n = len(widths)
        if any(len(row) != n for row in header) or (columns and len(columns) != n):
            t.fail(f"header, columns và widths phải cùng số cột ({n})")
        out[str(key)] = ExtraTable(str(key), t.get("title", str), header, columns, widths)
    return out
