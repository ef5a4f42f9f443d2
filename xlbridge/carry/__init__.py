"""Year to year: next year's plan from this year's results (`kdcl nam-sau`).

`crosswalk` reads the criterion crosswalks between circulars (data), `plan` is the pure step
(PlanBook → next year's fill data and review marks), `review_list` describes the "Mang sang" sheet
that carries the marks (read by the MS01 rule), `workbook` writes the new workbook with openpyxl.
"""
