/*
 * api_restore.c -- restore through the Jet API: JetExternalRestore2W, JetExternalRestoreW,
 * JetRestoreInstanceW (hard recovery, restore.h) and JetBackupInstanceW (a one-call backup to a
 * folder over the streaming API, api_backup.c).  Contract and choices: docs/contract/restore.md
 * (facts: ese-backup-facts.md §5.1-§5.5 with the audit).
 *
 * No Jet instance object is made for a restore: ESENT's temporary "Restore####" instance only
 * carries parameters, and libese passes them to restore_run directly (page size: the process-wide
 * JET_paramDatabasePageSize; base name: JET_LOGINFO_W, the instance's, or the default "edb").
 * Locks: g_engine.lock only to read parameters and find instances, never across I/O.
 */
#define _DEFAULT_SOURCE /* realpath */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "engine.h"
#include "log.h"
#include "logfile.h"
#include "osal.h"
#include "osal_files.h"
#include "restore.h"

/* ---- helpers ---------------------------------------------------------------------------------- */

/* A Jet path as a UTF-8 POSIX path ('\' read as a separator, as everywhere in libese); NULL
 * gives `fallback` (which may be NULL).  JET_errInvalidPath when it is too long. */
static JET_ERR path_arg(const WCHAR *w, const char *fallback, char **ppath)
{
    *ppath = NULL;
    JET_ERR err = JET_errSuccess;
    char *path = NULL;
    if (w) {
        path = utf16_to_utf8(w, &err);
    } else if (fallback) {
        path = osal_malloc(strlen(fallback) + 1);
        if (path)
            strcpy(path, fallback);
        else
            err = JET_errOutOfMemory;
    } else {
        return JET_errSuccess;
    }
    if (!path)
        return err;
    for (char *c = path; *c; c++)
        if (*c == '\\')
            *c = '/';
    if (strlen(path) >= PATH_MAX - 1) {
        osal_free(path);
        return JET_errInvalidPath;
    }
    *ppath = path;
    return JET_errSuccess;
}

static bool folders_equal(const char *a, const char *b)
{
    char ra[PATH_MAX], rb[PATH_MAX];
    const char *ca = realpath(a, ra) ? ra : a;
    const char *cb = realpath(b, rb) ? rb : b;
    return strcmp(ca, cb) == 0;
}

/* The process-wide page size and, from `params` (NULL: the process-wide defaults), the base
 * name and the CreatePathIfNotExist flag. */
static JET_ERR read_params(const param_value *params, uint32_t *ppage_size, char **pbase,
                           bool *pcreate, char **plog_folder, char **psystem_folder)
{
    JET_ERR err = JET_errSuccess;
    pthread_mutex_lock(&g_engine.lock);
    err = engine_prepare_locked();
    if (err == JET_errSuccess) {
        const param_value *p = params ? params : g_engine.global_params;
        *ppage_size = (uint32_t)g_engine.global_params[PARAM_SLOT_DATABASE_PAGE_SIZE].integer;
        if (pbase && !(*pbase = utf16_to_utf8(p[PARAM_SLOT_BASE_NAME].string, &err)))
            goto done;
        if (pcreate)
            *pcreate = p[PARAM_SLOT_CREATE_PATH_IF_NOT_EXIST].integer != 0;
        if (plog_folder && !(*plog_folder = engine_folder_of(&p[PARAM_SLOT_LOG_FILE_PATH], &err)))
            goto done;
        if (psystem_folder &&
            !(*psystem_folder = engine_folder_of(&p[PARAM_SLOT_SYSTEM_PATH], &err)))
            goto done;
    }
done:
    pthread_mutex_unlock(&g_engine.lock);
    return err;
}

/* ---- a running target instance (JetExternalRestore2W) ---------------------------------------- */

/* Hold a running instance so JetTerm2 waits for us (the streaming backup's gate count). */
static void release_target(ese_instance *inst)
{
    if (!inst)
        return;
    pthread_mutex_lock(&g_engine.lock);
    if (--inst->backup_calls == 0)
        pthread_cond_broadcast(&inst->backup_idle);
    pthread_mutex_unlock(&g_engine.lock);
}

/* The running instance named `name`, or the one whose log folder is `log_folder`; held (see
 * release_target) when found.  *pinst = NULL when none runs. */
static JET_ERR find_target(const WCHAR *name, const char *log_folder, ese_instance **pinst)
{
    *pinst = NULL;
    JET_ERR err = JET_errSuccess;
    pthread_mutex_lock(&g_engine.lock);
    for (size_t i = 0; i < g_engine.instance_count && !*pinst && err == JET_errSuccess; i++) {
        ese_instance *inst = g_engine.instances[i];
        if (inst->state != INSTANCE_RUNNING || !inst->log)
            continue;
        bool match = false;
        if (name) {
            match = inst->name && utf16_compare(inst->name, name) == 0;
        } else if (log_folder) {
            char *theirs = engine_folder_of(&inst->params[PARAM_SLOT_LOG_FILE_PATH], &err);
            match = theirs && folders_equal(theirs[0] ? theirs : ".", log_folder);
            osal_free(theirs);
        }
        if (match) {
            inst->backup_calls++;
            *pinst = inst;
        }
    }
    pthread_mutex_unlock(&g_engine.lock);
    return err;
}

/* ---- JetExternalRestore2W ------------------------------------------------------------------- */

typedef struct {
    restore_map_entry *entries;
    size_t count;
} owned_map;

static void owned_map_free(owned_map *m)
{
    for (size_t i = 0; i < m->count; i++) {
        osal_free((char *)m->entries[i].original_path);
        osal_free((char *)m->entries[i].new_path);
    }
    osal_free(m->entries);
    m->entries = NULL;
    m->count = 0;
}

static JET_ERR convert_map(const JET_RSTMAP_W *rgrstmap, int32_t count, owned_map *m)
{
    m->entries = count ? osal_calloc((size_t)count, sizeof *m->entries) : NULL;
    if (count && !m->entries)
        return JET_errOutOfMemory;
    for (int32_t i = 0; i < count; i++) {
        if (!rgrstmap[i].szDatabaseName || !rgrstmap[i].szNewDatabaseName)
            return JET_errInvalidParameter;
        char *original = NULL, *target = NULL;
        JET_ERR err = path_arg(rgrstmap[i].szDatabaseName, NULL, &original);
        if (err == JET_errSuccess)
            err = path_arg(rgrstmap[i].szNewDatabaseName, NULL, &target);
        if (err != JET_errSuccess) {
            osal_free(original);
            return err;
        }
        m->entries[m->count].original_path = original;
        m->entries[m->count].new_path = target;
        m->count++;
    }
    return JET_errSuccess;
}

/* The restore proper, once the arguments are checked. */
static JET_ERR external_restore(const char *checkpoint_folder, const char *log_folder,
                                const JET_RSTMAP_W *rgrstmap, int32_t crstmap,
                                const char *backup_folder, int32_t gen_low, int32_t gen_high,
                                const char *base, const WCHAR *target_name,
                                const char *target_log_folder, JET_PFNSTATUS pfn)
{
    uint32_t page_size = 0;
    JET_ERR err = read_params(NULL, &page_size, NULL, NULL, NULL, NULL);
    if (err != JET_errSuccess)
        return err;
    /* ESENT's restore instance creates its system (checkpoint) and log folders. */
    if (checkpoint_folder && (err = osal_ensure_directory(checkpoint_folder, 1)) != JET_errSuccess)
        return err;
    if (log_folder && (err = osal_ensure_directory(log_folder, 1)) != JET_errSuccess)
        return err;

    ese_instance *target = NULL;
    const char *continue_folder = log_folder;
    int32_t target_last = 0;
    if (target_name || target_log_folder) {
        err = find_target(target_name, target_log_folder, &target);
        if (err != JET_errSuccess)
            return err;
        if (!target && target_name)
            return JET_errBadRestoreTargetInstance; /* named but not running (facts §5.4) */
        continue_folder = target_log_folder;
    }
    char *target_folder = NULL;
    if (target) {
        char *target_base = NULL;
        pthread_mutex_lock(&g_engine.lock);
        target_folder = engine_folder_of(&target->params[PARAM_SLOT_LOG_FILE_PATH], &err);
        if (target_folder)
            target_base = utf16_to_utf8(target->params[PARAM_SLOT_BASE_NAME].string, &err);
        pthread_mutex_unlock(&g_engine.lock);
        if (err == JET_errSuccess && strcmp(target_base, base) != 0)
            err = JET_errBadRestoreTargetInstance; /* another base name: not its logs */
        osal_free(target_base);
        /* A running target: roll its log so everything it wrote so far is in closed
         * generations, and replay up to there (facts §5.4). */
        int32_t next = 0;
        if (err == JET_errSuccess)
            err = log_roll(target->log, &next);
        target_last = next - 1;
        continue_folder = target_folder && target_folder[0] ? target_folder : ".";
    }

    owned_map map = {0};
    if (err == JET_errSuccess)
        err = convert_map(rgrstmap, crstmap, &map);
    if (err == JET_errSuccess) {
        restore_config config = {
            .backup_log_folder = backup_folder,
            .log_folder = continue_folder,
            .base_name = base,
            .page_size = page_size,
            .gen_low = gen_low,
            .gen_high = gen_high,
            .map = map.entries,
            .map_count = map.count,
            .pfn_status = pfn,
            .log_folder_last = target_last,
        };
        restore_stats stats;
        err = restore_run(&config, &stats);
        if (err == JET_errSuccess && target)
            err = JET_wrnTargetInstanceRunning;
    }
    owned_map_free(&map);
    osal_free(target_folder);
    release_target(target);
    return err;
}

JET_ERR JET_API JetExternalRestore2W(JET_PWSTR szCheckpointFilePath, JET_PWSTR szLogPath,
                                     JET_RSTMAP_W *rgrstmap, ESE_LONG crstfilemap,
                                     JET_PWSTR szBackupLogPath, JET_LOGINFO_W *pLogInfo,
                                     JET_PWSTR szTargetInstanceName,
                                     JET_PWSTR szTargetInstanceLogPath,
                                     JET_PWSTR szTargetInstanceCheckpointPath,
                                     JET_PFNSTATUS pfn)
{
    if (!pLogInfo || pLogInfo->cbSize != sizeof(JET_LOGINFO_W))
        return JET_errInvalidParameter;
    if (crstfilemap < 0 || (crstfilemap > 0 && !rgrstmap))
        return JET_errInvalidParameter;
    /* A target is named or given by its paths, never both; its two paths go together. */
    if (szTargetInstanceName && szTargetInstanceLogPath)
        return JET_errInvalidParameter;
    if (!szTargetInstanceLogPath != !szTargetInstanceCheckpointPath)
        return JET_errInvalidParameter;
    if (pLogInfo->ulGenLow > (uint32_t)LOG_GENERATION_MAX ||
        pLogInfo->ulGenHigh > (uint32_t)LOG_GENERATION_MAX)
        return JET_errInvalidParameter;
    JET_ERR err;
    char *base = utf16_to_utf8(pLogInfo->szBaseName, &err);
    if (!base)
        return err;
    if (strlen(base) != JET_BASE_NAME_LENGTH) {
        osal_free(base);
        return JET_errInvalidParameter;
    }
    char *checkpoint = NULL, *logs = NULL, *backup = NULL, *target_logs = NULL;
    err = path_arg(szCheckpointFilePath, NULL, &checkpoint);
    if (err == JET_errSuccess)
        err = path_arg(szLogPath, NULL, &logs);
    if (err == JET_errSuccess)
        err = path_arg(szBackupLogPath, ".", &backup);
    if (err == JET_errSuccess)
        err = path_arg(szTargetInstanceLogPath, NULL, &target_logs);
    if (err == JET_errSuccess)
        err = external_restore(checkpoint, logs, rgrstmap, crstfilemap, backup,
                               (int32_t)pLogInfo->ulGenLow, (int32_t)pLogInfo->ulGenHigh, base,
                               szTargetInstanceName, target_logs, pfn);
    osal_free(checkpoint);
    osal_free(logs);
    osal_free(backup);
    osal_free(target_logs);
    osal_free(base);
    return err;
}

JET_ERR JET_API JetExternalRestoreW(JET_PWSTR szCheckpointFilePath, JET_PWSTR szLogPath,
                                    JET_RSTMAP_W *rgrstmap, ESE_LONG crstfilemap,
                                    JET_PWSTR szBackupLogPath, ESE_LONG genLow, ESE_LONG genHigh,
                                    JET_PFNSTATUS pfn)
{
    if (crstfilemap < 0 || (crstfilemap > 0 && !rgrstmap) || genLow < 0 || genHigh < 0)
        return JET_errInvalidParameter;
    char *base = NULL;
    uint32_t page_size;
    JET_ERR err = read_params(NULL, &page_size, &base, NULL, NULL, NULL);
    char *checkpoint = NULL, *logs = NULL, *backup = NULL;
    if (err == JET_errSuccess)
        err = path_arg(szCheckpointFilePath, NULL, &checkpoint);
    if (err == JET_errSuccess)
        err = path_arg(szLogPath, NULL, &logs);
    if (err == JET_errSuccess)
        err = path_arg(szBackupLogPath, ".", &backup);
    if (err == JET_errSuccess)
        err = external_restore(checkpoint, logs, rgrstmap, crstfilemap, backup, genLow, genHigh,
                               base, NULL, NULL, pfn);
    osal_free(checkpoint);
    osal_free(logs);
    osal_free(backup);
    osal_free(base);
    return err;
}

/* ---- files and folders for JetBackupInstanceW / JetRestoreInstanceW -------------------------- */

static const char *name_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static bool has_suffix(const char *name, const char *suffix)
{
    size_t n = strlen(name), s = strlen(suffix);
    return n >= s && strcasecmp(name + n - s, suffix) == 0;
}

/* Delete every file in `folder`, then the folder (it may be missing).  Directory removal goes
 * straight to rmdir(2): osal has no door for it and, like rename, it has no fault kind. */
static JET_ERR delete_folder(const char *folder)
{
    osal_dir_listing listing = {0};
    JET_ERR err = osal_list_directory(folder, &listing);
    if (err == JET_errFileNotFound || err == JET_errInvalidPath)
        return JET_errSuccess;
    for (size_t i = 0; i < listing.count && err == JET_errSuccess; i++) {
        char *p = NULL;
        err = osal_path_join(folder, listing.names[i], &p);
        if (err == JET_errSuccess) {
            err = osal_unlink(p);
            if (err == JET_errFileNotFound)
                err = JET_errSuccess;
        }
        osal_free(p);
    }
    osal_dir_listing_free(&listing);
    if (err == JET_errSuccess && rmdir(folder) != 0)
        err = JET_errDeleteBackupFileFail;
    return err != JET_errSuccess ? JET_errDeleteBackupFileFail : err;
}

static JET_ERR sub_folder(const char *folder, const char *name, char **ppath)
{
    return osal_path_join(folder, name, ppath);
}

static bool folder_exists(const char *p)
{
    return osal_ensure_directory(p, 0) == JET_errSuccess;
}

/* Copy `from` to `to` (replaced), fsync it.  The destination is locked first: a database a
 * running instance holds is never overwritten (JET_errFileAccessDenied). */
static JET_ERR copy_file(const char *from, const char *to)
{
    osal_file in = {.fd = -1}, out = {.fd = -1};
    uint8_t *buf = NULL;
    const size_t chunk = 1u << 20;
    JET_ERR err = osal_open(from, OSAL_OPEN_READ, &in);
    if (err == JET_errSuccess)
        err = osal_open(to, OSAL_OPEN_READ | OSAL_OPEN_WRITE | OSAL_OPEN_CREATE, &out);
    if (err == JET_errSuccess)
        err = osal_lock_exclusive(&out);
    if (err == JET_errSuccess)
        err = osal_set_size(&out, 0);
    if (err == JET_errSuccess && !(buf = osal_malloc(chunk)))
        err = JET_errOutOfMemory;
    for (uint64_t offset = 0; err == JET_errSuccess;) {
        size_t got = 0;
        err = osal_read_at(&in, buf, chunk, offset, &got);
        if (err != JET_errSuccess || got == 0)
            break;
        err = osal_files_write_at(&out, buf, got, offset);
        offset += got;
    }
    if (err == JET_errSuccess)
        err = osal_files_sync(&out);
    osal_free(buf);
    osal_close(&in);
    JET_ERR close_err = out.fd >= 0 ? osal_close(&out) : JET_errSuccess;
    return err != JET_errSuccess ? err : close_err;
}

/* ---- JetRestoreInstanceW ------------------------------------------------------------------------ */

/* Does `folder` hold archived logs of `base`? */
static JET_ERR holds_logs(const char *folder, const char *base, bool *pyes)
{
    log_folder_scan scan;
    memset(&scan, 0, sizeof scan);
    *pyes = false;
    JET_ERR err = logfile_scan_folder(folder, base, &scan);
    if (err == JET_errFileNotFound || err == JET_errInvalidPath)
        return JET_errSuccess;
    *pyes = err == JET_errSuccess && scan.archive_count > 0;
    logfile_scan_free(&scan);
    return err;
}

/* The folder of a backup made by JetBackupInstanceW: `sz` itself, or its atomic layouts'
 * new\ or old\ (facts §5.2). */
static JET_ERR find_backup_folder(const char *sz, const char *base, char **pfolder)
{
    static const char *const subs[] = {NULL, "new", "old"};
    for (size_t i = 0; i < 3; i++) {
        char *folder = NULL;
        JET_ERR err = subs[i] ? sub_folder(sz, subs[i], &folder) : path_arg(NULL, sz, &folder);
        bool yes = false;
        if (err == JET_errSuccess)
            err = holds_logs(folder, base, &yes);
        if (err == JET_errSuccess && yes) {
            *pfolder = folder;
            return JET_errSuccess;
        }
        osal_free(folder);
        if (err != JET_errSuccess)
            return err;
    }
    return JET_errFileNotFound;
}

/* The path the backup logs recorded for a database file named `name` (the last ATTACH of a
 * path ending in that name), or NULL when they name none. */
static JET_ERR logged_path_for(const char *folder, const char *base, const char *name,
                               char **ppath)
{
    *ppath = NULL;
    log_reader *reader = NULL;
    JET_ERR err = log_reader_open(folder, base, 0, NULL, &reader);
    while (err == JET_errSuccess) {
        log_record rec;
        log_read_result result;
        err = log_reader_next(reader, &rec, &result);
        if (err != JET_errSuccess || result != LOG_READ_RECORD)
            break;
        if (rec.type != LOG_REC_ATTACH_DB)
            continue;
        log_database_ref ref;
        if ((err = log_decode_database_ref(&rec, &ref)) != JET_errSuccess)
            break;
        size_t cb_name = strlen(name);
        if (ref.cb_path < cb_name || memcmp(ref.path + ref.cb_path - cb_name, name, cb_name) != 0 ||
            (ref.cb_path > cb_name && ref.path[ref.cb_path - cb_name - 1] != '/'))
            continue;
        char *copy = osal_malloc((size_t)ref.cb_path + 1);
        if (!copy) {
            err = JET_errOutOfMemory;
            break;
        }
        memcpy(copy, ref.path, ref.cb_path);
        copy[ref.cb_path] = '\0';
        osal_free(*ppath);
        *ppath = copy;
    }
    log_reader_close(reader);
    if (err == JET_errLogFileCorrupt)
        err = JET_errLogCorruptDuringHardRestore;
    if (err != JET_errSuccess) {
        osal_free(*ppath);
        *ppath = NULL;
    }
    return err;
}

/* The databases of a backup folder: one per <name>.pat, the file beside it with the same name
 * and another extension; each restored to `dest`/<file> or to the path the logs recorded. */
static JET_ERR build_instance_map(const char *folder, const char *base, const char *dest,
                                  bool create_dest, owned_map *map)
{
    osal_dir_listing listing = {0};
    JET_ERR err = osal_list_directory(folder, &listing);
    if (err != JET_errSuccess)
        return err;
    size_t pats = 0;
    for (size_t i = 0; i < listing.count; i++)
        pats += has_suffix(listing.names[i], ".pat");
    if (pats == 0)
        err = JET_errPatchFileMissing;
    if (err == JET_errSuccess && !(map->entries = osal_calloc(pats, sizeof *map->entries)))
        err = JET_errOutOfMemory;
    if (err == JET_errSuccess && dest)
        err = osal_ensure_directory(dest, create_dest);
    for (size_t i = 0; i < listing.count && err == JET_errSuccess; i++) {
        const char *pat = listing.names[i];
        if (!has_suffix(pat, ".pat"))
            continue;
        size_t stem = strlen(pat) - 4;
        const char *db_name = NULL;
        for (size_t j = 0; j < listing.count && !db_name; j++) {
            const char *n = listing.names[j];
            if (j != i && strncmp(n, pat, stem) == 0 && n[stem] == '.' && !has_suffix(n, ".pat") &&
                !has_suffix(n, ".log"))
                db_name = n;
        }
        if (!db_name) {
            err = JET_errFileNotFound;
            break;
        }
        char *original = NULL, *source = NULL, *target = NULL;
        err = logged_path_for(folder, base, db_name, &original);
        if (err == JET_errSuccess && !original)
            err = JET_errDatabaseLogSetMismatch; /* the logs never attached such a file */
        if (err == JET_errSuccess)
            err = osal_path_join(folder, db_name, &source);
        if (err == JET_errSuccess)
            err = dest ? osal_path_join(dest, db_name, &target) : path_arg(NULL, original, &target);
        /* The copy the restore works on is made now; the backup set itself stays untouched. */
        if (err == JET_errSuccess && !restore_same_database(source, target))
            err = copy_file(source, target);
        osal_free(source);
        if (err == JET_errSuccess) {
            map->entries[map->count].original_path = original;
            map->entries[map->count].new_path = target;
            map->count++;
        } else {
            osal_free(original);
            osal_free(target);
        }
    }
    osal_dir_listing_free(&listing);
    return err;
}

JET_ERR JET_API JetRestoreInstanceW(JET_INSTANCE instance, JET_PCWSTR sz, JET_PCWSTR szDest,
                                    JET_PFNSTATUS pfn)
{
    /* The instance is created and not initialised; 0 / JET_instanceNil: a temporary one, i.e.
     * the process-wide parameters (facts §5.2). */
    param_value params[PARAM_SLOT_COUNT];
    memset(params, 0, sizeof params);
    bool own_params = false;
    JET_ERR err = JET_errSuccess;
    if (instance != 0 && instance != JET_instanceNil) {
        pthread_mutex_lock(&g_engine.lock);
        ese_instance *inst = NULL;
        err = engine_find_instance_locked(instance, &inst);
        if (err == JET_errSuccess) {
            if (inst->state == INSTANCE_RUNNING)
                err = JET_errAlreadyInitialized;
            else if (inst->state == INSTANCE_INITIALIZING)
                err = JET_errInitInProgress;
            else if (inst->state == INSTANCE_TERMINATING)
                err = JET_errTermInProgress;
        }
        if (err == JET_errSuccess && (err = params_copy(params, inst->params)) == JET_errSuccess)
            own_params = true;
        pthread_mutex_unlock(&g_engine.lock);
        if (err != JET_errSuccess)
            return err;
    }
    uint32_t page_size = 0;
    char *base = NULL, *log_folder = NULL, *source = NULL, *dest = NULL, *folder = NULL;
    bool create = false;
    err = read_params(own_params ? params : NULL, &page_size, &base, &create, &log_folder, NULL);
    if (err == JET_errSuccess)
        err = path_arg(sz, ".", &source);
    if (err == JET_errSuccess)
        err = path_arg(szDest, NULL, &dest);
    if (err == JET_errSuccess)
        err = find_backup_folder(source, base, &folder);
    owned_map map = {0};
    if (err == JET_errSuccess)
        err = build_instance_map(folder, base, dest, create, &map);
    if (err == JET_errSuccess) {
        restore_config config = {
            .backup_log_folder = folder,
            .log_folder = log_folder && log_folder[0] ? log_folder : ".",
            .base_name = base,
            .page_size = page_size,
            .map = map.entries,
            .map_count = map.count,
            .pfn_status = pfn,
        };
        restore_stats stats;
        err = restore_run(&config, &stats);
    }
    owned_map_free(&map);
    osal_free(folder);
    osal_free(dest);
    osal_free(source);
    osal_free(log_folder);
    osal_free(base);
    if (own_params)
        params_free(params);
    return err;
}

/* ---- JetBackupInstanceW ------------------------------------------------------------------------- */

#define BACKUP_COPY_PAGES 64u

/* Copy one file through the streaming API (so the engine checks every page and log block and
 * counts the logs read for truncation) into `folder`/<its name>. */
static JET_ERR stream_to(JET_INSTANCE instance, const WCHAR *name, const char *folder,
                         uint32_t page_size)
{
    JET_ERR err;
    char *utf8 = utf16_to_utf8(name, &err), *target = NULL;
    if (!utf8)
        return err;
    for (char *c = utf8; *c; c++)
        if (*c == '\\')
            *c = '/';
    err = osal_path_join(folder, name_of(utf8), &target);
    osal_free(utf8);
    if (err != JET_errSuccess)
        return err;
    JET_HANDLE hf = 0;
    ESE_ULONG low = 0, high = 0;
    bool open = false;
    osal_file out = {.fd = -1};
    void *buf = NULL;
    err = JetOpenFileInstanceW(instance, name, &hf, &low, &high);
    open = err == JET_errSuccess;
    if (err == JET_errSuccess)
        err = osal_open(target, OSAL_OPEN_READ | OSAL_OPEN_WRITE | OSAL_OPEN_CREATE, &out);
    if (err == JET_errSuccess)
        err = osal_set_size(&out, 0);
    size_t cb = (size_t)BACKUP_COPY_PAGES * page_size;
    /* JetReadFileInstance wants an OS-page-aligned buffer (§3.4); osal has no aligned
     * allocation, so this one is outside fault injection. */
    if (err == JET_errSuccess && posix_memalign(&buf, 4096, cb) != 0)
        err = JET_errOutOfMemory;
    for (uint64_t offset = 0; err == JET_errSuccess;) {
        ESE_ULONG got = 0;
        err = JetReadFileInstance(instance, hf, buf, (ESE_ULONG)cb, &got);
        if (err != JET_errSuccess || got == 0)
            break;
        err = osal_files_write_at(&out, buf, got, offset);
        offset += got;
    }
    if (err == JET_errSuccess)
        err = osal_files_sync(&out);
    free(buf);
    if (out.fd >= 0) {
        JET_ERR close_err = osal_close(&out);
        if (err == JET_errSuccess)
            err = close_err;
    }
    if (open) {
        JET_ERR close_err = JetCloseFileInstance(instance, hf);
        if (err == JET_errSuccess)
            err = close_err;
    }
    osal_free(target);
    return err;
}

/* The folder layout of facts §5.1: the folder the files go to (*pwork), the <dir>/temp folder
 * made for an atomic full backup (to be promoted). */
static JET_ERR prepare_backup_folder(const char *dir, bool full, bool atomic, bool create,
                                     char **pwork)
{
    char *temp = NULL, *new_dir = NULL, *old_dir = NULL;
    JET_ERR err = osal_ensure_directory(dir, create);
    if (err == JET_errSuccess)
        err = sub_folder(dir, "temp", &temp);
    if (err == JET_errSuccess)
        err = sub_folder(dir, "new", &new_dir);
    if (err == JET_errSuccess)
        err = sub_folder(dir, "old", &old_dir);
    if (err == JET_errSuccess)
        err = delete_folder(temp);
    if (err == JET_errSuccess && atomic) {
        if (folder_exists(new_dir)) {
            /* the previous backup becomes old\ (the one before it goes) */
            err = delete_folder(old_dir);
            if (err == JET_errSuccess && osal_rename(new_dir, old_dir) != JET_errSuccess)
                err = JET_errDeleteBackupFileFail;
        }
        if (err == JET_errSuccess && full) {
            err = osal_ensure_directory(temp, 1);
            if (err != JET_errSuccess)
                err = JET_errMakeBackupDirectoryFail;
            if (err == JET_errSuccess) {
                *pwork = temp;
                temp = NULL;
            }
        } else if (err == JET_errSuccess) {
            /* incremental: its logs join the previous full set, now in old\ (as ESENT) */
            err = osal_ensure_directory(old_dir, 1);
            if (err == JET_errSuccess) {
                *pwork = old_dir;
                old_dir = NULL;
            }
        }
    } else if (err == JET_errSuccess) {
        if (!full) {
            if (folder_exists(new_dir) || folder_exists(old_dir))
                err = JET_errBackupDirectoryNotEmpty;
        } else {
            osal_dir_listing listing = {0};
            err = osal_list_directory(dir, &listing);
            if (err == JET_errSuccess && listing.count)
                err = JET_errBackupDirectoryNotEmpty;
            osal_dir_listing_free(&listing);
        }
        if (err == JET_errSuccess)
            err = path_arg(NULL, dir, pwork);
    }
    osal_free(temp);
    osal_free(new_dir);
    osal_free(old_dir);
    return err;
}

/* An atomic full backup done in temp\: it becomes new\, old\ goes. */
static JET_ERR promote_backup_folder(const char *dir, const char *work)
{
    char *new_dir = NULL, *old_dir = NULL;
    JET_ERR err = sub_folder(dir, "new", &new_dir);
    if (err == JET_errSuccess)
        err = sub_folder(dir, "old", &old_dir);
    if (err == JET_errSuccess)
        err = osal_rename(work, new_dir);
    if (err == JET_errSuccess)
        err = osal_sync_directory(dir);
    if (err == JET_errSuccess)
        err = delete_folder(old_dir);
    osal_free(new_dir);
    osal_free(old_dir);
    return err;
}

static void report_backup(JET_PFNSTATUS pfn, JET_SNT snt, uint32_t done)
{
    if (!pfn)
        return;
    JET_SNPROG prog = {sizeof prog, done, 100};
    (void)pfn(JET_sesidNil, JET_snpBackup, snt, &prog); /* its result is ignored (facts §5.1) */
}

JET_ERR JET_API JetBackupInstanceW(JET_INSTANCE instance, JET_PCWSTR szBackupPath,
                                   JET_GRBIT grbit, JET_PFNSTATUS pfnStatus)
{
    /* Only Incremental and Atomic mean anything; other bits are ignored, as ESENT's source does
     * (facts §5.1, DOC≠SRC: the docs list JET_errInvalidGrbit). */
    bool full = !(grbit & JET_bitBackupIncremental), atomic = (grbit & JET_bitBackupAtomic) != 0;
    JET_ERR err = JetBeginExternalBackupInstance(instance, full ? 0 : JET_bitBackupIncremental);
    if (err != JET_errSuccess)
        return err;
    char *dir = NULL, *work = NULL;
    WCHAR *names = NULL;
    uint32_t page_size = 0;
    bool create = false;
    err = read_params(NULL, &page_size, NULL, NULL, NULL, NULL);
    if (err == JET_errSuccess) {
        pthread_mutex_lock(&g_engine.lock);
        ese_instance *inst = NULL;
        if (engine_find_instance_locked(instance, &inst) == JET_errSuccess)
            create = inst->params[PARAM_SLOT_CREATE_PATH_IF_NOT_EXIST].integer != 0;
        pthread_mutex_unlock(&g_engine.lock);
    }
    if (err == JET_errSuccess && (!szBackupPath || !szBackupPath[0])) {
        /* Truncating logs without a copy: ESENT's source then fails its truncation with
         * JET_errInvalidBackupSequence (facts §5.1, UNCONFIRMED on esent.dll); libese does the
         * same and deletes nothing. */
        err = JET_errInvalidBackupSequence;
    }
    if (err == JET_errSuccess && utf16_length(szBackupPath) >= 259)
        err = JET_errInvalidPath; /* MAX_PATH - 1 (facts §5.1) */
    if (err == JET_errSuccess)
        err = path_arg(szBackupPath, NULL, &dir);
    if (err == JET_errSuccess)
        err = prepare_backup_folder(dir, full, atomic, create, &work);
    if (err == JET_errSuccess && full) {
        report_backup(pfnStatus, JET_sntBegin, 0);
        ESE_ULONG cb = 0;
        err = JetGetAttachInfoInstanceW(instance, NULL, 0, &cb);
        if (err == JET_errSuccess && !(names = osal_calloc(1, cb + sizeof(WCHAR))))
            err = JET_errOutOfMemory;
        if (err == JET_errSuccess)
            err = JetGetAttachInfoInstanceW(instance, names, cb, &cb);
        for (const WCHAR *n = names; err == JET_errSuccess && n && *n; n += utf16_length(n) + 1) {
            err = stream_to(instance, n, work, page_size);
            /* The database's empty <name>.pat goes straight into the backup (ESENT also leaves
             * one beside the live database; libese never writes there). */
            char *utf8 = err == JET_errSuccess ? utf16_to_utf8(n, &err) : NULL, *pat = NULL;
            if (utf8) {
                char *dot = strrchr(utf8, '.'), *slash = strrchr(utf8, '/');
                if (dot && (!slash || dot > slash))
                    *dot = '\0';
                size_t len = strlen(name_of(utf8));
                char leaf[300];
                if (len + 5 > sizeof leaf)
                    err = JET_errInvalidPath;
                else {
                    memcpy(leaf, name_of(utf8), len);
                    memcpy(leaf + len, ".pat", 5);
                    err = osal_path_join(work, leaf, &pat);
                }
                osal_file f = {.fd = -1};
                if (err == JET_errSuccess)
                    err = osal_open(pat, OSAL_OPEN_READ | OSAL_OPEN_WRITE | OSAL_OPEN_CREATE, &f);
                if (err == JET_errSuccess) {
                    err = osal_set_size(&f, 0);
                    JET_ERR close_err = osal_close(&f);
                    if (err == JET_errSuccess)
                        err = close_err;
                }
            }
            osal_free(utf8);
            osal_free(pat);
        }
        osal_free(names);
        names = NULL;
    }
    /* The logs: the first GetLogInfo rolls the log; each listed file is copied. */
    if (err == JET_errSuccess) {
        ESE_ULONG cb = 0;
        JET_LOGINFO_W info = {.cbSize = sizeof info};
        err = JetGetLogInfoInstance2W(instance, NULL, 0, &cb, &info);
        if (err == JET_errSuccess && !(names = osal_calloc(1, cb + sizeof(WCHAR))))
            err = JET_errOutOfMemory;
        if (err == JET_errSuccess)
            err = JetGetLogInfoInstance2W(instance, names, cb, &cb, &info);
        for (const WCHAR *n = names; err == JET_errSuccess && n && *n; n += utf16_length(n) + 1)
            err = stream_to(instance, n, work, page_size);
    }
    if (err == JET_errSuccess) {
        err = osal_sync_directory(work);
        if (err == JET_errSuccess && atomic && full)
            err = promote_backup_folder(dir, work);
    }
    if (err == JET_errSuccess)
        err = JetTruncateLogInstance(instance);
    if (err == JET_errSuccess && full)
        report_backup(pfnStatus, JET_sntComplete, 100);
    JET_ERR end = JetEndExternalBackupInstance2(
        instance, err == JET_errSuccess ? JET_bitBackupEndNormal : JET_bitBackupEndAbort);
    if (err == JET_errSuccess)
        err = end;
    if (dir) {
        /* <dir>\temp never survives the call (a failed atomic backup leaves old\ / new\ as they
         * were, a failed non-atomic one whatever it copied). */
        char *temp = NULL;
        if (sub_folder(dir, "temp", &temp) == JET_errSuccess)
            (void)delete_folder(temp);
        osal_free(temp);
    }
    osal_free(names);
    osal_free(work);
    osal_free(dir);
    return err;
}
