/*
 * write_index_db.c -- a database with secondary indexes for tests/test_index_oracle.py:
 * table "T" (Id Long primary, Val Long, Name Text 1252), unique index "ByName" (+Name),
 * non-unique index "ByVal" (+Val), ROWS rows Id = i, Val = i % 7,
 * Name = "name%05d" (i), inserted in a scrambled order, every 5th row's Val and Name replaced
 * (Val + 100, "r" prefix), every 9th deleted.  Usage: write_index_db PATH PAGE_SIZE ROWS.
 * Prints "N rows" (the rows left) on success.
 */
#include <stdio.h>
#include <stdlib.h>

#include "database.h"

static int fail(const char *what, JET_ERR err)
{
    fprintf(stderr, "%s: %d\n", what, (int)err);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: %s PATH PAGE_SIZE ROWS\n", argv[0]);
        return 2;
    }
    uint32_t page = (uint32_t)strtoul(argv[2], NULL, 10);
    int32_t rows = (int32_t)strtol(argv[3], NULL, 10);
    remove(argv[1]);
    ese_database *db = NULL;
    JET_ERR err = db_create(argv[1], page, &db);
    if (err < 0)
        return fail("db_create", err);
    static const db_column_def cols[3] = {
        {"Id", JET_coltypLong, 0, 0, JET_bitColumnNotNULL, NULL, 0},
        {"Val", JET_coltypLong, 0, 0, 0, NULL, 0},
        {"Name", JET_coltypText, 0, 1252, 0, NULL, 0},
    };
    static const db_index_column k = {"Id", false}, kv = {"Val", false}, kn = {"Name", false};
    const db_index_def ix[2] = {
        {"ByName", &kn, 1, JET_bitIndexUnique, 0, 0, 0},
        {"ByVal", &kv, 1, 0, 0, 0, 0},
    };
    db_table_def def = {"T", cols, 3, "PK", &k, 1, 0, ix, 2};
    ese_table *t = NULL;
    if ((err = db_create_table(db, &def, &t)) < 0)
        return fail("db_create_table", err);
    int32_t left = 0;
    for (int32_t n = 0; n < rows; n++) {
        int32_t i = (int32_t)(((int64_t)n * 7919) % rows); /* a permutation when gcd = 1 */
        int32_t v = i % 7;
        char name[16];
        int cb = snprintf(name, sizeof name, "name%05d", i);
        db_value vals[3] = {{1, &i, 4, 0, 0}, {2, &v, 4, 0, 0}, {128, name, (uint32_t)cb, 0, 0}};
        if ((err = db_insert(t, vals, 3)) < 0)
            return fail("db_insert", err);
    }
    for (int32_t i = 0; i < rows; i++) {
        uint8_t key[DB_KEY_MOST];
        uint32_t cb_key = 0;
        db_value id = {1, &i, 4, 0, 0};
        if ((err = table_make_key(t, &id, 1, key, &cb_key)) < 0)
            return fail("table_make_key", err);
        if (i % 9 == 0) {
            if ((err = db_delete(t, key, cb_key)) < 0)
                return fail("db_delete", err);
            continue;
        }
        left++;
        if (i % 5 == 0) {
            int32_t v = i % 7 + 100;
            char name[16];
            int cb = snprintf(name, sizeof name, "rname%05d", i);
            db_value vals[2] = {{2, &v, 4, 0, 0}, {128, name, (uint32_t)cb, 0, 0}};
            if ((err = db_replace(t, key, cb_key, vals, 2)) < 0)
                return fail("db_replace", err);
        }
    }
    char msg[256] = "";
    if ((err = db_check(db, msg, sizeof msg)) < 0) {
        fprintf(stderr, "db_check: %s\n", msg);
        return 1;
    }
    if ((err = db_close(db)) < 0)
        return fail("db_close", err);
    printf("%d rows\n", (int)left);
    return 0;
}
