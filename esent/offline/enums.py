"""Enumerations stored in ESE headers and pages (format facts §4, §7.3), named after their
JET_ / ESE constants.

Files can hold values newer than this table; ``decode`` keeps those as plain ints instead of
failing, and ``enum_name`` prints them as ``Unknown(9)``.
"""

from __future__ import annotations

import enum
from typing import TypeVar

E = TypeVar("E", bound=enum.IntEnum)


class DatabaseState(enum.IntEnum):
    """JET_dbstate*, the u32 at database header offset 52."""

    JustCreated = 1
    DirtyShutdown = 2
    CleanShutdown = 3
    BeingConverted = 4
    ForceDetach = 5
    IncrementalReseedInProgress = 6
    DirtyAndPatchedShutdown = 7
    RevertInProgress = 8


class FileType(enum.IntEnum):
    """JET_filetype*, the u32 at offset 667 of database, log, checkpoint and flush-map headers."""

    Unknown = 0
    Database = 1
    StreamingFile = 2
    Log = 3
    Checkpoint = 4
    TempDatabase = 5
    FTL = 6
    FlushMap = 7
    CachedFile = 8
    CachingFile = 9
    Snapshot = 10
    SnapshotRevertCheckpoint = 11


class BackupType(enum.IntEnum):
    """How the backup recorded beside a header BKINFO was taken (offsets 356, 360, 468, 472)."""

    Streaming = 0
    OSSnapshot = 1
    Snapshot = 2
    Surrogate = 3


class DatabaseFlags(enum.IntFlag):
    """The u32 at database header offset 208: byte 208 holds state bits, byte 211 records which
    engines have attached the database."""

    ShadowingDisabled = 0x00000001
    UpgradePending = 0x00000002
    AttachedByESENT = 0x01000000
    AttachedByESE = 0x02000000
    AttachedByPrivateBuild = 0x04000000
    ExternalExtentCache = 0x08000000


class LogFlags(enum.IntFlag):
    """fLGFlags, the byte at log header offset 639."""

    ReserveLogsInUse = 0x01
    CircularLogging = 0x02
    CircularLoggingWasOn = 0x04


class PageFlags(enum.IntFlag):
    """fFlags, the u32 at page header offset 36 (format facts §7.3)."""

    Root = 0x00001
    Leaf = 0x00002
    ParentOfLeaf = 0x00004
    Empty = 0x00008
    Repair = 0x00010
    SpaceTree = 0x00020
    Index = 0x00040
    LongValue = 0x00080
    NonUniqueKeys = 0x00400
    NewRecordFormat = 0x00800
    NewChecksumFormat = 0x02000
    Scrubbed = 0x04000
    FlushTypeLow = 0x08000
    FlushTypeHigh = 0x10000
    Preinitialized = 0x20000
    FDPDelete = 0x40000


def decode(cls: type[E], value: int) -> E | int:
    """``cls(value)``, or the bare int when ``cls`` has no such member."""
    try:
        return cls(value)
    except ValueError:
        return value


def enum_name(value: enum.IntEnum | int) -> str:
    """The member name, or ``Unknown(<value>)`` for a value the enum does not list."""
    return value.name if isinstance(value, enum.IntEnum) else f"Unknown({value})"


def flag_names(value: enum.IntFlag) -> list[str]:
    """Names of the set bits, lowest first, plus ``0x...`` for bits the flag class lacks."""
    cls = type(value)
    names = [member.name for member in cls if member.value & value and member.name]
    unknown = int(value) & ~sum(member.value for member in cls)
    if unknown:
        names.append(f"{unknown:#x}")
    return names
