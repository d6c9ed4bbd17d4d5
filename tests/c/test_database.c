/*
 * test_database.c -- the database layer (src/libese/database.h) against an in-memory model:
 * create, reopen, schema survives, insert / replace / delete / seek / scan, duplicate keys,
 * long values larger than a page, every page size, db_check (bt_check + exact space
 * ownership + catalog == shadow) after each phase, and fault injection (allocation failures
 * during a workload, write failures during a flush) returning the error and leaving a file
 * that reopens with exactly the committed rows; and transactions at this layer (trx.h) against
 * a model: own reads, nested save points, snapshot reads, write conflicts, long values.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bufmgr.h"
#include "check.h"
#include "database.h"
#include "fault.h"
#include "osal.h"
#include "trx.h"

/* ---- deterministic data ------------------------------------------------------------------- */

static uint64_t mix(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

static uint64_t g_rng = 12345;
static uint64_t rnd(void) { return g_rng = mix(g_rng); }

enum { C_ID, C_BIG, C_NAME, C_ASC, C_BIN, C_BLOB, C_MEMO, C_WHEN, C_FLAG, NCOL };

static const db_column_def k_columns[NCOL] = {
    {"Id", JET_coltypLong, 0, 0, JET_bitColumnNotNULL, NULL, 0},
    {"Big", JET_coltypLongLong, 0, 0, 0, NULL, 0},
    {"Name", JET_coltypText, 0, 1200, 0, NULL, 0},
    {"Asc", JET_coltypText, 100, 1252, 0, NULL, 0},
    {"Bin", JET_coltypBinary, 0, 0, 0, NULL, 0},
    {"Blob", JET_coltypLongBinary, 0, 0, 0, NULL, 0},
    {"Memo", JET_coltypLongText, 0, 1252, 0, NULL, 0},
    {"When", JET_coltypDateTime, 0, 0, 0, NULL, 0},
    {"Flag", JET_coltypBit, 0, 0, 0, NULL, 0},
};

static uint32_t g_page;

/* Value of column col for row id generated from seed: 0 = NULL, 1 = data (maybe empty). */
static int gen_value(int col, int32_t id, uint64_t seed, uint8_t *buf, uint32_t *cb)
{
    uint64_t r = mix(seed * 31 + (uint64_t)col);
    uint32_t n;
    *cb = 0;
    switch (col) {
    case C_ID:
        memcpy(buf, &id, 4);
        *cb = 4;
        return 1;
    case C_BIG:
    case C_WHEN:
        memcpy(buf, &r, 8);
        if (col == C_WHEN) {
            double d = (double)(r % 100000) / 7.0;
            memcpy(buf, &d, 8);
        }
        *cb = 8;
        return 1;
    case C_FLAG:
        buf[0] = (r & 1) ? 0xFF : 0x00;
        *cb = 1;
        return 1;
    case C_NAME:
        if (r % 10 == 0)
            return 0;
        n = (uint32_t)(r >> 8) % 40;
        for (uint32_t i = 0; i < n; i++) {
            static const uint16_t units[] = {'a', 'Z', 0xE9, 0x3A9, 0x416, 0x4E2D, '0', ' '};
            uint16_t u = units[mix(r + i) % 8];
            memcpy(buf + 2 * i, &u, 2);
        }
        *cb = 2 * n;
        return 1;
    case C_ASC:
        if (r % 9 == 0)
            return 0;
        n = (uint32_t)(r >> 8) % 101;
        for (uint32_t i = 0; i < n; i++)
            buf[i] = (uint8_t)('A' + mix(r + i) % 26);
        *cb = n;
        return 1;
    case C_BIN:
        if (r % 8 == 0)
            return 0;
        n = (uint32_t)(r >> 8) % 256;
        for (uint32_t i = 0; i < n; i++)
            buf[i] = (uint8_t)mix(r + i);
        *cb = n;
        return 1;
    case C_BLOB:
    case C_MEMO:
        if (r % 11 == 0)
            return 0;
        if (r % 5 == 0)
            n = g_page + (uint32_t)((r >> 8) % (2 * g_page)); /* larger than a page */
        else
            n = (uint32_t)((r >> 8) % 2000);
        for (uint32_t i = 0; i < n; i++)
            buf[i] = col == C_MEMO ? (uint8_t)('a' + (r + i) % 26) : (uint8_t)mix(r ^ i);
        *cb = n;
        return 1;
    }
    return 0;
}

#define ID_MIN (-300)
#define ID_COUNT 600
typedef struct {
    int present;
    uint64_t seed[NCOL];
} model_row;
static model_row g_model[ID_COUNT];
static uint8_t *g_buf[NCOL];

static size_t make_values(int32_t id, const uint64_t *seeds, const int *cols, size_t ncols,
                          db_value *vals, const uint16_t *fids)
{
    size_t k = 0;
    for (size_t i = 0; i < ncols; i++) {
        int c = cols[i];
        uint32_t cb;
        int has = gen_value(c, id, seeds[c], g_buf[c], &cb);
        vals[k].fid = fids[c];
        vals[k].data = has ? g_buf[c] : NULL;
        vals[k].cb = has ? cb : 0;
        vals[k].flags = has && cb == 0 ? DB_VALUE_ZERO_LENGTH : 0;
        k++;
    }
    return k;
}

static void get_fids(ese_table *t, uint16_t *fids)
{
    for (int c = 0; c < NCOL; c++) {
        const db_column *col = table_find_column(t, k_columns[c].name);
        fids[c] = col ? col->fid : 0;
    }
}

static JET_ERR id_key(ese_table *t, const uint16_t *fids, int32_t id, uint8_t *key, uint32_t *cb)
{
    db_value v = {fids[C_ID], &id, 4, 0, 0};
    return table_make_key(t, &v, 1, key, cb);
}

/* Compare one row's record with the model. */
static int row_matches(ese_table *t, const uint16_t *fids, const uint8_t *rec, size_t cb_rec, int32_t id)
{
    model_row *m = &g_model[id - ID_MIN];
    uint8_t *exp = malloc(4 * 32768 + 16);
    int ok = 1;
    for (int c = 0; c < NCOL && ok; c++) {
        uint32_t cb_exp, cb_got = 0;
        uint8_t *got = NULL;
        int has = gen_value(c, id, m->seed[c], exp, &cb_exp);
        JET_ERR err = table_retrieve(t, rec, cb_rec, fids[c], &got, &cb_got);
        if (!has)
            ok = err == JET_wrnColumnNull;
        else
            ok = err == JET_errSuccess && cb_got == cb_exp && (cb_exp == 0 || !memcmp(got, exp, cb_exp));
        if (!ok)
            fprintf(stderr, "row %d column %d: err %d cb %u expected %u (has %d)\n", id, c, err,
                    cb_got, cb_exp, has);
        osal_free(got);
    }
    free(exp);
    return ok;
}

/* Scan forward and backward and look every present row up. */
static void verify_table(ese_table *t)
{
    uint16_t fids[NCOL];
    get_fids(t, fids);
    db_cursor *c;
    CHECK_ERR(db_cursor_open(t, &c), JET_errSuccess);
    int expect = 0;
    while (expect < ID_COUNT && !g_model[expect].present)
        expect++;
    int rows = 0, bad = 0;
    for (JET_ERR err = db_cursor_first(c); err >= 0; err = db_cursor_next(c)) {
        const uint8_t *rec;
        size_t cb;
        CHECK_ERR(db_cursor_row(c, NULL, NULL, &rec, &cb), JET_errSuccess);
        uint8_t *idv = NULL;
        uint32_t cb_id = 0;
        CHECK_ERR(table_retrieve(t, rec, cb, fids[C_ID], &idv, &cb_id), JET_errSuccess);
        int32_t id;
        memcpy(&id, idv, 4);
        osal_free(idv);
        if (expect >= ID_COUNT || id != expect + ID_MIN || !row_matches(t, fids, rec, cb, id))
            bad++;
        rows++;
        expect++;
        while (expect < ID_COUNT && !g_model[expect].present)
            expect++;
    }
    CHECK(bad == 0);
    CHECK(expect == ID_COUNT);
    int present = 0;
    for (int i = 0; i < ID_COUNT; i++)
        present += g_model[i].present;
    CHECK(rows == present);
    /* backward */
    int back = 0, last = ID_COUNT;
    for (JET_ERR err = db_cursor_last(c); err >= 0; err = db_cursor_prev(c)) {
        uint8_t *idv = NULL;
        uint32_t cb_id = 0;
        CHECK_ERR(db_cursor_retrieve(c, fids[C_ID], &idv, &cb_id), JET_errSuccess);
        int32_t id;
        memcpy(&id, idv, 4);
        osal_free(idv);
        if (id - ID_MIN >= last)
            bad++;
        last = id - ID_MIN;
        back++;
    }
    CHECK(back == present && bad == 0);
    /* seeks */
    for (int k = 0; k < 60; k++) {
        int32_t id = (int32_t)(rnd() % (ID_COUNT + 20)) + ID_MIN - 10;
        uint8_t key[DB_KEY_MOST];
        uint32_t cb_key;
        CHECK_ERR(id_key(t, fids, id, key, &cb_key), JET_errSuccess);
        int idx = id - ID_MIN;
        int here = idx >= 0 && idx < ID_COUNT && g_model[idx].present;
        int ge = idx < 0 ? 0 : idx, le = idx >= ID_COUNT ? ID_COUNT - 1 : idx;
        while (ge < ID_COUNT && !g_model[ge].present)
            ge++;
        while (le >= 0 && !g_model[le].present)
            le--;
        JET_ERR err = db_cursor_seek(c, key, cb_key, BT_SEEK_EQ);
        CHECK_ERR(err, here ? JET_errSuccess : JET_errRecordNotFound);
        err = db_cursor_seek(c, key, cb_key, BT_SEEK_GE);
        if (ge >= ID_COUNT) {
            CHECK_ERR(err, JET_errRecordNotFound);
        } else {
            CHECK_ERR(err, here ? JET_errSuccess : JET_wrnSeekNotEqual);
            uint8_t *idv = NULL;
            uint32_t cb_id;
            CHECK_ERR(db_cursor_retrieve(c, fids[C_ID], &idv, &cb_id), JET_errSuccess);
            CHECK(idv && ese_load_u32(idv) == (uint32_t)(ge + ID_MIN));
            osal_free(idv);
        }
        err = db_cursor_seek(c, key, cb_key, BT_SEEK_LE);
        if (le < 0) {
            CHECK_ERR(err, JET_errRecordNotFound);
        } else {
            CHECK_ERR(err, here ? JET_errSuccess : JET_wrnSeekNotEqual);
            uint8_t *idv = NULL;
            uint32_t cb_id;
            CHECK_ERR(db_cursor_retrieve(c, fids[C_ID], &idv, &cb_id), JET_errSuccess);
            CHECK(idv && ese_load_u32(idv) == (uint32_t)(le + ID_MIN));
            osal_free(idv);
        }
    }
    db_cursor_close(c);
}

/* One random operation against table t and the model.  Returns the engine's error. */
static JET_ERR random_op(ese_table *t)
{
    uint16_t fids[NCOL];
    get_fids(t, fids);
    int idx = (int)(rnd() % ID_COUNT);
    int32_t id = idx + ID_MIN;
    model_row *m = &g_model[idx];
    db_value vals[NCOL];
    int cols[NCOL];
    uint64_t seeds[NCOL];
    uint8_t key[DB_KEY_MOST];
    uint32_t cb_key;
    int op = (int)(rnd() % 10);
    JET_ERR err;
    if (op < 5) { /* insert (a duplicate when present) */
        for (int c = 0; c < NCOL; c++) {
            cols[c] = c;
            seeds[c] = rnd();
        }
        size_t n = make_values(id, seeds, cols, NCOL, vals, fids);
        err = db_insert(t, vals, n);
        if (m->present) {
            CHECK_ERR(err, JET_errKeyDuplicate);
        } else if (err >= 0) {
            m->present = 1;
            memcpy(m->seed, seeds, sizeof seeds);
        }
        return err == JET_errKeyDuplicate ? JET_errSuccess : err;
    }
    if ((err = id_key(t, fids, id, key, &cb_key)) < 0)
        return err;
    if (op < 8) { /* replace some columns */
        size_t k = 0;
        uint64_t newseeds[NCOL];
        memcpy(newseeds, m->seed, sizeof newseeds);
        for (int c = 1; c < NCOL; c++)
            if (rnd() % 2) {
                cols[k++] = c;
                newseeds[c] = rnd();
            }
        size_t n = make_values(id, newseeds, cols, k, vals, fids);
        err = db_replace(t, key, cb_key, vals, n);
        if (!m->present) {
            CHECK_ERR(err, JET_errRecordNotFound);
            return JET_errSuccess;
        }
        if (err >= 0)
            memcpy(m->seed, newseeds, sizeof newseeds);
        return err;
    }
    err = db_delete(t, key, cb_key);
    if (!m->present) {
        CHECK_ERR(err, JET_errRecordNotFound);
        return JET_errSuccess;
    }
    if (err >= 0)
        m->present = 0;
    return err;
}

static void check_db(ese_database *db, const char *phase)
{
    char msg[512] = "";
    JET_ERR err = db_check(db, msg, sizeof msg);
    if (err != JET_errSuccess)
        fprintf(stderr, "db_check after %s (page %u): %d %s\n", phase, g_page, err, msg);
    CHECK_ERR(err, JET_errSuccess);
}

static JET_ERR create_main_table(ese_database *db, ese_table **pt)
{
    db_index_column key = {"Id", false};
    db_table_def def = {"Rows", k_columns, NCOL, "PK", &key, 1, 0, NULL, 0};
    return db_create_table(db, &def, pt);
}

static void test_page_size(uint32_t page_size)
{
    char path[256];
    snprintf(path, sizeof path, "/tmp/test_database_%d_%u.edb", (int)getpid(), page_size);
    remove(path);
    g_page = page_size;
    memset(g_model, 0, sizeof g_model);
    ese_database *db = NULL;
    ese_table *t = NULL;
    CHECK_ERR(db_create(path, page_size, &db), JET_errSuccess);
    if (!db)
        return;
    CHECK_ERR(db_create(path, page_size, &(ese_database *){NULL}), JET_errDatabaseDuplicate);
    CHECK(db_objid_last(db) == 5);
    check_db(db, "create");
    CHECK_ERR(create_main_table(db, &t), JET_errSuccess);
    CHECK_ERR(create_main_table(db, NULL), JET_errTableDuplicate);
    CHECK(table_objid(t) == 6);
    CHECK(table_lv_pgno_fdp(t) == 0);
    {
        db_column_def bad[2] = {{"A", JET_coltypLong, 0, 0, 0, NULL, 0}, {"a", JET_coltypLong, 0, 0, 0, NULL, 0}};
        db_table_def def = {"Bad", bad, 2, NULL, NULL, 0, 0, NULL, 0};
        CHECK_ERR(db_create_table(db, &def, NULL), JET_errColumnDuplicate);
        db_index_column k = {"Nope", false};
        db_table_def def2 = {"Bad2", bad, 1, "PK", &k, 1, 0, NULL, 0};
        CHECK_ERR(db_create_table(db, &def2, NULL), JET_errIndexInvalidDef);
        CHECK(db_find_table(db, "Bad") == NULL && db_find_table(db, "rows") == t);
    }
    /* a table without a primary index (DBK keys) and one with a composite descending key */
    db_column_def small[2] = {{"V", JET_coltypLong, 0, 0, 0, NULL, 0}, {"S", JET_coltypText, 0, 1252, 0, NULL, 0}};
    db_table_def seqdef = {"Seq", small, 2, NULL, NULL, 0, 0, NULL, 0};
    ese_table *seq = NULL, *comp = NULL;
    CHECK_ERR(db_create_table(db, &seqdef, &seq), JET_errSuccess);
    db_index_column ck[2] = {{"S", false}, {"V", true}};
    db_table_def compdef = {"Comp", small, 2, "SV", ck, 2, 8, NULL, 0};
    CHECK_ERR(db_create_table(db, &compdef, &comp), JET_errSuccess);
    check_db(db, "create table");

    /* phase 1: random operations */
    for (int i = 0; i < 1500; i++)
        CHECK_ERR(random_op(t), JET_errSuccess);
    CHECK(table_lv_pgno_fdp(t) != 0);
    verify_table(t);
    for (int32_t v = 0; v < 300; v++) {
        char s[16];
        snprintf(s, sizeof s, "k%03d", v % 37);
        db_value vals[2] = {{table_find_column(seq, "V")->fid, &v, 4, 0, 0},
                            {table_find_column(seq, "S")->fid, s, (uint32_t)strlen(s), 0, 0}};
        CHECK_ERR(db_insert(seq, vals, 2), JET_errSuccess);
        vals[0].fid = table_find_column(comp, "V")->fid;
        vals[1].fid = table_find_column(comp, "S")->fid;
        CHECK_ERR(db_insert(comp, vals, 2), JET_errSuccess);
        CHECK_ERR(db_insert(comp, vals, 2), JET_errKeyDuplicate);
    }
    {
        uint32_t dbk = 7;
        db_value kv = {0, &dbk, 4, 0, 0};
        uint8_t key[DB_KEY_MOST];
        uint32_t cb_key;
        CHECK_ERR(table_make_key(seq, &kv, 1, key, &cb_key), JET_errSuccess);
        CHECK(cb_key == 4 && key[3] == 7);
        CHECK_ERR(db_delete(seq, key, cb_key), JET_errSuccess);
        CHECK_ERR(db_delete(seq, key, cb_key), JET_errRecordNotFound);
    }
    check_db(db, "phase 1");
    CHECK_ERR(db_close(db), JET_errSuccess);

    /* phase 2: reopen; the schema and the rows survive */
    db = NULL;
    CHECK_ERR(db_open(path, page_size, false, &db), JET_errSuccess);
    if (!db)
        return;
    CHECK(db_table_count(db) == 3);
    t = db_find_table(db, "Rows");
    seq = db_find_table(db, "Seq");
    comp = db_find_table(db, "Comp");
    CHECK(t && seq && comp);
    if (!t || !seq || !comp)
        return;
    CHECK(table_has_primary_index(t) && !table_has_primary_index(seq));
    CHECK(table_column_count(t) == NCOL);
    for (int c = 0; c < NCOL; c++) {
        const db_column *col = table_find_column(t, k_columns[c].name);
        CHECK(col && col->coltyp == k_columns[c].coltyp);
        if (col && record_coltyp_is_text(col->coltyp))
            CHECK(col->code_page == k_columns[c].code_page);
        if (col)
            CHECK(col->fid == (c <= C_BIG ? c + 1 : c == C_WHEN ? 3 : c == C_FLAG ? 4
                               : c <= C_BIN ? 128 + c - C_NAME : 256 + c - C_BLOB));
    }
    CHECK(db_objid_last(db) >= 9);
    verify_table(t);
    check_db(db, "reopen");
    /* composite table: keys ascend by S then V descending */
    {
        db_cursor *c;
        CHECK_ERR(db_cursor_open(comp, &c), JET_errSuccess);
        int n = 0, order_ok = 1;
        char prev_s[16] = "";
        int32_t prev_v = 0;
        uint16_t fv = table_find_column(comp, "V")->fid, fs = table_find_column(comp, "S")->fid;
        for (JET_ERR err = db_cursor_first(c); err >= 0; err = db_cursor_next(c), n++) {
            uint8_t *v = NULL, *s = NULL;
            uint32_t cbv, cbs;
            CHECK_ERR(db_cursor_retrieve(c, fv, &v, &cbv), JET_errSuccess);
            CHECK_ERR(db_cursor_retrieve(c, fs, &s, &cbs), JET_errSuccess);
            char cur[16] = "";
            memcpy(cur, s, cbs < 15 ? cbs : 15);
            int32_t iv;
            memcpy(&iv, v, 4);
            if (n && (strcmp(prev_s, cur) > 0 || (!strcmp(prev_s, cur) && iv >= prev_v)))
                order_ok = 0;
            strcpy(prev_s, cur);
            prev_v = iv;
            osal_free(v);
            osal_free(s);
        }
        CHECK(n == 300 && order_ok);
        db_cursor_close(c);
    }
    /* DBK continues after the largest key */
    {
        int32_t v = 1000;
        db_value val = {table_find_column(seq, "V")->fid, &v, 4, 0, 0};
        CHECK_ERR(db_insert(seq, &val, 1), JET_errSuccess);
        db_cursor *c;
        CHECK_ERR(db_cursor_open(seq, &c), JET_errSuccess);
        CHECK_ERR(db_cursor_last(c), JET_errSuccess);
        const uint8_t *key;
        uint32_t cb_key;
        CHECK_ERR(db_cursor_row(c, &key, &cb_key, NULL, NULL), JET_errSuccess);
        CHECK(cb_key == 4 && key[2] == 1 && key[3] == 45); /* 301 */
        int n = 0;
        for (JET_ERR err = db_cursor_first(c); err >= 0; err = db_cursor_next(c))
            n++;
        CHECK(n == 300);
        db_cursor_close(c);
    }
    for (int i = 0; i < 600; i++)
        CHECK_ERR(random_op(t), JET_errSuccess);
    /* a primary key may not change */
    for (int i = 0; i < ID_COUNT; i++)
        if (g_model[i].present) {
            uint16_t fids[NCOL];
            get_fids(t, fids);
            uint8_t key[DB_KEY_MOST];
            uint32_t cb_key;
            CHECK_ERR(id_key(t, fids, i + ID_MIN, key, &cb_key), JET_errSuccess);
            int32_t other = 99999;
            db_value v = {fids[C_ID], &other, 4, 0, 0};
            CHECK_ERR(db_replace(t, key, cb_key, &v, 1), JET_errRecordPrimaryChanged);
            break;
        }
    verify_table(t);
    check_db(db, "phase 2");
    CHECK_ERR(db_close(db), JET_errSuccess);

    /* phase 3: read-only */
    db = NULL;
    CHECK_ERR(db_open(path, page_size, true, &db), JET_errSuccess);
    if (db) {
        t = db_find_table(db, "Rows");
        CHECK(t != NULL);
        if (t) {
            verify_table(t);
            uint8_t k[4] = {0};
            CHECK_ERR(db_delete(t, k, 4), JET_errDatabaseFileReadOnly);
        }
        CHECK_ERR(db_close(db), JET_errSuccess);
    }
    remove(path);
}

/* ---- fault injection ---------------------------------------------------------------------- */

static void fault_workload_setup(const char *path, ese_database **pdb, ese_table **pt)
{
    remove(path);
    memset(g_model, 0, sizeof g_model);
    g_rng = 777;
    CHECK_ERR(db_create(path, g_page, pdb), JET_errSuccess);
    CHECK_ERR(create_main_table(*pdb, pt), JET_errSuccess);
    for (int i = 0; i < 40; i++)
        CHECK_ERR(random_op(*pt), JET_errSuccess);
    CHECK_ERR(db_flush(*pdb), JET_errSuccess);
}

static void reopen_and_verify(const char *path, const char *phase)
{
    ese_database *db = NULL;
    CHECK_ERR(db_open(path, g_page, false, &db), JET_errSuccess);
    if (!db)
        return;
    ese_table *t = db_find_table(db, "Rows");
    CHECK(t != NULL);
    if (t)
        verify_table(t);
    check_db(db, phase);
    CHECK_ERR(db_close(db), JET_errSuccess);
}

static void test_faults(void)
{
    char path[256];
    snprintf(path, sizeof path, "/tmp/test_database_fault_%d.edb", (int)getpid());
    g_page = 8192;

    /* allocation failures while creating and opening: the error, no leak, no file left */
    int create_failures = 0;
    int create_done = 0;
    for (uint64_t n = 1; n < 20000; n += (n < 100 ? 1 : 13)) {
        remove(path);
        ese_database *db = NULL;
        fault_reset();
        fault_arm(FAULT_ALLOC, n, FAULT_AS_EIO);
        JET_ERR err = db_create(path, g_page, &db);
        int hit = fault_count(FAULT_ALLOC) >= n;
        fault_reset();
        if (err >= 0) {
            CHECK(!hit);
            CHECK_ERR(db_close(db), JET_errSuccess);
            create_done = 1;
            break;
        }
        create_failures++;
        CHECK_ERR(err, JET_errOutOfMemory);
        CHECK(access(path, F_OK) != 0);
    }
    CHECK(create_failures > 5 && create_done);

    /* allocation failures during a workload: the call fails, the trees stay valid, and the
     * file reopens with the rows of every call that succeeded */
    int workload_failures = 0;
    for (uint64_t n = 1; n < 5000; n += (n < 50 ? 1 : 37)) {
        ese_database *db = NULL;
        ese_table *t = NULL;
        fault_workload_setup(path, &db, &t);
        if (!db || !t)
            return;
        fault_reset();
        fault_arm(FAULT_ALLOC, n, FAULT_AS_EIO);
        JET_ERR err = JET_errSuccess;
        for (int i = 0; i < 30 && err >= 0; i++)
            err = random_op(t);
        fault_reset();
        if (err < 0) {
            workload_failures++;
            CHECK_ERR(err, JET_errOutOfMemory);
        }
        /* space may leak on a failure (space.h) so only the trees are checked here */
        char msg[256];
        CHECK_ERR(bt_check(db_store(db), table_pgno_fdp(t), NULL, msg, sizeof msg), JET_errSuccess);
        if (table_lv_pgno_fdp(t))
            CHECK_ERR(bt_check(db_store(db), table_lv_pgno_fdp(t), NULL, msg, sizeof msg), JET_errSuccess);
        CHECK_ERR(db_close(db), JET_errSuccess);
        db = NULL;
        CHECK_ERR(db_open(path, g_page, false, &db), JET_errSuccess);
        if (db) {
            t = db_find_table(db, "Rows");
            if (t)
                verify_table(t);
            CHECK_ERR(db_close(db), JET_errSuccess);
        }
        if (err >= 0)
            break;
    }
    CHECK(workload_failures > 10);

    /* write failures while flushing: the flush fails, a later flush succeeds, and the file
     * reopens with every row */
    int write_failures = 0;
    for (uint64_t n = 1; n < 200; n++) {
        ese_database *db = NULL;
        ese_table *t = NULL;
        fault_workload_setup(path, &db, &t);
        if (!db || !t)
            return;
        for (int i = 0; i < 30; i++)
            CHECK_ERR(random_op(t), JET_errSuccess);
        fault_arm(FAULT_WRITE, n, n % 2 ? FAULT_AS_EIO : FAULT_AS_ENOSPC);
        JET_ERR err = db_flush(db);
        fault_reset();
        if (err < 0)
            write_failures++;
        CHECK_ERR(db_close(db), JET_errSuccess);
        reopen_and_verify(path, "write fault");
        if (err >= 0)
            break;
    }
    CHECK(write_failures > 3);
    printf("faults: %d create, %d workload, %d flush failures injected\n", create_failures,
           workload_failures, write_failures);

    /* allocation failure while opening: the error, then a normal open works */
    {
        ese_database *db = NULL;
        ese_table *t = NULL;
        fault_workload_setup(path, &db, &t);
        CHECK_ERR(db_close(db), JET_errSuccess);
        for (uint64_t n = 1; n < 500; n++) {
            db = NULL;
            fault_arm(FAULT_ALLOC, n, FAULT_AS_EIO);
            JET_ERR err = db_open(path, g_page, false, &db);
            fault_reset();
            if (err >= 0) {
                CHECK_ERR(db_close(db), JET_errSuccess);
                break;
            }
            CHECK_ERR(err, JET_errOutOfMemory);
        }
        reopen_and_verify(path, "open fault");
    }
    remove(path);
}

/* ---- transactions at the database layer: a randomized model check ------------------------------
 *
 * A writer transaction W (nested levels, commits and rollbacks), a snapshot reader R and
 * updates outside any transaction run against models: W must see its own changes over the
 * database as of its begin, R the database as of its begin, everybody else the committed
 * state; W's updates must fail with JET_errWriteConflict exactly on rows committed after W
 * began; updates outside a transaction exactly on rows W has staged.  Long values (separated
 * and intrinsic) are checked through every view.  db_check after every round. */

#define TX_ROWS 48
#define TX_LEVELS 4

typedef struct {
    bool present;
    int32_t val;
    uint32_t blob_len;      /* 0: no blob */
    uint32_t blob_seed;
} tx_row;

typedef struct {
    tx_row rows[TX_ROWS];
    bool touched[TX_ROWS];  /* in W's write set: W holds the row's write lock */
} tx_model;

static tx_row g_committed[TX_ROWS];
static uint64_t g_committed_at[TX_ROWS];
static uint64_t g_clock;
static uint8_t g_tx_blob[9000];

static uint16_t tx_fid(ese_table *t, const char *name)
{
    const db_column *c = table_find_column(t, name);
    return c ? c->fid : 0;
}

static const uint8_t *tx_blob(uint32_t len, uint32_t seed)
{
    for (uint32_t i = 0; i < len; i++)
        g_tx_blob[i] = (uint8_t)(seed + i * 7);
    return g_tx_blob;
}

static void tx_key(ese_table *t, int32_t id, uint8_t *key, uint32_t *cb)
{
    db_value v = {tx_fid(t, "Id"), &id, 4, 0, 0};
    *cb = DB_KEY_MOST;
    CHECK_ERR(table_make_key(t, &v, 1, key, cb), JET_errSuccess);
}

/* Does the view of trx (NULL: committed) hold exactly the rows of `rows`? Scans forward and
 * backward, seeks each id and a few in between, and reads every long value. */
static void tx_verify(ese_table *t, ese_trx *trx, const tx_row *rows)
{
    uint16_t f_id = tx_fid(t, "Id"), f_val = tx_fid(t, "Val"), f_blob = tx_fid(t, "Blob");
    db_cursor *c = NULL;
    CHECK_ERR(db_cursor_open(t, &c), JET_errSuccess);
    if (!c)
        return;
    db_cursor_set_trx(c, trx);
    int expected = 0;
    for (int i = 0; i < TX_ROWS; i++)
        expected += rows[i].present;
    for (int pass = 0; pass < 2; pass++) {
        int seen = 0, last = pass ? TX_ROWS : -1;
        JET_ERR err = pass ? db_cursor_last(c) : db_cursor_first(c);
        for (; err >= 0; err = pass ? db_cursor_prev(c) : db_cursor_next(c)) {
            uint8_t *d = NULL;
            uint32_t cb = 0;
            int32_t id = -1, val = -1;
            if (db_cursor_retrieve(c, f_id, &d, &cb) == JET_errSuccess && cb == 4)
                memcpy(&id, d, 4);
            osal_free(d);
            d = NULL;
            if (db_cursor_retrieve(c, f_val, &d, &cb) == JET_errSuccess && cb == 4)
                memcpy(&val, d, 4);
            osal_free(d);
            d = NULL;
            bool ok = id >= 0 && id < TX_ROWS && rows[id].present && rows[id].val == val &&
                      (pass ? id < last : id > last);
            JET_ERR rerr = db_cursor_retrieve(c, f_blob, &d, &cb);
            if (ok && rows[id].blob_len)
                ok = rerr == JET_errSuccess && cb == rows[id].blob_len &&
                     memcmp(d, tx_blob(cb, rows[id].blob_seed), cb) == 0;
            else if (ok)
                ok = rerr == JET_wrnColumnNull;
            osal_free(d);
            CHECK(ok);
            if (!ok) {
                fprintf(stderr, "tx view: row id %d val %d (pass %d)\n", id, val, pass);
                break;
            }
            last = id;
            seen++;
        }
        CHECK_ERR(err, JET_errNoCurrentRecord);
        CHECK(seen == expected);
    }
    for (int32_t id = 0; id < TX_ROWS; id++) {
        uint8_t key[DB_KEY_MOST];
        uint32_t cb_key = 0;
        tx_key(t, id, key, &cb_key);
        uint8_t *rec = NULL;
        size_t cb_rec = 0;
        JET_ERR err = db_lookup_trx(t, trx, key, cb_key, &rec, &cb_rec);
        osal_free(rec);
        CHECK_ERR(err, rows[id].present ? JET_errSuccess : JET_errRecordNotFound);
        /* GE lands on the first present row at or after id */
        int next = id;
        while (next < TX_ROWS && !rows[next].present)
            next++;
        err = db_cursor_seek(c, key, cb_key, BT_SEEK_GE);
        if (next == TX_ROWS) {
            CHECK_ERR(err, JET_errRecordNotFound);
        } else {
            CHECK_ERR(err, next == id ? JET_errSuccess : JET_wrnSeekNotEqual);
            uint8_t *d = NULL;
            uint32_t cb = 0;
            int32_t got = -1;
            if (db_cursor_retrieve(c, f_id, &d, &cb) == JET_errSuccess && cb == 4)
                memcpy(&got, d, 4);
            osal_free(d);
            CHECK(got == next);
        }
        int prev = id;
        while (prev >= 0 && !rows[prev].present)
            prev--;
        err = db_cursor_seek(c, key, cb_key, BT_SEEK_LT);
        prev = id - 1;
        while (prev >= 0 && !rows[prev].present)
            prev--;
        CHECK_ERR(err, prev < 0 ? JET_errRecordNotFound : JET_errSuccess);
    }
    db_cursor_close(c);
}

static JET_ERR tx_write(ese_table *t, ese_trx *trx, int op, int32_t id, tx_row *row)
{
    uint8_t key[DB_KEY_MOST];
    uint32_t cb_key = 0;
    tx_key(t, id, key, &cb_key);
    db_value v[3] = {{tx_fid(t, "Id"), &id, 4, 0, 0}, {tx_fid(t, "Val"), &row->val, 4, 0, 0},
                     {tx_fid(t, "Blob"), NULL, 0, 0, 0}};
    if (row->blob_len) {
        v[2].data = tx_blob(row->blob_len, row->blob_seed);
        v[2].cb = row->blob_len;
    }
    if (op == 0)
        return db_insert_trx(t, trx, v, 3, NULL, NULL);
    if (op == 1)
        return db_replace_trx(t, trx, key, cb_key, v + 1, 2);
    return db_delete_trx(t, trx, key, cb_key);
}

static void tx_random_row(tx_row *row)
{
    row->present = true;
    row->val = (int32_t)(rnd() % 100000);
    uint64_t r = rnd() % 4;
    row->blob_len = r == 0 ? 0 : r == 1 ? 50 + (uint32_t)(rnd() % 400) : 1100 + (uint32_t)(rnd() % 7000);
    row->blob_seed = (uint32_t)rnd();
}

static void test_transactions(void)
{
    char path[256];
    snprintf(path, sizeof path, "/tmp/test_database_trx_%d.edb", (int)getpid());
    remove(path);
    g_page = 4096;
    ese_database *db = NULL;
    CHECK_ERR(db_create(path, g_page, &db), JET_errSuccess);
    if (!db)
        return;
    static const db_column_def cols[3] = {{"Id", JET_coltypLong, 0, 0, 0, NULL, 0},
                                          {"Val", JET_coltypLong, 0, 0, 0, NULL, 0},
                                          {"Blob", JET_coltypLongBinary, 0, 0, 0, NULL, 0}};
    db_index_column key = {"Id", false};
    db_table_def def = {"Tx", cols, 3, "PK", &key, 1, 0, NULL, 0};
    ese_table *t = NULL;
    CHECK_ERR(db_create_table(db, &def, &t), JET_errSuccess);
    if (!t)
        return;
    memset(g_committed, 0, sizeof g_committed);
    memset(g_committed_at, 0, sizeof g_committed_at);
    ese_trx w, r;
    trx_init(&w, 1);
    trx_init(&r, 2);
    tx_model levels[TX_LEVELS + 1]; /* W's view at each open level */
    tx_row r_rows[TX_ROWS];
    uint64_t w_begin = 0;
    int conflicts = 0, outside_conflicts = 0, commits = 0, rollbacks = 0;
    for (int round = 0; round < 120; round++) {
        /* W begins with the committed state */
        CHECK_ERR(trx_begin(&w, 0), JET_errSuccess);
        w_begin = g_clock;
        memset(&levels[1], 0, sizeof levels[1]);
        memcpy(levels[1].rows, g_committed, sizeof g_committed);
        int depth = 1;
        for (int step = 0; step < 40; step++) {
            uint64_t what = rnd() % 100;
            int32_t id = (int32_t)(rnd() % TX_ROWS);
            tx_model *m = &levels[depth];
            if (what < 5 && m->rows[id].present) { /* W locks a row (JET_prepReplace) */
                uint8_t key[DB_KEY_MOST];
                uint32_t cb_key = 0;
                tx_key(t, id, key, &cb_key);
                JET_ERR err = db_lock_trx(t, &w, key, cb_key);
                CHECK_ERR(err, !m->touched[id] && g_committed_at[id] > w_begin
                                   ? JET_errWriteConflict : JET_errSuccess);
                if (err >= 0)
                    m->touched[id] = true;
            } else if (what < 50) { /* W updates */
                int op = m->rows[id].present ? 1 + (int)(rnd() % 2) : 0;
                if (rnd() % 8 == 0)
                    op = (int)(rnd() % 3); /* sometimes the wrong one */
                tx_row row = m->rows[id];
                tx_random_row(&row);
                JET_ERR expected = JET_errSuccess;
                if (!m->touched[id] && g_committed_at[id] > w_begin)
                    expected = JET_errWriteConflict;
                else if (op == 0 && m->rows[id].present)
                    expected = JET_errKeyDuplicate;
                else if (op != 0 && !m->rows[id].present)
                    expected = JET_errRecordNotFound;
                JET_ERR err = tx_write(t, &w, op, id, &row);
                CHECK_ERR(err, expected);
                conflicts += err == JET_errWriteConflict;
                if (err >= 0) {
                    m->rows[id] = op == 2 ? (tx_row){0} : row;
                    m->touched[id] = true;
                }
            } else if (what < 65) { /* an update outside any transaction */
                tx_row row = g_committed[id];
                int op = row.present ? 1 + (int)(rnd() % 2) : 0;
                tx_random_row(&row);
                JET_ERR err = tx_write(t, NULL, op, id, &row);
                CHECK_ERR(err, m->touched[id] ? JET_errWriteConflict : JET_errSuccess);
                outside_conflicts += err == JET_errWriteConflict;
                if (err >= 0) {
                    g_committed[id] = op == 2 ? (tx_row){0} : row;
                    g_committed_at[id] = ++g_clock;
                }
            } else if (what < 72 && depth < TX_LEVELS) { /* a save point */
                CHECK_ERR(trx_begin(&w, 0), JET_errSuccess);
                levels[depth + 1] = levels[depth];
                depth++;
            } else if (what < 78 && depth > 1) { /* its rollback */
                trx_rollback_level(&w);
                depth--;
            } else if (what < 84 && depth > 1) { /* its commit into the parent */
                struct ese_log *log;
                uint64_t end;
                CHECK_ERR(trx_commit_level(&w, &log, &end), JET_errSuccess);
                levels[depth - 1] = levels[depth];
                depth--;
            } else if (what < 90) { /* the snapshot reader */
                if (r.level == 0) {
                    CHECK_ERR(trx_begin(&r, 0), JET_errSuccess);
                    memcpy(r_rows, g_committed, sizeof r_rows);
                } else {
                    tx_verify(t, &r, r_rows);
                    if (rnd() % 3 == 0)
                        trx_rollback_level(&r);
                }
            } else {
                tx_verify(t, &w, levels[depth].rows);
                tx_verify(t, NULL, g_committed);
            }
        }
        tx_verify(t, &w, levels[depth].rows);
        /* W ends: commit (everything it staged becomes the committed state) or roll back */
        if (rnd() % 3) {
            while (w.level > 1) {
                struct ese_log *log;
                uint64_t end;
                CHECK_ERR(trx_commit_level(&w, &log, &end), JET_errSuccess);
                levels[depth - 1] = levels[depth];
                depth--;
            }
            struct ese_log *log;
            uint64_t end;
            CHECK_ERR(trx_commit_level(&w, &log, &end), JET_errSuccess);
            for (int i = 0; i < TX_ROWS; i++)
                if (levels[1].touched[i]) {
                    g_committed[i] = levels[1].rows[i];
                    g_committed_at[i] = ++g_clock;
                }
            commits++;
        } else {
            while (w.level > 0)
                trx_rollback_level(&w);
            rollbacks++;
        }
        tx_verify(t, NULL, g_committed);
        tx_verify(t, &w, g_committed); /* level 0: the committed state */
        if (r.level)
            tx_verify(t, &r, r_rows);
        check_db(db, "transactions");
    }
    trx_destroy(&w);
    trx_destroy(&r);
    printf("transactions: %d commits, %d rollbacks, %d write conflicts, %d outside conflicts\n",
           commits, rollbacks, conflicts, outside_conflicts);
    CHECK(commits > 10 && rollbacks > 10 && conflicts > 0 && outside_conflicts > 0);
    CHECK_ERR(db_close(db), JET_errSuccess);
    /* the file holds exactly the committed state */
    db = NULL;
    CHECK_ERR(db_open(path, g_page, false, &db), JET_errSuccess);
    if (db) {
        t = db_find_table(db, "Tx");
        if (t)
            tx_verify(t, NULL, g_committed);
        check_db(db, "transactions reopened");
        CHECK_ERR(db_close(db), JET_errSuccess);
    }
    remove(path);
}

int main(void)
{
    for (int c = 0; c < NCOL; c++)
        g_buf[c] = malloc(4 * 32768);
    static const uint32_t sizes[] = {2048, 4096, 8192, 16384, 32768};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        g_rng = 1000 + i;
        test_page_size(sizes[i]);
    }
    /* a small cache: pages are evicted (written) and read back during the workload */
    bm_set_cache_budget(48);
    g_rng = 99;
    test_page_size(4096);
    bm_set_cache_budget(0);
    bm_set_cache_budget(2000000000u);
    g_rng = 4242;
    test_transactions();
    test_faults();
    for (int c = 0; c < NCOL; c++)
        free(g_buf[c]);
    return check_summary();
}
