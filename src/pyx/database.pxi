# Databases: JetCreateDatabase2, JetAttachDatabase2, JetDetachDatabase2, JetOpenDatabase,
# JetCloseDatabase, JetGetDatabaseFileInfo, JetCreateTableColumnIndex2.

from libc.stdlib cimport calloc, free
from libc.string cimport memset


def JetCreateDatabase2(JET_SESID sesid, filename, ESE_ULONG cpgDatabaseSizeMax=0,
                       JET_GRBIT grbit=0):
    """Create a database file, attach it to the session's instance and open it; returns the dbid.

    The page size is the process-wide JET_paramDatabasePageSize.  A file that exists raises
    DatabaseDuplicateError unless ``grbit`` has JET_bitDbOverwriteExisting.
    """
    cdef bytes wpath = to_wide(filename, "filename")
    cdef const WCHAR *ppath = wide_ptr(wpath)
    cdef JET_DBID dbid = 0
    cdef JET_ERR err
    with nogil:
        err = c_JetCreateDatabase2W(sesid, ppath, cpgDatabaseSizeMax, &dbid, grbit)
    check(err, "JetCreateDatabase2")
    return dbid


def JetAttachDatabase2(JET_SESID sesid, filename, ESE_ULONG cpgDatabaseSizeMax=0,
                       JET_GRBIT grbit=0):
    """Attach an existing database file to the session's instance.

    Attaching a file the instance has already is not an error: the call returns with the
    warning JET_wrnDatabaseAttached (see ``get_last_warning``).
    """
    cdef bytes wpath = to_wide(filename, "filename")
    cdef const WCHAR *ppath = wide_ptr(wpath)
    cdef JET_ERR err
    with nogil:
        err = c_JetAttachDatabase2W(sesid, ppath, cpgDatabaseSizeMax, grbit)
    check(err, "JetAttachDatabase2")


def JetDetachDatabase2(JET_SESID sesid, filename, JET_GRBIT grbit=0):
    """Detach a database from the instance (``filename`` None: every database)."""
    cdef bytes wpath = to_wide(filename, "filename")
    cdef const WCHAR *ppath = wide_ptr(wpath)
    cdef JET_ERR err
    with nogil:
        err = c_JetDetachDatabase2W(sesid, ppath, grbit)
    check(err, "JetDetachDatabase2")


def JetOpenDatabase(JET_SESID sesid, filename, connect=None, JET_GRBIT grbit=0):
    """Open an attached database for this session; returns the dbid."""
    cdef bytes wpath = to_wide(filename, "filename")
    cdef bytes wconnect = to_wide(connect, "connect")
    cdef const WCHAR *ppath = wide_ptr(wpath)
    cdef const WCHAR *pconnect = wide_ptr(wconnect)
    cdef JET_DBID dbid = 0
    cdef JET_ERR err
    with nogil:
        err = c_JetOpenDatabaseW(sesid, ppath, pconnect, &dbid, grbit)
    check(err, "JetOpenDatabase")
    return dbid


def JetCloseDatabase(JET_SESID sesid, JET_DBID dbid, JET_GRBIT grbit=0):
    """Close a dbid opened by JetOpenDatabase or JetCreateDatabase2."""
    cdef JET_ERR err
    with nogil:
        err = c_JetCloseDatabase(sesid, dbid, grbit)
    check(err, "JetCloseDatabase")


cdef tuple _lgpos(const JET_LGPOS *p):
    """JET_LGPOS as (generation, sector, byte offset)."""
    return (p.lGeneration, p.isec, p.ib)


cdef dict _signature(const JET_SIGNATURE *p):
    cdef const JET_LOGTIME *t = &p.logtimeCreate
    return {"ulRandom": p.ulRandom,
            "logtimeCreate": (<unsigned char>t.bYear + 1900, <unsigned char>t.bMonth,
                              <unsigned char>t.bDay, <unsigned char>t.bHours,
                              <unsigned char>t.bMinutes, <unsigned char>t.bSeconds)}


cdef dict _bkinfo(const JET_BKINFO *p):
    return {"lgposMark": _lgpos(&p.lgposMark), "genLow": p.genLow, "genHigh": p.genHigh}


def JetGetDatabaseFileInfo(filename, ESE_ULONG InfoLevel):
    """Read facts from a database file's header (it need not be attached).

    JET_DbInfoPageSize: the page size (int).  JET_DbInfoFilesize: the file size in bytes (int).
    JET_DbInfoMisc: a dict of JET_DBINFOMISC's fields (``ulVersion``, ``ulUpdate``,
    ``dbstate``, ``cbPageSize``, ``dwMajorVersion``, ``dwMinorVersion``, ``dwBuildNumber``,
    ``lSPNumber``, ``fShadowingDisabled``, ``fUpgradeDb``, ``signDb`` and ``signLog`` as
    ``{"ulRandom", "logtimeCreate"}``, ``lgposConsistent`` as ``(generation, sector, byte)``,
    ``bkinfoFullPrev`` / ``bkinfoIncPrev`` / ``bkinfoFullCur`` as
    ``{"lgposMark", "genLow", "genHigh"}``).
    """
    cdef bytes wpath = to_wide(filename, "filename")
    cdef const WCHAR *ppath = wide_ptr(wpath)
    cdef JET_DBINFOMISC misc
    cdef ESE_ULONG ulong_value = 0
    cdef unsigned long long u64_value = 0
    cdef void *pv
    cdef ESE_ULONG cb
    cdef JET_ERR err
    if InfoLevel == JET_DbInfoMisc:
        memset(&misc, 0, sizeof(misc))
        pv = &misc
        cb = sizeof(misc)
    elif InfoLevel == JET_DbInfoFilesize:
        pv = &u64_value
        cb = sizeof(u64_value)
    else:
        pv = &ulong_value
        cb = sizeof(ulong_value)
    with nogil:
        err = c_JetGetDatabaseFileInfoW(ppath, pv, cb, InfoLevel)
    check(err, "JetGetDatabaseFileInfo")
    if InfoLevel == JET_DbInfoMisc:
        return {
            "ulVersion": misc.ulVersion, "ulUpdate": misc.ulUpdate, "dbstate": misc.dbstate,
            "cbPageSize": misc.cbPageSize, "dwMajorVersion": misc.dwMajorVersion,
            "dwMinorVersion": misc.dwMinorVersion, "dwBuildNumber": misc.dwBuildNumber,
            "lSPNumber": misc.lSPNumber, "fShadowingDisabled": misc.fShadowingDisabled,
            "fUpgradeDb": misc.fUpgradeDb,
            "signDb": _signature(&misc.signDb), "signLog": _signature(&misc.signLog),
            "lgposConsistent": _lgpos(&misc.lgposConsistent),
            "bkinfoFullPrev": _bkinfo(&misc.bkinfoFullPrev),
            "bkinfoIncPrev": _bkinfo(&misc.bkinfoIncPrev),
            "bkinfoFullCur": _bkinfo(&misc.bkinfoFullCur),
        }
    if InfoLevel == JET_DbInfoFilesize:
        return u64_value
    return ulong_value


def JetCreateTableColumnIndex2(JET_SESID sesid, JET_DBID dbid, table_name, columns,
                               indexes=(), ESE_ULONG pages=0, ESE_ULONG density=0,
                               JET_GRBIT grbit=0):
    """Create a table with its columns and indexes in one call (JET_TABLECREATE2).

    ``columns``: a sequence of ``(name, coltyp, cbMax, grbit, cp)`` or ``(name, coltyp,
    cbMax, grbit, cp, default)`` with ``default`` the default value's stored bytes (pvDefault /
    cbDefault; None for none).  ``indexes``: a sequence of
    ``(name, key, grbit)`` where ``key`` is ESENT's key string without the terminators, its
    columns separated by NUL, e.g. ``"+id\\0-when"`` (a list of such strings is joined).
    Returns ``(tableid, columnids)``: the new table open on this session (close it with
    JetCloseTable) and each column's JET_COLUMNID, in the order given.
    """
    cdef list keep = []  # UTF-16 buffers the structs point into
    cdef Py_ssize_t ncol = len(columns), nidx = len(indexes), i
    cdef JET_TABLECREATE2_W tc
    cdef JET_COLUMNCREATE_W *cols = <JET_COLUMNCREATE_W *>calloc(ncol if ncol else 1, sizeof(JET_COLUMNCREATE_W))
    cdef JET_INDEXCREATE_W *idx = <JET_INDEXCREATE_W *>calloc(nidx if nidx else 1, sizeof(JET_INDEXCREATE_W))
    cdef bytes w
    cdef JET_ERR err
    if cols == NULL or idx == NULL:
        free(cols)
        free(idx)
        raise MemoryError()
    try:
        memset(&tc, 0, sizeof(tc))
        w = to_wide(table_name, "table_name")
        keep.append(w)
        tc.cbStruct = sizeof(JET_TABLECREATE2_W)
        tc.szTableName = <WCHAR *>wide_ptr(w)
        tc.ulPages = pages
        tc.ulDensity = density
        tc.grbit = grbit
        for i in range(ncol):
            spec = tuple(columns[i])
            name, coltyp, cbmax, cgrbit, cp = spec[:5]
            if len(spec) > 5 and spec[5] is not None:
                w = bytes(spec[5])
                keep.append(w)
                cols[i].pvDefault = <void *><const char *>w
                cols[i].cbDefault = len(w)
            w = to_wide(name, "column name")
            keep.append(w)
            cols[i].cbStruct = sizeof(JET_COLUMNCREATE_W)
            cols[i].szColumnName = <WCHAR *>wide_ptr(w)
            cols[i].coltyp = coltyp
            cols[i].cbMax = cbmax
            cols[i].grbit = cgrbit
            cols[i].cp = cp
        for i in range(nidx):
            name, key, igrbit = indexes[i]
            if not isinstance(key, str):
                key = "\0".join(key)
            w = to_wide(name, "index name")
            keep.append(w)
            idx[i].cbStruct = sizeof(JET_INDEXCREATE_W)
            idx[i].szIndexName = <WCHAR *>wide_ptr(w)
            w = (<str>key).encode("utf-16-le") + b"\0\0\0\0"
            keep.append(w)
            idx[i].szKey = <WCHAR *><const char *>w
            idx[i].cbKey = len(w)
            idx[i].grbit = igrbit
        tc.rgcolumncreate = cols
        tc.cColumns = ncol
        tc.rgindexcreate = idx
        tc.cIndexes = nidx
        with nogil:
            err = c_JetCreateTableColumnIndex2W(sesid, dbid, &tc)
        check(err, "JetCreateTableColumnIndex2")
        return tc.tableid, [cols[i].columnid for i in range(ncol)]
    finally:
        free(cols)
        free(idx)
