/*
 * database.c -- databases, tables, rows and cursors at the C level (see database.h).
 */
#include "database.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "bufmgr.h"
#include "catalog_format.h"
#include "dbfile.h"
#include "eseformat.h"
#include "log.h"
#include "lv_format.h"
#include "osal.h"
#include "space.h"

#define DB_NAME_MOST 64u
#define DB_TABLE_CPG_MIN 3u
#define DB_LV_CPG 3u

struct ese_table {
    ese_database *db;
    char *name;
    uint32_t objid, pgno_fdp, pages;
    db_column *columns;
    size_t column_count;
    uint16_t *record_offsets;     /* per column, from the catalog (0 = compute) */
    record_schema schema;
    bool has_primary;
    char *index_name;
    uint32_t key_count;
    uint16_t key_fids[JET_ccolKeyMost];
    key_segment segments[JET_ccolKeyMost];
    key_index kidx;
    ese_btree tree;
    uint32_t lv_objid, lv_fdp;
    ese_btree lv_tree;
    uint32_t next_lid;
    uint32_t next_dbk;
};

struct ese_database {
    pthread_mutex_t lock;
    ese_log *log;          /* NULL: Recovery off, changes are not logged */
    uint8_t dbid;          /* this database's id in the log's ATTACH/DETACH and page images */
    ese_dbfile *file;
    ese_bufmgr *bm;
    ese_pagestore *store;
    bool read_only;
    uint32_t page_size;
    uint32_t objid_last;
    ese_btree mso, shadow, name_idx, root_idx;
    ese_table **tables;
    size_t table_count, table_cap;
};

struct db_cursor {
    ese_table *t;
    ese_btcursor bc;
    uint8_t *key;
    size_t cb_key, cap_key;
    uint8_t *rec;
    size_t cb_rec, cap_rec;
    bool have;
};

/* ---- small helpers ------------------------------------------------------------------------ */

static uint32_t be32_load(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void be32_store(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s);
    char *p = osal_malloc(n + 1);
    if (p)
        memcpy(p, s, n + 1);
    return p;
}

static int ascii_casecmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        int ca = (unsigned char)*a, cb = (unsigned char)*b;
        if (ca >= 'a' && ca <= 'z')
            ca -= 32;
        if (cb >= 'a' && cb <= 'z')
            cb -= 32;
        if (ca != cb || !ca)
            return ca - cb;
    }
}

/* ESE object names: 1..64 printable ASCII characters, no leading space, none of . ! [ ]. */
static bool valid_name(const char *name)
{
    if (!name || !*name || strlen(name) > DB_NAME_MOST || name[0] == ' ')
        return false;
    for (const char *p = name; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x20 || c > 0x7E || c == '.' || c == '!' || c == '[' || c == ']')
            return false;
    }
    return true;
}

/* Grow buf to hold cb bytes. */
static JET_ERR ensure_cap(uint8_t **buf, size_t *cap, size_t cb)
{
    if (cb <= *cap && *buf)
        return JET_errSuccess;
    size_t n = cb < 64 ? 64 : cb;
    uint8_t *p = osal_malloc(n);
    if (!p)
        return JET_errOutOfMemory;
    osal_free(*buf);
    *buf = p;
    *cap = n;
    return JET_errSuccess;
}

/* Copy out the key and data of a cursor's current record into growable buffers. */
static JET_ERR cursor_fetch(ese_btcursor *bc, uint8_t **key, size_t *cap_key, size_t *cb_key,
                            uint8_t **data, size_t *cap_data, size_t *cb_data)
{
    size_t kl = 0, dl = 0;
    JET_ERR err = bt_cursor_get(bc, NULL, 0, &kl, NULL, 0, &dl);
    if (err < 0)
        return err;
    if ((err = ensure_cap(key, cap_key, kl ? kl : 1)) < 0 || (err = ensure_cap(data, cap_data, dl ? dl : 1)) < 0)
        return err;
    err = bt_cursor_get(bc, *key, *cap_key, cb_key, *data, *cap_data, cb_data);
    return err < 0 ? err : JET_errSuccess;
}

/* Look a key up and return an osal_malloc'd copy of its data. */
static JET_ERR lookup_alloc(ese_btree *tree, const uint8_t *key, size_t cb_key, uint8_t **pdata,
                            size_t *pcb)
{
    size_t len = 0;
    *pdata = NULL;
    JET_ERR err = bt_lookup(tree, key, cb_key, NULL, 0, &len);
    if (err < 0)
        return err;
    uint8_t *data = osal_malloc(len ? len : 1);
    if (!data)
        return JET_errOutOfMemory;
    err = bt_lookup(tree, key, cb_key, data, len, &len);
    if (err < 0) {
        osal_free(data);
        return err;
    }
    *pdata = data;
    *pcb = len;
    return JET_errSuccess;
}

/* ---- the catalog -------------------------------------------------------------------------- */

/* Add one catalog record to MSysObjects, its shadow and the Name / RootObjects indexes. */
static JET_ERR catalog_put(ese_database *db, const uint8_t key[CATALOG_KEY_SIZE], const uint8_t *rec,
                           size_t cb, uint32_t objid_table, uint16_t type, const char *name,
                           size_t cb_name, bool root)
{
    uint8_t ikey[JET_cbKeyMost_OLD];
    uint32_t cb_ikey = 0;
    JET_ERR err = bt_insert(&db->mso, key, CATALOG_KEY_SIZE, rec, cb);
    if (err < 0)
        return err;
    if ((err = bt_insert(&db->shadow, key, CATALOG_KEY_SIZE, rec, cb)) < 0)
        return err;
    if ((err = catalog_name_index_key(objid_table, type, name, cb_name, ikey, &cb_ikey)) < 0)
        return err;
    if ((err = bt_insert(&db->name_idx, ikey, cb_ikey, key, CATALOG_KEY_SIZE)) < 0)
        return err;
    if (root) {
        if ((err = catalog_root_objects_key(name, cb_name, ikey, &cb_ikey)) < 0)
            return err;
        if ((err = bt_insert(&db->root_idx, ikey, cb_ikey, key, CATALOG_KEY_SIZE)) < 0)
            return err;
    }
    return JET_errSuccess;
}

static JET_ERR open_catalog_trees(ese_database *db)
{
    JET_ERR err;
    if ((err = bt_open(&db->mso, db->store, CATALOG_PGNO_MSO)) < 0 ||
        (err = bt_open(&db->shadow, db->store, CATALOG_PGNO_MSO_SHADOW)) < 0 ||
        (err = bt_open(&db->name_idx, db->store, CATALOG_PGNO_MSO_NAME_INDEX)) < 0 ||
        (err = bt_open(&db->root_idx, db->store, CATALOG_PGNO_MSO_ROOT_OBJECTS_INDEX)) < 0)
        return err;
    return JET_errSuccess;
}

/* ---- tables in the schema cache ----------------------------------------------------------- */

static void table_free(ese_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->column_count; i++)
        osal_free(t->columns[i].name);
    osal_free(t->columns);
    osal_free(t->record_offsets);
    record_schema_free(&t->schema);
    osal_free(t->name);
    osal_free(t->index_name);
    osal_free(t);
}

static JET_ERR db_add_table(ese_database *db, ese_table *t)
{
    if (db->table_count == db->table_cap) {
        size_t cap = db->table_cap ? db->table_cap * 2 : 8;
        ese_table **p = osal_malloc(cap * sizeof *p);
        if (!p)
            return JET_errOutOfMemory;
        if (db->table_count)
            memcpy(p, db->tables, db->table_count * sizeof *p);
        osal_free(db->tables);
        db->tables = p;
        db->table_cap = cap;
    }
    db->tables[db->table_count++] = t;
    return JET_errSuccess;
}

static JET_ERR table_add_column(ese_table *t, const char *name, size_t cb_name, uint16_t fid,
                                JET_COLTYP coltyp, uint32_t cb_max, uint16_t code_page,
                                uint32_t field_flags, uint16_t record_offset)
{
    db_column *cols = osal_malloc((t->column_count + 1) * sizeof *cols);
    uint16_t *offs = osal_malloc((t->column_count + 1) * sizeof *offs);
    char *nm = osal_malloc(cb_name + 1);
    if (!cols || !offs || !nm) {
        osal_free(cols);
        osal_free(offs);
        osal_free(nm);
        return JET_errOutOfMemory;
    }
    if (t->column_count) {
        memcpy(cols, t->columns, t->column_count * sizeof *cols);
        memcpy(offs, t->record_offsets, t->column_count * sizeof *offs);
    }
    memcpy(nm, name, cb_name);
    nm[cb_name] = 0;
    cols[t->column_count] = (db_column){nm, fid, coltyp, cb_max, code_page, field_flags};
    offs[t->column_count] = record_offset;
    osal_free(t->columns);
    osal_free(t->record_offsets);
    t->columns = cols;
    t->record_offsets = offs;
    t->column_count++;
    return JET_errSuccess;
}

static const db_column *column_by_fid(const ese_table *t, uint16_t fid)
{
    for (size_t i = 0; i < t->column_count; i++)
        if (t->columns[i].fid == fid)
            return &t->columns[i];
    return NULL;
}

/* Build the record schema and key description, open the trees, compute the counters. */
static JET_ERR table_finish(ese_table *t)
{
    ese_database *db = t->db;
    JET_ERR err;
    record_column *rc = osal_calloc(t->column_count ? t->column_count : 1, sizeof *rc);
    if (!rc)
        return JET_errOutOfMemory;
    for (size_t i = 0; i < t->column_count; i++) {
        const db_column *c = &t->columns[i];
        rc[i].fid = c->fid;
        rc[i].coltyp = c->coltyp;
        rc[i].cb_max = c->cb_max;
        rc[i].field_flags = c->field_flags;
        rc[i].code_page = record_coltyp_is_text(c->coltyp) ? c->code_page : 0;
        rc[i].record_offset = c->fid <= RECORD_FID_FIXED_LAST ? t->record_offsets[i] : 0;
    }
    record_schema_free(&t->schema);
    err = record_schema_init(&t->schema, rc, t->column_count, db->page_size,
                             t->has_primary ? KEY_MOST_DEFAULT : 0);
    osal_free(rc);
    if (err < 0)
        return err;
    for (uint32_t i = 0; i < t->key_count; i++) {
        const db_column *c = column_by_fid(t, t->key_fids[i]);
        if (!c || record_coltyp_is_long_value(c->coltyp))
            return JET_errIndexInvalidDef;
        t->segments[i].coltyp = c->coltyp;
        t->segments[i].code_page = record_coltyp_is_text(c->coltyp) ? c->code_page : 0;
        t->segments[i].fixed_column = c->fid <= RECORD_FID_FIXED_LAST;
        t->segments[i].cb_fixed = t->segments[i].fixed_column ? record_column_fixed_size(
                                                                    record_schema_find(&t->schema, c->fid))
                                                              : 0;
    }
    memset(&t->kidx, 0, sizeof t->kidx);
    t->kidx.segments = t->segments;
    t->kidx.segment_count = t->key_count;
    t->kidx.key_most = KEY_MOST_DEFAULT;

    if ((err = bt_open(&t->tree, db->store, t->pgno_fdp)) < 0)
        return err;
    ese_btcursor bc;
    uint8_t key[DB_KEY_MOST];
    size_t cb_key = 0;
    if (!t->has_primary) {
        t->next_dbk = 1;
        bt_cursor_init(&bc, &t->tree);
        err = bt_cursor_last(&bc);
        if (err >= 0 && (err = bt_cursor_get(&bc, key, sizeof key, &cb_key, NULL, 0, NULL)) >= 0 &&
            cb_key == 4)
            t->next_dbk = be32_load(key) + 1;
        bt_cursor_release(&bc);
        if (err < 0 && err != JET_errNoCurrentRecord)
            return err;
    }
    if (t->lv_fdp) {
        if ((err = bt_open(&t->lv_tree, db->store, t->lv_fdp)) < 0)
            return err;
        t->next_lid = LV_LID32_FIRST;
        bt_cursor_init(&bc, &t->lv_tree);
        err = bt_cursor_last(&bc);
        if (err >= 0 && (err = bt_cursor_get(&bc, key, sizeof key, &cb_key, NULL, 0, NULL)) >= 0) {
            lv_key lk;
            if ((err = lv_parse_key(key, cb_key, &lk)) >= 0 && !lk.is_lid64)
                t->next_lid = (uint32_t)lk.lid + 1;
        }
        bt_cursor_release(&bc);
        if (err < 0 && err != JET_errNoCurrentRecord)
            return err;
    }
    return JET_errSuccess;
}

static ese_table *table_by_objid(ese_database *db, uint32_t objid)
{
    for (size_t i = 0; i < db->table_count; i++)
        if (db->tables[i]->objid == objid)
            return db->tables[i];
    return NULL;
}

/* Read the catalog into the schema cache. */
static JET_ERR load_catalog(ese_database *db)
{
    ese_btcursor bc;
    uint8_t *key = NULL, *rec = NULL;
    size_t cap_key = 0, cap_rec = 0, cb_key = 0, cb_rec = 0;
    bt_cursor_init(&bc, &db->mso);
    JET_ERR err = bt_cursor_first(&bc);
    for (; err >= 0; err = bt_cursor_next(&bc)) {
        if ((err = cursor_fetch(&bc, &key, &cap_key, &cb_key, &rec, &cap_rec, &cb_rec)) < 0)
            break;
        catalog_object o;
        if ((err = catalog_object_decode(rec, cb_rec, db->page_size, &o)) < 0)
            break;
        if (o.id > db->objid_last && o.type != CATALOG_TYPE_COLUMN)
            db->objid_last = o.id;
        if (o.objid_table == CATALOG_OBJID_MSO || o.objid_table == CATALOG_OBJID_MSO_SHADOW)
            continue;
        if (o.type == CATALOG_TYPE_TABLE) {
            ese_table *t = osal_calloc(1, sizeof *t);
            if (!t || !o.name.data) {
                osal_free(t);
                err = t ? JET_errCatalogCorrupted : JET_errOutOfMemory;
                break;
            }
            t->db = db;
            t->objid = o.id;
            t->pgno_fdp = o.coltyp_or_pgno_fdp;
            t->pages = o.pages_or_locale;
            t->name = osal_malloc(o.name.cb + 1);
            if (!t->name || (err = db_add_table(db, t)) < 0) {
                table_free(t);
                err = JET_errOutOfMemory;
                break;
            }
            memcpy(t->name, o.name.data, o.name.cb);
            t->name[o.name.cb] = 0;
            continue;
        }
        ese_table *t = table_by_objid(db, o.objid_table);
        if (!t) {
            err = JET_errCatalogCorrupted;
            break;
        }
        if (o.type == CATALOG_TYPE_COLUMN) {
            if (!o.name.data || o.id == 0 || o.id > 0xFFFF) {
                err = JET_errCatalogCorrupted;
                break;
            }
            uint16_t off = (o.fixed_present & (1u << (CATALOG_FID_RECORD_OFFSET - 1))) ? o.record_offset : 0;
            if ((err = table_add_column(t, (const char *)o.name.data, o.name.cb, (uint16_t)o.id,
                                        (JET_COLTYP)o.coltyp_or_pgno_fdp, o.space_usage,
                                        (uint16_t)o.pages_or_locale, o.flags, off)) < 0)
                break;
        } else if (o.type == CATALOG_TYPE_INDEX) {
            if (o.id != t->objid)
                continue; /* secondary indexes: not yet */
            catalog_index_segment segs[JET_ccolKeyMost];
            uint32_t n = 0;
            if ((err = catalog_index_segments(&o, segs, JET_ccolKeyMost, &n)) < 0)
                break;
            t->has_primary = true;
            t->key_count = n;
            for (uint32_t i = 0; i < n; i++) {
                t->key_fids[i] = segs[i].fid;
                t->segments[i].descending = (segs[i].flags & CATALOG_SEGMENT_DESCENDING) != 0;
            }
            t->index_name = osal_malloc(o.name.cb + 1);
            if (!t->index_name) {
                err = JET_errOutOfMemory;
                break;
            }
            if (o.name.cb)
                memcpy(t->index_name, o.name.data, o.name.cb);
            t->index_name[o.name.cb] = 0;
        } else if (o.type == CATALOG_TYPE_LONG_VALUE) {
            t->lv_objid = o.id;
            t->lv_fdp = o.coltyp_or_pgno_fdp;
        }
    }
    bt_cursor_release(&bc);
    osal_free(key);
    osal_free(rec);
    if (err < 0 && err != JET_errNoCurrentRecord)
        return err;
    for (size_t i = 0; i < db->table_count; i++)
        if ((err = table_finish(db->tables[i])) < 0)
            return err;
    return JET_errSuccess;
}

/* ---- databases ---------------------------------------------------------------------------- */

static void db_free(ese_database *db)
{
    if (!db)
        return;
    for (size_t i = 0; i < db->table_count; i++)
        table_free(db->tables[i]);
    osal_free(db->tables);
    if (db->bm)
        bm_close(db->bm);
    if (db->file)
        dbfile_close(db->file);
    pthread_mutex_destroy(&db->lock);
    osal_free(db);
}

static JET_ERR db_new(uint32_t page_size, ese_database **pdb)
{
    ese_database *db = osal_calloc(1, sizeof *db);
    if (!db)
        return JET_errOutOfMemory;
    pthread_mutex_init(&db->lock, NULL);
    db->page_size = page_size;
    *pdb = db;
    return JET_errSuccess;
}

static JET_ERR flush_locked(ese_database *db, uint32_t state)
{
    if (db->read_only)
        return JET_errSuccess;
    JET_ERR err = bm_flush_all(db->bm);
    if (err < 0)
        return err;
    uint64_t dbtime = bm_dbtime(db->bm);
    if (dbtime > dbfile_dbtime(db->file))
        dbfile_set_dbtime(db->file, dbtime);
    dbfile_set_objid_last(db->file, db->objid_last);
    dbfile_set_state(db->file, state);
    return dbfile_write_header(db->file);
}

/* ---- logged commits ------------------------------------------------------------------------
 *
 * With a log, every change made through this layer is one commit (ESENT's implicit transaction
 * for an update outside a transaction): the pages it changed are collected as a buffer-manager
 * change batch, their images and a commit record go to the log, and the call returns once the
 * log is durable past the commit.  The pages may reach the file only after that (no-steal).
 * Images and commit records of all databases are appended under one process-wide lock, so the
 * images recovery holds when it meets a commit record are exactly that commit's.  A change that
 * fails is discarded from the cache: the file never saw it.  (Known limit: in-memory counters a
 * failed change advanced, such as the next objid or LID, are not rolled back; values are skipped.)
 */
static pthread_mutex_t g_commit_append_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t g_next_trxid = 1;

static uint64_t log_durable_hook(void *context)
{
    return log_durable_lsn((ese_log *)context);
}

static JET_ERR log_flush_hook(void *context, uint64_t position)
{
    return log_flush((ese_log *)context, position);
}

static void commit_begin_locked(ese_database *db)
{
    if (db->log)
        bm_batch_begin(db->bm);
}

static JET_ERR commit_end_locked(ese_database *db, JET_ERR err)
{
    if (!db->log)
        return err;
    if (err < 0) {
        bm_batch_discard(db->bm);
        return err;
    }
    const bm_changed_page *pages = NULL;
    size_t count = 0;
    JET_ERR log_err = bm_batch_end(db->bm, &pages, &count);
    if (log_err < 0 || count == 0) {
        if (log_err < 0)
            bm_batch_discard(db->bm);
        return log_err < 0 ? log_err : err;
    }
    log_lsn first = 0, end = 0;
    pthread_mutex_lock(&g_commit_append_lock);
    for (size_t i = 0; i < count && log_err >= 0; i++) {
        log_lsn start = 0;
        log_err = log_append_page_image(db->log, db->dbid, pages[i].pgno, pages[i].dbtime,
                                        pages[i].image, db->page_size, &start, NULL);
        if (i == 0)
            first = start;
    }
    if (log_err >= 0)
        log_err = log_append_commit(db->log, g_next_trxid++, &end);
    pthread_mutex_unlock(&g_commit_append_lock);
    if (log_err < 0) {
        bm_batch_discard(db->bm); /* the log is dead: nothing of this change may reach the file */
        return log_err;
    }
    bm_batch_logged(db->bm, first, end);
    log_err = log_flush(db->log, end); /* a durable commit */
    return log_err < 0 ? log_err : err;
}

JET_ERR db_use_log(ese_database *db, ese_log *log, uint8_t dbid)
{
    if (db->read_only)
        return JET_errSuccess; /* nothing will change: nothing to log */
    ese_signature sign_db;
    dbfile_sign_db(db->file, &sign_db);
    log_lsn end = 0;
    JET_ERR err = log_append_database_ref(log, LOG_REC_ATTACH_DB, dbid, 0, &sign_db,
                                          db->file->path, &end);
    if (err >= 0)
        err = log_flush(log, end);
    if (err < 0)
        return err;
    pthread_mutex_lock(&db->lock);
    db->log = log;
    db->dbid = dbid;
    bm_log_hooks hooks = {log, log_durable_hook, log_flush_hook};
    bm_set_log_hooks(db->bm, &hooks);
    pthread_mutex_unlock(&db->lock);
    return JET_errSuccess;
}

JET_ERR db_create(const char *path, uint32_t page_size, ese_database **pdb)
{
    ese_database *db = NULL;
    JET_ERR err = db_new(page_size, &db);
    if (err < 0)
        return err;
    bool created = false;
    if ((err = dbfile_create(path, page_size, DB_INITIAL_PAGES, NULL, &db->file)) < 0)
        goto fail;
    created = true;
    if ((err = bm_open(db->file, NULL, &db->bm)) < 0)
        goto fail;
    db->store = bm_store(db->bm);
    if ((err = space_create_database(db->store, DB_INITIAL_PAGES)) < 0 ||
        (err = open_catalog_trees(db)) < 0)
        goto fail;
    catalog_entry *entries = NULL;
    size_t count = 0;
    if ((err = catalog_build_mso_entries(page_size, &entries, &count)) < 0)
        goto fail;
    for (size_t i = 0; i < count && err >= 0; i++) {
        catalog_object o;
        if ((err = catalog_object_decode(entries[i].rec, entries[i].cb, page_size, &o)) < 0)
            break;
        err = catalog_put(db, entries[i].key, entries[i].rec, entries[i].cb, o.objid_table, o.type,
                          (const char *)o.name.data, o.name.cb, o.type == CATALOG_TYPE_TABLE);
        if (o.type != CATALOG_TYPE_COLUMN && o.id > db->objid_last)
            db->objid_last = o.id;
    }
    catalog_entries_free(entries, count);
    if (err < 0)
        goto fail;
    if ((err = flush_locked(db, ESE_DBSTATE_DIRTY_SHUTDOWN)) < 0)
        goto fail;
    *pdb = db;
    return JET_errSuccess;
fail:
    db_free(db);
    if (created)
        remove(path);
    return err;
}

JET_ERR db_open(const char *path, uint32_t page_size, bool read_only, ese_database **pdb)
{
    ese_database *db = NULL;
    JET_ERR err = db_new(page_size, &db);
    if (err < 0)
        return err;
    db->read_only = read_only;
    if ((err = dbfile_open(path, page_size, read_only, &db->file)) < 0)
        goto fail;
    uint32_t state = dbfile_state(db->file);
    if (state != ESE_DBSTATE_CLEAN_SHUTDOWN && !(read_only && state == ESE_DBSTATE_JUST_CREATED)) {
        err = JET_errDatabaseDirtyShutdown;
        goto fail;
    }
    if ((err = bm_open(db->file, NULL, &db->bm)) < 0)
        goto fail;
    db->store = bm_store(db->bm);
    db->objid_last = dbfile_objid_last(db->file);
    if ((err = open_catalog_trees(db)) < 0 || (err = load_catalog(db)) < 0)
        goto fail;
    if (!read_only) {
        dbfile_set_state(db->file, ESE_DBSTATE_DIRTY_SHUTDOWN);
        if ((err = dbfile_write_header(db->file)) < 0)
            goto fail;
    }
    *pdb = db;
    return JET_errSuccess;
fail:
    db_free(db);
    return err;
}

JET_ERR db_flush(ese_database *db)
{
    pthread_mutex_lock(&db->lock);
    JET_ERR err = flush_locked(db, ESE_DBSTATE_DIRTY_SHUTDOWN);
    pthread_mutex_unlock(&db->lock);
    return err;
}

JET_ERR db_close(ese_database *db)
{
    if (!db)
        return JET_errSuccess;
    JET_ERR err = flush_locked(db, ESE_DBSTATE_CLEAN_SHUTDOWN);
    if (err >= 0 && db->log) {
        /* Clean on disk first, then tell the log: recovery stops replaying it here. */
        ese_signature sign_db;
        dbfile_sign_db(db->file, &sign_db);
        log_lsn end = 0;
        err = log_append_database_ref(db->log, LOG_REC_DETACH_DB, db->dbid, 0, &sign_db,
                                      db->file->path, &end);
        if (err >= 0)
            err = log_flush(db->log, end);
    }
    db_free(db);
    return err;
}

uint32_t db_page_size(const ese_database *db) { return db->page_size; }
uint32_t db_objid_last(const ese_database *db) { return db->objid_last; }
ese_pagestore *db_store(ese_database *db) { return db->store; }

static JET_ERR compare_trees(ese_btree *a, ese_btree *b, char *msg, size_t cb_msg)
{
    ese_btcursor ca, cb;
    uint8_t *ka = NULL, *da = NULL, *kb = NULL, *dbb = NULL;
    size_t cka = 0, cda = 0, ckb = 0, cdb = 0, lka = 0, lda = 0, lkb = 0, ldb = 0;
    bt_cursor_init(&ca, a);
    bt_cursor_init(&cb, b);
    JET_ERR ea = bt_cursor_first(&ca), eb = bt_cursor_first(&cb), err = JET_errSuccess;
    while (ea >= 0 && eb >= 0) {
        if ((err = cursor_fetch(&ca, &ka, &cka, &lka, &da, &cda, &lda)) < 0 ||
            (err = cursor_fetch(&cb, &kb, &ckb, &lkb, &dbb, &cdb, &ldb)) < 0)
            break;
        if (lka != lkb || lda != ldb || memcmp(ka, kb, lka) || memcmp(da, dbb, lda)) {
            err = JET_errDatabaseCorrupted;
            break;
        }
        ea = bt_cursor_next(&ca);
        eb = bt_cursor_next(&cb);
    }
    if (err >= 0 && (ea >= 0 || eb >= 0))
        err = JET_errDatabaseCorrupted;
    if (err == JET_errDatabaseCorrupted && cb_msg)
        snprintf(msg, cb_msg, "catalog and shadow catalog differ");
    bt_cursor_release(&ca);
    bt_cursor_release(&cb);
    osal_free(ka);
    osal_free(da);
    osal_free(kb);
    osal_free(dbb);
    return err;
}

JET_ERR db_check(ese_database *db, char *msg, size_t cb_msg)
{
    pthread_mutex_lock(&db->lock);
    size_t n = 5 + 2 * db->table_count, k = 0;
    uint32_t *fdps = osal_malloc(n * sizeof *fdps);
    JET_ERR err = JET_errOutOfMemory;
    if (fdps) {
        fdps[k++] = SPACE_PGNO_DB_ROOT;
        fdps[k++] = CATALOG_PGNO_MSO;
        fdps[k++] = CATALOG_PGNO_MSO_NAME_INDEX;
        fdps[k++] = CATALOG_PGNO_MSO_ROOT_OBJECTS_INDEX;
        fdps[k++] = CATALOG_PGNO_MSO_SHADOW;
        for (size_t i = 0; i < db->table_count; i++) {
            fdps[k++] = db->tables[i]->pgno_fdp;
            if (db->tables[i]->lv_fdp)
                fdps[k++] = db->tables[i]->lv_fdp;
        }
        err = space_check_database(db->store, fdps, k, msg, cb_msg);
        osal_free(fdps);
        if (err >= 0)
            err = compare_trees(&db->mso, &db->shadow, msg, cb_msg);
    }
    pthread_mutex_unlock(&db->lock);
    return err;
}

/* ---- creating tables ---------------------------------------------------------------------- */

ese_table *db_find_table(ese_database *db, const char *name)
{
    ese_table *found = NULL;
    pthread_mutex_lock(&db->lock);
    for (size_t i = 0; i < db->table_count && !found; i++)
        if (!ascii_casecmp(db->tables[i]->name, name))
            found = db->tables[i];
    pthread_mutex_unlock(&db->lock);
    return found;
}

size_t db_table_count(const ese_database *db) { return db->table_count; }
ese_table *db_table_at(ese_database *db, size_t i) { return i < db->table_count ? db->tables[i] : NULL; }
const char *table_name(const ese_table *t) { return t->name; }
uint32_t table_objid(const ese_table *t) { return t->objid; }
uint32_t table_pgno_fdp(const ese_table *t) { return t->pgno_fdp; }
uint32_t table_lv_pgno_fdp(const ese_table *t) { return t->lv_fdp; }
size_t table_column_count(const ese_table *t) { return t->column_count; }
const db_column *table_column_at(const ese_table *t, size_t i)
{
    return i < t->column_count ? &t->columns[i] : NULL;
}
bool table_has_primary_index(const ese_table *t) { return t->has_primary; }

const db_column *table_find_column(const ese_table *t, const char *name)
{
    for (size_t i = 0; i < t->column_count; i++)
        if (!ascii_casecmp(t->columns[i].name, name))
            return &t->columns[i];
    return NULL;
}

static bool coltyp_known(JET_COLTYP c)
{
    return c >= JET_coltypBit && c <= JET_coltypUnsignedLongLong && c != JET_coltypSLV;
}

JET_ERR db_create_table(ese_database *db, const db_table_def *def, ese_table **ptable)
{
    if (!def || !valid_name(def->name) || (def->column_count && !def->columns))
        return JET_errInvalidParameter;
    if (db->read_only)
        return JET_errDatabaseFileReadOnly;
    pthread_mutex_lock(&db->lock);
    commit_begin_locked(db);
    JET_ERR err = JET_errSuccess;
    ese_table *t = NULL;
    uint8_t key[CATALOG_KEY_SIZE];
    uint8_t *rec = NULL;
    size_t cb = 0;
    for (size_t i = 0; i < db->table_count; i++)
        if (!ascii_casecmp(db->tables[i]->name, def->name)) {
            err = JET_errTableDuplicate;
            goto done;
        }
    if (def->primary_index && (!valid_name(def->primary_index) || def->key_count == 0 ||
                               def->key_count > JET_ccolKeyMost || !def->key_columns)) {
        err = JET_errIndexInvalidDef;
        goto done;
    }
    t = osal_calloc(1, sizeof *t);
    if (!t || !(t->name = dup_str(def->name))) {
        err = JET_errOutOfMemory;
        goto done;
    }
    t->db = db;
    /* columns: fids by placement */
    uint16_t next_fixed = RECORD_FID_FIXED_FIRST, next_var = RECORD_FID_VAR_FIRST;
    uint32_t next_tagged = RECORD_FID_TAGGED_FIRST;
    for (size_t i = 0; i < def->column_count; i++) {
        const db_column_def *c = &def->columns[i];
        if (!valid_name(c->name)) {
            err = JET_errInvalidName;
            goto done;
        }
        if (!coltyp_known(c->coltyp)) {
            err = JET_errInvalidColumnType;
            goto done;
        }
        if (table_find_column(t, c->name)) {
            err = JET_errColumnDuplicate;
            goto done;
        }
        uint16_t fid;
        uint32_t cb_max = c->cb_max;
        bool is_long = record_coltyp_is_long_value(c->coltyp);
        bool fixed_size = record_coltyp_fixed_size(c->coltyp) != 0;
        if ((c->grbit & JET_bitColumnTagged) || is_long) {
            if (next_tagged > RECORD_FID_TAGGED_LAST) {
                err = JET_errTooManyColumns;
                goto done;
            }
            fid = (uint16_t)next_tagged++;
        } else if (fixed_size || (c->grbit & JET_bitColumnFixed)) {
            if (next_fixed > RECORD_FID_FIXED_LAST) {
                err = JET_errTooManyColumns;
                goto done;
            }
            if (!fixed_size && (cb_max == 0 || cb_max > JET_cbColumnMost)) {
                err = JET_errInvalidColumnType;
                goto done;
            }
            fid = next_fixed++;
        } else {
            if (next_var > RECORD_FID_VAR_LAST) {
                err = JET_errTooManyColumns;
                goto done;
            }
            if (cb_max == 0)
                cb_max = JET_cbColumnMost;
            if (cb_max > JET_cbColumnMost) {
                err = JET_errInvalidColumnType;
                goto done;
            }
            fid = next_var++;
        }
        if (fixed_size)
            cb_max = record_coltyp_fixed_size(c->coltyp);
        uint16_t cp = 0;
        if (record_coltyp_is_text(c->coltyp)) {
            cp = c->code_page ? c->code_page : JET_CP_ASCII;
            if (cp != JET_CP_UNICODE && cp != JET_CP_ASCII && cp != 20127) {
                err = JET_errInvalidParameter;
                goto done;
            }
        }
        uint32_t ff = record_field_flags_from_grbit(c->grbit & JET_bitColumnNotNULL);
        if ((err = table_add_column(t, c->name, strlen(c->name), fid, c->coltyp, cb_max, cp, ff, 0)) < 0)
            goto done;
    }
    /* primary index */
    if (def->primary_index) {
        t->has_primary = true;
        t->key_count = (uint32_t)def->key_count;
        for (size_t i = 0; i < def->key_count; i++) {
            const db_column *c = def->key_columns[i].name ? table_find_column(t, def->key_columns[i].name) : NULL;
            if (!c || record_coltyp_is_long_value(c->coltyp)) {
                err = JET_errIndexInvalidDef;
                goto done;
            }
            for (size_t j = 0; j < i; j++)
                if (t->key_fids[j] == c->fid) {
                    err = JET_errIndexInvalidDef;
                    goto done;
                }
            t->key_fids[i] = c->fid;
            t->segments[i].descending = def->key_columns[i].descending;
        }
        if (!(t->index_name = dup_str(def->primary_index))) {
            err = JET_errOutOfMemory;
            goto done;
        }
    }
    /* validate the record layout before touching the file */
    {
        record_column *rc = osal_calloc(t->column_count ? t->column_count : 1, sizeof *rc);
        if (!rc) {
            err = JET_errOutOfMemory;
            goto done;
        }
        for (size_t i = 0; i < t->column_count; i++) {
            rc[i].fid = t->columns[i].fid;
            rc[i].coltyp = t->columns[i].coltyp;
            rc[i].cb_max = t->columns[i].cb_max;
            rc[i].field_flags = t->columns[i].field_flags;
            rc[i].code_page = t->columns[i].code_page;
        }
        err = record_schema_init(&t->schema, rc, t->column_count, db->page_size,
                                 t->has_primary ? KEY_MOST_DEFAULT : 0);
        osal_free(rc);
        if (err < 0)
            goto done;
        for (size_t i = 0; i < t->column_count; i++) {
            const record_column *sc = record_schema_find(&t->schema, t->columns[i].fid);
            t->record_offsets[i] = t->columns[i].fid <= RECORD_FID_FIXED_LAST ? sc->record_offset : 0;
        }
    }
    /* the tree and the catalog records */
    t->pages = def->initial_pages;
    t->objid = db->objid_last + 1;
    uint32_t cpg = def->initial_pages < DB_TABLE_CPG_MIN ? DB_TABLE_CPG_MIN : def->initial_pages;
    if ((err = bt_create(db->store, SPACE_PGNO_DB_ROOT, t->objid, 0, cpg, &t->pgno_fdp)) < 0)
        goto done;
    db->objid_last = t->objid;
    catalog_table_def td = {0};
    td.objid = t->objid;
    td.pgno_fdp = t->pgno_fdp;
    td.density = CATALOG_DENSITY_DEFAULT;
    td.initial_pages = t->pages;
    td.name = t->name;
    if ((err = catalog_build_table(&td, db->page_size, key, &rec, &cb)) < 0 ||
        (err = catalog_put(db, key, rec, cb, t->objid, CATALOG_TYPE_TABLE, t->name, strlen(t->name), true)) < 0)
        goto done;
    osal_free(rec);
    rec = NULL;
    for (size_t i = 0; i < t->column_count; i++) {
        const db_column *c = &t->columns[i];
        catalog_column_def cd = {0};
        cd.objid_table = t->objid;
        cd.fid = c->fid;
        cd.coltyp = c->coltyp;
        cd.cb_max = c->cb_max;
        cd.field_flags = c->field_flags;
        cd.code_page = c->code_page;
        cd.record_offset = t->record_offsets[i];
        cd.name = c->name;
        if ((err = catalog_build_column(&cd, db->page_size, key, &rec, &cb)) < 0 ||
            (err = catalog_put(db, key, rec, cb, t->objid, CATALOG_TYPE_COLUMN, c->name, strlen(c->name), false)) < 0)
            goto done;
        osal_free(rec);
        rec = NULL;
    }
    if (t->has_primary) {
        catalog_index_segment segs[JET_ccolKeyMost];
        for (uint32_t i = 0; i < t->key_count; i++) {
            segs[i].fid = t->key_fids[i];
            segs[i].flags = t->segments[i].descending ? CATALOG_SEGMENT_DESCENDING : 0;
        }
        catalog_index_def id = {0};
        id.objid_table = t->objid;
        id.objid = t->objid;
        id.pgno_fdp = t->pgno_fdp;
        id.density = CATALOG_DENSITY_DEFAULT;
        id.idb_flags = CATALOG_IDB_UNIQUE | CATALOG_IDB_NO_NULL_SEG | CATALOG_IDB_PRIMARY;
        id.idx_flags = CATALOG_IDX_EXTENDED_COLUMNS;
        id.lcmap_flags = CATALOG_LCMAP_FLAGS_DEFAULT;
        id.name = t->index_name;
        id.segments = segs;
        id.segment_count = t->key_count;
        id.locale_name = "en-US";
        if ((err = catalog_build_index(&id, db->page_size, key, &rec, &cb)) < 0 ||
            (err = catalog_put(db, key, rec, cb, t->objid, CATALOG_TYPE_INDEX, t->index_name,
                               strlen(t->index_name), false)) < 0)
            goto done;
        osal_free(rec);
        rec = NULL;
    }
    if ((err = db_add_table(db, t)) < 0)
        goto done;
    if ((err = table_finish(t)) < 0) {
        db->table_count--;
        goto done;
    }
    if (ptable)
        *ptable = t;
    t = NULL;
done:
    osal_free(rec);
    table_free(t);
    err = commit_end_locked(db, err);
    pthread_mutex_unlock(&db->lock);
    return err;
}

/* ---- long values -------------------------------------------------------------------------- */

static JET_ERR ensure_lv_tree(ese_table *t)
{
    ese_database *db = t->db;
    if (t->lv_fdp)
        return JET_errSuccess;
    uint32_t objid = db->objid_last + 1, fdp = 0;
    JET_ERR err = bt_create(db->store, t->pgno_fdp, objid, ESE_PAGE_FLAG_LONG_VALUE, DB_LV_CPG, &fdp);
    if (err < 0)
        return err;
    db->objid_last = objid;
    catalog_lv_def ld = {0};
    ld.objid_table = t->objid;
    ld.objid = objid;
    ld.pgno_fdp = fdp;
    ld.density = CATALOG_DENSITY_LONG_VALUE;
    ld.initial_pages = DB_LV_CPG;
    uint8_t key[CATALOG_KEY_SIZE];
    uint8_t *rec = NULL;
    size_t cb = 0;
    if ((err = catalog_build_lv(&ld, db->page_size, key, &rec, &cb)) < 0)
        return err;
    err = catalog_put(db, key, rec, cb, t->objid, CATALOG_TYPE_LONG_VALUE, "LV", 2, false);
    osal_free(rec);
    if (err < 0)
        return err;
    if ((err = bt_open(&t->lv_tree, db->store, fdp)) < 0)
        return err;
    t->lv_objid = objid;
    t->lv_fdp = fdp;
    t->next_lid = LV_LID32_FIRST;
    return JET_errSuccess;
}

/* Delete a separated value (root and chunks).  Missing pieces are not an error. */
static JET_ERR lv_delete(ese_table *t, uint32_t lid)
{
    uint8_t key[LV_KEY_MOST], got[LV_KEY_MOST + 4];
    size_t cb_got = 0;
    JET_ERR err;
    lv_root_key(lid, key);
    err = bt_delete(&t->lv_tree, key, LV_ROOT_KEY_SIZE);
    if (err < 0 && err != JET_errRecordNotFound)
        return err;
    for (;;) {
        ese_btcursor bc;
        lv_key lk;
        lv_chunk_key(lid, 0, key);
        bt_cursor_init(&bc, &t->lv_tree);
        err = bt_cursor_seek(&bc, key, LV_CHUNK_KEY_SIZE, BT_SEEK_GE);
        if (err >= 0)
            err = bt_cursor_get(&bc, got, sizeof got, &cb_got, NULL, 0, NULL);
        bt_cursor_release(&bc);
        if (err == JET_errRecordNotFound)
            return JET_errSuccess;
        if (err < 0)
            return err;
        if (cb_got > LV_KEY_MOST || lv_parse_key(got, cb_got, &lk) < 0 || lk.is_root || lk.lid != lid)
            return JET_errSuccess;
        if ((err = bt_delete(&t->lv_tree, got, cb_got)) < 0)
            return err;
    }
}

static JET_ERR lv_write(ese_table *t, const uint8_t *data, uint32_t cb, uint32_t *plid)
{
    JET_ERR err = ensure_lv_tree(t);
    if (err < 0)
        return err;
    if (t->next_lid > LV_LID32_MOST)
        return JET_errOutOfLongValueIDs;
    uint32_t lid = t->next_lid;
    uint8_t key[LV_KEY_MOST], root[LV_ROOT_SIZE];
    lv_root_key(lid, key);
    lv_root_encode(1, cb, root);
    if ((err = bt_insert(&t->lv_tree, key, LV_ROOT_KEY_SIZE, root, LV_ROOT_SIZE)) < 0)
        return err;
    t->next_lid++;
    lv_chunk *chunks = NULL;
    uint32_t n = 0;
    if ((err = lv_split(data, cb, lv_chunk_size(t->db->page_size), &chunks, &n)) >= 0) {
        for (uint32_t i = 0; i < n && err >= 0; i++) {
            lv_chunk_key(lid, chunks[i].offset, key);
            err = bt_insert(&t->lv_tree, key, LV_CHUNK_KEY_SIZE, chunks[i].data, chunks[i].cb);
        }
        osal_free(chunks);
    }
    if (err < 0) {
        lv_delete(t, lid);
        return err;
    }
    *plid = lid;
    return JET_errSuccess;
}

static JET_ERR lv_read(ese_table *t, uint64_t lid, uint8_t **pdata, uint32_t *pcb)
{
    if (!t->lv_fdp)
        return JET_errLVCorrupted;
    uint8_t key[LV_KEY_MOST], rootd[16], got[LV_KEY_MOST + 4];
    size_t cb_root = 0, cb_got = 0, cb_data = 0, cap_data = 0;
    uint32_t kl = lv_make_root_key(lid, key);
    if (!kl)
        return JET_errLVCorrupted;
    JET_ERR err = bt_lookup(&t->lv_tree, key, kl, rootd, sizeof rootd, &cb_root);
    if (err == JET_errRecordNotFound || err == JET_wrnBufferTruncated)
        return JET_errLVCorrupted;
    if (err < 0)
        return err;
    lv_root root;
    if ((err = lv_root_decode(rootd, cb_root, &root)) < 0)
        return err;
    lv_assembler a;
    if ((err = lv_assembler_init(&a, root.size)) < 0)
        return err;
    uint8_t *chunk = NULL;
    ese_btcursor bc;
    bt_cursor_init(&bc, &t->lv_tree);
    kl = lv_make_chunk_key(lid, 0, key);
    err = bt_cursor_seek(&bc, key, kl, BT_SEEK_GE);
    while (err >= 0 && a.filled < a.size) {
        err = bt_cursor_get(&bc, got, sizeof got, &cb_got, NULL, 0, &cb_data);
        if (err < 0)
            break;
        lv_key lk;
        if (cb_got > LV_KEY_MOST || lv_parse_key(got, cb_got, &lk) < 0 || lk.is_root || lk.lid != lid) {
            err = JET_errLVCorrupted;
            break;
        }
        if ((err = ensure_cap(&chunk, &cap_data, cb_data ? cb_data : 1)) < 0 ||
            (err = bt_cursor_get(&bc, NULL, 0, NULL, chunk, cap_data, &cb_data)) < 0 ||
            (err = lv_assembler_add(&a, lk.offset, chunk, (uint32_t)cb_data)) < 0)
            break;
        if (a.filled < a.size)
            err = bt_cursor_next(&bc);
    }
    bt_cursor_release(&bc);
    osal_free(chunk);
    if (err == JET_errRecordNotFound || err == JET_errNoCurrentRecord)
        err = JET_errLVCorrupted;
    if (err < 0) {
        lv_assembler_free(&a);
        return err;
    }
    return lv_assembler_take(&a, pdata, pcb);
}

/* ---- rows --------------------------------------------------------------------------------- */

/* The primary key of a record. */
static JET_ERR record_key(ese_table *t, const uint8_t *rec, size_t cb, uint8_t *key, uint32_t *cb_key)
{
    key_column_value vals[JET_ccolKeyMost];
    for (uint32_t i = 0; i < t->key_count; i++) {
        record_value v;
        JET_ERR err = record_get_column(&t->schema, rec, cb, t->key_fids[i], 1, &v);
        if (err < 0)
            return err;
        if (v.kind != RECORD_VALUE_DATA)
            return JET_errNullKeyDisallowed;
        vals[i].data = v.data;
        vals[i].cb = v.cb;
        vals[i].is_null = false;
    }
    uint32_t info = 0;
    return key_build(&t->kidx, vals, key, cb_key, &info);
}

/* What one update will do with the long values it is given. */
typedef struct {
    record_build_value *bv;   /* the values as record_build gets them */
    bool *separate;           /* per value: goes to the LV tree */
    size_t count;
} pending;

static void pending_free(pending *p)
{
    osal_free(p->bv);
    osal_free(p->separate);
}

static JET_ERR pending_init(ese_table *t, const db_value *values, size_t count, pending *p)
{
    memset(p, 0, sizeof *p);
    p->bv = osal_calloc(count ? count : 1, sizeof *p->bv);
    p->separate = osal_calloc(count ? count : 1, sizeof *p->separate);
    if (!p->bv || !p->separate) {
        pending_free(p);
        return JET_errOutOfMemory;
    }
    p->count = count;
    for (size_t i = 0; i < count; i++) {
        const db_column *c = column_by_fid(t, values[i].fid);
        if (!c) {
            pending_free(p);
            return JET_errColumnNotFound;
        }
        p->bv[i].fid = values[i].fid;
        p->bv[i].value.data = values[i].data;
        p->bv[i].value.cb = values[i].cb;
        p->bv[i].value.flags = (values[i].flags & DB_VALUE_ZERO_LENGTH) ? RECORD_SET_ZERO_LENGTH : 0;
        if (record_coltyp_is_long_value(c->coltyp) && values[i].data &&
            lv_should_separate(values[i].cb, 0, false, false))
            p->separate[i] = true;
    }
    return JET_errSuccess;
}

/* Build the record from base (NULL: an empty one) with the pending values; separated ones get
 * their LIDs from lids[] (or a placeholder when lids is NULL).  On JET_errRecordTooBig the
 * largest value still intrinsic in a long-value column is marked separated and the build is
 * tried again. */
static JET_ERR pending_build(ese_table *t, pending *p, const uint8_t *base, size_t cb_base,
                             const uint32_t *lids, uint8_t **prec, size_t *pcb)
{
    for (;;) {
        for (size_t i = 0; i < p->count; i++) {
            if (p->separate[i]) {
                p->bv[i].value.flags |= RECORD_SET_SEPARATED;
                p->bv[i].value.lid = lids ? lids[i] : LV_LID32_FIRST;
            }
        }
        JET_ERR err = record_build(&t->schema, base, cb_base, p->bv, p->count, prec, pcb);
        if (err != JET_errRecordTooBig || lids)
            return err;
        size_t best = p->count;
        for (size_t i = 0; i < p->count; i++) {
            const db_column *c = column_by_fid(t, p->bv[i].fid);
            if (!p->separate[i] && record_coltyp_is_long_value(c->coltyp) && p->bv[i].value.data &&
                p->bv[i].value.cb > 4 && (best == p->count || p->bv[i].value.cb > p->bv[best].value.cb))
                best = i;
        }
        if (best == p->count)
            return err;
        p->separate[best] = true;
    }
}

/* Write the pending separated values; on failure delete the ones written. */
static JET_ERR pending_write_lvs(ese_table *t, pending *p, uint32_t *lids)
{
    for (size_t i = 0; i < p->count; i++) {
        if (!p->separate[i])
            continue;
        JET_ERR err = lv_write(t, p->bv[i].value.data, p->bv[i].value.cb, &lids[i]);
        if (err < 0) {
            for (size_t j = 0; j < i; j++)
                if (p->separate[j])
                    lv_delete(t, lids[j]);
            return err;
        }
    }
    return JET_errSuccess;
}

static void pending_drop_lvs(ese_table *t, pending *p, const uint32_t *lids)
{
    for (size_t i = 0; i < p->count; i++)
        if (p->separate[i])
            lv_delete(t, lids[i]);
}

/* The LID of column fid's (single) value if separated, else 0. */
static uint32_t separated_lid(ese_table *t, const uint8_t *rec, size_t cb, uint16_t fid)
{
    record_value v;
    if (record_get_column(&t->schema, rec, cb, fid, 1, &v) >= 0 && v.kind == RECORD_VALUE_SEPARATED &&
        v.cb_lid == 4)
        return (uint32_t)v.lid;
    return 0;
}

static JET_ERR insert_locked(ese_table *t, const db_value *values, size_t count)
{
    pending p;
    uint8_t *rec = NULL;
    size_t cb = 0;
    uint8_t key[DB_KEY_MOST];
    uint32_t cb_key = 0;
    uint32_t *lids = NULL;
    JET_ERR err = pending_init(t, values, count, &p);
    if (err < 0)
        return err;
    if ((err = pending_build(t, &p, NULL, 0, NULL, &rec, &cb)) < 0)
        goto done;
    if ((err = record_check_not_null(&t->schema, rec, cb, NULL)) < 0)
        goto done;
    if (t->has_primary) {
        if ((err = record_key(t, rec, cb, key, &cb_key)) < 0)
            goto done;
        size_t len = 0;
        err = bt_lookup(&t->tree, key, cb_key, NULL, 0, &len);
        if (err >= 0) {
            err = JET_errKeyDuplicate;
            goto done;
        }
        if (err != JET_errRecordNotFound)
            goto done;
    } else {
        be32_store(key, t->next_dbk);
        cb_key = 4;
    }
    if (!(lids = osal_calloc(count ? count : 1, sizeof *lids))) {
        err = JET_errOutOfMemory;
        goto done;
    }
    if ((err = pending_write_lvs(t, &p, lids)) < 0)
        goto done;
    osal_free(rec);
    rec = NULL;
    if ((err = pending_build(t, &p, NULL, 0, lids, &rec, &cb)) >= 0)
        err = bt_insert(&t->tree, key, cb_key, rec, cb);
    if (err < 0) {
        pending_drop_lvs(t, &p, lids);
        goto done;
    }
    if (!t->has_primary)
        t->next_dbk++;
done:
    osal_free(lids);
    osal_free(rec);
    pending_free(&p);
    return err;
}

JET_ERR db_insert(ese_table *t, const db_value *values, size_t count)
{
    if (t->db->read_only)
        return JET_errDatabaseFileReadOnly;
    pthread_mutex_lock(&t->db->lock);
    commit_begin_locked(t->db);
    JET_ERR err = commit_end_locked(t->db, insert_locked(t, values, count));
    pthread_mutex_unlock(&t->db->lock);
    return err;
}

static JET_ERR replace_locked(ese_table *t, const uint8_t *key, uint32_t cb_key,
                              const db_value *values, size_t count)
{
    uint8_t *old = NULL, *rec = NULL;
    size_t cb_old = 0, cb = 0;
    uint32_t *lids = NULL, *old_lids = NULL;
    pending p;
    JET_ERR err = lookup_alloc(&t->tree, key, cb_key, &old, &cb_old);
    if (err < 0)
        return err;
    if ((err = pending_init(t, values, count, &p)) < 0) {
        osal_free(old);
        return err;
    }
    if (!(lids = osal_calloc(count ? count : 1, sizeof *lids)) ||
        !(old_lids = osal_calloc(count ? count : 1, sizeof *old_lids))) {
        err = JET_errOutOfMemory;
        goto done;
    }
    for (size_t i = 0; i < count; i++) {
        bool dup = false;
        for (size_t j = 0; j < i; j++)
            dup |= values[j].fid == values[i].fid;
        if (!dup)
            old_lids[i] = separated_lid(t, old, cb_old, values[i].fid);
    }
    if ((err = pending_build(t, &p, old, cb_old, NULL, &rec, &cb)) < 0 ||
        (err = record_check_not_null(&t->schema, rec, cb, NULL)) < 0)
        goto done;
    if (t->has_primary) {
        uint8_t nkey[DB_KEY_MOST];
        uint32_t cb_nkey = 0;
        if ((err = record_key(t, rec, cb, nkey, &cb_nkey)) < 0)
            goto done;
        if (cb_nkey != cb_key || memcmp(nkey, key, cb_key)) {
            err = JET_errRecordPrimaryChanged;
            goto done;
        }
    }
    if ((err = pending_write_lvs(t, &p, lids)) < 0)
        goto done;
    osal_free(rec);
    rec = NULL;
    if ((err = pending_build(t, &p, old, cb_old, lids, &rec, &cb)) >= 0)
        err = bt_replace(&t->tree, key, cb_key, rec, cb);
    if (err < 0) {
        pending_drop_lvs(t, &p, lids);
        goto done;
    }
    /* The row is replaced: a failure to delete an old value only orphans it (leaked LV
     * space, as ESE's orphaned LVs), it does not undo the replace. */
    for (size_t i = 0; i < count; i++)
        if (old_lids[i])
            lv_delete(t, old_lids[i]);
    err = JET_errSuccess;
done:
    osal_free(lids);
    osal_free(old_lids);
    osal_free(rec);
    osal_free(old);
    pending_free(&p);
    return err;
}

JET_ERR db_replace(ese_table *t, const uint8_t *key, uint32_t cb_key, const db_value *values,
                   size_t count)
{
    if (t->db->read_only)
        return JET_errDatabaseFileReadOnly;
    pthread_mutex_lock(&t->db->lock);
    commit_begin_locked(t->db);
    JET_ERR err = commit_end_locked(t->db, replace_locked(t, key, cb_key, values, count));
    pthread_mutex_unlock(&t->db->lock);
    return err;
}

static JET_ERR delete_locked(ese_table *t, const uint8_t *key, uint32_t cb_key)
{
    uint8_t *old = NULL;
    size_t cb_old = 0;
    JET_ERR err = lookup_alloc(&t->tree, key, cb_key, &old, &cb_old);
    if (err < 0)
        return err;
    if ((err = bt_delete(&t->tree, key, cb_key)) >= 0) {
        uint16_t fid = 0;
        while (record_next_tagged(&t->schema, old, cb_old, fid, &fid) >= 0) {
            uint32_t n = 0;
            if (record_count_values(&t->schema, old, cb_old, fid, &n) < 0)
                continue;
            for (uint32_t i = 1; i <= n; i++) {
                record_value v;
                if (record_get_column(&t->schema, old, cb_old, fid, i, &v) >= 0 &&
                    v.kind == RECORD_VALUE_SEPARATED && v.cb_lid == 4)
                    lv_delete(t, (uint32_t)v.lid); /* a failure orphans the value only */
            }
        }
    }
    osal_free(old);
    return err;
}

JET_ERR db_delete(ese_table *t, const uint8_t *key, uint32_t cb_key)
{
    if (t->db->read_only)
        return JET_errDatabaseFileReadOnly;
    pthread_mutex_lock(&t->db->lock);
    commit_begin_locked(t->db);
    JET_ERR err = commit_end_locked(t->db, delete_locked(t, key, cb_key));
    pthread_mutex_unlock(&t->db->lock);
    return err;
}

JET_ERR table_make_key(ese_table *t, const db_value *values, size_t count, uint8_t *key,
                       uint32_t *cb_key)
{
    if (!t->has_primary) {
        if (count < 1 || !values[0].data || values[0].cb != 4)
            return JET_errInvalidParameter;
        be32_store(key, ese_load_u32(values[0].data));
        *cb_key = 4;
        return JET_errSuccess;
    }
    /* through a record, so that padding and Bit normalization match what insert does */
    size_t n = 0;
    db_value *kv = osal_calloc(t->key_count, sizeof *kv);
    if (!kv)
        return JET_errOutOfMemory;
    for (size_t i = 0; i < count; i++)
        for (uint32_t k = 0; k < t->key_count; k++)
            if (values[i].fid == t->key_fids[k] && n < t->key_count)
                kv[n++] = values[i];
    pending p;
    uint8_t *rec = NULL;
    size_t cb = 0;
    JET_ERR err = pending_init(t, kv, n, &p);
    if (err >= 0) {
        if ((err = pending_build(t, &p, NULL, 0, NULL, &rec, &cb)) >= 0)
            err = record_key(t, rec, cb, key, cb_key);
        pending_free(&p);
    }
    osal_free(rec);
    osal_free(kv);
    return err;
}

static JET_ERR retrieve_locked(ese_table *t, const uint8_t *rec, size_t cb, uint16_t fid,
                               uint8_t **pdata, uint32_t *pcb)
{
    record_value v;
    *pdata = NULL;
    *pcb = 0;
    JET_ERR err = record_get_column(&t->schema, rec, cb, fid, 1, &v);
    if (err < 0)
        return err;
    switch (v.kind) {
    case RECORD_VALUE_ABSENT:
    case RECORD_VALUE_NULL:
        return JET_wrnColumnNull;
    case RECORD_VALUE_SEPARATED:
        return lv_read(t, v.lid, pdata, pcb);
    case RECORD_VALUE_DATA:
        if (v.compressed) {
            uint32_t full = 0;
            record_decompress(v.data, v.cb, NULL, 0, &full);
            uint8_t *out = osal_malloc(full ? full : 1);
            if (!out)
                return JET_errOutOfMemory;
            if ((err = record_decompress(v.data, v.cb, out, full, &full)) < 0) {
                osal_free(out);
                return err;
            }
            *pdata = out;
            *pcb = full;
            return JET_errSuccess;
        }
        if (v.cb) {
            if (!(*pdata = osal_malloc(v.cb)))
                return JET_errOutOfMemory;
            memcpy(*pdata, v.data, v.cb);
            *pcb = v.cb;
        }
        return JET_errSuccess;
    }
    return JET_errDatabaseCorrupted;
}

JET_ERR table_retrieve(ese_table *t, const uint8_t *rec, size_t cb, uint16_t fid, uint8_t **pdata,
                       uint32_t *pcb)
{
    pthread_mutex_lock(&t->db->lock);
    JET_ERR err = retrieve_locked(t, rec, cb, fid, pdata, pcb);
    pthread_mutex_unlock(&t->db->lock);
    return err;
}

JET_ERR db_lookup(ese_table *t, const uint8_t *key, uint32_t cb_key, uint8_t **prec, size_t *pcb)
{
    pthread_mutex_lock(&t->db->lock);
    JET_ERR err = lookup_alloc(&t->tree, key, cb_key, prec, pcb);
    pthread_mutex_unlock(&t->db->lock);
    return err;
}

/* ---- cursors ------------------------------------------------------------------------------ */

JET_ERR db_cursor_open(ese_table *t, db_cursor **pcursor)
{
    db_cursor *c = osal_calloc(1, sizeof *c);
    if (!c)
        return JET_errOutOfMemory;
    c->t = t;
    bt_cursor_init(&c->bc, &t->tree);
    *pcursor = c;
    return JET_errSuccess;
}

void db_cursor_close(db_cursor *c)
{
    if (!c)
        return;
    bt_cursor_release(&c->bc);
    osal_free(c->key);
    osal_free(c->rec);
    osal_free(c);
}

static JET_ERR cursor_after_move(db_cursor *c, JET_ERR err)
{
    c->have = false;
    if (err < 0)
        return err;
    JET_ERR e2 = cursor_fetch(&c->bc, &c->key, &c->cap_key, &c->cb_key, &c->rec, &c->cap_rec, &c->cb_rec);
    if (e2 < 0)
        return e2;
    c->have = true;
    return err;
}

#define CURSOR_OP(call)                                                                       \
    do {                                                                                      \
        pthread_mutex_lock(&c->t->db->lock);                                                  \
        JET_ERR err_ = cursor_after_move(c, (call));                                          \
        pthread_mutex_unlock(&c->t->db->lock);                                                \
        return err_;                                                                          \
    } while (0)

JET_ERR db_cursor_first(db_cursor *c) { CURSOR_OP(bt_cursor_first(&c->bc)); }
JET_ERR db_cursor_last(db_cursor *c) { CURSOR_OP(bt_cursor_last(&c->bc)); }
JET_ERR db_cursor_next(db_cursor *c) { CURSOR_OP(bt_cursor_next(&c->bc)); }
JET_ERR db_cursor_prev(db_cursor *c) { CURSOR_OP(bt_cursor_prev(&c->bc)); }
JET_ERR db_cursor_seek(db_cursor *c, const uint8_t *key, uint32_t cb_key, bt_seek_mode mode)
{
    CURSOR_OP(bt_cursor_seek(&c->bc, key, cb_key, mode));
}

JET_ERR db_cursor_row(db_cursor *c, const uint8_t **pkey, uint32_t *pcb_key, const uint8_t **prec,
                      size_t *pcb_rec)
{
    if (!c->have)
        return JET_errNoCurrentRecord;
    pthread_mutex_lock(&c->t->db->lock);
    /* still there? (a delete through another handle of the same table) */
    JET_ERR err = bt_cursor_get(&c->bc, NULL, 0, NULL, NULL, 0, NULL);
    pthread_mutex_unlock(&c->t->db->lock);
    if (err < 0)
        return err;
    if (pkey)
        *pkey = c->key;
    if (pcb_key)
        *pcb_key = (uint32_t)c->cb_key;
    if (prec)
        *prec = c->rec;
    if (pcb_rec)
        *pcb_rec = c->cb_rec;
    return JET_errSuccess;
}

JET_ERR db_cursor_retrieve(db_cursor *c, uint16_t fid, uint8_t **pdata, uint32_t *pcb)
{
    if (!c->have)
        return JET_errNoCurrentRecord;
    return table_retrieve(c->t, c->rec, c->cb_rec, fid, pdata, pcb);
}
