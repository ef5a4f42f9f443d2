"""Classic xlwings route: a VBA project (xlwings.bas + KdclMacros) built from source, in an .xlsm.

The project is written with ms-ovba (the only Python writer of vbaProject.bin), with kdcl's own
MS-OVBA compressor swapped in for the library's faulty one, in a private temporary folder
(ms-ovba writes scratch files into the working directory), with a fixed random seed so that the
same input gives the same bytes.
"""

from __future__ import annotations

import contextlib
import io
import os
import random
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

from xlbridge.bridge import ovba
from xlbridge.data.files import find, load_yaml, read_text

DOC_GUIDS = {"workbook": "0002081900000000C000000000000046", "sheet": "0002082000000000C000000000000046"}
DOC_HEADER = ('VERSION 1.0 CLASS\r\nBEGIN\r\n  MultiUse = -1  \'True\r\nEND\r\nAttribute VB_Name = "{name}"\r\n')


def vba_config() -> dict:
    return load_yaml(find("vba", "vba.yaml"))


def module_source(name: str) -> str:
    if name == "xlwings":
        import xlwings
        return (Path(xlwings.__file__).parent / "xlwings.bas").read_text(encoding="ascii")
    return read_text(find("vba", f"{name}.bas"))


@contextlib.contextmanager
def _scratch_dir() -> Iterator[Path]:
    old, tmp = os.getcwd(), tempfile.mkdtemp(prefix="kdcl-vba-")
    try:
        os.chdir(tmp)
        yield Path(tmp)
    finally:
        os.chdir(old)
        shutil.rmtree(tmp, ignore_errors=True)


@contextlib.contextmanager
def _correct_compression() -> Iterator[None]:
    from ms_ovba_compression.ms_ovba import MsOvba
    original = MsOvba.compress
    MsOvba.compress = lambda self, data: ovba.compress(bytes(data))
    try:
        yield
    finally:
        MsOvba.compress = original


def build_vba_project(sheet_codenames: list[str]) -> bytes:
    """vbaProject.bin with ThisWorkbook, one document module per sheet, and the standard modules."""
    from ms_ovba.Models.Entities.doc_module import DocModule
    from ms_ovba.Models.Entities.reference import Reference
    from ms_ovba.Models.Entities.reference_registered import ReferenceRegistered
    from ms_ovba.Models.Entities.std_module import StdModule
    from ms_ovba.Models.Fields.libid_reference import LibidReference
    from ms_ovba.vbaProject import VbaProject
    from ms_ovba.Views.project_ole_file import ProjectOleFile

    cfg = vba_config()
    state = random.getstate()
    random.seed(cfg["seed"])
    try:
        with _scratch_dir() as tmp, _correct_compression():
            project = VbaProject()
            project.include_projectwm()
            project.add_attribute("VersionCompatible32", "393222000")
            project.project_id = "{" + str(uuid.UUID(int=random.getrandbits(128), version=4)).upper() + "}"
            docs = [("ThisWorkbook", DOC_GUIDS["workbook"])] + [(n, DOC_GUIDS["sheet"]) for n in sheet_codenames]
            for name, guid in docs:
                (tmp / f"{name}.cls").write_bytes(DOC_HEADER.format(name=name).encode("ascii"))
                module = DocModule(name)
                module.add_file(str(tmp / f"{name}.cls"))
                module.add_guid(uuid.UUID(guid))
                module.normalize_file()
                project.add_module(module)
            for name in cfg["modules"]:
                (tmp / f"{name}.bas").write_bytes(module_source(name).encode("ascii"))
                module = StdModule(name)
                module.add_file(str(tmp / f"{name}.bas"))
                module.normalize_file()
                project.add_module(module)
            project.add_reference(Reference(ReferenceRegistered(LibidReference(
                uuid.UUID("00020430-0000-0000-C000-000000000046"), "2.0", "0",
                r"C:\Windows\System32\stdole2.tlb", "OLE Automation")), "stdole"))
            project.add_reference(Reference(ReferenceRegistered(LibidReference(
                uuid.UUID("2DF8D04C-5BFA-101B-BDE5-00AA0044DE52"), "2.0", "0",
                r"C:\Program Files\Common Files\Microsoft Shared\OFFICE16\MSO.DLL",
                "Microsoft Office 16.0 Object Library")), "Office"))
            ProjectOleFile.write_file(project)
            return (tmp / "vbaProject.bin").read_bytes()
    finally:
        random.setstate(state)


def add_vba(wb) -> None:
    """Attach the project to an XlsxWriter workbook, with a hidden xlwings.conf sheet."""
    cfg = vba_config()
    conf = wb.add_worksheet(cfg["conf_sheet"])
    for r, (key, value) in enumerate(cfg["conf"].items()):
        conf.write_string(r, 0, key)
        conf.write_string(r, 1, str(value))
    conf.hide()
    wb.set_vba_name("ThisWorkbook")
    names = []
    for i, ws in enumerate(wb.worksheets()):
        ws.set_vba_name(f"Sheet{i + 1}")
        names.append(f"Sheet{i + 1}")
    wb.add_vba_project(io.BytesIO(build_vba_project(names)), is_stream=True)
