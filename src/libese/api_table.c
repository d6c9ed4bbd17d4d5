/*
 * api_table.c -- tables and records through the Jet API: JetOpenTableW, JetCloseTable,
 * JetPrepareUpdate, JetSetColumn, JetUpdate, JetDelete,
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
 * Column options, multi-values, defaults and JET_prepInsertCopy: src/libese/DESIGN.md
 * "Column options" and docs/contract/columns-and-schema.md.
 * libese gaps (JET_errFeatureNotAvailable): partial long-value set/retrieve options.
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
    api_table_describe_key(tb, NULL);
    key_search_reset(&tb->search);
    return JET_errSuccess;
}

void api_table_describe_key(api_table *tb, const db_index_info *ix)
{
    if (ix) {
        tb->key.count = ix->key_count;
        for (uint32_t i = 0; i < ix->key_count; i++) {
            tb->key.fids[i] = ix->fids[i];
            tb->key.descending[i] = ix->segments[i].descending;
        }
    }
    for (uint32_t i = 0; i < tb->key.count; i++) {
        const db_column *c = column_by_fid(tb->t, tb->key.fids[i]);
        key_segment *s = &tb->segments[i];
        s->coltyp = c ? c->coltyp : JET_coltypBinary;
        s->code_page = c ? c->code_page : 0;
        s->descending = tb->key.descending[i];
        s->fixed_column = c && c->fid <= 127;
        s->cb_fixed = (c && c->fid <= 127 && record_coltyp_fixed_size(c->coltyp) == 0) ? c->cb_max : 0;
    }
    tb->kidx = (key_index){.segments = tb->segments, .segment_count = tb->key.count};
    if (ix) {
        tb->kidx.key_most = ix->kidx.key_most;
        tb->kidx.sort_nulls_high = ix->kidx.sort_nulls_high;
        tb->kidx.dot_net_guid = ix->kidx.dot_net_guid;
        tb->kidx.disallow_truncation = ix->kidx.disallow_truncation;
    }
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
    api_db *adb;
    JET_ERR err = api_dbid_database(sesid, dbid, &adb);
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
    if (err == JET_errInvalidTableId)
        return api_list_table_close(sesid, tableid); /* a temporary list table (api_list.c) */
    return err;
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
    JET_ERR err = db_lookup_trx(tb->t, tb->trx, tb->cur_bm, tb->cb_cur_bm, &rec, &cb);
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

/* After a cursor move or seek that returned err (gen: db_generation before it): take the entry
 * it landed on -- its key in the current index, its bookmark and a copy of its record, in
 * buffers reused from call to call -- or note `off` when it fell off.  The one place a handle's
 * position is taken (api_cursor.c, api_index.c and the updates here use it). */
JET_ERR api_table_take_position(api_table *tb, JET_ERR err, uint64_t gen, api_position off)
{
    tb->level_nav = level_of(tb);
    tb->synced = false;
    if (err < 0) {
        if (err == JET_errNoCurrentRecord || err == JET_errRecordNotFound)
            tb->pos = off;
        return err;
    }
    const uint8_t *key, *rec, *bm;
    uint32_t cb_key, cb_bm;
    size_t cb_rec;
    JET_ERR e2 = db_cursor_row(tb->cursor, &key, &cb_key, &rec, &cb_rec);
    if (e2 >= 0)
        e2 = db_cursor_bookmark(tb->cursor, &bm, &cb_bm);
    if (e2 < 0)
        return e2;
    if (cb_key > sizeof tb->cur_key || cb_bm > sizeof tb->cur_bm)
        return JET_errDatabaseCorrupted;
    if (!tb->rec || tb->cap_rec < cb_rec) {
        size_t cap = cb_rec > 64 ? cb_rec : 64;
        uint8_t *grown = osal_malloc(cap);
        if (!grown)
            return JET_errOutOfMemory;
        osal_free(tb->rec);
        tb->rec = grown;
        tb->cap_rec = cap;
    }
    memcpy(tb->rec, rec, cb_rec);
    tb->cb_rec = cb_rec;
    tb->rec_generation = gen;
    memcpy(tb->cur_key, key, cb_key);
    tb->cb_cur_key = cb_key;
    memcpy(tb->cur_bm, bm, cb_bm);
    tb->cb_cur_bm = cb_bm;
    tb->pos = POS_ON;
    tb->synced = true;
    return err;
}

JET_ERR api_table_reposition(api_table *tb, bt_seek_mode mode)
{
    if (tb->pos != POS_ON && tb->pos != POS_DELETED)
        return JET_errNoCurrentRecord;
    uint64_t gen = generation_of(tb->adb);
    JET_ERR err = db_cursor_seek_entry(tb->cursor, tb->cur_key, tb->cb_cur_key, tb->cur_bm,
                                       tb->cb_cur_bm, mode);
    bool forward = mode == BT_SEEK_GT || mode == BT_SEEK_GE || mode == BT_SEEK_EQ;
    return api_table_take_position(tb, err, gen, forward ? POS_AFTER_LAST : POS_BEFORE_FIRST);
}

/* ---- updates ----------------------------------------------------------------------------------- */

static void cancel_update(api_table *tb)
{
    tb->value_count = 0;
    tb->set_used = 0;
    tb->prep = API_PREP_NONE;
}

/* Append a value to the prepared update (its bytes into the reused set_buf).  With replace,
 * an earlier value of the same column is overwritten (the last value set wins). */
static JET_ERR stage_value(api_table *tb, uint16_t fid, const void *data, uint32_t cb,
                           bool zero_length, uint32_t itag, bool replace)
{
    if (tb->set_used + cb > tb->set_cap) {
        size_t cap = tb->set_cap ? tb->set_cap * 2 : 256;
        while (cap < tb->set_used + cb)
            cap *= 2;
        uint8_t *grown = osal_malloc(cap);
        if (!grown)
            return JET_errOutOfMemory;
        if (tb->set_used)
            memcpy(grown, tb->set_buf, tb->set_used);
        osal_free(tb->set_buf);
        tb->set_buf = grown;
        tb->set_cap = cap;
    }
    api_set_value v = {fid, (uint32_t)tb->set_used, cb, zero_length, itag};
    if (cb)
        memcpy(tb->set_buf + tb->set_used, data, cb);
    if (replace)
        for (size_t i = 0; i < tb->value_count; i++)
            if (tb->values[i].fid == fid) {
                tb->values[i] = v;
                tb->set_used += cb;
                return JET_errSuccess;
            }
    if (tb->value_count == tb->value_cap) {
        size_t cap = tb->value_cap ? tb->value_cap * 2 : 8;
        api_set_value *grown = osal_calloc(cap, sizeof *grown);
        if (!grown)
            return JET_errOutOfMemory;
        if (tb->value_count)
            memcpy(grown, tb->values, tb->value_count * sizeof *grown);
        osal_free(tb->values);
        tb->values = grown;
        tb->value_cap = cap;
    }
    tb->values[tb->value_count++] = v;
    tb->set_used += cb;
    return JET_errSuccess;
}

/* A new row gets its autoincrement value when the insert is prepared, as in ESE (so
 * JET_bitRetrieveCopy reads it before JetUpdate). */
static JET_ERR stage_autoincrement(api_table *tb)
{
    uint16_t fid = table_autoincrement_fid(tb->t);
    if (!fid)
        return JET_errSuccess;
    uint64_t v;
    JET_ERR err = table_next_autoincrement(tb->t, &v);
    if (err < 0)
        return err;
    uint8_t bytes[8];
    uint32_t size = record_coltyp_fixed_size(column_by_fid(tb->t, fid)->coltyp);
    for (uint32_t k = 0; k < size; k++)
        bytes[k] = (uint8_t)(v >> (8 * k));
    return stage_value(tb, fid, bytes, size, false, 0, true);
}

/* JET_prepInsertCopy: the new row starts with every value of the current one (all values of a
 * multi-valued column, long values read whole), except the autoincrement column (a new value)
 * and the version column (a new row's version), as ESE's insert copy. */
static JET_ERR stage_insert_copy(api_table *tb)
{
    const ese_table *t = tb->t;
    uint16_t autoinc = table_autoincrement_fid(t);
    size_t n = table_column_count(t);
    JET_ERR err = JET_errSuccess;
    for (size_t i = 0; i < n && err >= 0; i++) {
        const db_column *c = table_column_at(t, i);
        if (c->fid == autoinc || (c->field_flags & RECORD_FIELD_VERSION))
            continue;
        uint32_t count = 0;
        if ((err = table_count_values(tb->t, tb->rec, tb->cb_rec, c->fid, true, &count)) < 0)
            break;
        for (uint32_t itag = 1; itag <= count && err >= 0; itag++) {
            uint8_t *data = NULL;
            uint32_t cb = 0;
            err = table_retrieve_value_trx(tb->t, tb->trx, tb->rec, tb->cb_rec, c->fid, itag, true,
                                           &data, &cb);
            if (err == JET_errSuccess)
                err = stage_value(tb, c->fid, data, cb, cb == 0, 0, false);
            else if (err == JET_wrnColumnNull)
                err = JET_errSuccess;
            osal_free(data);
        }
    }
    if (err >= 0)
        err = stage_autoincrement(tb);
    return err;
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
    case JET_prepInsertCopy:
        if (tb->prep)
            return JET_errAlreadyPrepared;
        if (prep == JET_prepInsertCopy && (err = load_current(tb)) < 0)
            return err;
        tb->prep = API_PREP_INSERT;
        tb->level_prep = level_of(tb);
        err = prep == JET_prepInsertCopy ? stage_insert_copy(tb) : stage_autoincrement(tb);
        if (err < 0)
            cancel_update(tb);
        return err;
    case JET_prepReplace:
    case JET_prepReplaceNoLock:
        if (tb->prep)
            return JET_errAlreadyPrepared;
        if ((err = load_current(tb)) < 0)
            return err;
        /* JET_prepReplace takes the row's write lock now (JET_errWriteConflict when another
         * transaction holds it); JET_prepReplaceNoLock leaves the conflict to JetUpdate. */
        if (prep == JET_prepReplace &&
            (err = db_lock_trx(tb->t, tb->trx, tb->cur_bm, tb->cb_cur_bm)) < 0)
            return err;
        tb->prep = API_PREP_REPLACE;
        tb->level_prep = level_of(tb);
        return JET_errSuccess;
    default:
        return JET_errInvalidParameter;
    }
}

#define SET_GRBITS_ACCEPTED (JET_bitSetZeroLength | JET_bitSetSeparateLV | JET_bitSetIntrinsicLV)

/* learn.microsoft.com "JetSetColumn Function": an autoincrement column can never be set and a
 * version column not in a replace (JET_errInvalidColumnType, as ESE's ErrRECSetColumn); a
 * multi-valued column takes JET_SETINFO.itagSequence (0: a new value, n: replace value n, NULL
 * at n: delete it), every other column one value (the last set wins). */
JET_ERR api_set_column(api_table *tb, JET_COLUMNID columnid, const void *pvData, ESE_ULONG cbData,
                       JET_GRBIT grbit, const JET_SETINFO *psetinfo)
{
    if (!tb->prep)
        return JET_errUpdateNotPrepared;
    const db_column *c = column_by_fid(tb->t, columnid);
    if (!c)
        return JET_errColumnNotFound;
    if (grbit & ~(JET_GRBIT)SET_GRBITS_ACCEPTED)
        return JET_errFeatureNotAvailable; /* libese gap: append / overwrite / size LV, ... */
    if (psetinfo && psetinfo->cbStruct < sizeof(JET_SETINFO))
        return JET_errInvalidParameter;
    if (psetinfo && psetinfo->ibLongValue)
        return JET_errFeatureNotAvailable; /* libese gap: partial long values */
    bool multi = (c->field_flags & RECORD_FIELD_MULTIVALUED) != 0;
    uint32_t itag = psetinfo ? psetinfo->itagSequence : 0;
    if (itag > 1 && !multi)
        return JET_errFeatureNotAvailable; /* libese gap: several values in a single-valued column */
    if ((c->field_flags & RECORD_FIELD_AUTOINCREMENT) ||
        ((c->field_flags & RECORD_FIELD_VERSION) && tb->prep == API_PREP_REPLACE))
        return JET_errInvalidColumnType;
    if (!pvData && cbData)
        return JET_errInvalidParameter;
    bool zero_length = cbData == 0 && (grbit & JET_bitSetZeroLength);
    uint32_t fixed = record_coltyp_fixed_size(c->coltyp);
    if (fixed && cbData && cbData != fixed)
        return JET_errInvalidBufferSize;
    if (fixed && zero_length)
        return JET_errInvalidBufferSize;
    return stage_value(tb, c->fid, pvData, cbData, zero_length, multi ? itag : 0, !multi);
}

JET_ERR JET_API JetSetColumn(JET_SESID sesid, JET_TABLEID tableid, JET_COLUMNID columnid,
                             const void *pvData, ESE_ULONG cbData, JET_GRBIT grbit,
                             JET_SETINFO *psetinfo)
{
    api_table *tb;
    JET_ERR err = api_table_get(sesid, tableid, &tb);
    if (err < 0)
        return err;
    return api_set_column(tb, columnid, pvData, cbData, grbit, psetinfo);
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
    for (size_t i = 0; i < tb->value_count; i++) {
        const api_set_value *v = &tb->values[i];
        vals[i] = (db_value){v->fid, v->cb ? tb->set_buf + v->off : NULL, v->cb,
                             v->zero_length ? DB_VALUE_ZERO_LENGTH : 0, v->itag};
    }
    uint8_t key[DB_KEY_MOST + 1];
    uint32_t cb_key = 0;
    if (tb->prep == API_PREP_INSERT) {
        err = db_insert_trx(tb->t, tb->trx, vals, tb->value_count, key, &cb_key);
    } else {
        memcpy(key, tb->cur_bm, tb->cb_cur_bm);
        cb_key = tb->cb_cur_bm;
        err = db_replace_trx(tb->t, tb->trx, tb->cur_bm, tb->cb_cur_bm, vals, tb->value_count);
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
    err = db_delete_trx(tb->t, tb->trx, tb->cur_bm, tb->cb_cur_bm);
    if (err == JET_errRecordNotFound)
        err = JET_errRecordDeleted;
    if (err < 0)
        return err;
    tb->pos = POS_DELETED;
    tb->level_nav = level_of(tb);
    return JET_errSuccess;
}

/* ---- retrieving -------------------------------------------------------------------------------- */

/* learn.microsoft.com "JetRetrieveColumn Function", "JET_RETINFO Structure": value number
 * itagSequence (1-based; JET_wrnColumnNull past the last), bytes from ibLongValue on, the
 * column's default value for a row that never set it unless JET_bitRetrieveIgnoreDefault,
 * JET_bitRetrieveCopy reads the prepared update's value (single-valued columns; a multi-valued
 * column reads the row's values). */
JET_ERR api_retrieve_column(api_table *tb, JET_COLUMNID columnid, void *pvData, ESE_ULONG cbData,
                            ESE_ULONG *pcbActual, JET_GRBIT grbit, JET_RETINFO *pretinfo)
{
    if (!pvData && cbData)
        return JET_errInvalidParameter;
    if (pretinfo && pretinfo->cbStruct < sizeof(JET_RETINFO))
        return JET_errInvalidParameter;
    const db_column *c = column_by_fid(tb->t, columnid);
    if (!c)
        return JET_errColumnNotFound;
    uint32_t ib = pretinfo ? pretinfo->ibLongValue : 0;
    uint32_t itag = pretinfo && pretinfo->itagSequence ? pretinfo->itagSequence : 1;
    bool ignore_default = (grbit & JET_bitRetrieveIgnoreDefault) != 0;
    bool multi = (c->field_flags & RECORD_FIELD_MULTIVALUED) != 0;
    uint32_t actual = 0;
    if (pretinfo)
        pretinfo->columnidNextTagged = 0;
    if ((grbit & JET_bitRetrieveCopy) && tb->prep && !multi) {
        for (size_t i = 0; i < tb->value_count; i++)
            if (tb->values[i].fid == c->fid) {
                const api_set_value *v = &tb->values[i];
                JET_ERR err = JET_wrnColumnNull;
                if (itag == 1 && (v->cb || v->zero_length))
                    err = db_copy_value_out(tb->set_buf + v->off, v->cb, ib, pvData, (uint32_t)cbData,
                                         &actual);
                if (pcbActual)
                    *pcbActual = actual;
                return err;
            }
        if (tb->prep == API_PREP_INSERT) {
            /* a new row: what it will hold without the column set (its default) */
            JET_ERR err = JET_wrnColumnNull;
            if (itag == 1 && c->default_value && !ignore_default)
                err = db_copy_value_out(c->default_value, c->cb_default, ib, pvData, (uint32_t)cbData,
                                     &actual);
            if (pcbActual)
                *pcbActual = actual;
            return err;
        }
    }
    JET_ERR err = load_current(tb);
    if (err < 0)
        return err;
    err = table_retrieve_into_trx(tb->t, tb->trx, tb->rec, tb->cb_rec, (uint16_t)c->fid, itag,
                                  ignore_default, ib, pvData, (uint32_t)cbData, &actual);
    if (pcbActual)
        *pcbActual = actual;
    return err;
}

JET_ERR api_count_values(api_table *tb, JET_COLUMNID columnid, JET_GRBIT grbit, uint32_t *pcount)
{
    const db_column *c = column_by_fid(tb->t, columnid);
    if (!c)
        return JET_errColumnNotFound;
    JET_ERR err = load_current(tb);
    if (err < 0)
        return err;
    return table_count_values(tb->t, tb->rec, tb->cb_rec, c->fid,
                              (grbit & JET_bitRetrieveIgnoreDefault) != 0, pcount);
}

JET_ERR api_current_key(api_table *tb, const uint8_t **pkey, uint32_t *pcb_key)
{
    JET_ERR err = load_current(tb);
    if (err < 0)
        return err;
    *pkey = tb->cur_key;
    *pcb_key = tb->cb_cur_key;
    return JET_errSuccess;
}

JET_ERR JET_API JetRetrieveColumn(JET_SESID sesid, JET_TABLEID tableid, JET_COLUMNID columnid,
                                  void *pvData, ESE_ULONG cbData, ESE_ULONG *pcbActual,
                                  JET_GRBIT grbit, JET_RETINFO *pretinfo)
{
    api_table *tb;
    JET_ERR err = api_table_get(sesid, tableid, &tb);
    api_list_table *lt;
    if (err == JET_errInvalidTableId && (lt = api_list_table_find(sesid, tableid)))
        return api_list_table_retrieve(lt, columnid, pvData, cbData, pcbActual, pretinfo);
    if (err < 0)
        return err;
    return api_retrieve_column(tb, columnid, pvData, cbData, pcbActual, grbit, pretinfo);
}
