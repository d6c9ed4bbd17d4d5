"""What a table is made of, as the engine reports it: columns (JetGetTableColumnInfo with
JET_ColInfoListSortColumnid), indexes (JetGetTableIndexInfo with JET_IdxInfoList) and the
database's tables (JetGetObjectInfo with JET_ObjInfoListNoStats).  Each list comes back as a
temporary table that is read here and closed.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass

from esent import _esent, errors

_U32 = struct.Struct("<I")
#: JET_bitKeyDescending in JET_INDEXLIST's grbitColumn.
_KEY_DESCENDING = 0x1


@dataclass(frozen=True)
class ColumnInfo:
    """One column as the engine describes it."""

    name: str
    columnid: int
    coltyp: int
    code_page: int
    max_size: int
    grbit: int

    @property
    def multi_valued(self) -> bool:
        return bool(self.grbit & _esent.JET_bitColumnMultiValued)



@dataclass(frozen=True)
class IndexInfo:
    """One index of a table: ``key_columns`` like ``("+a", "-b")``."""

    name: str
    key_columns: tuple[str, ...]
    grbit: int

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c[1:] for c in self.key_columns)

    @property
    def primary(self) -> bool:
        return bool(self.grbit & _esent.JET_bitIndexPrimary)

    @property
    def unique(self) -> bool:
        return bool(self.grbit & (_esent.JET_bitIndexUnique | _esent.JET_bitIndexPrimary))


def _rows(sesid: int, tableid: int) -> Iterator[None]:
    """Walk a temporary list table from its first row, closing it at the end."""
    try:
        try:
            _esent.JetMove(sesid, tableid, _esent.JET_MoveFirst, 0)
        except errors.NoCurrentRecordError:
            return
        while True:
            yield None
            try:
                _esent.JetMove(sesid, tableid, _esent.JET_MoveNext, 0)
            except errors.NoCurrentRecordError:
                return
    finally:
        _esent.JetCloseTable(sesid, tableid)


def _text(sesid: int, tableid: int, columnid: int) -> str:
    data = _esent.JetRetrieveColumn(sesid, tableid, columnid, 0)
    return "" if data is None else data.decode("utf-16-le").rstrip("\0")


def _u32(sesid: int, tableid: int, columnid: int) -> int:
    data = _esent.JetRetrieveColumn(sesid, tableid, columnid, 0)
    return 0 if not data else _U32.unpack(data[:4].ljust(4, b"\0"))[0]


def list_columns(sesid: int, tableid: int) -> list[ColumnInfo]:
    """Every column of an open table, in columnid order."""
    info = _esent.JetGetTableColumnInfo(sesid, tableid, None, _esent.JET_ColInfoListSortColumnid)
    t = info["tableid"]
    return [
        ColumnInfo(_text(sesid, t, info["columnidcolumnname"]),
                   _u32(sesid, t, info["columnidcolumnid"]), _u32(sesid, t, info["columnidcoltyp"]),
                   _u32(sesid, t, info["columnidCp"]) & 0xFFFF, _u32(sesid, t, info["columnidcbMax"]),
                   _u32(sesid, t, info["columnidgrbit"]))
        for _ in _rows(sesid, t)
    ]


def list_indexes(sesid: int, tableid: int) -> list[IndexInfo]:
    """Every index of an open table, its key columns in key order."""
    info = _esent.JetGetTableIndexInfo(sesid, tableid, None, _esent.JET_IdxInfoList)
    t = info["tableid"]
    found: dict[str, tuple[int, dict[int, str]]] = {}
    for _ in _rows(sesid, t):
        name = _text(sesid, t, info["columnidindexname"])
        grbit = _u32(sesid, t, info["columnidgrbitIndex"])
        position = _u32(sesid, t, info["columnidiColumn"])
        column = _text(sesid, t, info["columnidcolumnname"])
        sign = "-" if _u32(sesid, t, info["columnidgrbitColumn"]) & _KEY_DESCENDING else "+"
        found.setdefault(name, (grbit, {}))[1][position] = sign + column
    return [IndexInfo(name, tuple(cols[i] for i in sorted(cols)), grbit)
            for name, (grbit, cols) in found.items()]


def list_tables(sesid: int, dbid: int) -> list[str]:
    """The names of the database's user tables (system tables left out)."""
    info = _esent.JetGetObjectInfo(sesid, dbid, _esent.JET_objtypTable, None, None,
                                   _esent.JET_ObjInfoListNoStats)
    t = info["tableid"]
    names = []
    for _ in _rows(sesid, t):
        flags = _u32(sesid, t, info["columnidflags"])
        name = _text(sesid, t, info["columnidobjectname"])
        if not flags & _esent.JET_bitObjectSystem and not name.startswith("MSys"):
            names.append(name)
    return names
