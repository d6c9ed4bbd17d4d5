/*
 * bench_cursor.c -- time the cursor calls over a table of N rows (default 1,000,000):
 * ns per JetMove(Next) in a full scan, per MakeKey + Seek(EQ) + RetrieveColumn at random keys,
 * and per row of 100-row range scans (Seek GE + SetIndexRange + JetMove).  Measured, not
 * asserted.
 *
 *   gcc -std=gnu11 -O2 -Isrc -Isrc/libese -Isrc/libese/include -Isrc/eseformat -Itests/c
 *       tests/c/tools/bench_cursor.c <every .c of src/libese and src/eseformat> -lpthread
 *   ./a.out [rows]
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "esent.h"
#include "support.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#define TRY(call)                                                                         \
    do {                                                                                  \
        JET_ERR e_ = (call);                                                              \
        if (e_ < 0) {                                                                     \
            fprintf(stderr, "%s:%d: %s: %ld\n", __FILE__, __LINE__, #call, (long)e_);   \
            exit(1);                                                                      \
        }                                                                                 \
    } while (0)

int main(int argc, char **argv)
{
    int rows = argc > 1 ? atoi(argv[1]) : 1000000;
    char root[256], db[400];
    if (support_make_root(root, sizeof root, "esent-bench-cursor") != 0)
        return 1;
    snprintf(db, sizeof db, "%s/bench.edb", root);
    JET_INSTANCE inst;
    JET_SESID s;
    JET_DBID dbid;
    JET_TABLEID t;
    JET_COLUMNID ids[2];
    TRY(support_start_instance(&inst, &s, "bench-cursor", root, root, 16384, true));
    TRY(JetCreateDatabase2W(s, W(db), 0, &dbid, 0));
    static const char *const names[] = {"id", "val"};
    static const JET_COLTYP types[] = {JET_coltypLong, JET_coltypLong};
    TRY(support_create_table(s, dbid, "t", 2, names, types, JET_bitColumnNotNULL, &t, ids));
    double t0 = now();
    for (int i = 0; i < rows; i++) {
        if (i % 10000 == 0)
            TRY(JetBeginTransaction(s));
        int32_t v = i * 3;
        TRY(support_insert_row(s, t, ids[0], i, ids[1], &v, sizeof v));
        if (i % 10000 == 9999 || i == rows - 1)
            TRY(JetCommitTransaction(s, JET_bitCommitLazyFlush));
    }
    printf("insert: %d rows in %.2f s\n", rows, now() - t0);

    /* a full scan by JetMove(Next) */
    t0 = now();
    int n = 0;
    for (JET_ERR err = JetMove(s, t, JET_MoveFirst, 0); err == JET_errSuccess;
         err = JetMove(s, t, JET_MoveNext, 0))
        n++;
    double dt = now() - t0;
    printf("scan: %d rows, %.0f ns per JetMove\n", n, dt * 1e9 / n);

    /* the same with a RetrieveColumn per row */
    t0 = now();
    n = 0;
    long long sum = 0;
    for (JET_ERR err = JetMove(s, t, JET_MoveFirst, 0); err == JET_errSuccess;
         err = JetMove(s, t, JET_MoveNext, 0)) {
        int32_t v = 0;
        JetRetrieveColumn(s, t, ids[1], &v, sizeof v, NULL, 0, NULL);
        sum += v;
        n++;
    }
    dt = now() - t0;
    printf("scan + RetrieveColumn: %.0f ns per row (sum %lld)\n", dt * 1e9 / n, sum);

    /* random point lookups */
    const int lookups = 100000;
    srand(7);
    t0 = now();
    for (int i = 0; i < lookups; i++) {
        int32_t k = rand() % rows, v = 0;
        TRY(JetMakeKey(s, t, &k, sizeof k, JET_bitNewKey));
        TRY(JetSeek(s, t, JET_bitSeekEQ));
        TRY(JetRetrieveColumn(s, t, ids[1], &v, sizeof v, NULL, 0, NULL));
        if (v != k * 3) {
            fprintf(stderr, "wrong row %d\n", k);
            return 1;
        }
    }
    dt = now() - t0;
    printf("point: %d x MakeKey + Seek(EQ) + RetrieveColumn, %.0f ns each\n", lookups,
           dt * 1e9 / lookups);

    /* 100-row range scans */
    const int ranges = 2000;
    t0 = now();
    n = 0;
    for (int i = 0; i < ranges; i++) {
        int32_t lo = rand() % (rows > 100 ? rows - 100 : 1), hi = lo + 99;
        TRY(JetMakeKey(s, t, &lo, sizeof lo, JET_bitNewKey));
        TRY(JetSeek(s, t, JET_bitSeekGE));
        TRY(JetMakeKey(s, t, &hi, sizeof hi, JET_bitNewKey));
        TRY(JetSetIndexRange(s, t, JET_bitRangeUpperLimit | JET_bitRangeInclusive));
        do
            n++;
        while (JetMove(s, t, JET_MoveNext, 0) == JET_errSuccess);
    }
    dt = now() - t0;
    printf("range: %d scans of 100 rows, %.0f ns per row\n", ranges, dt * 1e9 / n);
    JetTerm2(inst, JET_bitTermAbrupt);
    support_remove_tree(root);
    return 0;
}
