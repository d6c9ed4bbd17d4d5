/*
 * trx.c -- transactions through the Jet API (see trx.h; contract: docs/contract/transactions.md).
 *
 * Behaviour as the ESENT reference documents it (learn.microsoft.com, "Extensible Storage
 * Engine" > "JetBeginTransaction Function", "JetBeginTransaction2 Function",
 * "JetCommitTransaction Function", "JetCommitTransaction2 Function", "JetRollback Function",
 * "JetSetSessionContext Function", "JetResetSessionContext Function"):
 *   - a session enters a transaction with its first JetBeginTransaction; each further one
 *     opens a save point, up to 7 levels (the 8th: JET_errTransTooDeep);
 *   - JetCommitTransaction merges the current level into the one below; committing level 1
 *     commits to the database: durable before it returns, unless JET_bitCommitLazyFlush;
 *     JET_bitWaitLastLevel0Commit (this session's last commit) and JET_bitWaitAllLevel0Commit
 *     (everything committed) only wait for the log, in or out of a transaction, and take no
 *     other bit (JET_errInvalidGrbit);
 *   - JetRollback undoes the current level (JET_bitRollbackAll: every level), cancels updates
 *     prepared in it, closes tables opened in it, and moves cursors that navigated in it
 *     before the first record;
 *   - commit and rollback outside a transaction: JET_errNotInTransaction;
 *   - the session is bound to the thread that began the transaction (or to its session
 *     context): Begin / Commit / Rollback, and every update (ESENT runs each in a nested
 *     transaction), from another thread fail with JET_errSessionSharingViolation, as ESENT's
 *     trx-context check does (JetUpdate2 documents the error).
 */
#include "trx.h"

#include <string.h>

#include "api_data.h"
#include "bufmgr.h"
#include "database.h"
#include "engine.h"
#include "log.h"
#include "osal.h"
#include "session.h"

/* ---- the ordered map -------------------------------------------------------------------------- */

int omap_compare(const uint8_t *a, size_t cb_a, const uint8_t *b, size_t cb_b)
{
    size_t n = cb_a < cb_b ? cb_a : cb_b;
    int c = n ? memcmp(a, b, n) : 0;
    if (c)
        return c;
    return cb_a < cb_b ? -1 : cb_a > cb_b ? 1 : 0;
}

static int height(const omap_node *n) { return n ? n->height : 0; }

static void fix_height(omap_node *n)
{
    int l = height(n->left), r = height(n->right);
    n->height = (l > r ? l : r) + 1;
}

static omap_node *rotate_right(omap_node *n)
{
    omap_node *l = n->left;
    n->left = l->right;
    l->right = n;
    fix_height(n);
    fix_height(l);
    return l;
}

static omap_node *rotate_left(omap_node *n)
{
    omap_node *r = n->right;
    n->right = r->left;
    r->left = n;
    fix_height(n);
    fix_height(r);
    return r;
}

static omap_node *rebalance(omap_node *n)
{
    fix_height(n);
    int balance = height(n->left) - height(n->right);
    if (balance > 1) {
        if (height(n->left->left) < height(n->left->right))
            n->left = rotate_left(n->left);
        return rotate_right(n);
    }
    if (balance < -1) {
        if (height(n->right->right) < height(n->right->left))
            n->right = rotate_right(n->right);
        return rotate_left(n);
    }
    return n;
}

omap_node *omap_find(const ese_omap *map, const uint8_t *key, size_t cb_key)
{
    omap_node *n = map->root;
    while (n) {
        int c = omap_compare(key, cb_key, n->key, n->cb_key);
        if (!c)
            return n;
        n = c < 0 ? n->left : n->right;
    }
    return NULL;
}

omap_node *omap_seek(const ese_omap *map, const uint8_t *key, size_t cb_key, bt_seek_mode mode)
{
    if (mode == BT_SEEK_EQ)
        return omap_find(map, key, cb_key);
    bool forward = mode == BT_SEEK_GE || mode == BT_SEEK_GT;
    bool inclusive = mode == BT_SEEK_GE || mode == BT_SEEK_LE;
    omap_node *best = NULL;
    for (omap_node *n = map->root; n;) {
        int c = omap_compare(n->key, n->cb_key, key, cb_key); /* node vs key */
        if (c == 0 && inclusive)
            return n;
        if (forward) {
            if (c > 0) {
                best = n;
                n = n->left;
            } else {
                n = n->right;
            }
        } else {
            if (c < 0) {
                best = n;
                n = n->right;
            } else {
                n = n->left;
            }
        }
    }
    return best;
}

static omap_node *insert_node(omap_node *n, omap_node *fresh)
{
    if (!n)
        return fresh;
    if (omap_compare(fresh->key, fresh->cb_key, n->key, n->cb_key) < 0)
        n->left = insert_node(n->left, fresh);
    else
        n->right = insert_node(n->right, fresh);
    return rebalance(n);
}

JET_ERR omap_insert(ese_omap *map, const uint8_t *key, size_t cb_key, void *value)
{
    omap_node *fresh = osal_malloc(sizeof *fresh + (cb_key ? cb_key : 1));
    if (!fresh)
        return JET_errOutOfMemory;
    fresh->left = fresh->right = NULL;
    fresh->value = value;
    fresh->cb_key = (uint32_t)cb_key;
    fresh->height = 1;
    if (cb_key)
        memcpy(fresh->key, key, cb_key);
    map->root = insert_node(map->root, fresh);
    map->count++;
    return JET_errSuccess;
}

/* Unlink the smallest node of the subtree n into *pmin. */
static omap_node *take_min(omap_node *n, omap_node **pmin)
{
    if (!n->left) {
        *pmin = n;
        return n->right;
    }
    n->left = take_min(n->left, pmin);
    return rebalance(n);
}

static omap_node *remove_node(omap_node *n, const uint8_t *key, size_t cb_key, omap_node **pgone)
{
    if (!n)
        return NULL;
    int c = omap_compare(key, cb_key, n->key, n->cb_key);
    if (c < 0) {
        n->left = remove_node(n->left, key, cb_key, pgone);
    } else if (c > 0) {
        n->right = remove_node(n->right, key, cb_key, pgone);
    } else {
        *pgone = n;
        if (!n->right)
            return n->left;
        /* Nodes are relinked, never copied: a node's key and value stay where they are. */
        omap_node *min = NULL;
        omap_node *right = take_min(n->right, &min);
        min->right = right;
        min->left = n->left;
        return rebalance(min);
    }
    return rebalance(n);
}

void *omap_remove(ese_omap *map, const uint8_t *key, size_t cb_key)
{
    omap_node *gone = NULL;
    map->root = remove_node(map->root, key, cb_key, &gone);
    if (!gone)
        return NULL;
    void *value = gone->value;
    osal_free(gone);
    map->count--;
    return value;
}

static void walk(omap_node *n, void (*fn)(void *, omap_node *), void *context)
{
    while (n) {
        walk(n->left, fn, context);
        fn(context, n);
        n = n->right;
    }
}

void omap_walk(const ese_omap *map, void (*fn)(void *context, omap_node *node), void *context)
{
    walk(map->root, fn, context);
}

static void free_nodes(omap_node *n)
{
    while (n) {
        free_nodes(n->left);
        omap_node *right = n->right;
        osal_free(n);
        n = right;
    }
}

void omap_clear(ese_omap *map)
{
    free_nodes(map->root);
    map->root = NULL;
    map->count = 0;
}

uint32_t trx_make_key(uint32_t objid, const uint8_t *key, uint32_t cb_key, uint8_t *out)
{
    out[0] = (uint8_t)(objid >> 24);
    out[1] = (uint8_t)(objid >> 16);
    out[2] = (uint8_t)(objid >> 8);
    out[3] = (uint8_t)objid;
    if (cb_key)
        memcpy(out + 4, key, cb_key);
    return 4 + cb_key;
}

/* ---- the registry of open transactions and the commit timestamps ------------------------------ */

static pthread_mutex_t g_trx_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t g_commit_ts;       /* the last commit timestamp given out */
static ese_trx *g_active;          /* open explicit transactions */

static void register_active(ese_trx *trx)
{
    pthread_mutex_lock(&g_trx_lock);
    trx->snapshot = g_commit_ts;
    trx->active_prev = NULL;
    trx->active_next = g_active;
    if (g_active)
        g_active->active_prev = trx;
    g_active = trx;
    trx->active = true;
    pthread_mutex_unlock(&g_trx_lock);
}

static void unregister_active(ese_trx *trx)
{
    pthread_mutex_lock(&g_trx_lock);
    if (trx->active) {
        if (trx->active_prev)
            trx->active_prev->active_next = trx->active_next;
        else
            g_active = trx->active_next;
        if (trx->active_next)
            trx->active_next->active_prev = trx->active_prev;
        trx->active = false;
        trx->active_prev = trx->active_next = NULL;
    }
    pthread_mutex_unlock(&g_trx_lock);
}

uint64_t trx_commit_timestamp(const ese_trx *self, bool *keep_versions, uint64_t *gc_below)
{
    pthread_mutex_lock(&g_trx_lock);
    uint64_t ts = ++g_commit_ts;
    bool keep = false;
    uint64_t below = ts;
    for (const ese_trx *a = g_active; a; a = a->active_next) {
        if (a == self)
            continue;
        keep = true;
        if (a->snapshot < below)
            below = a->snapshot;
    }
    pthread_mutex_unlock(&g_trx_lock);
    *keep_versions = keep;
    *gc_below = below;
    return ts;
}

uint64_t trx_oldest_snapshot(void)
{
    pthread_mutex_lock(&g_trx_lock);
    uint64_t oldest = UINT64_MAX;
    for (const ese_trx *a = g_active; a; a = a->active_next)
        if (a->snapshot < oldest)
            oldest = a->snapshot;
    pthread_mutex_unlock(&g_trx_lock);
    return oldest;
}

/* ---- one transaction's bookkeeping ------------------------------------------------------------ */

void trx_entry_free(trx_entry *e)
{
    if (!e)
        return;
    osal_free(e->rec);
    osal_free(e);
}

void trx_init(ese_trx *trx, JET_SESID sesid)
{
    memset(trx, 0, sizeof *trx);
    trx->sesid = sesid;
    trx->limit = UINT64_MAX;
    pthread_mutex_init(&trx->context_lock, NULL);
}

void trx_init_implicit(ese_trx *trx)
{
    memset(trx, 0, sizeof *trx);
    trx->implicit = true;
    trx->level = 1;
    trx->snapshot = UINT64_MAX; /* reads and conflicts against the latest committed state */
    trx->limit = UINT64_MAX;
}

static void truncate_blobs(ese_trx *trx, size_t count)
{
    while (trx->blob_count > count) {
        trx_blob *b = &trx->blobs[--trx->blob_count];
        if (b->owned)
            osal_free((void *)b->data);
    }
}

/* Forget the undo records and blobs of a finished transaction (memory only). */
static void clear_level0(ese_trx *trx)
{
    while (trx->undo_count) {
        trx_undo *u = &trx->undo[--trx->undo_count];
        trx_entry_free(u->previous);
        osal_free(u->key);
    }
    truncate_blobs(trx, 0);
    trx->charge = 0;
    trx->level = 0;
    trx->read_only = false;
}

void trx_free_implicit(ese_trx *trx)
{
    db_trx_release(trx); /* nothing left after a commit; the staged row after a failure */
    clear_level0(trx);
    osal_free(trx->dbs);
    osal_free(trx->undo);
    osal_free(trx->blobs);
}

JET_ERR trx_dbset_get(ese_trx *trx, struct ese_database *db, trx_dbset **pset)
{
    trx_dbset *set = trx_dbset_find(trx, db);
    if (set) {
        *pset = set;
        return JET_errSuccess;
    }
    if (trx->db_count == trx->db_cap) {
        size_t cap = trx->db_cap ? trx->db_cap * 2 : 2;
        trx_dbset *grown = osal_calloc(cap, sizeof *grown);
        if (!grown)
            return JET_errOutOfMemory;
        if (trx->db_count)
            memcpy(grown, trx->dbs, trx->db_count * sizeof *grown);
        osal_free(trx->dbs);
        trx->dbs = grown;
        trx->db_cap = cap;
    }
    set = &trx->dbs[trx->db_count++];
    memset(set, 0, sizeof *set);
    set->db = db;
    *pset = set;
    return JET_errSuccess;
}

trx_dbset *trx_dbset_find(ese_trx *trx, const struct ese_database *db)
{
    for (size_t i = 0; i < trx->db_count; i++)
        if (trx->dbs[i].db == db)
            return &trx->dbs[i];
    return NULL;
}

JET_ERR trx_push_undo(ese_trx *trx, size_t set, const uint8_t *key, uint32_t cb_key,
                      trx_entry *previous)
{
    if (trx->undo_count == trx->undo_cap) {
        size_t cap = trx->undo_cap ? trx->undo_cap * 2 : 16;
        trx_undo *grown = osal_malloc(cap * sizeof *grown);
        if (!grown)
            return JET_errOutOfMemory;
        if (trx->undo_count)
            memcpy(grown, trx->undo, trx->undo_count * sizeof *grown);
        osal_free(trx->undo);
        trx->undo = grown;
        trx->undo_cap = cap;
    }
    uint8_t *copy = osal_malloc(cb_key ? cb_key : 1);
    if (!copy)
        return JET_errOutOfMemory;
    memcpy(copy, key, cb_key);
    trx->undo[trx->undo_count++] = (trx_undo){set, copy, cb_key, previous};
    return JET_errSuccess;
}

void trx_drop_last_undo(ese_trx *trx)
{
    if (trx->undo_count) {
        trx_undo *u = &trx->undo[--trx->undo_count];
        osal_free(u->key); /* u->previous stays with its caller */
    }
}

JET_ERR trx_add_blob(ese_trx *trx, const void *data, uint32_t cb, bool copy, uint64_t *plid)
{
    if (trx->blob_count == trx->blob_cap) {
        size_t cap = trx->blob_cap ? trx->blob_cap * 2 : 8;
        trx_blob *grown = osal_malloc(cap * sizeof *grown);
        if (!grown)
            return JET_errOutOfMemory;
        if (trx->blob_count)
            memcpy(grown, trx->blobs, trx->blob_count * sizeof *grown);
        osal_free(trx->blobs);
        trx->blobs = grown;
        trx->blob_cap = cap;
    }
    const uint8_t *bytes = data;
    if (copy) {
        uint8_t *dup = osal_malloc(cb ? cb : 1);
        if (!dup)
            return JET_errOutOfMemory;
        if (cb)
            memcpy(dup, data, cb);
        bytes = dup;
    }
    *plid = TRX_LID_BASE | trx->blob_count;
    trx->blobs[trx->blob_count++] = (trx_blob){bytes, cb, copy};
    return JET_errSuccess;
}

void trx_truncate_blobs(ese_trx *trx, size_t count)
{
    truncate_blobs(trx, count);
}

const trx_blob *trx_blob_of(const ese_trx *trx, uint64_t lid)
{
    if (!trx || !trx_lid_is_transient(lid))
        return NULL;
    uint64_t index = lid & ~TRX_LID_BASE;
    return index < trx->blob_count ? &trx->blobs[index] : NULL;
}

uint64_t trx_savepoint(const ese_trx *trx)
{
    return trx->implicit ? 0 : trx->savepoint[trx->level];
}

/* ---- the thread binding ----------------------------------------------------------------------- */

static void bind_to_caller(ese_trx *trx)
{
    pthread_mutex_lock(&trx->context_lock);
    trx->bound_to_context = trx->context_set;
    trx->trx_context = trx->context;
    trx->thread = pthread_self();
    pthread_mutex_unlock(&trx->context_lock);
}

/* ESENT's FPIBCheckTrxContext: with a session context at begin, the caller must be the thread
 * that set that same context; otherwise it must be the thread that began. */
static bool caller_is_bound(ese_trx *trx)
{
    pthread_mutex_lock(&trx->context_lock);
    bool ok = trx->bound_to_context
                  ? trx->context_set && trx->context == trx->trx_context &&
                        pthread_equal(trx->context_thread, pthread_self())
                  : pthread_equal(trx->thread, pthread_self());
    pthread_mutex_unlock(&trx->context_lock);
    return ok;
}

JET_ERR trx_check_caller(ese_trx *trx)
{
    if (trx && trx->level > 0 && !trx->implicit && !caller_is_bound(trx))
        return JET_errSessionSharingViolation;
    return JET_errSuccess;
}

/* ---- levels ------------------------------------------------------------------------------------- */

static uint64_t g_next_savepoint = 1; /* under g_trx_lock */

static void begin_level(ese_trx *trx, JET_GRBIT grbit)
{
    if (trx->level == 0) {
        bind_to_caller(trx);
        trx->read_only = (grbit & JET_bitTransactionReadOnly) != 0;
        trx->charge = 0;
        register_active(trx);
    }
    pthread_mutex_lock(&g_trx_lock);
    uint64_t id = g_next_savepoint++;
    pthread_mutex_unlock(&g_trx_lock);
    trx->level++;
    trx->savepoint[trx->level] = id;
    trx->undo_mark[trx->level] = trx->undo_count;
    trx->blob_mark[trx->level] = trx->blob_count;
}

static void end_level0(ese_trx *trx)
{
    unregister_active(trx);
    clear_level0(trx);
}

/* Undo the current level (memory only: nothing of it reached a page). */
static void rollback_level(ese_trx *trx)
{
    uint32_t level = trx->level;
    while (trx->undo_count > trx->undo_mark[level]) {
        trx_undo *u = &trx->undo[--trx->undo_count];
        db_trx_undo(trx, u); /* takes u->previous */
        osal_free(u->key);
    }
    truncate_blobs(trx, trx->blob_mark[level]);
    trx->level--;
    if (trx->level == 0) {
        db_trx_release(trx);
        end_level0(trx);
    }
}

JET_ERR trx_begin(ese_trx *trx, JET_GRBIT grbit)
{
    if (trx->level >= TRX_LEVEL_MOST)
        return JET_errTransTooDeep;
    begin_level(trx, grbit);
    return JET_errSuccess;
}

JET_ERR trx_commit_level(ese_trx *trx, struct ese_log **plog, uint64_t *pend)
{
    *plog = NULL;
    *pend = 0;
    if (trx->level == 0)
        return JET_errNotInTransaction;
    if (trx->level > 1) {
        /* A nested commit: the level's changes and undo records join the level below. */
        trx->level--;
        return JET_errSuccess;
    }
    JET_ERR err = db_trx_commit(trx, plog, pend);
    if (err < 0)
        return err; /* nothing applied: the transaction is still open (roll back or retry) */
    end_level0(trx);
    if (*plog) {
        trx->last_log = *plog;
        trx->last_commit_end = *pend;
    }
    return JET_errSuccess;
}

void trx_rollback_level(ese_trx *trx)
{
    if (trx->level > 0)
        rollback_level(trx);
}

void trx_destroy(ese_trx *trx)
{
    while (trx->level > 0)
        rollback_level(trx);
    db_trx_release(trx);
    clear_level0(trx);
    osal_free(trx->dbs);
    osal_free(trx->undo);
    osal_free(trx->blobs);
    trx->dbs = NULL;
    trx->undo = NULL;
    trx->blobs = NULL;
    trx->db_count = trx->db_cap = trx->undo_cap = trx->blob_cap = 0;
    pthread_mutex_destroy(&trx->context_lock);
}

/* ---- the session behind a Jet call --------------------------------------------------------------- */

typedef struct {
    ese_trx *trx;
    struct ese_log *log;     /* the instance's log, NULL with Recovery off */
    uint64_t cache_pages;    /* the cache budget: JET_paramCacheSizeMax (bm_cache_budget) */
} trx_call;

static JET_ERR call_begin(JET_SESID sesid, trx_call *call)
{
    memset(call, 0, sizeof *call);
    pthread_mutex_lock(&g_engine.lock);
    ese_session *s;
    JET_ERR err = session_find_locked(sesid, &s);
    if (err == JET_errSuccess) {
        if (s->instance->state == INSTANCE_TERMINATING)
            err = JET_errTermInProgress;
        else if (s->instance->state != INSTANCE_RUNNING)
            err = JET_errNotInitialized;
    }
    if (err == JET_errSuccess) {
        call->trx = session_trx(s);
        call->log = s->instance->log;
        /* The number the buffer managers enforce (params.c sets it from
         * JET_paramCacheSizeMax), so the write-set limit is a quarter of the real cache. */
        call->cache_pages = bm_cache_budget();
    }
    pthread_mutex_unlock(&g_engine.lock);
    return err;
}

JET_ERR trx_log_usable(struct ese_log *log)
{
    /* A log that failed a write or fsync is dead for good (log.h): the instance is unusable, as
     * ESENT's is after a fatal log error. */
    if (log && log_flush(log, 0) < 0)
        return JET_errInstanceUnavailable;
    return JET_errSuccess;
}

/* Tell the table handles of the session (api_database.c) the level it is at now. */
static void tables_to_level(JET_SESID sesid, uint32_t level, bool rollback)
{
    pthread_mutex_lock(&g_engine.lock);
    api_session_level_locked(sesid, level, rollback);
    pthread_mutex_unlock(&g_engine.lock);
}

/* ---- the Jet API --------------------------------------------------------------------------------- */

JET_ERR JET_API JetBeginTransaction3(JET_SESID sesid, int64_t trxid, JET_GRBIT grbit)
{
    (void)trxid; /* a caller's tracing id: libese does not trace */
    trx_call call;
    JET_ERR err = call_begin(sesid, &call);
    if (err < 0)
        return err;
    if ((err = trx_log_usable(call.log)) < 0)
        return err;
    ese_trx *trx = call.trx;
    if (trx->level >= TRX_LEVEL_MOST)
        return JET_errTransTooDeep;
    if (trx->level > 0 && !caller_is_bound(trx))
        return JET_errSessionSharingViolation;
    if (trx->level == 0) {
        /* The write-set limit: a quarter of the cache (DESIGN.md "Transactions"). */
        uint64_t pages = call.cache_pages / 4;
        trx->limit = pages ? pages : 1;
    }
    return trx_begin(trx, grbit); /* other grbits are ignored, as ESENT filters them */
}

JET_ERR JET_API JetBeginTransaction2(JET_SESID sesid, JET_GRBIT grbit)
{
    return JetBeginTransaction3(sesid, 0, grbit);
}

JET_ERR JET_API JetBeginTransaction(JET_SESID sesid)
{
    return JetBeginTransaction3(sesid, 0, 0);
}

#ifndef JET_bitForceNewLog
#define JET_bitForceNewLog 0x00000010 /* the SDK's value; esent_constants.h lacks it */
#endif

#define COMMIT_GRBITS (JET_bitCommitLazyFlush | JET_bitWaitLastLevel0Commit | \
                       JET_bitWaitAllLevel0Commit | JET_bitForceNewLog)

JET_ERR JET_API JetCommitTransaction2(JET_SESID sesid, JET_GRBIT grbit,
                                      ESE_ULONG cmsecDurableCommit, JET_COMMIT_ID *pCommitId)
{
    trx_call call;
    JET_ERR err = call_begin(sesid, &call);
    if (err < 0)
        return err;
    ese_trx *trx = call.trx;
    if (grbit & ~(JET_GRBIT)COMMIT_GRBITS)
        return JET_errInvalidGrbit;
    if ((err = trx_log_usable(call.log)) < 0)
        return err;
    if (grbit & JET_bitForceNewLog) {
        if (grbit != JET_bitForceNewLog)
            return JET_errInvalidGrbit;
        return call.log ? log_roll(call.log, NULL) : JET_errSuccess;
    }
    if (grbit & JET_bitWaitAllLevel0Commit) {
        if (grbit != JET_bitWaitAllLevel0Commit)
            return JET_errInvalidGrbit;
        return call.log ? log_flush(call.log, LOG_LSN_MAX) : JET_errSuccess;
    }
    if (grbit & JET_bitWaitLastLevel0Commit) {
        if (grbit != JET_bitWaitLastLevel0Commit)
            return JET_errInvalidGrbit;
        if (!trx->last_log || trx->last_log != call.log)
            return JET_errSuccess; /* nothing committed through this log yet */
        return log_flush(call.log, trx->last_commit_end);
    }
    if (trx->level == 0)
        return JET_errNotInTransaction;
    if (!caller_is_bound(trx))
        return JET_errSessionSharingViolation;
    bool lazy = (grbit & JET_bitCommitLazyFlush) != 0;
    if (!lazy && cmsecDurableCommit)
        return JET_errInvalidParameter; /* ESENT: a durable commit takes no timeout */
    struct ese_log *log = NULL;
    uint64_t end = 0;
    if ((err = trx_commit_level(trx, &log, &end)) < 0)
        return err;
    tables_to_level(sesid, trx->level, false);
    if (trx->level > 0)
        return JET_errSuccess;
    if (log && end) {
        if (pCommitId) {
            memset(pCommitId, 0, sizeof *pCommitId);
            /* signLog, and the commit record's LGPOS read as one 64-bit number (ESENT's
             * lgposCommitRec.qw: ib, isec, generation from the low bits up). */
            ese_signature sign;
            log_signature(log, &sign);
            ese_signature_store(&pCommitId->signLog, &sign);
            ese_lgpos pos = log_lsn_to_lgpos(end);
            pCommitId->commitId = (int64_t)((uint64_t)pos.ib | (uint64_t)pos.isec << 16 |
                                            (uint64_t)(uint32_t)pos.generation << 32);
        }
        /* Group commit: the database latch is free again; log_flush lets one fsync serve
         * every session waiting.  A lazy commit (any cmsecDurableCommit included) leaves the
         * record to the next flush: libese has no timer. */
        if (!lazy)
            err = log_flush(log, end);
    } else if (pCommitId) {
        memset(pCommitId, 0, sizeof *pCommitId);
    }
    return err;
}

JET_ERR JET_API JetCommitTransaction(JET_SESID sesid, JET_GRBIT grbit)
{
    return JetCommitTransaction2(sesid, grbit, 0, NULL);
}

JET_ERR JET_API JetRollback(JET_SESID sesid, JET_GRBIT grbit)
{
    trx_call call;
    JET_ERR err = call_begin(sesid, &call);
    if (err < 0)
        return err;
    ese_trx *trx = call.trx;
    /* Allowed on a dead instance: it only drops memory. */
    if (trx->level == 0)
        return JET_errNotInTransaction;
    if (!caller_is_bound(trx))
        return JET_errSessionSharingViolation;
    do {
        trx_rollback_level(trx);
        tables_to_level(sesid, trx->level, true);
    } while ((grbit & JET_bitRollbackAll) && trx->level > 0);
    return JET_errSuccess;
}

JET_ERR JET_API JetSetSessionContext(JET_SESID sesid, JET_API_PTR ulContext)
{
    trx_call call;
    JET_ERR err = call_begin(sesid, &call);
    if (err < 0)
        return err;
    if (ulContext == 0 || ulContext == (JET_API_PTR)-1)
        return JET_errInvalidParameter;
    ese_trx *trx = call.trx;
    pthread_mutex_lock(&trx->context_lock);
    if (trx->context_set) {
        err = JET_errSessionContextAlreadySet;
    } else {
        trx->context_set = true;
        trx->context = ulContext;
        trx->context_thread = pthread_self();
    }
    pthread_mutex_unlock(&trx->context_lock);
    return err;
}

JET_ERR JET_API JetResetSessionContext(JET_SESID sesid)
{
    trx_call call;
    JET_ERR err = call_begin(sesid, &call);
    if (err < 0)
        return err;
    ese_trx *trx = call.trx;
    pthread_mutex_lock(&trx->context_lock);
    if (!trx->context_set || !pthread_equal(trx->context_thread, pthread_self())) {
        err = JET_errSessionContextNotSetByThisThread;
    } else {
        trx->context_set = false;
        trx->context = 0;
    }
    pthread_mutex_unlock(&trx->context_lock);
    return err;
}
