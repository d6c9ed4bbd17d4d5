/*
 * test_restore.c -- hard recovery through the Jet API (api_restore.c, restore.c): a database
 * streamed by the backup API (JetOpenFileInstanceW / JetReadFileInstance) and its logs are
 * restored with JetExternalRestore2W into a clean database a fresh instance attaches, holding
 * exactly the committed rows; rows committed while the copy ran (a fuzzy copy) come back; a
 * full backup plus an incremental; every validation error of ese-backup-facts.md §5.3-§5.4;
 * corrupt and foreign logs; the log folder continuing the sequence; fault injection of every
 * allocation, read, write and fsync of a restore (an ESENT error, never a file that attaches
 * with wrong rows, and a retry that succeeds); JetBackupInstanceW and JetRestoreInstanceW.
 * Built and run by ci/sanitize with every libese and eseformat source.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "checkpointer.h"
#include "esent.h"
#include "eseformat.h"
#include "fault.h"
#include "support.h"

#define PAGE 4096u
#define VALUE_SIZE SUPPORT_VALUE_SIZE

static char g_root[256];

/* ---- small helpers ------------------------------------------------------------------------------ */

static void make_dir(const char *p)
{
    mkdir(p, 0700);
}

static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    CHECK(in && out);
    if (!in || !out) {
        if (in)
            fclose(in);
        if (out)
            fclose(out);
        return;
    }
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        fwrite(buf, 1, n, out);
    fclose(in);
    fclose(out);
}

static void copy_folder(const char *from, const char *to)
{
    make_dir(to);
    DIR *d = opendir(from);
    CHECK(d != NULL);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char a[1024], b[1024];
        support_path(a, sizeof a, from, e->d_name);
        support_path(b, sizeof b, to, e->d_name);
        copy_file(a, b);
    }
    closedir(d);
}

/* Read / patch bytes of a file in place. */
static void read_at(const char *p, long offset, void *buf, size_t cb)
{
    int fd = open(p, O_RDONLY);
    CHECK(fd >= 0 && pread(fd, buf, cb, offset) == (ssize_t)cb);
    if (fd >= 0)
        close(fd);
}

static void write_at(const char *p, long offset, const void *buf, size_t cb)
{
    int fd = open(p, O_WRONLY);
    CHECK(fd >= 0 && pwrite(fd, buf, cb, offset) == (ssize_t)cb);
    if (fd >= 0)
        close(fd);
}

/* ---- an instance with one table ------------------------------------------------------------------ */

typedef struct {
    JET_INSTANCE inst;
    JET_SESID ses;
    JET_DBID dbid;
    JET_TABLEID table;
    JET_COLUMNID col_id, col_value;
    char folder[300];
    char db[400];
} env;

static char g_last_instance_name[64];

static JET_ERR create_instance(const char *folder, JET_INSTANCE *pinst)
{
    static int n;
    char *name = g_last_instance_name;
    snprintf(name, sizeof g_last_instance_name, "restore-test-%d", n++);
    char slash[320];
    snprintf(slash, sizeof slash, "%s/", folder);
    char temp[340]; /* two instances may run at once: each its own temp path */
    snprintf(temp, sizeof temp, "%s/tmp.edb", folder);
    return support_new_instance(pinst, name, slash, temp, 64);
}

static JET_ERR start_instance(const char *folder, JET_INSTANCE *pinst)
{
    JET_ERR err = create_instance(folder, pinst);
    if (err == JET_errSuccess)
        err = JetInit3W(pinst, NULL, 0);
    return err;
}

static void open_env(env *e, const char *name)
{
    memset(e, 0, sizeof *e);
    support_fresh_dir(e->folder, sizeof e->folder, g_root, name);
    support_path(e->db, sizeof e->db, e->folder, "data.edb");
    CHECK_ERR(start_instance(e->folder, &e->inst), JET_errSuccess);
    CHECK_ERR(JetBeginSessionW(e->inst, &e->ses, NULL, NULL), JET_errSuccess);
    CHECK_ERR(JetCreateDatabase2W(e->ses, W(e->db), 0, &e->dbid, 0), JET_errSuccess);
    static const char *const names[2] = {"id", "value"};
    static const JET_COLTYP types[2] = {JET_coltypLong, JET_coltypLongBinary};
    JET_COLUMNID ids[2] = {0, 0};
    CHECK_ERR(support_create_table(e->ses, e->dbid, "t", 2, names, types, JET_bitColumnNotNULL,
                                   &e->table, ids),
              JET_errSuccess);
    e->col_id = ids[0];
    e->col_value = ids[1];
}

static void close_env(env *e)
{
    if (!e->inst)
        return;
    JetCloseTable(e->ses, e->table);
    JetEndSession(e->ses, 0);
    CHECK_ERR(JetTerm2(e->inst, JET_bitTermComplete), JET_errSuccess);
    e->inst = 0;
}

static void insert(env *e, int32_t id)
{
    uint8_t value[VALUE_SIZE];
    support_fill_value(value, id);
    CHECK_ERR(JetPrepareUpdate(e->ses, e->table, JET_prepInsert), JET_errSuccess);
    CHECK_ERR(JetSetColumn(e->ses, e->table, e->col_id, &id, sizeof id, 0, NULL), JET_errSuccess);
    CHECK_ERR(JetSetColumn(e->ses, e->table, e->col_value, value, sizeof value, 0, NULL),
              JET_errSuccess);
    CHECK_ERR(JetUpdate(e->ses, e->table, NULL, 0, NULL), JET_errSuccess);
}

/* Rows first..last-1, each with insert(). */
static void insert_rows(env *e, int32_t first, int32_t last)
{
    for (int32_t id = first; id < last; id++)
        insert(e, id);
}

/* Attach `db` in a fresh instance (its own folder) and read every row: *pcount rows, ids
 * 0..count-1 each with its own value; -1 when the attach fails (*perr says why). */
static int rows_of(const char *db, JET_ERR *perr)
{
    static int n;
    char folder[320], name[32];
    snprintf(name, sizeof name, "reader-%d", n++);
    support_fresh_dir(folder, sizeof folder, g_root, name);
    JET_INSTANCE inst = 0;
    JET_SESID ses = 0;
    JET_DBID dbid = 0;
    JET_TABLEID table = 0;
    int count = -1;
    JET_ERR err = start_instance(folder, &inst);
    if (err == JET_errSuccess)
        err = JetBeginSessionW(inst, &ses, NULL, NULL);
    if (err == JET_errSuccess)
        err = support_open_table(ses, db, true, &dbid, "t", &table);
    if (err == JET_errSuccess) {
        JET_COLUMNID col_id = 0, col_value = 0;
        support_column_id(ses, table, "id", &col_id);
        support_column_id(ses, table, "value", &col_value);
        count = 0;
        JET_ERR move = JetMove(ses, table, JET_MoveFirst, 0);
        while (move == JET_errSuccess) {
            int32_t id = -1;
            uint8_t value[VALUE_SIZE + 10];
            ESE_ULONG cb = 0;
            CHECK_ERR(JetRetrieveColumn(ses, table, col_id, &id, sizeof id, &cb, 0, NULL),
                      JET_errSuccess);
            CHECK_ERR(JetRetrieveColumn(ses, table, col_value, value, sizeof value, &cb, 0, NULL),
                      JET_errSuccess);
            bool good = id == count && support_value_ok(value, cb, id);
            CHECK(good);
            if (!good)
                fprintf(stderr, "  row %d: id %d, %u bytes\n", count, id, (unsigned)cb);
            count++;
            move = JetMove(ses, table, JET_MoveNext, 0);
        }
        CHECK_ERR(move, JET_errNoCurrentRecord);
        JetCloseTable(ses, table);
        JetCloseDatabase(ses, dbid, 0);
        JetDetachDatabase2W(ses, W(db), 0);
    }
    if (ses)
        JetEndSession(ses, 0);
    if (inst)
        JetTerm2(inst, JET_bitTermComplete);
    support_remove_tree(folder);
    if (perr)
        *perr = err;
    return count;
}

/* ---- the streaming backup ------------------------------------------------------------------------- */

typedef struct {
    char db_name[400];     /* as JetGetAttachInfoInstanceW named it (the rstmap's original) */
    JET_LOGINFO_W loginfo;
} backup_result;

typedef void (*during_copy_fn)(env *e, int chunk);

/* A full (or incremental) streaming backup of e's database into `dest_db` (full only) and its
 * logs into `log_dest`. */
static void stream_backup(env *e, bool incremental, bool truncate_done, const char *dest_db,
                          const char *log_dest, during_copy_fn during, backup_result *out)
{
    memset(out, 0, sizeof *out);
    make_dir(log_dest);
    CHECK_ERR(JetBeginExternalBackupInstance(e->inst, incremental ? JET_bitBackupIncremental : 0),
              JET_errSuccess);
    uint8_t *buf = NULL;
    CHECK(posix_memalign((void **)&buf, 4096, 16 * PAGE) == 0);
    if (!incremental) {
        WCHAR names[1024];
        ESE_ULONG cb = 0;
        CHECK_ERR(JetGetAttachInfoInstanceW(e->inst, names, sizeof names, &cb), JET_errSuccess);
        support_narrow(names, out->db_name, sizeof out->db_name);
        JET_HANDLE hf = 99;
        ESE_ULONG low = 0, high = 0;
        CHECK_ERR(JetOpenFileInstanceW(e->inst, names, &hf, &low, &high), JET_errSuccess);
        FILE *f = fopen(dest_db, "wb");
        CHECK(f != NULL);
        ESE_ULONG got = 0;
        int chunk = 0;
        uint64_t total = 0;
        do {
            CHECK_ERR(JetReadFileInstance(e->inst, hf, buf, 16 * PAGE, &got), JET_errSuccess);
            if (f && got)
                fwrite(buf, 1, got, f);
            total += got;
            if (during && got)
                during(e, chunk++);
        } while (got);
        CHECK(total == ((uint64_t)high << 32 | low));
        if (f)
            fclose(f);
        CHECK_ERR(JetCloseFileInstance(e->inst, hf), JET_errSuccess);
    }
    WCHAR logs[8192];
    ESE_ULONG cb = 0;
    out->loginfo.cbSize = sizeof out->loginfo;
    CHECK_ERR(JetGetLogInfoInstance2W(e->inst, logs, sizeof logs, &cb, &out->loginfo),
              JET_errSuccess);
    char src[600];
    for (const WCHAR *p = logs; support_next_name(&p, src, sizeof src);) {
        const char *base = strrchr(src, '/');
        char dst[800];
        support_path(dst, sizeof dst, log_dest, base ? base + 1 : src);
        copy_file(src, dst);
    }
    /* TruncateDone: a "full" backup in the header's bkinfoFullPrev (facts §4.4), which an
     * incremental backup needs; without it the backup is a copy backup. */
    CHECK_ERR(JetEndExternalBackupInstance2(e->inst, JET_bitBackupEndNormal |
                                                         (truncate_done ? JET_bitBackupTruncateDone : 0)),
              JET_errSuccess);
    free(buf);
}

/* ---- restore ------------------------------------------------------------------------------------ */

typedef struct {
    int begin, progress, complete, other;
    uint32_t last_done;
    bool bad_args;
} status_log;

static status_log g_status;

static JET_ERR JET_API status_cb(JET_SESID sesid, JET_SNP snp, JET_SNT snt, void *pv)
{
    const JET_SNPROG *prog = pv;
    if (sesid != JET_sesidNil || snp != JET_snpRestore || !prog ||
        prog->cbStruct != sizeof *prog || prog->cunitTotal != 100 ||
        prog->cunitDone < g_status.last_done)
        g_status.bad_args = true;
    if (prog)
        g_status.last_done = prog->cunitDone;
    if (snt == JET_sntBegin)
        g_status.begin++;
    else if (snt == JET_sntProgress)
        g_status.progress++;
    else if (snt == JET_sntComplete)
        g_status.complete++;
    else
        g_status.other++;
    return JET_errSuccess;
}

static JET_ERR JET_API failing_cb(JET_SESID sesid, JET_SNP snp, JET_SNT snt, void *pv)
{
    (void)sesid, (void)snp, (void)snt, (void)pv;
    return JET_errOutOfMemory; /* ESENT ignores what the callback returns */
}

static JET_ERR restore2(const char *backup_logs, const char *original, const char *copy,
                        const JET_LOGINFO_W *loginfo, const char *log_path, JET_PFNSTATUS pfn)
{
    char chk[400];
    support_path(chk, sizeof chk, g_root, "restore-chk");
    return support_external_restore(chk, backup_logs, original, copy, loginfo, log_path, pfn);
}

/* A backup set made once and copied afresh for each test that damages it. */
typedef struct {
    char folder[300];      /* the set: data.edb (the stream) and logs/ */
    char db_stream[400];
    char logs[400];
    backup_result result;
    int rows;              /* committed before the backup */
} backup_set;

static backup_set g_set;

static void make_backup_set(void)
{
    env e;
    open_env(&e, "source");
    insert_rows(&e, 0, 40);
    support_fresh_dir(g_set.folder, sizeof g_set.folder, g_root, "set");
    support_path(g_set.db_stream, sizeof g_set.db_stream, g_set.folder, "data.edb");
    support_path(g_set.logs, sizeof g_set.logs, g_set.folder, "logs");
    stream_backup(&e, false, false, g_set.db_stream, g_set.logs, NULL, &g_set.result);
    g_set.rows = 40;
    insert_rows(&e, 40, 45); /* after the backup: not in it */
    close_env(&e);
    CHECK(g_set.result.loginfo.ulGenHigh > g_set.result.loginfo.ulGenLow);
}

/* An empty folder <root>/<name> (in folder, 300 bytes) for a backup: db names its copy.edb and
 * logs its logs folder (400 bytes each). */
static void backup_dir(const char *name, char folder[300], char db[400], char logs[400])
{
    support_fresh_dir(folder, 300, g_root, name);
    support_path(db, 400, folder, "copy.edb");
    support_path(logs, 400, folder, "logs");
}

/* open_env(e, name) with rows 0..rows-1, then a full streaming backup of it (TruncateDone when
 * truncate_done; `during` runs between the database's reads) into the fresh <root>/<name>-set:
 * folder, db and logs name its parts, *r is what the backup returned. */
static void env_with_backup(env *e, const char *name, int rows, bool truncate_done,
                            during_copy_fn during, char folder[300], char db[400],
                            char logs[400], backup_result *r)
{
    open_env(e, name);
    insert_rows(e, 0, rows);
    char set[64];
    snprintf(set, sizeof set, "%s-set", name);
    backup_dir(set, folder, db, logs);
    stream_backup(e, false, truncate_done, db, logs, during, r);
}

/* A fresh copy of the backup set in <root>/<name>: db and logs name its parts. */
static void fresh_set(const char *name, char db[400], char logs[400])
{
    char folder[300];
    backup_dir(name, folder, db, logs);
    copy_file(g_set.db_stream, db);
    copy_folder(g_set.logs, logs);
}

static void log_name(const char *logs, uint32_t gen, char *out, size_t cb)
{
    char name[32];
    snprintf(name, sizeof name, "edb%05X.log", gen);
    support_path(out, cb, logs, name);
}

/* ---- tests --------------------------------------------------------------------------------------- */

static void test_full_restore(void)
{
    char db[400], logs[400];
    fresh_set("full", db, logs);
    long streamed = support_file_size(db);
    memset(&g_status, 0, sizeof g_status);
    CHECK_ERR(restore2(logs, g_set.result.db_name, db, &g_set.result.loginfo, NULL, status_cb),
              JET_errSuccess);
    CHECK(g_status.begin == 1 && g_status.complete == 1 && g_status.other == 0);
    CHECK(g_status.progress >= 1 && !g_status.bad_args && g_status.last_done == 100);
    CHECK(support_file_size(db) == streamed - (long)PAGE); /* the trailer is gone */
    uint8_t header[PAGE];
    read_at(db, 0, header, PAGE);
    CHECK(ese_header_verify(header, PAGE));
    CHECK(ese_load_u32(header + ESE_DBHDR_OFF_DBSTATE) == ESE_DBSTATE_CLEAN_SHUTDOWN);
    ese_bkinfo cur;
    ese_bkinfo_load(header + ESE_DBHDR_OFF_BKINFO_FULL_CUR, &cur);
    CHECK(cur.gen_low == g_set.result.loginfo.ulGenLow);
    CHECK(cur.gen_high == g_set.result.loginfo.ulGenHigh);
    ese_lgpos consistent;
    ese_lgpos_load(header + ESE_DBHDR_OFF_LGPOS_CONSISTENT, &consistent);
    CHECK(consistent.generation == (int32_t)g_set.result.loginfo.ulGenHigh);
    JET_ERR err;
    CHECK(rows_of(db, &err) == g_set.rows);
    CHECK_ERR(err, JET_errSuccess);

    /* Restoring the restored file again is harmless (its header carries the range now). */
    CHECK_ERR(restore2(logs, g_set.result.db_name, db, &g_set.result.loginfo, NULL, failing_cb),
              JET_errSuccess);
    CHECK(rows_of(db, NULL) == g_set.rows);
}

static void test_validation_errors(void)
{
    char db[400], logs[400], lg[500];
    const JET_LOGINFO_W *li = &g_set.result.loginfo;
    const char *orig = g_set.result.db_name;
    uint8_t page[PAGE];

    /* A database that is not a backup copy (a clean database file). */
    fresh_set("e-nonbackup", db, logs);
    CHECK_ERR(restore2(logs, orig, db, li, NULL, NULL), JET_errSuccess);
    CHECK_ERR(restore2(logs, orig, db, li, NULL, NULL), JET_errSuccess);
    read_at(db, 0, page, PAGE);
    memset(page + ESE_DBHDR_OFF_BKINFO_FULL_CUR, 0, ESE_BKINFO_SIZE);
    ese_header_stamp(page, PAGE);
    write_at(db, 0, page, PAGE);
    write_at(db, PAGE, page, PAGE);
    CHECK_ERR(restore2(logs, orig, db, li, NULL, NULL), JET_errRestoreOfNonBackupDatabase);

    /* Not a database header; another page size; a database esent.dll made. */
    fresh_set("e-header", db, logs);
    uint8_t saved_header[PAGE];
    read_at(db, 0, saved_header, PAGE);
    memset(page, 0x11, PAGE);
    write_at(db, 0, page, PAGE);
    write_at(db, PAGE, page, PAGE);
    CHECK_ERR(restore2(logs, orig, db, li, NULL, NULL), JET_errDatabaseCorrupted);
    memcpy(page, saved_header, PAGE);
    ese_store_u32(page + ESE_DBHDR_OFF_PAGE_SIZE, 8192);
    write_at(db, 0, page, PAGE);
    CHECK_ERR(restore2(logs, orig, db, li, NULL, NULL), JET_errPageSizeMismatch);
    memcpy(page, saved_header, PAGE);
    memset(page + ESE_DBHDR_OFF_SIGN_DB + 12, 0, 16); /* no "libese" computer name */
    ese_header_stamp(page, PAGE);
    write_at(db, 0, page, PAGE);
    write_at(db, PAGE, page, PAGE);
    CHECK_ERR(restore2(logs, orig, db, li, NULL, NULL), JET_errDatabaseFileReadOnly);
    /* the header names other logs */
    memcpy(page, saved_header, PAGE);
    page[ESE_DBHDR_OFF_SIGN_LOG] ^= 1;
    ese_header_stamp(page, PAGE);
    write_at(db, 0, page, PAGE);
    write_at(db, PAGE, page, PAGE);
    CHECK_ERR(restore2(logs, orig, db, li, NULL, NULL), JET_errDatabasePatchFileMismatch);
    /* the legacy form, with the generations as arguments */
    write_at(db, 0, saved_header, PAGE);
    write_at(db, PAGE, saved_header, PAGE);
    {
        WCHAR *w_orig = support_wdup(orig), *w_db = support_wdup(db), *w_logs = support_wdup(logs);
        JET_RSTMAP_W m = {w_orig, w_db};
        CHECK_ERR(JetExternalRestoreW(NULL, NULL, &m, 1, w_logs, (ESE_LONG)li->ulGenLow,
                                      (ESE_LONG)li->ulGenHigh, NULL),
                  JET_errSuccess);
        CHECK(rows_of(db, NULL) == g_set.rows);
        CHECK_ERR(JetExternalRestoreW(NULL, NULL, &m, 1, w_logs, -1, 2, NULL),
                  JET_errInvalidParameter);
        free(w_orig);
        free(w_db);
        free(w_logs);
    }
    /* generations 0, 0: the folder's range */
    fresh_set("e-detect", db, logs);
    JET_LOGINFO_W detect = *li;
    detect.ulGenLow = detect.ulGenHigh = 0;
    CHECK_ERR(restore2(logs, orig, db, &detect, NULL, NULL), JET_errSuccess);
    CHECK(rows_of(db, NULL) == g_set.rows);

    /* A trailer of another database, a trailer that names other logs, no trailer at all. */
    long size = 0;
    fresh_set("e-trailer", db, logs);
    size = support_file_size(db);
    read_at(db, size - PAGE, page, PAGE);
    CHECK(ese_header_verify(page, PAGE) && ese_page_is_patch_trailer(page, PAGE));
    page[ESE_PATCHHDR_OFF_SIGN_DB] ^= 1;
    ese_header_stamp(page, PAGE);
    write_at(db, size - PAGE, page, PAGE);
    CHECK_ERR(restore2(logs, orig, db, li, NULL, NULL), JET_errDatabasePatchFileMismatch);
    page[ESE_PATCHHDR_OFF_SIGN_DB] ^= 1;
    page[ESE_PATCHHDR_OFF_SIGN_LOG] ^= 1;
    ese_header_stamp(page, PAGE);
    write_at(db, size - PAGE, page, PAGE);
    CHECK_ERR(restore2(logs, orig, db, li, NULL, NULL), JET_errDatabasePatchFileMismatch);
    page[ESE_PATCHHDR_OFF_SIGN_LOG] ^= 1;
    page[ESE_PATCHHDR_OFF_BKINFO] ^= 1; /* lgposMark */
    ese_header_stamp(page, PAGE);
    write_at(db, size - PAGE, page, PAGE);
    CHECK_ERR(restore2(logs, orig, db, li, NULL, NULL), JET_errDatabasePatchFileMismatch);
    CHECK(truncate(db, size - PAGE) == 0);
    CHECK_ERR(restore2(logs, orig, db, li, NULL, NULL), JET_errDatabasePatchFileMismatch);
    /* nothing was changed by the failed attempts: the copy is still dirty */
    JET_ERR err;
    CHECK(rows_of(db, &err) == -1);
    CHECK_ERR(err, JET_errDatabaseDirtyShutdown);

    /* Ranges: the logs start after the copy's first generation / end before its last. */
    fresh_set("e-range", db, logs);
    JET_LOGINFO_W bad = *li;
    bad.ulGenLow = li->ulGenLow + 1;
    CHECK_ERR(restore2(logs, orig, db, &bad, NULL, NULL), JET_errStartingRestoreLogTooHigh);
    size = support_file_size(db);
    read_at(db, size - PAGE, page, PAGE);
    ese_bkinfo tb;
    ese_bkinfo_load(page + ESE_PATCHHDR_OFF_BKINFO, &tb);
    CHECK(tb.gen_low == li->ulGenLow && tb.gen_high >= tb.gen_low && tb.gen_high <= li->ulGenHigh);
    bad = *li;
    bad.ulGenHigh = tb.gen_high - 1;
    if (bad.ulGenHigh >= bad.ulGenLow)
        CHECK_ERR(restore2(logs, orig, db, &bad, NULL, NULL), JET_errEndingRestoreLogTooLow);
    /* a trailer whose genHigh is past the logs given */
    tb.gen_high = li->ulGenHigh + 1;
    ese_bkinfo_store(page + ESE_PATCHHDR_OFF_BKINFO, &tb);
    ese_header_stamp(page, PAGE);
    write_at(db, size - PAGE, page, PAGE);
    CHECK_ERR(restore2(logs, orig, db, li, NULL, NULL), JET_errEndingRestoreLogTooLow);

    /* Missing and foreign logs. */
    fresh_set("e-logs", db, logs);
    log_name(logs, li->ulGenLow + 1, lg, sizeof lg);
    char aside[520];
    snprintf(aside, sizeof aside, "%s.aside", lg);
    CHECK(rename(lg, aside) == 0);
    CHECK_ERR(restore2(logs, orig, db, li, NULL, NULL), JET_errFileNotFound);
    CHECK(rename(aside, lg) == 0);
    uint8_t hdr[4096];
    read_at(lg, 0, hdr, sizeof hdr);
    uint8_t saved[4096];
    memcpy(saved, hdr, sizeof hdr);
    hdr[ESE_LGHDR_OFF_SIGN_LOG] ^= 1; /* another log set's file */
    ese_header_stamp(hdr, sizeof hdr);
    write_at(lg, 0, hdr, sizeof hdr);
    CHECK_ERR(restore2(logs, orig, db, li, NULL, NULL), JET_errGivenLogFileHasBadSignature);
    memcpy(hdr, saved, sizeof hdr);
    hdr[ESE_LGHDR_OFF_LOGTIME_PREV_GEN] ^= 1; /* not the successor of the one before */
    ese_header_stamp(hdr, sizeof hdr);
    write_at(lg, 0, hdr, sizeof hdr);
    CHECK_ERR(restore2(logs, orig, db, li, NULL, NULL), JET_errGivenLogFileIsNotContiguous);
    memcpy(hdr, saved, sizeof hdr);
    ese_store_u32(hdr + ESE_LGHDR_OFF_VERSION_MAJOR, 8); /* an ESENT log */
    ese_header_stamp(hdr, sizeof hdr);
    write_at(lg, 0, hdr, sizeof hdr);
    CHECK_ERR(restore2(logs, orig, db, li, NULL, NULL), JET_errBadLogVersion);
    write_at(lg, 0, saved, sizeof saved);
    /* a damaged block in the middle of a backup log: never replayed */
    uint8_t seg[4096];
    read_at(lg, 4096, seg, sizeof seg);
    seg[100] ^= 0x5A; /* (two equal flips in one byte lane would cancel in ESE's checksum) */
    write_at(lg, 4096, seg, sizeof seg);
    CHECK_ERR(restore2(logs, orig, db, li, NULL, NULL), JET_errLogCorruptDuringHardRestore);
    CHECK(rows_of(db, &err) == -1); /* the header was already rewritten: dirty */
    CHECK_ERR(err, JET_errDatabaseDirtyShutdown);
    seg[100] ^= 0x5A;
    write_at(lg, 4096, seg, sizeof seg);
    CHECK_ERR(restore2(logs, orig, db, li, NULL, NULL), JET_errSuccess); /* the retry works */
    CHECK(rows_of(db, NULL) == g_set.rows);

    /* A map naming a database the logs never used. */
    fresh_set("e-map", db, logs);
    CHECK_ERR(restore2(logs, "/nowhere/other.edb", db, li, NULL, NULL),
              JET_errDatabaseLogSetMismatch);

    /* Arguments. */
    bad = *li;
    bad.cbSize = 16;
    CHECK_ERR(restore2(logs, orig, db, &bad, NULL, NULL), JET_errInvalidParameter);
    JET_RSTMAP_W map = {support_wdup(orig), support_wdup(db)};
    JET_LOGINFO_W info = *li;
    WCHAR *w_logs = support_wdup(logs), *w_x = support_wdup(g_root);
    CHECK_ERR(JetExternalRestore2W(NULL, NULL, &map, 1, w_logs, NULL, NULL, NULL, NULL, NULL),
              JET_errInvalidParameter);
    CHECK_ERR(JetExternalRestore2W(NULL, NULL, &map, -1, w_logs, &info, NULL, NULL, NULL, NULL),
              JET_errInvalidParameter);
    CHECK_ERR(JetExternalRestore2W(NULL, NULL, NULL, 1, w_logs, &info, NULL, NULL, NULL, NULL),
              JET_errInvalidParameter);
    CHECK_ERR(JetExternalRestore2W(NULL, NULL, &map, 1, w_logs, &info, w_x, w_x, w_x, NULL),
              JET_errInvalidParameter);
    CHECK_ERR(JetExternalRestore2W(NULL, NULL, &map, 1, w_logs, &info, NULL, w_x, NULL, NULL),
              JET_errInvalidParameter);
    CHECK_ERR(JetExternalRestore2W(NULL, NULL, &map, 1, w_logs, &info, (WCHAR *)W("nobody"),
                                   NULL, NULL, NULL),
              JET_errBadRestoreTargetInstance);
    info.szBaseName[1] = 0;
    CHECK_ERR(JetExternalRestore2W(NULL, NULL, &map, 1, w_logs, &info, NULL, NULL, NULL, NULL),
              JET_errInvalidParameter);
    free(map.szDatabaseName);
    free(map.szNewDatabaseName);
    free(w_logs);
    free(w_x);
}

/* Rows committed while the database is being read: the copy is fuzzy, the logs make it whole. */
static void insert_during_copy(env *e, int chunk)
{
    static int next;
    if (chunk == 0)
        next = 100;
    for (int i = 0; i < 3; i++)
        insert(e, 40 + (next++ - 100));
}

static void test_fuzzy_copy(void)
{
    env e;
    char folder[300], db[400], logs[400];
    backup_result r;
    env_with_backup(&e, "fuzzy", 40, false, insert_during_copy, folder, db, logs, &r);
    /* every row committed before GetLogInfo rolled the log is in the backup */
    int committed = support_count_rows(e.ses, e.table);
    CHECK(committed > 40);
    close_env(&e);
    CHECK_ERR(restore2(logs, r.db_name, db, &r.loginfo, NULL, NULL), JET_errSuccess);
    JET_ERR err;
    CHECK(rows_of(db, &err) == committed);
    CHECK_ERR(err, JET_errSuccess);
}

static void test_incremental(void)
{
    env e;
    char folder[300], db[400], logs[400], db2[400];
    backup_result full, inc;
    env_with_backup(&e, "incr", 30, true, NULL, folder, db, logs, &full);
    support_path(db2, sizeof db2, folder, "copy2.edb");
    insert_rows(&e, 30, 60);
    stream_backup(&e, true, true, NULL, logs, NULL, &inc); /* its logs join the full set's */
    CHECK(inc.loginfo.ulGenHigh > full.loginfo.ulGenHigh);
    insert_rows(&e, 60, 65);
    close_env(&e);
    copy_file(db, db2);

    /* full + incremental: the range of both */
    JET_LOGINFO_W both = full.loginfo;
    both.ulGenHigh = inc.loginfo.ulGenHigh;
    CHECK_ERR(restore2(logs, full.db_name, db, &both, NULL, NULL), JET_errSuccess);
    CHECK(rows_of(db, NULL) == 60);
    /* the full set's range only: later generations in the folder continue it */
    CHECK_ERR(restore2(logs, full.db_name, db2, &full.loginfo, NULL, NULL), JET_errSuccess);
    CHECK(rows_of(db2, NULL) == 60);
}

static void test_log_folder_continues(void)
{
    env e;
    char folder[300], db[400], logs[400];
    backup_result r;
    env_with_backup(&e, "cont", 20, false, NULL, folder, db, logs, &r);
    insert_rows(&e, 20, 35);
    close_env(&e);
    char db2[400];
    support_path(db2, sizeof db2, folder, "copy2.edb");
    copy_file(db, db2);
    /* the live log folder continues the backup's logs: the later rows come back too */
    CHECK_ERR(restore2(logs, r.db_name, db, &r.loginfo, e.folder, NULL), JET_errSuccess);
    CHECK(rows_of(db, NULL) == 35);
    /* a log folder of another log set is not replayed */
    char other[300];
    support_fresh_dir(other, sizeof other, g_root, "cont-other");
    JET_INSTANCE inst;
    CHECK_ERR(start_instance(other, &inst), JET_errSuccess);
    CHECK_ERR(JetTerm2(inst, JET_bitTermComplete), JET_errSuccess);
    CHECK_ERR(restore2(logs, r.db_name, db2, &r.loginfo, other, NULL), JET_errSuccess);
    CHECK(rows_of(db2, NULL) == 20);
}

/* Every allocation, read, write and fsync of a restore fails in turn: the error is ESENT's,
 * the file never attaches with other rows than the backup's, and a retry succeeds. */
static void test_fault_injection(void)
{
    static const struct {
        fault_kind kind;
        const char *name;
        JET_ERR allowed[4];
    } kinds[] = {
        {FAULT_ALLOC, "alloc", {JET_errOutOfMemory}},
        {FAULT_READ, "read", {JET_errDiskIO}},
        {FAULT_WRITE, "write", {JET_errDiskIO, JET_errDiskFull}},
        {FAULT_FSYNC, "fsync", {JET_errDiskIO}},
    };
    char db[400], logs[400];
    fresh_set("fault", db, logs);
    fault_reset();
    CHECK_ERR(restore2(logs, g_set.result.db_name, db, &g_set.result.loginfo, NULL, NULL),
              JET_errSuccess);
    uint64_t totals[FAULT_KIND_COUNT];
    for (int k = 0; k < FAULT_KIND_COUNT; k++)
        totals[k] = fault_count((fault_kind)k);
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        uint64_t total = totals[kinds[k].kind];
        uint64_t stride = total > 200 ? total / 150 : 1;
        int failures = 0, points = 0;
        for (uint64_t n = 1; n <= total + 1; n += (n < 40 || n + 40 > total) ? 1 : stride) {
            fresh_set("fault", db, logs);
            fault_reset();
            fault_arm(kinds[k].kind, n, FAULT_AS_EIO);
            JET_ERR err = restore2(logs, g_set.result.db_name, db, &g_set.result.loginfo, NULL,
                                   NULL);
            fault_reset();
            points++;
            if (err != JET_errSuccess) {
                failures++;
                bool allowed = false;
                for (size_t a = 0; a < 4 && kinds[k].allowed[a]; a++)
                    allowed = allowed || err == kinds[k].allowed[a];
                CHECK(allowed);
                if (!allowed)
                    fprintf(stderr, "  %s #%llu: error %d\n", kinds[k].name,
                            (unsigned long long)n, (int)err);
                /* never a file that attaches with rows other than the backup's */
                JET_ERR attach;
                int rows = rows_of(db, &attach);
                CHECK(rows == -1 || rows == g_set.rows);
                if (rows != -1 && rows != g_set.rows)
                    fprintf(stderr, "  %s #%llu: %d rows after a failed restore\n",
                            kinds[k].name, (unsigned long long)n, rows);
            }
            /* the retry succeeds and gives exactly the backup's rows */
            JET_ERR retry = restore2(logs, g_set.result.db_name, db, &g_set.result.loginfo, NULL,
                                     NULL);
            CHECK_ERR(retry, JET_errSuccess);
            int rows = rows_of(db, NULL);
            CHECK(rows == g_set.rows);
            if (retry != JET_errSuccess || rows != g_set.rows)
                fprintf(stderr, "  %s #%llu: retry %d, %d rows\n", kinds[k].name,
                        (unsigned long long)n, (int)retry, rows);
        }
        printf("  fault walk %s: %d points of %llu, %d failed the restore\n", kinds[k].name,
               points, (unsigned long long)total, failures);
        CHECK(failures >= points - 2); /* every point but the very last ones is on the path */
    }
}


static int count_files(const char *folder, const char *suffix, long *size_of_first)
{
    int n = 0;
    DIR *d = opendir(folder);
    if (!d)
        return -1;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name), s = strlen(suffix);
        if (len > s && strcmp(e->d_name + len - s, suffix) == 0) {
            if (n++ == 0 && size_of_first) {
                char p[800];
                support_path(p, sizeof p, folder, e->d_name);
                *size_of_first = support_file_size(p);
            }
        }
    }
    closedir(d);
    return n;
}

static void test_backup_and_restore_instance(void)
{
    env e;
    open_env(&e, "bi");
    insert_rows(&e, 0, 25);
    char dir[300], sub[400], dest[300];
    support_path(dir, sizeof dir, g_root, "bi-backup");
    support_remove_tree(dir);
    WCHAR *w_dir = support_wdup(dir);
    /* the folder is made only with JET_paramCreatePathIfNotExist */
    CHECK_ERR(JetBackupInstanceW(e.inst, w_dir, 0, NULL), JET_errInvalidPath);
    make_dir(dir);
    memset(&g_status, 0, sizeof g_status);
    CHECK_ERR(JetBackupInstanceW(e.inst, w_dir, 0, NULL), JET_errSuccess);
    long pat_size = -1;
    CHECK(count_files(dir, ".pat", &pat_size) == 1 && pat_size == 0);
    CHECK(count_files(dir, ".edb", NULL) == 1);
    CHECK(count_files(dir, ".log", NULL) >= 1);
    CHECK_ERR(JetBackupInstanceW(e.inst, w_dir, 0, NULL), JET_errBackupDirectoryNotEmpty);
    CHECK_ERR(JetBackupInstanceW(e.inst, NULL, 0, NULL), JET_errInvalidBackupSequence);
    insert_rows(&e, 25, 35);
    CHECK_ERR(JetBackupInstanceW(e.inst, w_dir, JET_bitBackupIncremental, NULL), JET_errSuccess);
    /* atomic: new\ holds the latest full backup, old\ goes once a new one is complete */
    char adir[300];
    support_fresh_dir(adir, sizeof adir, g_root, "bi-atomic");
    WCHAR *w_adir = support_wdup(adir);
    CHECK_ERR(JetBackupInstanceW(e.inst, w_adir, JET_bitBackupAtomic, NULL), JET_errSuccess);
    support_path(sub, sizeof sub, adir, "new");
    CHECK(count_files(sub, ".edb", NULL) == 1 && count_files(sub, ".pat", NULL) == 1);
    CHECK_ERR(JetBackupInstanceW(e.inst, w_adir, JET_bitBackupAtomic, NULL), JET_errSuccess);
    CHECK(count_files(sub, ".edb", NULL) == 1);
    support_path(sub, sizeof sub, adir, "old");
    CHECK(count_files(sub, ".edb", NULL) == -1); /* gone */
    support_path(sub, sizeof sub, adir, "temp");
    CHECK(count_files(sub, ".edb", NULL) == -1);
    insert_rows(&e, 35, 40);
    close_env(&e);

    /* JetRestoreInstanceW: into szDest, then the instance can be initialised */
    char folder[300];
    support_fresh_dir(folder, sizeof folder, g_root, "bi-restorer");
    support_fresh_dir(dest, sizeof dest, g_root, "bi-dest");
    JET_INSTANCE inst = 0;
    CHECK_ERR(create_instance(folder, &inst), JET_errSuccess);
    WCHAR *w_dest = support_wdup(dest);
    memset(&g_status, 0, sizeof g_status);
    CHECK_ERR(JetRestoreInstanceW(inst, w_dir, w_dest, status_cb), JET_errSuccess);
    CHECK(g_status.begin == 1 && g_status.complete == 1 && !g_status.bad_args);
    char restored[400];
    support_path(restored, sizeof restored, dest, "data.edb");
    CHECK(rows_of(restored, NULL) == 35); /* full + incremental */
    /* the atomic layout: found in new\ */
    support_remove_tree(dest);
    make_dir(dest);
    CHECK_ERR(JetRestoreInstanceW(inst, w_adir, w_dest, NULL), JET_errSuccess);
    CHECK(rows_of(restored, NULL) == 35);
    CHECK_ERR(JetInit3W(&inst, NULL, 0), JET_errSuccess);
    CHECK_ERR(JetRestoreInstanceW(inst, w_dir, w_dest, NULL), JET_errAlreadyInitialized);
    CHECK_ERR(JetTerm2(inst, JET_bitTermComplete), JET_errSuccess);

    /* a folder with no logs; logs without a patch file */
    char empty[300];
    support_fresh_dir(empty, sizeof empty, g_root, "bi-empty");
    WCHAR *w_empty = support_wdup(empty);
    CHECK_ERR(JetRestoreInstanceW(0, w_empty, w_dest, NULL), JET_errFileNotFound);
    copy_folder(g_set.logs, empty);
    CHECK_ERR(JetRestoreInstanceW(0, w_empty, w_dest, NULL), JET_errPatchFileMissing);
    free(w_empty);
    free(w_dir);
    free(w_adir);
    free(w_dest);
}

/* A running target instance: its log is rolled and replayed too (JET_wrnTargetInstanceRunning). */
static void test_running_target(void)
{
    env e;
    char folder[300], db[400], logs[400];
    backup_result r;
    env_with_backup(&e, "target", 15, false, NULL, folder, db, logs, &r);
    insert_rows(&e, 15, 25);
    WCHAR *w_orig = support_wdup(r.db_name), *w_db = support_wdup(db), *w_logs = support_wdup(logs);
    JET_RSTMAP_W map = {w_orig, w_db};
    JET_LOGINFO_W info = r.loginfo;
    CHECK_ERR(JetExternalRestore2W(NULL, NULL, &map, 1, w_logs, &info,
                                   (WCHAR *)W(g_last_instance_name), NULL, NULL, NULL),
              JET_wrnTargetInstanceRunning);
    insert(&e, 25); /* the target keeps running */
    close_env(&e);
    CHECK(rows_of(db, NULL) == 25);
    free(w_orig);
    free(w_db);
    free(w_logs);
}

/* JetBackupInstanceW (atomic) with each read of the backup failing in turn: an ESENT error, the
 * previous backup still restores (from old\ once new\ was moved there), and the next backup
 * works.  Reads only: a failed log write or fsync ends the instance's log by design. */
static void test_backup_instance_read_faults(void)
{
    env e;
    open_env(&e, "bif");
    insert_rows(&e, 0, 20);
    char adir[300], folder[300], dest[300], restored[400];
    support_fresh_dir(adir, sizeof adir, g_root, "bif-atomic");
    support_path(folder, sizeof folder, g_root, "bif-restorer");
    support_path(dest, sizeof dest, g_root, "bif-dest");
    support_path(restored, sizeof restored, dest, "data.edb");
    WCHAR *w_adir = support_wdup(adir), *w_dest = support_wdup(dest);
    CHECK_ERR(JetBackupInstanceW(e.inst, w_adir, JET_bitBackupAtomic, NULL), JET_errSuccess);
    fault_reset();
    CHECK_ERR(JetBackupInstanceW(e.inst, w_adir, JET_bitBackupAtomic, NULL), JET_errSuccess);
    uint64_t total = fault_count(FAULT_READ);
    int failures = 0, points = 0;
    /* about 60 points, spread over the whole call (each costs a backup, a restore, an attach) */
    uint64_t stride = total > 60 ? total / 60 : 1;
    for (uint64_t n = 1; n <= total; n += stride) {
        points++;
        fault_reset();
        fault_arm(FAULT_READ, n, FAULT_AS_EIO);
        JET_ERR err = JetBackupInstanceW(e.inst, w_adir, JET_bitBackupAtomic, NULL);
        fault_reset();
        if (err == JET_errSuccess)
            continue;
        failures++;
        CHECK(err < 0);
        char temp[400];
        support_path(temp, sizeof temp, adir, "temp");
        CHECK(count_files(temp, ".edb", NULL) == -1); /* temp\ never survives */
        support_remove_tree(folder);
        make_dir(folder);
        support_remove_tree(dest);
        make_dir(dest);
        JET_INSTANCE inst = 0;
        CHECK_ERR(create_instance(folder, &inst), JET_errSuccess);
        CHECK_ERR(JetRestoreInstanceW(inst, w_adir, w_dest, NULL), JET_errSuccess);
        JET_ERR attach = 0;
        int rows = rows_of(restored, &attach);
        CHECK(rows == 20);
        if (rows != 20)
            fprintf(stderr, "  read #%llu: backup %d, restored %d rows (%d)\n",
                    (unsigned long long)n, (int)err, rows, (int)attach);
        CHECK_ERR(JetTerm2(inst, 0), JET_errSuccess);
        /* the next backup works */
        CHECK_ERR(JetBackupInstanceW(e.inst, w_adir, JET_bitBackupAtomic, NULL), JET_errSuccess);
    }
    printf("  JetBackupInstanceW read walk: %d points of %llu reads, %d failed the backup\n",
           points, (unsigned long long)total, failures);
    CHECK(failures == points); /* every read of the call is needed */
    close_env(&e);
    free(w_adir);
    free(w_dest);
}

int main(void)
{
    /* No timer-driven checkpoint rounds: what a backup lists (copyMic is the checkpoint's
     * generation) and the I/O each fault walk counts must not depend on timing.  Rounds
     * forced by the tests and at JetInit/JetTerm still happen; tests/c/test_checkpointer.c
     * covers backup and restore with the checkpointer running. */
    checkpointer_set_background(false);
    snprintf(g_root, sizeof g_root, "/tmp/libese-restore-%d", (int)getpid());
    support_remove_tree(g_root);
    make_dir(g_root);
    make_backup_set();
    test_full_restore();
    test_validation_errors();
    test_fuzzy_copy();
    test_incremental();
    test_log_folder_continues();
    test_backup_and_restore_instance();
    test_running_target();
    if (getenv("RESTORE_TEST_ONLY_BIF")) {
        test_backup_instance_read_faults();
        return check_summary();
    }
    if (!getenv("RESTORE_TEST_SHORT")) {
        test_fault_injection();
        test_backup_instance_read_faults();
    }
    if (!getenv("RESTORE_TEST_KEEP"))
        support_remove_tree(g_root);
    return check_summary();
}
