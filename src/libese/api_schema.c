/*
 * api_schema.c -- catalog information and schema changes through the Jet API:
 * JetGetTableColumnInfoW, JetGetColumnInfoW, JetGetObjectInfoW, JetGetTableInfoW,
 * JetRenameTableW, JetDeleteTableW, JetRenameColumnW, JetDeleteColumnW / JetDeleteColumn2W.
 *
 * Behaviour and errors as the ESENT reference documents them (learn.microsoft.com,
 * "Extensible Storage Engine" > "<name> Function", "JET_COLUMNLIST Structure",
 * "JET_COLUMNBASE Structure", "JET_OBJECTLIST Structure", "JET_OBJECTINFO Structure"):
 *   - JET_ColInfo / JET_ColInfoByColid fill a JET_COLUMNDEF (ByColid: the name argument points
 *     to a JET_COLUMNID); JET_ColInfoBase a JET_COLUMNBASE_W (with the table's and column's
 *     names); JET_ColInfoList / ListCompact / ListSortColumnid a JET_COLUMNLIST describing a
 *     temporary table (api_list.c) of one row per column, sorted by name, or by columnid for
 *     ListSortColumnid; JET_errColumnNotFound, JET_errBufferTooSmall for a short buffer,
 *     JET_errInvalidParameter for an unknown level.
 *   - JetGetObjectInfo(JET_objtypTable, name): JET_ObjInfo / JET_ObjInfoNoStats fill a
 *     JET_OBJECTINFO (NoStats leaves cRecord and cPage 0); JET_ObjInfoList /
 *     JET_ObjInfoListNoStats a JET_OBJECTLIST over a temporary table of every table, system
 *     tables (MSys*) flagged JET_bitObjectSystem; JET_errObjectNotFound.
 *   - JetGetTableInfo: JET_TblInfo (JET_OBJECTINFO), JET_TblInfoName (the name, UTF-16, NUL
 *     terminated), JET_TblInfoDbid (the JET_DBID the table was opened through).
 *   - JetRenameTable / JetDeleteTable (by database and name): JET_errObjectNotFound,
 *     JET_errTableInUse while any cursor (of any session) is open on the table,
 *     JET_errCannotDeleteSystemTable for ESE's own tables, JET_errTableDuplicate and
 *     JET_errInvalidName for the new name; JetRenameColumn / JetDeleteColumn(2) on an open
 *     table: JET_errColumnNotFound, JET_errColumnDuplicate, JET_errInvalidName,
 *     JET_errColumnInUse for a key column of the primary index.  Each DDL is its own durable
 *     commit, even inside a transaction (docs/contract/transactions.md section 9).
 * The temporary tables' columns have the types ESE gives them (info.cxx's column
 * definitions for the W entry points: Unicode text, Long, Short, LongBinary default).
 */
#include <stdlib.h>
#include <string.h>

#include "api_data.h"
#include "osal.h"
#include "record.h"
#include "session.h"

/* JET_OBJECTINFO.grbit for a table (the SDK's JET_bitTableInfo* values). */
#define TABLE_INFO_UPDATABLE 0x00000001u
#define TABLE_INFO_BOOKMARK 0x00000002u
#define TABLE_INFO_ROLLBACK 0x00000004u

#define COUNTRY_DEFAULT 1u
#define LANGID_DEFAULT 0x409u

/* A table of a database by UTF-16 name: JET_errObjectNotFound. */
static JET_ERR table_named(api_db *adb, const WCHAR *wname, ese_table **pt)
{
    JET_ERR err;
    if (!wname)
        return JET_errInvalidParameter;
    char *name = utf16_to_utf8(wname, &err);
    if (!name)
        return err;
    *pt = db_find_table(adb->db, name);
    osal_free(name);
    return *pt ? JET_errSuccess : JET_errObjectNotFound;
}

/* Write an ASCII name as UTF-16 into a fixed WCHAR array (cut to fit, NUL terminated). */
static void put_wname(WCHAR *out, size_t cap, const char *name)
{
    size_t i = 0;
    for (; name[i] && i + 1 < cap; i++)
        out[i] = (WCHAR)(unsigned char)name[i];
    out[i] = 0;
}

static void column_def_of(const db_column *c, JET_COLUMNDEF *def)
{
    memset(def, 0, sizeof *def);
    def->cbStruct = sizeof *def;
    def->columnid = c->fid;
    def->coltyp = c->coltyp;
    def->wCountry = COUNTRY_DEFAULT;
    def->langid = LANGID_DEFAULT;
    if (record_coltyp_is_text(c->coltyp))
        def->cp = c->code_page;
    uint32_t fixed = record_coltyp_fixed_size(c->coltyp);
    def->cbMax = fixed ? fixed : c->cb_max;
    /* every column of a table opened for update is updatable (info.cxx does the same) */
    def->grbit = record_grbit_from_field_flags(c->fid, c->field_flags) | JET_bitColumnUpdatable;
}

/* ---- the column list (JET_COLUMNLIST) ------------------------------------------------------ */

enum {
    CL_PRESENTATION_ORDER, CL_NAME, CL_COLUMNID, CL_COLTYP, CL_COUNTRY, CL_LANGID, CL_CP,
    CL_COLLATE, CL_CBMAX, CL_GRBIT, CL_DEFAULT, CL_BASE_TABLE, CL_BASE_COLUMN, CL_DEFINITION,
    CL_COUNT
};

/* ESE compares object names case-insensitively (ASCII). */
static int compare_names(const char *p, const char *q)
{
    for (;; p++, q++) {
        int x = (unsigned char)*p, y = (unsigned char)*q;
        if (x >= 'a' && x <= 'z')
            x -= 32;
        if (y >= 'a' && y <= 'z')
            y -= 32;
        if (x != y || !x)
            return x - y;
    }
}

/* UTF-16LE bytes of an ASCII name (buf holds 2 * 64 bytes): the list tables' Text columns. */
uint32_t api_utf16_name(const char *name, uint8_t *buf)
{
    uint32_t n = 0;
    for (; name[n] && n < 64; n++) {
        buf[2 * n] = (uint8_t)name[n];
        buf[2 * n + 1] = 0;
    }
    return 2 * n;
}

static int by_column_name(const void *a, const void *b)
{
    return compare_names((*(const db_column *const *)a)->name, (*(const db_column *const *)b)->name);
}

static int by_columnid(const void *a, const void *b)
{
    uint16_t x = (*(const db_column *const *)a)->fid, y = (*(const db_column *const *)b)->fid;
    return (x > y) - (x < y);
}

static JET_ERR column_list(JET_SESID sesid, ese_table *t, uint32_t level, JET_COLUMNLIST *out)
{
    size_t n = table_column_count(t);
    const db_column **order = osal_malloc((n ? n : 1) * sizeof *order);
    if (!order)
        return JET_errOutOfMemory;
    for (size_t i = 0; i < n; i++)
        order[i] = table_column_at(t, i);
    qsort(order, n, sizeof *order,
          level == JET_ColInfoListSortColumnid ? by_columnid : by_column_name);
    api_list_column cols[CL_COUNT] = {
        [CL_PRESENTATION_ORDER] = {JET_coltypLong, 0},
        [CL_NAME] = {JET_coltypText, JET_CP_UNICODE},
        [CL_COLUMNID] = {JET_coltypLong, 0},
        [CL_COLTYP] = {JET_coltypLong, 0},
        [CL_COUNTRY] = {JET_coltypShort, 0},
        [CL_LANGID] = {JET_coltypShort, 0},
        [CL_CP] = {JET_coltypShort, 0},
        [CL_COLLATE] = {JET_coltypShort, 0},
        [CL_CBMAX] = {JET_coltypLong, 0},
        [CL_GRBIT] = {JET_coltypLong, 0},
        [CL_DEFAULT] = {level == JET_ColInfoListCompact ? JET_coltypBinary : JET_coltypLongBinary, 0},
        [CL_BASE_TABLE] = {JET_coltypText, JET_CP_UNICODE},
        [CL_BASE_COLUMN] = {JET_coltypText, JET_CP_UNICODE},
        [CL_DEFINITION] = {JET_coltypText, JET_CP_UNICODE},
    };
    api_list_table *lt = NULL;
    JET_ERR err = api_list_table_create(sesid, cols, CL_COUNT, &lt);
    uint8_t wtable[128], wcol[128];
    uint32_t cb_table = api_utf16_name(table_name(t), wtable);
    for (size_t i = 0; i < n && err >= 0; i++) {
        const db_column *c = order[i];
        JET_COLUMNDEF def;
        column_def_of(c, &def);
        uint32_t order_no = (uint32_t)i, colid = def.columnid, coltyp = (uint32_t)def.coltyp;
        uint16_t country = def.wCountry, langid = def.langid, cp = def.cp, collate = 0;
        uint32_t cbmax = def.cbMax, grbit = def.grbit;
        uint32_t cb_col = api_utf16_name(c->name, wcol);
        api_list_value v[CL_COUNT] = {
            [CL_PRESENTATION_ORDER] = {&order_no, 4},
            [CL_NAME] = {wcol, cb_col},
            [CL_COLUMNID] = {&colid, 4},
            [CL_COLTYP] = {&coltyp, 4},
            [CL_COUNTRY] = {&country, 2},
            [CL_LANGID] = {&langid, 2},
            [CL_CP] = {&cp, 2},
            [CL_COLLATE] = {&collate, 2},
            [CL_CBMAX] = {&cbmax, 4},
            [CL_GRBIT] = {&grbit, 4},
            [CL_DEFAULT] = {c->default_value, c->cb_default},
            [CL_BASE_TABLE] = {wtable, cb_table},
            [CL_BASE_COLUMN] = {wcol, cb_col},
            [CL_DEFINITION] = {NULL, 0},
        };
        err = api_list_table_append_row(lt, v);
    }
    osal_free(order);
    if (err < 0) {
        api_list_table_discard(lt);
        return err;
    }
    JET_TABLEID tableid;
    if ((err = api_list_table_open(lt, &tableid)) < 0)
        return err;
    memset(out, 0, sizeof *out);
    out->cbStruct = sizeof *out;
    out->tableid = tableid;
    out->cRecord = (uint32_t)n;
    out->columnidPresentationOrder = API_LIST_COLUMNID(CL_PRESENTATION_ORDER);
    out->columnidcolumnname = API_LIST_COLUMNID(CL_NAME);
    out->columnidcolumnid = API_LIST_COLUMNID(CL_COLUMNID);
    out->columnidcoltyp = API_LIST_COLUMNID(CL_COLTYP);
    out->columnidCountry = API_LIST_COLUMNID(CL_COUNTRY);
    out->columnidLangid = API_LIST_COLUMNID(CL_LANGID);
    out->columnidCp = API_LIST_COLUMNID(CL_CP);
    out->columnidCollate = API_LIST_COLUMNID(CL_COLLATE);
    out->columnidcbMax = API_LIST_COLUMNID(CL_CBMAX);
    out->columnidgrbit = API_LIST_COLUMNID(CL_GRBIT);
    out->columnidDefault = API_LIST_COLUMNID(CL_DEFAULT);
    out->columnidBaseTableName = API_LIST_COLUMNID(CL_BASE_TABLE);
    out->columnidBaseColumnName = API_LIST_COLUMNID(CL_BASE_COLUMN);
    out->columnidDefinitionName = API_LIST_COLUMNID(CL_DEFINITION);
    return JET_errSuccess;
}

/* JetGetTableColumnInfo and JetGetColumnInfo share everything after finding the table. */
static JET_ERR column_info(JET_SESID sesid, ese_table *t, const WCHAR *name_or_id, void *pv,
                           ESE_ULONG cbMax, ESE_ULONG level)
{
    if (!pv)
        return JET_errInvalidParameter;
    switch (level) {
    case JET_ColInfoList:
    case JET_ColInfoListCompact:
    case JET_ColInfoListSortColumnid:
        if (cbMax < sizeof(JET_COLUMNLIST))
            return JET_errBufferTooSmall;
        return column_list(sesid, t, level, pv);
    case JET_ColInfo:
    case JET_ColInfoByColid:
    case JET_ColInfoBase:
        break;
    default:
        return JET_errInvalidParameter;
    }
    if (!name_or_id)
        return JET_errInvalidParameter;
    const db_column *c;
    if (level == JET_ColInfoByColid) {
        /* "JET_ColInfoByColid: szColumnName is interpreted as a pointer to a JET_COLUMNID" */
        JET_COLUMNID colid;
        memcpy(&colid, name_or_id, sizeof colid);
        c = table_column_by_fid(t, colid);
    } else {
        JET_ERR err;
        char *name = utf16_to_utf8(name_or_id, &err);
        if (!name)
            return err;
        c = table_find_column(t, name);
        osal_free(name);
    }
    if (!c)
        return JET_errColumnNotFound;
    JET_COLUMNDEF def;
    column_def_of(c, &def);
    if (level != JET_ColInfoBase) {
        if (cbMax < sizeof def)
            return JET_errBufferTooSmall;
        memcpy(pv, &def, sizeof def);
        return JET_errSuccess;
    }
    if (cbMax < sizeof(JET_COLUMNBASE_W))
        return JET_errBufferTooSmall;
    JET_COLUMNBASE_W *base = pv;
    memset(base, 0, sizeof *base);
    base->cbStruct = sizeof *base;
    base->columnid = def.columnid;
    base->coltyp = def.coltyp;
    base->wCountry = def.wCountry;
    base->langid = def.langid;
    base->cp = def.cp;
    base->cbMax = def.cbMax;
    base->grbit = def.grbit;
    put_wname(base->szBaseTableName, 256, table_name(t));
    put_wname(base->szBaseColumnName, 256, c->name);
    return JET_errSuccess;
}

JET_ERR JET_API JetGetTableColumnInfoW(JET_SESID sesid, JET_TABLEID tableid,
                                       const WCHAR *szColumnName, void *pvResult,
                                       ESE_ULONG cbMax, ESE_ULONG InfoLevel)
{
    api_table *tb;
    JET_ERR err = api_table_get(sesid, tableid, &tb);
    if (err < 0)
        return err;
    return column_info(sesid, tb->t, szColumnName, pvResult, cbMax, InfoLevel);
}

JET_ERR JET_API JetGetColumnInfoW(JET_SESID sesid, JET_DBID dbid, const WCHAR *szTableName,
                                  const WCHAR *pColumnNameOrId, void *pvResult,
                                  ESE_ULONG cbMax, ESE_ULONG InfoLevel)
{
    api_db *adb;
    ese_table *t = NULL;
    JET_ERR err = api_dbid_database(sesid, dbid, &adb);
    if (err < 0 || (err = table_named(adb, szTableName, &t)) < 0)
        return err;
    return column_info(sesid, t, pColumnNameOrId, pvResult, cbMax, InfoLevel);
}

/* ---- objects ------------------------------------------------------------------------------- */

/* ESE's own tables (MSysObjects, MSysObjectsShadow, MSysObjids, MSysLocales, ...) are system
 * objects: libese recognises them by their reserved prefix. */
static bool is_system_name(const char *name)
{
    return strncmp(name, "MSys", 4) == 0;
}

static JET_ERR object_info_of(ese_table *t, ese_trx *trx, bool stats, JET_OBJECTINFO *oi)
{
    memset(oi, 0, sizeof *oi);
    oi->cbStruct = sizeof *oi;
    oi->objtyp = JET_objtypTable;
    oi->grbit = TABLE_INFO_UPDATABLE | TABLE_INFO_BOOKMARK | TABLE_INFO_ROLLBACK;
    oi->flags = is_system_name(table_name(t)) ? JET_bitObjectSystem : 0;
    if (!stats)
        return JET_errSuccess;
    return db_table_stats(t, trx, &oi->cRecord, &oi->cPage);
}

static ese_trx *trx_of(JET_SESID sesid)
{
    pthread_mutex_lock(&g_engine.lock);
    ese_session *s;
    ese_trx *trx = session_find_locked(sesid, &s) == JET_errSuccess ? session_trx(s) : NULL;
    pthread_mutex_unlock(&g_engine.lock);
    return trx;
}

enum {
    OL_CONTAINER, OL_NAME, OL_OBJTYP, OL_DT_CREATE, OL_DT_UPDATE, OL_GRBIT, OL_FLAGS, OL_CRECORD,
    OL_CPAGE, OL_COUNT
};

/* One row of the object list. */
static JET_ERR object_row(api_list_table *lt, const char *name, const JET_OBJECTINFO *oi)
{
    uint8_t wname[128];
    uint32_t cb_name = api_utf16_name(name, wname);
    api_list_value v[OL_COUNT] = {
        [OL_CONTAINER] = {NULL, 0},
        [OL_NAME] = {wname, cb_name},
        [OL_OBJTYP] = {&oi->objtyp, 4},
        [OL_DT_CREATE] = {NULL, 0},
        [OL_DT_UPDATE] = {NULL, 0},
        [OL_GRBIT] = {&oi->grbit, 4},
        [OL_FLAGS] = {&oi->flags, 4},
        [OL_CRECORD] = {&oi->cRecord, 4},
        [OL_CPAGE] = {&oi->cPage, 4},
    };
    return api_list_table_append_row(lt, v);
}

static int by_table_name(const void *a, const void *b)
{
    return compare_names(table_name(*(ese_table *const *)a), table_name(*(ese_table *const *)b));
}

static JET_ERR object_list(JET_SESID sesid, api_db *adb, bool stats, JET_OBJECTLIST *out)
{
    static const char *const catalog_tables[] = {"MSysObjects", "MSysObjectsShadow"};
    ese_trx *trx = trx_of(sesid);
    size_t n = db_table_count(adb->db);
    ese_table **order = osal_malloc((n ? n : 1) * sizeof *order);
    if (!order)
        return JET_errOutOfMemory;
    for (size_t i = 0; i < n; i++)
        order[i] = db_table_at(adb->db, i);
    qsort(order, n, sizeof *order, by_table_name);
    api_list_column cols[OL_COUNT] = {
        [OL_CONTAINER] = {JET_coltypText, JET_CP_UNICODE},
        [OL_NAME] = {JET_coltypText, JET_CP_UNICODE},
        [OL_OBJTYP] = {JET_coltypLong, 0},
        [OL_DT_CREATE] = {JET_coltypDateTime, 0},
        [OL_DT_UPDATE] = {JET_coltypDateTime, 0},
        [OL_GRBIT] = {JET_coltypLong, 0},
        [OL_FLAGS] = {JET_coltypLong, 0},
        [OL_CRECORD] = {JET_coltypLong, 0},
        [OL_CPAGE] = {JET_coltypLong, 0},
    };
    api_list_table *lt = NULL;
    JET_ERR err = api_list_table_create(sesid, cols, OL_COUNT, &lt);
    /* the catalog's two tables are not in the schema cache; they sort before any user table
     * whose name is above "MSysObjectsShadow", so they are merged in by name */
    size_t k = 0;
    for (size_t i = 0; i <= n && err >= 0; i++) {
        for (; k < 2 && err >= 0; k++) {
            if (i < n && compare_names(catalog_tables[k], table_name(order[i])) > 0)
                break;
            JET_OBJECTINFO oi = {.cbStruct = sizeof oi, .objtyp = JET_objtypTable,
                                 .grbit = TABLE_INFO_BOOKMARK | TABLE_INFO_ROLLBACK,
                                 .flags = JET_bitObjectSystem};
            err = object_row(lt, catalog_tables[k], &oi);
        }
        if (i < n && err >= 0) {
            JET_OBJECTINFO oi;
            if ((err = object_info_of(order[i], trx, stats, &oi)) >= 0)
                err = object_row(lt, table_name(order[i]), &oi);
        }
    }
    osal_free(order);
    if (err < 0) {
        api_list_table_discard(lt);
        return err;
    }
    uint32_t rows = (uint32_t)api_list_table_row_count(lt);
    JET_TABLEID tableid;
    if ((err = api_list_table_open(lt, &tableid)) < 0)
        return err;
    memset(out, 0, sizeof *out);
    out->cbStruct = sizeof *out;
    out->tableid = tableid;
    out->cRecord = rows;
    out->columnidcontainername = API_LIST_COLUMNID(OL_CONTAINER);
    out->columnidobjectname = API_LIST_COLUMNID(OL_NAME);
    out->columnidobjtyp = API_LIST_COLUMNID(OL_OBJTYP);
    out->columniddtCreate = API_LIST_COLUMNID(OL_DT_CREATE);
    out->columniddtUpdate = API_LIST_COLUMNID(OL_DT_UPDATE);
    out->columnidgrbit = API_LIST_COLUMNID(OL_GRBIT);
    out->columnidflags = API_LIST_COLUMNID(OL_FLAGS);
    out->columnidcRecord = API_LIST_COLUMNID(OL_CRECORD);
    out->columnidcPage = API_LIST_COLUMNID(OL_CPAGE);
    return JET_errSuccess;
}

JET_ERR JET_API JetGetObjectInfoW(JET_SESID sesid, JET_DBID dbid, JET_OBJTYP objtyp,
                                  const WCHAR *szContainerName, const WCHAR *szObjectName,
                                  void *pvResult, ESE_ULONG cbMax, ESE_ULONG InfoLevel)
{
    api_db *adb;
    JET_ERR err = api_dbid_database(sesid, dbid, &adb);
    if (err < 0)
        return err;
    if (!pvResult)
        return JET_errInvalidParameter;
    if (szContainerName && szContainerName[0])
        return JET_errObjectNotFound; /* ESE has no containers any more */
    switch (InfoLevel) {
    case JET_ObjInfoList:
    case JET_ObjInfoListNoStats:
        if (objtyp != JET_objtypNil && objtyp != JET_objtypTable)
            return JET_errInvalidParameter;
        if (cbMax < sizeof(JET_OBJECTLIST))
            return JET_errBufferTooSmall;
        return object_list(sesid, adb, InfoLevel == JET_ObjInfoList, pvResult);
    case JET_ObjInfo:
    case JET_ObjInfoNoStats: {
        if (objtyp != JET_objtypNil && objtyp != JET_objtypTable)
            return JET_errInvalidParameter;
        if (cbMax < sizeof(JET_OBJECTINFO))
            return JET_errBufferTooSmall;
        ese_table *t = NULL;
        if ((err = table_named(adb, szObjectName, &t)) < 0)
            return err;
        JET_OBJECTINFO oi;
        if ((err = object_info_of(t, trx_of(sesid), InfoLevel == JET_ObjInfo, &oi)) < 0)
            return err;
        memcpy(pvResult, &oi, sizeof oi);
        return JET_errSuccess;
    }
    default:
        return JET_errInvalidParameter;
    }
}

JET_ERR JET_API JetGetTableInfoW(JET_SESID sesid, JET_TABLEID tableid, void *pvResult,
                                 ESE_ULONG cbMax, ESE_ULONG InfoLevel)
{
    api_table *tb;
    JET_ERR err = api_table_get(sesid, tableid, &tb);
    if (err < 0)
        return err;
    if (!pvResult)
        return JET_errInvalidParameter;
    switch (InfoLevel) {
    case JET_TblInfo: {
        if (cbMax < sizeof(JET_OBJECTINFO))
            return JET_errBufferTooSmall;
        JET_OBJECTINFO oi;
        if ((err = object_info_of(tb->t, tb->trx, true, &oi)) < 0)
            return err;
        memcpy(pvResult, &oi, sizeof oi);
        return JET_errSuccess;
    }
    case JET_TblInfoName: {
        const char *name = table_name(tb->t);
        size_t units = strlen(name) + 1;
        if (cbMax < units * sizeof(WCHAR))
            return JET_errBufferTooSmall;
        put_wname(pvResult, units, name);
        return JET_errSuccess;
    }
    case JET_TblInfoDbid:
        if (cbMax < sizeof(JET_DBID))
            return JET_errBufferTooSmall;
        memcpy(pvResult, &tb->dbid, sizeof tb->dbid);
        return JET_errSuccess;
    default:
        return JET_errInvalidParameter;
    }
}

/* ---- schema changes ------------------------------------------------------------------------ */

/* The table a DDL by name works on, with no cursor open on it. */
static JET_ERR idle_table(JET_SESID sesid, JET_DBID dbid, const WCHAR *wname, api_db **padb,
                          ese_table **pt)
{
    JET_ERR err = api_dbid_database(sesid, dbid, padb);
    if (err < 0)
        return err;
    if (!wname)
        return JET_errInvalidParameter;
    char *name = utf16_to_utf8(wname, &err);
    if (!name)
        return err;
    bool system = is_system_name(name);
    osal_free(name);
    if (system)
        return JET_errCannotDeleteSystemTable; /* MSysObjects & co are not in the schema cache */
    if ((err = table_named(*padb, wname, pt)) < 0)
        return err;
    pthread_mutex_lock(&g_engine.lock);
    uint32_t handles = api_table_handles_locked(*pt);
    pthread_mutex_unlock(&g_engine.lock);
    return handles ? JET_errTableInUse : JET_errSuccess;
}

JET_ERR JET_API JetDeleteTableW(JET_SESID sesid, JET_DBID dbid, const WCHAR *szTableName)
{
    api_db *adb;
    ese_table *t = NULL;
    JET_ERR err = idle_table(sesid, dbid, szTableName, &adb, &t);
    if (err < 0)
        return err;
    if ((err = trx_check_caller(trx_of(sesid))) < 0)
        return err;
    return db_delete_table(t);
}

JET_ERR JET_API JetRenameTableW(JET_SESID sesid, JET_DBID dbid, const WCHAR *szName,
                                const WCHAR *szNameNew)
{
    api_db *adb;
    ese_table *t = NULL;
    if (!szNameNew)
        return JET_errInvalidParameter;
    JET_ERR err = idle_table(sesid, dbid, szName, &adb, &t);
    if (err < 0)
        return err;
    if ((err = trx_check_caller(trx_of(sesid))) < 0)
        return err;
    char *name = utf16_to_utf8(szNameNew, &err);
    if (!name)
        return err;
    err = db_rename_table(t, name);
    osal_free(name);
    return err;
}

JET_ERR JET_API JetRenameColumnW(JET_SESID sesid, JET_TABLEID tableid, const WCHAR *szName,
                                 const WCHAR *szNameNew, JET_GRBIT grbit)
{
    api_table *tb;
    JET_ERR err = api_table_get(sesid, tableid, &tb);
    if (err < 0)
        return err;
    if (grbit)
        return JET_errInvalidGrbit;
    if (!szName || !szNameNew)
        return JET_errInvalidParameter;
    if ((err = trx_check_caller(tb->trx)) < 0)
        return err;
    char *name = utf16_to_utf8(szName, &err);
    char *fresh = name ? utf16_to_utf8(szNameNew, &err) : NULL;
    if (fresh)
        err = db_rename_column(tb->t, name, fresh);
    osal_free(name);
    osal_free(fresh);
    return err;
}

JET_ERR JET_API JetDeleteColumn2W(JET_SESID sesid, JET_TABLEID tableid,
                                  const WCHAR *szColumnName, const JET_GRBIT grbit)
{
    api_table *tb;
    JET_ERR err = api_table_get(sesid, tableid, &tb);
    if (err < 0)
        return err;
    /* JET_bitDeleteColumnIgnoreTemplateColumns: libese has no template tables */
    if (grbit & ~(JET_GRBIT)JET_bitDeleteColumnIgnoreTemplateColumns)
        return JET_errInvalidGrbit;
    if (!szColumnName)
        return JET_errInvalidParameter;
    if ((err = trx_check_caller(tb->trx)) < 0)
        return err;
    if (tb->prep)
        return JET_errAlreadyPrepared; /* the prepared values may name the column */
    char *name = utf16_to_utf8(szColumnName, &err);
    if (!name)
        return err;
    err = db_delete_column(tb->t, name);
    osal_free(name);
    return err;
}

JET_ERR JET_API JetDeleteColumnW(JET_SESID sesid, JET_TABLEID tableid, const WCHAR *szColumnName)
{
    return JetDeleteColumn2W(sesid, tableid, szColumnName, 0);
}
