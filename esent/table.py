"""esent.Table: an open table (a cursor) with rows as dicts.

Rows cross through the native row codec (``esent._esent.RowCodec``): one native call per row
written (prepare + every column + update), per row read (move or seek + every column) and per
key made.  The table keeps one codec per index (the layout is the same, the key columns differ).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from esent import _esent, errors
from esent._lifecycle import NativeObject
from esent.columns import Column, Index, encode
from esent.schema import ColumnInfo, IndexInfo, list_columns, list_indexes

if TYPE_CHECKING:
    from esent.cursor import Range
    from esent.database import Database

_SEEK_MODES = {
    "eq": _esent.JET_bitSeekEQ, "==": _esent.JET_bitSeekEQ,
    "ge": _esent.JET_bitSeekGE, ">=": _esent.JET_bitSeekGE,
    "gt": _esent.JET_bitSeekGT, ">": _esent.JET_bitSeekGT,
    "le": _esent.JET_bitSeekLE, "<=": _esent.JET_bitSeekLE,
    "lt": _esent.JET_bitSeekLT, "<": _esent.JET_bitSeekLT,
}

Row = Mapping[str, Any]


class Table(NativeObject):
    """An open table: a cursor over its records in the order of its current index.

    Writing: ``insert``, ``insert_many``, ``update``, ``delete``, ``increment``.  Reading:
    ``get``, ``seek``, iteration (primary-key order), ``rows(index=...)``, ``range``,
    ``prefix``, ``len()``, ``bookmark`` / ``goto``.  Schema: ``columns``, ``indexes``,
    ``add_column``, ``delete_column``, ``rename_column``, ``create_index``, ``delete_index``.
    ``handle`` is the tableid.  Each write is its own implicit transaction unless the session
    has one open (``insert_many`` makes its own batches).

    Made by ``Database.create_table`` or ``Database.table``; closed with its database, or when
    the session rolls back the transaction level the table was opened in (ESENT closes such
    tables itself: "JetRollback Function").
    """

    def __init__(self, database: Database, name: str, *, handle: int | None = None) -> None:
        super().__init__(parent=database)
        self.database = database
        self.name = name
        sesid = database.session.handle
        if handle is None:
            handle = _esent.JetOpenTable(sesid, database.handle, name, 0)
        self._handle = handle
        self._current_index: str | None = None
        self._range_set = False
        try:
            self._load_schema()
            database._adopt(self)
            database.session._track_table(self)
        except BaseException:
            self._handle = None
            _esent.JetCloseTable(sesid, handle)
            raise

    # -- schema -------------------------------------------------------------------------------
    def _load_schema(self) -> None:
        """Learn the columns and indexes from the catalog (after a schema change too)."""
        sesid, tableid = self._sesid, self._handle
        columns = list_columns(sesid, tableid)
        found = list_indexes(sesid, tableid)
        self.columns: dict[str, ColumnInfo] = {c.name: c for c in columns}
        self._indexes: dict[str, IndexInfo] = {i.name: i for i in found}
        self._layout = [(c.name, c.columnid, c.coltyp, c.code_page, c.multi_valued)
                        for c in columns]
        self._codecs: dict[str | None, _esent.RowCodec] = {}
        self._current_index = None

    @property
    def indexes(self) -> list[IndexInfo]:
        """The table's indexes (primary first)."""
        return sorted(self._indexes.values(), key=lambda i: (not i.primary, i.name))

    @property
    def primary_index(self) -> IndexInfo | None:
        return next((i for i in self._indexes.values() if i.primary), None)

    @property
    def key_columns(self) -> tuple[str, ...]:
        """The primary key's column names."""
        primary = self.primary_index
        return primary.column_names if primary else ()

    def _codec(self, index: str | None) -> _esent.RowCodec:
        """The row codec whose key columns are those of ``index`` (None: the primary)."""
        codec = self._codecs.get(index)
        if codec is None:
            info = self.primary_index if index is None else self._indexes.get(index)
            if info is None and index is not None:
                raise KeyError(f"table {self.name!r} has no index {index!r}")
            names = [c[0] for c in self._layout]
            key = [names.index(c) for c in info.column_names] if info else []
            codec = _esent.RowCodec(self._layout, key)
            self._codecs[index] = codec
        return codec

    def _use(self, index: str | None) -> _esent.RowCodec:
        """Make ``index`` (None: the primary index) the cursor's current index."""
        codec = self._codec(index)
        primary = self.primary_index
        if index is not None and primary is not None and index == primary.name:
            index = None
        if index != self._current_index:
            _esent.JetSetCurrentIndex(self._sesid, self.handle, index)
            self._current_index = index
            self._range_set = False
        if self._range_set:
            self._drop_range()
        return codec

    def _drop_range(self) -> None:
        self._range_set = False
        try:
            _esent.JetSetIndexRange(self._sesid, self.handle, _esent.JET_bitRangeRemove)
        except errors.EsentError:
            pass  # a range ends by itself when a move leaves it; nothing left to remove

    def add_column(self, column: Column) -> ColumnInfo:
        """Add a column (JetAddColumn); existing records read it as NULL or its default."""
        if not isinstance(column, Column):
            raise TypeError(f"column must be esent.Column, not {type(column).__name__}")
        _esent.JetAddColumn(self._sesid, self.handle, column.name, int(column.type),
                            column.max_size, column.grbit(), int(column.code_page or 0),
                            column.default_bytes())
        self._refresh()
        return self.columns[column.name]

    def delete_column(self, name: str) -> None:
        """Delete a column (JetDeleteColumn); an index key column cannot be deleted."""
        _esent.JetDeleteColumn(self._sesid, self.handle, name)
        self._refresh()

    def rename_column(self, name: str, new_name: str) -> None:
        """Rename a column (JetRenameColumn)."""
        _esent.JetRenameColumn(self._sesid, self.handle, name, new_name, 0)
        self._refresh()

    def create_index(self, index: Index) -> IndexInfo:
        """Create a secondary index over the existing records (JetCreateIndex2)."""
        if not isinstance(index, Index):
            raise TypeError(f"index must be esent.Index, not {type(index).__name__}")
        _esent.JetCreateIndex2(self._sesid, self.handle, [index.as_create()])
        self._refresh()
        return self._indexes[index.name]

    def delete_index(self, name: str) -> None:
        """Delete a secondary index (JetDeleteIndex)."""
        if self._current_index is not None and self._current_index.lower() == name.lower():
            self._use(None)
        _esent.JetDeleteIndex(self._sesid, self.handle, name)
        self._refresh()

    def _refresh(self) -> None:
        """Read the schema again after a change, keeping the current index."""
        current = self._current_index
        self._load_schema()
        self._current_index = current

    # -- lifecycle ----------------------------------------------------------------------------
    def _describe(self) -> str:
        return f"Table {self.name!r}"

    def _release(self, handle: int) -> None:
        self.database.session._untrack_table(self)
        _esent.JetCloseTable(self.database.session.handle, handle)

    def _closed_by_engine(self) -> None:
        """The engine closed this table (a rollback of the level it was opened in): forget
        the handle without closing it again."""
        with self._lock:
            self._handle = None
        self.database._forget(self)

    @property
    def _sesid(self) -> int:
        return self.database.session.handle

    # -- writing ------------------------------------------------------------------------------
    def insert(self, row: Row | Sequence[Any]) -> bytes:
        """Insert a row: a dict (columns not given are NULL, or their default) or a tuple of
        every column's value in column order.  Returns the new record's bookmark."""
        return self._codec(None).write(self._sesid, self.handle, row, _esent.JET_prepInsert)

    def insert_many(self, rows: Iterable[Row | Sequence[Any]], *, batch_size: int = 1000,
                    lazy: bool = False) -> int:
        """Insert many rows, ``batch_size`` rows per transaction (committed durably unless
        ``lazy``), in one native loop.  When a row fails, its batch is rolled back and the
        error raised; earlier batches stay.  ``batch_size=0`` uses the caller's transaction
        (or one implicit transaction per row).  Returns the number of rows inserted."""
        return self._codec(None).insert_many(self._sesid, self.handle, rows, batch_size, lazy)

    def update(self, key: Any, values: Row, *, index: str | None = None) -> None:
        """Change columns of the record with this key (KeyError if there is none)."""
        codec = self._use(index)
        if codec.seek(self._sesid, self.handle, key, _esent.JET_bitSeekEQ, False) is None:
            raise KeyError(key)
        codec.write(self._sesid, self.handle, values, _esent.JET_prepReplace)

    def delete(self, key: Any, *, index: str | None = None) -> None:
        """Delete the record with this key (KeyError if there is none)."""
        codec = self._use(index)
        if codec.seek(self._sesid, self.handle, key, _esent.JET_bitSeekEQ, False) is None:
            raise KeyError(key)
        _esent.JetDelete(self._sesid, self.handle)

    def increment(self, key: Any, column: str, delta: int = 1) -> int:
        """Add ``delta`` to an escrow-update column of the record with this primary key
        (JetEscrowUpdate, inside a transaction level of its own); returns the value before.
        Concurrent increments do not conflict (ESENT's escrow locking)."""
        info = self._column(column)
        width = 8 if info.coltyp == _esent.JET_coltypLongLong else 4
        delta_bytes = int(delta).to_bytes(width, "little", signed=True)
        session = self.database.session
        with session.transaction():
            codec = self._use(None)
            if codec.seek(self._sesid, self.handle, key, _esent.JET_bitSeekEQ, False) is None:
                raise KeyError(key)
            old = _esent.JetEscrowUpdate(self._sesid, self.handle, info.columnid, delta_bytes, 0)
        return int.from_bytes(old, "little", signed=True)

    # -- reading ------------------------------------------------------------------------------
    def _column(self, name: str) -> ColumnInfo:
        try:
            return self.columns[name]
        except KeyError:
            raise KeyError(f"table {self.name!r} has no column {name!r}") from None

    def current(self) -> dict[str, Any]:
        """The record the cursor is on, as a dict (NoCurrentRecordError when on none)."""
        return self._codec(self._current_index).current(self._sesid, self.handle)

    def get(self, key: Any, default: Any = None, *, index: str | None = None) -> Any:
        """The record with this key in ``index`` (None: the primary key), or ``default``.
        ``key`` is a value, or a tuple for a key of several columns."""
        row = self._use(index).seek(self._sesid, self.handle, key, _esent.JET_bitSeekEQ)
        return default if row is None else row

    def seek(self, key: Any, mode: str = "eq", *, index: str | None = None
             ) -> dict[str, Any] | None:
        """Position on the first record (in ``index``'s order) whose key matches ``key`` under
        ``mode``: "eq", "ge", "gt", "le", "lt" (or "==", ">=", ">", "<=", "<"); returns that
        record, or None when none qualifies.  A shorter key than the index's matches on its
        leading columns."""
        try:
            grbit = _SEEK_MODES[mode.lower()]
        except KeyError:
            raise ValueError(f"unknown seek mode {mode!r}") from None
        return self._use(index).seek(self._sesid, self.handle, key, grbit)

    def rows(self, *, index: str | None = None, reverse: bool = False,
             as_tuple: bool = False) -> Iterator[Any]:
        """Every record in ``index``'s order (None: the primary index), as dicts, or as
        tuples in column order with ``as_tuple``."""
        codec = self._use(index)
        return codec.rows(self._sesid, self.handle, 1, reverse, as_tuple)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        """Every record in primary-key order."""
        return self.rows()

    def range(self, start: Any = None, stop: Any = None, *, index: str | None = None,
              inclusive: bool = False, reverse: bool = False, as_tuple: bool = False
              ) -> Range:
        """The records whose key in ``index`` is from ``start`` (included; None: the first)
        to ``stop`` (excluded unless ``inclusive``; None: the last), in index order or
        ``reverse``.  Keys shorter than the index's compare on their leading columns.
        Built on JetSeek and JetSetIndexRange: see ``esent.cursor.Range``."""
        from esent.cursor import Range

        return Range(self, index, start=start, stop=stop, inclusive=inclusive,
                     reverse=reverse, as_tuple=as_tuple)

    def prefix(self, key: Any, *, index: str | None = None, reverse: bool = False,
               as_tuple: bool = False) -> Range:
        """The records whose key in ``index`` starts with ``key``: its leading columns equal
        all but the last value of ``key``, and the next column starts with the last value (a
        str starts with a shorter str; other types match exactly).  Built on JetMakeKey's
        JET_bitPartialColumnStartLimit / EndLimit and JetSetIndexRange."""
        from esent.cursor import Range

        return Range(self, index, prefix=key, reverse=reverse, as_tuple=as_tuple)

    def __len__(self) -> int:
        """The number of records (JetIndexRecordCount on the primary index)."""
        self._use(None)
        sesid, tableid = self._sesid, self.handle
        try:
            _esent.JetMove(sesid, tableid, _esent.JET_MoveFirst, 0)
        except errors.NoCurrentRecordError:
            return 0
        return int(_esent.JetIndexRecordCount(sesid, tableid, 0))

    def bookmark(self) -> bytes:
        """The current record's bookmark (JetGetBookmark)."""
        return _esent.JetGetBookmark(self._sesid, self.handle)

    def goto(self, bookmark: bytes) -> dict[str, Any]:
        """Move to the record with this bookmark (from ``insert`` or ``bookmark``) and
        return it (JetGotoBookmark; RecordDeletedError when it is gone)."""
        _esent.JetGotoBookmark(self._sesid, self.handle, bookmark)
        return self.current()

    def encode(self, column: str, value: Any) -> bytes | None:
        """``value`` as the bytes the engine stores in ``column`` (for ``esent.jet`` calls)."""
        info = self._column(column)
        return encode(info.coltyp, info.code_page, value)
