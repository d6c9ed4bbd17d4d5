/*
 * test_cache_budget.c -- JET_paramCacheSizeMax bounds the buffer managers (DESIGN.md "The cache
 * budget"): the parameter reaches the budget; one budget shared by several databases, with a
 * database opened late getting its fair share; lowering it at runtime trims the cache; a cache
 * full of committed-but-unwritten pages makes room by forcing the log and writing them
 * (no-steal, write-ahead); allocation failures while the cache grows (JET_errOutOfMemory,
 * nothing leaked); a page write failing while evicting (the error, the fail hook, and through
 * the Jet API an unavailable instance whose committed rows survive a restart); and a load of
 * ten times the cache by four concurrent sessions over two databases whose number of cached
 * pages never passes the budget (ThreadSanitizer runs it too: ci/sanitize TSAN_TESTS).
 *
 * Built and run by ci/sanitize: this file plus every .c file of src/libese and src/eseformat.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bufmgr.h"
#include "check.h"
#include "support.h"
#include "checkpointer.h"
#include "dbfile.h"
#include "esent.h"
#include "fault.h"
#include "page.h"

#define PAGE 4096u
#define DEFAULT_BUDGET 2000000000u

static char g_root[256];

/* ---- buffer-manager level ------------------------------------------------------------------ */

typedef struct {
    uint64_t durable;
    int flushes;
    int failures_reported; /* the fail hook */
} fake_log;

static uint64_t fake_durable(void *ctx)
{
    return ((fake_log *)ctx)->durable;
}

static JET_ERR fake_make_durable(void *ctx, uint64_t position)
{
    fake_log *log = ctx;
    log->flushes++;
    if (position > log->durable)
        log->durable = position;
    return JET_errSuccess;
}

static void fake_fail(void *ctx)
{
    ((fake_log *)ctx)->failures_reported++;
}

static ese_dbfile *new_db(const char *name, uint32_t pages)
{
    return support_new_dbfile(g_root, name, PAGE, pages);
}

static JET_ERR put_page(ese_pagestore *store, uint32_t pgno, uint8_t fill)
{
    return support_put_page(store, pgno, fill, PAGE);
}

static int page_fill(ese_pagestore *store, uint32_t pgno)
{
    return support_page_fill(store, pgno);
}

static uint64_t frames_of(ese_bufmgr *bm)
{
    bm_stats stats;
    bm_get_stats(bm, &stats);
    return stats.frames;
}

/* Two databases share one budget; the one opened late takes its fair share from the first. */
static void test_shared_budget_and_fair_share(void)
{
    bm_set_cache_budget(16);
    ese_dbfile *fa = new_db("share-a.edb", 64), *fb = new_db("share-b.edb", 64);
    CHECK(fa && fb);
    if (!fa || !fb)
        return;
    ese_bufmgr *a = NULL, *b = NULL;
    CHECK_ERR(bm_open(fa, NULL, &a), JET_errSuccess);
    bm_cache_peak(true);
    for (uint32_t pgno = 1; pgno <= 40; pgno++)
        CHECK_ERR(put_page(bm_store(a), pgno, (uint8_t)pgno), JET_errSuccess);
    CHECK(frames_of(a) == 16 && bm_cache_in_use() == 16); /* a filled the whole budget */
    CHECK_ERR(bm_open(fb, NULL, &b), JET_errSuccess);
    for (int round = 0; round < 3; round++)
        for (uint32_t pgno = 1; pgno <= 40; pgno++)
            CHECK(page_fill(bm_store(b), pgno) == 0); /* zero pages of a fresh file */
    /* b is below its share (16 / 2) until it took it from a; then each evicts its own */
    printf("fair share: a %llu, b %llu pages\n", (unsigned long long)frames_of(a),
           (unsigned long long)frames_of(b));
    CHECK(frames_of(b) >= 8 && frames_of(a) <= 8);
    CHECK(frames_of(a) + frames_of(b) == 16 && bm_cache_peak(false) == 16);
    /* a's dirty pages went to the file on the way out: all still readable */
    for (uint32_t pgno = 1; pgno <= 40; pgno++)
        CHECK(page_fill(bm_store(a), pgno) == (int)pgno);
    CHECK(bm_cache_peak(false) == 16);

    /* lowering the budget at runtime gives back clean pages at once */
    CHECK_ERR(bm_flush_all(a), JET_errSuccess);
    bm_set_cache_budget(6);
    CHECK(bm_cache_in_use() <= 6);
    CHECK(page_fill(bm_store(b), 7) == 0 && bm_cache_in_use() <= 6);

    /* closing gives every unit back */
    bm_close(b);
    CHECK(bm_cache_in_use() == frames_of(a));
    bm_close(a);
    CHECK(bm_cache_in_use() == 0);
    dbfile_close(fa);
    dbfile_close(fb);
    bm_set_cache_budget(DEFAULT_BUDGET);
}

/* A cache full of committed pages whose log is not durable yet: a miss forces the log past
 * them and writes them, never evicting one early (write-ahead), never passing the budget. */
static void test_no_steal_makes_room(void)
{
    bm_set_cache_budget(8);
    ese_dbfile *db = new_db("nosteal.edb", 64);
    CHECK(db != NULL);
    if (!db)
        return;
    fake_log log = {0};
    bm_log_hooks hooks = {&log, fake_durable, fake_make_durable, fake_fail};
    ese_bufmgr *bm = NULL;
    CHECK_ERR(bm_open(db, &hooks, &bm), JET_errSuccess);
    ese_pagestore *store = bm_store(bm);
    bm_cache_peak(true);
    uint64_t position = 100;
    for (uint32_t pgno = 1; pgno <= 40; pgno += 2) {
        /* one commit of two pages (4 units with their before-images) */
        bm_batch_begin(bm);
        CHECK_ERR(put_page(store, pgno, (uint8_t)pgno), JET_errSuccess);
        CHECK_ERR(put_page(store, pgno + 1, (uint8_t)(pgno + 1)), JET_errSuccess);
        const bm_changed_page *pages;
        size_t count;
        CHECK_ERR(bm_batch_end(bm, &pages, &count), JET_errSuccess);
        CHECK(count == 2);
        bm_batch_logged(bm, position, position + 50);
        position += 100;
        /* the log is never durable past this commit until the buffer manager asks */
        CHECK(log.durable < position - 50);
    }
    CHECK(log.flushes > 0);                      /* eviction forced the log */
    CHECK(bm_cache_peak(false) <= 8);
    bm_stats stats;
    bm_get_stats(bm, &stats);
    CHECK(stats.writes >= 30 && stats.evictions >= 30);
    for (uint32_t pgno = 1; pgno <= 40; pgno++)
        CHECK(page_fill(store, pgno) == (int)pgno);
    CHECK(log.failures_reported == 0);
    bm_close(bm);
    dbfile_close(db);
    bm_set_cache_budget(DEFAULT_BUDGET);
}

/* Allocation failures while the cache grows: JET_errOutOfMemory, no unit kept. */
static void test_alloc_faults(void)
{
    bm_set_cache_budget(100);
    ese_dbfile *db = new_db("oom.edb", 80);
    CHECK(db != NULL);
    if (!db)
        return;
    ese_bufmgr *bm = NULL;
    CHECK_ERR(bm_open(db, NULL, &bm), JET_errSuccess);
    ese_pagestore *store = bm_store(bm);
    ese_page_ref ref;
    /* the frame, then its page buffer */
    for (uint64_t nth = 1; nth <= 2; nth++) {
        fault_arm(FAULT_ALLOC, nth, FAULT_AS_EIO);
        CHECK_ERR(store->ops->read(store, 1, &ref), JET_errOutOfMemory);
        fault_reset();
        CHECK(bm_cache_in_use() == 0 && frames_of(bm) == 0);
    }
    /* the frame table (64 entries at first) growing for the 65th page */
    for (uint32_t pgno = 1; pgno <= 64; pgno++)
        CHECK(page_fill(store, pgno) == 0);
    fault_arm(FAULT_ALLOC, 1, FAULT_AS_EIO);
    CHECK_ERR(store->ops->read(store, 65, &ref), JET_errOutOfMemory);
    fault_reset();
    CHECK(bm_cache_in_use() == 64);
    CHECK(page_fill(store, 65) == 0 && bm_cache_in_use() == 65);
    /* a before-image that cannot be allocated fails the change, keeps nothing */
    bm_batch_begin(bm);
    fault_arm(FAULT_ALLOC, 1, FAULT_AS_EIO);
    CHECK_ERR(put_page(store, 2, 0x22), JET_errOutOfMemory);
    fault_reset();
    CHECK(bm_cache_in_use() == 65);
    CHECK_ERR(put_page(store, 2, 0x22), JET_errSuccess);
    CHECK(bm_cache_in_use() == 66);
    bm_batch_discard(bm);
    CHECK(bm_cache_in_use() == 65 && page_fill(store, 2) == 0);
    bm_close(bm);
    dbfile_close(db);
    bm_set_cache_budget(DEFAULT_BUDGET);
}

/* A page write failing while evicting: the miss gets the I/O error and the fail hook is told
 * (the engine kills the log with it); the page stays dirty in the cache. */
static void test_evict_write_fault(void)
{
    bm_set_cache_budget(4);
    ese_dbfile *db = new_db("evictfail.edb", 16);
    CHECK(db != NULL);
    if (!db)
        return;
    fake_log log = {0};
    bm_log_hooks hooks = {&log, fake_durable, fake_make_durable, fake_fail};
    ese_bufmgr *bm = NULL;
    CHECK_ERR(bm_open(db, &hooks, &bm), JET_errSuccess);
    ese_pagestore *store = bm_store(bm);
    for (uint32_t pgno = 1; pgno <= 4; pgno++)
        CHECK_ERR(put_page(store, pgno, (uint8_t)pgno), JET_errSuccess); /* 4 dirty pages */
    fault_arm(FAULT_WRITE, 1, FAULT_AS_EIO);
    JET_ERR err = page_fill(store, 9) < 0 ? JET_errDiskIO : JET_errSuccess;
    ese_page_ref ref;
    CHECK(err == JET_errDiskIO);
    fault_arm(FAULT_WRITE, 1, FAULT_AS_EIO);
    err = store->ops->read(store, 9, &ref);
    fault_reset();
    CHECK(err < 0 && err != JET_errOutOfBuffers);
    CHECK(log.failures_reported == 2);
    CHECK(bm_cache_in_use() == 4);
    for (uint32_t pgno = 1; pgno <= 4; pgno++)
        CHECK(page_fill(store, pgno) == (int)pgno); /* nothing lost from the cache */
    bm_close(bm);
    dbfile_close(db);
    bm_set_cache_budget(DEFAULT_BUDGET);
}

/* ---- through the Jet API ------------------------------------------------------------------- */


static JET_COLUMNID g_id, g_blob;

static JET_ERR start_instance(const char *folder, const char *name, JET_INSTANCE *pinst)
{
    char cmd[600];
    *pinst = 0;
    JET_ERR err = JetCreateInstance2W(pinst, W(name), NULL, 0);
    const ESE_ULONG paths[] = {JET_paramSystemPath, JET_paramLogFilePath, JET_paramTempPath};
    snprintf(cmd, sizeof cmd, "%s/", folder);
    for (size_t i = 0; i < 3 && err >= 0; i++)
        err = JetSetSystemParameterW(pinst, 0, paths[i], 0, W(cmd));
    if (err >= 0)
        err = JetSetSystemParameterW(pinst, 0, JET_paramLogFileSize, 1024, NULL);
    if (err >= 0)
        err = JetInit3W(pinst, NULL, 0);
    return err;
}

static JET_ERR create_table(JET_SESID ses, JET_DBID dbid)
{
    static const char *const names[] = {"Id", "Blob"};
    static const JET_COLTYP types[] = {JET_coltypLong, JET_coltypLongBinary};
    JET_TABLEID table;
    JET_COLUMNID ids[2];
    JET_ERR err = support_create_table(ses, dbid, "T", 2, names, types, 0, &table, ids);
    if (err >= 0) {
        g_id = ids[0];
        g_blob = ids[1];
        err = JetCloseTable(ses, table);
    }
    return err;
}

#define BLOB 6000 /* a long value of two pages */

static JET_ERR insert_row(JET_SESID ses, JET_TABLEID tab, int32_t id)
{
    static __thread uint8_t blob[BLOB];
    memset(blob, id & 0xFF, sizeof blob);
    JET_ERR err = JetPrepareUpdate(ses, tab, JET_prepInsert);
    if (err >= 0)
        err = JetSetColumn(ses, tab, g_id, &id, 4, 0, NULL);
    if (err >= 0)
        err = JetSetColumn(ses, tab, g_blob, blob, sizeof blob, 0, NULL);
    if (err >= 0)
        err = JetUpdate(ses, tab, NULL, 0, NULL);
    if (err < 0)
        JetPrepareUpdate(ses, tab, JET_prepCancel);
    return err;
}

/* Rows of the table, each checked to hold its own long value; -1 on any error. */
static int count_rows(JET_SESID ses, JET_TABLEID tab)
{
    static uint8_t buf[BLOB + 16];
    int n = 0;
    JET_ERR err = JetMove(ses, tab, (ESE_LONG)JET_MoveFirst, 0);
    for (; err >= 0; err = JetMove(ses, tab, JET_MoveNext, 0)) {
        int32_t id = 0;
        ESE_ULONG cb = 0;
        if (JetRetrieveColumn(ses, tab, g_id, &id, 4, &cb, 0, NULL) < 0 ||
            JetRetrieveColumn(ses, tab, g_blob, buf, sizeof buf, &cb, 0, NULL) < 0 ||
            cb != BLOB || buf[0] != (uint8_t)(id & 0xFF) || buf[BLOB - 1] != buf[0])
            return -1;
        n++;
    }
    return err == JET_errNoCurrentRecord ? n : -1;
}

typedef struct {
    JET_INSTANCE inst;
    const char *db_path;
    int32_t first_id;
    int rows;
    int per_trx;
    JET_ERR err; /* the first failure */
} loader;

static void *load(void *p)
{
    loader *l = p;
    JET_SESID ses = 0;
    JET_DBID dbid = 0;
    JET_TABLEID tab = 0;
    JET_ERR err = JetBeginSessionW(l->inst, &ses, NULL, NULL);
    if (err >= 0)
        err = JetOpenDatabaseW(ses, W(l->db_path), NULL, &dbid, 0);
    if (err >= 0)
        err = JetOpenTableW(ses, dbid, W("T"), NULL, 0, 0, &tab);
    for (int i = 0; i < l->rows && err >= 0; i += l->per_trx) {
        err = JetBeginTransaction(ses);
        for (int j = 0; j < l->per_trx && err >= 0; j++)
            err = insert_row(ses, tab, l->first_id + i + j);
        err = err >= 0 ? JetCommitTransaction(ses, JET_bitCommitLazyFlush) : err;
        if (err < 0)
            JetRollback(ses, 0);
    }
    l->err = err;
    if (ses)
        JetEndSession(ses, 0);
    return NULL;
}

/* Four sessions (two per database) load ten times the cache in small transactions; meanwhile
 * the number of cached pages never passes the budget, and every row reads back. */
static void test_load_ten_times_the_cache(void)
{
    enum { CACHE = 128, THREADS = 4, ROWS = 240 }; /* 4 x 240 x 6000 B = 10.9 x 512 KiB */
    char folder[300], paths[2][340];
    snprintf(folder, sizeof folder, "%s/load", g_root);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", folder, folder);
    CHECK(system(cmd) == 0);
    /* the parameter is what sets the budget */
    CHECK_ERR(JetSetSystemParameterW(NULL, 0, JET_paramCacheSizeMax, CACHE, NULL), JET_errSuccess);
    CHECK(bm_cache_budget() == CACHE);
    JET_INSTANCE inst;
    CHECK_ERR(start_instance(folder, "cache-load", &inst), JET_errSuccess);
    JET_SESID ses;
    CHECK_ERR(JetBeginSessionW(inst, &ses, NULL, NULL), JET_errSuccess);
    for (int d = 0; d < 2; d++) {
        snprintf(paths[d], sizeof paths[d], "%s/db%d.edb", folder, d);
        JET_DBID dbid;
        CHECK_ERR(JetCreateDatabase2W(ses, W(paths[d]), 0, &dbid, 0), JET_errSuccess);
        CHECK_ERR(create_table(ses, dbid), JET_errSuccess);
        CHECK_ERR(JetCloseDatabase(ses, dbid, 0), JET_errSuccess);
    }
    bm_cache_peak(true);
    pthread_t threads[THREADS];
    loader loaders[THREADS];
    for (int t = 0; t < THREADS; t++) {
        loaders[t] = (loader){inst, paths[t % 2], (int32_t)(t * 100000), ROWS, 4, 0};
        CHECK(pthread_create(&threads[t], NULL, load, &loaders[t]) == 0);
    }
    for (int t = 0; t < THREADS; t++) {
        pthread_join(threads[t], NULL);
        CHECK_ERR(loaders[t].err, JET_errSuccess);
    }
    uint64_t peak = bm_cache_peak(false);
    printf("load: %d rows of %d B into a cache of %d pages, peak %llu pages\n", THREADS * ROWS,
           BLOB, CACHE, (unsigned long long)peak);
    CHECK(peak <= CACHE);
    CHECK(peak >= CACHE / 2); /* the cache was used, not bypassed */
    for (int d = 0; d < 2; d++) {
        JET_DBID dbid;
        JET_TABLEID tab;
        CHECK_ERR(JetOpenDatabaseW(ses, W(paths[d]), NULL, &dbid, 0), JET_errSuccess);
        CHECK_ERR(JetOpenTableW(ses, dbid, W("T"), NULL, 0, 0, &tab), JET_errSuccess);
        CHECK(count_rows(ses, tab) == 2 * ROWS);
        CHECK_ERR(JetCloseTable(ses, tab), JET_errSuccess);
    }
    CHECK(bm_cache_peak(false) <= CACHE);

    /* lowered at runtime: the cache shrinks to it and stays there */
    CHECK_ERR(JetSetSystemParameterW(&inst, 0, JET_paramCacheSizeMax, 48, NULL), JET_errSuccess);
    CHECK(bm_cache_budget() == 48);
    loader more = {inst, paths[0], 900000, 40, 2, 0};
    load(&more);
    CHECK_ERR(more.err, JET_errSuccess);
    CHECK(bm_cache_in_use() <= 48);
    /* the write-set limit follows: a quarter of 48 pages is 12, three rows of 4 do not fit */
    JET_DBID dbid;
    JET_TABLEID tab;
    CHECK_ERR(JetOpenDatabaseW(ses, W(paths[1]), NULL, &dbid, 0), JET_errSuccess);
    CHECK_ERR(JetOpenTableW(ses, dbid, W("T"), NULL, 0, 0, &tab), JET_errSuccess);
    CHECK_ERR(JetBeginTransaction(ses), JET_errSuccess);
    JET_ERR err = JET_errSuccess;
    int staged = 0;
    for (int32_t id = 800000; id < 800010 && err >= 0; id++)
        if ((err = insert_row(ses, tab, id)) >= 0)
            staged++;
    CHECK_ERR(err, JET_errVersionStoreOutOfMemory);
    CHECK(staged >= 1 && staged <= 3);
    CHECK_ERR(JetRollback(ses, 0), JET_errSuccess);
    CHECK_ERR(JetEndSession(ses, 0), JET_errSuccess);
    CHECK_ERR(JetTerm2(inst, 0), JET_errSuccess);
    CHECK(bm_cache_in_use() == 0);
    CHECK_ERR(JetSetSystemParameterW(NULL, 0, JET_paramCacheSizeMax, DEFAULT_BUDGET, NULL),
              JET_errSuccess);
    CHECK(bm_cache_budget() == DEFAULT_BUDGET);
}

/* A page write failing while a commit evicts: the commit fails, the instance is unavailable
 * (as after a failed log write), and after a restart every earlier commit is there. */
static void test_evict_write_fault_instance(void)
{
    char folder[300], path[340];
    snprintf(folder, sizeof folder, "%s/evictfault", g_root);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", folder, folder);
    CHECK(system(cmd) == 0);
    snprintf(path, sizeof path, "%s/t.edb", folder);
    CHECK_ERR(JetSetSystemParameterW(NULL, 0, JET_paramCacheSizeMax, 64, NULL), JET_errSuccess);
    checkpointer_set_background(false); /* page writes come from eviction alone */
    JET_INSTANCE inst;
    CHECK_ERR(start_instance(folder, "cache-fault", &inst), JET_errSuccess);
    JET_SESID ses;
    JET_DBID dbid;
    JET_TABLEID tab;
    CHECK_ERR(JetBeginSessionW(inst, &ses, NULL, NULL), JET_errSuccess);
    CHECK_ERR(JetCreateDatabase2W(ses, W(path), 0, &dbid, 0), JET_errSuccess);
    CHECK_ERR(create_table(ses, dbid), JET_errSuccess);
    CHECK_ERR(JetOpenTableW(ses, dbid, W("T"), NULL, 0, 0, &tab), JET_errSuccess);
    /* Every commit is lazy with the next write armed to fail, then made durable unarmed:
     * so when a commit starts, every dirty page is durable in the log, and a lazy commit
     * writes nothing to the log (its buffer holds it): the first write it makes is the
     * eviction of a dirty page, once the cache is full of them. */
    int committed = 0;
    JET_ERR err = JET_errSuccess;
    for (int32_t id = 1; id <= 200 && err >= 0; id++) {
        CHECK_ERR(JetBeginTransaction(ses), JET_errSuccess);
        err = insert_row(ses, tab, id);
        fault_arm(FAULT_WRITE, 1, FAULT_AS_EIO);
        if (err >= 0)
            err = JetCommitTransaction(ses, JET_bitCommitLazyFlush);
        fault_reset();
        if (err >= 0) {
            committed++;
            /* outside a transaction: waits for every commit so far, commits nothing */
            CHECK_ERR(JetCommitTransaction(ses, JET_bitWaitAllLevel0Commit), JET_errSuccess);
        } else {
            JetRollback(ses, 0);
        }
    }
    printf("eviction write fault: %d commits, then %d\n", committed, (int)err);
    /* the cache filled and a dirty page had to go: the page write's error, not the log's */
    CHECK(err == JET_errDiskIO && committed > 10);
    CHECK_ERR(JetBeginTransaction(ses), JET_errInstanceUnavailable);
    JetTerm2(inst, 0); /* its error is JetTerm's business (the log is dead) */
    checkpointer_set_background(true);
    CHECK_ERR(JetSetSystemParameterW(NULL, 0, JET_paramCacheSizeMax, DEFAULT_BUDGET, NULL),
              JET_errSuccess);

    /* redo brings back every commit that returned success, and nothing of the failed one */
    CHECK_ERR(start_instance(folder, "cache-fault-2", &inst), JET_errSuccess);
    CHECK_ERR(JetBeginSessionW(inst, &ses, NULL, NULL), JET_errSuccess);
    CHECK_ERR(JetAttachDatabase2W(ses, W(path), 0, 0), JET_errSuccess);
    CHECK_ERR(JetOpenDatabaseW(ses, W(path), NULL, &dbid, 0), JET_errSuccess);
    CHECK_ERR(JetOpenTableW(ses, dbid, W("T"), NULL, 0, 0, &tab), JET_errSuccess);
    CHECK(count_rows(ses, tab) == committed);
    CHECK_ERR(JetTerm2(inst, 0), JET_errSuccess);
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(g_root, sizeof g_root, "%s/cache-budget-%d", tmp ? tmp : "/tmp", (int)getpid());
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", g_root, g_root);
    if (system(cmd) != 0)
        return 1;
    test_shared_budget_and_fair_share();
    test_no_steal_makes_room();
    test_alloc_faults();
    test_evict_write_fault();
    test_load_ten_times_the_cache();
    test_evict_write_fault_instance();
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_root);
    if (system(cmd) != 0)
        perror("cleanup");
    return check_summary();
}
