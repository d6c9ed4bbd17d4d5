"""Verifying ESE files offline: every page and log-segment checksum, both header copies, the
streaming-backup trailer, and (for a directory or a backup set) the rules that tie databases,
logs and checkpoint together (``esent.offline.consistency``) and the set's manifest.

Entry point: ``verify_path(path)``, which returns a ``VerifyReport``; ``planned_bytes(path)``
says how much it will read, for progress bars.  Checksums run in native code over large chunks
(``esent._esent.verify_pages`` / ``verify_log_segments``), never in a Python loop per page; the
file is read once, and hashed in the same pass when a backup set's manifest needs the SHA-256.
"""

from __future__ import annotations

import os
import pathlib
import re
from collections.abc import Callable

from esent import _esent as native
from esent.manifest import (
    DATABASES_DIR, LOGS_DIR, MANIFEST_NAME, DatabaseEntry, LogEntry, ManifestError,
    UnsafePathError, is_backup_set, list_set_files, load_manifest, resolve_entry,
)
from esent.offline import consistency
from esent.offline._reader import CHUNK_SIZE, iter_chunks
from esent.offline.checkpoint import open_checkpoint
from esent.offline.database import RESERVED_PAGES, DatabaseFile, open_database
from esent.offline.detect import FileKind, detect
from esent.offline.enums import enum_name
from esent.offline.errors import (
    DamagedHeaderError, EmptyFileError, NotEseFileError, OfflineFormatError, TruncatedFileError,
)
from esent.offline.log import HEADER_SIZE, SEGMENT_SIZE, LogFile, LogFormat, open_log
from esent.offline.records import u64
from esent.offline.report import FileReport, Problem, Severity, VerifyReport

#: Problems listed per file; more are counted (``FileReport.unlisted_problems``), not listed.
MAX_PROBLEMS_PER_FILE = 1000
#: Called with the number of bytes just read, as verification goes.
ProgressCallback = Callable[[int], None]
#: Problems after which nothing else in the file could be checked.
FATAL_CODES = frozenset({"unreadable", "empty", "not-ese", "truncated", "header-damaged"})

_FORMAT_ERROR_CODES = (
    (EmptyFileError, "empty"), (NotEseFileError, "not-ese"),
    (TruncatedFileError, "truncated"), (DamagedHeaderError, "header-damaged"),
)
# Bit offset of page flag 0x2000, the checksum-format flag (format facts §6.3 step 4).
_FLAG_BIT = 36 * 8 + 13
# An archived log's name: 3-character base, generation in 5 or 8 hex digits (format facts §8.4).
_LOG_NAME = re.compile(r"^.{3}([0-9A-Fa-f]{5}|[0-9A-Fa-f]{8})\.(log|jtx)$")


class _Tracker:
    """Counts the bytes of one file handed to the progress callback, so the file can be
    completed when its verification stops early."""

    def __init__(self, callback: ProgressCallback | None) -> None:
        self.callback = callback
        self.done = 0

    def __call__(self, count: int) -> None:
        self.done += count
        if self.callback is not None and count:
            self.callback(count)

    def finish(self, size: int) -> None:
        self(max(0, size - self.done))


# --------------------------------------------------------------------------------------------
# Databases
# --------------------------------------------------------------------------------------------

def _bit_text(bit: int) -> str:
    return f"bit {bit} (byte {bit // 8}, bit {bit % 8})"


def _single_bit(value: int) -> int | None:
    """The index of the one set bit of ``value``, None when it has zero or several."""
    return value.bit_length() - 1 if value and not value & (value - 1) else None


def _explain_bad_page(page: memoryview, pgno: int) -> tuple[int, str] | None:
    """For a page the native check calls bad: the bit whose flip alone would make it verify,
    with where it lies, when there is one (a flip the ECC cannot locate because it hit the
    stored checksum or the checksum-format flag, or a stray bit on an unused page)."""
    stored = u64(page, 0)
    computed = native.page_checksums(page, pgno)[0]
    bit = _single_bit(stored ^ computed)
    if bit is not None:
        return bit, "in the stored checksum; the data are intact"
    repaired = bytearray(page)
    repaired[_FLAG_BIT // 8] ^= 1 << (_FLAG_BIT % 8)
    if native.verify_page(repaired, pgno)[0] == "ok":
        return _FLAG_BIT, "the checksum-format flag (ESE does not repair this bit itself)"
    nonzero = [i for i in range(0, len(page), 8) if u64(page, i)]
    if len(nonzero) == 1:
        bit = _single_bit(u64(page, nonzero[0]))
        if bit is not None:
            return nonzero[0] * 8 + bit, "on an unused (all-zero) page"
    return None


def _report_page(report: FileReport, pgno: int, status: str, detail: int | None,
                 page: memoryview) -> None:
    if status == "correctable":
        report.add("page-correctable",
                   f"single flipped {_bit_text(detail)}; ECC locates it, so it can be repaired",
                   severity=Severity.CORRECTABLE, page=pgno, bit=detail)
        return
    if status == "wrong_pgno":
        bit = _single_bit(detail ^ pgno)
        if bit is not None and len(page) <= 8192:
            # On small pages one flipped bit in the stored XOR half looks exactly like a page
            # number differing in that bit (format facts §6.3): say both.
            report.add("page-correctable",
                       f"single flipped {_bit_text(bit)} in the stored checksum (or the page "
                       f"holds page {detail}'s content)",
                       severity=Severity.CORRECTABLE, page=pgno, bit=bit)
        else:
            report.add("page-misplaced",
                       f"holds the content of page {detail} (written to the wrong place)",
                       page=pgno)
        return
    explained = _explain_bad_page(page, pgno)
    if explained is not None:
        bit, where = explained
        report.add("page-correctable", f"single flipped {_bit_text(bit)} {where}",
                   severity=Severity.CORRECTABLE, page=pgno, bit=bit)
    else:
        report.add("page-bad", "checksum mismatch: corrupt, not repairable from the page alone",
                   page=pgno)


def _verify_database(report: FileReport, path: str, track: _Tracker,
                     digest: native.Sha256 | None) -> None:
    info = open_database(path)
    report.info = info
    report.kind = FileKind.BACKUP_IMAGE if info.trailer else FileKind.DATABASE
    page_size = info.page_size
    if not info.primary_ok:
        report.add("header-checksum", "the database header fails its checksum; its shadow "
                   "copy is intact (ESE falls back to it)")
    if not info.shadow_ok:
        report.add("shadow-checksum",
                   f"the shadow header (at byte {page_size}) fails its checksum")
    if info.differing_fields:
        report.add("header-shadow-differ", "the header and its shadow both pass their "
                   f"checksums but differ in: {', '.join(info.differing_fields)}")
    header = info.header
    if not header.is_clean and info.trailer is None and header.required_generations:
        low, high = header.required_generations
        needed = f"generation {low}" if low == high else f"generations {low}-{high}"
        report.notes.append(f"{enum_name(header.state)}: opening it replays log {needed} "
                            f"first")
    if info.truncated_bytes:
        cut_page = info.size // page_size - RESERVED_PAGES + 1
        report.add("truncated",
                   f"truncated: the file ends {info.truncated_bytes} bytes into page {cut_page} "
                   f"({info.size} bytes is not a whole number of {page_size}-byte pages)")
        return

    data_start = RESERVED_PAGES * page_size
    data_end = data_start + info.page_count * page_size
    chunk_size = max(page_size, CHUNK_SIZE - CHUNK_SIZE % page_size)
    totals: dict[str, int] = {}
    listed = 0
    for offset, chunk in iter_chunks(path, 0, info.size, chunk_size):
        if digest is not None:
            digest.update(chunk)
        track(len(chunk))
        low, high = max(offset, data_start), min(offset + len(chunk) // page_size * page_size,
                                                 data_end)
        if high > low:
            first = low // page_size - RESERVED_PAGES + 1
            pages = chunk[low - offset:high - offset]
            problems = native.verify_pages(pages, page_size, first, totals=totals,
                                           max_problems=max(0, MAX_PROBLEMS_PER_FILE - listed))
            for pgno, status, detail in problems:
                start = (pgno - first) * page_size
                _report_page(report, pgno, status, detail, pages[start:start + page_size])
            listed += len(problems)
        if len(chunk) < min(chunk_size, info.size - offset):
            report.add("truncated", f"truncated while being read: the file ended at byte "
                       f"{offset + len(chunk)} of {info.size}")
            return
    report.checked = totals
    report.unlisted_problems = (totals.get("correctable", 0) + totals.get("wrong_pgno", 0)
                                + totals.get("bad", 0) - listed)
    if digest is not None:
        report.sha256 = digest.hexdigest()
    _check_trailer(report, info)


def _check_trailer(report: FileReport, info: DatabaseFile) -> None:
    header, trailer = info.header, info.trailer
    in_progress = header.backup_full_current
    if trailer is None:
        # A streaming backup stamps bkinfoFullCur (genHigh 0) into the header copies it sends;
        # a live or restored database never has that combination.
        if in_progress.gen_low and not in_progress.gen_high:
            report.add("trailer-missing",
                       "the header was captured by a streaming backup (a backup in progress "
                       "is recorded) but the file has no trailer page: the image is incomplete")
        return
    report.notes.append(f"streaming-backup image: restoring it needs log generations "
                        f"{trailer.backup.gen_low}-{trailer.backup.gen_high}")
    if not info.trailer_checksum_ok:
        report.add("trailer-checksum", "the trailer page (the file's last page) fails its "
                   "checksum")
    mismatches = []
    if trailer.db_signature != header.db_signature:
        mismatches.append(f"database signature {trailer.db_signature} (header: "
                          f"{header.db_signature})")
    if trailer.log_signature != header.log_signature:
        mismatches.append(f"log signature {trailer.log_signature} (header: "
                          f"{header.log_signature})")
    if in_progress.is_set and trailer.backup.mark != in_progress.mark:
        mismatches.append(f"backup mark {trailer.backup.mark} (header: {in_progress.mark})")
    if not trailer.backup.gen_low or trailer.backup.gen_high < trailer.backup.gen_low:
        mismatches.append(f"generation range {trailer.backup.gen_low}-{trailer.backup.gen_high}")
    for mismatch in mismatches:
        report.add("trailer-mismatch", f"the trailer page does not match the image: {mismatch}")
    if not in_progress.gen_low:
        report.add("trailer-mismatch", "the image's header records no backup in progress, so "
                   "ESE would refuse to restore it (JET_errRestoreOfNonBackupDatabase)")


# --------------------------------------------------------------------------------------------
# Logs
# --------------------------------------------------------------------------------------------

def _verify_log(report: FileReport, path: str, track: _Tracker,
                digest: native.Sha256 | None) -> None:
    log = open_log(path)
    header = log.header
    report.info = log
    report.kind = FileKind.LIBESE_LOG if header.format is LogFormat.LIBESE else FileKind.LOG
    generation = header.generation
    if not log.header_ok:
        report.add("header-checksum", "the log header fails its checksum", generation=generation)
    named = _LOG_NAME.match(os.path.basename(path))
    if named and int(named.group(1), 16) != generation:
        report.add("generation-name", f"the file name says generation {int(named.group(1), 16)}"
                   f" but the header says {generation}", generation=generation)
    if log.truncated:
        report.add("truncated", f"truncated: {log.size} bytes, but the header announces "
                   f"{header.file_size} ({header.file_sectors} sectors of {header.sector_size})",
                   generation=generation)
        return
    if log.size > header.file_size:
        report.add("size", f"{log.size} bytes, but the header announces {header.file_size}",
                   generation=generation)

    segments = header.format.segments_verifiable and header.sector_size == SEGMENT_SIZE
    if not segments:
        report.notes.append(
            f"log format {header.version}: only the header was checked (the records of v7 "
            f"logs are protected by LRCHECKSUM records, which this tool does not verify)"
            if header.format is LogFormat.V7 else
            f"log format {header.version}: only the header was checked")
    data_start = max(HEADER_SIZE, header.data_offset)
    data_end = header.file_size
    totals: dict[str, int] = {}
    notes: list[tuple] = []
    for offset, chunk in iter_chunks(path, 0, log.size, CHUNK_SIZE):
        if digest is not None:
            digest.update(chunk)
        track(len(chunk))
        low, high = max(offset, data_start), min(offset + len(chunk), data_end)
        if segments and high > low:
            notes += native.verify_log_segments(
                chunk[low - offset:high - offset], low // SEGMENT_SIZE, generation,
                totals=totals, max_notes=MAX_PROBLEMS_PER_FILE)
    if digest is not None:
        report.sha256 = digest.hexdigest()
    if segments:
        report.checked = {key: totals.get(key, 0) for key in
                          ("segments", "ok", "uninitialized", "correctable", "bad")}
        _report_segments(report, generation, notes, totals)


def _report_segments(report: FileReport, generation: int, notes: list[tuple],
                     totals: dict[str, int]) -> None:
    last = totals.get("last_in_place", -1)
    stale = 0
    for sector, status, detail, stored_sector, stored_generation in notes:
        if len(report.problems) >= MAX_PROBLEMS_PER_FILE:
            report.unlisted_problems += 1
        elif status == "correctable":
            report.add("segment-correctable",
                       f"single flipped {_bit_text(detail)}; ECC locates it, so it can be "
                       f"repaired", severity=Severity.CORRECTABLE, sector=sector, bit=detail,
                       generation=generation)
        elif status == "bad":
            report.add("segment-bad", "checksum mismatch: corrupt, not repairable from the "
                       "segment alone", sector=sector, generation=generation)
        elif (sector == last + 1 and stored_sector == last
              and stored_generation == generation):
            pass  # the shadow copy of the last, partly filled sector (format facts §6.4)
        elif sector > last:
            stale += 1  # older data past the end of this generation: a reused file
        else:
            report.add("segment-misplaced", f"stores the position of generation "
                       f"{stored_generation} sector {stored_sector}, inside the data of "
                       f"generation {generation}", sector=sector, generation=generation)
    if stale:
        report.notes.append(f"{stale} sectors after the end of the log data hold older data "
                            f"(the file was reused); they are not part of this generation")
    hole = totals.get("first_unused", -1)
    if 0 <= hole < last:
        report.add("segment-hole", f"unused (all zero), yet sector {last} further on holds "
                   f"data of this generation: a write was lost", sector=hole,
                   generation=generation)


# --------------------------------------------------------------------------------------------
# Checkpoints and flush maps
# --------------------------------------------------------------------------------------------

def _hash_whole(path: str, track: _Tracker, digest: native.Sha256 | None) -> str | None:
    for _, chunk in iter_chunks(path, 0, os.path.getsize(path), CHUNK_SIZE):
        if digest is not None:
            digest.update(chunk)
        track(len(chunk))
    return digest.hexdigest() if digest is not None else None


def _verify_checkpoint(report: FileReport, path: str, track: _Tracker,
                       digest: native.Sha256 | None) -> None:
    checkpoint = open_checkpoint(path)
    report.info = checkpoint
    if not checkpoint.primary_ok:
        report.add("header-checksum", "the first checkpoint copy fails its checksum; the "
                   "second is intact")
    if not checkpoint.shadow_ok:
        report.add("shadow-checksum", "the second checkpoint copy fails its checksum")
    if checkpoint.primary_ok and checkpoint.shadow_ok and not checkpoint.copies_identical:
        report.add("header-shadow-differ", "the two checkpoint copies both pass their "
                   "checksums but differ")
    if checkpoint.size > 8192:
        report.notes.append(f"{checkpoint.size} bytes; checkpoint files seen so far hold 8192")
    report.sha256 = _hash_whole(path, track, digest)


def _verify_flush_map(report: FileReport, path: str, track: _Tracker,
                      digest: native.Sha256 | None) -> None:
    with open(path, "rb") as stream:
        head = stream.read(HEADER_SIZE)
    if not native.verify_header(head):
        report.add("header-checksum", "the flush-map header fails its checksum")
    report.notes.append("flush map: only its header was checked")
    report.sha256 = _hash_whole(path, track, digest)


_VERIFIERS = {
    FileKind.DATABASE: _verify_database,
    FileKind.BACKUP_IMAGE: _verify_database,
    FileKind.LOG: _verify_log,
    FileKind.LIBESE_LOG: _verify_log,
    FileKind.CHECKPOINT: _verify_checkpoint,
    FileKind.FLUSH_MAP: _verify_flush_map,
}


def verify_file(path: str | os.PathLike[str], *, display: str | None = None,
                progress: ProgressCallback | None = None, sha256: bool = False) -> FileReport:
    """Verify one file, whatever it is (detected from its content).

    ``display`` is the name problems give the file (default: ``path``).  ``sha256`` hashes the
    whole file in the same pass (``FileReport.sha256``).  Never raises for what the file holds
    or for I/O errors: an empty, truncated, unreadable or non-ESE file is a report with one
    problem whose code is in ``FATAL_CODES``.
    """
    name = os.fspath(path)
    shown = display or name
    track = _Tracker(progress)
    try:
        detection = detect(name)
    except OSError as exc:
        report = FileReport(shown, FileKind.NOT_ESE, 0)
        report.add("unreadable", f"cannot read: {exc.strerror or exc}")
        return report
    report = FileReport(shown, detection.kind, detection.size)
    digest = native.Sha256() if sha256 else None
    verifier = _VERIFIERS.get(detection.kind)
    try:
        if verifier is None:
            code = "empty" if detection.kind is FileKind.EMPTY else "not-ese"
            report.add(code, detection.description)
        else:
            verifier(report, name, track, digest)
    except OfflineFormatError as exc:
        code = next((code for cls, code in _FORMAT_ERROR_CODES if isinstance(exc, cls)),
                    "not-ese")
        report.add(code, str(exc).removeprefix(f"{name}: "))
    except OSError as exc:
        report.add("unreadable", f"cannot read: {exc.strerror or exc}")
    if sha256 and report.sha256 is None:
        try:
            report.sha256 = _hash_whole(name, _Tracker(None), native.Sha256())
        except OSError:
            pass  # already reported as unreadable
    track.finish(detection.size)
    return report


# --------------------------------------------------------------------------------------------
# Directories and backup sets
# --------------------------------------------------------------------------------------------

def _regular_files(directory: pathlib.Path) -> list[pathlib.Path]:
    return sorted(entry for entry in directory.iterdir() if entry.is_file())


def verify_directory(directory: str | os.PathLike[str], *,
                     progress: ProgressCallback | None = None) -> VerifyReport:
    """Verify every ESE file directly in ``directory`` (an instance's log folder, or a folder
    of copied files) and the rules across them.  Files that are not ESE files (or are all
    zero, like pre-allocated reserve logs) are skipped with a note."""
    root = pathlib.Path(directory)
    report = VerifyReport(os.fspath(directory), "directory")
    for path in _regular_files(root):
        file_report = verify_file(path, display=path.name, progress=progress)
        if file_report.kind in (FileKind.NOT_ESE, FileKind.ZERO_FILLED, FileKind.EMPTY):
            report.notes.append(f"skipped {path.name}: {file_report.problems[0].message}"
                                if file_report.problems else f"skipped {path.name}")
            continue
        report.files.append(file_report)
    if not report.files:
        report.add("not-ese", "no ESE database, log or checkpoint in this directory",
                   file=os.fspath(directory))
    consistency.check(report)
    return report


def _compare_with_manifest(report: VerifyReport, entry: DatabaseEntry | LogEntry,
                           file_report: FileReport) -> None:
    where = {"file": entry.path}
    if file_report.size != entry.size:
        report.add("manifest-size", f"{file_report.size} bytes, the manifest says {entry.size}",
                   **where)
    elif file_report.sha256 is not None and file_report.sha256 != entry.sha256:
        report.add("manifest-sha256", f"SHA-256 {file_report.sha256}, the manifest says "
                   f"{entry.sha256}", **where)
    info = file_report.info
    facts = []
    if isinstance(entry, DatabaseEntry) and isinstance(info, DatabaseFile):
        header = info.header
        if info.page_size != entry.page_size:
            facts.append(f"page size {info.page_size}, the manifest says {entry.page_size}")
        if header.db_signature != entry.db_signature:
            facts.append(f"database signature {header.db_signature}, the manifest says "
                         f"{entry.db_signature}")
        if header.log_signature != entry.log_signature:
            facts.append(f"log signature {header.log_signature}, the manifest says "
                         f"{entry.log_signature}")
        trailer_range = ((info.trailer.backup.gen_low, info.trailer.backup.gen_high)
                         if info.trailer else None)
        if trailer_range != entry.backup_generations:
            facts.append(f"backup generations {trailer_range}, the manifest says "
                         f"{entry.backup_generations}")
    elif isinstance(entry, LogEntry) and isinstance(info, LogFile):
        if info.header.generation != entry.generation:
            facts.append(f"generation {info.header.generation}, the manifest says "
                         f"{entry.generation}")
    for fact in facts:
        report.add("manifest-facts", f"its header says {fact}", **where)


def verify_backup_set(directory: str | os.PathLike[str], *,
                      progress: ProgressCallback | None = None) -> VerifyReport:
    """Verify a backup set (``esent.manifest``): the manifest itself, every file it lists
    (size, SHA-256, the header facts it records, and everything ``verify_file`` checks), files
    it does not list, and the rules across files, including that every generation of the
    set's range and of each image's trailer is present."""
    root = pathlib.Path(directory)
    report = VerifyReport(os.fspath(directory), "backup-set")
    try:
        manifest = load_manifest(root)
    except UnsafePathError as exc:
        report.add("manifest-unsafe-path", str(exc), file=MANIFEST_NAME)
        manifest = None
    except ManifestError as exc:
        report.add("manifest-invalid", str(exc), file=MANIFEST_NAME)
        manifest = None
    present = list_set_files(root)
    if manifest is None:
        # Still check what is there, so one bad manifest does not hide bad files.
        for relative in present:
            report.files.append(verify_file(root / relative, display=relative,
                                            progress=progress))
        consistency.check(report)
        return report
    for entry in manifest.entries():
        folder = DATABASES_DIR if isinstance(entry, DatabaseEntry) else LOGS_DIR
        generation = entry.generation if isinstance(entry, LogEntry) else None
        try:
            target = resolve_entry(root, entry.path, folder)
        except UnsafePathError as exc:
            report.add("manifest-unsafe-path", str(exc), file=entry.path)
            continue
        if not target.is_file():
            report.add("manifest-missing-file", "listed in the manifest but absent",
                       file=entry.path, generation=generation)
            continue
        file_report = verify_file(target, display=entry.path, progress=progress, sha256=True)
        report.files.append(file_report)
        _compare_with_manifest(report, entry, file_report)
    listed = {entry.path for entry in manifest.entries()}
    for relative in present:
        if relative not in listed:
            report.add("manifest-unlisted-file", "in the set but not listed in its manifest",
                       file=relative)
    if manifest.parent is not None:
        report.notes.append(f"incremental set continuing set {manifest.parent.set_id} (up to "
                            f"generation {manifest.parent.gen_high}); verify that set too")
    consistency.check(report, manifest=manifest)
    return report


def verify_path(path: str | os.PathLike[str], *,
                progress: ProgressCallback | None = None) -> VerifyReport:
    """Verify a database, log, checkpoint, backup-set directory or log folder; see the module
    docstring.  ``report.ok`` is True only when every check holds."""
    target = pathlib.Path(path)
    if target.is_dir():
        if is_backup_set(target):
            return verify_backup_set(target, progress=progress)
        return verify_directory(target, progress=progress)
    # A single file is checked on its own: rules across files need the other files.
    report = VerifyReport(os.fspath(path), "file")
    report.files.append(verify_file(target, display=os.fspath(path), progress=progress))
    return report


def planned_bytes(path: str | os.PathLike[str]) -> int:
    """How many bytes ``verify_path(path)`` will read: for a progress bar's total."""
    target = pathlib.Path(path)
    try:
        if not target.is_dir():
            return target.stat().st_size
        if is_backup_set(target):
            files = [target / relative for relative in list_set_files(target)]
        else:
            files = _regular_files(target)
        return sum(file.stat().st_size for file in files if file.is_file())
    except OSError:
        return 0


def fatal_problem(report: FileReport) -> Problem | None:
    """The problem that stopped verification of this file early, if one did."""
    return next((problem for problem in report.problems if problem.code in FATAL_CODES), None)
