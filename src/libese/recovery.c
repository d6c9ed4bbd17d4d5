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
    char *path;          /* where its images go (NULL: not attached) */
    bool ignored;        /* attached, but redo was told to leave it alone */
    ese_dbfile *file;    /* opened on first use */
    ese_bufmgr *bm;
} redo_database;

typedef struct {
    uint8_t dbid;
    uint32_t pgno;
    uint64_t dbtime;
    uint8_t *image;
} pending_image;

struct redo_state {
    redo_config config;
    recovery_stats *stats;
    redo_database databases[MAX_DBID + 1];
    pending_image *pending;
    size_t pending_count, pending_capacity;
    int32_t generation;  /* the generation the last record came from */
};

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

static JET_ERR open_file(redo_state *state, redo_database *db)
{
    JET_ERR err = dbfile_open(db->path, state->config.page_size, false, &db->file);
    if (err == JET_errSuccess)
        err = bm_open(db->file, NULL, &db->bm); /* redo writes only what the log holds */
    if (err != JET_errSuccess) {
        dbfile_close(db->file);
        db->file = NULL;
    }
    return err;
}

static JET_ERR open_database(redo_state *state, uint8_t dbid, redo_database **pdb)
{
    redo_database *db = &state->databases[dbid];
    if (!db->path)
        return JET_errDatabaseCorrupted; /* an image for a database the log never attached */
    if (!db->ignored && !db->file) {
        JET_ERR err = open_file(state, db);
        if (err != JET_errSuccess)
            return err;
    }
    *pdb = db;
    return JET_errSuccess;
}

JET_ERR redo_mark_consistent(ese_dbfile *file, log_lsn consistent)
{
    dbfile_set_state(file, ESE_DBSTATE_CLEAN_SHUTDOWN);
    ese_lgpos pos = log_lsn_to_lgpos(consistent);
    ese_lgpos_store(file->header + ESE_DBHDR_OFF_LGPOS_CONSISTENT, &pos);
    ese_logtime now;
    osal_now(&now);
    ese_logtime_store(file->header + ESE_DBHDR_OFF_LOGTIME_CONSISTENT, &now);
    return dbfile_write_header(file);
}

/* Flush a database, mark it consistent (unless `mark` is false) and close it. */
static JET_ERR close_database(redo_database *db, bool mark, log_lsn consistent)
{
    JET_ERR err = JET_errSuccess;
    if (db->bm) {
        if (mark) {
            err = bm_flush_all(db->bm);
            if (err == JET_errSuccess) {
                if (bm_dbtime(db->bm) > dbfile_dbtime(db->file))
                    dbfile_set_dbtime(db->file, bm_dbtime(db->bm));
                err = redo_mark_consistent(db->file, consistent);
            }
        }
        bm_close(db->bm);
        db->bm = NULL;
    }
    dbfile_close(db->file);
    db->file = NULL;
    osal_free(db->path);
    db->path = NULL;
    db->ignored = false;
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
        if (db->ignored) {
            state->stats->images_ignored++;
            continue;
        }
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
    if (image->cb_image != state->config.page_size)
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

static JET_ERR remember_database(redo_state *state, const log_database_ref *ref, bool attach,
                                 log_lsn position)
{
    redo_database *db = &state->databases[ref->dbid];
    if (!attach) {
        /* Detached: the engine closed it cleanly before logging this, and redo leaves it so. */
        bool mark = db->bm != NULL;
        return close_database(db, mark, position);
    }
    if (db->path && db->file)
        return JET_errSuccess; /* attached again after a crash: same file */
    if (db->path && (ref->flags & LOG_DATABASE_REF_CARRIED))
        return JET_errSuccess; /* the log repeating, at a generation's start, what redo knows */
    char *logged = osal_malloc((size_t)ref->cb_path + 1);
    if (!logged)
        return JET_errOutOfMemory;
    memcpy(logged, ref->path, ref->cb_path);
    logged[ref->cb_path] = '\0';
    char *target = logged;
    if (state->config.map) {
        target = NULL;
        JET_ERR err = state->config.map(state->config.map_context, logged, &target);
        osal_free(logged);
        if (err != JET_errSuccess)
            return err;
    }
    osal_free(db->path);
    db->path = target;
    db->ignored = target == NULL;
    if (!target) {
        db->path = osal_malloc(1); /* attached, to be ignored: keep it known */
        if (!db->path)
            return JET_errOutOfMemory;
        db->path[0] = '\0';
    }
    return JET_errSuccess;
}

JET_ERR redo_create(const redo_config *config, recovery_stats *stats, redo_state **pstate)
{
    redo_state *state = osal_calloc(1, sizeof *state);
    if (!state)
        return JET_errOutOfMemory;
    state->config = *config;
    state->stats = stats;
    *pstate = state;
    return JET_errSuccess;
}

JET_ERR redo_replay(redo_state *state, log_reader *reader, log_read_result *end_result)
{
    JET_ERR err;
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
            if (end_result)
                *end_result = result;
            break;
        }
        int32_t generation = log_lsn_generation(rec.lsn_start);
        if (generation != state->generation) {
            state->generation = generation;
            if (state->config.on_generation)
                state->config.on_generation(state->config.generation_context, generation);
        }
        state->stats->records++;
        state->stats->clean_end = rec.type == LOG_REC_TERM;
        bool attachment = rec.type == LOG_REC_ATTACH_DB || rec.type == LOG_REC_DETACH_DB;
        if (rec.lsn_start < state->config.replay_from && !attachment) {
            /* Before the checkpoint: its changes are in the files already.  Only which
             * database a dbid names is needed from here (the carried ATTACHes). */
        } else if (rec.type == LOG_REC_PAGE_IMAGE) {
            log_page_image image;
            err = log_decode_page_image(&rec, &image);
            if (err == JET_errSuccess)
                err = keep_image(state, &image);
        } else if (rec.type == LOG_REC_COMMIT) {
            err = apply_commit(state);
        } else if (attachment) {
            log_database_ref ref;
            err = log_decode_database_ref(&rec, &ref);
            if (err == JET_errSuccess)
                err = remember_database(state, &ref, rec.type == LOG_REC_ATTACH_DB, rec.lsn_end);
        }
        if (err != JET_errSuccess)
            break;
    }
    return err;
}

JET_ERR redo_finish(redo_state *state, log_lsn consistent, bool failed)
{
    JET_ERR err = JET_errSuccess;
    state->stats->images_dropped += state->pending_count;
    drop_pending(state);
    osal_free(state->pending);
    for (unsigned dbid = 0; dbid <= MAX_DBID; dbid++) {
        redo_database *db = &state->databases[dbid];
        if (!failed && err == JET_errSuccess && db->path && !db->ignored && !db->file) {
            /* Attached, never touched by a replayed commit: it may still say dirty (a commit
             * or a close that failed), and nothing but this marks it clean. */
            bool exists = false;
            JET_ERR open_err = osal_path_exists(db->path, &exists);
            if (open_err == JET_errSuccess && exists)
                open_err = open_file(state, db);
            if (open_err != JET_errSuccess)
                err = open_err;
        }
        bool mark = !failed && err == JET_errSuccess && db->bm != NULL;
        JET_ERR close_err = close_database(db, mark, consistent);
        if (mark) {
            if (close_err == JET_errSuccess)
                state->stats->databases_closed++;
            else
                err = close_err;
        }
    }
    osal_free(state);
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

    /* Read the checkpoint's generation from its start: the ATTACHes the log carries there
     * (log.h, LOG_DATABASE_REF_CARRIED) name every database attached before the checkpoint;
     * changes are replayed from the checkpoint on. */
    redo_config redo = {.page_size = config->page_size,
                        .replay_from = have_checkpoint ? checkpoint.checkpoint : 0};
    redo_state *state = NULL;
    log_reader *reader = NULL;
    err = redo_create(&redo, stats, &state);
    if (err == JET_errSuccess)
        err = log_reader_open(config->log_folder, config->base_name,
                              have_checkpoint
                                  ? LOG_LSN(log_lsn_generation(checkpoint.checkpoint), 0, 0)
                                  : 0,
                              have_checkpoint ? &checkpoint.sign_log : NULL, &reader);
    if (err == JET_errSuccess)
        err = redo_replay(state, reader, NULL);
    if (err == JET_errSuccess && !have_checkpoint)
        log_reader_signature(reader, &checkpoint.sign_log);
    log_reader_close(reader);
    if (state) {
        JET_ERR finish_err = redo_finish(state, stats->end, err != JET_errSuccess);
        if (err == JET_errSuccess)
            err = finish_err;
    }
    /* Everything up to the end is now in the database files: recovery need not read it again. */
    if (err == JET_errSuccess && stats->end) {
        checkpoint.checkpoint = stats->end;
        err = checkpoint_write(chk, &checkpoint);
    }
    osal_free(chk);
    return err;
}
