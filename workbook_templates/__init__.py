"""Data that drives kdcl: frameworks (bộ tiêu chuẩn), table forms, vocabularies, messages, texts.

Kept as a package only so that the files install with kdcl; nothing here is code.
"""
