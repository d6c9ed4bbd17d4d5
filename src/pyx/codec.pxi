# The native row codec: Python values <-> the bytes ESENT stores, per column type, and whole
# rows in and out of a cursor with one native call per row.
#
# encode_value / decode_value are the one definition of how a Python value is stored (esent.columns
# delegates to them).  RowCodec holds a table's compiled column layout (columnid, coltyp, code
# page, multi-valued) and runs the hot loops: insert_many (prepare / set columns / update per row,
# transactions of `batch` rows), get (make key + seek + retrieve the row), and a row iterator
# (move + retrieve the row).  Python objects are converted with the GIL held; every engine call
# runs without it.
#
# A row's columns cross in one engine call: JetSetColumns / JetRetrieveColumns (multi-values,
# fetched per itagSequence, excepted).

from cpython.bytes cimport PyBytes_AsString, PyBytes_FromStringAndSize
from libc.limits cimport LLONG_MAX, LLONG_MIN
from libc.stdint cimport int8_t, int16_t, int32_t, int64_t, uint8_t, uint16_t, uint32_t, uint64_t

import decimal as _decimal
import uuid as _uuid

cdef extern from "Python.h":
    object PyUnicode_DecodeUTF16(const char *s, Py_ssize_t size, const char *errors,
                                 int *byteorder)

cdef object _Decimal = _decimal.Decimal
cdef object _UUID = _uuid.UUID
cdef object _ole = None   # esent.columns (the OLE date helpers), imported on first use

cdef enum:
    _WRN_COLUMN_NULL = 1004
    _WRN_BUFFER_TRUNCATED = 1006
    _ERR_RECORD_NOT_FOUND = -1601
    _ERR_NO_CURRENT_RECORD = -1603
    _FIRST_VAR_BUFFER = 256

# (least, most) of each integer column type, for range errors that name the column.
cdef dict _INT_RANGES = {
    JET_coltypUnsignedByte: (0, 0xFF),
    JET_coltypShort: (-0x8000, 0x7FFF),
    JET_coltypUnsignedShort: (0, 0xFFFF),
    JET_coltypLong: (-0x80000000, 0x7FFFFFFF),
    JET_coltypUnsignedLong: (0, 0xFFFFFFFF),
    JET_coltypLongLong: (-0x8000000000000000, 0x7FFFFFFFFFFFFFFF),
    JET_coltypUnsignedLongLong: (0, 0xFFFFFFFFFFFFFFFF),
    JET_coltypCurrency: (-0x8000000000000000, 0x7FFFFFFFFFFFFFFF),
}

cdef dict _COLTYP_NAMES = {
    JET_coltypBit: "Bit", JET_coltypUnsignedByte: "UnsignedByte", JET_coltypShort: "Short",
    JET_coltypLong: "Long", JET_coltypCurrency: "Currency", JET_coltypIEEESingle: "IEEESingle",
    JET_coltypIEEEDouble: "IEEEDouble", JET_coltypDateTime: "DateTime",
    JET_coltypBinary: "Binary", JET_coltypText: "Text", JET_coltypLongBinary: "LongBinary",
    JET_coltypLongText: "LongText", JET_coltypUnsignedLong: "UnsignedLong",
    JET_coltypLongLong: "LongLong", JET_coltypGUID: "GUID",
    JET_coltypUnsignedShort: "UnsignedShort", JET_coltypUnsignedLongLong: "UnsignedLongLong",
}


cdef object _columns_module():
    global _ole
    if _ole is None:
        import esent.columns
        _ole = esent.columns
    return _ole


cdef inline bint _is_text(unsigned long coltyp):
    return coltyp == JET_coltypText or coltyp == JET_coltypLongText


cdef inline bint _is_binary(unsigned long coltyp):
    return coltyp == JET_coltypBinary or coltyp == JET_coltypLongBinary


cdef str _text_codec(unsigned short cp):
    return "utf-16-le" if cp == 1200 else "cp1252"


cdef object _int_in_range(unsigned long coltyp, object value):
    """``value`` as a Python int, checked against the column type's range."""
    if isinstance(value, float) or not hasattr(value, "__index__"):
        raise TypeError(f"{_COLTYP_NAMES[coltyp]} takes an int, not {type(value).__name__}")
    value = value.__index__()
    least, most = _INT_RANGES[coltyp]
    if not least <= value <= most:
        raise OverflowError(
            f"{_COLTYP_NAMES[coltyp]} takes {least}..{most}, got {value}")
    return value


cdef inline long long _fast_int(unsigned long coltyp, object value, long long least,
                               long long most) except? -1:
    """An exact int in [least, most] without Python-level calls; anything else (a subclass,
    a bool, an index-able object, a value out of range) goes through _int_in_range, which
    converts it or raises the error that names the range."""
    cdef long long v
    if type(value) is int:
        try:
            v = value
        except OverflowError:
            return _int_in_range(coltyp, value)
        if least <= v <= most:
            return v
    return _int_in_range(coltyp, value)


cdef object _currency_units(object value):
    """A Currency value as ESENT's 64-bit count of 1/10,000 units (exact, or ValueError)."""
    if isinstance(value, float):
        value = _Decimal(repr(value))
    elif not isinstance(value, _Decimal):
        value = _Decimal(value.__index__())
    if not value.is_finite():
        raise ValueError(f"Currency takes a finite amount, got {value}")
    scaled = value.scaleb(4)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"Currency keeps 4 decimal places, {value} has more")
    return _int_in_range(JET_coltypCurrency, int(scaled))


cdef object _encode(unsigned long coltyp, unsigned short cp, object value,
                    unsigned char *scratch, ESE_ULONG *cb):
    """Encode a non-None value.  Fixed-size types are written to ``scratch`` (8 bytes) and
    None is returned; the others return the bytes object that holds the data."""
    cdef object n
    cdef double d
    if coltyp == JET_coltypBit:
        if not isinstance(value, (bool, int)):
            raise TypeError(f"Bit takes a bool, not {type(value).__name__}")
        scratch[0] = 0xFF if value else 0
        cb[0] = 1
        return None
    if coltyp == JET_coltypLong:
        (<int32_t *>scratch)[0] = <int32_t>_fast_int(coltyp, value, -0x80000000, 0x7FFFFFFF)
        cb[0] = 4
        return None
    if coltyp == JET_coltypLongLong:
        (<int64_t *>scratch)[0] = <int64_t>_fast_int(coltyp, value, LLONG_MIN, LLONG_MAX)
        cb[0] = 8
        return None
    if coltyp == JET_coltypUnsignedLongLong:
        (<uint64_t *>scratch)[0] = <uint64_t>_int_in_range(coltyp, value)
        cb[0] = 8
        return None
    if coltyp == JET_coltypUnsignedLong:
        (<uint32_t *>scratch)[0] = <uint32_t>_fast_int(coltyp, value, 0, 0xFFFFFFFF)
        cb[0] = 4
        return None
    if coltyp == JET_coltypShort:
        (<int16_t *>scratch)[0] = <int16_t>_fast_int(coltyp, value, -0x8000, 0x7FFF)
        cb[0] = 2
        return None
    if coltyp == JET_coltypUnsignedShort:
        (<uint16_t *>scratch)[0] = <uint16_t>_fast_int(coltyp, value, 0, 0xFFFF)
        cb[0] = 2
        return None
    if coltyp == JET_coltypUnsignedByte:
        scratch[0] = <uint8_t>_fast_int(coltyp, value, 0, 0xFF)
        cb[0] = 1
        return None
    if coltyp == JET_coltypIEEEDouble or coltyp == JET_coltypIEEESingle:
        if not isinstance(value, (float, int)) or isinstance(value, bool):
            raise TypeError(f"{_COLTYP_NAMES[coltyp]} takes a float, not {type(value).__name__}")
        d = value
        if coltyp == JET_coltypIEEEDouble:
            (<double *>scratch)[0] = d
            cb[0] = 8
        else:
            (<float *>scratch)[0] = <float>d
            cb[0] = 4
        return None
    if coltyp == JET_coltypCurrency:
        (<int64_t *>scratch)[0] = <int64_t>_currency_units(value)
        cb[0] = 8
        return None
    if coltyp == JET_coltypDateTime:
        (<double *>scratch)[0] = _columns_module().ole_date(value)
        cb[0] = 8
        return None
    if coltyp == JET_coltypGUID:
        if isinstance(value, _UUID):
            data = value.bytes_le
        elif isinstance(value, (bytes, bytearray)) and len(value) == 16:
            data = bytes(value)
        else:
            raise TypeError(f"GUID takes a uuid.UUID, not {type(value).__name__}")
        cb[0] = 16
        return data
    if _is_text(coltyp):
        if isinstance(value, str):
            data = (<str>value).encode(_text_codec(cp), "surrogatepass" if cp == 1200 else "strict")
        elif isinstance(value, (bytes, bytearray, memoryview)):
            data = bytes(value)
        else:
            raise TypeError(f"{_COLTYP_NAMES[coltyp]} takes a str, not {type(value).__name__}")
        cb[0] = len(data)
        return data
    if _is_binary(coltyp):
        if isinstance(value, bytes):
            data = value
        elif isinstance(value, (bytearray, memoryview)):
            data = bytes(value)
        else:
            raise TypeError(f"{_COLTYP_NAMES.get(coltyp, coltyp)} takes bytes, not {type(value).__name__}")
        cb[0] = len(data)
        return data
    raise ValueError(f"unknown column type {coltyp}")


cdef object _decode(unsigned long coltyp, unsigned short cp, const unsigned char *p,
                    ESE_ULONG cb):
    """The Python value of ``cb`` stored bytes at ``p`` (not NULL)."""
    cdef int64_t i64
    cdef double d
    cdef int order
    if coltyp == JET_coltypLong and cb == 4:
        return (<const int32_t *>p)[0]
    if coltyp == JET_coltypLongLong and cb == 8:
        return (<const int64_t *>p)[0]
    if coltyp == JET_coltypUnsignedLongLong and cb == 8:
        return (<const uint64_t *>p)[0]
    if coltyp == JET_coltypUnsignedLong and cb == 4:
        return (<const uint32_t *>p)[0]
    if coltyp == JET_coltypShort and cb == 2:
        return (<const int16_t *>p)[0]
    if coltyp == JET_coltypUnsignedShort and cb == 2:
        return (<const uint16_t *>p)[0]
    if coltyp == JET_coltypUnsignedByte and cb == 1:
        return p[0]
    if coltyp == JET_coltypBit and cb == 1:
        return p[0] != 0
    if coltyp == JET_coltypIEEEDouble and cb == 8:
        return (<const double *>p)[0]
    if coltyp == JET_coltypIEEESingle and cb == 4:
        return <double>(<const float *>p)[0]
    if coltyp == JET_coltypCurrency and cb == 8:
        i64 = (<const int64_t *>p)[0]
        return _Decimal(i64).scaleb(-4)
    if coltyp == JET_coltypDateTime and cb == 8:
        d = (<const double *>p)[0]
        return _columns_module().from_ole_date(d)
    if coltyp == JET_coltypGUID and cb == 16:
        return _UUID(bytes_le=PyBytes_FromStringAndSize(<const char *>p, 16))
    if _is_text(coltyp):
        if cp == 1200:
            order = -1   # little-endian; the decoder writes back the order it ended in
            return PyUnicode_DecodeUTF16(<const char *>p, cb, "surrogatepass", &order)
        return (<const char *>p)[:cb].decode("cp1252")
    # Binary, LongBinary, and a stored size the type does not explain: the raw bytes
    return PyBytes_FromStringAndSize(<const char *>p, cb)


def encode_value(unsigned long coltyp, unsigned short code_page, value):
    """The bytes ESENT stores for ``value`` in a column of type ``coltyp`` (None for None:
    NULL).  Raises TypeError for a value of the wrong kind and OverflowError / ValueError for
    one the type cannot hold."""
    cdef unsigned char scratch[8]
    cdef ESE_ULONG cb = 0
    if value is None:
        return None
    data = _encode(coltyp, code_page, value, scratch, &cb)
    if data is None:
        return PyBytes_FromStringAndSize(<const char *>scratch, cb)
    return data


def decode_value(unsigned long coltyp, unsigned short code_page, data):
    """The Python value of a column's stored bytes (None for None)."""
    cdef const unsigned char[::1] view
    if data is None:
        return None
    if len(data) == 0:
        return _decode(coltyp, code_page, <const unsigned char *>b"", 0)
    view = data
    return _decode(coltyp, code_page, &view[0], view.shape[0])


# ---- the row codec ----------------------------------------------------------------------------

cdef struct _Col:
    JET_COLUMNID columnid
    unsigned long coltyp
    unsigned short cp
    bint multi
    bint given      # the row being written names this column (an empty list clears it)
    # retrieve buffer
    unsigned char *buf
    ESE_ULONG cap
    ESE_ULONG actual
    JET_ERR err


cdef struct _Set:
    JET_COLUMNID columnid
    const void *pv
    ESE_ULONG cb
    JET_GRBIT grbit
    ESE_ULONG itag
    unsigned char scratch[8]
    bint in_scratch   # pv points at this set's own scratch (re-pointed when the array moves)


cdef class RowCodec:
    """A table's compiled column layout and the native row loops over it.

    ``RowCodec(columns, key=())``: ``columns`` a sequence of ``(name, columnid, coltyp,
    code_page, multi_valued)``; ``key`` the positions (in ``columns``) of the current index's
    key columns, for ``get``.  Rows are read as dicts (or tuples in column order with
    ``as_tuple``) and written from dicts (missing names: NULL) or tuples/lists in column order.
    """
    cdef _Col *cols
    cdef Py_ssize_t ncols
    cdef readonly tuple names
    cdef dict positions
    cdef Py_ssize_t *key
    cdef Py_ssize_t nkey
    cdef _Set *sets
    cdef Py_ssize_t nsets, capsets
    cdef JET_SETCOLUMN *setcolumns
    cdef JET_RETRIEVECOLUMN *retcolumns
    cdef list keep
    cdef bint has_multi

    def __cinit__(self, columns, key=()):
        cdef Py_ssize_t i
        columns = list(columns)
        key = list(key)
        self.ncols = len(columns)
        self.nkey = len(key)
        self.cols = <_Col *>calloc(self.ncols + 1, sizeof(_Col))
        self.key = <Py_ssize_t *>calloc(self.nkey + 1, sizeof(Py_ssize_t))
        self.retcolumns = <JET_RETRIEVECOLUMN *>calloc(self.ncols + 1, sizeof(JET_RETRIEVECOLUMN))
        self.capsets = self.ncols + 1
        self.sets = <_Set *>calloc(self.capsets, sizeof(_Set))
        self.setcolumns = <JET_SETCOLUMN *>calloc(self.capsets, sizeof(JET_SETCOLUMN))
        if (self.cols == NULL or self.key == NULL or self.retcolumns == NULL
                or self.sets == NULL or self.setcolumns == NULL):
            raise MemoryError()
        names = []
        self.positions = {}
        for i in range(self.ncols):
            name, columnid, coltyp, cp, multi = columns[i]
            names.append(name)
            self.positions[name] = i
            self.cols[i].columnid = columnid
            self.cols[i].coltyp = coltyp
            self.cols[i].cp = cp
            self.cols[i].multi = bool(multi)
            self.has_multi |= self.cols[i].multi
            self.cols[i].cap = 16 if coltyp not in (JET_coltypText, JET_coltypLongText,
                                                    JET_coltypBinary, JET_coltypLongBinary) \
                else _FIRST_VAR_BUFFER
            self.cols[i].buf = <unsigned char *>malloc(self.cols[i].cap)
            if self.cols[i].buf == NULL:
                raise MemoryError()
        self.names = tuple(names)
        for i in range(self.nkey):
            if not 0 <= key[i] < self.ncols:
                raise ValueError("key positions must index columns")
            self.key[i] = key[i]
        self.keep = []

    def __dealloc__(self):
        cdef Py_ssize_t i
        if self.cols != NULL:
            for i in range(self.ncols):
                free(self.cols[i].buf)
        free(self.cols)
        free(self.key)
        free(self.sets)
        free(self.setcolumns)
        free(self.retcolumns)

    # -- encoding a row into the set list ------------------------------------------------------
    cdef _Set *_next_set(self) except NULL:
        cdef _Set *grown
        cdef Py_ssize_t j
        cdef JET_SETCOLUMN *grown_sc
        if self.nsets == self.capsets:
            grown = <_Set *>realloc(self.sets, self.capsets * 2 * sizeof(_Set))
            if grown == NULL:
                raise MemoryError()
            self.sets = grown
            # a fixed-size value lives in its set's scratch: the sets moved, so must pv
            for j in range(self.nsets):
                if grown[j].in_scratch:
                    grown[j].pv = grown[j].scratch
            grown_sc = <JET_SETCOLUMN *>realloc(self.setcolumns,
                                                self.capsets * 2 * sizeof(JET_SETCOLUMN))
            if grown_sc == NULL:
                raise MemoryError()
            self.setcolumns = grown_sc
            self.capsets *= 2
        self.nsets += 1
        return &self.sets[self.nsets - 1]

    cdef int _add(self, Py_ssize_t i, object value, ESE_ULONG itag) except -1:
        cdef _Set *s = self._next_set()
        cdef _Col *c = &self.cols[i]
        s.columnid = c.columnid
        s.itag = itag
        s.grbit = 0
        s.cb = 0
        s.pv = NULL
        s.in_scratch = False
        if value is None:
            return 0
        try:
            data = _encode(c.coltyp, c.cp, value, s.scratch, &s.cb)
        except UnicodeError as exc:  # its constructor takes 5 arguments: say it as ValueError
            raise ValueError(f"column {self.names[i]!r}: {exc}") from exc
        except (TypeError, ValueError, OverflowError) as exc:
            raise type(exc)(f"column {self.names[i]!r}: {exc}") from None
        if data is None:
            s.pv = s.scratch
            s.in_scratch = True
        else:
            self.keep.append(data)
            s.pv = PyBytes_AsString(data)
            if s.cb == 0:
                s.grbit = JET_bitSetZeroLength
        return 0

    cdef int _add_column(self, Py_ssize_t i, object value, bint replace) except -1:
        self.cols[i].given = True
        if not self.cols[i].multi:
            if value is None and not replace:
                return 0   # an insert leaves it NULL (or at its default)
            return self._add(i, value, 0)
        if value is None:
            value = ()
        if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
            raise TypeError(f"column {self.names[i]!r} is multi-valued: give a list of values")
        for item in value:
            if item is None:
                raise TypeError(f"column {self.names[i]!r}: a multi-value cannot hold None")
            self._add(i, item, 0)   # itagSequence 0: append
        return 0

    cdef int _encode_row(self, object row, bint replace) except -1:
        cdef Py_ssize_t i, found = 0
        self.nsets = 0
        del self.keep[:]
        for i in range(self.ncols):
            self.cols[i].given = False
        if isinstance(row, dict):
            for i in range(self.ncols):
                value = (<dict>row).get(self.names[i], _MISSING)
                if value is _MISSING:
                    continue
                found += 1
                self._add_column(i, value, replace)
            if found != len(<dict>row):
                for name in row:
                    if name not in self.positions:
                        raise KeyError(f"no column {name!r}")
        elif isinstance(row, (tuple, list)):
            if len(row) != self.ncols:
                raise ValueError(f"a row is {self.ncols} values in column order, got {len(row)}")
            for i in range(self.ncols):
                self._add_column(i, row[i], replace)
        else:
            for name, value in row.items():
                if name not in self.positions:
                    raise KeyError(f"no column {name!r}")
                self._add_column(self.positions[name], value, replace)
        return 0

    # -- engine calls (no GIL) -----------------------------------------------------------------
    cdef JET_ERR _set_all(self, JET_SESID sesid, JET_TABLEID tableid) noexcept nogil:
        cdef Py_ssize_t i
        cdef _Set *s
        if self.nsets == 0:
            return 0
        for i in range(self.nsets):
            s = &self.sets[i]
            self.setcolumns[i].columnid = s.columnid
            self.setcolumns[i].pvData = s.pv
            self.setcolumns[i].cbData = s.cb
            self.setcolumns[i].grbit = s.grbit
            self.setcolumns[i].ibLongValue = 0
            self.setcolumns[i].itagSequence = s.itag
            self.setcolumns[i].err = 0
        return c_JetSetColumns(sesid, tableid, self.setcolumns, <ESE_ULONG>self.nsets)

    cdef JET_ERR _clear_multi(self, JET_SESID sesid, JET_TABLEID tableid) noexcept nogil:
        """Before a replace: delete every value of the multi-valued columns being set."""
        cdef Py_ssize_t i
        cdef ESE_ULONG count, actual
        cdef JET_RETINFO ri
        cdef JET_SETINFO si
        cdef JET_ERR err
        for i in range(self.ncols):
            if not self.cols[i].multi:
                continue
            if not self.cols[i].given:
                continue
            count = 0
            while True:
                memset(&ri, 0, sizeof(ri))
                ri.cbStruct = sizeof(ri)
                ri.itagSequence = count + 1
                err = c_JetRetrieveColumn(sesid, tableid, self.cols[i].columnid, NULL, 0,
                                          &actual, 0, &ri)
                if err < 0:
                    return err
                if err == _WRN_COLUMN_NULL:
                    break
                count += 1
            memset(&si, 0, sizeof(si))
            si.cbStruct = sizeof(si)
            while count > 0:
                si.itagSequence = count
                err = c_JetSetColumn(sesid, tableid, self.cols[i].columnid, NULL, 0, 0, &si)
                if err < 0:
                    return err
                count -= 1
        return 0

    cdef JET_ERR _retrieve_all(self, JET_SESID sesid, JET_TABLEID tableid) noexcept nogil:
        """Fetch every single-valued column of the current record into the column buffers
        (growing a buffer and fetching again when a value was longer)."""
        cdef Py_ssize_t i
        cdef JET_ERR err
        cdef _Col *c
        cdef unsigned char *grown
        cdef bint again = True
        while again:
            again = False
            for i in range(self.ncols):
                c = &self.cols[i]
                self.retcolumns[i].columnid = c.columnid
                self.retcolumns[i].pvData = c.buf
                self.retcolumns[i].cbData = c.cap
                self.retcolumns[i].cbActual = 0
                self.retcolumns[i].grbit = 0
                self.retcolumns[i].ibLongValue = 0
                self.retcolumns[i].itagSequence = 1
                self.retcolumns[i].err = 0
            err = c_JetRetrieveColumns(sesid, tableid, self.retcolumns, <ESE_ULONG>self.ncols)
            if err < 0:
                return err
            for i in range(self.ncols):
                self.cols[i].err = self.retcolumns[i].err
                self.cols[i].actual = self.retcolumns[i].cbActual
            for i in range(self.ncols):
                c = &self.cols[i]
                if c.err < 0:
                    return c.err
                if c.err == _WRN_BUFFER_TRUNCATED and c.actual > c.cap:
                    grown = <unsigned char *>realloc(c.buf, c.actual)
                    if grown == NULL:
                        return -1011  # JET_errOutOfMemory
                    c.buf = grown
                    c.cap = c.actual
                    again = True
        return 0

    cdef object _multi_values(self, JET_SESID sesid, JET_TABLEID tableid, Py_ssize_t i):
        cdef list values = []
        cdef ESE_ULONG itag = 1
        cdef _Col *c = &self.cols[i]
        while True:
            data = JetRetrieveColumn(sesid, tableid, c.columnid, 0, itag)
            if data is None:
                return values
            values.append(decode_value(c.coltyp, c.cp, data))
            itag += 1

    cdef object _build_row(self, JET_SESID sesid, JET_TABLEID tableid, bint as_tuple):
        cdef Py_ssize_t i
        cdef _Col *c
        cdef list values = [None] * self.ncols
        for i in range(self.ncols):
            c = &self.cols[i]
            if c.multi:
                values[i] = self._multi_values(sesid, tableid, i)
            elif c.err != _WRN_COLUMN_NULL:
                values[i] = _decode(c.coltyp, c.cp, c.buf, c.actual)
        if as_tuple:
            return tuple(values)
        return dict(zip(self.names, values))

    # -- the public loops ----------------------------------------------------------------------
    def write(self, JET_SESID sesid, JET_TABLEID tableid, row, ESE_ULONG prep):
        """One row: JetPrepareUpdate(prep) + its columns + JetUpdate; returns the bookmark.
        The update is cancelled when a value or the engine fails."""
        cdef unsigned char bookmark[_BOOKMARK_MOST]
        cdef ESE_ULONG cb = 0
        cdef JET_ERR err
        cdef bint replace = prep == JET_prepReplace or prep == JET_prepReplaceNoLock
        self._encode_row(row, replace)
        with nogil:
            err = c_JetPrepareUpdate(sesid, tableid, prep)
            if err >= 0 and replace and self.has_multi:
                err = self._clear_multi(sesid, tableid)
            if err >= 0:
                err = self._set_all(sesid, tableid)
            if err >= 0:
                err = c_JetUpdate(sesid, tableid, bookmark, _BOOKMARK_MOST, &cb)
            if err < 0:
                c_JetPrepareUpdate(sesid, tableid, JET_prepCancel)
        del self.keep[:]
        check(err, "JetUpdate")
        return PyBytes_FromStringAndSize(<const char *>bookmark, min(cb, <ESE_ULONG>_BOOKMARK_MOST))

    def insert_many(self, JET_SESID sesid, JET_TABLEID tableid, rows, Py_ssize_t batch=1000,
                    bint lazy=False):
        """Insert every row of the iterable ``rows``, ``batch`` rows per transaction (0: no
        transactions of its own: the caller's, or one implicit transaction per row).  Each
        committed batch stays when a later row fails: the failing batch is rolled back and
        the error raised.  Returns the number of rows inserted."""
        cdef Py_ssize_t done = 0, in_batch = 0
        cdef JET_ERR err = 0
        cdef JET_GRBIT commit_grbit = JET_bitCommitLazyFlush if lazy else 0
        cdef bint in_trx = False
        try:
            for row in rows:
                self._encode_row(row, False)
                with nogil:
                    if batch > 0 and not in_trx:
                        err = c_JetBeginTransaction2(sesid, 0)
                        in_trx = err >= 0
                    if err >= 0:
                        err = c_JetPrepareUpdate(sesid, tableid, JET_prepInsert)
                    if err >= 0:
                        err = self._set_all(sesid, tableid)
                        if err >= 0:
                            err = c_JetUpdate(sesid, tableid, NULL, 0, NULL)
                        if err < 0:
                            c_JetPrepareUpdate(sesid, tableid, JET_prepCancel)
                    if err >= 0:
                        in_batch += 1
                        if in_trx and in_batch >= batch:
                            err = c_JetCommitTransaction(sesid, commit_grbit)
                            if err >= 0:
                                in_trx = False
                                done += in_batch
                                in_batch = 0
                check(err, "insert_many")
            if in_trx:
                with nogil:
                    err = c_JetCommitTransaction(sesid, commit_grbit)
                check(err, "JetCommitTransaction")
                in_trx = False
            done += in_batch
            in_batch = 0
        finally:
            del self.keep[:]
            if in_trx:
                with nogil:
                    c_JetRollback(sesid, 0)
        return done

    def current(self, JET_SESID sesid, JET_TABLEID tableid, bint as_tuple=False):
        """The current record as a row (NoCurrentRecordError when there is none)."""
        cdef JET_ERR err
        with nogil:
            err = self._retrieve_all(sesid, tableid)
        check(err, "JetRetrieveColumns")
        return self._build_row(sesid, tableid, as_tuple)

    def make_key(self, JET_SESID sesid, JET_TABLEID tableid, values, JET_GRBIT last_grbit=0):
        """JetMakeKey for the first ``len(values)`` key columns (JET_bitNewKey on the first);
        ``last_grbit`` (a limit grbit, e.g. JET_bitFullColumnEndLimit) goes with the last."""
        self._make_key(sesid, tableid, values, last_grbit)

    cdef int _make_key(self, JET_SESID sesid, JET_TABLEID tableid, object values,
                       JET_GRBIT last_grbit) except -1:
        cdef Py_ssize_t i, n
        cdef JET_GRBIT grbit
        cdef JET_ERR err = 0
        cdef _Set *s
        if not isinstance(values, tuple):
            values = tuple(values) if isinstance(values, list) else (values,)
        n = len(values)
        if n > self.nkey:
            raise ValueError(f"the key has {self.nkey} column(s), got {n} values")
        self.nsets = 0
        del self.keep[:]
        for i in range(n):
            self._add(self.key[i], values[i], 0)
        with nogil:
            for i in range(n):
                s = &self.sets[i]
                grbit = JET_bitNewKey if i == 0 else 0
                if s.pv != NULL and s.cb == 0:
                    grbit |= JET_bitKeyDataZeroLength
                if i == n - 1:
                    grbit |= last_grbit
                err = c_JetMakeKey(sesid, tableid, s.pv, s.cb, grbit)
                if err < 0:
                    break
            if n == 0 and last_grbit:
                err = c_JetMakeKey(sesid, tableid, NULL, 0, JET_bitNewKey | last_grbit)
        del self.keep[:]
        check(err, "JetMakeKey")
        return 0

    def seek(self, JET_SESID sesid, JET_TABLEID tableid, key, JET_GRBIT grbit=JET_bitSeekEQ,
             bint fetch=True, bint as_tuple=False):
        """Make ``key`` (a value, or a tuple for several key columns) and JetSeek with
        ``grbit``; returns the row found (or True when not ``fetch``), None when none
        qualifies.  Key, seek and retrieval are one native call."""
        cdef JET_ERR err
        self._make_key(sesid, tableid, key, 0)
        with nogil:
            err = c_JetSeek(sesid, tableid, grbit)
            if err >= 0 and fetch:
                err = self._retrieve_all(sesid, tableid)
        if err == _ERR_RECORD_NOT_FOUND:
            return None
        check(err, "JetSeek")
        return self._build_row(sesid, tableid, as_tuple) if fetch else True

    def rows(self, JET_SESID sesid, JET_TABLEID tableid, int start=1, bint reverse=False,
             bint as_tuple=False):
        """An iterator of rows, one native call (move + retrieve) per row.  ``start``: 1 moves
        to the first record (the last with ``reverse``), 0 starts on the current record.
        Ends at the end of the index or of its index range."""
        return _RowIterator(self, sesid, tableid, start, reverse, as_tuple)


cdef object _MISSING = object()


cdef class _RowIterator:
    cdef RowCodec codec
    cdef JET_SESID sesid
    cdef JET_TABLEID tableid
    cdef int start
    cdef bint reverse, as_tuple, done

    def __cinit__(self, RowCodec codec, JET_SESID sesid, JET_TABLEID tableid, int start,
                  bint reverse, bint as_tuple):
        self.codec = codec
        self.sesid = sesid
        self.tableid = tableid
        self.start = start
        self.reverse = reverse
        self.as_tuple = as_tuple

    def __iter__(self):
        return self

    def __next__(self):
        cdef JET_ERR err = 0
        cdef ESE_LONG move
        if self.done:
            raise StopIteration
        if self.start == 1:
            move = JET_MoveLast if self.reverse else <ESE_LONG>(-0x7FFFFFFF - 1)
        elif self.start == 0:
            move = 0
        else:
            move = JET_MovePrevious if self.reverse else JET_MoveNext
        self.start = 2
        with nogil:
            if move != 0:
                err = c_JetMove(self.sesid, self.tableid, move, 0)
            if err >= 0:
                err = self.codec._retrieve_all(self.sesid, self.tableid)
        if err == _ERR_NO_CURRENT_RECORD:
            self.done = True
            raise StopIteration
        check(err, "JetMove")
        return self.codec._build_row(self.sesid, self.tableid, self.as_tuple)
