"""Column and index definitions for ``Database.create_table``, and Python <-> ESENT values."""

from __future__ import annotations

import datetime
import enum
import struct
import uuid
from dataclasses import dataclass, field
from typing import Any, Sequence

from esent import _esent


class ColumnType(enum.IntEnum):
    """One member per JET_coltyp, named from it in upper case."""

    BIT = _esent.JET_coltypBit
    UNSIGNED_BYTE = _esent.JET_coltypUnsignedByte
    SHORT = _esent.JET_coltypShort
    LONG = _esent.JET_coltypLong
    CURRENCY = _esent.JET_coltypCurrency
    IEEE_SINGLE = _esent.JET_coltypIEEESingle
    IEEE_DOUBLE = _esent.JET_coltypIEEEDouble
    DATE_TIME = _esent.JET_coltypDateTime
    BINARY = _esent.JET_coltypBinary
    TEXT = _esent.JET_coltypText
    LONG_BINARY = _esent.JET_coltypLongBinary
    LONG_TEXT = _esent.JET_coltypLongText
    UNSIGNED_LONG = _esent.JET_coltypUnsignedLong
    LONG_LONG = _esent.JET_coltypLongLong
    GUID = _esent.JET_coltypGUID
    UNSIGNED_SHORT = _esent.JET_coltypUnsignedShort


TEXT_TYPES = (ColumnType.TEXT, ColumnType.LONG_TEXT)

# Options ESENT has that libese does not implement yet: refused under libese rather than ignored.
_LIBESE_UNSUPPORTED = ("autoincrement", "multi_valued", "version", "escrow_update", "default")


@dataclass(frozen=True)
class Column:
    """A column of a new table.

    ``max_size`` is cbMax (Text/Binary: most bytes; 0 = 255 for variable columns);
    ``code_page`` for text columns defaults to Unicode (1200) so that a ``str`` round-trips;
    1252 stores 8-bit (cp1252) text.
    """

    name: str
    type: ColumnType
    fixed: bool = False
    tagged: bool = False
    not_null: bool = False
    autoincrement: bool = False
    multi_valued: bool = False
    version: bool = False
    escrow_update: bool = False
    default: Any = None
    max_size: int = 0
    code_page: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "type", ColumnType(self.type))
        if self.code_page is None:
            object.__setattr__(
                self, "code_page", _esent.JET_CP_UNICODE if self.type in TEXT_TYPES else 0
            )

    def grbit(self) -> int:
        """The JET_bitColumn* flags this definition asks for."""
        bits = 0
        for flag, bit in (
            (self.fixed, _esent.JET_bitColumnFixed),
            (self.tagged, _esent.JET_bitColumnTagged),
            (self.not_null, _esent.JET_bitColumnNotNULL),
            (self.autoincrement, _esent.JET_bitColumnAutoincrement),
            (self.multi_valued, _esent.JET_bitColumnMultiValued),
            (self.version, _esent.JET_bitColumnVersion),
            (self.escrow_update, _esent.JET_bitColumnEscrowUpdate),
        ):
            if flag:
                bits |= bit
        return bits

    def check_supported(self) -> None:
        """Raise NotImplementedError for options the running engine (libese) lacks."""
        if not _esent.HAVE_LIBESE:
            return
        for option in _LIBESE_UNSUPPORTED:
            value = getattr(self, option)
            if value not in (False, None):
                raise NotImplementedError(
                    f"column {self.name!r}: {option}= is not supported by libese yet"
                )

    def as_create(self) -> tuple[str, int, int, int, int]:
        """The ``(name, coltyp, cbMax, grbit, cp)`` tuple JetCreateTableColumnIndex2 takes."""
        if self.default is not None:
            raise NotImplementedError("default values are not supported yet")
        return (self.name, int(self.type), self.max_size, self.grbit(), int(self.code_page or 0))


@dataclass(frozen=True)
class Index:
    """An index: ``key_columns`` like ``["+id", "-when"]`` (no sign means ascending)."""

    name: str
    key_columns: Sequence[str] = field(default_factory=tuple)
    primary: bool = False
    unique: bool = False

    def __post_init__(self) -> None:
        if isinstance(self.key_columns, str):
            raise TypeError("key_columns is a list of column names, e.g. ['+id']")
        object.__setattr__(self, "key_columns", tuple(self.key_columns))
        if not self.key_columns:
            raise ValueError(f"index {self.name!r} needs at least one key column")

    @property
    def column_names(self) -> tuple[str, ...]:
        """The key columns' names, without their + / - signs."""
        return tuple(c[1:] if c[:1] in "+-" else c for c in self.key_columns)

    def as_create(self) -> tuple[str, str, int]:
        """The ``(name, key, grbit)`` tuple JetCreateTableColumnIndex2 takes."""
        if not self.primary:
            raise NotImplementedError(
                f"index {self.name!r}: only primary indexes are supported so far"
            )
        grbit = _esent.JET_bitIndexPrimary | (_esent.JET_bitIndexUnique if self.unique else 0)
        key = "\0".join(c if c[:1] in "+-" else "+" + c for c in self.key_columns)
        return (self.name, key, grbit)


# ---- values ------------------------------------------------------------------------------------

_FORMATS = {
    ColumnType.UNSIGNED_BYTE: "<B",
    ColumnType.SHORT: "<h",
    ColumnType.LONG: "<i",
    ColumnType.CURRENCY: "<q",
    ColumnType.IEEE_SINGLE: "<f",
    ColumnType.IEEE_DOUBLE: "<d",
    ColumnType.UNSIGNED_LONG: "<I",
    ColumnType.LONG_LONG: "<q",
    ColumnType.UNSIGNED_SHORT: "<H",
}

#: The OLE Automation date epoch: DateTime columns store days since it as a double.
OLE_EPOCH = datetime.datetime(1899, 12, 30)


def _to_ole_date(value: datetime.datetime) -> float:
    if value.tzinfo is not None:
        value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    delta = value - OLE_EPOCH
    return delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400.0


def _from_ole_date(days: float) -> datetime.datetime:
    return OLE_EPOCH + datetime.timedelta(days=days)


def encode(coltyp: int, code_page: int, value: Any) -> bytes | None:
    """A Python value as the bytes ESENT stores for a column (None stays None: NULL)."""
    if value is None:
        return None
    coltyp = ColumnType(coltyp)
    if coltyp == ColumnType.BIT:
        return b"\xff" if value else b"\x00"
    if coltyp in _FORMATS:
        return struct.pack(_FORMATS[coltyp], value)
    if coltyp == ColumnType.DATE_TIME:
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            value = datetime.datetime(value.year, value.month, value.day)
        return struct.pack("<d", _to_ole_date(value) if isinstance(value, datetime.datetime)
                           else float(value))
    if coltyp == ColumnType.GUID:
        return value.bytes_le if isinstance(value, uuid.UUID) else bytes(value)
    if coltyp in TEXT_TYPES:
        if isinstance(value, str):
            return value.encode("utf-16-le" if code_page == 1200 else "cp1252")
        return bytes(value)
    return bytes(value)


def decode(coltyp: int, code_page: int, data: bytes | None) -> Any:
    """The Python value of a column's stored bytes (None for NULL)."""
    if data is None:
        return None
    coltyp = ColumnType(coltyp)
    if coltyp == ColumnType.BIT:
        return data != b"\x00"
    if coltyp in _FORMATS:
        return struct.unpack(_FORMATS[coltyp], data)[0]
    if coltyp == ColumnType.DATE_TIME:
        return _from_ole_date(struct.unpack("<d", data)[0])
    if coltyp == ColumnType.GUID:
        return uuid.UUID(bytes_le=data)
    if coltyp in TEXT_TYPES:
        return data.decode("utf-16-le" if code_page == 1200 else "cp1252")
    return data
