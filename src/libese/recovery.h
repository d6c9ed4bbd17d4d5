/*
 * recovery.h -- redo at JetInit: bring every database the log knows back to its last
 * committed state (libese DESIGN.md, "Durability").
 *
 * The log is read from the checkpoint (or from the oldest generation when there is no checkpoint
 * file).  ATTACH/DETACH records say which database file a dbid names.  Page images are held
 * until the COMMIT record that follows them: a commit's images and its commit record are
 * appended under one instance-wide commit latch, so the images pending when a COMMIT arrives
 * are exactly that commit's.  Images still pending at the end of the log (a crash between the
 * images and the commit record) are dropped: no-steal means the database file never saw them.
 * An image is applied when it is newer (by dbtime) than the page on disk, or when the page on
 * disk fails its checksum (a torn write), so redo is idempotent and repairs torn pages.
 * Afterwards every database touched is flushed, its header marked clean with its dbtime, and a
 * new checkpoint is written at the end of the log.
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
    bool had_logs;             /* false: nothing to recover (a fresh instance) */
    bool clean_end;            /* the log ended with a clean shutdown record */
    bool torn_tail;            /* the newest generation ended in a torn write */
    log_lsn end;               /* just past the last complete record */
} recovery_stats;

/* Run redo.  JET_errSuccess with nothing done when there are no logs.  Errors: the log
 * reader's (corruption is never replayed), JET_errFileNotFound / JET_errDatabaseCorrupted for a
 * database the log needs (ESENT gives those when a dirty database is missing its file),
 * checkpoint and I/O errors. */
JET_ERR recovery_run(const recovery_config *config, recovery_stats *stats);

#endif /* LIBESE_RECOVERY_H */
