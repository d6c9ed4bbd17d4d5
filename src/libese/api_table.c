/*
 * api_table.c -- tables and records through the Jet API: JetOpenTableW, JetCloseTable,
 * JetGetTableColumnInfoW, JetPrepareUpdate, JetSetColumn, JetUpdate, JetDelete,
 * JetRetrieveColumn (the cursor calls, JetMove, JetMakeKey, JetSeek, ...: api_cursor.c).
 *
 * Behaviour and errors as the ESENT reference documents them (learn.microsoft.com,
 * "Extensible Storage Engine" > "<name> Function"):
 *   - JetOpenTable: JET_errObjectNotFound for a table that does not exist; the new cursor is
 *     before the first record.
 *   - JetPrepareUpdate: JET_errAlreadyPrepared while an update is prepared; JET_prepCancel with
 *     none: JET_errUpdateNotPrepared; JET_prepReplace needs a current record
 *     (JET_errNoCurrentRecord) and, inside a transaction, takes the row's write lock
 *     (JET_errWriteConflict); JET_prepReplaceNoLock does not.  JetSetColumn / JetUpdate without one: JET_errUpdateNotPrepared.
 *   - JetUpdate: JET_errKeyDuplicate, JET_errNullInvalid (a NOT NULL column left NULL),
 *     JET_errRecordPrimaryChanged (a replace that changes a key column).  A failed JetUpdate
 *     keeps the update prepared (fix it and retry, or cancel).  An insert leaves the cursor
 *     where it was; the bookmark (the primary key) of the new record is returned.
 *   - JetSetColumn: JET_errColumnNotFound; JET_errInvalidBufferSize for a fixed-size type given
 *     data of another size.
 *   - JetRetrieveColumn: JET_wrnColumnNull (NULL, *pcbActual 0); JET_wrnBufferTruncated with
 *     the full size in *pcbActual; JET_errNoCurrentRecord off a record; JET_errRecordDeleted
 *     on one deleted since.
 * Every read and update goes through the session's transaction state (trx.h): outside a
 * transaction each JetUpdate and JetDelete is its own implicit transaction, durable at return;
 * inside one it is staged in the session's write set, and moves, seeks and retrieves see that
 * write set over the database as of the transaction's snapshot (transactions.md).  JetUpdate and
 * JetDelete then also fail with JET_errWriteConflict (another transaction holds the row or
 * changed it after this one began), JET_errVersionStoreOutOfMemory (the write-set limit),
 * JET_errTransReadOnly, and JET_errSessionSharingViolation when called from another thread than
 * the transaction's (JetPrepareUpdate too).
 * libese gaps (JET_errFeatureNotAvailable): multi-valued and partial long-value set/retrieve
 * options, JET_prepInsertCopy.
 */
#include <string.h>

#include "api_data.h"
#include "osal.h"
#include "record.h"
#include "session.h"

static const db_column *column_by_fid(const ese_table *t, uint32_t fid)
{
    size_t n = table_column_count(t);
    for (size_t i = 0; i < n; i++) {
        const db_column *c = table_column_at(t, i);
        if (c->fid == fid)
            return c;
    }
    return NULL;
}

static uint64_t generation_of(const api_db *adb)
{
    return db_generation(adb->db);
}

/* The session's transaction level now (0 outside a transaction). */
static uint32_t level_of(const api_table *tb)
{
    return tb->trx ? tb->trx->level : 0;
}

/* ---- open / close ------------------------------------------------------------------------------ */

JET_ERR api_open_table(JET_SESID sesid, JET_DBID dbid, api_db *adb, ese_table *t,
                       JET_TABLEID *ptableid)
{
    api_table *tb = osal_calloc(1, sizeof *tb);
    if (!tb)
        return JET_errOutOfMemory;
    tb->sesid = sesid;
    tb->dbid = dbid;
    tb->adb = adb;
    tb->t = t;
    JET_ERR err = db_cursor_open(t, &tb->cursor);
    if (err < 0) {
        osal_free(tb);
        return err;
    }
    pthread_mutex_lock(&g_engine.lock);
    const api_key_info *k = api_db_keys_locked(adb, table_objid(t));
    if (k)
        tb->key = *k;
    ese_session *s;
    err = session_find_locked(sesid, &s);
    if (err == JET_errSuccess) {
        tb->trx = session_trx(s);
        tb->level_open = tb->level_nav = tb->trx->level;
        db_cursor_set_trx(tb->cursor, tb->trx);
        err = api_table_register_locked(tb);
    }
    if (err == JET_errSuccess)
        *ptableid = tb->tableid;
    pthread_mutex_unlock(&g_engine.lock);
    if (err < 0) {
        db_cursor_close(tb->cursor);
        osal_free(tb);
        return err;
    }
    for (uint32_t i = 0; i < tb->key.count; i++) {
        const db_column *c = column_by_fid(t, tb->key.fids[i]);
        key_segment *s = &tb->segments[i];
        s->coltyp = c ? c->coltyp : JET_coltypBinary;
        s->code_page = c ? c->code_page : 0;
        s->descending = tb->key.descending[i];
        s->fixed_column = c && c->fid <= 127;
        s->cb_fixed = (c && c->fid <= 127 && record_coltyp_fixed_size(c->coltyp) == 0) ? c->cb_max : 0;
    }
    tb->kidx = (key_index){.segments = tb->segments, .segment_count = tb->key.count};
    key_search_reset(&tb->search);
    return JET_errSuccess;
}

JET_ERR JET_API JetOpenTableW(JET_SESID sesid, JET_DBID dbid, const WCHAR *szTableName,
                              const void *pvParameters, ESE_ULONG cbParameters,
                              JET_GRBIT grbit, JET_TABLEID *ptableid)
{
    (void)pvParameters; /* obsolete */
    (void)cbParameters;
    (void)grbit;        /* DenyRead / DenyWrite / ReadOnly: not enforced yet */
    if (!szTableName || !ptableid)
        return JET_errInvalidParameter;
    pthread_mutex_lock(&g_engine.lock);
    ese_session *s;
    api_dbid *d = NULL;
    JET_ERR err = session_find_locked(sesid, &s);
    if (err == JET_errSuccess)
        err = api_dbid_find_locked(sesid, dbid, &d);
    api_db *adb = d ? d->adb : NULL;
    pthread_mutex_unlock(&g_engine.lock);
    if (err < 0)
        return err;
    char *name = utf16_to_utf8(szTableName, &err);
    if (!name)
        return err;
    ese_table *t = db_find_table(adb->db, name);
    osal_free(name);
    if (!t)
        return JET_errObjectNotFound;
    return api_open_table(sesid, dbid, adb, t, ptableid);
}

JET_ERR JET_API JetCloseTable(JET_SESID sesid, JET_TABLEID tableid)
{
    pthread_mutex_lock(&g_engine.lock);
    ese_session *s;
    api_table *tb;
    JET_ERR err = session_find_locked(sesid, &s);
    if (err == JET_errSuccess)
        err = api_table_find_locked(sesid, tableid, &tb);
    if (err == JET_errSuccess)
        api_table_remove_locked(tb);
    pthread_mutex_unlock(&g_engine.lock);
    return err;
}

/* ---- column information ------------------------------------------------------------------------ */

JET_ERR JET_API JetGetTableColumnInfoW(JET_SESID sesid, JET_TABLEID tableid,
                                       const WCHAR *szColumnName, void *pvResult,
                                       ESE_ULONG cbMax, ESE_ULONG InfoLevel)
{
    api_table *tb;
    JET_ERR err = api_table_get(sesid, tableid, &tb);
    if (err < 0)
        return err;
    if (InfoLevel != JET_ColInfo && InfoLevel != JET_ColInfoByColid)
        return JET_errInvalidParameter; /* the other levels: not yet */
    if (!pvResult || !szColumnName)
        return JET_errInvalidParameter;
    if (cbMax < sizeof(JET_COLUMNDEF))
        return JET_errBufferTooSmall;
    const db_column *c;
    if (InfoLevel == JET_ColInfoByColid) {
        /* "JET_ColInfoByColid: szColumnName is interpreted as a pointer to a JET_COLUMNID" */
        JET_COLUMNID colid;
        memcpy(&colid, szColumnName, sizeof colid);
        c = column_by_fid(tb->t, colid);
    } else {
        char *name = utf16_to_utf8(szColumnName, &err);
        if (!name)
            return err;
        c = table_find_column(tb->t, name);
        osal_free(name);
    }
    if (!c)
        return JET_errColumnNotFound;
    JET_COLUMNDEF def;
    memset(&def, 0, sizeof def);
    def.cbStruct = sizeof def;
    def.columnid = c->fid;
    def.coltyp = c->coltyp;
    if (record_coltyp_is_text(c->coltyp)) {
        def.cp = c->code_page;
        def.langid = 0x409;
        def.wCountry = 1;
    }
    uint32_t fixed = record_coltyp_fixed_size(c->coltyp);
    def.cbMax = fixed ? fixed : c->cb_max;
    def.grbit = record_grbit_from_field_flags(c->fid, c->field_flags);
    memcpy(pvResult, &def, sizeof def);
    return JET_errSuccess;
}

/* ---- the current record ------------------------------------------------------------------------ */

/* Make tb->rec the current record's data (re-read when the database changed since). */
static JET_ERR load_current(api_table *tb)
{
    if (tb->pos == POS_DELETED)
        return JET_errRecordDeleted;
    if (tb->pos != POS_ON)
        return JET_errNoCurrentRecord;
    uint64_t gen = generation_of(tb->adb);
    if (tb->rec && tb->rec_generation == gen)
        return JET_errSuccess;
    uint8_t *rec = NULL;
    size_t cb = 0;
    JET_ERR err = db_lookup_trx(tb->t, tb->trx, tb->cur_key, tb->cb_cur_key, &rec, &cb);
    if (err == JET_errRecordNotFound)
        return JET_errRecordDeleted; /* deleted through another cursor */
    if (err < 0)
        return err;
    osal_free(tb->rec);
    tb->rec = rec;
    tb->cb_rec = cb;
    tb->cap_rec = cb;
    tb->rec_generation = gen;
    return JET_errSuccess;
}

JET_ERR api_table_load_current(api_table *tb)
{
    return load_current(tb);
}

/* ---- updates ----------------------------------------------------------------------------------- */

static void cancel_update(api_table *tb)
{
    for (size_t i = 0; i < tb->value_count; i++)
        osal_free(tb->values[i].data);
    tb->value_count = 0;
    tb->prep = API_PREP_NONE;
}

void api_table_cancel_update(api_table *tb)
{
    cancel_update(tb);
}

JET_ERR JET_API JetPrepareUpdate(JET_SESID sesid, JET_TABLEID tableid, ESE_ULONG prep)
{
    api_table *tb;
    /* cancelling only drops memory: allowed on an unusable instance, as JetRollback is */
    JET_ERR err = prep == JET_prepCancel ? api_table_get_any(sesid, tableid, &tb)
                                         : api_table_get(sesid, tableid, &tb);
    if (err < 0)
        return err;
    if (prep != JET_prepCancel && (err = trx_check_caller(tb->trx)) < 0)
        return err;
    switch (prep) {
    case JET_prepCancel:
        if (!tb->prep)
            return JET_errUpdateNotPrepared;
        cancel_update(tb);
        return JET_errSuccess;
    case JET_prepInsert:
        if (tb->prep)
            return JET_errAlreadyPrepared;
        tb->prep = API_PREP_INSERT;
        tb->level_prep = level_of(tb);
        return JET_errSuccess;
    case JET_prepReplace:
    case JET_prepReplaceNoLock:
        if (tb->prep)
            return JET_errAlreadyPrepared;
        if ((err = load_current(tb)) < 0)
            return err;
        /* JET_prepReplace takes the row's write lock now (JET_errWriteConflict when another
         * transaction holds it); JET_prepReplaceNoLock leaves the conflict to JetUpdate. */
        if (prep == JET_prepReplace &&
            (err = db_lock_trx(tb->t, tb->trx, tb->cur_key, tb->cb_cur_key)) < 0)
            return err;
        tb->prep = API_PREP_REPLACE;
        tb->level_prep = level_of(tb);
        return JET_errSuccess;
    case JET_prepInsertCopy:
        return JET_errFeatureNotAvailable; /* libese gap */
    default:
        return JET_errInvalidParameter;
    }
}

#define SET_GRBITS_ACCEPTED (JET_bitSetZeroLength | JET_bitSetSeparateLV | JET_bitSetIntrinsicLV)

JET_ERR JET_API JetSetColumn(JET_SESID sesid, JET_TABLEID tableid, JET_COLUMNID columnid,
                             const void *pvData, ESE_ULONG cbData, JET_GRBIT grbit,
                             JET_SETINFO *psetinfo)
{
    api_table *tb;
    JET_ERR err = api_table_get(sesid, tableid, &tb);
    if (err < 0)
        return err;
    if (!tb->prep)
        return JET_errUpdateNotPrepared;
    const db_column *c = column_by_fid(tb->t, columnid);
    if (!c)
        return JET_errColumnNotFound;
    if (grbit & ~(JET_GRBIT)SET_GRBITS_ACCEPTED)
        return JET_errFeatureNotAvailable; /* libese gap: append / overwrite / size LV, ... */
    if (psetinfo && (psetinfo->ibLongValue || psetinfo->itagSequence > 1))
        return JET_errFeatureNotAvailable; /* libese gap: multi-valued, partial LV */
    if (!pvData && cbData)
        return JET_errInvalidParameter;
    bool zero_length = cbData == 0 && (grbit & JET_bitSetZeroLength);
    uint32_t fixed = record_coltyp_fixed_size(c->coltyp);
    if (fixed && cbData && cbData != fixed)
        return JET_errInvalidBufferSize;
    if (fixed && zero_length)
        return JET_errInvalidBufferSize;
    uint8_t *copy = NULL;
    if (cbData) {
        if (!(copy = osal_malloc(cbData)))
            return JET_errOutOfMemory;
        memcpy(copy, pvData, cbData);
    }
    for (size_t i = 0; i < tb->value_count; i++)
        if (tb->values[i].fid == c->fid) { /* the last value set wins */
            osal_free(tb->values[i].data);
            tb->values[i] = (api_set_value){c->fid, copy, cbData, zero_length};
            return JET_errSuccess;
        }
    if (tb->value_count == tb->value_cap) {
        size_t cap = tb->value_cap ? tb->value_cap * 2 : 8;
        api_set_value *grown = osal_calloc(cap, sizeof *grown);
        if (!grown) {
            osal_free(copy);
            return JET_errOutOfMemory;
        }
        if (tb->value_count)
            memcpy(grown, tb->values, tb->value_count * sizeof *grown);
        osal_free(tb->values);
        tb->values = grown;
        tb->value_cap = cap;
    }
    tb->values[tb->value_count++] = (api_set_value){c->fid, copy, cbData, zero_length};
    return JET_errSuccess;
}

JET_ERR JET_API JetUpdate(JET_SESID sesid, JET_TABLEID tableid, void *pvBookmark,
                          ESE_ULONG cbBookmark, ESE_ULONG *pcbActual)
{
    api_table *tb;
    JET_ERR err = api_table_get(sesid, tableid, &tb);
    if (err < 0)
        return err;
    if (!tb->prep)
        return JET_errUpdateNotPrepared;
    if ((err = trx_check_caller(tb->trx)) < 0)
        return err;
    db_value *vals = osal_calloc(tb->value_count ? tb->value_count : 1, sizeof *vals);
    if (!vals)
        return JET_errOutOfMemory;
    for (size_t i = 0; i < tb->value_count; i++)
        vals[i] = (db_value){tb->values[i].fid, tb->values[i].data, tb->values[i].cb,
                             tb->values[i].zero_length ? DB_VALUE_ZERO_LENGTH : 0};
    uint8_t key[DB_KEY_MOST + 1];
    uint32_t cb_key = 0;
    if (tb->prep == API_PREP_INSERT) {
        err = db_insert_trx(tb->t, tb->trx, vals, tb->value_count, key, &cb_key);
    } else {
        memcpy(key, tb->cur_key, tb->cb_cur_key);
        cb_key = tb->cb_cur_key;
        err = db_replace_trx(tb->t, tb->trx, tb->cur_key, tb->cb_cur_key, vals, tb->value_count);
        if (err == JET_errRecordNotFound)
            err = JET_errRecordDeleted;
    }
    osal_free(vals);
    if (err < 0)
        return err; /* the update stays prepared */
    cancel_update(tb);
    if (pcbActual)
        *pcbActual = cb_key;
    if (pvBookmark) {
        memcpy(pvBookmark, key, cb_key < cbBookmark ? cb_key : cbBookmark);
        if (cb_key > cbBookmark)
            return JET_errBufferTooSmall;
    }
    return JET_errSuccess;
}

JET_ERR JET_API JetDelete(JET_SESID sesid, JET_TABLEID tableid)
{
    api_table *tb;
    JET_ERR err = api_table_get(sesid, tableid, &tb);
    if (err < 0)
        return err;
    if ((err = trx_check_caller(tb->trx)) < 0 || (err = load_current(tb)) < 0)
        return err;
    err = db_delete_trx(tb->t, tb->trx, tb->cur_key, tb->cb_cur_key);
    if (err == JET_errRecordNotFound)
        err = JET_errRecordDeleted;
    if (err < 0)
        return err;
    tb->pos = POS_DELETED;
    tb->level_nav = level_of(tb);
    return JET_errSuccess;
}

/* ---- retrieving -------------------------------------------------------------------------------- */

static JET_ERR copy_out(const uint8_t *data, uint32_t cb, uint32_t ib, void *pvData,
                        ESE_ULONG cbData, ESE_ULONG *pcbActual)
{
    uint32_t avail = ib < cb ? cb - ib : 0;
    if (pcbActual)
        *pcbActual = avail;
    uint32_t n = avail < cbData ? avail : (uint32_t)cbData;
    if (n && pvData)
        memcpy(pvData, data + ib, n);
    return avail > cbData ? JET_wrnBufferTruncated : JET_errSuccess;
}

JET_ERR JET_API JetRetrieveColumn(JET_SESID sesid, JET_TABLEID tableid, JET_COLUMNID columnid,
                                  void *pvData, ESE_ULONG cbData, ESE_ULONG *pcbActual,
                                  JET_GRBIT grbit, JET_RETINFO *pretinfo)
{
    api_table *tb;
    JET_ERR err = api_table_get(sesid, tableid, &tb);
    if (err < 0)
        return err;
    if (!pvData && cbData)
        return JET_errInvalidParameter;
    if (pretinfo && pretinfo->cbStruct < sizeof(JET_RETINFO))
        return JET_errInvalidParameter;
    const db_column *c = column_by_fid(tb->t, columnid);
    if (!c)
        return JET_errColumnNotFound;
    uint32_t ib = pretinfo ? pretinfo->ibLongValue : 0;
    if (pretinfo)
        pretinfo->columnidNextTagged = 0;
    if (pretinfo && pretinfo->itagSequence > 1) {
        if (pcbActual)
            *pcbActual = 0;
        return JET_wrnColumnNull; /* single-valued columns have one value */
    }
    if ((grbit & JET_bitRetrieveCopy) && tb->prep) {
        for (size_t i = 0; i < tb->value_count; i++)
            if (tb->values[i].fid == c->fid) {
                if (!tb->values[i].cb && !tb->values[i].zero_length) {
                    if (pcbActual)
                        *pcbActual = 0;
                    return JET_wrnColumnNull;
                }
                return copy_out(tb->values[i].data, tb->values[i].cb, ib, pvData, cbData,
                                pcbActual);
            }
        if (tb->prep == API_PREP_INSERT) {
            if (pcbActual)
                *pcbActual = 0;
            return JET_wrnColumnNull;
        }
    }
    if ((err = load_current(tb)) < 0)
        return err;
    uint8_t *data = NULL;
    uint32_t cb = 0;
    err = table_retrieve_trx(tb->t, tb->trx, tb->rec, tb->cb_rec, (uint16_t)c->fid, &data, &cb);
    if (err < 0)
        return err;
    if (err == JET_wrnColumnNull) {
        osal_free(data);
        if (pcbActual)
            *pcbActual = 0;
        return JET_wrnColumnNull;
    }
    err = copy_out(data, cb, ib, pvData, cbData, pcbActual);
    osal_free(data);
    return err;
}
