"""``esent info``'s data: what a file is and its header facts, read without touching its pages.

JSON form (``FileInfo.to_json``), stable keys::

    {"path": str, "type": FileKind value, "size": int, "description": str,
     "error": str | null,            # why the file could not be read, if it could not
     "database": {...} | null,       # DatabaseFile.to_json(): page_size, page_count, header
                                     # (every DatabaseHeader field), primary_header_ok,
                                     # shadow_header_ok, shadow_identical, trailer,
                                     # trailer_checksum_ok
     "log": {...} | null,            # LogFile.to_json(): header (generation, format, version,
                                     # log_signature, created, ...), header_checksum_ok
     "checkpoint": {...} | null}     # CheckpointFile.to_json(): header (checkpoint,
                                     # log_signature, ...), primary_ok, shadow_ok
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from esent.offline.checkpoint import CheckpointFile, open_checkpoint
from esent.offline.database import DatabaseFile, open_database
from esent.offline.detect import Detection, FileKind, detect
from esent.offline.errors import OfflineFormatError
from esent.offline.log import LogFile, open_log

_OPENERS = {
    FileKind.DATABASE: open_database,
    FileKind.BACKUP_IMAGE: open_database,
    FileKind.LOG: open_log,
    FileKind.LIBESE_LOG: open_log,
    FileKind.CHECKPOINT: open_checkpoint,
}


@dataclass
class FileInfo:
    """A file's kind and decoded headers; ``error`` says why they could not be read."""

    path: str
    kind: FileKind
    size: int
    description: str
    decoded: DatabaseFile | LogFile | CheckpointFile | None = None
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        decoded = self.decoded
        return {
            "path": self.path, "type": self.kind.value, "size": self.size,
            "description": self.description, "error": self.error,
            "database": decoded.to_json() if isinstance(decoded, DatabaseFile) else None,
            "log": decoded.to_json() if isinstance(decoded, LogFile) else None,
            "checkpoint": decoded.to_json() if isinstance(decoded, CheckpointFile) else None,
        }


def inspect(path: str | os.PathLike[str]) -> FileInfo:
    """Identify ``path`` and decode its headers.  Never raises for the file's content or for
    I/O errors: those end up in ``error`` (the kind is then NOT_ESE for unreadable files)."""
    name = os.fspath(path)
    try:
        detection: Detection = detect(name)
    except OSError as exc:
        return FileInfo(name, FileKind.NOT_ESE, 0, "unreadable",
                        error=f"cannot read: {exc.strerror or exc}")
    info = FileInfo(name, detection.kind, detection.size, detection.description)
    opener = _OPENERS.get(detection.kind)
    if opener is None:
        if not detection.kind.is_ese:
            info.error = detection.description
        return info
    try:
        info.decoded = opener(name)
    except OfflineFormatError as exc:
        info.error = str(exc).removeprefix(f"{name}: ")
    except OSError as exc:
        info.error = f"cannot read: {exc.strerror or exc}"
    return info
