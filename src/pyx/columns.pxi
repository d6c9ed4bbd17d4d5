# Several columns at once and escrow: JetSetColumns, JetRetrieveColumns, JetEscrowUpdate.
# Values cross as bytes, as in table.pxi; esent.columns and the row codec (codec.pxi) turn them
# into Python values.

from libc.stdlib cimport realloc


def JetSetColumns(JET_SESID sesid, JET_TABLEID tableid, columns):
    """Set several columns of the prepared update in one call (JET_SETCOLUMN array).

    ``columns``: a sequence of ``(columnid, data, grbit)`` or ``(columnid, data, grbit,
    itagSequence)``; ``data`` is bytes-like or None (NULL).  itagSequence 0 adds a value to a
    multi-valued column, n replaces (or with None deletes) its n-th value.  Returns each
    JET_SETCOLUMN's ``err`` (warnings included), in order.
    """
    cdef Py_ssize_t n = len(columns), i
    cdef list keep = []
    cdef const unsigned char[::1] view
    cdef JET_ERR err
    cdef JET_SETCOLUMN *sc = <JET_SETCOLUMN *>calloc(n if n else 1, sizeof(JET_SETCOLUMN))
    if sc == NULL:
        raise MemoryError()
    try:
        for i in range(n):
            spec = tuple(columns[i])
            if len(spec) not in (3, 4):
                raise ValueError("each column is (columnid, data, grbit[, itagSequence])")
            sc[i].columnid = spec[0]
            sc[i].grbit = spec[2]
            sc[i].itagSequence = spec[3] if len(spec) == 4 else 0
            if spec[1] is not None:
                data = bytes(spec[1])
                keep.append(data)
                view = data
                sc[i].cbData = view.shape[0]
                if view.shape[0]:
                    sc[i].pvData = &view[0]
        with nogil:
            err = c_JetSetColumns(sesid, tableid, sc, <ESE_ULONG>n)
        check(err, "JetSetColumns")
        return [sc[i].err for i in range(n)]
    finally:
        free(sc)


def JetRetrieveColumns(JET_SESID sesid, JET_TABLEID tableid, columns):
    """Read several columns of the current record in one call (JET_RETRIEVECOLUMN array).

    ``columns``: a sequence of columnids, or of ``(columnid, grbit)`` / ``(columnid, grbit,
    itagSequence)`` (itagSequence defaults to 1, the first value).  Returns one entry per
    column: bytes, or None when the value is NULL.  A value longer than the first buffer is
    fetched again at its full size.
    """
    cdef Py_ssize_t n = len(columns), i
    cdef JET_RETRIEVECOLUMN *rc = <JET_RETRIEVECOLUMN *>calloc(n if n else 1, sizeof(JET_RETRIEVECOLUMN))
    cdef list buffers = []
    cdef list result = []
    cdef bytearray buf
    cdef bint again
    cdef JET_ERR err
    if rc == NULL:
        raise MemoryError()
    try:
        for i in range(n):
            spec = columns[i]
            if isinstance(spec, int):
                spec = (spec,)
            spec = tuple(spec)
            rc[i].columnid = spec[0]
            rc[i].grbit = spec[1] if len(spec) > 1 else 0
            rc[i].itagSequence = spec[2] if len(spec) > 2 else 1
            buf = bytearray(_RETRIEVE_FIRST_TRY)
            buffers.append(buf)
            rc[i].pvData = <char *>buf
            rc[i].cbData = _RETRIEVE_FIRST_TRY
        while True:
            with nogil:
                err = c_JetRetrieveColumns(sesid, tableid, rc, <ESE_ULONG>n)
            check(err, "JetRetrieveColumns")
            again = False
            for i in range(n):
                if rc[i].err < 0:
                    check(rc[i].err, "JetRetrieveColumns")
                if rc[i].err == 1006 and rc[i].cbActual > rc[i].cbData:  # JET_wrnBufferTruncated
                    buf = bytearray(rc[i].cbActual)
                    buffers[i] = buf
                    rc[i].pvData = <char *>buf
                    rc[i].cbData = rc[i].cbActual
                    again = True
            if not again:
                break
        for i in range(n):
            if rc[i].err == 1004:  # JET_wrnColumnNull
                result.append(None)
            else:
                result.append(bytes((<bytearray>buffers[i])[:rc[i].cbActual]))
        return result
    finally:
        free(rc)


def JetEscrowUpdate(JET_SESID sesid, JET_TABLEID tableid, JET_COLUMNID columnid, delta,
                    JET_GRBIT grbit=0):
    """Add ``delta`` (bytes: a little-endian 4- or 8-byte signed integer, as wide as the
    column) to an escrow-update column of the current record, inside a transaction but
    without JetPrepareUpdate.  Returns the value before the change, as bytes of the same size.
    ``grbit``: JET_bitEscrowNoRollback."""
    cdef bytes data = bytes(delta)
    cdef const unsigned char[::1] view = data
    cdef unsigned char old[8]
    cdef ESE_ULONG cbold = 0
    cdef ESE_ULONG cb = view.shape[0]
    cdef void *pv
    cdef JET_ERR err
    if cb not in (4, 8):
        raise ValueError("delta must be 4 or 8 bytes")
    pv = <void *>&view[0]
    memset(old, 0, sizeof(old))
    with nogil:
        err = c_JetEscrowUpdate(sesid, tableid, columnid, pv, cb, old, sizeof(old), &cbold, grbit)
    check(err, "JetEscrowUpdate")
    return bytes(old[:min(cbold, 8)])
