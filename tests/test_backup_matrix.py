"""The streaming-backup result matrix, one test per row and column, through esent.jet.

Each test names the row of ese-backup-facts.md §2.1 it checks (as corrected by
ese-backup-facts-audit.md, which wins): "<API> / <column or condition>".  Columns: NB = no
backup, STOP = JetStopBackupInstance called since Begin, DB = state Databases, LG = state
LogsAndPatches.  "cancel" means the whole backup ended: the next call gets JET_errNoBackup.
Where the fact sheet marks docs and source as disagreeing, the test accepts either answer.
"""

from __future__ import annotations

import os
import pathlib
from collections.abc import Iterator

import pytest

import esent
from esent import errors, jet

pytestmark = pytest.mark.contract

PAGE = int(esent.get_global_param("DatabasePageSize"))  # process-wide


class Live:
    """An initialised instance with one attached database holding a few rows."""

    def __init__(self, inst: esent.Instance, db_path: pathlib.Path) -> None:
        self.inst = inst
        self.handle = inst.handle
        self.db_path = db_path


@pytest.fixture
def live(tmp_path: pathlib.Path, new_name) -> Iterator[Live]:
    with esent.Instance(new_name("matrix"), system_path=tmp_path / "sys") as inst:
        with inst.session() as session:
            db = session.create_database(tmp_path / "data.edb")
            table = db.create_table("t", [esent.Column("id", esent.ColumnType.LONG),
                                          esent.Column("v", esent.ColumnType.LONG_BINARY)],
                                    [esent.Index("pk", ["+id"], primary=True)])
            for i in range(50):
                table.insert({"id": i, "v": bytes([i % 251]) * 3000})
            yield Live(inst, pathlib.Path(db.path))
            try:
                jet.JetEndExternalBackupInstance2(inst.handle, jet.JET_bitBackupEndAbort)
            except errors.NoBackupError:
                pass


def aligned(size: int) -> memoryview:
    """A writable view of `size` bytes aligned to the OS page (what ESENT asks of pv)."""
    page = esent._esent.os_page_size()
    raw = bytearray(size + 2 * page)
    address = _address(raw)
    offset = (-address) % page
    return memoryview(raw)[offset:offset + size]


def _address(buffer: bytearray) -> int:
    import ctypes

    return ctypes.addressof((ctypes.c_char * len(buffer)).from_buffer(buffer))


def assert_cancelled(handle: int) -> None:
    """The backup ended: every backup call now says JET_errNoBackup."""
    with pytest.raises(errors.NoBackupError):
        jet.JetGetAttachInfoInstance(handle)


def read_all(handle: int, hfile: int, chunk: int = 16 * PAGE) -> int:
    buffer = aligned(chunk)
    total = 0
    while True:
        got = jet.JetReadFileInstance(handle, hfile, buffer)
        if got == 0:
            return total
        total += got


def begin_with_logs(live: Live) -> list[str]:
    """Begin a full backup, copy the database, list the logs (state LG)."""
    jet.JetBeginExternalBackupInstance(live.handle, 0)
    hfile, _ = jet.JetOpenFileInstance(live.handle, str(live.db_path))
    read_all(live.handle, hfile)
    jet.JetCloseFileInstance(live.handle, hfile)
    return jet.JetGetLogInfoInstance(live.handle)


def complete_full_backup(live: Live) -> None:
    """A whole full backup that truncates: incrementals may follow it."""
    for name in begin_with_logs(live):
        hfile, _ = jet.JetOpenFileInstance(live.handle, name)
        read_all(live.handle, hfile)
        jet.JetCloseFileInstance(live.handle, hfile)
    jet.JetTruncateLogInstance(live.handle)
    jet.JetEndExternalBackupInstance2(
        live.handle, jet.JET_bitBackupEndNormal | jet.JET_bitBackupTruncateDone)


# ---- Begin ---------------------------------------------------------------------------------

def test_begin_nb_succeeds(live: Live) -> None:
    """Begin / NB -> 0."""
    jet.JetBeginExternalBackupInstance(live.handle, 0)


def test_begin_while_active_is_backup_in_progress(live: Live) -> None:
    """Begin / any backup active -> -505."""
    jet.JetBeginExternalBackupInstance(live.handle, 0)
    with pytest.raises(errors.BackupInProgressError):
        jet.JetBeginExternalBackupInstance(live.handle, 0)


def test_begin_stop_is_backup_in_progress(live: Live) -> None:
    """Begin / STOP -> -505: a stopped backup is still active until End."""
    jet.JetBeginExternalBackupInstance(live.handle, 0)
    jet.JetStopBackupInstance(live.handle)
    with pytest.raises(errors.BackupInProgressError):
        jet.JetBeginExternalBackupInstance(live.handle, jet.JET_bitBackupIncremental)


def test_begin_bad_grbit_is_invalid_grbit(live: Live) -> None:
    """Begin / bad grbit (JET_bitBackupAtomic) -> -900 (§3.1)."""
    with pytest.raises(errors.InvalidGrbitError):
        jet.JetBeginExternalBackupInstance(live.handle, jet.JET_bitBackupAtomic)


def test_begin_incremental_with_circular_log_is_invalid_backup(
        tmp_path: pathlib.Path, new_name) -> None:
    """Begin / incremental and JET_paramCircularLog -> -526 (§3.1 step 7)."""
    with esent.Instance(new_name(), system_path=tmp_path, params={"CircularLog": True}) as inst:
        with pytest.raises(errors.InvalidBackupError):
            jet.JetBeginExternalBackupInstance(inst.handle, jet.JET_bitBackupIncremental)


def test_begin_without_logging_is_logging_disabled(tmp_path: pathlib.Path, new_name) -> None:
    """Begin / JET_paramRecovery "off" -> -516 (§3.1 step 3)."""
    with esent.Instance(new_name(), system_path=tmp_path, params={"Recovery": "off"}) as inst:
        with pytest.raises(errors.LoggingDisabledError):
            jet.JetBeginExternalBackupInstance(inst.handle, 0)


def test_begin_not_initialised(created_instance: int) -> None:
    """Begin / entry gate: an instance not JetInit-ed -> -1029 (§1.2), or -523 (§3.1 step 2)."""
    with pytest.raises((errors.NotInitializedError, errors.BackupNotAllowedYetError)):
        jet.JetBeginExternalBackupInstance(created_instance, 0)


def test_begin_incremental_without_full_is_missing_full_backup(live: Live) -> None:
    """Begin / incremental with no earlier full backup -> -560 (§3.1 step 10)."""
    with pytest.raises(errors.MissingFullBackupError):
        jet.JetBeginExternalBackupInstance(live.handle, jet.JET_bitBackupIncremental)


# ---- GetAttachInfo -------------------------------------------------------------------------

def test_attach_info_nb_is_no_backup(live: Live) -> None:
    """GetAttachInfo / NB -> -520."""
    with pytest.raises(errors.NoBackupError):
        jet.JetGetAttachInfoInstance(live.handle)


def test_attach_info_stop_is_abort_by_server(live: Live) -> None:
    """GetAttachInfo / STOP -> -801."""
    jet.JetBeginExternalBackupInstance(live.handle, 0)
    jet.JetStopBackupInstance(live.handle)
    with pytest.raises(errors.BackupAbortByServerError):
        jet.JetGetAttachInfoInstance(live.handle)


def test_attach_info_full_lists_the_database(live: Live) -> None:
    """GetAttachInfo / full backup, any state -> 0 and the attached databases."""
    jet.JetBeginExternalBackupInstance(live.handle, 0)
    names = jet.JetGetAttachInfoInstance(live.handle)
    assert [os.path.realpath(n) for n in names] == [os.path.realpath(live.db_path)]
    jet.JetGetLogInfoInstance(live.handle)
    assert jet.JetGetAttachInfoInstance(live.handle) == names  # still fine in LG


def test_attach_info_incremental_is_invalid_sequence(live: Live) -> None:
    """GetAttachInfo / incremental -> -521 (no cancel: End still finds the backup)."""
    complete_full_backup(live)
    jet.JetBeginExternalBackupInstance(live.handle, jet.JET_bitBackupIncremental)
    with pytest.raises(errors.InvalidBackupSequenceError):
        jet.JetGetAttachInfoInstance(live.handle)
    jet.JetEndExternalBackupInstance2(live.handle, jet.JET_bitBackupEndAbort)


# ---- OpenFile ------------------------------------------------------------------------------

def test_open_nb_is_no_backup(live: Live) -> None:
    """OpenFile / NB -> -520."""
    with pytest.raises(errors.NoBackupError):
        jet.JetOpenFileInstance(live.handle, str(live.db_path))


def test_open_stop_is_abort_by_server(live: Live) -> None:
    """OpenFile / STOP -> -801."""
    jet.JetBeginExternalBackupInstance(live.handle, 0)
    jet.JetStopBackupInstance(live.handle)
    with pytest.raises(errors.BackupAbortByServerError):
        jet.JetOpenFileInstance(live.handle, str(live.db_path))


def test_open_empty_name_is_invalid_parameter(live: Live) -> None:
    """OpenFile / name "" -> -1003."""
    jet.JetBeginExternalBackupInstance(live.handle, 0)
    with pytest.raises(errors.InvalidParameterError):
        jet.JetOpenFileInstance(live.handle, "")


def test_open_second_file_is_out_of_memory(live: Live) -> None:
    """OpenFile / a file already open -> -1011 (one handle slot)."""
    jet.JetBeginExternalBackupInstance(live.handle, 0)
    hfile, size = jet.JetOpenFileInstance(live.handle, str(live.db_path))
    assert hfile == 0  # the only slot's index: a valid handle
    assert size % PAGE == 0 and size >= 4 * PAGE
    with pytest.raises(errors.OutOfMemoryError):
        jet.JetOpenFileInstance(live.handle, str(live.db_path))


def test_open_database_in_db_state_succeeds(live: Live) -> None:
    """OpenFile / attached DB, state DB -> 0, size = (pgnoLast + 3) pages."""
    jet.JetBeginExternalBackupInstance(live.handle, 0)
    hfile, size = jet.JetOpenFileInstance(live.handle, str(live.db_path))
    assert size == read_all(live.handle, hfile)
    jet.JetCloseFileInstance(live.handle, hfile)


def test_open_database_in_lg_state_cancels(live: Live) -> None:
    """OpenFile / attached DB, state LG -> -521 + cancel."""
    begin_with_logs(live)
    with pytest.raises(errors.InvalidBackupSequenceError):
        jet.JetOpenFileInstance(live.handle, str(live.db_path))
    assert_cancelled(live.handle)


def test_open_database_in_incremental_cancels(live: Live) -> None:
    """OpenFile / attached DB, incremental -> -521 + cancel."""
    complete_full_backup(live)
    jet.JetBeginExternalBackupInstance(live.handle, jet.JET_bitBackupIncremental)
    with pytest.raises(errors.InvalidBackupSequenceError):
        jet.JetOpenFileInstance(live.handle, str(live.db_path))
    assert_cancelled(live.handle)


def test_open_non_database_in_db_state_is_database_not_found(
        live: Live, tmp_path: pathlib.Path) -> None:
    """OpenFile / not a DB, state DB -> -1203 (no cancel)."""
    other = tmp_path / "other.bin"
    other.write_bytes(b"x" * 100)
    jet.JetBeginExternalBackupInstance(live.handle, 0)
    with pytest.raises(errors.DatabaseNotFoundError):
        jet.JetOpenFileInstance(live.handle, str(other))
    jet.JetGetAttachInfoInstance(live.handle)  # still running


def test_open_log_in_lg_state_succeeds(live: Live) -> None:
    """OpenFile / not a DB (a listed log), state LG -> 0."""
    logs = begin_with_logs(live)
    assert logs
    hfile, size = jet.JetOpenFileInstance(live.handle, logs[0])
    assert size == os.path.getsize(logs[0])
    assert read_all(live.handle, hfile) == size
    jet.JetCloseFileInstance(live.handle, hfile)


def test_open_missing_log_in_lg_state_cancels(live: Live) -> None:
    """OpenFile / missing file, state LG -> -569 + cancel."""
    logs = begin_with_logs(live)
    missing = os.path.join(os.path.dirname(logs[0]), "edbFFFF0.log")
    with pytest.raises(errors.MissingFileToBackupError):
        jet.JetOpenFileInstance(live.handle, missing)
    assert_cancelled(live.handle)


# ---- ReadFile ------------------------------------------------------------------------------

def test_read_nb_is_no_backup(live: Live) -> None:
    """ReadFile / NB -> -520."""
    with pytest.raises(errors.NoBackupError):
        jet.JetReadFileInstance(live.handle, 0, aligned(4 * PAGE))


def test_read_stop_is_abort_by_server(live: Live) -> None:
    """ReadFile / STOP -> -801 at the next read; Close and End still succeed."""
    jet.JetBeginExternalBackupInstance(live.handle, 0)
    hfile, _ = jet.JetOpenFileInstance(live.handle, str(live.db_path))
    jet.JetReadFileInstance(live.handle, hfile, aligned(4 * PAGE))
    jet.JetStopBackupInstance(live.handle)
    with pytest.raises(errors.BackupAbortByServerError):
        jet.JetReadFileInstance(live.handle, hfile, aligned(4 * PAGE))
    jet.JetCloseFileInstance(live.handle, hfile)
    jet.JetEndExternalBackupInstance2(live.handle, jet.JET_bitBackupEndNormal)
    jet.JetBeginExternalBackupInstance(live.handle, 0)  # a new backup starts at once


def test_read_misaligned_buffer_is_invalid_parameter(live: Live) -> None:
    """ReadFile / pv not aligned to the OS page -> -1003."""
    jet.JetBeginExternalBackupInstance(live.handle, 0)
    hfile, _ = jet.JetOpenFileInstance(live.handle, str(live.db_path))
    page = esent._esent.os_page_size()
    misaligned = aligned(8 * PAGE + page)[1:1 + 8 * PAGE]
    with pytest.raises(errors.InvalidParameterError):
        jet.JetReadFileInstance(live.handle, hfile, misaligned)


def test_read_size_not_page_multiple_is_invalid_parameter(live: Live) -> None:
    """ReadFile / cb % cbPage != 0 -> -1003."""
    jet.JetBeginExternalBackupInstance(live.handle, 0)
    hfile, _ = jet.JetOpenFileInstance(live.handle, str(live.db_path))
    with pytest.raises(errors.InvalidParameterError):
        jet.JetReadFileInstance(live.handle, hfile, aligned(4 * PAGE + 512))


def test_read_first_database_read_below_three_pages_is_invalid_parameter(live: Live) -> None:
    """ReadFile / first read of a database smaller than 3 pages -> -1003; later reads may be
    one page."""
    jet.JetBeginExternalBackupInstance(live.handle, 0)
    hfile, size = jet.JetOpenFileInstance(live.handle, str(live.db_path))
    with pytest.raises(errors.InvalidParameterError):
        jet.JetReadFileInstance(live.handle, hfile, aligned(2 * PAGE))
    assert jet.JetReadFileInstance(live.handle, hfile, aligned(3 * PAGE)) == 3 * PAGE
    assert jet.JetReadFileInstance(live.handle, hfile, aligned(PAGE)) == PAGE


def test_read_first_log_read_below_two_pages_is_invalid_parameter(live: Live) -> None:
    """ReadFile / first read of a log smaller than 2 pages -> -1003."""
    logs = begin_with_logs(live)
    hfile, _ = jet.JetOpenFileInstance(live.handle, logs[0])
    with pytest.raises(errors.InvalidParameterError):
        jet.JetReadFileInstance(live.handle, hfile, aligned(PAGE))


def test_read_end_of_file_returns_zero(live: Live) -> None:
    """ReadFile / after all data -> 0 with *pcbActual = 0."""
    jet.JetBeginExternalBackupInstance(live.handle, 0)
    hfile, size = jet.JetOpenFileInstance(live.handle, str(live.db_path))
    assert read_all(live.handle, hfile) == size
    assert jet.JetReadFileInstance(live.handle, hfile, aligned(4 * PAGE)) == 0


def test_read_closed_handle_is_invalid_parameter(live: Live) -> None:
    """ReadFile / a handle not open: ESENT does not check (audit F7, a stale handle reads as
    end of file); libese follows the audit's recommendation, -1003.  Either is accepted."""
    jet.JetBeginExternalBackupInstance(live.handle, 0)
    hfile, _ = jet.JetOpenFileInstance(live.handle, str(live.db_path))
    jet.JetCloseFileInstance(live.handle, hfile)
    try:
        got = jet.JetReadFileInstance(live.handle, hfile, aligned(4 * PAGE))
    except errors.InvalidParameterError:
        return
    assert got == 0


# ---- CloseFile -----------------------------------------------------------------------------

def test_close_nb_is_no_backup(live: Live) -> None:
    """CloseFile / NB -> -520."""
    with pytest.raises(errors.NoBackupError):
        jet.JetCloseFileInstance(live.handle, 0)


def test_close_stop_still_works(live: Live) -> None:
    """CloseFile / STOP -> works (0)."""
    jet.JetBeginExternalBackupInstance(live.handle, 0)
    hfile, _ = jet.JetOpenFileInstance(live.handle, str(live.db_path))
    jet.JetStopBackupInstance(live.handle)
    jet.JetCloseFileInstance(live.handle, hfile)


def test_close_unused_handle_is_invalid_parameter(live: Live) -> None:
    """CloseFile / bad or unused handle -> -1003."""
    jet.JetBeginExternalBackupInstance(live.handle, 0)
    with pytest.raises(errors.InvalidParameterError):
        jet.JetCloseFileInstance(live.handle, 0)
    with pytest.raises(errors.InvalidParameterError):
        jet.JetCloseFileInstance(live.handle, 7)


# ---- GetLogInfo(2) / GetTruncateLogInfo ----------------------------------------------------

def test_log_info_nb_is_no_backup(live: Live) -> None:
    """GetLogInfo / NB -> -520; GetTruncateLogInfo too."""
    with pytest.raises(errors.NoBackupError):
        jet.JetGetLogInfoInstance(live.handle)
    with pytest.raises(errors.NoBackupError):
        jet.JetGetTruncateLogInfoInstance(live.handle)


def test_log_info_stop_is_abort_by_server(live: Live) -> None:
    """GetLogInfo / STOP -> -801."""
    jet.JetBeginExternalBackupInstance(live.handle, 0)
    jet.JetStopBackupInstance(live.handle)
    with pytest.raises(errors.BackupAbortByServerError):
        jet.JetGetLogInfoInstance2(live.handle)
    with pytest.raises(errors.BackupAbortByServerError):
        jet.JetGetTruncateLogInfoInstance(live.handle)


def test_log_info_with_open_file_is_invalid_sequence(live: Live) -> None:
    """GetLogInfo / a file open -> -521 (no cancel)."""
    jet.JetBeginExternalBackupInstance(live.handle, 0)
    hfile, _ = jet.JetOpenFileInstance(live.handle, str(live.db_path))
    with pytest.raises(errors.InvalidBackupSequenceError):
        jet.JetGetLogInfoInstance(live.handle)
    jet.JetCloseFileInstance(live.handle, hfile)  # the backup is still there


def test_log_info_rolls_once_and_lists_closed_generations(live: Live) -> None:
    """GetLogInfo / else -> 0: the first call rolls the log, the list is copyMic..copyMac-1 and
    stays the same on later calls; JET_LOGINFO names the range and the base name."""
    jet.JetBeginExternalBackupInstance(live.handle, 0)
    names, (low, high, base) = jet.JetGetLogInfoInstance2(live.handle)
    assert base == "edb" and 1 <= low <= high
    expected = [f"edb{g:05X}.log" for g in range(low, high + 1)]
    assert [os.path.basename(n) for n in names] == expected
    assert all(os.path.isfile(n) for n in names)
    again, info = jet.JetGetLogInfoInstance2(live.handle)
    assert again == names and info == (low, high, base)


# ---- TruncateLog ---------------------------------------------------------------------------

def test_truncate_nb_is_no_backup(live: Live) -> None:
    """TruncateLog / NB -> -520."""
    with pytest.raises(errors.NoBackupError):
        jet.JetTruncateLogInstance(live.handle)


def test_truncate_stop_is_abort_by_server(live: Live) -> None:
    """TruncateLog / STOP -> -801."""
    begin_with_logs(live)
    jet.JetStopBackupInstance(live.handle)
    with pytest.raises(errors.BackupAbortByServerError):
        jet.JetTruncateLogInstance(live.handle)


def test_truncate_before_log_info_is_invalid_sequence(live: Live) -> None:
    """TruncateLog / GetLogInfo not yet called -> -521."""
    jet.JetBeginExternalBackupInstance(live.handle, 0)
    with pytest.raises(errors.InvalidBackupSequenceError):
        jet.JetTruncateLogInstance(live.handle)


def test_truncate_with_open_file_is_invalid_sequence(live: Live) -> None:
    """TruncateLog / a file open -> -521."""
    logs = begin_with_logs(live)
    hfile, _ = jet.JetOpenFileInstance(live.handle, logs[0])
    with pytest.raises(errors.InvalidBackupSequenceError):
        jet.JetTruncateLogInstance(live.handle)
    jet.JetCloseFileInstance(live.handle, hfile)


def test_truncate_before_logs_read_is_log_file_not_copied(live: Live) -> None:
    """TruncateLog / not all logs read -> -616."""
    begin_with_logs(live)
    with pytest.raises(errors.LogFileNotCopiedError):
        jet.JetTruncateLogInstance(live.handle)


def test_truncate_deletes_the_documented_range(live: Live) -> None:
    """TruncateLog / else -> 0: exactly JetGetTruncateLogInfoInstance's files go, never the
    current log or the checkpoint."""
    logs = begin_with_logs(live)
    for name in logs:
        hfile, _ = jet.JetOpenFileInstance(live.handle, name)
        read_all(live.handle, hfile)
        jet.JetCloseFileInstance(live.handle, hfile)
    doomed = jet.JetGetTruncateLogInfoInstance(live.handle)
    assert set(doomed) <= set(logs) | set(doomed)
    folder = os.path.dirname(logs[0])
    before = set(os.listdir(folder))
    jet.JetTruncateLogInstance(live.handle)
    after = set(os.listdir(folder))
    assert before - after == {os.path.basename(n) for n in doomed}
    assert "edb.log" in after and "edb.chk" in after
    jet.JetTruncateLogInstance(live.handle)  # again: a no-op that succeeds


# ---- End -----------------------------------------------------------------------------------

@pytest.mark.parametrize("grbit", [0, 0x3, 0x100])
def test_end_bad_grbit_is_checked_first(live: Live, grbit: int) -> None:
    """End2 / grbit not exactly one of Normal and Abort -> -1003, checked before NB."""
    with pytest.raises(errors.InvalidParameterError):
        jet.JetEndExternalBackupInstance2(live.handle, grbit)


def test_end_nb_is_no_backup(live: Live) -> None:
    """End2 / NB -> -520 (so a second End gives -520)."""
    with pytest.raises(errors.NoBackupError):
        jet.JetEndExternalBackupInstance2(live.handle, jet.JET_bitBackupEndNormal)
    jet.JetBeginExternalBackupInstance(live.handle, 0)
    jet.JetEndExternalBackupInstance2(live.handle, jet.JET_bitBackupEndAbort)
    with pytest.raises(errors.NoBackupError):
        jet.JetEndExternalBackupInstance(live.handle)


def _backup_info(live: Live):
    return jet.JetGetDatabaseFileInfo(str(live.db_path), jet.JET_DbInfoMisc)


def test_end_stop_succeeds_without_header_update(live: Live) -> None:
    """End2 / STOP -> 0 (aborted; docs also list -801: accepted), header unchanged."""
    before = _backup_info(live)
    begin_with_logs(live)
    jet.JetStopBackupInstance(live.handle)
    try:
        jet.JetEndExternalBackupInstance2(live.handle, jet.JET_bitBackupEndNormal)
    except errors.BackupAbortByServerError:
        pass
    assert _backup_info(live)["bkinfoFullPrev"] == before["bkinfoFullPrev"]
    jet.JetBeginExternalBackupInstance(live.handle, 0)


def test_end_normal_in_db_state_is_an_abort(live: Live) -> None:
    """End2 / Normal while still in state DB -> 0, treated as an abort: no header update."""
    before = _backup_info(live)
    jet.JetBeginExternalBackupInstance(live.handle, 0)
    jet.JetEndExternalBackupInstance2(live.handle, jet.JET_bitBackupEndNormal)
    assert _backup_info(live) == before


def test_end_normal_in_lg_records_the_backup(live: Live) -> None:
    """End2 / Normal in LG after truncation -> 0, bkinfoFullPrev = the backup's generations
    (§4.4)."""
    logs = begin_with_logs(live)
    _, (low, high, _) = jet.JetGetLogInfoInstance2(live.handle)
    for name in logs:
        hfile, _ = jet.JetOpenFileInstance(live.handle, name)
        read_all(live.handle, hfile)
        jet.JetCloseFileInstance(live.handle, hfile)
    jet.JetTruncateLogInstance(live.handle)
    jet.JetEndExternalBackupInstance2(live.handle, jet.JET_bitBackupEndNormal)
    info = _backup_info(live)["bkinfoFullPrev"]
    assert (info["genLow"], info["genHigh"]) == (low, high)


# ---- StopBackup ----------------------------------------------------------------------------

def test_stop_never_fails_for_a_valid_instance(live: Live) -> None:
    """StopBackup / NB and STOP -> 0."""
    jet.JetStopBackupInstance(live.handle)
    jet.JetBeginExternalBackupInstance(live.handle, 0)  # Begin clears an earlier stop
    jet.JetGetAttachInfoInstance(live.handle)
    jet.JetStopBackupInstance(live.handle)
    jet.JetStopBackupInstance(live.handle)
