"""Python values in and out for every JET_coltyp of JET_VERSION 0x0A00 ("JET_COLTYP",
learn.microsoft.com, Extensible Storage Engine > Constants): each type round-trips through the
native row codec (insert / get / scan) and through the slow path (esent.columns.encode +
JetSetColumn, JetRetrieveColumn + esent.columns.decode), the two agree byte for byte, and values
a type cannot hold are refused with a clear error.
"""

from __future__ import annotations

import datetime
import itertools
import math
import os
import pathlib
import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import esent
from esent import ColumnType as T
from esent import jet
from esent.columns import decode, encode, from_ole_date, ole_date

pytestmark = pytest.mark.contract

_names = itertools.count()

INT_RANGES = {
    T.UNSIGNED_BYTE: (0, 2**8 - 1),
    T.SHORT: (-(2**15), 2**15 - 1),
    T.UNSIGNED_SHORT: (0, 2**16 - 1),
    T.LONG: (-(2**31), 2**31 - 1),
    T.UNSIGNED_LONG: (0, 2**32 - 1),
    T.LONG_LONG: (-(2**63), 2**63 - 1),
    T.UNSIGNED_LONG_LONG: (0, 2**64 - 1),
}

# one column per type, all variable or fixed as ESENT lays them out by default
COLUMNS = [
    esent.Column("id", T.LONG, not_null=True),
    esent.Column("bit", T.BIT),
    *[esent.Column(t.name.lower(), t) for t in INT_RANGES if t != T.LONG],
    esent.Column("long", T.LONG),
    esent.Column("currency", T.CURRENCY),
    esent.Column("single", T.IEEE_SINGLE),
    esent.Column("double", T.IEEE_DOUBLE),
    esent.Column("when", T.DATE_TIME),
    esent.Column("guid", T.GUID),
    esent.Column("bin", T.BINARY),
    esent.Column("lbin", T.LONG_BINARY),
    esent.Column("text", T.TEXT),
    esent.Column("ltext", T.LONG_TEXT),
    esent.Column("ansi", T.TEXT, code_page=1252),
    esent.Column("lansi", T.LONG_TEXT, code_page=1252),
]
BY_NAME = {c.name: c for c in COLUMNS}

CP1252 = st.text(alphabet=st.characters(codec="cp1252"), max_size=60)
UTF16 = st.text(alphabet=st.characters(codec="utf-16", exclude_categories=("Cs",)), max_size=60)


def _datetimes() -> st.SearchStrategy[datetime.datetime]:
    return st.datetimes(min_value=datetime.datetime(1900, 1, 1),
                        max_value=datetime.datetime(2200, 1, 1))


STRATEGIES: dict[str, st.SearchStrategy[Any]] = {
    "bit": st.booleans(),
    **{t.name.lower(): st.integers(lo, hi) for t, (lo, hi) in INT_RANGES.items()},
    "currency": st.integers(-(2**63), 2**63 - 1).map(lambda n: Decimal(n).scaleb(-4)),
    "single": st.floats(width=32, allow_nan=False),
    "double": st.floats(allow_nan=False),
    "when": _datetimes(),
    "guid": st.uuids(),
    "bin": st.binary(max_size=255),
    "lbin": st.binary(max_size=3000),
    "text": UTF16.filter(lambda s: len(s.encode("utf-16-le")) <= 255),
    "ltext": UTF16,
    "ansi": CP1252,
    "lansi": CP1252,
}


@pytest.fixture(scope="module")
def table(tmp_path_factory: pytest.TempPathFactory) -> Iterator[esent.Table]:
    folder = tmp_path_factory.mktemp("coltypes")
    with esent.Instance(f"coltypes-{os.getpid()}-{next(_names)}", system_path=folder) as inst:
        with inst.session() as session:
            db = session.create_database(folder / "types.edb")
            yield db.create_table("types", COLUMNS,
                                  [esent.Index("pk", ["+id"], primary=True)])


_ids = itertools.count(1)


def same(column: str, written: Any, read: Any) -> bool:
    """Equality as the type keeps it: floats bit-exact (-0.0 and NaN included), IEEESingle
    rounded to 32 bits, DateTime to the microsecond the double holds."""
    if written is None:
        return read is None
    if column == "single":
        import struct
        return struct.pack("<f", written) == struct.pack("<f", read)
    if column == "double":
        return (math.isnan(written) and math.isnan(read)) or (
            written == read and math.copysign(1, written) == math.copysign(1, read))
    if column == "when":
        return abs(read - written) <= datetime.timedelta(microseconds=1)
    return bool(written == read and type(read) is type(written))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.fixed_dictionaries({}, optional=STRATEGIES))
def test_every_type_round_trips_through_the_codec(table: esent.Table, row: dict) -> None:
    """A row of any values (columns left out are NULL) reads back equal by get and by scan."""
    key = next(_ids)
    table.insert({"id": key, **row})
    got = table.get(key)
    for name in STRATEGIES:
        assert same(name, row.get(name), got[name]), name
    assert table.seek(key, ">=")["id"] == key


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.fixed_dictionaries({}, optional=STRATEGIES))
def test_codec_and_slow_path_agree(table: esent.Table, row: dict) -> None:
    """A row written column by column (encode + JetSetColumn) reads back through the codec
    equal to the values, and each stored value retrieved by JetRetrieveColumn is what encode
    gives (the two paths share one definition of every type's bytes)."""
    key = next(_ids)
    s, t = table.database.session.handle, table.handle
    jet.JetPrepareUpdate(s, t, jet.JET_prepInsert)
    for name, value in {"id": key, **row}.items():
        c = BY_NAME[name]
        data = encode(c.type, c.code_page, value)
        jet.JetSetColumn(s, t, table.columns[name].columnid, data,
                         jet.JET_bitSetZeroLength if data == b"" else 0)
    jet.JetUpdate(s, t)
    got = table.get(key)
    for name in STRATEGIES:
        assert same(name, row.get(name), got[name]), name
        c = BY_NAME[name]
        stored = jet.JetRetrieveColumn(s, t, table.columns[name].columnid)
        assert stored == encode(c.type, c.code_page, row.get(name))
        assert same(name, row.get(name), decode(c.type, c.code_page, stored))


def test_edge_values(table: esent.Table) -> None:
    """Each integer type's ends, NaN, -0.0, infinities, Unicode beyond the BMP, cp1252's
    extra characters, and the 4-decimal Currency ends."""
    rows = []
    for lo_hi in zip(*INT_RANGES.values()):
        rows.append({t.name.lower(): v for t, v in zip(INT_RANGES, lo_hi)})
    rows += [
        {"double": math.nan, "single": math.nan},
        {"double": -0.0, "single": -0.0},
        {"double": math.inf, "single": -math.inf},
        {"text": "\U0001F600 z\u00e9\u4e2d", "ltext": "\U0010FFFF" * 2000},
        {"ansi": "\u20ac\u2019 \u00ff", "lansi": "x" * 5000},
        {"currency": Decimal("-922337203685477.5808"), "bit": False},
        {"currency": Decimal("922337203685477.5807"), "bit": True},
        {"guid": uuid.UUID(int=0), "when": datetime.datetime(1899, 12, 30)},
        {"guid": uuid.UUID(int=2**128 - 1), "when": datetime.datetime(9999, 12, 31, 23, 59)},
    ]
    for row in rows:
        key = next(_ids)
        table.insert({"id": key, **row})
        got = table.get(key)
        for name, value in row.items():
            assert same(name, value, got[name]), (name, value, got[name])


def test_empty_values_are_not_null(table: esent.Table) -> None:
    """An empty str or bytes is stored as a zero-length value (JET_bitSetZeroLength), not as
    NULL; None is NULL."""
    key = next(_ids)
    table.insert({"id": key, "bin": b"", "lbin": b"", "text": "", "ltext": "", "ansi": "",
                  "lansi": None})
    got = table.get(key)
    assert (got["bin"], got["lbin"], got["text"], got["ltext"], got["ansi"]) == \
        (b"", b"", "", "", "")
    assert got["lansi"] is None and got["double"] is None


@pytest.mark.parametrize("column,value,error", [
    ("unsigned_byte", 256, OverflowError),
    ("unsigned_byte", -1, OverflowError),
    ("short", 2**15, OverflowError),
    ("unsigned_short", -1, OverflowError),
    ("long", 2**31, OverflowError),
    ("unsigned_long", 2**32, OverflowError),
    ("long_long", -(2**63) - 1, OverflowError),
    ("unsigned_long_long", 2**64, OverflowError),
    ("long", 1.5, TypeError),
    ("long", "1", TypeError),
    ("currency", Decimal("0.00001"), ValueError),
    ("currency", Decimal("NaN"), ValueError),
    ("currency", Decimal(2**63), OverflowError),
    ("double", "x", TypeError),
    ("guid", "not a uuid", TypeError),
    ("bin", "text", TypeError),
    ("text", 12, TypeError),
    ("ansi", "\u4e2d", ValueError),
    ("bit", "yes", TypeError),
    ("when", "2024-01-01", TypeError),
])
def test_values_a_type_cannot_hold_are_refused(table: esent.Table, column: str, value: Any,
                                                error: type[Exception]) -> None:
    """The error names the column; nothing is written."""
    key = next(_ids)
    with pytest.raises(error) as caught:
        table.insert({"id": key, column: value})
    assert repr(column) in str(caught.value)
    assert table.get(key) is None


def test_currency_is_a_scaled_64_bit_integer() -> None:
    """ESENT stores Currency as a signed 64-bit count of 1/10,000 units."""
    assert encode(T.CURRENCY, 0, Decimal("1.2345")) == (12345).to_bytes(8, "little")
    assert encode(T.CURRENCY, 0, 3) == (30000).to_bytes(8, "little")
    assert decode(T.CURRENCY, 0, (-5).to_bytes(8, "little", signed=True)) == Decimal("-0.0005")
    assert isinstance(decode(T.CURRENCY, 0, bytes(8)), Decimal)


def test_guid_and_datetime_layouts() -> None:
    """GUIDs are stored in their little-endian (Windows GUID) layout; DateTime as an OLE
    Automation date (days since 1899-12-30, a double)."""
    u = uuid.UUID("00112233-4455-6677-8899-aabbccddeeff")
    assert encode(T.GUID, 0, u) == u.bytes_le
    assert ole_date(datetime.datetime(1900, 1, 1, 12)) == 2.5
    assert from_ole_date(2.5) == datetime.datetime(1900, 1, 1, 12)
    assert ole_date(datetime.date(1899, 12, 31)) == 1.0
    aware = datetime.datetime(2000, 1, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))
    assert ole_date(aware) == ole_date(datetime.datetime(2000, 1, 1))


def test_text_code_pages() -> None:
    """Code page 1200 is UTF-16-LE, 1252 is cp1252 (one byte a character)."""
    assert encode(T.TEXT, 1200, "a\u00e9") == "a\u00e9".encode("utf-16-le")
    assert encode(T.LONG_TEXT, 1252, "a\u00e9") == b"a\xe9"
    assert decode(T.TEXT, 1252, b"\x80") == "\u20ac"


def test_unsigned_long_long_is_a_column_type(tmp_path: pathlib.Path) -> None:
    """ColumnType.UNSIGNED_LONG_LONG is JET_coltypUnsignedLongLong (18)."""
    assert T.UNSIGNED_LONG_LONG == jet.JET_coltypUnsignedLongLong == 18
