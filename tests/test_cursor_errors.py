"""The error codes of seeks, moves, ranges, bookmarks and updates through a secondary index, as
the ESENT reference documents them (learn.microsoft.com, "Extensible Storage Engine" > "<name>
Function"), one test per documented case, through esent.jet so the same test runs against
esent.dll on Windows.  libese's choices where the reference leaves room are in
docs/contract/cursors.md and docs/contract/indexes.md.
"""

from __future__ import annotations

import pytest

import esent
from esent import ColumnType as T
from esent import errors, jet

pytestmark = pytest.mark.contract

COLUMNS = [esent.Column("id", T.LONG, not_null=True), esent.Column("grp", T.LONG),
           esent.Column("code", T.LONG)]
INDEXES = [esent.Index("pk", ["+id"], primary=True), esent.Index("by_grp", ["+grp"]),
           esent.Index("by_code", ["+code"], unique=True, ignore_null=True)]


@pytest.fixture
def table(data_db: esent.Database) -> esent.Table:
    t = data_db.create_table("t", COLUMNS, INDEXES)
    t.insert_many({"id": i, "grp": i // 3, "code": 100 + i} for i in range(9))
    return t


def long(value: int) -> bytes:
    return value.to_bytes(4, "little", signed=True)


def seek(t: esent.Table, index: str, key: int, grbit: int) -> int:
    s = t.database.session.handle
    jet.JetSetCurrentIndex(s, t.handle, index)
    jet.JetMakeKey(s, t.handle, long(key), jet.JET_bitNewKey)
    return jet.JetSeek(s, t.handle, grbit)


def current_id(t: esent.Table) -> int:
    data = jet.JetRetrieveColumn(t.database.session.handle, t.handle, t.columns["id"].columnid)
    return int.from_bytes(data, "little", signed=True)


def test_seek_eq_without_a_match_is_record_not_found(table: esent.Table) -> None:
    """JetSeek Function: JET_errRecordNotFound when no index entry matches the key; the cursor
    then has no current record."""
    with pytest.raises(errors.RecordNotFoundError):
        seek(table, "by_grp", 7, jet.JET_bitSeekEQ)
    with pytest.raises(errors.NoCurrentRecordError):
        current_id(table)


def test_seek_eq_lands_on_the_first_duplicate(table: esent.Table) -> None:
    """JetSeek Function: SeekEQ positions on the first index entry that matches."""
    assert seek(table, "by_grp", 2, jet.JET_bitSeekEQ) == 0
    assert current_id(table) == 6


def test_inexact_seek_ge_warns_seek_not_equal(table: esent.Table) -> None:
    """JetSeek Function: JET_wrnSeekNotEqual when SeekGE / SeekLE found a record whose key is
    not equal to the search key."""
    assert seek(table, "by_code", 99, jet.JET_bitSeekGE) == jet.JET_wrnSeekNotEqual
    assert current_id(table) == 0


def test_move_past_the_last_entry_is_no_current_record(table: esent.Table) -> None:
    """JetMove Function: JET_errNoCurrentRecord when the move goes past the last entry."""
    s = table.database.session.handle
    jet.JetSetCurrentIndex(s, table.handle, "by_grp")
    jet.JetMove(s, table.handle, jet.JET_MoveLast, 0)
    with pytest.raises(errors.NoCurrentRecordError):
        jet.JetMove(s, table.handle, jet.JET_MoveNext, 0)


def test_moving_off_an_index_range_is_no_current_record(table: esent.Table) -> None:
    """JetSetIndexRange Function: moving past the range's limit gives JET_errNoCurrentRecord."""
    s = table.database.session.handle
    seek(table, "by_grp", 1, jet.JET_bitSeekEQ)
    jet.JetMakeKey(s, table.handle, long(1), jet.JET_bitNewKey | jet.JET_bitFullColumnEndLimit)
    jet.JetSetIndexRange(s, table.handle, jet.JET_bitRangeUpperLimit | jet.JET_bitRangeInclusive)
    seen = [current_id(table)]
    with pytest.raises(errors.NoCurrentRecordError):
        while True:
            jet.JetMove(s, table.handle, jet.JET_MoveNext, 0)
            seen.append(current_id(table))
    assert seen == [3, 4, 5]


def test_unknown_column_is_column_not_found(table: esent.Table) -> None:
    """JetRetrieveColumn Function: JET_errColumnNotFound for a column the table lacks."""
    s = table.database.session.handle
    jet.JetMove(s, table.handle, jet.JET_MoveFirst, 0)
    with pytest.raises(errors.ColumnNotFoundError):
        jet.JetRetrieveColumn(s, table.handle, 9999)


def test_duplicate_in_a_unique_index_is_key_duplicate(table: esent.Table) -> None:
    """JetUpdate Function: JET_errKeyDuplicate when the record would duplicate a unique
    index's key; nothing is written."""
    with pytest.raises(errors.KeyDuplicateError):
        table.insert({"id": 50, "grp": 0, "code": 104})
    assert table.get(50) is None
    with pytest.raises(errors.KeyDuplicateError):
        table.update(1, {"code": 102})
    assert table.get(1)["code"] == 101


def test_two_transactions_updating_one_row_is_write_conflict(table: esent.Table) -> None:
    """JetPrepareUpdate / JetUpdate Functions: JET_errWriteConflict when another session's
    transaction holds the record."""
    db = table.database
    with db.session.instance.session() as other:
        theirs = other.open_database(db.path).table("t")
        db.session.begin_transaction()
        try:
            table.update(4, {"grp": 10})
            other.begin_transaction()
            try:
                with pytest.raises(errors.WriteConflictError):
                    theirs.update(4, {"grp": 11})
            finally:
                other.rollback()
                theirs.close()
        finally:
            db.session.rollback()
    assert table.get(4)["grp"] == 1


def test_goto_bookmark_of_a_deleted_record(table: esent.Table) -> None:
    """JetGotoBookmark Function: JET_errRecordDeleted when the bookmark's record was deleted."""
    s = table.database.session.handle
    seek(table, "by_grp", 2, jet.JET_bitSeekEQ)
    bookmark = jet.JetGetBookmark(s, table.handle)
    table.database.table("t").delete(6)  # through another cursor
    with pytest.raises(errors.RecordDeletedError):
        jet.JetGotoBookmark(s, table.handle, bookmark)


def test_goto_bookmark_on_a_secondary_index_lands_on_the_row(table: esent.Table) -> None:
    """JetGotoBookmark Function: the cursor is positioned on the bookmark's record, in the
    current index (here by_grp: the next entry is the row after it in that index)."""
    s = table.database.session.handle
    seek(table, "by_code", 107, jet.JET_bitSeekEQ)
    bookmark = jet.JetGetBookmark(s, table.handle)
    jet.JetSetCurrentIndex(s, table.handle, "by_grp")
    jet.JetGotoBookmark(s, table.handle, bookmark)
    assert current_id(table) == 7
    jet.JetMove(s, table.handle, jet.JET_MoveNext, 0)
    assert current_id(table) == 8
