/*
 * trx.h -- transactions: a session's save points, its write sets, snapshot isolation, write
 * locks and the commit grbits (JetBeginTransaction*, JetCommitTransaction*, JetRollback,
 * JetSetSessionContext, JetResetSessionContext).  Contract: docs/contract/transactions.md;
 * design: libese DESIGN.md "Durability" and "Transactions".
 *
 * Split of the work:
 *   trx.c       the Jet calls, save points (levels 1..7), the undo stack, transient long
 *               values, the thread binding, the registry of open transactions and the commit
 *               timestamps that give snapshots;
 *   database.c  everything kept per database: the write sets (staging an insert, replace or
 *               delete), the row states (write locks, committed versions that snapshots still
 *               need), the merged reads, and the commit itself (apply, log, wake).
 *
 * Nothing of a transaction reaches a page before its level-0 commit (no-steal): a change is
 * *staged* in the session's write set, ordered by (objid, primary key), and the commit applies
 * every write set in one buffer-manager batch per database and logs it as one commit unit.
 *
 * Locks: g_trx_lock (trx.c) guards the registry of open transactions and the commit-timestamp
 * counter; it is a leaf lock (nothing is taken under it), taken under a database's latch.
 */
#ifndef LIBESE_TRX_H
#define LIBESE_TRX_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "btree.h"
#include "esent.h"

/* ---- an ordered map of byte-string keys (an AVL tree) --------------------------------------- */

/* Keys compare as ESE keys do: bytes like memcmp, then the shorter first. */
typedef struct omap_node {
    struct omap_node *left, *right;
    void *value;
    uint32_t cb_key;
    int height;
    uint8_t key[];
} omap_node;

typedef struct {
    omap_node *root;
    size_t count;
} ese_omap;

int omap_compare(const uint8_t *a, size_t cb_a, const uint8_t *b, size_t cb_b);
omap_node *omap_find(const ese_omap *map, const uint8_t *key, size_t cb_key);
/* The node nearest `key` by mode (BT_SEEK_EQ / GE / GT / LE / LT), or NULL. */
omap_node *omap_seek(const ese_omap *map, const uint8_t *key, size_t cb_key, bt_seek_mode mode);
/* Add key -> value (the key must be absent).  JET_errOutOfMemory. */
JET_ERR omap_insert(ese_omap *map, const uint8_t *key, size_t cb_key, void *value);
/* Remove a key; returns its value (NULL if absent). */
void *omap_remove(ese_omap *map, const uint8_t *key, size_t cb_key);
/* Call fn(context, node) for every node in key order (fn must not change the map). */
void omap_walk(const ese_omap *map, void (*fn)(void *context, omap_node *node), void *context);
/* Free every node (values are the caller's: free them first, e.g. with omap_walk). */
void omap_clear(ese_omap *map);

/* ---- write-set keys -------------------------------------------------------------------------- */

/* Write sets and row states are keyed by BE32(objid of the table) || normalized primary key. */
#define TRX_KEY_MOST (4u + 255u)
uint32_t trx_make_key(uint32_t objid, const uint8_t *key, uint32_t cb_key, uint8_t *out);

/* ---- transient long values -------------------------------------------------------------------- */

/* A long value set inside a transaction is not in the LV tree until commit: the staged record
 * refers to it by a transient LID (LID64 form, never written to disk) that indexes the
 * transaction's blob list.  The commit writes the value and puts the real LID in its place. */
#define TRX_LID_BASE 0xFFFFFFFF00000000ull
static inline bool trx_lid_is_transient(uint64_t lid) { return (lid & TRX_LID_BASE) == TRX_LID_BASE; }

typedef struct {
    const uint8_t *data;
    uint32_t cb;
    bool owned;        /* data is the transaction's copy (osal_free it) */
} trx_blob;

/* ---- write sets ------------------------------------------------------------------------------- */

struct ese_table;
struct ese_database;
struct ese_log;
struct ese_trx;

/* One staged row: its state at the end of the transaction so far. */
typedef struct trx_entry {
    struct ese_table *t;
    bool present;           /* the row exists (insert / replace) or not (delete) */
    bool lock_only;         /* no change: only the row's write lock (JET_prepReplace) */
    uint8_t *rec;           /* present: the whole record, transient LIDs allowed */
    size_t cb_rec;
    uint64_t charge;        /* its share of the write-set limit, in pages */
    uint64_t savepoint;     /* id of the save point that made this version of the entry */
} trx_entry;

/* The write set on one database. */
typedef struct {
    struct ese_database *db;
    ese_omap ws;            /* trx key -> trx_entry * */
    bool referenced;        /* counted in the database's transaction references */
} trx_dbset;

/* What one staged change replaced, to undo it at a rollback of its save point. */
typedef struct {
    size_t dbset;           /* index in trx->dbs */
    uint8_t *key;           /* trx key (osal_malloc'd) */
    uint32_t cb_key;
    trx_entry *previous;    /* the entry before the change; NULL: the key was not staged */
} trx_undo;

/* ESENT's deepest user level (levelUserMost): the 8th JetBeginTransaction fails. */
#define TRX_LEVEL_MOST 7u

typedef struct ese_trx {
    JET_SESID sesid;
    uint32_t level;                            /* 0: not in a transaction */
    bool implicit;                             /* the engine's one-update transaction */
    bool read_only;                            /* JET_bitTransactionReadOnly */
    uint64_t snapshot;                         /* commits up to this timestamp are visible */
    uint64_t savepoint[TRX_LEVEL_MOST + 1];    /* id of each open level (index = level) */
    size_t undo_mark[TRX_LEVEL_MOST + 1];      /* undo_count when the level began */
    size_t blob_mark[TRX_LEVEL_MOST + 1];      /* blob_count when the level began */
    trx_dbset *dbs;
    size_t db_count, db_cap;
    trx_undo *undo;
    size_t undo_count, undo_cap;
    trx_blob *blobs;
    size_t blob_count, blob_cap;
    uint64_t charge;                           /* pages the write sets may touch at commit */
    uint64_t limit;                            /* JET_errVersionStoreOutOfMemory above it */

    /* The thread binding (ESENT's trx context): set at the level-0 begin. */
    bool bound_to_context;                     /* bound to the session context, not a thread */
    pthread_t thread;
    JET_API_PTR trx_context;

    /* JetSetSessionContext */
    pthread_mutex_t context_lock;
    bool context_set;
    JET_API_PTR context;
    pthread_t context_thread;

    /* The last level-0 commit that logged something (JET_bitWaitLastLevel0Commit). */
    struct ese_log *last_log;
    uint64_t last_commit_end;

    /* The registry of open explicit transactions (g_trx_lock). */
    struct ese_trx *active_prev, *active_next;
    bool active;
} ese_trx;

/* ---- lifetime (session.c) -------------------------------------------------------------------- */

void trx_init(ese_trx *trx, JET_SESID sesid);
/* Roll back whatever is open and free everything (JetEndSession, JetTerm). */
void trx_destroy(ese_trx *trx);

/* The transaction calls without the Jet API's session checks (database-level tests use them
 * too).  trx_begin: JET_errTransTooDeep at level 7.  trx_commit_level: JET_errNotInTransaction;
 * a nested level merges into its parent; level 1 commits every write set as one commit unit
 * (db_trx_commit) -- on failure nothing is applied and the transaction stays open -- and gives
 * back the log position the caller waits for (*plog NULL: nothing logged; a lazy commit does
 * not wait).  trx_rollback_level undoes the current level (memory only). */
JET_ERR trx_begin(ese_trx *trx, JET_GRBIT grbit);
JET_ERR trx_commit_level(ese_trx *trx, struct ese_log **plog, uint64_t *pend);
void trx_rollback_level(ese_trx *trx);

/* A one-update transaction for an update outside any transaction (no snapshot, no limit). */
void trx_init_implicit(ese_trx *trx);
void trx_free_implicit(ese_trx *trx);

/* ---- used by database.c ---------------------------------------------------------------------- */

/* The write set of `trx` on `db`, created on first use (JET_errOutOfMemory). */
JET_ERR trx_dbset_get(ese_trx *trx, struct ese_database *db, trx_dbset **pset);
trx_dbset *trx_dbset_find(ese_trx *trx, const struct ese_database *db);

/* Record that the entry for `key` in dbs[set] is about to change at the current level (its
 * current version `previous` moves into the undo stack, or NULL).  JET_errOutOfMemory. */
JET_ERR trx_push_undo(ese_trx *trx, size_t set, const uint8_t *key, uint32_t cb_key,
                      trx_entry *previous);

/* Add a transient long value; *plid is its transient LID.  `copy`: take a copy of the bytes
 * (explicit transactions) instead of pointing at the caller's (the implicit one, applied
 * before the call returns).  JET_errOutOfMemory. */
JET_ERR trx_add_blob(ese_trx *trx, const void *data, uint32_t cb, bool copy, uint64_t *plid);
const trx_blob *trx_blob_of(const ese_trx *trx, uint64_t lid);
/* Free the blobs added after the first `count` (a staging that failed). */
void trx_truncate_blobs(ese_trx *trx, size_t count);
/* Forget the last undo record (its `previous` stays with the caller): a staging that failed. */
void trx_drop_last_undo(ese_trx *trx);

/* The id of the current save point (0 outside a transaction). */
uint64_t trx_savepoint(const ese_trx *trx);

/* A new commit timestamp, taken under g_trx_lock so no transaction begins between it and the
 * answers: *keep_versions tells whether another open transaction may read the state before
 * this commit; *gc_below is the oldest snapshot still open (versions at or below it are seen
 * by nobody any more). */
uint64_t trx_commit_timestamp(const ese_trx *self, bool *keep_versions, uint64_t *gc_below);
/* The oldest snapshot still open, or UINT64_MAX when none is. */
uint64_t trx_oldest_snapshot(void);

void trx_entry_free(trx_entry *e);

/* JET_errSessionSharingViolation when trx is in a transaction bound to another thread (or
 * session context) than the caller; JET_errSuccess otherwise (NULL included).  ESENT runs
 * every update in a nested transaction, so updates check this as Begin does. */
JET_ERR trx_check_caller(ese_trx *trx);

/* JET_errInstanceUnavailable once the instance's log has failed (it stays dead), else
 * JET_errSuccess; NULL (Recovery off) is always usable. */
JET_ERR trx_log_usable(struct ese_log *log);

#endif /* LIBESE_TRX_H */
