/*
 * api_data.h -- private to api_database.c / api_table.c: the Jet API's data objects.
 *
 * Three kinds of objects sit between the Jet handles and database.h:
 *
 *   api_db     one database file attached to one instance (JetAttachDatabase2W /
 *              JetCreateDatabase2W).  It owns the ese_database and knows the primary-key
 *              columns of every table (from the catalog at attach, or from
 *              JetCreateTableColumnIndex2W), which JetMakeKey needs.
 *   api_dbid   one JetOpenDatabaseW (or JetCreateDatabase2W) of a session: a JET_DBID.
 *   api_table  one JetOpenTableW of a session: a JET_TABLEID, its cursor position, its search
 *              key (JetMakeKey) and its prepared update (JetPrepareUpdate + JetSetColumn).
 *
 * Registry: all three live in arrays guarded by g_engine.lock (lock order 1, engine.h); it is
 * held only to find, add or remove objects, never across I/O.  Handles (dbids and tableids)
 * come from engine_new_handle_locked, so a closed handle is never valid again.
 *
 * Lifetimes: a dbid or tableid belongs to one session and is freed when it is closed or when
 * its session ends (api_session_end_locked, called by session.c); an api_db is freed by
 * JetDetachDatabase2W (which refuses while any dbid or tableid uses it) or by JetTerm2
 * (api_instance_term).  A session is used by one thread at a time (ESENT's rule), so an object
 * found under the lock stays valid while that session's call runs without it.
 *
 * Transactions (trx.h): every table handle reads and updates through its session's transaction
 * state.  Outside a transaction each JetUpdate / JetDelete is an implicit transaction, durable
 * at return; inside one it is staged in the session's write set until the level-0 commit.  A
 * table handle remembers the level it was opened, prepared and last moved at, because
 * JetRollback closes the tables opened in the rolled-back level, cancels the updates prepared
 * in it and moves the cursors that navigated in it before the first record (as ESENT does).
 */
#ifndef LIBESE_API_DATA_H
#define LIBESE_API_DATA_H

#include <stdbool.h>
#include <stdint.h>

#include "database.h"
#include "engine.h"
#include "key.h"

typedef struct api_key_info {
    uint32_t objid;                     /* the table */
    uint32_t count;                     /* key columns; 0 = no primary index */
    uint16_t fids[JET_ccolKeyMost];
    bool descending[JET_ccolKeyMost];
} api_key_info;

typedef struct api_db {
    ese_instance *inst;
    char *path;                         /* UTF-8, '\' turned into '/' */
    char *identity;                     /* realpath, to recognise the same file */
    ese_database *db;                   /* NULL while being attached (I/O in progress) */
    uint32_t dbid_count;                /* open dbids */
    uint32_t table_count;               /* open tableids */
    api_key_info *keys;
    size_t key_count, key_cap;
    uint8_t log_dbid;                   /* its id in the instance's log (0: not logged) */
} api_db;

typedef struct api_dbid {
    JET_DBID dbid;
    JET_SESID sesid;
    api_db *adb;
} api_dbid;

typedef enum {
    POS_BEFORE_FIRST = 0,  /* also the position after a failed seek */
    POS_ON,                /* on the record whose key is cur_key */
    POS_DELETED,           /* on the place of a record deleted through this cursor */
    POS_AFTER_LAST,
    POS_PAST_RANGE,        /* on the entry (cur_key) a JetMove found beyond its index range's
                            * limit: no current record, but moves go on from there (api_cursor.c) */
    POS_GAP,               /* where a failed JetSeek's entry would have been: just before the
                            * entries >= cur_key (after those > cur_key with gap_after) */
} api_position;

#define API_PREP_NONE 0u
#define API_PREP_INSERT 1u
#define API_PREP_REPLACE 2u

typedef struct api_set_value {
    uint16_t fid;
    uint8_t *data;        /* osal_malloc'd (NULL for NULL / empty) */
    uint32_t cb;
    bool zero_length;
} api_set_value;

typedef struct api_table {
    JET_TABLEID tableid;
    JET_SESID sesid;
    JET_DBID dbid;
    api_db *adb;
    ese_table *t;
    api_key_info key;
    key_segment segments[JET_ccolKeyMost];
    key_index kidx;
    db_cursor *cursor;
    struct ese_trx *trx;                /* its session's transaction state */
    uint32_t level_open, level_prep, level_nav; /* transaction levels (see the top) */
    api_position pos;
    uint8_t cur_key[DB_KEY_MOST + 1];
    uint32_t cb_cur_key;
    uint8_t *rec;                       /* copy of the current record */
    size_t cb_rec;
    uint64_t rec_generation;            /* db_generation when rec was read */
    key_search search;
    uint32_t prep;                      /* API_PREP_* */
    api_set_value *values;
    size_t value_count, value_cap;
    /* the cursor API (api_cursor.c) */
    size_t cap_rec;                     /* rec's allocated size */
    bool synced;                        /* cursor stands on cur_key: JetMove steps from there */
    bool gap_after;                     /* POS_GAP: after the entries equal to cur_key */
    bool range, range_upper, range_inclusive; /* an index range in effect (JetSetIndexRange) */
    uint32_t cb_range_key;
    uint8_t range_key[KEY_LIMIT_MOST_MOST];
} api_table;

/* ---- registry (api_database.c); callers hold g_engine.lock ---------------------------------- */
JET_ERR api_dbid_find_locked(JET_SESID sesid, JET_DBID dbid, api_dbid **pd);
JET_ERR api_table_register_locked(api_table *tb);
JET_ERR api_table_find_locked(JET_SESID sesid, JET_TABLEID tableid, api_table **ptb);
/* Unregister and free a table handle (memory only: no I/O). */
void api_table_remove_locked(api_table *tb);
/* The key columns of a table (objid) of a database, or NULL. */
const api_key_info *api_db_keys_locked(api_db *adb, uint32_t objid);
JET_ERR api_db_add_keys_locked(api_db *adb, const api_key_info *k);

/* A session's table handle, checked: JET_errInvalidSesid, JET_errInvalidTableId, and
 * JET_errInstanceUnavailable once the instance's log has failed. */
JET_ERR api_table_get(JET_SESID sesid, JET_TABLEID tableid, api_table **ptb);
/* The same without the instance check: for calls that only drop memory (cancelling an update)
 * and must work on an unusable instance too. */
JET_ERR api_table_get_any(JET_SESID sesid, JET_TABLEID tableid, api_table **ptb);

/* Make tb->rec the current record (api_table.c): JET_errNoCurrentRecord off a record,
 * JET_errRecordDeleted on one deleted since. */
JET_ERR api_table_load_current(api_table *tb);
/* Drop a prepared update (api_table.c): every navigation cancels it, as ESENT's does. */
void api_table_cancel_update(api_table *tb);

/* ---- hooks for session.c and instance.c ---------------------------------------------------- */
/* Close every table and dbid of a session (memory only; caller holds g_engine.lock). */
void api_session_end_locked(JET_SESID sesid);
/* The session's transaction is at `level` now (caller holds g_engine.lock): after a commit
 * the tables' levels come down to it; after a rollback (rollback true) the tables opened
 * above it are closed, updates prepared above it cancelled, cursors that navigated above it
 * moved before the first record. */
void api_session_level_locked(JET_SESID sesid, uint32_t level, bool rollback);
/* Close every database attached to an instance that JetTerm2 has unregistered (its sessions
 * ended already).  Takes g_engine.lock itself; flushes the files without it.  Returns the first
 * failed close (every database is closed and freed regardless): the file then keeps its dirty
 * state and JetTerm2 must leave the checkpoint where recovery still replays it. */
JET_ERR api_instance_term(ese_instance *inst);

/* ---- hooks for the streaming backup (backup.c) ---------------------------------------------- */
typedef struct api_backup_db {
    char *identity;    /* canonical path (osal_malloc'd) */
    ese_database *db;
} api_backup_db;
/* The instance's attached databases that are logged (not read-only), in attach order. */
JET_ERR api_backup_databases(ese_instance *inst, api_backup_db **pdbs, size_t *pcount);
void api_backup_databases_free(api_backup_db *dbs, size_t count);
/* The attached, logged database of the instance a file name (UTF-8) names, by canonical path:
 * JET_errDatabaseNotFound when none.  out->identity is osal_malloc'd. */
JET_ERR api_backup_find_database(ese_instance *inst, const char *path, api_backup_db *out);

#endif /* LIBESE_API_DATA_H */
