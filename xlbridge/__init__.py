"""kdcl — kế hoạch cải tiến chất lượng giáo dục: frameworks as data, workbook templates, checks."""

__version__ = "0.1.0"
