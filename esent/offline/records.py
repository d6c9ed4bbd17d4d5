"""The small records every ESE header is made of (format facts §1): LOGTIME, SIGNATURE, LGPOS
and BKINFO, decoded into immutable Python values, plus the little-endian field readers the
header decoders share.

Every record can be turned back into its on-disk bytes (``to_bytes``) and into a JSON-ready
value (``to_json``); ``Signature`` and ``LogTime`` can also be read back from that JSON, which is
how a backup-set manifest stores them.
"""

from __future__ import annotations

import datetime
import re
import struct
from dataclasses import dataclass
from typing import Any

_U16 = struct.Struct("<H")
_U32 = struct.Struct("<I")
_I32 = struct.Struct("<i")
_U64 = struct.Struct("<Q")


def u16(buf: bytes | memoryview, offset: int) -> int:
    """Little-endian unsigned 16-bit value at ``offset``."""
    return _U16.unpack_from(buf, offset)[0]


def u32(buf: bytes | memoryview, offset: int) -> int:
    """Little-endian unsigned 32-bit value at ``offset`` (offsets need not be aligned)."""
    return _U32.unpack_from(buf, offset)[0]


def i32(buf: bytes | memoryview, offset: int) -> int:
    """Little-endian signed 32-bit value at ``offset``."""
    return _I32.unpack_from(buf, offset)[0]


def u64(buf: bytes | memoryview, offset: int) -> int:
    """Little-endian unsigned 64-bit value at ``offset``."""
    return _U64.unpack_from(buf, offset)[0]


def ansi_string(buf: bytes | memoryview, offset: int, size: int) -> str:
    """A NUL-terminated 8-bit string stored in a fixed field of ``size`` bytes.

    ESE writes these (paths, computer names) in the machine's ANSI code page, which the file does
    not record; Latin-1 maps every byte to one character, so nothing is lost or refused.
    """
    raw = bytes(buf[offset:offset + size])
    return raw.split(b"\0", 1)[0].decode("latin-1")


_ISO_TIME = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{3}))?(Z?)$")


@dataclass(frozen=True)
class LogTime:
    """A LOGTIME (format facts §1): a wall-clock time to the millisecond, as ESE stores it.

    ``utc`` tells whether the writer stored UTC (modern engines do) or its local time, whose
    zone the file does not record.  ``flag`` is the spare bit ESE uses in backup times to mark an
    OS-snapshot backup.  All fields zero means "not set" (``is_set`` is False).
    """

    year: int = 0
    month: int = 0
    day: int = 0
    hour: int = 0
    minute: int = 0
    second: int = 0
    millisecond: int = 0
    utc: bool = False
    flag: bool = False

    SIZE = 8

    @classmethod
    def from_bytes(cls, buf: bytes | memoryview, offset: int = 0) -> LogTime:
        raw = bytes(buf[offset:offset + cls.SIZE])
        if not any(raw):
            return cls()
        second, minute, hour, day, month, year, low, high = raw
        return cls(
            year=1900 + year, month=month, day=day, hour=hour, minute=minute, second=second,
            # 10 bits of milliseconds: 7 in byte 6 above the UTC bit, 3 in byte 7 bits 1-3.
            millisecond=(low >> 1) | (((high >> 1) & 0x7) << 7),
            utc=bool(low & 1), flag=bool(high & 1),
        )

    def to_bytes(self) -> bytes:
        if not self.is_set:
            return bytes(self.SIZE)
        low = ((self.millisecond & 0x7F) << 1) | int(self.utc)
        high = (((self.millisecond >> 7) & 0x7) << 1) | int(self.flag)
        return bytes((self.second, self.minute, self.hour, self.day, self.month,
                      (self.year - 1900) & 0xFF, low, high))

    @property
    def is_set(self) -> bool:
        return self != LogTime()

    def to_datetime(self) -> datetime.datetime | None:
        """The time as a datetime (aware when stored as UTC, naive otherwise); None when the
        time is not set or its fields do not form a valid date."""
        if not self.is_set:
            return None
        try:
            return datetime.datetime(
                self.year, self.month, self.day, self.hour, self.minute, self.second,
                self.millisecond * 1000, datetime.timezone.utc if self.utc else None)
        except ValueError:
            return None

    def isoformat(self) -> str | None:
        """``2024-07-02T15:16:37.626Z`` (the Z only for UTC times); None when not set.  Fields
        out of range are printed as stored rather than refused."""
        if not self.is_set:
            return None
        return (f"{self.year:04d}-{self.month:02d}-{self.day:02d}T{self.hour:02d}:"
                f"{self.minute:02d}:{self.second:02d}.{self.millisecond:03d}"
                f"{'Z' if self.utc else ''}")

    @classmethod
    def from_iso(cls, text: str | None) -> LogTime:
        """Read back what ``isoformat`` wrote (None gives the unset time)."""
        if text is None:
            return cls()
        match = _ISO_TIME.match(text)
        if not match:
            raise ValueError(f"not a LOGTIME in ISO form: {text!r}")
        year, month, day, hour, minute, second, millis, zulu = match.groups()
        return cls(int(year), int(month), int(day), int(hour), int(minute), int(second),
                   int(millis or 0), utc=bool(zulu))

    def to_json(self) -> str | None:
        return self.isoformat()

    def __str__(self) -> str:
        return self.isoformat() or "not set"


@dataclass(frozen=True)
class Signature:
    """A SIGNATURE (format facts §1): what ties files together.  A database's ``signDb``
    identifies it; the ``signLog`` in a database, its logs and its checkpoint must be equal.

    ``random`` is the 32-bit random value, ``created`` the creation time, ``computer_name`` the
    writer's NetBIOS name (empty in every file seen so far).  An all-zero signature (``is_zero``)
    means none was assigned, e.g. the log signature of a database created without logging.
    """

    random: int = 0
    created: LogTime = LogTime()
    computer_name: str = ""

    SIZE = 28

    @classmethod
    def from_bytes(cls, buf: bytes | memoryview, offset: int = 0) -> Signature:
        return cls(random=u32(buf, offset), created=LogTime.from_bytes(buf, offset + 4),
                   computer_name=ansi_string(buf, offset + 12, 16))

    def to_bytes(self) -> bytes:
        name = self.computer_name.encode("latin-1")[:15]
        return _U32.pack(self.random) + self.created.to_bytes() + name.ljust(16, b"\0")

    @property
    def is_zero(self) -> bool:
        return self == Signature()

    def to_json(self) -> dict[str, Any]:
        """``{"random": "0x623e0b0b", "created": "2024-07-01T09:36:33.366Z",
        "computer_name": ""}``; ``created`` is null when not set."""
        return {"random": f"{self.random:#010x}", "created": self.created.to_json(),
                "computer_name": self.computer_name}

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> Signature:
        """Read back what ``to_json`` wrote; raises ValueError on anything else."""
        if not isinstance(value, dict):
            raise ValueError(f"a signature is a JSON object, not {value!r}")
        try:
            random_value = int(value["random"], 16)
            name = value.get("computer_name", "")
            if not isinstance(name, str):
                raise ValueError("computer_name is not a string")
            return cls(random_value, LogTime.from_iso(value.get("created")), name)
        except (KeyError, TypeError) as exc:
            raise ValueError(f"malformed signature {value!r}: {exc}") from None

    def __str__(self) -> str:
        if self.is_zero:
            return "none (all zero)"
        text = f"{self.random:#010x}, created {self.created}"
        return f"{text} on {self.computer_name}" if self.computer_name else text


@dataclass(frozen=True, order=True)
class LogPosition:
    """An LGPOS (format facts §1): a place in the log stream.  Positions order by generation,
    then sector, then byte, which is the field order here, so ``<`` compares them."""

    generation: int = 0
    sector: int = 0
    offset: int = 0

    SIZE = 8

    @classmethod
    def from_bytes(cls, buf: bytes | memoryview, offset: int = 0) -> LogPosition:
        return cls(generation=i32(buf, offset + 4), sector=u16(buf, offset + 2),
                   offset=u16(buf, offset))

    def to_bytes(self) -> bytes:
        return _U16.pack(self.offset) + _U16.pack(self.sector) + _I32.pack(self.generation)

    @property
    def is_set(self) -> bool:
        return self != LogPosition()

    def to_json(self) -> dict[str, int]:
        return {"generation": self.generation, "sector": self.sector, "offset": self.offset}

    def __str__(self) -> str:
        if not self.is_set:
            return "none"
        return f"generation {self.generation}, sector {self.sector}, byte {self.offset}"


@dataclass(frozen=True)
class BackupInfo:
    """A BKINFO (= JET_BKINFO, format facts §1): one backup recorded in a database header or
    in a streaming-backup trailer.  ``mark`` and ``mark_time`` say where in the log and when the
    backup began; restoring it needs log generations ``gen_low`` to ``gen_high``.  All zero
    (``is_set`` False) means no backup is recorded in that slot."""

    mark: LogPosition = LogPosition()
    mark_time: LogTime = LogTime()
    gen_low: int = 0
    gen_high: int = 0

    SIZE = 24

    @classmethod
    def from_bytes(cls, buf: bytes | memoryview, offset: int = 0) -> BackupInfo:
        return cls(mark=LogPosition.from_bytes(buf, offset),
                   mark_time=LogTime.from_bytes(buf, offset + 8),
                   gen_low=u32(buf, offset + 16), gen_high=u32(buf, offset + 20))

    def to_bytes(self) -> bytes:
        return (self.mark.to_bytes() + self.mark_time.to_bytes()
                + _U32.pack(self.gen_low) + _U32.pack(self.gen_high))

    @property
    def is_set(self) -> bool:
        return self != BackupInfo()

    def to_json(self) -> dict[str, Any] | None:
        """None when no backup is recorded."""
        if not self.is_set:
            return None
        return {"mark": self.mark.to_json(), "mark_time": self.mark_time.to_json(),
                "gen_low": self.gen_low, "gen_high": self.gen_high}

    def __str__(self) -> str:
        if not self.is_set:
            return "none"
        generations = (f"generations {self.gen_low}-{self.gen_high}" if self.gen_high
                       else f"from generation {self.gen_low} (end not recorded yet)")
        return f"{generations}, began at {self.mark} ({self.mark_time})"
