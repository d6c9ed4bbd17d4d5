/* checkpointer.c -- see checkpointer.h. */
#include "checkpointer.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "bufmgr.h"
#include "osal.h"

struct ese_checkpointer {
    ese_log *log;
    char *path;
    bool circular;

    pthread_mutex_t round_lock;   /* one round at a time; held across its I/O */
    checkpoint_data data;         /* under round_lock: what the file holds */

    pthread_mutex_t lock;         /* leaf: the fields below */
    pthread_cond_t wake;
    bool stopping;
    checkpointer_stats stats;
    pthread_t thread;
    bool thread_started;
};

static atomic_bool g_background = true;

void checkpointer_set_background(bool enabled)
{
    atomic_store(&g_background, enabled);
}

static uint64_t monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* ---- a round ------------------------------------------------------------------------------ */

typedef struct {
    log_lsn flush_below;
    log_lsn oldest;
} round_visit;

static JET_ERR visit_database(ese_bufmgr *bm, void *arg)
{
    round_visit *v = arg;
    JET_ERR err = bm_flush_older_than(bm, v->flush_below);
    if (err != JET_errSuccess)
        return err;
    /* Read after the flush: what is still dirty (new commits, pages a backup range held back
     * and flushed later, a batch in flight) bounds the checkpoint. */
    uint64_t oldest = bm_oldest_dirty_position(bm);
    if (oldest < v->oldest)
        v->oldest = oldest;
    return JET_errSuccess;
}

/* One round (caller holds round_lock).  Any failure but the circular deletion's is fatal. */
static JET_ERR round_locked(ese_checkpointer *cp)
{
    if (log_is_dead(cp->log))
        return JET_errLogWriteFail;
    /* E first: every change appended after it has its recovery position at or after it, and a
     * database attached later has no change before it. */
    log_lsn end = log_append_end_lsn(cp->log);
    round_visit v = {.flush_below = end, .oldest = end};
    JET_ERR err = bm_group_visit(cp->log, visit_database, &v);
    if (err == JET_errOutOfMemory)
        return JET_errSuccess; /* nothing written: try again at the next round */
    if (err != JET_errSuccess)
        goto fatal;
    log_lsn checkpoint = v.oldest;
    uint64_t lost = bm_group_lost_position(cp->log);
    if (lost < checkpoint)
        checkpoint = lost; /* a database closed with changes only in the log */
    if (checkpoint <= cp->data.checkpoint)
        return JET_errSuccess;

    checkpoint_data next = cp->data;
    next.checkpoint = checkpoint;
    err = checkpoint_write(cp->path, &next);
    if (err != JET_errSuccess)
        goto fatal;
    cp->data = next;
    /* Only after the file says so: the log's circular deletion at rolls trusts this value. */
    log_set_checkpoint(cp->log, checkpoint);
    uint32_t deleted = 0;
    if (cp->circular)
        /* Generations wholly below the checkpoint's: redo never reads them again.  Paused
         * (nothing deleted) while a backup runs; a failure leaves the log usable. */
        log_delete_generations_below(cp->log, log_lsn_generation(checkpoint), LOG_DELETE_CIRCULAR,
                                     &deleted);
    pthread_mutex_lock(&cp->lock);
    cp->stats.checkpoint = checkpoint;
    cp->stats.advances++;
    cp->stats.generations_deleted += deleted;
    pthread_mutex_unlock(&cp->lock);
    return JET_errSuccess;

fatal:
    /* A database page or the checkpoint that cannot be written: the instance cannot keep its
     * promises any more.  Stop every later commit the way a failed log write does. */
    log_fail(cp->log);
    pthread_mutex_lock(&cp->lock);
    if (cp->stats.failure == JET_errSuccess)
        cp->stats.failure = err;
    pthread_mutex_unlock(&cp->lock);
    return err;
}

static JET_ERR run_round(ese_checkpointer *cp)
{
    pthread_mutex_lock(&cp->round_lock);
    JET_ERR err = round_locked(cp);
    pthread_mutex_unlock(&cp->round_lock);
    pthread_mutex_lock(&cp->lock);
    cp->stats.rounds++;
    pthread_mutex_unlock(&cp->lock);
    return err;
}

/* ---- the thread --------------------------------------------------------------------------- */

static void *thread_main(void *arg)
{
    ese_checkpointer *cp = arg;
    int32_t last_generation = log_current_generation(cp->log);
    uint64_t last_round = monotonic_ms();
    pthread_mutex_lock(&cp->lock);
    while (!cp->stopping && cp->stats.failure == JET_errSuccess) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += (long)CHECKPOINTER_POLL_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        int rc = pthread_cond_timedwait(&cp->wake, &cp->lock, &until);
        if (cp->stopping)
            break;
        if (rc != 0 && rc != ETIMEDOUT)
            continue;
        log_lsn checkpoint = cp->stats.checkpoint;
        pthread_mutex_unlock(&cp->lock);

        bool run = false;
        if (atomic_load(&g_background) && !log_is_dead(cp->log)) {
            int32_t generation = log_current_generation(cp->log);
            uint64_t now = monotonic_ms();
            run = generation != last_generation ||
                  (now - last_round >= CHECKPOINTER_PERIOD_MS &&
                   log_append_end_lsn(cp->log) > checkpoint);
            if (run) {
                last_generation = generation;
                last_round = now;
            }
        }
        if (run)
            run_round(cp); /* a failure is recorded in stats.failure and ends the loop */
        pthread_mutex_lock(&cp->lock);
    }
    pthread_mutex_unlock(&cp->lock);
    return NULL;
}

/* ---- lifetime ----------------------------------------------------------------------------- */

static void destroy(ese_checkpointer *cp)
{
    pthread_mutex_destroy(&cp->round_lock);
    pthread_mutex_destroy(&cp->lock);
    pthread_cond_destroy(&cp->wake);
    osal_free(cp->path);
    osal_free(cp);
}

JET_ERR checkpointer_start(const checkpointer_config *config, ese_checkpointer **pcp)
{
    if (!config || !config->log || !config->checkpoint_path || !config->current || !pcp)
        return JET_errInvalidParameter;
    ese_checkpointer *cp = osal_calloc(1, sizeof *cp);
    if (!cp)
        return JET_errOutOfMemory;
    size_t cb = strlen(config->checkpoint_path) + 1;
    cp->path = osal_malloc(cb);
    if (!cp->path) {
        osal_free(cp);
        return JET_errOutOfMemory;
    }
    memcpy(cp->path, config->checkpoint_path, cb);
    cp->log = config->log;
    cp->circular = config->circular;
    cp->data = *config->current;
    cp->stats.checkpoint = config->current->checkpoint;
    pthread_mutex_init(&cp->round_lock, NULL);
    pthread_mutex_init(&cp->lock, NULL);
    pthread_cond_init(&cp->wake, NULL);
    if (pthread_create(&cp->thread, NULL, thread_main, cp) != 0) {
        destroy(cp);
        return JET_errOutOfThreads;
    }
    cp->thread_started = true;
    *pcp = cp;
    return JET_errSuccess;
}

void checkpointer_stop(ese_checkpointer *cp)
{
    if (!cp)
        return;
    pthread_mutex_lock(&cp->lock);
    cp->stopping = true;
    pthread_cond_broadcast(&cp->wake);
    pthread_mutex_unlock(&cp->lock);
    if (cp->thread_started)
        pthread_join(cp->thread, NULL);
    destroy(cp);
}

JET_ERR checkpointer_run(ese_checkpointer *cp)
{
    if (!cp)
        return JET_errInvalidParameter;
    return run_round(cp);
}

void checkpointer_get_stats(ese_checkpointer *cp, checkpointer_stats *stats)
{
    pthread_mutex_lock(&cp->lock);
    *stats = cp->stats;
    pthread_mutex_unlock(&cp->lock);
}
