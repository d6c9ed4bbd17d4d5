/*
 * backup.c -- the streaming backup's state machine and streams (see backup.h; the contract and
 * every choice where ESENT's docs and source disagree are in docs/contract/backup.md, whose
 * section numbers "§" below refer to ese-backup-facts.md unless they say "audit").
 *
 * Every function here runs with bk->lock held by its caller (api_backup.c), after the instance
 * entry gate.  The result matrix (§2.1) is checked in its order at the top of each function:
 * no backup -> JET_errNoBackup, then a stop request -> JET_errBackupAbortByServer, then the
 * function's own preconditions.  "Cancel" ends the whole backup as aborted (no header update).
 */
#define _DEFAULT_SOURCE /* realpath */
#include "backup.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "api_data.h"
#include "bufmgr.h"
#include "checkpoint.h"
#include "dbfile.h"
#include "log.h"
#include "logfile.h"
#include "osal_files.h"

/* JetReadFileInstance wants a buffer aligned to the OS memory page: Windows' dwPageSize, 4 KiB
 * on every Windows platform.  libese asks for the same alignment everywhere (not the host's
 * page size, which is 16 KiB on some ARM systems), so one binding fits both engines. */
#define BACKUP_BUFFER_ALIGNMENT 4096u
/* Pages copied under one buffer-manager range lock: flushes of those pages wait meanwhile. */
#define BACKUP_PAGES_PER_LOCK 64u
/* Flags of the LOG_REC_BACKUP_* records. */
#define BACKUP_MARK_INCREMENTAL 0x1u
#define BACKUP_MARK_NORMAL_END 0x2u

void backup_init(ese_backup *bk)
{
    memset(bk, 0, sizeof *bk);
    pthread_mutex_init(&bk->lock, NULL);
    bk->file.file.fd = -1;
}

static void close_handle(ese_backup *bk)
{
    backup_file *f = &bk->file;
    osal_free(f->header);
    if (f->file.fd >= 0)
        osal_close(&f->file);
    memset(f, 0, sizeof *f);
    f->file.fd = -1;
}

static void free_state(ese_backup *bk)
{
    close_handle(bk);
    for (size_t i = 0; i < bk->db_count; i++)
        osal_free(bk->dbs[i].identity);
    osal_free(bk->dbs);
    osal_free(bk->log_copied);
    /* Every field but the lock, which the caller may hold. */
    bk->status = BACKUP_NOT_STARTED;
    bk->full = bk->rolled = bk->truncated = false;
    bk->copy_mic = bk->copy_mac = bk->delete_mic = bk->delete_mac = 0;
    bk->log_copied = NULL;
    memset(&bk->mark, 0, sizeof bk->mark);
    memset(&bk->mark_time, 0, sizeof bk->mark_time);
    bk->dbs = NULL;
    bk->db_count = bk->db_cap = 0;
}

void backup_destroy(ese_backup *bk)
{
    free_state(bk);
    pthread_mutex_destroy(&bk->lock);
}

/* ---- small helpers ------------------------------------------------------------------------ */

static bool stop_requested(ese_instance *inst)
{
    pthread_mutex_lock(&g_engine.lock);
    bool stop = inst->stop_backup_requested;
    pthread_mutex_unlock(&g_engine.lock);
    return stop;
}

static uint32_t database_page_size(void)
{
    pthread_mutex_lock(&g_engine.lock);
    uint32_t cb = (uint32_t)g_engine.global_params[PARAM_SLOT_DATABASE_PAGE_SIZE].integer;
    pthread_mutex_unlock(&g_engine.lock);
    return cb;
}

static ese_lgpos lgpos_of(log_lsn lsn)
{
    return log_lsn_to_lgpos(lsn);
}

/* Append a LOG_REC_BACKUP_* record; *mark (may be NULL) gets where it starts. */
static JET_ERR append_mark(ese_instance *inst, uint8_t type, uint32_t flags, int32_t generation,
                           ese_lgpos *mark)
{
    uint8_t payload[LOG_BACKUP_MARK_SIZE];
    ese_store_u32(payload, flags);
    ese_store_u32(payload + 4, (uint32_t)generation);
    log_part part = {payload, sizeof payload};
    log_lsn start = 0;
    JET_ERR err = log_appendv(inst->log, type, &part, 1, &start, NULL);
    if (err == JET_errSuccess && mark)
        *mark = lgpos_of(start);
    return err;
}

/* End the backup: close the handle, write the stop record, let circular logging delete again,
 * forget everything.  `normal` only says which stop record is written. */
static void finish(ese_instance *inst, bool normal)
{
    ese_backup *bk = &inst->backup;
    if (bk->status == BACKUP_NOT_STARTED)
        return;
    if (inst->log) {
        /* Best effort: a dead log cannot take the record, and the backup ends regardless. */
        append_mark(inst, LOG_REC_BACKUP_STOP,
                    (bk->full ? 0 : BACKUP_MARK_INCREMENTAL) | (normal ? BACKUP_MARK_NORMAL_END : 0),
                    bk->copy_mac, NULL);
        log_resume_deletion(inst->log);
    }
    free_state(bk);
    pthread_mutex_lock(&g_engine.lock);
    inst->backup_active = false;
    inst->stop_backup_requested = false;
    pthread_mutex_unlock(&g_engine.lock);
}

/* The whole backup is cancelled (§2: errors in state LogsAndPatches and the ones the matrix
 * marks "cancel"); the error is passed through. */
static JET_ERR cancel(ese_instance *inst, JET_ERR err)
{
    finish(inst, false);
    return err;
}

/* Matrix columns NB and STOP. */
static JET_ERR check_running(ese_instance *inst)
{
    if (inst->backup.status == BACKUP_NOT_STARTED)
        return JET_errNoBackup;
    if (stop_requested(inst))
        return JET_errBackupAbortByServer;
    return JET_errSuccess;
}

/* A UTF-16 multi-string (each string NUL-terminated, then a final NUL) of UTF-8 strings. */
static JET_ERR multi_string(char *const *strings, size_t count, WCHAR **pszz, size_t *pcb)
{
    size_t units = 1;
    WCHAR **wide = osal_calloc(count ? count : 1, sizeof *wide);
    JET_ERR err = wide ? JET_errSuccess : JET_errOutOfMemory;
    for (size_t i = 0; i < count && err == JET_errSuccess; i++)
        if ((wide[i] = utf8_to_utf16(strings[i], &err)))
            units += utf16_length(wide[i]) + 1;
    WCHAR *szz = err == JET_errSuccess ? osal_malloc(units * sizeof(WCHAR)) : NULL;
    if (err == JET_errSuccess && !szz)
        err = JET_errOutOfMemory;
    if (err == JET_errSuccess) {
        size_t at = 0;
        for (size_t i = 0; i < count; i++) {
            size_t n = utf16_length(wide[i]) + 1;
            memcpy(szz + at, wide[i], n * sizeof(WCHAR));
            at += n;
        }
        szz[at] = 0;
        *pszz = szz;
        *pcb = units * sizeof(WCHAR);
    }
    for (size_t i = 0; wide && i < count; i++)
        osal_free(wide[i]);
    osal_free(wide);
    return err;
}

/* The instance's log folder as an absolute path (ESENT lists full paths). */
static JET_ERR log_folder_absolute(ese_instance *inst, char **pfolder)
{
    JET_ERR err;
    pthread_mutex_lock(&g_engine.lock);
    char *folder = engine_folder_of(&inst->params[PARAM_SLOT_LOG_FILE_PATH], &err);
    pthread_mutex_unlock(&g_engine.lock);
    if (!folder)
        return err;
    char buf[PATH_MAX];
    char *absolute = realpath(folder[0] ? folder : ".", buf) ? osal_strdup(buf) : osal_strdup(folder);
    osal_free(folder);
    if (!absolute)
        return JET_errOutOfMemory;
    *pfolder = absolute;
    return JET_errSuccess;
}

static JET_ERR base_name(ese_instance *inst, char base[4])
{
    JET_ERR err;
    pthread_mutex_lock(&g_engine.lock);
    char *b = utf16_to_utf8(inst->params[PARAM_SLOT_BASE_NAME].string, &err);
    pthread_mutex_unlock(&g_engine.lock);
    if (!b)
        return err;
    bool ok = strlen(b) == 3;
    if (ok)
        memcpy(base, b, 4);
    osal_free(b);
    return ok ? JET_errSuccess : JET_errInvalidParameter;
}

/* ---- header fields the backup reads and writes --------------------------------------------- */

typedef struct {
    ese_bkinfo full_prev, inc_prev;
    uint32_t type_full_prev;
} header_facts;

static JET_ERR read_header_facts(struct ese_dbfile *file, void *context)
{
    header_facts *facts = context;
    ese_bkinfo_load(file->header + ESE_DBHDR_OFF_BKINFO_FULL_PREV, &facts->full_prev);
    ese_bkinfo_load(file->header + ESE_DBHDR_OFF_BKINFO_INC_PREV, &facts->inc_prev);
    facts->type_full_prev = ese_load_u32(file->header + ESE_DBHDR_OFF_BKINFO_TYPE_FULL_PREV);
    return JET_errSuccess;
}

backup_slot backup_choose_slot(bool full, bool truncated)
{
    if (full)
        return truncated ? BACKUP_SLOT_FULL_PREV : BACKUP_SLOT_COPY_PREV;
    return truncated ? BACKUP_SLOT_INC_PREV : BACKUP_SLOT_DIFF_PREV;
}

bool backup_apply_header_info(uint8_t *header, backup_slot slot, const ese_bkinfo *info)
{
    static const struct {
        uint32_t bkinfo, type;
    } k_slots[] = {
        [BACKUP_SLOT_FULL_PREV] = {ESE_DBHDR_OFF_BKINFO_FULL_PREV, ESE_DBHDR_OFF_BKINFO_TYPE_FULL_PREV},
        [BACKUP_SLOT_COPY_PREV] = {ESE_DBHDR_OFF_BKINFO_COPY_PREV, ESE_DBHDR_OFF_BKINFO_TYPE_COPY_PREV},
        [BACKUP_SLOT_INC_PREV] = {ESE_DBHDR_OFF_BKINFO_INC_PREV, ESE_DBHDR_OFF_BKINFO_TYPE_INC_PREV},
        [BACKUP_SLOT_DIFF_PREV] = {ESE_DBHDR_OFF_BKINFO_DIFF_PREV, ESE_DBHDR_OFF_BKINFO_TYPE_DIFF_PREV},
    };
    ese_bkinfo old;
    ese_bkinfo_load(header + k_slots[slot].bkinfo, &old);
    /* §4.4: a slot whose recorded mark is newer than this backup's is left alone. */
    if (ese_lgpos_compare(&old.mark, &info->mark) > 0)
        return false;
    ese_bkinfo_store(header + k_slots[slot].bkinfo, info);
    ese_store_u32(header + k_slots[slot].type, ESE_BACKUP_TYPE_STREAMING);
    if (slot == BACKUP_SLOT_FULL_PREV) {
        /* A new full backup that truncated the logs starts a new chain (audit F13). */
        memset(header + ESE_DBHDR_OFF_BKINFO_INC_PREV, 0, ESE_BKINFO_SIZE);
        memset(header + ESE_DBHDR_OFF_BKINFO_DIFF_PREV, 0, ESE_BKINFO_SIZE);
    }
    if (slot == BACKUP_SLOT_FULL_PREV || slot == BACKUP_SLOT_INC_PREV) {
        memset(header + ESE_DBHDR_OFF_BKINFO_SNAPSHOT_CUR, 0, ESE_BKINFO_SIZE);
        ese_store_u32(header + ESE_DBHDR_OFF_BKINFO_TYPE_INC_PREV, ESE_BACKUP_TYPE_STREAMING);
    }
    return true;
}

typedef struct {
    backup_slot slot;
    ese_bkinfo info;
} header_update;

static JET_ERR write_header_info(struct ese_dbfile *file, void *context)
{
    const header_update *update = context;
    if (!backup_apply_header_info(file->header, update->slot, &update->info))
        return JET_errSuccess;
    return dbfile_write_header(file); /* primary, fsync, shadow, fsync */
}

/* ---- Begin ------------------------------------------------------------------------------------ */

static JET_ERR add_db(ese_backup *bk, const api_backup_db *adb, size_t *pindex)
{
    if (bk->db_count == bk->db_cap) {
        size_t cap = bk->db_cap ? bk->db_cap * 2 : 4;
        backup_db *grown = osal_calloc(cap, sizeof *grown);
        if (!grown)
            return JET_errOutOfMemory;
        if (bk->db_count)
            memcpy(grown, bk->dbs, bk->db_count * sizeof *grown);
        osal_free(bk->dbs);
        bk->dbs = grown;
        bk->db_cap = cap;
    }
    char *identity = osal_strdup(adb->identity);
    if (!identity)
        return JET_errOutOfMemory;
    header_facts facts;
    db_with_header(adb->db, read_header_facts, &facts);
    backup_db *d = &bk->dbs[bk->db_count];
    memset(d, 0, sizeof *d);
    d->identity = identity;
    d->db = adb->db;
    d->in_session = true;
    d->full_prev_gen_high = facts.full_prev.gen_high;
    d->inc_prev_gen_high = facts.inc_prev.gen_high;
    if (pindex)
        *pindex = bk->db_count;
    bk->db_count++;
    return JET_errSuccess;
}

JET_ERR backup_begin(ese_instance *inst, JET_GRBIT grbit)
{
    ese_backup *bk = &inst->backup;
    /* Order as ESENT checks (§3.1, audit F9): logging, log state, grbit, circular logging, a
     * backup already running, then the incremental / full specifics. */
    if (!inst->log)
        return JET_errLoggingDisabled;
    if (log_is_dead(inst->log))
        return JET_errLogWriteFail;
    if (grbit & ~(JET_GRBIT)JET_bitBackupIncremental)
        return JET_errInvalidGrbit; /* Atomic, Snapshot, ...; the internal bits are not public */
    bool incremental = (grbit & JET_bitBackupIncremental) != 0;
    pthread_mutex_lock(&g_engine.lock);
    bool circular = inst->params[PARAM_SLOT_CIRCULAR_LOG].integer != 0;
    pthread_mutex_unlock(&g_engine.lock);
    if (incremental && circular)
        return JET_errInvalidBackup;
    if (bk->status != BACKUP_NOT_STARTED)
        return JET_errBackupInProgress;
    /* Pause circular deletion BEFORE reading the checkpoint: a deletion decided before the
     * pause used a checkpoint the file already held, so it never reaches copy_mic; once paused,
     * the checkpointer (checkpointer.h) deletes nothing until End resumes it. */
    log_pause_deletion(inst->log);

    api_backup_db *dbs = NULL;
    size_t count = 0;
    JET_ERR err = api_backup_databases(inst, &dbs, &count);
    if (err != JET_errSuccess) {
        log_resume_deletion(inst->log);
        return err;
    }
    for (size_t i = 0; i < count && err == JET_errSuccess; i++) {
        header_facts facts;
        db_with_header(dbs[i].db, read_header_facts, &facts);
        /* §3.1 step 10: an incremental needs a previous full streaming backup that truncated
         * the logs (a copy backup lands in bkinfoCopyPrev and does not count). */
        if (incremental &&
            (facts.full_prev.gen_low == 0 || facts.type_full_prev != ESE_BACKUP_TYPE_STREAMING))
            err = JET_errMissingFullBackup;
    }
    int32_t copy_mic = 0;
    if (err == JET_errSuccess && !incremental) {
        /* §3.1 step 11: the first log to copy is the checkpoint's generation. */
        checkpoint_data checkpoint;
        ese_signature sign_log;
        log_signature(inst->log, &sign_log);
        err = checkpoint_read(inst->checkpoint_path, &sign_log, &checkpoint, NULL);
        copy_mic = log_lsn_generation(checkpoint.checkpoint);
        if (err == JET_errSuccess && copy_mic <= 0)
            err = JET_errCheckpointCorrupt;
    }
    for (size_t i = 0; i < count && err == JET_errSuccess; i++)
        err = add_db(bk, &dbs[i], NULL);
    api_backup_databases_free(dbs, count);
    ese_lgpos mark;
    if (err == JET_errSuccess)
        err = append_mark(inst, LOG_REC_BACKUP_BEGIN, incremental ? BACKUP_MARK_INCREMENTAL : 0,
                          copy_mic, &mark);
    if (err != JET_errSuccess) {
        free_state(bk); /* nothing of this Begin stays (§3.1: "on failure all flags are reset") */
        log_resume_deletion(inst->log);
        return err;
    }
    bk->full = !incremental;
    bk->copy_mic = copy_mic;
    bk->mark = mark;
    osal_now(&bk->mark_time);
    /* An incremental backup has no database phase: it starts with the logs (§2). */
    bk->status = incremental ? BACKUP_LOGS_AND_PATCHES : BACKUP_DATABASES;
    pthread_mutex_lock(&g_engine.lock);
    inst->backup_active = true;
    inst->stop_backup_requested = false; /* an earlier stop does not affect a new backup */
    pthread_mutex_unlock(&g_engine.lock);
    return JET_errSuccess;
}

/* ---- GetAttachInfo ---------------------------------------------------------------------------- */

JET_ERR backup_attach_info(ese_instance *inst, WCHAR **pszz, size_t *pcb)
{
    JET_ERR err = check_running(inst);
    if (err != JET_errSuccess)
        return err;
    if (!inst->backup.full)
        return JET_errInvalidBackupSequence; /* not a cancel (§3.2) */
    api_backup_db *dbs = NULL;
    size_t count = 0;
    err = api_backup_databases(inst, &dbs, &count);
    char **names = err == JET_errSuccess ? osal_calloc(count ? count : 1, sizeof *names) : NULL;
    if (err == JET_errSuccess && !names)
        err = JET_errOutOfMemory;
    for (size_t i = 0; i < count && err == JET_errSuccess; i++)
        names[i] = dbs[i].identity;
    if (err == JET_errSuccess)
        err = multi_string(names, count, pszz, pcb);
    osal_free(names);
    api_backup_databases_free(dbs, count);
    /* Failures past the preconditions (allocation) cancel in any state (audit F11). */
    return err == JET_errSuccess ? err : cancel(inst, err);
}

/* ---- OpenFile --------------------------------------------------------------------------------- */

typedef struct {
    uint8_t *header;
    uint32_t page_size;
    uint32_t page_count;
} header_capture;

static JET_ERR capture_header(struct ese_dbfile *file, void *context)
{
    header_capture *capture = context;
    memcpy(capture->header, file->header, capture->page_size);
    capture->page_count = file->page_count;
    return JET_errSuccess;
}

static JET_ERR open_database(ese_instance *inst, api_backup_db *found, JET_HANDLE *phf,
                             uint64_t *psize)
{
    ese_backup *bk = &inst->backup;
    /* A database in an incremental backup or after the logs were listed: both happen in state
     * LogsAndPatches, so the whole backup is cancelled (§3.3). */
    if (!bk->full || bk->status != BACKUP_DATABASES)
        return cancel(inst, JET_errInvalidBackupSequence);
    size_t index = bk->db_count;
    for (size_t i = 0; i < bk->db_count; i++)
        if (strcmp(bk->dbs[i].identity, found->identity) == 0)
            index = i;
    JET_ERR err = JET_errSuccess;
    if (index == bk->db_count)
        err = add_db(bk, found, &index); /* attached after Begin: it joins the session now */
    uint32_t page_size = database_page_size();
    header_capture capture = {osal_malloc(page_size), page_size, 0};
    if (err == JET_errSuccess && !capture.header)
        err = JET_errOutOfMemory;
    if (err != JET_errSuccess) {
        osal_free(capture.header);
        return err; /* state Databases: only this attempt fails (audit F11) */
    }
    db_with_header(found->db, capture_header, &capture);
    /* The copy says a full backup is in progress (§3.3): bkinfoFullCur = {Begin mark, Begin
     * time, first log generation, 0}.  Its signLog is the instance's log's, which the logs
     * restore replays carry. */
    ese_bkinfo current = {bk->mark, bk->mark_time, (uint32_t)bk->copy_mic, 0};
    ese_bkinfo_store(capture.header + ESE_DBHDR_OFF_BKINFO_FULL_CUR, &current);
    ese_signature sign_log;
    log_signature(inst->log, &sign_log);
    ese_signature_store(capture.header + ESE_DBHDR_OFF_SIGN_LOG, &sign_log);
    ese_header_stamp(capture.header, page_size);

    backup_db *d = &bk->dbs[index];
    d->in_session = true;
    d->copied = false;
    backup_file *f = &bk->file;
    f->in_use = true;
    f->is_db = true;
    f->db_index = index;
    f->header = capture.header;
    f->page_size = page_size;
    f->pgno_last = capture.page_count;
    /* 2 header pages + data pages 1..pgnoLast + 1 trailer page (§3.3). */
    f->size = ((uint64_t)f->pgno_last + ESE_DB_RESERVED_PAGES + 1) * page_size;
    f->offset = 0;
    *phf = 0; /* the slot index: the one handle is always 0 */
    *psize = f->size;
    return JET_errSuccess;
}

/* A log of this instance: in its log folder, named <base> + 5 or 8 hex digits + ".log"
 * (audit F16); anything else is refused (audit F6: ESENT would crash reading it). */
static JET_ERR log_generation_of(ese_instance *inst, const char *path, int32_t *pgeneration)
{
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    char base[4];
    JET_ERR err = base_name(inst, base);
    if (err != JET_errSuccess)
        return err;
    int32_t generation = log_parse_archive_name(base, name);
    if (generation <= 0)
        return JET_errInvalidParameter;
    char *folder = NULL;
    if ((err = log_folder_absolute(inst, &folder)) != JET_errSuccess)
        return err;
    char dir[PATH_MAX], real[PATH_MAX];
    size_t n = slash ? (size_t)(slash - path) : 0;
    if (n >= sizeof dir)
        n = sizeof dir - 1;
    memcpy(dir, path, n);
    dir[n] = 0;
    if (slash && n == 0)
        strcpy(dir, "/");
    bool same = realpath(dir[0] ? dir : ".", real) && strcmp(real, folder) == 0;
    osal_free(folder);
    if (!same)
        return JET_errInvalidParameter;
    *pgeneration = generation;
    return JET_errSuccess;
}

static JET_ERR open_log(ese_instance *inst, const char *path, JET_HANDLE *phf, uint64_t *psize)
{
    ese_backup *bk = &inst->backup;
    int32_t generation = 0;
    JET_ERR err = log_generation_of(inst, path, &generation);
    osal_file file = {.fd = -1};
    uint64_t size = 0;
    if (err == JET_errSuccess) {
        err = osal_open(path, OSAL_OPEN_READ, &file);
        if (err == JET_errFileNotFound)
            err = JET_errMissingFileToBackup;
    }
    if (err == JET_errSuccess && (err = osal_size(&file, &size)) != JET_errSuccess)
        osal_close(&file);
    if (err != JET_errSuccess)
        return cancel(inst, err); /* state LogsAndPatches: errors cancel (§3.3) */
    backup_file *f = &bk->file;
    f->in_use = true;
    f->is_db = false;
    f->file = file;
    f->generation = generation;
    f->page_size = database_page_size();
    f->size = size;
    f->offset = 0;
    *phf = 0;
    *psize = size;
    return JET_errSuccess;
}

JET_ERR backup_open_file(ese_instance *inst, const WCHAR *name, JET_HANDLE *phf, uint64_t *psize)
{
    ese_backup *bk = &inst->backup;
    JET_ERR err = check_running(inst);
    if (err != JET_errSuccess)
        return err;
    if (!name || !name[0])
        return JET_errInvalidParameter;
    if (bk->file.in_use)
        return JET_errOutOfMemory; /* every handle slot (there is one) is busy (§3.3) */
    char *path = utf16_to_utf8(name, &err);
    if (!path)
        return err;
    for (char *c = path; *c; c++)
        if (*c == '\\')
            *c = '/';
    api_backup_db found = {0};
    err = api_backup_find_database(inst, path, &found);
    if (err == JET_errSuccess) {
        err = open_database(inst, &found, phf, psize);
    } else if (err == JET_errDatabaseNotFound) {
        /* Not an attached database: in state Databases only this attempt fails (-1203); in
         * state LogsAndPatches it must be one of the instance's logs. */
        if (bk->status == BACKUP_LOGS_AND_PATCHES)
            err = open_log(inst, path, phf, psize);
    } else if (bk->status == BACKUP_LOGS_AND_PATCHES) {
        err = cancel(inst, err);
    }
    osal_free(found.identity);
    osal_free(path);
    return err;
}

/* ---- ReadFile --------------------------------------------------------------------------------- */

/* Copy data pages first..first+count-1 into dst and verify each.  The range lock keeps the
 * buffer manager from writing any of them meanwhile, so none is read half-written; a page still
 * dirty in the cache is copied as the file has it (the copy is fuzzy; restore's log replay
 * brings it forward). */
static JET_ERR read_pages(backup_db *d, uint32_t page_size, uint32_t first, uint32_t count,
                          uint8_t *dst)
{
    struct ese_bufmgr *bm = db_bufmgr(d->db);
    struct ese_dbfile *file = db_file(d->db);
    JET_ERR err = JET_errSuccess;
    bm_range_lock(bm, first, first + count - 1);
    for (uint32_t i = 0; i < count && err == JET_errSuccess; i++)
        err = dbfile_read_page(file, first + i, dst + (size_t)i * page_size);
    bm_range_unlock(bm);
    for (uint32_t i = 0; i < count && err == JET_errSuccess; i++) {
        uint8_t *page = dst + (size_t)i * page_size;
        uint32_t pgno = first + i;
        /* A single flipped bit per checksum block is repaired in the copy, as ESE's read path
         * does; the live file is left as it is (the buffer manager repairs a page it reads the
         * same way, and the next flush of that page rewrites it). */
        ese_page_status status = ese_page_correct(page, page_size, pgno, NULL);
        if (status == ESE_PAGE_OK || status == ESE_PAGE_UNINITIALIZED ||
            status == ESE_PAGE_CORRECTABLE)
            continue;
        /* Read it once more before giving up: a failure that goes away is not corruption.  (ESE
         * retries 16 times with growing sleeps; the range lock already excludes torn reads.) */
        bm_range_lock(bm, pgno, pgno);
        err = dbfile_read_page(file, pgno, page);
        bm_range_unlock(bm);
        if (err != JET_errSuccess)
            break;
        status = ese_page_correct(page, page_size, pgno, NULL);
        if (status == ESE_PAGE_WRONG_PGNO)
            err = JET_errReadPgnoVerifyFailure;
        else if (status != ESE_PAGE_OK && status != ESE_PAGE_UNINITIALIZED &&
                 status != ESE_PAGE_CORRECTABLE)
            err = JET_errReadVerifyFailure;
    }
    return err;
}

void backup_build_trailer(uint8_t *page, uint32_t page_size, const ese_bkinfo *bk,
                          const ese_signature *sign_db, const ese_signature *sign_log)
{
    memset(page, 0, page_size);
    ese_bkinfo_store(page + ESE_PATCHHDR_OFF_BKINFO, bk);
    ese_signature_store(page + ESE_PATCHHDR_OFF_SIGN_DB, sign_db);
    ese_signature_store(page + ESE_PATCHHDR_OFF_SIGN_LOG, sign_log);
    /* lgenMinReq / lgenMaxReq / lgenMaxCommitted and their times stay zero: they belong to the
     * LowerMinReqLogGenOnRedo format feature, which libese's databases do not have (audit F15). */
    ese_header_stamp(page, page_size);
}

static JET_ERR read_database(ese_instance *inst, uint8_t *buf, uint32_t cb, uint32_t *pdone)
{
    ese_backup *bk = &inst->backup;
    backup_file *f = &bk->file;
    backup_db *d = &bk->dbs[f->db_index];
    uint32_t page_size = f->page_size;
    uint32_t done = 0;
    JET_ERR err = JET_errSuccess;
    while (done < cb && f->offset < f->size && err == JET_errSuccess) {
        uint64_t index = f->offset / page_size; /* page of the stream */
        uint32_t room = (cb - done) / page_size;
        uint32_t n = 1;
        if (index < ESE_DB_RESERVED_PAGES) {
            memcpy(buf + done, f->header, page_size); /* header, then the same as shadow */
        } else if (index < (uint64_t)f->pgno_last + ESE_DB_RESERVED_PAGES) {
            uint32_t pgno = (uint32_t)(index - ESE_DB_RESERVED_PAGES + 1);
            n = f->pgno_last - pgno + 1;
            if (n > room)
                n = room;
            if (n > BACKUP_PAGES_PER_LOCK)
                n = BACKUP_PAGES_PER_LOCK;
            err = read_pages(d, page_size, pgno, n, buf + done);
        } else {
            /* The trailer: genHigh is the generation being written now, the last one a
             * change copied so far can be in (§4.1). */
            ese_bkinfo info = {bk->mark, bk->mark_time, (uint32_t)bk->copy_mic,
                               (uint32_t)log_current_generation(inst->log)};
            ese_signature sign_db, sign_log;
            ese_signature_load(f->header + ESE_DBHDR_OFF_SIGN_DB, &sign_db);
            ese_signature_load(f->header + ESE_DBHDR_OFF_SIGN_LOG, &sign_log);
            backup_build_trailer(buf + done, page_size, &info, &sign_db, &sign_log);
        }
        if (err == JET_errSuccess) {
            f->offset += (uint64_t)n * page_size;
            done += n * page_size;
        }
    }
    *pdone = done;
    if (err != JET_errSuccess) {
        /* §3.4: the database leaves the backup session and its handle is closed; the backup
         * goes on (other databases, then the logs). */
        d->in_session = false;
        d->copied = false;
        close_handle(bk);
    }
    return err;
}

/* Verify log sectors as they are read: the header (checksum, generation, signature) and every
 * segment (checksum, position).  Unused (zero) segments are fine. */
static JET_ERR verify_log_sectors(ese_instance *inst, const uint8_t *buf, uint64_t offset,
                                  uint32_t cb, int32_t generation)
{
    for (uint32_t at = 0; at + LOG_SECTOR_SIZE <= cb; at += LOG_SECTOR_SIZE) {
        const uint8_t *sector = buf + at;
        uint64_t isec = (offset + at) / LOG_SECTOR_SIZE;
        if (isec == 0) {
            log_header hdr;
            if (logfile_parse_header(sector, &hdr) != JET_errSuccess || hdr.generation != generation)
                return JET_errLogReadVerifyFailure;
            ese_signature mine;
            uint8_t raw[ESE_SIGNATURE_SIZE];
            log_signature(inst->log, &mine);
            ese_signature_store(raw, &mine);
            if (memcmp(raw, hdr.sign_log, ESE_SIGNATURE_SIZE) != 0)
                return JET_errLogReadVerifyFailure;
        } else if (isec > UINT16_MAX ||
                   logfile_check_segment(sector, generation, (uint16_t)isec, NULL) == SEGMENT_BAD) {
            return JET_errLogReadVerifyFailure;
        }
    }
    return JET_errSuccess;
}

static JET_ERR read_log(ese_instance *inst, uint8_t *buf, uint32_t cb, uint32_t *pdone)
{
    backup_file *f = &inst->backup.file;
    uint64_t left = f->size - f->offset;
    uint32_t n = left < cb ? (uint32_t)left : cb;
    size_t got = 0;
    JET_ERR err = n ? osal_read_at(&f->file, buf, n, f->offset, &got) : JET_errSuccess;
    if (err == JET_errSuccess && got < n)
        err = JET_errLogReadVerifyFailure; /* the file shrank under us */
    if (err == JET_errSuccess)
        err = verify_log_sectors(inst, buf, f->offset, n, f->generation);
    if (err != JET_errSuccess) {
        *pdone = 0;
        return cancel(inst, err); /* §3.4 / §4.2: a log read error cancels the backup */
    }
    f->offset += n;
    *pdone = n;
    return JET_errSuccess;
}

JET_ERR backup_read_file(ese_instance *inst, JET_HANDLE hf, void *pv, uint32_t cb,
                         uint32_t *pcb_actual)
{
    ese_backup *bk = &inst->backup;
    JET_ERR err = check_running(inst);
    if (err != JET_errSuccess)
        return err;
    /* ESENT does not validate the handle at all (audit F7: a stale handle 0 reads as end of
     * file); libese refuses anything but the open handle. */
    if (hf != 0 || !bk->file.in_use)
        return JET_errInvalidParameter;
    backup_file *f = &bk->file;
    uint32_t page_size = f->page_size;
    if (!pv || (uintptr_t)pv % BACKUP_BUFFER_ALIGNMENT || cb % page_size)
        return JET_errInvalidParameter;
    /* A database's first read must hold both header pages and a data page; a log's first
     * read two pages; any later database read at least one page (§3.4). */
    if (f->is_db && cb < (f->offset == 0 ? 3u : 1u) * page_size)
        return JET_errInvalidParameter;
    if (!f->is_db && f->offset == 0 && cb < 2u * page_size)
        return JET_errInvalidParameter;
    uint32_t done = 0;
    err = f->is_db ? read_database(inst, pv, cb, &done) : read_log(inst, pv, cb, &done);
    if (pcb_actual)
        *pcb_actual = err == JET_errSuccess ? done : 0;
    return err;
}

/* ---- CloseFile -------------------------------------------------------------------------------- */

JET_ERR backup_close_file(ese_instance *inst, JET_HANDLE hf)
{
    ese_backup *bk = &inst->backup;
    /* No stop check: CloseFile works after JetStopBackupInstance (§3.5). */
    if (bk->status == BACKUP_NOT_STARTED)
        return JET_errNoBackup;
    if (hf != 0 || !bk->file.in_use)
        return JET_errInvalidParameter;
    backup_file *f = &bk->file;
    bool complete = f->offset == f->size;
    if (f->is_db) {
        /* Counts as copied (header update at End, truncation range) only when read to the end. */
        bk->dbs[f->db_index].copied = complete;
    } else if (complete && bk->rolled && f->generation >= bk->copy_mic &&
               f->generation < bk->copy_mac) {
        bk->log_copied[f->generation - bk->copy_mic] = true;
    }
    close_handle(bk);
    return JET_errSuccess;
}

/* ---- GetLogInfo / GetTruncateLogInfo ----------------------------------------------------------- */

/* The first call: roll the log so every generation up to now is a closed file, compute the
 * generations to copy and to delete (§3.6, §3.7), move to state LogsAndPatches. */
static JET_ERR roll_and_compute(ese_instance *inst)
{
    ese_backup *bk = &inst->backup;
    ese_lgpos roll_mark;
    JET_ERR err = append_mark(inst, LOG_REC_BACKUP_ROLL, bk->full ? 0 : BACKUP_MARK_INCREMENTAL,
                              0, &roll_mark);
    ese_logtime roll_time;
    osal_now(&roll_time);
    int32_t new_generation = 0;
    if (err == JET_errSuccess)
        err = log_roll(inst->log, &new_generation);
    int32_t oldest = 0;
    if (err == JET_errSuccess)
        err = log_oldest_generation(inst->log, &oldest);
    checkpoint_data checkpoint;
    if (err == JET_errSuccess) {
        ese_signature sign_log;
        log_signature(inst->log, &sign_log);
        err = checkpoint_read(inst->checkpoint_path, &sign_log, &checkpoint, NULL);
    }
    if (err != JET_errSuccess)
        return err;
    int32_t copy_mac = new_generation; /* the new, open generation is not listed */
    int32_t copy_mic = bk->copy_mic;
    if (!bk->full) {
        /* Incremental: from the oldest generation on disk; it must follow on from what the
         * databases' last backups covered, else a generation is gone (§3.6). */
        copy_mic = oldest;
        for (size_t i = 0; i < bk->db_count; i++) {
            uint32_t covered = bk->dbs[i].full_prev_gen_high > bk->dbs[i].inc_prev_gen_high
                                   ? bk->dbs[i].full_prev_gen_high
                                   : bk->dbs[i].inc_prev_gen_high;
            if ((uint64_t)copy_mic > (uint64_t)covered + 1)
                return JET_errMissingFileToBackup;
        }
    }
    /* Truncation (§3.7): below the checkpoint at the roll and below the copy range's end; in a
     * full backup also not past what a database not copied this time still needs from its
     * last full backup (never backed up: genHigh 0, so nothing is deleted). */
    int32_t delete_mac = log_lsn_generation(checkpoint.checkpoint);
    if (copy_mac < delete_mac)
        delete_mac = copy_mac;
    if (bk->full)
        for (size_t i = 0; i < bk->db_count; i++)
            if (!(bk->dbs[i].copied && bk->dbs[i].in_session) &&
                (int64_t)bk->dbs[i].full_prev_gen_high < delete_mac)
                delete_mac = (int32_t)bk->dbs[i].full_prev_gen_high;
    int32_t delete_mic = oldest < delete_mac ? oldest : delete_mac;
    bool *copied = osal_calloc(copy_mac > copy_mic ? (size_t)(copy_mac - copy_mic) : 1, sizeof *copied);
    if (!copied)
        return JET_errOutOfMemory;
    bk->log_copied = copied;
    bk->copy_mic = copy_mic;
    bk->copy_mac = copy_mac;
    bk->delete_mic = delete_mic;
    bk->delete_mac = delete_mac;
    if (!bk->full) {
        bk->mark = roll_mark; /* an incremental's header info carries the roll's position */
        bk->mark_time = roll_time;
    }
    bk->rolled = true;
    bk->status = BACKUP_LOGS_AND_PATCHES;
    return JET_errSuccess;
}

JET_ERR backup_log_info(ese_instance *inst, bool truncate, WCHAR **pszz, size_t *pcb,
                        JET_LOGINFO_W *info)
{
    ese_backup *bk = &inst->backup;
    JET_ERR err = check_running(inst);
    if (err != JET_errSuccess)
        return err;
    if (bk->file.in_use)
        return JET_errInvalidBackupSequence;
    if (!bk->rolled && (err = roll_and_compute(inst)) != JET_errSuccess) {
        /* ESENT returns these without cancelling and then reports success with a half-computed
         * range on a retry (audit F1); libese cancels, so no retry can succeed wrongly. */
        return cancel(inst, err);
    }
    int32_t mic = truncate ? bk->delete_mic : bk->copy_mic;
    int32_t mac = truncate ? bk->delete_mac : bk->copy_mac;
    char base[4];
    char *folder = NULL;
    if ((err = base_name(inst, base)) == JET_errSuccess)
        err = log_folder_absolute(inst, &folder);
    size_t count = mac > mic ? (size_t)(mac - mic) : 0;
    char **paths = err == JET_errSuccess ? osal_calloc(count ? count : 1, sizeof *paths) : NULL;
    if (err == JET_errSuccess && !paths)
        err = JET_errOutOfMemory;
    for (size_t i = 0; i < count && err == JET_errSuccess; i++) {
        char name[32];
        log_archive_name(base, mic + (int32_t)i, name, sizeof name);
        err = osal_path_join(folder, name, &paths[i]);
    }
    if (err == JET_errSuccess)
        err = multi_string(paths, count, pszz, pcb);
    for (size_t i = 0; paths && i < count; i++)
        osal_free(paths[i]);
    osal_free(paths);
    osal_free(folder);
    if (err != JET_errSuccess)
        return cancel(inst, err); /* building the list failed (allocation): cancel (§3.6) */
    if (info) {
        /* cbSize is not checked by the W form (§3.6). */
        info->ulGenLow = (uint32_t)bk->copy_mic;
        info->ulGenHigh = (uint32_t)(bk->copy_mac - 1);
        for (int i = 0; i < 4; i++)
            info->szBaseName[i] = (WCHAR)(unsigned char)base[i];
    }
    return JET_errSuccess;
}

/* ---- TruncateLog ------------------------------------------------------------------------------ */

JET_ERR backup_truncate_log(ese_instance *inst)
{
    ese_backup *bk = &inst->backup;
    JET_ERR err = check_running(inst);
    if (err != JET_errSuccess)
        return err;
    if (bk->file.in_use || !bk->rolled)
        return JET_errInvalidBackupSequence;
    /* Every generation of the copy range must have been read to its end.  ESENT compares sums
     * of generation numbers, so a log read twice can hide one never read; libese checks each. */
    for (int32_t g = bk->copy_mic; g < bk->copy_mac; g++)
        if (!bk->log_copied[g - bk->copy_mic])
            return JET_errLogFileNotCopied;
    bk->truncated = true; /* set before deleting, even if a deletion then fails (audit F12) */
    if (bk->delete_mac <= bk->delete_mic)
        return JET_errSuccess;
    /* Oldest first; a file already gone is skipped; any other failure stops and is returned. */
    return log_delete_generations_below(inst->log, bk->delete_mac, LOG_DELETE_BACKUP_TRUNCATION,
                                        NULL);
}

/* ---- End -------------------------------------------------------------------------------------- */

JET_ERR backup_end(ese_instance *inst, JET_GRBIT grbit)
{
    ese_backup *bk = &inst->backup;
    if (bk->status == BACKUP_NOT_STARTED) {
        pthread_mutex_lock(&g_engine.lock);
        inst->stop_backup_requested = false; /* a pending stop is cleared too (audit F19) */
        pthread_mutex_unlock(&g_engine.lock);
        return JET_errNoBackup;
    }
    /* Normal = the Normal bit, no stop request, past the database phase -- and, for an
     * incremental, the logs were listed at all (audit F4: ESENT would record generations
     * 0..0xFFFFFFFF; libese treats it as an abort). */
    bool normal = (grbit & JET_bitBackupEndNormal) && !stop_requested(inst) &&
                  bk->status != BACKUP_DATABASES && bk->rolled;
    if (normal) {
        bool truncated = bk->truncated || (grbit & JET_bitBackupTruncateDone);
        header_update update = {
            backup_choose_slot(bk->full, truncated),
            {bk->mark, bk->mark_time, (uint32_t)bk->copy_mic, (uint32_t)(bk->copy_mac - 1)},
        };
        for (size_t i = 0; i < bk->db_count; i++) {
            backup_db *d = &bk->dbs[i];
            if (!d->in_session || (bk->full && !d->copied))
                continue; /* a full backup updates only the databases it copied completely */
            /* ESENT reports a failed header update as an event and still returns success
             * (audit F13); the header then simply keeps its previous backup info. */
            db_with_header(d->db, write_header_info, &update);
        }
    }
    finish(inst, normal);
    /* Success whether normal or aborted (§3.9: the source's behaviour, see backup.md). */
    return JET_errSuccess;
}

void backup_terminate(ese_instance *inst)
{
    pthread_mutex_lock(&inst->backup.lock);
    finish(inst, false);
    pthread_mutex_unlock(&inst->backup.lock);
}
