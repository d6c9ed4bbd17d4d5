"""esent.Session: one ESENT session on an instance."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

from esent import _esent
from esent._lifecycle import NativeObject

if TYPE_CHECKING:
    from esent.database import Database
    from esent.instance import Instance
    from esent.table import Table


class Session(NativeObject):
    """A session: the unit ESENT runs transactions in.

    Made by ``Instance.session()``; ``with inst.session() as s:`` ends it when the block ends.
    Closing the instance ends its sessions first.  A session is not thread-safe: use one per
    thread (ESENT binds a session to a thread while a transaction is open).
    """

    def __init__(self, instance: Instance) -> None:
        super().__init__(parent=instance)
        self.instance = instance
        # transaction depth as begun through this object, and the open Tables with the level
        # each was opened at: ESENT closes a table when the level it was opened in rolls back
        self._level = 0
        self._tables: dict[Table, int] = {}
        with instance._lock:
            self._handle = _esent.JetBeginSession(instance.handle)
            instance._adopt(self)

    def __enter__(self) -> Session:
        return self

    def _release(self, handle: int) -> None:
        _esent.JetEndSession(handle, 0)

    def version(self) -> int:
        """The engine version (JetGetVersion), major/minor/build/SP packed in 32 bits."""
        return int(_esent.JetGetVersion(self.handle))

    # -- transactions -------------------------------------------------------------------------
    def begin_transaction(self) -> None:
        """JetBeginTransaction: open a transaction, or a nested level inside the open one."""
        _esent.JetBeginTransaction(self.handle)
        self._level += 1

    def commit(self, *, lazy: bool = False) -> None:
        """Commit the innermost level.  A level-0 commit is durable on return unless
        ``lazy`` (JET_bitCommitLazyFlush); ``flush()`` makes lazy commits durable."""
        _esent.JetCommitTransaction(self.handle, _esent.JET_bitCommitLazyFlush if lazy else 0)
        if self._level > 0:
            # tables opened at this level now belong to the level below
            for table, level in self._tables.items():
                if level == self._level:
                    self._tables[table] = level - 1
            self._level -= 1

    def rollback(self, *, all_levels: bool = False) -> None:
        """Undo the innermost level (every level with ``all_levels``)."""
        _esent.JetRollback(self.handle, _esent.JET_bitRollbackAll if all_levels else 0)
        level, self._level = self._level, 0 if all_levels else max(self._level - 1, 0)
        for table, opened in list(self._tables.items()):
            if opened > self._level and opened <= level:
                del self._tables[table]
                table._closed_by_engine()

    def _track_table(self, table: Table) -> None:
        self._tables[table] = self._level

    def _untrack_table(self, table: Table) -> None:
        self._tables.pop(table, None)

    def flush(self) -> None:
        """Wait until every commit made so far is durable (JET_bitWaitAllLevel0Commit)."""
        _esent.JetCommitTransaction(self.handle, _esent.JET_bitWaitAllLevel0Commit)

    @contextlib.contextmanager
    def transaction(self, *, lazy: bool = False) -> Iterator[Session]:
        """``with session.transaction():`` commits when the block ends normally and rolls
        back when it ends by an exception (which then propagates).  Blocks nest.  A failing
        rollback is chained to the original exception, never raised in its place."""
        self.begin_transaction()
        try:
            yield self
        except BaseException as original:
            try:
                self.rollback()
            except BaseException as failure:
                failure.__context__ = original.__context__
                original.__context__ = failure
                original.add_note(f"while rolling back: {failure!r}")
            raise
        self.commit(lazy=lazy)

    # -- databases ----------------------------------------------------------------------------
    def create_database(self, path: str | os.PathLike[str], *, overwrite: bool = False) -> Database:
        """Create a database file (JetCreateDatabase2) and open it; DatabaseDuplicateError when
        it exists, unless ``overwrite``.  Closing the Database detaches the file."""
        from esent.database import Database

        grbit = _esent.JET_bitDbOverwriteExisting if overwrite else 0
        return Database(self, path, mode="create", grbit=grbit)

    def attach_database(self, path: str | os.PathLike[str], *, read_only: bool = False) -> Database:
        """Attach an existing database file to the instance (JetAttachDatabase2) and open it.
        Closing the Database detaches the file (unless it was attached already)."""
        from esent.database import Database

        grbit = _esent.JET_bitDbReadOnly if read_only else 0
        return Database(self, path, mode="attach", grbit=grbit)

    def open_database(self, path: str | os.PathLike[str]) -> Database:
        """Open a database the instance has attached (JetOpenDatabase), e.g. from another
        session; closing it does not detach the file."""
        from esent.database import Database

        return Database(self, path, mode="open")
