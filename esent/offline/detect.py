"""What a file is, from its content alone (never its name): a database, a streaming-backup
image of one, a log (ESENT's or libese's), a checkpoint, a flush map, or not an ESE file."""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass

from esent import _esent as native
from esent.offline import checkpoint, database, log
from esent.offline.enums import FileType
from esent.offline.errors import OfflineFormatError
from esent.offline.records import u32

#: Bytes read to tell file kinds apart: both copies of the largest database header.
_HEAD_BYTES = database.HEAD_BYTES
_ZERO_SCAN_CHUNK = 1 << 20


class FileKind(enum.Enum):
    """The kinds ``detect`` tells apart; the value is the name the command line prints."""

    DATABASE = "database"
    BACKUP_IMAGE = "backup-image"  # a database copied by a streaming backup: ends with PATCHHDR
    LOG = "log"
    LIBESE_LOG = "libese-log"
    CHECKPOINT = "checkpoint"
    FLUSH_MAP = "flush-map"
    ZERO_FILLED = "zero-filled"    # e.g. a pre-allocated reserve or temporary log
    EMPTY = "empty"
    NOT_ESE = "not-ese"

    @property
    def is_ese(self) -> bool:
        return self not in (FileKind.ZERO_FILLED, FileKind.EMPTY, FileKind.NOT_ESE)


@dataclass(frozen=True)
class Detection:
    """``kind`` of the file at ``path`` (``size`` bytes) and a short ``description`` a person
    can read, e.g. "ESE database, 4096-byte pages"."""

    path: str
    kind: FileKind
    size: int
    description: str


def _all_zero(path: str) -> bool:
    with open(path, "rb", buffering=0) as stream:
        while chunk := stream.read(_ZERO_SCAN_CHUNK):
            if any(chunk):
                return False
    return True


def _database_kind(path: str) -> tuple[FileKind, str]:
    try:
        info = database.open_database(path)
    except OfflineFormatError as exc:
        # Still a database; what is wrong with it is the verifier's to report.
        return FileKind.DATABASE, f"ESE database ({str(exc).removeprefix(path + ': ')})"
    if info.trailer is not None:
        return FileKind.BACKUP_IMAGE, (
            f"ESE database image from a streaming backup, {info.page_size}-byte pages")
    return FileKind.DATABASE, f"ESE database, {info.page_size}-byte pages"


def _log_kind(head: bytes) -> tuple[FileKind, str]:
    major, minor = u32(head, 32), u32(head, 36)
    if log.LogFormat.of(major) is log.LogFormat.LIBESE:
        return FileKind.LIBESE_LOG, f"libese transaction log (format {major}.{minor})"
    return FileKind.LOG, f"ESE transaction log, generation {u32(head, 4)}, format {major}.{minor}"


def detect(path: str | os.PathLike[str]) -> Detection:
    """Identify the file at ``path`` by its content.  Never raises for what the file holds;
    OSError only when it cannot be read at all (missing, a directory, no permission)."""
    name = os.fspath(path)
    with open(name, "rb") as stream:
        size = os.fstat(stream.fileno()).st_size
        head = stream.read(_HEAD_BYTES)
    if not head:
        return Detection(name, FileKind.EMPTY, size, "empty file")
    if database.is_database_head(head):
        kind, description = _database_kind(name)
    elif log.is_log_head(head):
        kind, description = _log_kind(head)
    elif checkpoint.is_checkpoint_head(head):
        kind, description = FileKind.CHECKPOINT, "ESE checkpoint"
    elif (len(head) >= log.HEADER_SIZE and u32(head, 667) == FileType.FlushMap
          and native.verify_header(head[:log.HEADER_SIZE])):
        kind, description = FileKind.FLUSH_MAP, "ESE flush map"
    elif not any(head) and _all_zero(name):
        kind, description = FileKind.ZERO_FILLED, (
            "all zero bytes: no ESE header (a pre-allocated reserve or temporary log looks "
            "like this)")
    else:
        kind, description = FileKind.NOT_ESE, "not an ESE file"
    return Detection(name, kind, size, description)
