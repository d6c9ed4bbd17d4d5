# Secondary indexes and the current index: JetCreateIndex, JetCreateIndex2, JetDeleteIndex,
# JetSetCurrentIndex / 2 / 3, JetGetCurrentIndex, JetGetTableIndexInfo.
#
# Index keys cross as Python strings in ESENT's own syntax ("+a\0-b"); a list of column specs
# (["+a", "-b"]) is joined the same way.  The double-NUL terminator is added here.

cdef enum:
    _NAME_UNITS = 65   # JET_cbNameMost (64) characters and a NUL


cdef bytes _index_key(object key):
    """ESENT's szKey for a key given as "+a\\0-b" or ["+a", "-b"]: UTF-16, double-NUL ended."""
    if not isinstance(key, str):
        key = "\0".join(key)
    return (<str>key).encode("utf-16-le") + b"\0\0\0\0"


def JetCreateIndex(JET_SESID sesid, JET_TABLEID tableid, index_name, JET_GRBIT grbit, key,
                   ESE_ULONG lDensity=0):
    """Create an index on an open table (JetCreateIndexW).

    ``key`` is ESENT's key string without its terminators, columns separated by NUL and each
    prefixed by "+" (ascending) or "-" (descending), e.g. ``"+name\\0-when"``; a list of such
    column specs is joined.  ``grbit``: JET_bitIndexUnique, JET_bitIndexIgnoreNull, ...
    """
    cdef bytes wname = to_wide(index_name, "index_name")
    cdef bytes wkey = _index_key(key)
    cdef const WCHAR *pname = wide_ptr(wname)
    cdef const WCHAR *pkey = <const WCHAR *><const char *>wkey
    cdef ESE_ULONG cbkey = len(wkey)
    cdef JET_ERR err
    with nogil:
        err = c_JetCreateIndexW(sesid, tableid, pname, grbit, pkey, cbkey, lDensity)
    check(err, "JetCreateIndex")


def JetCreateIndex2(JET_SESID sesid, JET_TABLEID tableid, indexes):
    """Create several indexes at once (JET_INDEXCREATE).

    ``indexes``: a sequence of ``(name, key, grbit)`` or ``(name, key, grbit, density)``,
    with ``key`` as for JetCreateIndex.  Returns the per-index ``err`` codes ESENT stores in
    each JET_INDEXCREATE (0 for every index that was created).
    """
    cdef Py_ssize_t n = len(indexes), i
    cdef list keep = []
    cdef bytes w
    cdef JET_ERR err
    cdef JET_INDEXCREATE_W *idx = <JET_INDEXCREATE_W *>calloc(n if n else 1, sizeof(JET_INDEXCREATE_W))
    if idx == NULL:
        raise MemoryError()
    try:
        for i in range(n):
            spec = tuple(indexes[i])
            if len(spec) not in (3, 4):
                raise ValueError("each index is (name, key, grbit) or (name, key, grbit, density)")
            w = to_wide(spec[0], "index name")
            keep.append(w)
            idx[i].cbStruct = sizeof(JET_INDEXCREATE_W)
            idx[i].szIndexName = <WCHAR *>wide_ptr(w)
            w = _index_key(spec[1])
            keep.append(w)
            idx[i].szKey = <WCHAR *><const char *>w
            idx[i].cbKey = len(w)
            idx[i].grbit = spec[2]
            idx[i].ulDensity = spec[3] if len(spec) == 4 else 0
        with nogil:
            err = c_JetCreateIndex2W(sesid, tableid, idx, <ESE_ULONG>n)
        check(err, "JetCreateIndex2")
        return [idx[i].err for i in range(n)]
    finally:
        free(idx)


def JetDeleteIndex(JET_SESID sesid, JET_TABLEID tableid, index_name):
    """Delete a secondary index (the primary index cannot be deleted)."""
    cdef bytes wname = to_wide(index_name, "index_name")
    cdef const WCHAR *pname = wide_ptr(wname)
    cdef JET_ERR err
    with nogil:
        err = c_JetDeleteIndexW(sesid, tableid, pname)
    check(err, "JetDeleteIndex")


def JetSetCurrentIndex(JET_SESID sesid, JET_TABLEID tableid, index_name):
    """Make ``index_name`` the cursor's current index (None: the primary index); the cursor
    moves to the index's first entry."""
    cdef bytes wname = to_wide(index_name, "index_name")
    cdef const WCHAR *pname = wide_ptr(wname)
    cdef JET_ERR err
    with nogil:
        err = c_JetSetCurrentIndexW(sesid, tableid, pname)
    check(err, "JetSetCurrentIndex")


def JetSetCurrentIndex2(JET_SESID sesid, JET_TABLEID tableid, index_name, JET_GRBIT grbit=0):
    """JetSetCurrentIndex with JET_bitMoveFirst (0, the default) or JET_bitNoMove (keep the
    current record, now positioned in the new index)."""
    cdef bytes wname = to_wide(index_name, "index_name")
    cdef const WCHAR *pname = wide_ptr(wname)
    cdef JET_ERR err
    with nogil:
        err = c_JetSetCurrentIndex2W(sesid, tableid, pname, grbit)
    check(err, "JetSetCurrentIndex2")


def JetSetCurrentIndex3(JET_SESID sesid, JET_TABLEID tableid, index_name, JET_GRBIT grbit=0,
                        ESE_ULONG itagSequence=1):
    """JetSetCurrentIndex2 that, with JET_bitNoMove on a multi-valued index, lands on the
    entry of value ``itagSequence`` of the current record."""
    cdef bytes wname = to_wide(index_name, "index_name")
    cdef const WCHAR *pname = wide_ptr(wname)
    cdef JET_ERR err
    with nogil:
        err = c_JetSetCurrentIndex3W(sesid, tableid, pname, grbit, itagSequence)
    check(err, "JetSetCurrentIndex3")


def JetGetCurrentIndex(JET_SESID sesid, JET_TABLEID tableid):
    """The name of the cursor's current index (str)."""
    cdef WCHAR name[_NAME_UNITS]
    cdef JET_ERR err
    memset(name, 0, sizeof(name))
    with nogil:
        err = c_JetGetCurrentIndexW(sesid, tableid, name, sizeof(name))
    check(err, "JetGetCurrentIndex")
    return from_wide(<const char *>name, sizeof(name))


cdef dict _indexlist(const JET_INDEXLIST *p):
    return {
        "tableid": p.tableid, "cRecord": p.cRecord,
        "columnidindexname": p.columnidindexname, "columnidgrbitIndex": p.columnidgrbitIndex,
        "columnidcKey": p.columnidcKey, "columnidcEntry": p.columnidcEntry,
        "columnidcPage": p.columnidcPage, "columnidcColumn": p.columnidcColumn,
        "columnidiColumn": p.columnidiColumn, "columnidcolumnid": p.columnidcolumnid,
        "columnidcoltyp": p.columnidcoltyp, "columnidCountry": p.columnidCountry,
        "columnidLangid": p.columnidLangid, "columnidCp": p.columnidCp,
        "columnidCollate": p.columnidCollate, "columnidgrbitColumn": p.columnidgrbitColumn,
        "columnidcolumnname": p.columnidcolumnname, "columnidLCMapFlags": p.columnidLCMapFlags,
    }


def JetGetTableIndexInfo(JET_SESID sesid, JET_TABLEID tableid, index_name,
                         ESE_ULONG InfoLevel=JET_IdxInfoList):
    """Facts about one index (``index_name``) or every index (None) of an open table.

    JET_IdxInfo / JET_IdxInfoList: a dict of JET_INDEXLIST's fields: ``tableid`` is a
    temporary table (one row per index key column; read it with JetMove / JetRetrieveColumn
    and close it with JetCloseTable), ``cRecord`` its row count, ``columnid...`` the columnids
    of its columns.  JET_IdxInfoCount, JET_IdxInfoSpaceAlloc, JET_IdxInfoLangid,
    JET_IdxInfoVarSegMac, JET_IdxInfoKeyMost: an int.  JET_IdxInfoIndexId: the opaque
    JET_INDEXID as bytes.
    """
    cdef bytes wname = to_wide(index_name, "index_name")
    cdef const WCHAR *pname = wide_ptr(wname)
    cdef JET_INDEXLIST lst
    cdef ESE_ULONG value = 0
    cdef unsigned char indexid[64]
    cdef void *pv
    cdef ESE_ULONG cb
    cdef JET_ERR err
    if InfoLevel == JET_IdxInfo or InfoLevel == JET_IdxInfoList:
        memset(&lst, 0, sizeof(lst))
        lst.cbStruct = sizeof(lst)
        pv = &lst
        cb = sizeof(lst)
    elif InfoLevel == JET_IdxInfoIndexId:
        memset(indexid, 0, sizeof(indexid))
        pv = indexid
        cb = sizeof(indexid)
    else:
        pv = &value
        cb = sizeof(value)
    with nogil:
        err = c_JetGetTableIndexInfoW(sesid, tableid, pname, pv, cb, InfoLevel)
    check(err, "JetGetTableIndexInfo")
    if InfoLevel == JET_IdxInfo or InfoLevel == JET_IdxInfoList:
        return _indexlist(&lst)
    if InfoLevel == JET_IdxInfoIndexId:
        return bytes(indexid[:sizeof(indexid)])
    return value
