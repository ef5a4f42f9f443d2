"""Documents transcribed from real plans and reports → data for `fill_workbook`.

The transcriptions (tests/fixtures, and the bundled example in workbook_templates/examples) keep
each document's own table; this module maps them onto the template's columns, using
`xlbridge.core.official` for the printed results table.
"""

from __future__ import annotations

from pathlib import Path

from xlbridge.core.dates import parse_day
from xlbridge.core.official import from_official
from xlbridge.data.files import BUNDLED, load_yaml
from xlbridge.data.vocab import vocab
from xlbridge.errors import DataFileError

DEMO_EXAMPLE = BUNDLED / "examples" / "bao-cao-ket-qua-thpt-2023-2024.yaml"
# Plan columns a transcribed results table may carry besides its own (the demo example fills them)
PLAN_PART = ("ket_qua_can_dat", "chu_tri", "thoi_gian", "kinh_phi")


def _info(raw: dict, n_standards: int, path: Path) -> tuple[dict, dict]:
    info: dict[str, object] = {k: v for k, v in raw.items()
                               if isinstance(v, (str, int)) and k not in ("giai_doan", "ngay_bao_cao")}
    if not info.get("huyen") and raw.get("xa"):
        info["huyen"] = raw["xa"]
    if raw.get("giai_doan"):
        info["giai_doan"] = vocab().phase_by_id(raw["giai_doan"]).name
    if raw.get("ngay_bao_cao"):
        day = parse_day(raw["ngay_bao_cao"])
        if day is None:
            raise DataFileError(str(path), "info.ngay_bao_cao",
                                f"ngày báo cáo «{raw['ngay_bao_cao']}» không đọc được (ghi 30/05/2024 hoặc 2024-05-30)")
        info["ngay_bao_cao"] = day
    groups = {}
    for g in raw.get("nhom_cong_tac") or []:
        for std in g.get("tieu_chuan") or []:
            groups[int(std)] = {"nhom": g.get("ten"), "truong_nhom": g.get("truong_nhom") or g.get("giam_sat")}
    lists = {
        "can_cu": [{"van_ban": t} for t in raw.get("can_cu") or []],
        "nhom_cong_tac": [groups.get(i + 1, {}) for i in range(n_standards)],
        "to_giam_sat": [{"ho_ten": t} for t in raw.get("to_giam_sat") or []],
        "kien_nghi": [{"noi_dung": t} for t in raw.get("kien_nghi") or []],
    }
    return info, lists


def _item(raw: dict, kind: str) -> dict:
    values = dict(raw["values"])
    if kind == "ket-qua":
        d = from_official(values.get("done"), values.get("in_progress"), values.get("not_started"), values.get("note"))
        adjusted = values.get("adjusted")
        plan_part = {k: values[k] for k in PLAN_PART if values.get(k)}     # the demo's own plan columns
        values = {**plan_part, "giai_phap": values.get("plan"),
                  "noi_dung_dieu_chinh": None if adjusted and vocab().is_placeholder(adjusted) else adjusted,
                  "trang_thai": d.status, "ket_qua": d.result, "ly_do": d.reason, "ghi_chu_kq": d.note}
    values.pop("tieu_chuan", None)
    values.pop("tt", None)
    return {"criterion": str(raw["criterion"]), "values": values}


def load_document(path: Path | str, n_standards: int = 5) -> dict:
    """Fill data (info, lists, items, issues) for a transcribed document."""
    raw = load_yaml(Path(path), "example")
    info, lists = _info(raw.get("info") or {}, n_standards, Path(path))
    items = [_item(it, raw.get("kind", "")) for it in raw.get("items") or []]
    issues = [{"standard": v["tieu_chuan"], "values": {k: v.get(k) for k in ("tieu_chi", "hien_trang", "han_che", "nguyen_nhan")}}
              for v in raw.get("van_de") or []]
    return {"info": info, "lists": lists, "items": items, "issues": issues, "form": raw.get("form"), "kind": raw.get("kind"),
            "level_spec": raw.get("levels") or {}}


def example_levels(spec: dict, fw) -> dict[str, dict[str, str]]:
    """An example's levels for the filler: `criteria: highest` = every criterion at its highest level; `level4` = the
    Mức 4 list's current level and target."""
    from xlbridge.core.levels import choices
    from xlbridge.layout import config
    level4 = tuple(config().labels["levels_level4"])
    out: dict[str, dict[str, str]] = {}
    if spec.get("criteria") == "highest":
        for s in fw.standards:
            for c in s.criteria:
                out[c.code] = {"current": choices(fw, c, level4)[-1]}
    for c in fw.level4 if spec.get("level4") else ():
        out[c.code] = {k: v for k, v in spec["level4"].items() if v}
    return out
