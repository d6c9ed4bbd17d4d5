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
#include "trx.h"

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
    /* what a commit may advance, put back when its batch is discarded (save_state_locked) */
    uint32_t saved_lv_objid, saved_lv_fdp, saved_next_lid;
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
    uint32_t saved_objid_last;
    /* transactions (trx.h): row states by trx key (write locks, versions kept for snapshots),
     * long values kept for snapshots after a commit deleted them, both oldest first */
    ese_omap rows;
    struct db_version *vhead, *vtail;
    ese_omap retained;
    struct db_retained *rhead, *rtail;
    uint32_t trx_refs;          /* open transactions with a write set here */
    uint64_t generation;        /* bumped by every staged, committed or undone change */
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

static void versions_free_all(ese_database *db);

static void db_free(ese_database *db)
{
    if (!db)
        return;
    versions_free_all(db);
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
 * Every change reaches the pages as one commit: a transaction's write sets at its level-0
 * commit, an update outside a transaction as an implicit transaction of one row, a schema
 * change on its own.  The pages a commit changes are collected as one buffer-manager change
 * batch per database; with a log, their after-images and then ONE commit record are appended
 * (one commit unit: recovery applies the images only when it meets that record), and the pages
 * may reach the file only once the log is durable past the record (no-steal, bufmgr.h).  The
 * latch is released before waiting for durability, so the commits of several sessions share
 * an fsync (group commit, log_flush).  Images and commit records of all databases are appended
 * under one process-wide lock, so the images recovery holds when it meets a commit record are
 * exactly that commit's.  A commit that fails before its record is appended is discarded from
 * the cache (the file never saw it) and the in-memory counters it advanced are put back.
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

/* A page write failed while the buffer manager evicted it: the instance stops, as after a
 * failed write of the checkpointer (checkpointer.c) or of the log. */
static void log_fail_hook(void *context)
{
    log_fail((ese_log *)context);
}

static void bump_generation(ese_database *db)
{
    __atomic_add_fetch(&db->generation, 1, __ATOMIC_ACQ_REL);
}

uint64_t db_generation(const ese_database *db)
{
    return __atomic_load_n(&db->generation, __ATOMIC_ACQUIRE);
}

/* What a commit may advance in memory (a new LV tree, the next LID, objidLast), put back when
 * its batch is discarded: the pages those numbers describe are discarded with it. */
static void save_state_locked(ese_database *db)
{
    db->saved_objid_last = db->objid_last;
    for (size_t i = 0; i < db->table_count; i++) {
        ese_table *t = db->tables[i];
        t->saved_lv_objid = t->lv_objid;
        t->saved_lv_fdp = t->lv_fdp;
        t->saved_next_lid = t->next_lid;
    }
}

static void restore_state_locked(ese_database *db)
{
    db->objid_last = db->saved_objid_last;
    for (size_t i = 0; i < db->table_count; i++) {
        ese_table *t = db->tables[i];
        t->lv_objid = t->saved_lv_objid;
        t->lv_fdp = t->saved_lv_fdp;
        t->next_lid = t->saved_next_lid;
        if (!t->lv_fdp)
            memset(&t->lv_tree, 0, sizeof t->lv_tree);
    }
}

struct db_version;
struct db_retained;

/* One database taking part in a commit. */
typedef struct {
    ese_database *db;
    trx_dbset *set;                 /* the write set applied (NULL: a schema change) */
    struct db_version *vmark;       /* the newest version and retained value before it */
    struct db_retained *rmark;
    const bm_changed_page *pages;   /* its batch, once ended */
    size_t count;
} commit_db;

/* Log the open batches of cd[0..n) as one commit unit -- every page image, then one commit
 * record -- and give their pages the log positions they must wait for.  On failure nothing is
 * handed over: the caller discards every batch.  *pend: just past the commit record (0 when
 * nothing was logged). */
static JET_ERR log_batches_locked(commit_db *cd, size_t n, ese_log **plog, log_lsn *pend)
{
    *plog = NULL;
    *pend = 0;
    ese_log *log = NULL;
    size_t total = 0;
    JET_ERR err = JET_errSuccess;
    for (size_t i = 0; i < n && err >= 0; i++) {
        if (cd[i].db->log)
            log = cd[i].db->log;
        err = bm_batch_end(cd[i].db->bm, &cd[i].pages, &cd[i].count);
        total += cd[i].count;
    }
    if (err < 0)
        return err;
    log_lsn first = 0, end = 0;
    if (log && total) {
        bool have_first = false;
        pthread_mutex_lock(&g_commit_append_lock);
        for (size_t i = 0; i < n && err >= 0; i++) {
            ese_database *db = cd[i].db;
            if (!db->log)
                continue;
            for (size_t j = 0; j < cd[i].count && err >= 0; j++) {
                log_lsn start = 0;
                err = log_append_page_image(log, db->dbid, cd[i].pages[j].pgno,
                                            cd[i].pages[j].dbtime, cd[i].pages[j].image,
                                            db->page_size, &start, NULL);
                if (!have_first) {
                    first = start;
                    have_first = true;
                }
            }
        }
        if (err >= 0)
            err = log_append_commit(log, g_next_trxid++, &end);
        pthread_mutex_unlock(&g_commit_append_lock);
        if (err < 0)
            return err; /* the log is dead (log.h): nothing of this commit may reach the file */
    }
    for (size_t i = 0; i < n; i++)
        bm_batch_logged(cd[i].db->bm, first, end);
    *plog = end ? log : NULL;
    *pend = end;
    return JET_errSuccess;
}

/* A schema change is its own commit (also inside a transaction: transactions.md). */
static void begin_batch_locked(ese_database *db)
{
    save_state_locked(db);
    bm_batch_begin(db->bm);
}

/* End a schema change: log its batch when err >= 0, else (or when logging fails) discard it.
 * The caller waits for *pend to be durable after releasing the latch. */
static JET_ERR end_batch_locked(ese_database *db, JET_ERR err, ese_log **plog, log_lsn *pend)
{
    *plog = NULL;
    *pend = 0;
    if (err >= 0) {
        commit_db cd = {.db = db};
        JET_ERR log_err = log_batches_locked(&cd, 1, plog, pend);
        if (log_err < 0)
            err = log_err;
    }
    if (err < 0) {
        bm_batch_discard(db->bm);
        restore_state_locked(db);
    } else {
        bump_generation(db);
    }
    return err;
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
    bm_log_hooks hooks = {log, log_durable_hook, log_flush_hook, log_fail_hook};
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
    begin_batch_locked(db);
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
    if (!t || !(t->name = osal_strdup(def->name))) {
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
        if (!(t->index_name = osal_strdup(def->primary_index))) {
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
    ese_log *log = NULL;
    log_lsn end = 0;
    err = end_batch_locked(db, err, &log, &end);
    pthread_mutex_unlock(&db->lock);
    if (err >= 0 && log)
        err = log_flush(log, end); /* durable, waited for without the latch */
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
 * their (transient) LIDs from lids[] (or a placeholder when lids is NULL).  On JET_errRecordTooBig the
 * largest value still intrinsic in a long-value column is marked separated and the build is
 * tried again. */
static JET_ERR pending_build(ese_table *t, pending *p, const uint8_t *base, size_t cb_base,
                             const uint64_t *lids, uint8_t **prec, size_t *pcb)
{
    for (;;) {
        for (size_t i = 0; i < p->count; i++) {
            if (p->separate[i]) {
                p->bv[i].value.flags |= RECORD_SET_SEPARATED;
                /* the placeholder has a transient LID's size (8 bytes), so a record that fits
                 * with it fits once staged, and with the real 4-byte LID at commit */
                p->bv[i].value.lid = lids ? lids[i] : TRX_LID_BASE;
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

/* ---- separated values of a record ---------------------------------------------------------- */

typedef struct {
    uint16_t fid;
    uint32_t itag;
    uint64_t lid;
    uint8_t cb_lid;
} sep_value;

/* Every separated long value a record names (osal_malloc'd array, NULL when none). */
static JET_ERR separated_values(ese_table *t, const uint8_t *rec, size_t cb, sep_value **pvals,
                                size_t *pcount)
{
    *pvals = NULL;
    *pcount = 0;
    sep_value *vals = NULL;
    size_t count = 0, cap = 0;
    uint16_t fid = 0;
    while (record_next_tagged(&t->schema, rec, cb, fid, &fid) >= 0) {
        const db_column *c = column_by_fid(t, fid);
        if (!c || !record_coltyp_is_long_value(c->coltyp))
            continue;
        uint32_t n = 0;
        JET_ERR err = record_count_values(&t->schema, rec, cb, fid, &n);
        if (err < 0) {
            osal_free(vals);
            return err;
        }
        for (uint32_t i = 1; i <= n; i++) {
            record_value v;
            if ((err = record_get_column(&t->schema, rec, cb, fid, i, &v)) < 0) {
                osal_free(vals);
                return err;
            }
            if (v.kind != RECORD_VALUE_SEPARATED)
                continue;
            if (count == cap) {
                size_t grown_cap = cap ? cap * 2 : 4;
                sep_value *grown = osal_malloc(grown_cap * sizeof *grown);
                if (!grown) {
                    osal_free(vals);
                    return JET_errOutOfMemory;
                }
                if (count)
                    memcpy(grown, vals, count * sizeof *grown);
                osal_free(vals);
                vals = grown;
                cap = grown_cap;
            }
            vals[count++] = (sep_value){fid, i, v.lid, v.cb_lid};
        }
    }
    *pvals = vals;
    *pcount = count;
    return JET_errSuccess;
}

static bool names_lid(const sep_value *vals, size_t count, uint64_t lid)
{
    for (size_t i = 0; i < count; i++)
        if (vals[i].lid == lid)
            return true;
    return false;
}

/* The size of a separated value in the LV tree (0 when it cannot be read: an estimate only). */
static uint64_t lv_size_of(ese_table *t, uint64_t lid)
{
    uint8_t key[LV_KEY_MOST], rootd[16];
    size_t cb_root = 0;
    uint32_t kl = t->lv_fdp ? lv_make_root_key(lid, key) : 0;
    lv_root root;
    if (!kl || bt_lookup(&t->lv_tree, key, kl, rootd, sizeof rootd, &cb_root) != JET_errSuccess ||
        lv_root_decode(rootd, cb_root, &root) < 0)
        return 0;
    return root.size;
}

/* Bytes of the long values in the LV tree that `rec` names and `kept` (NULL: nothing) does
 * not: what replacing rec by kept deletes. */
static JET_ERR dropped_lv_bytes(ese_table *t, const uint8_t *rec, size_t cb, const uint8_t *kept,
                                size_t cb_kept, uint64_t *pbytes)
{
    sep_value *old = NULL, *now = NULL;
    size_t n_old = 0, n_now = 0;
    *pbytes = 0;
    JET_ERR err = separated_values(t, rec, cb, &old, &n_old);
    if (err >= 0 && kept)
        err = separated_values(t, kept, cb_kept, &now, &n_now);
    for (size_t i = 0; err >= 0 && i < n_old; i++)
        if (!trx_lid_is_transient(old[i].lid) && !names_lid(now, n_now, old[i].lid))
            *pbytes += lv_size_of(t, old[i].lid);
    osal_free(old);
    osal_free(now);
    return err;
}

/* ---- row states: write locks, versions, retained long values (snapshot isolation) ----------- */

typedef struct db_version db_version;

/* A row that a transaction holds the write lock of, or whose earlier states some snapshot may
 * still read.  Kept in db->rows by trx key while it has either. */
typedef struct db_rowstate {
    const ese_trx *owner;           /* the transaction holding the write lock, or NULL */
    db_version *oldest, *newest;    /* committed changes, oldest first */
    uint32_t cb_key;
    uint8_t key[];                  /* its trx key */
} db_rowstate;

/* The state of a row before one commit changed it: what snapshots older than it see. */
struct db_version {
    uint64_t ts;                    /* the commit's timestamp */
    bool existed;                   /* the row existed before the commit */
    uint8_t *before;                /* existed: its record then */
    size_t cb_before;
    db_version *row_older, *row_newer;
    db_version *next;               /* the next version kept on this database (oldest first) */
    db_rowstate *row;
};

/* A long value a commit deleted from the LV tree while a snapshot may still read a record
 * naming it (LIDs are never reused while the database is open). */
typedef struct db_retained {
    uint64_t ts;                    /* the deleting commit */
    uint8_t *data;
    uint32_t cb;
    struct db_retained *next;       /* oldest first */
    uint8_t key[12];                /* BE32 objid, BE64 lid */
} db_retained;

static void retained_key(uint32_t objid, uint64_t lid, uint8_t key[12])
{
    be32_store(key, objid);
    be32_store(key + 4, (uint32_t)(lid >> 32));
    be32_store(key + 8, (uint32_t)lid);
}

static db_rowstate *row_find_locked(ese_database *db, const uint8_t *ck, uint32_t cb_ck)
{
    omap_node *n = omap_find(&db->rows, ck, cb_ck);
    return n ? n->value : NULL;
}

static void row_forget_if_idle_locked(ese_database *db, db_rowstate *rs)
{
    if (rs->owner || rs->oldest)
        return;
    omap_remove(&db->rows, rs->key, rs->cb_key);
    osal_free(rs);
}

static JET_ERR row_lock_locked(ese_database *db, const ese_trx *trx, const uint8_t *ck,
                               uint32_t cb_ck)
{
    db_rowstate *rs = row_find_locked(db, ck, cb_ck);
    if (!rs) {
        rs = osal_calloc(1, sizeof *rs + cb_ck);
        if (!rs)
            return JET_errOutOfMemory;
        rs->cb_key = cb_ck;
        memcpy(rs->key, ck, cb_ck);
        JET_ERR err = omap_insert(&db->rows, ck, cb_ck, rs);
        if (err < 0) {
            osal_free(rs);
            return err;
        }
    }
    rs->owner = trx;
    return JET_errSuccess;
}

static void row_unlock_locked(ese_database *db, const ese_trx *trx, const uint8_t *ck,
                              uint32_t cb_ck)
{
    db_rowstate *rs = row_find_locked(db, ck, cb_ck);
    if (rs && rs->owner == trx) {
        rs->owner = NULL;
        row_forget_if_idle_locked(db, rs);
    }
}

/* ESENT's write conflict: the first transaction to update a row holds its write lock until it
 * commits or rolls back, and a transaction may not update a row another one committed after
 * it began (its snapshot would hide that change).  The second updater fails at once. */
static JET_ERR row_check_conflict_locked(ese_database *db, const ese_trx *trx, const uint8_t *ck,
                                         uint32_t cb_ck)
{
    db_rowstate *rs = row_find_locked(db, ck, cb_ck);
    if (!rs)
        return JET_errSuccess;
    if (rs->owner && rs->owner != trx)
        return JET_errWriteConflict;
    if (!trx->implicit && rs->newest && rs->newest->ts > trx->snapshot)
        return JET_errWriteConflict;
    return JET_errSuccess;
}

/* Keep the state of row ck before commit ts.  Takes `before` on success only. */
static JET_ERR version_add_locked(ese_database *db, const uint8_t *ck, uint32_t cb_ck,
                                  uint64_t ts, bool existed, uint8_t *before, size_t cb_before)
{
    db_rowstate *rs = row_find_locked(db, ck, cb_ck);
    if (!rs)
        return JET_errInvalidParameter; /* the committer holds the row's lock: it exists */
    db_version *v = osal_calloc(1, sizeof *v);
    if (!v)
        return JET_errOutOfMemory;
    v->ts = ts;
    v->existed = existed;
    v->before = before;
    v->cb_before = cb_before;
    v->row = rs;
    v->row_older = rs->newest;
    if (rs->newest)
        rs->newest->row_newer = v;
    else
        rs->oldest = v;
    rs->newest = v;
    if (db->vtail)
        db->vtail->next = v;
    else
        db->vhead = v;
    db->vtail = v;
    return JET_errSuccess;
}

/* Copy a long value out of the LV tree before commit ts deletes it. */
static JET_ERR retain_lv_locked(ese_database *db, ese_table *t, uint64_t lid, uint64_t ts)
{
    uint8_t key[12];
    retained_key(t->objid, lid, key);
    if (omap_find(&db->retained, key, sizeof key))
        return JET_errSuccess;
    db_retained *r = osal_calloc(1, sizeof *r);
    if (!r)
        return JET_errOutOfMemory;
    JET_ERR err = lv_read(t, lid, &r->data, &r->cb);
    if (err == JET_errLVCorrupted) { /* not there to delete either: nothing to keep */
        osal_free(r);
        return JET_errSuccess;
    }
    if (err >= 0)
        err = omap_insert(&db->retained, key, sizeof key, r);
    if (err < 0) {
        osal_free(r->data);
        osal_free(r);
        return err;
    }
    r->ts = ts;
    memcpy(r->key, key, sizeof key);
    if (db->rtail)
        db->rtail->next = r;
    else
        db->rhead = r;
    db->rtail = r;
    return JET_errSuccess;
}

/* Drop every version and retained value no open snapshot can see: those of commits at or
 * below `below` (the oldest open snapshot). */
static void gc_locked(ese_database *db, uint64_t below)
{
    while (db->vhead && db->vhead->ts <= below) {
        db_version *v = db->vhead;
        db->vhead = v->next;
        db_rowstate *rs = v->row;
        rs->oldest = v->row_newer; /* the oldest kept is its row's oldest too */
        if (rs->oldest)
            rs->oldest->row_older = NULL;
        else
            rs->newest = NULL;
        osal_free(v->before);
        osal_free(v);
        row_forget_if_idle_locked(db, rs);
    }
    if (!db->vhead)
        db->vtail = NULL;
    while (db->rhead && db->rhead->ts <= below) {
        db_retained *r = db->rhead;
        db->rhead = r->next;
        omap_remove(&db->retained, r->key, sizeof r->key);
        osal_free(r->data);
        osal_free(r);
    }
    if (!db->rhead)
        db->rtail = NULL;
}

/* Forget the versions and retained values added after the marks (a commit that failed). */
static void versions_truncate_locked(ese_database *db, db_version *vmark, db_retained *rmark)
{
    db_version *v = vmark ? vmark->next : db->vhead;
    while (v) {
        db_version *next = v->next;
        db_rowstate *rs = v->row;
        rs->newest = v->row_older; /* it is its row's newest */
        if (rs->newest)
            rs->newest->row_newer = NULL;
        else
            rs->oldest = NULL;
        osal_free(v->before);
        osal_free(v);
        row_forget_if_idle_locked(db, rs);
        v = next;
    }
    if (vmark)
        vmark->next = NULL;
    else
        db->vhead = NULL;
    db->vtail = vmark;
    db_retained *r = rmark ? rmark->next : db->rhead;
    while (r) {
        db_retained *next = r->next;
        omap_remove(&db->retained, r->key, sizeof r->key);
        osal_free(r->data);
        osal_free(r);
        r = next;
    }
    if (rmark)
        rmark->next = NULL;
    else
        db->rhead = NULL;
    db->rtail = rmark;
}

static void free_rowstate(void *context, omap_node *n)
{
    (void)context;
    osal_free(n->value);
}

static void versions_free_all(ese_database *db)
{
    gc_locked(db, UINT64_MAX);
    omap_walk(&db->rows, free_rowstate, NULL); /* locks of transactions never ended */
    omap_clear(&db->rows);
    omap_clear(&db->retained);
}

/* ---- views: what a session reads ---------------------------------------------------------------
 *
 * Outside a transaction a session reads the committed trees.  Inside one it reads its own
 * write set first, then the database as of its snapshot: a row some commit after the snapshot
 * changed reads as that commit's first version kept (its state before), anything else as the
 * tree holds it. */

typedef struct {
    const ese_trx *trx;         /* for transient long values */
    const ese_omap *ws;         /* the session's own write set on this database, or NULL */
    bool snapshot;
    uint64_t s;
} db_view;

static void view_init(db_view *v, ese_database *db, ese_trx *trx)
{
    memset(v, 0, sizeof *v);
    v->trx = trx;
    if (trx && trx->level > 0 && !trx->implicit) {
        v->snapshot = true;
        v->s = trx->snapshot;
        trx_dbset *set = trx_dbset_find(trx, db);
        if (set && set->ws.count)
            v->ws = &set->ws;
    }
}

/* The state of row ck in view v, given the tree's record for it (NULL: the tree has none).
 * *prec points into memory valid while the latch is held. */
static bool view_resolve_locked(ese_database *db, const db_view *v, const uint8_t *ck,
                                uint32_t cb_ck, const uint8_t *tree_rec, size_t tree_cb,
                                const uint8_t **prec, size_t *pcb)
{
    if (v->ws) {
        omap_node *n = omap_find(v->ws, ck, cb_ck);
        const trx_entry *e = n ? n->value : NULL;
        if (e && !e->lock_only) {
            *prec = e->rec;
            *pcb = e->cb_rec;
            return e->present;
        }
    }
    if (v->snapshot && db->vhead) {
        db_rowstate *rs = row_find_locked(db, ck, cb_ck);
        for (db_version *ver = rs ? rs->oldest : NULL; ver; ver = ver->row_newer)
            if (ver->ts > v->s) {
                *prec = ver->before;
                *pcb = ver->cb_before;
                return ver->existed;
            }
    }
    *prec = tree_rec;
    *pcb = tree_cb;
    return tree_rec != NULL;
}

static JET_ERR view_lookup_locked(ese_table *t, const db_view *v, const uint8_t *key,
                                  uint32_t cb_key, uint8_t **prec, size_t *pcb)
{
    uint8_t *tree = NULL;
    size_t cb_tree = 0;
    *prec = NULL;
    JET_ERR err = lookup_alloc(&t->tree, key, cb_key, &tree, &cb_tree);
    if (err < 0 && err != JET_errRecordNotFound)
        return err;
    if (cb_key > DB_KEY_MOST) {
        osal_free(tree);
        return JET_errRecordNotFound;
    }
    uint8_t ck[TRX_KEY_MOST];
    uint32_t cb_ck = trx_make_key(t->objid, key, cb_key, ck);
    const uint8_t *rec;
    size_t cb;
    if (!view_resolve_locked(t->db, v, ck, cb_ck, tree, cb_tree, &rec, &cb)) {
        osal_free(tree);
        return JET_errRecordNotFound;
    }
    if (rec == tree) {
        *prec = tree;
        *pcb = cb_tree;
        return JET_errSuccess;
    }
    osal_free(tree);
    uint8_t *copy = osal_malloc(cb ? cb : 1);
    if (!copy)
        return JET_errOutOfMemory;
    memcpy(copy, rec, cb);
    *prec = copy;
    *pcb = cb;
    return JET_errSuccess;
}

/* A long value as view v sees it: the transaction's own (transient LID), a copy kept for
 * snapshots after a commit deleted it, or the LV tree's. */
static JET_ERR lv_read_view(ese_table *t, const ese_trx *trx, uint64_t lid, uint8_t **pdata,
                            uint32_t *pcb)
{
    const uint8_t *src = NULL;
    uint32_t cb = 0;
    if (trx_lid_is_transient(lid)) {
        const trx_blob *b = trx_blob_of(trx, lid);
        if (!b)
            return JET_errLVCorrupted;
        src = b->data;
        cb = b->cb;
    } else if (t->db->retained.count) {
        uint8_t key[12];
        retained_key(t->objid, lid, key);
        omap_node *n = omap_find(&t->db->retained, key, sizeof key);
        if (!n)
            return lv_read(t, lid, pdata, pcb);
        const db_retained *r = n->value;
        src = r->data;
        cb = r->cb;
    } else {
        return lv_read(t, lid, pdata, pcb);
    }
    *pdata = NULL;
    *pcb = cb;
    if (cb) {
        if (!(*pdata = osal_malloc(cb)))
            return JET_errOutOfMemory;
        memcpy(*pdata, src, cb);
    }
    return JET_errSuccess;
}

/* ---- staging: an update enters the write set ---------------------------------------------------- */

/* Pages a change of `bytes` may touch at commit: its leaf, plus a page per half page of data
 * (pages split half full) -- the write-set limit's unit (DESIGN.md "Transactions"). */
static uint64_t pages_for(const ese_database *db, uint64_t bytes)
{
    uint64_t half = db->page_size / 2;
    return 1 + (bytes + half - 1) / half;
}

/* The row an update starts from: the transaction's staged entry for it, else -- after the
 * write-conflict checks -- the committed row (which, without a conflict, is the row as of the
 * snapshot). */
typedef struct {
    const uint8_t *rec;     /* NULL: no such row */
    size_t cb_rec;
    uint8_t *owned;         /* rec when read from the tree */
} base_row;

static JET_ERR base_row_locked(ese_table *t, ese_trx *trx, const uint8_t *ck, uint32_t cb_ck,
                               base_row *r)
{
    memset(r, 0, sizeof *r);
    trx_dbset *set = trx_dbset_find(trx, t->db);
    omap_node *n = set ? omap_find(&set->ws, ck, cb_ck) : NULL;
    const trx_entry *e = n ? n->value : NULL;
    if (e && !e->lock_only) {
        if (e->present) {
            r->rec = e->rec;
            r->cb_rec = e->cb_rec;
        }
        return JET_errSuccess;
    }
    /* Without a lock the row may have changed since the snapshot (a conflict); with one
     * (JET_prepReplace took it) nobody could change it since, and the tree is the snapshot. */
    JET_ERR err = e ? JET_errSuccess : row_check_conflict_locked(t->db, trx, ck, cb_ck);
    if (err < 0)
        return err;
    err = lookup_alloc(&t->tree, ck + 4, cb_ck - 4, &r->owned, &r->cb_rec);
    if (err == JET_errRecordNotFound)
        return JET_errSuccess;
    if (err < 0)
        return err;
    r->rec = r->owned;
    return JET_errSuccess;
}

/* Put `fresh` in the write set under ck: take the row's write lock the first time, keep the
 * entry it replaces for the save point's rollback, enforce the write-set limit.  Takes fresh
 * on success; changes nothing on failure. */
static JET_ERR install_locked(ese_table *t, ese_trx *trx, const uint8_t *ck, uint32_t cb_ck,
                              trx_entry *fresh)
{
    ese_database *db = t->db;
    trx_dbset *set;
    JET_ERR err = trx_dbset_get(trx, db, &set);
    if (err < 0)
        return err;
    size_t index = (size_t)(set - trx->dbs);
    omap_node *n = omap_find(&set->ws, ck, cb_ck);
    trx_entry *old = n ? n->value : NULL;
    uint64_t charge = trx->charge - (old ? old->charge : 0) + fresh->charge;
    if (charge > trx->limit)
        return JET_errVersionStoreOutOfMemory;
    fresh->savepoint = trx_savepoint(trx);
    if (!old) {
        if ((err = row_lock_locked(db, trx, ck, cb_ck)) < 0)
            return err;
        if (!trx->implicit && (err = trx_push_undo(trx, index, ck, cb_ck, NULL)) < 0) {
            row_unlock_locked(db, trx, ck, cb_ck);
            return err;
        }
        if ((err = omap_insert(&set->ws, ck, cb_ck, fresh)) < 0) {
            if (!trx->implicit)
                trx_drop_last_undo(trx);
            row_unlock_locked(db, trx, ck, cb_ck);
            return err;
        }
        if (!set->referenced) {
            set->referenced = true;
            db->trx_refs++;
        }
    } else if (old->savepoint != fresh->savepoint) {
        if ((err = trx_push_undo(trx, index, ck, cb_ck, old)) < 0)
            return err;
        n->value = fresh;
    } else {
        n->value = fresh;
        trx_entry_free(old);
    }
    trx->charge = charge;
    bump_generation(db);
    return JET_errSuccess;
}

/* Give every value that goes to the LV tree a transient LID (the transaction's blob). */
static JET_ERR stage_blobs(ese_trx *trx, const pending *p, uint64_t *lids, uint64_t *pbytes)
{
    *pbytes = 0;
    for (size_t i = 0; i < p->count; i++) {
        if (!p->separate[i])
            continue;
        JET_ERR err = trx_add_blob(trx, p->bv[i].value.data, p->bv[i].value.cb, !trx->implicit,
                                   &lids[i]);
        if (err < 0)
            return err;
        *pbytes += p->bv[i].value.cb;
    }
    return JET_errSuccess;
}

static JET_ERR new_entry(ese_table *t, bool present, uint8_t *rec, size_t cb_rec,
                         uint64_t charge, trx_entry **pentry)
{
    trx_entry *e = osal_calloc(1, sizeof *e);
    if (!e)
        return JET_errOutOfMemory;
    e->t = t;
    e->present = present;
    e->rec = rec;
    e->cb_rec = cb_rec;
    e->charge = charge;
    *pentry = e;
    return JET_errSuccess;
}

static JET_ERR stage_insert_locked(ese_table *t, ese_trx *trx, const db_value *values,
                                   size_t count, uint8_t *key, uint32_t *pcb_key)
{
    pending p;
    uint8_t *rec = NULL, *staged = NULL;
    size_t cb = 0, cb_staged = 0;
    uint64_t *lids = NULL, lv_bytes = 0;
    size_t blob_mark = trx->blob_count;
    base_row row = {0};
    trx_entry *fresh = NULL;
    uint8_t ck[TRX_KEY_MOST];
    uint32_t cb_ck = 0;
    JET_ERR err = pending_init(t, values, count, &p);
    if (err < 0)
        return err;
    if ((err = pending_build(t, &p, NULL, 0, NULL, &rec, &cb)) < 0 ||
        (err = record_check_not_null(&t->schema, rec, cb, NULL)) < 0)
        goto done;
    if (t->has_primary) {
        if ((err = record_key(t, rec, cb, key, pcb_key)) < 0)
            goto done;
    } else {
        be32_store(key, t->next_dbk);
        *pcb_key = 4;
    }
    cb_ck = trx_make_key(t->objid, key, *pcb_key, ck);
    if ((err = base_row_locked(t, trx, ck, cb_ck, &row)) < 0)
        goto done;
    if (row.rec) {
        err = JET_errKeyDuplicate;
        goto done;
    }
    if (!(lids = osal_calloc(count ? count : 1, sizeof *lids))) {
        err = JET_errOutOfMemory;
        goto done;
    }
    if ((err = stage_blobs(trx, &p, lids, &lv_bytes)) < 0 ||
        (err = pending_build(t, &p, NULL, 0, lids, &staged, &cb_staged)) < 0 ||
        (err = new_entry(t, true, staged, cb_staged, pages_for(t->db, cb_ck + cb_staged + lv_bytes),
                         &fresh)) < 0)
        goto done;
    staged = NULL;
    if ((err = install_locked(t, trx, ck, cb_ck, fresh)) < 0)
        goto done;
    fresh = NULL;
    if (!t->has_primary)
        t->next_dbk++;
done:
    if (err < 0)
        trx_truncate_blobs(trx, blob_mark);
    trx_entry_free(fresh);
    osal_free(staged);
    osal_free(rec);
    osal_free(lids);
    osal_free(row.owned);
    pending_free(&p);
    return err;
}

static JET_ERR stage_replace_locked(ese_table *t, ese_trx *trx, const uint8_t *key,
                                    uint32_t cb_key, const db_value *values, size_t count)
{
    pending p;
    uint8_t *rec = NULL, *staged = NULL;
    size_t cb = 0, cb_staged = 0;
    uint64_t *lids = NULL, lv_bytes = 0, dropped = 0;
    size_t blob_mark = trx->blob_count;
    base_row row = {0};
    trx_entry *fresh = NULL;
    uint8_t ck[TRX_KEY_MOST];
    if (cb_key > DB_KEY_MOST)
        return JET_errRecordNotFound;
    uint32_t cb_ck = trx_make_key(t->objid, key, cb_key, ck);
    JET_ERR err = pending_init(t, values, count, &p);
    if (err < 0)
        return err;
    if ((err = base_row_locked(t, trx, ck, cb_ck, &row)) < 0)
        goto done;
    if (!row.rec) {
        err = JET_errRecordNotFound;
        goto done;
    }
    if ((err = pending_build(t, &p, row.rec, row.cb_rec, NULL, &rec, &cb)) < 0 ||
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
    if (!(lids = osal_calloc(count ? count : 1, sizeof *lids))) {
        err = JET_errOutOfMemory;
        goto done;
    }
    if ((err = stage_blobs(trx, &p, lids, &lv_bytes)) < 0 ||
        (err = pending_build(t, &p, row.rec, row.cb_rec, lids, &staged, &cb_staged)) < 0 ||
        (err = dropped_lv_bytes(t, row.rec, row.cb_rec, staged, cb_staged, &dropped)) < 0 ||
        (err = new_entry(t, true, staged, cb_staged,
                         pages_for(t->db, cb_ck + cb_staged + lv_bytes + dropped), &fresh)) < 0)
        goto done;
    staged = NULL;
    if ((err = install_locked(t, trx, ck, cb_ck, fresh)) < 0)
        goto done;
    fresh = NULL;
done:
    if (err < 0)
        trx_truncate_blobs(trx, blob_mark);
    trx_entry_free(fresh);
    osal_free(staged);
    osal_free(rec);
    osal_free(lids);
    osal_free(row.owned);
    pending_free(&p);
    return err;
}

static JET_ERR stage_delete_locked(ese_table *t, ese_trx *trx, const uint8_t *key,
                                   uint32_t cb_key)
{
    base_row row;
    trx_entry *fresh = NULL;
    uint64_t dropped = 0;
    uint8_t ck[TRX_KEY_MOST];
    if (cb_key > DB_KEY_MOST)
        return JET_errRecordNotFound;
    uint32_t cb_ck = trx_make_key(t->objid, key, cb_key, ck);
    JET_ERR err = base_row_locked(t, trx, ck, cb_ck, &row);
    if (err < 0)
        return err;
    if (!row.rec)
        err = JET_errRecordNotFound;
    if (err >= 0)
        err = dropped_lv_bytes(t, row.rec, row.cb_rec, NULL, 0, &dropped);
    if (err >= 0)
        err = new_entry(t, false, NULL, 0, pages_for(t->db, cb_ck + dropped), &fresh);
    if (err >= 0 && (err = install_locked(t, trx, ck, cb_ck, fresh)) >= 0)
        fresh = NULL;
    trx_entry_free(fresh);
    osal_free(row.owned);
    return err;
}

/* ---- applying a write set at commit ------------------------------------------------------------ */

/* The record to store for a staged one: each transient LID replaced by the LID of its value,
 * written to the LV tree now.  *pout stays NULL when rec names no transient LID. */
static JET_ERR materialize_locked(ese_table *t, const ese_trx *trx, const uint8_t *rec, size_t cb,
                                  uint8_t **pout, size_t *pcb)
{
    sep_value *vals = NULL;
    size_t n = 0;
    *pout = NULL;
    JET_ERR err = separated_values(t, rec, cb, &vals, &n);
    uint8_t *cur = NULL;
    size_t cb_cur = cb;
    for (size_t i = 0; err >= 0 && i < n; i++) {
        if (!trx_lid_is_transient(vals[i].lid))
            continue;
        const trx_blob *b = trx_blob_of(trx, vals[i].lid);
        uint32_t lid = 0;
        if (!b) {
            err = JET_errLVCorrupted;
            break;
        }
        if ((err = lv_write(t, b->data, b->cb, &lid)) < 0)
            break;
        record_set_value sv = {NULL, 0, RECORD_SET_SEPARATED, lid};
        uint8_t *next = NULL;
        size_t cb_next = 0;
        err = record_set_column(&t->schema, cur ? cur : rec, cb_cur, vals[i].fid, vals[i].itag, &sv,
                                &next, &cb_next);
        if (err >= 0) {
            osal_free(cur);
            cur = next;
            cb_cur = cb_next;
        }
    }
    osal_free(vals);
    if (err < 0) {
        osal_free(cur);
        return err;
    }
    *pout = cur;
    *pcb = cb_cur;
    return JET_errSuccess;
}

/* Apply one staged row to the trees; with `keep`, keep its state before as version ts (and the
 * long values it deletes) for older snapshots. */
static JET_ERR apply_entry_locked(ese_database *db, const ese_trx *trx, const uint8_t *ck,
                                  uint32_t cb_ck, const trx_entry *e, uint64_t ts, bool keep)
{
    ese_table *t = e->t;
    const uint8_t *key = ck + 4;
    uint32_t cb_key = cb_ck - 4;
    uint8_t *old = NULL, *written = NULL;
    size_t cb_old = 0, cb_written = 0, n_old = 0, n_new = 0;
    sep_value *old_lids = NULL, *new_lids = NULL;
    JET_ERR err = lookup_alloc(&t->tree, key, cb_key, &old, &cb_old);
    bool existed = err >= 0;
    if (err < 0 && err != JET_errRecordNotFound)
        return err;
    if (!existed && !e->present)
        return JET_errSuccess; /* inserted and deleted again by the same transaction */
    if (e->present) {
        if ((err = materialize_locked(t, trx, e->rec, e->cb_rec, &written, &cb_written)) < 0)
            goto done;
        const uint8_t *rec = written ? written : e->rec;
        size_t cb = written ? cb_written : e->cb_rec;
        err = existed ? bt_replace(&t->tree, key, cb_key, rec, cb)
                      : bt_insert(&t->tree, key, cb_key, rec, cb);
        if (err >= 0 && existed)
            err = separated_values(t, rec, cb, &new_lids, &n_new);
    } else {
        err = bt_delete(&t->tree, key, cb_key);
    }
    if (err >= 0 && existed)
        err = separated_values(t, old, cb_old, &old_lids, &n_old);
    for (size_t i = 0; err >= 0 && i < n_old; i++) {
        /* A value the row no longer names leaves the LV tree (ESE's refcount would reach 0). */
        if (old_lids[i].cb_lid != 4 || names_lid(new_lids, n_new, old_lids[i].lid))
            continue; /* LID64 values (ESE files) are left orphaned, as before */
        if (keep)
            err = retain_lv_locked(db, t, old_lids[i].lid, ts);
        if (err >= 0)
            err = lv_delete(t, (uint32_t)old_lids[i].lid);
    }
    if (err >= 0 && keep && (err = version_add_locked(db, ck, cb_ck, ts, existed, old, cb_old)) >= 0)
        old = NULL; /* the version has it */
done:
    osal_free(old_lids);
    osal_free(new_lids);
    osal_free(written);
    osal_free(old);
    return err;
}

typedef struct {
    ese_database *db;
    const ese_trx *trx;
    uint64_t ts;
    bool keep;
    JET_ERR err;
} apply_walk;

static void apply_one(void *context, omap_node *n)
{
    apply_walk *a = context;
    if (a->err >= 0 && !((const trx_entry *)n->value)->lock_only)
        a->err = apply_entry_locked(a->db, a->trx, n->key, n->cb_key, n->value, a->ts, a->keep);
}

typedef struct {
    ese_database *db;
    const ese_trx *trx;
} release_walk;

static void release_one(void *context, omap_node *n)
{
    release_walk *r = context;
    row_unlock_locked(r->db, r->trx, n->key, n->cb_key);
    trx_entry_free(n->value);
}

/* Drop a write set: release its rows' write locks and free its entries. */
static void release_set_locked(ese_database *db, const ese_trx *trx, trx_dbset *set)
{
    release_walk r = {db, trx};
    omap_walk(&set->ws, release_one, &r);
    omap_clear(&set->ws);
    if (set->referenced) {
        set->referenced = false;
        db->trx_refs--;
    }
}

/* Apply and log the write sets cd[0..n) (their databases latched) as one commit unit.  On
 * failure everything is as before (batches discarded, counters and versions put back, write
 * sets and locks kept).  On success the write sets are released. */
static JET_ERR commit_locked(ese_trx *trx, commit_db *cd, size_t n, ese_log **plog,
                             log_lsn *pend)
{
    bool keep = false;
    uint64_t below = 0;
    uint64_t ts = trx_commit_timestamp(trx, &keep, &below);
    JET_ERR err = JET_errSuccess;
    for (size_t i = 0; i < n; i++) {
        cd[i].vmark = cd[i].db->vtail;
        cd[i].rmark = cd[i].db->rtail;
        begin_batch_locked(cd[i].db);
    }
    for (size_t i = 0; i < n && err >= 0; i++) {
        apply_walk a = {cd[i].db, trx, ts, keep, JET_errSuccess};
        omap_walk(&cd[i].set->ws, apply_one, &a);
        err = a.err;
    }
    if (err >= 0)
        err = log_batches_locked(cd, n, plog, pend);
    if (err < 0) {
        for (size_t i = 0; i < n; i++) {
            bm_batch_discard(cd[i].db->bm);
            restore_state_locked(cd[i].db);
            versions_truncate_locked(cd[i].db, cd[i].vmark, cd[i].rmark);
        }
        return err;
    }
    for (size_t i = 0; i < n; i++) {
        release_set_locked(cd[i].db, trx, cd[i].set);
        gc_locked(cd[i].db, below);
        bump_generation(cd[i].db);
    }
    return JET_errSuccess;
}

JET_ERR db_trx_commit(ese_trx *trx, struct ese_log **plog, uint64_t *pend)
{
    *plog = NULL;
    *pend = 0;
    size_t n = trx->db_count;
    if (!n)
        return JET_errSuccess; /* a transaction that changed nothing logs nothing */
    commit_db *cd = osal_calloc(n, sizeof *cd);
    if (!cd)
        return JET_errOutOfMemory;
    /* Latch the databases in address order: two commits never wait for each other in a
     * circle (DESIGN.md, lock order 3). */
    for (size_t i = 0; i < n; i++) {
        commit_db x = {.db = trx->dbs[i].db, .set = &trx->dbs[i]};
        size_t j = i;
        while (j > 0 && (uintptr_t)cd[j - 1].db > (uintptr_t)x.db) {
            cd[j] = cd[j - 1];
            j--;
        }
        cd[j] = x;
    }
    for (size_t i = 0; i < n; i++)
        pthread_mutex_lock(&cd[i].db->lock);
    ese_log *log = NULL;
    log_lsn end = 0;
    JET_ERR err = commit_locked(trx, cd, n, &log, &end);
    for (size_t i = n; i-- > 0;)
        pthread_mutex_unlock(&cd[i].db->lock);
    osal_free(cd);
    if (err < 0)
        return err;
    trx->db_count = 0;
    *plog = log;
    *pend = end;
    return JET_errSuccess;
}

void db_trx_undo(ese_trx *trx, trx_undo *u)
{
    trx_dbset *set = &trx->dbs[u->dbset];
    ese_database *db = set->db;
    pthread_mutex_lock(&db->lock);
    omap_node *n = omap_find(&set->ws, u->key, u->cb_key);
    trx_entry *cur = n ? n->value : NULL;
    if (cur)
        trx->charge -= cur->charge;
    if (u->previous && n) {
        /* The key keeps its node: its first undo record, popped last, removes it. */
        n->value = u->previous;
        trx->charge += u->previous->charge;
        u->previous = NULL;
    } else {
        if (n)
            omap_remove(&set->ws, u->key, u->cb_key);
        row_unlock_locked(db, trx, u->key, u->cb_key);
        trx_entry_free(u->previous);
        u->previous = NULL;
    }
    trx_entry_free(cur);
    bump_generation(db);
    pthread_mutex_unlock(&db->lock);
}

void db_trx_release(ese_trx *trx)
{
    for (size_t i = 0; i < trx->db_count; i++) {
        ese_database *db = trx->dbs[i].db;
        pthread_mutex_lock(&db->lock);
        release_set_locked(db, trx, &trx->dbs[i]);
        gc_locked(db, trx_oldest_snapshot());
        bump_generation(db);
        pthread_mutex_unlock(&db->lock);
    }
    trx->db_count = 0;
}

uint32_t db_transaction_refs(ese_database *db)
{
    pthread_mutex_lock(&db->lock);
    uint32_t refs = db->trx_refs;
    pthread_mutex_unlock(&db->lock);
    return refs;
}

/* ---- updates --------------------------------------------------------------------------------- */

JET_ERR db_lock_trx(ese_table *t, ese_trx *trx, const uint8_t *key, uint32_t cb_key)
{
    if (!trx || trx->level == 0 || trx->implicit)
        return JET_errSuccess; /* outside a transaction JetUpdate's own commit checks */
    if (cb_key > DB_KEY_MOST)
        return JET_errRecordNotFound;
    ese_database *db = t->db;
    uint8_t ck[TRX_KEY_MOST];
    uint32_t cb_ck = trx_make_key(t->objid, key, cb_key, ck);
    pthread_mutex_lock(&db->lock);
    trx_dbset *set = trx_dbset_find(trx, db);
    JET_ERR err = JET_errSuccess;
    if (!set || !omap_find(&set->ws, ck, cb_ck)) {
        trx_entry *fresh = NULL;
        err = row_check_conflict_locked(db, trx, ck, cb_ck);
        if (err >= 0)
            err = new_entry(t, true, NULL, 0, 0, &fresh);
        if (err >= 0) {
            fresh->lock_only = true;
            if ((err = install_locked(t, trx, ck, cb_ck, fresh)) < 0)
                trx_entry_free(fresh);
        }
    }
    pthread_mutex_unlock(&db->lock);
    return err;
}

typedef enum { DB_OP_INSERT, DB_OP_REPLACE, DB_OP_DELETE } db_op;

static JET_ERR stage_locked(ese_table *t, ese_trx *trx, db_op op, const uint8_t *key,
                            uint32_t cb_key, const db_value *values, size_t count,
                            uint8_t *key_out, uint32_t *pcb_key_out)
{
    switch (op) {
    case DB_OP_INSERT:
        return stage_insert_locked(t, trx, values, count, key_out, pcb_key_out);
    case DB_OP_REPLACE:
        return stage_replace_locked(t, trx, key, cb_key, values, count);
    default:
        return stage_delete_locked(t, trx, key, cb_key);
    }
}

/* Inside a transaction (trx at level >= 1): stage the change.  Outside one: an implicit
 * transaction of this one change, committed and durable when the call returns. */
static JET_ERR update(ese_table *t, ese_trx *trx, db_op op, const uint8_t *key, uint32_t cb_key,
                      const db_value *values, size_t count, uint8_t *key_out,
                      uint32_t *pcb_key_out)
{
    ese_database *db = t->db;
    uint8_t scratch[DB_KEY_MOST];
    uint32_t cb_scratch = 0;
    if (!key_out) {
        key_out = scratch;
        pcb_key_out = &cb_scratch;
    }
    if (db->read_only)
        return JET_errDatabaseFileReadOnly;
    if (trx && trx->level > 0) {
        if (trx->read_only)
            return JET_errTransReadOnly;
        pthread_mutex_lock(&db->lock);
        JET_ERR err = stage_locked(t, trx, op, key, cb_key, values, count, key_out, pcb_key_out);
        pthread_mutex_unlock(&db->lock);
        return err;
    }
    ese_trx implicit;
    trx_init_implicit(&implicit);
    ese_log *log = NULL;
    log_lsn end = 0;
    pthread_mutex_lock(&db->lock);
    JET_ERR err = stage_locked(t, &implicit, op, key, cb_key, values, count, key_out, pcb_key_out);
    if (err >= 0) {
        commit_db cd = {.db = db, .set = &implicit.dbs[0]};
        err = commit_locked(&implicit, &cd, 1, &log, &end);
    }
    for (size_t i = 0; i < implicit.db_count; i++)
        release_set_locked(db, &implicit, &implicit.dbs[i]); /* a staged row that failed */
    implicit.db_count = 0;
    pthread_mutex_unlock(&db->lock);
    trx_free_implicit(&implicit);
    if (err >= 0 && log)
        err = log_flush(log, end); /* a durable commit, waited for without the latch */
    return err;
}

JET_ERR db_insert_trx(ese_table *t, ese_trx *trx, const db_value *values, size_t count,
                      uint8_t *key_out, uint32_t *pcb_key)
{
    return update(t, trx, DB_OP_INSERT, NULL, 0, values, count, key_out, pcb_key);
}

JET_ERR db_replace_trx(ese_table *t, ese_trx *trx, const uint8_t *key, uint32_t cb_key,
                       const db_value *values, size_t count)
{
    return update(t, trx, DB_OP_REPLACE, key, cb_key, values, count, NULL, NULL);
}

JET_ERR db_delete_trx(ese_table *t, ese_trx *trx, const uint8_t *key, uint32_t cb_key)
{
    return update(t, trx, DB_OP_DELETE, key, cb_key, NULL, 0, NULL, NULL);
}

JET_ERR db_insert(ese_table *t, const db_value *values, size_t count)
{
    return db_insert_trx(t, NULL, values, count, NULL, NULL);
}

JET_ERR db_replace(ese_table *t, const uint8_t *key, uint32_t cb_key, const db_value *values,
                   size_t count)
{
    return db_replace_trx(t, NULL, key, cb_key, values, count);
}

JET_ERR db_delete(ese_table *t, const uint8_t *key, uint32_t cb_key)
{
    return db_delete_trx(t, NULL, key, cb_key);
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

static JET_ERR retrieve_locked(ese_table *t, const ese_trx *trx, const uint8_t *rec, size_t cb,
                               uint16_t fid, uint8_t **pdata, uint32_t *pcb)
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
        return lv_read_view(t, trx, v.lid, pdata, pcb);
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

JET_ERR table_retrieve_trx(ese_table *t, ese_trx *trx, const uint8_t *rec, size_t cb, uint16_t fid,
                           uint8_t **pdata, uint32_t *pcb)
{
    pthread_mutex_lock(&t->db->lock);
    JET_ERR err = retrieve_locked(t, trx, rec, cb, fid, pdata, pcb);
    pthread_mutex_unlock(&t->db->lock);
    return err;
}

JET_ERR table_retrieve(ese_table *t, const uint8_t *rec, size_t cb, uint16_t fid, uint8_t **pdata,
                       uint32_t *pcb)
{
    return table_retrieve_trx(t, NULL, rec, cb, fid, pdata, pcb);
}

JET_ERR db_lookup_trx(ese_table *t, ese_trx *trx, const uint8_t *key, uint32_t cb_key,
                      uint8_t **prec, size_t *pcb)
{
    pthread_mutex_lock(&t->db->lock);
    db_view v;
    view_init(&v, t->db, trx);
    JET_ERR err = view_lookup_locked(t, &v, key, cb_key, prec, pcb);
    pthread_mutex_unlock(&t->db->lock);
    return err;
}

JET_ERR db_lookup(ese_table *t, const uint8_t *key, uint32_t cb_key, uint8_t **prec, size_t *pcb)
{
    return db_lookup_trx(t, NULL, key, cb_key, prec, pcb);
}

/* ---- cursors ------------------------------------------------------------------------------
 *
 * A cursor keeps a copy of its row's key and record and finds its place again by key, so it
 * moves through a view: the committed tree merged with the snapshot's versions and the
 * session's own write set. */

typedef enum {
    CURSOR_NONE = 0,
    CURSOR_ON,
    CURSOR_BEFORE_FIRST,
    CURSOR_AFTER_LAST,
} cursor_state;

struct db_cursor {
    ese_table *t;
    ese_trx *trx;               /* the session's transaction state, or NULL */
    cursor_state state;
    uint8_t *key, *rec;         /* the current row */
    size_t cb_key, cap_key, cb_rec, cap_rec;
    uint8_t *tkey, *trec;       /* the tree's candidate during a move */
    size_t cb_tkey, cap_tkey, cb_trec, cap_trec;
    ese_btcursor bc;            /* the tree's cursor of the last move */
    bool bc_on_row;             /* bc stands on the current row: the next step can walk the
                                 * leaf from there (cursor_step_tree) */
};

static void swap_buffers(uint8_t **a, size_t *cb_a, size_t *cap_a, uint8_t **b, size_t *cb_b,
                         size_t *cap_b)
{
    uint8_t *p = *a;
    size_t cb = *cb_a, cap = *cap_a;
    *a = *b;
    *cb_a = *cb_b;
    *cap_a = *cap_b;
    *b = p;
    *cb_b = cb;
    *cap_b = cap;
}

/* The first row of the view after (forward) or before `from` (inclusive: or at it; bounded
 * false: from the start / end).  Candidates come from the tree, the write set and the rows
 * with kept versions; the nearest one the view resolves as present wins, the others are
 * skipped.  JET_errRecordNotFound when there is none. */
static JET_ERR view_seek_locked(db_cursor *c, const db_view *v, const uint8_t *key,
                                uint32_t cb_key, bool bounded, bool forward, bool inclusive)
{
    ese_table *t = c->t;
    ese_database *db = t->db;
    uint8_t from[DB_KEY_MOST], ck[TRX_KEY_MOST], prefix[4];
    uint8_t ceiling[4 + DB_KEY_MOST + 1]; /* above every trx key of this table */
    uint32_t cb_from = 0;
    if (bounded) {
        if (cb_key > DB_KEY_MOST)
            cb_key = DB_KEY_MOST; /* a search key is cut as stored keys are */
        memcpy(from, key, cb_key);
        cb_from = cb_key;
    }
    trx_make_key(t->objid, NULL, 0, prefix);
    trx_make_key(t->objid, NULL, 0, ceiling);
    memset(ceiling + 4, 0xFF, sizeof ceiling - 4);
    const ese_omap *maps[2] = {v->ws, v->snapshot && db->rows.count ? &db->rows : NULL};
    bt_seek_mode mode = forward ? (inclusive ? BT_SEEK_GE : BT_SEEK_GT)
                                : (inclusive ? BT_SEEK_LE : BT_SEEK_LT);
    c->bc_on_row = false;
    for (;;) {
        ese_btcursor *bc = &c->bc;
        JET_ERR err = !bounded ? (forward ? bt_cursor_first(bc) : bt_cursor_last(bc))
                               : bt_cursor_seek(bc, from, cb_from, mode);
        bool have_tree = err >= 0;
        if (have_tree)
            err = cursor_fetch(bc, &c->tkey, &c->cap_tkey, &c->cb_tkey, &c->trec, &c->cap_trec,
                               &c->cb_trec);
        if (err < 0 && err != JET_errRecordNotFound && err != JET_errNoCurrentRecord)
            return err;
        const uint8_t *best = have_tree ? c->tkey : NULL;
        size_t cb_best = have_tree ? c->cb_tkey : 0;
        for (int m = 0; m < 2; m++) {
            if (!maps[m] || !maps[m]->count)
                continue;
            omap_node *n;
            if (bounded) {
                uint32_t cb_ck = trx_make_key(t->objid, from, cb_from, ck);
                n = omap_seek(maps[m], ck, cb_ck, mode);
            } else if (forward) {
                n = omap_seek(maps[m], prefix, sizeof prefix, BT_SEEK_GT);
            } else {
                n = omap_seek(maps[m], ceiling, sizeof ceiling, BT_SEEK_LT);
            }
            if (!n || n->cb_key < 4 || memcmp(n->key, prefix, 4))
                continue;
            int cmp = best ? omap_compare(n->key + 4, n->cb_key - 4, best, cb_best) : 0;
            if (!best || (forward ? cmp < 0 : cmp > 0)) {
                best = n->key + 4;
                cb_best = n->cb_key - 4;
            }
        }
        if (!best)
            return JET_errRecordNotFound;
        bool on_tree = have_tree && omap_compare(best, cb_best, c->tkey, c->cb_tkey) == 0;
        uint32_t cb_ck = trx_make_key(t->objid, best, (uint32_t)cb_best, ck);
        const uint8_t *rec;
        size_t cb_rec;
        /* The tree's candidate is its nearest key: a nearer overlay key is not in the tree. */
        bool present = view_resolve_locked(db, v, ck, cb_ck, on_tree ? c->trec : NULL,
                                           on_tree ? c->cb_trec : 0, &rec, &cb_rec);
        if (present) {
            if (on_tree && rec == c->trec) {
                swap_buffers(&c->key, &c->cb_key, &c->cap_key, &c->tkey, &c->cb_tkey, &c->cap_tkey);
                swap_buffers(&c->rec, &c->cb_rec, &c->cap_rec, &c->trec, &c->cb_trec, &c->cap_trec);
                c->bc_on_row = true;
            } else {
                if ((err = ensure_cap(&c->key, &c->cap_key, cb_best ? cb_best : 1)) < 0 ||
                    (err = ensure_cap(&c->rec, &c->cap_rec, cb_rec ? cb_rec : 1)) < 0)
                    return err;
                memcpy(c->key, best, cb_best);
                c->cb_key = cb_best;
                memcpy(c->rec, rec, cb_rec);
                c->cb_rec = cb_rec;
            }
            c->state = CURSOR_ON;
            return JET_errSuccess;
        }
        memmove(from, best, cb_best);
        cb_from = (uint32_t)cb_best;
        bounded = true;
        inclusive = false;
        mode = forward ? BT_SEEK_GT : BT_SEEK_LT;
    }
}

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

void db_cursor_set_trx(db_cursor *c, ese_trx *trx)
{
    c->trx = trx;
}

void db_cursor_close(db_cursor *c)
{
    if (!c)
        return;
    osal_free(c->key);
    osal_free(c->rec);
    osal_free(c->tkey);
    osal_free(c->trec);
    bt_cursor_release(&c->bc);
    osal_free(c);
}

/* Move through the view; `none` is returned, and `off` becomes the state, when no row
 * qualifies. */
static JET_ERR cursor_move(db_cursor *c, const uint8_t *key, uint32_t cb_key, bool bounded,
                           bool forward, bool inclusive, JET_ERR none, cursor_state off)
{
    uint8_t from[DB_KEY_MOST];
    if (bounded) { /* key may be the cursor's own buffer, which the move reuses */
        if (cb_key > DB_KEY_MOST)
            cb_key = DB_KEY_MOST;
        memcpy(from, key, cb_key);
    }
    ese_database *db = c->t->db;
    pthread_mutex_lock(&db->lock);
    db_view v;
    view_init(&v, db, c->trx);
    JET_ERR err = view_seek_locked(c, &v, from, cb_key, bounded, forward, inclusive);
    pthread_mutex_unlock(&db->lock);
    if (err == JET_errRecordNotFound) {
        c->state = off;
        return none;
    }
    return err;
}

JET_ERR db_cursor_first(db_cursor *c)
{
    return cursor_move(c, NULL, 0, false, true, true, JET_errNoCurrentRecord, CURSOR_NONE);
}

JET_ERR db_cursor_last(db_cursor *c)
{
    return cursor_move(c, NULL, 0, false, false, true, JET_errNoCurrentRecord, CURSOR_NONE);
}

/* One step from the current row along the tree's leaves, without a descent from the root
 * (bt_cursor_next finds its place again by key only when the tree changed since).  Only when
 * the view is the tree itself: no write set of the session and no kept versions a snapshot
 * might read instead.  1 when that is not the case (the caller moves through the view). */
static JET_ERR cursor_step_tree(db_cursor *c, bool forward)
{
    if (!c->bc_on_row || c->state != CURSOR_ON)
        return 1;
    ese_database *db = c->t->db;
    pthread_mutex_lock(&db->lock);
    db_view v;
    view_init(&v, db, c->trx);
    JET_ERR err = 1;
    if (!v.ws && !(v.snapshot && (db->vhead || db->rows.count))) {
        err = forward ? bt_cursor_next(&c->bc) : bt_cursor_prev(&c->bc);
        if (err >= 0)
            err = cursor_fetch(&c->bc, &c->tkey, &c->cap_tkey, &c->cb_tkey, &c->trec,
                               &c->cap_trec, &c->cb_trec);
        if (err >= 0) {
            swap_buffers(&c->key, &c->cb_key, &c->cap_key, &c->tkey, &c->cb_tkey, &c->cap_tkey);
            swap_buffers(&c->rec, &c->cb_rec, &c->cap_rec, &c->trec, &c->cb_trec, &c->cap_trec);
            err = JET_errSuccess;
        } else {
            c->bc_on_row = false;
            if (err == JET_errNoCurrentRecord)
                c->state = forward ? CURSOR_AFTER_LAST : CURSOR_BEFORE_FIRST;
        }
    }
    pthread_mutex_unlock(&db->lock);
    return err;
}

JET_ERR db_cursor_next(db_cursor *c)
{
    if (c->state == CURSOR_BEFORE_FIRST)
        return db_cursor_first(c);
    if (c->state != CURSOR_ON)
        return JET_errNoCurrentRecord;
    JET_ERR err = cursor_step_tree(c, true);
    if (err != 1)
        return err;
    return cursor_move(c, c->key, (uint32_t)c->cb_key, true, true, false, JET_errNoCurrentRecord,
                       CURSOR_AFTER_LAST);
}

JET_ERR db_cursor_prev(db_cursor *c)
{
    if (c->state == CURSOR_AFTER_LAST)
        return db_cursor_last(c);
    if (c->state != CURSOR_ON)
        return JET_errNoCurrentRecord;
    JET_ERR err = cursor_step_tree(c, false);
    if (err != 1)
        return err;
    return cursor_move(c, c->key, (uint32_t)c->cb_key, true, false, false, JET_errNoCurrentRecord,
                       CURSOR_BEFORE_FIRST);
}

JET_ERR db_cursor_seek(db_cursor *c, const uint8_t *key, uint32_t cb_key, bt_seek_mode mode)
{
    /* EQ is a GE that must land on the key itself: one descent into the cursor's own buffers
     * (no allocation per seek), and the cursor can walk on from there. */
    bool forward = mode == BT_SEEK_EQ || mode == BT_SEEK_GE || mode == BT_SEEK_GT;
    bool inclusive = mode == BT_SEEK_EQ || mode == BT_SEEK_GE || mode == BT_SEEK_LE;
    JET_ERR err = cursor_move(c, key, cb_key, true, forward, inclusive, JET_errRecordNotFound,
                              CURSOR_NONE);
    bool equal = err >= 0 && c->cb_key == cb_key && !memcmp(c->key, key, cb_key);
    if (err >= 0 && mode == BT_SEEK_EQ && !equal) {
        c->state = CURSOR_NONE;
        c->bc_on_row = false;
        return JET_errRecordNotFound;
    }
    if (err >= 0 && inclusive && !equal)
        err = JET_wrnSeekNotEqual;
    return err;
}

JET_ERR db_cursor_row(db_cursor *c, const uint8_t **pkey, uint32_t *pcb_key, const uint8_t **prec,
                      size_t *pcb_rec)
{
    if (c->state != CURSOR_ON)
        return JET_errNoCurrentRecord;
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
    if (c->state != CURSOR_ON)
        return JET_errNoCurrentRecord;
    return table_retrieve_trx(c->t, c->trx, c->rec, c->cb_rec, fid, pdata, pcb);
}

/* ---- streaming backup (backup.c) ------------------------------------------------------------ */

struct ese_dbfile *db_file(ese_database *db) { return db->file; }
struct ese_bufmgr *db_bufmgr(ese_database *db) { return db->bm; }

JET_ERR db_with_header(ese_database *db, JET_ERR (*fn)(struct ese_dbfile *file, void *context),
                       void *context)
{
    pthread_mutex_lock(&db->lock);
    JET_ERR err = fn(db->file, context);
    pthread_mutex_unlock(&db->lock);
    return err;
}
