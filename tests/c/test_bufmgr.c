/*
 * test_bufmgr.c -- the buffer manager: dbtime stamping, change batches, the write-ahead rule,
 * no-steal, eviction under a small cache, before-images on a discarded batch, the backup range
 * lock, read verification and single-bit repair, and redo of page images.
 * Built and run by ci/sanitize with the libese and eseformat sources.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bufmgr.h"
#include "check.h"
#include "support.h"

#define PAGE 8192u

static char g_folder[256];

/* A fake log: "durable" is a number the test controls. */
typedef struct {
    uint64_t durable;
    int flushes;
    JET_ERR fail_with;
} fake_log;

static uint64_t fake_durable(void *ctx)
{
    return ((fake_log *)ctx)->durable;
}

static JET_ERR fake_make_durable(void *ctx, uint64_t position)
{
    fake_log *log = ctx;
    if (log->fail_with)
        return log->fail_with;
    log->flushes++;
    if (position > log->durable)
        log->durable = position;
    return JET_errSuccess;
}

static ese_dbfile *new_db(const char *name, uint32_t pages)
{
    return support_new_dbfile(g_folder, name, PAGE, pages);
}

static JET_ERR put_page(ese_pagestore *store, uint32_t pgno, uint8_t fill)
{
    return support_put_page(store, pgno, fill, PAGE);
}

static int page_fill(ese_pagestore *store, uint32_t pgno)
{
    return support_page_fill(store, pgno);
}

static void test_batch_and_write_ahead(void)
{
    ese_dbfile *db = new_db("wal.edb", 16);
    fake_log log = {0};
    bm_log_hooks hooks = {&log, fake_durable, fake_make_durable, NULL};
    ese_bufmgr *bm = NULL;
    CHECK_ERR(bm_open(db, &hooks, &bm), JET_errSuccess);
    ese_pagestore *store = bm_store(bm);

    bm_batch_begin(bm);
    CHECK_ERR(put_page(store, 3, 0x33), JET_errSuccess);
    CHECK_ERR(put_page(store, 5, 0x55), JET_errSuccess);
    CHECK_ERR(put_page(store, 3, 0x34), JET_errSuccess); /* same page twice: listed once */
    const bm_changed_page *pages;
    size_t count = 0;
    CHECK_ERR(bm_batch_end(bm, &pages, &count), JET_errSuccess);
    CHECK(count == 2);
    CHECK(count == 2 && pages[0].pgno == 3 && pages[1].pgno == 5);
    CHECK(count == 2 && pages[0].dbtime == 3 && pages[1].dbtime == 2); /* stamped per release */
    CHECK(bm_dbtime(bm) == 3);
    bm_batch_logged(bm, 100, 200);
    CHECK(bm_oldest_dirty_position(bm) == 100);

    /* The write-ahead rule: flushing forces the log to the commit's end first. */
    log.fail_with = JET_errLogWriteFail;
    CHECK_ERR(bm_flush_all(bm), JET_errLogWriteFail);
    uint8_t *disk = calloc(1, PAGE);
    CHECK_ERR(dbfile_read_page(db, 3, disk), JET_errSuccess);
    CHECK(disk[ESE_PGHDR_SIZE + 100] == 0); /* nothing reached the file */
    log.fail_with = 0;
    CHECK_ERR(bm_flush_all(bm), JET_errSuccess);
    CHECK(log.durable >= 200 && log.flushes >= 1);
    CHECK_ERR(dbfile_read_page(db, 3, disk), JET_errSuccess);
    CHECK(disk[ESE_PGHDR_SIZE + 100] == 0x34);
    ese_page_check check;
    CHECK(ese_page_verify(disk, PAGE, 3, &check) == ESE_PAGE_OK); /* checksummed on the way */
    CHECK(bm_oldest_dirty_position(bm) == UINT64_MAX);
    free(disk);
    bm_close(bm);
    dbfile_close(db);
}

static void test_no_steal_and_eviction(void)
{
    ese_dbfile *db = new_db("evict.edb", 64);
    ese_bufmgr *bm = NULL;
    CHECK_ERR(bm_open(db, NULL, &bm), JET_errSuccess); /* no log: Recovery off */
    ese_pagestore *store = bm_store(bm);
    bm_set_cache_budget(4);

    for (uint32_t pgno = 1; pgno <= 40; pgno++)
        CHECK_ERR(put_page(store, pgno, (uint8_t)pgno), JET_errSuccess);
    for (uint32_t pgno = 1; pgno <= 40; pgno++)
        CHECK(page_fill(store, pgno) == (int)pgno); /* evicted pages come back from the file */
    bm_stats stats;
    bm_get_stats(bm, &stats);
    CHECK(stats.frames <= 4 && stats.evictions > 0 && stats.writes > 0);

    /* Pages of an open batch cannot be evicted, and each keeps a before-image that takes a
     * unit of the budget too: two pages changed by the batch hold all four units, so a third
     * change, or reading any other page, finds no buffer. */
    bm_batch_begin(bm);
    for (uint32_t pgno = 1; pgno <= 2; pgno++)
        CHECK_ERR(put_page(store, pgno, 0xEE), JET_errSuccess);
    CHECK(bm_cache_in_use() == 4);
    CHECK_ERR(put_page(store, 3, 0xEE), JET_errOutOfBuffers);
    ese_page_ref ref;
    CHECK_ERR(store->ops->read(store, 30, &ref), JET_errOutOfBuffers);
    /* a failed commit discards the batch: the pages are as before, the before-images freed */
    bm_batch_discard(bm);
    CHECK(bm_cache_in_use() == 2);
    for (uint32_t pgno = 1; pgno <= 4; pgno++)
        CHECK(page_fill(store, pgno) == (int)pgno);
    CHECK(page_fill(store, 30) == 30);
    bm_set_cache_budget(2000000000u);
    bm_close(bm);
    dbfile_close(db);
}

typedef struct {
    ese_bufmgr *bm;
    int done; /* read and written with __atomic builtins */
} flusher_arg;

static void *flusher(void *p)
{
    flusher_arg *arg = p;
    bm_flush_all(arg->bm);
    __atomic_store_n(&arg->done, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

static void test_range_lock(void)
{
    ese_dbfile *db = new_db("range.edb", 16);
    ese_bufmgr *bm = NULL;
    CHECK_ERR(bm_open(db, NULL, &bm), JET_errSuccess);
    CHECK_ERR(put_page(bm_store(bm), 7, 0x77), JET_errSuccess);
    bm_range_lock(bm, 5, 9);
    flusher_arg arg = {bm, 0};
    pthread_t thread;
    pthread_create(&thread, NULL, flusher, &arg);
    struct timespec pause = {0, 100 * 1000 * 1000};
    nanosleep(&pause, NULL);
    CHECK(__atomic_load_n(&arg.done, __ATOMIC_SEQ_CST) == 0); /* waits for the backup's range */
    uint8_t *disk = calloc(1, PAGE);
    CHECK_ERR(dbfile_read_page(db, 7, disk), JET_errSuccess);
    CHECK(disk[ESE_PGHDR_SIZE + 100] == 0);
    bm_range_unlock(bm);
    pthread_join(thread, NULL);
    CHECK(__atomic_load_n(&arg.done, __ATOMIC_SEQ_CST) == 1);
    CHECK_ERR(dbfile_read_page(db, 7, disk), JET_errSuccess);
    CHECK(disk[ESE_PGHDR_SIZE + 100] == 0x77);
    free(disk);
    bm_close(bm);
    dbfile_close(db);
}

static void test_verify_and_redo(void)
{
    ese_dbfile *db = new_db("verify.edb", 16);
    ese_bufmgr *bm = NULL;
    CHECK_ERR(bm_open(db, NULL, &bm), JET_errSuccess);
    CHECK_ERR(put_page(bm_store(bm), 2, 0x22), JET_errSuccess);
    CHECK_ERR(put_page(bm_store(bm), 4, 0x44), JET_errSuccess);
    CHECK_ERR(bm_flush_all(bm), JET_errSuccess);
    bm_close(bm);

    uint8_t *page = calloc(1, PAGE), *image = calloc(1, PAGE);
    CHECK_ERR(dbfile_read_page(db, 2, page), JET_errSuccess);
    memcpy(image, page, PAGE);
    ese_flip_bit(page, 5000); /* one bit: repaired on read */
    CHECK_ERR(dbfile_write_page(db, 2, page), JET_errSuccess);
    CHECK_ERR(dbfile_read_page(db, 4, page), JET_errSuccess);
    ese_flip_bit(page, 5000);
    ese_flip_bit(page, 9000); /* two bits: a read verify failure */
    CHECK_ERR(dbfile_write_page(db, 4, page), JET_errSuccess);

    CHECK_ERR(bm_open(db, NULL, &bm), JET_errSuccess);
    CHECK(page_fill(bm_store(bm), 2) == 0x22);
    ese_page_ref ref;
    CHECK_ERR(bm_store(bm)->ops->read(bm_store(bm), 4, &ref), JET_errReadVerifyFailure);

    /* redo: a torn page takes the logged image; an older image never overwrites a newer page */
    uint64_t good_dbtime = ese_load_u64(image + ESE_PGHDR_OFF_DBTIME_DIRTIED);
    memset(image + ESE_PGHDR_SIZE, 0x45, 64);
    ese_store_u64(image + ESE_PGHDR_OFF_DBTIME_DIRTIED, good_dbtime + 10);
    bool applied = false;
    CHECK_ERR(bm_redo_image(bm, 4, good_dbtime + 10, image, &applied), JET_errSuccess);
    CHECK(applied && page_fill(bm_store(bm), 4) == 0x22); /* the image's body is page 2's */
    ese_store_u64(image + ESE_PGHDR_OFF_DBTIME_DIRTIED, 0);
    memset(image + ESE_PGHDR_SIZE, 0x99, PAGE - ESE_PGHDR_SIZE);
    CHECK_ERR(bm_redo_image(bm, 2, 0, image, &applied), JET_errSuccess);
    CHECK(!applied && page_fill(bm_store(bm), 2) == 0x22); /* older than the page: ignored */
    /* redo past the end of the file grows it */
    CHECK_ERR(bm_redo_image(bm, 20, good_dbtime + 11, image, NULL), JET_errSuccess);
    CHECK(db->page_count >= 20);
    free(page);
    free(image);
    bm_close(bm);
    dbfile_close(db);
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(g_folder, sizeof g_folder, "%s/libese-bufmgr-XXXXXX", tmp ? tmp : "/tmp");
    if (!mkdtemp(g_folder))
        return 2;
    test_batch_and_write_ahead();
    test_no_steal_and_eviction();
    test_range_lock();
    test_verify_and_redo();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_folder);
    if (system(cmd) != 0)
        return 2;
    return check_summary();
}
