"""Cell formats of the template, built once per workbook from workbook.yaml."""

from __future__ import annotations

from xlsxwriter.workbook import Workbook

from xlbridge.layout import Config


class Styles:
    """Named XlsxWriter formats; every one uses the configured font (Times New Roman)."""

    def __init__(self, wb: Workbook, cfg: Config) -> None:
        c = cfg.colors
        base = {"font_name": cfg.font, "font_size": cfg.font_size, "valign": "top", "text_wrap": True}

        def fmt(**kw):
            return wb.add_format({**base, **kw})

        self.title = fmt(bold=True, font_size=cfg.font_size + 2, font_color="#" + c["title"], text_wrap=False)
        self.subtitle = fmt(italic=True, text_wrap=False)
        self.status = fmt(italic=True, font_color="#C00000", text_wrap=False, locked=False)
        self.header = fmt(bold=True, bg_color="#" + c["header"], border=1, align="center", valign="vcenter")
        self.group = fmt(bold=True, bg_color="#" + c["group"], border=1, align="center", valign="vcenter")
        self.criterion = fmt(bold=True, bg_color="#" + c["criterion"], border=1)
        self.criterion_fill = fmt(bg_color="#" + c["criterion"], border=1)
        # the title row's cells other than the code and the title itself: unlocked, because a row inserted
        # directly below copies them (office suites format an inserted row like the one above)
        self.criterion_open = fmt(bg_color="#" + c["criterion"], border=1, locked=False)
        self.code = fmt(font_color="#" + c["locked_text"], border=1, align="center")
        self.code_open = fmt(font_color="#" + c["locked_text"], border=1, align="center", locked=False)
        self.status_print = fmt(italic=True, font_color="#C00000", text_wrap=False, locked=False)
        # The whole of an item row is unlocked (cells beyond the table too), so the row can be deleted.
        self.row_open = wb.add_format({"locked": False, "font_name": cfg.font, "font_size": cfg.font_size})
        self.input = fmt(locked=False, border=1, bg_color="#" + c["input"])
        self.input_date = fmt(locked=False, border=1, num_format="dd/mm/yyyy", align="left", bg_color="#" + c["input"])
        self.label = fmt(bold=True, border=1, bg_color="#" + c["criterion"])
        self.hint = fmt(italic=True, font_color="#" + c["locked_text"])
        self.text = fmt()
        self.bold = fmt(bold=True, text_wrap=False)
        self.number = fmt(border=1, align="center")
        self.percent = fmt(border=1, num_format="0.0%", align="center")
        self.money_out = fmt(border=1, num_format="#,##0", locked=False)
        self.count_out = fmt(border=1, align="center", locked=False)
        self.total = fmt(bold=True, border=1, align="center", bg_color="#" + c["criterion"])
        self.total_pct = fmt(bold=True, border=1, num_format="0.0%", align="center", bg_color="#" + c["criterion"])
        self.missing = wb.add_format({"bg_color": "#" + c["missing"]})
        self.out = fmt(locked=False)
