# Tables and records: JetOpenTable, JetCloseTable, JetGetTableColumnInfo, JetPrepareUpdate,
# JetSetColumn, JetUpdate, JetDelete, JetRetrieveColumn, JetMove, JetMakeKey, JetSeek.
#
# Column values cross as bytes (numbers little-endian, as ESENT stores them); esent.table turns
# them into Python values.

from libc.stdlib cimport malloc

cdef enum:
    _RETRIEVE_FIRST_TRY = 1024   # bytes; a longer value costs one more call with its full size
    _BOOKMARK_MOST = 2048        # > JET_cbBookmarkMostMost (2001)


def JetOpenTable(JET_SESID sesid, JET_DBID dbid, table_name, JET_GRBIT grbit=0):
    """Open a table of an open database; returns the tableid (a cursor on its primary index)."""
    cdef bytes wname = to_wide(table_name, "table_name")
    cdef const WCHAR *pname = wide_ptr(wname)
    cdef JET_TABLEID tableid = 0
    cdef JET_ERR err
    with nogil:
        err = c_JetOpenTableW(sesid, dbid, pname, NULL, 0, grbit, &tableid)
    check(err, "JetOpenTable")
    return tableid


def JetCloseTable(JET_SESID sesid, JET_TABLEID tableid):
    """Close a table opened by JetOpenTable or JetCreateTableColumnIndex2."""
    cdef JET_ERR err
    with nogil:
        err = c_JetCloseTable(sesid, tableid)
    check(err, "JetCloseTable")


def JetGetTableColumnInfo(JET_SESID sesid, JET_TABLEID tableid, column,
                          ESE_ULONG InfoLevel=JET_ColInfo):
    """Facts about a column of an open table, or about all of them.

    JET_ColInfo (``column`` a name) or JET_ColInfoByColid (``column`` a JET_COLUMNID): the
    column's JET_COLUMNDEF as a dict: ``columnid``, ``coltyp``, ``wCountry``, ``langid``,
    ``cp``, ``wCollate``, ``cbMax``, ``grbit``.  JET_ColInfoBase: JET_COLUMNBASE's fields
    (``szBaseTableName`` and ``szBaseColumnName`` as str).  JET_ColInfoList,
    JET_ColInfoListCompact, JET_ColInfoListSortColumnid (``column`` None): JET_COLUMNLIST's
    fields: ``tableid`` is a temporary table with one row per column (read it with JetMove and
    JetRetrieveColumn, close it with JetCloseTable), ``cRecord`` its row count and
    ``columnid...`` the columnids of its columns.
    """
    cdef _ColumnInfoBuffer out = _ColumnInfoBuffer()
    cdef JET_COLUMNID colid = 0
    cdef bytes wname = None
    cdef const WCHAR *pname = NULL
    cdef ESE_ULONG cb = 0
    cdef void *pv = out.prepare(InfoLevel, &cb)
    cdef JET_ERR err
    if InfoLevel == JET_ColInfoByColid:
        colid = column
        pname = <const WCHAR *>&colid
    elif column is not None:
        wname = to_wide(column, "column")
        pname = wide_ptr(wname)
    with nogil:
        err = c_JetGetTableColumnInfoW(sesid, tableid, pname, pv, cb, InfoLevel)
    check(err, "JetGetTableColumnInfo")
    return out.result()


def JetPrepareUpdate(JET_SESID sesid, JET_TABLEID tableid, ESE_ULONG prep):
    """Start (JET_prepInsert, JET_prepReplace) or cancel (JET_prepCancel) an update."""
    cdef JET_ERR err
    with nogil:
        err = c_JetPrepareUpdate(sesid, tableid, prep)
    check(err, "JetPrepareUpdate")


def JetSetColumn(JET_SESID sesid, JET_TABLEID tableid, JET_COLUMNID columnid, data,
                 JET_GRBIT grbit=0, itagSequence=None):
    """Set a column of the prepared update.  ``data`` is bytes-like; None (or empty bytes
    without JET_bitSetZeroLength) sets NULL.  ``itagSequence`` (multi-valued columns, through
    JET_SETINFO): 0 adds a value, n replaces (or with None deletes) the n-th value; None
    leaves JET_SETINFO out (the first value)."""
    cdef const unsigned char[::1] view
    cdef const void *pv = NULL
    cdef ESE_ULONG cb = 0
    cdef JET_SETINFO info
    cdef JET_SETINFO *pinfo = NULL
    cdef JET_ERR err
    if data is not None:
        view = data
        cb = view.shape[0]
        if cb:
            pv = &view[0]
    if itagSequence is not None:
        memset(&info, 0, sizeof(info))
        info.cbStruct = sizeof(info)
        info.itagSequence = itagSequence
        pinfo = &info
    with nogil:
        err = c_JetSetColumn(sesid, tableid, columnid, pv, cb, grbit, pinfo)
    check(err, "JetSetColumn")


def JetUpdate(JET_SESID sesid, JET_TABLEID tableid):
    """Write the prepared update; returns the record's bookmark (bytes)."""
    cdef unsigned char bookmark[_BOOKMARK_MOST]
    cdef ESE_ULONG cb = 0
    cdef JET_ERR err
    with nogil:
        err = c_JetUpdate(sesid, tableid, bookmark, _BOOKMARK_MOST, &cb)
    check(err, "JetUpdate")
    return bookmark[:min(cb, <ESE_ULONG>_BOOKMARK_MOST)]


def JetDelete(JET_SESID sesid, JET_TABLEID tableid):
    """Delete the current record."""
    cdef JET_ERR err
    with nogil:
        err = c_JetDelete(sesid, tableid)
    check(err, "JetDelete")


def JetRetrieveColumn(JET_SESID sesid, JET_TABLEID tableid, JET_COLUMNID columnid,
                      JET_GRBIT grbit=0, itagSequence=None):
    """A column of the current record as bytes, or None when it is NULL.

    The whole value is returned: when the first buffer is too small (JET_wrnBufferTruncated)
    the call is repeated with the size the engine reported.  JET_wrnColumnNull is still what
    ``get_last_warning`` reports for a NULL.  ``itagSequence`` (through JET_RETINFO) picks the
    n-th value of a multi-valued column (1 is the first); None leaves JET_RETINFO out.
    """
    cdef ESE_ULONG size = _RETRIEVE_FIRST_TRY
    cdef ESE_ULONG actual = 0
    cdef bytearray buf
    cdef char *p
    cdef JET_RETINFO info
    cdef JET_RETINFO *pinfo = NULL
    cdef JET_ERR err
    if itagSequence is not None:
        memset(&info, 0, sizeof(info))
        info.cbStruct = sizeof(info)
        info.itagSequence = itagSequence
        pinfo = &info
    while True:
        buf = bytearray(size)
        p = buf
        with nogil:
            err = c_JetRetrieveColumn(sesid, tableid, columnid, p, size, &actual, grbit, pinfo)
        check(err, "JetRetrieveColumn")
        if err == 1004:  # JET_wrnColumnNull
            return None
        if err == 1006 and actual > size:  # JET_wrnBufferTruncated
            size = actual
            continue
        return bytes(buf[:actual])


def JetMove(JET_SESID sesid, JET_TABLEID tableid, cRow, JET_GRBIT grbit=0):
    """Move the cursor: JET_MoveFirst, JET_MoveLast, JET_MoveNext, JET_MovePrevious or n rows."""
    cdef ESE_LONG rows
    if cRow == 0x80000000:  # JET_MoveFirst written as C's unsigned literal
        cRow = -0x80000000
    rows = cRow
    cdef JET_ERR err
    with nogil:
        err = c_JetMove(sesid, tableid, rows, grbit)
    check(err, "JetMove")


def JetMakeKey(JET_SESID sesid, JET_TABLEID tableid, data, JET_GRBIT grbit=0):
    """Add one column's value (bytes-like; None or empty for NULL) to the search key."""
    cdef const unsigned char[::1] view
    cdef const void *pv = NULL
    cdef ESE_ULONG cb = 0
    cdef JET_ERR err
    if data is not None:
        view = data
        cb = view.shape[0]
        if cb:
            pv = &view[0]
    with nogil:
        err = c_JetMakeKey(sesid, tableid, pv, cb, grbit)
    check(err, "JetMakeKey")


def JetSeek(JET_SESID sesid, JET_TABLEID tableid, JET_GRBIT grbit):
    """Seek with the key made by JetMakeKey (JET_bitSeekEQ / LT / LE / GE / GT).

    An inexact JET_bitSeekGE / LE match returns with JET_wrnSeekNotEqual (``get_last_warning``);
    no qualifying record raises RecordNotFoundError.
    """
    cdef JET_ERR err
    with nogil:
        err = c_JetSeek(sesid, tableid, grbit)
    check(err, "JetSeek")
    return err
