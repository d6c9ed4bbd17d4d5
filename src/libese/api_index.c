/*
 * api_index.c -- the Jet index calls over database.h's secondary indexes (i5-index):
 * JetCreateIndexW, JetCreateIndex2W, JetDeleteIndexW, JetSetCurrentIndexW/2W/3W,
 * JetGetCurrentIndexW and the non-list levels of JetGetTableIndexInfoW.  Each follows its
 * ESENT documentation page (learn.microsoft.com/windows/win32/extensible-storage-engine/...,
 * cited per function); the choices and gaps are docs/contract/indexes.md.
 */
#include <string.h>

#include "api_data.h"
#include "osal.h"
#include "session.h"
#include "trx.h"

/* Grbits libese builds indexes with; the others are documented gaps (indexes.md). */
#define INDEX_GRBITS_SUPPORTED                                                                   \
    (JET_bitIndexUnique | JET_bitIndexPrimary | JET_bitIndexDisallowNull | JET_bitIndexIgnoreNull | \
     JET_bitIndexIgnoreAnyNull | JET_bitIndexIgnoreFirstNull | \
     JET_bitIndexEmpty | JET_bitIndexSortNullsHigh |                                             \
     JET_bitIndexUnicode | JET_bitIndexKeyMost | JET_bitIndexDisallowTruncation |                 \
     JET_bitIndexDotNetGuid)

void api_index_def_free(api_index_def *d)
{
    osal_free(d->name);
    for (size_t i = 0; i < JET_ccolKeyMost; i++)
        osal_free(d->key_names[i]);
    memset(d, 0, sizeof *d);
}

/* "JET_INDEXCREATE structure": szKey is "+col\0-col\0\0" (cbKey bytes, both NULs counted),
 * cbKeyMost applies with JET_bitIndexKeyMost, lcid / pidxunicode with JET_bitIndexUnicode. */
JET_ERR api_index_def_from(const JET_INDEXCREATE_W *x, api_index_def *out)
{
    memset(out, 0, sizeof *out);
    if (!x || x->cbStruct != sizeof(JET_INDEXCREATE_W) || !x->szIndexName)
        return JET_errInvalidParameter;
    if (x->grbit & ~(JET_GRBIT)INDEX_GRBITS_SUPPORTED)
        return JET_errFeatureNotAvailable; /* tuples, cross product, nested tables */
    if (x->cConditionalColumn)
        return JET_errFeatureNotAvailable; /* conditional columns */
    if ((x->grbit & JET_bitIndexKeyMost) && (x->cbKeyMost < JET_cbKeyMostMin))
        return JET_errInvalidParameter;
    JET_ERR err = JET_errSuccess;
    bool desc[JET_ccolKeyMost] = {0};
    size_t n = 0;
    if (!(out->name = utf16_to_utf8(x->szIndexName, &err)) ||
        (err = api_parse_index_key(x->szKey, x->cbKey, out->key_names, desc, &n)) < 0) {
        api_index_def_free(out);
        return err;
    }
    for (size_t i = 0; i < n; i++)
        out->cols[i] = (db_index_column){out->key_names[i], desc[i]};
    out->def.name = out->name;
    out->def.key_columns = out->cols;
    out->def.key_count = n;
    out->def.grbit = x->grbit;
    out->def.lcid = (x->grbit & JET_bitIndexUnicode) ? 0 : x->lcid;
    out->def.key_most = (x->grbit & JET_bitIndexKeyMost) ? x->cbKeyMost : 0;
    out->def.density = x->ulDensity;
    return JET_errSuccess;
}

/* A DDL call's table handle: checked, the caller's thread, a writable session. */
static JET_ERR ddl_table(JET_SESID sesid, JET_TABLEID tableid, api_table **ptb)
{
    JET_ERR err = api_table_get(sesid, tableid, ptb);
    if (err < 0)
        return err;
    if ((err = trx_check_caller((*ptb)->trx)) < 0)
        return err;
    if ((*ptb)->trx && (*ptb)->trx->read_only && (*ptb)->trx->level > 0)
        return JET_errTransReadOnly;
    return JET_errSuccess;
}

/* "JetCreateIndex2 Function": every element gets its err; the call stops at the first
 * failure and returns it (the indexes created before it stay). */
JET_ERR JET_API JetCreateIndex2W(JET_SESID sesid, JET_TABLEID tableid,
                                 JET_INDEXCREATE_W *pindexcreate, ESE_ULONG cIndexCreate)
{
    api_table *tb;
    JET_ERR err = ddl_table(sesid, tableid, &tb);
    if (err < 0)
        return err;
    if (!pindexcreate && cIndexCreate)
        return JET_errInvalidParameter;
    for (ESE_ULONG i = 0; i < cIndexCreate; i++) {
        JET_INDEXCREATE_W *x = &pindexcreate[i];
        api_index_def d;
        if (x->cbStruct == sizeof(JET_INDEXCREATE_W) && (x->grbit & JET_bitIndexPrimary))
            err = table_has_primary_index(tb->t) ? JET_errIndexHasPrimary
                                                 : JET_errFeatureNotAvailable; /* gap */
        else if ((err = api_index_def_from(x, &d)) >= 0) {
            err = db_create_index(tb->t, &d.def);
            api_index_def_free(&d);
        }
        if (x->cbStruct == sizeof(JET_INDEXCREATE_W))
            x->err = err;
        if (err < 0)
            return err;
    }
    return JET_errSuccess;
}

/* "JetCreateIndex Function": lDensity 0 is the default, else 20..100. */
JET_ERR JET_API JetCreateIndexW(JET_SESID sesid, JET_TABLEID tableid, const WCHAR *szIndexName,
                                JET_GRBIT grbit, const WCHAR *szKey, ESE_ULONG cbKey,
                                ESE_ULONG lDensity)
{
    if (lDensity && (lDensity < 20 || lDensity > 100))
        return JET_errDensityInvalid;
    JET_INDEXCREATE_W x;
    memset(&x, 0, sizeof x);
    x.cbStruct = sizeof x;
    x.szIndexName = (WCHAR *)szIndexName;
    x.szKey = (WCHAR *)szKey;
    x.cbKey = (uint32_t)cbKey;
    x.grbit = grbit;
    x.ulDensity = (uint32_t)lDensity;
    return JetCreateIndex2W(sesid, tableid, &x, 1);
}

/* "JetDeleteIndex Function": on success the calling cursor is before the first record (of
 * its primary index when the deleted one was current).  Another cursor reading the index:
 * JET_errIndexInUse (libese cannot move it away). */
JET_ERR JET_API JetDeleteIndexW(JET_SESID sesid, JET_TABLEID tableid, const WCHAR *szIndexName)
{
    api_table *tb;
    JET_ERR err = ddl_table(sesid, tableid, &tb);
    if (err < 0)
        return err;
    if (!szIndexName)
        return JET_errInvalidParameter;
    char *name = utf16_to_utf8(szIndexName, &err);
    if (!name)
        return err;
    pthread_mutex_lock(&g_engine.lock);
    bool busy = api_index_in_use_locked(tb->t, name, tb);
    pthread_mutex_unlock(&g_engine.lock);
    if (busy) {
        osal_free(name);
        return JET_errIndexInUse;
    }
    const db_index_info *cur = db_cursor_index(tb->cursor);
    bool current = cur->name && !strcasecmp(cur->name, name) && !(cur->grbit & JET_bitIndexPrimary);
    if (current && (err = api_table_use_index(tb, NULL)) < 0) {
        osal_free(name);
        return err;
    }
    err = db_delete_index(tb->t, name);
    osal_free(name);
    if (err >= 0)
        tb->pos = POS_BEFORE_FIRST;
    return err;
}

JET_ERR api_table_use_index(api_table *tb, const char *name)
{
    JET_ERR err = db_cursor_set_index(tb->cursor, name);
    if (err < 0)
        return err;
    const db_index_info *ix = db_cursor_index(tb->cursor);
    if (ix->grbit & JET_bitIndexPrimary) {
        const api_key_info *k = NULL;
        pthread_mutex_lock(&g_engine.lock);
        k = api_db_keys_locked(tb->adb, table_objid(tb->t));
        if (k)
            tb->key = *k;
        pthread_mutex_unlock(&g_engine.lock);
        api_table_describe_key(tb, NULL);
    } else if (ix->name) {
        api_table_describe_key(tb, ix);
    } else {
        tb->key.count = 0; /* a table without a primary index: its sequential order */
        api_table_describe_key(tb, NULL);
    }
    key_search_reset(&tb->search);
    tb->range = false;   /* an index range belongs to the index it was set on */
    tb->synced = false;
    tb->pos = POS_BEFORE_FIRST;
    return JET_errSuccess;
}

/* "JetSetCurrentIndex3 Function": NULL or "" selects the primary index; JET_bitMoveFirst (0)
 * positions on the new index's first entry, JET_bitNoMove keeps the current record, on its
 * itagSequence-th entry in the new index (JET_errNoCurrentRecord when the index has none for
 * it); selecting the current index again changes nothing. */
JET_ERR JET_API JetSetCurrentIndex3W(JET_SESID sesid, JET_TABLEID tableid,
                                     const WCHAR *szIndexName, JET_GRBIT grbit,
                                     ESE_ULONG itagSequence)
{
    api_table *tb;
    JET_ERR err = api_table_get(sesid, tableid, &tb);
    if (err < 0)
        return err;
    if (grbit & ~(JET_GRBIT)(JET_bitMoveFirst | JET_bitNoMove))
        return JET_errInvalidGrbit;
    char *name = NULL;
    if (szIndexName && szIndexName[0] && !(name = utf16_to_utf8(szIndexName, &err)))
        return err;
    const db_index_info *want = name ? table_find_index(tb->t, name) : NULL;
    if (name && !want) {
        osal_free(name);
        return JET_errIndexNotFound;
    }
    const db_index_info *cur = db_cursor_index(tb->cursor);
    bool want_primary = !want || (want->grbit & JET_bitIndexPrimary);
    bool cur_primary = cur->grbit & JET_bitIndexPrimary || !cur->name;
    if (want_primary ? cur_primary : want == cur) {
        osal_free(name);
        return JET_errSuccess; /* the current index: nothing moves */
    }
    bool keep = (grbit & JET_bitNoMove) && tb->pos == POS_ON;
    uint8_t bm[DB_KEY_MOST + 1];
    uint32_t cb_bm = tb->cb_cur_bm;
    memcpy(bm, tb->cur_bm, cb_bm);
    err = api_table_use_index(tb, want_primary ? NULL : name);
    osal_free(name);
    if (err < 0)
        return err;
    uint64_t gen = db_generation(tb->adb->db);
    if (keep) {
        err = db_cursor_goto_row(tb->cursor, bm, cb_bm, (uint32_t)itagSequence);
        return api_table_take_position(tb, err, gen, POS_BEFORE_FIRST);
    }
    if (grbit & JET_bitNoMove)
        return JET_errSuccess;
    err = api_table_take_position(tb, db_cursor_first(tb->cursor), gen, POS_BEFORE_FIRST);
    return err == JET_errNoCurrentRecord ? JET_errSuccess : err; /* an empty index */
}

JET_ERR JET_API JetSetCurrentIndex2W(JET_SESID sesid, JET_TABLEID tableid,
                                     const WCHAR *szIndexName, JET_GRBIT grbit)
{
    return JetSetCurrentIndex3W(sesid, tableid, szIndexName, grbit, 1);
}

JET_ERR JET_API JetSetCurrentIndexW(JET_SESID sesid, JET_TABLEID tableid,
                                    const WCHAR *szIndexName)
{
    return JetSetCurrentIndex3W(sesid, tableid, szIndexName, JET_bitMoveFirst, 1);
}

/* "JetGetCurrentIndex Function": the name (at most 64 characters and a NUL);
 * a table without a primary index reads in its sequential order, named "". */
JET_ERR JET_API JetGetCurrentIndexW(JET_SESID sesid, JET_TABLEID tableid, WCHAR *szIndexName,
                                    ESE_ULONG cbIndexName)
{
    api_table *tb;
    JET_ERR err = api_table_get(sesid, tableid, &tb);
    if (err < 0)
        return err;
    if (!szIndexName || cbIndexName < sizeof(WCHAR))
        return JET_errBufferTooSmall;
    const char *name = db_cursor_index(tb->cursor)->name;
    if (!name)
        name = "";
    size_t cap = cbIndexName / sizeof(WCHAR), n = strlen(name);
    size_t m = n < cap - 1 ? n : cap - 1;
    for (size_t i = 0; i < m; i++)
        szIndexName[i] = (WCHAR)(unsigned char)name[i]; /* index names are ASCII */
    szIndexName[m] = 0;
    return m < n ? JET_wrnBufferTruncated : JET_errSuccess;
}

static JET_ERR put_ulong(void *pv, ESE_ULONG cb, uint32_t v)
{
    if (cb < sizeof(uint32_t))
        return JET_errBufferTooSmall;
    memcpy(pv, &v, sizeof v);
    return JET_errSuccess;
}

static JET_ERR put_ushort(void *pv, ESE_ULONG cb, uint32_t v)
{
    if (cb < sizeof(uint16_t))
        return JET_errBufferTooSmall;
    uint16_t s = (uint16_t)v;
    memcpy(pv, &s, sizeof s);
    return JET_errSuccess;
}

/* The columns of the JET_INDEXLIST temporary table, in the structure's order. */
enum {
    IL_NAME, IL_GRBIT_INDEX, IL_CKEY, IL_CENTRY, IL_CPAGE, IL_CCOLUMN, IL_ICOLUMN, IL_COLUMNID,
    IL_COLTYP, IL_COUNTRY, IL_LANGID, IL_CP, IL_COLLATE, IL_GRBIT_COLUMN, IL_COLUMN_NAME,
    IL_LCMAP_FLAGS, IL_COUNT
};

/* ESENT's JET_INDEXLIST key-column flag (JET_bitKeyDescending). */
#define INDEXLIST_KEY_DESCENDING 0x00000001u

/* "JetGetTableIndexInfo Function", JET_IdxInfo / JET_IdxInfoList: a temporary table with one
 * row per key column of every index (only `only`'s when it names one), in index order, then
 * key-column order.  cKey / cEntry / cPage are statistics ESENT fills from JetComputeStats;
 * libese keeps none and gives 0 (docs/contract/indexes.md). */
static JET_ERR index_list(api_table *tb, const char *only, JET_INDEXLIST *out)
{
    static const api_list_column cols[IL_COUNT] = {
        [IL_NAME] = {JET_coltypText, JET_CP_UNICODE},
        [IL_GRBIT_INDEX] = {JET_coltypLong, 0},
        [IL_CKEY] = {JET_coltypLong, 0},
        [IL_CENTRY] = {JET_coltypLong, 0},
        [IL_CPAGE] = {JET_coltypLong, 0},
        [IL_CCOLUMN] = {JET_coltypLong, 0},
        [IL_ICOLUMN] = {JET_coltypLong, 0},
        [IL_COLUMNID] = {JET_coltypLong, 0},
        [IL_COLTYP] = {JET_coltypLong, 0},
        [IL_COUNTRY] = {JET_coltypShort, 0},
        [IL_LANGID] = {JET_coltypShort, 0},
        [IL_CP] = {JET_coltypShort, 0},
        [IL_COLLATE] = {JET_coltypShort, 0},
        [IL_GRBIT_COLUMN] = {JET_coltypLong, 0},
        [IL_COLUMN_NAME] = {JET_coltypText, JET_CP_UNICODE},
        [IL_LCMAP_FLAGS] = {JET_coltypLong, 0},
    };
    api_list_table *lt = NULL;
    JET_ERR err = api_list_table_create(tb->sesid, cols, IL_COUNT, &lt);
    bool found = !only;
    for (size_t i = 0; err >= 0 && i < table_index_count(tb->t); i++) {
        const db_index_info *ix = table_index_at(tb->t, i);
        if (!ix->name || (only && strcmp(only, ix->name) != 0))
            continue;
        found = true;
        uint8_t wname[128], wcol[128];
        uint32_t cb_name = api_utf16_name(ix->name, wname);
        uint32_t grbit = ix->grbit, zero = 0, ccolumn = ix->key_count;
        uint32_t lcmap = 0x00030401u; /* ESENT's default LCMapFlags (key.h) */
        uint16_t country = 0, langid = (uint16_t)(ix->lcid ? ix->lcid : 1033), collate = 0;
        for (uint32_t k = 0; err >= 0 && k < ix->key_count; k++) {
            const db_column *c = table_column_by_fid(tb->t, ix->fids[k]);
            if (!c) {
                err = JET_errDatabaseCorrupted; /* the catalog names a column it lacks */
                break;
            }
            uint32_t icolumn = k, columnid = c->fid, coltyp = (uint32_t)c->coltyp;
            uint32_t grbit_column = ix->segments[k].descending ? INDEXLIST_KEY_DESCENDING : 0;
            uint16_t cp = record_coltyp_is_text(c->coltyp) ? c->code_page : 0;
            uint32_t cb_col = api_utf16_name(c->name, wcol);
            const api_list_value v[IL_COUNT] = {
                [IL_NAME] = {wname, cb_name},
                [IL_GRBIT_INDEX] = {&grbit, 4},
                [IL_CKEY] = {&zero, 4},
                [IL_CENTRY] = {&zero, 4},
                [IL_CPAGE] = {&zero, 4},
                [IL_CCOLUMN] = {&ccolumn, 4},
                [IL_ICOLUMN] = {&icolumn, 4},
                [IL_COLUMNID] = {&columnid, 4},
                [IL_COLTYP] = {&coltyp, 4},
                [IL_COUNTRY] = {&country, 2},
                [IL_LANGID] = {&langid, 2},
                [IL_CP] = {&cp, 2},
                [IL_COLLATE] = {&collate, 2},
                [IL_GRBIT_COLUMN] = {&grbit_column, 4},
                [IL_COLUMN_NAME] = {wcol, cb_col},
                [IL_LCMAP_FLAGS] = {&lcmap, 4},
            };
            err = api_list_table_append_row(lt, v);
        }
    }
    if (err >= 0 && !found)
        err = JET_errIndexNotFound;
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
    JET_COLUMNID *ids[IL_COUNT] = {
        &out->columnidindexname, &out->columnidgrbitIndex, &out->columnidcKey,
        &out->columnidcEntry, &out->columnidcPage, &out->columnidcColumn, &out->columnidiColumn,
        &out->columnidcolumnid, &out->columnidcoltyp, &out->columnidCountry,
        &out->columnidLangid, &out->columnidCp, &out->columnidCollate,
        &out->columnidgrbitColumn, &out->columnidcolumnname, &out->columnidLCMapFlags,
    };
    for (size_t k = 0; k < IL_COUNT; k++)
        *ids[k] = API_LIST_COLUMNID(k);
    return JET_errSuccess;
}

/* "JetGetTableIndexInfo Function", the levels that are numbers: JET_IdxInfoCount (ULONG, the
 * table's indexes), JET_IdxInfoSpaceAlloc (ULONG density), JET_IdxInfoLangid / LCID (ULONG, or
 * USHORT with a 2-byte buffer), JET_IdxInfoVarSegMac and JET_IdxInfoKeyMost (USHORT).  NULL or
 * "" names the current index.  The list levels (JET_IdxInfo, JET_IdxInfoList): index_list. */
JET_ERR JET_API JetGetTableIndexInfoW(JET_SESID sesid, JET_TABLEID tableid,
                                      const WCHAR *szIndexName, void *pvResult,
                                      ESE_ULONG cbResult, ESE_ULONG InfoLevel)
{
    api_table *tb;
    JET_ERR err = api_table_get(sesid, tableid, &tb);
    if (err < 0)
        return err;
    if (!pvResult)
        return JET_errInvalidParameter;
    if (InfoLevel == JET_IdxInfoCount)
        return put_ulong(pvResult, cbResult, (uint32_t)table_index_count(tb->t));
    if (InfoLevel == JET_IdxInfo || InfoLevel == JET_IdxInfoList) {
        if (cbResult < sizeof(JET_INDEXLIST))
            return JET_errBufferTooSmall;
        char *only = NULL;
        if (szIndexName && szIndexName[0] && !(only = utf16_to_utf8(szIndexName, &err)))
            return err;
        err = index_list(tb, only, pvResult);
        osal_free(only);
        return err;
    }
    const db_index_info *ix = db_cursor_index(tb->cursor);
    if (szIndexName && szIndexName[0]) {
        char *name = utf16_to_utf8(szIndexName, &err);
        if (!name)
            return err;
        ix = table_find_index(tb->t, name);
        osal_free(name);
        if (!ix)
            return JET_errIndexNotFound;
    }
    if (!ix->name)
        return JET_errNoCurrentIndex; /* sequential order of a table without a primary index */
    switch (InfoLevel) {
    case JET_IdxInfoSpaceAlloc:
        return put_ulong(pvResult, cbResult, ix->density);
    case JET_IdxInfoLangid: {
        uint32_t lcid = ix->lcid ? ix->lcid : 1033; /* ESENT's default locale, en-US */
        return cbResult >= sizeof(uint32_t) ? put_ulong(pvResult, cbResult, lcid)
                                            : put_ushort(pvResult, cbResult, lcid);
    }
    case JET_IdxInfoVarSegMac:
    case JET_IdxInfoKeyMost:
        return put_ushort(pvResult, cbResult, ix->kidx.key_most ? ix->kidx.key_most : 255);
    case JET_IdxInfoIndexId:
        return JET_errFeatureNotAvailable; /* libese has no JET_INDEXID */
    default:
        return JET_errInvalidParameter;
    }
}
