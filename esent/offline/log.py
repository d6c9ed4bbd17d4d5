"""Transaction log files: the header (LGFILEHDR, format facts §8.1) with its attach list, and
which log formats this package can check block by block.

Log formats, told apart by the header's ``ulMajor``:

- 8: ESENT since 2010.  The data area is 4 KiB segments, each with an XOR+ECC checksum
  (§6.4, §8.3); ``esent.offline.verify`` checks every one.
- 7: older ESENT.  Its records carry LRCHECKSUM records (§6.5), which are not verified here:
  only the header is.
- libese's own major (``libese_log_major()``): logs written by libese, the portable engine,
  which uses a major ESENT rejects so neither engine replays the other's logs.  Their segments
  have the v8 layout and checksums, so they are verified the same way.
- anything else: reported generically as ``ulMajor.ulMinor``; only the header is checked.
"""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass, field
from typing import Any

from esent import _esent as native
from esent.offline.enums import FileType, LogFlags, decode, enum_name, flag_names
from esent.offline.errors import (
    DamagedHeaderError, EmptyFileError, NotEseFileError, TruncatedFileError,
)
from esent.offline.records import (
    LogPosition, LogTime, Signature, ansi_string, u16, u32, u64,
)

#: The header occupies (and its checksum covers) exactly this many bytes, whatever the sector size.
HEADER_SIZE = 4096
#: v8 logs are a header followed by segments of this size.
SEGMENT_SIZE = 4096
#: Where the attach list starts, and how much room it has.
ATTACH_OFFSET, ATTACH_AREA = 671, 2048


def libese_log_major() -> int | None:
    """The ``ulMajor`` libese writes in its log headers, or None while this build's libese
    writes no logs.  libese exposes it as ``esent._esent.LIBESE_LOG_VERSION_MAJOR``; this is
    the one place that name is looked up, so log detection follows libese automatically."""
    value = getattr(native, "LIBESE_LOG_VERSION_MAJOR", None)
    return int(value) if value is not None else None


class LogFormat(enum.Enum):
    """Which log format a header announces, i.e. what can be verified beyond the header."""

    V8 = "esent-v8"         # segments with XOR+ECC checksums: all verified
    V7 = "esent-v7"         # LRCHECKSUM records: header verified only
    LIBESE = "libese"       # libese's own logs
    UNKNOWN = "unknown"     # header verified only

    @classmethod
    def of(cls, major: int) -> LogFormat:
        if major == 8:
            return cls.V8
        if major == 7:
            return cls.V7
        if major == libese_log_major():
            return cls.LIBESE
        return cls.UNKNOWN

    @property
    def segments_verifiable(self) -> bool:
        """True when every data block of such a log carries a checksum this package checks.
        libese's logs use ESENT's v8 segment layout (one XOR+ECC checksum per 4 KiB)."""
        return self in (LogFormat.V8, LogFormat.LIBESE)


@dataclass(frozen=True)
class AttachInfo:
    """One database the log stream had attached when this log file was created
    (ATTACHINFO, format facts §8.1)."""

    dbid: int
    flags: int
    dbtime: int
    objid_last: int
    max_pages: int
    attach_position: LogPosition
    consistent_position: LogPosition
    db_signature: Signature
    path: str

    #: bytes before the name
    FIXED_SIZE = 64

    def to_json(self) -> dict[str, Any]:
        return {"dbid": self.dbid, "path": self.path,
                "db_signature": self.db_signature.to_json(),
                "attach_position": self.attach_position.to_json(),
                "consistent_position": self.consistent_position.to_json()}


def parse_attach_list(buf: bytes | memoryview, offset: int, area: int) -> list[AttachInfo]:
    """The ATTACHINFO entries from ``offset``, up to the dbid-0 terminator or the end of the
    ``area`` bytes, whichever comes first; a malformed entry ends the list."""
    entries = []
    end = min(len(buf), offset + area)
    while offset + AttachInfo.FIXED_SIZE <= end and buf[offset] != 0:
        flags, names_size = buf[offset + 1], u16(buf, offset + 2)
        name_end = offset + AttachInfo.FIXED_SIZE + names_size
        if name_end > end:
            break
        raw_name = bytes(buf[offset + AttachInfo.FIXED_SIZE:name_end])
        if flags & 0x20:  # names stored in UTF-16
            path = raw_name.decode("utf-16-le", "replace").split("\0", 1)[0]
        else:
            path = raw_name.split(b"\0", 1)[0].decode("latin-1")
        entries.append(AttachInfo(
            dbid=buf[offset], flags=flags, dbtime=u64(buf, offset + 4),
            objid_last=u32(buf, offset + 12), max_pages=u32(buf, offset + 16),
            attach_position=LogPosition.from_bytes(buf, offset + 20),
            consistent_position=LogPosition.from_bytes(buf, offset + 28),
            db_signature=Signature.from_bytes(buf, offset + 36), path=path))
        offset = name_end
    return entries


@dataclass(frozen=True)
class EngineParams:
    """The DBMS_PARAM block copied into log and checkpoint headers: how the instance that
    wrote the file was configured."""

    system_path: str
    log_path: str
    sessions_max: int
    open_tables_max: int
    version_pages_max: int
    cursors_max: int
    log_buffers: int
    log_file_sectors: int
    cache_size_max: int

    @classmethod
    def from_bytes(cls, buf: bytes | memoryview, offset: int) -> EngineParams:
        numbers = [u32(buf, offset + 523 + 4 * i) for i in range(7)]
        return cls(ansi_string(buf, offset, 261), ansi_string(buf, offset + 261, 261), *numbers)


@dataclass(frozen=True)
class LogHeader:
    """The decoded log file header (LGFILEHDR, format facts §8.1)."""

    checksum: int
    generation: int
    sector_size: int
    header_sectors: int
    file_sectors: int
    db_page_size_stored: int
    created: LogTime
    previous_generation_created: LogTime
    version_major: int
    version_minor: int
    version_update_major: int
    version_update_minor: int
    log_signature: Signature
    params: EngineParams
    flags: LogFlags
    checkpoint_position: LogPosition
    disk_sector_size_mismatch: bool
    previous_segments_checksum: int
    efv_engine_diagnostic: int
    file_type: FileType | int
    attachments: list[AttachInfo] = field(default_factory=list)

    @classmethod
    def from_bytes(cls, buf: bytes | memoryview) -> LogHeader:
        """Decode a 4096-byte header; checking its checksum is the caller's job."""
        return cls(
            checksum=u32(buf, 0), generation=u32(buf, 4), sector_size=u16(buf, 8),
            header_sectors=u16(buf, 10), file_sectors=u16(buf, 12),
            db_page_size_stored=u16(buf, 14), created=LogTime.from_bytes(buf, 16),
            previous_generation_created=LogTime.from_bytes(buf, 24),
            version_major=u32(buf, 32), version_minor=u32(buf, 36),
            version_update_major=u32(buf, 40), version_update_minor=u32(buf, 648),
            log_signature=Signature.from_bytes(buf, 44),
            params=EngineParams.from_bytes(buf, 72), flags=LogFlags(buf[639]),
            checkpoint_position=LogPosition.from_bytes(buf, 640),
            disk_sector_size_mismatch=bool(buf[652]),
            previous_segments_checksum=u64(buf, 653), efv_engine_diagnostic=u32(buf, 661),
            file_type=decode(FileType, u32(buf, 667)),
            attachments=parse_attach_list(buf, ATTACH_OFFSET, ATTACH_AREA),
        )

    @property
    def format(self) -> LogFormat:
        return LogFormat.of(self.version_major)

    @property
    def version(self) -> str:
        """``ulMajor.ulMinor.ulUpdateMajor.ulUpdateMinor``, e.g. ``8.4000.60.140``."""
        return (f"{self.version_major}.{self.version_minor}."
                f"{self.version_update_major}.{self.version_update_minor}")

    @property
    def file_size(self) -> int:
        """The size the header announces: sectors per file times the sector size."""
        return self.file_sectors * self.sector_size

    @property
    def data_offset(self) -> int:
        """Where the data area (v8: the first segment) starts."""
        return self.header_sectors * self.sector_size

    @property
    def db_page_size(self) -> int:
        return self.db_page_size_stored or 4096

    def to_json(self) -> dict[str, Any]:
        return {
            "generation": self.generation,
            "format": self.format.value,
            "version": self.version,
            "log_signature": self.log_signature.to_json(),
            "created": self.created.to_json(),
            "previous_generation_created": self.previous_generation_created.to_json(),
            "sector_size": self.sector_size,
            "file_size": self.file_size,
            "db_page_size": self.db_page_size,
            "flags": flag_names(self.flags),
            "checkpoint_position": self.checkpoint_position.to_json(),
            "file_type": enum_name(self.file_type),
            "system_path": self.params.system_path,
            "log_path": self.params.log_path,
            "attachments": [entry.to_json() for entry in self.attachments],
        }


@dataclass
class LogFile:
    """A log file's header, checked, plus its size on disk."""

    path: str
    size: int
    header: LogHeader
    header_ok: bool

    @property
    def truncated(self) -> bool:
        return self.size < self.header.file_size

    def to_json(self) -> dict[str, Any]:
        return {"header": self.header.to_json(), "header_checksum_ok": self.header_ok}


def is_log_head(head: bytes | memoryview) -> bool:
    """True when a file's first bytes are a log header: the log file type at 667 and a sector
    size a log can have.  Holds for a damaged header too, so that damage is reported as such
    rather than as "not ESE"; a database (magic at 4) never matches."""
    if len(head) < 671 or u32(head, 667) != FileType.Log or u32(head, 4) == 0x89ABCDEF:
        return False
    return u16(head, 8) in (512, 1024, 2048, 4096)


def open_log(path: str | os.PathLike[str]) -> LogFile:
    """Read and check a log file's header.

    Raises ``EmptyFileError``, ``NotEseFileError``, ``TruncatedFileError`` (shorter than its
    4096-byte header) or ``DamagedHeaderError`` (the header fails its checksum and names no
    format or generation that can be trusted).  A header whose checksum fails but whose fields
    are plausible is returned with ``header_ok`` False, so a verifier can say what it is.
    """
    name = os.fspath(path)
    with open(name, "rb") as stream:
        size = os.fstat(stream.fileno()).st_size
        head = stream.read(HEADER_SIZE)
    if not head:
        raise EmptyFileError("empty file", name)
    if not is_log_head(head):
        raise NotEseFileError("not an ESE log file", name)
    if len(head) < HEADER_SIZE:
        raise TruncatedFileError(
            f"truncated: {size} bytes, shorter than the {HEADER_SIZE}-byte log header", name)
    header_ok = bool(native.verify_header(head))
    header = LogHeader.from_bytes(head)
    if not header_ok and (header.file_sectors == 0 or header.header_sectors == 0):
        raise DamagedHeaderError("log header fails its checksum", name)
    return LogFile(path=name, size=size, header=header, header_ok=header_ok)
