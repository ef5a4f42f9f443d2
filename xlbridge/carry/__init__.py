"""Year to year: next year's plan from this year's results (`kdcl nam-sau`).

`crosswalk` reads the criterion crosswalks between circulars (data), `plan` is the pure step
(PlanBook → next year's fill data and review marks), `workbook` writes the new workbook with openpyxl.
The "Mang sang" sheet that carries the marks is described in `xlbridge.core.carried` (the MS01 rule
reads it back, and the core imports no feature package) and its words in `xlbridge.data.carry_texts`.
"""
