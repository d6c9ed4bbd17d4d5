"""Secondary indexes through the Python API and esent.jet: creation with the table and later,
reading in any index's order, get / seek by a secondary key, unique and NULL options, deletion
(ESENT reference, learn.microsoft.com: "JetCreateIndex2 Function", "JET_INDEXCREATE
Structure", "JetSetCurrentIndex Function", "JetGetCurrentIndex Function", "JetDeleteIndex
Function", "JetGetTableIndexInfo Function").

Needs the engine's index work (libese: merged after issue 5's index branch).
"""

from __future__ import annotations


import pytest

import esent
from esent import ColumnType as T
from esent import errors, jet

pytestmark = pytest.mark.contract


COLUMNS = [
    esent.Column("id", T.LONG, not_null=True),
    esent.Column("city", T.TEXT),
    esent.Column("age", T.LONG),
    esent.Column("email", T.TEXT),
]
INDEXES = [
    esent.Index("pk", ["+id"], primary=True),
    esent.Index("by_city_age", ["+city", "-age"]),
    esent.Index("by_email", ["+email"], unique=True, ignore_null=True),
]
PEOPLE = [
    {"id": 1, "city": "Oslo", "age": 30, "email": "a@x"},
    {"id": 2, "city": "Bergen", "age": 41, "email": None},
    {"id": 3, "city": "Oslo", "age": 52, "email": "c@x"},
    {"id": 4, "city": "Aalborg", "age": 19, "email": "d@x"},
    {"id": 5, "city": "Oslo", "age": 30, "email": None},
]


@pytest.fixture
def db(data_db: esent.Database) -> esent.Database:
    return data_db


@pytest.fixture
def people(db: esent.Database) -> esent.Table:
    table = db.create_table("people", COLUMNS, INDEXES)
    table.insert_many(PEOPLE)
    return table


def test_iteration_in_a_secondary_index_order(people: esent.Table) -> None:
    """Rows come in the index's key order: city ascending, then age descending; entries with
    equal keys in primary-key order."""
    order = [r["id"] for r in people.rows(index="by_city_age")]
    assert order == [4, 2, 3, 1, 5]
    assert [r["id"] for r in people.rows(index="by_city_age", reverse=True)] == order[::-1]
    assert [r["id"] for r in people] == [1, 2, 3, 4, 5]


def test_ignore_null_leaves_records_out(people: esent.Table) -> None:
    """JET_bitIndexIgnoreNull: records whose key columns are all NULL are not in the index."""
    assert [r["id"] for r in people.rows(index="by_email")] == [1, 3, 4]


def test_get_and_seek_by_secondary_key(people: esent.Table) -> None:
    """get by a whole secondary key, seek by a leading part of it."""
    assert people.get(("Oslo", 52), index="by_city_age")["id"] == 3
    assert people.get("d@x", index="by_email")["id"] == 4
    assert people.get("zz", index="by_email") is None
    assert people.seek("Bergen", ">=", index="by_city_age")["id"] == 2
    assert people.seek("Oslo", "ge", index="by_city_age")["age"] == 52


def test_unique_index_refuses_duplicates(people: esent.Table) -> None:
    """A unique index raises KeyDuplicateError and the row is not written."""
    with pytest.raises(errors.KeyDuplicateError):
        people.insert({"id": 9, "email": "a@x"})
    assert people.get(9) is None
    with pytest.raises(errors.KeyDuplicateError):
        people.update(4, {"email": "c@x"})


def test_updates_move_index_entries(people: esent.Table) -> None:
    """Changing a key column moves the record within the index; deleting removes it."""
    people.update(4, {"city": "Zagreb"})
    assert [r["id"] for r in people.rows(index="by_city_age")][-1] == 4
    people.delete(3)
    assert [r["id"] for r in people.rows(index="by_city_age")] == [2, 1, 5, 4]


def test_create_and_delete_index_later(people: esent.Table) -> None:
    """create_index indexes the existing records; delete_index removes it; the indexes
    property follows."""
    people.create_index(esent.Index("by_age", ["+age"]))
    assert [r["age"] for r in people.rows(index="by_age")] == [19, 30, 30, 41, 52]
    assert {i.name for i in people.indexes} == {"pk", "by_city_age", "by_email", "by_age"}
    people.delete_index("by_age")
    assert "by_age" not in {i.name for i in people.indexes}
    with pytest.raises(KeyError):
        list(people.rows(index="by_age"))


def test_discovered_indexes(db: esent.Database, people: esent.Table) -> None:
    """A table opened by name knows its indexes from JetGetTableIndexInfo."""
    people.close()
    table = db.table("people")
    found = {i.name: i for i in table.indexes}
    assert found["by_city_age"].key_columns == ("+city", "-age")
    assert found["by_email"].unique and not found["by_city_age"].unique
    assert found["pk"].primary and table.key_columns == ("id",)


def test_jet_current_index_calls(people: esent.Table) -> None:
    """JetSetCurrentIndex / JetGetCurrentIndex; an unknown name is IndexNotFoundError."""
    s, t = people.database.session.handle, people.handle
    jet.JetSetCurrentIndex(s, t, "by_email")
    assert jet.JetGetCurrentIndex(s, t) == "by_email"
    jet.JetSetCurrentIndex2(s, t, None, 0)
    assert jet.JetGetCurrentIndex(s, t) == "pk"
    with pytest.raises(errors.IndexNotFoundError):
        jet.JetSetCurrentIndex(s, t, "nope")


def test_jet_create_index_errors(people: esent.Table) -> None:
    """JetCreateIndex: a duplicate name is IndexDuplicateError; a second primary index is
    refused; JetDeleteIndex of an unknown name is IndexNotFoundError."""
    s, t = people.database.session.handle, people.handle
    with pytest.raises(errors.IndexDuplicateError):
        jet.JetCreateIndex(s, t, "by_email", 0, "+age")
    with pytest.raises(errors.EsentError):
        jet.JetCreateIndex(s, t, "pk2", jet.JET_bitIndexPrimary, "+age")
    with pytest.raises(errors.IndexNotFoundError):
        jet.JetDeleteIndex(s, t, "nope")
