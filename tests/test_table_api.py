"""Tables and records through esent.jet: JetCreateTableColumnIndex2, JetOpenTable,
JetCloseTable, JetGetTableColumnInfo, JetPrepareUpdate, JetSetColumn, JetUpdate, JetDelete,
JetRetrieveColumn, JetMove, JetMakeKey, JetSeek (ESENT reference, learn.microsoft.com,
"Extensible Storage Engine" > "<name> Function").  No explicit transactions: each update is
ESENT's implicit transaction.
"""

from __future__ import annotations

import pathlib
import struct
from collections.abc import Iterator

import pytest

from esent import errors, jet

pytestmark = pytest.mark.contract

L = struct.Struct("<i")


@pytest.fixture
def table(running_instance: int, tmp_path: pathlib.Path) -> Iterator[tuple[int, int, list[int]]]:
    """(sesid, tableid, [id, name, data]) on a table keyed by Long id."""
    s = jet.JetBeginSession(running_instance)
    dbid = jet.JetCreateDatabase2(s, str(tmp_path / "t.edb"))
    tableid, cols = jet.JetCreateTableColumnIndex2(
        s, dbid, "t",
        [("id", jet.JET_coltypLong, 0, jet.JET_bitColumnNotNULL, 0),
         ("name", jet.JET_coltypText, 0, 0, 1200),
         ("data", jet.JET_coltypLongBinary, 0, 0, 0)],
        [("pk", "+id", jet.JET_bitIndexPrimary)],
    )
    yield s, tableid, cols
    jet.JetEndSession(s, 0)


def insert(s: int, t: int, cols: list[int], i: int, name: str | None = None) -> None:
    jet.JetPrepareUpdate(s, t, jet.JET_prepInsert)
    jet.JetSetColumn(s, t, cols[0], L.pack(i))
    if name is not None:
        jet.JetSetColumn(s, t, cols[1], name.encode("utf-16-le"))
    jet.JetUpdate(s, t)


def current_id(s: int, t: int, cols: list[int]) -> int:
    return L.unpack(jet.JetRetrieveColumn(s, t, cols[0]))[0]


def seek(s: int, t: int, i: int, grbit: int) -> int:
    jet.JetMakeKey(s, t, L.pack(i), jet.JET_bitNewKey)
    return jet.JetSeek(s, t, grbit)


def test_columnids_and_column_info(table) -> None:
    """JetCreateTableColumnIndex2 returns each column's id; JetGetTableColumnInfo with
    JET_ColInfo (by name) and JET_ColInfoByColid gives the same JET_COLUMNDEF."""
    s, t, cols = table
    assert len(set(cols)) == 3
    info = jet.JetGetTableColumnInfo(s, t, "name")
    assert info["columnid"] == cols[1]
    assert info["coltyp"] == jet.JET_coltypText and info["cp"] == 1200
    assert jet.JetGetTableColumnInfo(s, t, cols[1], jet.JET_ColInfoByColid)["coltyp"] == \
        jet.JET_coltypText
    with pytest.raises(errors.ColumnNotFoundError):
        jet.JetGetTableColumnInfo(s, t, "nope")


def test_open_missing_table_is_object_not_found(running_instance: int, tmp_path) -> None:
    """JetOpenTable: JET_errObjectNotFound when there is no such table."""
    s = jet.JetBeginSession(running_instance)
    dbid = jet.JetCreateDatabase2(s, str(tmp_path / "t.edb"))
    with pytest.raises(errors.ObjectNotFoundError):
        jet.JetOpenTable(s, dbid, "nope")
    jet.JetEndSession(s, 0)


def test_iteration_in_key_order_and_move_errors(table) -> None:
    """JetMove: First / Next / Previous / Last in primary-key order; JET_errNoCurrentRecord past
    either end, after which a move back lands on the last (first) record."""
    s, t, cols = table
    with pytest.raises(errors.NoCurrentRecordError):
        jet.JetMove(s, t, jet.JET_MoveFirst)
    for i in (5, 1, 4, 2, 3):
        insert(s, t, cols, i)
    jet.JetMove(s, t, jet.JET_MoveFirst)
    seen = [current_id(s, t, cols)]
    while True:
        try:
            jet.JetMove(s, t, jet.JET_MoveNext)
        except errors.NoCurrentRecordError:
            break
        seen.append(current_id(s, t, cols))
    assert seen == [1, 2, 3, 4, 5]
    jet.JetMove(s, t, jet.JET_MovePrevious)
    assert current_id(s, t, cols) == 5
    jet.JetMove(s, t, jet.JET_MoveFirst)
    jet.JetMove(s, t, 3)
    assert current_id(s, t, cols) == 4
    jet.JetMove(s, t, -2)
    assert current_id(s, t, cols) == 2
    jet.JetMove(s, t, jet.JET_MoveLast)
    assert current_id(s, t, cols) == 5


def test_seek_modes(table) -> None:
    """JetSeek: SeekEQ finds the key or raises JET_errRecordNotFound; SeekGE / SeekLE land on
    the next / previous key with JET_wrnSeekNotEqual (1039); SeekGT / SeekLT skip an equal
    key; JET_errRecordNotFound when nothing qualifies."""
    s, t, cols = table
    for i in (10, 20, 30):
        insert(s, t, cols, i)
    assert seek(s, t, 20, jet.JET_bitSeekEQ) == 0 and current_id(s, t, cols) == 20
    with pytest.raises(errors.RecordNotFoundError):
        seek(s, t, 25, jet.JET_bitSeekEQ)
    assert seek(s, t, 25, jet.JET_bitSeekGE) == 1039 and current_id(s, t, cols) == 30
    assert seek(s, t, 25, jet.JET_bitSeekLE) == 1039 and current_id(s, t, cols) == 20
    assert seek(s, t, 20, jet.JET_bitSeekGE) == 0 and current_id(s, t, cols) == 20
    seek(s, t, 20, jet.JET_bitSeekGT)
    assert current_id(s, t, cols) == 30
    seek(s, t, 20, jet.JET_bitSeekLT)
    assert current_id(s, t, cols) == 10
    with pytest.raises(errors.RecordNotFoundError):
        seek(s, t, 31, jet.JET_bitSeekGE)
    with pytest.raises(errors.RecordNotFoundError):
        seek(s, t, 10, jet.JET_bitSeekLT)


def test_seek_without_key_is_key_not_made(table) -> None:
    """JetSeek: JET_errKeyNotMade when no key was made with JetMakeKey."""
    s, t, _ = table
    with pytest.raises(errors.KeyNotMadeError):
        jet.JetSeek(s, t, jet.JET_bitSeekEQ)


def test_duplicate_key(table) -> None:
    """JetUpdate: JET_errKeyDuplicate for a primary key that exists."""
    s, t, cols = table
    insert(s, t, cols, 1)
    with pytest.raises(errors.KeyDuplicateError):
        insert(s, t, cols, 1)


def test_prepare_update_order_errors(table) -> None:
    """JET_errUpdateNotPrepared for JetSetColumn / JetUpdate / JET_prepCancel without a
    prepared update; JET_errAlreadyPrepared for a second JetPrepareUpdate; JET_prepReplace
    needs a current record (JET_errNoCurrentRecord)."""
    s, t, cols = table
    with pytest.raises(errors.UpdateNotPreparedError):
        jet.JetSetColumn(s, t, cols[0], L.pack(1))
    with pytest.raises(errors.UpdateNotPreparedError):
        jet.JetUpdate(s, t)
    with pytest.raises(errors.UpdateNotPreparedError):
        jet.JetPrepareUpdate(s, t, jet.JET_prepCancel)
    with pytest.raises(errors.NoCurrentRecordError):
        jet.JetPrepareUpdate(s, t, jet.JET_prepReplace)
    jet.JetPrepareUpdate(s, t, jet.JET_prepInsert)
    with pytest.raises(errors.AlreadyPreparedError):
        jet.JetPrepareUpdate(s, t, jet.JET_prepInsert)
    jet.JetPrepareUpdate(s, t, jet.JET_prepCancel)


def test_not_null_column(table) -> None:
    """JetUpdate: JET_errNullInvalid when a NOT NULL column is left NULL."""
    s, t, cols = table
    jet.JetPrepareUpdate(s, t, jet.JET_prepInsert)
    jet.JetSetColumn(s, t, cols[1], "x".encode("utf-16-le"))
    with pytest.raises(errors.EsentError) as info:
        jet.JetUpdate(s, t)
    assert info.value.code in (-1504, -1053)  # NullInvalid, or NullKeyDisallowed for the key
    jet.JetPrepareUpdate(s, t, jet.JET_prepCancel)


def test_set_fixed_column_with_wrong_size(table) -> None:
    """JetSetColumn: JET_errInvalidBufferSize for a Long given 3 bytes."""
    s, t, cols = table
    jet.JetPrepareUpdate(s, t, jet.JET_prepInsert)
    with pytest.raises(errors.InvalidBufferSizeError):
        jet.JetSetColumn(s, t, cols[0], b"abc")
    jet.JetPrepareUpdate(s, t, jet.JET_prepCancel)


def test_replace_and_delete(table) -> None:
    """JET_prepReplace changes a column; JetDelete removes the current record, after which
    JetRetrieveColumn fails (JET_errRecordDeleted) and JetMove goes on to the next record."""
    s, t, cols = table
    for i in (1, 2, 3):
        insert(s, t, cols, i, f"n{i}")
    seek(s, t, 2, jet.JET_bitSeekEQ)
    jet.JetPrepareUpdate(s, t, jet.JET_prepReplace)
    jet.JetSetColumn(s, t, cols[1], "two".encode("utf-16-le"))
    jet.JetUpdate(s, t)
    assert jet.JetRetrieveColumn(s, t, cols[1]).decode("utf-16-le") == "two"
    jet.JetDelete(s, t)
    with pytest.raises(errors.RecordDeletedError):
        jet.JetRetrieveColumn(s, t, cols[0])
    jet.JetMove(s, t, jet.JET_MoveNext)
    assert current_id(s, t, cols) == 3
    with pytest.raises(errors.RecordNotFoundError):
        seek(s, t, 2, jet.JET_bitSeekEQ)


def test_retrieve_null_and_off_record(table) -> None:
    """JetRetrieveColumn: JET_wrnColumnNull (1004) for NULL; JET_errNoCurrentRecord when the
    cursor is not on a record; JET_errColumnNotFound for an unknown columnid."""
    s, t, cols = table
    with pytest.raises(errors.NoCurrentRecordError):
        jet.JetRetrieveColumn(s, t, cols[0])
    insert(s, t, cols, 1)
    jet.JetMove(s, t, jet.JET_MoveFirst)
    assert jet.JetRetrieveColumn(s, t, cols[1]) is None
    assert jet.get_last_warning() == 1004
    with pytest.raises(errors.ColumnNotFoundError):
        jet.JetRetrieveColumn(s, t, 9999)


def test_long_value_larger_than_a_page(table) -> None:
    """A LongBinary value several pages long round-trips (JetRetrieveColumn retries with the
    full size after JET_wrnBufferTruncated)."""
    s, t, cols = table
    blob = bytes(range(251)) * 200  # ~50 KB
    jet.JetPrepareUpdate(s, t, jet.JET_prepInsert)
    jet.JetSetColumn(s, t, cols[0], L.pack(7))
    jet.JetSetColumn(s, t, cols[2], blob)
    jet.JetUpdate(s, t)
    seek(s, t, 7, jet.JET_bitSeekEQ)
    assert jet.JetRetrieveColumn(s, t, cols[2]) == blob


def test_bad_tableid(table) -> None:
    """JET_errInvalidTableId for a closed tableid."""
    s, t, cols = table
    jet.JetCloseTable(s, t)
    with pytest.raises(errors.InvalidTableIdError):
        jet.JetMove(s, t, jet.JET_MoveFirst)
    with pytest.raises(errors.InvalidTableIdError):
        jet.JetCloseTable(s, t)


def test_ending_the_session_closes_its_tables(running_instance: int, tmp_path) -> None:
    """JetEndSession closes the session's tables and databases: the file can then be
    detached by another session."""
    path = str(tmp_path / "t.edb")
    s = jet.JetBeginSession(running_instance)
    dbid = jet.JetCreateDatabase2(s, path)
    jet.JetCreateTableColumnIndex2(s, dbid, "t", [("id", jet.JET_coltypLong, 0, 0, 0)],
                                   [("pk", "+id", jet.JET_bitIndexPrimary)])
    jet.JetEndSession(s, 0)
    s2 = jet.JetBeginSession(running_instance)
    jet.JetDetachDatabase2(s2, path)
    jet.JetEndSession(s2, 0)
