"""Loading and schema-checking the data files in `workbook_templates/`."""

from xlbridge.data.catalog import Criterion, Framework, Standard, choose_framework, frameworks, get_framework
from xlbridge.data.forms import Column, Form, Review, get_form, info_form
from xlbridge.data.vocab import vocab

__all__ = [
    "Column", "Criterion", "Form", "Framework", "Review", "Standard",
    "choose_framework", "frameworks", "get_form", "get_framework", "info_form", "vocab",
]
