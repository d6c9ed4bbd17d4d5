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
#include "esent.h"
#include "eseformat.h"
#include "fault.h"

#define PAGE 4096u
#define VALUE_SIZE 700u

static char g_root[256];

/* ---- small helpers ------------------------------------------------------------------------------ */

static const WCHAR *W(const char *s)
{
    static WCHAR ring[24][512];
    static unsigned next;
    WCHAR *out = ring[next++ % 24];
    size_t i = 0;
    for (; s[i] && i < 511; i++)
        out[i] = (WCHAR)(unsigned char)s[i];
    out[i] = 0;
    return out;
}

static WCHAR *Wdup(const char *s)
{
    size_t n = strlen(s);
    WCHAR *w = calloc(n + 1, sizeof *w);
    for (size_t i = 0; i < n; i++)
        w[i] = (WCHAR)(unsigned char)s[i];
    return w;
}

static void to_ascii(const WCHAR *w, char *out, size_t cb)
{
    size_t i = 0;
    for (; w[i] && i + 1 < cb; i++)
        out[i] = (char)w[i];
    out[i] = 0;
}

static void path(char *out, size_t cb, const char *a, const char *b)
{
    snprintf(out, cb, "%s/%s", a, b);
}

static void make_dir(const char *p)
{
    mkdir(p, 0700);
}

static void remove_tree(const char *p)
{
    DIR *d = opendir(p);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            char sub[1024];
            path(sub, sizeof sub, p, e->d_name);
            remove_tree(sub);
        }
        closedir(d);
        rmdir(p);
    } else {
        unlink(p);
    }
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
        path(a, sizeof a, from, e->d_name);
        path(b, sizeof b, to, e->d_name);
        copy_file(a, b);
    }
    closedir(d);
}

static long file_size(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 ? (long)st.st_size : -1;
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
    JET_INSTANCE inst = 0;
    JET_ERR err = JetCreateInstance2W(&inst, W(name), NULL, 0);
    const ESE_ULONG paths[] = {JET_paramSystemPath, JET_paramLogFilePath};
    for (size_t i = 0; i < 2 && err == JET_errSuccess; i++)
        err = JetSetSystemParameterW(&inst, 0, paths[i], 0, W(slash));
    char temp[340];
    snprintf(temp, sizeof temp, "%s/tmp.edb", folder);
    if (err == JET_errSuccess) /* two instances may run at once: each its own temp path */
        err = JetSetSystemParameterW(&inst, 0, JET_paramTempPath, 0, W(temp));
    if (err == JET_errSuccess)
        err = JetSetSystemParameterW(&inst, 0, JET_paramLogFileSize, 64, NULL);
    *pinst = inst;
    return err;
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
    path(e->folder, sizeof e->folder, g_root, name);
    remove_tree(e->folder);
    make_dir(e->folder);
    path(e->db, sizeof e->db, e->folder, "data.edb");
    CHECK_ERR(start_instance(e->folder, &e->inst), JET_errSuccess);
    CHECK_ERR(JetBeginSessionW(e->inst, &e->ses, NULL, NULL), JET_errSuccess);
    CHECK_ERR(JetCreateDatabase2W(e->ses, W(e->db), 0, &e->dbid, 0), JET_errSuccess);
    JET_COLUMNCREATE_W cols[2];
    memset(cols, 0, sizeof cols);
    cols[0].cbStruct = sizeof cols[0];
    cols[0].szColumnName = (WCHAR *)W("id");
    cols[0].coltyp = JET_coltypLong;
    cols[0].grbit = JET_bitColumnNotNULL;
    cols[1].cbStruct = sizeof cols[1];
    cols[1].szColumnName = (WCHAR *)W("value");
    cols[1].coltyp = JET_coltypLongBinary;
    static const WCHAR key[] = {'+', 'i', 'd', 0, 0};
    JET_INDEXCREATE_W index;
    memset(&index, 0, sizeof index);
    index.cbStruct = sizeof index;
    index.szIndexName = (WCHAR *)W("pk");
    index.szKey = (WCHAR *)key;
    index.cbKey = sizeof key;
    index.grbit = JET_bitIndexPrimary;
    JET_TABLECREATE2_W tc;
    memset(&tc, 0, sizeof tc);
    tc.cbStruct = sizeof tc;
    tc.szTableName = (WCHAR *)W("t");
    tc.rgcolumncreate = cols;
    tc.cColumns = 2;
    tc.rgindexcreate = &index;
    tc.cIndexes = 1;
    CHECK_ERR(JetCreateTableColumnIndex2W(e->ses, e->dbid, &tc), JET_errSuccess);
    e->table = tc.tableid;
    e->col_id = cols[0].columnid;
    e->col_value = cols[1].columnid;
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
    memset(value, (uint8_t)(id * 7 + 1), sizeof value);
    CHECK_ERR(JetPrepareUpdate(e->ses, e->table, JET_prepInsert), JET_errSuccess);
    CHECK_ERR(JetSetColumn(e->ses, e->table, e->col_id, &id, sizeof id, 0, NULL), JET_errSuccess);
    CHECK_ERR(JetSetColumn(e->ses, e->table, e->col_value, value, sizeof value, 0, NULL),
              JET_errSuccess);
    CHECK_ERR(JetUpdate(e->ses, e->table, NULL, 0, NULL), JET_errSuccess);
}

/* Attach `db` in a fresh instance (its own folder) and read every row: *pcount rows, ids
 * 0..count-1 each with its own value; -1 when the attach fails (*perr says why). */
static int rows_of(const char *db, JET_ERR *perr)
{
    static int n;
    char folder[320], name[32];
    snprintf(name, sizeof name, "reader-%d", n++);
    path(folder, sizeof folder, g_root, name);
    remove_tree(folder);
    make_dir(folder);
    JET_INSTANCE inst = 0;
    JET_SESID ses = 0;
    JET_DBID dbid = 0;
    JET_TABLEID table = 0;
    int count = -1;
    JET_ERR err = start_instance(folder, &inst);
    if (err == JET_errSuccess)
        err = JetBeginSessionW(inst, &ses, NULL, NULL);
    if (err == JET_errSuccess)
        err = JetAttachDatabase2W(ses, W(db), 0, 0);
    if (err == JET_errSuccess)
        err = JetOpenDatabaseW(ses, W(db), NULL, &dbid, 0);
    if (err == JET_errSuccess)
        err = JetOpenTableW(ses, dbid, W("t"), NULL, 0, 0, &table);
    if (err == JET_errSuccess) {
        JET_COLUMNDEF def;
        JET_COLUMNID col_id = 0, col_value = 0;
        if (JetGetTableColumnInfoW(ses, table, W("id"), &def, sizeof def, JET_ColInfo) ==
            JET_errSuccess)
            col_id = def.columnid;
        if (JetGetTableColumnInfoW(ses, table, W("value"), &def, sizeof def, JET_ColInfo) ==
            JET_errSuccess)
            col_value = def.columnid;
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
            bool good = id == count && cb == VALUE_SIZE;
            for (uint32_t i = 0; good && i < VALUE_SIZE; i++)
                good = value[i] == (uint8_t)(id * 7 + 1);
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
    remove_tree(folder);
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
        to_ascii(names, out->db_name, sizeof out->db_name);
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
    for (const WCHAR *p = logs; *p; p += 0) {
        char src[600];
        to_ascii(p, src, sizeof src);
        size_t n = 0;
        while (p[n])
            n++;
        p += n + 1;
        const char *base = strrchr(src, '/');
        char dst[800];
        path(dst, sizeof dst, log_dest, base ? base + 1 : src);
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
    path(chk, sizeof chk, g_root, "restore-chk");
    WCHAR *w_original = Wdup(original), *w_copy = Wdup(copy), *w_chk = Wdup(chk);
    WCHAR *w_logs = Wdup(backup_logs), *w_log_path = log_path ? Wdup(log_path) : NULL;
    JET_RSTMAP_W map = {w_original, w_copy};
    JET_LOGINFO_W info = *loginfo;
    JET_ERR err = JetExternalRestore2W(w_chk, w_log_path, &map, 1, w_logs, &info, NULL, NULL,
                                       NULL, pfn);
    free(w_original);
    free(w_copy);
    free(w_chk);
    free(w_logs);
    free(w_log_path);
    return err;
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
    for (int i = 0; i < 40; i++)
        insert(&e, i);
    path(g_set.folder, sizeof g_set.folder, g_root, "set");
    remove_tree(g_set.folder);
    make_dir(g_set.folder);
    path(g_set.db_stream, sizeof g_set.db_stream, g_set.folder, "data.edb");
    path(g_set.logs, sizeof g_set.logs, g_set.folder, "logs");
    stream_backup(&e, false, false, g_set.db_stream, g_set.logs, NULL, &g_set.result);
    g_set.rows = 40;
    for (int i = 40; i < 45; i++)
        insert(&e, i); /* after the backup: not in it */
    close_env(&e);
    CHECK(g_set.result.loginfo.ulGenHigh > g_set.result.loginfo.ulGenLow);
}

/* A fresh copy of the backup set in <root>/<name>: *db and *logs name its parts. */
static void fresh_set(const char *name, char *db, size_t cb_db, char *logs, size_t cb_logs)
{
    char folder[300];
    path(folder, sizeof folder, g_root, name);
    remove_tree(folder);
    make_dir(folder);
    path(db, cb_db, folder, "copy.edb");
    path(logs, cb_logs, folder, "logs");
    copy_file(g_set.db_stream, db);
    copy_folder(g_set.logs, logs);
}

static void log_name(const char *logs, uint32_t gen, char *out, size_t cb)
{
    char name[32];
    snprintf(name, sizeof name, "edb%05X.log", gen);
    path(out, cb, logs, name);
}

/* ---- tests --------------------------------------------------------------------------------------- */

static void test_full_restore(void)
{
    char db[400], logs[400];
    fresh_set("full", db, sizeof db, logs, sizeof logs);
    long streamed = file_size(db);
    memset(&g_status, 0, sizeof g_status);
    CHECK_ERR(restore2(logs, g_set.result.db_name, db, &g_set.result.loginfo, NULL, status_cb),
              JET_errSuccess);
    CHECK(g_status.begin == 1 && g_status.complete == 1 && g_status.other == 0);
    CHECK(g_status.progress >= 1 && !g_status.bad_args && g_status.last_done == 100);
    CHECK(file_size(db) == streamed - (long)PAGE); /* the trailer is gone */
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
    fresh_set("e-nonbackup", db, sizeof db, logs, sizeof logs);
    CHECK_ERR(restore2(logs, orig, db, li, NULL, NULL), JET_errSuccess);
    CHECK_ERR(restore2(logs, orig, db, li, NULL, NULL), JET_errSuccess);
    read_at(db, 0, page, PAGE);
    memset(page + ESE_DBHDR_OFF_BKINFO_FULL_CUR, 0, ESE_BKINFO_SIZE);
    ese_header_stamp(page, PAGE);
    write_at(db, 0, page, PAGE);
    write_at(db, PAGE, page, PAGE);
    CHECK_ERR(restore2(logs, orig, db, li, NULL, NULL), JET_errRestoreOfNonBackupDatabase);

    /* Not a database header; another page size; a database esent.dll made. */
    fresh_set("e-header", db, sizeof db, logs, sizeof logs);
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
        WCHAR *w_orig = Wdup(orig), *w_db = Wdup(db), *w_logs = Wdup(logs);
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
    fresh_set("e-detect", db, sizeof db, logs, sizeof logs);
    JET_LOGINFO_W detect = *li;
    detect.ulGenLow = detect.ulGenHigh = 0;
    CHECK_ERR(restore2(logs, orig, db, &detect, NULL, NULL), JET_errSuccess);
    CHECK(rows_of(db, NULL) == g_set.rows);

    /* A trailer of another database, a trailer that names other logs, no trailer at all. */
    long size = 0;
    fresh_set("e-trailer", db, sizeof db, logs, sizeof logs);
    size = file_size(db);
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
    fresh_set("e-range", db, sizeof db, logs, sizeof logs);
    JET_LOGINFO_W bad = *li;
    bad.ulGenLow = li->ulGenLow + 1;
    CHECK_ERR(restore2(logs, orig, db, &bad, NULL, NULL), JET_errStartingRestoreLogTooHigh);
    size = file_size(db);
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
    fresh_set("e-logs", db, sizeof db, logs, sizeof logs);
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
    fresh_set("e-map", db, sizeof db, logs, sizeof logs);
    CHECK_ERR(restore2(logs, "/nowhere/other.edb", db, li, NULL, NULL),
              JET_errDatabaseLogSetMismatch);

    /* Arguments. */
    bad = *li;
    bad.cbSize = 16;
    CHECK_ERR(restore2(logs, orig, db, &bad, NULL, NULL), JET_errInvalidParameter);
    JET_RSTMAP_W map = {Wdup(orig), Wdup(db)};
    JET_LOGINFO_W info = *li;
    WCHAR *w_logs = Wdup(logs), *w_x = Wdup(g_root);
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
    open_env(&e, "fuzzy");
    for (int i = 0; i < 40; i++)
        insert(&e, i);
    char folder[300], db[400], logs[400];
    path(folder, sizeof folder, g_root, "fuzzy-set");
    remove_tree(folder);
    make_dir(folder);
    path(db, sizeof db, folder, "copy.edb");
    path(logs, sizeof logs, folder, "logs");
    backup_result r;
    stream_backup(&e, false, false, db, logs, insert_during_copy, &r);
    /* every row committed before GetLogInfo rolled the log is in the backup */
    JET_TABLEID t = e.table;
    (void)t;
    int committed = 0;
    {
        JET_ERR move = JetMove(e.ses, e.table, JET_MoveFirst, 0);
        while (move == JET_errSuccess) {
            committed++;
            move = JetMove(e.ses, e.table, JET_MoveNext, 0);
        }
    }
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
    open_env(&e, "incr");
    for (int i = 0; i < 30; i++)
        insert(&e, i);
    char folder[300], db[400], logs[400], db2[400];
    path(folder, sizeof folder, g_root, "incr-set");
    remove_tree(folder);
    make_dir(folder);
    path(db, sizeof db, folder, "copy.edb");
    path(db2, sizeof db2, folder, "copy2.edb");
    path(logs, sizeof logs, folder, "logs");
    backup_result full, inc;
    stream_backup(&e, false, true, db, logs, NULL, &full);
    for (int i = 30; i < 60; i++)
        insert(&e, i);
    stream_backup(&e, true, true, NULL, logs, NULL, &inc); /* its logs join the full set's */
    CHECK(inc.loginfo.ulGenHigh > full.loginfo.ulGenHigh);
    for (int i = 60; i < 65; i++)
        insert(&e, i);
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
    open_env(&e, "cont");
    for (int i = 0; i < 20; i++)
        insert(&e, i);
    char folder[300], db[400], logs[400];
    path(folder, sizeof folder, g_root, "cont-set");
    remove_tree(folder);
    make_dir(folder);
    path(db, sizeof db, folder, "copy.edb");
    path(logs, sizeof logs, folder, "logs");
    backup_result r;
    stream_backup(&e, false, false, db, logs, NULL, &r);
    for (int i = 20; i < 35; i++)
        insert(&e, i);
    close_env(&e);
    char db2[400];
    path(db2, sizeof db2, folder, "copy2.edb");
    copy_file(db, db2);
    /* the live log folder continues the backup's logs: the later rows come back too */
    CHECK_ERR(restore2(logs, r.db_name, db, &r.loginfo, e.folder, NULL), JET_errSuccess);
    CHECK(rows_of(db, NULL) == 35);
    /* a log folder of another log set is not replayed */
    char other[300];
    path(other, sizeof other, g_root, "cont-other");
    remove_tree(other);
    make_dir(other);
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
    fresh_set("fault", db, sizeof db, logs, sizeof logs);
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
            fresh_set("fault", db, sizeof db, logs, sizeof logs);
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
                path(p, sizeof p, folder, e->d_name);
                *size_of_first = file_size(p);
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
    for (int i = 0; i < 25; i++)
        insert(&e, i);
    char dir[300], sub[400], dest[300];
    path(dir, sizeof dir, g_root, "bi-backup");
    remove_tree(dir);
    WCHAR *w_dir = Wdup(dir);
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
    for (int i = 25; i < 35; i++)
        insert(&e, i);
    CHECK_ERR(JetBackupInstanceW(e.inst, w_dir, JET_bitBackupIncremental, NULL), JET_errSuccess);
    /* atomic: new\ holds the latest full backup, old\ goes once a new one is complete */
    char adir[300];
    path(adir, sizeof adir, g_root, "bi-atomic");
    remove_tree(adir);
    make_dir(adir);
    WCHAR *w_adir = Wdup(adir);
    CHECK_ERR(JetBackupInstanceW(e.inst, w_adir, JET_bitBackupAtomic, NULL), JET_errSuccess);
    path(sub, sizeof sub, adir, "new");
    CHECK(count_files(sub, ".edb", NULL) == 1 && count_files(sub, ".pat", NULL) == 1);
    CHECK_ERR(JetBackupInstanceW(e.inst, w_adir, JET_bitBackupAtomic, NULL), JET_errSuccess);
    CHECK(count_files(sub, ".edb", NULL) == 1);
    path(sub, sizeof sub, adir, "old");
    CHECK(count_files(sub, ".edb", NULL) == -1); /* gone */
    path(sub, sizeof sub, adir, "temp");
    CHECK(count_files(sub, ".edb", NULL) == -1);
    for (int i = 35; i < 40; i++)
        insert(&e, i);
    close_env(&e);

    /* JetRestoreInstanceW: into szDest, then the instance can be initialised */
    char folder[300];
    path(folder, sizeof folder, g_root, "bi-restorer");
    remove_tree(folder);
    make_dir(folder);
    path(dest, sizeof dest, g_root, "bi-dest");
    remove_tree(dest);
    make_dir(dest);
    JET_INSTANCE inst = 0;
    CHECK_ERR(create_instance(folder, &inst), JET_errSuccess);
    WCHAR *w_dest = Wdup(dest);
    memset(&g_status, 0, sizeof g_status);
    CHECK_ERR(JetRestoreInstanceW(inst, w_dir, w_dest, status_cb), JET_errSuccess);
    CHECK(g_status.begin == 1 && g_status.complete == 1 && !g_status.bad_args);
    char restored[400];
    path(restored, sizeof restored, dest, "data.edb");
    CHECK(rows_of(restored, NULL) == 35); /* full + incremental */
    /* the atomic layout: found in new\ */
    remove_tree(dest);
    make_dir(dest);
    CHECK_ERR(JetRestoreInstanceW(inst, w_adir, w_dest, NULL), JET_errSuccess);
    CHECK(rows_of(restored, NULL) == 35);
    CHECK_ERR(JetInit3W(&inst, NULL, 0), JET_errSuccess);
    CHECK_ERR(JetRestoreInstanceW(inst, w_dir, w_dest, NULL), JET_errAlreadyInitialized);
    CHECK_ERR(JetTerm2(inst, JET_bitTermComplete), JET_errSuccess);

    /* a folder with no logs; logs without a patch file */
    char empty[300];
    path(empty, sizeof empty, g_root, "bi-empty");
    remove_tree(empty);
    make_dir(empty);
    WCHAR *w_empty = Wdup(empty);
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
    open_env(&e, "target");
    for (int i = 0; i < 15; i++)
        insert(&e, i);
    char folder[300], db[400], logs[400];
    path(folder, sizeof folder, g_root, "target-set");
    remove_tree(folder);
    make_dir(folder);
    path(db, sizeof db, folder, "copy.edb");
    path(logs, sizeof logs, folder, "logs");
    backup_result r;
    stream_backup(&e, false, false, db, logs, NULL, &r);
    for (int i = 15; i < 25; i++)
        insert(&e, i);
    WCHAR *w_orig = Wdup(r.db_name), *w_db = Wdup(db), *w_logs = Wdup(logs);
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
    for (int i = 0; i < 20; i++)
        insert(&e, i);
    char adir[300], folder[300], dest[300], restored[400];
    path(adir, sizeof adir, g_root, "bif-atomic");
    remove_tree(adir);
    make_dir(adir);
    path(folder, sizeof folder, g_root, "bif-restorer");
    path(dest, sizeof dest, g_root, "bif-dest");
    path(restored, sizeof restored, dest, "data.edb");
    WCHAR *w_adir = Wdup(adir), *w_dest = Wdup(dest);
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
        path(temp, sizeof temp, adir, "temp");
        CHECK(count_files(temp, ".edb", NULL) == -1); /* temp\ never survives */
        remove_tree(folder);
        make_dir(folder);
        remove_tree(dest);
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
    snprintf(g_root, sizeof g_root, "/tmp/libese-restore-%d", (int)getpid());
    remove_tree(g_root);
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
        remove_tree(g_root);
    return check_summary();
}
