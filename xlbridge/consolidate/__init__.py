"""Consolidation for the Phòng/Sở (`kdcl tong-hop`): many received workbooks checked and summarised at once.

The pipeline: `sources` finds the inputs (files, folders, saved e-mails) → `package` opens each one
safely (limits on sizes, no XML entities, no macros run) → `fastgrid` reads its cell values with
python-calamine (the one reader of every kdcl command) → `check_grid` as in `kdcl kiem-tra` →
`records` keeps a few rows per workbook → `store` (SQLite on disk, so memory stays flat) →
`tables` (duplicates, per-criterion and per-standard totals) → `workbook` / `export`.
"""
