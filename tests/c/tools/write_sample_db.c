/*
 * write_sample_db.c -- write a database with libese's database layer for the reader tests
 * (tests/test_database_readers.py).
 *
 *   write_sample_db PATH PAGE_SIZE ROWS EXPECTED_TSV [SEED]
 *
 * One table "Rows" with every column type the database layer places (fixed Long, LongLong,
 * DateTime, Bit; variable Text cp 1200, Text cp 1252, Binary; tagged LongBinary, LongText),
 * primary index on Id.  Rows are inserted in a shuffled order, some replaced and some deleted
 * afterwards, so the trees see splits everywhere, not only at the right edge.  The rows the
 * database ends with are written to EXPECTED_TSV in Id order, one line per row:
 *     id \t col2 \t col3 ...   each value in hex, "-" for NULL
 * in the column order of k_columns.
 *
 * The data steers around the third-party readers' documented bugs (facts §9), none of which is
 * a fault of the file:
 *   - libesedb treats a separated LV chunk starting with 0x18 as XPRESS, and dissect decodes
 *     (or raises on) chunks from the third on whose first byte >> 3 is 1, 2, 3, 5 or 6: every
 *     chunk start of a separated value gets bit 6 set when its byte is in 0x08-0x1F or
 *     0x28-0x37;
 *   - pyesedb returns None for an empty Text value: no Text/Binary value is empty (NULLs are
 *     written instead for some rows);
 *   - libesedb ignores the fixed-column null bitmap: fixed columns are never NULL.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "database.h"
#include "lv_format.h"
#include "osal.h"

static uint64_t mix(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

enum { C_ID, C_BIG, C_NAME, C_ASC, C_BIN, C_BLOB, C_MEMO, C_WHEN, C_FLAG, NCOL };

static const db_column_def k_columns[NCOL] = {
    {"Id", JET_coltypLong, 0, 0, JET_bitColumnNotNULL, NULL, 0},
    {"Big", JET_coltypLongLong, 0, 0, 0, NULL, 0},
    {"Name", JET_coltypText, 0, 1200, 0, NULL, 0},
    {"Asc", JET_coltypText, 0, 1252, 0, NULL, 0},
    {"Bin", JET_coltypBinary, 0, 0, 0, NULL, 0},
    {"Blob", JET_coltypLongBinary, 0, 0, 0, NULL, 0},
    {"Memo", JET_coltypLongText, 0, 1252, 0, NULL, 0},
    {"When", JET_coltypDateTime, 0, 0, 0, NULL, 0},
    {"Flag", JET_coltypBit, 0, 0, 0, NULL, 0},
};

static uint32_t g_page, g_chunk;
static uint64_t g_seed;

/* Put a UTF-16LE code point; returns bytes written. */
static uint32_t put_utf16(uint8_t *out, uint32_t cp)
{
    if (cp >= 0x10000) {
        cp -= 0x10000;
        uint16_t hi = (uint16_t)(0xD800 + (cp >> 10)), lo = (uint16_t)(0xDC00 + (cp & 0x3FF));
        memcpy(out, &hi, 2);
        memcpy(out + 2, &lo, 2);
        return 4;
    }
    uint16_t u = (uint16_t)cp;
    memcpy(out, &u, 2);
    return 2;
}

/* The value of column col in row id, version v: 0 = NULL. */
static int gen_value(int col, int32_t id, uint32_t v, uint8_t *buf, uint32_t *cb)
{
    uint64_t r = mix(g_seed ^ mix((uint64_t)(uint32_t)id * 977 + v * 131 + (uint64_t)col));
    uint32_t n;
    *cb = 0;
    switch (col) {
    case C_ID:
        memcpy(buf, &id, 4);
        *cb = 4;
        return 1;
    case C_BIG: {
        int64_t b = (r % 50 == 0) ? INT64_MIN + (int64_t)(r % 3) : (r % 50 == 1) ? INT64_MAX : (int64_t)r;
        memcpy(buf, &b, 8);
        *cb = 8;
        return 1;
    }
    case C_WHEN: {
        double d = 36526.0 + (double)(r % 3000000) / 1000.0; /* an OLE date (days since 1899) */
        memcpy(buf, &d, 8);
        *cb = 8;
        return 1;
    }
    case C_FLAG:
        buf[0] = (r & 1) ? 0xFF : 0x00;
        *cb = 1;
        return 1;
    case C_NAME: {
        if (r % 13 == 0)
            return 0;
        static const uint32_t cps[] = {'a', 'B', 'z', '0', ' ', 0xE9, 0xDF, 0x3A9, 0x3B1, 0x416,
                                       0x44F, 0x4E2D, 0x6587, 0x1F600, 0x10437};
        n = 1 + (uint32_t)((r >> 8) % 20);
        uint32_t o = 0;
        for (uint32_t i = 0; i < n; i++)
            o += put_utf16(buf + o, cps[mix(r + i) % (sizeof cps / sizeof cps[0])]);
        *cb = o;
        return 1;
    }
    case C_ASC:
        if (r % 11 == 0)
            return 0;
        n = 1 + (uint32_t)((r >> 8) % 60);
        for (uint32_t i = 0; i < n; i++)
            buf[i] = (uint8_t)(0x20 + mix(r + i) % 95);
        *cb = n;
        return 1;
    case C_BIN:
        if (r % 7 == 0)
            return 0;
        n = 1 + (uint32_t)((r >> 8) % 64);
        for (uint32_t i = 0; i < n; i++)
            buf[i] = (uint8_t)mix(r + i);
        *cb = n;
        return 1;
    case C_BLOB:
    case C_MEMO: {
        if (r % 9 == 0)
            return 0;
        uint32_t k = (uint32_t)((r >> 12) % 400);
        if (k < 2)
            n = g_page + 1 + (uint32_t)((r >> 20) % (g_page + g_page / 2)); /* larger than a page */
        else if (k < 5)
            n = 1024 + (uint32_t)((r >> 20) % 3000);                        /* separated */
        else
            n = 1 + (uint32_t)((r >> 20) % 200);                            /* intrinsic */
        for (uint32_t i = 0; i < n; i++)
            buf[i] = col == C_MEMO ? (uint8_t)(0x20 + mix(r ^ (i / 16)) % 95) : (uint8_t)mix(r ^ i);
        if (n > LV_INTRINSIC_MOST_DEFAULT) {
            for (uint32_t off = 0; off < n; off += g_chunk) {
                uint8_t b = buf[off];
                if ((b >= 0x08 && b <= 0x1F) || (b >= 0x28 && b <= 0x37))
                    buf[off] = b | 0x40;
            }
        }
        *cb = n;
        return 1;
    }
    }
    return 0;
}

static void put_hex(FILE *f, const uint8_t *p, uint32_t n)
{
    static const char hx[] = "0123456789abcdef";
    for (uint32_t i = 0; i < n; i++) {
        fputc(hx[p[i] >> 4], f);
        fputc(hx[p[i] & 15], f);
    }
}

static uint8_t *g_buf[NCOL];

static size_t row_values(ese_table *t, int32_t id, const uint32_t *ver, const int *cols, size_t ncols,
                         db_value *vals)
{
    for (size_t i = 0; i < ncols; i++) {
        int c = cols[i];
        uint32_t cb;
        int has = gen_value(c, id, ver[c], g_buf[c], &cb);
        vals[i].fid = table_find_column(t, k_columns[c].name)->fid;
        vals[i].data = has ? g_buf[c] : NULL;
        vals[i].cb = has ? cb : 0;
        vals[i].flags = 0;
    }
    return ncols;
}

#define FAIL(what, err)                                                                       \
    do {                                                                                      \
        fprintf(stderr, "%s failed: %d\n", what, (int)(err));                                 \
        return 1;                                                                             \
    } while (0)

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: %s PATH PAGE_SIZE ROWS EXPECTED_TSV [SEED]\n", argv[0]);
        return 2;
    }
    g_page = (uint32_t)strtoul(argv[2], NULL, 10);
    int32_t rows = (int32_t)strtol(argv[3], NULL, 10);
    g_seed = argc > 5 ? strtoull(argv[5], NULL, 10) : 1;
    g_chunk = lv_chunk_size(g_page);
    for (int c = 0; c < NCOL; c++)
        g_buf[c] = malloc(4 * (size_t)g_page + 4096);
    ese_database *db = NULL;
    ese_table *t = NULL;
    JET_ERR err;
    remove(argv[1]);
    if ((err = db_create(argv[1], g_page, &db)) < 0)
        FAIL("db_create", err);
    db_index_column key = {"Id", false};
    db_table_def def = {"Rows", k_columns, NCOL, "PrimaryKey", &key, 1, 16, NULL, 0};
    if ((err = db_create_table(db, &def, &t)) < 0)
        FAIL("db_create_table", err);

    /* Ids -rows/2 .. rows/2-1 plus some that get deleted, inserted in a shuffled order */
    int32_t total = rows + rows / 20, first = -(rows / 2);
    int32_t *order = malloc(sizeof *order * (size_t)total);
    uint32_t (*ver)[NCOL] = calloc((size_t)total, sizeof *ver);
    char *alive = calloc((size_t)total, 1);
    for (int32_t i = 0; i < total; i++)
        order[i] = i;
    for (int32_t i = total - 1; i > 0; i--) {
        int32_t j = (int32_t)(mix(g_seed * 7 + (uint64_t)i) % (uint64_t)(i + 1)), tmp = order[i];
        order[i] = order[j];
        order[j] = tmp;
    }
    int all[NCOL];
    for (int c = 0; c < NCOL; c++)
        all[c] = c;
    db_value vals[NCOL];
    for (int32_t k = 0; k < total; k++) {
        int32_t i = order[k];
        row_values(t, first + i, ver[i], all, NCOL, vals);
        if ((err = db_insert(t, vals, NCOL)) < 0)
            FAIL("db_insert", err);
        alive[i] = 1;
    }
    /* replace a few columns of every 10th row, delete the extra rows */
    for (int32_t i = 0; i < total; i += 10) {
        int cols[4] = {C_NAME, C_BLOB, C_MEMO, C_BIG};
        for (int c = 0; c < 4; c++)
            ver[i][cols[c]]++;
        uint8_t k[DB_KEY_MOST];
        uint32_t cb_k;
        int32_t id = first + i;
        db_value kv = {table_find_column(t, "Id")->fid, &id, 4, 0, 0};
        if ((err = table_make_key(t, &kv, 1, k, &cb_k)) < 0 ||
            (err = db_replace(t, k, cb_k, vals, row_values(t, id, ver[i], cols, 4, vals))) < 0)
            FAIL("db_replace", err);
    }
    for (int32_t n = 0, i = 5; n < total - rows && i < total; i += 20, n++) {
        uint8_t k[DB_KEY_MOST];
        uint32_t cb_k;
        int32_t id = first + i;
        db_value kv = {table_find_column(t, "Id")->fid, &id, 4, 0, 0};
        if ((err = table_make_key(t, &kv, 1, k, &cb_k)) < 0 || (err = db_delete(t, k, cb_k)) < 0)
            FAIL("db_delete", err);
        alive[i] = 0;
    }
    char msg[256] = "";
    if ((err = db_check(db, msg, sizeof msg)) < 0) {
        fprintf(stderr, "db_check: %s\n", msg);
        FAIL("db_check", err);
    }
    if ((err = db_close(db)) < 0)
        FAIL("db_close", err);

    FILE *f = fopen(argv[4], "w");
    if (!f)
        FAIL("fopen", 0);
    int32_t written = 0;
    for (int32_t i = 0; i < total; i++) {
        if (!alive[i])
            continue;
        for (int c = 0; c < NCOL; c++) {
            uint32_t cb;
            if (c)
                fputc('\t', f);
            if (gen_value(c, first + i, ver[i][c], g_buf[c], &cb))
                put_hex(f, g_buf[c], cb);
            else
                fputc('-', f);
        }
        fputc('\n', f);
        written++;
    }
    fclose(f);
    printf("%d rows\n", written);
    for (int c = 0; c < NCOL; c++)
        free(g_buf[c]);
    free(order);
    free(ver);
    free(alive);
    return 0;
}
