/* recovery.c -- see recovery.h. */
#include "recovery.h"

#include <stdio.h>
#include <string.h>

#include "bufmgr.h"
#include "checkpoint.h"
#include "dbfile.h"
#include "osal.h"
#include "osal_files.h"

#define MAX_DBID 255

typedef struct {
    char *path;          /* from the ATTACH record */
    ese_dbfile *file;    /* opened on first use */
    ese_bufmgr *bm;
} redo_database;

typedef struct {
    uint8_t dbid;
    uint32_t pgno;
    uint64_t dbtime;
    uint8_t *image;
} pending_image;

typedef struct {
    const recovery_config *config;
    recovery_stats *stats;
    redo_database databases[MAX_DBID + 1];
    pending_image *pending;
    size_t pending_count, pending_capacity;
} redo_state;

/* Does the folder hold any log of this base name (current, archived or a half-done roll)? */
static JET_ERR any_log_present(const recovery_config *config, bool *present)
{
    osal_dir_listing listing = {0};
    JET_ERR err = osal_list_directory(config->log_folder, &listing);
    if (err == JET_errFileNotFound || err == JET_errInvalidPath) {
        *present = false;
        return JET_errSuccess;
    }
    if (err != JET_errSuccess)
        return err;
    char current[16];
    snprintf(current, sizeof current, "%s.log", config->base_name);
    *present = false;
    for (size_t i = 0; i < listing.count && !*present; i++)
        *present = strcmp(listing.names[i], current) == 0 ||
                   log_parse_archive_name(config->base_name, listing.names[i]) > 0;
    osal_dir_listing_free(&listing);
    return JET_errSuccess;
}

static void drop_pending(redo_state *state)
{
    for (size_t i = 0; i < state->pending_count; i++)
        osal_free(state->pending[i].image);
    state->pending_count = 0;
}

static JET_ERR open_database(redo_state *state, uint8_t dbid, redo_database **pdb)
{
    redo_database *db = &state->databases[dbid];
    if (!db->path)
        return JET_errDatabaseCorrupted; /* an image for a database the log never attached */
    if (!db->file) {
        JET_ERR err = dbfile_open(db->path, state->config->page_size, false, &db->file);
        if (err == JET_errSuccess)
            err = bm_open(db->file, NULL, &db->bm); /* redo writes only what the log holds */
        if (err != JET_errSuccess) {
            dbfile_close(db->file);
            db->file = NULL;
            return err;
        }
    }
    *pdb = db;
    return JET_errSuccess;
}

/* Flush a database that redo touched, mark it consistent and close it. */
static JET_ERR close_database(redo_database *db)
{
    JET_ERR err = JET_errSuccess;
    if (db->bm) {
        err = bm_flush_all(db->bm);
        if (err == JET_errSuccess) {
            if (bm_dbtime(db->bm) > dbfile_dbtime(db->file))
                dbfile_set_dbtime(db->file, bm_dbtime(db->bm));
            dbfile_set_state(db->file, ESE_DBSTATE_CLEAN_SHUTDOWN);
            err = dbfile_write_header(db->file);
        }
        bm_close(db->bm);
        db->bm = NULL;
    }
    dbfile_close(db->file);
    db->file = NULL;
    osal_free(db->path);
    db->path = NULL;
    return err;
}

static JET_ERR apply_commit(redo_state *state)
{
    for (size_t i = 0; i < state->pending_count; i++) {
        pending_image *p = &state->pending[i];
        redo_database *db;
        JET_ERR err = open_database(state, p->dbid, &db);
        if (err != JET_errSuccess)
            return err;
        bool applied;
        err = bm_redo_image(db->bm, p->pgno, p->dbtime, p->image, &applied);
        if (err != JET_errSuccess)
            return err;
        if (applied)
            state->stats->images_applied++;
        else
            state->stats->images_skipped++;
    }
    state->stats->commits++;
    drop_pending(state);
    return JET_errSuccess;
}

static JET_ERR keep_image(redo_state *state, const log_page_image *image)
{
    if (image->cb_image != state->config->page_size)
        return JET_errLogFileCorrupt; /* the log was written for another page size */
    if (state->pending_count == state->pending_capacity) {
        size_t wanted = state->pending_capacity ? state->pending_capacity * 2 : 64;
        pending_image *grown = osal_calloc(wanted, sizeof *grown);
        if (!grown)
            return JET_errOutOfMemory;
        if (state->pending_count)
            memcpy(grown, state->pending, state->pending_count * sizeof *grown);
        osal_free(state->pending);
        state->pending = grown;
        state->pending_capacity = wanted;
    }
    uint8_t *copy = osal_malloc(image->cb_image);
    if (!copy)
        return JET_errOutOfMemory;
    memcpy(copy, image->image, image->cb_image);
    pending_image *p = &state->pending[state->pending_count++];
    p->dbid = image->dbid;
    p->pgno = image->pgno;
    p->dbtime = image->dbtime;
    p->image = copy;
    return JET_errSuccess;
}

static JET_ERR remember_database(redo_state *state, const log_database_ref *ref, bool attach)
{
    redo_database *db = &state->databases[ref->dbid];
    if (!attach)
        return close_database(db);
    if (db->path && db->file)
        return JET_errSuccess; /* attached again after a crash: same file */
    osal_free(db->path);
    db->path = osal_malloc((size_t)ref->cb_path + 1);
    if (!db->path)
        return JET_errOutOfMemory;
    memcpy(db->path, ref->path, ref->cb_path);
    db->path[ref->cb_path] = '\0';
    return JET_errSuccess;
}

static JET_ERR replay(redo_state *state, log_lsn start, const ese_signature *sign_log)
{
    log_reader *reader = NULL;
    JET_ERR err = log_reader_open(state->config->log_folder, state->config->base_name, start,
                                  sign_log, &reader);
    if (err != JET_errSuccess)
        return err;
    for (;;) {
        log_record rec;
        log_read_result result;
        err = log_reader_next(reader, &rec, &result);
        if (err != JET_errSuccess)
            break;
        if (result != LOG_READ_RECORD) {
            log_read_end end;
            err = log_reader_end(reader, &end);
            state->stats->end = end.end_lsn;
            state->stats->torn_tail = result == LOG_READ_TORN_TAIL;
            break;
        }
        state->stats->records++;
        state->stats->clean_end = rec.type == LOG_REC_TERM;
        if (rec.type == LOG_REC_PAGE_IMAGE) {
            log_page_image image;
            err = log_decode_page_image(&rec, &image);
            if (err == JET_errSuccess)
                err = keep_image(state, &image);
        } else if (rec.type == LOG_REC_COMMIT) {
            err = apply_commit(state);
        } else if (rec.type == LOG_REC_ATTACH_DB || rec.type == LOG_REC_DETACH_DB) {
            log_database_ref ref;
            err = log_decode_database_ref(&rec, &ref);
            if (err == JET_errSuccess)
                err = remember_database(state, &ref, rec.type == LOG_REC_ATTACH_DB);
        }
        if (err != JET_errSuccess)
            break;
    }
    state->stats->images_dropped += state->pending_count;
    log_reader_close(reader);
    return err;
}

JET_ERR recovery_run(const recovery_config *config, recovery_stats *stats)
{
    memset(stats, 0, sizeof *stats);
    bool present;
    JET_ERR err = any_log_present(config, &present);
    if (err != JET_errSuccess || !present)
        return err;
    stats->had_logs = true;

    char *chk = NULL;
    err = checkpoint_path(config->system_folder, config->base_name, &chk);
    if (err != JET_errSuccess)
        return err;
    checkpoint_data checkpoint;
    memset(&checkpoint, 0, sizeof checkpoint);
    err = checkpoint_read(chk, NULL, &checkpoint, NULL);
    bool have_checkpoint = err == JET_errSuccess;
    if (err == JET_errCheckpointFileNotFound)
        err = JET_errSuccess; /* start from the oldest generation present */
    if (err != JET_errSuccess) {
        osal_free(chk);
        return err;
    }

    redo_state state;
    memset(&state, 0, sizeof state);
    state.config = config;
    state.stats = stats;
    err = replay(&state, have_checkpoint ? checkpoint.checkpoint : 0,
                 have_checkpoint ? &checkpoint.sign_log : NULL);
    drop_pending(&state);
    osal_free(state.pending);
    for (unsigned dbid = 0; dbid <= MAX_DBID; dbid++) {
        JET_ERR close_err = close_database(&state.databases[dbid]);
        if (err == JET_errSuccess)
            err = close_err;
    }
    /* Everything up to the end is now in the database files: recovery need not read it again. */
    if (err == JET_errSuccess && stats->end) {
        checkpoint.checkpoint = stats->end;
        if (!have_checkpoint) {
            log_reader *reader = NULL;
            if (log_reader_open(config->log_folder, config->base_name, 0, NULL, &reader) ==
                JET_errSuccess) {
                log_reader_signature(reader, &checkpoint.sign_log);
                log_reader_close(reader);
            }
        }
        err = checkpoint_write(chk, &checkpoint);
    }
    osal_free(chk);
    return err;
}
