"""Streaming backup: ``inst.external_backup()``, the object behind it, and ``inst.backup()``.

The protocol is ESENT's, in ESENT's order (docs/contract/backup.md)::

    with inst.external_backup() as bk:          # JetBeginExternalBackupInstance
        for name in bk.database_files():        # JetGetAttachInfoInstance
            bk.copy(name, folder / "db.edb")    # JetOpenFileInstance, Read..., Close (native loop)
        for name in bk.log_files():             # JetGetLogInfoInstance2 (rolls the log)
            bk.copy(name, folder / os.path.basename(name))
        bk.truncate_logs()                      # JetTruncateLogInstance (optional)
                                                # leaving: JetEndExternalBackupInstance2

Leaving the block normally after ``log_files()`` ends the backup with JET_bitBackupEndNormal
(plus JET_bitBackupTruncateDone when logs were truncated or ``truncate=True``).  Leaving it
normally before that ends the backup as aborted and raises ``IncompleteBackupError`` (such a copy
cannot be restored), unless ``bk.stop()`` asked for the abort.  Leaving it by an exception,
KeyboardInterrupt included, calls JetStopBackupInstance, then ends the backup with
JET_bitBackupEndAbort, then re-raises the original exception; a failure of either call is
chained to it (``__context__`` and a note), never raised in its place.

Threads: ``stop()`` may be called from any thread while another copies; the copy fails at its
next read with ``esent.errors.BackupAbortByServerError``.  Every other method is meant for one
thread at a time (ESENT does not support concurrent reads of one backup file).
"""

from __future__ import annotations

import errno
import functools
import os
import pathlib
import threading
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Callable, Iterator

from esent import _esent, errors, manifest
from esent._lifecycle import NativeObject, ObjectClosedError

if TYPE_CHECKING:
    from esent.instance import Instance

#: Default size of the copy buffer in MiB: big enough that the per-call cost of the engine and
#: of write() disappears, small enough to stay in the CPU caches' neighbourhood (benchmarks/).
DEFAULT_BUFFER_MIB = 4

#: ``progress(bytes_done, bytes_total)`` of one file copy.
Progress = Callable[[int, int], object]


class IncompleteBackupError(RuntimeError):
    """A backup block ended before the logs were listed: the copy cannot be restored, so the
    backup was ended as aborted."""


@dataclass(frozen=True)
class CopiedFile:
    """One file a backup copied: its engine name, the bytes copied and their SHA-256."""

    name: str
    size: int
    sha256: str | None


@dataclass(frozen=True)
class LogInfo:
    """JET_LOGINFO of a backup: the generations listed and the log base name."""

    gen_low: int
    gen_high: int
    base_name: str


def _report_file(progress: Progress, total: int, done: int) -> None:
    progress(done, total)


def _same_path(a: str, b: str) -> bool:
    return os.path.normcase(os.path.normpath(a)) == os.path.normcase(os.path.normpath(b))


class BackupFileReader:
    """Iterates over one backup file as memoryviews of the backup's copy buffer, for callers
    that stream the bytes somewhere other than a local file.

    Lifetime of a chunk: a memoryview stays valid and unchanged for as long as you hold it,
    because it keeps its buffer alive; when you still hold one as the next chunk is read, the
    reader switches to a fresh buffer instead of overwriting it (costing one allocation), so
    no view can ever show freed or half-rewritten memory.  Release views promptly
    (``del chunk`` or ``with chunk:``) to keep one buffer for the whole file.  Closing the
    reader (or leaving its ``with`` block) closes the engine's file handle.
    """

    def __init__(self, backup: ExternalBackup, name: str) -> None:
        self.name = name
        self._backup = backup
        self._handle, self.size = _esent.JetOpenFileInstance(backup._instance_handle, name)
        self._open = True
        self.bytes_read = 0

    def __iter__(self) -> Iterator[memoryview]:
        return self

    def __next__(self) -> memoryview:
        if not self._open:
            raise StopIteration
        buffer = self._backup._buffer(replace_if_exported=True)
        try:
            got = buffer.read_chunk(self._backup._instance_handle, self._handle)
        except BaseException:
            self.close(after_error=True)
            raise
        if got == 0:
            self.close()
            raise StopIteration
        self.bytes_read += got
        return memoryview(buffer)

    def close(self, *, after_error: bool = False) -> None:
        """Close the engine's handle for this file (idempotent)."""
        if not self._open:
            return
        self._open = False
        self._backup._file_closed(self)
        _close_file(self._backup._instance_handle, self._handle, after_error)

    def __enter__(self) -> BackupFileReader:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *rest: object) -> None:
        self.close(after_error=exc_type is not None)


def _close_file(instance: int, handle: int, after_error: bool) -> None:
    try:
        _esent.JetCloseFileInstance(instance, handle)
    except (errors.InvalidParameterError, errors.NoBackupError):
        # After a read error on a database ESENT has already closed the handle (fact sheet
        # §3.4), and after a cancelled backup there is none: nothing is left open.
        if not after_error:
            raise


class ExternalBackup(NativeObject):
    """A streaming backup of one instance; made by ``Instance.external_backup()``.

    ``incremental`` copies only logs since the last full backup that truncated them;
    ``truncate`` ends the backup with JET_bitBackupTruncateDone, making a full backup a
    "normal" one that later incrementals build on (without it, and without ``truncate_logs()``,
    ESENT records a "copy" backup and a later incremental fails with
    ``MissingFullBackupError``).  ``buffer_mib`` sizes the one page-aligned copy buffer the
    whole backup reuses.
    """

    def __init__(self, instance: Instance, *, incremental: bool = False, truncate: bool = False,
                 buffer_mib: int = DEFAULT_BUFFER_MIB,
                 gil_interval: int = _esent.DEFAULT_GIL_INTERVAL) -> None:
        super().__init__(instance)
        if not isinstance(buffer_mib, int) or not 1 <= buffer_mib <= 1024:
            raise ValueError("buffer_mib must be an int from 1 to 1024")
        self.instance = instance
        self.incremental = incremental
        self.truncate = truncate
        self.buffer_size = buffer_mib << 20
        self.gil_interval = gil_interval
        self._instance_handle = instance.handle
        self._copy_buffer: _esent.CopyBuffer | None = None
        self._databases: list[str] | None = None
        self._logs: list[str] | None = None
        self._log_info: LogInfo | None = None
        self._truncated = False
        self._stopped = threading.Event()
        self._open_reader: BackupFileReader | None = None
        self._end_grbit = _esent.JET_bitBackupEndAbort
        self.copied: list[CopiedFile] = []

    def _describe(self) -> str:
        kind = "incremental" if self.incremental else "full"
        return f"{kind} backup of {self.instance._describe()}"

    # -- lifecycle ----------------------------------------------------------------------------
    def begin(self) -> ExternalBackup:
        """JetBeginExternalBackupInstance (what ``with`` does on entry)."""
        if self._handle is not None:
            raise RuntimeError(f"{self._describe()} has already begun")
        grbit = _esent.JET_bitBackupIncremental if self.incremental else 0
        _esent.JetBeginExternalBackupInstance(self._instance_handle, grbit)
        self._handle = self._instance_handle
        self.instance._adopt(self)
        return self

    def __enter__(self) -> ExternalBackup:
        return self.begin()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._handle is None:
            return
        if exc is not None:
            self._abort(exc)
            return  # the original exception propagates
        if self._logs is None:
            self._end(_esent.JET_bitBackupEndAbort)
            if not self._stopped.is_set():
                raise IncompleteBackupError(
                    f"{self._describe()} ended before its logs were listed (log_files()); "
                    "without logs the copy cannot be restored, so it was ended as aborted")
            return
        grbit = _esent.JET_bitBackupEndNormal
        if self._truncated or self.truncate:
            grbit |= _esent.JET_bitBackupTruncateDone
        self._end(grbit)

    def close(self) -> None:
        """End the backup as aborted if it is still running (what closing the instance does)."""
        if self._handle is not None:
            try:
                _esent.JetStopBackupInstance(self._instance_handle)
            finally:
                self._end(_esent.JET_bitBackupEndAbort)

    def _release(self, handle: int) -> None:
        _esent.JetEndExternalBackupInstance2(handle, self._end_grbit)

    def _end(self, grbit: int) -> None:
        if self._open_reader is not None:
            self._open_reader.close(after_error=True)
        self._end_grbit = grbit
        NativeObject.close(self)

    def _abort(self, original: BaseException) -> None:
        """Stop, then end as aborted; chain any failure to ``original``."""
        failures: list[BaseException] = []
        try:
            _esent.JetStopBackupInstance(self._instance_handle)
        except BaseException as failure:
            failures.append(failure)
        try:
            self._end(_esent.JET_bitBackupEndAbort)
        except BaseException as failure:
            failures.append(failure)
        for failure in failures:
            failure.__context__ = original.__context__
            original.__context__ = failure
            original.add_note(f"while aborting the backup: {failure!r}")

    # -- the protocol -------------------------------------------------------------------------
    def database_files(self) -> list[str]:
        """The databases to copy (full paths); any time during a full backup."""
        self.handle  # raises ObjectClosedError once ended
        self._databases = _esent.JetGetAttachInfoInstance(self._instance_handle)
        return list(self._databases)

    def log_files(self) -> list[str]:
        """Roll the log and list the log files to copy (full paths, oldest first).

        Ends the database phase: copying a database afterwards raises
        ``InvalidBackupSequenceError`` and cancels the backup, as ESENT does.
        """
        self.handle
        names, (low, high, base) = _esent.JetGetLogInfoInstance2(self._instance_handle)
        self._logs = names
        self._log_info = LogInfo(low, high, base)
        return list(names)

    @property
    def log_info(self) -> LogInfo | None:
        """The generation range and base name of ``log_files()`` (None before it)."""
        return self._log_info

    def truncate_log_files(self) -> list[str]:
        """The log files ``truncate_logs()`` would delete (JetGetTruncateLogInfoInstance)."""
        self.handle
        return _esent.JetGetTruncateLogInfoInstance(self._instance_handle)

    def truncate_logs(self) -> None:
        """Delete the log generations this backup made unnecessary (JetTruncateLogInstance).
        Every listed log must have been copied completely first (else LogFileNotCopiedError)."""
        self.handle
        _esent.JetTruncateLogInstance(self._instance_handle)
        self._truncated = True

    def stop(self) -> None:
        """Ask the engine to abort this backup (JetStopBackupInstance); safe from any thread.

        A copy running elsewhere fails at its next read with BackupAbortByServerError; leaving
        the ``with`` block then ends the backup as aborted without raising."""
        self._stopped.set()
        _esent.JetStopBackupInstance(self._instance_handle)

    @property
    def stopped(self) -> bool:
        """True once ``stop()`` was called."""
        return self._stopped.is_set()

    # -- copying ------------------------------------------------------------------------------
    def _check_listed(self, name: str) -> str:
        name = os.fspath(name)
        listed = (self._databases or []) + (self._logs or [])
        if not any(_same_path(name, entry) for entry in listed):
            raise ValueError(
                f"{name!r} is not a file this backup listed; call database_files() or "
                "log_files() and copy only what they return")
        return name

    def _buffer(self, replace_if_exported: bool = False) -> _esent.CopyBuffer:
        buffer = self._copy_buffer
        if buffer is None or (replace_if_exported and buffer.exports):
            buffer = self._copy_buffer = _esent.CopyBuffer(self.buffer_size)
        return buffer

    def _file_closed(self, reader: BackupFileReader) -> None:
        if self._open_reader is reader:
            self._open_reader = None

    def open(self, name: str) -> BackupFileReader:
        """Open a listed file for reading as chunks (see BackupFileReader)."""
        self.handle
        name = self._check_listed(name)
        if self._open_reader is not None:
            raise RuntimeError(f"{self._open_reader.name!r} is still open; ESENT reads one "
                               "backup file at a time")
        reader = BackupFileReader(self, name)
        self._open_reader = reader
        return reader

    def copy(self, name: str, destination: str | os.PathLike[str] | int, *,
             sha256: bool = True, progress: Progress | None = None, overwrite: bool = False,
             fsync: bool = True) -> CopiedFile:
        """Copy one listed file to ``destination`` with the native loop; returns what was
        copied (size and SHA-256 hex digest, or None with ``sha256=False``).

        ``destination`` is a path (created; an existing file is refused unless
        ``overwrite``) or an open file descriptor (written from its current position, left
        open).  ``progress(bytes_done, bytes_total)`` is called at the start, at least every
        64 MiB, and at the end.  On any failure a
        destination file this call created is removed, and the engine's file handle is
        closed; the backup itself goes on when ESENT lets it (a bad database page fails only
        that database).
        """
        reader = self.open(name)
        created: str | None = None
        fd = -1
        try:
            if isinstance(destination, int):
                fd = destination
            else:
                flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_BINARY", 0)
                flags |= os.O_TRUNC if overwrite else os.O_EXCL
                created = os.fspath(destination)
                fd = os.open(created, flags, 0o644)
            total = reader.size
            report: Callable[[int], object] | None = None
            if progress is not None:
                progress(0, total)
                report = functools.partial(_report_file, progress, total)
            size, digest = _esent.copy_backup_file(
                self._instance_handle, reader._handle, self._buffer(), fd, sha256, report,
                self.gil_interval)
            if size != reader.size:
                raise OSError(errno.EIO, f"{name!r}: the engine announced {reader.size} bytes "
                              f"but returned {size}")
            if fsync and created is not None:
                os.fsync(fd)
        except BaseException:
            reader.close(after_error=True)
            if created is not None:
                if fd >= 0:
                    os.close(fd)
                    fd = -1
                try:
                    os.unlink(created)
                except OSError:
                    pass
            raise
        finally:
            if created is not None and fd >= 0:
                os.close(fd)
        reader.close()
        result = CopiedFile(name, size, digest.hex() if digest is not None else None)
        self.copied.append(result)
        return result


# ---- one call: a backup set on disk ------------------------------------------------------------

SetProgress = Callable[[str, int, int], object]


def _set_names(paths: list[str]) -> list[tuple[str, str]]:
    """(engine path, name inside the set) for each database: file names made unique so two
    databases called data.edb in different folders land as data.edb and data~2.edb."""
    taken: set[str] = set()
    result = []
    for path in paths:
        name = os.path.basename(path.replace("\\", "/")) or "database"
        stem, dot, extension = name.rpartition(".")
        if not dot:
            stem, extension = name, ""
        candidate, counter = name, 1
        while candidate.lower() in taken:
            counter += 1
            candidate = f"{stem}~{counter}{dot}{extension}"
        taken.add(candidate.lower())
        result.append((path, candidate))
    return result


def write_backup_set(instance: Instance, destination: str | os.PathLike[str], *,
                     incremental: bool = False, parent: str | os.PathLike[str] | None = None,
                     truncate: bool = True, progress: SetProgress | None = None,
                     buffer_mib: int = DEFAULT_BUFFER_MIB) -> manifest.Manifest:
    """What ``Instance.backup()`` does: a full or incremental backup into a new backup-set
    directory (layout and manifest: docs/backup-set.md); returns the manifest written.

    ``destination`` must not exist or be empty.  An incremental set needs ``parent``, the
    directory of the set it continues (the full set or the previous incremental).  With
    ``truncate`` (the default) the backup truncates the logs it copied and ends with
    JET_bitBackupTruncateDone, so it is a "normal" backup later incrementals build on.
    ``progress(name, bytes_done, bytes_total)`` is called as each file is copied.  On failure
    the backup is ended as aborted and the files this call created are removed.
    """
    target = pathlib.Path(destination)
    if incremental != (parent is not None):
        raise ValueError("an incremental backup needs parent=<the set it continues>, and only "
                         "an incremental one takes a parent")
    created_target = not target.exists()
    if not created_target and any(target.iterdir()):
        raise FileExistsError(f"{target} is not empty; a backup set needs a new directory")
    parent_manifest = manifest.load_manifest(parent) if parent is not None else None
    base_name = instance.get_param("BaseName")
    writer = manifest.BackupSetWriter(
        target, kind="incremental" if incremental else "full", parent=parent_manifest,
        base_name=str(base_name) if base_name else None)

    def copy(bk: ExternalBackup, path: str, destination: pathlib.Path) -> CopiedFile:
        report = functools.partial(progress, path) if progress is not None else None
        return bk.copy(path, destination, progress=report)

    try:
        with ExternalBackup(instance, incremental=incremental, truncate=truncate,
                            buffer_mib=buffer_mib) as bk:
            if not incremental:
                for path, name in _set_names(bk.database_files()):
                    copied = copy(bk, path, writer.database_path(name))
                    writer.add_database(name, sha256=copied.sha256, original_path=path)
            for path in bk.log_files():
                name = os.path.basename(path.replace("\\", "/"))
                copied = copy(bk, path, writer.log_path(name))
                writer.add_log(name, sha256=copied.sha256)
            if truncate:
                bk.truncate_logs()
        return writer.commit()
    except BaseException:
        _remove_partial_set(target, created_target)
        raise


def _remove_partial_set(target: pathlib.Path, created_target: bool) -> None:
    import shutil

    if created_target:
        shutil.rmtree(target, ignore_errors=True)
        return
    for folder in (manifest.DATABASES_DIR, manifest.LOGS_DIR):
        shutil.rmtree(target / folder, ignore_errors=True)


__all__ = [
    "BackupFileReader",
    "CopiedFile",
    "DEFAULT_BUFFER_MIB",
    "ExternalBackup",
    "IncompleteBackupError",
    "LogInfo",
    "write_backup_set",
    "ObjectClosedError",
]
