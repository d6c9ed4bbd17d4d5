/*
 * test_backup.c -- libese's streaming backup through the Jet API (docs/contract/backup.md;
 * facts: ese-backup-facts.md §2.1 result matrix, §3 per API, §4 streams and header info, as
 * corrected by the audit).
 *
 * Covered: the full path (Begin, GetAttachInfo, OpenFile, ReadFile, CloseFile, GetLogInfo(2),
 * log copies, End) with the stream's shape checked page by page; every row of the result matrix;
 * truncation and its range; the header backup info End writes (and the "newer mark" rule);
 * incremental backups; page verification (one flipped bit corrected, two fail that database
 * only) and log verification (a flipped bit cancels); JetStopBackupInstance from another thread
 * during reads (run under ThreadSanitizer); a writer committing while the copy runs; JetTerm2 and
 * JetStopServiceInstance(2) with a backup open; fault injection on the backup's own I/O and
 * allocations; the Term bug (a failed database close keeps the checkpoint).
 *
 * Built and run by ci/sanitize (ASan+UBSan, and TSan): this file plus every .c file of
 * src/libese and src/eseformat.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checkpointer.h"
#include "backup.h"
#include "check.h"
#include "eseformat.h"
#include "esent.h"
#include "fault.h"
#include "osal.h"
#include "support.h"

#define PAGE 4096u

static char g_root[256];
static int g_counter;

/* ---- helpers ---------------------------------------------------------------------------------- */

typedef struct {
    char folder[300];
    char db_path[320];
    JET_INSTANCE inst;
    JET_SESID ses;
    JET_DBID dbid;
    JET_TABLEID table;
    JET_COLUMNID col_id, col_data;
    int next_id;
} env;

static JET_ERR start_instance(env *e, bool circular)
{
    char name[64];
    snprintf(name, sizeof name, "bk-%d", g_counter);
    /* small generations: a few commits fill one */
    return support_start_instance(&e->inst, &e->ses, name, e->folder, e->folder, 64, circular);
}

static JET_ERR open_table(env *e)
{
    JET_ERR err = JetOpenTableW(e->ses, e->dbid, W("t"), NULL, 0, 0, &e->table);
    if (err == JET_errSuccess)
        err = support_column_id(e->ses, e->table, "id", &e->col_id);
    if (err == JET_errSuccess)
        err = support_column_id(e->ses, e->table, "data", &e->col_data);
    return err;
}

/* A fresh folder, an instance, a database with table t (id Long primary key, data LongBinary). */
static JET_ERR make_env(env *e, bool circular)
{
    memset(e, 0, sizeof *e);
    snprintf(e->folder, sizeof e->folder, "%s/f%d", g_root, g_counter++);
    mkdir(e->folder, 0700);
    snprintf(e->db_path, sizeof e->db_path, "%s/data.edb", e->folder);
    JET_ERR err = start_instance(e, circular);
    if (err == JET_errSuccess)
        err = JetCreateDatabase2W(e->ses, W(e->db_path), 0, &e->dbid, 0);
    static const char *const names[2] = {"id", "data"};
    static const JET_COLTYP types[2] = {JET_coltypLong, JET_coltypLongBinary};
    JET_COLUMNID ids[2];
    if (err == JET_errSuccess)
        err = support_create_table(e->ses, e->dbid, "t", 2, names, types, JET_bitColumnNotNULL,
                                   &e->table, ids);
    if (err == JET_errSuccess) {
        e->col_id = ids[0];
        e->col_data = ids[1];
    }
    return err;
}

static JET_ERR insert_on(JET_SESID ses, JET_TABLEID table, JET_COLUMNID cid, JET_COLUMNID cdata,
                         int32_t id, size_t cb)
{
    static uint8_t data[20000];
    memset(data, id & 0xFF, cb < sizeof data ? cb : sizeof data);
    return support_insert_row(ses, table, cid, id, cdata, data, cb);
}

static JET_ERR insert_rows(env *e, int n, size_t cb)
{
    JET_ERR err = JET_errSuccess;
    for (int i = 0; i < n && err == JET_errSuccess; i++)
        err = insert_on(e->ses, e->table, e->col_id, e->col_data, e->next_id++, cb);
    return err;
}

/* Detach and attach again: every page is flushed and the cache starts empty. */
static JET_ERR reattach(env *e)
{
    JET_ERR err = JetCloseTable(e->ses, e->table);
    if (err == JET_errSuccess)
        err = JetCloseDatabase(e->ses, e->dbid, 0);
    if (err == JET_errSuccess)
        err = JetDetachDatabase2W(e->ses, W(e->db_path), 0);
    if (err == JET_errSuccess)
        err = JetAttachDatabase2W(e->ses, W(e->db_path), 0, 0);
    if (err == JET_errSuccess)
        err = JetOpenDatabaseW(e->ses, W(e->db_path), NULL, &e->dbid, 0);
    if (err == JET_errSuccess)
        err = open_table(e);
    return err;
}

/* After the instance ended: start it again on e's folder (recovery runs), attach and open the
 * database and open the table, each step checked. */
static void restart(env *e)
{
    CHECK_ERR(start_instance(e, false), JET_errSuccess);
    CHECK_ERR(JetAttachDatabase2W(e->ses, W(e->db_path), 0, 0), JET_errSuccess);
    CHECK_ERR(JetOpenDatabaseW(e->ses, W(e->db_path), NULL, &e->dbid, 0), JET_errSuccess);
    CHECK_ERR(open_table(e), JET_errSuccess);
}

static void end_env(env *e)
{
    if (e->inst)
        JetTerm2(e->inst, JET_bitTermStopBackup);
    e->inst = 0;
}

/* Split a UTF-16 multi-string into ASCII strings; returns how many (at most max). */
static size_t split_multi(const WCHAR *szz, size_t cb, char out[][320], size_t max)
{
    size_t n = 0;
    const WCHAR *p = szz, *end = szz + cb / sizeof(WCHAR);
    while (p < end && n < max && support_next_name(&p, out[n], 320))
        n++;
    return n;
}

/* Read a whole backup file into a malloc'd buffer; returns the error of the first failing read. */
static JET_ERR read_all(JET_INSTANCE inst, JET_HANDLE hf, uint8_t **pdata, uint64_t *pcb)
{
    support_buffer all = {NULL, 0};
    JET_ERR err = support_read_backup_file(inst, hf, support_sink_buffer, &all);
    *pdata = all.data;
    *pcb = all.cb;
    return err;
}

static JET_ERR copy_file(JET_INSTANCE inst, const char *path, uint8_t **pdata, uint64_t *pcb,
                         uint64_t *preported)
{
    support_buffer all = {NULL, 0};
    JET_ERR err = support_copy_backup_file(inst, W(path), support_sink_buffer, &all, preported);
    *pdata = all.data;
    *pcb = all.cb;
    return err;
}

static void flip_file_bit(const char *path, uint64_t offset, unsigned bit)
{
    int fd = open(path, O_RDWR);
    uint8_t b = 0;
    if (pread(fd, &b, 1, (off_t)offset) == 1) {
        b ^= (uint8_t)(1u << bit);
        if (pwrite(fd, &b, 1, (off_t)offset) != 1)
            perror("pwrite");
    }
    close(fd);
}

static void header_of(const char *path, uint8_t *header)
{
    int fd = open(path, O_RDONLY);
    if (pread(fd, header, PAGE, 0) != PAGE)
        memset(header, 0, PAGE);
    close(fd);
}

static uint32_t list_logs(env *e, bool truncate, char names[][320], size_t max, size_t *pn,
                          JET_LOGINFO_W *info)
{
    ESE_ULONG cb = 0;
    JET_ERR err = truncate ? JetGetTruncateLogInfoInstanceW(e->inst, NULL, 0, &cb)
                 : info ? JetGetLogInfoInstance2W(e->inst, NULL, 0, &cb, info)
                        : JetGetLogInfoInstanceW(e->inst, NULL, 0, &cb);
    *pn = 0;
    if (err != JET_errSuccess)
        return (uint32_t)err;
    WCHAR *szz = calloc(1, cb + 2);
    ESE_ULONG got = 0;
    err = truncate ? JetGetTruncateLogInfoInstanceW(e->inst, szz, cb, &got)
                   : JetGetLogInfoInstanceW(e->inst, szz, cb, &got);
    if (err == JET_errSuccess && got == cb)
        *pn = split_multi(szz, cb, names, max);
    free(szz);
    return (uint32_t)err;
}

/* The whole protocol on an env: copy the database, then the logs; returns End's error. */
static JET_ERR full_backup(env *e, bool truncate, uint8_t **pstream, uint64_t *pcb)
{
    JET_ERR err = JetBeginExternalBackupInstance(e->inst, 0);
    uint8_t *stream = NULL;
    uint64_t cb = 0;
    if (err == JET_errSuccess)
        err = copy_file(e->inst, e->db_path, &stream, &cb, NULL);
    char logs[64][320];
    size_t n = 0;
    if (err == JET_errSuccess)
        err = (JET_ERR)list_logs(e, false, logs, 64, &n, NULL);
    for (size_t i = 0; i < n && err == JET_errSuccess; i++) {
        uint8_t *data = NULL;
        uint64_t size = 0;
        err = copy_file(e->inst, logs[i], &data, &size, NULL);
        free(data);
    }
    if (err == JET_errSuccess && truncate)
        err = JetTruncateLogInstance(e->inst);
    JET_ERR end = JetEndExternalBackupInstance2(
        e->inst, err == JET_errSuccess ? JET_bitBackupEndNormal : JET_bitBackupEndAbort);
    if (pstream)
        *pstream = stream;
    else
        free(stream);
    if (pcb)
        *pcb = cb;
    return err != JET_errSuccess ? err : end;
}

/* ---- the full path and the stream's shape ------------------------------------------------------ */

static void test_full_path(void)
{
    env e;
    CHECK_ERR(make_env(&e, false), JET_errSuccess);
    CHECK_ERR(insert_rows(&e, 40, 3000), JET_errSuccess);

    CHECK_ERR(JetBeginExternalBackupInstance(e.inst, 0), JET_errSuccess);
    /* GetAttachInfo: sizing call, then the list (full canonical path). */
    ESE_ULONG cb = 0;
    CHECK_ERR(JetGetAttachInfoInstanceW(e.inst, NULL, 0, &cb), JET_errSuccess);
    char real[PATH_MAX];
    CHECK(realpath(e.db_path, real) != NULL);
    CHECK(cb == (strlen(real) + 2) * sizeof(WCHAR));
    WCHAR *szz = calloc(1, cb);
    ESE_ULONG got = 0;
    CHECK_ERR(JetGetAttachInfoInstanceW(e.inst, szz, cb, &got), JET_errSuccess);
    char names[4][320];
    CHECK(split_multi(szz, cb, names, 4) == 1 && strcmp(names[0], real) == 0);
    /* truncated buffer: no error, full size reported */
    WCHAR small[4] = {0};
    CHECK_ERR(JetGetAttachInfoInstanceW(e.inst, small, sizeof small, &got), JET_errSuccess);
    CHECK(got == cb && small[0] == szz[0]);
    free(szz);

    /* OpenFile: handle 0, size = (pgnoLast + 3) pages. */
    JET_HANDLE hf = 77;
    ESE_ULONG low = 0, high = 0;
    CHECK_ERR(JetOpenFileInstanceW(e.inst, W(real), &hf, &low, &high), JET_errSuccess);
    CHECK(hf == 0 && high == 0);
    struct stat st;
    stat(e.db_path, &st);
    uint64_t size = (uint64_t)high << 32 | low;
    CHECK(size % PAGE == 0 && size >= (uint64_t)st.st_size + PAGE);
    uint8_t *stream = NULL;
    uint64_t total = 0;
    CHECK_ERR(read_all(e.inst, hf, &stream, &total), JET_errSuccess);
    CHECK(total == size);
    /* a read at the end gives 0 bytes */
    uint8_t *buf = support_aligned_alloc(4 * PAGE);
    CHECK_ERR(JetReadFileInstance(e.inst, hf, buf, 4 * PAGE, &got), JET_errSuccess);
    CHECK(got == 0);
    free(buf);
    CHECK_ERR(JetCloseFileInstance(e.inst, hf), JET_errSuccess);

    /* The stream: two identical headers with bkinfoFullCur {mark, time, genLow, 0}. */
    CHECK(total >= 4 * PAGE && memcmp(stream, stream + PAGE, PAGE) == 0);
    CHECK(ese_header_verify(stream, PAGE));
    ese_bkinfo cur;
    ese_bkinfo_load(stream + ESE_DBHDR_OFF_BKINFO_FULL_CUR, &cur);
    CHECK(cur.gen_low >= 1 && cur.gen_high == 0 && cur.mark.generation >= (int32_t)cur.gen_low);
    CHECK(ese_load_u32(stream + ESE_DBHDR_OFF_DBSTATE) == ESE_DBSTATE_DIRTY_SHUTDOWN);
    /* data pages: each verifies at its page number (or was never written) */
    size_t pages = (size_t)(total / PAGE) - 3, bad = 0;
    for (size_t i = 0; i < pages; i++) {
        ese_page_status s = ese_page_verify(stream + (i + 2) * PAGE, PAGE, (uint32_t)(i + 1), NULL);
        bad += s != ESE_PAGE_OK && s != ESE_PAGE_UNINITIALIZED;
    }
    CHECK(bad == 0);
    /* the trailer: PATCHHDR, header checksum, genLow = the header's, genHigh >= genLow */
    const uint8_t *trailer = stream + total - PAGE;
    CHECK(ese_page_is_patch_trailer(trailer, PAGE) && ese_header_verify(trailer, PAGE));
    ese_bkinfo tb;
    ese_bkinfo_load(trailer + ESE_PATCHHDR_OFF_BKINFO, &tb);
    CHECK(tb.gen_low == cur.gen_low && tb.gen_high >= tb.gen_low &&
          ese_lgpos_compare(&tb.mark, &cur.mark) == 0);
    CHECK(memcmp(trailer + ESE_PATCHHDR_OFF_SIGN_DB, stream + ESE_DBHDR_OFF_SIGN_DB,
                 ESE_SIGNATURE_SIZE) == 0);
    CHECK(memcmp(trailer + ESE_PATCHHDR_OFF_SIGN_LOG, stream + ESE_DBHDR_OFF_SIGN_LOG,
                 ESE_SIGNATURE_SIZE) == 0);
    free(stream);

    /* GetLogInfo2: rolls, lists copyMic..copyMac-1 with full paths; JET_LOGINFO_W filled. */
    JET_LOGINFO_W info;
    memset(&info, 0, sizeof info);
    info.cbSize = sizeof info;
    char logs[64][320];
    size_t n = 0;
    CHECK(list_logs(&e, false, logs, 64, &n, &info) == JET_errSuccess);
    CHECK(n >= 2 && info.ulGenLow == cur.gen_low && info.ulGenHigh == info.ulGenLow + n - 1);
    CHECK(info.ulGenHigh >= tb.gen_high);
    CHECK(info.szBaseName[0] == 'e' && info.szBaseName[1] == 'd' && info.szBaseName[2] == 'b' &&
          info.szBaseName[3] == 0);
    char expect[400];
    snprintf(expect, sizeof expect, "%s/edb%05X.log", e.folder, info.ulGenLow);
    char real_expect[PATH_MAX], real_first[PATH_MAX];
    CHECK(realpath(expect, real_expect) && realpath(logs[0], real_first) &&
          strcmp(logs[0], real_first) == 0 && strcmp(real_first, real_expect) == 0);
    /* W buffer contract: a short buffer is filled silently and reports what was copied */
    ESE_ULONG need = 0;
    CHECK_ERR(JetGetLogInfoInstanceW(e.inst, NULL, 0, &need), JET_errSuccess);
    WCHAR part[8];
    CHECK_ERR(JetGetLogInfoInstanceW(e.inst, part, sizeof part, &got), JET_errSuccess);
    CHECK(got == sizeof part && need > sizeof part);
    /* the roll: the current generation is past the last listed one */
    CHECK(!support_file_exists(logs[n - 1]) == false);
    /* copy every log: raw bytes equal the file's */
    for (size_t i = 0; i < n; i++) {
        uint8_t *data = NULL;
        uint64_t cbl = 0, reported = 0;
        CHECK_ERR(copy_file(e.inst, logs[i], &data, &cbl, &reported), JET_errSuccess);
        struct stat ls;
        stat(logs[i], &ls);
        CHECK(cbl == (uint64_t)ls.st_size && reported == cbl);
        free(data);
    }
    /* a database after the logs were listed: -521 and the backup is cancelled */
    CHECK_ERR(JetOpenFileInstanceW(e.inst, W(real), &hf, &low, &high),
              JET_errInvalidBackupSequence);
    CHECK_ERR(JetGetLogInfoInstanceW(e.inst, NULL, 0, &need), JET_errNoBackup);
    CHECK_ERR(JetEndExternalBackupInstance(e.inst), JET_errNoBackup);
    /* a new backup starts at once */
    CHECK_ERR(full_backup(&e, false, NULL, NULL), JET_errSuccess);
    end_env(&e);
}

/* ---- the result matrix (§2.1) --------------------------------------------------------------------- */

static void test_matrix_no_backup(void)
{
    env e;
    CHECK_ERR(make_env(&e, false), JET_errSuccess);
    ESE_ULONG cb = 0, low, high;
    JET_HANDLE hf;
    uint8_t *buf = support_aligned_alloc(4 * PAGE);
    CHECK_ERR(JetGetAttachInfoInstanceW(e.inst, NULL, 0, &cb), JET_errNoBackup);
    CHECK_ERR(JetOpenFileInstanceW(e.inst, W(e.db_path), &hf, &low, &high), JET_errNoBackup);
    CHECK_ERR(JetReadFileInstance(e.inst, 0, buf, 4 * PAGE, &cb), JET_errNoBackup);
    CHECK_ERR(JetCloseFileInstance(e.inst, 0), JET_errNoBackup);
    CHECK_ERR(JetGetLogInfoInstanceW(e.inst, NULL, 0, &cb), JET_errNoBackup);
    CHECK_ERR(JetGetTruncateLogInfoInstanceW(e.inst, NULL, 0, &cb), JET_errNoBackup);
    CHECK_ERR(JetTruncateLogInstance(e.inst), JET_errNoBackup);
    /* End: the grbit is checked first */
    CHECK_ERR(JetEndExternalBackupInstance2(e.inst, 0), JET_errInvalidParameter);
    CHECK_ERR(JetEndExternalBackupInstance2(e.inst, JET_bitBackupEndNormal | JET_bitBackupEndAbort),
              JET_errInvalidParameter);
    CHECK_ERR(JetEndExternalBackupInstance2(e.inst, JET_bitBackupEndAbort), JET_errNoBackup);
    CHECK_ERR(JetEndExternalBackupInstance(e.inst), JET_errNoBackup);
    CHECK_ERR(JetStopBackupInstance(e.inst), JET_errSuccess);
    /* Begin: bad grbits, then a stop request does not carry over into a new backup */
    CHECK_ERR(JetBeginExternalBackupInstance(e.inst, JET_bitBackupAtomic), JET_errInvalidGrbit);
    CHECK_ERR(JetBeginExternalBackupInstance(e.inst, 0x20), JET_errInvalidGrbit);
    CHECK_ERR(JetStopBackupInstance(e.inst), JET_errSuccess);
    CHECK_ERR(JetBeginExternalBackupInstance(e.inst, 0), JET_errSuccess);
    CHECK_ERR(JetGetAttachInfoInstanceW(e.inst, NULL, 0, &cb), JET_errSuccess);
    CHECK_ERR(JetBeginExternalBackupInstance(e.inst, 0), JET_errBackupInProgress);
    CHECK_ERR(JetBeginExternalBackupInstance(e.inst, JET_bitBackupIncremental),
              JET_errBackupInProgress);
    /* attach / detach refuse while a backup runs */
    CHECK_ERR(JetDetachDatabase2W(e.ses, W(e.db_path), 0), JET_errBackupInProgress);
    CHECK_ERR(JetAttachDatabase2W(e.ses, W(e.db_path), 0, 0), JET_errBackupInProgress);
    CHECK_ERR(JetEndExternalBackupInstance2(e.inst, JET_bitBackupEndAbort), JET_errSuccess);
    CHECK_ERR(JetEndExternalBackupInstance2(e.inst, JET_bitBackupEndAbort), JET_errNoBackup);
    /* gate: bad handles, not initialised */
    CHECK_ERR(JetBeginExternalBackupInstance(0, 0), JET_errInvalidParameter);
    CHECK_ERR(JetBeginExternalBackupInstance(JET_instanceNil, 0), JET_errInvalidParameter);
    CHECK_ERR(JetBeginExternalBackupInstance(0x7654321, 0), JET_errInvalidInstance);
    JET_INSTANCE created = 0;
    CHECK_ERR(JetCreateInstance2W(&created, W("bk-created"), NULL, 0), JET_errSuccess);
    CHECK_ERR(JetBeginExternalBackupInstance(created, 0), JET_errNotInitialized);
    CHECK_ERR(JetEndExternalBackupInstance(created), JET_errNotInitialized);
    CHECK_ERR(JetTerm2(created, 0), JET_errSuccess);
    /* OpenFile's output pointers are checked (ESENT would crash) */
    CHECK_ERR(JetBeginExternalBackupInstance(e.inst, 0), JET_errSuccess);
    CHECK_ERR(JetOpenFileInstanceW(e.inst, W(e.db_path), NULL, &low, &high), JET_errInvalidParameter);
    CHECK_ERR(JetOpenFileInstanceW(e.inst, W(e.db_path), &hf, &low, NULL), JET_errInvalidParameter);
    CHECK_ERR(JetEndExternalBackupInstance2(e.inst, JET_bitBackupEndAbort), JET_errSuccess);
    /* logging off: JET_errLoggingDisabled */
    JET_INSTANCE off = 0;
    char folder[300];
    snprintf(folder, sizeof folder, "%s/off", g_root);
    mkdir(folder, 0700);
    CHECK_ERR(JetCreateInstance2W(&off, W("bk-off"), NULL, 0), JET_errSuccess);
    CHECK_ERR(JetSetSystemParameterW(&off, 0, JET_paramSystemPath, 0, W(folder)), JET_errSuccess);
    CHECK_ERR(JetSetSystemParameterW(&off, 0, JET_paramLogFilePath, 0, W(folder)), JET_errSuccess);
    CHECK_ERR(JetSetSystemParameterW(&off, 0, JET_paramRecovery, 0, W("off")), JET_errSuccess);
    CHECK_ERR(JetInit3W(&off, NULL, 0), JET_errSuccess);
    CHECK_ERR(JetBeginExternalBackupInstance(off, 0), JET_errLoggingDisabled);
    CHECK_ERR(JetTerm2(off, 0), JET_errSuccess);
    free(buf);
    end_env(&e);
}

static void test_matrix_databases_state(void)
{
    env e;
    CHECK_ERR(make_env(&e, false), JET_errSuccess);
    CHECK_ERR(insert_rows(&e, 5, 100), JET_errSuccess);
    CHECK_ERR(JetBeginExternalBackupInstance(e.inst, 0), JET_errSuccess);
    JET_HANDLE hf;
    ESE_ULONG low, high, got;
    /* names: NULL / empty -> -1003; not a database in state Databases -> -1203, no cancel */
    CHECK_ERR(JetOpenFileInstanceW(e.inst, NULL, &hf, &low, &high), JET_errInvalidParameter);
    CHECK_ERR(JetOpenFileInstanceW(e.inst, W(""), &hf, &low, &high), JET_errInvalidParameter);
    char log1[400];
    snprintf(log1, sizeof log1, "%s/edb00001.log", e.folder);
    CHECK_ERR(JetOpenFileInstanceW(e.inst, W(log1), &hf, &low, &high), JET_errDatabaseNotFound);
    CHECK_ERR(JetOpenFileInstanceW(e.inst, W("/nonexistent/x.edb"), &hf, &low, &high),
              JET_errDatabaseNotFound);
    /* a backslash path names the same file */
    char back[400];
    strcpy(back, e.db_path);
    for (char *c = back; *c; c++)
        if (*c == '/')
            *c = '\\';
    CHECK_ERR(JetOpenFileInstanceW(e.inst, W(back), &hf, &low, &high), JET_errSuccess);
    /* one handle: a second open is JET_errOutOfMemory */
    CHECK_ERR(JetOpenFileInstanceW(e.inst, W(e.db_path), &hf, &low, &high), JET_errOutOfMemory);
    /* the log phase cannot start while a handle is open */
    CHECK_ERR(JetGetLogInfoInstanceW(e.inst, NULL, 0, &got), JET_errInvalidBackupSequence);
    CHECK_ERR(JetGetTruncateLogInfoInstanceW(e.inst, NULL, 0, &got), JET_errInvalidBackupSequence);
    CHECK_ERR(JetTruncateLogInstance(e.inst), JET_errInvalidBackupSequence);
    /* ReadFile's buffer rules */
    uint8_t *buf = support_aligned_alloc(8 * PAGE + 4096);
    CHECK_ERR(JetReadFileInstance(e.inst, 0, buf + 8, 4 * PAGE, &got), JET_errInvalidParameter);
    CHECK_ERR(JetReadFileInstance(e.inst, 0, buf, 4 * PAGE + 512, &got), JET_errInvalidParameter);
    CHECK_ERR(JetReadFileInstance(e.inst, 0, buf, 2 * PAGE, &got), JET_errInvalidParameter);
    CHECK_ERR(JetReadFileInstance(e.inst, 0, NULL, 4 * PAGE, &got), JET_errInvalidParameter);
    CHECK_ERR(JetReadFileInstance(e.inst, 1, buf, 4 * PAGE, &got), JET_errInvalidParameter);
    CHECK_ERR(JetReadFileInstance(e.inst, 0, buf, 3 * PAGE, &got), JET_errSuccess);
    CHECK(got == 3 * PAGE);
    /* later reads: one page is enough; pcbActual is optional */
    CHECK_ERR(JetReadFileInstance(e.inst, 0, buf, PAGE, NULL), JET_errSuccess);
    CHECK_ERR(JetReadFileInstance(e.inst, 0, buf, 0, &got), JET_errInvalidParameter);
    /* close early: the database does not count as copied */
    CHECK_ERR(JetCloseFileInstance(e.inst, 1), JET_errInvalidParameter);
    CHECK_ERR(JetCloseFileInstance(e.inst, 0), JET_errSuccess);
    CHECK_ERR(JetCloseFileInstance(e.inst, 0), JET_errInvalidParameter);
    CHECK_ERR(JetReadFileInstance(e.inst, 0, buf, 4 * PAGE, &got), JET_errInvalidParameter);
    /* TruncateLog before GetLogInfo -> -521, no cancel */
    CHECK_ERR(JetTruncateLogInstance(e.inst), JET_errInvalidBackupSequence);
    /* the logs: rolled; now the truncation needs every log read: -616 */
    CHECK_ERR(JetGetLogInfoInstanceW(e.inst, NULL, 0, &got), JET_errSuccess);
    CHECK_ERR(JetTruncateLogInstance(e.inst), JET_errLogFileNotCopied);
    /* a log-looking name that is not an archived generation: -1003 and the backup is gone */
    char current[400];
    snprintf(current, sizeof current, "%s/edb.log", e.folder);
    CHECK_ERR(JetOpenFileInstanceW(e.inst, W(current), &hf, &low, &high), JET_errInvalidParameter);
    CHECK_ERR(JetGetLogInfoInstanceW(e.inst, NULL, 0, &got), JET_errNoBackup);
    /* missing log in the log phase: -569 and cancel */
    CHECK_ERR(JetBeginExternalBackupInstance(e.inst, 0), JET_errSuccess);
    CHECK_ERR(JetGetLogInfoInstanceW(e.inst, NULL, 0, &got), JET_errSuccess);
    char missing[400];
    snprintf(missing, sizeof missing, "%s/edbFFFF0.log", e.folder);
    CHECK_ERR(JetOpenFileInstanceW(e.inst, W(missing), &hf, &low, &high),
              JET_errMissingFileToBackup);
    CHECK_ERR(JetTruncateLogInstance(e.inst), JET_errNoBackup);
    /* a non-log file in the log phase: refused (-1003), cancel */
    CHECK_ERR(JetBeginExternalBackupInstance(e.inst, 0), JET_errSuccess);
    CHECK_ERR(JetGetLogInfoInstanceW(e.inst, NULL, 0, &got), JET_errSuccess);
    char chk[400];
    snprintf(chk, sizeof chk, "%s/edb.chk", e.folder);
    CHECK_ERR(JetOpenFileInstanceW(e.inst, W(chk), &hf, &low, &high), JET_errInvalidParameter);
    CHECK_ERR(JetEndExternalBackupInstance(e.inst), JET_errNoBackup);
    /* End(Normal) while still in Databases: an abort, no header update */
    uint8_t before[PAGE], after[PAGE];
    header_of(e.db_path, before);
    CHECK_ERR(JetBeginExternalBackupInstance(e.inst, 0), JET_errSuccess);
    CHECK_ERR(JetEndExternalBackupInstance2(e.inst, JET_bitBackupEndNormal | JET_bitBackupTruncateDone),
              JET_errSuccess);
    header_of(e.db_path, after);
    CHECK(memcmp(before + ESE_DBHDR_OFF_BKINFO_FULL_PREV, after + ESE_DBHDR_OFF_BKINFO_FULL_PREV,
                 ESE_BKINFO_SIZE) == 0);
    CHECK(memcmp(before + ESE_DBHDR_OFF_BKINFO_COPY_PREV, after + ESE_DBHDR_OFF_BKINFO_COPY_PREV,
                 ESE_BKINFO_SIZE) == 0);
    free(buf);
    end_env(&e);
}

/* ---- stop (§3.10), from another thread during reads ------------------------------------------- */

typedef struct {
    JET_INSTANCE inst;
    atomic_int reads;
    atomic_bool go;
} stopper_arg;

static void *stopper(void *p)
{
    stopper_arg *a = p;
    while (atomic_load(&a->reads) < 3)
        usleep(100);
    JetStopBackupInstance(a->inst);
    atomic_store(&a->go, true);
    return NULL;
}

static void test_stop_during_reads(void)
{
    env e;
    CHECK_ERR(make_env(&e, false), JET_errSuccess);
    CHECK_ERR(insert_rows(&e, 60, 4000), JET_errSuccess);
    CHECK_ERR(JetBeginExternalBackupInstance(e.inst, 0), JET_errSuccess);
    JET_HANDLE hf;
    ESE_ULONG low, high, got = 0;
    CHECK_ERR(JetOpenFileInstanceW(e.inst, W(e.db_path), &hf, &low, &high), JET_errSuccess);
    stopper_arg a = {.inst = e.inst};
    pthread_t t;
    pthread_create(&t, NULL, stopper, &a);
    uint8_t *buf = support_aligned_alloc(3 * PAGE);
    JET_ERR err = JET_errSuccess;
    int reads = 0;
    while (err == JET_errSuccess && reads < 100000) {
        err = JetReadFileInstance(e.inst, hf, buf, 3 * PAGE, &got);
        if (err == JET_errSuccess && got == 0)
            break; /* the stop came after the last read: still caught below */
        atomic_fetch_add(&a.reads, 1);
        reads++;
    }
    pthread_join(t, NULL);
    /* every call after the stop fails with -801, except Close and End */
    CHECK_ERR(JetReadFileInstance(e.inst, hf, buf, 3 * PAGE, &got), JET_errBackupAbortByServer);
    CHECK(err == JET_errSuccess || err == JET_errBackupAbortByServer);
    CHECK_ERR(JetGetAttachInfoInstanceW(e.inst, NULL, 0, &got), JET_errBackupAbortByServer);
    CHECK_ERR(JetGetLogInfoInstanceW(e.inst, NULL, 0, &got), JET_errBackupAbortByServer);
    CHECK_ERR(JetTruncateLogInstance(e.inst), JET_errBackupAbortByServer);
    CHECK_ERR(JetOpenFileInstanceW(e.inst, W(e.db_path), &hf, &low, &high),
              JET_errBackupAbortByServer);
    CHECK_ERR(JetBeginExternalBackupInstance(e.inst, 0), JET_errBackupInProgress);
    CHECK_ERR(JetCloseFileInstance(e.inst, hf), JET_errSuccess);
    uint8_t before[PAGE], after[PAGE];
    header_of(e.db_path, before);
    CHECK_ERR(JetEndExternalBackupInstance(e.inst), JET_errSuccess); /* as aborted */
    header_of(e.db_path, after);
    CHECK(memcmp(before, after, PAGE) == 0);
    /* a new Begin succeeds at once, and a whole backup runs */
    CHECK_ERR(full_backup(&e, false, NULL, NULL), JET_errSuccess);
    free(buf);
    end_env(&e);
}

/* JetTerm2(StopBackup) while another thread reads: Term waits for the read in flight, ends the
 * backup, and the reader's next call finds the instance gone (never a crash or a race). */
typedef struct {
    JET_INSTANCE inst;
    atomic_int reads;
    atomic_int last;
    atomic_bool done;
} reader_arg;

static void *reader(void *p)
{
    reader_arg *a = p;
    uint8_t *buf = support_aligned_alloc(3 * PAGE);
    ESE_ULONG got = 0;
    JET_ERR err;
    /* read until the end, then keep reading zero bytes, until an error comes */
    while ((err = JetReadFileInstance(a->inst, 0, buf, 3 * PAGE, &got)) == JET_errSuccess)
        atomic_fetch_add(&a->reads, 1);
    atomic_store(&a->last, err);
    atomic_store(&a->done, true);
    free(buf);
    return NULL;
}

static void test_term_during_reads(void)
{
    env e;
    CHECK_ERR(make_env(&e, false), JET_errSuccess);
    CHECK_ERR(insert_rows(&e, 80, 4000), JET_errSuccess);
    CHECK_ERR(reattach(&e), JET_errSuccess);
    CHECK_ERR(JetBeginExternalBackupInstance(e.inst, 0), JET_errSuccess);
    JET_HANDLE hf;
    ESE_ULONG low, high;
    CHECK_ERR(JetOpenFileInstanceW(e.inst, W(e.db_path), &hf, &low, &high), JET_errSuccess);
    reader_arg a = {.inst = e.inst};
    pthread_t t;
    pthread_create(&t, NULL, reader, &a);
    while (atomic_load(&a.reads) < 2 && !atomic_load(&a.done))
        usleep(50);
    CHECK_ERR(JetTerm2(e.inst, JET_bitTermStopBackup), JET_errSuccess);
    pthread_join(t, NULL);
    int last = atomic_load(&a.last);
    CHECK(last == JET_errInvalidInstance || last == JET_errTermInProgress);
    e.inst = 0;
}

/* ---- writers commit while the copy runs ------------------------------------------------------- */

typedef struct {
    env *e;
    JET_SESID ses;
    JET_TABLEID table;
    atomic_bool stop;
    int committed;
    JET_ERR err;
} writer_arg;

static void *writer(void *p)
{
    writer_arg *w = p;
    JET_DBID dbid;
    JET_ERR err = JetBeginSessionW(w->e->inst, &w->ses, NULL, NULL);
    if (err == JET_errSuccess)
        err = JetOpenDatabaseW(w->ses, W(w->e->db_path), NULL, &dbid, 0);
    if (err == JET_errSuccess)
        err = JetOpenTableW(w->ses, dbid, W("t"), NULL, 0, 0, &w->table);
    for (int id = 100000; err == JET_errSuccess && !atomic_load(&w->stop); id++) {
        err = insert_on(w->ses, w->table, w->e->col_id, w->e->col_data, id, 2000);
        if (err == JET_errSuccess)
            w->committed++;
    }
    w->err = err;
    if (w->ses)
        JetEndSession(w->ses, 0);
    return NULL;
}

static void test_writer_during_backup(void)
{
    env e;
    CHECK_ERR(make_env(&e, false), JET_errSuccess);
    CHECK_ERR(insert_rows(&e, 30, 3000), JET_errSuccess);
    CHECK_ERR(reattach(&e), JET_errSuccess); /* pages on disk, so the copy has real pages */
    writer_arg w = {.e = &e};
    pthread_t t;
    pthread_create(&t, NULL, writer, &w);
    uint8_t *stream = NULL;
    uint64_t cb = 0;
    for (int round = 0; round < 3; round++) {
        CHECK_ERR(full_backup(&e, false, &stream, &cb), JET_errSuccess);
        size_t bad = 0;
        for (size_t i = 2; i + 1 < cb / PAGE; i++) {
            ese_page_status s = ese_page_verify(stream + i * PAGE, PAGE, (uint32_t)(i - 1), NULL);
            bad += s != ESE_PAGE_OK && s != ESE_PAGE_UNINITIALIZED;
        }
        CHECK(bad == 0 && cb >= 4 * PAGE);
        free(stream);
    }
    atomic_store(&w.stop, true);
    pthread_join(t, NULL);
    CHECK(w.err == JET_errSuccess && w.committed > 0);
    end_env(&e);
}

/* ---- verification: pages and logs ------------------------------------------------------------- */

static void test_page_verification(void)
{
    env e;
    CHECK_ERR(make_env(&e, false), JET_errSuccess);
    CHECK_ERR(insert_rows(&e, 20, 1000), JET_errSuccess);
    CHECK_ERR(reattach(&e), JET_errSuccess);
    /* Find a used data page outside the catalog (read at attach) and flip one bit in it. */
    struct stat st;
    stat(e.db_path, &st);
    uint32_t pages = (uint32_t)(st.st_size / PAGE) - 2, target = 0;
    uint8_t page[PAGE];
    int fd = open(e.db_path, O_RDONLY);
    for (uint32_t pgno = pages; pgno > 30 && !target; pgno--) {
        if (pread(fd, page, PAGE, (off_t)(pgno + 1) * PAGE) == PAGE &&
            ese_page_verify(page, PAGE, pgno, NULL) == ESE_PAGE_OK)
            target = pgno;
    }
    close(fd);
    CHECK(target != 0);
    uint8_t original[PAGE];
    memcpy(original, page, PAGE);
    uint64_t off = (uint64_t)(target + 1) * PAGE + 1000;
    flip_file_bit(e.db_path, off, 3);

    uint8_t *stream = NULL;
    uint64_t cb = 0;
    CHECK_ERR(full_backup(&e, false, &stream, &cb), JET_errSuccess);
    /* corrected in the copy; the live file keeps the flipped bit (the copy never writes) */
    CHECK(cb > (uint64_t)(target + 2) * PAGE &&
          memcmp(stream + (size_t)(target + 1) * PAGE, original, PAGE) == 0);
    free(stream);
    int fd2 = open(e.db_path, O_RDONLY);
    CHECK(pread(fd2, page, PAGE, (off_t)(target + 1) * PAGE) == PAGE && page[1000] != original[1000]);
    close(fd2);

    /* a second bit in the same page: the database fails, its handle is closed, backup goes on */
    flip_file_bit(e.db_path, off + 7, 5);
    CHECK_ERR(JetBeginExternalBackupInstance(e.inst, 0), JET_errSuccess);
    JET_HANDLE hf;
    ESE_ULONG low, high, got;
    CHECK_ERR(JetOpenFileInstanceW(e.inst, W(e.db_path), &hf, &low, &high), JET_errSuccess);
    uint8_t *data = NULL;
    uint64_t total = 0;
    CHECK_ERR(read_all(e.inst, hf, &data, &total), JET_errReadVerifyFailure);
    free(data);
    CHECK_ERR(JetCloseFileInstance(e.inst, hf), JET_errInvalidParameter); /* closed for us */
    CHECK_ERR(JetGetLogInfoInstanceW(e.inst, NULL, 0, &got), JET_errSuccess);
    uint8_t before[PAGE], after[PAGE];
    header_of(e.db_path, before);
    CHECK_ERR(JetEndExternalBackupInstance2(e.inst, JET_bitBackupEndNormal | JET_bitBackupTruncateDone),
              JET_errSuccess);
    header_of(e.db_path, after); /* the failed database was not backed up: no header info */
    CHECK(memcmp(before + ESE_DBHDR_OFF_BKINFO_FULL_PREV, after + ESE_DBHDR_OFF_BKINFO_FULL_PREV,
                 ESE_BKINFO_SIZE) == 0);
    /* repair the page so the instance can close */
    flip_file_bit(e.db_path, off, 3);
    flip_file_bit(e.db_path, off + 7, 5);
    end_env(&e);
}

static void test_log_verification(void)
{
    env e;
    CHECK_ERR(make_env(&e, false), JET_errSuccess);
    CHECK_ERR(insert_rows(&e, 20, 3000), JET_errSuccess);
    CHECK_ERR(JetBeginExternalBackupInstance(e.inst, 0), JET_errSuccess);
    char logs[64][320];
    size_t n = 0;
    CHECK(list_logs(&e, false, logs, 64, &n, NULL) == JET_errSuccess && n >= 2);
    /* one flipped bit in a segment of a closed generation: -612 and the backup is cancelled */
    flip_file_bit(logs[0], 4096 + 100, 1);
    uint8_t *data = NULL;
    uint64_t cb = 0;
    CHECK_ERR(copy_file(e.inst, logs[0], &data, &cb, NULL), JET_errLogReadVerifyFailure);
    free(data);
    ESE_ULONG got;
    CHECK_ERR(JetGetLogInfoInstanceW(e.inst, NULL, 0, &got), JET_errNoBackup);
    flip_file_bit(logs[0], 4096 + 100, 1);
    /* a damaged header too */
    CHECK_ERR(JetBeginExternalBackupInstance(e.inst, 0), JET_errSuccess);
    CHECK(list_logs(&e, false, logs, 64, &n, NULL) == JET_errSuccess && n >= 2);
    flip_file_bit(logs[1], 200, 0);
    JET_HANDLE hf;
    ESE_ULONG low, high;
    CHECK_ERR(JetOpenFileInstanceW(e.inst, W(logs[1]), &hf, &low, &high), JET_errSuccess);
    uint8_t *buf = support_aligned_alloc(2 * PAGE);
    CHECK_ERR(JetReadFileInstance(e.inst, hf, buf, PAGE, &got), JET_errInvalidParameter);
    CHECK_ERR(JetReadFileInstance(e.inst, hf, buf, 2 * PAGE, &got), JET_errLogReadVerifyFailure);
    CHECK_ERR(JetCloseFileInstance(e.inst, hf), JET_errNoBackup);
    flip_file_bit(logs[1], 200, 0);
    free(buf);
    end_env(&e);
}

/* ---- truncation and header info ---------------------------------------------------------------- */

static uint32_t count_archives(const char *folder)
{
    uint32_t n = 0;
    for (int g = 1; g < 4096; g++) {
        char path[400];
        snprintf(path, sizeof path, "%s/edb%05X.log", folder, g);
        n += support_file_exists(path);
    }
    return n;
}

static void test_truncation_and_header_info(void)
{
    env e;
    CHECK_ERR(make_env(&e, false), JET_errSuccess);
    CHECK_ERR(insert_rows(&e, 30, 3000), JET_errSuccess);
    /* Restart: the checkpoint moves to the end of the log, so the generations before it are
     * what a truncating backup may delete. */
    CHECK_ERR(JetTerm2(e.inst, 0), JET_errSuccess);
    e.inst = 0;
    restart(&e);
    CHECK_ERR(insert_rows(&e, 5, 3000), JET_errSuccess);
    uint32_t before_count = count_archives(e.folder);
    CHECK(before_count >= 3);

    /* 1. a full backup without truncation is a copy backup: bkinfoCopyPrev, nothing deleted,
     *    and it does not enable an incremental */
    CHECK_ERR(JetBeginExternalBackupInstance(e.inst, JET_bitBackupIncremental),
              JET_errMissingFullBackup);
    CHECK_ERR(full_backup(&e, false, NULL, NULL), JET_errSuccess);
    uint8_t h[PAGE];
    header_of(e.db_path, h);
    ese_bkinfo copy_prev, full_prev;
    ese_bkinfo_load(h + ESE_DBHDR_OFF_BKINFO_COPY_PREV, &copy_prev);
    ese_bkinfo_load(h + ESE_DBHDR_OFF_BKINFO_FULL_PREV, &full_prev);
    CHECK(copy_prev.gen_low >= 1 && copy_prev.gen_high >= copy_prev.gen_low && full_prev.gen_low == 0);
    CHECK(count_archives(e.folder) >= before_count);
    CHECK_ERR(JetBeginExternalBackupInstance(e.inst, JET_bitBackupIncremental),
              JET_errMissingFullBackup);

    /* 2. a full backup with truncation: GetTruncateLogInfo names exactly what goes */
    CHECK_ERR(JetBeginExternalBackupInstance(e.inst, 0), JET_errSuccess);
    uint8_t *stream = NULL;
    uint64_t cb = 0;
    CHECK_ERR(copy_file(e.inst, e.db_path, &stream, &cb, NULL), JET_errSuccess);
    free(stream);
    char doomed[64][320], logs[64][320];
    size_t nd = 0, n = 0;
    JET_LOGINFO_W info;
    CHECK(list_logs(&e, true, doomed, 64, &nd, NULL) == JET_errSuccess);
    CHECK(list_logs(&e, false, logs, 64, &n, &info) == JET_errSuccess && n >= 1);
    CHECK(nd >= 2); /* the generations before the restart's checkpoint */
    for (size_t i = 0; i < n; i++) {
        uint8_t *d = NULL;
        uint64_t c = 0;
        CHECK_ERR(copy_file(e.inst, logs[i], &d, &c, NULL), JET_errSuccess);
        free(d);
    }
    CHECK_ERR(JetTruncateLogInstance(e.inst), JET_errSuccess);
    for (size_t i = 0; i < nd; i++)
        CHECK(!support_file_exists(doomed[i]));
    /* A copied log below the checkpoint at the roll is truncated too (§3.7: deleteMac =
     * min(checkpoint generation, copyMac)), and the background checkpointer may have moved the
     * checkpoint past the first listed ones: every listed log NOT named for deletion stays. */
    for (size_t i = 0; i < n; i++) {
        bool named = false;
        for (size_t j = 0; j < nd; j++)
            named = named || strcmp(logs[i], doomed[j]) == 0;
        CHECK(named || support_file_exists(logs[i]));
    }
    CHECK_ERR(JetTruncateLogInstance(e.inst), JET_errSuccess); /* again: harmless */
    CHECK_ERR(JetEndExternalBackupInstance(e.inst), JET_errSuccess);
    /* bkinfoFullPrev = {Begin mark, genLow = copyMic, genHigh = copyMac-1}, seen by
     * JetGetDatabaseFileInfo; the live bkinfoFullCur stays zero */
    JET_DBINFOMISC misc;
    CHECK_ERR(JetGetDatabaseFileInfoW(W(e.db_path), &misc, sizeof misc, JET_DbInfoMisc),
              JET_errSuccess);
    CHECK(misc.bkinfoFullPrev.genLow == info.ulGenLow && misc.bkinfoFullPrev.genHigh == info.ulGenHigh);
    CHECK(misc.bkinfoFullCur.genLow == 0 && misc.bkinfoIncPrev.genLow == 0);
    header_of(e.db_path, h);
    CHECK(ese_load_u32(h + ESE_DBHDR_OFF_BKINFO_TYPE_FULL_PREV) == ESE_BACKUP_TYPE_STREAMING);

    /* 3. incrementals: -521 for GetAttachInfo, logs listed from the oldest on disk */
    CHECK_ERR(insert_rows(&e, 10, 3000), JET_errSuccess);
    CHECK_ERR(JetBeginExternalBackupInstance(e.inst, JET_bitBackupIncremental), JET_errSuccess);
    ESE_ULONG got;
    CHECK_ERR(JetGetAttachInfoInstanceW(e.inst, NULL, 0, &got), JET_errInvalidBackupSequence);
    JET_HANDLE hf;
    ESE_ULONG low, high;
    CHECK_ERR(JetOpenFileInstanceW(e.inst, W(e.db_path), &hf, &low, &high),
              JET_errInvalidBackupSequence); /* and cancelled */
    CHECK_ERR(JetEndExternalBackupInstance(e.inst), JET_errNoBackup);
    /* End(Normal) of an incremental that never listed its logs: an abort (audit F4) */
    header_of(e.db_path, h);
    CHECK_ERR(JetBeginExternalBackupInstance(e.inst, JET_bitBackupIncremental), JET_errSuccess);
    CHECK_ERR(JetEndExternalBackupInstance(e.inst), JET_errSuccess);
    uint8_t h2[PAGE];
    header_of(e.db_path, h2);
    CHECK(memcmp(h + ESE_DBHDR_OFF_BKINFO_DIFF_PREV, h2 + ESE_DBHDR_OFF_BKINFO_DIFF_PREV,
                 ESE_BKINFO_SIZE) == 0);
    /* a differential (no truncation): bkinfoDiffPrev */
    CHECK_ERR(JetBeginExternalBackupInstance(e.inst, JET_bitBackupIncremental), JET_errSuccess);
    CHECK(list_logs(&e, false, logs, 64, &n, &info) == JET_errSuccess && n >= 1);
    CHECK(info.ulGenLow <= misc.bkinfoFullPrev.genHigh + 1);
    for (size_t i = 0; i < n; i++) {
        uint8_t *d = NULL;
        uint64_t c = 0;
        CHECK_ERR(copy_file(e.inst, logs[i], &d, &c, NULL), JET_errSuccess);
        free(d);
    }
    CHECK_ERR(JetEndExternalBackupInstance(e.inst), JET_errSuccess);
    header_of(e.db_path, h);
    ese_bkinfo diff;
    ese_bkinfo_load(h + ESE_DBHDR_OFF_BKINFO_DIFF_PREV, &diff);
    CHECK(diff.gen_low == info.ulGenLow && diff.gen_high == info.ulGenHigh);
    /* an incremental with TruncateDone: bkinfoIncPrev */
    CHECK_ERR(JetBeginExternalBackupInstance(e.inst, JET_bitBackupIncremental), JET_errSuccess);
    CHECK(list_logs(&e, false, logs, 64, &n, &info) == JET_errSuccess && n >= 1);
    CHECK_ERR(JetEndExternalBackupInstance2(e.inst, JET_bitBackupEndNormal | JET_bitBackupTruncateDone),
              JET_errSuccess);
    CHECK_ERR(JetGetDatabaseFileInfoW(W(e.db_path), &misc, sizeof misc, JET_DbInfoMisc),
              JET_errSuccess);
    CHECK(misc.bkinfoIncPrev.genLow == info.ulGenLow && misc.bkinfoIncPrev.genHigh == info.ulGenHigh);
    /* incremental + circular logging: -526 */
    end_env(&e);
    env c;
    CHECK_ERR(make_env(&c, true), JET_errSuccess);
    CHECK_ERR(JetBeginExternalBackupInstance(c.inst, JET_bitBackupIncremental), JET_errInvalidBackup);
    CHECK_ERR(insert_rows(&c, 20, 3000), JET_errSuccess);
    CHECK_ERR(full_backup(&c, true, NULL, NULL), JET_errSuccess);
    end_env(&c);
}

static void test_header_slot_rules(void)
{
    uint8_t h[PAGE];
    memset(h, 0, sizeof h);
    CHECK(backup_choose_slot(true, true) == BACKUP_SLOT_FULL_PREV);
    CHECK(backup_choose_slot(true, false) == BACKUP_SLOT_COPY_PREV);
    CHECK(backup_choose_slot(false, true) == BACKUP_SLOT_INC_PREV);
    CHECK(backup_choose_slot(false, false) == BACKUP_SLOT_DIFF_PREV);
    ese_bkinfo newer = {{0, 1, 9}, {0}, 5, 9}, older = {{0, 1, 7}, {0}, 3, 7};
    CHECK(backup_apply_header_info(h, BACKUP_SLOT_INC_PREV, &newer));
    CHECK(backup_apply_header_info(h, BACKUP_SLOT_DIFF_PREV, &newer));
    memset(h + ESE_DBHDR_OFF_BKINFO_SNAPSHOT_CUR, 0xAB, ESE_BKINFO_SIZE);
    CHECK(!backup_apply_header_info(h, BACKUP_SLOT_INC_PREV, &older)); /* newer mark stays */
    ese_bkinfo got;
    ese_bkinfo_load(h + ESE_DBHDR_OFF_BKINFO_INC_PREV, &got);
    CHECK(got.gen_low == 5 && got.gen_high == 9);
    /* a full truncated backup clears IncPrev, DiffPrev and SnapshotCur */
    ese_bkinfo full = {{0, 2, 10}, {0}, 10, 12};
    CHECK(backup_apply_header_info(h, BACKUP_SLOT_FULL_PREV, &full));
    ese_bkinfo_load(h + ESE_DBHDR_OFF_BKINFO_INC_PREV, &got);
    CHECK(got.gen_low == 0);
    ese_bkinfo_load(h + ESE_DBHDR_OFF_BKINFO_DIFF_PREV, &got);
    CHECK(got.gen_low == 0);
    ese_bkinfo_load(h + ESE_DBHDR_OFF_BKINFO_SNAPSHOT_CUR, &got);
    CHECK(got.gen_low == 0 && got.mark.generation == 0);
    /* OpenFile's size words: over 4 GiB the high word carries the rest */
    uint32_t low, high;
    backup_split_size(((uint64_t)5 << 32) + 12288, &low, &high);
    CHECK(low == 12288 && high == 5);
    backup_split_size(0xFFFFFFFFu, &low, &high);
    CHECK(low == 0xFFFFFFFFu && high == 0);
    /* the trailer passes ESE's trailer test and its header checksum */
    uint8_t t[PAGE];
    ese_signature a = {0}, b = {0};
    a.random = 1;
    b.random = 2;
    backup_build_trailer(t, PAGE, &full, &a, &b);
    CHECK(ese_page_is_patch_trailer(t, PAGE) && ese_header_verify(t, PAGE));
}

/* ---- Term, StopService -------------------------------------------------------------------------- */

static void test_term_and_stop_service(void)
{
    env e;
    CHECK_ERR(make_env(&e, false), JET_errSuccess);
    CHECK_ERR(insert_rows(&e, 5, 100), JET_errSuccess);
    CHECK_ERR(JetBeginExternalBackupInstance(e.inst, 0), JET_errSuccess);
    CHECK_ERR(JetTerm2(e.inst, 0), JET_errBackupInProgress);
    CHECK_ERR(JetTerm2(e.inst, JET_bitTermComplete), JET_errBackupInProgress);
    /* the instance is untouched: the backup goes on */
    JET_HANDLE hf;
    ESE_ULONG low, high, got;
    CHECK_ERR(JetOpenFileInstanceW(e.inst, W(e.db_path), &hf, &low, &high), JET_errSuccess);
    uint8_t *buf = support_aligned_alloc(4 * PAGE);
    CHECK_ERR(JetReadFileInstance(e.inst, hf, buf, 4 * PAGE, &got), JET_errSuccess);
    /* StopBackup ends it (as aborted by the server) and terminates with a handle open */
    CHECK_ERR(JetTerm2(e.inst, JET_bitTermStopBackup), JET_errSuccess);
    CHECK_ERR(JetReadFileInstance(e.inst, hf, buf, 4 * PAGE, &got), JET_errInvalidInstance);
    e.inst = 0;
    /* Abrupt and Dirty too */
    env d;
    CHECK_ERR(make_env(&d, false), JET_errSuccess);
    CHECK_ERR(JetBeginExternalBackupInstance(d.inst, 0), JET_errSuccess);
    CHECK_ERR(JetTerm2(d.inst, JET_bitTermAbrupt), JET_errSuccess);
    d.inst = 0;
    CHECK_ERR(make_env(&d, false), JET_errSuccess);
    CHECK_ERR(JetBeginExternalBackupInstance(d.inst, 0), JET_errSuccess);
    CHECK_ERR(JetTerm2(d.inst, JET_bitTermDirty), JET_errSuccess);
    d.inst = 0;

    /* StopServiceInstance: every gated backup call gives -1329, End included */
    env s;
    CHECK_ERR(make_env(&s, false), JET_errSuccess);
    CHECK_ERR(JetStopServiceInstance2(s.inst, 0x40), JET_errInvalidGrbit);
    CHECK_ERR(JetStopServiceInstance2(s.inst, JET_bitStopServiceBackgroundUserTasks), JET_errSuccess);
    CHECK_ERR(JetStopServiceInstance2(s.inst, JET_bitStopServiceResume), JET_errSuccess);
    CHECK_ERR(JetBeginExternalBackupInstance(s.inst, 0), JET_errSuccess);
    CHECK_ERR(JetStopServiceInstance(s.inst), JET_errSuccess);
    CHECK_ERR(JetStopServiceInstance2(s.inst, JET_bitStopServiceResume),
              JET_errClientRequestToStopJetService);
    CHECK_ERR(JetGetAttachInfoInstanceW(s.inst, NULL, 0, &got), JET_errClientRequestToStopJetService);
    CHECK_ERR(JetEndExternalBackupInstance(s.inst), JET_errClientRequestToStopJetService);
    CHECK_ERR(JetStopBackupInstance(s.inst), JET_errSuccess); /* no gate */
    CHECK_ERR(JetTerm2(s.inst, 0), JET_errBackupInProgress);
    CHECK_ERR(JetTerm2(s.inst, JET_bitTermStopBackup), JET_errSuccess);
    s.inst = 0;
    CHECK_ERR(JetStopServiceInstance(0), JET_errInvalidParameter);
    CHECK_ERR(JetStopServiceInstance(0x7654321), JET_errInvalidInstance);
    free(buf);
}

/* The backup records in the log do not disturb recovery: a backup, then a crash-free restart
 * and a restart after the log kept records past the last checkpoint. */
static void test_recovery_after_backup(void)
{
    env e;
    CHECK_ERR(make_env(&e, false), JET_errSuccess);
    CHECK_ERR(insert_rows(&e, 10, 2000), JET_errSuccess);
    CHECK_ERR(full_backup(&e, true, NULL, NULL), JET_errSuccess);
    CHECK_ERR(JetBeginExternalBackupInstance(e.inst, 0), JET_errSuccess);
    CHECK_ERR(insert_rows(&e, 10, 2000), JET_errSuccess);
    CHECK_ERR(JetTerm2(e.inst, JET_bitTermAbrupt), JET_errSuccess);
    e.inst = 0;
    restart(&e);
    CHECK(support_count_rows(e.ses, e.table) == 20);
    end_env(&e);
}

/* ---- fault injection on the backup's own I/O and allocations ----------------------------------- */

static void test_faults(void)
{
    env e;
    CHECK_ERR(make_env(&e, false), JET_errSuccess);
    CHECK_ERR(insert_rows(&e, 10, 3000), JET_errSuccess);
    ESE_ULONG got, low, high;
    JET_HANDLE hf;
    uint8_t *buf = support_aligned_alloc(8 * PAGE);

    /* a database page read fails: that database only; the handle is closed */
    CHECK_ERR(JetBeginExternalBackupInstance(e.inst, 0), JET_errSuccess);
    CHECK_ERR(JetOpenFileInstanceW(e.inst, W(e.db_path), &hf, &low, &high), JET_errSuccess);
    fault_arm(FAULT_READ, 1, FAULT_AS_EIO);
    CHECK_ERR(JetReadFileInstance(e.inst, hf, buf, 8 * PAGE, &got), JET_errDiskIO);
    fault_reset();
    CHECK_ERR(JetCloseFileInstance(e.inst, hf), JET_errInvalidParameter);
    CHECK_ERR(JetGetLogInfoInstanceW(e.inst, NULL, 0, &got), JET_errSuccess);
    /* a log read fails: cancel */
    char logs[64][320];
    size_t n = 0;
    CHECK(list_logs(&e, false, logs, 64, &n, NULL) == JET_errSuccess && n >= 1);
    CHECK_ERR(JetOpenFileInstanceW(e.inst, W(logs[0]), &hf, &low, &high), JET_errSuccess);
    fault_arm(FAULT_READ, 1, FAULT_AS_EIO);
    CHECK_ERR(JetReadFileInstance(e.inst, hf, buf, 8 * PAGE, &got), JET_errDiskIO);
    fault_reset();
    CHECK_ERR(JetCloseFileInstance(e.inst, hf), JET_errNoBackup);

    /* allocation failures: GetAttachInfo (cancel in any state), OpenFile in Databases (no
     * cancel), GetLogInfo's list (cancel), Begin (nothing left behind) */
    CHECK_ERR(JetBeginExternalBackupInstance(e.inst, 0), JET_errSuccess);
    fault_arm(FAULT_ALLOC, 1, FAULT_AS_EIO);
    CHECK_ERR(JetGetAttachInfoInstanceW(e.inst, NULL, 0, &got), JET_errOutOfMemory);
    fault_reset();
    CHECK_ERR(JetGetAttachInfoInstanceW(e.inst, NULL, 0, &got), JET_errNoBackup);
    CHECK_ERR(JetBeginExternalBackupInstance(e.inst, 0), JET_errSuccess);
    int opened_after = 0;
    for (uint64_t k = 1; k < 20; k++) {
        fault_arm(FAULT_ALLOC, k, FAULT_AS_EIO);
        JET_ERR err = JetOpenFileInstanceW(e.inst, W(e.db_path), &hf, &low, &high);
        fault_reset();
        CHECK(err == JET_errSuccess || err == JET_errOutOfMemory);
        if (err == JET_errSuccess) {
            opened_after = (int)k;
            CHECK_ERR(JetCloseFileInstance(e.inst, hf), JET_errSuccess);
            break;
        }
        CHECK_ERR(JetGetAttachInfoInstanceW(e.inst, NULL, 0, &got), JET_errSuccess); /* alive */
    }
    CHECK(opened_after > 1);
    /* the list is built on every call: an allocation failure there cancels (§3.6) */
    CHECK_ERR(JetGetLogInfoInstanceW(e.inst, NULL, 0, &got), JET_errSuccess);
    fault_arm(FAULT_ALLOC, 1, FAULT_AS_EIO);
    CHECK_ERR(JetGetLogInfoInstanceW(e.inst, NULL, 0, &got), JET_errOutOfMemory);
    fault_reset();
    CHECK_ERR(JetGetLogInfoInstanceW(e.inst, NULL, 0, &got), JET_errNoBackup);
    for (uint64_t k = 1; k < 40; k++) {
        fault_arm(FAULT_ALLOC, k, FAULT_AS_EIO);
        JET_ERR err = JetBeginExternalBackupInstance(e.inst, 0);
        fault_reset();
        CHECK(err == JET_errSuccess || err == JET_errOutOfMemory);
        if (err == JET_errSuccess)
            break;
        CHECK_ERR(JetEndExternalBackupInstance2(e.inst, JET_bitBackupEndAbort), JET_errNoBackup);
    }
    CHECK_ERR(JetEndExternalBackupInstance2(e.inst, JET_bitBackupEndAbort), JET_errSuccess);

    /* the header write at End fails: End still succeeds (ESENT only logs an event) and the
     * header keeps its old backup info */
    uint8_t before[PAGE], after[PAGE];
    header_of(e.db_path, before);
    CHECK_ERR(JetBeginExternalBackupInstance(e.inst, 0), JET_errSuccess);
    uint8_t *stream = NULL;
    uint64_t cb = 0;
    CHECK_ERR(copy_file(e.inst, e.db_path, &stream, &cb, NULL), JET_errSuccess);
    free(stream);
    CHECK(list_logs(&e, false, logs, 64, &n, NULL) == JET_errSuccess);
    fault_arm(FAULT_WRITE, 1, FAULT_AS_EIO);
    CHECK_ERR(JetEndExternalBackupInstance2(e.inst, JET_bitBackupEndNormal | JET_bitBackupTruncateDone),
              JET_errSuccess);
    fault_reset();
    header_of(e.db_path, after);
    CHECK(memcmp(before + ESE_DBHDR_OFF_BKINFO_FULL_PREV, after + ESE_DBHDR_OFF_BKINFO_FULL_PREV,
                 ESE_BKINFO_SIZE) == 0);

    /* the first GetLogInfo's roll fails to write the log: the backup is cancelled (ESENT keeps
     * it open and lets a retry "succeed", audit F1), and with the log dead a new Begin gives
     * JET_errLogWriteFail */
    CHECK_ERR(JetBeginExternalBackupInstance(e.inst, 0), JET_errSuccess);
    fault_arm(FAULT_WRITE, 1, FAULT_AS_EIO);
    CHECK_ERR(JetGetLogInfoInstanceW(e.inst, NULL, 0, &got), JET_errLogWriteFail);
    fault_reset();
    CHECK_ERR(JetGetLogInfoInstanceW(e.inst, NULL, 0, &got), JET_errNoBackup);
    CHECK_ERR(JetBeginExternalBackupInstance(e.inst, 0), JET_errLogWriteFail);
    free(buf);
    JetTerm2(e.inst, JET_bitTermAbrupt);
    e.inst = 0;
}

/* The Term bug: a database whose close fails (a write while flushing) keeps its dirty state, so
 * JetTerm2 must leave the checkpoint where recovery still replays into it, and say so. */
static void test_term_keeps_checkpoint_after_failed_close(void)
{
    env e;
    CHECK_ERR(make_env(&e, false), JET_errSuccess);
    CHECK_ERR(insert_rows(&e, 25, 3000), JET_errSuccess);
    CHECK_ERR(JetCloseTable(e.ses, e.table), JET_errSuccess);
    CHECK_ERR(JetCloseDatabase(e.ses, e.dbid, 0), JET_errSuccess);
    fault_arm(FAULT_WRITE, 1, FAULT_AS_EIO);
    CHECK_ERR(JetTerm2(e.inst, JET_bitTermComplete), JET_errDiskIO);
    fault_reset();
    e.inst = 0;
    restart(&e);
    CHECK(support_count_rows(e.ses, e.table) == 25);
    /* the same through a failed detach */
    CHECK_ERR(JetCloseTable(e.ses, e.table), JET_errSuccess);
    CHECK_ERR(JetCloseDatabase(e.ses, e.dbid, 0), JET_errSuccess);
    CHECK_ERR(JetOpenDatabaseW(e.ses, W(e.db_path), NULL, &e.dbid, 0), JET_errSuccess);
    CHECK_ERR(open_table(&e), JET_errSuccess);
    CHECK_ERR(insert_rows(&e, 5, 3000), JET_errSuccess);
    CHECK_ERR(JetCloseTable(e.ses, e.table), JET_errSuccess);
    CHECK_ERR(JetCloseDatabase(e.ses, e.dbid, 0), JET_errSuccess);
    fault_arm(FAULT_WRITE, 1, FAULT_AS_EIO);
    CHECK_ERR(JetDetachDatabase2W(e.ses, W(e.db_path), 0), JET_errDiskIO);
    fault_reset();
    CHECK_ERR(JetTerm2(e.inst, 0), JET_errDiskIO);
    e.inst = 0;
    CHECK_ERR(start_instance(&e, false), JET_errSuccess);
    CHECK_ERR(JetAttachDatabase2W(e.ses, W(e.db_path), 0, 0), JET_errSuccess);
    end_env(&e);
}

int main(void)
{
    if (support_make_root(g_root, sizeof g_root, "libese-backup") != 0)
        return 2;
    test_header_slot_rules();
    test_full_path();
    test_matrix_no_backup();
    test_matrix_databases_state();
    test_stop_during_reads();
    test_term_during_reads();
    test_writer_during_backup();
    test_page_verification();
    /* These count logs and arm process-wide write faults: a background checkpoint round (its
     * log and checkpoint writes) must not take the fault or roll the log meanwhile. */
    checkpointer_set_background(false);
    test_log_verification();
    checkpointer_set_background(true);
    test_truncation_and_header_info();
    test_term_and_stop_service();
    test_recovery_after_backup();
    checkpointer_set_background(false);
    test_faults();
    test_term_keeps_checkpoint_after_failed_close();
    checkpointer_set_background(true);
    support_remove_tree(g_root);
    return check_summary();
}
