"""openpyxl writes a font's children (name, b, i, color, sz…) in its own order; the Open XML SDK's schema,
which Excel follows and validators check, wants b, i, strike, …, sz, color, name, family, charset, scheme.
Excel opens either, but a validator flags every font, so kdcl writes the schema's order. Imported by the one
module that saves workbooks with openpyxl (`xlbridge.io.writer`)."""

from __future__ import annotations

from openpyxl.styles.fonts import Font

SCHEMA_ORDER = ("b", "i", "strike", "condense", "extend", "outline", "shadow", "u", "vertAlign", "sz", "color",
                "name", "family", "charset", "scheme")


def use_schema_order() -> None:
    assert set(SCHEMA_ORDER) == set(Font.__elements__), "openpyxl's Font children changed"
    Font.__elements__ = SCHEMA_ORDER


use_schema_order()
