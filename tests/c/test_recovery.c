/*
 * test_recovery.c -- redo at JetInit (recovery.c): committed page images are replayed, images
 * of a commit whose record never reached the log are not, a torn page is repaired from its
 * image, replay is idempotent, corruption in the middle of the log stops recovery with ESENT's
 * error, and the database comes out consistent with a checkpoint at the end of the log.
 * Built and run by ci/sanitize with the libese and eseformat sources.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "checkpoint.h"
#include "fault.h"
#include "database.h"
#include "dbfile.h"
#include "log.h"
#include "recovery.h"

#define PAGE 8192u

static char g_folder[256], g_db[300];

/* A page of the database as the file holds it, changed and given a newer dbtime. */
static void changed_page(uint32_t pgno, uint64_t dbtime, uint8_t fill, uint8_t *out)
{
    ese_dbfile *file = NULL;
    CHECK_ERR(dbfile_open(g_db, PAGE, true, &file), JET_errSuccess);
    CHECK_ERR(dbfile_read_page(file, pgno, out), JET_errSuccess);
    dbfile_close(file);
    memset(out + PAGE - 1000, fill, 500); /* inside the free area: still a valid page */
    ese_store_u64(out + ESE_PGHDR_OFF_DBTIME_DIRTIED, dbtime);
}

static uint8_t byte_on_disk(uint32_t pgno)
{
    ese_dbfile *file = NULL;
    uint8_t *page = malloc(PAGE), value;
    CHECK_ERR(dbfile_open(g_db, PAGE, true, &file), JET_errSuccess);
    CHECK_ERR(dbfile_read_page(file, pgno, page), JET_errSuccess);
    value = page[PAGE - 1000];
    ese_page_check check;
    CHECK(ese_page_verify(page, PAGE, pgno, &check) == ESE_PAGE_OK);
    CHECK(dbfile_state(file) == ESE_DBSTATE_CLEAN_SHUTDOWN);
    dbfile_close(file);
    free(page);
    return value;
}

static ese_log *open_log(void)
{
    log_config config;
    memset(&config, 0, sizeof config);
    config.folder = g_folder;
    config.base_name = "edb";
    config.file_size_kib = 256;
    config.page_size = PAGE;
    ese_log *log = NULL;
    CHECK_ERR(log_open(&config, &log), JET_errSuccess);
    return log;
}

static void test_redo(void)
{
    ese_database *db = NULL;
    CHECK_ERR(db_create(g_db, PAGE, &db), JET_errSuccess);
    CHECK_ERR(db_close(db), JET_errSuccess);
    recovery_config config = {g_folder, g_folder, "edb", PAGE};
    recovery_stats stats;
    CHECK_ERR(recovery_run(&config, &stats), JET_errSuccess);
    CHECK(!stats.had_logs); /* a fresh folder: nothing to do */

    ese_log *log = open_log();
    ese_signature sign_db;
    memset(&sign_db, 0, sizeof sign_db);
    CHECK_ERR(log_append_database_ref(log, LOG_REC_ATTACH_DB, 1, 0, &sign_db, g_db, NULL),
              JET_errSuccess);
    uint8_t *image = malloc(PAGE);
    /* commit 1: pages 5 and 6 */
    changed_page(5, 1000, 0xA5, image);
    CHECK_ERR(log_append_page_image(log, 1, 5, 1000, image, PAGE, NULL, NULL), JET_errSuccess);
    changed_page(6, 1001, 0xA6, image);
    CHECK_ERR(log_append_page_image(log, 1, 6, 1001, image, PAGE, NULL, NULL), JET_errSuccess);
    log_lsn end = 0;
    CHECK_ERR(log_append_commit(log, 1, &end), JET_errSuccess);
    /* commit 2 never gets its commit record: page 7 must stay as it is */
    changed_page(7, 1002, 0xA7, image);
    CHECK_ERR(log_append_page_image(log, 1, 7, 1002, image, PAGE, NULL, &end), JET_errSuccess);
    CHECK_ERR(log_flush(log, end), JET_errSuccess);
    log_abandon(log); /* the crash */

    /* a torn write of page 5 on disk: recovery must repair it from the image */
    FILE *f = fopen(g_db, "r+b");
    fseek(f, (long)(6 * PAGE + 100), SEEK_SET);
    fputc(0x5A, f);
    fputc(0x5A, f);
    fclose(f);

    CHECK_ERR(recovery_run(&config, &stats), JET_errSuccess);
    CHECK(stats.had_logs && !stats.clean_end);
    CHECK(stats.commits == 1 && stats.images_applied == 2 && stats.images_dropped == 1);
    CHECK(byte_on_disk(5) == 0xA5 && byte_on_disk(6) == 0xA6);
    CHECK(byte_on_disk(7) != 0xA7);
    checkpoint_data checkpoint;
    char *chk = NULL;
    CHECK_ERR(checkpoint_path(g_folder, "edb", &chk), JET_errSuccess);
    CHECK_ERR(checkpoint_read(chk, NULL, &checkpoint, NULL), JET_errSuccess);
    CHECK(checkpoint.checkpoint == stats.end);

    /* idempotent: from an older checkpoint the same images are written again (equal dbtime:
     * bufmgr.c re-applies them, which is what repairs an undetected torn write) and the pages
     * hold the same bytes */
    memset(&checkpoint.checkpoint, 0, sizeof checkpoint.checkpoint);
    CHECK_ERR(checkpoint_write(chk, &checkpoint), JET_errSuccess);
    CHECK_ERR(recovery_run(&config, &stats), JET_errSuccess);
    CHECK(stats.commits == 1 && stats.images_applied == 2 && stats.images_skipped == 0);
    CHECK(byte_on_disk(5) == 0xA5);

    /* the database opens cleanly through the database layer afterwards */
    CHECK_ERR(db_open(g_db, PAGE, false, &db), JET_errSuccess);
    char msg[256] = "";
    CHECK_ERR(db_check(db, msg, sizeof msg), JET_errSuccess);
    CHECK_ERR(db_close(db), JET_errSuccess);
    osal_free(chk);
    free(image);
}

static void test_corruption_is_not_replayed(void)
{
    /* A flipped byte inside a closed generation's data: recovery stops with the reader's error
     * instead of applying anything from that block on. */
    char log_path[400];
    snprintf(log_path, sizeof log_path, "%s/edb.log", g_folder);
    ese_log *log = open_log();
    uint8_t *image = malloc(PAGE);
    changed_page(8, 5000, 0xA8, image);
    log_lsn start = 0, end = 0;
    CHECK_ERR(log_append_page_image(log, 1, 8, 5000, image, PAGE, &start, NULL), JET_errSuccess);
    CHECK_ERR(log_append_commit(log, 2, &end), JET_errSuccess);
    CHECK_ERR(log_flush(log, end), JET_errSuccess);
    int32_t rolled = 0;
    CHECK_ERR(log_roll(log, &rolled), JET_errSuccess); /* closes the generation holding it */
    CHECK_ERR(log_close(log), JET_errSuccess);
    char archive[400];
    snprintf(archive, sizeof archive, "%s/edb%05X.log", g_folder, (unsigned)log_lsn_generation(start));
    FILE *f = fopen(archive, "r+b");
    CHECK(f != NULL);
    if (f) {
        long at = (long)log_lsn_isec(start) * 4096 + 2000;
        fseek(f, at, SEEK_SET);
        int c = fgetc(f);
        fseek(f, at, SEEK_SET);
        fputc(c ^ 0x40, f);
        fclose(f);
    }
    recovery_config config = {g_folder, g_folder, "edb", PAGE};
    recovery_stats stats;
    JET_ERR err = recovery_run(&config, &stats);
    CHECK(err == JET_errLogFileCorrupt);
    CHECK(byte_on_disk(8) != 0xA8);
    free(image);
}


/* A folder of its own under g_folder (emptied first). */
static void sub_folder(const char *name, char *out, size_t cb)
{
    snprintf(out, cb, "%s/%s", g_folder, name);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", out, out);
    CHECK(system(cmd) == 0);
}

static ese_log *open_log_in(const char *folder)
{
    log_config config;
    memset(&config, 0, sizeof config);
    config.folder = folder;
    config.base_name = "edb";
    config.file_size_kib = 256;
    config.page_size = PAGE;
    ese_log *log = NULL;
    CHECK_ERR(log_open(&config, &log), JET_errSuccess);
    return log;
}

static bool exists(const char *path)
{
    return access(path, F_OK) == 0;
}

/* Bug: a first JetInit that failed while creating <base>.chk left it zero-length, and every
 * later JetInit failed with JET_errCheckpointCorrupt.  A checkpoint that was never completely
 * written counts as absent, and a new one is never visible before it is whole. */
static void test_unwritten_checkpoint(void)
{
    char folder[300], chk[400], tmp[420];
    sub_folder("chk", folder, sizeof folder);
    snprintf(chk, sizeof chk, "%s/edb.chk", folder);
    snprintf(tmp, sizeof tmp, "%s/edb.chk.tmp", folder);
    ese_log *log = open_log_in(folder);
    log_lsn end = 0;
    CHECK_ERR(log_append(log, LOG_REC_NOP, "x", 1, &end), JET_errSuccess);
    CHECK_ERR(log_close(log), JET_errSuccess);
    recovery_config config = {folder, folder, "edb", PAGE};
    recovery_stats stats;
    checkpoint_data data;

    /* zero length, and all zeros: absent */
    FILE *f = fopen(chk, "wb");
    fclose(f);
    CHECK_ERR(checkpoint_read(chk, NULL, &data, NULL), JET_errCheckpointFileNotFound);
    CHECK_ERR(recovery_run(&config, &stats), JET_errSuccess);
    CHECK(stats.had_logs && stats.end != 0);
    CHECK_ERR(checkpoint_read(chk, NULL, &data, NULL), JET_errSuccess);
    CHECK(data.checkpoint == stats.end);
    f = fopen(chk, "wb");
    static const uint8_t zeros[CHECKPOINT_FILE_SIZE];
    fwrite(zeros, 1, sizeof zeros, f);
    fclose(f);
    CHECK_ERR(checkpoint_read(chk, NULL, &data, NULL), JET_errCheckpointFileNotFound);
    CHECK_ERR(recovery_run(&config, &stats), JET_errSuccess);
    /* damage is still damage */
    f = fopen(chk, "wb");
    fputs("not a checkpoint", f);
    fclose(f);
    CHECK_ERR(checkpoint_read(chk, NULL, &data, NULL), JET_errCheckpointCorrupt);
    CHECK_ERR(recovery_run(&config, &stats), JET_errCheckpointCorrupt);

    /* Creating a checkpoint: each allocation, read, write and fsync failing in turn leaves no
     * <base>.chk (or a whole one, when only the folder fsync failed) and no temporary file
     * after the next successful write. */
    static const fault_kind kinds[] = {FAULT_ALLOC, FAULT_READ, FAULT_WRITE, FAULT_FSYNC};
    memset(&data, 0, sizeof data);
    data.checkpoint = LOG_LSN(1, 1, 40);
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        for (uint64_t n = 1; n < 20; n++) {
            unlink(chk);
            fault_reset();
            fault_arm(kinds[k], n, FAULT_AS_EIO);
            JET_ERR err = checkpoint_write(chk, &data);
            fault_reset();
            if (err == JET_errSuccess)
                break;
            checkpoint_data back;
            JET_ERR read = checkpoint_read(chk, NULL, &back, NULL);
            CHECK(read == JET_errCheckpointFileNotFound ||
                  (read == JET_errSuccess && back.checkpoint == data.checkpoint));
            CHECK_ERR(recovery_run(&config, &stats), JET_errSuccess); /* never -533 */
            unlink(chk);
            CHECK_ERR(checkpoint_write(chk, &data), JET_errSuccess);
            CHECK(!exists(tmp));
        }
    }
}

/* Bug: a database attached in the log and left dirty (a commit or a close that failed) but
 * touched by no replayed commit was never opened by recovery, so it stayed dirty and
 * JetAttachDatabase2 refused it (-550).  Every database attached and not detached in the
 * replayed log comes out clean, with lgposConsistent at the end of the log. */
static void test_dirty_database_without_commits(void)
{
    char folder[300], db_path[400];
    sub_folder("dirty", folder, sizeof folder);
    snprintf(db_path, sizeof db_path, "%s/dirty.edb", folder);
    ese_database *db = NULL;
    CHECK_ERR(db_create(db_path, PAGE, &db), JET_errSuccess);
    CHECK_ERR(db_close(db), JET_errSuccess);
    ese_log *log = open_log_in(folder);
    ese_dbfile *file = NULL;
    CHECK_ERR(dbfile_open(db_path, PAGE, false, &file), JET_errSuccess);
    ese_signature sign_db;
    dbfile_sign_db(file, &sign_db);
    dbfile_set_state(file, ESE_DBSTATE_DIRTY_SHUTDOWN); /* attached: dirty from now on */
    CHECK_ERR(dbfile_write_header(file), JET_errSuccess);
    dbfile_close(file);
    log_lsn end = 0;
    CHECK_ERR(log_append_database_ref(log, LOG_REC_ATTACH_DB, 3, 0, &sign_db, db_path, &end),
              JET_errSuccess);
    /* a commit's images whose commit record never came (the log write failed) */
    uint8_t *image = calloc(1, PAGE);
    CHECK_ERR(log_append_page_image(log, 3, 9, 1 << 20, image, PAGE, NULL, &end),
              JET_errSuccess);
    CHECK_ERR(log_flush(log, end), JET_errSuccess);
    log_abandon(log);
    free(image);

    recovery_config config = {folder, folder, "edb", PAGE};
    recovery_stats stats;
    CHECK_ERR(recovery_run(&config, &stats), JET_errSuccess);
    CHECK(stats.commits == 0 && stats.images_dropped == 1 && stats.databases_closed == 1);
    CHECK_ERR(dbfile_open(db_path, PAGE, true, &file), JET_errSuccess);
    CHECK(dbfile_state(file) == ESE_DBSTATE_CLEAN_SHUTDOWN);
    ese_lgpos consistent;
    ese_lgpos_load(file->header + ESE_DBHDR_OFF_LGPOS_CONSISTENT, &consistent);
    CHECK(log_lsn_from_lgpos(&consistent) == stats.end);
    CHECK(ese_logtime_is_set(file->header + ESE_DBHDR_OFF_LOGTIME_CONSISTENT));
    dbfile_close(file);
    CHECK_ERR(db_open(db_path, PAGE, false, &db), JET_errSuccess);
    CHECK_ERR(db_close(db), JET_errSuccess);

    /* a database the log attached whose file is gone and which needs no redo: skipped */
    char gone[400];
    snprintf(gone, sizeof gone, "%s/gone.edb", folder);
    log = open_log_in(folder);
    CHECK_ERR(log_append_database_ref(log, LOG_REC_ATTACH_DB, 4, 0, &sign_db, gone, &end),
              JET_errSuccess);
    CHECK_ERR(log_flush(log, end), JET_errSuccess);
    log_abandon(log);
    CHECK_ERR(recovery_run(&config, &stats), JET_errSuccess);
    CHECK(!exists(gone));
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(g_folder, sizeof g_folder, "%s/libese-recovery-XXXXXX", tmp ? tmp : "/tmp");
    if (!mkdtemp(g_folder))
        return 2;
    snprintf(g_db, sizeof g_db, "%s/redo.edb", g_folder);
    test_redo();
    test_corruption_is_not_replayed();
    test_unwritten_checkpoint();
    test_dirty_database_without_commits();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_folder);
    if (system(cmd) != 0)
        return 2;
    return check_summary();
}
