"""Transactions through esent.jet and Session: JetBeginTransaction, JetCommitTransaction,
JetRollback (ESENT documentation, "JetBeginTransaction Function", "JetCommitTransaction
Function", "JetRollback Function", "Transaction Isolation" / snapshot isolation and
JET_errWriteConflict in "JetUpdate Function"); docs/contract/transactions.md records where libese
and ESENT differ."""

from __future__ import annotations

import pathlib
import threading
from collections.abc import Iterator

import pytest

import esent
from esent import errors, jet

pytestmark = pytest.mark.contract

COLUMNS = [esent.Column("id", esent.ColumnType.LONG), esent.Column("v", esent.ColumnType.LONG)]


@pytest.fixture
def db(tmp_path: pathlib.Path, new_name) -> Iterator[tuple[esent.Instance, esent.Session,
                                                          pathlib.Path]]:
    with esent.Instance(new_name("trx"), system_path=tmp_path / "sys") as inst:
        with inst.session() as owner:
            database = owner.create_database(tmp_path / "t.edb")
            database.create_table("t", COLUMNS, [esent.Index("pk", ["+id"], primary=True)])
            yield inst, owner, tmp_path / "t.edb"


def table(session: esent.Session, path: pathlib.Path) -> esent.Table:
    return session.open_database(path).table("t")


def ids(t: esent.Table) -> list[int]:
    return [row["id"] for row in t]


def test_commit_makes_rows_visible_to_others(db) -> None:
    inst, owner, path = db
    with inst.session() as a, inst.session() as b:
        ta, tb = table(a, path), table(b, path)
        with a.transaction():
            ta.insert({"id": 1, "v": 10})
            ta.insert({"id": 2, "v": 20})
            assert ids(ta) == [1, 2]          # a sees its own changes
            assert ids(tb) == []              # b does not
        assert ids(tb) == [1, 2]


def test_rollback_undoes_everything(db) -> None:
    inst, owner, path = db
    with inst.session() as a:
        t = table(a, path)
        t.insert({"id": 1, "v": 1})
        with pytest.raises(KeyError):
            with a.transaction():
                t.insert({"id": 2, "v": 2})
                t.update(1, {"v": 99})
                t.delete(1)
                raise KeyError("undo")
        assert [(r["id"], r["v"]) for r in t] == [(1, 1)]


def test_nested_rollback_undoes_only_the_inner_level(db) -> None:
    inst, owner, path = db
    with inst.session() as a:
        t = table(a, path)
        with a.transaction():
            t.insert({"id": 1, "v": 1})
            a.begin_transaction()
            t.insert({"id": 2, "v": 2})
            a.rollback()
            a.begin_transaction()
            t.insert({"id": 3, "v": 3})
            a.commit()                        # merges into the outer level
        assert ids(t) == [1, 3]


def test_rollback_all_levels(db) -> None:
    inst, owner, path = db
    with inst.session() as a:
        t = table(a, path)
        a.begin_transaction()
        t.insert({"id": 1, "v": 1})
        a.begin_transaction()
        t.insert({"id": 2, "v": 2})
        a.rollback(all_levels=True)
        with pytest.raises(errors.NotInTransactionError):
            a.rollback()
        assert ids(t) == []


def test_depth_limit_is_trans_too_deep(db) -> None:
    """JetBeginTransaction: at most 7 nested levels; the 8th is JET_errTransTooDeep."""
    inst, owner, path = db
    with inst.session() as a:
        for _ in range(7):
            a.begin_transaction()
        with pytest.raises(errors.TransTooDeepError):
            a.begin_transaction()
        a.rollback(all_levels=True)


def test_commit_outside_a_transaction_is_not_in_transaction(db) -> None:
    inst, owner, path = db
    with inst.session() as a:
        with pytest.raises(errors.NotInTransactionError):
            jet.JetCommitTransaction(a.handle, 0)
        with pytest.raises(errors.NotInTransactionError):
            jet.JetRollback(a.handle, 0)


def test_snapshot_isolation(db) -> None:
    """A transaction reads the database as of its beginning."""
    inst, owner, path = db
    with inst.session() as a, inst.session() as b:
        ta, tb = table(a, path), table(b, path)
        ta.insert({"id": 1, "v": 1})
        with b.transaction():
            assert ids(tb) == [1]
            ta.insert({"id": 2, "v": 2})      # committed by a meanwhile
            ta.update(1, {"v": 5})
            assert ids(tb) == [1]
            assert tb.get(1)["v"] == 1
        assert ids(tb) == [1, 2] and tb.get(1)["v"] == 5


def test_second_updater_gets_write_conflict(db) -> None:
    """JetUpdate / JetDelete: a record another open transaction changed gives
    JET_errWriteConflict; the first updater's commit wins."""
    inst, owner, path = db
    with inst.session() as a, inst.session() as b:
        ta, tb = table(a, path), table(b, path)
        ta.insert({"id": 1, "v": 1})
        a.begin_transaction()
        b.begin_transaction()
        ta.update(1, {"v": 2})
        with pytest.raises(errors.WriteConflictError):
            tb.update(1, {"v": 3})
        b.rollback()
        a.commit()
        assert tb.get(1)["v"] == 2


def test_lazy_commit_then_flush(db) -> None:
    inst, owner, path = db
    with inst.session() as a:
        t = table(a, path)
        with a.transaction(lazy=True):
            t.insert({"id": 1, "v": 1})
        a.flush()
        assert ids(t) == [1]


def test_session_bound_to_its_thread_while_in_a_transaction(db) -> None:
    """ESENT binds a session to its thread while a transaction is open: another thread's
    call fails (JET_errSessionInUse, or JET_errSessionContextAlreadySet where documented)."""
    inst, owner, path = db
    with inst.session() as a:
        t = table(a, path)
        a.begin_transaction()
        failures: list[BaseException] = []

        def other() -> None:
            try:
                t.insert({"id": 9, "v": 9})
            except BaseException as failure:
                failures.append(failure)

        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
        a.rollback()
        assert len(failures) == 1
        assert isinstance(failures[0], (errors.SessionInUseError,
                                        errors.SessionSharingViolationError))
