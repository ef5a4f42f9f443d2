"""Writing kdcl workbooks (templates) from the data files."""
