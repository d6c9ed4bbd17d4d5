/*
 * test_dbfile.c -- the database file layer: header and shadow, locking, pages, the libese mark.
 * Built and run by ci/sanitize with the libese and eseformat sources.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "dbfile.h"

static char g_folder[256];

static void path_of(char *out, size_t cb, const char *name)
{
    snprintf(out, cb, "%s/%s", g_folder, name);
}

static void test_create_and_reopen(uint32_t page_size)
{
    char path[300];
    path_of(path, sizeof path, "create.edb");
    unlink(path);
    ese_dbfile *db = NULL;
    CHECK_ERR(dbfile_create(path, page_size, 8, NULL, &db), JET_errSuccess);
    CHECK(db && db->page_count == 8 && db->created_by_libese);
    CHECK(dbfile_state(db) == ESE_DBSTATE_JUST_CREATED);
    /* a second creation of the same path fails: the file exists */
    ese_dbfile *again = NULL;
    CHECK_ERR(dbfile_create(path, page_size, 8, NULL, &again), JET_errDatabaseDuplicate);
    /* and a second open while it is open is refused: the lock holds */
    CHECK_ERR(dbfile_open(path, page_size, false, &again), JET_errFileAccessDenied);

    uint8_t *page = calloc(1, page_size), *back = calloc(1, page_size);
    memset(page, 0x5A, page_size);
    CHECK_ERR(dbfile_write_page(db, 3, page), JET_errSuccess);
    uint32_t first = 0;
    CHECK_ERR(dbfile_extend(db, 4, &first), JET_errSuccess);
    CHECK(first == 9 && db->page_count == 12);
    dbfile_set_state(db, ESE_DBSTATE_CLEAN_SHUTDOWN);
    dbfile_set_dbtime(db, 1234);
    dbfile_set_objid_last(db, 77);
    CHECK_ERR(dbfile_write_header(db), JET_errSuccess);
    dbfile_close(db);

    CHECK_ERR(dbfile_open(path, page_size, false, &db), JET_errSuccess);
    CHECK(db->page_count == 12 && dbfile_state(db) == ESE_DBSTATE_CLEAN_SHUTDOWN);
    CHECK(dbfile_dbtime(db) == 1234 && dbfile_objid_last(db) == 77);
    CHECK_ERR(dbfile_read_page(db, 3, back), JET_errSuccess);
    CHECK(memcmp(page, back, page_size) == 0);
    CHECK_ERR(dbfile_read_page(db, 100, back), JET_errSuccess); /* past the end: zeroes */
    CHECK(back[0] == 0 && back[page_size - 1] == 0);
    dbfile_close(db);

    /* the wrong page size is reported as such */
    uint32_t other = page_size == 8192 ? 4096 : 8192;
    CHECK_ERR(dbfile_open(path, other, false, &db), JET_errPageSizeMismatch);

    /* a torn primary header falls back to the shadow */
    FILE *f = fopen(path, "r+b");
    fseek(f, 100, SEEK_SET);
    fputc(0xAB, f);
    fclose(f);
    CHECK_ERR(dbfile_open(path, page_size, false, &db), JET_errSuccess);
    CHECK(db && dbfile_dbtime(db) == 1234);
    dbfile_close(db);

    /* both copies damaged: corrupt */
    f = fopen(path, "r+b");
    fseek(f, (long)page_size + 100, SEEK_SET);
    fputc(0xAB, f);
    fclose(f);
    CHECK_ERR(dbfile_open(path, page_size, false, &db), JET_errDatabaseCorrupted);
    free(page);
    free(back);
    unlink(path);
}

static void test_foreign_database_is_read_only(void)
{
    const char *samples = getenv("ESE_SAMPLES");
    if (!samples) {
        printf("skipped: ESE_SAMPLES not set (foreign database check)\n");
        return;
    }
    char src[400], dst[300];
    snprintf(src, sizeof src, "%s/secedit-win11-22631.sdb", samples);
    path_of(dst, sizeof dst, "foreign.sdb");
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "cp '%s' '%s' && chmod u+w '%s'", src, dst, dst);
    CHECK(system(cmd) == 0);
    ese_dbfile *db = NULL;
    CHECK_ERR(dbfile_open(dst, 4096, false, &db), JET_errDatabaseFileReadOnly);
    CHECK_ERR(dbfile_open(dst, 4096, true, &db), JET_errSuccess);
    CHECK(db && !db->created_by_libese && dbfile_state(db) == ESE_DBSTATE_CLEAN_SHUTDOWN);
    uint8_t page[4096] = {0};
    CHECK_ERR(dbfile_write_page(db, 1, page), JET_errDatabaseFileReadOnly);
    dbfile_close(db);
    unlink(dst);
}

static void test_not_a_database(void)
{
    char path[300];
    path_of(path, sizeof path, "garbage.bin");
    FILE *f = fopen(path, "wb");
    for (int i = 0; i < 20000; i++)
        fputc(i & 0xFF, f);
    fclose(f);
    ese_dbfile *db = NULL;
    CHECK_ERR(dbfile_open(path, 4096, true, &db), JET_errDatabaseCorrupted);
    CHECK_ERR(dbfile_open("/nonexistent/x.edb", 4096, true, &db), JET_errFileNotFound);
    unlink(path);
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(g_folder, sizeof g_folder, "%s/libese-dbfile-XXXXXX", tmp ? tmp : "/tmp");
    if (!mkdtemp(g_folder))
        return 2;
    for (uint32_t size = 4096; size <= 32768; size *= 2)
        test_create_and_reopen(size);
    test_foreign_database_is_read_only();
    test_not_a_database();
    rmdir(g_folder);
    return check_summary();
}
