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
#include "index.h"
#include "log.h"
#include "lv_format.h"
#include "osal.h"
#include "space.h"
#include "trx.h"

#define DB_NAME_MOST 64u
#define DB_TABLE_CPG_MIN 3u
#define DB_LV_CPG 3u
/* Room for a secondary index's entry key: the longest index key (2000) plus a primary key, plus
 * the 0xFF run a seek appends. */
#define IX_ENTRY_MOST (KEY_LIMIT_MOST_MOST + 2u * (DB_KEY_MOST + 1u))

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
    /* secondary indexes (i5-index): the primary index's description for table_index_at, the
     * secondary ones in creation order, and key lists reused by every commit */
    db_index_info primary_info;
    struct db_sindex **sidx;
    size_t sidx_count;
    index_keys keys_old, keys_new;
    /* column options ("Column options" in DESIGN.md) */
    uint16_t autoinc_fid, version_fid;
    bool record_defaults;         /* a fixed or variable column has a default value */
    bool autoinc_loaded;          /* next_autoinc derived from the table (first use) */
    uint64_t next_autoinc;
    /* column arrays and schemas replaced by a DDL: other sessions may still be reading them
     * without the latch (table_column_at), so they are freed with the table */
    void **retired;
    size_t retired_count, retired_cap;
    /* deleted columns: ESE keeps their catalog records as "JetStub_<objid>_<fid>" with coltyp
     * 0, so their fids are never reused and fixed offsets stay valid; libese keeps them in the
     * record schema (old rows may still hold their values) and out of every API */
    db_column *stubs;
    uint16_t *stub_offsets;
    size_t stub_count;
};

/* A secondary index of the schema cache. */
typedef struct db_sindex {
    db_index_info info;
    ese_btree tree;
    bool unique;
    bool foreign;   /* a non-unique index ESE wrote: its keys lack the primary key (read only) */
} db_sindex;

static void sindex_free(db_sindex *x)
{
    if (x) {
        osal_free(x->info.name);
        osal_free(x);
    }
}

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
    ese_table **dropped;        /* deleted tables, freed at close (a reader may hold one) */
    size_t dropped_count, dropped_cap;
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
    for (size_t i = 0; i < t->column_count; i++) {
        osal_free(t->columns[i].name);
        osal_free(t->columns[i].default_value);
    }
    osal_free(t->columns);
    osal_free(t->record_offsets);
    record_schema_free(&t->schema);
    for (size_t i = 0; i < t->retired_count; i++)
        osal_free(t->retired[i]);
    for (size_t i = 0; i < t->stub_count; i++)
        osal_free(t->stubs[i].name);
    osal_free(t->stubs);
    osal_free(t->stub_offsets);
    osal_free(t->retired);
    osal_free(t->name);
    osal_free(t->index_name);
    for (size_t i = 0; i < t->sidx_count; i++)
        sindex_free(t->sidx[i]);
    osal_free(t->sidx);
    index_keys_free(&t->keys_old);
    index_keys_free(&t->keys_new);
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

/* Keep room to retire n more pointers (so retiring itself cannot fail). */
static JET_ERR retire_reserve(ese_table *t, size_t n)
{
    if (t->retired_count + n <= t->retired_cap)
        return JET_errSuccess;
    size_t cap = (t->retired_count + n) * 2;
    void **grown = osal_malloc(cap * sizeof *grown);
    if (!grown)
        return JET_errOutOfMemory;
    if (t->retired_count)
        memcpy(grown, t->retired, t->retired_count * sizeof *grown);
    osal_free(t->retired);
    t->retired = grown;
    t->retired_cap = cap;
    return JET_errSuccess;
}

/* Free p with the table, not now (room reserved by retire_reserve). */
static void retire(ese_table *t, void *p)
{
    if (p)
        t->retired[t->retired_count++] = p;
}

/* Append a column (its name copied) with its record offset to one of a table's column lists
 * (the live columns or the stubs); the old arrays are retired.  The new entry in *pentry. */
static JET_ERR column_list_append(ese_table *t, db_column **plist, uint16_t **poffsets,
                                  size_t *pcount, const db_column *column, size_t cb_name,
                                  uint16_t record_offset, db_column **pentry)
{
    size_t n = *pcount;
    db_column *cols = osal_malloc((n + 1) * sizeof *cols);
    uint16_t *offs = osal_malloc((n + 1) * sizeof *offs);
    char *nm = osal_malloc(cb_name + 1);
    JET_ERR err = retire_reserve(t, 2);
    if (!cols || !offs || !nm || err < 0) {
        osal_free(cols);
        osal_free(offs);
        osal_free(nm);
        return JET_errOutOfMemory;
    }
    if (n) {
        memcpy(cols, *plist, n * sizeof *cols);
        memcpy(offs, *poffsets, n * sizeof *offs);
    }
    memcpy(nm, column->name, cb_name);
    nm[cb_name] = 0;
    cols[n] = *column;
    cols[n].name = nm;
    offs[n] = record_offset;
    retire(t, *plist);
    retire(t, *poffsets);
    *plist = cols;
    *poffsets = offs;
    *pcount = n + 1;
    if (pentry)
        *pentry = &cols[n];
    return JET_errSuccess;
}

static JET_ERR table_add_column(ese_table *t, const char *name, size_t cb_name, uint16_t fid,
                                JET_COLTYP coltyp, uint32_t cb_max, uint16_t code_page,
                                uint32_t field_flags, uint16_t record_offset)
{
    db_column c = {(char *)name, fid, coltyp, cb_max, code_page, field_flags, NULL, 0};
    return column_list_append(t, &t->columns, &t->record_offsets, &t->column_count, &c, cb_name,
                              record_offset, NULL);
}

/* Keep a deleted column's place (see ese_table.stubs).  Its values are read as bytes: a fixed
 * one as fixed Binary of its size (space_usage), a variable one as Binary, a tagged one as
 * LongBinary; of its flags only multi-valued matters still. */
static JET_ERR stub_add(ese_table *t, const char *name, size_t cb_name, uint16_t fid,
                        uint32_t space_usage, uint32_t field_flags, uint16_t record_offset)
{
    db_column stub = {(char *)name, fid, JET_coltypLongBinary, 0, 0,
                      field_flags & RECORD_FIELD_MULTIVALUED, NULL, 0};
    db_column *c;
    JET_ERR err = column_list_append(t, &t->stubs, &t->stub_offsets, &t->stub_count, &stub, cb_name,
                                     record_offset, &c);
    if (err < 0)
        return err;
    if (fid <= RECORD_FID_FIXED_LAST) {
        c->coltyp = JET_coltypBinary;
        c->cb_max = space_usage;
    } else if (fid <= RECORD_FID_VAR_LAST) {
        c->coltyp = JET_coltypBinary;
        c->cb_max = JET_cbColumnMost;
    }
    return JET_errSuccess;
}

/* Give a column its default value (a copy; data NULL: none). */
static JET_ERR column_set_default(db_column *c, const void *data, uint32_t cb)
{
    if (!data)
        return JET_errSuccess;
    uint8_t *copy = osal_malloc(cb ? cb : 1);
    if (!copy)
        return JET_errOutOfMemory;
    memcpy(copy, data, cb);
    osal_free(c->default_value);
    c->default_value = copy;
    c->cb_default = cb;
    return JET_errSuccess;
}

static const db_column *column_by_fid(const ese_table *t, uint16_t fid)
{
    for (size_t i = 0; i < t->column_count; i++)
        if (t->columns[i].fid == fid)
            return &t->columns[i];
    return NULL;
}

/* Describe key columns fids[0..count) (descending already set in segments): their types, code
 * pages and fixed sizes.  JET_errIndexInvalidDef for a missing column, or a long-value one when
 * !allow_long (primary keys; a secondary index keys the first key_most bytes of a long value). */
static JET_ERR fill_segments(const ese_table *t, const uint16_t *fids, key_segment *segments,
                             uint32_t count, bool allow_long)
{
    for (uint32_t i = 0; i < count; i++) {
        const db_column *c = column_by_fid(t, fids[i]);
        if (!c || (!allow_long && record_coltyp_is_long_value(c->coltyp)))
            return JET_errIndexInvalidDef;
        segments[i].coltyp = c->coltyp;
        segments[i].code_page = record_coltyp_is_text(c->coltyp) ? c->code_page : 0;
        segments[i].fixed_column = c->fid <= RECORD_FID_FIXED_LAST;
        segments[i].cb_fixed = segments[i].fixed_column
                                   ? record_column_fixed_size(record_schema_find(&t->schema, c->fid))
                                   : 0;
    }
    return JET_errSuccess;
}

static JET_ERR sindex_finish(ese_table *t, db_sindex *x);

/* An index definition's columns by name: fids and directions.  A secondary index (secondary)
 * answers JET_errColumnNotFound for an unknown column and accepts long values (*multivalued:
 * some column is multi-valued); the primary index answers JET_errIndexInvalidDef for both.  A
 * column twice: JET_errIndexInvalidDef. */
static JET_ERR resolve_key_columns(const ese_table *t, const db_index_column *cols, size_t count,
                                   bool secondary, uint16_t *fids, key_segment *segments,
                                   bool *multivalued)
{
    for (size_t i = 0; i < count; i++) {
        const db_column *c = cols[i].name ? table_find_column(t, cols[i].name) : NULL;
        if (!c)
            return secondary ? JET_errColumnNotFound : JET_errIndexInvalidDef;
        if (!secondary && record_coltyp_is_long_value(c->coltyp))
            return JET_errIndexInvalidDef;
        for (size_t j = 0; j < i; j++)
            if (fids[j] == c->fid)
                return JET_errIndexInvalidDef;
        fids[i] = c->fid;
        segments[i].descending = cols[i].descending;
        if (multivalued)
            *multivalued |= (c->field_flags & RECORD_FIELD_MULTIVALUED) != 0;
    }
    return JET_errSuccess;
}
static JET_ERR create_index_locked(ese_table *t, const db_index_def *def);
static bool sindex_any_unique(const ese_table *t);
static JET_ERR sindex_check_locked(ese_table *t, char *msg, size_t cb_msg);
static JET_ERR sindex_check_row_locked(ese_table *t, struct ese_trx *trx, const uint8_t *rec,
                                       size_t cb, const uint8_t *pk, uint32_t cb_pk);
static JET_ERR sindex_update_row(ese_table *t, const ese_trx *trx, const uint8_t *pk, uint32_t cb_pk,
                                 const uint8_t *old_rec, size_t cb_old, const uint8_t *new_rec,
                                 size_t cb_new, bool insert);

/* Build the record schema and key description from the columns.  The old schema's column
 * array is retired (a DDL swaps schemas while other sessions may be reading); on failure the
 * old schema stays. */
static JET_ERR table_schema(ese_table *t)
{
    ese_database *db = t->db;
    JET_ERR err = retire_reserve(t, 1);
    if (err < 0)
        return err;
    size_t total = t->column_count + t->stub_count;
    record_column *rc = osal_calloc(total ? total : 1, sizeof *rc);
    if (!rc)
        return JET_errOutOfMemory;
    for (size_t i = t->column_count; i < total; i++) {
        const db_column *c = &t->stubs[i - t->column_count];
        rc[i].fid = c->fid;
        rc[i].coltyp = c->coltyp;
        rc[i].cb_max = c->cb_max;
        rc[i].field_flags = c->field_flags;
        rc[i].record_offset = t->stub_offsets[i - t->column_count];
    }
    for (size_t i = 0; i < t->column_count; i++) {
        const db_column *c = &t->columns[i];
        rc[i].fid = c->fid;
        rc[i].coltyp = c->coltyp;
        rc[i].cb_max = c->cb_max;
        rc[i].field_flags = c->field_flags;
        rc[i].code_page = record_coltyp_is_text(c->coltyp) ? c->code_page : 0;
        rc[i].record_offset = c->fid <= RECORD_FID_FIXED_LAST ? t->record_offsets[i] : 0;
        rc[i].default_value = c->default_value;
        rc[i].cb_default = c->cb_default;
    }
    record_schema fresh = {0};
    err = record_schema_init(&fresh, rc, total, db->page_size,
                             t->has_primary ? KEY_MOST_DEFAULT : 0);
    osal_free(rc);
    if (err < 0)
        return err;
    retire(t, t->schema.columns);
    t->schema = fresh;
    t->autoinc_fid = t->version_fid = 0;
    t->record_defaults = false;
    for (size_t i = 0; i < t->column_count; i++) {
        const db_column *c = &t->columns[i];
        if (c->field_flags & RECORD_FIELD_AUTOINCREMENT)
            t->autoinc_fid = c->fid;
        if (c->field_flags & RECORD_FIELD_VERSION)
            t->version_fid = c->fid;
        if (c->default_value && c->fid < RECORD_FID_TAGGED_FIRST)
            t->record_defaults = true;
    }
    if ((err = fill_segments(t, t->key_fids, t->segments, t->key_count, false)) < 0)
        return err;
    memset(&t->kidx, 0, sizeof t->kidx);
    t->kidx.segments = t->segments;
    t->kidx.segment_count = t->key_count;
    t->kidx.key_most = KEY_MOST_DEFAULT;
    return JET_errSuccess;
}

/* Build the record schema and key description, open the trees, compute the counters. */
static JET_ERR table_finish(ese_table *t)
{
    ese_database *db = t->db;
    JET_ERR err = table_schema(t);
    if (err < 0)
        return err;
    {
        db_index_info *p = &t->primary_info;
        memset(p, 0, sizeof *p);
        p->name = t->index_name;
        p->objid = t->objid;
        p->pgno_fdp = t->pgno_fdp;
        p->density = CATALOG_DENSITY_DEFAULT;
        p->grbit = JET_bitIndexPrimary | JET_bitIndexUnique | JET_bitIndexDisallowNull;
        p->key_count = t->key_count;
        memcpy(p->fids, t->key_fids, sizeof p->fids);
        memcpy(p->segments, t->segments, sizeof p->segments);
        p->kidx = t->kidx;
        p->kidx.segments = p->segments;
    }
    for (size_t i = 0; i < t->sidx_count; i++)
        if ((err = sindex_finish(t, t->sidx[i])) < 0)
            return err;
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

static JET_ERR sindex_add(ese_table *t, db_sindex *x)
{
    db_sindex **p = osal_malloc((t->sidx_count + 1) * sizeof *p);
    if (!p)
        return JET_errOutOfMemory;
    if (t->sidx_count)
        memcpy(p, t->sidx, t->sidx_count * sizeof *p);
    p[t->sidx_count] = x;
    osal_free(t->sidx);
    t->sidx = p;
    t->sidx_count++;
    return JET_errSuccess;
}

/* A secondary index's catalog record into the schema cache (finished by table_finish). */
static JET_ERR sindex_load(ese_table *t, const catalog_object *o)
{
    catalog_index_segment segs[JET_ccolKeyMost];
    uint32_t n = 0;
    JET_ERR err = catalog_index_segments(o, segs, JET_ccolKeyMost, &n);
    if (err < 0)
        return err;
    db_sindex *x = osal_calloc(1, sizeof *x);
    if (!x || !(x->info.name = osal_malloc(o->name.cb + 1))) {
        osal_free(x);
        return JET_errOutOfMemory;
    }
    if (o->name.cb)
        memcpy(x->info.name, o->name.data, o->name.cb);
    x->info.name[o->name.cb] = 0;
    x->info.objid = o->id;
    x->info.pgno_fdp = o->coltyp_or_pgno_fdp;
    x->info.density = o->space_usage;
    x->info.lcid = o->pages_or_locale;
    x->info.grbit = index_grbit_from_catalog(o->flags);
    x->info.key_count = n;
    x->info.kidx.key_most = o->key_most ? o->key_most : KEY_MOST_DEFAULT;
    for (uint32_t i = 0; i < n; i++) {
        x->info.fids[i] = segs[i].fid;
        x->info.segments[i].descending = (segs[i].flags & CATALOG_SEGMENT_DESCENDING) != 0;
    }
    if ((err = sindex_add(t, x)) < 0)
        sindex_free(x);
    return err;
}

/* Column types, key shape and tree of a secondary index whose fids / flags are set. */
static JET_ERR sindex_finish(ese_table *t, db_sindex *x)
{
    db_index_info *ix = &x->info;
    JET_ERR err = fill_segments(t, ix->fids, ix->segments, ix->key_count, true);
    if (err < 0)
        return err;
    uint32_t key_most = ix->kidx.key_most ? ix->kidx.key_most : KEY_MOST_DEFAULT;
    ix->kidx = (key_index){
        .segments = ix->segments,
        .segment_count = ix->key_count,
        .key_most = key_most,
        .sort_nulls_high = (ix->grbit & JET_bitIndexSortNullsHigh) != 0,
        .dot_net_guid = (ix->grbit & JET_bitIndexDotNetGuid) != 0,
        .disallow_truncation = (ix->grbit & JET_bitIndexDisallowTruncation) != 0,
    };
    x->unique = (ix->grbit & JET_bitIndexUnique) != 0;
    if ((err = bt_open(&x->tree, t->db->store, ix->pgno_fdp)) < 0 || x->unique)
        return err;
    /* ESE repeats a non-unique key and orders duplicates by data; libese appends the primary key
     * (DESIGN.md): an entry whose key does not end with its data was written by ESE. */
    ese_btcursor bc;
    uint8_t key[KEY_MOST_MOST + DB_KEY_MOST], data[DB_KEY_MOST];
    size_t cb_key = 0, cb_data = 0;
    bt_cursor_init(&bc, &x->tree);
    err = bt_cursor_first(&bc);
    if (err >= 0)
        err = bt_cursor_get(&bc, key, sizeof key, &cb_key, data, sizeof data, &cb_data);
    bt_cursor_release(&bc);
    if (err == JET_errNoCurrentRecord)
        return JET_errSuccess;
    if (err < 0)
        return err;
    x->foreign = err == JET_wrnBufferTruncated || cb_key < cb_data ||
                 memcmp(key + cb_key - cb_data, data, cb_data) != 0;
    return JET_errSuccess;
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
            if (o.coltyp_or_pgno_fdp == 0) { /* a deleted column's stub */
                if ((err = stub_add(t, (const char *)o.name.data, o.name.cb, (uint16_t)o.id,
                                    o.space_usage, o.flags, off)) < 0)
                    break;
                continue;
            }
            if ((err = table_add_column(t, (const char *)o.name.data, o.name.cb, (uint16_t)o.id,
                                        (JET_COLTYP)o.coltyp_or_pgno_fdp, o.space_usage,
                                        (uint16_t)o.pages_or_locale, o.flags, off)) < 0 ||
                (err = column_set_default(&t->columns[t->column_count - 1], o.default_value.data,
                                          o.default_value.cb)) < 0)
                break;
        } else if (o.type == CATALOG_TYPE_INDEX) {
            if (o.id != t->objid) {
                if ((err = sindex_load(t, &o)) < 0)
                    break;
                continue;
            }
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
    for (size_t i = 0; i < db->dropped_count; i++)
        table_free(db->dropped[i]);
    osal_free(db->dropped);
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
    for (size_t i = 0; i < db->table_count; i++)
        n += db->tables[i]->sidx_count;
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
            for (size_t j = 0; j < db->tables[i]->sidx_count; j++)
                fdps[k++] = db->tables[i]->sidx[j]->info.pgno_fdp;
        }
        err = space_check_database(db->store, fdps, k, msg, cb_msg);
        for (size_t i = 0; err >= 0 && i < db->table_count; i++)
            err = sindex_check_locked(db->tables[i], msg, cb_msg);
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

const db_column *table_column_by_fid(const ese_table *t, uint32_t fid)
{
    return fid > 0xFFFF ? NULL : column_by_fid(t, (uint16_t)fid);
}

/* Pages an FDP owns minus those it has free. */
static JET_ERR pages_in_use_locked(ese_database *db, uint32_t fdp, uint32_t *pcount)
{
    space_extents ex;
    char msg[128];
    JET_ERR err = space_load_extents(db->store, fdp, &ex, msg, sizeof msg);
    if (err < 0)
        return err;
    uint32_t n = 0;
    for (size_t i = 0; i < ex.owned_count; i++)
        n += ex.owned[i].last - ex.owned[i].first + 1;
    for (size_t i = 0; i < ex.avail_count; i++)
        n -= ex.avail[i].last - ex.avail[i].first + 1;
    space_extents_free(&ex);
    *pcount += n;
    return JET_errSuccess;
}

JET_ERR db_table_stats(ese_table *t, ese_trx *trx, uint32_t *pc_record, uint32_t *pc_page)
{
    db_cursor *c;
    *pc_record = *pc_page = 0;
    JET_ERR err = db_cursor_open(t, &c);
    if (err < 0)
        return err;
    db_cursor_set_trx(c, trx);
    uint32_t rows = 0;
    for (err = db_cursor_first(c); err >= 0; err = db_cursor_next(c))
        rows++;
    db_cursor_close(c);
    if (err != JET_errNoCurrentRecord)
        return err;
    uint32_t pages = 0;
    pthread_mutex_lock(&t->db->lock);
    err = pages_in_use_locked(t->db, t->pgno_fdp, &pages);
    if (err >= 0 && t->lv_fdp)
        err = pages_in_use_locked(t->db, t->lv_fdp, &pages);
    pthread_mutex_unlock(&t->db->lock);
    if (err < 0)
        return err;
    *pc_record = rows;
    *pc_page = pages;
    return JET_errSuccess;
}

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

/* The next fid of each kind a new column of a table gets. */
typedef struct {
    uint16_t fixed, var;
    uint32_t tagged;
} fid_next;

#define COLUMN_GRBITS_DB                                                                      \
    (JET_bitColumnFixed | JET_bitColumnTagged | JET_bitColumnNotNULL | JET_bitColumnVersion |  \
     JET_bitColumnAutoincrement | JET_bitColumnMultiValued | JET_bitColumnEscrowUpdate)

/* Check a new column against ESE's rules, give it its fid (next) and add it to the table's
 * columns (not yet to its schema: table_schema).  Rules as ESE's column creation applies them
 * (learn.microsoft.com "JET_COLUMNDEF Structure", "JetAddColumn Function"): a tagged column
 * cannot be NOT NULL (JET_errTaggedNotNULL), a multi-valued one must be tagged
 * (JET_errMultiValuedColumnMustBeTagged); autoincrement is Long, Currency or LongLong, version
 * Long, escrow Long or LongLong with a default value, each fixed, at most one autoincrement and
 * one version column (JET_errColumnRedundant); a default no longer than the column
 * (JET_errDefaultValueTooBig) and of a fixed type's exact size (JET_errInvalidBufferSize).
 * JET_bitColumnFinalize / DeleteOnZero / UserDefinedDefault / Compressed / Encrypted:
 * JET_errFeatureNotAvailable (libese gap). */
static JET_ERR column_add(ese_table *t, const db_column_def *c, fid_next *next, uint16_t *pfid)
{
    if (!valid_name(c->name))
        return JET_errInvalidName;
    if (!coltyp_known(c->coltyp))
        return JET_errInvalidColumnType;
    if (table_find_column(t, c->name))
        return JET_errColumnDuplicate;
    JET_GRBIT g = c->grbit;
    if (g & ~(JET_GRBIT)COLUMN_GRBITS_DB)
        return JET_errFeatureNotAvailable;
    bool is_long = record_coltyp_is_long_value(c->coltyp);
    uint32_t type_size = record_coltyp_fixed_size(c->coltyp);
    bool tagged = (g & JET_bitColumnTagged) || is_long;
    if (tagged && (g & JET_bitColumnNotNULL))
        return JET_errTaggedNotNULL;
    if ((g & JET_bitColumnMultiValued) && !tagged)
        return JET_errMultiValuedColumnMustBeTagged;
    if (g & (JET_bitColumnAutoincrement | JET_bitColumnVersion | JET_bitColumnEscrowUpdate)) {
        JET_COLTYP ct = c->coltyp;
        if (tagged || (g & JET_bitColumnMultiValued))
            return JET_errInvalidParameter; /* these are fixed columns */
        if ((g & JET_bitColumnAutoincrement) &&
            ct != JET_coltypLong && ct != JET_coltypCurrency && ct != JET_coltypLongLong)
            return JET_errInvalidColumnType;
        if ((g & JET_bitColumnVersion) && ct != JET_coltypLong)
            return JET_errInvalidColumnType;
        if ((g & JET_bitColumnEscrowUpdate) && ct != JET_coltypLong && ct != JET_coltypLongLong)
            return JET_errInvalidColumnType;
        int kinds = !!(g & JET_bitColumnAutoincrement) + !!(g & JET_bitColumnVersion) +
                    !!(g & JET_bitColumnEscrowUpdate);
        if (kinds > 1)
            return JET_errInvalidParameter;
        if ((g & JET_bitColumnEscrowUpdate) && !c->default_value)
            return JET_errInvalidParameter; /* an escrow column counts from its default */
        for (size_t i = 0; i < t->column_count; i++) {
            uint32_t ff = t->columns[i].field_flags;
            if (((g & JET_bitColumnAutoincrement) && (ff & RECORD_FIELD_AUTOINCREMENT)) ||
                ((g & JET_bitColumnVersion) && (ff & RECORD_FIELD_VERSION)))
                return JET_errColumnRedundant;
        }
    }
    uint16_t fid;
    uint32_t cb_max = c->cb_max;
    if (tagged) {
        if (next->tagged > RECORD_FID_TAGGED_LAST)
            return JET_errTooManyColumns;
        fid = (uint16_t)next->tagged++;
    } else if (type_size || (g & JET_bitColumnFixed)) {
        if (next->fixed > RECORD_FID_FIXED_LAST)
            return JET_errTooManyColumns;
        if (!type_size && (cb_max == 0 || cb_max > JET_cbColumnMost))
            return JET_errInvalidColumnType;
        fid = next->fixed++;
    } else {
        if (next->var > RECORD_FID_VAR_LAST)
            return JET_errTooManyColumns;
        if (cb_max == 0)
            cb_max = JET_cbColumnMost;
        if (cb_max > JET_cbColumnMost)
            return JET_errInvalidColumnType;
        fid = next->var++;
    }
    if (type_size)
        cb_max = type_size;
    uint16_t cp = 0;
    if (record_coltyp_is_text(c->coltyp)) {
        cp = c->code_page ? c->code_page : JET_CP_ASCII;
        if (cp != JET_CP_UNICODE && cp != JET_CP_ASCII && cp != 20127)
            return JET_errInvalidParameter;
    }
    if (c->default_value) {
        uint32_t most = type_size ? type_size : (is_long ? JET_cbColumnMost : cb_max);
        if (c->cb_default > most)
            return JET_errDefaultValueTooBig;
        if (type_size && c->cb_default != type_size)
            return JET_errInvalidBufferSize;
    }
    uint32_t ff = record_field_flags_from_grbit(g & (JET_bitColumnNotNULL | JET_bitColumnVersion |
                                                     JET_bitColumnAutoincrement |
                                                     JET_bitColumnMultiValued |
                                                     JET_bitColumnEscrowUpdate));
    if (c->default_value)
        ff |= RECORD_FIELD_DEFAULT;
    JET_ERR err = table_add_column(t, c->name, strlen(c->name), fid, c->coltyp, cb_max, cp, ff, 0);
    if (err < 0)
        return err;
    if ((err = column_set_default(&t->columns[t->column_count - 1], c->default_value,
                                  c->cb_default)) < 0) {
        t->column_count--;
        osal_free(t->columns[t->column_count].name);
        return err;
    }
    if (pfid)
        *pfid = fid;
    return JET_errSuccess;
}

/* Add a column's catalog record (with its shadow and Name entry). */
static JET_ERR catalog_put_column(ese_table *t, const db_column *c, uint16_t record_offset)
{
    uint8_t key[CATALOG_KEY_SIZE];
    uint8_t *rec = NULL;
    size_t cb = 0;
    catalog_column_def cd = {0};
    cd.objid_table = t->objid;
    cd.fid = c->fid;
    cd.coltyp = c->coltyp;
    cd.cb_max = c->cb_max;
    cd.field_flags = c->field_flags;
    cd.code_page = c->code_page;
    cd.record_offset = record_offset;
    cd.name = c->name;
    cd.default_value = (catalog_bytes){c->default_value, c->cb_default};
    JET_ERR err = catalog_build_column(&cd, t->db->page_size, key, &rec, &cb);
    if (err >= 0)
        err = catalog_put(t->db, key, rec, cb, t->objid, CATALOG_TYPE_COLUMN, c->name,
                          strlen(c->name), false);
    osal_free(rec);
    return err;
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
    fid_next next = {RECORD_FID_FIXED_FIRST, RECORD_FID_VAR_FIRST, RECORD_FID_TAGGED_FIRST};
    for (size_t i = 0; i < def->column_count; i++)
        if ((err = column_add(t, &def->columns[i], &next, NULL)) < 0)
            goto done;
    /* primary index */
    if (def->primary_index) {
        t->has_primary = true;
        t->key_count = (uint32_t)def->key_count;
        if ((err = resolve_key_columns(t, def->key_columns, def->key_count, false, t->key_fids,
                                       t->segments, NULL)) < 0)
            goto done;
        if (!(t->index_name = osal_strdup(def->primary_index))) {
            err = JET_errOutOfMemory;
            goto done;
        }
    }
    /* validate the record layout before touching the file */
    if ((err = table_schema(t)) < 0)
        goto done;
    for (size_t i = 0; i < t->column_count; i++) {
        const record_column *sc = record_schema_find(&t->schema, t->columns[i].fid);
        t->record_offsets[i] = t->columns[i].fid <= RECORD_FID_FIXED_LAST ? sc->record_offset : 0;
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
    for (size_t i = 0; i < t->column_count; i++)
        if ((err = catalog_put_column(t, &t->columns[i], t->record_offsets[i])) < 0)
            goto done;
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
    for (size_t i = 0; i < def->index_count; i++)
        if ((err = create_index_locked(t, &def->indexes[i])) < 0) {
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

/* The next fid of each kind after the table's columns (ESE's FidFixedLast + 1, ...). */
static fid_next next_fids(const ese_table *t)
{
    fid_next n = {RECORD_FID_FIXED_FIRST, RECORD_FID_VAR_FIRST, RECORD_FID_TAGGED_FIRST};
    for (size_t i = 0; i < t->column_count + t->stub_count; i++) {
        uint16_t f = i < t->column_count ? t->columns[i].fid : t->stubs[i - t->column_count].fid;
        if (f <= RECORD_FID_FIXED_LAST && f >= n.fixed)
            n.fixed = (uint16_t)(f + 1);
        else if (f >= RECORD_FID_VAR_FIRST && f <= RECORD_FID_VAR_LAST && f >= n.var)
            n.var = (uint16_t)(f + 1);
        else if (f >= RECORD_FID_TAGGED_FIRST && f >= n.tagged)
            n.tagged = (uint32_t)f + 1;
    }
    return n;
}

JET_ERR db_add_column(ese_table *t, const db_column_def *def, uint16_t *pfid)
{
    ese_database *db = t->db;
    if (!def)
        return JET_errInvalidParameter;
    if (db->read_only)
        return JET_errDatabaseFileReadOnly;
    pthread_mutex_lock(&db->lock);
    begin_batch_locked(db);
    fid_next next = next_fids(t);
    size_t before = t->column_count;
    uint16_t fid = 0;
    /* the column joins the schema cache first (its checks and its place in the record), then
     * its catalog record; a failure takes it out again and the batch's pages are discarded */
    record_schema saved = t->schema;
    uint16_t saved_autoinc = t->autoinc_fid, saved_version = t->version_fid;
    bool saved_defaults = t->record_defaults;
    JET_ERR err = column_add(t, def, &next, &fid);
    size_t mark = t->retired_count;
    if (err >= 0 && (err = table_schema(t)) >= 0) {
        const record_column *sc = record_schema_find(&t->schema, fid);
        uint16_t off = fid <= RECORD_FID_FIXED_LAST ? sc->record_offset : 0;
        t->record_offsets[before] = off;
        err = catalog_put_column(t, &t->columns[before], off);
    }
    if (err < 0 && t->column_count > before) {
        t->column_count = before;
        osal_free(t->columns[before].name);
        osal_free(t->columns[before].default_value);
        if (t->schema.columns != saved.columns) { /* table_schema swapped: put the old one back */
            osal_free(t->schema.columns);
            t->schema = saved;
            t->retired_count = mark;
            t->autoinc_fid = saved_autoinc;
            t->version_fid = saved_version;
            t->record_defaults = saved_defaults;
        }
    }
    ese_log *log = NULL;
    log_lsn end = 0;
    err = end_batch_locked(db, err, &log, &end);
    if (err >= 0)
        bump_generation(db);
    pthread_mutex_unlock(&db->lock);
    if (err >= 0 && log)
        err = log_flush(log, end);
    if (err >= 0 && pfid)
        *pfid = fid;
    return err;
}

/* ---- schema changes: catalog edits --------------------------------------------------------- */

/* Take one catalog record out of MSysObjects, its shadow and the Name / RootObjects indexes. */
static JET_ERR catalog_remove(ese_database *db, const uint8_t key[CATALOG_KEY_SIZE],
                              uint32_t objid_table, uint16_t type, const char *name, size_t cb_name,
                              bool root)
{
    uint8_t ikey[JET_cbKeyMost_OLD];
    uint32_t cb_ikey = 0;
    JET_ERR err;
    if ((err = bt_delete(&db->mso, key, CATALOG_KEY_SIZE)) < 0 ||
        (err = bt_delete(&db->shadow, key, CATALOG_KEY_SIZE)) < 0 ||
        (err = catalog_name_index_key(objid_table, type, name, cb_name, ikey, &cb_ikey)) < 0 ||
        (err = bt_delete(&db->name_idx, ikey, cb_ikey)) < 0)
        return err;
    if (root && ((err = catalog_root_objects_key(name, cb_name, ikey, &cb_ikey)) < 0 ||
                 (err = bt_delete(&db->root_idx, ikey, cb_ikey)) < 0))
        return err;
    return JET_errSuccess;
}

/* Give a catalog record a new Name (in MSysObjects and its shadow) and move its Name /
 * RootObjects index entries; mark_deleted also sets a column's Coltyp to 0 (ESE's stub). */
static JET_ERR catalog_rename(ese_database *db, uint32_t objid_table, uint16_t type, uint32_t id,
                              const char *old_name, const char *new_name, bool root,
                              bool mark_deleted)
{
    uint8_t key[CATALOG_KEY_SIZE], ikey[JET_cbKeyMost_OLD];
    uint32_t cb_ikey = 0;
    uint8_t *rec = NULL, *fresh = NULL;
    size_t cb = 0, cb_fresh = 0;
    catalog_key(objid_table, type, id, key);
    JET_ERR err = lookup_alloc(&db->mso, key, CATALOG_KEY_SIZE, &rec, &cb);
    catalog_object o;
    if (err >= 0 && (err = catalog_object_decode(rec, cb, db->page_size, &o)) >= 0) {
        o.name = (catalog_bytes){(const uint8_t *)new_name, (uint32_t)strlen(new_name)};
        if (mark_deleted)
            o.coltyp_or_pgno_fdp = 0;
        err = catalog_object_encode(&o, db->page_size, &fresh, &cb_fresh);
    }
    if (err >= 0 && (err = bt_replace(&db->mso, key, CATALOG_KEY_SIZE, fresh, cb_fresh)) >= 0 &&
        (err = bt_replace(&db->shadow, key, CATALOG_KEY_SIZE, fresh, cb_fresh)) >= 0 &&
        (err = catalog_name_index_key(objid_table, type, old_name, strlen(old_name), ikey,
                                      &cb_ikey)) >= 0 &&
        (err = bt_delete(&db->name_idx, ikey, cb_ikey)) >= 0 &&
        (err = catalog_name_index_key(objid_table, type, new_name, strlen(new_name), ikey,
                                      &cb_ikey)) >= 0)
        err = bt_insert(&db->name_idx, ikey, cb_ikey, key, CATALOG_KEY_SIZE);
    if (err >= 0 && root &&
        (err = catalog_root_objects_key(old_name, strlen(old_name), ikey, &cb_ikey)) >= 0 &&
        (err = bt_delete(&db->root_idx, ikey, cb_ikey)) >= 0 &&
        (err = catalog_root_objects_key(new_name, strlen(new_name), ikey, &cb_ikey)) >= 0)
        err = bt_insert(&db->root_idx, ikey, cb_ikey, key, CATALOG_KEY_SIZE);
    osal_free(rec);
    osal_free(fresh);
    return err;
}

/* Run one DDL step as its own durable commit (the latch held, one change batch). */
static JET_ERR ddl(ese_database *db, JET_ERR (*step)(void *context), void *context)
{
    if (db->read_only)
        return JET_errDatabaseFileReadOnly;
    pthread_mutex_lock(&db->lock);
    begin_batch_locked(db);
    JET_ERR err = step(context);
    ese_log *log = NULL;
    log_lsn end = 0;
    err = end_batch_locked(db, err, &log, &end);
    if (err >= 0)
        bump_generation(db);
    pthread_mutex_unlock(&db->lock);
    if (err >= 0 && log)
        err = log_flush(log, end);
    return err;
}

typedef struct {
    ese_database *db;
    ese_table *t;
    const char *name, *new_name;
} ddl_args;

static bool table_name_taken(ese_database *db, const ese_table *except, const char *name)
{
    for (size_t i = 0; i < db->table_count; i++)
        if (db->tables[i] != except && !ascii_casecmp(db->tables[i]->name, name))
            return true;
    return !ascii_casecmp(name, "MSysObjects") || !ascii_casecmp(name, "MSysObjectsShadow");
}

/* Replace a name kept in memory (the old one is retired: a reader may hold it). */
static JET_ERR swap_name(ese_table *t, char **slot, const char *name)
{
    char *copy = osal_strdup(name);
    JET_ERR err = copy ? retire_reserve(t, 1) : JET_errOutOfMemory;
    if (err < 0) {
        osal_free(copy);
        return err;
    }
    retire(t, *slot);
    *slot = copy;
    return JET_errSuccess;
}

static JET_ERR rename_table_step(void *context)
{
    ddl_args *a = context;
    if (!valid_name(a->new_name))
        return JET_errInvalidName;
    if (table_name_taken(a->db, a->t, a->new_name))
        return JET_errTableDuplicate;
    JET_ERR err = retire_reserve(a->t, 1);
    if (err >= 0)
        err = catalog_rename(a->db, a->t->objid, CATALOG_TYPE_TABLE, a->t->objid, a->t->name,
                             a->new_name, true, false);
    if (err >= 0)
        err = swap_name(a->t, &a->t->name, a->new_name);
    return err;
}

JET_ERR db_rename_table(ese_table *t, const char *new_name)
{
    ddl_args a = {t->db, t, NULL, new_name};
    return ddl(t->db, rename_table_step, &a);
}

static db_column *live_column(ese_table *t, const char *name)
{
    for (size_t i = 0; i < t->column_count; i++)
        if (!ascii_casecmp(t->columns[i].name, name))
            return &t->columns[i];
    return NULL;
}

static JET_ERR rename_column_step(void *context)
{
    ddl_args *a = context;
    db_column *c = live_column(a->t, a->name);
    if (!c)
        return JET_errColumnNotFound;
    if (!valid_name(a->new_name))
        return JET_errInvalidName;
    db_column *other = live_column(a->t, a->new_name);
    if (other && other != c)
        return JET_errColumnDuplicate;
    JET_ERR err = retire_reserve(a->t, 1);
    if (err >= 0)
        err = catalog_rename(a->db, a->t->objid, CATALOG_TYPE_COLUMN, c->fid, c->name,
                             a->new_name, false, false);
    if (err >= 0)
        err = swap_name(a->t, &c->name, a->new_name);
    return err;
}

JET_ERR db_rename_column(ese_table *t, const char *name, const char *new_name)
{
    ddl_args a = {t->db, t, name, new_name};
    return ddl(t->db, rename_column_step, &a);
}

static JET_ERR delete_column_step(void *context)
{
    ddl_args *a = context;
    ese_table *t = a->t;
    db_column *c = live_column(t, a->name);
    if (!c)
        return JET_errColumnNotFound;
    for (uint32_t i = 0; i < t->key_count; i++)
        if (t->key_fids[i] == c->fid)
            return JET_errColumnInUse; /* a key column of the primary index */
    for (size_t x = 0; x < t->sidx_count; x++)
        for (uint32_t i = 0; i < t->sidx[x]->info.key_count; i++)
            if (t->sidx[x]->info.fids[i] == c->fid)
                return JET_errColumnInUse; /* ... or of a secondary index (ESENT: delete the index first) */
    char stub[64];
    snprintf(stub, sizeof stub, "JetStub_%u_%u", (unsigned)t->objid, (unsigned)c->fid);
    size_t at = (size_t)(c - t->columns);
    uint16_t offset = t->record_offsets[at];
    record_schema saved = t->schema;
    JET_ERR err = catalog_rename(a->db, t->objid, CATALOG_TYPE_COLUMN, c->fid, c->name, stub, false,
                                 true);
    if (err < 0 || (err = stub_add(t, stub, strlen(stub), c->fid,
                                   c->fid <= RECORD_FID_FIXED_LAST ? c->cb_max : 0, c->field_flags,
                                   offset)) < 0)
        return err;
    /* the column leaves the live list (its name and default go with the table: retired) */
    db_column gone = t->columns[at];
    memmove(&t->columns[at], &t->columns[at + 1], (t->column_count - at - 1) * sizeof *t->columns);
    memmove(&t->record_offsets[at], &t->record_offsets[at + 1],
            (t->column_count - at - 1) * sizeof *t->record_offsets);
    t->column_count--;
    if ((err = retire_reserve(t, 2)) >= 0 && (err = table_schema(t)) >= 0) {
        retire(t, gone.name);
        retire(t, gone.default_value);
        return JET_errSuccess;
    }
    /* undo in memory (the batch's pages are discarded by the caller) */
    memmove(&t->columns[at + 1], &t->columns[at], (t->column_count - at) * sizeof *t->columns);
    memmove(&t->record_offsets[at + 1], &t->record_offsets[at],
            (t->column_count - at) * sizeof *t->record_offsets);
    t->columns[at] = gone;
    t->record_offsets[at] = offset;
    t->column_count++;
    t->stub_count--;
    osal_free(t->stubs[t->stub_count].name);
    t->schema = saved;
    return err;
}

JET_ERR db_delete_column(ese_table *t, const char *name)
{
    ddl_args a = {t->db, t, name, NULL};
    return ddl(t->db, delete_column_step, &a);
}

/* One catalog record of a table being deleted. */
typedef struct {
    uint8_t key[CATALOG_KEY_SIZE];
    uint16_t type;
    char name[DB_NAME_MOST + 1];
} doomed;

static JET_ERR delete_table_step(void *context)
{
    ddl_args *a = context;
    ese_database *db = a->db;
    ese_table *t = a->t;
    /* a transaction holding rows of the table (write locks, versions for snapshots) */
    uint8_t prefix[4];
    be32_store(prefix, t->objid);
    omap_node *n = omap_seek(&db->rows, prefix, 4, BT_SEEK_GE);
    if (n && n->cb_key >= 4 && !memcmp(n->key, prefix, 4))
        return JET_errTableInUse;
    if (db->dropped_count == db->dropped_cap) {
        size_t cap = db->dropped_cap ? db->dropped_cap * 2 : 4;
        ese_table **grown = osal_malloc(cap * sizeof *grown);
        if (!grown)
            return JET_errOutOfMemory;
        if (db->dropped_count)
            memcpy(grown, db->dropped, db->dropped_count * sizeof *grown);
        osal_free(db->dropped);
        db->dropped = grown;
        db->dropped_cap = cap;
    }
    /* every catalog record of the table: the table, its columns (stubs too), indexes, LV */
    doomed *list = NULL;
    size_t count = 0, cap = 0;
    uint8_t start[CATALOG_KEY_SIZE], *key = NULL, *rec = NULL;
    size_t cap_key = 0, cap_rec = 0, cb_key = 0, cb_rec = 0;
    catalog_key(t->objid, 0, 0, start);
    ese_btcursor bc;
    bt_cursor_init(&bc, &db->mso);
    JET_ERR err = bt_cursor_seek(&bc, start, CATALOG_KEY_SIZE, BT_SEEK_GE);
    for (; err >= 0; err = bt_cursor_next(&bc)) {
        catalog_object o;
        if ((err = cursor_fetch(&bc, &key, &cap_key, &cb_key, &rec, &cap_rec, &cb_rec)) < 0 ||
            (err = catalog_object_decode(rec, cb_rec, db->page_size, &o)) < 0)
            break;
        if (o.objid_table != t->objid)
            break;
        if (count == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            doomed *grown = osal_malloc(ncap * sizeof *grown);
            if (!grown) {
                err = JET_errOutOfMemory;
                break;
            }
            if (count)
                memcpy(grown, list, count * sizeof *grown);
            osal_free(list);
            list = grown;
            cap = ncap;
        }
        doomed *d = &list[count++];
        memcpy(d->key, key, CATALOG_KEY_SIZE);
        d->type = o.type;
        size_t cb_name = o.name.data ? (o.name.cb > DB_NAME_MOST ? DB_NAME_MOST : o.name.cb) : 0;
        if (cb_name)
            memcpy(d->name, o.name.data, cb_name);
        d->name[cb_name] = 0;
    }
    bt_cursor_release(&bc);
    osal_free(key);
    osal_free(rec);
    if (err == JET_errNoCurrentRecord || err == JET_errRecordNotFound)
        err = JET_errSuccess;
    for (size_t i = 0; i < count && err >= 0; i++)
        err = catalog_remove(db, list[i].key, t->objid, list[i].type, list[i].name,
                             strlen(list[i].name), list[i].type == CATALOG_TYPE_TABLE);
    osal_free(list);
    /* the table's pages (its LV tree's are among them) go back to the database root, as
     * ESE's space release of a deleted table's FDP */
    space_extents ex = {0};
    char msg[128];
    if (err >= 0)
        err = space_load_extents(db->store, t->pgno_fdp, &ex, msg, sizeof msg);
    for (size_t i = 0; i < ex.owned_count && err >= 0; i++)
        err = space_free_extent(db->store, SPACE_PGNO_DB_ROOT, ex.owned[i].first, ex.owned[i].last);
    space_extents_free(&ex);
    if (err < 0)
        return err;
    for (size_t i = 0; i < db->table_count; i++)
        if (db->tables[i] == t) {
            memmove(&db->tables[i], &db->tables[i + 1], (db->table_count - i - 1) * sizeof *db->tables);
            db->table_count--;
            break;
        }
    db->dropped[db->dropped_count++] = t;
    return JET_errSuccess;
}

JET_ERR db_delete_table(ese_table *t)
{
    ddl_args a = {t->db, t, NULL, NULL};
    return ddl(t->db, delete_table_step, &a);
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
/* Values the engine adds to an update (version, autoincrement): at most this many. */
#define PENDING_ENGINE_MOST 2

typedef struct {
    record_build_value *bv;   /* the values as record_build gets them */
    uint32_t *itags;          /* per value: its itagSequence (multi-valued columns) */
    bool *separate;           /* per value: goes to the LV tree */
    size_t count;
    uint8_t engine[PENDING_ENGINE_MOST][8]; /* the bytes of the engine's values */
    size_t engine_count;
} pending;

static void pending_free(pending *p)
{
    osal_free(p->bv);
    osal_free(p->itags);
    osal_free(p->separate);
}

/* True when the update sets column fid itself. */
static bool pending_sets(const pending *p, uint16_t fid)
{
    for (size_t i = 0; i < p->count; i++)
        if (p->bv[i].fid == fid)
            return true;
    return false;
}

/* Add a value the engine computes (little-endian, cb <= 8 bytes). */
static void pending_add_engine(pending *p, uint16_t fid, uint64_t value, uint32_t cb)
{
    uint8_t *b = p->engine[p->engine_count++];
    for (uint32_t k = 0; k < cb; k++)
        b[k] = (uint8_t)(value >> (8 * k));
    p->bv[p->count] = (record_build_value){fid, {b, cb, 0, 0}};
    p->itags[p->count] = 0;
    p->count++;
}

static JET_ERR pending_init(ese_table *t, const db_value *values, size_t count, pending *p)
{
    memset(p, 0, sizeof *p);
    p->bv = osal_calloc(count + PENDING_ENGINE_MOST, sizeof *p->bv);
    p->itags = osal_calloc(count + PENDING_ENGINE_MOST, sizeof *p->itags);
    p->separate = osal_calloc(count + PENDING_ENGINE_MOST, sizeof *p->separate);
    if (!p->bv || !p->itags || !p->separate) {
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
        p->itags[i] = (c->field_flags & RECORD_FIELD_MULTIVALUED) ? values[i].itag : 0;
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
        /* a new row starts from the table's default record (ESE's insert copy of it) */
        uint8_t *defaults = NULL;
        size_t cb_defaults = 0;
        JET_ERR err = JET_errSuccess;
        if (!base && t->record_defaults) {
            if ((err = record_build_default(&t->schema, &defaults, &cb_defaults)) < 0)
                return err;
            base = defaults;
            cb_base = cb_defaults;
        }
        err = record_build_itags(&t->schema, base, cb_base, p->bv, p->itags, p->count, prec, pcb);
        if (defaults) {
            osal_free(defaults);
            base = NULL;
            cb_base = 0;
        }
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

/* A little-endian integer of 4 or 8 bytes. */
static uint64_t le_load(const uint8_t *p, uint32_t cb)
{
    uint64_t v = 0;
    for (uint32_t k = cb; k-- > 0;)
        v = v << 8 | p[k];
    return v;
}

/* ESE derives the next autoincrement value from the largest one in the table when it first
 * needs it after the table is opened: libese scans the committed rows once. */
static JET_ERR autoinc_load_locked(ese_table *t)
{
    if (t->autoinc_loaded)
        return JET_errSuccess;
    ese_btcursor bc;
    uint8_t *key = NULL, *rec = NULL;
    size_t cap_key = 0, cap_rec = 0, cb_key = 0, cb_rec = 0;
    uint64_t most = 0;
    uint32_t size = record_coltyp_fixed_size(column_by_fid(t, t->autoinc_fid)->coltyp);
    bt_cursor_init(&bc, &t->tree);
    JET_ERR err = bt_cursor_first(&bc);
    for (; err >= 0; err = bt_cursor_next(&bc)) {
        record_value v;
        if ((err = cursor_fetch(&bc, &key, &cap_key, &cb_key, &rec, &cap_rec, &cb_rec)) < 0 ||
            (err = record_get_column(&t->schema, rec, cb_rec, t->autoinc_fid, 1, &v)) < 0)
            break;
        if (v.kind == RECORD_VALUE_DATA && v.cb == size) {
            uint64_t x = le_load(v.data, size);
            if (size == 4 ? (int32_t)x > (int32_t)most : (int64_t)x > (int64_t)most)
                most = x;
        }
    }
    bt_cursor_release(&bc);
    osal_free(key);
    osal_free(rec);
    if (err < 0 && err != JET_errNoCurrentRecord)
        return err;
    t->next_autoinc = size == 4 ? (uint64_t)(uint32_t)((uint32_t)most + 1) : most + 1;
    t->autoinc_loaded = true;
    return JET_errSuccess;
}

static JET_ERR next_autoinc_locked(ese_table *t, uint64_t *pvalue)
{
    JET_ERR err = autoinc_load_locked(t);
    if (err < 0)
        return err;
    *pvalue = t->next_autoinc++;
    return JET_errSuccess;
}

uint16_t table_autoincrement_fid(const ese_table *t)
{
    return t->autoinc_fid;
}

JET_ERR table_next_autoincrement(ese_table *t, uint64_t *pvalue)
{
    if (!t->autoinc_fid)
        return JET_errInvalidOperation;
    pthread_mutex_lock(&t->db->lock);
    JET_ERR err = next_autoinc_locked(t, pvalue);
    pthread_mutex_unlock(&t->db->lock);
    return err;
}

/* The values a new row gets from the engine when the update does not set them: version 0
 * (ESE's insert sets it so) and the next autoincrement value. */
static JET_ERR insert_engine_values_locked(ese_table *t, pending *p)
{
    if (t->version_fid && !pending_sets(p, t->version_fid))
        pending_add_engine(p, t->version_fid, 0, 4);
    if (t->autoinc_fid && !pending_sets(p, t->autoinc_fid)) {
        uint64_t v;
        JET_ERR err = next_autoinc_locked(t, &v);
        if (err < 0)
            return err;
        pending_add_engine(p, t->autoinc_fid,
                           v, record_coltyp_fixed_size(column_by_fid(t, t->autoinc_fid)->coltyp));
    }
    return JET_errSuccess;
}

/* A replace increments the version column (ESE: every replace of the row). */
static JET_ERR replace_engine_values_locked(ese_table *t, pending *p, const uint8_t *rec,
                                            size_t cb)
{
    if (!t->version_fid || pending_sets(p, t->version_fid))
        return JET_errSuccess;
    record_value v;
    JET_ERR err = record_get_column(&t->schema, rec, cb, t->version_fid, 1, &v);
    if (err < 0)
        return err;
    uint32_t old = v.kind == RECORD_VALUE_DATA && v.cb == 4 ? (uint32_t)le_load(v.data, 4) : 0;
    pending_add_engine(p, t->version_fid, (uint32_t)(old + 1), 4);
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
    if ((err = insert_engine_values_locked(t, &p)) < 0 ||
        (err = pending_build(t, &p, NULL, 0, NULL, &rec, &cb)) < 0 ||
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
    if (t->sidx_count && (err = sindex_check_row_locked(t, trx, rec, cb, key, *pcb_key)) < 0)
        goto done;
    if (!(lids = osal_calloc(p.count ? p.count : 1, sizeof *lids))) {
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
                                    uint32_t cb_key, const db_value *values, size_t count,
                                    bool bump_version)
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
    if (bump_version && (err = replace_engine_values_locked(t, &p, row.rec, row.cb_rec)) < 0)
        goto done;
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
    if (t->sidx_count && (err = sindex_check_row_locked(t, trx, rec, cb, key, cb_key)) < 0)
        goto done;
    if (!(lids = osal_calloc(p.count ? p.count : 1, sizeof *lids))) {
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
    if (err >= 0 && t->sidx_count) {
        const uint8_t *now = e->present ? (written ? written : e->rec) : NULL;
        size_t cb_now = written ? cb_written : e->cb_rec;
        /* with a unique index the removals ran first, for the whole commit (unindex_one) */
        if (existed && !sindex_any_unique(t))
            err = sindex_update_row(t, trx, key, cb_key, old, cb_old, now, cb_now, false);
        if (err >= 0 && now)
            err = sindex_update_row(t, trx, key, cb_key, existed ? old : NULL, cb_old, now, cb_now,
                                    true);
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

/* The first pass of a commit over tables with secondary indexes: each row's index entries its
 * new state drops (all of them for a deleted row). */
static void unindex_one(void *context, omap_node *n)
{
    apply_walk *a = context;
    const trx_entry *e = n->value;
    if (a->err < 0 || e->lock_only || !e->t->sidx_count || !sindex_any_unique(e->t))
        return;
    ese_table *t = e->t;
    uint8_t *old = NULL;
    size_t cb_old = 0;
    JET_ERR err = lookup_alloc(&t->tree, n->key + 4, n->cb_key - 4, &old, &cb_old);
    if (err >= 0)
        err = sindex_update_row(t, a->trx, n->key + 4, (uint32_t)n->cb_key - 4, old, cb_old,
                                e->present ? e->rec : NULL, e->cb_rec, false);
    else if (err == JET_errRecordNotFound)
        err = JET_errSuccess;
    osal_free(old);
    a->err = err;
}

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
        omap_walk(&cd[i].set->ws, unindex_one, &a);
        if (a.err >= 0)
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

typedef enum { DB_OP_INSERT, DB_OP_REPLACE, DB_OP_DELETE, DB_OP_ESCROW } db_op;

/* JetEscrowUpdate: values[0] names the column and points to the int64 delta; the value before
 * goes to *pold.  A replace of that one column from the row as this transaction sees it, under
 * the row's write lock, so the read and the write are one step. */
static JET_ERR stage_escrow_locked(ese_table *t, ese_trx *trx, const uint8_t *key, uint32_t cb_key,
                                   const db_value *delta, int64_t *pold)
{
    const db_column *c = column_by_fid(t, delta->fid);
    if (!c)
        return JET_errColumnNotFound;
    if (!(c->field_flags & RECORD_FIELD_ESCROW_UPDATE))
        return JET_errInvalidOperation;
    if (cb_key > DB_KEY_MOST)
        return JET_errRecordNotFound;
    uint8_t ck[TRX_KEY_MOST];
    uint32_t cb_ck = trx_make_key(t->objid, key, cb_key, ck);
    base_row row;
    JET_ERR err = base_row_locked(t, trx, ck, cb_ck, &row);
    if (err < 0)
        return err;
    uint32_t size = record_coltyp_fixed_size(c->coltyp);
    record_value v = {0};
    if (!row.rec)
        err = JET_errRecordNotFound;
    else
        err = record_get_column(&t->schema, row.rec, row.cb_rec, c->fid, 1, &v);
    uint64_t old = 0;
    if (err >= 0 && v.kind == RECORD_VALUE_DATA && v.cb == size)
        old = le_load(v.data, size);
    else if (err >= 0 && v.kind == RECORD_VALUE_ABSENT && c->default_value)
        old = le_load(c->default_value, size);
    osal_free(row.owned);
    if (err < 0)
        return err;
    int64_t d;
    memcpy(&d, delta->data, sizeof d);
    int64_t before = size == 4 ? (int64_t)(int32_t)(uint32_t)old : (int64_t)old;
    uint64_t after = (uint64_t)before + (uint64_t)d;
    uint8_t bytes[8];
    for (uint32_t k = 0; k < 8; k++)
        bytes[k] = (uint8_t)(after >> (8 * k));
    db_value nv = {.fid = c->fid, .data = bytes, .cb = size};
    if ((err = stage_replace_locked(t, trx, key, cb_key, &nv, 1, false)) < 0)
        return err;
    *pold = before;
    return JET_errSuccess;
}

static JET_ERR stage_locked(ese_table *t, ese_trx *trx, db_op op, const uint8_t *key,
                            uint32_t cb_key, const db_value *values, size_t count,
                            uint8_t *key_out, uint32_t *pcb_key_out)
{
    switch (op) {
    case DB_OP_INSERT:
        return stage_insert_locked(t, trx, values, count, key_out, pcb_key_out);
    case DB_OP_REPLACE:
        return stage_replace_locked(t, trx, key, cb_key, values, count, true);
    case DB_OP_ESCROW:
        return stage_escrow_locked(t, trx, key, cb_key, values, (int64_t *)(void *)key_out);
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

JET_ERR db_escrow_trx(ese_table *t, ese_trx *trx, const uint8_t *key, uint32_t cb_key,
                      uint16_t fid, int64_t delta, int64_t *pold)
{
    db_value d = {.fid = fid, .data = &delta, .cb = sizeof delta};
    int64_t old = 0;
    uint32_t unused = 0;
    JET_ERR err = update(t, trx, DB_OP_ESCROW, key, cb_key, &d, 1, (uint8_t *)&old, &unused);
    if (err >= 0)
        *pold = old;
    return err;
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
                               uint16_t fid, uint32_t itag, bool ignore_default, uint8_t **pdata,
                               uint32_t *pcb)
{
    record_value v;
    *pdata = NULL;
    *pcb = 0;
    JET_ERR err = record_get_column(&t->schema, rec, cb, fid, itag ? itag : 1, &v);
    if (err < 0)
        return err;
    const db_column *c;
    switch (v.kind) {
    case RECORD_VALUE_ABSENT:
        /* a row that never set the column reads its default (the first value only) */
        c = column_by_fid(t, fid);
        if (ignore_default || itag > 1 || !c || !c->default_value)
            return JET_wrnColumnNull;
        if (c->cb_default) {
            if (!(*pdata = osal_malloc(c->cb_default)))
                return JET_errOutOfMemory;
            memcpy(*pdata, c->default_value, c->cb_default);
            *pcb = c->cb_default;
        }
        return JET_errSuccess;
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

JET_ERR table_retrieve_value_trx(ese_table *t, ese_trx *trx, const uint8_t *rec, size_t cb,
                                 uint16_t fid, uint32_t itag, bool ignore_default,
                                 uint8_t **pdata, uint32_t *pcb)
{
    pthread_mutex_lock(&t->db->lock);
    JET_ERR err = retrieve_locked(t, trx, rec, cb, fid, itag, ignore_default, pdata, pcb);
    pthread_mutex_unlock(&t->db->lock);
    return err;
}

JET_ERR db_copy_value_out(const uint8_t *data, uint32_t cb, uint32_t ib, void *pv,
                              uint32_t cb_max, uint32_t *pcb_actual)
{
    uint32_t avail = ib < cb ? cb - ib : 0;
    *pcb_actual = avail;
    uint32_t n = avail < cb_max ? avail : cb_max;
    if (n)
        memcpy(pv, data + ib, n);
    return avail > cb_max ? JET_wrnBufferTruncated : JET_errSuccess;
}

JET_ERR table_retrieve_into_trx(ese_table *t, ese_trx *trx, const uint8_t *rec, size_t cb,
                                uint16_t fid, uint32_t itag, bool ignore_default, uint32_t ib,
                                void *pv, uint32_t cb_max, uint32_t *pcb_actual)
{
    *pcb_actual = 0;
    pthread_mutex_lock(&t->db->lock);
    record_value v;
    JET_ERR err = record_get_column(&t->schema, rec, cb, fid, itag ? itag : 1, &v);
    if (err >= 0 && v.kind == RECORD_VALUE_DATA && !v.compressed && !v.encrypted) {
        err = db_copy_value_out(v.data, v.cb, ib, pv, cb_max, pcb_actual);
        pthread_mutex_unlock(&t->db->lock);
        return err;
    }
    uint8_t *data = NULL;
    uint32_t cb_data = 0;
    if (err >= 0)
        err = retrieve_locked(t, trx, rec, cb, fid, itag, ignore_default, &data, &cb_data);
    pthread_mutex_unlock(&t->db->lock);
    if (err == JET_errSuccess)
        err = db_copy_value_out(data, cb_data, ib, pv, cb_max, pcb_actual);
    osal_free(data);
    return err;
}

JET_ERR table_retrieve_trx(ese_table *t, ese_trx *trx, const uint8_t *rec, size_t cb, uint16_t fid,
                           uint8_t **pdata, uint32_t *pcb)
{
    return table_retrieve_value_trx(t, trx, rec, cb, fid, 1, false, pdata, pcb);
}

JET_ERR table_count_values(ese_table *t, const uint8_t *rec, size_t cb, uint16_t fid,
                           bool ignore_default, uint32_t *pcount)
{
    pthread_mutex_lock(&t->db->lock);
    record_value v;
    JET_ERR err = record_get_column(&t->schema, rec, cb, fid, 1, &v);
    if (err >= 0)
        err = record_count_values(&t->schema, rec, cb, fid, pcount);
    const db_column *c = column_by_fid(t, fid);
    if (err >= 0 && v.kind == RECORD_VALUE_ABSENT && !ignore_default && c && c->default_value)
        *pcount = 1;
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
    /* on a secondary index (i5-index): key is the entry key E = index key || primary key */
    struct db_sindex *ix;       /* NULL: the primary index */
    uint32_t cb_ikey;           /* the index key's length in key */
    struct ix_overlay *ov;      /* the rows a transaction's view changes (cached) */
    ese_btcursor ibc;           /* on the index tree (initialised while ix is set) */
    bool ibc_live;              /* ibc is on the tree entry whose E is key: a move steps */
    ese_btcursor bc;            /* the tree's cursor of the last move */
    bool bc_on_row;             /* bc stands on the current row: the next step can walk the
                                 * leaf from there (cursor_step_tree) */
};

static JET_ERR ix_move_locked(db_cursor *c, const db_view *v, const uint8_t *key, uint32_t cb_key,
                              bool bounded, bool forward, bool inclusive);
static void ix_overlay_free(struct ix_overlay *ov);

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
    ix_overlay_free(c->ov);
    if (c->ix)
        bt_cursor_release(&c->ibc);
    bt_cursor_release(&c->bc);
    osal_free(c);
}

/* Move through the view; `none` is returned, and `off` becomes the state, when no row
 * qualifies. */
static JET_ERR cursor_move(db_cursor *c, const uint8_t *key, uint32_t cb_key, bool bounded,
                           bool forward, bool inclusive, JET_ERR none, cursor_state off)
{
    uint8_t from[IX_ENTRY_MOST]; /* a secondary index's entry key, or a primary key */
    uint32_t most = c->ix ? IX_ENTRY_MOST : DB_KEY_MOST;
    if (bounded) { /* key may be the cursor's own buffer, which the move reuses */
        if (cb_key > most)
            cb_key = most;
        memcpy(from, key, cb_key);
    }
    ese_database *db = c->t->db;
    pthread_mutex_lock(&db->lock);
    db_view v;
    view_init(&v, db, c->trx);
    JET_ERR err = c->ix ? ix_move_locked(c, &v, from, cb_key, bounded, forward, inclusive)
                        : view_seek_locked(c, &v, from, cb_key, bounded, forward, inclusive);
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
    if (c->ix || !c->bc_on_row || c->state != CURSOR_ON)
        return 1; /* a secondary index steps in ix_move_locked (its own tree cursor) */
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

static JET_ERR ix_seek(db_cursor *c, const uint8_t *key, uint32_t cb_key, bt_seek_mode mode);

JET_ERR db_cursor_seek(db_cursor *c, const uint8_t *key, uint32_t cb_key, bt_seek_mode mode)
{
    if (c->ix)
        return ix_seek(c, key, cb_key, mode);
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
        *pcb_key = c->ix ? c->cb_ikey : (uint32_t)c->cb_key;
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

/* ---- secondary indexes (i5-index; DESIGN.md "Secondary indexes") ------------------------------
 *
 * Entry key E = index key || primary key: the order an index is read in, and the stored key of
 * a non-unique index's entries (a unique one stores the index key alone, data = primary key). */


size_t table_index_count(const ese_table *t)
{
    return (t->has_primary ? 1u : 0u) + t->sidx_count;
}

const db_index_info *table_index_at(const ese_table *t, size_t i)
{
    if (t->has_primary) {
        if (i == 0)
            return &t->primary_info;
        i--;
    }
    return i < t->sidx_count ? &t->sidx[i]->info : NULL;
}

/* Whether a commit must take out every removed entry before adding any (a unique index could
 * otherwise see a key swapped between two rows of the commit as a duplicate). */
static bool sindex_any_unique(const ese_table *t)
{
    for (size_t i = 0; i < t->sidx_count; i++)
        if (t->sidx[i]->unique)
            return true;
    return false;
}

static db_sindex *sindex_find(const ese_table *t, const char *name)
{
    for (size_t i = 0; i < t->sidx_count; i++)
        if (!ascii_casecmp(t->sidx[i]->info.name, name))
            return t->sidx[i];
    return NULL;
}

const db_index_info *table_find_index(const ese_table *t, const char *name)
{
    if (!name)
        return NULL;
    if (t->has_primary && !ascii_casecmp(t->index_name, name))
        return &t->primary_info;
    db_sindex *x = sindex_find(t, name);
    return x ? &x->info : NULL;
}

typedef struct {
    ese_table *t;
    const ese_trx *trx;
} row_lv_context;

static JET_ERR row_lv_read(void *context, uint64_t lid, uint8_t **pdata, uint32_t *pcb)
{
    row_lv_context *c = context;
    return lv_read_view(c->t, c->trx, lid, pdata, pcb);
}

/* index_row_keys of a row as trx sees it (its long values included). */
static JET_ERR row_keys(ese_table *t, const ese_trx *trx, const db_index_info *ix,
                        const uint8_t *rec, size_t cb, index_keys *out)
{
    row_lv_context c = {t, trx};
    return index_row_keys(ix, &t->schema, rec, cb, row_lv_read, &c, out);
}

/* Add or remove one entry of a row in an index tree. */
static JET_ERR sindex_put(db_sindex *x, const uint8_t *ikey, uint32_t cb_ikey, const uint8_t *pk,
                          uint32_t cb_pk, bool insert)
{
    if (x->unique)
        return insert ? bt_insert(&x->tree, ikey, cb_ikey, pk, cb_pk)
                      : bt_delete(&x->tree, ikey, cb_ikey);
    uint8_t e[IX_ENTRY_MOST];
    memcpy(e, ikey, cb_ikey);
    memcpy(e + cb_ikey, pk, cb_pk);
    return insert ? bt_insert(&x->tree, e, cb_ikey + cb_pk, pk, cb_pk)
                  : bt_delete(&x->tree, e, cb_ikey + cb_pk);
}

/* One row's change in every secondary index of t: with insert false, take out the entries of
 * old_rec that new_rec (NULL: deleted) does not have; with insert true, add the entries of
 * new_rec that old_rec (NULL: new row) did not have.  A commit runs every removal of its write
 * set before any addition, so rows that swap unique keys in one commit do not collide. */
static JET_ERR sindex_update_row(ese_table *t, const ese_trx *trx, const uint8_t *pk, uint32_t cb_pk,
                                 const uint8_t *old_rec, size_t cb_old, const uint8_t *new_rec,
                                 size_t cb_new, bool insert)
{
    for (size_t i = 0; i < t->sidx_count; i++) {
        db_sindex *x = t->sidx[i];
        JET_ERR err;
        if (x->foreign)
            return JET_errFeatureNotAvailable; /* libese gap: maintaining ESE's duplicate layout */
        t->keys_old.count = t->keys_new.count = 0;
        if (old_rec && (err = row_keys(t, trx, &x->info, old_rec, cb_old, &t->keys_old)) < 0)
            return err;
        if (new_rec && (err = row_keys(t, trx, &x->info, new_rec, cb_new, &t->keys_new)) < 0)
            return err;
        const index_keys *from = insert ? &t->keys_new : &t->keys_old;
        const index_keys *other = insert ? &t->keys_old : &t->keys_new;
        for (size_t k = 0; k < from->count; k++) {
            uint32_t cb;
            const uint8_t *key = index_key_at(from, k, &cb);
            if (index_keys_contains(other, key, cb))
                continue;
            if ((err = sindex_put(x, key, cb, pk, cb_pk, insert)) < 0)
                return err == JET_errRecordNotFound ? JET_errDatabaseCorrupted : err;
        }
    }
    return JET_errSuccess;
}

/* Insert every committed row's entries into a new index (JET_errKeyDuplicate for a unique
 * index over duplicate rows). */
static JET_ERR sindex_build_locked(ese_table *t, db_sindex *x)
{
    ese_btcursor bc;
    uint8_t *key = NULL, *rec = NULL;
    size_t cap_key = 0, cap_rec = 0, cb_key = 0, cb_rec = 0;
    bt_cursor_init(&bc, &t->tree);
    JET_ERR err = bt_cursor_first(&bc);
    for (; err >= 0; err = bt_cursor_next(&bc)) {
        if ((err = cursor_fetch(&bc, &key, &cap_key, &cb_key, &rec, &cap_rec, &cb_rec)) < 0 ||
            (err = row_keys(t, NULL, &x->info, rec, cb_rec, &t->keys_new)) < 0)
            break;
        for (size_t k = 0; err >= 0 && k < t->keys_new.count; k++) {
            uint32_t cb;
            const uint8_t *ikey = index_key_at(&t->keys_new, k, &cb);
            err = sindex_put(x, ikey, cb, key, (uint32_t)cb_key, true);
        }
        if (err < 0)
            break;
    }
    bt_cursor_release(&bc);
    osal_free(key);
    osal_free(rec);
    return err == JET_errNoCurrentRecord ? JET_errSuccess : err;
}

/* db_create_index inside a schema change's batch (also db_create_table's). */
static JET_ERR create_index_locked(ese_table *t, const db_index_def *def)
{
    ese_database *db = t->db;
    if (!def || !valid_name(def->name))
        return JET_errInvalidName;
    if (def->grbit & JET_bitIndexPrimary)
        return JET_errInvalidGrbit; /* the primary index comes with the table */
    if (!def->key_columns || def->key_count == 0 || def->key_count > JET_ccolKeyMost)
        return JET_errIndexInvalidDef;
    if (def->key_most && (def->key_most < JET_cbKeyMostMin ||
                          def->key_most > key_most_for_page_size(db->page_size)))
        return JET_errIndexInvalidDef;
    if ((t->has_primary && !ascii_casecmp(t->index_name, def->name)) || sindex_find(t, def->name))
        return JET_errIndexDuplicate;
    db_sindex *x = osal_calloc(1, sizeof *x);
    if (!x || !(x->info.name = osal_strdup(def->name))) {
        osal_free(x);
        return JET_errOutOfMemory;
    }
    JET_ERR err = JET_errSuccess;
    bool multivalued = false;
    db_index_info *ix = &x->info;
    ix->grbit = def->grbit & (JET_bitIndexUnique | JET_bitIndexDisallowNull | JET_bitIndexIgnoreNull |
                              JET_bitIndexIgnoreAnyNull | JET_bitIndexIgnoreFirstNull |
                              JET_bitIndexSortNullsHigh | JET_bitIndexDotNetGuid |
                              JET_bitIndexDisallowTruncation);
    ix->lcid = def->lcid;
    ix->density = def->density ? def->density : CATALOG_DENSITY_DEFAULT;
    ix->key_count = (uint32_t)def->key_count;
    ix->kidx.key_most = def->key_most ? def->key_most : KEY_MOST_DEFAULT;
    if ((err = resolve_key_columns(t, def->key_columns, def->key_count, true, ix->fids,
                                   ix->segments, &multivalued)) < 0 ||
        (err = fill_segments(t, ix->fids, ix->segments, ix->key_count, true)) < 0)
        goto fail;
    ix->objid = db->objid_last + 1;
    uint32_t kind = ESE_PAGE_FLAG_INDEX | ((ix->grbit & JET_bitIndexUnique) ? 0 : ESE_PAGE_FLAG_NON_UNIQUE_KEYS);
    if ((err = bt_create(db->store, t->pgno_fdp, ix->objid, kind, DB_TABLE_CPG_MIN, &ix->pgno_fdp)) < 0)
        goto fail;
    db->objid_last = ix->objid;
    catalog_index_segment segs[JET_ccolKeyMost];
    for (uint32_t i = 0; i < ix->key_count; i++) {
        segs[i].fid = ix->fids[i];
        segs[i].flags = ix->segments[i].descending ? CATALOG_SEGMENT_DESCENDING : 0;
    }
    uint32_t flags = index_catalog_flags(ix->grbit, multivalued);
    catalog_index_def id = {0};
    id.objid_table = t->objid;
    id.objid = ix->objid;
    id.pgno_fdp = ix->pgno_fdp;
    id.density = ix->density;
    id.idb_flags = (uint16_t)flags;
    id.idx_flags = (uint16_t)(flags >> 16);
    id.lcid = 0;
    id.lcmap_flags = CATALOG_LCMAP_FLAGS_DEFAULT;
    id.key_most = def->key_most && def->key_most != KEY_MOST_DEFAULT ? (uint16_t)def->key_most : 0;
    id.name = ix->name;
    id.segments = segs;
    id.segment_count = ix->key_count;
    id.locale_name = "en-US";
    uint8_t key[CATALOG_KEY_SIZE];
    uint8_t *rec = NULL;
    size_t cb = 0;
    err = catalog_build_index(&id, db->page_size, key, &rec, &cb);
    if (err >= 0)
        err = catalog_put(db, key, rec, cb, t->objid, CATALOG_TYPE_INDEX, ix->name, strlen(ix->name), false);
    osal_free(rec);
    if (err < 0 || (err = sindex_finish(t, x)) < 0 || (err = sindex_build_locked(t, x)) < 0 ||
        (err = sindex_add(t, x)) < 0)
        goto fail;
    return JET_errSuccess;
fail:
    sindex_free(x);
    return err;
}

/* Take the last n secondary indexes out of the cache again (their batch was discarded). */
static void sindex_drop_last(ese_table *t, size_t n)
{
    while (n-- && t->sidx_count)
        sindex_free(t->sidx[--t->sidx_count]);
}

JET_ERR db_create_index(ese_table *t, const db_index_def *def)
{
    ese_database *db = t->db;
    if (db->read_only)
        return JET_errDatabaseFileReadOnly;
    pthread_mutex_lock(&db->lock);
    begin_batch_locked(db);
    size_t before = t->sidx_count;
    JET_ERR err = create_index_locked(t, def);
    ese_log *log = NULL;
    log_lsn end = 0;
    err = end_batch_locked(db, err, &log, &end);
    if (err < 0)
        sindex_drop_last(t, t->sidx_count - before);
    pthread_mutex_unlock(&db->lock);
    if (err >= 0 && log)
        err = log_flush(log, end);
    return err;
}

/* Give every page an index owns (its tree, its space trees) back to the table's space, as
 * ESE frees a deleted index's FDP into its parent. */
static JET_ERR sindex_free_space_locked(ese_table *t, db_sindex *x)
{
    space_extents ext;
    memset(&ext, 0, sizeof ext);
    JET_ERR err = space_load_extents(t->db->store, x->info.pgno_fdp, &ext, NULL, 0);
    for (size_t i = 0; err >= 0 && i < ext.owned_count; i++)
        for (uint32_t p = ext.owned[i].first; err >= 0 && p <= ext.owned[i].last; p++)
            err = space_free_page(t->db->store, t->pgno_fdp, p);
    space_extents_free(&ext);
    return err;
}

JET_ERR db_delete_index(ese_table *t, const char *name)
{
    ese_database *db = t->db;
    if (!name)
        return JET_errInvalidParameter;
    if (db->read_only)
        return JET_errDatabaseFileReadOnly;
    pthread_mutex_lock(&db->lock);
    JET_ERR err = JET_errSuccess;
    size_t at = 0;
    if (t->has_primary && !ascii_casecmp(t->index_name, name))
        err = JET_errIndexMustStay;
    else {
        while (at < t->sidx_count && ascii_casecmp(t->sidx[at]->info.name, name))
            at++;
        if (at == t->sidx_count)
            err = JET_errIndexNotFound;
    }
    if (err < 0) {
        pthread_mutex_unlock(&db->lock);
        return err;
    }
    db_sindex *x = t->sidx[at];
    begin_batch_locked(db);
    err = sindex_free_space_locked(t, x);
    uint8_t key[CATALOG_KEY_SIZE], ikey[JET_cbKeyMost_OLD];
    uint32_t cb_ikey = 0;
    catalog_key(t->objid, CATALOG_TYPE_INDEX, x->info.objid, key);
    if (err >= 0 && (err = bt_delete(&db->mso, key, CATALOG_KEY_SIZE)) >= 0 &&
        (err = bt_delete(&db->shadow, key, CATALOG_KEY_SIZE)) >= 0 &&
        (err = catalog_name_index_key(t->objid, CATALOG_TYPE_INDEX, x->info.name,
                                      strlen(x->info.name), ikey, &cb_ikey)) >= 0)
        err = bt_delete(&db->name_idx, ikey, cb_ikey);
    ese_log *log = NULL;
    log_lsn end = 0;
    err = end_batch_locked(db, err, &log, &end);
    if (err >= 0) {
        memmove(t->sidx + at, t->sidx + at + 1, (t->sidx_count - at - 1) * sizeof *t->sidx);
        t->sidx_count--;
        sindex_free(x);
    }
    pthread_mutex_unlock(&db->lock);
    if (err >= 0 && log)
        err = log_flush(log, end);
    return err;
}

/* ---- reading through a secondary index ----------------------------------------------------
 *
 * Outside a transaction a move reads the index tree and looks the row up by the entry's
 * primary key.  Inside one, the rows the view sees differently from the committed trees (the
 * session's write set, rows with versions newer than its snapshot) are overlaid: their tree
 * entries are skipped and the entries of their visible records (kept sorted in ix_overlay,
 * rebuilt when the database's generation moved) are merged in. */

typedef struct ix_ov_entry {
    uint32_t off, cb_e, cb_ikey, cb_rec;  /* bytes[off..): E, then the record */
} ix_ov_entry;

struct ix_overlay {
    uint8_t *bytes;
    size_t cb, cap;
    ix_ov_entry *e;
    size_t count, cap_e;
    index_keys keys;
    bool valid;
    uint64_t generation, s;     /* what it was built for */
    bool snapshot;
    const void *ws, *ix;
};

static void ix_overlay_free(struct ix_overlay *ov)
{
    if (ov) {
        osal_free(ov->bytes);
        osal_free(ov->e);
        index_keys_free(&ov->keys);
        osal_free(ov);
    }
}

static const uint8_t ix_tree_sentinel[1];

/* ensure_cap keeping the first `used` bytes (and growing by doubling). */
static JET_ERR grow_keep(uint8_t **buf, size_t *cap, size_t used, size_t cb)
{
    if (cb <= *cap && *buf)
        return JET_errSuccess;
    size_t n = *cap ? *cap * 2 : 256;
    while (n < cb)
        n *= 2;
    uint8_t *p = osal_malloc(n);
    if (!p)
        return JET_errOutOfMemory;
    if (used)
        memcpy(p, *buf, used);
    osal_free(*buf);
    *buf = p;
    *cap = n;
    return JET_errSuccess;
}

/* Whether view v sees row pk of t otherwise than the tree (then *prec, *pcb: its record, NULL
 * when absent). */
static bool ix_row_overlaid_locked(ese_table *t, const db_view *v, const uint8_t *pk,
                                   uint32_t cb_pk, const uint8_t **prec, size_t *pcb)
{
    ese_database *db = t->db;
    if (!v->ws && !(v->snapshot && db->vhead))
        return false;
    uint8_t ck[TRX_KEY_MOST];
    uint32_t cb_ck = trx_make_key(t->objid, pk, cb_pk, ck);
    const uint8_t *rec;
    size_t cb;
    bool present = view_resolve_locked(db, v, ck, cb_ck, ix_tree_sentinel, 1, &rec, &cb);
    if (rec == ix_tree_sentinel)
        return false;
    *prec = present ? rec : NULL;
    *pcb = cb;
    return true;
}

static int ix_ov_compare(const struct ix_overlay *ov, size_t i, const uint8_t *e, size_t cb_e)
{
    return key_compare(ov->bytes + ov->e[i].off, ov->e[i].cb_e, e, cb_e);
}

/* First overlay entry >= e (or > e when !inclusive). */
static size_t ix_ov_lower(const struct ix_overlay *ov, const uint8_t *e, size_t cb_e, bool inclusive)
{
    size_t lo = 0, hi = ov->count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int cmp = ix_ov_compare(ov, mid, e, cb_e);
        if (cmp < 0 || (!inclusive && cmp == 0))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static JET_ERR ix_ov_add(struct ix_overlay *ov, const uint8_t *ikey, uint32_t cb_ikey,
                         const uint8_t *pk, uint32_t cb_pk, const uint8_t *rec, size_t cb_rec)
{
    uint8_t e[IX_ENTRY_MOST];
    memcpy(e, ikey, cb_ikey);
    memcpy(e + cb_ikey, pk, cb_pk);
    size_t cb_e = cb_ikey + cb_pk;
    size_t pos = ix_ov_lower(ov, e, cb_e, true);
    if (pos < ov->count && ix_ov_compare(ov, pos, e, cb_e) == 0)
        return JET_errSuccess; /* the same row from the write set and the versions */
    JET_ERR err = grow_keep(&ov->bytes, &ov->cap, ov->cb, ov->cb + cb_e + cb_rec);
    if (err < 0)
        return err;
    if (ov->count == ov->cap_e) {
        size_t cap = ov->cap_e ? ov->cap_e * 2 : 16;
        ix_ov_entry *p = osal_malloc(cap * sizeof *p);
        if (!p)
            return JET_errOutOfMemory;
        if (ov->count)
            memcpy(p, ov->e, ov->count * sizeof *p);
        osal_free(ov->e);
        ov->e = p;
        ov->cap_e = cap;
    }
    memcpy(ov->bytes + ov->cb, e, cb_e);
    if (cb_rec)
        memcpy(ov->bytes + ov->cb + cb_e, rec, cb_rec);
    memmove(ov->e + pos + 1, ov->e + pos, (ov->count - pos) * sizeof *ov->e);
    ov->e[pos] = (ix_ov_entry){(uint32_t)ov->cb, (uint32_t)cb_e, cb_ikey, (uint32_t)cb_rec};
    ov->cb += cb_e + cb_rec;
    ov->count++;
    return JET_errSuccess;
}

static JET_ERR ix_overlay_build_locked(db_cursor *c, const db_view *v)
{
    ese_table *t = c->t;
    ese_database *db = t->db;
    if (!c->ov && !(c->ov = osal_calloc(1, sizeof *c->ov)))
        return JET_errOutOfMemory;
    struct ix_overlay *ov = c->ov;
    if (ov->valid && ov->generation == db->generation && ov->ix == c->ix && ov->ws == v->ws &&
        ov->snapshot == v->snapshot && ov->s == v->s)
        return JET_errSuccess;
    ov->valid = false;
    ov->cb = ov->count = 0;
    uint8_t prefix[4];
    trx_make_key(t->objid, NULL, 0, prefix);
    const ese_omap *maps[2] = {v->ws, v->snapshot && db->rows.count ? &db->rows : NULL};
    for (int m = 0; m < 2; m++) {
        if (!maps[m])
            continue;
        for (omap_node *n = omap_seek(maps[m], prefix, sizeof prefix, BT_SEEK_GT);
             n && n->cb_key >= 4 && !memcmp(n->key, prefix, 4);
             n = omap_seek(maps[m], n->key, n->cb_key, BT_SEEK_GT)) {
            const uint8_t *rec = NULL;
            size_t cb = 0;
            const uint8_t *pk = n->key + 4;
            uint32_t cb_pk = (uint32_t)n->cb_key - 4;
            if (!ix_row_overlaid_locked(t, v, pk, cb_pk, &rec, &cb) || !rec)
                continue;
            JET_ERR err = row_keys(t, v->trx, &c->ix->info, rec, cb, &ov->keys);
            for (size_t k = 0; err >= 0 && k < ov->keys.count; k++) {
                uint32_t cb_ikey;
                const uint8_t *ikey = index_key_at(&ov->keys, k, &cb_ikey);
                err = ix_ov_add(ov, ikey, cb_ikey, pk, cb_pk, rec, cb);
            }
            if (err < 0)
                return err;
        }
    }
    ov->valid = true;
    ov->generation = db->generation;
    ov->ix = c->ix;
    ov->ws = v->ws;
    ov->snapshot = v->snapshot;
    ov->s = v->s;
    return JET_errSuccess;
}

static bool ix_satisfies(int cmp, bool forward, bool inclusive)
{
    return forward ? (inclusive ? cmp >= 0 : cmp > 0) : (inclusive ? cmp <= 0 : cmp < 0);
}

/* From bc's entry (err: how getting there went), step until E = key || data qualifies. */
static JET_ERR ix_foreign_walk(db_cursor *c, ese_btcursor *bc, JET_ERR err, const uint8_t *from,
                               size_t cb_from, bool forward, bool inclusive)
{
    for (; err >= 0; err = forward ? bt_cursor_next(bc) : bt_cursor_prev(bc)) {
        if ((err = cursor_fetch(bc, &c->tkey, &c->cap_tkey, &c->cb_tkey, &c->trec, &c->cap_trec,
                                &c->cb_trec)) < 0 ||
            (err = grow_keep(&c->tkey, &c->cap_tkey, c->cb_tkey, c->cb_tkey + c->cb_trec)) < 0)
            return err;
        memcpy(c->tkey + c->cb_tkey, c->trec, c->cb_trec);
        c->cb_tkey += c->cb_trec;
        if (ix_satisfies(key_compare(c->tkey, c->cb_tkey, from, cb_from), forward, inclusive))
            return JET_errSuccess;
    }
    return err;
}

/* ix_tree_seek on an ESE-written non-unique tree, where one key repeats with each primary key
 * as data (ordered by data): land on the run of entries at or below `from`, then walk to the
 * first entry whose E qualifies.  Leaves E in c->tkey, the primary key in c->trec. */
static JET_ERR ix_foreign_seek(db_cursor *c, ese_btcursor *bc, const uint8_t *from,
                               size_t cb_from, bool forward, bool inclusive)
{
    JET_ERR err = bt_cursor_seek(bc, from, cb_from, BT_SEEK_LE);
    if (err == JET_errRecordNotFound)
        return forward ? ix_foreign_walk(c, bc, bt_cursor_first(bc), from, cb_from, true, inclusive)
                       : err;
    if (err < 0)
        return err;
    /* to the edge of the run of equal keys the seek landed in, on the side the walk starts */
    uint8_t *run = NULL;
    size_t cap_run = 0, cb_run = 0;
    if ((err = cursor_fetch(bc, &run, &cap_run, &cb_run, &c->trec, &c->cap_trec, &c->cb_trec)) >= 0) {
        for (;;) {
            err = forward ? bt_cursor_prev(bc) : bt_cursor_next(bc);
            if (err == JET_errNoCurrentRecord) {
                err = forward ? bt_cursor_first(bc) : bt_cursor_last(bc);
                break;
            }
            if (err < 0 || (err = cursor_fetch(bc, &c->tkey, &c->cap_tkey, &c->cb_tkey, &c->trec,
                                               &c->cap_trec, &c->cb_trec)) < 0)
                break;
            if (key_compare(c->tkey, c->cb_tkey, run, cb_run) != 0) {
                err = forward ? bt_cursor_next(bc) : bt_cursor_prev(bc);
                break;
            }
        }
    }
    osal_free(run);
    return ix_foreign_walk(c, bc, err, from, cb_from, forward, inclusive);
}

/* The index tree's nearest entry from `from` (E order; unbounded: the first / last), left in
 * c->tkey as E with c->trec = its primary key.  JET_errRecordNotFound when none. */
static JET_ERR ix_tree_seek(db_cursor *c, const uint8_t *from, size_t cb_from, bool bounded,
                            bool forward, bool inclusive, bool step, uint32_t *pcb_ikey)
{
    db_sindex *x = c->ix;
    ese_btcursor *bc = &c->ibc; /* left on the entry found, for the next move's step */
    JET_ERR err;
    bt_seek_mode mode = forward ? (inclusive ? BT_SEEK_GE : BT_SEEK_GT)
                                : (inclusive ? BT_SEEK_LE : BT_SEEK_LT);
    bool fetched = false;
    if (step) {
        /* the neighbour along the leaf: no seek from the root (the tree's own cursor finds its
         * place again by key if the tree changed since) */
        err = forward ? bt_cursor_next(bc) : bt_cursor_prev(bc);
    } else if (!bounded) {
        err = forward ? bt_cursor_first(bc) : bt_cursor_last(bc);
    } else if (x->foreign) {
        err = ix_foreign_seek(c, bc, from, cb_from, forward, inclusive);
        fetched = err >= 0;
    } else if (!x->unique) {
        err = bt_cursor_seek(bc, from, cb_from, mode);
    } else {
        /* stored keys are index keys alone: the entry at or below `from` may still be E-after it */
        err = bt_cursor_seek(bc, from, cb_from, BT_SEEK_LE);
        if (err >= 0) {
            if ((err = cursor_fetch(bc, &c->tkey, &c->cap_tkey, &c->cb_tkey, &c->trec,
                                    &c->cap_trec, &c->cb_trec)) >= 0 &&
                (err = grow_keep(&c->tkey, &c->cap_tkey, c->cb_tkey, c->cb_tkey + c->cb_trec)) >= 0) {
                memcpy(c->tkey + c->cb_tkey, c->trec, c->cb_trec);
                int cmp = key_compare(c->tkey, c->cb_tkey + c->cb_trec, from, cb_from);
                if (ix_satisfies(cmp, forward, inclusive))
                    fetched = true;
                else
                    err = forward ? bt_cursor_next(bc) : bt_cursor_prev(bc);
            }
        } else if (err == JET_errRecordNotFound && forward) {
            err = bt_cursor_first(bc);
        }
    }
    if (err >= 0 && !fetched) {
        if ((err = cursor_fetch(bc, &c->tkey, &c->cap_tkey, &c->cb_tkey, &c->trec, &c->cap_trec,
                                &c->cb_trec)) >= 0 && (x->unique || x->foreign) &&
            (err = grow_keep(&c->tkey, &c->cap_tkey, c->cb_tkey, c->cb_tkey + c->cb_trec)) >= 0)
            memcpy(c->tkey + c->cb_tkey, c->trec, c->cb_trec);
    }
    if (err >= 0 && fetched && x->foreign) {
        *pcb_ikey = (uint32_t)(c->cb_tkey - c->cb_trec); /* ix_foreign_seek composed E */
    } else if (err >= 0 && (x->unique || x->foreign)) {
        *pcb_ikey = (uint32_t)c->cb_tkey;
        c->cb_tkey += c->cb_trec;
    } else if (err >= 0) {
        if (c->cb_tkey < c->cb_trec)
            err = JET_errDatabaseCorrupted;
        *pcb_ikey = (uint32_t)(c->cb_tkey - c->cb_trec);
    }
    if (err == JET_errNoCurrentRecord)
        err = JET_errRecordNotFound;
    return err < 0 ? err : JET_errSuccess;
}

/* cursor_move on a secondary index, `key` an entry key E; the latch is held. */
static JET_ERR ix_move_locked(db_cursor *c, const db_view *v, const uint8_t *key, uint32_t cb_key,
                              bool bounded, bool forward, bool inclusive)
{
    ese_table *t = c->t;
    uint8_t from[IX_ENTRY_MOST];
    size_t cb_from = cb_key < sizeof from ? cb_key : sizeof from;
    if (bounded)
        memcpy(from, key, cb_from);
    bool overlay = v->ws || (v->snapshot && t->db->rows.count);
    JET_ERR err = overlay ? ix_overlay_build_locked(c, v) : JET_errSuccess;
    if (err < 0)
        return err;
    /* the overlay's nearest entry (binary search), then the tree's, stale entries skipped */
    size_t oi = SIZE_MAX;
    if (overlay && c->ov->count) {
        if (!bounded)
            oi = forward ? 0 : c->ov->count - 1;
        else if (forward)
            oi = ix_ov_lower(c->ov, from, cb_from, inclusive);
        else
            oi = ix_ov_lower(c->ov, from, cb_from, !inclusive) - 1; /* SIZE_MAX when none */
        if (oi >= c->ov->count)
            oi = SIZE_MAX;
    }
    uint32_t cb_tikey = 0;
    bool have_tree;
    bool step = !overlay && bounded && !inclusive && c->ibc_live && c->state == CURSOR_ON &&
                cb_from == c->cb_key && !memcmp(from, c->key, cb_from);
    c->ibc_live = false;
    for (;; step = false) {
        err = ix_tree_seek(c, from, cb_from, bounded, forward, inclusive, step, &cb_tikey);
        if (err < 0 && err != JET_errRecordNotFound)
            return err;
        have_tree = err >= 0;
        const uint8_t *rec;
        size_t cb;
        if (!have_tree || !overlay ||
            !ix_row_overlaid_locked(t, v, c->trec, (uint32_t)c->cb_trec, &rec, &cb))
            break;
        memcpy(from, c->tkey, c->cb_tkey); /* a stale entry of an overlaid row: skip it */
        cb_from = c->cb_tkey;
        bounded = true;
        inclusive = false;
    }
    if (oi != SIZE_MAX && have_tree) {
        int cmp = ix_ov_compare(c->ov, oi, c->tkey, c->cb_tkey);
        if (forward ? cmp > 0 : cmp < 0)
            oi = SIZE_MAX; /* the tree's is nearer */
    }
    if (oi != SIZE_MAX) {
        const ix_ov_entry *o = &c->ov->e[oi];
        if ((err = ensure_cap(&c->key, &c->cap_key, o->cb_e)) < 0 ||
            (err = ensure_cap(&c->rec, &c->cap_rec, o->cb_rec ? o->cb_rec : 1)) < 0)
            return err;
        memcpy(c->key, c->ov->bytes + o->off, o->cb_e);
        c->cb_key = o->cb_e;
        c->cb_ikey = o->cb_ikey;
        memcpy(c->rec, c->ov->bytes + o->off + o->cb_e, o->cb_rec);
        c->cb_rec = o->cb_rec;
        c->state = CURSOR_ON;
        return JET_errSuccess;
    }
    if (!have_tree)
        return JET_errRecordNotFound;
    /* the row, into the cursor's record buffer (grown, never reallocated per row) */
    size_t cb_rec = 0;
    if ((err = ensure_cap(&c->rec, &c->cap_rec, 1)) < 0)
        return err;
    err = bt_lookup(&t->tree, c->trec, c->cb_trec, c->rec, c->cap_rec, &cb_rec);
    if (err == JET_wrnBufferTruncated) {
        if ((err = ensure_cap(&c->rec, &c->cap_rec, cb_rec)) < 0)
            return err;
        err = bt_lookup(&t->tree, c->trec, c->cb_trec, c->rec, c->cap_rec, &cb_rec);
    }
    if (err == JET_errRecordNotFound)
        err = JET_errDatabaseCorrupted; /* an index entry without its row */
    if (err < 0) {
        c->state = CURSOR_NONE;
        return err;
    }
    swap_buffers(&c->key, &c->cb_key, &c->cap_key, &c->tkey, &c->cb_tkey, &c->cap_tkey);
    c->cb_ikey = cb_tikey;
    c->cb_rec = cb_rec;
    c->state = CURSOR_ON;
    c->ibc_live = !overlay;
    return JET_errSuccess;
}

/* A search key (index key or prefix) as an entry-key bound: GT and LE go past every entry
 * whose index key equals it (a run of 0xFF above any primary key). */
static uint32_t ix_bound(const uint8_t *key, uint32_t cb_key, bool past_equal, uint8_t *out)
{
    if (cb_key > KEY_LIMIT_MOST_MOST)
        cb_key = KEY_LIMIT_MOST_MOST;
    memcpy(out, key, cb_key);
    if (!past_equal)
        return cb_key;
    memset(out + cb_key, 0xFF, DB_KEY_MOST + 1);
    return cb_key + DB_KEY_MOST + 1;
}

static JET_ERR ix_seek(db_cursor *c, const uint8_t *key, uint32_t cb_key, bt_seek_mode mode)
{
    uint8_t from[IX_ENTRY_MOST];
    bool forward = mode == BT_SEEK_EQ || mode == BT_SEEK_GE || mode == BT_SEEK_GT;
    bool inclusive = mode != BT_SEEK_GT && mode != BT_SEEK_LT;
    uint32_t cb_from = ix_bound(key, cb_key, mode == BT_SEEK_GT || mode == BT_SEEK_LE, from);
    JET_ERR err = cursor_move(c, from, cb_from, true, forward, inclusive, JET_errRecordNotFound,
                              CURSOR_NONE);
    if (err < 0 || mode == BT_SEEK_GT || mode == BT_SEEK_LT)
        return err;
    bool equal = c->cb_ikey == cb_key && !memcmp(c->key, key, cb_key);
    if (equal)
        return JET_errSuccess;
    if (mode == BT_SEEK_EQ) {
        c->state = CURSOR_NONE;
        return JET_errRecordNotFound;
    }
    return JET_wrnSeekNotEqual;
}

JET_ERR db_cursor_seek_entry(db_cursor *c, const uint8_t *key, uint32_t cb_key,
                             const uint8_t *bookmark, uint32_t cb_bookmark, bt_seek_mode mode)
{
    if (!c->ix)
        return db_cursor_seek(c, key, cb_key, mode);
    uint8_t e[IX_ENTRY_MOST];
    if (cb_key > KEY_MOST_MOST || cb_bookmark > DB_KEY_MOST)
        return JET_errInvalidParameter;
    memcpy(e, key, cb_key);
    memcpy(e + cb_key, bookmark, cb_bookmark);
    uint32_t cb_e = cb_key + cb_bookmark;
    bool forward = mode == BT_SEEK_EQ || mode == BT_SEEK_GE || mode == BT_SEEK_GT;
    bool inclusive = mode != BT_SEEK_GT && mode != BT_SEEK_LT;
    JET_ERR err = cursor_move(c, e, cb_e, true, forward, inclusive, JET_errRecordNotFound,
                              CURSOR_NONE);
    if (err >= 0 && mode == BT_SEEK_EQ && (c->cb_key != cb_e || memcmp(c->key, e, cb_e))) {
        c->state = CURSOR_NONE;
        return JET_errRecordNotFound;
    }
    return err;
}

JET_ERR db_cursor_bookmark(db_cursor *c, const uint8_t **pbm, uint32_t *pcb_bm)
{
    if (c->state != CURSOR_ON)
        return JET_errNoCurrentRecord;
    uint32_t skip = c->ix ? c->cb_ikey : 0;
    *pbm = c->key + skip;
    *pcb_bm = (uint32_t)c->cb_key - skip;
    return JET_errSuccess;
}

JET_ERR db_cursor_set_index(db_cursor *c, const char *name)
{
    ese_table *t = c->t;
    pthread_mutex_lock(&t->db->lock);
    JET_ERR err = JET_errSuccess;
    db_sindex *x = NULL;
    if (name && *name && !(t->has_primary && !ascii_casecmp(t->index_name, name)) &&
        !(x = sindex_find(t, name)))
        err = JET_errIndexNotFound;
    pthread_mutex_unlock(&t->db->lock);
    if (err < 0)
        return err;
    if (c->ix)
        bt_cursor_release(&c->ibc);
    c->ix = x;
    if (x)
        bt_cursor_init(&c->ibc, &x->tree);
    c->ibc_live = false;
    c->bc_on_row = false;
    c->state = CURSOR_NONE;
    if (c->ov)
        c->ov->valid = false;
    return JET_errSuccess;
}

const db_index_info *db_cursor_index(const db_cursor *c)
{
    return c->ix ? &c->ix->info : &c->t->primary_info;
}

/* Whether row pk's record as view v sees it (rec: its tree record) has index key ikey in x. */
static JET_ERR row_has_key_locked(ese_table *t, const db_view *v, db_sindex *x, const uint8_t *pk,
                                  uint32_t cb_pk, const uint8_t *ikey, uint32_t cb_ikey,
                                  index_keys *scratch, bool *has)
{
    const uint8_t *rec;
    size_t cb;
    *has = true;
    if (!ix_row_overlaid_locked(t, v, pk, cb_pk, &rec, &cb))
        return JET_errSuccess; /* the tree's entry is the view's */
    *has = false;
    if (!rec)
        return JET_errSuccess;
    JET_ERR err = row_keys(t, v->trx, &x->info, rec, cb, scratch);
    if (err >= 0)
        *has = index_keys_contains(scratch, ikey, cb_ikey);
    return err;
}

/* Staging a row: every index accepts its keys (DisallowNull), and no unique index has another
 * row with one of them, in the committed tree (as the stager's view sees those rows) or in the
 * stager's own write set: JET_errKeyDuplicate at JetUpdate, as ESENT reports it.  A commit
 * checks again in the tree (another transaction may have committed the key meanwhile).  The
 * write set is scanned (O(rows staged) per update of a table with a unique index). */
static JET_ERR sindex_check_row_locked(ese_table *t, ese_trx *trx, const uint8_t *rec, size_t cb,
                                       const uint8_t *pk, uint32_t cb_pk)
{
    JET_ERR err = JET_errSuccess;
    db_view v;
    view_init(&v, t->db, trx);
    uint8_t prefix[4];
    trx_make_key(t->objid, NULL, 0, prefix);
    for (size_t i = 0; err >= 0 && i < t->sidx_count; i++) {
        db_sindex *x = t->sidx[i];
        if (!x->unique && !(x->info.grbit & (JET_bitIndexDisallowNull | JET_bitIndexDisallowTruncation)))
            continue; /* nothing to refuse at staging */
        if ((err = row_keys(t, trx, &x->info, rec, cb, &t->keys_new)) < 0 || !x->unique)
            continue;
        for (size_t k = 0; err >= 0 && k < t->keys_new.count; k++) {
            uint32_t cb_ikey;
            const uint8_t *ikey = index_key_at(&t->keys_new, k, &cb_ikey);
            uint8_t other[DB_KEY_MOST];
            size_t cb_other = 0;
            bool has = false;
            err = bt_lookup(&x->tree, ikey, cb_ikey, other, sizeof other, &cb_other);
            if (err == JET_errRecordNotFound) {
                err = JET_errSuccess;
            } else if (err >= 0 && (cb_other != cb_pk || memcmp(other, pk, cb_pk))) {
                if ((err = row_has_key_locked(t, &v, x, other, (uint32_t)cb_other, ikey, cb_ikey,
                                              &t->keys_old, &has)) >= 0 && has)
                    err = JET_errKeyDuplicate;
            }
            if (err < 0 || !v.ws)
                continue;
            for (omap_node *n = omap_seek(v.ws, prefix, sizeof prefix, BT_SEEK_GT);
                 err >= 0 && n && n->cb_key >= 4 && !memcmp(n->key, prefix, 4);
                 n = omap_seek(v.ws, n->key, n->cb_key, BT_SEEK_GT)) {
                const trx_entry *e = n->value;
                if (e->lock_only || !e->present ||
                    (n->cb_key - 4 == cb_pk && !memcmp(n->key + 4, pk, cb_pk)))
                    continue;
                if ((err = row_keys(t, trx, &x->info, e->rec, e->cb_rec, &t->keys_old)) >= 0 &&
                    index_keys_contains(&t->keys_old, ikey, cb_ikey))
                    err = JET_errKeyDuplicate;
            }
        }
    }
    return err;
}

/* db_check: every secondary index holds exactly the entries of the table's rows. */
static JET_ERR sindex_check_locked(ese_table *t, char *msg, size_t cb_msg)
{
    ese_btcursor bc;
    uint8_t *key = NULL, *rec = NULL;
    size_t cap_key = 0, cap_rec = 0, cb_key = 0, cb_rec = 0;
    JET_ERR err = JET_errSuccess;
    for (size_t i = 0; err >= 0 && i < t->sidx_count; i++) {
        db_sindex *x = t->sidx[i];
        uint64_t expected = 0;
        if (x->foreign)
            continue; /* its keys are ESE's (Unicode text: LCMapString), not libese's */
        bt_check_stats stats;
        if ((err = bt_check(t->db->store, x->info.pgno_fdp, &stats, msg, cb_msg)) < 0)
            break;
        bt_cursor_init(&bc, &t->tree);
        for (err = bt_cursor_first(&bc); err >= 0; err = bt_cursor_next(&bc)) {
            if ((err = cursor_fetch(&bc, &key, &cap_key, &cb_key, &rec, &cap_rec, &cb_rec)) < 0 ||
                (err = row_keys(t, NULL, &x->info, rec, cb_rec, &t->keys_new)) < 0)
                break;
            for (size_t k = 0; err >= 0 && k < t->keys_new.count; k++) {
                uint32_t cb;
                const uint8_t *ikey = index_key_at(&t->keys_new, k, &cb);
                uint8_t e[IX_ENTRY_MOST], pk[DB_KEY_MOST];
                size_t cb_pk = 0;
                memcpy(e, ikey, cb);
                memcpy(e + cb, key, cb_key);
                err = bt_lookup(&x->tree, e, x->unique ? cb : cb + cb_key, pk, sizeof pk, &cb_pk);
                if (err >= 0 && (cb_pk != cb_key || memcmp(pk, key, cb_key)))
                    err = JET_errRecordNotFound;
                if (err == JET_errRecordNotFound) {
                    snprintf(msg, cb_msg, "index %s of table %s misses a row's entry",
                             x->info.name, t->name);
                    err = JET_errDatabaseCorrupted;
                }
                expected++;
            }
        }
        bt_cursor_release(&bc);
        if (err == JET_errNoCurrentRecord)
            err = JET_errSuccess;
        if (err >= 0 && expected != stats.records) {
            snprintf(msg, cb_msg, "index %s of table %s has %llu entries for %llu", x->info.name,
                     t->name, (unsigned long long)stats.records, (unsigned long long)expected);
            err = JET_errDatabaseCorrupted;
        }
    }
    osal_free(key);
    osal_free(rec);
    return err;
}

JET_ERR db_cursor_goto_row(db_cursor *c, const uint8_t *bm, uint32_t cb_bm, uint32_t itag)
{
    if (!c->ix)
        return itag > 1 ? JET_errNoCurrentRecord : db_cursor_seek(c, bm, cb_bm, BT_SEEK_EQ);
    uint8_t *rec = NULL;
    size_t cb = 0;
    JET_ERR err = db_lookup_trx(c->t, c->trx, bm, cb_bm, &rec, &cb);
    if (err == JET_errRecordNotFound)
        err = JET_errNoCurrentRecord;
    index_keys keys = {0};
    if (err >= 0) {
        pthread_mutex_lock(&c->t->db->lock);
        err = row_keys(c->t, c->trx, &c->ix->info, rec, cb, &keys);
        pthread_mutex_unlock(&c->t->db->lock);
    }
    size_t k = itag ? itag - 1 : 0;
    if (err >= 0 && k >= keys.count)
        err = JET_errNoCurrentRecord; /* the row has no such entry in this index */
    if (err >= 0) {
        uint32_t cb_key;
        const uint8_t *key = index_key_at(&keys, k, &cb_key);
        err = db_cursor_seek_entry(c, key, cb_key, bm, cb_bm, BT_SEEK_EQ);
        if (err == JET_errRecordNotFound)
            err = JET_errNoCurrentRecord;
    }
    index_keys_free(&keys);
    osal_free(rec);
    if (err < 0)
        c->state = CURSOR_NONE;
    return err;
}
