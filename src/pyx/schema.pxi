# Schema changes and catalog information: JetAddColumn, JetDeleteColumn / 2, JetRenameColumn,
# JetDeleteTable, JetRenameTable, JetGetColumnInfo, JetGetObjectInfo, JetGetTableInfo; the info
# levels of JetGetTableColumnInfo and JetGetColumnInfo share _ColumnInfoBuffer.

cdef bint _is_list_level(ESE_ULONG level):
    return (level == JET_ColInfoList or level == JET_ColInfoListCompact
            or level == JET_ColInfoListSortColumnid)


cdef class _ColumnInfoBuffer:
    """The result buffer of a JET_ColInfo* level, and its conversion to Python."""
    cdef JET_COLUMNDEF columndef
    cdef JET_COLUMNLIST columnlist
    cdef JET_COLUMNBASE_W columnbase
    cdef ESE_ULONG level

    cdef void *prepare(self, ESE_ULONG level, ESE_ULONG *cb):
        self.level = level
        if _is_list_level(level):
            memset(&self.columnlist, 0, sizeof(self.columnlist))
            self.columnlist.cbStruct = sizeof(self.columnlist)
            cb[0] = sizeof(self.columnlist)
            return &self.columnlist
        if level == JET_ColInfoBase:
            memset(&self.columnbase, 0, sizeof(self.columnbase))
            self.columnbase.cbStruct = sizeof(self.columnbase)
            cb[0] = sizeof(self.columnbase)
            return &self.columnbase
        memset(&self.columndef, 0, sizeof(self.columndef))
        self.columndef.cbStruct = sizeof(self.columndef)
        cb[0] = sizeof(self.columndef)
        return &self.columndef

    cdef dict result(self):
        cdef JET_COLUMNLIST *l = &self.columnlist
        cdef JET_COLUMNBASE_W *b = &self.columnbase
        cdef JET_COLUMNDEF *d = &self.columndef
        if _is_list_level(self.level):
            return {
                "tableid": l.tableid, "cRecord": l.cRecord,
                "columnidPresentationOrder": l.columnidPresentationOrder,
                "columnidcolumnname": l.columnidcolumnname,
                "columnidcolumnid": l.columnidcolumnid, "columnidcoltyp": l.columnidcoltyp,
                "columnidCountry": l.columnidCountry, "columnidLangid": l.columnidLangid,
                "columnidCp": l.columnidCp, "columnidCollate": l.columnidCollate,
                "columnidcbMax": l.columnidcbMax, "columnidgrbit": l.columnidgrbit,
                "columnidDefault": l.columnidDefault,
                "columnidBaseTableName": l.columnidBaseTableName,
                "columnidBaseColumnName": l.columnidBaseColumnName,
                "columnidDefinitionName": l.columnidDefinitionName,
            }
        if self.level == JET_ColInfoBase:
            return {
                "columnid": b.columnid, "coltyp": b.coltyp, "wCountry": b.wCountry,
                "langid": b.langid, "cp": b.cp, "cbMax": b.cbMax, "grbit": b.grbit,
                "szBaseTableName": from_wide(<const char *>b.szBaseTableName,
                                             sizeof(b.szBaseTableName)),
                "szBaseColumnName": from_wide(<const char *>b.szBaseColumnName,
                                              sizeof(b.szBaseColumnName)),
            }
        return {
            "columnid": d.columnid, "coltyp": d.coltyp, "wCountry": d.wCountry,
            "langid": d.langid, "cp": d.cp, "wCollate": d.wCollate,
            "cbMax": d.cbMax, "grbit": d.grbit,
        }


def JetGetColumnInfo(JET_SESID sesid, JET_DBID dbid, table_name, column,
                     ESE_ULONG InfoLevel=JET_ColInfo):
    """JetGetTableColumnInfo by table name (the table need not be open); same levels and
    results.  With a list level ``column`` is ignored (pass None)."""
    cdef _ColumnInfoBuffer out = _ColumnInfoBuffer()
    cdef bytes wtable = to_wide(table_name, "table_name")
    cdef bytes wname = None
    cdef JET_COLUMNID colid = 0
    cdef const WCHAR *ptable = wide_ptr(wtable)
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
        err = c_JetGetColumnInfoW(sesid, dbid, ptable, pname, pv, cb, InfoLevel)
    check(err, "JetGetColumnInfo")
    return out.result()


def JetAddColumn(JET_SESID sesid, JET_TABLEID tableid, column_name, JET_COLTYP coltyp,
                 ESE_ULONG cbMax=0, JET_GRBIT grbit=0, unsigned short cp=0, default=None):
    """Add a column to an open table (JET_COLUMNDEF); returns its JET_COLUMNID.  ``default``
    is the default value's stored bytes (None: no default)."""
    cdef JET_COLUMNDEF d
    cdef bytes wname = to_wide(column_name, "column_name")
    cdef const WCHAR *pname = wide_ptr(wname)
    cdef bytes dflt = None if default is None else bytes(default)
    cdef const void *pdefault = NULL
    cdef ESE_ULONG cbdefault = 0
    cdef JET_COLUMNID columnid = 0
    cdef JET_ERR err
    if dflt is not None:
        cbdefault = len(dflt)
        pdefault = <const char *>dflt
    memset(&d, 0, sizeof(d))
    d.cbStruct = sizeof(d)
    d.coltyp = coltyp
    d.cbMax = cbMax
    d.grbit = grbit
    d.cp = cp
    with nogil:
        err = c_JetAddColumnW(sesid, tableid, pname, &d, pdefault, cbdefault, &columnid)
    check(err, "JetAddColumn")
    return columnid


def JetDeleteColumn(JET_SESID sesid, JET_TABLEID tableid, column_name):
    """Delete a column of an open table (not one an index uses)."""
    cdef bytes wname = to_wide(column_name, "column_name")
    cdef const WCHAR *pname = wide_ptr(wname)
    cdef JET_ERR err
    with nogil:
        err = c_JetDeleteColumnW(sesid, tableid, pname)
    check(err, "JetDeleteColumn")


def JetDeleteColumn2(JET_SESID sesid, JET_TABLEID tableid, column_name, JET_GRBIT grbit=0):
    """JetDeleteColumn with a grbit (JET_bitDeleteColumnIgnoreTemplateColumns)."""
    cdef bytes wname = to_wide(column_name, "column_name")
    cdef const WCHAR *pname = wide_ptr(wname)
    cdef JET_ERR err
    with nogil:
        err = c_JetDeleteColumn2W(sesid, tableid, pname, grbit)
    check(err, "JetDeleteColumn2")


def JetRenameColumn(JET_SESID sesid, JET_TABLEID tableid, name, new_name, JET_GRBIT grbit=0):
    """Rename a column of an open table."""
    cdef bytes wname = to_wide(name, "name")
    cdef bytes wnew = to_wide(new_name, "new_name")
    cdef const WCHAR *pname = wide_ptr(wname)
    cdef const WCHAR *pnew = wide_ptr(wnew)
    cdef JET_ERR err
    with nogil:
        err = c_JetRenameColumnW(sesid, tableid, pname, pnew, grbit)
    check(err, "JetRenameColumn")


def JetDeleteTable(JET_SESID sesid, JET_DBID dbid, table_name):
    """Delete a table and its data (it must not be open)."""
    cdef bytes wname = to_wide(table_name, "table_name")
    cdef const WCHAR *pname = wide_ptr(wname)
    cdef JET_ERR err
    with nogil:
        err = c_JetDeleteTableW(sesid, dbid, pname)
    check(err, "JetDeleteTable")


def JetRenameTable(JET_SESID sesid, JET_DBID dbid, name, new_name):
    """Rename a table (it must not be open)."""
    cdef bytes wname = to_wide(name, "name")
    cdef bytes wnew = to_wide(new_name, "new_name")
    cdef const WCHAR *pname = wide_ptr(wname)
    cdef const WCHAR *pnew = wide_ptr(wnew)
    cdef JET_ERR err
    with nogil:
        err = c_JetRenameTableW(sesid, dbid, pname, pnew)
    check(err, "JetRenameTable")


cdef dict _objectinfo(const JET_OBJECTINFO *p):
    return {"objtyp": p.objtyp, "grbit": p.grbit, "flags": p.flags, "cRecord": p.cRecord,
            "cPage": p.cPage}


def JetGetObjectInfo(JET_SESID sesid, JET_DBID dbid, JET_OBJTYP objtyp=JET_objtypTable,
                     container_name=None, object_name=None, ESE_ULONG InfoLevel=JET_ObjInfoList):
    """Facts about the database's objects (tables).

    JET_ObjInfoList / JET_ObjInfoListNoStats (``object_name`` None): a dict of JET_OBJECTLIST's
    fields: ``tableid`` is a temporary table with one row per table (column ``columnid...``
    fields name its columns; close it with JetCloseTable), ``cRecord`` its row count.
    JET_ObjInfo / JET_ObjInfoNoStats: one object's JET_OBJECTINFO as a dict (``objtyp``,
    ``grbit``, ``flags``, ``cRecord``, ``cPage``).
    """
    cdef bytes wcontainer = to_wide(container_name, "container_name")
    cdef bytes wobject = to_wide(object_name, "object_name")
    cdef const WCHAR *pcontainer = wide_ptr(wcontainer)
    cdef const WCHAR *pobject = wide_ptr(wobject)
    cdef JET_OBJECTLIST lst
    cdef JET_OBJECTINFO info
    cdef void *pv
    cdef ESE_ULONG cb
    cdef bint is_list = InfoLevel == JET_ObjInfoList or InfoLevel == JET_ObjInfoListNoStats
    cdef JET_ERR err
    if is_list:
        memset(&lst, 0, sizeof(lst))
        lst.cbStruct = sizeof(lst)
        pv = &lst
        cb = sizeof(lst)
    else:
        memset(&info, 0, sizeof(info))
        info.cbStruct = sizeof(info)
        pv = &info
        cb = sizeof(info)
    with nogil:
        err = c_JetGetObjectInfoW(sesid, dbid, objtyp, pcontainer, pobject, pv, cb, InfoLevel)
    check(err, "JetGetObjectInfo")
    if is_list:
        return {
            "tableid": lst.tableid, "cRecord": lst.cRecord,
            "columnidcontainername": lst.columnidcontainername,
            "columnidobjectname": lst.columnidobjectname, "columnidobjtyp": lst.columnidobjtyp,
            "columniddtCreate": lst.columniddtCreate, "columniddtUpdate": lst.columniddtUpdate,
            "columnidgrbit": lst.columnidgrbit, "columnidflags": lst.columnidflags,
            "columnidcRecord": lst.columnidcRecord, "columnidcPage": lst.columnidcPage,
        }
    return _objectinfo(&info)


def JetGetTableInfo(JET_SESID sesid, JET_TABLEID tableid, ESE_ULONG InfoLevel=JET_TblInfo):
    """Facts about an open table: JET_TblInfo: a JET_OBJECTINFO dict (as JetGetObjectInfo);
    JET_TblInfoName: its name (str); JET_TblInfoDbid: the dbid it was opened in (int)."""
    cdef JET_OBJECTINFO info
    cdef WCHAR name[_NAME_UNITS]
    cdef JET_DBID dbids[2]
    cdef void *pv
    cdef ESE_ULONG cb
    cdef JET_ERR err
    if InfoLevel == JET_TblInfoName:
        memset(name, 0, sizeof(name))
        pv = name
        cb = sizeof(name)
    elif InfoLevel == JET_TblInfoDbid:
        # ESENT writes the dbid twice (the second is obsolete) and wants room for both
        memset(dbids, 0, sizeof(dbids))
        pv = dbids
        cb = sizeof(dbids)
    else:
        memset(&info, 0, sizeof(info))
        info.cbStruct = sizeof(info)
        pv = &info
        cb = sizeof(info)
    with nogil:
        err = c_JetGetTableInfoW(sesid, tableid, pv, cb, InfoLevel)
    check(err, "JetGetTableInfo")
    if InfoLevel == JET_TblInfoName:
        return from_wide(<const char *>name, sizeof(name))
    if InfoLevel == JET_TblInfoDbid:
        return dbids[0]
    return _objectinfo(&info)
