"""Column and index definitions for ``Database.create_table``, and Python <-> ESENT values."""

from __future__ import annotations

import datetime
import enum
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
    UNSIGNED_LONG_LONG = _esent.JET_coltypUnsignedLongLong


TEXT_TYPES = (ColumnType.TEXT, ColumnType.LONG_TEXT)



def _flags(*options: tuple[bool, int]) -> int:
    """OR of the bits whose option is set."""
    bits = 0
    for wanted, bit in options:
        if wanted:
            bits |= bit
    return bits


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
        return _flags(
            (self.fixed, _esent.JET_bitColumnFixed),
            (self.tagged, _esent.JET_bitColumnTagged),
            (self.not_null, _esent.JET_bitColumnNotNULL),
            (self.autoincrement, _esent.JET_bitColumnAutoincrement),
            (self.multi_valued, _esent.JET_bitColumnMultiValued),
            (self.version, _esent.JET_bitColumnVersion),
            (self.escrow_update, _esent.JET_bitColumnEscrowUpdate),
        )

    def default_bytes(self) -> bytes | None:
        """The default value as stored (JET_COLUMNCREATE pvDefault / cbDefault), or None."""
        if self.default is None:
            return None
        return encode(self.type, int(self.code_page or 0), self.default)

    def as_create(self) -> tuple[str, int, int, int, int, bytes | None]:
        """The ``(name, coltyp, cbMax, grbit, cp, default)`` tuple JetCreateTableColumnIndex2
        takes."""
        return (self.name, int(self.type), self.max_size, self.grbit(), int(self.code_page or 0),
                self.default_bytes())


@dataclass(frozen=True)
class Index:
    """An index: ``key_columns`` like ``["+id", "-when"]`` (no sign means ascending).

    ``primary``: the table's clustered index (at most one; records are stored in its order).
    ``unique``: no two records with the same key (KeyDuplicateError on insert or update).
    ``ignore_null`` / ``ignore_any_null`` / ``ignore_first_null``: leave out records whose key
    columns are all / any / the first NULL.  ``disallow_null``: refuse records with a NULL key
    column.  ``sort_nulls_high``: NULLs after the other values.  ``grbit``: further
    JET_bitIndex* flags, OR-ed in as given.
    """

    name: str
    key_columns: Sequence[str] = field(default_factory=tuple)
    primary: bool = False
    unique: bool = False
    ignore_null: bool = False
    ignore_any_null: bool = False
    ignore_first_null: bool = False
    disallow_null: bool = False
    sort_nulls_high: bool = False
    grbit: int = 0

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

    def index_grbit(self) -> int:
        """The JET_bitIndex* flags this definition asks for."""
        return self.grbit | _flags(
            (self.primary, _esent.JET_bitIndexPrimary),
            (self.unique, _esent.JET_bitIndexUnique),
            (self.ignore_null, _esent.JET_bitIndexIgnoreNull),
            (self.ignore_any_null, _esent.JET_bitIndexIgnoreAnyNull),
            (self.ignore_first_null, _esent.JET_bitIndexIgnoreFirstNull),
            (self.disallow_null, _esent.JET_bitIndexDisallowNull),
            (self.sort_nulls_high, _esent.JET_bitIndexSortNullsHigh),
        )

    def key_string(self) -> str:
        """ESENT's key string without terminators: ``"+id\0-when"``."""
        return "\0".join(c if c[:1] in "+-" else "+" + c for c in self.key_columns)

    def as_create(self) -> tuple[str, str, int]:
        """The ``(name, key, grbit)`` tuple JetCreateTableColumnIndex2 and JetCreateIndex2
        take."""
        return (self.name, self.key_string(), self.index_grbit())


# ---- values ------------------------------------------------------------------------------------
#
# How each column type stores a Python value is defined once, in the native codec
# (src/pyx/codec.pxi, esent._esent.encode_value / decode_value): Bit <-> bool; UnsignedByte,
# Short, UnsignedShort, Long, UnsignedLong, LongLong, UnsignedLongLong <-> int (range-checked:
# OverflowError names the range); Currency <-> decimal.Decimal (a 64-bit count of 1/10,000);
# IEEESingle / IEEEDouble <-> float; DateTime <-> datetime.datetime (an OLE Automation date: a
# double of days since 1899-12-30); GUID <-> uuid.UUID (stored in the GUID's own little-endian
# layout); Binary / LongBinary <-> bytes; Text / LongText <-> str (code page 1200: UTF-16-LE,
# 1252: cp1252).  The DateTime conversion is the two functions below.

#: The OLE Automation date epoch: DateTime columns store days since it as a double.
OLE_EPOCH = datetime.datetime(1899, 12, 30)
_US_PER_DAY = 86_400_000_000


def ole_date(value: datetime.datetime | datetime.date | float) -> float:
    """A datetime (naive = as given; aware = converted to UTC), a date (midnight) or a float
    (days, as stored) as an OLE Automation date.  The double keeps about a microsecond for
    dates near today and a few tens of microseconds near the year 9999."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    elif isinstance(value, datetime.date):
        value = datetime.datetime(value.year, value.month, value.day)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    else:
        raise TypeError(f"DateTime takes a datetime.datetime, not {type(value).__name__}")
    delta = value - OLE_EPOCH
    return (delta.days * _US_PER_DAY + delta.seconds * 1_000_000 + delta.microseconds) / _US_PER_DAY


def from_ole_date(days: float) -> datetime.datetime:
    """An OLE Automation date as a naive datetime, to the nearest microsecond."""
    if days != days or days in (float("inf"), float("-inf")):
        raise ValueError(f"not a date: {days}")
    return OLE_EPOCH + datetime.timedelta(microseconds=round(days * _US_PER_DAY))


def encode(coltyp: int, code_page: int, value: Any) -> bytes | None:
    """A Python value as the bytes ESENT stores for a column (None stays None: NULL)."""
    return _esent.encode_value(int(coltyp), int(code_page or 0), value)


def decode(coltyp: int, code_page: int, data: bytes | None) -> Any:
    """The Python value of a column's stored bytes (None for NULL)."""
    return _esent.decode_value(int(coltyp), int(code_page or 0), data)
