"""Parse the parts of `objdump -p` output the Windows cross-check needs: PE format, the import
table (DLL -> imported names) and the export name table."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass
class PEInfo:
    file_format: str = ""
    imports: dict[str, list[str]] = field(default_factory=dict)
    exports: list[str] = field(default_factory=list)


_FORMAT = re.compile(r"file format (\S+)")
_DLL = re.compile(r"^\s*DLL Name:\s*(\S+)")
# "\t9200\t   56  JetCreateInstance2W" (vma, hint, name); ordinal-only imports have no name
_IMPORT = re.compile(r"^\s+[0-9a-fA-F]+\s+(\d+)\s+(\S+)")
_EXPORT = re.compile(r"^\s*\[\s*\d+\]\s+(\S+)\s*$")


def parse_objdump(text: str) -> PEInfo:
    info = PEInfo()
    m = _FORMAT.search(text)
    if m:
        info.file_format = m.group(1)
    section = None
    dll = None
    for line in text.splitlines():
        if line.startswith("The Import Tables"):
            section = "imports"
            continue
        if line.startswith("The Export Tables"):
            section = "exports-header"
            continue
        if line.startswith("[Ordinal/Name Pointer] Table") and section == "exports-header":
            section = "exports"
            continue
        if line.startswith("The ") and section is not None:
            section = None  # next interpreted section (.pdata, .reloc, ...)
            continue
        if section == "imports":
            m = _DLL.match(line)
            if m:
                dll = m.group(1)
                info.imports.setdefault(dll, [])
                continue
            if dll is not None and not line.strip():
                # a blank line ends one DLL's list only after its entries started
                if info.imports[dll]:
                    dll = None
                continue
            if dll is not None and "Hint/Ord" not in line:
                m = _IMPORT.match(line)
                if m:
                    info.imports[dll].append(m.group(2))
        elif section == "exports":
            m = _EXPORT.match(line)
            if m:
                info.exports.append(m.group(1))
            elif line.strip():
                section = None
    return info
