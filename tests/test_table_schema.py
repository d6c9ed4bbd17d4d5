"""Schema changes and table discovery through the Python API and esent.jet: a table opened by
name learns its columns and indexes from the catalog; db.tables(); delete and rename tables;
add, delete and rename columns (ESENT reference, learn.microsoft.com: "JetGetTableColumnInfo
Function" (JET_ColInfoList), "JetGetObjectInfo Function", "JetGetTableInfo Function",
"JetDeleteTable Function", "JetRenameTable Function", "JetAddColumn Function",
"JetDeleteColumn Function", "JetRenameColumn Function").

Needs the engine's column work (libese: merged after issue 5's columns branch).
"""

from __future__ import annotations

import os
import pathlib

import pytest

import esent
from esent import ColumnType as T
from esent import errors, jet

pytestmark = pytest.mark.contract


@pytest.fixture
def db(data_db: esent.Database) -> esent.Database:
    return data_db


def make(db: esent.Database, name: str = "t") -> esent.Table:
    t = db.create_table(name, [esent.Column("id", T.LONG, not_null=True),
                               esent.Column("label", T.LONG_TEXT, code_page=1252),
                               esent.Column("n", T.UNSIGNED_LONG_LONG)],
                        [esent.Index("pk", ["+id"], primary=True)])
    t.insert_many([{"id": 1, "label": "one", "n": 2**64 - 1}, {"id": 2}])
    return t


def test_open_by_name_discovers_columns(db: esent.Database, tmp_path: pathlib.Path) -> None:
    """A table this process did not create (a fresh instance) opens by name alone."""
    make(db)
    path = db.path
    db.session.instance.close()
    with esent.Instance(f"schema2-{os.getpid()}", system_path=tmp_path / "sys2") as inst:
        with inst.session() as session:
            t = session.attach_database(path).table("t")
            assert list(t.columns) == ["id", "n", "label"]  # columnid order: fixed, then variable
            assert t.columns["label"].code_page == 1252
            assert t.key_columns == ("id",)
            assert t.get(1) == {"id": 1, "label": "one", "n": 2**64 - 1}


def test_tables_delete_and_rename(db: esent.Database) -> None:
    """tables() lists user tables only; delete_table and rename_table close open Tables of
    that name first."""
    a = make(db, "a")
    make(db, "b")
    assert sorted(db.tables()) == ["a", "b"]
    db.rename_table("a", "c")
    assert a.closed
    assert sorted(db.tables()) == ["b", "c"]
    assert db.table("c").get(1)["label"] == "one"
    db.delete_table("b")
    assert db.tables() == ["c"]
    with pytest.raises(errors.ObjectNotFoundError):
        db.table("b")


def test_add_delete_rename_column(db: esent.Database) -> None:
    """A new column reads NULL (or its default) in existing records; a renamed column keeps
    its values; a deleted one is gone; a key column cannot be deleted."""
    t = make(db)
    t.add_column(esent.Column("score", T.IEEE_DOUBLE))
    t.add_column(esent.Column("flag", T.BIT, default=False))
    assert t.get(1)["score"] is None and t.get(1)["flag"] is False
    t.update(1, {"score": 1.5})
    t.rename_column("score", "points")
    assert t.get(1)["points"] == 1.5 and "score" not in t.columns
    t.delete_column("label")
    assert "label" not in t.get(1)
    with pytest.raises(errors.ColumnInUseError):  # a primary-key column
        t.delete_column("id")
    t.create_index(esent.Index("by_n", ["+n"]))
    with pytest.raises(errors.ColumnInUseError):  # a secondary index's key column
        t.delete_column("n")
    t.delete_index("by_n")
    t.delete_column("n")
    assert "n" not in t.columns and t.get(1) == {"id": 1, "points": 1.5, "flag": False}
    with pytest.raises(errors.ColumnDuplicateError):
        t.add_column(esent.Column("points", T.LONG))


def test_jet_table_and_object_info(db: esent.Database) -> None:
    """JetGetTableInfo names the table and its dbid; JetGetObjectInfo counts records;
    JetGetColumnInfo works by table name."""
    t = make(db)
    s = db.session.handle
    assert jet.JetGetTableInfo(s, t.handle, jet.JET_TblInfoName) == "t"
    assert jet.JetGetTableInfo(s, t.handle, jet.JET_TblInfoDbid) == db.handle
    info = jet.JetGetObjectInfo(s, db.handle, jet.JET_objtypTable, None, "t", jet.JET_ObjInfo)
    assert info["objtyp"] == jet.JET_objtypTable
    col = jet.JetGetColumnInfo(s, db.handle, "t", "n")
    assert col["coltyp"] == jet.JET_coltypUnsignedLongLong
    assert jet.JetGetTableColumnInfo(s, t.handle, "n", jet.JET_ColInfoBase)["szBaseTableName"] == "t"
