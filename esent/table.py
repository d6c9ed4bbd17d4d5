"""esent.Table: an open table (a cursor on its primary index) with rows as dicts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator, Mapping, Sequence

from esent import _esent, errors
from esent._lifecycle import NativeObject
from esent.columns import decode, encode

if TYPE_CHECKING:
    from esent.database import Database

_SEEK_MODES = {
    "eq": _esent.JET_bitSeekEQ, "==": _esent.JET_bitSeekEQ,
    "ge": _esent.JET_bitSeekGE, ">=": _esent.JET_bitSeekGE,
    "gt": _esent.JET_bitSeekGT, ">": _esent.JET_bitSeekGT,
    "le": _esent.JET_bitSeekLE, "<=": _esent.JET_bitSeekLE,
    "lt": _esent.JET_bitSeekLT, "<": _esent.JET_bitSeekLT,
}

_UPDATE_NOT_PREPARED = -1609


class ColumnInfo:
    """What the engine says about one column (JetGetTableColumnInfo)."""

    __slots__ = ("name", "columnid", "coltyp", "code_page", "max_size", "grbit")

    def __init__(self, name: str, info: Mapping[str, int]) -> None:
        self.name = name
        self.columnid: int = info["columnid"]
        self.coltyp: int = info["coltyp"]
        self.code_page: int = info["cp"]
        self.max_size: int = info["cbMax"]
        self.grbit: int = info["grbit"]

    def __repr__(self) -> str:
        return f"<ColumnInfo {self.name!r} id={self.columnid} coltyp={self.coltyp}>"


class Table(NativeObject):
    """An open table: ``insert``, iteration in primary-key order, ``seek``, ``get``,
    ``update``, ``delete``.  ``handle`` is the tableid.  Each insert, update and delete is its
    own implicit transaction unless the session has one open.

    Made by ``Database.create_table`` or ``Database.table``; closed with its database.
    """

    def __init__(self, database: Database, name: str, *, columns: Sequence[str],
                 key: Sequence[str] = (), handle: int | None = None) -> None:
        super().__init__(parent=database)
        self.database = database
        self.name = name
        self.key_columns: tuple[str, ...] = tuple(key)
        sesid = database.session.handle
        if handle is None:
            handle = _esent.JetOpenTable(sesid, database.handle, name, 0)
        self._handle = handle
        try:
            self.columns: dict[str, ColumnInfo] = {
                column: ColumnInfo(column, _esent.JetGetTableColumnInfo(sesid, handle, column))
                for column in columns
            }
            database._adopt(self)
        except BaseException:
            self._handle = None
            _esent.JetCloseTable(sesid, handle)
            raise

    def _describe(self) -> str:
        return f"Table {self.name!r}"

    def _release(self, handle: int) -> None:
        _esent.JetCloseTable(self.database.session.handle, handle)

    @property
    def _sesid(self) -> int:
        return self.database.session.handle

    def _column(self, name: str) -> ColumnInfo:
        try:
            return self.columns[name]
        except KeyError:
            raise KeyError(f"table {self.name!r} has no column {name!r}") from None

    # -- writing ------------------------------------------------------------------------------
    def _set_and_update(self, values: Mapping[str, Any], prep: int) -> bytes:
        sesid, tableid = self._sesid, self.handle
        _esent.JetPrepareUpdate(sesid, tableid, prep)
        try:
            for name, value in values.items():
                column = self._column(name)
                data = encode(column.coltyp, column.code_page, value)
                grbit = _esent.JET_bitSetZeroLength if data == b"" else 0
                _esent.JetSetColumn(sesid, tableid, column.columnid, data, grbit)
            return _esent.JetUpdate(sesid, tableid)
        except BaseException:
            try:
                _esent.JetPrepareUpdate(sesid, tableid, _esent.JET_prepCancel)
            except errors.EsentError as exc:
                if exc.code != _UPDATE_NOT_PREPARED:
                    raise
            raise

    def insert(self, row: Mapping[str, Any]) -> bytes:
        """Insert a row (columns not given are NULL); returns its bookmark."""
        return self._set_and_update(row, _esent.JET_prepInsert)

    def update(self, key: Any, values: Mapping[str, Any]) -> None:
        """Change columns of the row with this primary key (KeyError if there is none)."""
        if not self._seek_eq(key):
            raise KeyError(key)
        self._set_and_update(values, _esent.JET_prepReplace)

    def delete(self, key: Any) -> None:
        """Delete the row with this primary key (KeyError if there is none)."""
        if not self._seek_eq(key):
            raise KeyError(key)
        _esent.JetDelete(self._sesid, self.handle)

    # -- reading ------------------------------------------------------------------------------
    def current(self) -> dict[str, Any]:
        """The row the cursor is on, as a dict (NoCurrentRecordError when it is on none)."""
        sesid, tableid = self._sesid, self.handle
        return {
            name: decode(c.coltyp, c.code_page,
                         _esent.JetRetrieveColumn(sesid, tableid, c.columnid, 0))
            for name, c in self.columns.items()
        }

    def __iter__(self) -> Iterator[dict[str, Any]]:
        """Every row in primary-key order."""
        sesid, tableid = self._sesid, self.handle
        try:
            _esent.JetMove(sesid, tableid, _esent.JET_MoveFirst, 0)
        except errors.NoCurrentRecordError:
            return
        while True:
            yield self.current()
            try:
                _esent.JetMove(sesid, self.handle, _esent.JET_MoveNext, 0)
            except errors.NoCurrentRecordError:
                return

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def _make_key(self, key: Any) -> None:
        values = key if isinstance(key, (tuple, list)) else (key,)
        if not self.key_columns:
            raise ValueError(f"the primary key of table {self.name!r} is not known here")
        if len(values) > len(self.key_columns):
            raise ValueError(f"the primary key has {len(self.key_columns)} column(s)")
        sesid, tableid = self._sesid, self.handle
        for i, value in enumerate(values):
            column = self._column(self.key_columns[i])
            data = encode(column.coltyp, column.code_page, value)
            grbit = _esent.JET_bitNewKey if i == 0 else 0
            if data == b"":
                grbit |= _esent.JET_bitKeyDataZeroLength
            _esent.JetMakeKey(sesid, tableid, data, grbit)

    def _seek_eq(self, key: Any) -> bool:
        self._make_key(key)
        try:
            _esent.JetSeek(self._sesid, self.handle, _esent.JET_bitSeekEQ)
        except errors.RecordNotFoundError:
            return False
        return True

    def seek(self, key: Any, mode: str = "eq") -> dict[str, Any] | None:
        """Position on the row matching ``key`` (a value, or a tuple for a multi-column key)
        under ``mode`` ("eq", "ge", "gt", "le", "lt" or "==", ">=", ">", "<=", "<"); returns
        that row, or None when no row qualifies."""
        try:
            grbit = _SEEK_MODES[mode.lower()]
        except KeyError:
            raise ValueError(f"unknown seek mode {mode!r}") from None
        self._make_key(key)
        try:
            _esent.JetSeek(self._sesid, self.handle, grbit)
        except errors.RecordNotFoundError:
            return None
        return self.current()

    def get(self, key: Any, default: Any = None) -> Any:
        """The row with this primary key, or ``default``."""
        row = self.seek(key, "eq")
        return default if row is None else row
