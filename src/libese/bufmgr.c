/* bufmgr.c -- see bufmgr.h.
 *
 * One mutex per database guards the frame table; it is released while waiting for the log, so
 * a commit's fsync never blocks readers of the cache.  Frames are found by a chained hash on the
 * page number and evicted by a clock sweep that skips pinned pages, pages of the open batch and
 * pages inside a backup's locked range.
 *
 * The cache budget (JET_paramCacheSizeMax pages) is shared by every buffer manager of the
 * process: g_used counts every page buffer they hold (cached frames and the before-images of
 * open batches).  A unit of the budget is taken before a buffer is allocated; an evicted frame's
 * buffer is freed and its unit handed straight to the caller that evicted it, so g_used never
 * passes the budget (no slack; only a lowered budget leaves it above, until trimmed).  A buffer
 * manager below its fair share (budget / buffer managers open) takes its victims from the
 * others first, so a database opened late gets its share of a cache another one filled.
 * Eviction prefers clean pages; when none is left it writes dirty ones (after forcing the log
 * past them: the write-ahead rule), which is how a cache full of committed-but-unwritten pages
 * makes room.  Pages of an open batch are never written or evicted (no-steal).
 */
#include "bufmgr.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

typedef struct frame {
    uint32_t pgno;
    size_t slot;          /* its index in the frame table */
    bool dirty;
    bool in_batch;        /* changed by the open batch: not flushable, not evictable */
    bool referenced;      /* clock bit */
    uint32_t pins;
    uint64_t flush_after; /* log position that must be durable before this page is written */
    uint64_t rec_position; /* oldest log position recovery needs for this page while dirty */
    uint8_t *data;
    uint8_t *before_batch; /* the page as it was when the open batch first changed it (only
                              while the page is in a batch: it holds a unit of the budget) */
    bool dirty_before_batch;
    struct frame *hash_next;
} frame;

struct ese_bufmgr {
    ese_pagestore store; /* first: bm_store() hands out &bm->store */
    ese_dbfile *db;
    bm_log_hooks hooks;
    bool has_log;
    pthread_mutex_t lock;
    pthread_cond_t range_released;
    frame **frames;
    size_t frame_count, frame_capacity, clock_hand;
    frame **buckets;
    size_t bucket_count;
    uint64_t dbtime;
    bool batch_open;
    frame **batch;
    size_t batch_count, batch_capacity;
    bm_changed_page *batch_out;
    uint32_t range_first, range_last;
    bool range_locked;
    uint8_t *scratch; /* the checksummed copy written to disk */
    bm_stats stats;
    atomic_uint_fast64_t held; /* units of the budget it holds: frames + before-images */
    uint64_t batch_floor; /* the log's durable position when the open batch began: its images
                             (and so its pages' recovery position) can only come later */
    /* under g_group_lock: membership of the group of hooks.context (bm_group_visit) */
    void *group_context;
    bool in_group;
    uint32_t group_pins;
    struct ese_bufmgr *group_next;
    /* under g_group_lock: the registry of every open buffer manager (the shared budget) */
    bool registered;
    uint32_t registry_pins;
    struct ese_bufmgr *registry_next;
};

/* ---- the process-wide budget ------------------------------------------------------------- */

static atomic_uint_fast64_t g_budget = 2000000000u; /* JET_paramCacheSizeMax's default */
static atomic_uint_fast64_t g_used;                 /* units held by every buffer manager */
static atomic_uint_fast64_t g_peak;                 /* the most g_used has been */

static bool take_budget(void)
{
    uint_fast64_t used = atomic_load(&g_used);
    while (used < atomic_load(&g_budget)) {
        if (atomic_compare_exchange_weak(&g_used, &used, used + 1)) {
            uint_fast64_t peak = atomic_load(&g_peak);
            while (used + 1 > peak && !atomic_compare_exchange_weak(&g_peak, &peak, used + 1))
                ;
            return true;
        }
    }
    return false;
}

static void give_budget(uint64_t units)
{
    atomic_fetch_sub(&g_used, units);
}

uint64_t bm_cache_budget(void)
{
    return atomic_load(&g_budget);
}

uint64_t bm_cache_in_use(void)
{
    return atomic_load(&g_used);
}

uint64_t bm_cache_peak(bool reset)
{
    return reset ? atomic_exchange(&g_peak, atomic_load(&g_used)) : atomic_load(&g_peak);
}

/* ---- groups: the buffer managers that log into one log ------------------------------------
 *
 * Every buffer manager with log hooks is linked here under its hooks' context (the log), so
 * the checkpointer can walk the databases of its log without knowing the engine's registry.
 * A member visited by bm_group_visit is pinned: bm_close (and bm_set_log_hooks) wait for the
 * visit to end, so the checkpointer never touches a freed buffer manager.  A member that
 * leaves with dirty pages (a database whose close failed to flush) leaves its oldest recovery
 * position behind: the log's checkpoint must never pass it (bm_group_lost_position).
 * Lock order: g_group_lock before a buffer manager's lock; neither is held across a visit. */

typedef struct lost_position {
    void *context;
    uint64_t position;
    struct lost_position *next;
} lost_position;

static pthread_mutex_t g_group_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_group_unpinned = PTHREAD_COND_INITIALIZER;
static ese_bufmgr *g_group_head;
static lost_position *g_lost;
static lost_position g_lost_fallback; /* used when no memory is left for a note */

static uint64_t oldest_dirty_locked(ese_bufmgr *bm);

/* Caller holds g_group_lock. */
static void group_join_locked(ese_bufmgr *bm, void *context)
{
    bm->group_context = context;
    bm->group_next = g_group_head;
    g_group_head = bm;
    bm->in_group = true;
}

/* Caller holds g_group_lock; waits for visits of bm to end. */
static void group_leave_locked(ese_bufmgr *bm)
{
    if (!bm->in_group)
        return;
    while (bm->group_pins)
        pthread_cond_wait(&g_group_unpinned, &g_group_lock);
    for (ese_bufmgr **link = &g_group_head; *link; link = &(*link)->group_next) {
        if (*link == bm) {
            *link = bm->group_next;
            break;
        }
    }
    bm->in_group = false;
    pthread_mutex_lock(&bm->lock);
    uint64_t oldest = oldest_dirty_locked(bm);
    pthread_mutex_unlock(&bm->lock);
    if (oldest != UINT64_MAX) {
        /* Changes the file never got: recovery must keep starting at or before them.  Without
         * memory for the note, hold the checkpoint at 0 forever instead (the only safe bound). */
        lost_position *lost = osal_malloc(sizeof *lost);
        if (lost) {
            *lost = (lost_position){bm->group_context, oldest, g_lost};
            g_lost = lost;
        } else if (!g_lost_fallback.context) {
            g_lost_fallback = (lost_position){bm->group_context, 0, g_lost};
            g_lost = &g_lost_fallback;
        }
    }
}

JET_ERR bm_group_visit(void *context, JET_ERR (*fn)(ese_bufmgr *bm, void *arg), void *arg)
{
    pthread_mutex_lock(&g_group_lock);
    size_t count = 0;
    for (ese_bufmgr *bm = g_group_head; bm; bm = bm->group_next)
        count += bm->group_context == context;
    ese_bufmgr **members = osal_malloc((count ? count : 1) * sizeof *members);
    if (!members) {
        pthread_mutex_unlock(&g_group_lock);
        return JET_errOutOfMemory;
    }
    size_t n = 0;
    for (ese_bufmgr *bm = g_group_head; bm; bm = bm->group_next) {
        if (bm->group_context == context) {
            bm->group_pins++;
            members[n++] = bm;
        }
    }
    pthread_mutex_unlock(&g_group_lock);
    JET_ERR err = JET_errSuccess;
    for (size_t i = 0; i < n && err == JET_errSuccess; i++)
        err = fn(members[i], arg);
    pthread_mutex_lock(&g_group_lock);
    for (size_t i = 0; i < n; i++)
        members[i]->group_pins--;
    pthread_cond_broadcast(&g_group_unpinned);
    pthread_mutex_unlock(&g_group_lock);
    osal_free(members);
    return err;
}

uint64_t bm_group_lost_position(void *context)
{
    uint64_t oldest = UINT64_MAX;
    pthread_mutex_lock(&g_group_lock);
    for (lost_position *lost = g_lost; lost; lost = lost->next)
        if (lost->context == context && lost->position < oldest)
            oldest = lost->position;
    pthread_mutex_unlock(&g_group_lock);
    return oldest;
}

void bm_group_forget(void *context)
{
    pthread_mutex_lock(&g_group_lock);
    for (lost_position **link = &g_lost; *link;) {
        lost_position *lost = *link;
        if (lost->context != context) {
            link = &lost->next;
            continue;
        }
        *link = lost->next;
        if (lost == &g_lost_fallback)
            g_lost_fallback.context = NULL; /* static: free for the next use */
        else
            osal_free(lost);
    }
    pthread_mutex_unlock(&g_group_lock);
}

/* ---- the registry of every buffer manager ------------------------------------------------
 *
 * Eviction may take a victim from another database's buffer manager (the budget is shared), and
 * a lowered budget trims them all.  Every open buffer manager is linked here under
 * g_group_lock; one being visited is pinned (registry_pins) and bm_close waits for the visit to
 * end.  A visitor holds no buffer-manager lock while it pins, and takes one member's lock at a
 * time after g_group_lock is released: the lock order stays g_group_lock, then one bm->lock. */

static ese_bufmgr *g_registry_head;
static atomic_uint_fast64_t g_registry_count;

static void registry_join(ese_bufmgr *bm)
{
    pthread_mutex_lock(&g_group_lock);
    bm->registry_next = g_registry_head;
    g_registry_head = bm;
    bm->registered = true;
    atomic_fetch_add(&g_registry_count, 1);
    pthread_mutex_unlock(&g_group_lock);
}

static void registry_leave(ese_bufmgr *bm)
{
    pthread_mutex_lock(&g_group_lock);
    if (bm->registered) {
        while (bm->registry_pins)
            pthread_cond_wait(&g_group_unpinned, &g_group_lock);
        for (ese_bufmgr **link = &g_registry_head; *link; link = &(*link)->registry_next) {
            if (*link == bm) {
                *link = bm->registry_next;
                break;
            }
        }
        bm->registered = false;
        atomic_fetch_sub(&g_registry_count, 1);
    }
    pthread_mutex_unlock(&g_group_lock);
}

/* Pin every registered buffer manager and return the head of the pinned chain: members are
 * only unlinked once unpinned, and new ones join at the head, so the chain from this head stays
 * intact (and its links unchanged) until registry_unpin. */
static ese_bufmgr *registry_pin_all(void)
{
    pthread_mutex_lock(&g_group_lock);
    ese_bufmgr *head = g_registry_head;
    for (ese_bufmgr *m = head; m; m = m->registry_next)
        m->registry_pins++;
    pthread_mutex_unlock(&g_group_lock);
    return head;
}

static void registry_unpin_all(ese_bufmgr *head)
{
    pthread_mutex_lock(&g_group_lock);
    for (ese_bufmgr *m = head; m; m = m->registry_next)
        m->registry_pins--;
    pthread_cond_broadcast(&g_group_unpinned);
    pthread_mutex_unlock(&g_group_lock);
}

/* ---- frames ------------------------------------------------------------------------------ */

static size_t bucket_of(const ese_bufmgr *bm, uint32_t pgno)
{
    return (pgno * 2654435761u) % bm->bucket_count;
}

static frame *find_frame(const ese_bufmgr *bm, uint32_t pgno)
{
    for (frame *f = bm->buckets[bucket_of(bm, pgno)]; f; f = f->hash_next)
        if (f->pgno == pgno)
            return f;
    return NULL;
}

static void hash_insert(ese_bufmgr *bm, frame *f)
{
    size_t b = bucket_of(bm, f->pgno);
    f->hash_next = bm->buckets[b];
    bm->buckets[b] = f;
}

static void hash_remove(ese_bufmgr *bm, frame *f)
{
    for (frame **link = &bm->buckets[bucket_of(bm, f->pgno)]; *link; link = &(*link)->hash_next) {
        if (*link == f) {
            *link = f->hash_next;
            return;
        }
    }
}

static bool in_locked_range(const ese_bufmgr *bm, uint32_t pgno)
{
    return bm->range_locked && pgno >= bm->range_first && pgno <= bm->range_last;
}

static bool page_is_zero(const uint8_t *page, uint32_t cb)
{
    for (uint32_t i = 0; i < cb; i++)
        if (page[i])
            return false;
    return true;
}

/* Write one dirty frame to the file (caller holds the lock; it may be dropped and retaken while
 * the log is made durable or, with `wait_range`, a backup range is released; without it a page
 * in the range is left dirty).  The frame stays pinned meanwhile. */
static JET_ERR flush_frame(ese_bufmgr *bm, frame *f, bool wait_range)
{
    f->pins++;
    JET_ERR err = JET_errSuccess;
    while (bm->has_log && f->dirty && f->flush_after > bm->hooks.durable_position(bm->hooks.context)) {
        uint64_t needed = f->flush_after;
        pthread_mutex_unlock(&bm->lock);
        err = bm->hooks.make_durable(bm->hooks.context, needed);
        pthread_mutex_lock(&bm->lock);
        if (err != JET_errSuccess)
            goto done;
    }
    while (wait_range && in_locked_range(bm, f->pgno))
        pthread_cond_wait(&bm->range_released, &bm->lock);
    if (in_locked_range(bm, f->pgno))
        goto done; /* eviction never waits for a backup: it takes another victim */
    if (!f->dirty || f->in_batch)
        goto done; /* someone else flushed it, or a new batch took it while we waited */
    uint32_t cb = bm->db->page_size;
    memcpy(bm->scratch, f->data, cb);
    if (!page_is_zero(bm->scratch, cb))
        ese_page_stamp(bm->scratch, cb, f->pgno);
    err = dbfile_write_page(bm->db, f->pgno, bm->scratch);
    if (err == JET_errSuccess) {
        f->dirty = false;
        f->flush_after = f->rec_position = 0;
        bm->stats.writes++;
    }
done:
    f->pins--;
    return err;
}

/* Take a clean, unpinned frame out of the table and free it (caller holds the lock).  Its unit
 * of the budget is NOT given back: it is the caller's now. */
static void drop_frame_locked(ese_bufmgr *bm, frame *f)
{
    size_t slot = f->slot;
    hash_remove(bm, f);
    bm->frames[slot] = bm->frames[--bm->frame_count];
    bm->frames[slot]->slot = slot;
    osal_free(f->data);
    osal_free(f);
    atomic_fetch_sub(&bm->held, 1);
    bm->stats.evictions++;
}

/* Evict one frame of `bm` by the clock (caller holds bm->lock): the first pass clears clock
 * bits, the next takes the first victim.  Only clean victims unless `write_dirty`: then a dirty
 * victim is written first (the log forced past it, the lock dropped meanwhile).  A failed write
 * is fatal to the instance, as a failed page write of the checkpointer is (hooks.fail: the log
 * dies, later calls answer JET_errInstanceUnavailable); the error is returned in *perr.
 * True: a frame was freed and its unit of the budget is the caller's. */
static bool evict_locked(ese_bufmgr *bm, bool write_dirty, JET_ERR *perr)
{
    *perr = JET_errSuccess;
    for (size_t step = 0; bm->frame_count && step < 2 * bm->frame_count + 1; step++) {
        if (bm->clock_hand >= bm->frame_count)
            bm->clock_hand = 0;
        frame *f = bm->frames[bm->clock_hand++];
        if (f->pins || f->in_batch)
            continue;
        if (f->referenced) {
            f->referenced = false;
            continue;
        }
        if (f->dirty) {
            if (!write_dirty || in_locked_range(bm, f->pgno))
                continue;
            JET_ERR err = flush_frame(bm, f, false);
            if (err != JET_errSuccess) {
                if (bm->has_log && bm->hooks.fail)
                    bm->hooks.fail(bm->hooks.context);
                *perr = err;
                return false;
            }
            /* While the lock was dropped the page may have been taken again: then go on. */
            if (f->dirty || f->pins || f->in_batch || f->referenced)
                continue;
        }
        drop_frame_locked(bm, f);
        return true;
    }
    return false;
}

/* Evict a frame of another buffer manager holding more than `more_than` units (caller holds
 * bm->lock, which is dropped meanwhile: no two buffer-manager locks are ever held together). */
static bool steal_locked(ese_bufmgr *bm, bool write_dirty, uint64_t more_than, JET_ERR *perr)
{
    *perr = JET_errSuccess;
    if (atomic_load(&g_registry_count) < 2)
        return false;
    pthread_mutex_unlock(&bm->lock);
    bool got = false;
    ese_bufmgr *head = registry_pin_all();
    for (ese_bufmgr *m = head; m && !got && *perr == JET_errSuccess; m = m->registry_next) {
        if (m == bm || atomic_load(&m->held) <= more_than)
            continue;
        pthread_mutex_lock(&m->lock);
        got = evict_locked(m, write_dirty, perr);
        pthread_mutex_unlock(&m->lock);
    }
    registry_unpin_all(head);
    pthread_mutex_lock(&bm->lock);
    return got;
}

/* How long a buffer manager whose every candidate is pinned waits for pins to go (other
 * sessions' cursors and page references are short-lived) before JET_errOutOfBuffers. */
#define ACQUIRE_WAIT_ROUNDS 100
#define ACQUIRE_WAIT_NS 1000000L

/* One unit of the budget for a new page buffer of `bm` (caller holds bm->lock; it may be
 * dropped and retaken).  Free budget first; else a victim: clean pages before dirty ones, and a
 * buffer manager below its fair share takes from the larger ones before its own.  Nothing
 * evictable anywhere (every page pinned or in a batch, e.g. a commit larger than the cache):
 * JET_errOutOfBuffers. */
static JET_ERR acquire_unit(ese_bufmgr *bm)
{
    for (int round = 0;; round++) {
        if (take_budget())
            return JET_errSuccess;
        uint64_t members = atomic_load(&g_registry_count);
        uint64_t share = atomic_load(&g_budget) / (members ? members : 1);
        uint64_t mine = atomic_load(&bm->held);
        bool others_first = mine < share;
        JET_ERR err = JET_errSuccess;
        bool got = false;
        /* 0-1: from the larger ones (below the share only), 2-3: its own, 4-5: from anyone;
         * each time clean pages first, then dirty ones */
        for (int step = others_first ? 0 : 2; step < 6 && !got && err == JET_errSuccess; step++) {
            bool write_dirty = step & 1;
            if (step < 2)
                got = steal_locked(bm, write_dirty, mine, &err);
            else if (step < 4)
                got = evict_locked(bm, write_dirty, &err);
            else
                got = steal_locked(bm, write_dirty, 0, &err);
        }
        if (err != JET_errSuccess)
            return err;
        if (got) {
            if (atomic_load(&g_used) <= atomic_load(&g_budget))
                return JET_errSuccess;
            give_budget(1); /* the budget was lowered: shed one more frame and look again */
            round = 0;
            continue;
        }
        if (round >= ACQUIRE_WAIT_ROUNDS)
            return JET_errOutOfBuffers;
        pthread_mutex_unlock(&bm->lock);
        struct timespec pause = {0, ACQUIRE_WAIT_NS};
        nanosleep(&pause, NULL);
        pthread_mutex_lock(&bm->lock);
    }
}

/* Read `pgno` into a new frame, paid for by a unit the caller holds (kept on success, the
 * caller's to give back on failure).  JET_errOutOfMemory when the frame or the table cannot
 * grow.  `verify`: see pin_page. */
static JET_ERR load_frame(ese_bufmgr *bm, uint32_t pgno, bool verify, frame **pf)
{
    uint32_t cb = bm->db->page_size;
    if (bm->frame_count == bm->frame_capacity) {
        size_t wanted = bm->frame_capacity * 2;
        frame **grown = osal_calloc(wanted, sizeof *grown);
        if (!grown)
            return JET_errOutOfMemory;
        memcpy(grown, bm->frames, bm->frame_count * sizeof *grown);
        osal_free(bm->frames);
        bm->frames = grown;
        bm->frame_capacity = wanted;
    }
    frame *f = osal_calloc(1, sizeof *f);
    uint8_t *data = f ? osal_malloc(cb) : NULL;
    if (!data) {
        osal_free(f);
        return JET_errOutOfMemory;
    }
    JET_ERR err = dbfile_read_page(bm->db, pgno, data);
    if (err == JET_errSuccess && verify && !page_is_zero(data, cb)) {
        ese_page_check check;
        ese_page_status status = ese_page_correct(data, cb, pgno, &check);
        if (status != ESE_PAGE_OK && status != ESE_PAGE_CORRECTABLE)
            err = JET_errReadVerifyFailure;
    }
    if (err != JET_errSuccess) {
        osal_free(data);
        osal_free(f);
        return err;
    }
    bm->stats.reads++;
    f->data = data;
    f->pgno = pgno;
    f->slot = bm->frame_count;
    bm->frames[bm->frame_count++] = f;
    atomic_fetch_add(&bm->held, 1);
    hash_insert(bm, f);
    *pf = f;
    return JET_errSuccess;
}

/* Pin a page, loading it on a miss.  `verify` checks the checksum of what comes from disk: a
 * single flipped bit is repaired in memory (as ESE does), anything worse is
 * JET_errReadVerifyFailure. */
static JET_ERR pin_page(ese_bufmgr *bm, uint32_t pgno, bool verify, frame **pf)
{
    if (pgno == 0 || pgno > bm->db->page_count)
        return JET_errInvalidParameter; /* a tree pointed outside the file: caller's bug */
    frame *f = find_frame(bm, pgno);
    if (f) {
        bm->stats.hits++;
    } else {
        JET_ERR err = acquire_unit(bm);
        if (err != JET_errSuccess)
            return err;
        /* The lock may have been dropped: another thread may have loaded the page meanwhile. */
        if ((f = find_frame(bm, pgno)) != NULL) {
            give_budget(1);
            bm->stats.hits++;
        } else if ((err = load_frame(bm, pgno, verify, &f)) != JET_errSuccess) {
            give_budget(1);
            return err;
        }
    }
    f->referenced = true;
    f->pins++;
    *pf = f;
    return JET_errSuccess;
}

/* Free the before-images of the batch's pages (caller holds the lock): their units go back. */
static void free_before_images_locked(ese_bufmgr *bm)
{
    uint64_t freed = 0;
    for (size_t i = 0; i < bm->batch_count; i++) {
        frame *f = bm->batch[i];
        if (f->before_batch) {
            osal_free(f->before_batch);
            f->before_batch = NULL;
            freed++;
        }
    }
    atomic_fetch_sub(&bm->held, freed);
    give_budget(freed);
}

/* ---- the page store ---------------------------------------------------------------------- */

static JET_ERR store_get(ese_pagestore *store, uint32_t pgno, ese_page_ref *ref, int writable)
{
    ese_bufmgr *bm = (ese_bufmgr *)store;
    pthread_mutex_lock(&bm->lock);
    frame *f;
    JET_ERR err = pin_page(bm, pgno, true, &f);
    if (err == JET_errSuccess && writable && bm->batch_open && !f->in_batch) {
        /* First change of this page in the batch: keep what it was, for bm_batch_discard.  The
         * copy is a page buffer like any other: it takes a unit of the budget (the frame is
         * pinned, so making room cannot evict it). */
        if (!f->before_batch) {
            err = acquire_unit(bm);
            if (err == JET_errSuccess && !(f->before_batch = osal_malloc(bm->db->page_size))) {
                give_budget(1);
                err = JET_errOutOfMemory;
            }
            if (err == JET_errSuccess)
                atomic_fetch_add(&bm->held, 1);
        }
        if (err == JET_errSuccess && bm->batch_count == bm->batch_capacity) {
            size_t wanted = bm->batch_capacity ? bm->batch_capacity * 2 : 64;
            frame **grown = osal_calloc(wanted, sizeof *grown);
            bm_changed_page *out = osal_calloc(wanted, sizeof *out);
            if (!grown || !out) {
                osal_free(grown);
                osal_free(out);
                err = JET_errOutOfMemory;
            } else {
                if (bm->batch_count)
                    memcpy(grown, bm->batch, bm->batch_count * sizeof *grown);
                osal_free(bm->batch);
                osal_free(bm->batch_out);
                bm->batch = grown;
                bm->batch_out = out;
                bm->batch_capacity = wanted;
            }
        }
        if (err == JET_errSuccess) {
            memcpy(f->before_batch, f->data, bm->db->page_size);
            f->dirty_before_batch = f->dirty;
            f->in_batch = true;
            bm->batch[bm->batch_count++] = f;
        }
        if (err != JET_errSuccess) {
            if (f->before_batch) { /* never outside a batch: eviction does not free it */
                osal_free(f->before_batch);
                f->before_batch = NULL;
                atomic_fetch_sub(&bm->held, 1);
                give_budget(1);
            }
            f->pins--;
        }
    }
    pthread_mutex_unlock(&bm->lock);
    if (err == JET_errSuccess) {
        ref->pgno = pgno;
        ref->data = f->data;
        ref->frame = f;
        ref->writable = writable;
    }
    return err;
}

static JET_ERR store_read(ese_pagestore *store, uint32_t pgno, ese_page_ref *ref)
{
    return store_get(store, pgno, ref, 0);
}

static JET_ERR store_write(ese_pagestore *store, uint32_t pgno, ese_page_ref *ref)
{
    return store_get(store, pgno, ref, 1);
}

static void store_release(ese_pagestore *store, ese_page_ref *ref)
{
    ese_bufmgr *bm = (ese_bufmgr *)store;
    frame *f = ref->frame;
    if (!f)
        return;
    pthread_mutex_lock(&bm->lock);
    if (ref->writable) {
        ese_store_u64(f->data + ESE_PGHDR_OFF_DBTIME_DIRTIED, ++bm->dbtime);
        f->dirty = true;
    }
    f->pins--;
    pthread_mutex_unlock(&bm->lock);
    ref->frame = NULL;
    ref->data = NULL;
}

static JET_ERR store_extend(ese_pagestore *store, uint32_t cpg, uint32_t *pfirst)
{
    ese_bufmgr *bm = (ese_bufmgr *)store;
    pthread_mutex_lock(&bm->lock);
    JET_ERR err = dbfile_extend(bm->db, cpg, pfirst);
    if (err == JET_errSuccess)
        bm->store.page_count = bm->db->page_count;
    pthread_mutex_unlock(&bm->lock);
    return err;
}

static const ese_pagestore_ops k_bufmgr_store_ops = {
    .read = store_read,
    .write = store_write,
    .extend = store_extend,
    .release = store_release,
};

/* ---- lifetime ---------------------------------------------------------------------------- */

JET_ERR bm_open(ese_dbfile *db, const bm_log_hooks *hooks, ese_bufmgr **pbm)
{
    ese_bufmgr *bm = osal_calloc(1, sizeof *bm);
    if (!bm)
        return JET_errOutOfMemory;
    bm->db = db;
    bm->store.ops = &k_bufmgr_store_ops;
    bm->store.page_size = db->page_size;
    bm->store.page_count = db->page_count;
    bm->dbtime = dbfile_dbtime(db);
    bm->bucket_count = 4099;
    bm->frame_capacity = 64;
    bm->buckets = osal_calloc(bm->bucket_count, sizeof *bm->buckets);
    bm->frames = osal_calloc(bm->frame_capacity, sizeof *bm->frames);
    bm->scratch = osal_malloc(db->page_size);
    if (!bm->buckets || !bm->frames || !bm->scratch) {
        bm_close(bm);
        return JET_errOutOfMemory;
    }
    pthread_mutex_init(&bm->lock, NULL);
    pthread_cond_init(&bm->range_released, NULL);
    registry_join(bm);
    if (hooks)
        bm_set_log_hooks(bm, hooks);
    *pbm = bm;
    return JET_errSuccess;
}

void bm_set_log_hooks(ese_bufmgr *bm, const bm_log_hooks *hooks)
{
    pthread_mutex_lock(&g_group_lock);
    group_leave_locked(bm);
    pthread_mutex_lock(&bm->lock);
    if (hooks)
        bm->hooks = *hooks;
    bm->has_log = hooks != NULL;
    pthread_mutex_unlock(&bm->lock);
    if (hooks)
        group_join_locked(bm, hooks->context);
    pthread_mutex_unlock(&g_group_lock);
}

void bm_close(ese_bufmgr *bm)
{
    if (!bm)
        return;
    pthread_mutex_lock(&g_group_lock);
    group_leave_locked(bm); /* waits for a checkpointer visiting it */
    pthread_mutex_unlock(&g_group_lock);
    registry_leave(bm); /* waits for an eviction or a trim visiting it */
    for (size_t i = 0; i < bm->frame_count; i++) {
        osal_free(bm->frames[i]->data);
        osal_free(bm->frames[i]->before_batch);
        osal_free(bm->frames[i]);
    }
    give_budget(atomic_load(&bm->held));
    if (bm->buckets) {
        pthread_mutex_destroy(&bm->lock);
        pthread_cond_destroy(&bm->range_released);
    }
    osal_free(bm->frames);
    osal_free(bm->buckets);
    osal_free(bm->batch);
    osal_free(bm->batch_out);
    osal_free(bm->scratch);
    osal_free(bm);
}

ese_pagestore *bm_store(ese_bufmgr *bm)
{
    return &bm->store;
}

uint64_t bm_dbtime(const ese_bufmgr *bm)
{
    return bm->dbtime;
}

/* ---- batches ----------------------------------------------------------------------------- */

void bm_batch_begin(ese_bufmgr *bm)
{
    pthread_mutex_lock(&bm->lock);
    bm->batch_open = true;
    bm->batch_count = 0;
    /* The batch's images will be appended after this point, so at or after what is durable
     * now: a lower bound of its pages' recovery position while they are in the batch. */
    bm->batch_floor = bm->has_log ? bm->hooks.durable_position(bm->hooks.context) : 0;
    pthread_mutex_unlock(&bm->lock);
}

JET_ERR bm_batch_end(ese_bufmgr *bm, const bm_changed_page **ppages, size_t *pcount)
{
    pthread_mutex_lock(&bm->lock);
    bm->batch_open = false;
    for (size_t i = 0; i < bm->batch_count; i++) {
        frame *f = bm->batch[i];
        bm->batch_out[i].pgno = f->pgno;
        bm->batch_out[i].dbtime = ese_load_u64(f->data + ESE_PGHDR_OFF_DBTIME_DIRTIED);
        bm->batch_out[i].image = f->data;
    }
    *ppages = bm->batch_out;
    *pcount = bm->batch_count;
    pthread_mutex_unlock(&bm->lock);
    return JET_errSuccess;
}

void bm_batch_logged(ese_bufmgr *bm, uint64_t first, uint64_t commit_end)
{
    pthread_mutex_lock(&bm->lock);
    for (size_t i = 0; i < bm->batch_count; i++) {
        frame *f = bm->batch[i];
        /* A page still dirty from an earlier commit keeps that commit's (older) start. */
        if (!f->dirty_before_batch || first < f->rec_position)
            f->rec_position = first;
        f->flush_after = commit_end;
        f->in_batch = false;
    }
    free_before_images_locked(bm);
    bm->batch_count = 0;
    pthread_mutex_unlock(&bm->lock);
}

void bm_batch_discard(ese_bufmgr *bm)
{
    pthread_mutex_lock(&bm->lock);
    bm->batch_open = false;
    for (size_t i = 0; i < bm->batch_count; i++) {
        frame *f = bm->batch[i];
        memcpy(f->data, f->before_batch, bm->db->page_size);
        f->in_batch = false;
        f->dirty = f->dirty_before_batch;
    }
    free_before_images_locked(bm);
    bm->batch_count = 0;
    pthread_mutex_unlock(&bm->lock);
}

/* ---- flushing ---------------------------------------------------------------------------- */

static JET_ERR flush_matching(ese_bufmgr *bm, uint64_t older_than)
{
    JET_ERR err = JET_errSuccess;
    pthread_mutex_lock(&bm->lock);
    for (size_t i = 0; i < bm->frame_count && err == JET_errSuccess; i++) {
        frame *f = bm->frames[i];
        if (f->dirty && !f->in_batch && f->rec_position < older_than)
            err = flush_frame(bm, f, true);
    }
    pthread_mutex_unlock(&bm->lock);
    if (err == JET_errSuccess)
        err = dbfile_sync(bm->db);
    return err;
}

JET_ERR bm_flush_all(ese_bufmgr *bm)
{
    return flush_matching(bm, UINT64_MAX);
}

JET_ERR bm_flush_older_than(ese_bufmgr *bm, uint64_t position)
{
    return flush_matching(bm, position);
}

/* A page of a batch not yet logged (open, or ended and being appended) has no position of its
 * own yet: its images come at or after batch_floor.  One dirty from an earlier commit too
 * keeps that commit's older position. */
static uint64_t oldest_dirty_locked(ese_bufmgr *bm)
{
    uint64_t oldest = UINT64_MAX;
    for (size_t i = 0; i < bm->frame_count; i++) {
        frame *f = bm->frames[i];
        uint64_t position;
        if (f->in_batch) {
            position = bm->batch_floor;
            if (f->dirty_before_batch && f->rec_position < position)
                position = f->rec_position;
        } else if (f->dirty) {
            position = f->rec_position;
        } else {
            continue;
        }
        if (position < oldest)
            oldest = position;
    }
    return oldest;
}

uint64_t bm_oldest_dirty_position(ese_bufmgr *bm)
{
    pthread_mutex_lock(&bm->lock);
    uint64_t oldest = oldest_dirty_locked(bm);
    pthread_mutex_unlock(&bm->lock);
    return oldest;
}

/* ---- backup ------------------------------------------------------------------------------ */

void bm_range_lock(ese_bufmgr *bm, uint32_t first, uint32_t last)
{
    pthread_mutex_lock(&bm->lock);
    bm->range_first = first;
    bm->range_last = last;
    bm->range_locked = true;
    pthread_mutex_unlock(&bm->lock);
}

void bm_range_unlock(ese_bufmgr *bm)
{
    pthread_mutex_lock(&bm->lock);
    bm->range_locked = false;
    pthread_cond_broadcast(&bm->range_released);
    pthread_mutex_unlock(&bm->lock);
}

/* ---- recovery ---------------------------------------------------------------------------- */

JET_ERR bm_redo_image(ese_bufmgr *bm, uint32_t pgno, uint64_t dbtime, const uint8_t *image,
                      bool *papplied)
{
    if (papplied)
        *papplied = false;
    pthread_mutex_lock(&bm->lock);
    frame *f;
    JET_ERR err = JET_errSuccess;
    while (pgno > bm->db->page_count && err == JET_errSuccess) {
        uint32_t first;
        err = dbfile_extend(bm->db, pgno - bm->db->page_count, &first);
        bm->store.page_count = bm->db->page_count;
    }
    if (err == JET_errSuccess)
        err = pin_page(bm, pgno, false, &f); /* a torn page must not stop its own repair */
    if (err == JET_errSuccess) {
        uint64_t current = ese_load_u64(f->data + ESE_PGHDR_OFF_DBTIME_DIRTIED);
        ese_page_check check;
        bool intact = page_is_zero(f->data, bm->db->page_size) ||
                      ese_page_verify(f->data, bm->db->page_size, pgno, &check) == ESE_PAGE_OK;
        /* An image whose dbtime equals the page's is applied again: it is the whole page as that
         * change left it, so this is idempotent, and it repairs a torn write whose first sector
         * (with the new dbtime) reached the disk while later ones did not, yet the mix still
         * passes the XOR checksum: data whose sectors XOR alike across versions defeats it
         * (tests/c/test_crash.c's "aliasing" rounds lost bytes this way before). */
        if (current <= dbtime || !intact) {
            memcpy(f->data, image, bm->db->page_size);
            f->dirty = true;
            if (papplied)
                *papplied = true;
        }
        if (dbtime > bm->dbtime)
            bm->dbtime = dbtime;
        f->pins--;
    }
    pthread_mutex_unlock(&bm->lock);
    return err;
}

void bm_get_stats(ese_bufmgr *bm, bm_stats *out)
{
    pthread_mutex_lock(&bm->lock);
    *out = bm->stats;
    out->frames = bm->frame_count;
    pthread_mutex_unlock(&bm->lock);
}

void bm_set_cache_budget(uint64_t pages)
{
    atomic_store(&g_budget, pages ? pages : 1);
    /* Lowered below what is held: give back clean pages now (no I/O, so any caller may trim);
     * dirty ones go as later misses evict them (acquire_unit sheds while over budget). */
    if (atomic_load(&g_used) <= atomic_load(&g_budget))
        return;
    ese_bufmgr *head = registry_pin_all();
    for (ese_bufmgr *m = head; m; m = m->registry_next) {
        pthread_mutex_lock(&m->lock);
        JET_ERR err;
        while (atomic_load(&g_used) > atomic_load(&g_budget) && evict_locked(m, false, &err))
            give_budget(1);
        pthread_mutex_unlock(&m->lock);
    }
    registry_unpin_all(head);
}
