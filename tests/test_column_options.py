"""Column options through the Python API: autoincrement, version, escrow update (increment),
defaults, multi-valued columns as lists (ESENT reference, learn.microsoft.com:
"JET_COLUMNCREATE Structure", "JetSetColumn Function" (JET_SETINFO itagSequence),
"JetRetrieveColumn Function" (JET_RETINFO), "JetEscrowUpdate Function", "JetSetColumns
Function", "JetRetrieveColumns Function").

Needs the engine's column work (libese: merged after issue 5's columns branch).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

import esent
from esent import ColumnType as T
from esent import errors, jet

pytestmark = pytest.mark.contract


@pytest.fixture
def db(data_db: esent.Database) -> esent.Database:
    return data_db


def test_autoincrement_and_version(db: esent.Database) -> None:
    """An autoincrement column numbers inserts from 1; a version column starts at 0 and
    counts replaces."""
    t = db.create_table("t", [esent.Column("n", T.LONG, autoincrement=True),
                              esent.Column("v", T.LONG, version=True),
                              esent.Column("x", T.TEXT)],
                        [esent.Index("pk", ["+n"], primary=True)])
    t.insert_many([{"x": "a"}, {"x": "b"}, {"x": "c"}])
    assert [(r["n"], r["x"]) for r in t] == [(1, "a"), (2, "b"), (3, "c")]
    assert t.get(2)["v"] == 0
    t.update(2, {"x": "B"})
    t.update(2, {"x": "BB"})
    assert t.get(2)["v"] == 2


def test_defaults(db: esent.Database) -> None:
    """A default value is what a record that does not set the column reads."""
    t = db.create_table("t", [esent.Column("id", T.LONG),
                              esent.Column("price", T.CURRENCY, default=Decimal("9.99")),
                              esent.Column("tag", T.TEXT, default="none"),
                              esent.Column("flag", T.BIT, default=True)],
                        [esent.Index("pk", ["+id"], primary=True)])
    t.insert({"id": 1})
    t.insert({"id": 2, "tag": "set"})
    assert t.get(1) == {"id": 1, "price": Decimal("9.99"), "tag": "none", "flag": True}
    assert t.get(2)["tag"] == "set"


def test_escrow_increment(db: esent.Database) -> None:
    """increment adds to an escrow column and returns the value before."""
    t = db.create_table("t", [esent.Column("id", T.LONG),
                              esent.Column("hits", T.LONG, escrow_update=True, default=0),
                              esent.Column("big", T.LONG_LONG, escrow_update=True, default=0)],
                        [esent.Index("pk", ["+id"], primary=True)])
    t.insert({"id": 1})
    assert t.increment(1, "hits") == 0
    assert t.increment(1, "hits", 5) == 1
    assert t.increment(1, "big", 2**40) == 0
    assert t.get(1)["hits"] == 6 and t.get(1)["big"] == 2**40
    with pytest.raises(KeyError):
        t.increment(2, "hits")


def test_escrow_needs_a_transaction(db: esent.Database) -> None:
    """JetEscrowUpdate outside a transaction is NotInTransactionError."""
    t = db.create_table("t", [esent.Column("id", T.LONG),
                              esent.Column("hits", T.LONG, escrow_update=True, default=0)],
                        [esent.Index("pk", ["+id"], primary=True)])
    t.insert({"id": 1})
    t.get(1)
    with pytest.raises(errors.NotInTransactionError):
        jet.JetEscrowUpdate(db.session.handle, t.handle, t.columns["hits"].columnid,
                            (1).to_bytes(4, "little"))


def test_multi_valued_columns_are_lists(db: esent.Database) -> None:
    """A multi-valued column reads as the list of its values (itagSequence 1..n); an update
    replaces the whole list; an empty list is NULL (no values)."""
    t = db.create_table("t", [esent.Column("id", T.LONG),
                              esent.Column("tags", T.TEXT, tagged=True, multi_valued=True),
                              esent.Column("nums", T.LONG, tagged=True, multi_valued=True)],
                        [esent.Index("pk", ["+id"], primary=True)])
    t.insert({"id": 1, "tags": ["a", "", "c"], "nums": [3, 1, 2]})
    t.insert({"id": 2})
    assert t.get(1) == {"id": 1, "tags": ["a", "", "c"], "nums": [3, 1, 2]}
    assert t.get(2) == {"id": 2, "tags": [], "nums": []}
    t.update(1, {"tags": ["z"]})
    assert t.get(1)["tags"] == ["z"]
    t.update(1, {"nums": []})
    assert t.get(1)["nums"] == []
    with pytest.raises(TypeError, match="multi-valued"):
        t.insert({"id": 3, "tags": "not a list"})
    s, h = db.session.handle, t.handle
    t.get(1)
    assert jet.JetRetrieveColumn(s, h, t.columns["tags"].columnid, 0, 2) is None


def test_set_and_retrieve_columns_in_one_call(db: esent.Database) -> None:
    """JetSetColumns / JetRetrieveColumns write and read several columns at once."""
    t = db.create_table("t", [esent.Column("id", T.LONG), esent.Column("s", T.TEXT)],
                        [esent.Index("pk", ["+id"], primary=True)])
    s, h = db.session.handle, t.handle
    cid, cs = t.columns["id"].columnid, t.columns["s"].columnid
    jet.JetPrepareUpdate(s, h, jet.JET_prepInsert)
    assert jet.JetSetColumns(s, h, [(cid, (7).to_bytes(4, "little"), 0),
                                    (cs, "x".encode("utf-16-le") * 100, 0)]) == [0, 0]
    jet.JetUpdate(s, h)
    t.get(7)
    assert jet.JetRetrieveColumns(s, h, [cid, (cs, 0, 1)]) == [
        (7).to_bytes(4, "little"), "x".encode("utf-16-le") * 100]
    assert t.get(7)["s"] == "x" * 100
