"""Import a plan or results table from a Word document (`kdcl nhap-word`).

`docx_tables` reads the document (python-docx) into plain tables that remember merged cells;
`columns` finds the plan/results table by its header words and maps its columns to a form's columns
(form data, never positions); `labels` reads criterion labels as schools write them; `rows` joins rows
split across page breaks and tables, and places each row under its criterion; `convert` puts it all
together into fill data and a mapping report; `workbook` writes the filled template.
"""
