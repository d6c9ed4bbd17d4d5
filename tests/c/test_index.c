/*
 * test_index.c -- secondary indexes at the database level (database.h, index.c):
 * creation with a table and on a table with rows, the on-disk shape (catalog record, tree
 * flags, entries), maintenance by every commit checked against a model, unique and NULL rules,
 * multi-valued entries, descending keys, reads through an index inside transactions (own
 * changes, snapshots), fault walks, reload through close + open, and an index of a database
 * Windows wrote.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "btree.h"
#include "catalog_format.h"
#include "check.h"
#include "database.h"
#include "fault.h"
#include "osal.h"
#include "trx.h"

static uint32_t g_page = 8192;

static uint64_t g_rnd = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void)
{
    g_rnd ^= g_rnd << 13;
    g_rnd ^= g_rnd >> 7;
    g_rnd ^= g_rnd << 17;
    return g_rnd;
}

/* Table Rows: Id Long (primary), Val Long, Name Text, Tags Long tagged. */
#define F_ID 1
#define F_VAL 2
#define F_NAME 128
#define F_TAGS 256

static const db_column_def g_cols[] = {
    {"Id", JET_coltypLong, 0, 0, JET_bitColumnNotNULL, NULL, 0},
    {"Val", JET_coltypLong, 0, 0, 0, NULL, 0},
    {"Name", JET_coltypText, 0, 1252, 0, NULL, 0},
    {"Tags", JET_coltypLong, 0, 0, JET_bitColumnTagged | JET_bitColumnMultiValued, NULL, 0},
};

static void path_for(char *out, size_t cb, const char *what)
{
    snprintf(out, cb, "/tmp/test_index_%s_%d.edb", what, (int)getpid());
    remove(out);
}

static ese_database *new_db(const char *path, ese_table **pt, const db_index_def *ix, size_t nix)
{
    ese_database *db = NULL;
    CHECK_ERR(db_create(path, g_page, &db), JET_errSuccess);
    if (!db)
        return NULL;
    static const db_index_column key = {"Id", false};
    db_table_def def = {"Rows", g_cols, 4, "PK", &key, 1, 0, ix, nix};
    CHECK_ERR(db_create_table(db, &def, pt), JET_errSuccess);
    return db;
}

typedef struct {
    int32_t id, val;
    bool val_null;
    char name[16];     /* "" = NULL */
} row;

static JET_ERR put_row(ese_table *t, ese_trx *trx, const row *r, bool replace)
{
    db_value v[3] = {
        {F_ID, &r->id, 4, 0, 0},
        {F_VAL, r->val_null ? NULL : &r->val, r->val_null ? 0 : 4, 0, 0},
        {F_NAME, r->name[0] ? r->name : NULL, (uint32_t)strlen(r->name), 0, 0},
    };
    if (!replace)
        return db_insert_trx(t, trx, v, 3, NULL, NULL);
    uint8_t key[DB_KEY_MOST];
    uint32_t cb = 0;
    JET_ERR err = table_make_key(t, v, 1, key, &cb);
    return err < 0 ? err : db_replace_trx(t, trx, key, cb, v + 1, 2);
}

static JET_ERR del_row(ese_table *t, ese_trx *trx, int32_t id)
{
    db_value v = {F_ID, &id, 4, 0, 0};
    uint8_t key[DB_KEY_MOST];
    uint32_t cb = 0;
    JET_ERR err = table_make_key(t, &v, 1, key, &cb);
    return err < 0 ? err : db_delete_trx(t, trx, key, cb);
}

static int32_t get_long(db_cursor *c, uint16_t fid, bool *is_null)
{
    uint8_t *data = NULL;
    uint32_t cb = 0;
    JET_ERR err = db_cursor_retrieve(c, fid, &data, &cb);
    int32_t v = 0;
    *is_null = err == JET_wrnColumnNull;
    if (err >= 0 && data && cb == 4)
        memcpy(&v, data, 4);
    osal_free(data);
    return v;
}

/* ---- a model: the rows as the view should see them ---------------------------------------- */

#define M_ROWS 64
typedef struct {
    bool present[M_ROWS];
    row r[M_ROWS];
} model;

/* Index ByVal (+Val, default NULL rule): entries ordered by (Val with NULL first, Id). */
static int expected_byval(const model *m, int32_t *ids, bool descending_val)
{
    int n = 0;
    for (int i = 0; i < M_ROWS; i++)
        if (m->present[i])
            ids[n++] = i;
    for (int i = 1; i < n; i++) /* insertion sort */
        for (int j = i; j > 0; j--) {
            const row *a = &m->r[ids[j - 1]], *b = &m->r[ids[j]];
            int64_t ka = a->val_null ? INT64_MIN : a->val, kb = b->val_null ? INT64_MIN : b->val;
            if (descending_val) {
                ka = a->val_null ? INT64_MAX : -(int64_t)a->val;
                kb = b->val_null ? INT64_MAX : -(int64_t)b->val;
            }
            if (ka > kb || (ka == kb && a->id > b->id)) {
                int32_t tmp = ids[j - 1];
                ids[j - 1] = ids[j];
                ids[j] = tmp;
            } else {
                break;
            }
        }
    return n;
}

/* Walk the index both ways through trx's view and compare with the model. */
static void verify_index(ese_table *t, ese_trx *trx, const char *index, const model *m, bool desc)
{
    int32_t ids[M_ROWS];
    int n = expected_byval(m, ids, desc);
    db_cursor *c = NULL;
    CHECK_ERR(db_cursor_open(t, &c), JET_errSuccess);
    if (!c)
        return;
    db_cursor_set_trx(c, trx);
    CHECK_ERR(db_cursor_set_index(c, index), JET_errSuccess);
    int k = 0;
    bool ok = true;
    for (JET_ERR err = db_cursor_first(c); err >= 0; err = db_cursor_next(c), k++) {
        bool null;
        int32_t id = get_long(c, F_ID, &null);
        if (k >= n || id != ids[k])
            ok = false;
    }
    CHECK(ok && k == n);
    if (!ok || k != n)
        fprintf(stderr, "  %s%s forward: %d entries, expected %d\n", index, trx ? " (trx)" : "", k, n);
    k = n - 1;
    ok = true;
    for (JET_ERR err = db_cursor_last(c); err >= 0; err = db_cursor_prev(c), k--) {
        bool null;
        int32_t id = get_long(c, F_ID, &null);
        if (k < 0 || id != ids[k])
            ok = false;
    }
    CHECK(ok && k == -1);
    db_cursor_close(c);
}

static void random_row(row *r, int32_t id)
{
    r->id = id;
    r->val = (int32_t)(rnd() % 9) - 4;
    r->val_null = rnd() % 7 == 0;
    if (rnd() % 5 == 0)
        r->name[0] = 0;
    else
        snprintf(r->name, sizeof r->name, "n%d", id);
}

/* One random insert / replace / delete on model m through trx; the model follows success. */
static JET_ERR random_op(ese_table *t, ese_trx *trx, model *m)
{
    int32_t id = (int32_t)(rnd() % M_ROWS);
    row r;
    random_row(&r, id);
    JET_ERR err;
    if (!m->present[id]) {
        if ((err = put_row(t, trx, &r, false)) >= 0) {
            m->present[id] = true;
            m->r[id] = r;
        }
    } else if (rnd() % 3 == 0) {
        if ((err = del_row(t, trx, id)) >= 0)
            m->present[id] = false;
    } else if ((err = put_row(t, trx, &r, true)) >= 0) {
        m->r[id] = r;
    }
    return err;
}

static void check_db(ese_database *db)
{
    char msg[256] = "";
    JET_ERR err = db_check(db, msg, sizeof msg);
    CHECK_ERR(err, JET_errSuccess);
    if (err < 0)
        fprintf(stderr, "  db_check: %s\n", msg);
}

/* ---- tests ----------------------------------------------------------------------------------- */

static const db_index_column k_val = {"Val", false};
static const db_index_column k_val_desc = {"Val", true};
static const db_index_column k_name = {"Name", false};

/* Maintenance by every commit, outside and inside transactions, against the model. */
static void test_maintenance(void)
{
    char path[256];
    path_for(path, sizeof path, "maint");
    db_index_def ix[3] = {
        {"ByVal", &k_val, 1, 0, 0, 0, 0},
        {"ByValDesc", &k_val_desc, 1, 0, 0, 0, 0},
        {"ByName", &k_name, 1, JET_bitIndexIgnoreNull, 0, 0, 0},
    };
    ese_table *t = NULL;
    ese_database *db = new_db(path, &t, ix, 3);
    if (!db || !t)
        return;
    CHECK(table_index_count(t) == 4);
    CHECK(!strcmp(table_index_at(t, 0)->name, "PK"));
    CHECK((table_index_at(t, 0)->grbit & JET_bitIndexPrimary) != 0);
    const db_index_info *bv = table_find_index(t, "byval");
    CHECK(bv && bv->objid == table_objid(t) + 1 && bv->pgno_fdp != table_pgno_fdp(t));
    CHECK(bv && bv->key_count == 1 && bv->fids[0] == F_VAL && bv->kidx.key_most == 255);
    model m;
    memset(&m, 0, sizeof m);
    ese_trx w;
    trx_init(&w, 1);
    int ops = 0, fails = 0;
    for (int round = 0; round < 40; round++) {
        bool in_trx = round % 2 == 1;
        model before = m;
        if (in_trx)
            CHECK_ERR(trx_begin(&w, 0), JET_errSuccess);
        for (int i = 0; i < 12; i++) {
            JET_ERR err = random_op(t, in_trx ? &w : NULL, &m);
            ops++;
            if (err < 0) {
                fails++;
                CHECK_ERR(err, JET_errSuccess); /* no unique index here: every op succeeds */
            }
            if (in_trx && i % 4 == 0) {
                verify_index(t, &w, "ByVal", &m, false);    /* own changes */
                verify_index(t, NULL, "ByVal", &before, false); /* others: the committed rows */
            }
        }
        if (in_trx) {
            if (round % 4 == 1) {
                trx_rollback_level(&w);
                m = before;
            } else {
                struct ese_log *log = NULL;
                uint64_t end = 0;
                CHECK_ERR(trx_commit_level(&w, &log, &end), JET_errSuccess);
            }
        }
        verify_index(t, NULL, "ByVal", &m, false);
        verify_index(t, NULL, "ByValDesc", &m, true);
    }
    CHECK(fails == 0 && ops == 480);
    check_db(db);
    trx_destroy(&w);
    /* reload: the indexes come back from the catalog */
    CHECK_ERR(db_close(db), JET_errSuccess);
    db = NULL;
    CHECK_ERR(db_open(path, g_page, false, &db), JET_errSuccess);
    if (db) {
        t = db_find_table(db, "Rows");
        CHECK(t && table_index_count(t) == 4);
        if (t) {
            const db_index_info *n = table_find_index(t, "ByName");
            CHECK(n && n->grbit == JET_bitIndexIgnoreNull);
            const db_index_info *d = table_find_index(t, "ByValDesc");
            CHECK(d && d->segments[0].descending);
            verify_index(t, NULL, "ByVal", &m, false);
            verify_index(t, NULL, "ByValDesc", &m, true);
            CHECK(random_op(t, NULL, &m) >= 0);
            verify_index(t, NULL, "ByVal", &m, false);
        }
        check_db(db);
        CHECK_ERR(db_close(db), JET_errSuccess);
    }
    remove(path);
}


static size_t count_entries(ese_table *t, ese_trx *trx, const char *index, int32_t *ids, size_t cap)
{
    db_cursor *c = NULL;
    size_t n = 0;
    if (db_cursor_open(t, &c) < 0)
        return 0;
    db_cursor_set_trx(c, trx);
    if (db_cursor_set_index(c, index) >= 0)
        for (JET_ERR err = db_cursor_first(c); err >= 0; err = db_cursor_next(c)) {
            bool null;
            if (n < cap)
                ids[n] = get_long(c, F_ID, &null);
            n++;
        }
    db_cursor_close(c);
    return n;
}

static bool ids_are(const int32_t *ids, size_t n, const char *expected)
{
    char got[256] = "";
    for (size_t i = 0; i < n; i++) {
        size_t k = strlen(got);
        snprintf(got + k, sizeof got - k, "%s%d", i ? "," : "", ids[i]);
    }
    if (strcmp(got, expected))
        fprintf(stderr, "  entries %s, expected %s\n", got, expected);
    return !strcmp(got, expected);
}

/* Unique and NULL rules ("JET_INDEXCREATE structure" grbits), at JetUpdate and at commit. */
static void test_rules(void)
{
    char path[256];
    path_for(path, sizeof path, "rules");
    static const db_index_column k_val_name[2] = {{"Val", false}, {"Name", false}};
    db_index_def ix[5] = {
        {"UName", &k_name, 1, JET_bitIndexUnique | JET_bitIndexIgnoreNull, 0, 0, 0},
        {"AnyNull", k_val_name, 2, JET_bitIndexIgnoreAnyNull, 0, 0, 0},
        {"FirstNull", k_val_name, 2, JET_bitIndexIgnoreFirstNull, 0, 0, 0},
        {"AllNull", k_val_name, 2, JET_bitIndexIgnoreNull, 0, 0, 0},
        {"Keep", k_val_name, 2, JET_bitIndexSortNullsHigh, 0, 0, 0},
    };
    ese_table *t = NULL;
    ese_database *db = new_db(path, &t, ix, 5);
    if (!db || !t)
        return;
    row r1 = {1, 5, false, "a"}, r2 = {2, 0, true, "b"}, r3 = {3, 7, false, ""}, r4 = {4, 0, true, ""};
    CHECK_ERR(put_row(t, NULL, &r1, false), JET_errSuccess);
    CHECK_ERR(put_row(t, NULL, &r2, false), JET_errSuccess);
    CHECK_ERR(put_row(t, NULL, &r3, false), JET_errSuccess);
    CHECK_ERR(put_row(t, NULL, &r4, false), JET_errSuccess);
    int32_t ids[16];
    size_t n = count_entries(t, NULL, "UName", ids, 16);
    CHECK(ids_are(ids, n, "1,2"));
    n = count_entries(t, NULL, "AnyNull", ids, 16);
    CHECK(ids_are(ids, n, "1"));
    n = count_entries(t, NULL, "FirstNull", ids, 16);
    CHECK(ids_are(ids, n, "1,3"));
    n = count_entries(t, NULL, "AllNull", ids, 16);
    CHECK(ids_are(ids, n, "2,1,3"));
    n = count_entries(t, NULL, "Keep", ids, 16);
    CHECK(ids_are(ids, n, "1,3,2,4")); /* NULLs sort high */
    /* unique: refused outside and inside a transaction, the rows unchanged */
    row dup = {5, 1, false, "A"};
    CHECK_ERR(put_row(t, NULL, &dup, false), JET_errKeyDuplicate);
    row r3b = r3;
    strcpy(r3b.name, "b");
    CHECK_ERR(put_row(t, NULL, &r3b, true), JET_errKeyDuplicate);
    ese_trx w, o;
    trx_init(&w, 1);
    trx_init(&o, 2);
    CHECK_ERR(trx_begin(&w, 0), JET_errSuccess);
    CHECK_ERR(put_row(t, &w, &dup, false), JET_errKeyDuplicate);
    /* swapping two unique keys inside one transaction: the commit removes before it adds */
    row a = r1, b = r2;
    strcpy(a.name, "tmp");
    CHECK_ERR(put_row(t, &w, &a, true), JET_errSuccess);
    strcpy(b.name, "a");
    CHECK_ERR(put_row(t, &w, &b, true), JET_errSuccess);
    strcpy(a.name, "b");
    CHECK_ERR(put_row(t, &w, &a, true), JET_errSuccess);
    n = count_entries(t, &w, "UName", ids, 16);
    CHECK(ids_are(ids, n, "2,1"));
    n = count_entries(t, NULL, "UName", ids, 16);
    CHECK(ids_are(ids, n, "1,2"));
    struct ese_log *log = NULL;
    uint64_t end = 0;
    CHECK_ERR(trx_commit_level(&w, &log, &end), JET_errSuccess);
    n = count_entries(t, NULL, "UName", ids, 16);
    CHECK(ids_are(ids, n, "2,1"));
    /* two transactions add the same unique key: the second commit fails, applying nothing */
    CHECK_ERR(trx_begin(&w, 0), JET_errSuccess);
    CHECK_ERR(trx_begin(&o, 0), JET_errSuccess);
    row x1 = {10, 1, false, "x"}, x2 = {11, 2, false, "x"}, y = {12, 3, false, "y"};
    CHECK_ERR(put_row(t, &w, &x1, false), JET_errSuccess);
    CHECK_ERR(put_row(t, &o, &y, false), JET_errSuccess);
    CHECK_ERR(put_row(t, &o, &x2, false), JET_errSuccess);
    CHECK_ERR(trx_commit_level(&w, &log, &end), JET_errSuccess);
    CHECK_ERR(trx_commit_level(&o, &log, &end), JET_errKeyDuplicate);
    trx_rollback_level(&o);
    n = count_entries(t, NULL, "UName", ids, 16);
    CHECK(ids_are(ids, n, "2,1,10"));
    /* DisallowNull: a NULL key column refuses the row */
    static const db_index_column k_tags = {"Tags", false};
    db_index_def nn = {"NoNull", &k_name, 1, JET_bitIndexDisallowNull, 0, 0, 0};
    CHECK_ERR(db_create_index(t, &nn), JET_errNullKeyDisallowed); /* rows 3, 4 have NULL names */
    CHECK(!table_find_index(t, "NoNull"));
    db_index_def tg = {"ByTag", &k_tags, 1, JET_bitIndexDisallowNull, 0, 0, 0};
    CHECK_ERR(db_delete(t, (uint8_t[]){0x7f, 0x80, 0, 0, 3}, 5), JET_errSuccess);
    CHECK_ERR(db_delete(t, (uint8_t[]){0x7f, 0x80, 0, 0, 4}, 5), JET_errSuccess);
    CHECK_ERR(db_create_index(t, &tg), JET_errNullKeyDisallowed);
    nn.grbit = JET_bitIndexDisallowNull | JET_bitIndexUnique;
    CHECK_ERR(db_create_index(t, &nn), JET_errSuccess);
    row nul = {20, 1, false, ""};
    CHECK_ERR(put_row(t, NULL, &nul, false), JET_errNullKeyDisallowed);
    check_db(db);
    trx_destroy(&w);
    trx_destroy(&o);
    CHECK_ERR(db_close(db), JET_errSuccess);
    remove(path);
}

/* Multi-valued key columns: one entry per value of the first multi-valued key column
 * ("IndexCrossProduct", VistaGrbits: without it the other multi-valued columns give their
 * first value). */
static void test_multivalued(void)
{
    char path[256];
    path_for(path, sizeof path, "mv");
    static const db_index_column k_tags = {"Tags", false};
    static const db_index_column k_tags_val[2] = {{"Tags", false}, {"Val", true}};
    db_index_def ix[2] = {
        {"ByTag", &k_tags, 1, JET_bitIndexIgnoreNull, 0, 0, 0},
        {"TagVal", k_tags_val, 2, 0, 0, 0, 0},
    };
    ese_table *t = NULL;
    ese_database *db = new_db(path, &t, ix, 2);
    if (!db || !t)
        return;
    int32_t id1 = 1, id2 = 2, id3 = 3, t5 = 5, t3 = 3, t4 = 4, v = 0;
    db_value r1[4] = {{F_ID, &id1, 4, 0, 0}, {F_VAL, &v, 4, 0, 0}, {F_TAGS, &t5, 4, 0, 0}, {F_TAGS, &t3, 4, 0, 0}};
    db_value r2[3] = {{F_ID, &id2, 4, 0, 0}, {F_VAL, &v, 4, 0, 0}, {F_TAGS, &t4, 4, 0, 0}};
    db_value r3[2] = {{F_ID, &id3, 4, 0, 0}, {F_VAL, &v, 4, 0, 0}};
    CHECK_ERR(db_insert(t, r1, 4), JET_errSuccess);
    CHECK_ERR(db_insert(t, r2, 3), JET_errSuccess);
    CHECK_ERR(db_insert(t, r3, 2), JET_errSuccess);
    int32_t ids[16];
    size_t n = count_entries(t, NULL, "ByTag", ids, 16);
    CHECK(ids_are(ids, n, "1,2,1"));
    n = count_entries(t, NULL, "TagVal", ids, 16);
    CHECK(ids_are(ids, n, "3,1,2,1"));
    /* a row's second entry, by db_cursor_goto_row */
    db_cursor *c = NULL;
    CHECK_ERR(db_cursor_open(t, &c), JET_errSuccess);
    CHECK_ERR(db_cursor_set_index(c, "ByTag"), JET_errSuccess);
    uint8_t pk1[5] = {0x7f, 0x80, 0, 0, 1}, pk3[5] = {0x7f, 0x80, 0, 0, 3};
    CHECK_ERR(db_cursor_goto_row(c, pk1, 5, 2), JET_errSuccess);
    CHECK_ERR(db_cursor_next(c), JET_errNoCurrentRecord);
    CHECK_ERR(db_cursor_goto_row(c, pk1, 5, 3), JET_errNoCurrentRecord);
    CHECK_ERR(db_cursor_goto_row(c, pk3, 5, 1), JET_errNoCurrentRecord); /* NULL ignored */
    CHECK_ERR(db_cursor_goto_row(c, pk1, 5, 1), JET_errSuccess);
    const uint8_t *key, *bm;
    uint32_t cb_key, cb_bm;
    CHECK_ERR(db_cursor_row(c, &key, &cb_key, NULL, NULL), JET_errSuccess);
    CHECK(cb_key == 5 && !memcmp(key, (uint8_t[]){0x7f, 0x80, 0, 0, 3}, 5));
    CHECK_ERR(db_cursor_bookmark(c, &bm, &cb_bm), JET_errSuccess);
    CHECK(cb_bm == 5 && !memcmp(bm, pk1, 5));
    db_cursor_close(c);
    /* deleting a value removes its entry */
    db_value r1b[3] = {{F_ID, &id1, 4, 0, 0}, {F_VAL, &v, 4, 0, 0}, {F_TAGS, &t5, 4, 0, 0}};
    CHECK_ERR(db_delete(t, pk1, 5), JET_errSuccess);
    CHECK_ERR(db_insert(t, r1b, 3), JET_errSuccess);
    n = count_entries(t, NULL, "ByTag", ids, 16);
    CHECK(ids_are(ids, n, "2,1"));
    check_db(db);
    CHECK_ERR(db_close(db), JET_errSuccess);
    remove(path);
}

/* db_create_index over rows, db_delete_index, errors; the on-disk shape. */
static void test_create_delete(void)
{
    char path[256];
    path_for(path, sizeof path, "cd");
    ese_table *t = NULL;
    ese_database *db = new_db(path, &t, NULL, 0);
    if (!db || !t)
        return;
    for (int32_t i = 0; i < 300; i++) {
        row r = {i, (i * 7) % 11, false, ""};
        snprintf(r.name, sizeof r.name, "n%03d", 299 - i);
        CHECK_ERR(put_row(t, NULL, &r, false), JET_errSuccess);
    }
    uint32_t objid_before = db_objid_last(db);
    db_index_def bad[] = {
        {"ByVal", &k_val, 1, JET_bitIndexUnique, 0, 0, 0},          /* duplicates */
        {"PK", &k_val, 1, 0, 0, 0, 0},                                /* the primary's name */
        {"X", &(db_index_column){"Nope", false}, 1, 0, 0, 0, 0},     /* no such column */
        {"X", &k_val, 0, 0, 0, 0, 0},                                 /* no column */
        {"X", (db_index_column[2]){{"Val", false}, {"Val", true}}, 2, 0, 0, 0, 0},
        {"X", &k_val, 1, JET_bitIndexPrimary, 0, 0, 0},
        {"X", &k_val, 1, 0, 0, 100, 0},                               /* key_most < 255 */
        {"", &k_val, 1, 0, 0, 0, 0},
    };
    JET_ERR expected[] = {JET_errKeyDuplicate, JET_errIndexDuplicate, JET_errColumnNotFound,
                          JET_errIndexInvalidDef, JET_errIndexInvalidDef, JET_errInvalidGrbit,
                          JET_errIndexInvalidDef, JET_errInvalidName};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_ERR(db_create_index(t, &bad[i]), expected[i]);
    CHECK(db_objid_last(db) == objid_before && table_index_count(t) == 1);
    check_db(db);
    db_index_def good = {"ByName", &k_name, 1, JET_bitIndexUnique, 0, 0, 0};
    CHECK_ERR(db_create_index(t, &good), JET_errSuccess);
    CHECK_ERR(db_create_index(t, &good), JET_errIndexDuplicate);
    db_index_def byval = {"ByVal", &k_val, 1, 0, 0, 400, 90};
    CHECK_ERR(db_create_index(t, &byval), JET_errSuccess);
    const db_index_info *bn = table_find_index(t, "ByName");
    CHECK(bn && bn->objid == objid_before + 1 && (bn->grbit & JET_bitIndexUnique));
    int32_t ids[400];
    size_t n = count_entries(t, NULL, "ByName", ids, 400);
    bool ok = n == 300;
    for (size_t i = 0; ok && i < n; i++)
        ok = ids[i] == 299 - (int32_t)i;
    CHECK(ok);
    /* the trees as ESE marks them: Index, and NonUniqueKeys for a non-unique index */
    char msg[200];
    bt_check_stats st;
    CHECK_ERR(bt_check(db_store(db), bn->pgno_fdp, &st, msg, sizeof msg), JET_errSuccess);
    CHECK(st.records == 300);
    ese_btree tr;
    CHECK_ERR(bt_open(&tr, db_store(db), bn->pgno_fdp), JET_errSuccess);
    CHECK(tr.kind == ESE_PAGE_FLAG_INDEX && tr.objid == bn->objid);
    const db_index_info *bv = table_find_index(t, "ByVal");
    CHECK(bv && bv->kidx.key_most == 400 && bv->density == 90);
    CHECK_ERR(bt_open(&tr, db_store(db), bv->pgno_fdp), JET_errSuccess);
    CHECK(tr.kind == (ESE_PAGE_FLAG_INDEX | ESE_PAGE_FLAG_NON_UNIQUE_KEYS));
    /* unique entry: key = index key, data = primary key (facts §4.4) */
    uint8_t ikey[8] = {0x7f, 'N', '2', '9', '9', 0}, pk[16];
    size_t cb_pk = 0;
    CHECK_ERR(bt_open(&tr, db_store(db), bn->pgno_fdp), JET_errSuccess);
    CHECK_ERR(bt_lookup(&tr, ikey, 6, pk, sizeof pk, &cb_pk), JET_errSuccess);
    CHECK(cb_pk == 5 && !memcmp(pk, (uint8_t[]){0x7f, 0x80, 0, 0, 0}, 5));
    check_db(db);
    CHECK_ERR(db_delete_index(t, "PK"), JET_errIndexMustStay);
    CHECK_ERR(db_delete_index(t, "Nope"), JET_errIndexNotFound);
    CHECK_ERR(db_delete_index(t, "byname"), JET_errSuccess);
    CHECK(table_index_count(t) == 2 && !table_find_index(t, "ByName"));
    check_db(db);
    CHECK_ERR(db_close(db), JET_errSuccess);
    db = NULL;
    CHECK_ERR(db_open(path, g_page, false, &db), JET_errSuccess);
    if (db) {
        t = db_find_table(db, "Rows");
        CHECK(t && table_index_count(t) == 2 && !table_find_index(t, "ByName"));
        if (t)
            CHECK(count_entries(t, NULL, "ByVal", ids, 400) == 300);
        check_db(db);
        CHECK_ERR(db_close(db), JET_errSuccess);
    }
    remove(path);
}

/* A new database whose table Rows has index ByVal and `ops` random rows (model m). */
static ese_database *byval_db(char *path, size_t cb_path, const char *what, ese_table **pt,
                              model *m, int ops)
{
    path_for(path, cb_path, what);
    db_index_def ix = {"ByVal", &k_val, 1, 0, 0, 0, 0};
    ese_database *db = new_db(path, pt, &ix, 1);
    if (!db || !*pt)
        return NULL;
    memset(m, 0, sizeof *m);
    for (int i = 0; i < ops; i++)
        random_op(*pt, NULL, m);
    return db;
}

/* A snapshot reads the index as of its start while others commit. */
static void test_snapshot(void)
{
    char path[256];
    model m;
    ese_table *t = NULL;
    ese_database *db = byval_db(path, sizeof path, "snap", &t, &m, 30);
    if (!db)
        return;
    ese_trx r;
    trx_init(&r, 3);
    CHECK_ERR(trx_begin(&r, 0), JET_errSuccess);
    model at_start = m;
    for (int i = 0; i < 60; i++) {
        random_op(t, NULL, &m);
        if (i % 10 == 0) {
            verify_index(t, &r, "ByVal", &at_start, false);
            verify_index(t, NULL, "ByVal", &m, false);
        }
    }
    trx_rollback_level(&r);
    verify_index(t, &r, "ByVal", &m, false);
    trx_destroy(&r);
    check_db(db);
    CHECK_ERR(db_close(db), JET_errSuccess);
    remove(path);
}

/* Allocation and write faults during db_create_index and an indexed commit: the call fails
 * whole, the index and rows stay consistent. */
static void test_faults(void)
{
    char path[256];
    model m;
    ese_table *t = NULL;
    ese_database *db = byval_db(path, sizeof path, "fault", &t, &m, 40);
    if (!db)
        return;
    int create_failures = 0, op_failures = 0;
    db_index_def more = {"ByName", &k_name, 1, JET_bitIndexIgnoreNull, 0, 0, 0};
    for (uint64_t n = 1; n < 3000; n++) {
        fault_reset();
        fault_arm(FAULT_ALLOC, n, FAULT_AS_EIO);
        JET_ERR err = db_create_index(t, &more);
        fault_reset();
        if (err >= 0)
            break;
        create_failures++;
        CHECK_ERR(err, JET_errOutOfMemory);
        CHECK(!table_find_index(t, "ByName"));
    }
    CHECK(table_find_index(t, "ByName") && create_failures > 5);
    check_db(db);
    for (uint64_t n = 1; n < 400; n++) {
        fault_reset();
        fault_arm(FAULT_ALLOC, n, FAULT_AS_EIO);
        JET_ERR err = JET_errSuccess;
        for (int i = 0; i < 5 && err >= 0; i++)
            err = random_op(t, NULL, &m); /* the model follows only what succeeded */
        fault_reset();
        if (err < 0) {
            op_failures++;
            CHECK_ERR(err, JET_errOutOfMemory);
        }
        verify_index(t, NULL, "ByVal", &m, false);
    }
    CHECK(op_failures > 5);
    check_db(db);
    printf("faults: %d create_index, %d indexed updates\n", create_failures, op_failures);
    CHECK_ERR(db_close(db), JET_errSuccess);
    remove(path);
}

/* A database Windows wrote: its secondary indexes load from the catalog and read in order. */
static void test_windows_sample(void)
{
    const char *dir = getenv("ESE_SAMPLES"); /* ci/sanitize sets it */
    char path[512];
    snprintf(path, sizeof path, "%s/Catalog1.edb", dir ? dir : "/work/shared/ese-samples");
    if (access(path, R_OK) != 0) {
        printf("sample absent: %s\n", path);
        return;
    }
    ese_database *db = NULL;
    CHECK_ERR(db_open(path, 4096, true, &db), JET_errSuccess);
    if (!db)
        return;
    ese_table *t = db_find_table(db, "namespace");
    CHECK(t && table_index_count(t) == 6);
    const db_index_info *ix = t ? table_find_index(t, "parentIdIndex") : NULL;
    CHECK(ix && ix->key_count == 1 && !(ix->grbit & JET_bitIndexUnique));
    if (ix) {
        db_cursor *c = NULL, *p = NULL;
        CHECK_ERR(db_cursor_open(t, &c), JET_errSuccess);
        CHECK_ERR(db_cursor_open(t, &p), JET_errSuccess);
        CHECK_ERR(db_cursor_set_index(c, "parentIdIndex"), JET_errSuccess);
        size_t rows = 0, entries = 0, back = 0;
        bool ordered = true;
        int64_t last = INT64_MIN;
        for (JET_ERR err = db_cursor_first(p); err >= 0; err = db_cursor_next(p))
            rows++;
        for (JET_ERR err = db_cursor_first(c); err >= 0; err = db_cursor_next(c)) {
            bool null;
            int32_t v = get_long(c, ix->fids[0], &null);
            int64_t k = null ? INT64_MIN : v;
            ordered &= k >= last;
            last = k;
            entries++;
        }
        for (JET_ERR err = db_cursor_last(c); err >= 0; err = db_cursor_prev(c))
            back++;
        CHECK(rows > 0 && entries == rows && back == rows && ordered);
        printf("Catalog1 namespace: %zu rows, %zu parentIdIndex entries\n", rows, entries);
        db_cursor_close(c);
        db_cursor_close(p);
    }
    CHECK_ERR(db_close(db), JET_errSuccess);
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    test_maintenance();
    test_rules();
    test_multivalued();
    test_create_delete();
    test_snapshot();
    test_faults();
    test_windows_sample();
    return check_summary();
}
