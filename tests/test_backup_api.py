"""inst.external_backup(): the context manager, its abort rules, the native copy loop and the
chunk iterator.  The rules are DESIGN's ("Python API") over ese-backup-facts.md §2-§3; the stop
path is JetStopBackupInstance's documentation (facts §3.10)."""

from __future__ import annotations

import hashlib
import os
import pathlib
import signal
import threading
import time
from collections.abc import Iterator

import pytest

import esent
from esent import _testing, errors, jet
from esent.backup import ExternalBackup, IncompleteBackupError

pytestmark = pytest.mark.contract


@pytest.fixture
def inst(tmp_path: pathlib.Path, new_name) -> Iterator[esent.Instance]:
    with esent.Instance(new_name("bk"), system_path=tmp_path / "sys") as instance:
        with instance.session() as session:
            db = session.create_database(tmp_path / "data.edb")
            table = db.create_table("t", [esent.Column("id", esent.ColumnType.LONG),
                                          esent.Column("v", esent.ColumnType.LONG_BINARY)],
                                    [esent.Index("pk", ["+id"], primary=True)])
            for i in range(300):
                table.insert({"id": i, "v": os.urandom(2000)})
            yield instance  # the database stays attached while the session lives


def no_backup_running(inst: esent.Instance) -> bool:
    """True when no backup is running: a new one can begin (and is ended again)."""
    try:
        jet.JetBeginExternalBackupInstance(inst.handle, 0)
    except errors.BackupInProgressError:
        return False
    jet.JetEndExternalBackupInstance2(inst.handle, jet.JET_bitBackupEndAbort)
    return True


def full_backup(inst: esent.Instance, folder: pathlib.Path, **options) -> ExternalBackup:
    folder.mkdir(parents=True, exist_ok=True)
    with inst.external_backup(**options) as bk:
        for name in bk.database_files():
            bk.copy(name, folder / os.path.basename(name))
        for name in bk.log_files():
            bk.copy(name, folder / os.path.basename(name))
    return bk


def test_copy_matches_the_engine_stream_and_hash(inst: esent.Instance,
                                                 tmp_path: pathlib.Path) -> None:
    """bk.copy writes exactly what JetReadFileInstance returns, with its SHA-256."""
    # Quiet: no background checkpoint round may write a dirty page between the two reads (the
    # second would then carry the newer page, an equally valid copy, and the hashes differ).
    with _testing.no_background_checkpoints(), inst.external_backup() as bk:
        [name] = bk.database_files()
        copied = bk.copy(name, tmp_path / "copy.edb")
        with bk.open(name) as reader:
            streamed = b"".join(bytes(chunk) for chunk in reader)
        bk.log_files()
    data = (tmp_path / "copy.edb").read_bytes()
    assert copied.size == len(data) == reader.size
    assert copied.sha256 == hashlib.sha256(data).hexdigest()
    # Two reads of a quiet database give the same pages (the header copies may differ only
    # in what Open captured, which is the same here).
    assert hashlib.sha256(streamed).digest() == hashlib.sha256(data).digest()


def test_copy_without_hash(inst: esent.Instance, tmp_path: pathlib.Path) -> None:
    with inst.external_backup() as bk:
        [name] = bk.database_files()
        copied = bk.copy(name, tmp_path / "copy.edb", sha256=False)
        bk.log_files()
    assert copied.sha256 is None and copied.size == (tmp_path / "copy.edb").stat().st_size


def test_copy_to_descriptor_and_progress(inst: esent.Instance, tmp_path: pathlib.Path) -> None:
    """A descriptor destination is written and left open; progress sees 0 .. total."""
    seen: list[tuple[int, int]] = []
    fd = os.open(tmp_path / "out.bin", os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        with inst.external_backup(buffer_mib=1) as bk:
            [name] = bk.database_files()
            bk.gil_interval = 64 << 10  # take the GIL back often: progress called many times
            copied = bk.copy(name, fd, progress=lambda done, total: seen.append((done, total)))
            bk.log_files()
        os.fstat(fd)  # still open
    finally:
        os.close(fd)
    assert seen[0] == (0, copied.size) and seen[-1] == (copied.size, copied.size)
    assert len(seen) > 3
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


def test_destination_not_overwritten(inst: esent.Instance, tmp_path: pathlib.Path) -> None:
    (tmp_path / "exists.edb").write_bytes(b"keep")
    with inst.external_backup() as bk:
        [name] = bk.database_files()
        with pytest.raises(FileExistsError):
            bk.copy(name, tmp_path / "exists.edb")
        bk.copy(name, tmp_path / "exists.edb", overwrite=True)
        bk.log_files()
    assert (tmp_path / "exists.edb").read_bytes() != b"keep"


def test_only_listed_files_are_opened(inst: esent.Instance, tmp_path: pathlib.Path) -> None:
    """Path safety: a name the engine did not list is refused before any engine call."""
    secret = tmp_path / "secret.txt"
    secret.write_text("not yours")
    with inst.external_backup() as bk:
        with pytest.raises(ValueError, match="not a file this backup listed"):
            bk.copy(str(secret), tmp_path / "stolen")
        [name] = bk.database_files()
        bk.copy(name, tmp_path / "db")
        for log in bk.log_files():
            bk.copy(log, tmp_path / os.path.basename(log))
        with pytest.raises(ValueError):
            bk.open(str(secret))
    assert not (tmp_path / "stolen").exists()


def test_normal_exit_before_logs_raises_and_aborts(inst: esent.Instance,
                                                   tmp_path: pathlib.Path) -> None:
    """Leaving normally before log_files(): ended as aborted, IncompleteBackupError."""
    with pytest.raises(IncompleteBackupError):
        with inst.external_backup() as bk:
            [name] = bk.database_files()
            bk.copy(name, tmp_path / "db")
    assert bk.closed and no_backup_running(inst)


def test_stop_then_normal_exit_is_a_quiet_abort(inst: esent.Instance) -> None:
    with inst.external_backup() as bk:
        bk.database_files()
        bk.stop()
        assert bk.stopped
    assert no_backup_running(inst)


def test_exception_in_block_stops_ends_and_reraises(inst: esent.Instance,
                                                    tmp_path: pathlib.Path) -> None:
    class Boom(Exception):
        pass

    with pytest.raises(Boom) as info:
        with inst.external_backup() as bk:
            [name] = bk.database_files()
            reader = bk.open(name)
            next(iter(reader))
            raise Boom()
    assert info.value.__context__ is None  # Stop and End both succeeded: nothing chained
    assert no_backup_running(inst)
    assert not reader._open


def test_failing_end_is_chained_not_substituted(inst: esent.Instance, monkeypatch) -> None:
    """A failure of End while aborting is chained to the original exception."""
    class Boom(Exception):
        pass

    def failing_end(handle: int, grbit: int) -> None:
        raise errors.NoBackupError(-520, "JetEndExternalBackupInstance2")

    real_end = esent._esent.JetEndExternalBackupInstance2
    with pytest.raises(Boom) as info:
        with inst.external_backup():
            monkeypatch.setattr(esent._esent, "JetEndExternalBackupInstance2", failing_end)
            raise Boom()
    monkeypatch.undo()
    assert isinstance(info.value.__context__, errors.NoBackupError)
    assert any("while aborting the backup" in note for note in info.value.__notes__)
    real_end(inst.handle, jet.JET_bitBackupEndAbort)  # end it for real


def test_keyboard_interrupt_during_copy_leaves_nothing_running(
        inst: esent.Instance, tmp_path: pathlib.Path) -> None:
    """Ctrl+C in the middle of a copy: the native loop delivers it at its next GIL break;
    no backup runs afterwards, no handle is open, and the partial file is removed."""
    def interrupt(done: int, total: int) -> None:
        if done > 0:
            signal.raise_signal(signal.SIGINT)

    with pytest.raises(KeyboardInterrupt):
        with inst.external_backup(buffer_mib=1) as bk:
            bk.gil_interval = 64 << 10
            [name] = bk.database_files()
            bk.copy(name, tmp_path / "partial", progress=interrupt)
    assert no_backup_running(inst)
    assert not (tmp_path / "partial").exists()
    assert bk._open_reader is None


@pytest.mark.skipif(os.name == "nt", reason="POSIX signals and pipes drive this test")
def test_native_loop_delivers_ctrl_c_while_blocked(inst: esent.Instance) -> None:
    """SIGINT arriving while the loop runs without the GIL (here: blocked writing to a full
    pipe) raises KeyboardInterrupt at the loop's next GIL break, with no Python callback."""
    read_end, write_end = os.pipe()

    def interrupter() -> None:
        time.sleep(0.3)  # the copy is blocked in write() on the full pipe by now
        os.kill(os.getpid(), signal.SIGINT)
        while os.read(read_end, 1 << 20):
            pass

    thread = threading.Thread(target=interrupter)
    with pytest.raises(KeyboardInterrupt):
        with inst.external_backup(buffer_mib=1) as bk:
            bk.gil_interval = 64 << 10
            [name] = bk.database_files()
            thread.start()
            try:
                bk.copy(name, write_end)
            finally:
                os.close(write_end)
                thread.join()
    os.close(read_end)
    assert no_backup_running(inst)


def test_failing_progress_callback_aborts_the_copy(inst: esent.Instance,
                                                   tmp_path: pathlib.Path) -> None:
    def fail(done: int, total: int) -> None:
        if done:
            raise RuntimeError("progress failed")

    with pytest.raises(RuntimeError, match="progress failed"):
        with inst.external_backup(buffer_mib=1) as bk:
            bk.gil_interval = 64 << 10
            [name] = bk.database_files()
            bk.copy(name, tmp_path / "partial", progress=fail)
    assert no_backup_running(inst)


def test_stop_from_another_thread_fails_the_running_copy(inst: esent.Instance,
                                                         tmp_path: pathlib.Path) -> None:
    """facts §3.10: after stop() from another thread the copy fails at its next read with
    BackupAbortByServerError, Close and End succeed, and a new backup starts at once."""
    started = threading.Event()
    result: list[BaseException] = []

    def slow_progress(done: int, total: int) -> None:
        if done:
            started.set()
            stopper.join()  # hold the copy until the stop has landed

    def copier() -> None:
        try:
            bk.copy(name, tmp_path / "copy", progress=slow_progress)
        except BaseException as failure:
            result.append(failure)

    with inst.external_backup(buffer_mib=1) as bk:
        bk.gil_interval = 64 << 10
        [name] = bk.database_files()
        stopper = threading.Thread(target=lambda: (started.wait(10), bk.stop()))
        stopper.start()
        worker = threading.Thread(target=copier)
        worker.start()
        worker.join(30)
    assert len(result) == 1 and isinstance(result[0], errors.BackupAbortByServerError)
    assert bk.closed and no_backup_running(inst)
    full_backup(inst, tmp_path / "again")  # and a new one works


def test_closing_the_instance_ends_a_running_backup(tmp_path: pathlib.Path, new_name) -> None:
    """Parents close children: an instance closed under a backup ends it as aborted first."""
    instance = esent.Instance(new_name(), system_path=tmp_path).init()
    bk = instance.external_backup().begin()
    instance.close()
    assert bk.closed and instance.closed


def test_copy_backup_does_not_allow_incrementals(inst: esent.Instance,
                                                 tmp_path: pathlib.Path) -> None:
    """facts §4.4, §3.1 step 10: a full backup without truncation is a "copy" backup; a
    later incremental fails with MissingFullBackupError.  With truncate=True it works."""
    full_backup(inst, tmp_path / "copy")
    with pytest.raises(errors.MissingFullBackupError):
        with inst.external_backup(incremental=True):
            pass
    full_backup(inst, tmp_path / "full", truncate=True)
    with inst.external_backup(incremental=True) as bk:
        assert bk.log_files()


def test_chunk_views_survive_the_next_chunk(inst: esent.Instance) -> None:
    """A held memoryview never changes under its holder: the reader switches buffers."""
    with inst.external_backup(buffer_mib=1) as bk:
        [name] = bk.database_files()
        with bk.open(name) as reader:
            first = next(reader)
            copy_of_first = bytes(first)
            second = next(reader)
            assert bytes(first) == copy_of_first
            assert first.readonly and len(second) > 0
            held = [first, second]
            for chunk in reader:
                chunk.release()
        bk.log_files()
    assert bytes(held[0]) == copy_of_first  # the memory outlives the backup


def test_one_file_at_a_time(inst: esent.Instance) -> None:
    with inst.external_backup() as bk:
        [name] = bk.database_files()
        with bk.open(name):
            with pytest.raises(RuntimeError, match="still open"):
                bk.open(name)
        bk.log_files()


def test_use_after_end_is_refused(inst: esent.Instance) -> None:
    with inst.external_backup() as bk:
        bk.database_files()
        bk.log_files()
    with pytest.raises(esent.ObjectClosedError):
        bk.database_files()
