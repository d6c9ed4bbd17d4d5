"""Ranges, prefixes, counts, bookmarks and positions through the Python API and esent.jet
(ESENT reference, learn.microsoft.com: "JetMakeKey Function" (the limit grbits),
"JetSetIndexRange Function", "JetIndexRecordCount Function", "JetGetBookmark Function",
"JetGotoBookmark Function", "JetGetRecordPosition Function", "JetGotoPosition Function",
"JetRetrieveKey Function").

Needs the engine's cursor work (libese: merged after issue 5's cursor branch); the secondary
index cases also need the index branch.
"""

from __future__ import annotations


import pytest

import esent
from esent import ColumnType as T
from esent import errors, jet

pytestmark = pytest.mark.contract


WORDS = ["apple", "apricot", "avocado", "banana", "blackberry", "blueberry", "cherry",
         "date", "fig", "grape"]


@pytest.fixture
def table(data_db: esent.Database) -> esent.Table:
    t = data_db.create_table(
        "t",
        [esent.Column("id", T.LONG, not_null=True), esent.Column("grp", T.LONG),
         esent.Column("word", T.TEXT)],
        [esent.Index("pk", ["+id"], primary=True),
         esent.Index("by_word", ["+word"]),
         esent.Index("by_grp_id", ["+grp", "+id"])])
    t.insert_many({"id": i, "grp": i // 10, "word": WORDS[i % 10]} for i in range(100))
    return t


def ids(rows) -> list[int]:
    return [r["id"] for r in rows]


def test_range_on_the_primary_key(table: esent.Table) -> None:
    """start included, stop excluded unless inclusive; open ends; reverse."""
    assert ids(table.range(10, 15)) == [10, 11, 12, 13, 14]
    assert ids(table.range(10, 15, inclusive=True)) == [10, 11, 12, 13, 14, 15]
    assert ids(table.range(None, 3)) == [0, 1, 2]
    assert ids(table.range(97)) == [97, 98, 99]
    assert ids(table.range(10, 15, reverse=True)) == [14, 13, 12, 11, 10]
    assert ids(table.range(10, 15, inclusive=True, reverse=True)) == [15, 14, 13, 12, 11, 10]
    assert ids(table.range(500, 600)) == []
    assert ids(table.range(15, 10)) == []
    r = table.range(20, 23)
    assert ids(r) == ids(r) == [20, 21, 22]  # iterating again starts again


def test_range_on_a_leading_key_column(table: esent.Table) -> None:
    """A key shorter than the index's compares on its leading columns: the inclusive stop
    uses JET_bitFullColumnEndLimit."""
    assert ids(table.range(3, 4, index="by_grp_id")) == list(range(30, 40))
    assert ids(table.range(3, 4, index="by_grp_id", inclusive=True)) == list(range(30, 50))
    assert ids(table.range((3, 35), (4, 42), index="by_grp_id")) == list(range(35, 42))
    assert ids(table.range((3, 35), (4, 2), index="by_grp_id")) == list(range(35, 40))
    assert ids(table.range(3, 3, index="by_grp_id", inclusive=True, reverse=True)) == \
        list(range(39, 29, -1))


def test_prefix_of_a_text_key(table: esent.Table) -> None:
    """prefix("b") is every word starting with b, via the partial-column limits."""
    words = {r["word"] for r in table.prefix("b", index="by_word")}
    assert words == {"banana", "blackberry", "blueberry"}
    assert len(table.prefix("bl", index="by_word")) == 20
    assert list(table.prefix("zz", index="by_word")) == []
    assert ids(table.prefix(7, index="by_grp_id")) == list(range(70, 80))


def test_len_uses_the_index_record_count(table: esent.Table) -> None:
    """len(table) is JetIndexRecordCount from the first record."""
    assert len(table) == 100
    s, t = table.database.session.handle, table.handle
    jet.JetMove(s, t, jet.JET_MoveFirst)
    assert jet.JetIndexRecordCount(s, t, 10) == 10
    assert jet.JetIndexRecordCount(s, t, 0) == 100


def test_index_range_ends_moves(table: esent.Table) -> None:
    """JetSetIndexRange: moving past the upper limit is NoCurrentRecordError; the range can
    be removed."""
    s, t = table.database.session.handle, table.handle
    jet.JetMakeKey(s, t, (5).to_bytes(4, "little"), jet.JET_bitNewKey)
    jet.JetSeek(s, t, jet.JET_bitSeekEQ)
    jet.JetMakeKey(s, t, (7).to_bytes(4, "little"), jet.JET_bitNewKey)
    jet.JetSetIndexRange(s, t, jet.JET_bitRangeUpperLimit | jet.JET_bitRangeInclusive)
    assert jet.JetIndexRecordCount(s, t, 0) == 3
    jet.JetMove(s, t, jet.JET_MoveNext)
    jet.JetMove(s, t, jet.JET_MoveNext)
    with pytest.raises(errors.NoCurrentRecordError):
        jet.JetMove(s, t, jet.JET_MoveNext)


def test_bookmarks(table: esent.Table) -> None:
    """A bookmark from insert or bookmark() brings the cursor back; a deleted record's is
    RecordDeletedError."""
    mark = table.insert({"id": 1000, "word": "kiwi"})
    table.get(3)
    assert table.goto(mark)["word"] == "kiwi"
    table.get(42)
    here = table.bookmark()
    next(iter(table))
    assert table.goto(here)["id"] == 42
    table.delete(1000)
    with pytest.raises(errors.RecordDeletedError):
        table.goto(mark)


def test_record_position_and_goto_position(table: esent.Table) -> None:
    """JetGetRecordPosition / JetGotoPosition are approximate fractions of the index."""
    s, t = table.database.session.handle, table.handle
    jet.JetGotoPosition(s, t, 50, 100)
    lt, total = jet.JetGetRecordPosition(s, t)
    assert total > 0 and 0 <= lt <= total
    assert 30 <= table.current()["id"] <= 70


def test_retrieve_key_and_move_by_n(table: esent.Table) -> None:
    """JetRetrieveKey gives the normalized key; JetMove by n rows."""
    s, t = table.database.session.handle, table.handle
    table.get(10)
    key10 = jet.JetRetrieveKey(s, t)
    jet.JetMove(s, t, 5)
    assert table.current()["id"] == 15
    assert jet.JetRetrieveKey(s, t) > key10
    jet.JetMove(s, t, -3)
    assert table.current()["id"] == 12
