"""Putting the "Kiểm tra" button into workbooks: xlwings Lite (code inside the .xlsx) and classic
xlwings (a VBA project in an .xlsm calling the installed Python)."""
