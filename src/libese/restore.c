/* restore.c -- hard recovery from a backup set (see restore.h, docs/contract/restore.md). */
#define _DEFAULT_SOURCE /* realpath */
#include "restore.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "dbfile.h"
#include "logfile.h"
#include "osal.h"
#include "osal_files.h"

/* ---- paths --------------------------------------------------------------------------------- */

/* The canonical form of a file path whose file may be gone: realpath of its folder plus its
 * name; the path itself when the folder cannot be resolved.  NULL only when out of memory. */
static char *canonical(const char *path)
{
    char buf[PATH_MAX];
    if (realpath(path, buf))
        return osal_strdup(buf);
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    size_t cb_dir = slash ? (size_t)(slash - path) : 0;
    char *dir = osal_malloc(cb_dir + 2);
    if (!dir)
        return NULL;
    if (slash && cb_dir == 0)
        cb_dir = 1; /* "/x": the root */
    if (cb_dir)
        memcpy(dir, path, cb_dir);
    else
        dir[cb_dir++] = '.';
    dir[cb_dir] = '\0';
    char *result = NULL;
    if (realpath(dir, buf) && strlen(buf) + strlen(name) + 2 <= sizeof buf) {
        if (strcmp(buf, "/") != 0)
            strcat(buf, "/");
        strcat(buf, name);
        result = osal_strdup(buf);
    } else {
        result = osal_strdup(path);
    }
    osal_free(dir);
    return result;
}

bool restore_same_database(const char *logged_path, const char *path)
{
    if (strcmp(logged_path, path) == 0)
        return true;
    char *a = canonical(logged_path), *b = canonical(path);
    bool same = a && b && strcmp(a, b) == 0;
    osal_free(a);
    osal_free(b);
    return same;
}

static bool same_folder(const char *a, const char *b)
{
    char *ca = NULL, *cb = NULL;
    char buf[PATH_MAX];
    ca = realpath(a, buf) ? osal_strdup(buf) : osal_strdup(a);
    cb = realpath(b, buf) ? osal_strdup(buf) : osal_strdup(b);
    bool same = ca && cb && strcmp(ca, cb) == 0;
    osal_free(ca);
    osal_free(cb);
    return same;
}

/* ---- progress ------------------------------------------------------------------------------ */

typedef struct {
    JET_PFNSTATUS pfn;
    JET_SNPROG prog;
    int32_t gen_first, gen_total;
} progress;

/* ESENT calls the status callback with JET_sesidNil and a JET_SNPROG in percent, and ignores
 * what it returns (S:logutil.cxx restore status); libese does the same. */
static void report(progress *p, JET_SNT snt, uint32_t done)
{
    if (!p->pfn)
        return;
    p->prog.cbStruct = sizeof p->prog;
    p->prog.cunitTotal = 100;
    p->prog.cunitDone = done;
    (void)p->pfn(JET_sesidNil, JET_snpRestore, snt, &p->prog);
}

static void on_generation(void *context, int32_t generation)
{
    progress *p = context;
    if (p->gen_total <= 0 || generation < p->gen_first)
        return;
    uint64_t done = (uint64_t)(generation - p->gen_first + 1) * 100u / (uint64_t)(p->gen_total + 1);
    if (done > 99)
        done = 99;
    if (done > p->prog.cunitDone)
        report(p, JET_sntProgress, (uint32_t)done);
}

/* ---- step 1: the backup logs --------------------------------------------------------------- */

typedef struct {
    int32_t gen_low, gen_high;  /* checked */
    int32_t gen_last;           /* the last contiguous generation in the folder */
    uint8_t sign_log[ESE_SIGNATURE_SIZE];
    uint8_t tm_create_last[ESE_LOGTIME_SIZE];
} backup_logs;

static JET_ERR read_archive_header(const char *folder, const log_folder_scan *scan,
                                   int32_t generation, log_header *hdr)
{
    const log_archive_entry *entry = logfile_scan_find(scan, generation);
    if (!entry)
        return JET_errFileNotFound; /* ESENT: the open of a missing backup log (S:logutil.cxx) */
    char *path = NULL;
    JET_ERR err = osal_path_join(folder, entry->name, &path);
    if (err == JET_errSuccess)
        err = logfile_read_header(path, generation, NULL, hdr, NULL);
    osal_free(path);
    return err;
}

static JET_ERR check_backup_logs(const restore_config *config, backup_logs *logs)
{
    log_folder_scan scan;
    memset(&scan, 0, sizeof scan);
    JET_ERR err = logfile_scan_folder(config->backup_log_folder, config->base_name, &scan);
    if (err != JET_errSuccess)
        return err;
    int32_t low = config->gen_low, high = config->gen_high;
    if (low == 0 && high == 0) {
        /* Not given: the contiguous run from the oldest generation present. */
        if (scan.archive_count == 0) {
            err = JET_errFileNotFound;
            goto done;
        }
        low = high = scan.archives[0].generation;
        while (logfile_scan_find(&scan, high + 1))
            high++;
    }
    if (low <= 0 || high < low || high > LOG_GENERATION_MAX) {
        err = JET_errInvalidParameter;
        goto done;
    }
    log_header hdr, previous;
    for (int32_t g = low; g <= high; g++) {
        if ((err = read_archive_header(config->backup_log_folder, &scan, g, &hdr)) != JET_errSuccess)
            goto done;
        if (g > low && memcmp(hdr.sign_log, previous.sign_log, ESE_SIGNATURE_SIZE) != 0) {
            err = JET_errGivenLogFileHasBadSignature;
            goto done;
        }
        if (g > low && memcmp(hdr.tm_prev_gen, previous.tm_create, ESE_LOGTIME_SIZE) != 0) {
            err = JET_errGivenLogFileIsNotContiguous;
            goto done;
        }
        previous = hdr;
    }
    /* Later generations given in the same folder (incremental sets) are replayed as long as they
     * continue the chain; the first one that does not ends the backup logs. */
    int32_t last = high;
    while (last < LOG_GENERATION_MAX &&
           read_archive_header(config->backup_log_folder, &scan, last + 1, &hdr) == JET_errSuccess &&
           memcmp(hdr.sign_log, previous.sign_log, ESE_SIGNATURE_SIZE) == 0 &&
           memcmp(hdr.tm_prev_gen, previous.tm_create, ESE_LOGTIME_SIZE) == 0) {
        previous = hdr;
        last++;
    }
    logs->gen_low = low;
    logs->gen_high = high;
    logs->gen_last = last;
    memcpy(logs->sign_log, previous.sign_log, ESE_SIGNATURE_SIZE);
    memcpy(logs->tm_create_last, previous.tm_create, ESE_LOGTIME_SIZE);
done:
    logfile_scan_free(&scan);
    return err;
}

/* ---- step 2: the database copies ------------------------------------------------------------ */

typedef struct {
    const restore_map_entry *entry;
    bool has_trailer;   /* the copy still ends with its trailer page */
    bool attached;      /* the replayed logs named it */
} restore_db;

/* Is `page` (the last page of a copy) the trailer of the database whose header is `header`? */
static bool is_own_trailer(const uint8_t *page, const uint8_t *header, uint32_t page_size)
{
    return ese_header_verify(page, page_size) && ese_page_is_patch_trailer(page, page_size) &&
           memcmp(page + ESE_PATCHHDR_OFF_SIGN_DB, header + ESE_DBHDR_OFF_SIGN_DB,
                  ESE_SIGNATURE_SIZE) == 0;
}

static bool signature_is_zero(const uint8_t *p)
{
    return logfile_signature_is_zero(p);
}

/* Read the header the way dbfile_open does (primary, else shadow) and say why it is unusable. */
static JET_ERR read_copy_header(osal_file *file, uint32_t page_size, uint8_t *header)
{
    size_t got = 0;
    JET_ERR err = osal_read_at(file, header, page_size, 0, &got);
    if (err != JET_errSuccess)
        return err;
    if (got >= ESE_DBHDR_SIZE && ese_load_u32(header + ESE_DBHDR_OFF_MAGIC) == ESE_MAGIC &&
        ese_header_verify(header, page_size) && ese_header_page_size(header) == page_size)
        return JET_errSuccess;
    if (got >= ESE_DBHDR_SIZE && ese_load_u32(header + ESE_DBHDR_OFF_MAGIC) == ESE_MAGIC) {
        uint32_t stored = ese_header_page_size(header);
        if (stored != page_size && ese_page_size_valid(stored) && stored <= got &&
            ese_header_verify(header, stored))
            return JET_errPageSizeMismatch;
        if (stored != page_size && ese_page_size_valid(stored) && stored > got)
            return JET_errPageSizeMismatch; /* a larger page than we read: another page size */
    }
    err = osal_read_at(file, header, page_size, page_size, &got);
    if (err != JET_errSuccess)
        return err;
    if (got == page_size && ese_load_u32(header + ESE_DBHDR_OFF_MAGIC) == ESE_MAGIC &&
        ese_header_verify(header, page_size) && ese_header_page_size(header) == page_size)
        return JET_errSuccess;
    return JET_errDatabaseCorrupted;
}

static JET_ERR check_copy(const restore_config *config, const backup_logs *logs, restore_db *rdb)
{
    osal_file file = {.fd = -1};
    JET_ERR err = osal_open(rdb->entry->new_path, OSAL_OPEN_READ, &file);
    if (err != JET_errSuccess)
        return err;
    uint32_t page_size = config->page_size;
    uint8_t *header = osal_malloc(page_size), *trailer = osal_malloc(page_size);
    uint64_t size = 0;
    if (!header || !trailer) {
        err = JET_errOutOfMemory;
        goto done;
    }
    if ((err = osal_size(&file, &size)) != JET_errSuccess ||
        (err = read_copy_header(&file, page_size, header)) != JET_errSuccess)
        goto done;
    ese_signature sign_db;
    ese_signature_load(header + ESE_DBHDR_OFF_SIGN_DB, &sign_db);
    if (strcmp(sign_db.computer_name, DBFILE_CREATOR_MARK) != 0) {
        err = JET_errDatabaseFileReadOnly; /* libese never writes esent.dll's databases */
        goto done;
    }
    ese_bkinfo cur;
    ese_bkinfo_load(header + ESE_DBHDR_OFF_BKINFO_FULL_CUR, &cur);
    if (cur.gen_low == 0) {
        err = JET_errRestoreOfNonBackupDatabase;
        goto done;
    }
    /* The database must belong to the logs being replayed. */
    if (!signature_is_zero(header + ESE_DBHDR_OFF_SIGN_LOG) &&
        memcmp(header + ESE_DBHDR_OFF_SIGN_LOG, logs->sign_log, ESE_SIGNATURE_SIZE) != 0) {
        err = JET_errDatabasePatchFileMismatch;
        goto done;
    }
    uint32_t found_low = cur.gen_low, found_high = cur.gen_high;
    rdb->has_trailer = false;
    if (size >= 3ull * page_size && size % page_size == 0) {
        size_t got = 0;
        if ((err = osal_read_at(&file, trailer, page_size, size - page_size, &got)) !=
            JET_errSuccess)
            goto done;
        rdb->has_trailer = got == page_size && is_own_trailer(trailer, header, page_size);
    }
    if (cur.gen_high == 0) {
        /* A copy as it was streamed: its trailer gives the range (facts §5.3). */
        ese_bkinfo tb;
        if (!rdb->has_trailer) {
            err = JET_errDatabasePatchFileMismatch;
            goto done;
        }
        ese_bkinfo_load(trailer + ESE_PATCHHDR_OFF_BKINFO, &tb);
        if (memcmp(trailer + ESE_PATCHHDR_OFF_SIGN_LOG, logs->sign_log, ESE_SIGNATURE_SIZE) != 0 ||
            ese_lgpos_compare(&tb.mark, &cur.mark) != 0 || tb.gen_low != cur.gen_low ||
            tb.gen_high < tb.gen_low) {
            err = JET_errDatabasePatchFileMismatch;
            goto done;
        }
        found_low = tb.gen_low;
        found_high = tb.gen_high;
    }
    /* Otherwise an earlier restore moved the trailer's range into the header already. */
    if (found_low < (uint32_t)logs->gen_low)
        err = JET_errStartingRestoreLogTooHigh;
    else if (found_high > (uint32_t)logs->gen_high)
        err = JET_errEndingRestoreLogTooLow;
done:
    osal_free(header);
    osal_free(trailer);
    osal_close(&file);
    return err;
}

/* ---- step 3: headers rewritten, trailers cut off ------------------------------------------- */

/* The copy is fuzzy: its pages were read at different times.  Redo raised every page it
 * touched, but the header's dbtime must also be at least that of every page the file holds, or
 * a later change could be stamped older than the page it changes (and a later recovery would
 * skip it).  One pass over the file finds the highest dbtime. */
static JET_ERR highest_page_dbtime(ese_dbfile *file, uint32_t page_count, uint64_t *pdbtime)
{
    uint8_t *page = osal_malloc(file->page_size);
    if (!page)
        return JET_errOutOfMemory;
    JET_ERR err = JET_errSuccess;
    uint64_t highest = 0;
    for (uint32_t pgno = 1; pgno <= page_count && err == JET_errSuccess; pgno++) {
        err = dbfile_read_page(file, pgno, page);
        uint64_t dbtime = ese_load_u64(page + ESE_PGHDR_OFF_DBTIME_DIRTIED);
        if (err == JET_errSuccess && dbtime > highest &&
            ese_page_verify(page, file->page_size, pgno, NULL) == ESE_PAGE_OK)
            highest = dbtime;
    }
    osal_free(page);
    *pdbtime = highest;
    return err;
}

static JET_ERR prepare_copy(const restore_config *config, const backup_logs *logs,
                            restore_db *rdb)
{
    ese_dbfile *file = NULL;
    JET_ERR err = dbfile_open(rdb->entry->new_path, config->page_size, false, &file);
    if (err != JET_errSuccess)
        return err;
    uint8_t *h = file->header;
    ese_bkinfo cur;
    ese_bkinfo_load(h + ESE_DBHDR_OFF_BKINFO_FULL_CUR, &cur);
    cur.gen_high = (uint32_t)logs->gen_high;
    ese_bkinfo_store(h + ESE_DBHDR_OFF_BKINFO_FULL_CUR, &cur);
    if (ese_load_u32(h + ESE_DBHDR_OFF_GEN_MAX_COMMITTED) < (uint32_t)logs->gen_high)
        ese_store_u32(h + ESE_DBHDR_OFF_GEN_MAX_COMMITTED, (uint32_t)logs->gen_high);
    if (ese_load_u32(h + ESE_DBHDR_OFF_GEN_MAX_REQUIRED) < (uint32_t)logs->gen_high) {
        ese_store_u32(h + ESE_DBHDR_OFF_GEN_MAX_REQUIRED, (uint32_t)logs->gen_high);
        memset(h + ESE_DBHDR_OFF_LOGTIME_GEN_MAX_REQUIRED, 0, ESE_LOGTIME_SIZE);
    }
    uint64_t dbtime = 0;
    err = highest_page_dbtime(file, file->page_count - (rdb->has_trailer ? 1u : 0u), &dbtime);
    if (err == JET_errSuccess && dbtime > dbfile_dbtime(file))
        dbfile_set_dbtime(file, dbtime);
    /* Dirty until redo marks it clean: a restore that stops half-way never leaves a file that
     * looks usable. */
    dbfile_set_state(file, ESE_DBSTATE_DIRTY_SHUTDOWN);
    if (err == JET_errSuccess)
        err = dbfile_write_header(file);
    if (err == JET_errSuccess && rdb->has_trailer) {
        uint64_t size = 0;
        err = osal_size(&file->file, &size);
        if (err == JET_errSuccess)
            err = osal_set_size(&file->file, size - config->page_size);
        if (err == JET_errSuccess)
            err = dbfile_sync(file);
        if (err == JET_errSuccess)
            rdb->has_trailer = false;
    }
    dbfile_close(file);
    return err;
}

/* ---- step 4: redo ---------------------------------------------------------------------------- */

typedef struct {
    restore_db *dbs;
    size_t count;
} restore_mapping;

static JET_ERR map_database(void *context, const char *logged_path, char **ptarget)
{
    restore_mapping *m = context;
    *ptarget = NULL;
    for (size_t i = 0; i < m->count; i++) {
        if (!restore_same_database(logged_path, m->dbs[i].entry->original_path))
            continue;
        *ptarget = osal_strdup(m->dbs[i].entry->new_path);
        if (!*ptarget)
            return JET_errOutOfMemory;
        m->dbs[i].attached = true;
        return JET_errSuccess;
    }
    return JET_errSuccess; /* not in the map: ignored (facts §5.4) */
}

/* Does `log_folder` continue the backup logs at generation `next`?  *pcontinues, and the
 * header's error only when it cannot be read at all (a missing generation just ends it). */
static JET_ERR log_folder_continues(const restore_config *config, const backup_logs *logs,
                                    int32_t next, bool *pcontinues)
{
    *pcontinues = false;
    log_folder_scan scan;
    memset(&scan, 0, sizeof scan);
    JET_ERR err = logfile_scan_folder(config->log_folder, config->base_name, &scan);
    if (err == JET_errFileNotFound || err == JET_errInvalidPath)
        return JET_errSuccess; /* no folder: nothing to continue with */
    if (err != JET_errSuccess)
        return err;
    log_header hdr;
    char *path = NULL;
    const log_archive_entry *entry = logfile_scan_find(&scan, next);
    if (entry) {
        err = osal_path_join(config->log_folder, entry->name, &path);
    } else if (scan.has_current) {
        char name[32];
        logfile_current_name(config->base_name, name, sizeof name);
        err = osal_path_join(config->log_folder, name, &path);
    }
    if (err == JET_errSuccess && path) {
        JET_ERR read_err = logfile_read_header(path, 0, NULL, &hdr, NULL);
        *pcontinues = read_err == JET_errSuccess && hdr.generation == next &&
                      memcmp(hdr.sign_log, logs->sign_log, ESE_SIGNATURE_SIZE) == 0 &&
                      memcmp(hdr.tm_prev_gen, logs->tm_create_last, ESE_LOGTIME_SIZE) == 0;
    }
    osal_free(path);
    logfile_scan_free(&scan);
    return err;
}

static JET_ERR replay_backup_logs(const restore_config *config, const backup_logs *logs,
                                  redo_state *state)
{
    ese_signature sign;
    ese_signature_load(logs->sign_log, &sign);
    log_reader *reader = NULL;
    JET_ERR err = log_reader_open_range(config->backup_log_folder, config->base_name,
                                        LOG_LSN(logs->gen_low, 0, 0), logs->gen_last, &sign,
                                        &reader);
    log_read_result end = LOG_READ_END;
    if (err == JET_errSuccess)
        err = redo_replay(state, reader, &end);
    log_reader_close(reader);
    if (err == JET_errLogFileCorrupt)
        return JET_errLogCorruptDuringHardRestore;
    if (err == JET_errSuccess && end == LOG_READ_TORN_TAIL)
        return JET_errLogTornWriteDuringHardRestore; /* a backup log is closed: never torn */
    return err;
}

static JET_ERR replay_log_folder(const restore_config *config, const backup_logs *logs,
                                 redo_state *state)
{
    ese_signature sign;
    ese_signature_load(logs->sign_log, &sign);
    log_reader *reader = NULL;
    JET_ERR err = log_reader_open_range(config->log_folder, config->base_name,
                                        LOG_LSN(logs->gen_last + 1, 0, 0), config->log_folder_last,
                                        &sign, &reader);
    if (err == JET_errSuccess)
        err = redo_replay(state, reader, NULL); /* a torn tail there is a crash's: the end */
    log_reader_close(reader);
    if (err == JET_errLogFileCorrupt)
        return JET_errLogCorruptDuringHardRecovery;
    return err;
}

/* ---- the whole restore ------------------------------------------------------------------------- */

JET_ERR restore_run(const restore_config *config, restore_stats *stats)
{
    memset(stats, 0, sizeof *stats);
    if (!config || !config->backup_log_folder || !config->base_name ||
        strlen(config->base_name) != 3 || !ese_page_size_valid(config->page_size) ||
        (config->map_count && !config->map))
        return JET_errInvalidParameter;
    for (size_t i = 0; i < config->map_count; i++)
        if (!config->map[i].original_path || !config->map[i].new_path)
            return JET_errInvalidParameter;

    progress prog;
    memset(&prog, 0, sizeof prog);
    prog.pfn = config->pfn_status;
    report(&prog, JET_sntBegin, 0);

    backup_logs logs;
    memset(&logs, 0, sizeof logs);
    JET_ERR err = check_backup_logs(config, &logs);
    if (err != JET_errSuccess)
        return err;
    stats->gen_low = logs.gen_low;
    stats->gen_high = logs.gen_high;

    restore_db *dbs = config->map_count ? osal_calloc(config->map_count, sizeof *dbs) : NULL;
    if (config->map_count && !dbs)
        return JET_errOutOfMemory;
    for (size_t i = 0; i < config->map_count; i++)
        dbs[i].entry = &config->map[i];
    /* Every copy is checked before any is changed. */
    for (size_t i = 0; i < config->map_count && err == JET_errSuccess; i++)
        err = check_copy(config, &logs, &dbs[i]);
    for (size_t i = 0; i < config->map_count && err == JET_errSuccess; i++)
        err = prepare_copy(config, &logs, &dbs[i]);

    bool continues = false;
    if (err == JET_errSuccess && config->log_folder && config->log_folder[0] &&
        !same_folder(config->log_folder, config->backup_log_folder) &&
        (config->log_folder_last == 0 || config->log_folder_last > logs.gen_last))
        err = log_folder_continues(config, &logs, logs.gen_last + 1, &continues);

    restore_mapping mapping = {dbs, config->map_count};
    prog.gen_first = logs.gen_low;
    prog.gen_total = logs.gen_last - logs.gen_low + 1;
    redo_config redo = {.page_size = config->page_size, .map = map_database,
                        .map_context = &mapping, .on_generation = on_generation,
                        .generation_context = &prog};
    redo_state *state = NULL;
    if (err == JET_errSuccess)
        err = redo_create(&redo, &stats->redo, &state);
    if (err == JET_errSuccess) {
        stats->redo.had_logs = true;
        err = replay_backup_logs(config, &logs, state);
        stats->gen_last_backup = stats->gen_last = log_lsn_generation(stats->redo.end);
    }
    if (err == JET_errSuccess && continues) {
        stats->continued = true;
        err = replay_log_folder(config, &logs, state);
        stats->gen_last = log_lsn_generation(stats->redo.end);
    }
    if (state) {
        JET_ERR finish_err = redo_finish(state, stats->redo.end, err != JET_errSuccess);
        if (err == JET_errSuccess)
            err = finish_err;
    }
    /* A database the replayed logs never named cannot have been brought up to date by them:
     * the map names a file of another log set (or a path the logs never used). */
    for (size_t i = 0; i < config->map_count && err == JET_errSuccess; i++)
        if (!dbs[i].attached)
            err = JET_errDatabaseLogSetMismatch;
    osal_free(dbs);
    if (err == JET_errSuccess)
        report(&prog, JET_sntComplete, 100);
    return err;
}
