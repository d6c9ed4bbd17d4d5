"""esent.Database: a database file opened by a session."""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Iterable, Sequence

from esent import _esent, errors
from esent._lifecycle import NativeObject
from esent.columns import Column, Index

if TYPE_CHECKING:
    from esent.session import Session
    from esent.table import Table

# What the Python side knows about tables it created (or was told about): per database file
# (absolute path), per table name (lower case: ESE names are case-insensitive), the column names
# and the primary key's column names.  ESENT enumerates a table's columns through a temporary
# table (JetGetTableColumnInfo with JET_ColInfoList), which libese does not have yet, so a table
# the Python side has not seen needs ``Database.table(name, columns=[...])``.
_schemas: dict[str, dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {}
_schemas_lock = threading.Lock()


def _remember(path: str, table: str, columns: Sequence[str], key: Sequence[str]) -> None:
    with _schemas_lock:
        _schemas.setdefault(path, {})[table.lower()] = (tuple(columns), tuple(key))


def _recall(path: str, table: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    with _schemas_lock:
        return _schemas.get(path, {}).get(table.lower())


class Database(NativeObject):
    """A database open in one session (a JET_DBID).

    Made by ``Session.create_database`` (create, attach and open), ``Session.attach_database``
    (attach and open) or ``Session.open_database`` (open a file the instance has attached).
    Closing it closes its tables, then the dbid; a Database that attached the file (create or
    attach) also detaches it, unless another session still has it open (then JetTerm detaches
    it).  ``handle`` is the dbid.
    """

    def __init__(self, session: Session, path: str | os.PathLike[str], *, mode: str,
                 grbit: int = 0) -> None:
        super().__init__(parent=session)
        self.session = session
        self.path = os.path.abspath(os.fspath(path))
        self._attached = False
        sesid = session.handle
        with session._lock:
            if mode == "create":
                self._handle = _esent.JetCreateDatabase2(sesid, self.path, 0, grbit)
                self._attached = True
            else:
                if mode == "attach":
                    _esent.JetAttachDatabase2(sesid, self.path, 0, grbit)
                    # JET_wrnDatabaseAttached: someone else attached it and will detach it
                    self._attached = _esent.get_last_warning() == 0
                try:
                    self._handle = _esent.JetOpenDatabase(sesid, self.path, None, grbit)
                except BaseException:
                    if self._attached:
                        _esent.JetDetachDatabase2(sesid, self.path, 0)
                    raise
            session._adopt(self)

    def _describe(self) -> str:
        return f"Database {self.path!r}"

    def _release(self, handle: int) -> None:
        sesid = self.session.handle
        _esent.JetCloseDatabase(sesid, handle, 0)
        if self._attached:
            try:
                _esent.JetDetachDatabase2(sesid, self.path, 0)
            except errors.EsentError as exc:
                if exc.code != -1202:  # JET_errDatabaseInUse: another session has it open
                    raise

    # -- tables -------------------------------------------------------------------------------
    def create_table(self, name: str, columns: Iterable[Column],
                     indexes: Iterable[Index] = ()) -> Table:
        """Create a table with its columns and indexes; returns it open (a ``Table``)."""
        from esent.table import Table

        columns = list(columns)
        indexes = list(indexes)
        for column in columns:
            if not isinstance(column, Column):
                raise TypeError(f"columns must be esent.Column, not {type(column).__name__}")
            column.check_supported()
        primary = [index for index in indexes if index.primary]
        if len(primary) > 1:
            raise ValueError("a table has at most one primary index")
        created = [c.as_create() for c in columns]
        index_defs = [i.as_create() for i in indexes]
        tableid, _ = _esent.JetCreateTableColumnIndex2(
            self.session.handle, self.handle, name, created, index_defs
        )
        key = primary[0].column_names if primary else ()
        _remember(self.path, name, [c.name for c in columns], key)
        return Table(self, name, handle=tableid, columns=[c.name for c in columns], key=key)

    def table(self, name: str, *, columns: Sequence[str] | None = None,
              key: Sequence[str] | None = None) -> Table:
        """Open a table.  Its columns are learnt through JetGetTableColumnInfo; which ones exist
        comes from ``columns`` or from what this process created (see the module comment)."""
        from esent.table import Table

        known = _recall(self.path, name)
        if columns is None:
            if known is None:
                raise ValueError(
                    f"the columns of table {name!r} are not known here: pass columns=[...]"
                )
            columns = known[0]
        if key is None:
            key = known[1] if known else ()
        return Table(self, name, columns=list(columns), key=tuple(key))
