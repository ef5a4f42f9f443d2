"""Writes vbaProject.bin with ms-ovba and ms-cfb, in a process of its own (`python -m xlbridge.bridge.vba_writer`).

Both libraries write their scratch files ("fat_chain.bin", "temp.bin", …) into the working directory,
so kdcl runs them in a child process whose working directory is a private temporary folder: the
caller's process keeps its own directory, its `random` and the libraries as they are. The streams
are assembled here through the libraries' public views (`to_bytes`), module and `dir` streams
compressed by kdcl's own MS-OVBA compressor (`xlbridge.bridge.ovba`; ms-ovba's has a length bug).
The project id and the salts ms-ovba-crypto draws come from this process's `random`, seeded from
vba.yaml, so the same input gives the same bytes.

Input (stdin, JSON): {"seed": int, "docs": [[name, guid hex], …], "modules": [[name, source], …]}.
Output: vbaProject.bin in the working directory.
"""

from __future__ import annotations

import json
import random
import sys
import uuid
from pathlib import Path

from xlbridge.bridge import ovba

DOC_HEADER = ('VERSION 1.0 CLASS\r\nBEGIN\r\n  MultiUse = -1  \'True\r\nEND\r\nAttribute VB_Name = "{name}"\r\n')
REFERENCES = [
    ("00020430-0000-0000-C000-000000000046", r"C:\Windows\System32\stdole2.tlb", "OLE Automation", "stdole"),
    ("2DF8D04C-5BFA-101B-BDE5-00AA0044DE52", r"C:\Program Files\Common Files\Microsoft Shared\OFFICE16\MSO.DLL",
     "Microsoft Office 16.0 Object Library", "Office"),
]


def _project(job: dict, folder: Path):
    """The ms-ovba project model: ThisWorkbook and sheet modules, standard modules, two references."""
    from ms_ovba.Models.Entities.doc_module import DocModule
    from ms_ovba.Models.Entities.reference import Reference
    from ms_ovba.Models.Entities.reference_registered import ReferenceRegistered
    from ms_ovba.Models.Entities.std_module import StdModule
    from ms_ovba.Models.Fields.libid_reference import LibidReference
    from ms_ovba.vbaProject import VbaProject

    project = VbaProject()
    project.include_projectwm()
    project.add_attribute("VersionCompatible32", "393222000")
    project.project_id = "{" + str(uuid.UUID(int=random.getrandbits(128), version=4)).upper() + "}"
    sources: dict[str, Path] = {}
    for name, guid in job["docs"]:
        sources[name] = folder / f"{name}.cls"
        sources[name].write_bytes(DOC_HEADER.format(name=name).encode("ascii"))
        module = DocModule(name)
        module.add_file(str(sources[name]))
        module.add_guid(uuid.UUID(guid))
        module.normalize_file()
        project.add_module(module)
    for name, source in job["modules"]:
        sources[name] = folder / f"{name}.bas"
        sources[name].write_bytes(source.encode("ascii"))
        module = StdModule(name)
        module.add_file(str(sources[name]))
        module.normalize_file()
        project.add_module(module)
    for guid, path, title, name in REFERENCES:
        project.add_reference(Reference(ReferenceRegistered(LibidReference(uuid.UUID(guid), "2.0", "0", path, title)), name))
    return project, sources


def _stream(folder: Path, name: str, data: bytes):
    from ms_cfb.Models.Directories.stream_directory import StreamDirectory
    path = folder / f"{name}.stream"
    path.write_bytes(data)
    return StreamDirectory(name, str(path))


def write_project(job: dict, folder: Path) -> Path:
    """The OLE file with the VBA storage (modules, dir, _VBA_PROJECT), PROJECTwm and PROJECT streams."""
    from ms_cfb.Models.Directories.root_directory import RootDirectory
    from ms_cfb.Models.Directories.storage_directory import StorageDirectory
    from ms_cfb.ole_file import OleFile
    from ms_ovba.Views.dirStream import DirStream
    from ms_ovba.Views.project import Project
    from ms_ovba.Views.project_view import ProjectView
    from ms_ovba.Views.projectWm import ProjectWm

    project, sources = _project(job, folder)
    root = RootDirectory()
    root.set_modified(project.default_date)
    storage = StorageDirectory("VBA")
    storage.set_created(project.default_date)
    storage.set_modified(project.default_date)
    for module in project.get_modules():
        normalized = Path(f"{sources[module.name]}.new").read_bytes()
        storage.add_directory(_stream(folder, module.name, module.cache + ovba.compress(normalized)))
    storage.add_directory(_stream(folder, "dir", ovba.compress(DirStream(project).to_bytes())))
    storage.add_directory(_stream(folder, "_VBA_PROJECT", ProjectView(project).to_bytes()))
    root.add_directory(storage)
    root.add_directory(_stream(folder, "PROJECTwm", ProjectWm(project).to_bytes()))
    root.add_directory(_stream(folder, "PROJECT", Project(project).to_bytes()))
    target = folder / "vbaProject.bin"
    ole = OleFile()
    ole.root_directory = root
    ole.create_file(str(target))
    return target


def main() -> int:
    job = json.loads(sys.stdin.read())
    random.seed(job["seed"])        # this process's own generator: the project id and ms-ovba-crypto's salts
    write_project(job, Path.cwd())
    return 0


if __name__ == "__main__":
    sys.exit(main())
