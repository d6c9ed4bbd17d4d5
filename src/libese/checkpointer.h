/*
 * checkpointer.h -- the background checkpointer of a running instance (libese DESIGN.md,
 * "Checkpoints").
 *
 * One thread per instance with a log, started at the end of JetInit and stopped at the start of
 * JetTerm2 (before its databases close).  A *round*:
 *   1. E = the end of the log appended so far;
 *   2. every database logging into this log (bm_group_visit) writes its dirty pages whose
 *      oldest change is older than E (bm_flush_older_than; the write-ahead rule makes the log
 *      durable first where needed -- no checkpointer lock is one a committer needs);
 *   3. the new checkpoint C = min(E, the oldest recovery position of any page still dirty,
 *      bm_group_lost_position): the oldest log position whose changes may still be missing from
 *      the database files;
 *   4. when C moved forward: the checkpoint file is written (both copies, checkpoint.h), the
 *      log told (log_set_checkpoint: new generation headers, circular deletion at rolls), and
 *      with JET_paramCircularLog the generations wholly below C's are deleted
 *      (log_delete_generations_below, LOG_DELETE_CIRCULAR: nothing while a backup paused it).
 * Rounds run when the log has started a new generation since the last round (so the
 * checkpoint, and with circular logging the number of generations kept, stays within about
 * one generation of the end of the log), and every CHECKPOINTER_PERIOD_MS while anything was
 * appended after the checkpoint.  ESENT's JET_paramCheckpointDepthMax is not a libese
 * parameter; these two constants play its part.
 *
 * Failures: a database page write or fsync, or a checkpoint file write, that fails kills the
 * log (log_fail): every later commit fails as after a failed log write (JET_errLogWriteFail;
 * transaction calls JET_errInstanceUnavailable) and the thread does no further rounds.  The
 * checkpoint file is updated copy by copy, so a failure leaves the old checkpoint or the new
 * one readable, never neither.  A failed circular deletion is not fatal (log.h).
 *
 * Locks: `round_lock` serializes rounds (the thread's and forced ones); it is taken holding no
 * other lock and held across the round's I/O; it sits before a buffer manager's lock and the
 * log's.  `lock` (the thread's state) is a leaf.  Neither is ever needed by a committer.
 */
#ifndef LIBESE_CHECKPOINTER_H
#define LIBESE_CHECKPOINTER_H

#include <stdbool.h>
#include <stdint.h>

#include "checkpoint.h"
#include "esent.h"
#include "log.h"

#define CHECKPOINTER_PERIOD_MS 1000u /* a round at least this often while the log grows */
#define CHECKPOINTER_POLL_MS 50u     /* how often the thread looks for a new generation */

typedef struct ese_checkpointer ese_checkpointer;

typedef struct {
    ese_log *log;
    const char *checkpoint_path;    /* copied */
    const checkpoint_data *current; /* what the checkpoint file holds now (its other fields are
                                       kept as they are) */
    bool circular;                  /* JET_paramCircularLog */
} checkpointer_config;

typedef struct {
    log_lsn checkpoint;             /* the checkpoint in the file now */
    uint64_t rounds;                /* rounds run (background and forced) */
    uint64_t advances;              /* rounds that moved the checkpoint */
    uint64_t generations_deleted;   /* by circular logging after an advance */
    JET_ERR failure;                /* the error that killed the log, or 0 */
} checkpointer_stats;

/* Start the thread.  JET_errOutOfMemory, JET_errInvalidParameter, or JET_errOutOfThreads when
 * the thread cannot be created. */
JET_ERR checkpointer_start(const checkpointer_config *config, ese_checkpointer **pcp);

/* Stop the thread (waiting for a round in progress), free everything.  NULL is fine. */
void checkpointer_stop(ese_checkpointer *cp);

/* Run one round now, synchronously (tests; waits for a background round in progress).  The
 * round's error: JET_errLogWriteFail once the log is dead. */
JET_ERR checkpointer_run(ese_checkpointer *cp);

void checkpointer_get_stats(ese_checkpointer *cp, checkpointer_stats *stats);

/* Process-wide, for tests: false stops every background round (forced rounds still run), so a
 * test's fault injection meets only the round it forces.  Default true. */
void checkpointer_set_background(bool enabled);

/* The test hook (esent_testing.h esent_checkpoint_now, instance_log.c): one forced round on a
 * running instance.  JET_errInvalidInstance / JET_errInvalidParameter for a bad handle,
 * JET_errNotInitialized when it is not running, JET_errLoggingDisabled without a log. */
JET_ERR checkpointer_run_instance(JET_INSTANCE instance);

#endif /* LIBESE_CHECKPOINTER_H */
