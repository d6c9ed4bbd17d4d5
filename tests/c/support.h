/*
 * support.h -- the helpers libese's C tests share (check.h holds the harness itself).
 *
 * Strings: W() and support_widen() (ASCII to UTF-16), support_narrow() and
 * support_next_name() (UTF-16 to ASCII, one name of a multi-string at a time), support_wdup().
 * Files: support_path(), support_fresh_dir(), support_remove_tree(), support_file_exists(),
 * support_file_size(), support_make_root().
 * Instances and tables: support_new_instance(), support_start_instance(),
 * support_create_table(), support_open_table(),
 * support_column_id(), support_insert_row(), support_count_rows(), and the row convention of
 * the restore and checkpointer tests (support_fill_value(), support_value_ok()).
 * Backup streams: support_aligned_alloc(), support_copy_backup_file() with a sink
 * (support_sink_file, support_sink_buffer); hard restore: support_external_restore().
 *
 * Every function is static: each test includes this file once, after its own feature macro
 * (_POSIX_C_SOURCE 200809L or _GNU_SOURCE) and before or after check.h.
 */
#ifndef ESENT_TESTS_SUPPORT_H
#define ESENT_TESTS_SUPPORT_H

#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dbfile.h"
#include "eseformat.h"
#include "esent.h"
#include "pagestore.h"

/* ---- strings -------------------------------------------------------------------------------- */

/* Copy the ASCII string s into out as UTF-16 (at most cap - 1 units, then a NUL); returns out.
 * Needs no shared state: the form for threads. */
static inline WCHAR *support_widen(WCHAR *out, size_t cap, const char *s)
{
    size_t i = 0;
    for (; s[i] && i + 1 < cap; i++)
        out[i] = (WCHAR)(unsigned char)s[i];
    out[i] = 0;
    return out;
}

#define SUPPORT_W_RING 32
#define SUPPORT_W_MAX 600

/* A UTF-16 copy of an ASCII string (up to 599 characters), in a static ring of 32 so tests can
 * inline them: a result stays valid for the next 31 calls. The slot counter is atomic; a
 * thread that needs a string for long uses support_widen() into its own buffer. */
static inline const WCHAR *W(const char *s)
{
    static WCHAR ring[SUPPORT_W_RING][SUPPORT_W_MAX];
    static unsigned next;
    unsigned slot = __atomic_fetch_add(&next, 1, __ATOMIC_RELAXED) % SUPPORT_W_RING;
    return support_widen(ring[slot], SUPPORT_W_MAX, s);
}

/* A malloc'd UTF-16 copy of an ASCII string of any length; free() it. */
static inline WCHAR *support_wdup(const char *s)
{
    size_t n = strlen(s);
    WCHAR *w = calloc(n + 1, sizeof *w);
    if (w)
        support_widen(w, n + 1, s);
    return w;
}

/* The ASCII of a UTF-16 string (test paths are ASCII), cut to cb - 1 characters. */
static inline void support_narrow(const WCHAR *w, char *out, size_t cb)
{
    size_t i = 0;
    for (; w[i] && i + 1 < cb; i++)
        out[i] = (char)w[i];
    out[i] = 0;
}

/* One name of a UTF-16 multi-string (names, each NUL-terminated, then an empty one): false at
 * the end; otherwise its ASCII in out and *pp moved to the next name. */
static inline bool support_next_name(const WCHAR **pp, char *out, size_t cb)
{
    const WCHAR *p = *pp;
    if (!*p)
        return false;
    support_narrow(p, out, cb);
    while (*p)
        p++;
    *pp = p + 1;
    return true;
}

/* ---- files and folders ---------------------------------------------------------------------- */

/* out = "a/b"; false when that was cut to fit cb. */
static inline bool support_path(char *out, size_t cb, const char *a, const char *b)
{
    int n = snprintf(out, cb, "%s/%s", a, b);
    return n >= 0 && (size_t)n < cb;
}

/* Delete a file, or a folder and everything below it; what does not exist is no error. */
static inline void support_remove_tree(const char *p)
{
    DIR *d = opendir(p);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            char sub[1024];
            if (support_path(sub, sizeof sub, p, e->d_name))
                support_remove_tree(sub);
        }
        closedir(d);
        rmdir(p);
    } else {
        unlink(p);
    }
}

/* out = "parent/name", an empty folder (whatever stood there is removed first). */
static inline void support_fresh_dir(char *out, size_t cb, const char *parent, const char *name)
{
    support_path(out, cb, parent, name);
    support_remove_tree(out);
    mkdir(out, 0700);
}

static inline bool support_file_exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

/* The file's size in bytes, or -1 when it cannot be stat'ed. */
static inline long support_file_size(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 ? (long)st.st_size : -1;
}

/* A new folder "$TMPDIR/<prefix>-XXXXXX" (TMPDIR defaults to /tmp) for a test's files, its
 * name in out; 0, or -1 with a message on stderr. */
static inline int support_make_root(char *out, size_t cb, const char *prefix)
{
    const char *tmp = getenv("TMPDIR");
    int n = snprintf(out, cb, "%s/%s-XXXXXX", tmp ? tmp : "/tmp", prefix);
    if (n < 0 || (size_t)n >= cb || !mkdtemp(out)) {
        perror("mkdtemp");
        return -1;
    }
    return 0;
}

/* ---- instances and tables ------------------------------------------------------------------- */

/* JetCreateInstance2W(name), then its system and log paths set to system_and_log, its temp
 * path to temp and, when log_kib is not 0, JET_paramLogFileSize to log_kib. The instance is
 * in *pinst even when a parameter fails; not initialised. Returns the first error. */
static inline JET_ERR support_new_instance(JET_INSTANCE *pinst, const char *name,
                                           const char *system_and_log, const char *temp,
                                           ESE_ULONG log_kib)
{
    JET_INSTANCE inst = 0;
    JET_ERR err = JetCreateInstance2W(&inst, W(name), NULL, 0);
    if (err == JET_errSuccess)
        err = JetSetSystemParameterW(&inst, 0, JET_paramSystemPath, 0, W(system_and_log));
    if (err == JET_errSuccess)
        err = JetSetSystemParameterW(&inst, 0, JET_paramLogFilePath, 0, W(system_and_log));
    if (err == JET_errSuccess)
        err = JetSetSystemParameterW(&inst, 0, JET_paramTempPath, 0, W(temp));
    if (err == JET_errSuccess && log_kib)
        err = JetSetSystemParameterW(&inst, 0, JET_paramLogFileSize, log_kib, NULL);
    *pinst = inst;
    return err;
}

/* support_new_instance(), JET_paramCircularLog = 1 when circular, JetInit3W and, when pses
 * is not NULL, a session in *pses. Returns the first error. */
static inline JET_ERR support_start_instance(JET_INSTANCE *pinst, JET_SESID *pses,
                                             const char *name, const char *system_and_log,
                                             const char *temp, ESE_ULONG log_kib, bool circular)
{
    JET_ERR err = support_new_instance(pinst, name, system_and_log, temp, log_kib);
    if (err == JET_errSuccess && circular)
        err = JetSetSystemParameterW(pinst, 0, JET_paramCircularLog, 1, NULL);
    if (err == JET_errSuccess)
        err = JetInit3W(pinst, NULL, 0);
    if (err == JET_errSuccess && pses)
        err = JetBeginSessionW(*pinst, pses, NULL, NULL);
    return err;
}

/* ---- pages below the Jet API (buffer-manager tests) ------------------------------------------- */

/* A new database file folder/name of `pages` pages of page_size bytes (an old one is removed
 * first); NULL when it cannot be made. */
static inline ese_dbfile *support_new_dbfile(const char *folder, const char *name,
                                             uint32_t page_size, uint32_t pages)
{
    char path[400];
    snprintf(path, sizeof path, "%s/%s", folder, name);
    unlink(path);
    ese_dbfile *db = NULL;
    if (dbfile_create(path, page_size, pages, NULL, &db) != JET_errSuccess)
        return NULL;
    return db;
}

/* Make page pgno a plausible ESE leaf page whose body is all `fill`. */
static inline JET_ERR support_put_page(ese_pagestore *store, uint32_t pgno, uint8_t fill,
                                       uint32_t page_size)
{
    ese_page_ref ref;
    JET_ERR err = store->ops->write(store, pgno, &ref);
    if (err != JET_errSuccess)
        return err;
    memset(ref.data + ESE_PGHDR_SIZE, fill, page_size - ESE_PGHDR_SIZE);
    ese_store_u32(ref.data + ESE_PGHDR_OFF_FLAGS, ESE_PAGE_FLAG_LEAF | ESE_PAGE_FLAG_NEW_CHECKSUM);
    store->ops->release(store, &ref);
    return JET_errSuccess;
}

/* The fill byte of page pgno as support_put_page wrote it; -1 when the page cannot be read. */
static inline int support_page_fill(ese_pagestore *store, uint32_t pgno)
{
    ese_page_ref ref;
    if (store->ops->read(store, pgno, &ref) != JET_errSuccess)
        return -1;
    int fill = ref.data[ESE_PGHDR_SIZE + 100];
    store->ops->release(store, &ref);
    return fill;
}

/* Create table `name` with n (at most 8) columns names[i] of types[i] (Text in code page 1252;
 * the first column with first_grbit, e.g. JET_bitColumnNotNULL) and, when key is not NULL, the
 * primary index "pk" on key (ESE's "+a\0-b\0\0" form, key_units WCHARs with the final NULs;
 * NULL: no primary index).  The table stays open in *ptable and the column ids go to ids[]. */
static inline JET_ERR support_create_table_keyed(JET_SESID ses, JET_DBID dbid, const char *name,
                                                 int n, const char *const names[],
                                                 const JET_COLTYP types[], JET_GRBIT first_grbit,
                                                 const WCHAR *key, size_t key_units,
                                                 JET_TABLEID *ptable, JET_COLUMNID ids[])
{
    JET_COLUMNCREATE_W cols[8];
    WCHAR wnames[8][64], wtable[64];
    if (n < 1 || n > 8)
        return JET_errInvalidParameter;
    memset(cols, 0, sizeof cols);
    for (int i = 0; i < n; i++) {
        cols[i].cbStruct = sizeof cols[i];
        cols[i].szColumnName = support_widen(wnames[i], 64, names[i]);
        cols[i].coltyp = types[i];
        cols[i].cp = types[i] == JET_coltypText ? 1252 : 0;
    }
    cols[0].grbit = first_grbit;
    JET_INDEXCREATE_W idx;
    memset(&idx, 0, sizeof idx);
    idx.cbStruct = sizeof idx;
    idx.szIndexName = (WCHAR *)W("pk");
    idx.szKey = (WCHAR *)key;
    idx.cbKey = (ESE_ULONG)(key_units * sizeof(WCHAR));
    idx.grbit = JET_bitIndexPrimary;
    JET_TABLECREATE2_W tc;
    memset(&tc, 0, sizeof tc);
    tc.cbStruct = sizeof tc;
    tc.szTableName = support_widen(wtable, 64, name);
    tc.rgcolumncreate = cols;
    tc.cColumns = (ESE_ULONG)n;
    tc.rgindexcreate = key ? &idx : NULL;
    tc.cIndexes = key ? 1 : 0;
    JET_ERR err = JetCreateTableColumnIndex2W(ses, dbid, &tc);
    if (err >= JET_errSuccess) {
        *ptable = tc.tableid;
        for (int i = 0; i < n; i++)
            ids[i] = cols[i].columnid;
    }
    return err;
}

/* support_create_table_keyed with the primary index "pk" on "+names[0]". */
static inline JET_ERR support_create_table(JET_SESID ses, JET_DBID dbid, const char *name,
                                           int n, const char *const names[],
                                           const JET_COLTYP types[],
                                           JET_GRBIT first_grbit, JET_TABLEID *ptable,
                                           JET_COLUMNID ids[])
{
    WCHAR key[66];
    if (n < 1 || n > 8)
        return JET_errInvalidParameter;
    /* the key "+<first column>", doubly NUL-terminated */
    key[0] = '+';
    support_widen(key + 1, 64, names[0]);
    size_t units = 1 + strlen(names[0]) + 1;
    key[units] = 0;
    return support_create_table_keyed(ses, dbid, name, n, names, types, first_grbit, key,
                                      units + 1, ptable, ids);
}

/* JetAttachDatabase2W (when attach), JetOpenDatabaseW and JetOpenTableW: database db_path's
 * table `table` open in *ptable. Returns the first error. */
static inline JET_ERR support_open_table(JET_SESID ses, const char *db_path, bool attach,
                                         JET_DBID *pdbid, const char *table, JET_TABLEID *ptable)
{
    JET_ERR err = attach ? JetAttachDatabase2W(ses, W(db_path), 0, 0) : JET_errSuccess;
    if (err == JET_errSuccess)
        err = JetOpenDatabaseW(ses, W(db_path), NULL, pdbid, 0);
    if (err == JET_errSuccess)
        err = JetOpenTableW(ses, *pdbid, W(table), NULL, 0, 0, ptable);
    return err;
}

/* The id of column `name` of an open table in *pid (left alone on an error). */
static inline JET_ERR support_column_id(JET_SESID ses, JET_TABLEID table, const char *name,
                                        JET_COLUMNID *pid)
{
    JET_COLUMNDEF def;
    JET_ERR err = JetGetTableColumnInfoW(ses, table, W(name), &def, sizeof def, JET_ColInfo);
    if (err == JET_errSuccess)
        *pid = def.columnid;
    return err;
}

/* Insert one row: the Long column col_id = id and, when cb is not 0, col_value = cb bytes of
 * value; JetPrepareUpdate, JetSetColumn(s), JetUpdate. Returns the first error (the update is
 * left prepared after a failure, as the tests always did). */
static inline JET_ERR support_insert_row(JET_SESID ses, JET_TABLEID table, JET_COLUMNID col_id,
                                         int32_t id, JET_COLUMNID col_value, const void *value,
                                         size_t cb)
{
    JET_ERR err = JetPrepareUpdate(ses, table, JET_prepInsert);
    if (err == JET_errSuccess)
        err = JetSetColumn(ses, table, col_id, &id, sizeof id, 0, NULL);
    if (err == JET_errSuccess && cb)
        err = JetSetColumn(ses, table, col_value, value, (ESE_ULONG)cb, 0, NULL);
    if (err == JET_errSuccess)
        err = JetUpdate(ses, table, NULL, 0, NULL);
    return err;
}

/* How many rows JetMove walks from the first to the end of an open table. */
static inline int support_count_rows(JET_SESID ses, JET_TABLEID table)
{
    int rows = 0;
    for (JET_ERR err = JetMove(ses, table, JET_MoveFirst, 0); err == JET_errSuccess;
         err = JetMove(ses, table, JET_MoveNext, 0))
        rows++;
    return rows;
}

/* The rows of the restore and checkpointer tests: row `id` holds SUPPORT_VALUE_SIZE bytes of
 * (id * 7 + 1). support_fill_value() writes such a value, support_value_ok() checks one. */
#define SUPPORT_VALUE_SIZE 700u

static inline void support_fill_value(uint8_t value[SUPPORT_VALUE_SIZE], int32_t id)
{
    memset(value, (uint8_t)(id * 7 + 1), SUPPORT_VALUE_SIZE);
}

static inline bool support_value_ok(const uint8_t *value, ESE_ULONG cb, int32_t id)
{
    bool good = cb == SUPPORT_VALUE_SIZE;
    for (uint32_t i = 0; good && i < SUPPORT_VALUE_SIZE; i++)
        good = value[i] == (uint8_t)(id * 7 + 1);
    return good;
}

/* ---- backup streams and restore ------------------------------------------------------------- */

/* cb zeroed bytes aligned to 4096 (what JetReadFileInstance wants); free() them; NULL when
 * out of memory. */
static inline void *support_aligned_alloc(size_t cb)
{
    void *p = NULL;
    if (posix_memalign(&p, 4096, cb) != 0)
        return NULL;
    memset(p, 0, cb);
    return p;
}

/* Where support_copy_backup_file() puts what it reads. */
typedef void (*support_sink)(void *ctx, const uint8_t *data, size_t cb);

/* A sink that writes to the FILE * ctx (nothing when ctx is NULL). */
static inline void support_sink_file(void *ctx, const uint8_t *data, size_t cb)
{
    if (ctx)
        fwrite(data, 1, cb, (FILE *)ctx);
}

/* A sink that appends to a growing malloc'd buffer. */
typedef struct {
    uint8_t *data;
    uint64_t cb;
} support_buffer;

static inline void support_sink_buffer(void *ctx, const uint8_t *data, size_t cb)
{
    support_buffer *b = ctx;
    uint8_t *grown = realloc(b->data, b->cb + cb);
    if (!grown)
        return;
    memcpy(grown + b->cb, data, cb);
    b->data = grown;
    b->cb += cb;
}

#define SUPPORT_READ_CHUNK (16u * 4096u)

/* Read an open backup file (JetReadFileInstance, 16 pages at a time) to its end, handing every
 * chunk to sink; returns the first error (a read that fails ends it). */
static inline JET_ERR support_read_backup_file(JET_INSTANCE inst, JET_HANDLE hf,
                                               support_sink sink, void *ctx)
{
    uint8_t *buf = support_aligned_alloc(SUPPORT_READ_CHUNK);
    if (!buf)
        return JET_errOutOfMemory;
    JET_ERR err;
    for (;;) {
        ESE_ULONG got = 0;
        err = JetReadFileInstance(inst, hf, buf, SUPPORT_READ_CHUNK, &got);
        if (err != JET_errSuccess || got == 0)
            break;
        sink(ctx, buf, got);
    }
    free(buf);
    return err;
}

/* The whole of backup file `name` through the backup API: JetOpenFileInstanceW, reads to the
 * end into sink, JetCloseFileInstance; *preported (when not NULL) gets the size Open
 * reported. Returns the first error (a read's before the close's). */
static inline JET_ERR support_copy_backup_file(JET_INSTANCE inst, const WCHAR *name,
                                               support_sink sink, void *ctx,
                                               uint64_t *preported)
{
    JET_HANDLE hf = 99;
    ESE_ULONG low = 0, high = 0;
    JET_ERR err = JetOpenFileInstanceW(inst, name, &hf, &low, &high);
    if (err != JET_errSuccess)
        return err;
    if (preported)
        *preported = (uint64_t)high << 32 | low;
    err = support_read_backup_file(inst, hf, sink, ctx);
    JET_ERR close_err = JetCloseFileInstance(inst, hf);
    return err != JET_errSuccess ? err : close_err;
}

/* JetExternalRestore2W of one database: checkpoint folder chk, the backup's logs in
 * backup_logs, the rstmap original -> copy, *loginfo's range (a copy is passed), the log
 * folder log_path (or NULL) and the status callback pfn (or NULL). */
static inline JET_ERR support_external_restore(const char *chk, const char *backup_logs,
                                               const char *original, const char *copy,
                                               const JET_LOGINFO_W *loginfo, const char *log_path,
                                               JET_PFNSTATUS pfn)
{
    WCHAR *w_original = support_wdup(original), *w_copy = support_wdup(copy);
    WCHAR *w_chk = support_wdup(chk), *w_logs = support_wdup(backup_logs);
    WCHAR *w_log_path = log_path ? support_wdup(log_path) : NULL;
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

/* Values of the current row of a list table (JET_ColInfoList, JET_IdxInfoList, ...). */
static inline uint32_t list_u32(JET_SESID ses, JET_TABLEID t, JET_COLUMNID c)
{
    uint32_t v = 0xFFFFFFFF;
    ESE_ULONG cb = 0;
    JET_ERR err = JetRetrieveColumn(ses, t, c, &v, sizeof v, &cb, 0, NULL);
    return err == JET_errSuccess && cb == 4 ? v : 0xFFFFFFFF;
}

static inline uint16_t list_u16(JET_SESID ses, JET_TABLEID t, JET_COLUMNID c)
{
    uint16_t v = 0xFFFF;
    ESE_ULONG cb = 0;
    JET_ERR err = JetRetrieveColumn(ses, t, c, &v, sizeof v, &cb, 0, NULL);
    return err == JET_errSuccess && cb == 2 ? v : 0xFFFF;
}

static inline void list_text(JET_SESID ses, JET_TABLEID t, JET_COLUMNID c, char *out, size_t cb_out)
{
    WCHAR w[300];
    ESE_ULONG cb = 0;
    out[0] = 0;
    if (JetRetrieveColumn(ses, t, c, w, sizeof w - sizeof(WCHAR), &cb, 0, NULL) != JET_errSuccess)
        return;
    w[cb / 2] = 0;
    support_narrow(w, out, cb_out);
}

#endif /* ESENT_TESTS_SUPPORT_H */
