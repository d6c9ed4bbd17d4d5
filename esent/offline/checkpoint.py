"""Checkpoint files (``<base>.chk``, format facts §9): where recovery must start reading the
log.  The file holds the 4096-byte checkpoint twice, written like the database header and its
shadow."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from esent import _esent as native
from esent.offline.enums import FileType, decode, enum_name
from esent.offline.errors import (
    DamagedHeaderError, EmptyFileError, NotEseFileError, TruncatedFileError,
)
from esent.offline.log import AttachInfo, EngineParams, parse_attach_list
from esent.offline.records import LogPosition, LogTime, Signature, u32

#: One copy of the checkpoint; the file holds two.
COPY_SIZE = 4096
FILE_SIZE = 2 * COPY_SIZE


@dataclass(frozen=True)
class CheckpointHeader:
    """One decoded copy of a checkpoint (CHECKPOINT_FIXED, format facts §9)."""

    checksum: int
    last_full_backup_checkpoint: LogPosition
    checkpoint: LogPosition
    log_signature: Signature
    params: EngineParams
    full_backup_position: LogPosition
    full_backup_time: LogTime
    incremental_backup_position: LogPosition
    incremental_backup_time: LogTime
    version_flags: int
    db_consistency_position: LogPosition
    file_type: FileType | int
    attachments: list[AttachInfo] = field(default_factory=list)

    @classmethod
    def from_bytes(cls, buf: bytes | memoryview) -> CheckpointHeader:
        """Decode one 4096-byte copy; checking its checksum is the caller's job."""
        version_flags = buf[647]
        return cls(
            checksum=u32(buf, 0),
            last_full_backup_checkpoint=LogPosition.from_bytes(buf, 4),
            checkpoint=LogPosition.from_bytes(buf, 12),
            log_signature=Signature.from_bytes(buf, 20),
            params=EngineParams.from_bytes(buf, 48),
            full_backup_position=LogPosition.from_bytes(buf, 615),
            full_backup_time=LogTime.from_bytes(buf, 623),
            incremental_backup_position=LogPosition.from_bytes(buf, 631),
            incremental_backup_time=LogTime.from_bytes(buf, 639),
            version_flags=version_flags,
            db_consistency_position=LogPosition.from_bytes(buf, 648),
            file_type=decode(FileType, u32(buf, 667)),
            # bit 0x1 of the version byte says the attach list is there (format facts §9)
            attachments=parse_attach_list(buf, 679, 2048) if version_flags & 1 else [],
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "checkpoint": self.checkpoint.to_json(),
            "log_signature": self.log_signature.to_json(),
            "last_full_backup_checkpoint": self.last_full_backup_checkpoint.to_json(),
            "full_backup_position": self.full_backup_position.to_json(),
            "full_backup_time": self.full_backup_time.to_json(),
            "incremental_backup_position": self.incremental_backup_position.to_json(),
            "incremental_backup_time": self.incremental_backup_time.to_json(),
            "db_consistency_position": self.db_consistency_position.to_json(),
            "file_type": enum_name(self.file_type),
            "system_path": self.params.system_path,
            "attachments": [entry.to_json() for entry in self.attachments],
        }


@dataclass
class CheckpointFile:
    """Both copies of a checkpoint, checked.  ``header`` is the first copy whose checksum
    holds (``open_checkpoint`` raises when none does)."""

    path: str
    size: int
    header: CheckpointHeader
    primary_ok: bool
    shadow_ok: bool
    copies_identical: bool

    def to_json(self) -> dict[str, Any]:
        return {"header": self.header.to_json(), "primary_ok": self.primary_ok,
                "shadow_ok": self.shadow_ok, "copies_identical": self.copies_identical}


def is_checkpoint_head(head: bytes | memoryview) -> bool:
    """True when either 4096-byte copy at the start of a file names the checkpoint file type."""
    return any(len(head) >= start + 671 and u32(head, start + 667) == FileType.Checkpoint
               for start in (0, COPY_SIZE))


def open_checkpoint(path: str | os.PathLike[str]) -> CheckpointFile:
    """Read and check both copies of a checkpoint file.

    Raises ``EmptyFileError``, ``NotEseFileError``, ``TruncatedFileError`` (shorter than its
    two copies) or ``DamagedHeaderError`` (no copy passes its checksum).
    """
    name = os.fspath(path)
    with open(name, "rb") as stream:
        size = os.fstat(stream.fileno()).st_size
        data = stream.read(FILE_SIZE)
    if not data:
        raise EmptyFileError("empty file", name)
    if not is_checkpoint_head(data):
        raise NotEseFileError("not an ESE checkpoint file", name)
    if len(data) < FILE_SIZE:
        raise TruncatedFileError(
            f"truncated: {size} bytes, but a checkpoint file holds two {COPY_SIZE}-byte copies",
            name)
    primary, shadow = data[:COPY_SIZE], data[COPY_SIZE:FILE_SIZE]
    primary_ok = bool(native.verify_header(primary))
    shadow_ok = bool(native.verify_header(shadow))
    if not (primary_ok or shadow_ok):
        raise DamagedHeaderError("both checkpoint copies fail their checksums", name)
    return CheckpointFile(
        path=name, size=size,
        header=CheckpointHeader.from_bytes(primary if primary_ok else shadow),
        primary_ok=primary_ok, shadow_ok=shadow_ok, copies_identical=primary == shadow)
