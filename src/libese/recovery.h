/*
 * recovery.h -- redo: bring databases back to their last committed state from the log (libese
 * DESIGN.md, "Durability").  Used by JetInit (soft recovery, recovery_run) and by restore
 * (hard recovery, restore.c), which share the redo engine below.
 *
 * The log is read from the start of the checkpoint's generation (or from the oldest generation
 * when there is no checkpoint file); changes are replayed from the checkpoint on, and the
 * records before it are read only for ATTACH/DETACH: every generation starts with a carried
 * ATTACH of each database attached then (log.h), so a database attached long before the
 * checkpoint is still known.  ATTACH/DETACH records say which database file a dbid names.  Page images are held
 * until the COMMIT record that follows them: a commit's images and its commit record are
 * appended under one instance-wide commit latch, so the images pending when a COMMIT arrives
 * are exactly that commit's.  Images still pending at the end of the log (a crash between the
 * images and the commit record) are dropped: no-steal means the database file never saw them.
 * An image is applied when it is newer (by dbtime) than the page on disk, or when the page on
 * disk fails its checksum (a torn write), so redo is idempotent and repairs torn pages.
 *
 * At the end every database that the replayed log ATTACHed and did not DETACH is opened (even
 * when no commit touched it: a database left dirty by a failed commit or a failed close still
 * needs it), flushed, and its header marked clean: state CleanShutdown, dbtime at least every
 * page's, lgposConsistent / logtimeConsistent the end of the replayed log.  A database file that
 * no longer exists and needs no redo is skipped.  Then recovery_run writes a new checkpoint at
 * the end of the log.
 */
#ifndef LIBESE_RECOVERY_H
#define LIBESE_RECOVERY_H

#include <stdbool.h>
#include <stdint.h>

#include "log.h"

typedef struct {
    const char *log_folder;    /* UTF-8 */
    const char *system_folder; /* holds <base>.chk */
    const char *base_name;     /* 3 characters */
    uint32_t page_size;        /* the process-wide database page size */
} recovery_config;

typedef struct {
    uint64_t records;          /* log records read */
    uint64_t commits;          /* commits whose images were replayed */
    uint64_t images_applied;   /* images that changed a page */
    uint64_t images_skipped;   /* images older than the page on disk */
    uint64_t images_dropped;   /* images of a commit that never reached the log */
    uint64_t images_ignored;   /* images of databases redo was told to leave alone (restore) */
    uint32_t databases_closed; /* databases marked clean at the end */
    bool had_logs;             /* false: nothing to recover (a fresh instance) */
    bool clean_end;            /* the log ended with a clean shutdown record */
    bool torn_tail;            /* the newest generation ended in a torn write */
    log_lsn end;               /* just past the last complete record */
} recovery_stats;

/* Run redo.  JET_errSuccess with nothing done when there are no logs.  Errors: the log
 * reader's (corruption is never replayed), JET_errFileNotFound / JET_errDatabaseCorrupted for a
 * database the log needs (ESENT gives those when a dirty database is missing its file),
 * checkpoint and I/O errors.  A checkpoint file that was never completely written (zero
 * length, or nothing but zeros: a first JetInit that failed while creating it) counts as
 * absent (checkpoint.h). */
JET_ERR recovery_run(const recovery_config *config, recovery_stats *stats);

/* ---- the redo engine (recovery_run and restore.c) --------------------------------------------- */

typedef struct redo_state redo_state;

/* Where the images of a database named in an ATTACH record go.  *ptarget = an osal_malloc'd
 * path to apply them to, or NULL to ignore that database (its images are counted in
 * images_ignored and never applied). */
typedef JET_ERR (*redo_map_fn)(void *context, const char *logged_path, char **ptarget);

typedef struct {
    uint32_t page_size;
    redo_map_fn map;         /* NULL: apply at the path the log recorded */
    void *map_context;
    /* Records starting before this position are read only for ATTACH / DETACH (which
     * database a dbid names); their page images and commits are skipped.  recovery_run reads
     * the checkpoint's generation from its start with replay_from = the checkpoint.  0: replay
     * everything. */
    log_lsn replay_from;
    /* Called when the replay enters a new generation (may be NULL; its result is ignored). */
    void (*on_generation)(void *context, int32_t generation);
    void *generation_context;
} redo_config;

JET_ERR redo_create(const redo_config *config, recovery_stats *stats, redo_state **pstate);

/* Replay every record `reader` returns, up to its end.  *end_result (may be NULL) says how the
 * log ended (LOG_READ_END or LOG_READ_TORN_TAIL); stats->end is where.  Can be called again
 * with a reader over the next generations (restore: the backup set, then the log folder);
 * images pending at the end of one reader stay pending for the next. */
JET_ERR redo_replay(redo_state *state, log_reader *reader, log_read_result *end_result);

/* Drop pending images, then flush and mark clean every database still attached (see the top),
 * with lgposConsistent = `consistent`.  Frees the state.  With `failed` (an earlier error),
 * nothing is marked clean: the databases are only closed. */
JET_ERR redo_finish(redo_state *state, log_lsn consistent, bool failed);

/* Mark an open database header consistent at `consistent` (state CleanShutdown, lgpos and time
 * of consistency) and write it.  Shared with restore.c for databases the log never named. */
struct ese_dbfile;
JET_ERR redo_mark_consistent(struct ese_dbfile *file, log_lsn consistent);

#endif /* LIBESE_RECOVERY_H */
