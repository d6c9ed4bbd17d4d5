/*
 * test_index.c -- secondary indexes at the database level (database.h, index.c):
 * creation with a table and on a table with rows, the on-disk shape (catalog record, tree
 * flags, entries), maintenance by every commit checked against a model, unique and NULL rules,
 * multi-valued entries, descending keys, reads through an index inside transactions (own
 * changes, snapshots), fault walks, reload through close + open, and an index of a database
 * Windows wrote.
 */
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
    {"Id", JET_coltypLong, 0, 0, JET_bitColumnNotNULL},
    {"Val", JET_coltypLong, 0, 0, 0},
    {"Name", JET_coltypText, 0, 1252, 0},
    {"Tags", JET_coltypLong, 0, 0, JET_bitColumnTagged},
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
        {F_ID, &r->id, 4, 0},
        {F_VAL, r->val_null ? NULL : &r->val, r->val_null ? 0 : 4, 0},
        {F_NAME, r->name[0] ? r->name : NULL, (uint32_t)strlen(r->name), 0},
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
    db_value v = {F_ID, &id, 4, 0};
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
                CHECK_ERR(err, JET_errKeyDuplicate); /* ByName is unique? no: only via names */
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

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    test_maintenance();
    return check_summary();
}
