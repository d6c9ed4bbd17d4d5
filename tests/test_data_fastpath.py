"""The native row codec's loops through the Python API: insert_many (batched transactions),
get (key + seek + row in one call), iteration (move + row in one call), update / delete,
rows as dicts or tuples, and the errors each raises (esent.errors classes for the engine's,
Python's for bad rows).
"""

from __future__ import annotations

import os
import pathlib

import pytest

import esent
from esent import ColumnType as T
from esent import errors, jet

pytestmark = pytest.mark.contract


COLUMNS = [
    esent.Column("id", T.LONG, not_null=True),
    esent.Column("name", T.TEXT),
    esent.Column("score", T.IEEE_DOUBLE),
    esent.Column("blob", T.LONG_BINARY),
]


@pytest.fixture
def session(data_session: esent.Session) -> esent.Session:
    return data_session


@pytest.fixture
def table(session: esent.Session, tmp_path: pathlib.Path) -> esent.Table:
    db = session.create_database(tmp_path / "fast.edb")
    return db.create_table("t", COLUMNS, [esent.Index("pk", ["+id"], primary=True)])


def rows(n: int, start: int = 0) -> list[dict]:
    return [{"id": i, "name": f"n{i}", "score": i / 2, "blob": bytes([i % 256]) * (i % 7)}
            for i in range(start, start + n)]


def test_insert_many_then_get_and_scan(table: esent.Table) -> None:
    """insert_many returns the count; every row reads back by get and in key order."""
    data = rows(2500)
    assert table.insert_many(reversed(data), batch_size=1000) == 2500
    assert table.get(1234) == data[1234]
    assert table.get(99999) is None
    assert table.get(99999, "none") == "none"
    assert list(table) == data
    assert list(table.rows(reverse=True)) == data[::-1]
    assert len(table) == 2500


def test_rows_as_tuples_and_tuple_input(table: esent.Table) -> None:
    """A tuple row is every column's value in ``table.columns`` order (the columnid order the
    catalog lists: fixed columns, then variable, then tagged), in and out."""
    assert list(table.columns) == ["id", "score", "name", "blob"]
    table.insert_many([(1, 0.5, "a", b"x"), (2, None, None, None)])
    assert list(table.rows(as_tuple=True)) == [(1, 0.5, "a", b"x"), (2, None, None, None)]
    with pytest.raises(ValueError, match="4 values"):
        table.insert((3, "short"))


def test_a_failing_row_rolls_back_only_its_batch(table: esent.Table) -> None:
    """Batches committed before the failing row stay; the failing batch is rolled back and
    the engine's error raised as its esent.errors class."""
    data = rows(25)
    data[22] = {"id": 5}  # a duplicate primary key, in the third batch of 10
    with pytest.raises(errors.KeyDuplicateError):
        table.insert_many(data, batch_size=10)
    assert [r["id"] for r in table] == list(range(20))
    with pytest.raises(KeyError, match="nope"):
        table.insert_many([{"id": 100, "nope": 1}])
    with pytest.raises(TypeError, match="'score'"):
        table.insert_many([{"id": 101}, {"id": 102, "score": "high"}], batch_size=1)
    assert table.get(101) is not None and table.get(102) is None


def test_insert_many_in_the_callers_transaction(session: esent.Session,
                                                table: esent.Table) -> None:
    """batch_size=0 writes in the caller's transaction: its rollback undoes the rows."""
    session.begin_transaction()
    table.insert_many(rows(5), batch_size=0)
    assert len(list(table)) == 5
    session.rollback()
    assert list(table) == []


def test_update_delete_and_missing_keys(table: esent.Table) -> None:
    """update changes only the given columns; None sets NULL; missing keys raise KeyError."""
    table.insert_many(rows(3))
    table.update(1, {"name": "one", "blob": None})
    assert table.get(1) == {"id": 1, "name": "one", "score": 0.5, "blob": None}
    table.delete(2)
    assert [r["id"] for r in table] == [0, 1]
    with pytest.raises(KeyError):
        table.update(7, {"name": "x"})
    with pytest.raises(KeyError):
        table.delete(7)


def test_seek_modes(table: esent.Table) -> None:
    """seek lands on the first record under each JetSeek mode, or returns None."""
    table.insert_many({"id": i} for i in (10, 20, 30))
    assert table.seek(20, "eq")["id"] == 20
    assert table.seek(15, ">=")["id"] == 20
    assert table.seek(20, ">")["id"] == 30
    assert table.seek(25, "<=")["id"] == 20
    assert table.seek(20, "<")["id"] == 10
    assert table.seek(31, "ge") is None
    with pytest.raises(ValueError):
        table.seek(1, "~")


def test_long_values_grow_the_buffers(table: esent.Table) -> None:
    """Values longer than the codec's first buffer are fetched whole."""
    big = {"id": 1, "name": "x" * 127, "blob": os.urandom(300_000)}
    table.insert(big)
    assert table.get(1) == {**big, "score": None}
    assert next(iter(table)) == {**big, "score": None}


def test_bookmark_from_insert_identifies_the_row(table: esent.Table) -> None:
    """insert returns the record's bookmark (JetUpdate's)."""
    first = table.insert({"id": 1})
    second = table.insert({"id": 2})
    assert isinstance(first, bytes) and first and first != second


def test_rollback_closes_tables_opened_in_it(session: esent.Session,
                                             table: esent.Table) -> None:
    """JetRollback closes the tables opened in the rolled-back level ("JetRollback
    Function"): the Table object knows it, and close() after it does not raise."""
    table.insert({"id": 1})
    db = table.database
    session.begin_transaction()
    inner = db.table("t")
    assert inner.get(1)["id"] == 1
    session.rollback()
    assert inner.closed
    inner.close()
    with pytest.raises(esent.ObjectClosedError):
        inner.get(1)
    assert not table.closed and table.get(1)["id"] == 1


def test_tables_opened_in_a_committed_level_follow_the_outer_one(
        session: esent.Session, table: esent.Table) -> None:
    """A nested commit hands the open table to the level below; rolling that back closes it."""
    db = table.database
    session.begin_transaction()
    session.begin_transaction()
    inner = db.table("t")
    session.commit()
    assert not inner.closed
    session.rollback()
    assert inner.closed
    session.begin_transaction()
    kept = db.table("t")
    session.commit()
    session.begin_transaction()
    session.rollback()
    assert not kept.closed
    kept.close()


def test_codec_errors_for_closed_and_raw_use(table: esent.Table) -> None:
    """The codec is usable on its own with esent.jet handles; a closed table refuses use."""
    s, t = table.database.session.handle, table.handle
    codec = esent._esent.RowCodec(
        [(n, c.columnid, c.coltyp, c.code_page, False) for n, c in table.columns.items()], [0])
    codec.write(s, t, {"id": 9, "name": "raw"}, jet.JET_prepInsert)
    assert codec.seek(s, t, 9)["name"] == "raw"
    assert codec.seek(s, t, 8) is None
    with pytest.raises(ValueError):
        codec.seek(s, t, (1, 2))
    table.close()
    with pytest.raises(esent.ObjectClosedError):
        table.insert({"id": 1})


def test_fixed_values_survive_the_set_array_growing(session: esent.Session,
                                                    tmp_path: pathlib.Path) -> None:
    """A row with more values than columns (a long multi-value list) makes the codec's set
    array grow while the row is encoded; the fixed-size values encoded before that (kept in
    their set's scratch) must still be the ones written.  (This read freed memory once: seen
    as a wrong Id through a secondary index, and found by an ASan build of the extension.)"""
    db = session.create_database(tmp_path / "grow.edb")
    numbers = [esent.Column(f"n{k}", esent.ColumnType.LONG_LONG) for k in range(12)]
    t = db.create_table("t", [esent.Column("id", esent.ColumnType.LONG), *numbers,
                              esent.Column("tags", esent.ColumnType.LONG, tagged=True,
                                           multi_valued=True)],
                        [esent.Index("pk", ["+id"], primary=True)])
    rows = [{"id": i, **{f"n{k}": i * 1000 + k for k in range(12)}, "tags": list(range(i % 40))}
            for i in range(300)]
    t.insert_many(rows)
    assert list(t.rows()) == rows
