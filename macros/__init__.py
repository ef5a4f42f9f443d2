"""Functions that Excel buttons call (xlwings Lite scripts and classic RunPython).

They take an `xlwings.Book`, read its values in one pass, run the same core as `kdcl kiem-tra`,
and write results back through xlwings only.
"""
