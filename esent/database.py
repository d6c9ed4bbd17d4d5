"""esent.Database: a database file opened by a session."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Iterable

from esent import _esent, errors
from esent._lifecycle import NativeObject
from esent.columns import Column, Index

if TYPE_CHECKING:
    from esent.session import Session
    from esent.table import Table

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
        """Create a table with its columns and indexes (JetCreateTableColumnIndex2); returns
        it open.  At most one index is ``primary``; without one ESENT orders records by an
        internal sequence number."""
        from esent.table import Table

        columns = list(columns)
        indexes = list(indexes)
        for column in columns:
            if not isinstance(column, Column):
                raise TypeError(f"columns must be esent.Column, not {type(column).__name__}")
        for index in indexes:
            if not isinstance(index, Index):
                raise TypeError(f"indexes must be esent.Index, not {type(index).__name__}")
        if sum(1 for index in indexes if index.primary) > 1:
            raise ValueError("a table has at most one primary index")
        created = [c.as_create() for c in columns]
        index_defs = [i.as_create() for i in indexes]
        tableid, _ = _esent.JetCreateTableColumnIndex2(
            self.session.handle, self.handle, name, created, index_defs
        )
        return Table(self, name, handle=tableid)

    def table(self, name: str) -> Table:
        """Open a table; its columns and indexes are read from the catalog (JET_ColInfoList,
        JET_IdxInfoList).  ObjectNotFoundError when there is no such table."""
        from esent.table import Table

        return Table(self, name)

    def tables(self) -> list[str]:
        """The names of the database's tables (JetGetObjectInfo, JET_ObjInfoListNoStats)."""
        from esent.schema import list_tables

        return list_tables(self.session.handle, self.handle)

    def _close_open(self, name: str) -> None:
        from esent.table import Table

        for child in list(self._children):
            if isinstance(child, Table) and child.name.lower() == name.lower():
                child.close()

    def delete_table(self, name: str) -> None:
        """Delete a table and its records (JetDeleteTable); this database's open Table
        objects for it are closed first."""
        self._close_open(name)
        _esent.JetDeleteTable(self.session.handle, self.handle, name)

    def rename_table(self, name: str, new_name: str) -> None:
        """Rename a table (JetRenameTable); this database's open Table objects for it are
        closed first."""
        self._close_open(name)
        _esent.JetRenameTable(self.session.handle, self.handle, name, new_name)
